"""Each KPI over time: actuals and scores per period, changes, and whether a change is outside the noise.

Noise rule. A change against the previous period is "real" when
- the KPI is a share (unit %) and the number of answers / cases behind it (`n`) is known: the 95 %
  Wilson intervals of the two periods do not overlap (when only this period's n is known: last
  period's value lies outside this period's interval);
- otherwise, from the KPI's own history: |change| > 2 x the standard deviation of its earlier
  period-to-period changes, which needs at least 3 earlier changes ("not enough history" before).
A KPI without an actual last period has no change ("no previous").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_helpers.data.company import ScoringPolicy
from kpi_helpers.engine.scoring import (
    CARD_COLUMNS,
    DEFAULT_POLICY,
    achievement_ratio,
    score_values,
    scorecard,
)
from kpi_helpers.periods import parse_period, period_range, sort_periods
from kpi_helpers.stats import wilson_interval

PERCENT_UNITS = frozenset({"%", "％", "percent", "pct", "百分比"})
REAL, NOISE, SHORT, NO_PREVIOUS = "real", "noise", "not enough history", "no previous"
TREND_COLUMNS = [
    "kpi_id", "pm_id", "period", "unit", "direction", "actual", "score", "previous", "change",
    "last_year", "change_yoy", "improved", "n", "method", "noise",
]  # fmt: skip


def history_periods(actuals: pd.DataFrame, until: str | None = None) -> list[str]:
    """Every period from the first one with actuals up to `until` (default: the last with actuals),
    with no gaps, so that 'previous period' and 'same period last year' are one step apart."""
    seen = sort_periods(actuals["period"].dropna())
    if not seen:
        return [until] if until else []
    last = until or seen[-1]
    first = seen[0] if parse_period(seen[0]).ordinal <= parse_period(last).ordinal else last
    return period_range(first, last)


def kpi_history(
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    periods: list[str],
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> pd.DataFrame:
    """The scorecards of several periods stacked: one row per KPI and period it was active in.

    Equal to concatenating scoring.scorecard for each period, but computed in one vectorised pass
    over every (KPI, period) pair, which is what makes long histories cheap.
    """
    periods = [str(p) for p in periods]
    kidx = pd.Index(kpis["kpi_id"])
    if not periods or not kidx.is_unique:  # duplicate ids: the validator's job; stay correct
        cards = [scorecard(kpis, targets, actuals, p, policy) for p in periods]
        empty = scorecard(kpis, targets, actuals, "2000-Q1", policy).iloc[0:0]
        return pd.concat(cards, ignore_index=True) if cards else empty
    n_p = len(periods)
    ords = np.array([parse_period(p).ordinal for p in periods], dtype="float64")
    lo, hi = _ordinals(kpis["period_from"], -np.inf), _ordinals(kpis["period_to"], np.inf)
    ki, pi = np.nonzero((lo[:, None] <= ords[None, :]) & (ords[None, :] <= hi[:, None]))
    # rows in scorecard order: period, then PM, then KPI
    rank = np.empty(len(kpis), dtype=np.int64)
    rank[np.lexsort((kpis["kpi_id"].astype(str), kpis["owner"].astype(str)))] = np.arange(len(kpis))
    order = np.lexsort((rank[ki], pi))
    ki, pi = ki[order], pi[order]
    code = ki * n_p + pi

    card = kpis.iloc[ki].reset_index(drop=True).rename(columns={"owner": "pm_id"})
    card["period"] = pd.array(np.asarray(periods, dtype=object)[pi], dtype="str")
    over = _dense(targets, kidx, periods, ["threshold", "target", "stretch"])
    for col, values in over.items():
        o = values[code]
        card[col] = np.where(np.isnan(o), card[col].to_numpy(dtype="float64"), o)
    act = actuals.assign(_derived=actuals["derived"].eq(True) if "derived" in actuals else False)
    dense = _dense(act, kidx, periods, ["value", "_derived"])
    card["actual"] = dense["value"][code]
    card["derived"] = dense["_derived"][code] == 1.0
    card["missing"] = np.isnan(card["actual"].to_numpy())
    card["score"] = score_values(
        card["actual"], card["threshold"], card["target"], card["stretch"], card["direction"],
        policy,
    )  # fmt: skip
    if policy.missing == "zero":
        card.loc[card["missing"], "score"] = 0.0
    card["achievement"] = achievement_ratio(card["actual"], card["target"], card["direction"])
    for col in CARD_COLUMNS:
        if col not in card:
            card[col] = pd.NA
    return card[CARD_COLUMNS]


def _dense(frame: pd.DataFrame, kidx: pd.Index, periods: list[str], cols) -> dict:
    """Per column, a flat array over (KPI position x period) with the table's values, NaN where
    absent; the last row of a repeated (period, kpi_id) wins, as in scorecard."""
    n_p = len(periods)
    k = kidx.get_indexer(frame["kpi_id"].astype(object))
    p = pd.Index(periods).get_indexer(frame["period"].astype(object))
    ok = (k >= 0) & (p >= 0)
    code = (k * n_p + p)[ok][::-1]
    uniq, first = np.unique(code, return_index=True)
    out = {}
    for col in cols:
        values = np.full(len(kidx) * n_p, np.nan)
        if col in frame:
            src = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64")
            values[uniq] = src[ok][::-1][first]
        out[col] = values
    return out


def _ordinals(values: pd.Series, default: float) -> np.ndarray:
    s = pd.Series(values, dtype="object").reset_index(drop=True)
    known = {v: parse_period(v).ordinal for v in s.dropna().unique()}
    return s.map(known).astype("float64").fillna(default).to_numpy()


def _is_percent(unit) -> bool:
    return isinstance(unit, str) and unit.strip().lower() in PERCENT_UNITS


def _counts(actuals: pd.DataFrame, counts: pd.DataFrame | None) -> pd.DataFrame | None:
    """(period, kpi_id, n) from `counts`, else from an `n` column of the actuals, else None."""
    if counts is None and "n" in actuals:
        counts = actuals[["period", "kpi_id", "n"]]
    if counts is None or not len(counts):
        return None
    c = counts[["period", "kpi_id", "n"]].dropna()
    return c.drop_duplicates(["period", "kpi_id"], keep="last").astype({"n": "float64"})


def kpi_trends(
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    periods: list[str] | None = None,
    policy: ScoringPolicy = DEFAULT_POLICY,
    counts: pd.DataFrame | None = None,
    k: float = 2.0,
    min_changes: int = 3,
    z: float = 1.96,
) -> pd.DataFrame:
    """Per KPI and period it was active in: actual, score, change vs last period and vs the same
    period last year, whether it moved the good way, and whether the change is outside the noise.

    Args:
        periods: the periods to report, contiguous (default: history_periods(actuals)).
        counts: optional (period, kpi_id, n): answers or cases behind a % KPI's value; an `n`
            column in `actuals` is used when this is None.
        k, min_changes: the history rule, |change| > k x sd of >= min_changes earlier changes.
    Returns:
        TREND_COLUMNS; `noise` is one of 'real', 'noise', 'not enough history', 'no previous'
        and `method` 'wilson' or 'history' (None without a change).
    """
    periods = history_periods(actuals) if periods is None else list(periods)
    hist = kpi_history(kpis, targets, actuals, periods, policy)
    if not len(hist):
        return pd.DataFrame(columns=TREND_COLUMNS)
    wide = (
        hist.pivot_table(index="kpi_id", columns="period", values="actual", aggfunc="last")
        .reindex(columns=periods)
        .astype("float64")
    )
    per_year = parse_period(periods[0]).per_year
    prev = wide.shift(1, axis=1)
    change = wide - prev
    earlier = change.shift(1, axis=1).T  # rows: periods; changes before the current one
    past_sd = earlier.expanding(min_periods=1).std().T
    past_n = earlier.expanding(min_periods=1).count().T
    last_year = wide.shift(per_year, axis=1)

    def long(frame: pd.DataFrame, name: str) -> pd.Series:
        return frame.stack(future_stack=True).rename(name)

    parts = [long(prev, "previous"), long(last_year, "last_year"), long(past_sd, "_sd")]
    extra = pd.concat([*parts, long(past_n, "_past")], axis=1).reset_index()
    out = hist.merge(extra, on=["kpi_id", "period"], how="left")
    out["change"] = out["actual"] - out["previous"]
    out["change_yoy"] = out["actual"] - out["last_year"]
    sign = np.where(out["direction"].eq("lower").to_numpy(dtype=bool, na_value=False), -1.0, 1.0)
    out["improved"] = (out["change"] * sign > 0).where(out["change"].notna())

    n = _counts(actuals, counts)
    if n is not None:
        out = out.merge(n, on=["period", "kpi_id"], how="left")
        n_prev = n.assign(period=[str(parse_period(p).shift(1)) for p in n["period"]])
        out = out.merge(
            n_prev.rename(columns={"n": "_n_prev"}), on=["period", "kpi_id"], how="left"
        )
    else:
        out["n"], out["_n_prev"] = np.nan, np.nan
    _classify(out, k, min_changes, z)
    out = out.sort_values(["kpi_id", "period"], key=_period_key).reset_index(drop=True)
    return out[TREND_COLUMNS]


def _period_key(col: pd.Series) -> pd.Series:
    if col.name == "period":
        return col.map(lambda p: parse_period(p).ordinal)
    return col


def _classify(out: pd.DataFrame, k: float, min_changes: int, z: float) -> None:
    has_change = out["change"].notna()
    pct = out["unit"].map(_is_percent).astype(bool)
    wilson = has_change & pct & (out["n"] > 0)
    lo, hi = wilson_interval(out["actual"] / 100.0 * out["n"], out["n"], z)
    plo, phi = wilson_interval(out["previous"] / 100.0 * out["_n_prev"], out["_n_prev"], z)
    prev_share = out["previous"] / 100.0
    apart = np.where(
        out["_n_prev"] > 0, (plo > hi) | (phi < lo), (prev_share < lo) | (prev_share > hi)
    )
    enough = out["_past"] >= min_changes
    sd = out["_sd"]
    outside = np.where(sd > 0, out["change"].abs() > k * sd, out["change"] != 0)
    out["method"] = np.where(wilson, "wilson", np.where(has_change, "history", None))
    out["noise"] = np.select(
        [~has_change, wilson, ~enough],
        [NO_PREVIOUS, np.where(apart, REAL, NOISE), SHORT],
        np.where(outside, REAL, NOISE),
    )
