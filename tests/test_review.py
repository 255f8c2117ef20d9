"""The periodic review: findings across periods and the next period's proposed targets."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from kpi_frames import actuals, company, kpis, targets, worded

from kpi_helpers.data.company import Goal, Objective
from kpi_helpers.engine.effect import EFFECT_COLUMNS, effect_findings, proposal_effect
from kpi_helpers.engine.findings import FINDING_COLUMNS, findings_frame
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
    message = rows(f, "kpi_under_threshold").iloc[0]["message"]
    assert "target stays" in message and "cause" in message


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


def events(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["period", "scope", "kind", "description"])


PEOPLE = pd.DataFrame(
    {
        "pm_id": ["pm1", "pm2", "pm3"],
        "team": ["增长组", "体验组", "体验组"],
        "products": [("App",), ("Pay",), ("Pay",)],
    }
)


def test_a_missed_target_alone_is_never_eased():
    p = proposal()
    # K3 (55, 50, 45 %) and K4 (counts 3, 2, 1) stayed below threshold, but nothing explains it
    assert levels(p, "K3") == (60.0, 80.0, 90.0) and levels(p, "K4") == (4.0, 6.0, 9.0)
    assert set(p.loc[["K3", "K4"], "action"]) == {"keep"}
    assert not p.loc["K3", "changed"]
    assert (
        "no recorded event" in p.loc["K3", "reason"]
        and "没有记录在案的事件" in p.loc["K3", "reason_zh"]
    )


def test_a_declining_lower_is_better_kpi_keeps_its_target_too():
    k, t, a, c = sample()
    # days to fix: 21, 23, 26 against threshold 20 / target 15 -- worse every quarter
    a.loc[a["kpi_id"] == "K2", "value"] = [21.0, 23.0, 26.0]
    p = propose_targets(k, t, a, c, P).set_index("kpi_id")
    assert levels(p, "K2") == (20.0, 15.0, 10.0)
    assert p.loc["K2", "reason_kind"] == "proposal.hold"


def test_an_event_covering_the_kpi_eases_it_and_quotes_the_event():
    k, t, a, c = sample()
    ev = events(("2026-Q3", "K3", "market", "竞品降价，市场份额被抢"))
    p = worded(propose_targets(k, t, a, c, P, events=ev, people=PEOPLE)).set_index("kpi_id")
    # 55, 50, 45 (%): forecast 40 < last 45; no spread, so one rounding step (0.5) beyond 45;
    # the threshold keeps its distance of 20 below the target, the stretch 10 above
    assert levels(p, "K3") == (25.5, 45.5, 55.5)
    assert p.loc["K3", "action"] == "ease" and p.loc["K3", "reason_kind"] == "proposal.ease_event"
    assert "竞品降价，市场份额被抢" in p.loc["K3", "reason"]
    assert levels(p, "K4") == (4.0, 6.0, 9.0)  # the event names K3 only
    f = worded(review_findings(k, t, a, c, P, events=ev, people=PEOPLE))
    explained = rows(f, "kpi_under_threshold_event")
    assert list(explained["kpi_id"]) == ["K3"] and "竞品降价" in explained.iloc[0]["message"]
    assert list(rows(f, "kpi_under_threshold")["kpi_id"]) == ["K4"]


@pytest.mark.parametrize(
    "scope, eased", [("体验组", True), ("Pay", True), ("company", True), ("App", False)]
)
def test_an_event_for_the_owners_team_product_or_company_covers_the_kpi(scope, eased):
    k, t, a, c = sample()
    ev = events(("2026-Q2", scope, "organisation", "两名工程师调走"))
    p = propose_targets(k, t, a, c, P, events=ev, people=PEOPLE).set_index("kpi_id")
    assert (p.loc["K4", "action"] == "ease") is eased  # K4 belongs to pm2: 体验组, product Pay


def test_an_event_outside_the_missed_periods_is_no_evidence():
    k, t, a, c = sample()
    ev = events(("2026-Q1", "K3", "market", "旧事件"))
    p = propose_targets(k, t, a, c, P, events=ev, people=PEOPLE).set_index("kpi_id")
    assert p.loc["K3", "action"] == "keep"


def _cohort(owners: int):
    rows_ = [
        {"kpi_id": f"C{i}", "owner": f"pm{i}", "definition": "7日留存", "weight": 100.0}
        for i in range(1, owners + 1)
    ]
    a = actuals({r["kpi_id"]: {"2026-Q1": 62, "2026-Q2": 55, "2026-Q3": 50} for r in rows_})
    return propose_targets(kpis(*rows_), targets(), a, company(), P).set_index("kpi_id")


def test_a_miss_shared_by_every_owner_of_the_same_measure_eases_it():
    p = worded(_cohort(3))
    assert set(p["reason_kind"]) == {"proposal.ease_cohort"}
    assert p.loc["C1", "target"] < 80.0 and "all 3 owners" in p.loc["C1", "reason"]
    assert set(_cohort(2)["reason_kind"]) == {"proposal.hold"}  # two owners are not a cohort


def test_a_percent_target_is_never_raised_beyond_100():
    k = kpis({"kpi_id": "K1", "owner": "pm1", "threshold": 90.0, "target": 95.0, "stretch": 98.0})
    a = actuals({"K1": {"2026-Q1": 98.5, "2026-Q2": 99.2, "2026-Q3": 99.8}})
    row = propose_targets(k, targets(), a, company(), P).iloc[0]
    assert row["stretch"] <= 100.0 and row["target"] < row["stretch"]
    assert row["threshold"] < row["target"]


def test_levels_0_1_1_5_with_actuals_of_2_are_raised_in_order():
    # the stretch 2.5 once rounded to 2 and pulled the target below the actuals it beat
    k = kpis(
        {"kpi_id": "K1", "owner": "pm1", "unit": "人", "threshold": 0.0, "target": 1.0,
         "stretch": 1.5}
    )  # fmt: skip
    a = actuals({"K1": {"2026-Q1": 2, "2026-Q2": 2, "2026-Q3": 2}})
    row = propose_targets(k, targets(), a, company(), P).iloc[0]
    assert row["action"] == "raise"
    assert (row["threshold"], row["target"], row["stretch"]) == (1.0, 2.0, 3.0)


def test_a_raise_never_leaps_beyond_the_largest_gain_seen():
    k = kpis({"kpi_id": "K1", "owner": "pm1", **USERS})
    # +40 then +10: the trend would say 1000 + 25, the largest gain allows 1000 + 40
    a = actuals({"K1": {"2026-Q1": 950, "2026-Q2": 990, "2026-Q3": 1000}})
    row = propose_targets(k, targets(), a, company(), P).iloc[0]
    assert 1000.0 <= row["target"] <= 1040.0


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
    assert sorted(frag["kpi_id"]) == ["K1", "K2"]  # K3 and K4 missed without evidence


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


@settings(max_examples=30, deadline=None, derandomize=True)
@given(one_kpi())
@example(("higher", "人", (0.0, 1.0, 1.5), [2.0, 2.0, 2.0]))
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
    if row["action"] == "raise":  # no leap beyond the largest gain between two actuals
        gain = max(0.0, *(np.diff(vals) * sign))
        step = rounding_step(unit, (t, g, s))
        assert row["target"] * sign <= max(vals[-1] * sign + gain, g * sign) + step + 1e-9
    assert row["action"] != "ease"  # no events: a miss alone never eases


def test_the_effect_scores_this_periods_actuals_with_the_proposed_levels():
    k, t, a, c = sample()
    ev = events(("2026-Q3", "体验组", "organisation", "测试团队调往支付项目"))
    p = propose_targets(k, t, a, c, P, events=ev, people=PEOPLE)
    e = proposal_effect(k, t, a, c, P, p).set_index("pm_id")
    assert list(e.columns) == EFFECT_COLUMNS[1:]
    # pm1 beat everything: K1 950 and K2 7 score 120 each now; with K1 at 800 / 1000 / 1100 it
    # scores 60 + 150 / 200 x 40 = 90, K2 at 11 / 6 / 1 scores 60 + 4 / 5 x 40 = 92 -> 91, B
    assert (e.loc["pm1", "total_now"], e.loc["pm1", "band_now"]) == (120.0, "S")
    assert e.loc["pm1", "total_under_proposal"] == pytest.approx(91.0)
    assert e.loc["pm1", "band_under_proposal"] == "B" and not e.loc["pm1", "up_by_retargeting"]
    # pm2 missed everything (0 points, D); eased K3 (25.5 / 45.5) scores 99 for 45, eased K4
    # (0 / 2) scores 80 for 1: 0.6 x 99 + 0.4 x 80 = 91.4, B -- up two bands on the same actuals
    assert (e.loc["pm2", "total_now"], e.loc["pm2", "band_now"]) == (0.0, "D")
    assert e.loc["pm2", "total_under_proposal"] == pytest.approx(91.4)
    assert e.loc["pm2", "up_by_retargeting"]
    flagged = effect_findings(proposal_effect(k, t, a, c, P, p), P)
    assert [f["pm_id"] for f in flagged] == ["pm2"]
    text = worded(findings_frame(flagged)).iloc[0]["message"]
    assert "pm2 would move from D to B" in text


def test_without_evidence_nobody_moves_up_a_band_by_re_targeting():
    k, t, a, c = sample()
    e = proposal_effect(k, t, a, c, P, propose_targets(k, t, a, c, P))
    assert not e["up_by_retargeting"].any()
    assert e.set_index("pm_id").loc["pm2", "total_under_proposal"] == 0.0


def test_a_360_score_is_never_raised_beyond_the_scale_of_5():
    k = kpis(
        {"kpi_id": "K1", "owner": "pm1", "unit": "分", "data_source": "reviews.collaboration",
         "threshold": 3.8, "target": 4.2, "stretch": 4.6}
    )  # fmt: skip
    # 4.3, 4.5, 4.6: forecast 4.75 -> 4.8; stretch 4.8 + 0.4 = 5.2 is cut to the scale's 5
    a = actuals({"K1": {"2026-Q1": 4.3, "2026-Q2": 4.5, "2026-Q3": 4.6}})
    row = propose_targets(k, targets(), a, company(), P).iloc[0]
    assert row["action"] == "raise"
    assert (row["threshold"], row["target"], row["stretch"]) == (4.4, 4.8, 5.0)
    # 4.95 leaves no room on the 0.1 grid for a target >= 4.95 below a stretch <= 5: it stays
    a = actuals({"K1": {"2026-Q1": 4.5, "2026-Q2": 4.75, "2026-Q3": 4.95}})
    row = worded(propose_targets(k, targets(), a, company(), P)).iloc[0]
    assert row["action"] == "keep" and "no room" in row["reason"]


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
