"""company.yaml: the strategy, scoring policy and bands, with YAML line numbers in every problem."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import pytest

from kpi_helpers.data.company import load_company

MINIMAL = """\
company: 示例
cadence: quarter
objectives:
  - id: O1
    name: 增长
    weight: 1
    goals:
      - id: G1
        name: 新用户
"""


def load(tmp_path, text: str, encoding: str = "utf-8"):
    (tmp_path / "company.yaml").write_bytes(textwrap.dedent(text).encode(encoding))
    return load_company(tmp_path)


def messages(tmp_path, text: str) -> list[str]:
    return [str(p) for p in load(tmp_path, text)[1]]


def test_the_example_company(tiny_data):
    company, problems, path = load_company(tiny_data)
    assert problems == [] and path.name == "company.yaml"
    assert company.name == "示例科技" and company.display_name("en") == "Example Tech"
    assert company.cadence == "quarter" and company.language == "zh"
    assert [(o.id, o.weight) for o in company.objectives] == [("O1", 60.0), ("O2", 40.0)]
    assert [g.id for o in company.objectives for g in o.goals] == ["G1", "G2", "G3", "G4"]
    assert company.policy.threshold_points == 60 and company.policy.missing == "exclude"
    assert [b for b, _ in company.bands] == ["S", "A", "B", "C", "D"]


def test_goals_inherit_their_objectives_periods(tiny_data):
    company, _, _ = load_company(tiny_data)
    goals = company.goals_frame().set_index("goal_id")
    assert goals.loc["G3", "objective_id"] == "O2" and goals.loc["G3", "period_from"] == "2026-Q1"
    assert pd.isna(goals.loc["G1", "period_from"])
    assert company.active_goal_ids("2025-Q4") == {"G1", "G2"}
    assert company.active_goal_ids("2026-Q1") == {"G1", "G2", "G3", "G4"}
    assert list(company.objectives_frame("2025-Q4")["objective_id"]) == ["O1"]


@pytest.mark.parametrize(
    "score, band", [(120, "S"), (110, "S"), (100, "A"), (99.9, "B"), (70, "C"), (-5, "D")]
)
def test_bands(tiny_data, score, band):
    company, _, _ = load_company(tiny_data)
    assert company.band_of(score) == band


def test_band_of_missing_score_is_none(tiny_data):
    company, _, _ = load_company(tiny_data)
    assert company.band_of(float("nan")) is None and company.band_of(None) is None


def test_custom_bands_and_policy(tmp_path):
    company, problems, _ = load(
        tmp_path,
        MINIMAL
        + "scoring: {threshold_points: 50, target_points: 100, stretch_points: 130, missing: zero}\n"
        "bands: {优: 105, 良: 90, 差: 0}\n",
    )
    assert problems == []
    assert company.policy.stretch_points == 130 and company.policy.missing == "zero"
    assert company.bands[0] == ("优", 105.0) and company.bands[-1][0] == "差"
    assert math.isinf(company.bands[-1][1])


def test_gbk_encoded_file_and_yml_suffix(tmp_path):
    (tmp_path / "company.yml").write_bytes(MINIMAL.encode("gbk"))
    company, problems, path = load_company(tmp_path)
    assert problems == [] and company.name == "示例" and path.name == "company.yml"


def test_missing_file(tmp_path):
    company, problems, _ = load_company(tmp_path)
    assert company is None
    assert [str(p) for p in problems] == [
        "company.yaml:: -: the file is missing; create company.yaml (see 'kpi-workbook init')"
    ]


def test_binary_file(tmp_path):
    (tmp_path / "company.yaml").write_bytes(b"\x00\x01\x02" * 10)
    company, problems, _ = load_company(tmp_path)
    assert company is None
    assert [str(p) for p in problems] == [
        "company.yaml:: -: is not a text file; write company.yaml as UTF-8 YAML"
    ]


def test_malformed_yaml_names_the_line(tmp_path):
    company, problems, _ = load(tmp_path, MINIMAL.replace("name: 新用户", "name: [新用户"))
    assert company is None
    assert len(problems) == 1 and problems[0].row == 10
    assert str(problems[0]).endswith("check indentation and quoting on this line")


def test_not_a_mapping(tmp_path):
    assert messages(tmp_path, "- just\n- a list\n") == [
        "company.yaml:1: -: must be a YAML mapping with company, cadence and objectives"
    ]


def test_missing_name_bad_cadence_and_no_objectives(tmp_path):
    assert messages(tmp_path, "# strategy\ncadence: monthly\nobjectives: []\n") == [
        "company.yaml:2: company: the company name is missing; add 'company: <name>'",
        "company.yaml:2: cadence: 'monthly' is not a cadence; write 'cadence: quarter' or 'cadence: half'",
        "company.yaml:2: objectives: there are no objectives; add a list 'objectives:' with id, name, weight and goals",
    ]


def test_problems_in_objectives_and_goals_name_their_line(tmp_path):
    text = MINIMAL + (
        "  - id: O1\n"  # line 10
        "    name: 重复\n"
        "    weight: lots\n"
        "    goals:\n"
        "      - id: G2\n"  # line 14
        "        name: 留存\n"
        "        period_to: 2026-Q9\n"
    )
    assert messages(tmp_path, text) == [
        "company.yaml:10: id: objective id 'O1' is used twice; ids must be unique",
        "company.yaml:10: weight: 'lots' is not a number; write a plain number",
        "company.yaml:10: weight: objective 'O1' has no weight; add 'weight: <number>'",
        "company.yaml:14: period_to: '2026-Q9' is not a period; write it like 2026-Q3 or 2026-H1",
    ]


def test_scoring_points_must_rise(tmp_path):
    found = messages(tmp_path, MINIMAL + "scoring:\n  threshold_points: 100\n  target_points: 60\n")
    assert found == [
        "company.yaml:11: scoring: points must rise: 0 <= threshold_points (100.0) < "
        "target_points (60.0) < stretch_points (120.0)"
    ]


def test_final_score_weights_and_calibration_guideline(tmp_path):
    company, problems, _ = load(
        tmp_path,
        MINIMAL
        + "final_score: {kpi: 70, reviews: 20, self: 10}\n"
        + "calibration: {S: 10, A: 25, B: 40, C: 15, D: 10}\n",
    )
    assert problems == []
    assert company.final_score == (("kpi", 70.0), ("reviews", 20.0), ("self", 10.0))
    assert dict(company.calibration)["B"] == 40.0


def test_final_score_defaults_to_the_kpi_total_alone(tmp_path):
    company, problems, _ = load(tmp_path, MINIMAL)
    assert problems == [] and company.final_score == (("kpi", 100.0),)
    assert company.calibration is None


def test_review_settings_refuse_formulas_and_bad_sums(tmp_path):
    found = messages(
        tmp_path,
        MINIMAL + "final_score: {kpi: '0.7*total', peers: 5}\n" + "calibration: {S: 50, A: 60}\n",
    )
    assert any("final_score.kpi: '0.7*total' is not a number" in m for m in found)
    assert any("'peers' is not one of kpi, reviews, self" in m for m in found)
    assert any("add up to 110, not 100" in m for m in found)


@pytest.mark.parametrize("written, floor", [("0.5", 0.5), ("80", 0.8), (None, 0.8)])
def test_min_coverage_is_a_share_and_defaults_to_80_percent(tmp_path, written, floor):
    extra = f"scoring:\n  min_coverage: {written}\n" if written else ""
    company, problems, _ = load(tmp_path, MINIMAL + extra)
    assert problems == [] and company.policy.min_coverage == pytest.approx(floor)


def test_a_min_coverage_beyond_a_share_is_refused(tmp_path):
    assert messages(tmp_path, MINIMAL + "scoring:\n  min_coverage: 250\n") == [
        "company.yaml:11: min_coverage: min_coverage 250 is not a share; write a value from 0 "
        "to 1 such as 0.8"
    ]
