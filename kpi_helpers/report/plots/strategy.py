"""Charts of the strategy and the KPI design: objective weights, the goal tree, weight and target maps."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from kpi_helpers.engine.goal_tree import tree_layout
from kpi_helpers.report.i18n import t
from kpi_helpers.report.plots.base import (
    GREY,
    PALETTE,
    STATUS_COLOURS,
    heatmap,
    new_figure,
    no_data,
    score_lines,
    wrap,
)

X_GOAL = 0.75  # column spacing of the tree in axis units (objectives 0, goals 0.75, KPIs 1.5)
_TREE_WRAP = {"objective": 34, "goal": 34, "kpi": 56}  # label width in display cells per level
_TREE_STYLE = {
    "objective": {"fc": "#0072B2", "ec": "#0072B2", "color": "white", "ls": "-"},
    "goal": {"fc": "#DCEBF7", "ec": "#0072B2", "color": "black", "ls": "-"},
    "kpi": {"fc": "white", "ec": "#8c959f", "color": "black", "ls": "-"},
    "gap": {"fc": "#FDE7E9", "ec": STATUS_COLOURS["off"], "color": "black", "ls": "--"},
}


def objective_weights(objectives: pd.DataFrame, lang: str = "zh") -> Figure:
    """Horizontal bars of each objective's share of the strategy (columns label, share 0..1)."""
    fig, ax = new_figure(8, 0.6 * max(len(objectives), 2) + 1.2)
    ax.set_title(t("plots.objective_weights", lang), loc="left")
    if objectives.empty:
        no_data(ax, t("plots.no_data", lang))
        return fig
    y = np.arange(len(objectives))
    shares = 100 * objectives["share"].astype(float).to_numpy()
    ax.barh(y, shares, color=PALETTE[0])
    for yi, s in zip(y, shares, strict=True):
        ax.text(s + 1, yi, f"{s:.0f}%", va="center")
    ax.set_yticks(y, [wrap(v, 30) for v in objectives["label"]])
    ax.invert_yaxis()
    ax.set_xlim(0, max(100, shares.max() + 10))
    ax.set_xlabel(t("plots.share_of_strategy", lang))
    return fig


def goal_tree(nodes: pd.DataFrame, lang: str = "zh") -> Figure:
    """Objectives -> goals -> KPIs drawn left to right, each node labelled with its strategic share.

    `nodes` is goal_tree.strategy_nodes() with a `tree_label` (or `label`) column. Uncovered
    objectives and goals and unaligned KPIs get a red dashed box and a ✗, so they stand out
    without colour too.
    """
    layout = tree_layout(nodes)
    layout["x"] = layout["x"] * X_GOAL
    layout["label"] = nodes["tree_label"] if "tree_label" in nodes else nodes["label"]
    rows = max(float(layout["y"].max()) + 1 if len(layout) else 1, 2)
    fig, ax = new_figure(11, 0.36 * rows + 1.2, layout="constrained")  # key outside, below
    ax.set_title(t("plots.goal_tree", lang), loc="left")
    if layout.empty:
        no_data(ax, t("plots.no_data", lang))
        return fig
    pos = layout.set_index("node_id")[["x", "y"]]
    for node in layout.itertuples(index=False):
        if isinstance(node.parent_id, str) and node.parent_id in pos.index:
            px, py = pos.loc[node.parent_id]
            bus = node.x - 0.03
            ax.plot(
                [px + 0.68, bus, bus, node.x - 0.005],
                [py, py, node.y, node.y],
                color="#8c959f",
                linewidth=0.8,
                zorder=1,
            )
    unaligned = layout[(layout["level"] == "kpi") & ~layout["aligned"]]
    if len(unaligned):
        ax.text(
            X_GOAL,
            float(unaligned["y"].min()),
            t("plots.unaligned_group", lang),
            va="center",
            color=STATUS_COLOURS["off"],
        )
    for node in layout.itertuples(index=False):
        gap = not node.covered or not node.aligned
        style = _TREE_STYLE["gap" if gap else node.level]
        label = ("✗ " if gap else "") + wrap(node.label, _TREE_WRAP[node.level], 3)
        ax.text(
            node.x,
            node.y,
            label,
            va="center",
            ha="left",
            fontsize=9,
            color=style["color"],
            zorder=2,
            bbox={
                "boxstyle": "round,pad=0.3",
                "fc": style["fc"],
                "ec": style["ec"],
                "ls": style["ls"],
                "lw": 1.2,
            },
        )
    ax.set_xlim(-0.02, 2.6)
    ax.set_ylim(rows, -1)
    ax.set_axis_off()
    legend = [
        Patch(fc=_TREE_STYLE["objective"]["fc"], label=t("plots.level_objective", lang)),
        Patch(fc=_TREE_STYLE["goal"]["fc"], ec="#0072B2", label=t("plots.level_goal", lang)),
        Patch(fc="white", ec="#8c959f", label=t("plots.level_kpi", lang)),
        Patch(
            fc=_TREE_STYLE["gap"]["fc"],
            ec=STATUS_COLOURS["off"],
            ls="--",
            label=t("plots.gap", lang),
        ),
    ]
    # below the tree: no node can sit under the key, however few or many rows the tree has
    fig.legend(handles=legend, loc="outside lower center", ncols=4, fontsize=9, frameon=False)
    return fig


