"""The periodic review: findings across periods and the next period's proposed targets."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kpi_frames import actuals, company, kpis, targets, worded

from kpi_helpers.data.company import Goal, Objective
from kpi_helpers.engine.findings import FINDING_COLUMNS
from kpi_helpers.engine.review import (
    FRAGMENT_COLUMNS,
    PROPOSAL_COLUMNS,
    proposal_fragment,
    propose_targets,
    review_findings,
    rounding_step,
)

P = "2026-Q3"
OBJECTIVES = (
    Objective("O1", "Grow", 50.0, (Goal("G1", "Reach", "O1"), Goal("G2", "Keep", "O1"))),
    Objective("O2", "Please", 30.0, (Goal("G3", "Serve", "O2", period_to="2026-Q3"),)),
    Objective("O3", "Explore", 20.0, (Goal("G7", "New lines", "O3"),)),
)
LOWER = {"direction": "lower", "threshold": 20.0, "target": 15.0, "stretch": 10.0, "unit": "days"}
COUNT = {"unit": "次", "threshold": 4.0, "target": 6.0, "stretch": 9.0}
USERS = {"unit": "人", "threshold": 600.0, "target": 800.0, "stretch": 900.0}


def sample():
    """pm1 beats everything (K1, K2), pm2 misses everything (K3, K4), pm3 has a goal leaving
    the strategy after 2026-Q3 (K5) and a missing quarter (K6); O3 has no KPI."""
    k = kpis(
        {"kpi_id": "K1", "owner": "pm1", "weight": 50.0, **USERS},
        {"kpi_id": "K2", "owner": "pm1", "weight": 50.0, **LOWER},
        {"kpi_id": "K3", "owner": "pm2", "weight": 60.0, "goal_id": "G2"},
        {"kpi_id": "K4", "owner": "pm2", "weight": 40.0, "goal_id": "G2", **COUNT},
        {"kpi_id": "K5", "owner": "pm3", "weight": 40.0, "goal_id": "G3"},
        {"kpi_id": "K6", "owner": "pm3", "weight": 60.0, "goal_id": "G2"},
    )
    a = actuals(
        {
            "K1": {"2026-Q1": 850, "2026-Q2": 920, "2026-Q3": 950},
            "K2": {"2026-Q1": 9, "2026-Q2": 8, "2026-Q3": 7},
            "K3": {"2026-Q1": 55, "2026-Q2": 50, "2026-Q3": 45},
            "K4": {"2026-Q1": 3, "2026-Q2": 2, "2026-Q3": 1},
            "K5": {"2026-Q1": 70, "2026-Q2": 72, "2026-Q3": 74},
            "K6": {"2026-Q1": 70, "2026-Q3": 75},
        }
    )
    return k, targets(), a, company(objectives=OBJECTIVES)


def findings():
    k, t, a, c = sample()
    f = review_findings(k, t, a, c, P)
    assert list(f.columns) == FINDING_COLUMNS
    return worded(f)


def rows(f, kind):
    return f[f["kind"] == kind]


def test_stretch_reached_two_periods_running():
    f = findings()
    easy = rows(f, "kpi_too_easy")
    assert sorted(easy["kpi_id"]) == ["K1", "K2"]  # K2 is lower-is-better: 8 and 7 <= 10
    assert set(easy["severity"]) == {"warning"}
    pm = rows(f, "pm_too_easy").iloc[0]
    assert pm["pm_id"] == "pm1" and pm["params"]["kpis"] == ["K1", "K2"]
    assert "raise" in easy.iloc[0]["message"] and "2026-Q4" in easy.iloc[0]["message"]


def test_below_threshold_two_periods_running():
    f = findings()
    assert sorted(rows(f, "kpi_under_threshold")["kpi_id"]) == ["K3", "K4"]
    assert list(rows(f, "pm_under_threshold")["pm_id"]) == ["pm2"]
    assert "investigate" in rows(f, "kpi_under_threshold").iloc[0]["message"]


def test_one_good_period_is_not_a_streak():
    k, t, a, c = sample()
    a.loc[(a["kpi_id"] == "K1") & (a["period"] == "2026-Q2"), "value"] = 700.0
    f = review_findings(k, t, a, c, P)
    assert "K1" not in set(rows(f, "kpi_too_easy")["kpi_id"])
    assert rows(f, "pm_too_easy").empty  # one KPI left is not "several"


def test_goal_leaving_the_strategy_means_retire_and_reweight():
    f = findings()
    left = rows(f, "goal_left_strategy").iloc[0]
    assert (left["kpi_id"], left["objective_id"], left["params"]["goal_to"]) == ("K5", "O2", P)
    assert "retire" in left["message"]
    w = rows(f, "weights_after_retirement").iloc[0]
    assert (w["pm_id"], w["params"]["total"], w["params"]["next_period"]) == (
        "pm3",
        60.0,
        "2026-Q4",
    )


def test_uncovered_objective_and_missing_data():
    f = findings()
    assert list(rows(f, "objective_uncovered")["objective_id"]) == ["O3"]
    gap = rows(f, "missing_data").iloc[0]
    assert gap["kpi_id"] == "K6" and gap["params"]["periods"] == ["2026-Q2"]


# --- proposal --------------------------------------------------------------------------------


def proposal():
    k, t, a, c = sample()
    p = propose_targets(k, t, a, c, P)
    assert list(p.columns) == PROPOSAL_COLUMNS
    return worded(p).set_index("kpi_id")


def levels(p, kid):
    return tuple(p.loc[kid, ["threshold", "target", "stretch"]])


def test_raise_follows_the_trend_and_keeps_the_band():
    p = proposal()
    # 850, 920, 950: slope 50, forecast 1000 > last 950; band 200 below, 100 above
    assert levels(p, "K1") == (800.0, 1000.0, 1100.0)
    assert p.loc["K1", "action"] == "raise" and bool(p.loc["K1", "changed"])
    assert "1,000" in p.loc["K1", "reason"] and "2026-Q2, 2026-Q3" in p.loc["K1", "reason"]
    # lower is better: 9, 8, 7 -> forecast 6; band 5 either side, stretch stays >= 0
    assert levels(p, "K2") == (11.0, 6.0, 1.0)


def test_ease_moves_one_typical_step_beyond_the_trend():
    p = proposal()
    # 55, 50, 45 (%): forecast 40 < last 45; no spread, so one rounding step (0.5) beyond 45
    assert levels(p, "K3") == (25.5, 45.5, 55.5)
    assert p.loc["K3", "action"] == "ease" and "investigate" in p.loc["K3", "reason"]
    # counts 3, 2, 1: target 2, threshold floored at 0
    assert levels(p, "K4") == (0.0, 2.0, 5.0)


def test_unchanged_rows_are_listed_with_their_reason():
    p = proposal()
    assert p.loc["K5", "action"] == "keep" and "retire" in p.loc["K5", "reason"]
    assert not p.loc["K5", "in_fragment"]
    assert p.loc["K6", "action"] == "keep" and p.loc["K6", "reason"].startswith("Unchanged")
    assert levels(p, "K6") == (60.0, 80.0, 90.0) and not p.loc["K6", "changed"]
    assert p["reason_zh"].str.len().gt(0).all()


def test_a_kpi_that_keeps_beating_target_never_gets_a_target_below_its_last_actual():
    k, t, a, c = sample()
    # falling but still above target: forecast 830 < last 880, so the target is the last actual
    a.loc[a["kpi_id"] == "K1", "value"] = [1000.0, 940.0, 880.0]
    p = propose_targets(k, t, a, c, P).set_index("kpi_id")
    assert p.loc["K1", "target"] == 880.0


def test_carried_forward_override_goes_into_the_fragment():
    k, _, a, c = sample()
    t = targets({"period": P, "kpi_id": "K6", "target": 78.0, "threshold": 65.0, "stretch": 88.0})
    p = propose_targets(k, t, a, c, P).set_index("kpi_id")
    assert levels(p, "K6") == (65.0, 78.0, 88.0)
    assert not p.loc["K6", "changed"] and p.loc["K6", "in_fragment"]


def test_new_kpis_next_period_keep_their_values():
    k, t, a, c = sample()
    new = kpis({"kpi_id": "K7", "owner": "pm3", "weight": 0.0, "period_from": "2026-Q4"})
    p = propose_targets(pd.concat([k, new], ignore_index=True), t, a, c, P).set_index("kpi_id")
    assert p.loc["K7", "params"]["why"] == "new" and not p.loc["K7", "in_fragment"]


def test_fragment_is_ready_for_targets_csv():
    k, t, a, c = sample()
    frag = proposal_fragment(propose_targets(k, t, a, c, P))
    assert list(frag.columns) == FRAGMENT_COLUMNS
    assert set(frag["period"]) == {"2026-Q4"}
    assert sorted(frag["kpi_id"]) == ["K1", "K2", "K3", "K4"]


def test_no_stretch_stays_without_stretch():
    k, t, a, c = sample()
    k.loc[k["kpi_id"] == "K1", "stretch"] = float("nan")
    p = propose_targets(k, t, a, c, P).set_index("kpi_id")
    assert p.loc["K1", "target"] == 1000.0 and math.isnan(p.loc["K1", "stretch"])


@pytest.mark.parametrize(
    "unit, values, step",
    [
        ("%", (30, 35, 40), 0.5),
        ("%", (3, 3.5, 4), 0.1),
        ("人", (80000, 100000, 120000), 1000.0),
        ("分", (25, 35, 45), 1.0),
        ("分", (3.2, 3.8, 4.3), 0.1),
        ("元", (2.5, 5.0, 7.5), 0.1),
        ("次", (0, 0, 0), 1.0),
    ],
)
def test_rounding_steps_suit_the_unit(unit, values, step):
    assert rounding_step(unit, values) == step


@st.composite
def one_kpi(draw):
    direction = draw(st.sampled_from(["higher", "lower"]))
    unit = draw(st.sampled_from(["%", "人", "分", "days"]))
    top = 100.0 if unit == "%" else draw(st.sampled_from([5.0, 50.0, 5000.0]))
    lv = sorted(draw(st.lists(st.floats(0, top), min_size=3, max_size=3, unique=True)))
    lv = [round(v, 1) for v in lv]
    if len(set(lv)) < 3:
        lv = [0.1 * top, 0.5 * top, 0.9 * top]
    t, g, s = lv if direction == "higher" else lv[::-1]
    if draw(st.booleans()):
        s = float("nan")
    vals = draw(st.lists(st.floats(0, top), min_size=3, max_size=5))
    return direction, unit, (t, g, s), vals


@settings(max_examples=30, deadline=None)
@given(one_kpi())
def test_proposals_always_keep_the_validators_order(case):
    direction, unit, (t, g, s), vals = case
    k = kpis(
        {
            "kpi_id": "K1",
            "owner": "pm1",
            "unit": unit,
            "direction": direction,
            "threshold": t,
            "target": g,
            "stretch": s,
        }
    )
    periods = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"][-len(vals) :]
    a = actuals({"K1": dict(zip(periods, vals, strict=True))})
    row = propose_targets(k, targets(), a, company(), P).iloc[0]
    sign = 1.0 if direction == "higher" else -1.0
    x = np.array([row["threshold"], row["target"], row["stretch"]]) * sign
    assert x[0] < x[1]
    assert math.isnan(x[2]) or x[1] < x[2]
    if unit == "%":
        finite = [v for v in (row["threshold"], row["target"], row["stretch"]) if not math.isnan(v)]
        assert all(0.0 <= v <= 100.0 for v in finite)
    # never easier than the last actual, unless the scale's end leaves no room (0 %, 100 %, 0)
    room = 2 * rounding_step(unit, (t, g, s))
    inside = unit != "%" and (direction == "higher" or vals[-1] >= room)
    if row["action"] == "raise" and inside:
        assert row["target"] * sign >= vals[-1] * sign - 1e-9


def test_numbers_in_sentences_are_readable():
    from kpi_helpers.report.findings_text import finding_text, sentence_number

    assert sentence_number(103000.0) == "103,000" and sentence_number(33568) == "33,568"
    assert sentence_number(31.8841) == "31.9" and sentence_number(0.28) == "0.28"
    assert sentence_number(0.3) == "0.3" and sentence_number("2026-Q3") == "2026-Q3"
    assert sentence_number(-0.001) == "0"
    reason = finding_text(
        "proposal.raise", {"periods": ["2026-Q2"], "last": 33568.0, "target": 103000.0}, "en"
    )
    assert "33,568" in reason and "103,000" in reason
