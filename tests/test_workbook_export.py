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


@pytest.fixture(scope="module")
def chinese_workbook(tmp_path_factory):
    from kpi_helpers.data.scaffold import init_data_folder

    ds = load_dataset(init_data_folder(tmp_path_factory.mktemp("wbzh") / "data"))
    path = tmp_path_factory.mktemp("outzh") / workbook_file_name("2026-Q2")
    write_workbook(workbook_tables(ds, "2026-Q2", "zh"), path, "zh")
    return load_workbook(path)


def test_a_run_workbook_speaks_the_report_language_with_a_read_me_first(chinese_workbook):
    names = chinese_workbook.sheetnames
    assert names[0] == "说明" and len(names) == len(SHEETS) + 1
    assert "计分卡" in names and "下期目标建议" in names
    readme = [r[0] for r in chinese_workbook["说明"].iter_rows(values_only=True) if r[0]]
    assert "计分卡" in readme and "下期目标建议" in readme
    header = next(chinese_workbook["计分卡"].iter_rows(max_row=1, values_only=True))
    assert header[:3] == ("考核期", "产品经理编号", "产品经理")
    assert "实际值" in header and "目标值" in header and "pm_id" not in header
    assert chinese_workbook["计分卡"].freeze_panes == "A2"


def test_kpi_values_are_rounded_by_unit_with_a_number_format(chinese_workbook):
    ws = chinese_workbook["计分卡"]
    rows = list(ws.iter_rows())
    col = {c.value: i for i, c in enumerate(rows[0])}
    seen = set()
    for row in rows[1:]:
        unit, actual = row[col["单位"]].value, row[col["实际值"]]
        if not isinstance(actual.value, float):
            continue
        decimals = len(actual.number_format.split(".")[1]) if "." in actual.number_format else 0
        assert actual.value == round(actual.value, decimals), (unit, actual.value)
        assert actual.number_format.startswith("#,##0"), actual.number_format
        seen.add(unit)
    assert seen
    statuses = {r[col["状态"]].value for r in rows[1:]}
    assert statuses and statuses <= {"✓ 达标", "! 接近", "✗ 未达门槛", "– 缺数据"}


def test_column_widths_fit_chinese_text(chinese_workbook):
    ws = chinese_workbook["计分卡"]
    header = [c.value for c in ws[1]]
    name_col = header.index("KPI") + 1
    longest = max(len(str(c.value)) for (c,) in ws.iter_rows(min_col=name_col, max_col=name_col))
    letter = ws.cell(row=1, column=name_col).column_letter
    assert ws.column_dimensions[letter].width >= 2 * longest  # a Chinese character is two wide