def dimension_heatmap(matrix: pd.DataFrame, lang: str = "zh", kind: str = "weight") -> Figure:
    """PM x dimension heat map of weights (kind="weight") or scores (kind="score"), values written in.

    A single PM (one row) is drawn as one bar per dimension instead, which reads better.
    """
    if len(matrix) == 1:
        return _dimension_bars(matrix.iloc[0].dropna(), lang, kind)
    fig, ax = new_figure(
        min(3 + 1.1 * max(len(matrix.columns), 1), 14), 0.5 * max(len(matrix), 2) + 2.8
    )
    ax.set_title(t(f"plots.heatmap_{kind}", lang), loc="left")
    if matrix.empty:
        no_data(ax, t("plots.no_data", lang))
        return fig
    data = matrix.astype(float)
    if kind == "score":
        heatmap(
            ax, data, cmap="RdYlBu", vmin=40, vmax=120, center=90, label=t("plots.points", lang)
        )
    else:
        heatmap(
            ax,
            data.where(data > 0),
            cmap="Blues",
            vmin=0,
            vmax=max(float(data.max().max()), 1),
            label=t("plots.weight_points", lang),
        )
    return fig


def _dimension_bars(values: pd.Series, lang: str, kind: str) -> Figure:
    """One PM's scores (or weights) per dimension as horizontal bars, values written beside them."""
    if kind == "weight":
        values = values[values > 0]
    fig, ax = new_figure(8, 0.45 * max(len(values), 2) + 1.4)
    ax.set_title(f"{t(f'plots.heatmap_{kind}', lang)} · {values.name}", loc="left")
    if values.empty:
        no_data(ax, t("plots.no_data", lang))
        return fig
    y = np.arange(len(values))
    ax.barh(y, values.to_numpy(dtype=float), color=PALETTE[4] if kind == "score" else PALETTE[0])
    for yi, v in zip(y, values, strict=True):
        ax.text(v + 1, yi, f"{v:.0f}", va="center", fontsize=9)
    ax.set_yticks(y, [wrap(v, 24, 1) for v in values.index])
    ax.invert_yaxis()
    if kind == "score":
        ax.set_xlim(0, 130)
        score_lines(ax)
    ax.set_xlabel(t("plots.points" if kind == "score" else "plots.weight_points", lang))
    return fig


def target_ambition(frame: pd.DataFrame, lang: str = "zh", limit: int = 40) -> Figure:
    """Each KPI's target against its history mean in % (columns label, ambition, position).

    Positive bars ask for more than history delivered; the mark at the bar end says where the
    target lies against the past range: ▲ beyond the best, ● within, ▼ below the worst.
    With more than `limit` KPIs only the limit/2 most and limit/2 least ambitious are drawn
    (the title says so); a chart of hundreds of bars cannot be read.
    """
    data = frame.dropna(subset=["ambition"])
    title = t("plots.target_ambition", lang)
    if len(data) > limit:
        half = limit // 2
        ranked = data.sort_values("ambition", ascending=False, kind="stable")
        title += t("plots.ambition_extremes", lang, half=half, total=len(data))
        data = pd.concat([ranked.head(half), ranked.tail(half)])
    fig, ax = new_figure(9, 0.36 * max(len(data), 3) + 1.5)
    ax.set_title(title, loc="left")
    if data.empty:
        no_data(ax, t("plots.no_history", lang))
        return fig
    marks = {
        "above": ("▲", STATUS_COLOURS["off"]),
        "within": ("●", STATUS_COLOURS["on"]),
        "below": ("▼", STATUS_COLOURS["near"]),
    }
    values = 100 * data["ambition"].to_numpy(dtype=float)
    y = np.arange(len(data))
    colours = [marks.get(p, ("", GREY))[1] for p in data["position"]]
    ax.barh(y, values, color=colours, alpha=0.8)
    span = max(float(np.nanmax(np.abs(values))), 5.0)
    for yi, v, p in zip(y, values, data["position"], strict=True):
        symbol = marks.get(p, ("", GREY))[0]
        ax.text(
            v + (0.02 if v >= 0 else -0.02) * span * 2,
            yi,
            f"{symbol} {_pct(v)}",
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=8,
        )
    ax.axvline(0, color=GREY, linewidth=1)
    ax.set_xlim(-span * 1.35, span * 1.35)
    ax.set_yticks(y, [wrap(v, 30, 1) for v in data["label"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(t("plots.ambition_axis", lang))
    legend = [
        Patch(color=c, label=f"{s} {t(f'plots.position_{k}', lang)}") for k, (s, c) in marks.items()
    ]
    ax.legend(handles=legend, loc="lower right", fontsize=8)
    return fig


def _pct(v: float) -> str:
    """A signed whole percentage without "-0%"."""
    r = round(float(v))
    return f"{r:+d}%" if r else "0%"
