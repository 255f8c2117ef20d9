"""What the pickers re-render for each notebook: its headline figures and tables for a selection.

Each function takes the ReportContext of the picked period / PM / language and the picker
state (for team and product filters) and displays the same figures and tables the notebook's
report cells show, built from the same kpi_helpers calls.
"""

from __future__ import annotations

from collections.abc import Callable

from kpi_helpers.widgets.pickers import PickerState


def _show():
    from kpi_helpers.report.display import show_figure, show_html, show_markdown

    return show_figure, show_html, show_markdown


def strategy(ctx, picks: PickerState) -> None:
    """01: objectives, their weights and scores."""
    from kpi_helpers.report import narrative, plots, report_tables, views

    show_figure, show_html, show_markdown = _show()
    objectives = views.objective_overview(ctx.nodes, ctx.evaluation.objectives, ctx.lang)
    alt = narrative.alt_bars("nb01.alt_weights", objectives, "share", ctx.lang, share=True)
    show_figure(plots.objective_weights(objectives, ctx.lang), alt)
    show_markdown(narrative.strategy_summary(objectives, ctx.period, ctx.lang))
    show_html(report_tables.objectives_table(objectives, ctx.period, ctx.lang))


def goal_tree(ctx, picks: PickerState) -> None:
    """02: the goal tree (of the picked PM) and the strategy's gaps."""
    from kpi_helpers.engine import goal_tree as tree
    from kpi_helpers.report import labels, narrative, plots, report_tables

    show_figure, show_html, show_markdown = _show()
    nodes = labels.tree_rows(tree.nodes_for_pm(ctx.nodes, ctx.pm), ctx.lang, ctx.pm_names())
    gaps = tree.strategy_gaps(labels.labelled(ctx.nodes, "node_id", ctx.lang))
    show_figure(plots.goal_tree(nodes, ctx.lang), narrative.alt_tree(nodes, gaps, ctx.lang))
    show_html(report_tables.gaps_table(labels.gap_rows(gaps, ctx.lang, ctx.pm_names()), ctx.lang))


def kpi_design(ctx, picks: PickerState) -> None:
    """03: the weights per PM and dimension, and each picked PM's KPI set."""
    from kpi_helpers.report import labels, narrative, plots, report_tables, views

    show_figure, show_html, show_markdown = _show()
    card = picks.filter(ctx.for_pm(ctx.evaluation.card))
    pm_ids = [p for p in ctx.pm_ids if p in set(card["pm_id"])]
    weights = views.dimension_matrix(card, "weight", pm_ids).rename(
        index=ctx.pm_names(), columns=ctx.dimension
    )
    alt = narrative.alt_matrix("nb03.alt_weights", weights, ctx.lang)
    show_figure(plots.dimension_heatmap(weights, ctx.lang), alt)
    for pm_id, rows in labels.kpi_rows(card, ctx.lang).groupby("pm_id", sort=False):
        title = ctx.t("nb03.table_set", name=ctx.pm_name(pm_id), period=ctx.period)
        show_html(report_tables.kpi_set_table(rows, title, ctx.lang))


def evaluation(ctx, picks: PickerState) -> None:
    """05: totals and bands of the picked PMs, and their KPI results."""
    from kpi_helpers.report import labels, narrative, plots, report_tables, views

    show_figure, show_html, show_markdown = _show()
    ev = ctx.evaluation
    changes = views.change_in_totals(ev.totals, ctx.previous_totals)
    mine = picks.filter(ctx.for_pm(ev.totals))
    totals = labels.total_rows(changes, mine, ctx.lang, ctx.pm_names())
    alt = narrative.alt_bars("nb05.alt_totals", totals, "total", ctx.lang)
    show_figure(plots.pm_totals(totals, ctx.ds.company.bands, ctx.lang), alt)
    show_html(report_tables.totals_table(totals, ctx.lang, ctx.previous))
    card = picks.filter(ctx.for_pm(ev.card))
    results = labels.kpi_rows(views.kpi_results(card, ctx.ds.company.policy), ctx.lang)
    for pm_id, rows in results.groupby("pm_id", sort=False):
        title = ctx.t("nb05.table_kpis", name=ctx.pm_name(pm_id), period=ctx.period)
        show_html(report_tables.results_table(rows, title, ctx.lang))


def _panel(build: Callable) -> Callable:
    """A render that shows a panel (built for the picked context) inside the pickers' output."""

    def render(ctx, picks: PickerState, **kwargs) -> None:
        from IPython.display import display

        display(build(ctx, **kwargs).widget)

    return render


def _whatif(ctx, **_):
    from kpi_helpers.widgets.panel_whatif import whatif_panel

    return whatif_panel(ctx, keep=True)  # tried values survive the pickers' redraws


def _explorer(ctx, feedback=None, **_):
    from kpi_helpers.widgets.panel_explorer import explorer_panel

    return explorer_panel(ctx, feedback)


def _review(ctx, review=None, **_):
    from kpi_helpers.widgets.panel_review import review_panel

    return review_panel(ctx, review)


def _both(first: Callable, second: Callable) -> Callable:
    def render(ctx, picks: PickerState, **kwargs) -> None:
        first(ctx, picks)
        second(ctx, picks, **kwargs)

    return render


# notebook -> (render for the picked context, pickers offered)
NOTEBOOKS: dict[str, tuple[Callable, tuple[str, ...]]] = {
    "01": (strategy, ("period", "lang")),
    "02": (goal_tree, ("period", "pm", "lang")),
    "03": (_both(_panel(_whatif), kpi_design), ("period", "pm", "team", "lang")),
    "04": (_panel(_explorer), ("period", "pm", "lang")),
    "05": (_both(_panel(_whatif), evaluation), ("period", "pm", "team", "product", "lang")),
    "06": (_panel(_review), ("period", "pm", "lang")),
}


def notebook_controls(ctx, notebook: str, **inputs):
    """The controls of one notebook: pickers over an output that re-renders its figures, tables
    and panel for the picked period / PM / language.

    Args:
        notebook: "01".."06" (or a notebook name starting with those digits).
        inputs: results the notebook already computed for its own period, reused while that
            period and language are picked: `feedback` (04: a FeedbackView), `review` (06: a
            review.Review).
    """
    from kpi_helpers.widgets.panel_pickers import PickersPanel

    key = str(notebook)[:2]
    if key not in NOTEBOOKS:
        raise ValueError(
            f"no controls for notebook '{notebook}'; use one of {', '.join(NOTEBOOKS)}"
        )
    render, fields = NOTEBOOKS[key]

    def rerender(picked, picks: PickerState) -> None:
        same = (picked.period, picked.pm) == (ctx.period, ctx.pm)
        render(picked, picks, **(inputs if same else {}))

    return PickersPanel(ctx, rerender, fields)
