"""The ipywidgets wiring of the controls; imported only when a notebook shows them.

Each panel keeps its state in a plain object (whatif.WhatIf, explorer.ThemeExplorer,
acceptance.ReviewDecisions, pickers.PickerState) and only translates widget events into calls
on it, so everything that matters is tested without a browser.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w
import pandas as pd
from IPython.display import display

from ..context import ReportContext
from ..errors import KpiWorkbookError
from ..i18n import t
from .acceptance import ReviewDecisions
from .explorer import ThemeExplorer
from .pickers import FIELDS, PickerState, Selection
from .views import comments_html, decisions_html, esc, fmt, table, whatif_html
from .whatif import LEVELS, WhatIf

_WIDE = w.Layout(width="420px")
_DESC = {"description_width": "110px"}


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


def _set_slider(slider: w.FloatSlider, lo: float, hi: float, step: float, value: float) -> None:
    # ipywidgets refuses min > max at any moment, so the order of the two assignments matters.
    if lo > slider.max:
        slider.max, slider.min = hi, lo
    else:
        slider.min, slider.max = lo, hi
    slider.step = step
    slider.readout_format = f",.{max(0, -math.floor(math.log10(step)))}f"
    slider.value = value


class WhatIfPanel:
    """Sliders for one KPI's threshold / target / stretch and for one PM's weights."""

    def __init__(self, state: WhatIf, data_dir: Path, lang: str = "zh", pm_id: str | None = None,
                 pm_names: dict[str, str] | None = None, kpi_names: dict[str, str] | None = None):  # fmt: skip
        self.state, self.data_dir, self.lang = state, Path(data_dir), lang
        self.pm_names, self.kpi_names = pm_names or {}, kpi_names or {}
        self._busy = False
        pms = sorted(state.card["pm_id"].dropna().unique())
        self.pm = w.Dropdown(
            options=[(self._pm_label(p), p) for p in pms],
            value=pm_id if pm_id in pms else pms[0],
            description=t("widgets.pm", lang),
            style=_DESC,
            layout=_WIDE,
        )
        self.kpi = w.Dropdown(description=t("widgets.kpi", lang), style=_DESC, layout=_WIDE)
        self.levels = {
            c: w.FloatSlider(
                description=t(f"widgets.{c}", lang),
                continuous_update=True,
                style=_DESC,
                layout=_WIDE,
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
        self.save_button = w.Button(description=t("widgets.save_targets", lang), icon="save")
        self.reset_button = w.Button(description=t("widgets.reset", lang), icon="undo")
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
            self.message.value = f"<p style='color:#b00020'>{esc(e)}</p>"
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
                    description=self._kpi_label(k)[:24], style=_DESC, layout=_WIDE,
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
                _set_slider(s, lo, hi, step, lo if pd.isna(value) else value)
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
    pms, kpis = _names(ctx)
    start = pm_id or (ctx.pm_ids[0] if ctx.pm_ids else None)
    return WhatIfPanel(state, ctx.ds.data_dir, ctx.lang, start, pms, kpis)


class ExplorerPanel:
    """Choose a theme (and product): its trend by period and its comments, escaped."""

    def __init__(self, state: ThemeExplorer, lang: str = "zh"):
        self.state, self.lang = state, lang
        self._busy = False
        self.theme = w.Dropdown(description=t("widgets.theme", lang), style=_DESC, layout=_WIDE)
        products = state.products()
        self.product = w.Dropdown(
            options=[(t("widgets.all", lang), None)] + [(p, p) for p in products],
            value=None,
            description=t("widgets.product", lang),
            style=_DESC,
            layout=_WIDE,
        )
        self.chart = w.Output()
        self.trend = w.HTML()
        self.comments = w.HTML()
        self.comments.add_class("kpi-explorer-comments")
        self.theme.observe(lambda _c: self._on_change(), names="value")
        self.product.observe(lambda _c: self._on_product(), names="value")
        title = w.HTML(f"<h3>{esc(t('widgets.explorer_title', lang))}</h3>")
        self.widget = w.VBox(
            [title, w.HBox([self.theme, self.product]), self.chart, self.trend,
             w.HTML(f"<b>{esc(t('widgets.comments', lang))}</b>"), self.comments],
            layout=w.Layout(border="1px solid #ccc", padding="6px"),
        )  # fmt: skip
        self.widget.add_class("kpi-explorer")
        self._load_themes()

    def _theme_options(self) -> list[tuple[str, str]]:
        ranked = self.state.themes()
        return [(f"{r.theme} ({int(r.n)})", str(r.theme)) for r in ranked.itertuples()]

    def _load_themes(self) -> None:
        self._busy = True
        try:
            options = self._theme_options()
            keep = self.state.theme if self.state.theme in [v for _, v in options] else None
            self.theme.options = options
            self.theme.value = keep or (options[0][1] if options else None)
        finally:
            self._busy = False
        self._on_change()

    def _on_product(self) -> None:
        self.state.select(self.state.theme, self.product.value)
        self._load_themes()

    def _on_change(self) -> None:
        if self._busy:
            return
        self.state.select(self.theme.value, self.product.value)
        self.refresh()

    def select(self, theme: str, product: str | None = None) -> None:
        """Choose a theme (and product) as a person would."""
        self.product.value = product
        self.theme.value = theme

    def refresh(self) -> None:
        lang = self.lang
        trend = self.state.trend()
        rows = [
            [esc(r.period), str(int(r.n)), f"{r.share:.0%}", str(int(r.positive)),
             str(int(r.neutral)), str(int(r.negative))]
            for r in trend.itertuples()
        ]  # fmt: skip
        head = [
            esc(t(f"widgets.{k}", lang))
            for k in ("period", "comments", "share", "positive", "neutral", "negative")
        ]
        self.trend.value = table(head, rows)
        self.comments.value = comments_html(self.state, lang)
        self.chart.clear_output(wait=True)
        if len(trend) > 1:
            with self.chart:
                _show_trend_chart(trend, t("widgets.trend", lang))


def _show_trend_chart(trend: pd.DataFrame, title: str) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 2.2))
    ax.bar(trend["period"], trend["negative"], color="#c0392b", label="negative")
    ax.bar(trend["period"], trend["neutral"], bottom=trend["negative"], color="#bdc3c7")
    ax.bar(
        trend["period"], trend["positive"], bottom=trend["negative"] + trend["neutral"],
        color="#27ae60",
    )  # fmt: skip
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    display(fig)
    plt.close(fig)


def explorer_panel(ctx: ReportContext, feedback: pd.DataFrame | None = None) -> ExplorerPanel:
    """Build the theme explorer over the feedback (tagged with themes and sentiment)."""
    frame = feedback if feedback is not None else themed_feedback(ctx)
    return ExplorerPanel(ThemeExplorer(frame, ctx.ds.company.cadence), ctx.lang)


def themed_feedback(ctx: ReportContext) -> pd.DataFrame:
    """The data folder's feedback with a theme list and sentiment per comment."""
    fb = ctx.ds.feedback.copy()
    return fb


