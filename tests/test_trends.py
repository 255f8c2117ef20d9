"""KPI series over periods, changes, and the noise rule."""

import math

import pandas as pd
import pytest
from kpi_frames import actuals, kpis, targets

from kpi_helpers.engine.scoring import scorecard
from kpi_helpers.engine.trends import TREND_COLUMNS, history_periods, kpi_history, kpi_trends
from kpi_helpers.report.views import targets_vs_history

NAN = float("nan")


def two_kpis():
    return kpis(
        {"kpi_id": "K1", "owner": "pm1", "weight": 50.0},  # % higher, 60 / 80 / 90
        {
            "kpi_id": "K2",
            "owner": "pm1",
            "weight": 50.0,
            "unit": "days",
            "direction": "lower",
            "threshold": 20.0,
            "target": 15.0,
            "stretch": 10.0,
        },
    )


SERIES = {
    "K1": {
        "2025-Q1": 70,
        "2025-Q2": 71,
        "2025-Q3": 69,
        "2025-Q4": 70,
        "2026-Q1": 80,
        "2026-Q3": 81,
    },
    "K2": {
        "2025-Q1": 18,
        "2025-Q2": 17,
        "2025-Q3": 16,
        "2025-Q4": 15,
        "2026-Q1": 14,
        "2026-Q2": 14,
    },
}


def trends(**kw):
    return kpi_trends(two_kpis(), targets(), actuals(SERIES), **kw).set_index(["kpi_id", "period"])


def test_history_periods_fill_gaps():
    a = actuals({"K1": {"2025-Q3": 1.0, "2026-Q1": 2.0}})
    assert history_periods(a) == ["2025-Q3", "2025-Q4", "2026-Q1"]
    assert history_periods(a, "2026-Q2")[-1] == "2026-Q2"


def test_kpi_history_stacks_scorecards():
    h = kpi_history(two_kpis(), targets(), actuals(SERIES), ["2025-Q1", "2025-Q2"])
    assert len(h) == 4
    assert h.set_index(["kpi_id", "period"]).loc[("K2", "2025-Q2"), "score"] == pytest.approx(84.0)


def test_series_changes_and_year_over_year():
    t = trends()
    assert sorted(t.reset_index().columns) == sorted(TREND_COLUMNS)
    q1 = t.loc[("K1", "2026-Q1")]
    assert (q1["actual"], q1["score"], q1["previous"], q1["change"]) == (80.0, 100.0, 70.0, 10.0)
    assert (q1["last_year"], q1["change_yoy"], bool(q1["improved"])) == (70.0, 10.0, True)
    # a lower-is-better KPI improves when it falls
    k2 = t.loc[("K2", "2025-Q2")]
    assert k2["change"] == -1.0 and bool(k2["improved"])


def test_a_missing_quarter_has_no_change_either_side():
    t = trends()
    assert math.isnan(t.loc[("K1", "2026-Q2"), "actual"])
    assert t.loc[("K1", "2026-Q2"), "noise"] == "no previous"
    q3 = t.loc[("K1", "2026-Q3")]
    assert math.isnan(q3["change"]) and q3["noise"] == "no previous"
    assert q3["change_yoy"] == pytest.approx(81.0 - 69.0)


def test_history_rule_needs_three_earlier_changes():
    t = trends()
    assert t.loc[("K1", "2025-Q2"), "noise"] == "not enough history"
    assert t.loc[("K1", "2025-Q4"), "noise"] == "not enough history"  # only 2 earlier changes
    # earlier changes +1, -2, +1: sd = sqrt(3) ~ 1.73; +10 > 2 x 1.73 is real
    assert t.loc[("K1", "2026-Q1"), "method"] == "history"
    assert t.loc[("K1", "2026-Q1"), "noise"] == "real"


def test_history_rule_calls_a_small_move_noise():
    a = actuals({"K1": {"2025-Q1": 70, "2025-Q2": 74, "2025-Q3": 69, "2025-Q4": 73, "2026-Q1": 75}})
    t = kpi_trends(two_kpis(), targets(), a).set_index(["kpi_id", "period"])
    # earlier changes +4, -5, +4: sd ~ 5.2, so +2 is within the noise
    assert t.loc[("K1", "2026-Q1"), "noise"] == "noise"


