"""Alignment and SMART lint of the KPI set of one period: what to change before the period starts.

Checks: every KPI traces to a goal and objective active in the period; objectives and goals
without a KPI; each PM's weights sum to 100; unit, data source, definition and baseline given;
targets plausible given history; dimensions a PM has no KPI in. See findings.py for the output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_helpers.data.company import Company
from kpi_helpers.data.schema import DIMENSIONS
from kpi_helpers.engine.findings import finding, findings_frame
from kpi_helpers.engine.scoring import kpi_targets
from kpi_helpers.periods import parse_period

SMART_FIELDS = {  # field -> severity when it is empty
    "unit": "error",
    "data_source": "warning",
    "definition": "warning",
    "baseline": "warning",
}


def _empty(value) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and np.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _sign(direction) -> float:
    return -1.0 if direction == "lower" else 1.0


def lint_alignment(active: pd.DataFrame, company: Company, period: str) -> list[dict]:
    """KPIs whose goal is unknown or inactive; objectives and goals without a KPI."""
    goals = company.goals_frame()
    objective_of = dict(zip(goals["goal_id"], goals["objective_id"], strict=True))
    live = company.active_goal_ids(period)
    rows = []
    for k in active.itertuples(index=False):
        if k.goal_id not in objective_of:
            rows.append(
                finding("goal_unknown", "error", pm_id=k.owner, kpi_id=k.kpi_id, goal_id=k.goal_id)
            )
        elif k.goal_id not in live:
            rows.append(
                finding(
                    "goal_inactive",
                    "warning",
                    pm_id=k.owner,
                    kpi_id=k.kpi_id,
                    objective_id=objective_of[k.goal_id],
                    goal_id=k.goal_id,
                    period=period,
                )
            )
    return rows + coverage_findings(active, company, period)


def coverage_findings(
    active: pd.DataFrame, company: Company, period: str, goals_too: bool = True
) -> list[dict]:
    """Objectives of the period that no active KPI serves (objective_uncovered, a warning) and,
    with `goals_too`, goals without a KPI in objectives that have some (goal_uncovered, info)."""
    goals = company.goals_frame()
    live = company.active_goal_ids(period)
    covered = set(active["goal_id"]) & live
    rows = []
    for obj in company.objectives_frame(period)["objective_id"]:
        obj_goals = [g for g in goals.loc[goals["objective_id"] == obj, "goal_id"] if g in live]
        if not covered & set(obj_goals):
            rows.append(
                finding(
                    "objective_uncovered",
                    "warning",
                    objective_id=obj,
                    period=period,
                    goals=obj_goals or ["-"],
                )
            )
        elif goals_too:
            rows += [
                finding("goal_uncovered", "info", objective_id=obj, goal_id=g, period=period)
                for g in obj_goals
                if g not in covered
            ]
    return rows


def lint_weights(active: pd.DataFrame, period: str) -> list[dict]:
    """PMs whose active KPI weights do not add up to 100."""
    sums = active.groupby("owner")["weight"].sum(min_count=1)
    return [
        finding("weights_sum", "error", pm_id=pm, total=round(float(total), 4), period=period)
        for pm, total in sums.items()
        if pd.isna(total) or abs(total - 100.0) > 1e-6
    ]


def lint_measurability(active: pd.DataFrame, objective_of: dict) -> list[dict]:
    """KPIs without a unit, data source, definition or baseline."""
    rows = []
    for k in active.to_dict("records"):
        for field, severity in SMART_FIELDS.items():
            if _empty(k.get(field)):
                rows.append(
                    finding(
                        f"missing_{field}",
                        severity,
                        pm_id=k["owner"],
                        kpi_id=k["kpi_id"],
                        objective_id=objective_of.get(k["goal_id"]),
                    )
                )
    return rows


def lint_targets(
    active: pd.DataFrame, actuals: pd.DataFrame, period: str, objective_of: dict
) -> list[dict]:
    """Targets history makes implausible: already beaten by the last two actuals, or beyond the
    best actual so far plus the largest change between two periods (mirrored for lower)."""
    p = parse_period(period).ordinal
    past = actuals.dropna(subset=["value", "period"])
    past = past.assign(_o=[parse_period(x).ordinal for x in past["period"]])
    past = past[past["_o"] < p]
    series = {
        kid: g.sort_values("_o").drop_duplicates("period", keep="last")["value"].to_numpy()
        for kid, g in past.groupby("kpi_id")
    }
    rows = []
    for k in active.itertuples(index=False):
        values = series.get(k.kpi_id)
        if values is None or len(values) < 2 or pd.isna(k.target):
            continue
        s = _sign(k.direction)
        better = s * values
        ids = {"pm_id": k.owner, "kpi_id": k.kpi_id, "objective_id": objective_of.get(k.goal_id)}
        if s * k.target < better[-2:].min():
            rows.append(
                finding(
                    "target_too_easy",
                    "warning",
                    **ids,
                    target=k.target,
                    period=period,
                    last_two=list(values[-2:]),
                    suggested=s * better[-2:].min(),
                )
            )
        jump = float(np.abs(np.diff(values)).max())
        limit = better.max() + jump
        if s * k.target > limit + 1e-9:
            rows.append(
                finding(
                    "target_out_of_reach",
                    "warning",
                    **ids,
                    target=k.target,
                    period=period,
                    best=s * better.max(),
                    jump=round(jump, 4),
                    limit=round(s * limit, 4),
                )
            )
    return rows


def lint_dimensions(active: pd.DataFrame, period: str) -> list[dict]:
    """One info finding per PM listing the dimensions they have no KPI in."""
    rows = []
    for pm, dims in active.groupby("owner")["dimension"]:
        gaps = [d for d in DIMENSIONS if d not in set(dims)]
        if gaps:
            rows.append(
                finding(
                    "dimension_gap",
                    "info",
                    pm_id=pm,
                    count=len(gaps),
                    dimensions=gaps,
                    period=period,
                )
            )
    return rows


def lint_kpis(
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    company: Company,
    period: str,
) -> pd.DataFrame:
    """Lint the KPIs active in `period` (targets after targets.csv overrides).

    Args:
        actuals: all actuals (derived ones included); only periods before `period` are used.
    Returns:
        findings (kind, severity, pm_id, kpi_id, objective_id, message, message_zh, params),
        errors first.
    """
    active = kpi_targets(kpis, targets, period)
    goals = company.goals_frame()
    objective_of = dict(zip(goals["goal_id"], goals["objective_id"], strict=True))
    rows = (
        lint_alignment(active, company, period)
        + lint_weights(active, period)
        + lint_measurability(active, objective_of)
        + lint_targets(active, actuals, period, objective_of)
        + lint_dimensions(active, period)
    )
    return findings_frame(rows)
