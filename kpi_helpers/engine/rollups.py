"""Roll-ups of a scorecard: per dimension, objective, team and company, and what moved a PM's total."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_helpers.data.company import Company
from kpi_helpers.engine.scoring import weighted_total


def by_dimension(card: pd.DataFrame) -> pd.DataFrame:
    """Per PM and dimension: weight-averaged score and coverage (the KPIs' weights within the PM)."""
    out = weighted_total(card, ["pm_id", "dimension"])
    w = card.groupby(["pm_id", "dimension"])["weight"].sum().rename("weight").reset_index()
    return out.merge(w, on=["pm_id", "dimension"])


def strategic_weights(
    card: pd.DataFrame, company: Company, period: str | None = None
) -> pd.DataFrame:
    """Each KPI's effective strategic weight: its weight within the PM x its goal's share of the objective.

    Goals share their objective equally. KPIs whose goal is not in the strategy (in `period`, when
    given) get NaN.
    """
    goals = company.goals_frame()
    if period is not None:
        goals = goals[goals["goal_id"].isin(company.active_goal_ids(period))]
    goals["goal_share"] = 1.0 / goals.groupby("objective_id")["goal_id"].transform("size")
    out = card.merge(
        goals[["goal_id", "objective_id", "objective_weight", "goal_share"]],
        on="goal_id",
        how="left",
    )
    out["strategic_weight"] = out["weight"] / 100.0 * out["goal_share"]
    return out


def by_objective(card: pd.DataFrame, company: Company, period: str | None = None) -> pd.DataFrame:
    """Per objective: score weighted by effective strategic weight, coverage, and KPI count (0 = uncovered)."""
    sw = strategic_weights(card, company, period)
    scored = weighted_total(
        sw.dropna(subset=["objective_id"]), "objective_id", weight="strategic_weight"
    )
    n = sw.groupby("objective_id")["kpi_id"].size().rename("kpis")
    objs = company.objectives_frame(period)
    out = objs.merge(scored, on="objective_id", how="left").merge(n, on="objective_id", how="left")
    out["kpis"] = out["kpis"].fillna(0).astype(int)
    return out


def by_team(totals: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Per team: mean PM total, PM count, lowest and highest PM total."""
    t = totals.merge(people[["pm_id", "team"]], on="pm_id", how="left")
    t["team"] = t["team"].fillna("-")
    return (
        t.groupby("team")["total"]
        .agg(total="mean", pms="size", lowest="min", highest="max")
        .reset_index()
    )


def company_summary(totals: pd.DataFrame, company: Company) -> dict:
    """Company-level figures: mean PM total, its band, PMs scored, mean coverage, band counts and
    the number of PMs without a band because their coverage is below the floor (incomplete)."""
    mean = float(totals["total"].mean()) if totals["total"].notna().any() else np.nan
    counts = totals["band"].value_counts()
    return {
        "total": mean,
        "band": company.band_of(mean),
        "pms": int(totals["total"].notna().sum()),
        "coverage": float(totals["coverage"].mean()) if len(totals) else np.nan,
        "bands": {b: int(counts.get(b, 0)) for b, _ in company.bands},
        "incomplete": int(totals["incomplete"].sum()) if "incomplete" in totals else 0,
    }


def contributions(card_now: pd.DataFrame, card_before: pd.DataFrame) -> pd.DataFrame:
    """Which KPIs moved each PM's total since the previous period, in points of the total.

    A KPI's contribution is its weighted score this period minus last period, each divided by the
    PM's scored weight of that period, so the contributions of a PM add up to the change in total.
    `active` says whether the KPI was in the PM's set in both periods ("both"), only now ("new")
    or only before ("retired").
    """

    def _points(card: pd.DataFrame) -> pd.DataFrame:
        scored_w = (
            card["weight"].where(card["score"].notna(), 0.0).groupby(card["pm_id"]).transform("sum")
        )
        pts = (card["score"] * card["weight"] / scored_w.where(scored_w > 0)).fillna(0.0)
        return card[["pm_id", "kpi_id", "score"]].assign(points=pts)

    now, before = _points(card_now), _points(card_before)
    m = now.merge(
        before, on=["pm_id", "kpi_id"], how="outer", suffixes=("", "_before"), indicator="active"
    )
    m["active"] = (
        m["active"].astype(str).map({"both": "both", "left_only": "new", "right_only": "retired"})
    )
    m[["points", "points_before"]] = m[["points", "points_before"]].fillna(0.0)
    m["contribution"] = m["points"] - m["points_before"]
    m["abs"] = m["contribution"].abs()
    return (
        m.sort_values(["pm_id", "abs"], ascending=[True, False])
        .drop(columns="abs")
        .reset_index(drop=True)
    )
