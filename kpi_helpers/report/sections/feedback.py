"""04 Customer feedback: volume, NPS / CSAT / CES with intervals, themes, sentiment, comments."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.report import feedback_view, narrative, plots, report_tables
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.display import show_figure, show_html, show_markdown
from kpi_helpers.report.sections.base import Keep, per_context


@per_context
def view(ctx: ReportContext) -> feedback_view.FeedbackView:
    """The feedback of the period (and the PM's products when a PM is set), computed once (the
    company's by the run, when it handed it over)."""
    return feedback_view.report_view(ctx)


@per_context
def _themes(ctx: ReportContext) -> pd.DataFrame:
    fb = view(ctx)
    return feedback_view.theme_rows(fb.themes, ctx.lang, fb.theme_names)


def _by_period(fb: feedback_view.FeedbackView) -> pd.DataFrame:
    return fb.by_period.assign(label=fb.by_period["period"])


def volume(ctx: ReportContext, keep: Keep = None) -> None:
    """Responses per period and channel, and a summary of the period's figures."""
    fb = view(ctx)
    show_markdown(narrative.heading("nb04.h_volume", ctx.lang))
    alt = narrative.alt_bars("nb04.alt_volume", _by_period(fb), "n", ctx.lang)
    show_figure(plots.feedback_volume(fb.volume, ctx.lang), alt)
    show_markdown(
        narrative.sentences(
            narrative.feedback_summary(fb.now, ctx.period, ctx.lang),
            narrative.ticket_summary(fb.rows, ctx.period, ctx.lang),
        )
    )


def metrics(ctx: ReportContext, keep: Keep = None) -> None:
    """NPS / CSAT / CES per period with intervals, their changes, and the table per product."""
    fb = view(ctx)
    show_markdown(narrative.heading("nb04.h_metrics", ctx.lang))
    alt = narrative.alt_bars("nb04.alt_metrics", _by_period(fb), "nps", ctx.lang)
    show_figure(plots.metric_intervals(fb.by_period, ctx.period, ctx.lang), alt)
    show_markdown(narrative.metric_changes(fb.now, ctx.lang))
    products = fb.by_product.assign(label=fb.by_product["product"])
    caption = ctx.t("nb04.table_products", period=ctx.period)
    show_html(report_tables.feedback_table(products, caption, ctx.lang))


def check_feedback(ctx: ReportContext) -> str:
    """Responses and NPS of the period (the notebook pins it)."""
    now = view(ctx).now
    return f"{int(now['n'])} {round(float(now['nps']), 1)}"


def themes(ctx: ReportContext, keep: Keep = None) -> None:
    """The themes of the period's comments: chart, summary and table."""
    show_markdown(narrative.heading("nb04.h_themes", ctx.lang))
    rows = _themes(ctx)
    if len(rows) > 1:  # one theme: the summary below says it
        chart = plots.theme_bars(rows, ctx.t("nb04.chart_themes", period=ctx.period), ctx.lang)
        alt = narrative.alt_bars("nb04.alt_themes", rows, "share", ctx.lang, share=True)
        show_figure(chart, alt)
    show_markdown(narrative.themes_summary(rows, ctx.lang))
    show_html(report_tables.themes_table(rows, ctx.t("nb04.table_themes"), ctx.lang))


def sentiment(ctx: ReportContext, keep: Keep = None) -> None:
    """Shares of positive, neutral and negative comments per period, and a summary."""
    fb = view(ctx)
    show_markdown(narrative.heading("nb04.h_sentiment", ctx.lang))
    alt = narrative.alt_bars("nb04.alt_sentiment", _by_period(fb), "negative", ctx.lang, share=True)
    show_figure(plots.sentiment_shares(fb.by_period, ctx.lang), alt)
    show_markdown(narrative.sentiment_summary(fb.now, ctx.lang))


def comments(ctx: ReportContext, keep: Keep = None) -> None:
    """Example comments of the main themes."""
    show_markdown(narrative.heading("nb04.h_comments", ctx.lang))
    show_markdown(narrative.comments_markdown(_themes(ctx), ctx.lang))