def test_wilson_rule_for_shares_with_known_n():
    a = actuals({"K1": {"2026-Q1": 70.0, "2026-Q2": 75.0}})
    big = pd.DataFrame({"period": ["2026-Q1", "2026-Q2"], "kpi_id": "K1", "n": [2000, 2000]})
    small = big.assign(n=[40, 40])
    t_big = kpi_trends(two_kpis(), targets(), a, counts=big).set_index(["kpi_id", "period"])
    t_small = kpi_trends(two_kpis(), targets(), a, counts=small).set_index(["kpi_id", "period"])
    assert t_big.loc[("K1", "2026-Q2"), "method"] == "wilson"
    assert t_big.loc[("K1", "2026-Q2"), "noise"] == "real"  # 70 % vs 75 % of 2000: apart
    assert t_small.loc[("K1", "2026-Q2"), "noise"] == "noise"  # of 40: overlapping intervals
    assert t_small.loc[("K1", "2026-Q2"), "n"] == 40


def test_wilson_with_only_this_periods_n_uses_the_previous_value():
    a = actuals({"K1": {"2026-Q1": 70.0, "2026-Q2": 75.0}}).assign(n=[float("nan"), 2000.0])
    t = kpi_trends(two_kpis(), targets(), a).set_index(["kpi_id", "period"])
    assert t.loc[("K1", "2026-Q2"), "method"] == "wilson"
    assert t.loc[("K1", "2026-Q2"), "noise"] == "real"


def test_n_is_ignored_for_kpis_that_are_not_shares():
    a = actuals({"K2": {"2026-Q1": 15.0, "2026-Q2": 14.0}})
    c = pd.DataFrame({"period": ["2026-Q1", "2026-Q2"], "kpi_id": "K2", "n": [500, 500]})
    t = kpi_trends(two_kpis(), targets(), a, counts=c).set_index(["kpi_id", "period"])
    assert t.loc[("K2", "2026-Q2"), "method"] == "history"
    assert t.loc[("K2", "2026-Q2"), "noise"] == "not enough history"


def test_empty_actuals_give_an_empty_table():
    assert kpi_trends(two_kpis(), targets(), actuals({})).empty


@pytest.mark.parametrize("missing", ["exclude", "zero"])
def test_kpi_history_equals_the_scorecards_of_each_period(missing):
    from kpi_helpers.data.company import ScoringPolicy
    from kpi_helpers.engine.scoring import scorecard

    k = pd.concat(
        [
            two_kpis(),
            kpis(
                {"kpi_id": "K0", "owner": "pm0", "period_from": "2025-Q3", "period_to": "2026-Q1"},
                {"kpi_id": "K3", "owner": "pm1", "weight": 0.0, "stretch": NAN},
            ),
        ],
        ignore_index=True,
    )
    t = targets(
        {"period": "2025-Q4", "kpi_id": "K1", "target": 75.0, "threshold": NAN, "stretch": 85.0},
        {"period": "2025-Q4", "kpi_id": "K1", "target": 78.0, "threshold": NAN, "stretch": NAN},
        {"period": "2026-Q1", "kpi_id": "K2", "target": 14.0, "threshold": 18.0, "stretch": NAN},
        {"period": "2030-Q1", "kpi_id": "K2", "target": 1.0, "threshold": 2.0, "stretch": NAN},
    )
    a = actuals({**SERIES, "K0": {"2025-Q3": 70.0, "2026-Q1": 95.0}, "K3": {"2026-Q2": 85.0}})
    a = pd.concat([a, a.iloc[[0]].assign(value=50.0)], ignore_index=True)  # repeated: last wins
    a["derived"] = a["kpi_id"].eq("K3")
    periods = history_periods(a)
    policy = ScoringPolicy(missing=missing)
    got = kpi_history(k, t, a, periods, policy)
    want = pd.concat([scorecard(k, t, a, p, policy) for p in periods], ignore_index=True)
    pd.testing.assert_frame_equal(got, want)


def test_string_direction_with_a_gap_is_higher_is_better():
    # "string" columns compare to bool[pyarrow] (or boolean) with NA, which np.where refuses;
    # a KPI whose direction is not given counts as higher-is-better
    k = two_kpis().astype({"kpi_id": "string", "owner": "string", "direction": "string"})
    k.loc[0, "direction"] = pd.NA
    a = actuals(SERIES).astype({"period": "string", "kpi_id": "string"})
    t = kpi_trends(k, targets(), a).set_index(["kpi_id", "period"])
    assert bool(t.loc[("K1", "2026-Q1"), "improved"]) is True  # 69 -> 80, higher is better
    assert bool(t.loc[("K2", "2026-Q1"), "improved"]) is True  # 15 -> 14, lower is better
    hist = targets_vs_history(scorecard(k, targets(), a, "2026-Q2"), a, "2026-Q2")
    hist = hist.set_index("kpi_id")
    assert hist.loc["K1", "ambition"] > 0 and hist.loc["K2", "ambition"] > 0
