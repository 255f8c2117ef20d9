"""Pickers (period, PM, team, product, language) that re-run a render callback in place."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import ipywidgets as w
from IPython.display import HTML, display

from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.i18n import t
from kpi_helpers.widgets._controls import error_html
from kpi_helpers.widgets.pickers import FIELDS, PickerState, Selection


class PickersPanel:
    """Period / PM / team / product / language pickers that re-run a render callback in an Output."""

    def __init__(self, ctx: ReportContext, render: Callable, fields=("period", "pm", "lang")):
        self.ctx, self.render = ctx, render
        self.state = PickerState(ctx.ds, ctx.period, ctx.lang, fields, pm=ctx.pm or None)
        self.pickers: dict[str, w.Dropdown] = {}
        for f in self.state.fields:
            options = [
                (t("widgets.all", ctx.lang) if v is None else label, v)
                for label, v in self.state.options(f)
            ]
            dd = w.Dropdown(
                options=options,
                value=getattr(self.state.selection, f),
                description=t(f"widgets.{f}", ctx.lang),
                style={"description_width": "70px"},
                layout=w.Layout(width="220px"),
            )
            dd.observe(lambda ch, f=f: self._on_pick(f, ch), names="value")
            self.pickers[f] = dd
        self.output = w.Output()
        self.widget = w.VBox([w.HBox(list(self.pickers.values())), self.output])
        self.widget.add_class("kpi-pickers")
        self.calls = 0
        self.error: str | None = None
        self.rerender()

    def _on_pick(self, field: str, change) -> None:
        self.state.set(field, change["new"])
        self.rerender()

    def pick(self, field: str, value) -> None:
        """Choose a value as a person would."""
        self.pickers[field].value = value

    def context(self) -> ReportContext:
        """A ReportContext for the current selection (the data is not read again)."""
        s: Selection = self.state.selection
        if (s.period, s.lang, s.pm or "") == (self.ctx.period, self.ctx.lang, self.ctx.pm):
            return self.ctx
        return ReportContext(self.ctx.ds, s.period, s.lang, s.pm or "", True)

    def rerender(self) -> None:
        self.calls += 1
        self.output.clear_output(wait=True)
        with self.output:
            try:
                ctx = self.context()
                if len(inspect.signature(self.render).parameters) >= 2:
                    self.render(ctx, self.state)
                else:
                    self.render(ctx)
            except KpiWorkbookError as e:  # e.g. a period the data cannot evaluate
                self.error = str(e)
                display(HTML(error_html(e)))
            else:
                self.error = None


def pickers(ctx: ReportContext, render: Callable, fields=("period", "pm", "lang")) -> PickersPanel:
    """Pickers above an Output in which `render(ctx)` (or `render(ctx, picker_state)`) re-runs."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown picker(s) {sorted(unknown)}; use {', '.join(FIELDS)}")
    return PickersPanel(ctx, render, fields)
