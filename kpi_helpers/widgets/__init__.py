"""Interactive controls for analysts in JupyterLab / Notebook 7; never shown in headless runs.

Importing this package does not import ipywidgets: the panel functions below do that only
when a notebook actually shows a control. Each function displays its panel and returns it.

    widgets.controls(ctx, "05_evaluation")  # shows nothing unless show_controls(ctx.interactive)
"""

from __future__ import annotations

from kpi_helpers.widgets.acceptance import ReviewDecisions
from kpi_helpers.widgets.explorer import ThemeExplorer
from kpi_helpers.widgets.mode import HEADLESS_ENV, LAB_ENV, auto_interactive, show_controls
from kpi_helpers.widgets.pickers import PickerState, Selection
from kpi_helpers.widgets.whatif import WhatIf

__all__ = [
    "HEADLESS_ENV",
    "LAB_ENV",
    "PickerState",
    "ReviewDecisions",
    "Selection",
    "ThemeExplorer",
    "WhatIf",
    "auto_interactive",
    "controls",
    "explorer_panel",
    "pickers",
    "review_panel",
    "show_controls",
    "whatif_panel",
]


def _shown(build, *args, **kwargs):
    # A second guard besides the notebook's `if show_controls(...)`: a headless run never
    # builds a widget, so an executed notebook or HTML report cannot hold a dead one.
    from kpi_helpers.widgets.mode import _flag

    if _flag(HEADLESS_ENV):
        return None
    from kpi_helpers.widgets import ui

    panel = getattr(ui, build)(*args, **kwargs)
    ui.show(panel)
    return panel


def controls(ctx, notebook: str):
    """Show a notebook's controls when the kernel should (show_controls(ctx.interactive)):
    pickers re-rendering its sections for another period, PM, team or language, with its panel
    (what-if, theme explorer or review acceptance) as the report registry lists them.

    Args:
        notebook: the notebook's stem, e.g. "05_evaluation" (see report.registry).
    """
    if not show_controls(ctx.interactive):
        return None
    return _shown("notebook_controls", ctx, notebook)


def whatif_panel(ctx, pm_id: str | None = None):
    """Show the what-if panel (targets and weights sliders, new score / band / rank, save)."""
    return _shown("whatif_panel", ctx, pm_id)


def explorer_panel(ctx, feedback=None):
    """Show the theme and sentiment explorer (a theme's trend and its comments)."""
    return _shown("explorer_panel", ctx, feedback)


def review_panel(ctx, review=None):
    """Show accept / reject toggles for a review's proposal and the export of the accepted rows."""
    return _shown("review_panel", ctx, review)


def pickers(ctx, render, fields=("period", "pm", "lang")):
    """Show period / PM / team / product / language pickers that re-run `render` in place."""
    return _shown("pickers", ctx, render, fields)
