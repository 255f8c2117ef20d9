"""The what-if panel: sliders for one KPI's levels and one PM's weights, live score / band / rank."""

from __future__ import annotations

import math
from pathlib import Path

import ipywidgets as w
import pandas as pd

from kpi_helpers.data.fragments import LevelOrderError
from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.i18n import t
from kpi_helpers.widgets._controls import DESC, error_html, names, slider_range, wide
from kpi_helpers.widgets.views import esc, whatif_html
from kpi_helpers.widgets.whatif import LEVELS, WhatIf, parse_entry


class WhatIfPanel:
    """Sliders and number boxes for one KPI's threshold / target / stretch, one PM's weights.

    Only a person's move changes a tried value: a KPI's sliders are built anew, range and value
    together, whenever a KPI is loaded, and a slider value within half a step of the tried value
    (the browser snapping or clamping it) is not taken as a move.
    """

    def __init__(self, state: WhatIf, data_dir: Path, lang: str = "zh", pm_id: str | None = None,
                 pm_names: dict[str, str] | None = None, kpi_names: dict[str, str] | None = None):  # fmt: skip
        self.state, self.data_dir, self.lang = state, Path(data_dir), lang
        self.pm_names, self.kpi_names = pm_names or {}, kpi_names or {}
        self._busy = False
        pms = sorted(state.card["pm_id"].dropna().unique())
        if not pms:
            raise KpiWorkbookError(
                f"no KPI is active in {state.period}, so there is nothing to try; pick another period"
            )
        self.pm = w.Dropdown(
            options=[(self._pm_label(p), p) for p in pms],
            value=pm_id if pm_id in pms else pms[0],
            description=t("widgets.pm", lang),
            style=DESC,
            layout=wide(),
        )
        self.kpi = w.Dropdown(description=t("widgets.kpi", lang), style=DESC, layout=wide())
        self.kpi.add_class("kpi-whatif-kpi")
        self.pm.add_class("kpi-whatif-pm")
        self.levels: dict[str, w.FloatSlider] = {}
        self.boxes: dict[str, w.Text] = {}
        self.rows: dict[str, w.HBox] = {}
        for c in LEVELS:
            box = w.Text(continuous_update=False, layout=w.Layout(width="110px"))
            box.add_class(f"kpi-whatif-box-{c}")
            box.observe(lambda ch, c=c: self._on_box(c, ch), names="value")
            self.boxes[c] = box
            self.rows[c] = w.HBox([box])
        self.entry_message = w.HTML()
        self.entry_message.add_class("kpi-whatif-entry-message")
        self.weights_title = w.HTML()
        self.weights_box = w.VBox()
        self.weight_sliders: dict[str, w.FloatSlider] = {}
        self.result = w.HTML()
        self.result.add_class("kpi-whatif-result")
        self.count = w.HTML()
        self.count.add_class("kpi-whatif-count")
        self.message = w.HTML()
        self.message.add_class("kpi-whatif-message")
        self.save_button = w.Button(
            description=t("widgets.save_targets", lang), icon="save", layout=w.Layout(width="auto")
        )
        self.save_button.add_class("kpi-whatif-save")
        self.reset_button = w.Button(
            description=t("widgets.reset", lang), icon="undo", layout=w.Layout(width="auto")
        )
        self.reset_button.add_class("kpi-whatif-reset")
        self.pm.observe(self._on_pm, names="value")
        self.kpi.observe(self._on_kpi, names="value")
        self.save_button.on_click(lambda _b: self.save())
        self.reset_button.on_click(lambda _b: self.reset())
        self.buttons = buttons = w.HBox([self.save_button, self.reset_button, self.message])
        controls = w.VBox(
            [self.pm, self.kpi, *self.rows.values(), self.entry_message, self.weights_title,
             self.weights_box, self.count, buttons]
        )  # fmt: skip
        help_text = w.HTML(f"<p style='max-width:900px'>{esc(t('widgets.whatif_help', lang))}</p>")
        self.title = w.HTML()
        self.widget = w.VBox(
            [self.title, help_text, w.HBox([controls, self.result])],
            layout=w.Layout(border="1px solid #ccc", padding="6px"),
        )
        self.widget.add_class("kpi-whatif")
        self._load_pm()

    # -- labels ----------------------------------------------------------------------------
    def _pm_label(self, pm_id: str) -> str:
        name = self.pm_names.get(pm_id)
        return f"{pm_id} {name}" if name and name != pm_id else str(pm_id)

    def _kpi_label(self, kpi_id: str) -> str:
        name = self.kpi_names.get(kpi_id)
        return f"{kpi_id} {name}" if name and name != kpi_id else str(kpi_id)

    # -- events ----------------------------------------------------------------------------
    def _on_pm(self, _change) -> None:
        if not self._busy:
            self._load_pm()

    def _on_kpi(self, _change) -> None:
        if not self._busy:
            self._load_kpi()

    def _on_level(self, level: str, slider: w.FloatSlider, change) -> None:
        k = self.kpi.value
        if self._busy or k is None or slider is not self.levels.get(level) or slider.disabled:
            return
        now = self.state.kpi(k).after[level]
        if not pd.isna(now) and abs(change["new"] - snap(now, slider)) < slider.step / 2:
            return  # the browser placing the handle on its grid, not a person's move
        self.state.set_level(k, level, change["new"])
        self.entry_message.value = ""
        self._show_boxes()
        self.refresh()

    def _on_box(self, level: str, change) -> None:
        k = self.kpi.value
        if self._busy or k is None:
            return
        value, key, params = parse_entry(change["new"], self.state.unit(k))
        if key is not None:
            params.setdefault("level", t(f"widgets.{level}", self.lang))
            params.setdefault("unit", self.state.unit(k))
            params.setdefault("example", fmt_value(self.state.kpi(k).before["target"]))
            self.entry_message.value = error_html(t(key, self.lang, **params))
            return
        self.entry_message.value = ""
        now = self.state.kpi(k).after[level]
        if not pd.isna(now) and value == now:
            return
        self.state.set_level(k, level, value)
        self._load_kpi()

    def _on_weight(self, kpi_id: str, slider: w.FloatSlider, change) -> None:
        if self._busy or self.weight_sliders.get(kpi_id) is not slider:
            return
        now = float(self.state.weights(self.pm.value)[kpi_id])
        if abs(change["new"] - round(now, 1)) < 0.05:
            return  # the value the panel itself showed
        self.state.set_weight(kpi_id, change["new"])
        self._busy = True
        try:
            for k, v in self.state.weights(self.pm.value).items():
                self.weight_sliders[k].value = round(float(v), 1)
        finally:
            self._busy = False
        self.refresh()

    # -- actions (also called by tests) ----------------------------------------------------
    def set_level(self, level: str, value: float) -> None:
        """Move one level slider as a person would."""
        self.levels[level].value = value

    def type_level(self, level: str, text: str) -> None:
        """Type into one level's number box and press Enter, as a person would."""
        self.boxes[level].value = text

    def set_weight(self, kpi_id: str, value: float) -> None:
        """Move one weight slider as a person would."""
        self.weight_sliders[kpi_id].value = value

    def save(self) -> list[Path]:
        try:
            paths = self.state.save(self.data_dir)
        except KpiWorkbookError as e:
            refused = t("widgets.save_refused", self.lang)
            self.message.value = error_html(
                f"{refused} {e}" if isinstance(e, LevelOrderError) else e
            )
            return []
        if not paths:
            self.message.value = f"<p>{esc(t('widgets.nothing_to_save', self.lang))}</p>"
        else:
            shown = ", ".join(str(p) for p in paths)
            self.message.value = f"<p>{esc(t('widgets.saved', self.lang, paths=shown))}</p>"
        return paths

    def reset(self) -> None:
        self.state.reset()
        self.message.value = ""
        self.entry_message.value = ""
        self._load_pm()

    def refresh(self) -> None:
        pm = self.pm.value
        self.title.value = f"<h3>{esc(t('widgets.whatif_title', self.lang, pm=self._pm_label(pm), period=self.state.period))}</h3>"
        self.result.value = whatif_html(self.state, pm, self.kpi.value, self.lang)
        n = self.state.tried_changes()
        text = t("widgets.tried_count", self.lang, n=n, period=self.state.period)
        self.count.value = f'<p><b data-count="{n}">{esc(text)}</b></p>'

    # -- loading a PM / KPI into the sliders -----------------------------------------------
    def _load_pm(self) -> None:
        pm = self.pm.value
        kpis = self.state.kpi_ids(pm)
        self._busy = True
        try:
            self.kpi.options = [(self._kpi_label(k), k) for k in kpis]
            self.kpi.value = kpis[0] if kpis else None
            for s in self.weight_sliders.values():
                s.close()
            self.weight_sliders = {}
            for k, v in self.state.weights(pm).items():
                s = w.FloatSlider(
                    value=round(float(v), 1), min=0, max=100, step=0.1, readout_format=".1f",
                    description=self._kpi_label(k)[:24], style=DESC, layout=wide(),
                    disabled=len(kpis) < 2, continuous_update=False,
                )  # fmt: skip
                s.add_class("kpi-whatif-weight")
                s.observe(lambda ch, k=k, s=s: self._on_weight(k, s, ch), names="value")
                self.weight_sliders[k] = s
            self.weights_box.children = tuple(self.weight_sliders.values())
            label = t("widgets.weights_title", self.lang, pm=self._pm_label(pm))
            self.weights_title.value = f"<b>{esc(label)}</b>"
        finally:
            self._busy = False
        self._load_kpi()

    def _load_kpi(self) -> None:
        k = self.kpi.value
        if k is None:
            self.refresh()
            return
        view = self.state.kpi(k)
        values = [*view.before.values(), view.actual, *view.after.values()]
        lo, hi, step = slider_range(values)
        self._busy = True
        try:
            for c in LEVELS:
                old = self.levels.get(c)
                self.levels[c] = self._slider(c, lo, hi, step, view.after[c])
                self.rows[c].children = (self.levels[c], self.boxes[c])
                if old is not None:
                    old.close()
            self._show_boxes()
        finally:
            self._busy = False
        self.refresh()

    def _slider(self, level: str, lo: float, hi: float, step: float, value) -> w.FloatSlider:
        """A new slider with its range and value set at once (no intermediate value exists)."""
        missing = pd.isna(value)
        s = w.FloatSlider(
            min=lo, max=hi, step=step, value=lo if missing else snap(value, None, lo, step),
            readout_format=f",.{max(0, -math.floor(math.log10(step)))}f",
            description=t(f"widgets.{level}", self.lang), disabled=missing,
            continuous_update=True, style=DESC, layout=wide(),
        )  # fmt: skip
        s.add_class(f"kpi-whatif-{level}")
        s.observe(lambda ch, level=level, s=s: self._on_level(level, s, ch), names="value")
        return s

    def _show_boxes(self) -> None:
        view = self.state.kpi(self.kpi.value)
        self._busy = True
        try:
            for c, box in self.boxes.items():
                box.value = "" if pd.isna(view.after[c]) else fmt_value(view.after[c])
                box.disabled = pd.isna(view.after[c])
        finally:
            self._busy = False


