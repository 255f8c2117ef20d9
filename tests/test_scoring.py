"""Every branch of threshold / target / stretch scoring, pinned against hand-computed points."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kpi_frames import actuals, company, kpis, targets

from kpi_helpers.data.company import ScoringPolicy
from kpi_helpers.engine.scoring import (
    achievement_ratio,
    active_kpis,
    band_counts,
    kpi_targets,
    pm_totals,
    score_values,
    scorecard,
    weighted_total,
)

NAN = float("nan")
DEFAULT = ScoringPolicy()


def points(actual, threshold=60.0, target=80.0, stretch=90.0, direction="higher", policy=None):
    args = (actual, threshold, target, stretch, direction)
    return float(score_values(*args, policy) if policy else score_values(*args))


# Higher is better, threshold 60, target 80, stretch 90: 0 / 60 / 100 / 120 points.
@pytest.mark.parametrize(
    "actual, expected",
    [
        (0.0, 0.0),
        (59.99, 0.0),  # just below the threshold: nothing
        (60.0, 60.0),  # at the threshold
        (70.0, 80.0),  # halfway threshold -> target: 60 + 0.5 * 40
        (75.0, 90.0),  # 60 + 0.75 * 40
        (80.0, 100.0),  # at the target
        (85.0, 110.0),  # halfway target -> stretch: 100 + 0.5 * 20
        (90.0, 120.0),  # at the stretch
        (200.0, 120.0),  # above the stretch: capped
    ],
)
def test_higher_is_better(actual, expected):
    assert points(actual) == pytest.approx(expected)


# Lower is better, threshold 20, target 15, stretch 10 (e.g. requirement change rate %).
@pytest.mark.parametrize(
    "actual, expected",
    [
        (30.0, 0.0),
        (20.01, 0.0),
        (20.0, 60.0),
        (17.5, 80.0),  # halfway 20 -> 15
        (15.0, 100.0),
        (12.5, 110.0),  # halfway 15 -> 10
        (10.0, 120.0),
        (0.0, 120.0),
    ],
)
def test_lower_is_better_mirrors(actual, expected):
    assert points(actual, 20.0, 15.0, 10.0, "lower") == pytest.approx(expected)


@pytest.mark.parametrize(
    "actual, direction, bounds, expected",
    [
        (70.0, "higher", (60.0, 80.0), 80.0),
        (80.0, "higher", (60.0, 80.0), 100.0),
        (95.0, "higher", (60.0, 80.0), 100.0),  # no stretch: cap at the target's points
        (50.0, "higher", (60.0, 80.0), 0.0),
        (5.0, "lower", (20.0, 15.0), 100.0),
        (17.5, "lower", (20.0, 15.0), 80.0),
    ],
)
def test_without_stretch_the_cap_is_the_target(actual, direction, bounds, expected):
    assert points(actual, *bounds, NAN, direction) == pytest.approx(expected)


def test_missing_actual_scores_nan():
    assert math.isnan(points(NAN))


def test_custom_points_from_policy():
    policy = ScoringPolicy(threshold_points=50, target_points=100, stretch_points=150)
    assert points(60.0, policy=policy) == pytest.approx(50.0)
    assert points(70.0, policy=policy) == pytest.approx(75.0)  # 50 + 0.5 * 50
    assert points(85.0, policy=policy) == pytest.approx(125.0)  # 100 + 0.5 * 50
    assert points(99.0, policy=policy) == pytest.approx(150.0)
    assert points(99.0, stretch=NAN, policy=policy) == pytest.approx(100.0)
    assert points(12.5, 20.0, 15.0, 10.0, "lower", policy) == pytest.approx(125.0)


def test_vectorised_over_mixed_directions():
    got = score_values(
        [70.0, 17.5, NAN, 95.0],
        [60.0, 20.0, 60.0, 60.0],
        [80.0, 15.0, 80.0, 80.0],
        [90.0, 10.0, 90.0, NAN],
        ["higher", "lower", "higher", "higher"],
    )
    np.testing.assert_allclose(got, [80.0, 80.0, NAN, 100.0])


def test_a_missing_direction_is_read_as_higher_instead_of_crashing():
    direction = pd.Series(["lower", pd.NA], dtype="string")
    got = score_values([17.5, 70.0], [20.0, 60.0], [15.0, 80.0], [10.0, 90.0], direction)
    np.testing.assert_allclose(got, [80.0, 80.0])


def test_achievement_ratio_both_directions():
    got = achievement_ratio([88.0, 13.5, 80.0], [80.0, 15.0, 80.0], ["higher", "lower", "higher"])
    np.testing.assert_allclose(got, [1.1, 1.1, 1.0])


def test_achievement_undefined_for_zero_or_negative_target_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = achievement_ratio([3.0, 0.0, 5.0], [0.0, 0.0, -2.0], ["lower", "higher", "higher"])
    assert np.isnan(got).all()


# --- active periods and per-period overrides --------------------------------------------------


def two_kpis():
    return kpis(
        {"kpi_id": "K1", "owner": "pm1", "weight": 60.0, "period_from": "2026-Q1"},
        {
            "kpi_id": "K2",
            "owner": "pm1",
            "weight": 40.0,
            "direction": "lower",
            "threshold": 20.0,
            "target": 15.0,
            "stretch": 10.0,
            "period_to": "2026-Q2",
        },
    )


def test_active_periods_are_inclusive():
    k = two_kpis()
    assert list(active_kpis(k, "2025-Q4")["kpi_id"]) == ["K2"]
    assert list(active_kpis(k, "2026-Q1")["kpi_id"]) == ["K1", "K2"]
    assert list(active_kpis(k, "2026-Q2")["kpi_id"]) == ["K1", "K2"]
    assert list(active_kpis(k, "2026-Q3")["kpi_id"]) == ["K1"]


def test_targets_override_only_their_period_and_only_given_columns():
    t = targets(
        {"period": "2026-Q2", "kpi_id": "K1", "target": 85.0, "threshold": NAN, "stretch": 95.0},
        {"period": "2026-Q2", "kpi_id": "K1", "target": 84.0, "threshold": NAN, "stretch": 94.0},
    )
    q1 = kpi_targets(two_kpis(), t, "2026-Q1").set_index("kpi_id")
    q2 = kpi_targets(two_kpis(), t, "2026-Q2").set_index("kpi_id")
    assert tuple(q1.loc["K1", ["threshold", "target", "stretch"]]) == (60.0, 80.0, 90.0)
    # the last row of a duplicated (period, kpi) wins; the empty threshold keeps kpis.csv's
    assert tuple(q2.loc["K1", ["threshold", "target", "stretch"]]) == (60.0, 84.0, 94.0)
    assert tuple(q2.loc["K2", ["threshold", "target", "stretch"]]) == (20.0, 15.0, 10.0)


def test_override_changes_the_score():
    t = targets({"period": "2026-Q2", "kpi_id": "K1", "target": 70.0, "threshold": 50.0})
    a = actuals({"K1": {"2026-Q2": 70.0}, "K2": {"2026-Q2": 15.0}})
    card = scorecard(two_kpis(), t, a, "2026-Q2").set_index("kpi_id")
    assert card.loc["K1", "score"] == pytest.approx(100.0)  # on the overridden target
    assert card.loc["K1", "achievement"] == pytest.approx(1.0)


# --- totals, coverage, missing policy, bands -------------------------------------------------


def card_with_a_gap(policy=DEFAULT):
    a = actuals({"K1": {"2026-Q2": 85.0}})  # K1 scores 110, K2 has no actual
    return scorecard(two_kpis(), targets(), a, "2026-Q2", policy)


def test_missing_excluded_total_over_scored_weight_with_coverage():
    card = card_with_a_gap().set_index("kpi_id")
    assert card.loc["K1", "score"] == pytest.approx(110.0)
    assert math.isnan(card.loc["K2", "score"]) and bool(card.loc["K2", "missing"])
    tot = pm_totals(card.reset_index(), company()).iloc[0]
    assert tot["total"] == pytest.approx(110.0)
    assert tot["coverage"] == pytest.approx(0.6)
    # 60 % of the weight is below the default floor of 80 %: the total shows, the band does not
    assert tot["band"] is None and bool(tot["incomplete"])
    assert tot["kpis"] == 2 and tot["missing"] == 1


@pytest.mark.parametrize("floor, band", [(0.6, "S"), (0.61, None), (0.0, "S")])
def test_the_coverage_floor_decides_whether_a_band_is_given(floor, band):
    card = card_with_a_gap()
    tot = pm_totals(card, company(policy=ScoringPolicy(min_coverage=floor))).iloc[0]
    assert tot["band"] == band and bool(tot["incomplete"]) is (band is None)
    assert tot["total"] == pytest.approx(110.0)  # the total is shown either way


def test_missing_zero_scores_zero_and_counts_as_scored():
    card = card_with_a_gap(ScoringPolicy(missing="zero")).set_index("kpi_id")
    assert card.loc["K2", "score"] == 0.0 and bool(card.loc["K2", "missing"])
    tot = pm_totals(card.reset_index(), company()).iloc[0]
    assert tot["total"] == pytest.approx(0.6 * 110.0)  # 66
    assert tot["coverage"] == pytest.approx(1.0)
    assert tot["band"] == "D" and tot["missing"] == 1 and not tot["incomplete"]


def test_weighted_total_by_hand():
    frame = pd.DataFrame(
        {
            "pm_id": ["a", "a", "a", "b", "c"],
            "weight": [50.0, 30.0, 20.0, 100.0, 100.0],
            "score": [100.0, 60.0, NAN, 120.0, NAN],
        }
    )
    got = weighted_total(frame, "pm_id").set_index("pm_id")
    assert got.loc["a", "total"] == pytest.approx((50 * 100 + 30 * 60) / 80)  # 85
    assert got.loc["a", "coverage"] == pytest.approx(0.8)
    assert got.loc["b", "total"] == pytest.approx(120.0)
    assert math.isnan(got.loc["c", "total"]) and got.loc["c", "coverage"] == 0.0


@pytest.mark.parametrize(
    "total, band",
    [(110.0, "S"), (109.99, "A"), (100.0, "A"), (85.0, "B"), (70.0, "C"), (69.9, "D")],
)
def test_bands_at_their_edges(total, band):
    assert company().band_of(total) == band


def test_band_counts_keep_empty_bands():
    totals = pd.DataFrame({"band": ["A", "A", "D"]})
    assert band_counts(totals, company()).to_dict() == {"S": 0, "A": 2, "B": 0, "C": 0, "D": 1}


def test_derived_flag_and_columns():
    a = actuals({"K1": {"2026-Q1": 80.0}}).assign(derived=True)
    card = scorecard(two_kpis(), targets(), a, "2026-Q1")
    assert list(card["kpi_id"]) == ["K1", "K2"]
    assert list(card["derived"]) == [True, False]
    assert set(card["period"]) == {"2026-Q1"}


def as_string(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Columns as the "string" dtype the loaders give (Arrow-backed when pyarrow is installed)."""
    return frame.astype(dict.fromkeys(cols, "string"))


