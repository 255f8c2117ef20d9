"""Loading tables: every encoding Excel writes, XLSX, Chinese headers, typed cells, row numbers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpi_helpers.data.load import load_table, read_dataset
from kpi_helpers.data.reading import read_frame, read_raw
from kpi_helpers.data.schema import KPIS, PEOPLE, ROW
from kpi_helpers.errors import DataError

ACTUALS_TEXT = 'period,kpi_id,value,note\n2026-Q1,K01,10400,春季活动\n2026-q2,K01,"1,200.5",\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_reads_the_same(tmp_path, encoding):
    path = tmp_path / "actuals.csv"
    path.write_bytes(ACTUALS_TEXT.encode(encoding))
    frame, err = read_frame(path)
    assert err is None
    assert list(frame.columns) == ["period", "kpi_id", "value", "note"]
    assert frame.loc[0, "note"] == "春季活动"


def test_typed_table_from_csv(tmp_path):
    (tmp_path / "actuals.csv").write_text(ACTUALS_TEXT, encoding="utf-8-sig")
    frame, problems, path = load_table(tmp_path, "actuals")
    assert problems == [] and path.name == "actuals.csv"
    assert list(frame["period"]) == ["2026-Q1", "2026-Q2"]  # normalised
    assert list(frame["value"]) == [10400.0, 1200.5]  # thousands separator removed
    assert list(frame[ROW]) == [2, 3]
    assert frame["note"].isna().iloc[1]  # empty cell means "not given"


def test_xlsx_reads_like_csv(tmp_path):
    pd.DataFrame(
        {"周期": ["2026-Q1", "2026-Q2"], "指标编号": ["K01", "K01"], "实际值": [10400, 0.35]}
    ).to_excel(tmp_path / "actuals.xlsx", index=False)
    frame, problems, path = load_table(tmp_path, "actuals")
    assert problems == [] and path.name == "actuals.xlsx"
    assert list(frame["kpi_id"]) == ["K01", "K01"]
    assert list(frame["value"]) == [10400.0, 0.35]
    assert list(frame[ROW]) == [2, 3]


def test_percent_formatted_xlsx_cells_read_as_the_percent_shown(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["指标编号", "门槛值", "目标值", "挑战值", "单位"])
    ws.append(["K01", 0.1, 0.12, 0.155, "%"])  # Excel shows 10 %, 12 %, 15.5 %
    ws.append(["K02", 8000, 10000, 12000, "人"])  # plain numbers stay as they are
    for cell in ws[2][1:4]:
        cell.number_format = "0%" if cell.column < 4 else "0.0%"
    wb.save(tmp_path / "kpis.xlsx")
    frame, err = read_frame(tmp_path / "kpis.xlsx")
    assert err is None
    assert list(frame.iloc[0, 1:4]) == ["10", "12", "15.5"]
    assert list(frame.iloc[1, 1:4]) == ["8000", "10000", "12000"]


def test_csv_wins_over_xlsx_of_the_same_name(tmp_path):
    (tmp_path / "actuals.csv").write_text(ACTUALS_TEXT, encoding="utf-8")
    pd.DataFrame({"period": ["2026-Q4"], "kpi_id": ["X"], "value": [1]}).to_excel(
        tmp_path / "actuals.xlsx", index=False
    )
    assert load_table(tmp_path, "actuals")[2].name == "actuals.csv"


def test_chinese_headers_are_aliases(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("工号,姓名,团队,负责产品\npm01,张伟,增长组,记账App；小程序\n", encoding="gbk")
    raw = read_raw(path, PEOPLE)
    assert raw.problems == []
    assert list(raw.frame.columns) == ["pm_id", "name", "team", "products", ROW]
    frame, _, _ = load_table(tmp_path, "people")
    assert frame.loc[0, "products"] == ("记账App", "小程序")  # full-width ; splits too


def test_unknown_columns_are_ignored_and_missing_required_ones_reported(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("pm_id,nickname\npm01,Wei\n", encoding="utf-8")
    raw = read_raw(path, PEOPLE)
    assert "nickname" not in raw.frame.columns
    assert [str(p) for p in raw.problems] == [
        "people.csv:1: name: required column 'name' is missing; add a header 'name' in row 1"
    ]


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "kpis.csv"
    path.write_text(
        "kpi_id,owner,name,dimension,goal_id,unit,direction,threshold,target,weight\n"
        "K01,pm01,a,delivery,G1,%,higher,1,2,50\n"
        "\n"
        ",,,,,,,,,\n"
        "K02,pm01,b,delivery,G1,%,higher,1,x,50\n",
        encoding="utf-8",
    )
    frame, problems, _ = load_table(tmp_path, "kpis")
    assert list(frame["kpi_id"]) == ["K01", "K02"]
    assert list(frame[ROW]) == [2, 5]
    assert [str(p) for p in problems] == [
        "kpis.csv:5: target: 'x' is not a number; write a plain number such as 12.5"
    ]


def test_cells_are_typed_and_bad_ones_reported(tmp_path):
    (tmp_path / "feedback.csv").write_text(
        "feedback_id,date,product,nps,text\n"
        "F1,2026/7/1,App,９,Good &amp; fast\n"
        "F2,2026年7月2日,App,,\n"
        "F3,yesterday,App,ten,\n",
        encoding="utf-8",
    )
    frame, problems, _ = load_table(tmp_path, "feedback")
    assert list(frame["date"].dt.strftime("%Y-%m-%d").fillna("-")) == [
        "2026-07-01",
        "2026-07-02",
        "-",
    ]
    assert frame.loc[0, "nps"] == 9.0 and math.isnan(frame.loc[1, "nps"])
    assert frame.loc[0, "text"] == "Good & fast"
    assert [str(p) for p in problems] == [
        "feedback.csv:4: date: 'yesterday' is not a date; write it as YYYY-MM-DD",
        "feedback.csv:4: nps: 'ten' is not a number; write a plain number such as 12.5",
    ]


def test_direction_aliases_and_dimension_case(tmp_path):
    (tmp_path / "kpis.csv").write_text(
        "kpi_id,owner,name,dimension,goal_id,unit,direction,threshold,target,weight\n"
        "K01,pm01,a,Delivery,G1,%,越低越好,3,2,100\n",
        encoding="utf-8",
    )
    frame, problems, _ = load_table(tmp_path, "kpis")
    assert problems == []
    assert frame.loc[0, "direction"] == "lower" and frame.loc[0, "dimension"] == "delivery"
    assert set(KPIS.required) <= set(frame.columns)


def test_absent_optional_table_is_empty_and_typed(tmp_path):
    frame, problems, path = load_table(tmp_path, "targets")
    assert problems == [] and path is None and frame.empty
    assert {"period", "kpi_id", "target", "threshold", "stretch", ROW} <= set(frame.columns)


def test_absent_required_table_is_a_problem(tmp_path):
    _, problems, _ = load_table(tmp_path, "kpis")
    assert [str(p) for p in problems] == [
        "kpis.csv:: -: the file is missing; create kpis.csv (or kpis.xlsx) in the data folder"
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty; it needs at least a header row"),
        (b"   \n\n", "the file is empty; it needs at least a header row"),
        (
            "a,b\n1,2\n".encode("utf-16"),
            "is a binary file, not CSV text; export the table as CSV (UTF-8) or XLSX",
        ),
        (
            b"\x81\x30" * 3 + b"\xff\xfe\xfd",
            "is neither UTF-8 nor GBK text; save it as 'CSV UTF-8' from Excel",
        ),
        (b'a,b\n"1,2\n', "check quotes and separators"),
    ],
    ids=["empty", "blank", "utf16", "not-text", "open-quote"],
)
def test_unreadable_files_give_a_sentence(tmp_path, content, message):
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    frame, err = read_frame(path)
    assert frame is None and err.endswith(message)


def test_read_dataset_of_the_example(tiny_data):
    ds, problems = read_dataset(tiny_data)
    assert problems == []
    assert ds.company.cadence == "quarter"
    assert len(ds.people) == 2 and len(ds.kpis) == 6 and len(ds.actuals) == 12
    assert list(ds.events["kind"]) == ["organisation", "market"]
    assert ds.periods == ["2026-Q1", "2026-Q2"] and ds.latest_period == "2026-Q2"
    assert set(ds.files) == {
        "company",
        "people",
        "kpis",
        "targets",
        "actuals",
        "feedback",
        "reviews",
        "events",
        "assessments",
        "checkins",
    }


def test_every_users_text_file_is_decoded_alike_utf8_bom_or_gbk(tmp_path):
    """company.yaml, a feedback mapping and keywords.yaml saved as GBK read like UTF-8 ones."""
    from kpi_helpers.data.company import load_company
    from kpi_helpers.data.reading import decode_bytes
    from kpi_helpers.feedback import load_mapping
    from kpi_helpers.feedback.themes import load_keywords

    assert decode_bytes("满意度".encode("gbk")) == ("满意度", "gb18030")
    assert decode_bytes("\ufeff满意度".encode()) == ("满意度", "utf-8-sig")
    assert decode_bytes(b"PK\x03\x04\x00\x00binary") == (None, "")
    company = "company: 示例\ncadence: quarter\nobjectives:\n  - id: O1\n    name: 增长\n" + (
        "    weight: 1\n    goals:\n      - id: G1\n        name: 新用户\n"
    )
    (tmp_path / "company.yaml").write_bytes(company.encode("gbk"))
    parsed, problems, _ = load_company(tmp_path)
    assert parsed.name == "示例" and problems == []
    mapping = tmp_path / "map.yaml"
    mapping.write_bytes("fields:\n  feedback_id: [编号]\n  date: [日期]\n".encode("gbk"))
    assert load_mapping(mapping).fields["feedback_id"].columns == ("编号",)
    keywords = tmp_path / "keywords.yaml"
    keywords.write_bytes("themes:\n  - theme: crash\n    keywords: [闪退]\n".encode("gbk"))
    assert load_keywords(keywords)[0]["keywords"] == ["闪退"]


def test_a_binary_company_or_keywords_file_is_one_sentence(tmp_path):
    from kpi_helpers.data.company import load_company
    from kpi_helpers.feedback.themes import load_keywords

    (tmp_path / "company.yaml").write_bytes(b"\x00\x01\x02 not yaml")
    parsed, problems, _ = load_company(tmp_path)
    assert parsed is None and [str(p) for p in problems] == [
        "company.yaml:: -: is not a text file; write company.yaml as UTF-8 YAML"
    ]
    (tmp_path / "keywords.yaml").write_bytes(b"\x00\x01\x02")
    with pytest.raises(DataError, match="keywords.yaml:: -: is neither UTF-8 nor GBK text"):
        load_keywords(tmp_path / "keywords.yaml")
