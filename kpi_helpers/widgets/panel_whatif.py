"""The what-if panel: sliders for one KPI's levels and one PM's weights, live score / band / rank."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
import pandas as pd

from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.i18n import t
from kpi_helpers.widgets._controls import DESC, error_html, names, set_slider, slider_range, wide
from kpi_helpers.widgets.views import esc, whatif_html
from kpi_helpers.widgets.whatif import LEVELS, WhatIf


class WhatIfPanel:
    """Sliders for one KPI's threshold / target / stretch and for one PM's weights."""

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
        self.levels = {
            c: w.FloatSlider(
                description=t(f"widgets.{c}", lang),
                continuous_update=True,
                style=DESC,
                layout=wide(),
            )
            for c in LEVELS
        }
        for c in LEVELS:
            self.levels[c].add_class(f"kpi-whatif-{c}")
        self.weights_title = w.HTML()
        self.weights_box = w.VBox()
        self.weight_sliders: dict[str, w.FloatSlider] = {}
        self.result = w.HTML()
        self.result.add_class("kpi-whatif-result")
        self.message = w.HTML()
        self.save_button = w.Button(
            description=t("widgets.save_targets", lang), icon="save", layout=w.Layout(width="auto")
        )
        self.reset_button = w.Button(
            description=t("widgets.reset", lang), icon="undo", layout=w.Layout(width="auto")
        )
        self.pm.observe(self._on_pm, names="value")
        self.kpi.observe(self._on_kpi, names="value")
        for c, s in self.levels.items():
            s.observe(lambda ch, c=c: self._on_level(c, ch), names="value")
        self.save_button.on_click(lambda _b: self.save())
        self.reset_button.on_click(lambda _b: self.reset())
        controls = w.VBox(
            [self.pm, self.kpi, *self.levels.values(), self.weights_title, self.weights_box,
             w.HBox([self.save_button, self.reset_button]), self.message]
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

    def _on_level(self, level: str, change) -> None:
        if self._busy or self.kpi.value is None:
            return
        self.state.set_level(self.kpi.value, level, change["new"])
        self.refresh()

    def _on_weight(self, kpi_id: str, change) -> None:
        if self._busy:
            return
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

    def set_weight(self, kpi_id: str, value: float) -> None:
        """Move one weight slider as a person would."""
        self.weight_sliders[kpi_id].value = value

    def save(self) -> list[Path]:
        try:
            paths = self.state.save(self.data_dir)
        except KpiWorkbookError as e:
            self.message.value = error_html(e)
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
        self._load_pm()

    def refresh(self) -> None:
        pm = self.pm.value
        self.title.value = f"<h3>{esc(t('widgets.whatif_title', self.lang, pm=self._pm_label(pm), period=self.state.period))}</h3>"
        self.result.value = whatif_html(self.state, pm, self.kpi.value, self.lang)

    # -- loading a PM / KPI into the sliders -----------------------------------------------
    def _load_pm(self) -> None:
        pm = self.pm.value
        kpis = self.state.kpi_ids(pm)
        self._busy = True
        try:
            self.kpi.options = [(self._kpi_label(k), k) for k in kpis]
            self.kpi.value = kpis[0] if kpis else None
            self.weight_sliders = {}
            for k, v in self.state.weights(pm).items():
                s = w.FloatSlider(
                    value=round(float(v), 1), min=0, max=100, step=1, readout_format=".1f",
                    description=self._kpi_label(k)[:24], style=DESC, layout=wide(),
                    disabled=len(kpis) < 2, continuous_update=False,
                )  # fmt: skip
                s.add_class("kpi-whatif-weight")
                s.observe(lambda ch, k=k: self._on_weight(k, ch), names="value")
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
        original = [*view.before.values(), view.actual, *view.after.values()]
        lo, hi, step = slider_range(original)
        self._busy = True
        try:
            for c, s in self.levels.items():
                value = view.after[c]
                s.disabled = pd.isna(value)
                set_slider(s, lo, hi, step, lo if pd.isna(value) else value)
        finally:
            self._busy = False
        self.refresh()


def _names(ctx: ReportContext) -> tuple[dict[str, str], dict[str, str]]:
    pms = {str(p): ctx.pm_name(p) for p in ctx.ds.people["pm_id"].dropna()}
    kpis = {str(k): ctx.kpi_name(k) for k in ctx.ds.kpis["kpi_id"].dropna()}
    return pms, kpis


def whatif_panel(ctx: ReportContext, pm_id: str | None = None) -> WhatIfPanel:
    """Build the what-if panel for the context's period (first of its PMs unless pm_id is given)."""
    state = WhatIf(ctx.evaluation.card, ctx.ds.company, ctx.period)
    pms, kpis = names(ctx)
    start = pm_id or (ctx.pm_ids[0] if ctx.pm_ids else None)
    return WhatIfPanel(state, ctx.ds.data_dir, ctx.lang, start, pms, kpis)
