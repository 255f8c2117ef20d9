"""What the pickers re-render for each notebook: the report sections the registry names, called
with the pickers' PM / team / product filter, and the notebook's panel under them.

Nothing here restates a section: the notebook's cells and the pickers call the same functions of
kpi_helpers.report.sections.
"""

from __future__ import annotations

from collections.abc import Callable

from kpi_helpers.report import sections
from kpi_helpers.report.registry import Notebook, notebook
from kpi_helpers.widgets.pickers import PickerState


def _whatif(ctx):
    from kpi_helpers.widgets.panel_whatif import whatif_panel

    return whatif_panel(ctx, keep=True)  # tried values survive the pickers' redraws


def _explorer(ctx):
    from kpi_helpers.widgets.panel_explorer import explorer_panel

    return explorer_panel(ctx, sections.feedback.view(ctx))


def _review(ctx):
    from kpi_helpers.widgets.panel_review import review_panel

    return review_panel(ctx, sections.review.result(ctx))


# registry panel name -> the panel built for the picked context
PANELS: dict[str, Callable] = {"whatif": _whatif, "explorer": _explorer, "review": _review}
# panels shown above the re-rendered sections (the what-if panel is what the analyst works in)
PANELS_FIRST = {"whatif"}


def render_for(entry: Notebook) -> Callable[..., None]:
    """The render of a notebook's pickers: its `rerender` sections for the picked context and
    filter, then its panel."""
    module = getattr(sections, entry.module)
    shown = [getattr(module, name) for name in entry.rerender]

    def render(ctx, picks: PickerState) -> None:
        from IPython.display import display

        first = entry.panel in PANELS_FIRST
        if entry.panel and first:
            display(PANELS[entry.panel](ctx).widget)
        for section in shown:
            section(ctx, picks.filter)
        if entry.panel and not first:
            display(PANELS[entry.panel](ctx).widget)

    return render


def notebook_controls(ctx, name: str):
    """The controls of one notebook: pickers over an output that re-renders its sections and
    panel for the picked period / PM / team / product / language.

    Args:
        name: the notebook's stem ("05_evaluation"), module ("evaluation") or number ("05").
    """
    from kpi_helpers.widgets.panel_pickers import PickersPanel

    try:
        entry = notebook(name)
    except ValueError as e:
        raise ValueError(f"no controls for notebook '{name}': {e}") from None
    return PickersPanel(ctx, render_for(entry), entry.pickers)
