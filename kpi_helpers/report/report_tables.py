"""The report's tables: which columns each one shows, with labels in the report's language."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.report.i18n import product_name, t
from kpi_helpers.report.tables import Column, html_table


def _c(key: str, lang: str, label: str | None = None, **kw) -> Column:
    return Column(key, t(f"common.col.{label or key}", lang), **kw)


def objectives_table(frame: pd.DataFrame, period: str, lang: str) -> str:
    """Objectives with weight, share of the strategy, goals, KPIs, score and coverage."""
    cols = [
        _c("label", lang, "objective", header=True),
        _c("weight", lang, kind="number", digits=0),
        _c("share", lang, kind="share"),
        _c("goals", lang, kind="number", digits=0),
        _c("kpis", lang, kind="number", digits=0),
        _c("total", lang, "score", kind="number", digits=1, unit=t("common.unit_points", lang)),
        _c("coverage", lang, kind="share"),
    ]
    return html_table(frame, cols, t("nb01.table_objectives", lang, period=period), lang)


def goals_table(frame: pd.DataFrame, lang: str) -> str:
    """Goals under their objectives with share of the strategy and number of KPIs."""
    cols = [
        _c("objective", lang),
        _c("label", lang, "goal", header=True),
        _c("share", lang, kind="share", digits=1),
        _c("kpis", lang, kind="number", digits=0),
        _c("covered_text", lang, "covered"),
    ]
    return html_table(frame, cols, t("nb01.table_goals", lang), lang)


def changes_table(frame: pd.DataFrame, previous: str, lang: str) -> str:
    """Objectives, goals and KPIs added or retired and targets changed since `previous`."""
    cols = [
        _c("kind_text", lang, "kind"),
        _c("label", lang, "item", header=True),
        _c("change_text", lang, "change"),
        _c("before", lang, "target_before", kind="number", unit_key="unit"),
        _c("after", lang, "target_after", kind="number", unit_key="unit"),
    ]
    caption = t("nb01.table_changes", lang, previous=previous)
    return html_table(frame, cols, caption, lang, t("nb01.no_changes_short", lang))


def gaps_table(frame: pd.DataFrame, lang: str) -> str:
    """Uncovered objectives and goals and unaligned KPIs, each with what to do."""
    cols = [
        _c("kind_text", lang, "kind"),
        _c("label", lang, "item", header=True),
        _c("owner_name", lang, "owner"),
        _c("action", lang),
    ]
    return html_table(frame, cols, t("nb02.table_gaps", lang), lang, t("nb02.no_gaps", lang))


def kpi_shares_table(frame: pd.DataFrame, lang: str) -> str:
    """KPIs with owner, goal, weight within the PM and effective share of the strategy."""
    cols = [
        _c("label", lang, "kpi", header=True),
        _c("owner_name", lang, "owner"),
        _c("goal", lang),
        _c("weight", lang, kind="number", digits=0),
        _c("share", lang, "strategic_share", kind="share", digits=1),
    ]
    return html_table(frame, cols, t("nb02.table_shares", lang), lang)


def kpi_set_table(frame: pd.DataFrame, caption: str, lang: str) -> str:
    """One PM's KPI set: dimension, goal, unit, direction, threshold / target / stretch, weight."""
    cols = [
        _c("label", lang, "kpi", header=True),
        _c("dimension_text", lang, "dimension"),
        _c("goal_id", lang, "goal"),
        _c("direction_text", lang, "direction"),
        _c("threshold", lang, kind="number", unit_key="unit"),
        _c("target", lang, kind="number", unit_key="unit"),
        _c("stretch", lang, kind="number", unit_key="unit"),
        _c("weight", lang, kind="number", digits=0),
    ]
    return html_table(frame, cols, caption, lang)


def history_table(frame: pd.DataFrame, lang: str) -> str:
    """Targets against the past actuals: mean, range, the target and where it lies."""
    cols = [
        _c("label", lang, "kpi", header=True),
        _c("hist_n", lang, kind="number", digits=0),
        _c("hist_mean", lang, kind="number", unit_key="unit"),
        _c("hist_min", lang, kind="number", unit_key="unit"),
        _c("hist_max", lang, kind="number", unit_key="unit"),
        _c("target", lang, kind="number", unit_key="unit"),
        _c("ambition", lang, kind="share"),
        _c("position_text", lang, "position"),
    ]
    return html_table(frame, cols, t("nb03.table_history", lang), lang)


def findings_table(frame: pd.DataFrame, caption: str, lang: str, empty: str) -> str:
    """Lint or review findings: severity, PM, KPI and the sentence."""
    cols = [
        _c("severity_text", lang, "severity"),
        _c("owner_name", lang, "owner"),
        _c("item", lang),
        _c("text", lang, "finding"),
    ]
    return html_table(frame, cols, caption, lang, empty)


