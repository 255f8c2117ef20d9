"""06 Review and adjustment: multi-period trends, each KPI's scores over time, the review's
findings and the proposed targets for the next period."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.engine import review as engine_review
from kpi_helpers.engine import trends as engine_trends
from kpi_helpers.report import labels, narrative, plots, report_tables, views
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.display import show_figure, show_html, show_markdown
from kpi_helpers.report.sections.base import Keep, mine, per_context


@per_context
def result(ctx: ReportContext) -> engine_review.Review:
    """The period's review (findings and proposal for every PM), computed once (by the run,
    when it handed its results over)."""
    if ctx.results is not None:
        return ctx.results.review
    return engine_review.review_period(ctx.ds, ctx.period, ctx.actuals)


def _proposal(ctx: ReportContext, keep: Keep = None) -> pd.DataFrame:
    proposal = mine(ctx, result(ctx).proposal, keep)
    return labels.proposal_rows(proposal, ctx.ds.kpis, ctx.lang, ctx.pm_names())


def trends(ctx: ReportContext, keep: Keep = None) -> None:
    """Each PM's total over the periods with bands: chart and summary."""
    show_markdown(narrative.heading("nb06.h_trends", ctx.lang))
    names = ctx.pm_names()
    trend = labels.pm_labelled(mine(ctx, views.totals_trend(ctx.evaluations), keep), names)
    if trend["label"].nunique() == 1:  # one PM: a sentence says the line
        show_markdown(narrative.one_trend(trend, ctx.lang))
        return
    show_figure(
        plots.totals_trend(trend, ctx.ds.company.bands, ctx.lang),
        narrative.alt_trend(trend, ctx.lang),
    )
    change = labels.pm_labelled(views.trend_change(trend), names)
    show_markdown(narrative.trend_summary(change, ctx.history[0], ctx.period, ctx.lang))


def _marked_matrix(
    ctx: ReportContext, history: pd.DataFrame, pm_id: str, names: dict[str, str]
) -> tuple[pd.DataFrame, str, list[bool]]:
    """A PM's KPI x period scores with KPI labels, a result computed from customer feedback or
    reviews in any period marked ※ as in 05, the chart title saying what the mark means, and
    which rows are marked."""
    matrix = views.score_matrix(history, pm_id)
    derived = views.derived_kpis(history, pm_id)
    rows = pd.DataFrame(
        {
            "label": [names.get(k, k) for k in matrix.index],
            "derived": [k in derived for k in matrix.index],
        }
    )
    title = ctx.t("nb06.chart_kpis", name=ctx.pm_name(pm_id))
    rows, title = report_tables.mark_derived(rows, title, ctx.lang)
    return matrix.set_axis(list(rows["label"]), axis=0), title, list(rows["derived"])


def kpi_scores(ctx: ReportContext, keep: Keep = None) -> None:
    """Each PM's KPI scores over the periods (heat map) and which moves are beyond noise."""
    show_markdown(narrative.heading("nb06.h_kpis", ctx.lang))
    ds = ctx.ds
    names = labels.kpi_labels(ds.kpis, ctx.lang)
    history = mine(ctx, views.kpi_trend(ctx.evaluations), keep)
    found = engine_trends.kpi_trends(ds.kpis, ds.targets, ctx.actuals, policy=ds.company.policy)
    moves = views.moves_of_period(found, ctx.period)
    show_markdown(ctx.pm_pages_note())
    shown = pd.DataFrame({"pm_id": ctx.detail_pm_ids})
    for pm_id in shown["pm_id"] if keep is None else keep(shown)["pm_id"]:
        name = ctx.pm_name(pm_id)
        show_markdown(narrative.heading("nb05.h_pm", ctx.lang, level=3, name=narrative.md(name)))
        matrix, title, derived = _marked_matrix(ctx, history, pm_id, names)
        if len(matrix) == 1:  # one KPI: a sentence says its row
            show_markdown(narrative.one_kpi_history(name, matrix, derived[0], ctx.lang))
        else:
            chart = plots.score_history(matrix, title, ctx.lang)
            show_figure(chart, narrative.alt_matrix("nb06.alt_kpis", matrix, ctx.lang))
        show_markdown(narrative.noise_summary(moves[moves["pm_id"] == pm_id], names, ctx.lang))


def findings(ctx: ReportContext, keep: Keep = None) -> None:
    """The review's findings: a summary and the table."""
    show_markdown(narrative.heading("nb06.h_findings", ctx.lang))
    rows = labels.finding_rows(mine(ctx, result(ctx).findings, keep), ctx.lang, ctx.pm_names())
    show_markdown(narrative.review_summary(rows, ctx.lang))
    caption = ctx.t("nb06.table_findings", period=ctx.period)
    show_html(report_tables.findings_table(rows, caption, ctx.lang, ctx.t("nb06.no_findings")))


def proposal(ctx: ReportContext, keep: Keep = None) -> None:
    """Next period's proposed targets: a summary and the changed rows with their reasons."""
    next_period = result(ctx).next_period
    show_markdown(narrative.heading("nb06.h_proposal", ctx.lang, next_period=next_period))
    rows = _proposal(ctx, keep)
    show_markdown(narrative.proposal_summary(rows, next_period, ctx.lang))
    caption = ctx.t("nb06.table_proposal", next_period=next_period)
    show_html(report_tables.proposal_table(rows[rows["changed"]], caption, ctx.lang))


def check_proposal(ctx: ReportContext) -> str:
    """The proposal's changed targets for the next period (the notebook pins it)."""
    rows = _proposal(ctx)
    return rows.loc[rows["changed"], ["kpi_id", "action", "target"]].to_string(index=False)


def effect(ctx: ReportContext, keep: Keep = None) -> None:
    """What the proposal would do: this period's actuals scored with the proposed levels, per PM,
    with the PMs who would move up a band by re-targeting alone flagged."""
    show_markdown(narrative.heading("nb06.h_effect", ctx.lang))
    rows = labels.effect_rows(mine(ctx, result(ctx).effect, keep), ctx.lang, ctx.pm_names())
    show_html(report_tables.effect_table(rows, ctx.period, ctx.lang))
