"""02 Goal decomposition: the goal tree, the strategy's gaps, each PM's share of the KPIs."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.engine import goal_tree as engine_tree
from kpi_helpers.report import labels, narrative, plots, report_tables
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.display import show_figure, show_html, show_markdown
from kpi_helpers.report.sections.base import Keep, per_context


@per_context
def _nodes(ctx: ReportContext) -> pd.DataFrame:
    """The tree of the report's PM (everyone's without one), labelled."""
    nodes = engine_tree.nodes_for_pm(ctx.nodes, ctx.pm)
    return labels.tree_rows(nodes, ctx.lang, ctx.pm_names())


@per_context
def _gaps(ctx: ReportContext) -> dict:
    """Objectives and goals without KPIs, KPIs outside the strategy."""
    return engine_tree.strategy_gaps(labels.labelled(ctx.nodes, "node_id", ctx.lang))


def tree(ctx: ReportContext, keep: Keep = None) -> None:
    """The goal tree (chart with its gaps marked) and a summary."""
    show_markdown(narrative.heading("nb02.h_tree", ctx.lang))
    nodes, found = _nodes(ctx), _gaps(ctx)
    figure = plots.goal_tree(labels.collapse_kpis(nodes, ctx.lang), ctx.lang)
    show_figure(figure, narrative.alt_tree(nodes, found, ctx.lang))
    labelled = labels.labelled(ctx.nodes, "node_id", ctx.lang)
    show_markdown(narrative.tree_summary(labelled, found, ctx.lang))


def gaps(ctx: ReportContext, keep: Keep = None) -> None:
    """The strategy's gaps as a table."""
    show_markdown(narrative.heading("nb02.h_gaps", ctx.lang))
    rows = labels.gap_rows(_gaps(ctx), ctx.lang, ctx.pm_names())
    show_html(report_tables.gaps_table(rows, ctx.lang))


def check_gaps(ctx: ReportContext) -> str:
    """The gaps' ids and how many KPIs trace to the strategy (the notebook pins it)."""
    nodes = _nodes(ctx)
    found = {k: sorted(v["node_id"]) for k, v in _gaps(ctx).items()}
    return f"{found} {int(nodes['aligned'][nodes['level'] == 'kpi'].sum())}"


def shares(ctx: ReportContext, keep: Keep = None) -> None:
    """Each PM's KPIs and their share of the strategy."""
    show_markdown(narrative.heading("nb02.h_shares", ctx.lang))
    rows = labels.kpi_share_rows(_nodes(ctx), ctx.lang, ctx.pm_names())
    show_markdown(narrative.shares_summary(rows, ctx.lang))
    show_html(report_tables.kpi_shares_table(rows, ctx.lang))