def totals_table(frame: pd.DataFrame, lang: str, previous: str | None) -> str:
    """Per PM: total, band, coverage, KPIs, missing actuals and change since the previous period."""
    points = t("common.unit_points", lang)
    cols = [
        _c("label", lang, "pm", header=True),
        _c("total", lang, "score", kind="number", digits=1, unit=points),
        _c("band_text", lang, "band"),
        _c("coverage", lang, kind="share"),
        _c("kpis", lang, kind="number", digits=0),
        _c("missing", lang, kind="number", digits=0),
    ]
    if previous:
        cols.append(_c("change", lang, kind="number", digits=1, unit=points, signed=True))
    return html_table(frame, cols, t("nb05.table_totals", lang), lang)


DERIVED_MARK = "※"


def mark_derived(frame: pd.DataFrame, caption: str, lang: str) -> tuple[pd.DataFrame, str]:
    """Labels of results computed from customer feedback or reviews (column derived) marked ※,
    and the caption saying what the mark means; both unchanged when no result is derived."""
    if "derived" not in frame or not frame["derived"].fillna(False).astype(bool).any():
        return frame, caption
    derived = frame["derived"].fillna(False).astype(bool)
    frame = frame.assign(
        label=[
            f"{lab} {DERIVED_MARK}" if d else lab
            for lab, d in zip(frame["label"], derived, strict=True)
        ]
    )
    return frame, f"{caption} ({t('common.derived_note', lang, mark=DERIVED_MARK)})"


def results_table(frame: pd.DataFrame, caption: str, lang: str) -> str:
    """Per KPI: actual against threshold / target / stretch, points and traffic light.

    A result computed from customer feedback or reviews (derived) is marked ※ after the KPI,
    and the caption says what the mark means.
    """
    frame, caption = mark_derived(frame, caption, lang)
    cols = [
        _c("label", lang, "kpi", header=True),
        _c("dimension_text", lang, "dimension"),
        _c("weight", lang, kind="number", digits=0),
        _c("actual", lang, kind="number", unit_key="unit"),
        _c("threshold", lang, kind="number", unit_key="unit"),
        _c("target", lang, kind="number", unit_key="unit"),
        _c("stretch", lang, kind="number", unit_key="unit"),
        _c("score", lang, kind="number", digits=1),
        _c("status", lang, kind="status"),
    ]
    return html_table(frame, cols, caption, lang)


def feedback_table(frame: pd.DataFrame, caption: str, lang: str) -> str:
    """Per product (or channel): responses, NPS, CSAT and CES with 95 % intervals.

    Products show by their English name (people.csv products_en) in English reports.
    """
    if lang == "en" and "label" in frame:
        frame = frame.assign(label=[product_name(v, lang) for v in frame["label"]])
    cols = [
        _c("label", lang, "group", header=True),
        _c("n", lang, "responses", kind="number", digits=0),
        _c("nps", lang, kind="interval", digits=1),
        _c("csat", lang, kind="interval", digits=1, unit="%", scale=100.0),
        _c("ces", lang, kind="interval", digits=2),
        _c("negative", lang, kind="share"),
    ]
    return html_table(frame, cols, caption, lang)


def themes_table(frame: pd.DataFrame, caption: str, lang: str) -> str:
    """Themes with comment count, share, negative share and change against the previous period."""
    cols = [
        _c("label", lang, "theme", header=True),
        _c("lang_text", lang, "language"),
        _c("n", lang, "comments", kind="number", digits=0),
        _c("share", lang, "share_comments", kind="share"),
        _c("negative", lang, kind="share"),
        _c("change_text", lang, "change"),
    ]
    return html_table(frame, cols, caption, lang)


def effect_table(frame: pd.DataFrame, period: str, lang: str) -> str:
    """Per PM: total and band now and with the proposed targets on the same actuals (effect_rows)."""
    points = t("common.unit_points", lang)
    cols = [
        _c("label", lang, "pm", header=True),
        _c("total_now", lang, kind="number", digits=1, unit=points),
        _c("band_now_text", lang, "band_now"),
        _c("total_under_proposal", lang, kind="number", digits=1, unit=points),
        _c("band_under_text", lang, "band_under_proposal"),
        _c("flag", lang),
    ]
    return html_table(frame, cols, t("nb06.table_effect", lang, period=period), lang)


def proposal_table(frame: pd.DataFrame, caption: str, lang: str) -> str:
    """Proposed threshold / target / stretch for the next period with the current target and reason."""
    cols = [
        _c("label", lang, "kpi", header=True),
        _c("owner_name", lang, "owner"),
        _c("current_target", lang, kind="number", unit_key="unit"),
        _c("threshold", lang, kind="number", unit_key="unit"),
        _c("target", lang, "proposed_target", kind="number", unit_key="unit"),
        _c("stretch", lang, kind="number", unit_key="unit"),
        _c("reason_text", lang, "reason"),
    ]
    return html_table(frame, cols, caption, lang, t("nb06.no_proposal", lang))
