"""The review acceptance panel: accept or reject each proposed adjustment, export the accepted."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from kpi_helpers.data.fragments import LevelOrderError
from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.report.context import ReportContext
from kpi_helpers.report.i18n import t
from kpi_helpers.widgets._controls import error_html, names
from kpi_helpers.widgets.acceptance import ReviewDecisions
from kpi_helpers.widgets.views import decisions_html, esc, proposal_row_html


class ReviewPanel:
    """One accept / reject toggle per proposed adjustment, and an export of the accepted ones."""

    def __init__(self, state: ReviewDecisions, data_dir: Path, lang: str = "zh",
                 kpi_names: dict[str, str] | None = None):  # fmt: skip
        self.state, self.data_dir, self.lang = state, Path(data_dir), lang
        labels = {d: t(f"widgets.{d}", lang) for d in ("pending", "accepted", "rejected")}
        self.toggles: dict[str, w.ToggleButtons] = {}
        self.rows_html: dict[str, w.HTML] = {}
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
            self.rows_html[k] = w.HTML(proposal_row_html(r._asdict(), name, lang))
            rows.append(w.HBox([toggle, self.rows_html[k]]))
        self.accept_all = w.Button(
            description=t("widgets.accept_all", lang), icon="check", layout=w.Layout(width="auto")
        )
        self.export_button = w.Button(
            description=t("widgets.export", lang), icon="download", layout=w.Layout(width="auto")
        )
        self.accept_all.on_click(lambda _b: self._accept_all())
        self.export_button.on_click(lambda _b: self.export())
        self.counts = w.HTML(decisions_html(state, lang))
        self.message = w.HTML()
        self.message.add_class("kpi-review-message")
        title = t("widgets.review_title", lang, period=state.period)
        body = rows or [w.HTML(f"<p>{esc(t('widgets.no_proposal', lang))}</p>")]
        self.widget = w.VBox(
            [w.HTML(f"<h3>{esc(title)}</h3>"), *body, self.counts,
             w.HBox([self.accept_all, self.export_button, self.message])],
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
            refused = t("widgets.export_refused", self.lang)
            self.message.value = error_html(
                f"{refused} {e}" if isinstance(e, LevelOrderError) else e
            )
            return None
        if path is None:
            self.message.value = f"<p>{esc(t('widgets.none_accepted', self.lang))}</p>"
        else:
            n = len(self.state.accepted())
            self.message.value = f"<p>{esc(t('widgets.exported', self.lang, n=n, path=path))}</p>"
        return path


def review_panel(ctx: ReportContext, review=None) -> ReviewPanel:
    """Build the acceptance panel for a review of the context's period.

    Args:
        review: a review.Review (its proposal and next period are used) or a proposal frame;
            None reviews the context's period now.
    """
    from kpi_helpers.engine.review import Review, review_period
    from kpi_helpers.periods import next_period

    if review is None:
        review = review_period(ctx.ds, ctx.period, ctx.actuals)
    if isinstance(review, Review):
        proposal, period = review.proposal, review.next_period
    else:
        proposal, period = review, next_period(ctx.period)
    state = ReviewDecisions(ctx.for_pm(proposal), period)
    _pms, kpis = names(ctx)
    return ReviewPanel(state, ctx.ds.data_dir, ctx.lang, kpis)
