"""The alignment and SMART lint of a period's KPI set."""

import pandas as pd
import pytest
from kpi_frames import actuals, company, kpis, targets, worded

from kpi_helpers.data.company import Goal, Objective
from kpi_helpers.data.schema import DIMENSIONS
from kpi_helpers.engine.findings import FINDING_COLUMNS
from kpi_helpers.engine.lint import lint_kpis
from kpi_helpers.report.findings_text import finding_text

P = "2026-Q3"


def clean_set() -> pd.DataFrame:
    """pm1 covers G1 and G2 (objective O1), pm2 covers G3 (O2); every field filled, weights 100."""
    return kpis(
        {"kpi_id": "K1", "owner": "pm1", "goal_id": "G1", "weight": 50.0},
        {"kpi_id": "K2", "owner": "pm1", "goal_id": "G2", "weight": 50.0, "dimension": "risk"},
        {"kpi_id": "K3", "owner": "pm2", "goal_id": "G3", "weight": 100.0},
    )


def lint(k, a=None, c=None, t=None):
    return worded(
        lint_kpis(
            k,
            t if t is not None else targets(),
            a if a is not None else actuals({}),
            c or company(),
            P,
        )
    )


def kinds(frame, severity=None):
    f = frame if severity is None else frame[frame["severity"] == severity]
    return sorted(f["kind"])


def test_a_clean_set_has_only_dimension_gaps():
    f = lint(clean_set())
    assert list(f.columns)[: len(FINDING_COLUMNS)] == FINDING_COLUMNS
    assert kinds(f) == ["dimension_gap", "dimension_gap"]
    gap = f[f["pm_id"] == "pm1"].iloc[0]
    assert gap["severity"] == "info" and gap["params"]["count"] == len(DIMENSIONS) - 2
    assert "delivery" not in gap["params"]["dimensions"]


def test_unknown_and_inactive_goals():
    objectives = (
        Objective("O1", "Grow", 60.0, (Goal("G1", "Reach", "O1"), Goal("G2", "Keep", "O1"))),
        Objective("O2", "Please", 40.0, (Goal("G3", "Serve", "O2", period_to="2026-Q2"),)),
    )
    k = clean_set()
    k.loc[k["kpi_id"] == "K2", "goal_id"] = "G404"
    f = lint(k, c=company(objectives=objectives)).set_index("kind")
    assert f.loc["goal_unknown", "severity"] == "error"
    assert f.loc["goal_unknown", "kpi_id"] == "K2"
    assert "G404" in f.loc["goal_unknown", "message"]
    inactive = f.loc["goal_inactive"]
    assert (inactive["kpi_id"], inactive["objective_id"], inactive["severity"]) == (
        "K3",
        "O2",
        "warning",
    )
    # O2 is still an objective, but no KPI now serves it
    assert f.loc["objective_uncovered", "objective_id"] == "O2"


def test_uncovered_objective_and_goal():
    k = clean_set()
    k = k[k["kpi_id"] != "K2"]  # G2 loses its KPI; O1 stays covered through G1
    k = k.assign(owner="pm1", weight=50.0)
    f = lint(k[k["kpi_id"] == "K1"].assign(weight=100.0))
    rows = f.set_index("kind")
    assert rows.loc["objective_uncovered", "objective_id"] == "O2"
    assert rows.loc["objective_uncovered", "severity"] == "warning"
    assert rows.loc["goal_uncovered", "params"]["goal_id"] == "G2"
    assert rows.loc["goal_uncovered", "severity"] == "info"
    assert "add a KPI" in rows.loc["objective_uncovered", "message"]


def test_weights_that_do_not_sum_to_100():
    k = clean_set()
    k.loc[k["kpi_id"] == "K1", "weight"] = 40.0
    f = lint(k)
    w = f[f["kind"] == "weights_sum"].iloc[0]
    assert (w["severity"], w["pm_id"], w["params"]["total"]) == ("error", "pm1", 90.0)
    assert "add up to 90" in w["message"] and "90" in w["message_zh"]


def test_inactive_kpis_are_not_linted():
    k = clean_set()
    extra = kpis({"kpi_id": "K9", "owner": "pm1", "weight": 30.0, "period_to": "2026-Q2"})
    assert "weights_sum" not in kinds(lint(pd.concat([k, extra], ignore_index=True)))


