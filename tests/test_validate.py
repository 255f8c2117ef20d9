"""The validator: every rule of the contract, each with a broken fixture and its exact message."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_helpers.data.load import validate_dataset
from kpi_helpers.data.scaffold import TEMPLATE_FILES, init_data_folder
from kpi_helpers.errors import Problem

PEOPLE = "people.csv"
KPIS = "kpis.csv"
ACTUALS = "actuals.csv"
TARGETS = "targets.csv"


def lines(folder: Path) -> list[str]:
    _, problems = validate_dataset(folder)
    return [str(p) for p in problems]


def only(folder: Path, prefix: str) -> str:
    """The one problem line starting with `prefix` (file:row: column:)."""
    found = [line for line in lines(folder) if line.startswith(prefix)]
    assert len(found) == 1, f"expected one '{prefix}' line, got {found} in {lines(folder)}"
    return found[0]


def test_the_example_folder_is_clean(tiny_data):
    ds, problems = validate_dataset(tiny_data)
    assert problems == []
    assert ds is not None and ds.latest_period == "2026-Q2"


# --- types and ranges -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "F0001,2026-01-15,记账App,应用商店,9",
            "F0001,2026-01-15,记账App,应用商店,11",
            "feedback.csv:2: nps: 11 is outside the scale 0-10; write a value from 0 to 10",
        ),
        (
            "F0002,2026-02-03,记账App,问卷,4,2",
            "F0002,2026-02-03,记账App,问卷,4,0",
            "feedback.csv:3: csat: 0 is outside the scale 1-5; write a value from 1 to 5",
        ),
        (
            "7,4,3,希望",
            "7,4,8,希望",
            "feedback.csv:5: ces: 8 is outside the scale 1-7; write a value from 1 to 7",
        ),
    ],
)
def test_survey_scores_out_of_range(tiny_data, edit_file, old, new, expected):
    edit_file("feedback.csv", old, new)
    assert only(tiny_data, expected.split(" ", 1)[0]) == expected


def test_review_score_out_of_range(tiny_data, edit_file):
    edit_file("reviews.csv", "manager,4.5", "manager,5.5")
    assert only(tiny_data, "reviews.csv:3:") == (
        "reviews.csv:3: score: 5.5 is outside the scale 1-5; write a value from 1 to 5"
    )


@pytest.mark.parametrize("weight", ["0", "-40"])
def test_weight_must_be_positive(tiny_data, edit_file, weight):
    edit_file(KPIS, "12000,40,", f"12000,{weight},")
    assert (
        f"kpis.csv:2: weight: {weight} is not a usable weight; weights are numbers above 0"
        in lines(tiny_data)
    )


def test_direction_must_be_higher_or_lower(tiny_data, edit_file):
    edit_file(KPIS, "%,lower,20,15,10", "%,up,20,15,10")
    assert only(tiny_data, "kpis.csv:4: direction:") == (
        "kpis.csv:4: direction: 'up' is not a direction; use one of higher, lower"
    )


def test_chinese_direction_words_are_accepted(tiny_data, edit_file):
    edit_file(KPIS, "%,lower,20,15,10", "%,越低越好,20,15,10")
    assert lines(tiny_data) == []


def test_dimension_must_be_one_of_the_ten_keys(tiny_data, edit_file):
    edit_file(KPIS, "user_growth,G1", "growth,G1")
    assert only(tiny_data, "kpis.csv:2: dimension:").startswith(
        "kpis.csv:2: dimension: 'growth' is not a dimension; use one of strategy_alignment, delivery,"
    )


def test_chinese_dimension_name_is_read_as_its_key(tiny_data, edit_file):
    edit_file("reviews.csv", "pm02,performance_feedback", "pm02,绩效评估与反馈")
    ds, problems = validate_dataset(tiny_data)
    assert not [p for p in problems if p.column == "dimension"]
    assert (ds.reviews["dimension"] == "performance_feedback").sum() >= 1
    assert "绩效评估与反馈" not in set(ds.reviews["dimension"])


def test_text_in_a_number_column(tiny_data, edit_file):
    edit_file(ACTUALS, "2026-Q1,K03,16", "2026-Q1,K03,sixteen")
    assert lines(tiny_data) == [
        "actuals.csv:4: value: 'sixteen' is not a number; write a plain number such as 12.5"
    ]


def test_bad_date(tiny_data, edit_file):
    edit_file("feedback.csv", "2026-02-03", "2026-02-31")
    assert lines(tiny_data) == [
        "feedback.csv:3: date: '2026-02-31' is not a date; write it as YYYY-MM-DD"
    ]


def test_an_ambiguous_date_is_a_warning_saying_which_reading_was_used(tiny_data, edit_file):
    edit_file("feedback.csv", "2026-02-03", "2/3/2026")
    edit_file("feedback.csv", "2026-01-15", "15/1/2026")  # only one reading: no warning
    assert lines(tiny_data) == [
        "feedback.csv:3: date: warning: '2/3/2026' could be 2026-02-03 or 2026-03-02; read as "
        "2026-02-03 (month first); write dates as YYYY-MM-DD to make sure"
    ]


def test_required_cell_empty(tiny_data, edit_file):
    edit_file(KPIS, "K02,pm01,30日留存率", "K02,pm01,")
    assert lines(tiny_data) == ["kpis.csv:3: name: name is required; fill in this cell"]


def test_unreadable_number_is_reported_once_not_also_as_empty(tiny_data, edit_file):
    edit_file(KPIS, "12000,40,", "12000,forty,")
    assert lines(tiny_data) == [
        "kpis.csv:2: weight: 'forty' is not a number; write a plain number such as 12.5"
    ]


# --- unique ids --------------------------------------------------------------------------------


def test_duplicate_pm_id(tiny_data, edit_file):
    edit_file(PEOPLE, "pm02,李娜", "pm01,李娜")
    assert only(tiny_data, "people.csv:3:") == (
        "people.csv:3: pm_id: 'pm01' is used again (first in row 2); give each row its own pm_id"
    )


def test_duplicate_kpi_id(tiny_data, edit_file):
    edit_file(KPIS, "K06,pm02", "K05,pm02")
    assert (
        "kpis.csv:7: kpi_id: 'K05' is used again (first in row 6); give each row its own kpi_id"
        in (lines(tiny_data))
    )


def test_duplicate_feedback_id_is_only_a_warning(tiny_data, edit_file):
    edit_file("feedback.csv", "F0004", "F0001")
    _, problems = validate_dataset(tiny_data)
    assert [str(p) for p in problems] == [
        "feedback.csv:5: feedback_id: warning: 'F0001' is used again (first in row 2); "
        "if it is the same answer exported twice, delete one of the rows"
    ]
    assert problems[0].severity == "warning"


@pytest.mark.parametrize("name, row, first", [(ACTUALS, 11, 8), (TARGETS, 3, 2)])
def test_duplicate_period_and_kpi(tiny_data, edit_file, name, row, first):
    edit_file(name, "2026-Q2,K04,", "2026-Q2,K01,")
    assert only(tiny_data, f"{name}:{row}: kpi_id:") == (
        f"{name}:{row}: kpi_id: period 2026-Q2, kpi_id K01 appears again (first in row {first}); "
        "keep one row per period and kpi_id"
    )


# --- references --------------------------------------------------------------------------------


def test_owner_must_be_a_person(tiny_data, edit_file):
    edit_file(KPIS, "K02,pm01", "K02,pm09")
    assert only(tiny_data, "kpis.csv:3: owner:") == (
        "kpis.csv:3: owner: 'pm09' is not a pm_id in people.csv; add the person there or correct the owner"
    )


def test_goal_id_must_be_a_goal_of_company_yaml(tiny_data, edit_file):
    edit_file(KPIS, "customer_satisfaction,G3", "customer_satisfaction,G9")
    assert only(tiny_data, "kpis.csv:5:") == (
        "kpis.csv:5: goal_id: 'G9' is not a goal in company.yaml; use one of G1, G2, G3, G4 "
        "or add the goal to an objective"
    )


@pytest.mark.parametrize(
    "name, old, row", [(ACTUALS, "2026-Q1,K06", 7), (TARGETS, "2026-Q2,K04", 3)]
)
def test_kpi_id_must_be_a_kpi(tiny_data, edit_file, name, old, row):
    edit_file(name, old, old[:-3] + "K99")
    assert only(tiny_data, f"{name}:{row}:") == (
        f"{name}:{row}: kpi_id: 'K99' is not a kpi_id in kpis.csv; add the KPI there or correct the kpi_id"
    )


def test_review_pm_id_must_be_a_person(tiny_data, edit_file):
    edit_file("reviews.csv", "2026-Q2,pm02,collaboration", "2026-Q2,pm03,collaboration")
    assert lines(tiny_data) == [
        "reviews.csv:4: pm_id: 'pm03' is not a pm_id in people.csv; add the person there or correct the pm_id"
    ]


# --- threshold < target < stretch --------------------------------------------------------------


def test_higher_kpi_threshold_above_target(tiny_data, edit_file):
    edit_file(KPIS, "higher,8000,10000,12000", "higher,10500,10000,12000")
    assert lines(tiny_data) == [
        "kpis.csv:2: threshold: threshold 10500 is not below target 10000; "
        "a higher-is-better KPI needs threshold < target < stretch"
    ]


def test_higher_kpi_stretch_below_target(tiny_data, edit_file):
    edit_file(KPIS, "higher,30,35,40", "higher,30,35,35")
    assert lines(tiny_data) == [
        "kpis.csv:3: stretch: target 35 is not below stretch 35; "
        "a higher-is-better KPI needs threshold < target < stretch"
    ]


def test_lower_kpi_order_is_reversed(tiny_data, edit_file):
    edit_file(KPIS, "lower,20,15,10", "lower,10,15,20")
    assert lines(tiny_data) == [
        "kpis.csv:4: threshold: threshold 10 is not above target 15; "
        "a lower-is-better KPI needs threshold > target > stretch"
    ]


def test_override_in_targets_is_checked_with_the_kpis_values(tiny_data, edit_file):
    # K04 (higher, stretch 40 in kpis.csv) gets target 45 for 2026-Q2.
    edit_file(TARGETS, "2026-Q2,K04,32,,", "2026-Q2,K04,45,,")
    assert lines(tiny_data) == [
        "targets.csv:3: target: target 45 is not below stretch 40 (stretch from kpis.csv); "
        "a higher-is-better KPI needs threshold < target < stretch"
    ]


def test_override_of_the_threshold_alone(tiny_data, edit_file):
    edit_file(TARGETS, "2026-Q2,K04,32,,", "2026-Q2,K04,32,33,")
    assert lines(tiny_data) == [
        "targets.csv:3: target: threshold 33 is not below target 32; "
        "a higher-is-better KPI needs threshold < target < stretch"
    ]


# --- periods -----------------------------------------------------------------------------------


def test_period_from_after_period_to(tiny_data, edit_file):
    edit_file(
        KPIS,
        "实际支出与预算之差的绝对值占预算比,2026-Q1,",
        "实际支出与预算之差的绝对值占预算比,2026-Q3,2026-Q2",
    )
    assert (
        "kpis.csv:7: period_to: period_to 2026-Q2 is before period_from 2026-Q3; the KPI would never be active"
        in (lines(tiny_data))
    )


def test_malformed_period(tiny_data, edit_file):
    edit_file(ACTUALS, "2026-Q1,K02", "2026-Q5,K02")
    assert lines(tiny_data) == [
        "actuals.csv:3: period: '2026-Q5' is not a period; write it like 2026-Q3 or 2026-H1"
    ]


def test_half_year_in_a_quarterly_company(tiny_data, edit_file):
    edit_file(ACTUALS, "2026-Q1,K02", "2026-H1,K02")
    assert only(tiny_data, "actuals.csv:3:") == (
        "actuals.csv:3: period: '2026-H1' is a half-year but company.yaml sets cadence: quarter; "
        "write a quarter such as 2026-Q3"
    )


def test_quarters_in_a_half_yearly_company(tiny_data, edit_file):
    edit_file("company.yaml", "\ncadence: quarter", "\ncadence: half")
    found = lines(tiny_data)
    assert (
        "actuals.csv:2: period: '2026-Q1' is a quarter but company.yaml sets cadence: half; "
        "write a half-year such as 2026-H1" in found
    )
    for prefix in (
        "company.yaml:27: period_from:",
        "kpis.csv:2: period_from:",
        "targets.csv:2: period:",
    ):
        assert only(tiny_data, prefix).endswith(
            "is a quarter but company.yaml sets cadence: half; write a half-year such as 2026-H1"
        )


def test_company_yaml_period_order(tiny_data, edit_file):
    edit_file(
        "company.yaml",
        "    period_from: 2026-Q1\n",
        "    period_from: 2026-Q3\n    period_to: 2026-Q2\n",
    )
    assert (
        "company.yaml:27: period_to: period_to 2026-Q2 of 'O2' is before its period_from 2026-Q3"
        in (lines(tiny_data))
    )


def test_kpi_whose_goal_has_ended_is_a_warning_naming_the_first_period(tiny_data, edit_file):
    edit_file(
        "company.yaml",
        "        name_en: Raise market penetration\n",
        "        name_en: Raise market penetration\n        period_to: 2026-Q1\n",
    )
    _, problems = validate_dataset(tiny_data)
    assert [str(p) for p in problems] == [
        "kpis.csv:2: goal_id: warning: KPI 'K01' is active in 2026-Q2 but its goal 'G1' is not "
        "(the goal applies until 2026-Q1); link the KPI to a current goal or end it with period_to"
    ]
    assert problems[0].severity == "warning"


def test_kpi_before_its_objective_started(tiny_data, edit_file):
    # O2 starts 2026-Q1; K06 (goal G3 under O2) claims to start in 2025-Q3: one warning, first period.
    edit_file(
        KPIS,
        "实际支出与预算之差的绝对值占预算比,2026-Q1,",
        "实际支出与预算之差的绝对值占预算比,2025-Q3,",
    )
    assert only(tiny_data, "kpis.csv:7:") == (
        "kpis.csv:7: goal_id: warning: KPI 'K06' is active in 2025-Q3 but its goal 'G3' is not "
        "(the goal applies from 2026-Q1 on); link the KPI to a current goal or end it with period_to"
    )


def test_kpi_that_ends_with_its_goal_is_fine(tiny_data, edit_file):
    edit_file(
        "company.yaml",
        "        name_en: Raise market penetration\n",
        "        name_en: Raise market penetration\n        period_to: 2026-Q1\n",
    )
    edit_file(KPIS, "当月首次注册的用户数,2026-Q1,", "当月首次注册的用户数,2026-Q1,2026-Q1")
    # K01 now ends in 2026-Q1: its 2026-Q2 actual and target fall outside, and pm01's weights drop.
    found = lines(tiny_data)
    assert not any("goal_id" in line for line in found)


def test_actual_outside_the_kpis_periods_is_a_warning(tiny_data, edit_file):
    edit_file(KPIS, "当月首次注册的用户数,2026-Q1,", "当月首次注册的用户数,2026-Q2,")
    assert only(tiny_data, "actuals.csv:2:") == (
        "actuals.csv:2: period: warning: KPI 'K01' is not active in 2026-Q1 (it runs from 2026-Q2 on "
        "in kpis.csv); correct the period, or widen the KPI's period_from / period_to"
    )


def test_missing_actual_in_the_latest_period_is_a_warning(tiny_data, edit_file):
    edit_file(ACTUALS, "2026-Q2,K05,86,两个版本延期\n", "")
    assert lines(tiny_data) == [
        "kpis.csv:6: kpi_id: warning: KPI 'K05' has no actual for 2026-Q2, the latest period with "
        "actuals; add a row to actuals.csv (until then it is scored as missing)"
    ]


# --- weights -----------------------------------------------------------------------------------


def test_weights_of_a_pm_must_sum_to_100_in_every_period(tiny_data, edit_file):
    edit_file(KPIS, "12000,40,", "12000,45,")
    assert lines(tiny_data) == [
        f"kpis.csv:2: weight: the weights of pm01 (张伟)'s KPIs active in {p} sum to 105, not 100 "
        "(K01 45 + K02 35 + K03 25); change the weights so they add up to 100, or set period_from / "
        "period_to so only the KPIs of that period count"
        for p in ("2026-Q1", "2026-Q2")
    ]


def test_weights_follow_the_kpis_active_periods(tiny_data, edit_file):
    # K03 ends in 2026-Q1, so pm01 has only 75 in 2026-Q2 (and K03's Q2 actual is out of period).
    edit_file(KPIS, "评审后被修改的需求占比,2026-Q1,", "评审后被修改的需求占比,2026-Q1,2026-Q1")
    weight_lines = [line for line in lines(tiny_data) if ": weight:" in line]
    assert weight_lines == [
        "kpis.csv:2: weight: the weights of pm01 (张伟)'s KPIs active in 2026-Q2 sum to 75, not 100 "
        "(K01 40 + K02 35); change the weights so they add up to 100, or set period_from / "
        "period_to so only the KPIs of that period count"
    ]


def test_weights_within_tolerance(tiny_data, edit_file):
    edit_file(KPIS, "12000,40,", "12000,40.005,")
    assert lines(tiny_data) == []


def test_objective_weights_must_sum_positive(tiny_data, edit_file):
    edit_file("company.yaml", "weight: 60", "weight: 0")
    edit_file("company.yaml", "weight: 40", "weight: 0")
    assert lines(tiny_data) == [
        "company.yaml:15: weight: the objective weights add up to 0; give the objectives positive weights"
    ]


def test_an_objective_of_weight_0_beside_weighted_ones_is_a_warning(tiny_data, edit_file):
    edit_file("company.yaml", "weight: 40", "weight: 0")
    _, problems = validate_dataset(tiny_data)
    assert len(problems) == 1 and problems[0].severity == "warning"  # the run goes on
    assert str(problems[0]) == (
        "company.yaml:27: weight: warning: objective 'O2' has weight 0, so its goals and KPIs "
        "carry no share of the strategy; give it a positive weight, or end it with period_to"
    )


# --- files that cannot be read -----------------------------------------------------------------


def test_missing_required_file(tiny_data):
    (tiny_data / KPIS).unlink()
    found = lines(tiny_data)
    assert (
        "kpis.csv:: -: the file is missing; create kpis.csv (or kpis.xlsx) in the data folder"
        in found
    )
    # Nothing cascades from the missing table: actuals are not all "unknown KPI".
    assert not any(line.startswith("actuals.csv") for line in found)


def test_optional_file_may_be_absent(tiny_data):
    for name in ("targets.csv", "feedback.csv", "reviews.csv"):
        (tiny_data / name).unlink()
    assert lines(tiny_data) == []


def test_missing_column_is_one_problem(tiny_data, write_csv):
    write_csv(PEOPLE, "pm_id,team\npm01,增长组\npm02,体验组\n")
    assert lines(tiny_data) == [
        "people.csv:1: name: required column 'name' is missing; add a header 'name' in row 1"
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty; it needs at least a header row"),
        (
            b"\x00\x01\x02\xff" * 40,
            "is a binary file, not CSV text; export the table as CSV (UTF-8) or XLSX",
        ),
        (
            "period,kpi_id,value\n2026-Q1,K01,1\n".encode("utf-16"),
            "is a binary file, not CSV text; export the table as CSV (UTF-8) or XLSX",
        ),
        (
            b"PK\x03\x04garbage",
            "is not a readable XLSX workbook; save it again from Excel as .xlsx or .csv",
        ),
    ],
    ids=["empty", "binary", "utf16", "broken-zip"],
)
def test_unreadable_table_is_one_problem_with_a_hint(tiny_data, content, message):
    (tiny_data / ACTUALS).write_bytes(content)
    found = [line for line in lines(tiny_data) if line.startswith("actuals.csv")]
    assert len(found) == 1 and found[0].endswith(message), found


def test_malformed_yaml_still_checks_the_tables(tiny_data, edit_file):
    edit_file("company.yaml", "\ncadence: quarter", "\ncadence: [quarter")
    edit_file(KPIS, "K02,pm01", "K02,pm09")
    ds, problems = validate_dataset(tiny_data)
    assert ds is None
    found = [str(p) for p in problems]
    assert (
        found[0].startswith("company.yaml:")
        and "check indentation and quoting on this line" in found[0]
    )
    assert (
        "kpis.csv:3: owner: 'pm09' is not a pm_id in people.csv; add the person there or correct the owner"
        in found
    )


def test_data_folder_that_does_not_exist(tmp_path):
    ds, problems = validate_dataset(tmp_path / "nope")
    assert ds is None
    assert [p.message for p in problems] == [
        "the data folder does not exist; pass --data DIR or run 'kpi-workbook init DIR'"
    ]


# --- formats, aliases, order -------------------------------------------------------------------


def test_problems_are_sorted_by_file_then_row(tiny_data, edit_file):
    edit_file(KPIS, "K06,pm02", "K06,pm08")
    edit_file(KPIS, "K02,pm01", "K02,pm09")
    edit_file(ACTUALS, "2026-Q2,K06", "2026-Q2,K66")
    edit_file(PEOPLE, "pm02,李娜", "pm01,李娜")
    found = validate_dataset(tiny_data)[1]
    # the files in the order they depend on each other, so the cause comes before its effects
    order = ["people.csv", "kpis.csv", "actuals.csv", "reviews.csv", "assessments.csv"]
    keys = [(order.index(p.file), p.row) for p in found]
    assert keys == sorted(keys)
    assert [p.file for p in found][0] == "people.csv"


def test_chinese_headers_and_a_gbk_file_validate(tiny_data, write_csv):
    write_csv(
        ACTUALS,
        """
        周期,指标编号,实际值,备注
        2026-Q1,K01,10400,
        2026-Q1,K02,33.5,
        2026-Q1,K03,16,
        2026-Q1,K04,28,
        2026-Q1,K05,92,
        2026-Q1,K06,6.5,
        2026-Q2,K01,11800,春季活动拉新
        2026-Q2,K02,36.2,
        2026-Q2,K03,12,
        2026-Q2,K04,34,
        2026-Q2,K05,86,
        2026-Q2,K06,abc,
        """,
        encoding="gbk",
    )
    assert lines(tiny_data) == [
        "actuals.csv:13: value: 'abc' is not a number; write a plain number such as 12.5"
    ]


def test_blank_lines_keep_spreadsheet_rows(tiny_data, write_csv):
    write_csv(PEOPLE, "pm_id,name\npm01,张伟\n\n\npm02,\n")
    assert lines(tiny_data) == ["people.csv:5: name: name is required; fill in this cell"]


def test_xlsx_table_is_checked_with_its_own_file_name(tiny_data):
    frame = pd.read_csv(tiny_data / KPIS, dtype=str, keep_default_na=False)
    frame.loc[1, "owner"] = "pm09"
    (tiny_data / KPIS).unlink()
    frame.to_excel(tiny_data / "kpis.xlsx", index=False)
    found = lines(tiny_data)
    assert (
        "kpis.xlsx:3: owner: 'pm09' is not a pm_id in people.csv; add the person there or correct the owner"
        in found
    )
    assert all(not line.startswith("kpis.csv") for line in found)


# --- random junk never raises ------------------------------------------------------------------

_TABLES = [name for name in TEMPLATE_FILES if name.endswith(".csv")]
_JUNK = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=10),
    st.sampled_from(
        [
            "",
            " ",
            '"',
            "'",
            ",",
            "\n",
            "\r\n",
            "\x00",
            "\x1b[0m",
            "1e309",
            "-1e309",
            "nan",
            "inf",
            "９９",
            "1,000%",
            "２０２６-Ｑ１",
            "2026-Q5",
            "2026-H3",
            "0000-Q1",
            "9999-Q4",
            "越高越好",
            "产品上线与交付",
            "=SUM(A1)",
            "null",
            "~",
            "2026年13月1日",
            "K01",
            "pm01",
            "G1",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def _rewrite_cell(folder: Path, name: str, row: int, col: int, value: str) -> None:
    text = (folder / name).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    r = rows[row % len(rows)]
    r[col % len(r)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (folder / name).write_text(out.getvalue(), encoding="utf-8")


_FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@_FUZZ
@given(
    cells=st.lists(
        st.tuples(st.sampled_from(_TABLES), st.integers(0, 20), st.integers(0, 20), _JUNK),
        min_size=1,
        max_size=3,
    )
)
def test_junk_in_any_cell_gives_problems_not_tracebacks(cells):
    with tempfile.TemporaryDirectory() as tmp:
        folder = init_data_folder(Path(tmp) / "data")
        for name, row, col, value in cells:
            _rewrite_cell(folder, name, row, col, value)
        _, problems = validate_dataset(folder)
        assert all(str(p).startswith(f"{p.file}:") and p.column for p in problems)


_YAML_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
_YAML_PATHS = [
    ("company",), ("cadence",), ("language",), ("scoring",), ("scoring", "threshold_points"),
    ("scoring", "missing"), ("bands",), ("bands", "S"), ("objectives",), ("objectives", 0),
    ("objectives", 0, "id"), ("objectives", 0, "weight"), ("objectives", 1, "period_from"),
    ("objectives", 0, "goals"), ("objectives", 0, "goals", 0), ("objectives", 0, "goals", 0, "id"),
    ("objectives", 1, "goals", 1, "period_to"), ("objectives", 1, "goals", 0, "name"),
]  # fmt: skip


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(path=st.sampled_from(_YAML_PATHS), value=_YAML_VALUES)
def test_junk_in_company_yaml_gives_problems_not_tracebacks(path, value):
    with tempfile.TemporaryDirectory() as tmp:
        folder = init_data_folder(Path(tmp) / "data")
        doc = yaml.safe_load((folder / "company.yaml").read_text(encoding="utf-8"))
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        (folder / "company.yaml").write_text(
            yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8"
        )
        _, problems = validate_dataset(folder)
        assert all(isinstance(p, Problem) for p in problems)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(TEMPLATE_FILES),
    content=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)),
)
def test_any_bytes_as_a_file_give_problems_not_tracebacks(name, content):
    with tempfile.TemporaryDirectory() as tmp:
        folder = init_data_folder(Path(tmp) / "data")
        (folder / name).write_bytes(content)
        _, problems = validate_dataset(folder)
        assert all(isinstance(p, Problem) for p in problems)


# -- the review conversation's tables ---------------------------------------------------------


def test_assessment_authors_ratings_and_people_are_checked(tiny_data, edit_file):
    edit_file("assessments.csv", "2026-Q2,pm01,self,", "2026-Q2,pm01,colleague,")
    edit_file("assessments.csv", "user_growth,4", "user_growth,7")
    edit_file("assessments.csv", "2026-Q2,pm02,self", "2026-Q2,pm09,self")
    found = [line for line in lines(tiny_data) if line.startswith("assessments.csv")]
    assert found == [
        "assessments.csv:2: author: 'colleague' is not an author; use one of self, manager",
        "assessments.csv:3: rating: 7 is outside the scale 1-5; write a value from 1 to 5",
        "assessments.csv:4: pm_id: 'pm09' is not a pm_id in people.csv; add the person there or "
        "correct the pm_id",
    ]


def test_chinese_author_names_are_read_as_keys(tiny_data, edit_file):
    edit_file("assessments.csv", "2026-Q2,pm01,self,", "2026-Q2,pm01,自评,")
    ds, problems = validate_dataset(tiny_data)
    assert not [p for p in problems if p.file == "assessments.csv"]
    assert ds.assessments["author"].iloc[0] == "self"


def test_checkins_need_a_known_kpi_and_confidence_1_to_5(tiny_data, edit_file):
    edit_file("checkins.csv", "2026-07-15,K01,3200,4", "2026-07-15,K99,3200,9")
    found = [line for line in lines(tiny_data) if line.startswith("checkins.csv")]
    assert found == [
        "checkins.csv:2: confidence: 9 is outside the scale 1-5; write a value from 1 to 5",
        "checkins.csv:2: kpi_id: 'K99' is not a kpi_id in kpis.csv; add the KPI there or "
        "correct the kpi_id",
    ]


# --- one root cause, one message; events.csv ---------------------------------------------------


def test_an_unknown_owner_is_reported_once_with_the_rows_depending_on_it(tiny_data, edit_file):
    for kpi in ("K04", "K05", "K06"):
        edit_file(KPIS, f"{kpi},pm02", f"{kpi},pm09")
    assert lines(tiny_data) == [
        "kpis.csv:5: owner: 'pm09' (named in 3 rows: 5, 6, 7) is not a pm_id in people.csv; "
        "add the person there or correct the owner"
    ]


def test_a_derived_kpi_without_a_row_in_actuals_is_not_warned_as_missing(tiny_data, edit_file):
    edit_file(KPIS, "季度问卷", "feedback.nps")
    edit_file(ACTUALS, "2026-Q2,K04,34,\n", "")
    assert lines(tiny_data) == []


def test_events_need_a_known_kind_and_scope(tiny_data, write_csv):
    write_csv(
        "events.csv",
        "周期,范围,类型,描述\n"
        "2026-Q2,K05,组织调整,测试调走\n"
        "2026-Q2,增长组,weather,台风\n"
        "2026-Q2,K77,market,竞品降价\n"
        "2026-Q2,公司,other,办公室搬迁\n",
    )
    assert lines(tiny_data) == [
        "events.csv:3: kind: 'weather' is not an event kind; use one of market, organisation, "
        "data_definition, other",
        "events.csv:4: scope: 'K77' is not a kpi_id in kpis.csv, a team or product in people.csv, "
        "nor 'company'; write which of them the event covers",
    ]


def test_a_percent_written_as_a_fraction_is_a_warning_naming_both_cells(tiny_data, edit_file):
    edit_file(ACTUALS, "2026-Q1,K02,33.5,", "2026-Q1,K02,0.335,")
    assert lines(tiny_data) == [
        "actuals.csv:3: value: warning: 0.335 for KPI 'K02' is about 100 times smaller than its "
        "target 35 (kpis.csv row 3, column target); write both as percents (12 for 12 %) or both "
        "as fractions"
    ]
