"""01 Strategy: objectives and their weights, goals and their KPI coverage, what changed."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.report import labels, narrative, plots, report_tables, views
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.display import show_figure, show_html, show_markdown
from kpi_helpers.report.sections.base import Keep


def _objectives(ctx: ReportContext) -> pd.DataFrame:
    return views.objective_overview(ctx.nodes, ctx.evaluation.objectives, ctx.lang)


def objectives(ctx: ReportContext, keep: Keep = None) -> None:
    """The objectives' weights (chart), a summary and the objectives table."""
    show_markdown(narrative.heading("nb01.h_objectives", ctx.lang))
    rows = _objectives(ctx)
    if len(rows) > 1:  # one objective holds 100 %: the sentence and the table say it
        alt = narrative.alt_bars("nb01.alt_weights", rows, "share", ctx.lang, share=True)
        show_figure(plots.objective_weights(rows, ctx.lang), alt)
    show_markdown(narrative.strategy_summary(rows, ctx.period, ctx.lang))
    show_html(report_tables.objectives_table(rows, ctx.period, ctx.lang))


def check_weights(ctx: ReportContext) -> str:
    """The objectives' weights, goals and KPIs as plain text (the notebook pins it)."""
    return _objectives(ctx)[["objective_id", "weight", "goals", "kpis"]].to_string(index=False)


def goals(ctx: ReportContext, keep: Keep = None) -> None:
    """Goals and how many KPIs cover each."""
    show_markdown(narrative.heading("nb01.h_goals", ctx.lang))
    rows = labels.goal_rows(ctx.nodes, ctx.lang)
    show_markdown(narrative.goals_summary(rows, ctx.lang))
    show_html(report_tables.goals_table(rows, ctx.lang))


def changes(ctx: ReportContext, keep: Keep = None) -> None:
    """What changed in the strategy and the KPI set since the previous period."""
    previous = ctx.calendar_previous
    show_markdown(narrative.heading("nb01.h_changes", ctx.lang, previous=previous))
    rows = labels.change_rows(ctx.changes, ctx.ds.kpis, ctx.lang)
    show_markdown(narrative.changes_summary(rows, ctx.period, previous, ctx.lang))
    show_html(report_tables.changes_table(rows, previous, ctx.lang))
