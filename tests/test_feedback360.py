"""360 reviews: anonymity of comments, means against the company, final score, calibration, check-ins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from kpi_frames import kpis, targets

from kpi_helpers.engine.calibration import (
    band_distribution,
    discuss_first,
    rank_disagreement,
    rater_leniency,
    target_ambition,
)
from kpi_helpers.engine.checkins import current_period, forecast_checkins
from kpi_helpers.engine.feedback360 import POOLED, score_summary, visible_comments
from kpi_helpers.engine.final_score import final_scores, rating_points

P = "2026-Q3"
BANDS = (("S", 110.0), ("A", 100.0), ("B", 85.0), ("C", 70.0), ("D", float("-inf")))


def reviews(rows):
    cols = ["period", "pm_id", "dimension", "rater_role", "score", "comment", "rater_id"]
    return pd.DataFrame(rows, columns=cols)


def test_a_role_with_three_raters_is_shown_a_lone_rater_is_withheld():
    r = reviews(
        [
            (P, "PM1", "collaboration", "peer", 4, "clear plans", "p1"),
            (P, "PM1", "collaboration", "peer", 5, "helps others", "p2"),
            (P, "PM1", "collaboration", "peer", 3, None, "p3"),
            (P, "PM1", "collaboration", "manager", 2, "misses deadlines", "m1"),
        ]
    )
    c = visible_comments(r, P, "PM1")
    assert list(c.shown["comment"]) == ["clear plans", "helps others"]
    assert set(c.shown["role"]) == {"peer"}
    assert c.withheld == 1 and c.raters == {"manager": 1, "peer": 3}
    assert "rater_id" not in c.shown and "misses deadlines" not in c.shown.to_string()


def test_small_roles_are_pooled_when_the_pool_reaches_three():
    r = reviews(
        [
            (P, "PM1", "delivery", "manager", 4, "ships on time", "m1"),
            (P, "PM1", "delivery", "engineer", 3, "specs arrive late", "e1"),
            (P, "PM1", "delivery", "engineer", 4, None, "e2"),
        ]
    )
    c = visible_comments(r, P, "PM1")
    assert set(c.shown["role"]) == {POOLED} and c.withheld == 0
    assert sorted(c.shown["comment"]) == ["ships on time", "specs arrive late"]


def test_without_rater_ids_raters_are_counted_per_dimension():
    # one peer who scored three dimensions is one rater, not three
    r = reviews(
        [(P, "PM1", d, "peer", 4, f"note {d}", None) for d in ("delivery", "risk", "innovation")]
    )
    c = visible_comments(r, P, "PM1")
    assert c.raters == {"peer": 1} and c.shown.empty and c.withheld == 3


def test_score_summary_sets_each_mean_beside_the_company_mean():
    r = reviews(
        [
            (P, "PM1", "delivery", "peer", 4, None, "a"),
            (P, "PM1", "delivery", "peer", 2, None, "b"),
            (P, "PM2", "delivery", "peer", 5, None, "a"),
            ("2026-Q2", "PM1", "delivery", "peer", 1, None, "a"),
        ]
    )
    s = score_summary(r, P, "PM1").iloc[0]
    assert (s["mean"], s["n"], s["company_mean"]) == (3.0, 2, pytest.approx(11 / 3))


def test_rating_points_follow_the_levels_of_a_kpi():
    assert list(rating_points([1, 2, 3, 4, 5])) == [0.0, 60.0, 100.0, 110.0, 120.0]
    assert np.isnan(rating_points([np.nan])[0])


def test_final_score_weights_the_parts_and_rescales_when_one_is_missing():
    totals = pd.DataFrame({"pm_id": ["PM1", "PM2"], "total": [90.0, 100.0]})
    f = final_scores(
        totals,
        pd.Series({"PM1": 4.0, "PM2": 3.0}),
        pd.Series({"PM1": 3.0}),  # PM2 wrote no self rating
        {"kpi": 70, "reviews": 20, "self": 10},
    ).set_index("pm_id")
    assert f.loc["PM1", "final"] == pytest.approx(0.7 * 90 + 0.2 * 110 + 0.1 * 100)
    assert f.loc["PM2", "final"] == pytest.approx((70 * 100 + 20 * 100) / 90)
    assert f.loc["PM2", "parts"] == "kpi;reviews"


def test_band_distribution_against_the_guideline():
    totals = pd.DataFrame({"pm_id": list("abcd"), "total": [120, 112, 90, None]})
    totals["band"] = ["S", "S", "B", None]
    d = band_distribution(totals, BANDS, {"S": 10, "A": 25, "B": 40, "C": 15, "D": 10})
    s = d.set_index("band", drop=False)
    assert s.loc["S", "pms"] == 2 and s.loc["S", "share"] == 0.5
    assert s.loc["S", "difference"] == pytest.approx(0.4)
    assert d["band"].isna().sum() == 1 and d["pms"].sum() == 4


def test_target_ambition_is_negative_when_the_target_is_below_what_was_achieved():
    k = kpis(
        {"kpi_id": "K1", "owner": "pm1", "target": 80.0, "threshold": 70.0, "stretch": 90.0},
        {"kpi_id": "K2", "owner": "pm2", "target": 110.0, "threshold": 90.0, "stretch": 120.0},
    )
    a = pd.DataFrame(
        {
            "period": ["2026-Q1", "2026-Q2", "2026-Q1", "2026-Q2", P],
            "kpi_id": ["K1", "K1", "K2", "K2", "K1"],
            "value": [95.0, 100.0, 90.0, 100.0, 1.0],
        }
    )
    amb = target_ambition(k, targets(), a, P).set_index("pm_id")["ambition"]
    assert amb["pm1"] == pytest.approx(-0.2)  # target 80 against a best of 100
    assert amb["pm2"] == pytest.approx(0.1)


def test_rank_disagreement_over_a_third_of_the_ranks():
    totals = pd.DataFrame({"pm_id": ["a", "b", "c"], "total": [120.0, 100.0, 80.0]})
    r = rank_disagreement(totals, pd.Series({"a": 2.0, "b": 3.0, "c": 4.0})).set_index("pm_id")
    assert list(r["kpi_rank"]) == [1, 2, 3] and list(r["review_rank"]) == [3, 2, 1]
    assert list(r["disagree"]) == [True, False, True]


def test_rater_leniency_is_measured_against_what_others_gave_the_same_pm():
    r = reviews(
        [
            (P, "a", "delivery", "peer", 5, None, "easy"),
            (P, "a", "delivery", "peer", 3, None, "hard"),
            (P, "b", "delivery", "peer", 4, None, "easy"),
            (P, "b", "delivery", "peer", 2, None, "hard"),
            (P, "c", "delivery", "peer", 5, None, "easy"),  # c is rated by the lenient rater only
            (P, "c", "delivery", "self", 5, None, "c"),  # own scores are left out
        ]
    )
    raters, pms = rater_leniency(r, P)
    lenient = raters.set_index("rater_id")["leniency"]
    assert lenient["easy"] == pytest.approx(2 / 3) and lenient["hard"] == pytest.approx(-1.0)
    shift = pms.set_index("pm_id")["shift"]
    assert shift["c"] == pytest.approx(-2 / 3)  # loses what the lenient rater added
    assert shift["b"] == pytest.approx((-2 / 3 + 1) / 2)
    assert "c" not in set(raters["rater_id"])


def test_discuss_first_names_easy_targets_behind_a_top_band():
    totals = pd.DataFrame({"pm_id": ["a", "b"], "total": [118.0, 100.5], "band": ["S", "A"]})
    ambition = pd.DataFrame({"pm_id": ["a", "b"], "ambition": [-0.15, 0.05], "kpis": [3, 3]})
    d = discuss_first(totals, BANDS, ambition, pd.DataFrame(), pd.DataFrame())
    assert list(d["pm_id"]) == ["a", "b"]
    assert list(d["kind"]) == ["easy_targets", "near_edge"]


def test_checkins_forecast_the_period_end_from_their_trend():
    k = kpis({"kpi_id": "K1", "owner": "pm1", "threshold": 60.0, "target": 80.0, "stretch": 90.0})
    c = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-10-01", "2026-10-31"]),
            "kpi_id": ["K1", "K1"],
            "value": [40.0, 50.0],  # +10 in 30 days -> about 70 by 31 Dec
            "confidence": [3.0, 2.0],
            "note": [None, "launch slipped"],
        }
    )
    f = forecast_checkins(c, k, targets(), "2026-Q4").iloc[0]
    assert f["forecast"] == pytest.approx(40 + 10 * 91 / 30)
    assert f["status"] == "at_risk" and f["note"] == "launch slipped" and f["checkins"] == 2
    lower = k.assign(direction="lower", threshold=100.0, target=75.0, stretch=50.0)
    assert forecast_checkins(c, lower, targets(), "2026-Q4").iloc[0]["status"] == "on_track"
    assert current_period(c, ["2026-Q3"], "quarter") == "2026-Q4"
    assert current_period(c, ["2026-Q4"], "quarter") is None