def test_derived_flag_with_string_ids():
    # Arrow-backed ids make `map` give bool[pyarrow] with NA for a KPI without an actual
    a = as_string(actuals({"K1": {"2026-Q1": 80.0}}).assign(derived=True), "period", "kpi_id")
    card = scorecard(as_string(two_kpis(), "kpi_id", "owner"), targets(), a, "2026-Q1")
    assert card["derived"].dtype == bool
    assert list(card["derived"]) == [True, False]


# --- properties --------------------------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False)
gap = st.floats(0.01, 1e4, allow_nan=False)


@st.composite
def kpi_levels(draw):
    """(threshold, target, stretch or NaN, direction) in the validator's order."""
    direction = draw(st.sampled_from(["higher", "lower"]))
    t, g1, g2 = draw(finite), draw(gap), draw(gap)
    sign = 1.0 if direction == "higher" else -1.0
    stretch = t + sign * (g1 + g2) if draw(st.booleans()) else NAN
    return t, t + sign * g1, stretch, direction


@st.composite
def policies(draw):
    pt = draw(st.floats(0, 90))
    pg = pt + draw(st.floats(1, 100))
    ps = pg + draw(st.floats(1, 100))
    return ScoringPolicy(pt, pg, ps)


@given(kpi_levels(), finite, finite, policies())
def test_a_better_actual_never_lowers_the_score(levels, a, b, policy):
    t, g, s, direction = levels
    worse, better = (min(a, b), max(a, b)) if direction == "higher" else (max(a, b), min(a, b))
    lo = points(worse, t, g, s, direction, policy)
    hi = points(better, t, g, s, direction, policy)
    assert hi >= lo - 1e-9


@given(kpi_levels(), finite, policies())
def test_scores_stay_within_zero_and_the_cap(levels, a, policy):
    t, g, s, direction = levels
    p = points(a, t, g, s, direction, policy)
    cap = policy.stretch_points if not math.isnan(s) else policy.target_points
    assert 0.0 <= p <= cap + 1e-9
