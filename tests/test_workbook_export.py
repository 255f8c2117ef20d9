"""The XLSX workbook of a period: a sheet per table, names in the report language, text stays text."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpi_helpers.data.load import load_dataset
from kpi_helpers.publish.workbook import SHEETS, workbook_file_name, workbook_tables, write_workbook


@pytest.fixture(scope="module")
def tiny_workbook(tmp_path_factory):
    from kpi_helpers.data.scaffold import init_data_folder

    data = init_data_folder(tmp_path_factory.mktemp("wb") / "data")
    (data / "people.csv").write_text(
        (data / "people.csv")
        .read_text(encoding="utf-8")
        .replace("张伟", '=HYPERLINK("http://example.invalid")'),
        encoding="utf-8",
    )
    ds = load_dataset(data)
    path = tmp_path_factory.mktemp("out") / workbook_file_name("2026-Q2")
    write_workbook(workbook_tables(ds, "2026-Q2", "zh"), path)
    return load_workbook(path)


def _rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_workbook_has_a_sheet_per_table(tiny_workbook):
    assert tiny_workbook.sheetnames == list(SHEETS)
    assert workbook_file_name("2026-Q3") == "2026-Q3_kpi_workbook.xlsx"


def test_scorecard_and_totals_carry_the_scores(tiny_workbook):
    totals = {r["pm_id"]: r for r in _rows(tiny_workbook["totals"])}
    assert totals["pm02"]["total"] == pytest.approx(98.9, abs=0.05)
    assert totals["pm02"]["band"] == "B" and totals["pm02"]["band_name"] == "B 良好"
    card = _rows(tiny_workbook["scorecard"])
    assert {r["kpi_id"] for r in card} == {"K01", "K02", "K03", "K04", "K05", "K06"}
    assert all(r["status"] in ("on", "near", "off", "missing") for r in card)
    assert tiny_workbook["totals"]["F2"].number_format == "0%"  # coverage


def test_proposal_findings_and_feedback_are_there(tiny_workbook):
    proposal = _rows(tiny_workbook["proposal"])
    assert any(r["changed"] for r in proposal)
    assert all(r["reason"] for r in proposal)
    feedback = _rows(tiny_workbook["feedback metrics"])
    now = next(r for r in feedback if r["scope"] == "period" and r["period"] == "2026-Q2")
    assert (
        now["nps"] == pytest.approx(50.0) and now["nps_low"] < now["nps"] < now["nps_high"] + 1e-9
    )


def test_a_formula_in_a_name_is_written_as_text(tiny_workbook):
    cells = [c for row in tiny_workbook["totals"].iter_rows() for c in row]
    evil = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert evil and all(c.data_type == "s" for c in evil)


def test_english_workbook_names_bands_and_dimensions_in_english(tiny_data: Path):
    tables = workbook_tables(load_dataset(tiny_data), "2026-Q2", "en")
    assert set(tables["totals"]["pm_name"]) == {"Zhang Wei", "Li Na"}
    assert "B Good" in set(tables["totals"]["band_name"])
    assert "User growth" in set(tables["dimensions"]["dimension_name"])
