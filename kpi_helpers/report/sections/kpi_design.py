"""03 KPI design: lint findings, the weights per PM and dimension, targets against history and
each PM's KPI set."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.engine import lint as engine_lint
from kpi_helpers.report import labels, narrative, plots, report_tables, views
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.display import show_figure, show_html, show_markdown
from kpi_helpers.report.sections.base import Keep, mine, per_context
from kpi_helpers.report.sections.base import pm_ids as picked_pm_ids


@per_context
def _found(ctx: ReportContext) -> pd.DataFrame:
    """Lint findings of the period for every PM."""
    ds = ctx.ds
    return engine_lint.lint_kpis(ds.kpis, ds.targets, ctx.actuals, ds.company, ctx.period)


def lint(ctx: ReportContext, keep: Keep = None) -> None:
    """Lint findings of the period: a summary and the table."""
    show_markdown(narrative.heading("nb03.h_lint", ctx.lang))
    findings = labels.finding_rows(mine(ctx, _found(ctx), keep), ctx.lang, ctx.pm_names())
    show_markdown(narrative.lint_summary(findings, ctx.lang))
    caption = ctx.t("nb03.table_lint", period=ctx.period)
    show_html(report_tables.findings_table(findings, caption, ctx.lang, ctx.t("nb03.no_findings")))


def check_lint(ctx: ReportContext) -> dict:
    """Lint findings of the period by kind (the notebook pins it)."""
    return _found(ctx)["kind"].value_counts().sort_index().to_dict()


def weights(ctx: ReportContext, keep: Keep = None) -> None:
    """The weights per PM and dimension (heat map) and a summary."""
    show_markdown(narrative.heading("nb03.h_weights", ctx.lang))
    card = mine(ctx, ctx.evaluation.card, keep)
    matrix = views.dimension_matrix(card, "weight", picked_pm_ids(ctx, keep))
    matrix = matrix.rename(index=ctx.pm_names(), columns=ctx.dimension)
    alt = narrative.alt_matrix("nb03.alt_weights", matrix, ctx.lang)
    show_figure(plots.dimension_heatmap(matrix, ctx.lang), alt)
    show_markdown(narrative.weights_summary(matrix, ctx.lang))


def history(ctx: ReportContext, keep: Keep = None) -> None:
    """Targets against each KPI's history: how ambitious they are."""
    show_markdown(narrative.heading("nb03.h_history", ctx.lang))
    card = mine(ctx, ctx.evaluation.card, keep)
    rows = labels.history_rows(views.targets_vs_history(card, ctx.actuals, ctx.period), ctx.lang)
    ranked = rows.sort_values("ambition", ascending=False)
    alt = narrative.alt_bars("nb03.alt_history", ranked, "ambition", ctx.lang, share=True)
    show_figure(plots.target_ambition(rows, ctx.lang), alt)
    show_markdown(narrative.ambition_summary(rows, ctx.lang))
    show_html(report_tables.history_table(rows, ctx.lang))


def kpi_sets(ctx: ReportContext, keep: Keep = None) -> None:
    """Each PM's KPI set with weights and targets (a note links the PMs' pages when the
    company has too many PMs to list here)."""
    show_markdown(narrative.heading("nb03.h_sets", ctx.lang))
    show_markdown(ctx.pm_pages_note())
    card = mine(ctx, ctx.evaluation.card, keep)
    for pm_id, rows in labels.kpi_rows(ctx.for_detail(card), ctx.lang).groupby("pm_id", sort=False):
        name = ctx.pm_name(pm_id)
        show_markdown(narrative.heading("nb05.h_pm", ctx.lang, level=3, name=narrative.md(name)))
        show_markdown(narrative.kpi_set_summary(rows, ctx.lang))
        title = ctx.t("nb03.table_set", name=name, period=ctx.period)
        show_html(report_tables.kpi_set_table(rows, title, ctx.lang))
