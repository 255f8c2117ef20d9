"""A re-run without --force after one actual changed, on the `kpi-workbook init` example with the
fixture notebooks: which pages are rebuilt, which reused, and why."""

from __future__ import annotations

import base64
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import nbformat
import pytest

import kpi_helpers.cli.run as run_command
from kpi_helpers.cli.parser import main
from kpi_helpers.data.load import load_dataset
from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.engine.evaluation import evaluate_period

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
PERIOD = "2026-Q2"  # the latest period with actuals in the `kpi-workbook init` example


def run(data: Path, out: Path) -> int:
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(io.StringIO()):
        mp.setattr(run_command, "NOTEBOOKS_DIR", FIXTURES)
        err = io.StringIO()
        with redirect_stderr(err):
            code = main(["run", "--data", str(data), "--out", str(out), "--jobs", "2"])
    assert code == 0, err.getvalue()
    return code


def statuses(out: Path) -> dict[str, str]:
    manifest = json.loads((out / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    return {n["name"]: n["status"] for n in manifest["notebooks"]}


def pictures(out: Path, name: str) -> list[bytes]:
    """The PNG figures of an executed notebook of the published run."""
    nb = nbformat.read(out / PERIOD / "executed" / f"{name}.ipynb", as_version=4)
    return [
        base64.b64decode(o["data"]["image/png"])
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]


def totals(data: Path) -> dict[str, float]:
    frame = evaluate_period(load_dataset(data, check=False), PERIOD).totals
    return dict(zip(frame["pm_id"], frame["total"], strict=True))


def change_actual(data: Path, kpi_id: str, value: str) -> None:
    path = data / "actuals.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        fields = line.split(",")
        if fields[:2] == [PERIOD, kpi_id]:
            fields[2] = value
            lines[i] = ",".join(fields)
            break
    else:
        raise AssertionError(f"no {PERIOD} actual of {kpi_id}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_a_changed_actual_rebuilds_the_other_pms_page_because_it_shows_every_total(tmp_path):
    data, out = init_data_folder(tmp_path / "data"), tmp_path / "reports"
    run(data, out)
    before = totals(data)
    charts = pictures(out, "05_evaluation_pm02")
    assert charts, "the fixture PM page draws every PM's total"

    change_actual(data, "K01", "1")  # pm01's first KPI, far below its threshold
    after = totals(data)
    assert after["pm01"] < before["pm01"]
    assert after["pm02"] == before["pm02"]  # pm02's own figures are untouched

    run(data, out)
    status = statuses(out)
    # Every page's reuse key holds the digest of every data file, so every page is rebuilt ...
    assert set(status.values()) == {"ok"}, status
    # ... and rightly so for pm02: its page charts pm01's total, which moved.
    assert pictures(out, "05_evaluation_pm02") != charts

    run(data, out)  # nothing changed since: everything is reused
    assert set(statuses(out).values()) == {"reused"}
