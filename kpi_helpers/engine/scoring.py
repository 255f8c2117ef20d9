"""Scoring KPIs against threshold / target / stretch, and each PM's weighted total, coverage and band."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_helpers.data.company import Company, ScoringPolicy
from kpi_helpers.periods import parse_period

DEFAULT_POLICY = ScoringPolicy()

CARD_COLUMNS = [
    "period", "pm_id", "kpi_id", "name", "name_en", "dimension", "goal_id", "unit", "direction", "weight",
    "actual", "threshold", "target", "stretch", "achievement", "score", "derived", "missing",
]  # fmt: skip


def _is_lower(direction) -> np.ndarray:
    """True where the direction is 'lower'; a missing direction (NA) reads as higher."""
    d = np.asarray(direction, dtype=object)
    try:
        return np.asarray(d == "lower", dtype=bool)
    except TypeError:  # pd.NA refuses to compare
        return np.array([isinstance(v, str) and v == "lower" for v in d.ravel()], bool).reshape(
            d.shape
        )


def score_values(
    actual, threshold, target, stretch, direction, policy: ScoringPolicy = DEFAULT_POLICY
) -> np.ndarray:
    """Points for each actual: 0 below threshold, linear threshold->target->stretch, capped.

    Lower-is-better KPIs are mirrored by negating every value. Without a stretch the cap is the
    target's points. A missing actual gives NaN.
    """
    a, t, g, s = (np.asarray(x, dtype="float64") for x in (actual, threshold, target, stretch))
    sign = np.where(_is_lower(direction), -1.0, 1.0)
    a, t, g, s = a * sign, t * sign, g * sign, s * sign
    pt, pg, ps = policy.threshold_points, policy.target_points, policy.stretch_points
    with np.errstate(divide="ignore", invalid="ignore"):
        low = pt + (a - t) / (g - t) * (pg - pt)
        high = pg + (a - g) / (s - g) * (ps - pg)
    has_s = ~np.isnan(s)
    out = np.where(
        a < t, 0.0, np.where(a < g, low, np.where(has_s & (a < s), high, np.where(has_s, ps, pg)))
    )
    out = np.where(np.isnan(a), np.nan, out)
    return np.clip(out, 0.0, ps)


def achievement_ratio(actual, target, direction) -> np.ndarray:
    """Actual against target as a ratio (1.0 = on target), direction-aware.

    Higher-is-better: actual / target. Lower-is-better: 2 - actual / target, so beating a
    lower target by 10 % reads 1.10. Undefined (NaN) when the target is zero or negative.
    """
    a, g = np.asarray(actual, dtype="float64"), np.asarray(target, dtype="float64")
    lower = _is_lower(direction)
    safe = np.where(g > 0, g, np.nan)
    ratio = a / safe
    return np.where(lower, 2.0 - ratio, ratio)


def _ordinals(values: pd.Series, default: float) -> np.ndarray:
    s = pd.Series(values, dtype="object").reset_index(drop=True)
    known = {v: parse_period(v).ordinal for v in s.dropna().unique()}  # few distinct periods
    return s.map(known).astype("float64").fillna(default).to_numpy()


def active_kpis(kpis: pd.DataFrame, period: str) -> pd.DataFrame:
    """KPIs whose [period_from, period_to] contains `period`."""
    p = parse_period(period).ordinal
    lo, hi = _ordinals(kpis["period_from"], -np.inf), _ordinals(kpis["period_to"], np.inf)
    return kpis[(lo <= p) & (p <= hi)]


def kpi_targets(kpis: pd.DataFrame, targets: pd.DataFrame, period: str) -> pd.DataFrame:
    """Active KPIs of a period with threshold / target / stretch after targets.csv overrides."""
    active = active_kpis(kpis, period).copy()
    over = (
        targets[targets["period"] == period]
        .drop_duplicates("kpi_id", keep="last")
        .set_index("kpi_id")
    )
    for col in ("threshold", "target", "stretch"):
        if col in over:
            o = active["kpi_id"].map(over[col])
            active[col] = o.where(o.notna(), active[col]).astype("float64")
    return active


def scorecard(
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    period: str,
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> pd.DataFrame:
    """One row per active KPI of the period: its values, achievement ratio and points.

    `actuals` may carry a boolean `derived` column (actuals computed from feedback or reviews).
    Under `missing: zero` a KPI without an actual scores 0; otherwise its score is NaN.
    """
    card = kpi_targets(kpis, targets, period).rename(columns={"owner": "pm_id"})
    act = (
        actuals[actuals["period"] == period]
        .drop_duplicates("kpi_id", keep="last")
        .set_index("kpi_id")
    )
    card["actual"] = card["kpi_id"].map(act["value"]).astype("float64")
    derived = act["derived"] if "derived" in act else pd.Series(False, index=act.index)
    # with Arrow-backed string ids `map` gives bool[pyarrow] with NA for KPIs without an actual
    card["derived"] = card["kpi_id"].map(derived).eq(True).to_numpy(dtype=bool, na_value=False)
    card["missing"] = card["actual"].isna()
    card["score"] = score_values(
        card["actual"],
        card["threshold"],
        card["target"],
        card["stretch"],
        card["direction"],
        policy,
    )
    if policy.missing == "zero":
        card.loc[card["missing"], "score"] = 0.0
    card["achievement"] = achievement_ratio(card["actual"], card["target"], card["direction"])
    card["period"] = period
    for col in CARD_COLUMNS:
        if col not in card:
            card[col] = pd.NA
    return card[CARD_COLUMNS].sort_values(["pm_id", "kpi_id"]).reset_index(drop=True)


def weighted_total(
    frame: pd.DataFrame, by: str | list[str], score: str = "score", weight: str = "weight"
) -> pd.DataFrame:
    """Weight-averaged score per group over scored rows, with the scored share of weight (coverage)."""
    f = frame.assign(_w=frame[weight].astype("float64"), _s=frame[score].astype("float64"))
    f["_scored_w"] = f["_w"].where(f["_s"].notna(), 0.0)
    f["_ws"] = (f["_s"] * f["_w"]).fillna(0.0)
    g = f.groupby(by, sort=True, dropna=False)[["_ws", "_scored_w", "_w"]].sum()
    total = (g["_ws"] / g["_scored_w"].where(g["_scored_w"] > 0)).astype("float64")
    coverage = (g["_scored_w"] / g["_w"].where(g["_w"] > 0)).astype("float64")
    return pd.DataFrame({"total": total, "coverage": coverage.fillna(0.0)}).reset_index()


def pm_totals(card: pd.DataFrame, company: Company | None = None) -> pd.DataFrame:
    """Per PM: total, coverage (scored share of weight), band, incomplete, KPIs and missing ones.

    A PM whose coverage is below the company's `min_coverage` is `incomplete` and has no band.
    """
    out = weighted_total(card, "pm_id")
    counts = (
        card.groupby("pm_id").agg(kpis=("kpi_id", "size"), missing=("missing", "sum")).reset_index()
    )
    out = out.merge(counts, on="pm_id", how="left")
    company = company or Company(name="")
    # below the coverage floor the total rests on too little data to rank the PM: no band
    out["incomplete"] = out["coverage"] < company.policy.min_coverage - 1e-9
    bands = [
        None if inc else company.band_of(t)
        for t, inc in zip(out["total"], out["incomplete"], strict=True)
    ]
    out["band"] = pd.Series(bands, index=out.index, dtype="object")
    return out[["pm_id", "total", "coverage", "band", "incomplete", "kpis", "missing"]]


def band_counts(totals: pd.DataFrame, company: Company) -> pd.Series:
    """How many PMs fall in each band, in the company's band order (zeros kept)."""
    order = [b for b, _ in company.bands]
    return totals["band"].value_counts().reindex(order, fill_value=0)
