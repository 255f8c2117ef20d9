"""targets.csv fragments: one writer for the review proposal, the what-if save and the export."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from kpi_helpers.data.fragments import (
    TARGET_COLUMNS,
    LevelOrderError,
    target_columns,
    write_fragment,
)
from kpi_helpers.data.load import validate_dataset as check_source
from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.errors import KpiWorkbookError

NOW = datetime(2026, 7, 1, 9, 30)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The `kpi-workbook init` example: K01 higher-is-better, 8000 / 10000 / 12000 in kpis.csv."""
    return init_data_folder(tmp_path / "data")


def rows(**levels) -> pd.DataFrame:
    base = {"kpi_id": "K01", "direction": "higher", "threshold": 9500, "target": 12000}
    return pd.DataFrame([{**base, **levels}])


def append(fragment: Path, targets: Path) -> None:
    """Append a fragment's rows (not its header) to targets.csv, as the README says."""
    body = fragment.read_text(encoding="utf-8-sig").splitlines()[1:]
    text = targets.read_text(encoding="utf-8-sig").rstrip("\n")
    targets.write_text(text + "\n" + "\n".join(body) + "\n", encoding="utf-8")


def test_columns_are_targets_csv_columns_in_its_order(data):
    assert TARGET_COLUMNS == ["period", "kpi_id", "target", "threshold", "stretch"]
    header = (data / "targets.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == ",".join(TARGET_COLUMNS)
    path = write_fragment(rows(stretch=14000), data_dir=data, period="2026-Q3", now=NOW)
    assert path == data / "whatif" / "targets_2026-Q3_20260701-093000.csv"
    assert path.read_text(encoding="utf-8").splitlines() == [
        "period,kpi_id,target,threshold,stretch",
        "2026-Q3,K01,12000,9500,14000",
    ]


def test_appended_fragment_validates(data):
    _ds, problems = check_source(data)
    assert not [p for p in problems if p.severity == "error"]
    # K01's stretch (12000 in kpis.csv) applies when the fragment leaves it empty
    path = write_fragment(rows(target=11500), data_dir=data, period="2026-Q3", now=NOW)
    append(path, data / "targets.csv")
    _ds, problems = check_source(data)
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert "2026-Q3,K01,11500,9500," in (data / "targets.csv").read_text(encoding="utf-8")


def test_a_targets_csv_in_another_order_gets_rows_in_its_order(data):
    targets = data / "targets.csv"
    targets.write_text("kpi_id,period,stretch,threshold,target\n", encoding="utf-8")
    assert target_columns(data) == ["kpi_id", "period", "stretch", "threshold", "target"]
    path = write_fragment(rows(stretch=14000), data_dir=data, period="2026-Q3", now=NOW)
    assert path.read_text(encoding="utf-8").splitlines()[1] == "K01,2026-Q3,14000,9500,12000"
    append(path, targets)
    _ds, problems = check_source(data)
    assert [str(p) for p in problems if p.severity == "error"] == []


@pytest.mark.parametrize(
    ("levels", "direction", "wrong"),
    [
        ({"threshold": 26, "target": 23}, "higher", "threshold 26 is not below target 23"),
        ({"threshold": 10, "target": 15, "stretch": 20}, "lower", "threshold 10 is not above"),
        ({"threshold": 9000, "target": 12000, "stretch": 11000}, "higher", "target 12000"),
    ],
)
def test_levels_out_of_order_are_refused_and_nothing_is_written(data, levels, direction, wrong):
    frame = rows(direction=direction, **levels)
    with pytest.raises(LevelOrderError, match=wrong):
        write_fragment(frame, data_dir=data, period="2026-Q3", now=NOW)
    assert not (data / "whatif").exists()


def test_without_a_direction_the_levels_must_still_rise_or_fall(tmp_path):
    frame = rows(threshold=10, target=20, stretch=15).drop(columns="direction")
    with pytest.raises(LevelOrderError):
        write_fragment(frame, tmp_path / "f.csv", period="2026-Q3")
    assert not (tmp_path / "f.csv").exists()
    falling = rows(threshold=20, target=15, stretch=10).drop(columns="direction")
    assert write_fragment(falling, tmp_path / "f.csv", period="2026-Q3").exists()


def test_a_named_file_is_never_overwritten(tmp_path):
    target = tmp_path / "proposal.csv"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(KpiWorkbookError, match="already exists"):
        write_fragment(rows(), target, period="2026-Q3")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_timestamped_files_get_a_new_name_each_time(data):
    first = write_fragment(rows(), data_dir=data, folder="review", period="2026-Q3", now=NOW)
    second = write_fragment(rows(), data_dir=data, folder="review", period="2026-Q3", now=NOW)
    assert first != second and second.name == "targets_2026-Q3_20260701-093000-2.csv"
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_numbers_are_written_as_people_write_them(tmp_path):
    path = write_fragment(rows(threshold=0.25, target=0.3), tmp_path / "f.csv", period="2026-Q3")
    assert path.read_text(encoding="utf-8").splitlines()[1] == "2026-Q3,K01,0.3,0.25,"


def test_review_export_and_whatif_save_share_the_columns(tmp_path):
    from kpi_helpers.widgets.acceptance import ReviewDecisions

    data = init_data_folder(tmp_path / "d")
    shutil.copy(data / "targets.csv", tmp_path / "original.csv")
    proposal = rows(stretch=14000).assign(changed=True)
    state = ReviewDecisions(proposal, "2026-Q3")
    state.accept("K01")
    path = state.save(data)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(TARGET_COLUMNS)
    bad = ReviewDecisions(rows(threshold=13000, stretch=14000).assign(changed=True), "2026-Q3")
    bad.accept("K01")
    with pytest.raises(LevelOrderError):
        bad.save(data)
    assert len(list((data / "review").iterdir())) == 1
