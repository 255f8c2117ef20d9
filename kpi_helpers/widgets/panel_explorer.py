"""The theme and sentiment explorer panel: a theme's trend by period and its comments."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd
from IPython.display import display

from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.i18n import t
from kpi_helpers.widgets._controls import DESC, wide
from kpi_helpers.widgets.explorer import ThemeExplorer, tag_themes, theme_labels
from kpi_helpers.widgets.views import comments_html, esc, table


class ExplorerPanel:
    """Choose a theme (and product): its trend by period and its comments, escaped."""

    def __init__(self, state: ThemeExplorer, lang: str = "zh"):
        self.state, self.lang = state, lang
        self._busy = False
        self.theme = w.Dropdown(description=t("widgets.theme", lang), style=DESC, layout=wide())
        products = state.products()
        self.product = w.Dropdown(
            options=[(t("widgets.all", lang), None)] + [(p, p) for p in products],
            value=None,
            description=t("widgets.product", lang),
            style=DESC,
            layout=wide(),
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
        return [(f"{r.label} ({int(r.n)})", str(r.theme)) for r in ranked.itertuples()]

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


def explorer_panel(ctx: ReportContext, feedback=None) -> ExplorerPanel:
    """Build the theme explorer for the context's period (and PM's products, if a PM is set).

    Args:
        feedback: a feedback_view.FeedbackView (rows and themes of the report), a frame already
            tagged with `themes`, or None to build the report's feedback view now.
    """
    from kpi_helpers.report.feedback_view import FeedbackView, feedback_view

    if feedback is None:
        feedback = feedback_view(ctx.ds, ctx.period, ctx.pm)
    labels = None
    if isinstance(feedback, FeedbackView):
        labels = theme_labels(feedback.themes, ctx.lang, getattr(feedback, "theme_names", None))
        feedback = tag_themes(feedback.rows, feedback.themes)
    return ExplorerPanel(ThemeExplorer(feedback, ctx.ds.company.cadence, labels), ctx.lang)
