"""When the notebooks show controls: never in headless runs, on request or in `make lab` otherwise."""

from __future__ import annotations

import os
import sys

# HEADLESS_ENV is set to 1 by `kpi-workbook run` (papermill) and by anything else that executes
# notebooks without a person in front of them: controls are then never shown, whatever
# `interactive` says. LAB_ENV is set to 1 by `make lab` for the Jupyter server it starts: kernels
# started there show the controls even though the parameters cell says `interactive = False`.
from kpi_helpers.config import HEADLESS_ENV, LAB_ENV

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def in_kernel() -> bool:
    """True inside a Jupyter kernel (a frontend may be attached), False in plain Python or pytest."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def auto_interactive(interactive: bool | None = None) -> bool:
    """Whether this kernel should show the interactive controls.

    Args:
        interactive: the notebook's `interactive` parameter; papermill runs pass False.

    Returns:
        False whenever KPI_WORKBOOK_HEADLESS=1 (runs and HTML exports never show a widget);
        True when `interactive` is True; otherwise True only in a kernel started by `make lab`
        (KPI_WORKBOOK_LAB=1), so opening a notebook there gives the controls by default.
    """
    if _flag(HEADLESS_ENV):
        return False
    if interactive:
        return True
    return _flag(LAB_ENV) and in_kernel()


show_controls = auto_interactive
