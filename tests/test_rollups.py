"""Roll-ups of a scorecard, checked against sums done by hand."""

import math

import pandas as pd
import pytest
from kpi_frames import company

from kpi_helpers.data.company import Goal, Objective
from kpi_helpers.engine.rollups import (
    by_dimension,
    by_objective,
    by_team,
    company_summary,
    contributions,
    strategic_weights,
)
from kpi_helpers.engine.scoring import pm_totals

NAN = float("nan")


def card(scores: dict[str, float]) -> pd.DataFrame:
    """pm1: K1 (G1, delivery, 60), K2 (G2, delivery, 40); pm2: K3 (G3, risk, 50), K4 (G1, user_growth, 50)."""
    rows = [
        ("pm1", "K1", "G1", "delivery", 60.0),
        ("pm1", "K2", "G2", "delivery", 40.0),
        ("pm2", "K3", "G3", "risk", 50.0),
        ("pm2", "K4", "G1", "user_growth", 50.0),
    ]
    frame = pd.DataFrame(rows, columns=["pm_id", "kpi_id", "goal_id", "dimension", "weight"])
    frame["score"] = frame["kpi_id"].map(scores).astype("float64")
    frame["missing"] = frame["score"].isna()
    return frame


def test_by_dimension_weight_averages_within_each_pm():
    got = by_dimension(card({"K1": 100.0, "K2": 60.0, "K3": 120.0, "K4": NAN}))
    got = got.set_index(["pm_id", "dimension"])
    assert got.loc[("pm1", "delivery"), "total"] == pytest.approx((60 * 100 + 40 * 60) / 100)  # 84
    assert got.loc[("pm1", "delivery"), "weight"] == 100.0
    assert got.loc[("pm2", "risk"), "total"] == pytest.approx(120.0)
    assert math.isnan(got.loc[("pm2", "user_growth"), "total"])
    assert got.loc[("pm2", "user_growth"), "coverage"] == 0.0


def test_strategic_weights_split_each_objective_equally_between_its_goals():
    sw = strategic_weights(card({}), company()).set_index("kpi_id")
    # weight within the PM x the goal's share of its objective (O1 has two goals, O2 one)
    assert sw["strategic_weight"].to_dict() == pytest.approx(
        {"K1": 0.6 * 0.5, "K2": 0.4 * 0.5, "K3": 0.5 * 1.0, "K4": 0.5 * 0.5}
    )
    assert sw.loc["K3", "objective_id"] == "O2"


def test_by_objective_by_hand():
    got = by_objective(card({"K1": 100.0, "K2": 60.0, "K3": 120.0, "K4": 80.0}), company())
    got = got.set_index("objective_id")
    # O1: (0.3 * 100 + 0.2 * 60 + 0.25 * 80) / 0.75
    assert got.loc["O1", "total"] == pytest.approx(62.0 / 0.75)
    assert got.loc["O2", "total"] == pytest.approx(120.0)
    assert got.loc["O1", "kpis"] == 3 and got.loc["O2", "kpis"] == 1


def test_by_objective_shows_an_uncovered_objective_with_zero_kpis():
    objectives = (
        Objective("O1", "Grow", 60.0, (Goal("G1", "Reach", "O1"), Goal("G2", "Keep", "O1"))),
        Objective("O2", "Please", 40.0, (Goal("G3", "Serve", "O2"),)),
        Objective("O3", "New", 10.0, (Goal("G7", "Explore", "O3"),)),
    )
    got = by_objective(card({"K1": 100.0}), company(objectives=objectives)).set_index(
        "objective_id"
    )
    assert got.loc["O3", "kpis"] == 0 and math.isnan(got.loc["O3", "total"])


def test_a_goal_that_left_the_strategy_no_longer_covers_its_objective():
    # G3 leaves the strategy after 2026-Q2: in 2026-Q3 the KPI still pointing at it covers nothing
    objectives = (
        Objective("O1", "Grow", 60.0, (Goal("G1", "Reach", "O1"), Goal("G2", "Keep", "O1"))),
        Objective("O2", "Please", 40.0, (Goal("G3", "Serve", "O2", period_to="2026-Q2"),)),
    )
    c = card({"K1": 100.0, "K2": 60.0, "K3": 120.0, "K4": 80.0})
    q2 = by_objective(c, company(objectives=objectives), "2026-Q2").set_index("objective_id")
    q3 = by_objective(c, company(objectives=objectives), "2026-Q3").set_index("objective_id")
    assert q2.loc["O2", "kpis"] == 1
    assert q3.loc["O2", "kpis"] == 0 and math.isnan(q3.loc["O2", "total"])
    sw = strategic_weights(c, company(objectives=objectives), "2026-Q3").set_index("kpi_id")
    assert math.isnan(sw.loc["K3", "strategic_weight"])


def test_by_team_and_company_summary():
    c = card({"K1": 100.0, "K2": 60.0, "K3": 120.0, "K4": 80.0})
    totals = pm_totals(c, company())  # pm1 84 (B), pm2 100 (A)
    people = pd.DataFrame({"pm_id": ["pm1", "pm2"], "team": ["Core", None]})
    teams = by_team(totals, people).set_index("team")
    assert teams.loc["Core", "total"] == pytest.approx(84.0)
    assert teams.loc["-", "total"] == pytest.approx(100.0)
    summary = company_summary(totals, company())
    assert summary["total"] == pytest.approx(92.0) and summary["band"] == "B"
    assert summary["bands"] == {"S": 0, "A": 1, "B": 0, "C": 1, "D": 0}
    assert summary["pms"] == 2 and summary["coverage"] == 1.0


def test_contributions_add_up_to_the_change_in_total():
    before = card({"K1": 100.0, "K2": 60.0, "K3": 120.0, "K4": NAN})
    now = card({"K1": 110.0, "K2": 30.0, "K3": 90.0, "K4": 100.0})
    got = contributions(now, before)
    t_now = pm_totals(now).set_index("pm_id")["total"]
    t_before = pm_totals(before).set_index("pm_id")["total"]
    per_pm = got.groupby("pm_id")["contribution"].sum()
    for pm in ("pm1", "pm2"):
        assert per_pm[pm] == pytest.approx(t_now[pm] - t_before[pm])
    pm1 = got[got["pm_id"] == "pm1"].set_index("kpi_id")["contribution"]
    # pm1: K1 +10 x 0.6 = +6, K2 -30 x 0.4 = -12; the bigger mover comes first
    assert pm1.to_dict() == pytest.approx({"K2": -12.0, "K1": 6.0})
    assert list(pm1.index) == ["K2", "K1"]


def test_new_and_retired_kpis_are_not_movers():
    from kpi_helpers.report.views import top_contributions

    before = card({"K1": 100.0, "K2": 60.0, "K3": 120.0, "K4": 90.0}).query("kpi_id != 'K2'")
    now = card({"K1": 110.0, "K2": 30.0, "K3": 90.0, "K4": 100.0}).query("kpi_id != 'K4'")
    got = contributions(now, before)
    active = got.set_index(["pm_id", "kpi_id"])["active"]
    assert active[("pm1", "K1")] == "both"
    assert {active[(pm, "K2")] for pm in got.loc[got["kpi_id"] == "K2", "pm_id"]} == {"new"}
    assert {active[(pm, "K4")] for pm in got.loc[got["kpi_id"] == "K4", "pm_id"]} == {"retired"}
    movers = top_contributions(got, n=5)
    assert not movers.empty and set(movers["kpi_id"]) <= {"K1", "K3"}
