"""05 Performance evaluation: totals and bands, dimension scores, each KPI against its target,
and what moved each total since the previous period."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.report import labels, narrative, plots, report_tables, views
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.display import show_figure, show_html, show_markdown
from kpi_helpers.report.sections.base import Keep, mine
from kpi_helpers.report.sections.base import pm_ids as picked_pm_ids


def _totals(ctx: ReportContext, keep: Keep = None) -> pd.DataFrame:
    """Each PM's total, band and change since the previous period, labelled."""
    ev = ctx.evaluation
    changes = views.change_in_totals(ev.totals, ctx.previous_totals)
    return labels.total_rows(changes, mine(ctx, ev.totals, keep), ctx.lang, ctx.pm_names())


def totals(ctx: ReportContext, keep: Keep = None) -> None:
    """Totals and bands: the chart (company pages), a summary and the table."""
    show_markdown(narrative.heading("nb05.h_totals", ctx.lang))
    ev, rows = ctx.evaluation, _totals(ctx, keep)
    if not ctx.pm:  # one PM's report: the table below says it, a one-bar chart would not add to it
        alt = narrative.alt_bars("nb05.alt_totals", rows, "total", ctx.lang)
        show_figure(plots.pm_totals(rows, ctx.ds.company.bands, ctx.lang), alt)
    counts = None
    if ctx.pm:
        counts = views.status_counts(views.kpi_results(ev.card[ev.card["pm_id"] == ctx.pm]))
    show_markdown(narrative.evaluation_summary(rows, ev.company, ctx.period, ctx.lang, counts))
    show_html(report_tables.totals_table(rows, ctx.lang, ctx.previous))


def check_totals(ctx: ReportContext) -> str:
    """Each PM's total and band in the period (the notebook pins it)."""
    return _totals(ctx)[["pm_id", "total", "band"]].round(2).to_string(index=False)


def dimensions(ctx: ReportContext, keep: Keep = None) -> None:
    """Scores per PM and dimension (heat map) and a summary."""
    show_markdown(narrative.heading("nb05.h_dimensions", ctx.lang))
    scores = mine(ctx, ctx.evaluation.dimensions, keep)
    matrix = views.dimension_matrix(scores, "total", picked_pm_ids(ctx, keep))
    named = matrix.rename(index=ctx.pm_names(), columns=ctx.dimension)
    alt = narrative.alt_matrix("nb05.alt_dimensions", named, ctx.lang)
    show_figure(plots.dimension_heatmap(named, ctx.lang, kind="score"), alt)
    rows = labels.dimension_rows(scores, ctx.lang)
    show_markdown(narrative.dimensions_summary(rows, ctx.pm_names(), ctx.lang))


def kpis(ctx: ReportContext, keep: Keep = None) -> None:
    """Each PM's KPIs against target with traffic lights: summary, chart and table per PM."""
    show_markdown(narrative.heading("nb05.h_kpis", ctx.lang))
    card = mine(ctx, ctx.evaluation.card, keep)
    results = labels.kpi_rows(views.kpi_results(card, ctx.ds.company.policy), ctx.lang)
    show_markdown(ctx.pm_pages_note())
    for pm_id, rows in ctx.for_detail(results).groupby("pm_id", sort=False):
        name = ctx.pm_name(pm_id)
        show_markdown(narrative.heading("nb05.h_pm", ctx.lang, level=3, name=narrative.md(name)))
        show_markdown(narrative.lights_summary(views.status_counts(rows), rows, ctx.lang))
        chart = plots.kpi_scores(rows, ctx.t("nb05.chart_kpis", name=name), ctx.lang)
        show_figure(chart, narrative.alt_lights(name, rows, ctx.lang))
        title = ctx.t("nb05.table_kpis", name=name, period=ctx.period)
        show_html(report_tables.results_table(rows, title, ctx.lang))


def movers(ctx: ReportContext, keep: Keep = None) -> None:
    """What moved each PM's total since the previous period: a sentence and a chart per PM."""
    previous = ctx.previous or ctx.calendar_previous
    show_markdown(narrative.heading("nb05.h_movers", ctx.lang, previous=previous))
    top = views.top_contributions(mine(ctx, ctx.evaluation.contributions, keep), n=5)
    rows = labels.contribution_rows(top, ctx.ds.kpis, ctx.lang)
    show_markdown(ctx.pm_pages_note())
    for row in ctx.for_detail(_totals(ctx, keep)).itertuples(index=False):
        pm_rows = rows[rows["pm_id"] == row.pm_id]
        show_markdown(
            narrative.movers_summary(row.label, row.change, pm_rows, ctx.previous, ctx.lang)
        )
        if len(pm_rows):
            title = ctx.t("nb05.chart_movers", name=row.label, previous=ctx.previous)
            alt = narrative.alt_bars(
                "nb05.alt_movers", pm_rows, "contribution", ctx.lang, name=row.label
            )
            show_figure(plots.contributions(pm_rows, title, ctx.lang), alt)
