"""Pieces shared by the panels: slider ranges, layouts, names, displaying a panel."""

from __future__ import annotations

import math

import ipywidgets as w
import pandas as pd
from IPython.display import display

from kpi_helpers.report.context import ReportContext
from kpi_helpers.widgets.views import esc

DESC = {"description_width": "120px"}


def wide(width: str = "440px") -> w.Layout:
    return w.Layout(width=width)


def _nice_step(span: float) -> float:
    raw = span / 200.0 if span > 0 else 0.01
    exp = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10**exp >= raw:
            return m * 10**exp
    return 10 ** (exp + 1)


def slider_range(values: list[float]) -> tuple[float, float, float]:
    """(min, max, step) for a slider around the given values, with room on both sides."""
    vals = [float(v) for v in values if v is not None and not pd.isna(v)]
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 1.0)
    span = hi - lo or abs(hi) or 1.0
    step = _nice_step(2 * span)
    lo, hi = lo - span / 2, hi + span / 2
    if min(vals or [0.0]) >= 0:
        lo = max(lo, 0.0)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def names(ctx: ReportContext) -> tuple[dict[str, str], dict[str, str]]:
    """Display names of the PMs and KPIs, in the report language."""
    pms = {str(x): ctx.pm_name(x) for x in ctx.ds.people["pm_id"].dropna()}
    kpis = {str(k): ctx.kpi_name(k) for k in ctx.ds.kpis["kpi_id"].dropna()}
    return pms, kpis


def error_html(error: Exception) -> str:
    return f"<p style='color:#b00020'>{esc(error)}</p>"


def show(panel) -> None:
    """Display a panel's widget in the notebook."""
    display(panel.widget)
