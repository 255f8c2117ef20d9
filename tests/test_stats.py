"""Confidence intervals: Wilson for shares, NPS per the brief's formula, Student's t."""

import math

import numpy as np
import pytest

from kpi_helpers.stats import (
    nps_interval,
    nps_value,
    t_interval,
    t_quantile,
    wilson_interval,
    z_value,
)


def test_wilson_by_hand():
    # 8 of 10: centre (0.8 + 1.96^2/20) / (1 + 1.96^2/10), half-width from the Wilson formula
    z = 1.96
    p, n = 0.8, 10
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low, high = wilson_interval(8, 10)
    assert (low, high) == pytest.approx((centre - half, centre + half))
    assert (low, high) == pytest.approx((0.4902, 0.9433), abs=1e-4)


def test_wilson_edges_stay_inside_zero_one():
    assert wilson_interval(0, 20)[0] == 0.0
    assert wilson_interval(20, 20)[1] == pytest.approx(1.0)
    assert 0.0 < wilson_interval(20, 20)[0] < 1.0


def test_wilson_without_answers_is_undefined():
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_wilson_vectorised():
    low, high = wilson_interval(np.array([5, 50]), np.array([10, 100]))
    assert low.shape == (2,) and (high - low)[1] < (high - low)[0]  # more answers, narrower


def test_nps_interval_uses_the_briefs_variance():
    # 50 promoters, 20 detractors, 100 answers: NPS 30, Var = 100^2 (0.7 - 0.09) / 100 = 61
    assert nps_value(50, 20, 100) == pytest.approx(30.0)
    low, high = nps_interval(50, 20, 100)
    half = 1.96 * math.sqrt(61.0)
    assert (low, high) == pytest.approx((30 - half, 30 + half))


def test_nps_interval_is_clipped_to_the_scale_and_nan_without_answers():
    assert nps_interval(5, 0, 5) == (100.0, 100.0)
    low, high = nps_interval(19, 0, 20)
    assert high == 100.0 and low < 95.0
    assert all(math.isnan(v) for v in nps_interval(0, 0, 0))


@pytest.mark.parametrize(
    "df, expected",  # two-sided 95 % quantiles from any t table
    [(1, 12.706), (2, 4.303), (4, 2.776), (9, 2.262), (29, 2.045), (120, 1.980), (10_000, 1.960)],
)
def test_t_quantiles_match_the_table(df, expected):
    assert t_quantile(0.95, df) == pytest.approx(expected, abs=1e-3)


def test_t_quantiles_match_scipy_when_installed():
    stats = pytest.importorskip("scipy.stats")
    for df in (1, 3, 7, 30, 500, 3000):
        for conf in (0.8, 0.95, 0.99):
            assert t_quantile(conf, df) == pytest.approx(stats.t.ppf(0.5 + conf / 2, df), rel=1e-8)


def test_t_interval():
    low, high = t_interval(4.0, 1.0, 10)
    half = 2.262157 / math.sqrt(10)
    assert (low, high) == pytest.approx((4.0 - half, 4.0 + half), abs=1e-6)
    assert all(math.isnan(v) for v in t_interval(4.0, 1.0, 1))


def test_z_value():
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    with pytest.raises(ValueError):
        z_value(1.5)