@pytest.mark.parametrize(
    "field, severity",
    [
        ("unit", "error"),
        ("data_source", "warning"),
        ("definition", "warning"),
        ("baseline", "warning"),
    ],
)
def test_missing_smart_fields(field, severity):
    k = clean_set()
    k[field] = k[field].astype("object")
    k.loc[k["kpi_id"] == "K3", field] = None if field != "baseline" else float("nan")
    f = lint(k)
    row = f[f["kind"] == f"missing_{field}"]
    assert list(row["kpi_id"]) == ["K3"] and list(row["severity"]) == [severity]
    assert row.iloc[0]["objective_id"] == "O2"


def test_blank_text_counts_as_missing():
    k = clean_set()
    k.loc[k["kpi_id"] == "K1", "definition"] = "  "
    assert "missing_definition" in kinds(lint(k))


def test_target_already_beaten_by_the_last_two_actuals():
    k = clean_set()  # K1 target 80 (higher is better)
    f = lint(k, a=actuals({"K1": {"2026-Q1": 84.0, "2026-Q2": 83.0, "2026-Q3": 10.0}}))
    row = f[f["kind"] == "target_too_easy"].iloc[0]
    assert row["kpi_id"] == "K1" and row["params"]["suggested"] == 83.0
    assert row["params"]["last_two"] == [84.0, 83.0]  # the period itself is not history


def test_one_actual_below_target_is_not_too_easy():
    f = lint(clean_set(), a=actuals({"K1": {"2026-Q1": 84.0, "2026-Q2": 79.0}}))
    assert "target_too_easy" not in kinds(f)


def test_lower_is_better_mirrors_the_history_checks():
    k = kpis(
        {
            "kpi_id": "K1",
            "owner": "pm1",
            "direction": "lower",
            "threshold": 20.0,
            "target": 15.0,
            "stretch": 10.0,
        }
    )
    easy = lint(k, a=actuals({"K1": {"2026-Q1": 12.0, "2026-Q2": 13.0}}))
    assert easy[easy["kind"] == "target_too_easy"].iloc[0]["params"]["suggested"] == 13.0
    # best so far 30, largest jump 2: anything below 28 is out of reach
    hard = lint(k, a=actuals({"K1": {"2026-Q1": 32.0, "2026-Q2": 30.0}}))
    row = hard[hard["kind"] == "target_out_of_reach"].iloc[0]
    assert (row["params"]["best"], row["params"]["jump"], row["params"]["limit"]) == (
        30.0,
        2.0,
        28.0,
    )


def test_target_beyond_best_plus_largest_jump():
    a = actuals({"K1": {"2025-Q4": 50.0, "2026-Q1": 55.0, "2026-Q2": 52.0}})
    f = lint(clean_set(), a=a)  # best 55 + jump 5 = 60 < target 80
    row = f[f["kind"] == "target_out_of_reach"].iloc[0]
    assert row["params"]["limit"] == 60.0 and "within 60" in row["message"]
    ok = lint(clean_set().assign(target=60.0, threshold=50.0, stretch=70.0), a=a)
    assert "target_out_of_reach" not in kinds(ok)


def test_per_period_override_is_what_gets_linted():
    t = targets({"period": P, "kpi_id": "K1", "target": 90.0, "threshold": 85.0, "stretch": 95.0})
    f = lint(clean_set(), a=actuals({"K1": {"2026-Q1": 84.0, "2026-Q2": 83.0}}), t=t)
    assert "target_too_easy" not in kinds(f)


def test_messages_exist_in_both_languages():
    f = lint(clean_set().assign(definition=None), a=actuals({}))
    assert f["message"].str.len().gt(0).all() and f["message_zh"].str.len().gt(0).all()
    gap = f[f["kind"] == "dimension_gap"].iloc[0]
    assert "风险管理" not in gap["message_zh"] and "用户增长" in gap["message_zh"]
    assert finding_text(gap["kind"], gap["params"], "zh") == gap["message_zh"]


def test_every_message_names_the_same_values_in_both_languages():
    import re

    from kpi_helpers.report.findings_text import MESSAGES, UNCHANGED_WHY

    def names(text):
        return set(re.findall(r"\{(\w+)\}", text)) - {"why", "why_zh"}

    for kind, (en, zh) in {**MESSAGES, **UNCHANGED_WHY}.items():
        assert names(en) == names(zh), kind
        assert en.endswith((".", ")")) or kind in UNCHANGED_WHY, kind
