"""The strategy as a tree (objectives -> goals -> KPIs) with effective weights, gaps and changes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_helpers.data.company import Company
from kpi_helpers.engine.scoring import active_kpis
from kpi_helpers.periods import active_in

NODE_COLUMNS = [
    "level",
    "node_id",
    "parent_id",
    "name",
    "name_en",
    "owner",
    "weight",
    "share",
    "covered",
    "aligned",
]


def strategy_nodes(company: Company, kpis: pd.DataFrame, period: str) -> pd.DataFrame:
    """One row per active objective, goal and KPI of the period, parents first.

    share is the effective strategic weight (0..1 of the whole strategy): an objective's weight
    over all active objectives' weights; a goal gets its objective's share split equally among
    the objective's active goals; a KPI gets its goal's share split by KPI weight among the KPIs
    on that goal. covered is False for an objective or goal with no active KPI under it; aligned
    is False for a KPI whose goal_id is not an active goal of the period (its share is NaN).
    """
    objectives = [o for o in company.objectives if active_in(period, o.period_from, o.period_to)]
    active = active_kpis(kpis, period)
    total_w = sum(o.weight for o in objectives) or np.nan
    rows = []
    goal_share: dict[str, float] = {}
    for o in objectives:
        goals = [g for g in o.goals if active_in(period, g.period_from, g.period_to)]
        o_share = o.weight / total_w
        covered_goals = [g for g in goals if (active["goal_id"] == g.id).any()]
        rows.append(_row("objective", o.id, None, o.name, o.name_en, None, o.weight, o_share))
        rows[-1]["covered"] = bool(covered_goals)
        for g in goals:
            goal_share[g.id] = o_share / len(goals)
            rows.append(_row("goal", g.id, o.id, g.name, g.name_en, None, None, goal_share[g.id]))
            rows[-1]["covered"] = g in covered_goals
    on_goal = active["goal_id"].map(goal_share)
    goal_weight = active["weight"].groupby(active["goal_id"]).transform("sum")
    kpi_share = on_goal * active["weight"] / goal_weight.where(goal_weight > 0)
    for k, share in zip(active.itertuples(index=False), kpi_share, strict=True):
        aligned = k.goal_id in goal_share
        row = _row(
            "kpi",
            k.kpi_id,
            k.goal_id if aligned else None,
            k.name,
            k.name_en,
            k.owner,
            k.weight,
            share if aligned else np.nan,
        )
        row["aligned"] = aligned
        rows.append(row)
    return pd.DataFrame(rows, columns=NODE_COLUMNS)


def _row(level, node_id, parent, name, name_en, owner, weight, share) -> dict:
    return {
        "level": level,
        "node_id": node_id,
        "parent_id": parent,
        "name": name,
        "name_en": name_en,
        "owner": owner,
        "weight": weight,
        "share": share,
        "covered": True,
        "aligned": True,
    }


def strategy_gaps(nodes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Uncovered objectives, uncovered goals and unaligned KPIs among the nodes."""
    return {
        "objectives": nodes[(nodes["level"] == "objective") & ~nodes["covered"]],
        "goals": nodes[(nodes["level"] == "goal") & ~nodes["covered"]],
        "kpis": nodes[(nodes["level"] == "kpi") & ~nodes["aligned"]],
    }


def nodes_for_pm(nodes: pd.DataFrame, pm: str) -> pd.DataFrame:
    """The tree limited to one PM's KPIs (objectives and goals kept; coverage stays company-wide)."""
    if not pm:
        return nodes
    return nodes[(nodes["level"] != "kpi") | (nodes["owner"] == pm)]


def tree_layout(nodes: pd.DataFrame) -> pd.DataFrame:
    """x (0 objective, 1 goal, 2 KPI) and y (top to bottom, one unit per leaf) for every node.

    Unaligned KPIs are stacked below the tree; nodes without children take a slot of their own.
    """
    pos: dict[str, float] = {}
    slot = 0.0
    kids = nodes.groupby("parent_id")["node_id"].apply(list).to_dict()
    for obj in nodes.loc[nodes["level"] == "objective", "node_id"]:
        goal_ys = []
        for goal in kids.get(obj, []):
            kpi_ys = []
            for kpi in kids.get(goal, []):
                pos[kpi] = slot
                kpi_ys.append(slot)
                slot += 1
            if not kpi_ys:
                kpi_ys, slot = [slot], slot + 1
            pos[goal] = float(np.mean(kpi_ys))
            goal_ys.append(pos[goal])
        if not goal_ys:
            goal_ys, slot = [slot], slot + 1
        pos[obj] = float(np.mean(goal_ys))
        slot += 0.5  # a little air between objectives
    for kpi in nodes.loc[(nodes["level"] == "kpi") & ~nodes["aligned"], "node_id"]:
        pos[kpi] = slot
        slot += 1
    x = nodes["level"].map({"objective": 0.0, "goal": 1.0, "kpi": 2.0})
    return nodes.assign(x=x, y=nodes["node_id"].map(pos))


def strategy_changes(
    company: Company, kpis: pd.DataFrame, targets: pd.DataFrame, period: str, previous: str
) -> pd.DataFrame:
    """What differs between two periods: objectives, goals and KPIs added or retired, and targets.

    Returns rows with kind (objective/goal/kpi/target), change (added/retired/changed), item_id,
    name, name_en, before and after (target values; NaN otherwise).
    """
    rows = []
    for o in company.objectives:
        rows += _presence(
            "objective", o.id, o.name, o.name_en, o.period_from, o.period_to, period, previous
        )
        for g in o.goals:
            rows += _presence(
                "goal",
                g.id,
                g.name,
                g.name_en,
                g.period_from or o.period_from,
                g.period_to or o.period_to,
                period,
                previous,
            )
    for k in kpis.itertuples(index=False):
        rows += _presence(
            "kpi", k.kpi_id, k.name, k.name_en, k.period_from, k.period_to, period, previous
        )
    from kpi_helpers.engine.scoring import kpi_targets

    now = kpi_targets(kpis, targets, period).set_index("kpi_id")
    before = kpi_targets(kpis, targets, previous).set_index("kpi_id")
    both = now.index.intersection(before.index)
    moved = both[~np.isclose(now.loc[both, "target"], before.loc[both, "target"], equal_nan=True)]
    for kid in moved:
        r = now.loc[kid]
        rows.append(
            {
                "kind": "target",
                "change": "changed",
                "item_id": kid,
                "name": r["name"],
                "name_en": r.get("name_en"),
                "before": before.loc[kid, "target"],
                "after": r["target"],
            }
        )
    cols = ["kind", "change", "item_id", "name", "name_en", "before", "after"]
    return pd.DataFrame(rows, columns=cols)


def _presence(kind, item_id, name, name_en, p_from, p_to, period, previous) -> list[dict]:
    now, before = active_in(period, p_from, p_to), active_in(previous, p_from, p_to)
    if now == before:
        return []
    change = "added" if now else "retired"
    return [
        {
            "kind": kind,
            "change": change,
            "item_id": item_id,
            "name": name,
            "name_en": name_en,
            "before": np.nan,
            "after": np.nan,
        }
    ]
