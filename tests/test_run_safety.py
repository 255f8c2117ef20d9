"""A run on a shared server: nothing published is lost, files are not world-readable, a bad
--out or a planted lock is one sentence, and a killed run's private files do not stay behind.

Runs use the small stand-in notebooks of tests/fixtures/notebooks/.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest

import kpi_helpers.cli.run as run_command
from kpi_helpers.cli.parser import main
from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.publish import html as publish
from kpi_helpers.run.pool import OWNER_FILE, PRIVATE_PREFIX, remove_stale_private_folders

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
PERIOD = "2026-Q2"
ROOT = Path(__file__).resolve().parents[1]


def run_cli(*argv) -> SimpleNamespace:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(out), redirect_stderr(err):
        mp.setattr(run_command, "NOTEBOOKS_DIR", FIXTURES)
        code = main([str(a) for a in argv])
    return SimpleNamespace(code=code, stdout=out.getvalue(), stderr=err.getvalue())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("safety")
    data = init_data_folder(root / "data")
    out = root / "reports"
    result = run_cli("run", "--data", data, "--out", out, "--jobs", "2")
    assert result.code == 0, result.stderr
    return SimpleNamespace(data=data, out=out, folder=out / PERIOD)


def copy_reports(published, tmp_path: Path) -> Path:
    out = tmp_path / "reports"
    shutil.copytree(published.out, out, symlinks=True)
    return out


def test_published_files_are_readable_by_owner_and_group_only(published):
    for path in [published.folder, *published.folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o750 if path.is_dir() else 0o640), (path, oct(mode))


@pytest.mark.slow
def test_file_mode_changes_the_published_modes(published, tmp_path):
    out = copy_reports(published, tmp_path)
    assert run_cli("run", "--data", published.data, "--out", out, "--file-mode", "0644").code == 0
    assert stat.S_IMODE((out / PERIOD / "index.html").stat().st_mode) == 0o644
    assert stat.S_IMODE((out / PERIOD / "pm").stat().st_mode) == 0o755
    bad = run_cli("run", "--data", published.data, "--out", out, "--file-mode", "0999")
    assert bad.code == 2 and "--file-mode: '0999' is not a file mode" in bad.stderr


@pytest.mark.slow
def test_a_run_for_one_pm_keeps_the_other_pms_pages(published, tmp_path):
    out = copy_reports(published, tmp_path)
    before = snapshot(out / PERIOD)
    result = run_cli("run", "--data", published.data, "--out", out, "--pm", "pm01", "--force")
    assert result.code == 0, result.stderr
    assert "kept the published pages of 1 other PMs (pm02)" in result.stderr
    after = snapshot(out / PERIOD)
    assert after["pm/pm02.html"] == before["pm/pm02.html"]
    assert after["executed/05_evaluation_pm02.ipynb"] == before["executed/05_evaluation_pm02.ipynb"]
    assert 'href="pm/pm02.html"' in after["index.html"].decode("utf-8")


def test_an_interrupted_publish_is_put_back_even_when_the_data_is_broken(published, tmp_path):
    out = copy_reports(published, tmp_path)
    before = snapshot(out / PERIOD)
    (out / PERIOD).rename(out / f".old-{PERIOD}-0a1b2c3d")  # killed between the two renames
    data = tmp_path / "data"
    shutil.copytree(published.data, data)
    (data / "kpis.csv").write_text("kpi_id\n", encoding="utf-8")
    result = run_cli("run", "--data", data, "--out", out)
    assert result.code == 1
    assert f"put back the reports of {PERIOD}" in result.stderr
    assert snapshot(out / PERIOD) == before
    assert not list(out.glob(".old-*"))


def test_an_odd_out_is_one_sentence(published, tmp_path):
    a_file = tmp_path / "reports.txt"
    a_file.write_text("not a folder")
    result = run_cli("run", "--data", published.data, "--out", a_file)
    assert result.code == 1
    assert (
        result.stderr
        == f"kpi-workbook: --out {a_file}: it exists and is not a folder; choose another path\n"
    )
    result = run_cli("run", "--data", published.data, "--out", a_file / "reports")
    assert result.code == 1 and "a part of this path is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_planted_lock_symlink_is_refused_and_its_target_untouched(published, tmp_path):
    out = copy_reports(published, tmp_path)
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    (out / f".{PERIOD}.lock").unlink(missing_ok=True)
    (out / f".{PERIOD}.lock").symlink_to(victim)
    result = run_cli("run", "--data", published.data, "--out", out)
    assert result.code == 1
    assert (
        "is not a plain file (a symbolic link or a folder); remove it and run again"
        in result.stderr
    )
    assert victim.read_text() == "keep me"


def test_a_full_disk_while_writing_the_manifest_is_one_sentence(published, tmp_path, monkeypatch):
    out = copy_reports(published, tmp_path)
    before = snapshot(out / PERIOD)

    def disk_full(path, obj):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(publish, "write_json", disk_full)
    result = run_cli("run", "--data", published.data, "--out", out)
    assert result.code == 1
    assert result.stderr.strip().endswith(
        "manifest.json: the disk is full; free some space and run again"
    )
    assert "Traceback" not in result.stderr
    assert snapshot(out / PERIOD) == before


def test_sample_refuses_a_folder_with_files_unless_forced(tiny_data, capsys):
    before = snapshot(tiny_data)
    assert main(["sample", "--out", str(tiny_data)]) == 1
    assert "already holds files, which the sample would overwrite" in capsys.readouterr().err
    assert snapshot(tiny_data) == before
    assert main(["sample", "--out", str(tiny_data), "--force"]) == 0
    assert snapshot(tiny_data) != before


def test_private_folders_of_killed_runs_are_removed_but_not_a_live_runs(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    killed = tmp_path / f"{PRIVATE_PREFIX}killed"
    (killed / "runtime").mkdir(parents=True)
    (killed / OWNER_FILE).write_text(str(dead.pid))
    (killed / "dataset.pickle").write_bytes(b"customer comments")
    live = tmp_path / f"{PRIVATE_PREFIX}live"
    live.mkdir()
    (live / OWNER_FILE).write_text(str(os.getpid()))
    old, fresh = tmp_path / f"{PRIVATE_PREFIX}old", tmp_path / f"{PRIVATE_PREFIX}fresh"
    old.mkdir()
    fresh.mkdir()
    os.utime(old, (time.time() - 3 * 86400,) * 2)
    removed = remove_stale_private_folders(str(tmp_path))
    assert sorted(p.name for p in removed) == sorted([killed.name, old.name])
    assert live.is_dir() and fresh.is_dir() and not killed.exists() and not old.exists()


@pytest.mark.slow
def test_sigterm_removes_the_private_folder_and_kernel_files(published, tmp_path):
    out = copy_reports(published, tmp_path)
    before = {p.name for p in Path(tempfile.gettempdir()).glob(f"{PRIVATE_PREFIX}*")}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = (
        "import sys; import kpi_helpers.cli.run as r; from pathlib import Path; "
        f"r.NOTEBOOKS_DIR = Path({str(FIXTURES)!r}); "
        "from kpi_helpers.cli.parser import main; sys.exit(main(sys.argv[1:]))"
    )
    argv = ["run", "--data", str(published.data), "--out", str(out), "--force", "--jobs", "1"]
    proc = subprocess.Popen([sys.executable, "-c", code, *argv], env=env, stderr=subprocess.PIPE)
    mine = None
    deadline = time.time() + 120
    while mine is None and time.time() < deadline and proc.poll() is None:
        for folder in Path(tempfile.gettempdir()).glob(f"{PRIVATE_PREFIX}*"):
            owner = folder / OWNER_FILE
            if folder.name not in before and owner.is_file() and owner.read_text() == str(proc.pid):
                if list((folder / "runtime").glob("*.json")):
                    mine = folder
        time.sleep(0.2)
    assert mine is not None, "the run never started a kernel"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert not mine.exists()