def snap(value: float, slider: w.FloatSlider | None, lo: float = 0.0, step: float = 1.0) -> float:
    """Where a slider's handle sits for `value`: the nearest point of its grid min + k * step."""
    if slider is not None:
        lo, step = slider.min, slider.step
    digits = max(0, -math.floor(math.log10(step))) + 2
    return round(lo + round((float(value) - lo) / step) * step, digits)


def fmt_value(v) -> str:
    """A level as typed in its box: 12000, 35.5 (no thousands separator, no trailing zeros)."""
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:.10g}"


_STATES: dict[int, tuple[object, dict[str, WhatIf]]] = {}


def shared_state(ctx: ReportContext) -> WhatIf:
    """The tried values of the context's data and period, kept while the pickers redraw.

    Tried values live per (period, PM, KPI) until reset; a new load of the data (Run All)
    starts afresh.
    """
    held = _STATES.get(id(ctx.ds))
    if held is None or held[0] is not ctx.ds:
        if len(_STATES) >= 8:
            _STATES.pop(next(iter(_STATES)))
        held = _STATES[id(ctx.ds)] = (ctx.ds, {})
    states = held[1]
    if ctx.period not in states:
        states[ctx.period] = WhatIf(ctx.evaluation.card, ctx.ds.company, ctx.period)
    return states[ctx.period]


def whatif_panel(ctx: ReportContext, pm_id: str | None = None, keep: bool = False) -> WhatIfPanel:
    """Build the what-if panel for the context's period (first of its PMs unless pm_id is given).

    With keep=True the tried values are shared with the panels built before for the same data
    and period (the pickers redraw the panel this way).
    """
    state = shared_state(ctx) if keep else WhatIf(ctx.evaluation.card, ctx.ds.company, ctx.period)
    pms, kpis = names(ctx)
    start = pm_id or (ctx.pm_ids[0] if ctx.pm_ids else None)
    return WhatIfPanel(state, ctx.ds.data_dir, ctx.lang, start, pms, kpis)
