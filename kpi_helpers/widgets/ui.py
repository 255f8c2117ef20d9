"""The ipywidgets panels, imported only when a notebook shows a control.

Each panel keeps its state in a plain object (whatif.WhatIf, explorer.ThemeExplorer,
acceptance.ReviewDecisions, pickers.PickerState) and only turns widget events into calls on it,
so everything that matters is tested without a browser.
"""

from kpi_helpers.widgets._controls import show, slider_range
from kpi_helpers.widgets.panel_explorer import ExplorerPanel, explorer_panel
from kpi_helpers.widgets.panel_pickers import PickersPanel, pickers
from kpi_helpers.widgets.panel_review import ReviewPanel, review_panel
from kpi_helpers.widgets.panel_whatif import WhatIfPanel, whatif_panel
from kpi_helpers.widgets.renders import notebook_controls

__all__ = [
    "ExplorerPanel",
    "PickersPanel",
    "ReviewPanel",
    "WhatIfPanel",
    "explorer_panel",
    "notebook_controls",
    "pickers",
    "review_panel",
    "show",
    "slider_range",
    "whatif_panel",
]
