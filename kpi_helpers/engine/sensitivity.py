"""How much each PM's total and the company ranking depend on the KPI weights.

Each scenario moves one KPI's weight by +-delta points (clipped to 0..the PM's weight sum) and
rescales the PM's other KPIs proportionally so the weights still add up to the same sum (100).
Only that PM's total changes; the others keep theirs. Rank 1 is the highest total; ties share
the better rank. A PM's ranking is robust when no single move changes their rank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SCENARIO_COLUMNS = ["pm_id", "kpi_id", "shift", "weight", "new_weight", "total", "rank"]
SENSITIVITY_COLUMNS = [
    "pm_id", "total", "rank", "min_total", "max_total", "min_rank", "max_rank", "robust",
    "swing_kpi",
]  # fmt: skip


def _ranks(base: pd.Series, totals: np.ndarray, own_base: np.ndarray) -> np.ndarray:
    """Rank of each scenario total among the other PMs' base totals (1 = best)."""
    ref = np.sort(base.dropna().to_numpy())
    greater = len(ref) - np.searchsorted(ref, totals, side="right")
    own_counted = np.where(own_base > totals, 1, 0)  # the PM's own base total is not a rival
    rank = (greater - own_counted + 1).astype("float64")
    return np.where(np.isnan(totals), np.nan, rank)


def weight_scenarios(card: pd.DataFrame, delta: float = 10.0) -> pd.DataFrame:
    """One row per PM, KPI and shift (-delta, +delta): the moved weight, the PM's total and rank.

    Args:
        card: a scorecard (pm_id, kpi_id, weight, score); unscored KPIs keep their weight but do
            not count in the total, as in pm_totals.
    """
    c = card[["pm_id", "kpi_id", "weight", "score"]].copy()
    c["weight"] = c["weight"].astype("float64").fillna(0.0)
    c["score"] = c["score"].astype("float64")
    scored = c["score"].notna()
    c["_ws"] = (c["weight"] * c["score"]).where(scored, 0.0)
    c["_wsc"] = c["weight"].where(scored, 0.0)
    g = c.groupby("pm_id")
    c["_sum_w"] = g["weight"].transform("sum")
    c["_sum_ws"] = g["_ws"].transform("sum")
    c["_sum_wsc"] = g["_wsc"].transform("sum")
    base_total = (c["_sum_ws"] / c["_sum_wsc"].where(c["_sum_wsc"] > 0)).rename("base")
    base = base_total.groupby(c["pm_id"]).first()

    parts = []
    for shift in (-float(delta), float(delta)):
        s = c.copy()
        s["shift"] = shift
        s["new_weight"] = np.clip(s["weight"] + shift, 0.0, s["_sum_w"])
        rest = s["_sum_w"] - s["weight"]
        ratio = ((s["_sum_w"] - s["new_weight"]) / rest.where(rest > 0)).fillna(1.0)
        # a PM's only KPI cannot move: its weight is the whole sum
        s.loc[rest <= 0, "new_weight"] = s.loc[rest <= 0, "weight"]
        own_w = s["new_weight"].where(scored, 0.0)
        num = ratio * (s["_sum_ws"] - s["_ws"]) + own_w * s["score"].fillna(0.0)
        den = ratio * (s["_sum_wsc"] - s["_wsc"]) + own_w
        s["total"] = num / den.where(den > 1e-12)
        parts.append(s)
    out = pd.concat(parts, ignore_index=True)
    out["rank"] = _ranks(base, out["total"].to_numpy(), out["pm_id"].map(base).to_numpy())
    out = out.sort_values(["pm_id", "kpi_id", "shift"], kind="stable").reset_index(drop=True)
    return out[SCENARIO_COLUMNS]


def weight_sensitivity(card: pd.DataFrame, delta: float = 10.0) -> pd.DataFrame:
    """Per PM: base total and rank, and their range over every single +-delta weight move.

    min_total / max_total come from the PM's own moves; min_rank / max_rank from every move of
    any PM (another PM's move can push someone past them). `robust` is True when no single move
    changes the PM's rank; `swing_kpi` is the KPI whose move swings their total most.
    """
    from kpi_helpers.engine.scoring import weighted_total

    base = weighted_total(card, "pm_id").set_index("pm_id")["total"]
    base_rank = base.rank(ascending=False, method="min")
    sc = weight_scenarios(card, delta)
    sc["_swing"] = (sc["total"] - sc["pm_id"].map(base)).abs()
    own = sc.groupby("pm_id").agg(
        min_total=("total", "min"),
        max_total=("total", "max"),
        min_rank=("rank", "min"),
        max_rank=("rank", "max"),
    )
    out = pd.DataFrame({"total": base, "rank": base_rank}).join(own)
    out["min_total"] = out[["min_total", "total"]].min(axis=1)
    out["max_total"] = out[["max_total", "total"]].max(axis=1)
    # Someone above drops to or below me: I move up one; someone not above overtakes me: down one.
    b, lo, hi = (out[c].to_numpy()[:, None] for c in ("total", "min_total", "max_total"))
    me = out["total"].to_numpy()[None, :]
    others = ~np.eye(len(out), dtype=bool)
    up = ((b > me) & (lo <= me) & others).any(axis=0)
    down = ((b <= me) & (hi > me) & others).any(axis=0)
    out["min_rank"] = np.fmin(out["min_rank"].fillna(out["rank"]), out["rank"] - up)
    out["max_rank"] = np.fmax(out["max_rank"].fillna(out["rank"]), out["rank"] + down)
    out["robust"] = (out["min_rank"] == out["max_rank"]) & out["rank"].notna()
    swing = sc.dropna(subset=["_swing"]).sort_values("_swing", ascending=False, kind="stable")
    out["swing_kpi"] = swing.drop_duplicates("pm_id").set_index("pm_id")["kpi_id"]
    out = out.rename_axis("pm_id").reset_index()
    out = out.sort_values(["rank", "pm_id"], na_position="last").reset_index(drop=True)
    return out[SENSITIVITY_COLUMNS]
