"""Pickers (period, PM, team, product, language) that re-run a render callback in place."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import ipywidgets as w
from IPython.display import HTML, display

from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.i18n import localized, t
from kpi_helpers.widgets._controls import error_html
from kpi_helpers.widgets.pickers import FIELDS, PickerState, Selection
from kpi_helpers.widgets.views import esc

ALL = ""  # the dropdown value of "all" (a None value would show an empty box)


class PickersPanel:
    """Period / PM / team / product / language pickers that re-run a render callback in an Output.

    A line above the output says what it shows, since the notebook's own cells above keep the
    parameters cell's period; labels follow the language picker.
    """

    def __init__(self, ctx: ReportContext, render: Callable, fields=("period", "pm", "lang")):
        self.ctx, self.render = ctx, render
        self.state = PickerState(ctx.ds, ctx.period, ctx.lang, fields, pm=ctx.pm or None)
        self.pickers: dict[str, w.Dropdown] = {}
        self._busy = False
        for f in self.state.fields:
            value = getattr(self.state.selection, f)
            dd = w.Dropdown(
                options=self._options(f, ctx.lang),
                value=ALL if value is None else value,
                description=t(f"widgets.{f}", ctx.lang),
                style={"description_width": "70px"},
                layout=w.Layout(width="220px"),
            )
            dd.add_class(f"kpi-picker-{f}")
            dd.observe(lambda ch, f=f: self._on_pick(f, ch), names="value")
            self.pickers[f] = dd
        self.showing = w.HTML()
        self.showing.add_class("kpi-pickers-showing")
        self.output = w.Output()
        self.widget = w.VBox([w.HBox(list(self.pickers.values())), self.showing, self.output])
        self.widget.add_class("kpi-pickers")
        self.calls = 0
        self.error: str | None = None
        self.rerender()

    def _options(self, field: str, lang: str) -> list[tuple[str, str]]:
        names = {}
        if field == "pm":  # PM names in the picked language (name_en in English when given)
            people = self.ctx.ds.people.to_dict("records")
            names = {str(r["pm_id"]): localized(r, "name", lang) for r in people}
        out = []
        for label, v in self.state.options(field):
            if v is None:
                out.append((t("widgets.all", lang), ALL))
            elif names.get(v) and names[v] != v:
                out.append((f"{v} {names[v]}", v))
            else:
                out.append((label, v))
        return out

    def _on_pick(self, field: str, change) -> None:
        if self._busy:
            return
        self.state.set(field, None if change["new"] == ALL else change["new"])
        if field == "lang":
            self._relabel(change["new"])
        self.rerender()

    def _relabel(self, lang: str) -> None:
        """Picker names and the "all" entries in the picked language; values stay as they are."""
        self._busy = True
        try:
            for f, dd in self.pickers.items():
                value = dd.value
                dd.description = t(f"widgets.{f}", lang)
                if f != "lang":
                    dd.options = self._options(f, lang)
                    dd.value = value
        finally:
            self._busy = False

    def pick(self, field: str, value) -> None:
        """Choose a value as a person would (None picks "all")."""
        self.pickers[field].value = ALL if value is None else value

    def context(self) -> ReportContext:
        """A ReportContext for the current selection (the data is not read again)."""
        s: Selection = self.state.selection
        if (s.period, s.lang, s.pm or "") == (self.ctx.period, self.ctx.lang, self.ctx.pm):
            return self.ctx
        return ReportContext(self.ctx.ds, s.period, s.lang, s.pm or "", True)

    def _showing_text(self) -> str:
        s, lang = self.state.selection, self.state.selection.lang
        who = [v for v in (s.pm, s.team, s.product) if v] or [t("widgets.everyone", lang)]
        start = self.ctx.period + (f" · {self.ctx.pm}" if self.ctx.pm else "")
        return t(
            "widgets.showing",
            lang,
            period=s.period,
            who=" · ".join(who),
            language=lang,
            start=start,
        )

    def rerender(self) -> None:
        self.calls += 1
        self.showing.value = f"<p><i>{esc(self._showing_text())}</i></p>"
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
