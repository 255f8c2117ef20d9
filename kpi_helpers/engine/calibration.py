"""Calibration across PMs: bands against a guideline, target ambition, 360 vs KPI ranks, rater leniency.

Pure functions of the period's tables; the rows carry kinds and numbers, the words are made in
the report wing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_helpers.engine.feedback360 import SELF_ROLE
from kpi_helpers.engine.scoring import active_kpis, kpi_targets
from kpi_helpers.periods import parse_period

NEAR_EDGE = 2.0  # points from a band's lower edge that make a band worth a second look
LENIENCY_SHIFT = 0.3  # a PM's 360 mean moved this much by removing rater leniency


def band_distribution(
    totals: pd.DataFrame, bands: tuple[tuple[str, float], ...], guideline: dict[str, float] | None
) -> pd.DataFrame:
    """Per band: PMs, their share, the guideline share and the difference (shares 0..1).

    PMs without a band (incomplete) are counted in a row of their own with band None.
    """
    names = [b for b, _ in bands]
    counts = totals["band"].value_counts(dropna=False)
    n = len(totals)
    rows = []
    for b in names:
        k = int(counts.get(b, 0))
        g = guideline.get(b) / 100.0 if guideline and b in guideline else np.nan
        rows.append({"band": b, "pms": k, "share": k / n if n else np.nan, "guideline": g})
    none = int(totals["band"].isna().sum())
    if none:
        rows.append({"band": None, "pms": none, "share": none / n, "guideline": np.nan})
    out = pd.DataFrame(rows)
    return out.assign(difference=out["share"] - out["guideline"])


def target_ambition(
    kpis: pd.DataFrame, targets: pd.DataFrame, actuals: pd.DataFrame, period: str
) -> pd.DataFrame:
    """How hard each PM's targets were against their own history, weight-averaged per PM.

    For every KPI active in `period` with at least one earlier actual, ambition is the target's
    distance beyond the best of the last two earlier actuals, in the better direction, relative
    to that value: +0.10 means the target asked for 10 % more than was already achieved, -0.10
    that it asked for less. Returns pm_id, ambition, kpis (how many KPIs had a history).
    """
    levels = kpi_targets(active_kpis(kpis, period), targets, period)
    ordinal = parse_period(period).ordinal
    past = actuals[[parse_period(p).ordinal < ordinal for p in actuals["period"]]].dropna(
        subset=["value"]
    )
    past = past.assign(_o=[parse_period(p).ordinal for p in past["period"]])
    last_two = past.sort_values("_o").groupby("kpi_id").tail(2)
    sign = np.where(
        levels["direction"].astype("string").to_numpy(na_value="") == "lower", -1.0, 1.0
    )
    best = (
        last_two.assign(_v=last_two["value"].astype("float64"))
        .merge(levels[["kpi_id"]].assign(_s=sign), on="kpi_id")
        .assign(_b=lambda f: f["_v"] * f["_s"])
        .groupby("kpi_id")["_b"]
        .max()
    )
    lv = levels.assign(_s=sign).set_index("kpi_id")
    lv = lv[lv.index.isin(best.index)]
    base = best.reindex(lv.index) * lv["_s"]
    target = lv["target"].astype("float64")
    scale = base.abs().where(base.abs() > 0, np.nan)
    ambition = (target - base) * lv["_s"] / scale
    frame = pd.DataFrame(
        {"pm_id": lv["owner"], "ambition": ambition, "weight": lv["weight"].astype("float64")}
    ).dropna(subset=["ambition"])
    if frame.empty:
        return pd.DataFrame(columns=["pm_id", "ambition", "kpis"])
    grouped = frame.groupby("pm_id")
    out = pd.DataFrame(
        {
            "ambition": grouped.apply(
                lambda g: float(np.average(g["ambition"], weights=g["weight"])),
                include_groups=False,
            ),
            "kpis": grouped.size(),
        }
    )
    return out.reset_index()


def rank_disagreement(totals: pd.DataFrame, review_means: pd.Series) -> pd.DataFrame:
    """PMs ranked by KPI total and by 360 mean; `disagree` when the ranks differ by over a third.

    Returns pm_id, kpi_rank, review_rank (1 = best), gap and disagree, for PMs with both.
    """
    both = (
        totals.set_index("pm_id")["total"]
        .dropna()
        .to_frame()
        .join(review_means.rename("review"), how="inner")
    )
    both = both.dropna()
    n = len(both)
    if n == 0:
        return pd.DataFrame(columns=["pm_id", "kpi_rank", "review_rank", "gap", "disagree"])
    kpi_rank = both["total"].rank(ascending=False, method="min").astype(int)
    review_rank = both["review"].rank(ascending=False, method="min").astype(int)
    gap = (kpi_rank - review_rank).abs()
    out = pd.DataFrame(
        {"kpi_rank": kpi_rank, "review_rank": review_rank, "gap": gap, "disagree": gap > n / 3}
    )
    return out.rename_axis("pm_id").reset_index()


def rater_leniency(reviews: pd.DataFrame, period: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each rater's leniency, and each PM's 360 mean adjusted for the leniency of their raters.

    Needs `rater_id`; without it both frames are empty. A rater's leniency is how far their
    scores sit above (or below) what the same PM got on the same dimension from all raters,
    averaged over everything they scored, so a rater who happened to rate strong PMs is not
    called lenient. A PM's adjusted mean is the mean of (score - leniency of its rater): a PM
    rated mostly by lenient raters loses what those raters added. The PM's own scores (role
    self) are left out.

    Returns:
        (raters: rater_id, rater_role, scores, mean, leniency;
         pms: pm_id, mean, adjusted, shift)
    """
    now = reviews[(reviews["period"] == period) & (reviews["rater_role"] != SELF_ROLE)]
    if now.empty or "rater_id" not in now or now["rater_id"].isna().all():
        return (
            pd.DataFrame(columns=["rater_id", "rater_role", "scores", "mean", "leniency"]),
            pd.DataFrame(columns=["pm_id", "mean", "adjusted", "shift"]),
        )
    now = now.dropna(subset=["rater_id"])
    consensus = now.groupby(["pm_id", "dimension"])["score"].transform("mean")
    now = now.assign(_resid=now["score"] - consensus)
    g = now.groupby("rater_id")
    raters = pd.DataFrame(
        {
            "rater_role": g["rater_role"].first(),
            "scores": g.size(),
            "mean": g["score"].mean(),
            "leniency": g["_resid"].mean(),
        }
    )
    adjusted = now.assign(_adj=now["score"] - now["rater_id"].map(raters["leniency"]))
    p = adjusted.groupby("pm_id")
    pms = pd.DataFrame({"mean": p["score"].mean(), "adjusted": p["_adj"].mean()})
    pms["shift"] = pms["adjusted"] - pms["mean"]
    return raters.reset_index(), pms.reset_index()


