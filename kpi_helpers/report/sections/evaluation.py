"""05 Performance evaluation: totals and bands, dimension scores, each KPI against its target,
and what moved each total since the previous period. A PM's page (`pm` set) is that PM's review
pack: the `pm_*` sections add the headline, history, notes, findings, 360, customer evidence,
next targets, self and manager words and check-ins; on company pages they show nothing."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.report import labels, narrative, pack, plots, report_tables, views
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.display import show_figure, show_html, show_markdown
from kpi_helpers.report.sections.base import Keep, mine
from kpi_helpers.report.sections.base import pm_ids as picked_pm_ids
from kpi_helpers.report.sections.review import result as review_result


def _totals(ctx: ReportContext, keep: Keep = None) -> pd.DataFrame:
    """Each PM's total, band and change since the previous period, labelled."""
    ev = ctx.evaluation
    changes = views.change_in_totals(ev.totals, ctx.previous_totals)
    return labels.total_rows(changes, mine(ctx, ev.totals, keep), ctx.lang, ctx.pm_names())


def totals(ctx: ReportContext, keep: Keep = None) -> None:
    """Totals and bands: the chart (company pages), a summary and the table."""
    show_markdown(narrative.heading("nb05.h_totals", ctx.lang))
    ev, rows = ctx.evaluation, _totals(ctx, keep)
    if not ctx.pm and len(rows) > 1:  # one bar would not add to the sentence and the table
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
        if len(rows) > 1:  # one KPI: the sentence and the table say it all
            chart = plots.kpi_scores(rows, ctx.t("nb05.chart_kpis", name=name), ctx.lang)
            show_figure(chart, narrative.alt_lights(name, rows, ctx.lang))
        title = ctx.t("nb05.table_kpis", name=name, period=ctx.period)
        show_html(report_tables.results_table(rows, title, ctx.lang))


def movers(ctx: ReportContext, keep: Keep = None) -> None:
    """What moved each PM's total since the previous period: a sentence per PM naming the
    largest movers and the KPIs new or retired since then, and a chart of two movers or more."""
    previous = ctx.previous or ctx.calendar_previous
    show_markdown(narrative.heading("nb05.h_movers", ctx.lang, previous=previous))
    contrib = mine(ctx, ctx.evaluation.contributions, keep)
    top = views.top_contributions(contrib, n=5)
    rows = labels.contribution_rows(top, ctx.ds.kpis, ctx.lang)
    came = views.new_and_retired(contrib)
    names = labels.kpi_labels(ctx.ds.kpis, ctx.lang)
    show_markdown(ctx.pm_pages_note())
    for row in ctx.for_detail(_totals(ctx, keep)).itertuples(index=False):
        pm_rows = rows[rows["pm_id"] == row.pm_id]
        pm_came = came[came["pm_id"] == row.pm_id]
        arrived, left = (
            [names.get(k, k) for k in pm_came.loc[pm_came["active"] == kind, "kpi_id"]]
            for kind in ("new", "retired")
        )
        show_markdown(
            narrative.sentences(
                narrative.movers_summary(row.label, row.change, pm_rows, ctx.previous, ctx.lang),
                narrative.new_and_retired(arrived, left, ctx.lang),
            )
        )
        if len(pm_rows) > 1:  # one mover: the sentence names it
            title = ctx.t("nb05.chart_movers", name=row.label, previous=ctx.previous)
            alt = narrative.alt_bars(
                "nb05.alt_movers", pm_rows, "contribution", ctx.lang, name=row.label
            )
            show_figure(plots.contributions(pm_rows, title, ctx.lang), alt)


# --- the review pack of a PM's page ---------------------------------------------------------


def _pack_heading(ctx: ReportContext, key: str, **params) -> None:
    show_markdown(narrative.heading(f"pack.{key}", ctx.lang, **params))


def pm_headline(ctx: ReportContext, keep: Keep = None) -> None:
    """Total, band or "incomplete", coverage, change since last period, rank among N; the
    final rating beside it when company.yaml weighs one."""
    if not ctx.pm:
        return
    _pack_heading(ctx, "h_headline")
    show_markdown(pack.headline(ctx))
    show_markdown(pack.final_score(ctx))


def pm_history(ctx: ReportContext, keep: Keep = None) -> None:
    """The PM's total in every period with the band lines: chart and table."""
    if not ctx.pm:
        return
    _pack_heading(ctx, "h_history")
    fig, alt, table = pack.history(ctx)
    show_figure(fig, alt)
    show_html(table)


def pm_notes(ctx: ReportContext, keep: Keep = None) -> None:
    """This period's results with the note written beside each actual."""
    if not ctx.pm:
        return
    _pack_heading(ctx, "h_results", period=ctx.period)
    show_html(pack.kpi_notes(ctx))


def pm_findings(ctx: ReportContext, keep: Keep = None) -> None:
    """What the review found about this PM's KPIs, in plain words."""
    if not ctx.pm:
        return
    _pack_heading(ctx, "h_findings")
    show_markdown(pack.findings(ctx, review_result(ctx)))


def pm_reviews(ctx: ReportContext, keep: Keep = None) -> None:
    """360: means against the company and the comments that keep raters anonymous."""
    if not ctx.pm:
        return
    _pack_heading(ctx, "h_360")
    show_html(pack.reviews_360(ctx))


def pm_customers(ctx: ReportContext, keep: Keep = None) -> None:
    """Customer evidence for the PM's products: NPS / CSAT with intervals, negative themes."""
    if not ctx.pm:
        return
    _pack_heading(ctx, "h_customers")
    figure, text = pack.customers(ctx)
    if figure:
        show_figure(*figure)
    show_markdown(text)


def pm_next_targets(ctx: ReportContext, keep: Keep = None) -> None:
    """Next period's proposed levels for the PM's KPIs with their reasons."""
    if not ctx.pm:
        return
    review = review_result(ctx)
    _pack_heading(ctx, "h_next", next_period=review.next_period)
    show_html(pack.next_targets(ctx, review))


def pm_assessments(ctx: ReportContext, keep: Keep = None) -> None:
    """The PM's self-assessment and the manager's comments for the period."""
    if not ctx.pm:
        return
    _pack_heading(ctx, "h_assessments")
    show_markdown(pack.assessments(ctx))


def pm_checkins(ctx: ReportContext, keep: Keep = None) -> None:
    """The current period's check-ins and forecasts (nothing when there are none)."""
    if not ctx.pm:
        return
    text = pack.checkins(ctx)
    if text:
        _pack_heading(ctx, "h_checkins", period=pack.current(ctx))
        show_html(text)