class ReviewPanel:
    """One accept / reject toggle per proposed adjustment, and an export of the accepted ones."""

    def __init__(self, state: ReviewDecisions, data_dir: Path, lang: str = "zh",
                 kpi_names: dict[str, str] | None = None):  # fmt: skip
        self.state, self.data_dir, self.lang = state, Path(data_dir), lang
        labels = {d: t(f"widgets.{d}", lang) for d in ("pending", "accepted", "rejected")}
        self.toggles: dict[str, w.ToggleButtons] = {}
        rows = []
        for r in state.proposal.itertuples():
            k = str(r.kpi_id)
            toggle = w.ToggleButtons(
                options=[(labels[d], d) for d in ("accepted", "rejected", "pending")],
                value="pending",
                style={"button_width": "80px"},
            )
            toggle.observe(lambda ch, k=k: self._on_decide(k, ch), names="value")
            self.toggles[k] = toggle
            name = (kpi_names or {}).get(k, "")
            text = " · ".join(
                [f"<b>{esc(k)}</b> {esc(name)}"]
                + [
                    f"{esc(t(f'widgets.{c}', lang))} {fmt(getattr(r, c, None))}"
                    for c in ("threshold", "target", "stretch")
                    if hasattr(r, c)
                ]  # fmt: skip
            )
            reason = esc(getattr(r, "reason", "")) if hasattr(r, "reason") else ""
            rows.append(w.HBox([toggle, w.HTML(f"{text}<br><small>{reason}</small>")]))
        self.accept_all = w.Button(description=t("widgets.accept_all", lang), icon="check")
        self.export_button = w.Button(description=t("widgets.export", lang), icon="download")
        self.accept_all.on_click(lambda _b: self._accept_all())
        self.export_button.on_click(lambda _b: self.export())
        self.counts = w.HTML(decisions_html(state, lang))
        self.message = w.HTML()
        title = t("widgets.review_title", lang, period=state.period)
        body = rows or [w.HTML(f"<p>{esc(t('widgets.no_proposal', lang))}</p>")]
        self.widget = w.VBox(
            [w.HTML(f"<h3>{esc(title)}</h3>"), *body, self.counts,
             w.HBox([self.accept_all, self.export_button]), self.message],
            layout=w.Layout(border="1px solid #ccc", padding="6px"),
        )  # fmt: skip
        self.widget.add_class("kpi-review")

    def _on_decide(self, kpi_id: str, change) -> None:
        self.state.decide(kpi_id, change["new"])
        self.counts.value = decisions_html(self.state, self.lang)

    def _accept_all(self) -> None:
        for toggle in self.toggles.values():
            toggle.value = "accepted"

    def decide(self, kpi_id: str, decision: str) -> None:
        """Click accept / reject / undecided for one KPI as a person would."""
        self.toggles[kpi_id].value = decision

    def export(self) -> Path | None:
        try:
            path = self.state.save(self.data_dir)
        except KpiWorkbookError as e:
            self.message.value = f"<p style='color:#b00020'>{esc(e)}</p>"
            return None
        if path is None:
            self.message.value = f"<p>{esc(t('widgets.none_accepted', self.lang))}</p>"
        else:
            n = len(self.state.accepted())
            self.message.value = f"<p>{esc(t('widgets.exported', self.lang, n=n, path=path))}</p>"
        return path


def review_panel(
    ctx: ReportContext, proposal: pd.DataFrame, period: str | None = None
) -> ReviewPanel:
    """Build the acceptance panel for a review proposal (targets for `period`, default next period)."""
    from ..periods import next_period

    state = ReviewDecisions(proposal, period or next_period(ctx.period))
    _pms, kpis = _names(ctx)
    return ReviewPanel(state, ctx.ds.data_dir, ctx.lang, kpis)


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
        ctx = self.context()
        self.calls += 1
        self.output.clear_output(wait=True)
        with self.output:
            if len(inspect.signature(self.render).parameters) >= 2:
                self.render(ctx, self.state)
            else:
                self.render(ctx)


def pickers(ctx: ReportContext, render: Callable, fields=("period", "pm", "lang")) -> PickersPanel:
    """Pickers above an Output in which `render(ctx)` (or `render(ctx, picker_state)`) re-runs."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown picker(s) {sorted(unknown)}; use {', '.join(FIELDS)}")
    return PickersPanel(ctx, render, fields)


def show(panel) -> None:
    """Display a panel's widget in the notebook."""
    display(panel.widget)