def discuss_first(
    totals: pd.DataFrame,
    bands: tuple[tuple[str, float], ...],
    ambition: pd.DataFrame,
    ranks: pd.DataFrame,
    leniency: pd.DataFrame,
) -> pd.DataFrame:
    """The PMs to discuss first, each with the reasons (kind + params), most reasons first.

    Kinds: easy_targets (a top band earned on targets below what was achieved before),
    rank_gap (360 and KPI ranks far apart), near_edge (within NEAR_EDGE points of a band's lower
    edge), lenient_raters (360 mean moved by LENIENCY_SHIFT or more once rater leniency is
    removed), incomplete (no band for lack of data).
    """
    top = {b for b, _ in bands[:2]}
    edges = {b: low for b, low in bands if np.isfinite(low)}
    amb = ambition.set_index("pm_id")["ambition"] if len(ambition) else pd.Series(dtype=float)
    rk = ranks.set_index("pm_id") if len(ranks) else pd.DataFrame()
    ln = leniency.set_index("pm_id")["shift"] if len(leniency) else pd.Series(dtype=float)
    rows = []
    for r in totals.itertuples(index=False):
        reasons = []
        a = amb.get(r.pm_id, np.nan)
        if r.band in top and pd.notna(a) and a < 0:
            reasons.append(("easy_targets", {"band": r.band, "ambition": round(float(a) * 100, 1)}))
        if r.pm_id in rk.index and bool(rk.loc[r.pm_id, "disagree"]):
            x = rk.loc[r.pm_id]
            reasons.append(
                ("rank_gap", {"kpi_rank": int(x["kpi_rank"]), "review_rank": int(x["review_rank"])})
            )
        if isinstance(r.band, str) and r.band in edges and pd.notna(r.total):
            if 0 <= r.total - edges[r.band] < NEAR_EDGE:
                reasons.append(("near_edge", {"band": r.band, "edge": edges[r.band]}))
        s = ln.get(r.pm_id, np.nan)
        if pd.notna(s) and abs(s) >= LENIENCY_SHIFT:
            reasons.append(("lenient_raters", {"shift": round(float(s), 2)}))
        if r.band is None or (isinstance(r.band, float) and np.isnan(r.band)):
            reasons.append(("incomplete", {}))
        for kind, params in reasons:
            rows.append({"pm_id": r.pm_id, "kind": kind, "params": params, "n": len(reasons)})
    out = pd.DataFrame(rows, columns=["pm_id", "kind", "params", "n"])
    return out.sort_values(["n", "pm_id"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
