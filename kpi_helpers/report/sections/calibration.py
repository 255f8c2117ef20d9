"""07 Calibration: ratings against the guideline, scores against target ambition, 360 against
KPI ranks, rater leniency, and the PMs to discuss first."""

from __future__ import annotations

from kpi_helpers.report import calibration as views
from kpi_helpers.report import narrative
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.display import show_figure, show_html, show_markdown
from kpi_helpers.report.sections.base import Keep, per_context


@per_context
def result(ctx: ReportContext) -> views.Calibration:
    """The period's calibration views, computed once for the page."""
    return views.calibration(ctx)


def bands(ctx: ReportContext, keep: Keep = None) -> None:
    """The share of PMs per band beside the guideline, and where it departs most."""
    show_markdown(narrative.heading("cal.h_bands", ctx.lang))
    cal = result(ctx)
    show_figure(*views.bands_figure(cal, ctx))
    show_markdown(views.bands_summary(cal, ctx))


def check_bands(ctx: ReportContext) -> str:
    """PMs per band (the notebook pins it)."""
    return result(ctx).bands[["band", "pms"]].to_string(index=False)


def ambition(ctx: ReportContext, keep: Keep = None) -> None:
    """Each PM's total against how hard their targets were: chart and table."""
    show_markdown(narrative.heading("cal.h_ambition", ctx.lang))
    cal = result(ctx)
    show_figure(*views.ambition_figure(cal, ctx))
    show_html(views.ambition_table(cal, ctx))


def ranks(ctx: ReportContext, keep: Keep = None) -> None:
    """KPI rank against 360 rank, with the PMs whose ranks are far apart marked."""
    show_markdown(narrative.heading("cal.h_ranks", ctx.lang))
    show_html(views.ranks_table(result(ctx), ctx))


def leniency(ctx: ReportContext, keep: Keep = None) -> None:
    """Each rater's leniency and the 360 means adjusted for it."""
    show_markdown(narrative.heading("cal.h_leniency", ctx.lang))
    cal = result(ctx)
    figure = views.leniency_figure(cal, ctx)
    if figure:
        show_figure(*figure)
    show_html(views.adjusted_table(cal, ctx))


def discuss(ctx: ReportContext, keep: Keep = None) -> None:
    """The PMs to discuss first, with the reasons."""
    show_markdown(narrative.heading("cal.h_discuss", ctx.lang))
    show_markdown(views.discuss_list(result(ctx), ctx))
