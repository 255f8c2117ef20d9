"""Evaluation results reshaped for the report's charts and tables (pure functions, no I/O)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_helpers.data.company import ScoringPolicy
from kpi_helpers.data.schema import DIMENSIONS
from kpi_helpers.engine.evaluation import PeriodEvaluation
from kpi_helpers.periods import parse_period
from kpi_helpers.report.labels import labelled


def traffic_light(score, policy: ScoringPolicy | None = None) -> str:
    """on (at or above target points), near (between threshold and target), off, or missing."""
    policy = policy or ScoringPolicy()
    if score is None or pd.isna(score):
        return "missing"
    if score >= policy.target_points:
        return "on"
    if score >= policy.threshold_points:
        return "near"
    return "off"


def kpi_results(card: pd.DataFrame, policy: ScoringPolicy | None = None) -> pd.DataFrame:
    """The scorecard with a traffic-light status per KPI, ordered by PM and weight."""
    out = card.assign(status=[traffic_light(s, policy) for s in card["score"]])
    return out.sort_values(["pm_id", "weight", "kpi_id"], ascending=[True, False, True])


def status_counts(results: pd.DataFrame) -> dict[str, int]:
    counts = results["status"].value_counts()
    return {k: int(counts.get(k, 0)) for k in ("on", "near", "off", "missing")}


def dimension_matrix(frame: pd.DataFrame, value: str, pm_order: list[str]) -> pd.DataFrame:
    """PM x dimension pivot of `value` (weight or total), dimensions in the contract's order.

    Dimensions no PM uses are dropped; a PM without a dimension gets NaN (weights: 0).
    """
    agg = "sum" if value == "weight" else "mean"
    m = frame.pivot_table(index="pm_id", columns="dimension", values=value, aggfunc=agg)
    cols = [d for d in DIMENSIONS if d in m.columns] + [c for c in m.columns if c not in DIMENSIONS]
    m = m.reindex(index=[p for p in pm_order if p in m.index], columns=cols)
    return m.fillna(0.0) if value == "weight" else m


def targets_vs_history(
    card: pd.DataFrame, actuals: pd.DataFrame, period: str, last_n: int = 4
) -> pd.DataFrame:
    """Each KPI's target of the period against its actuals in up to `last_n` earlier periods.

    ambition is direction-aware: (target - mean) / |mean|, sign-flipped for lower-is-better, so
    positive means the target asks for more than history delivered. position says where the
    target lies: below (easier than every past actual), within the past range, above (beyond
    the best past actual), or no_history.
    """
    now = parse_period(period).ordinal
    past = actuals.dropna(subset=["period", "value"])
    past = past[[parse_period(p).ordinal < now for p in past["period"]]]
    past = past.assign(_o=[parse_period(p).ordinal for p in past["period"]])
    past = past.sort_values("_o").groupby("kpi_id").tail(last_n)
    stats = past.groupby("kpi_id")["value"].agg(
        hist_mean="mean", hist_min="min", hist_max="max", hist_n="size"
    )
    last = past.groupby("kpi_id")["value"].last().rename("hist_last")
    out = card.merge(stats, on="kpi_id", how="left").merge(last, on="kpi_id", how="left")
    # "string" directions compare to bool[pyarrow] / boolean with NA, which np.where refuses
    sign = np.where(out["direction"].eq("lower").to_numpy(dtype=bool, na_value=False), -1.0, 1.0)
    mean = out["hist_mean"].astype("float64")
    out["ambition"] = sign * (out["target"] - mean) / mean.abs().where(mean.abs() > 0)
    best = np.where(sign > 0, out["hist_max"], out["hist_min"])
    worst = np.where(sign > 0, out["hist_min"], out["hist_max"])
    t = out["target"].to_numpy(dtype="float64") * sign
    position = np.where(t > best * sign, "above", np.where(t < worst * sign, "below", "within"))
    out["position"] = np.where(out["hist_n"].fillna(0) > 0, position, "no_history")
    out["hist_n"] = out["hist_n"].fillna(0).astype(int)
    return out


def totals_trend(evaluations: dict[str, PeriodEvaluation]) -> pd.DataFrame:
    """period, pm_id, total, coverage, band for every evaluated period (oldest first)."""
    frames = [ev.totals.assign(period=p) for p, ev in evaluations.items()]
    cols = ["period", "pm_id", "total", "coverage", "band"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def kpi_trend(evaluations: dict[str, PeriodEvaluation]) -> pd.DataFrame:
    """period, pm_id, kpi_id, actual, target, score and achievement across periods."""
    cols = [
        "period",
        "pm_id",
        "kpi_id",
        "name",
        "name_en",
        "unit",
        "direction",
        "actual",
        "threshold",
        "target",
        "stretch",
        "score",
        "achievement",
        "derived",
    ]
    frames = [ev.card[cols] for ev in evaluations.values()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def top_contributions(contrib: pd.DataFrame | None, n: int = 3) -> pd.DataFrame:
    """Per PM the `n` KPIs that moved the total most since the previous period.

    Only KPIs in the PM's set in both periods count: a new or retired KPI did not move, it
    arrived or left (new_and_retired lists those).
    """
    if contrib is None or contrib.empty:
        return pd.DataFrame(columns=["pm_id", "kpi_id", "contribution"])
    if "active" in contrib:
        contrib = contrib[contrib["active"] == "both"]
    moved = contrib[contrib["contribution"].abs() > 1e-9]
    return moved.groupby("pm_id", sort=False).head(n).reset_index(drop=True)


def new_and_retired(contrib: pd.DataFrame | None) -> pd.DataFrame:
    """Per PM the KPIs new in the set this period and those retired since the previous one
    (columns pm_id, kpi_id, active), in KPI order."""
    if contrib is None or contrib.empty or "active" not in contrib:
        return pd.DataFrame(columns=["pm_id", "kpi_id", "active"])
    came = contrib[contrib["active"].isin(["new", "retired"])]
    return came[["pm_id", "kpi_id", "active"]].sort_values("kpi_id").reset_index(drop=True)


def change_in_totals(now: pd.DataFrame, before: pd.DataFrame | None) -> pd.DataFrame:
    """Per PM: total now, total in the previous period and the change (NaN when unknown)."""
    out = now[["pm_id", "total", "band"]].copy()
    if before is None:
        out["total_before"] = np.nan
    else:
        out = out.merge(
            before[["pm_id", "total"]].rename(columns={"total": "total_before"}),
            on="pm_id",
            how="left",
        )
    out["change"] = out["total"] - out["total_before"]
    return out


def objective_overview(nodes: pd.DataFrame, objectives: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per active objective: label, weight, share of the strategy, goals, KPIs, score and coverage.

    `nodes` is goal_tree.strategy_nodes(); `objectives` is PeriodEvaluation.objectives.
    """
    obj = nodes[nodes["level"] == "objective"]
    goals = nodes[nodes["level"] == "goal"].groupby("parent_id").size()
    kpis = nodes[(nodes["level"] == "kpi") & nodes["aligned"]]
    goal_of = nodes[nodes["level"] == "goal"].set_index("node_id")["parent_id"]
    kpi_count = kpis["parent_id"].map(goal_of).value_counts()
    out = labelled(obj, "node_id", lang).rename(columns={"node_id": "objective_id"})
    out["goals"] = out["objective_id"].map(goals).fillna(0).astype(int)
    out["kpis"] = out["objective_id"].map(kpi_count).fillna(0).astype(int)
    scores = objectives.set_index("objective_id")
    out["total"] = out["objective_id"].map(scores["total"]) if "total" in scores else np.nan
    out["coverage"] = out["objective_id"].map(scores["coverage"]) if len(scores) else np.nan
    return out.reset_index(drop=True)


