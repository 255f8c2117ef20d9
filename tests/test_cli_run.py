"""`kpi-workbook run` end to end: one shared full run, then failures that must not touch it.

The run uses the project's notebooks once all six exist, else the small stand-ins in
tests/fixtures/notebooks/ (same names, same parameters cell).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.v4 import new_code_cell

import kpi_helpers.cli.run as run_command
from kpi_helpers.cli.parser import main
from kpi_helpers.config import NOTEBOOKS_DIR
from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.report import registry

STEMS = registry.stems()
PM_STEM = registry.per_pm().stem
TITLES = ["战略目标", "目标分解", "KPI 设计", "客户反馈", "绩效评估", "评估与调整", "校准"]
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
REAL = all((NOTEBOOKS_DIR / f"{s}.ipynb").exists() for s in STEMS)
NOTEBOOKS = NOTEBOOKS_DIR if REAL else FIXTURES
PERIOD = "2026-Q2"  # the latest period with actuals in the `kpi-workbook init` example


def run_cli(argv: list[str], notebooks: Path = NOTEBOOKS) -> SimpleNamespace:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(out), redirect_stderr(err):
        mp.setattr(run_command, "NOTEBOOKS_DIR", notebooks)
        code = main(argv)
    return SimpleNamespace(code=code, stdout=out.getvalue(), stderr=err.getvalue())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith((".tmp-", ".old-")))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    data = init_data_folder(root / "data")
    out = root / "reports"
    result = run_cli(["run", "--data", str(data), "--out", str(out), "--jobs", "2"])
    assert result.code == 0, result.stderr
    return SimpleNamespace(**vars(result), data=data, out=out, folder=out / PERIOD)


def copy_reports(published, tmp_path: Path) -> Path:
    out = tmp_path / "reports"
    shutil.copytree(published.out, out)
    return out


def copy_notebooks(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return folder


@pytest.mark.slow
def test_run_writes_every_file_of_the_contract(published):
    folder = published.folder
    assert published.stdout.strip() == str(folder / "index.html")
    expected = ["index.html", "manifest.json", "pm/pm01.html", "pm/pm02.html"]
    expected += [f"{s}.html" for s in STEMS]
    expected += [f"executed/{s}.ipynb" for s in STEMS]
    expected += [f"executed/{PM_STEM}_pm01.ipynb", f"executed/{PM_STEM}_pm02.ipynb"]
    missing = [name for name in expected if not (folder / name).is_file()]
    assert missing == []
    assert sorted(p.name for p in published.out.iterdir() if p.is_dir()) == [PERIOD]


@pytest.mark.slow
def test_pages_show_no_code_tracebacks_or_warnings(published):
    pages = sorted(published.folder.rglob("*.html"))
    assert len(pages) == len(STEMS) + 3  # the company reports, the index, two PM packs
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for forbidden in ("jp-InputArea-editor", "jp-InputPrompt", "Traceback", "Warning"):
            assert forbidden not in html, f"{page.name} shows {forbidden}"
        assert "fixture stderr text" not in html
        assert '<html lang="zh-CN">' in html
        assert re.search(rf"<title>[^<]* · {PERIOD}</title>", html)
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", html), page


@pytest.mark.slow
def test_pages_carry_their_chinese_titles_and_headings(published):
    for stem, title in zip(STEMS, TITLES, strict=True):
        html = (published.folder / f"{stem}.html").read_text(encoding="utf-8")
        assert f"<title>{title} · {PERIOD}</title>" in html
        assert "<h1" in html
        if not REAL:
            assert f">{title}<" in html  # the fixture notebook's own heading
    pm = (published.folder / "pm" / "pm01.html").read_text(encoding="utf-8")
    assert f"<title>张伟 的绩效评估 · {PERIOD}</title>" in pm
    assert 'href="../index.html"' in pm
    index = (published.folder / "index.html").read_text(encoding="utf-8")
    assert f"<title>示例科技 KPI 报告 · {PERIOD}</title>" in index
    for text in ("公司报告", "产品经理绩效报告", "张伟", "李娜", *TITLES):
        assert text in index
    for href in [f"{s}.html" for s in STEMS] + ["pm/pm01.html", "pm/pm02.html"]:
        assert f'href="{href}"' in index


@pytest.mark.slow
def test_a_lone_raters_comment_appears_in_no_file_of_the_run(published):
    """The example's 360 roles have one rater each: every comment is withheld, everywhere."""
    import zipfile

    comments = ["沟通及时", "跨团队计划需要提前同步", "复盘按时完成"]
    assert all(c in (published.data / "reviews.csv").read_text("utf-8-sig") for c in comments)
    texts = []
    for path in published.folder.rglob("*"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        elif path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    assert texts and not [c for c in comments if any(c in text for text in texts)]
    if REAL:
        pm = (published.folder / "pm" / "pm02.html").read_text(encoding="utf-8")
        assert "条评语未显示" in pm


@pytest.mark.slow
def test_manifest_records_what_made_the_reports(published):
    manifest = json.loads((published.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok"
    assert manifest["period"] == PERIOD
    assert manifest["parameters"]["pm"] == ["pm01", "pm02"]
    assert manifest["parameters"]["lang"] == "zh"
    assert manifest["parameters"]["data_dir"] == str(published.data.resolve())
    assert {"python", "pandas", "papermill", "nbconvert", "kpi_helpers"} <= set(
        manifest["versions"]
    )
    assert sorted(manifest["inputs"]) == sorted(p.name for p in published.data.iterdir())
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in manifest["inputs"].values())
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    runs = manifest["notebooks"]
    assert [r["name"] for r in runs][-2:] == [f"{PM_STEM}_pm01", f"{PM_STEM}_pm02"]
    assert {r["status"] for r in runs} == {"ok"}
    assert all(r["execute_seconds"] > 0 for r in runs)


@pytest.mark.slow
@pytest.mark.skipif(REAL, reason="the fixture notebooks print where their kernel runs")
def test_kernels_run_this_interpreter_and_keep_inline_figures(published):
    nb = nbformat.read(published.folder / "executed" / "01_strategy.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert f"{sys.executable} module://matplotlib_inline.backend_inline" in printed
    html = (published.folder / "01_strategy.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html
    assert sys.executable not in html  # the cell tagged remove-cell stays out of the page


@pytest.mark.slow
def test_progress_is_logged_one_line_per_notebook(published):
    for name in STEMS + [f"{PM_STEM}_pm01", f"{PM_STEM}_pm02"]:
        line = rf"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\S* INFO ok +{name} +\d+\.\d s$"
        assert re.search(line, published.stderr, re.MULTILINE), name
    assert "published" in published.stderr


@pytest.mark.slow
def test_rerun_with_unchanged_inputs_reuses_every_page(published, tmp_path):
    out = copy_reports(published, tmp_path)
    result = run_cli(["run", "--data", str(published.data), "--out", str(out)])
    assert result.code == 0, result.stderr
    manifest = json.loads((out / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    assert {r["status"] for r in manifest["notebooks"]} == {"reused"}
    # exported again from the kept notebook: the same page, under this run's header and footer
    reused, before = (f / "pm" / "pm01.html" for f in (out / PERIOD, published.folder))
    main = re.compile(r'<main id="main">.*</main>', re.S)
    assert main.search(reused.read_text("utf-8"))[0] == main.search(before.read_text("utf-8"))[0]
    assert leftovers(out) == []


@pytest.mark.slow
def test_broken_data_exits_1_and_leaves_the_report_untouched(published, tmp_path):
    out = copy_reports(published, tmp_path)
    before = snapshot(out / PERIOD)
    data = tmp_path / "data"
    shutil.copytree(published.data, data)
    with open(data / "actuals.csv", "a", encoding="utf-8") as f:
        f.write("2026-Q2,NO_SUCH_KPI,1\n")
    result = run_cli(["run", "--data", str(data), "--out", str(out)])
    assert result.code == 1
    assert "actuals.csv:" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(out / PERIOD) == before
    assert leftovers(out) == []


@pytest.mark.slow
def test_failing_notebook_is_named_with_its_cell_and_the_report_kept(published, tmp_path):
    out = copy_reports(published, tmp_path)
    before = snapshot(out / PERIOD)
    notebooks = copy_notebooks(tmp_path)
    path = notebooks / "04_feedback.ipynb"
    nb = nbformat.read(path, as_version=4)
    tagged = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(tagged + 1, new_code_cell('raise RuntimeError("made to fail")'))
    nbformat.write(nb, path)

    result = run_cli(["run", "--data", str(published.data), "--out", str(out)], notebooks)

    assert result.code == 1
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("kpi-workbook: notebook 04_feedback.ipynb failed in cell ")
    assert f"cell {tagged + 2} (" in message and "RuntimeError: made to fail" in message
    assert "unchanged" in message and "Traceback" not in result.stderr
    assert snapshot(out / PERIOD) == before
    kept = out / f"{PERIOD}.failed"
    assert (kept / "executed" / "04_feedback.ipynb").is_file()
    assert json.loads((kept / "manifest.json").read_text(encoding="utf-8"))["status"] == "failed"
    assert leftovers(out) == []


@pytest.mark.slow
def test_parameter_missing_from_a_notebook_stops_the_run_before_it_starts(published, tmp_path):
    out = copy_reports(published, tmp_path)
    before = snapshot(out / PERIOD)
    notebooks = copy_notebooks(tmp_path)
    path = notebooks / "02_goal_tree.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = "\n".join(line for line in cell.source.splitlines() if "interactive" not in line)
    nbformat.write(nb, path)

    result = run_cli(["run", "--data", str(published.data), "--out", str(out)], notebooks)

    assert result.code == 1
    assert "02_goal_tree.ipynb: parameter interactive is not set" in result.stderr
    assert snapshot(out / PERIOD) == before
    assert not (out / f"{PERIOD}.failed").exists()


def test_unknown_pm_is_a_usage_error(tiny_data, tmp_path):
    result = run_cli(
        ["run", "--data", str(tiny_data), "--out", str(tmp_path), "--pm", "pm01,nobody"]
    )
    assert result.code == 2
    assert "--pm: no product manager with id nobody in people.csv" in result.stderr


def test_period_of_another_cadence_is_a_usage_error(tiny_data, tmp_path):
    result = run_cli(
        ["run", "--data", str(tiny_data), "--out", str(tmp_path), "--period", "2026-H1"]
    )
    assert result.code == 2
    assert "cadence" in result.stderr


def test_jobs_must_be_positive(tiny_data, tmp_path):
    result = run_cli(["run", "--data", str(tiny_data), "--out", str(tmp_path), "--jobs", "0"])
    assert result.code == 2


def notebooks_failing_for(tmp_path: Path, pm_id: str) -> Path:
    """The fixture notebooks, with 05_evaluation raising for one PM only."""
    folder = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    path = folder / "05_evaluation.ipynb"
    nb = nbformat.read(path, as_version=4)
    tagged = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(
        tagged + 1,
        new_code_cell(f'if pm == "{pm_id}":\n    raise RuntimeError("made to fail for {pm_id}")'),
    )
    nbformat.write(nb, path)
    return folder


@pytest.mark.slow
def test_a_failing_pm_report_lets_the_others_finish_and_exits_1(published, tmp_path):
    out = copy_reports(published, tmp_path)
    before = snapshot(out / PERIOD)
    notebooks = notebooks_failing_for(tmp_path, "pm02")

    result = run_cli(
        ["run", "--data", str(published.data), "--out", str(out), "--force"], notebooks
    )

    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert "1 of 2 PM reports failed" in result.stderr and "--allow-partial" in result.stderr
    line = next(x for x in result.stderr.splitlines() if "for pm02 failed" in x)
    assert "RuntimeError: made to fail for pm02" in line and "in cell " in line
    for name in STEMS + ["05_evaluation_pm01"]:  # every other notebook ran to the end
        assert re.search(rf" ok +{name} ", result.stderr), name
    assert snapshot(out / PERIOD) == before
    kept = out / f"{PERIOD}.failed"
    assert (kept / "executed" / "05_evaluation_pm02.ipynb").is_file()
    manifest = json.loads((kept / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and manifest["failed"] == ["05_evaluation_pm02"]
    assert leftovers(out) == []


@pytest.mark.slow
def test_allow_partial_publishes_the_rest_and_lists_the_failed_report(published, tmp_path):
    out = copy_reports(published, tmp_path)
    notebooks = notebooks_failing_for(tmp_path, "pm02")

    result = run_cli(
        ["run", "--data", str(published.data), "--out", str(out), "--allow-partial"], notebooks
    )

    assert result.code == 0, result.stderr
    folder = out / PERIOD
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "partial" and manifest["failed"] == ["05_evaluation_pm02"]
    statuses = {n["name"]: n["status"] for n in manifest["notebooks"]}
    assert statuses["05_evaluation_pm02"] == "failed"
    assert statuses["05_evaluation_pm01"] in ("ok", "reused")
    assert (folder / "pm" / "pm01.html").is_file() and not (folder / "pm" / "pm02.html").exists()
    assert (folder / "executed" / "05_evaluation_pm02.ipynb").is_file()
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="pm/pm01.html"' in index and 'href="pm/pm02.html"' not in index
    assert "报告生成失败" in index
    assert "published without pm/pm02.html" in result.stderr
    assert not (out / f"{PERIOD}.failed").exists() and leftovers(out) == []


def start_run(data: Path, out: Path, log: Path) -> subprocess.Popen:
    """`kpi-workbook run --force` in its own process (and process group), logging to `log`."""
    argv = [sys.executable, "-m", "kpi_helpers.cli", "run", "--data", str(data)]
    with open(log, "w", encoding="utf-8") as stderr:
        return subprocess.Popen(
            [*argv, "--out", str(out), "--force", "--jobs", "2"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )


def _process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            table[int(entry.name)] = (int(fields[1]), fields[0])
        except (OSError, IndexError, ValueError):
            continue
    return table


def descendants(pid: int) -> set[int]:
    """The processes `pid` started, and theirs (workers, kernels in their own sessions too)."""
    table, found, frontier = _process_table(), set(), [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, _) in table.items():
            if ppid == parent and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    table = _process_table()
    return {p for p in pids if p in table and table[p][1] != "Z"}


def wait_for_a_finished_notebook(out: Path, proc: subprocess.Popen, limit: float = 300) -> None:
    """Return once the run has executed at least one notebook into its build folder."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if any(out.glob(f".tmp-{PERIOD}-*/*/*.html")) or any(out.glob(f".tmp-{PERIOD}-*/*.html")):
            return
        assert proc.poll() is None, "the run ended before it could be killed"
        time.sleep(0.2)
    raise AssertionError("no notebook finished in time")


@pytest.mark.slow
@pytest.mark.skipif(not REAL, reason="needs the project's notebooks (the run must take a while)")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_a_killed_run_leaves_the_reports_intact_and_the_next_run_completes(
    published, tmp_path, how
):
    out = copy_reports(published, tmp_path)
    before = snapshot(out / PERIOD)
    log = tmp_path / "run.log"
    proc = start_run(published.data, out, log)
    wait_for_a_finished_notebook(out, proc)
    started = descendants(proc.pid)
    assert any("ipykernel" in Path(f"/proc/{p}/cmdline").read_text() for p in alive(started))
    os.kill(proc.pid, getattr(signal, how))  # the run's process alone, as `kill PID` does
    code = proc.wait(timeout=60)
    assert snapshot(out / PERIOD) == before
    if how == "SIGTERM":  # a scheduler stopping the job: it cleans up after itself
        stderr = log.read_text(encoding="utf-8")
        assert code == 130 and "Traceback" not in stderr
        assert leftovers(out) == []
    deadline = time.monotonic() + 30  # workers and their kernels notice and go
    while alive(started) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert alive(started) == set()

    result = run_cli(["run", "--data", str(published.data), "--out", str(out)])
    assert result.code == 0, result.stderr
    assert leftovers(out) == []
    manifest = json.loads((out / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok"
    assert {r["status"] for r in manifest["notebooks"]} == {"reused"}  # inputs unchanged


@pytest.mark.slow
def test_a_run_leaves_no_lock_file_and_the_archive_lists_the_period(published):
    assert sorted(p.name for p in published.out.iterdir()) == [PERIOD, "index.html"]
    archive = (published.out / "index.html").read_text(encoding="utf-8")
    assert f'href="{PERIOD}/index.html"' in archive and 'lang="zh-CN"' in archive


@pytest.mark.slow
def test_a_run_in_the_other_language_keeps_the_first_and_both_link_to_each_other(
    published, tmp_path
):
    out = copy_reports(published, tmp_path)
    argv = ["run", "--data", str(published.data), "--out", str(out)]
    result = run_cli([*argv, "--lang", "en", "--pm", "pm01"])
    assert result.code == 0, result.stderr
    zh, en = out / PERIOD, out / PERIOD / "en"
    assert result.stdout.strip() == str(en / "index.html")
    assert (zh / "index.html").is_file() and (zh / "pm" / "pm02.html").is_file()
    assert '<html lang="en">' in (en / "index.html").read_text(encoding="utf-8")
    assert "../../pm/pm01.html" in _links(en / "pm" / "pm01.html")
    assert "../en/pm/pm01.html" in _links(zh / "pm" / "pm01.html")
    assert "en/index.html" in _links(zh / "index.html")
    # no English page for pm02: its Chinese page shows no link to one
    assert not [h for h in _links(zh / "pm" / "pm02.html") if "en/" in h]
    archive = (out / "index.html").read_text(encoding="utf-8")
    assert archive.index(f'href="{PERIOD}/index.html"') < archive.index(
        f'href="{PERIOD}/en/index.html"'
    )

    again = run_cli(argv)  # Chinese again: the English pages stay
    assert again.code == 0, again.stderr
    assert (en / "index.html").is_file() and (en / "pm" / "pm01.html").is_file()
    assert "../en/pm/pm01.html" in _links(zh / "pm" / "pm01.html")
    assert leftovers(out) == [] and leftovers(zh) == []
    assert not [p for p in out.rglob(".*lock")]


def _links(page: Path) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [a["href"] for a in soup.find_all("a", href=True)]
