"""tools/compare_reports: two runs' pages compared apart from images, time stamps, durations and
temporary paths; any other change is reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kpi_helpers.config import PROJECT_ROOT
from kpi_helpers.data.scaffold import init_data_folder
from tools.compare_reports import compare, main

PAGE = (
    '<html><body><p class="kpi-made">Made {made}</p>'
    '<img alt="Totals per PM" src="data:image/png;base64,{png}"/>'
    "<p>executed in {seconds} s from {path}</p>"
    "<table><tr><td>Zhang Wei</td><td>{total}</td></tr></table></body></html>"
)


def _page(folder: Path, name: str, **values) -> None:
    defaults = {
        "made": "2026-07-01 08:00",
        "png": "iVBORw0KGgo=",
        "seconds": "1.2",
        "path": "/tmp/tmpab12/x.ipynb",
        "total": "87.5",
    }
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(**{**defaults, **values}), encoding="utf-8")


def test_images_times_durations_and_temp_paths_are_not_differences(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _page(a, "2026-Q2/05_evaluation.html")
    _page(
        b,
        "2026-Q2/05_evaluation.html",
        made="2026-11-30 10:04",
        png="QUJDRA==",
        seconds="7.9",
        path="/tmp/tmpzz99/x.ipynb",
    )
    assert compare(a, b) == []
    assert main([str(a), str(b)]) == 0


def test_a_changed_number_and_a_missing_page_are_reported(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    _page(a, "2026-Q2/05_evaluation.html")
    _page(a, "2026-Q2/pm/pm01.html")
    _page(b, "2026-Q2/05_evaluation.html", total="88.5")
    found = compare(a, b)
    assert f"only in {a}: 2026-Q2/pm/pm01.html" in found
    assert "-<td>87.5</td>" in found and "+<td>88.5</td>" in found
    assert main([str(a), str(b)]) == 1
    assert "+<td>88.5</td>" in capsys.readouterr().out


def test_a_missing_folder_is_one_sentence_and_exit_2(tmp_path, capsys):
    assert main([str(tmp_path), str(tmp_path / "nope")]) == 2
    assert "is not a folder" in capsys.readouterr().out


@pytest.mark.slow
def test_two_runs_of_the_same_data_publish_the_same_pages(tmp_path):
    data = init_data_folder(tmp_path / "data")
    for out in ("a", "b"):
        cmd = [sys.executable, "-m", "kpi_helpers.cli", "run", "--data", str(data)]
        cmd += ["--out", str(tmp_path / out), "--lang", "en", "--jobs", "1"]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
    assert compare(tmp_path / "a", tmp_path / "b") == []
    assert len(list((tmp_path / "a").rglob("*.html"))) > 6