def trend_change(trend: pd.DataFrame) -> pd.DataFrame:
    """Per PM: total in the first and last period of the trend and the change between them."""
    data = trend.dropna(subset=["total"])
    first = data.groupby("pm_id")["total"].first()
    last = data.groupby("pm_id")["total"].last()
    return pd.DataFrame({"first": first, "last": last, "change": last - first}).reset_index()


def score_matrix(kpi_trend_frame: pd.DataFrame, pm_id: str) -> pd.DataFrame:
    """One PM's points per KPI (rows, by kpi_id) and period (columns, oldest first)."""
    rows = kpi_trend_frame[kpi_trend_frame["pm_id"] == pm_id]
    periods = list(dict.fromkeys(kpi_trend_frame["period"]))
    m = rows.pivot_table(index="kpi_id", columns="period", values="score", aggfunc="last")
    return m.reindex(columns=[p for p in periods if p in m.columns])


def derived_kpis(kpi_trend_frame: pd.DataFrame, pm_id: str) -> set[str]:
    """One PM's KPIs whose result was computed from customer feedback or reviews in any period."""
    rows = kpi_trend_frame[kpi_trend_frame["pm_id"] == pm_id]
    return set(rows.loc[rows["derived"].eq(True), "kpi_id"]) if "derived" in rows else set()


def moves_of_period(trends: pd.DataFrame, period: str) -> pd.DataFrame:
    """The period's rows of trends.kpi_trends with a change against the previous period."""
    return trends[(trends["period"] == period) & trends["change"].notna()].copy()
