"""Reading real feedback exports through mappings, and surviving their quirks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from kpi_helpers.errors import DataError, UsageError
from kpi_helpers.feedback import load_feedback, load_mapping, shipped_mappings
from kpi_helpers.feedback.ingest import MAX_LISTED

REALDATA = Path(__file__).resolve().parents[2] / "shared/realdata"
WAIMAI = REALDATA / "zh_waimai_10k_reviews.csv"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
    return path


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


QUIRKY = """
    feedback_id,date,product,channel,nps,csat,ces,text,lang,status,resolved_date
    F1,2026-01-05,App,store,10,5,2,Love the &amp; new charts &#39;really&#39;,en,closed,2026-01-08
    F2,2026/1/6,App,survey,11,4,3,   ,zh,open,
    F3,2026年1月7日,App,survey,9,0,3,同步失败 &lt;经常&gt;,zh,closed,2026-01-02
    F1,2026-01-05,App,store,10,5,2,Love the &amp; new charts,en,closed,2026-01-08
    F4,not a date,Web,,abc,3,8,ok,en,,
"""


def test_shipped_mappings_are_listed_and_load():
    names = shipped_mappings()
    assert {"project", "reviews", "labelled_reviews", "survey_zh"} <= set(names)
    for name in names:
        assert load_mapping(name).fields


def test_project_layout_with_every_quirk(tmp_path):
    path = write(tmp_path / "feedback.csv", "\ufeff" + textwrap.dedent(QUIRKY).lstrip("\n"))
    df, problems = load_feedback(path)
    text = messages(problems)
    # the duplicate id F1 (row 5) is reported with both rows and dropped
    assert any(m.startswith("feedback.csv:5: feedback_id:") and "repeats row 2" in m for m in text)
    assert list(df["feedback_id"]) == ["F1", "F2", "F3", "F4"]
    assert list(df["_row"]) == [2, 3, 4, 6]
    # HTML entities resolved, blank text empty, BOM gone from the first header
    assert df["text"].iloc[0] == "Love the & new charts 'really'"
    assert df["text"].iloc[2] == "同步失败 <经常>"
    assert pd.isna(df["text"].iloc[1])
    assert any("1 row has an empty text" in m for m in text)
    # mixed date formats read, a bad one reported with its row
    assert list(df["date"].iloc[:3].dt.day) == [5, 6, 7]
    assert any(m.startswith("feedback.csv:6: date:") and "not a date" in m for m in text)
    # out-of-range and unreadable scores: reported by row, excluded
    assert any(
        m.startswith("feedback.csv:3: nps:") and "outside the nps scale 0-10" in m for m in text
    )
    assert any(m.startswith("feedback.csv:4: csat:") for m in text)
    assert any(m.startswith("feedback.csv:6: ces:") for m in text)
    assert any(m.startswith("feedback.csv:6: nps:") and "'abc' is not a score" in m for m in text)
    assert df["nps"].iloc[0] == 10 and pd.isna(df["nps"].iloc[1]) and df["nps"].iloc[2] == 9
    assert pd.isna(df["csat"].iloc[2]) and pd.isna(df["ces"].iloc[3])
    # a resolved date before the feedback date is reported and not used
    assert any(m.startswith("feedback.csv:4: resolved_date:") for m in text)
    assert pd.isna(df["resolved_date"].iloc[2])
    # blank channel gets the mapping's default
    assert df["channel"].iloc[3] == "all"
    assert all(p.severity == "warning" for p in problems)


def test_duplicates_can_be_kept(tmp_path):
    path = write(tmp_path / "feedback.csv", QUIRKY)
    df, problems = load_feedback(path, drop_duplicates=False)
    assert len(df) == 5
    assert any("1 duplicate row kept" in m for m in messages(problems))


def test_gb18030_and_xlsx_exports(tmp_path):
    csv = write(tmp_path / "fb.csv", QUIRKY, encoding="gb18030")
    df, _ = load_feedback(csv)
    assert df["text"].iloc[2] == "同步失败 <经常>"
    frame = pd.read_csv(csv, encoding="gb18030", dtype=str, keep_default_na=False)
    frame.to_excel(tmp_path / "fb.xlsx", index=False)
    dfx, _ = load_feedback(tmp_path / "fb.xlsx")
    assert dfx["feedback_id"].tolist() == df["feedback_id"].tolist()
    assert dfx["nps"].equals(df["nps"])


def test_many_bad_rows_are_listed_then_counted(tmp_path):
    rows = "\n".join(f"F{i},2026-01-01,App,x,12,,,t" for i in range(MAX_LISTED + 15))
    path = write(
        tmp_path / "feedback.csv", "feedback_id,date,product,channel,nps,csat,ces,text\n" + rows
    )
    _, problems = load_feedback(path)
    nps = [p for p in problems if p.column == "nps"]
    assert len(nps) == MAX_LISTED + 1
    assert "and 15 more rows" in nps[-1].message


def test_review_export_with_stars_and_no_dates(tmp_path):
    path = write(
        tmp_path / "reviews.csv",
        """
        Rating,Review
        ★★★★☆,Great app but the sync is slow
        5星,很好用
        2,crashes on start
        7,out of range
        """,
    )
    df, problems = load_feedback(path, "reviews")
    assert df["csat"].tolist()[:3] == [4, 5, 2]
    assert pd.isna(df["csat"].iloc[3])
    assert any(p.row == 5 and "outside the csat scale 1-5" in p.message for p in problems)
    assert df["date"].isna().all()
    assert set(df["product"]) == {"all"} and set(df["channel"]) == {"reviews"}


def test_chinese_survey_export(tmp_path):
    path = write(
        tmp_path / "问卷.csv",
        """
        序号,提交时间,产品,渠道,推荐意愿（0-10）,满意度,意见
        1,2026/7/3 14:22:05,记账App,微信,9,非常满意,很好用
        2,2026/7/4 09:01:00,记账App,短信,3,不满意,老是闪退
        3,2026-08-01,记账App,微信,10,4,
        """,
    )
    df, problems = load_feedback(path, "survey_zh")
    assert df["nps"].tolist() == [9, 3, 10]
    assert df["csat"].tolist() == [5, 2, 4]
    assert df["date"].dt.month.tolist() == [7, 7, 8]
    assert df["channel"].tolist() == ["微信", "短信", "微信"]
    assert [p.severity for p in problems] == ["warning"]  # one empty 意见


def test_custom_mapping_file_converts_scales(tmp_path):
    mapping = write(
        tmp_path / "m.yaml",
        """
        name: mine
        fields:
          date: {columns: [when], format: "%d.%m.%Y"}
          nps: {columns: [recommend], scale: [1, 10]}
          csat: {columns: [sat100], scale: [0, 100]}
          ces: {columns: [effort], scale: [1, 5]}
          text: comment
        """,
    )
    path = write(
        tmp_path / "x.csv",
        """
        when,recommend,sat100,effort,comment
        31.12.2025,9,100,1,a
        01.01.2026,1,50,5,b
        """,
    )
    df, _ = load_feedback(path, mapping)
    assert df["nps"].tolist() == [9, 1]  # 1-10 keeps promoters at 9-10
    assert df["csat"].tolist() == [5, 3]  # 0-100 onto 1-5
    assert df["ces"].tolist() == [1, 7]  # 1-5 onto 1-7
    assert df["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-12-31", "2026-01-01"]


def test_missing_columns_name_the_fitting_mapping(tmp_path):
    path = write(tmp_path / "r.csv", "label,review\n1,好吃\n")
    with pytest.raises(DataError) as e:
        load_feedback(path)
    msg = str(e.value.problems[0])
    assert "feedback_id, date, product not found" in msg
    assert "label, review" in msg and "--mapping labelled_reviews or reviews" in msg


def test_unknown_mapping_and_bad_mapping_files(tmp_path):
    with pytest.raises(UsageError, match="shipped: .*survey_zh"):
        load_mapping("nope")
    bad = write(tmp_path / "bad.yaml", "fields:\n  stars: rating\n")
    with pytest.raises(DataError, match="not a feedback field"):
        load_mapping(bad)
    broken = write(tmp_path / "broken.yaml", "fields: [\n")
    with pytest.raises(DataError, match="not valid YAML"):
        load_mapping(broken)


def test_unreadable_file_is_one_problem(tmp_path):
    with pytest.raises(DataError, match="cannot be read"):
        load_feedback(tmp_path / "missing.csv")
    (tmp_path / "bin.csv").write_bytes(b"\x00\x01\x02")
    with pytest.raises(DataError, match="binary"):
        load_feedback(tmp_path / "bin.csv")


@pytest.mark.skipif(not WAIMAI.exists(), reason="shared/realdata is not beside the project")
def test_real_labelled_reviews():
    df, problems = load_feedback(WAIMAI, "labelled_reviews")
    assert len(df) == 11_987  # identical texts of different people are kept
    assert set(df["label"]) == {"0", "1"}
    assert df["text"].notna().all() and set(df["product"]) == {"all"}
    df2, problems2 = load_feedback(WAIMAI, "reviews")
    assert len(df2) == 11_987 and not [p for p in problems2 if "duplicate" in p.message]


def test_the_project_layout_is_the_schemas_feedback_table(tmp_path):
    """`feedback --mapping project` accepts exactly the headers the data folder's feedback.csv
    accepts, reads the scales the metrics use and requires the contract's columns."""
    from kpi_helpers.data.schema import FEEDBACK
    from kpi_helpers.feedback.mapping import match_columns

    project = load_mapping("project")
    assert load_mapping(None) == project
    assert list(project.fields) == [c.name for c in FEEDBACK.columns]
    assert project.required == ("feedback_id", "date", "product")
    assert project.fields["nps"].scale == (0.0, 10.0) and project.fields["ces"].scale == (1.0, 7.0)
    for c in FEEDBACK.columns:
        for header in (c.name, *c.aliases):
            assert match_columns(project, [header]) == {c.name: header}
            assert FEEDBACK.alias_map()[header.lower()] == c.name
    path = write(
        tmp_path / "fb.csv", "编号,日期,产品,推荐度,评论\nf1,2026-07-01,记账App,9,很好用\n"
    )
    rows, problems = load_feedback(path)
    assert problems == [] and rows.loc[0, "nps"] == 9 and rows.loc[0, "text"] == "很好用"
