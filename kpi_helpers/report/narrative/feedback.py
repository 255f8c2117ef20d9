"""Computed sentences of the feedback report: volumes, NPS / CSAT / CES with intervals, themes."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.report.i18n import feedback_status_name, t
from kpi_helpers.report.narrative.base import join, md, num, sentences, signed
from kpi_helpers.report.tables import format_number, format_share, is_missing


def feedback_summary(now: pd.Series | None, period: str, lang: str) -> str:
    """Responses of the period and NPS, CSAT, CES, each with its 95 % interval."""
    if now is None or not now["n"]:
        return t("nb04.no_feedback", lang, period=period)
    return sentences(
        t("nb04.volume", lang, period=period, n=num(now["n"], 0), text=num(now["n_text"], 0)),
        t("nb04.metrics", lang, **_metric_params(now)),
    )


def ticket_summary(rows: pd.DataFrame, period: str, lang: str) -> str | None:
    """The period's tickets counted by status, each status by its display name (most first);
    None when the period's feedback has no status."""
    if "status" not in rows or "period" not in rows:
        return None
    status = rows.loc[rows["period"] == period, "status"].dropna().astype(str)
    status = status[status.str.strip() != ""]
    if status.empty:
        return None
    counts = status.value_counts(sort=False)
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    items = [
        t("nb04.ticket_item", lang, status=md(feedback_status_name(k, lang)), n=num(v, 0))
        for k, v in counts.items()
    ]
    return t("nb04.tickets", lang, items=join(items, lang))


def _metric_params(now: pd.Series) -> dict:
    """Value, 95 % interval and answers of NPS, CSAT (in %) and CES for the sentence."""
    out = {}
    for metric, scale, digits, unit in (
        ("nps", 1, 1, ""),
        ("csat", 100, 1, "%"),
        ("ces", 1, 2, ""),
    ):
        value, low, high = (now.get(f"{metric}{s}") for s in ("", "_low", "_high"))
        out[metric] = format_number(None if is_missing(value) else value * scale, digits, unit)
        out[f"{metric}_ci"] = (
            "–"
            if is_missing(low) or is_missing(high)
            else f"{format_number(low * scale, digits, unit)} – {format_number(high * scale, digits, unit)}"
        )
        out[f"{metric}_n"] = num(now.get(f"{metric}_n"), 0)
    return out


def metric_changes(now: pd.Series | None, lang: str) -> str:
    """Each metric's change against the previous period and whether it is outside the noise."""
    if now is None or is_missing(now.get("prev_period")) or is_missing(now.get("nps_change")):
        return t("nb04.no_previous", lang)
    parts = []
    for metric, scale, digits in (("nps", 1.0, 1), ("csat", 100.0, 1), ("ces", 1.0, 2)):
        change = now.get(f"{metric}_change")
        if is_missing(change):
            continue
        real = now.get(f"{metric}_change_real")
        verdict = "unknown" if is_missing(real) else "real" if bool(real) else "noise"
        unit = " pp" if metric == "csat" else ""
        parts.append(
            t(
                f"nb04.change_{verdict}",
                lang,
                metric=metric.upper(),
                change=signed(float(change) * scale, digits) + unit,
            )
        )
    return sentences(
        t("nb04.changes_intro", lang, previous=now["prev_period"]),
        t("common.list_sep", lang).join(parts) + t("common.period_end", lang),
    )


def sentiment_summary(now: pd.Series | None, lang: str) -> str:
    """Shares of positive, neutral and negative comments in the period."""
    if now is None or is_missing(now.get("positive")):
        return t("nb04.no_comments", lang)
    return t(
        "nb04.sentiment",
        lang,
        positive=format_share(now["positive"]),
        neutral=format_share(now["neutral"]),
        negative=format_share(now["negative"]),
        score=num(now["sentiment_score"], 2),
    )


def themes_summary(themes: pd.DataFrame, lang: str) -> str:
    """The most discussed themes, the most negative one, and themes that grew beyond the noise,
    over all comments whatever their language (theme_rows output)."""
    from kpi_helpers.report.feedback_view import headline_themes

    if themes.empty:
        return t("nb04.no_themes", lang)
    top3, worst = headline_themes(themes)
    items = [
        t("common.item_share", lang, name=md(r.label), share=format_share(r.share))
        for r in top3.itertuples(index=False)
    ]
    real = themes["change_real"].map(lambda r: not is_missing(r) and bool(r))
    rising = themes[real & (themes["change"] > 0)]
    langs: dict = {}
    for d in themes["langs"]:
        for k, v in d.items():
            langs[k] = max(langs.get(k, 0), v)
    return sentences(
        t("nb04.themes_all", lang) if len(langs) > 1 else None,
        t("nb04.themes_top", lang, items=join(items, lang)),
        t(
            "nb04.themes_negative",
            lang,
            name=md(worst["label"]),
            negative=format_share(worst["negative"]),
        )
        if worst is not None
        else None,
        t("nb04.themes_rising", lang, names=join([md(v) for v in rising["label"]], lang))
        if len(rising)
        else None,
    )


def comments_markdown(themes: pd.DataFrame, lang: str, limit: int = 5) -> str:
    """Up to three representative comments per theme as Markdown: an H3 per theme and a list of
    quotes, the reader's language first; a quote in another language says which. The most
    negative theme is always among them."""
    from kpi_helpers.report.feedback_view import example_comments, headline_themes

    shown = themes.head(limit)
    _, worst = headline_themes(themes)
    if worst is not None and worst["key"] not in set(shown["key"]):
        shown = pd.concat([shown, themes[themes["key"] == worst["key"]]])
    blocks = []
    for r in shown.itertuples(index=False):
        items = []
        for e in example_comments(r.examples, lang):
            quote = t("common.quote", lang, text=md(str(e["text"])))
            if e.get("lang") != lang:
                other = e.get("lang")
                name = t(f"nb04.lang.{other}", lang) if other in ("zh", "en") else str(other)
                quote += f" ({md(name)})"
            items.append(f"- {quote}")
        if items:
            blocks.append(f"### {md(r.label)}\n\n" + "\n".join(items))
    return "\n\n".join(blocks) or t("nb04.no_comments", lang)
