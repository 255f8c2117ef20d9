"""Small confidence intervals used across the workbook: Wilson for shares, NPS, and Student's t.

No SciPy: the t quantile is computed exactly for integer degrees of freedom from the closed-form
t distribution (Abramowitz & Stegun 26.7.3/26.7.4), so the package needs nothing beyond numpy.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

Z95 = 1.959963984540054  # NormalDist().inv_cdf(0.975)


def z_value(confidence: float = 0.95) -> float:
    """The two-sided normal quantile for a confidence level (1.96 for 0.95)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson_interval(successes, n, z: float = 1.96):
    """Wilson score interval of a share successes / n, as shares 0..1: (low, high).

    Works on scalars (returns floats) or arrays (returns arrays). n <= 0 gives (nan, nan).
    """
    k, m = np.asarray(successes, dtype="float64"), np.asarray(n, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        denom = 1.0 + z * z / m
        centre = (p + z * z / (2.0 * m)) / denom
        half = z * np.sqrt(p * (1.0 - p) / m + z * z / (4.0 * m * m)) / denom
    bad = ~(m > 0)
    low = np.where(bad, np.nan, np.clip(centre - half, 0.0, 1.0))
    high = np.where(bad, np.nan, np.clip(centre + half, 0.0, 1.0))
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def nps_value(promoters, detractors, n):
    """Net Promoter Score -100..100 from counts of promoters (9-10), detractors (0-6) and answers."""
    p, d, m = (np.asarray(x, dtype="float64") for x in (promoters, detractors, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(m > 0, 100.0 * (p - d) / m, np.nan)
    return float(out) if out.ndim == 0 else out


def nps_interval(promoters, detractors, n, z: float = 1.96):
    """Interval of the NPS, (low, high) on -100..100.

    Var = 100^2 [p + d - (p - d)^2] / n with p, d the promoter and detractor shares; the interval
    is NPS +- z sqrt(Var), clipped to the scale. n <= 0 gives (nan, nan).
    """
    pr, de, m = (np.asarray(x, dtype="float64") for x in (promoters, detractors, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        p, d = pr / m, de / m
        var = 100.0**2 * np.maximum(p + d - (p - d) ** 2, 0.0) / m
        nps = 100.0 * (p - d)
        half = z * np.sqrt(var)
    bad = ~(m > 0)
    low = np.where(bad, np.nan, np.clip(nps - half, -100.0, 100.0))
    high = np.where(bad, np.nan, np.clip(nps + half, -100.0, 100.0))
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def _t_two_sided_mass(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with integer df (A&S 26.7.3 odd df, 26.7.4 even df)."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    s = math.sin(theta)
    if df % 2 == 1:
        total, term = 0.0, math.cos(theta)
        for k in range(1, (df - 1) // 2 + 1):
            total += term
            term *= c2 * (2 * k) / (2 * k + 1)
        return 2.0 / math.pi * (theta + s * total) if df > 1 else 2.0 * theta / math.pi
    total, term = 0.0, 1.0
    for k in range(1, df // 2 + 1):
        total += term
        term *= c2 * (2 * k - 1) / (2 * k)
    return s * total


def t_quantile(confidence: float, df: int) -> float:
    """The two-sided Student's t quantile: t with P(|T| <= t) = confidence (2.776 for 0.95, df 4)."""
    if df < 1:
        return math.nan
    z = z_value(confidence)
    if df > 2000:  # Cornish-Fisher: exact to ~1e-9 this far out
        g1 = (z**3 + z) / 4.0
        g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96.0
        return z + g1 / df + g2 / df**2
    lo, hi = 0.0, 1.0
    while _t_two_sided_mass(hi, df) < confidence:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if _t_two_sided_mass(mid, df) < confidence:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0


def t_interval(mean: float, sd: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Interval of a mean from its sample standard deviation and size: mean +- t sd / sqrt(n).

    Needs n >= 2; otherwise (nan, nan).
    """
    if n is None or n < 2 or mean is None or sd is None or math.isnan(mean) or math.isnan(sd):
        return math.nan, math.nan
    half = t_quantile(confidence, int(n) - 1) * sd / math.sqrt(n)
    return mean - half, mean + half
