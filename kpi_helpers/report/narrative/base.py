"""Sentence helpers shared by every report: Markdown-safe user text, numbers, lists, headings, alt text."""

from __future__ import annotations

import re
from urllib.parse import quote

import pandas as pd

from kpi_helpers.report.i18n import t
from kpi_helpers.report.tables import format_number, format_share, is_missing

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md(text) -> str:
    """User text (names, comments) made inert in Markdown: specials and HTML are escaped."""
    s = "" if is_missing(text) else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = s.replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", s)


def num(value, digits: int | None = 1, unit: str = "") -> str:
    """A number for a sentence, e.g. 98.9 / 12,400 人 / 36.2%."""
    return format_number(value, digits, unit)


def signed(value, digits: int | None = 1) -> str:
    """A change with its sign, e.g. +3.2 / -1.0."""
    if is_missing(value):
        return format_number(value)
    return ("+" if float(value) >= 0 else "") + format_number(value, digits)


def join(items: list[str], lang: str) -> str:
    """Items joined as the language lists them (A、B 和 C / A, B and C)."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return t("common.list_join", lang).join(items[:-1]) + t("common.list_and", lang) + items[-1]


def sentences(*parts: str | None) -> str:
    """Sentences joined into one paragraph (no space between Chinese sentences)."""
    parts = [p for p in parts if p]
    if not parts:
        return ""
    space = "" if any("\u4e00" <= ch <= "\u9fff" for ch in parts[0]) else " "
    return space.join(parts)


def title(report: str, company: str, period: str, lang: str, pm_name: str = "") -> str:
    """The H1 of a report: company, period and report title (and the PM when set)."""
    name = t(f"{report}.title", lang)
    head = f"# {md(company)} · {md(period)} · {name}"
    return head + (f" · {md(pm_name)}" if pm_name else "")


def intro(report: str, lang: str, **params) -> str:
    """The report's opening paragraph: what it shows and what to look for."""
    return t(f"{report}.intro", lang, **params)


def kind_name(kind: str, lang: str) -> str:
    """The short name of a finding kind (the kind itself when the catalogue has none)."""
    from kpi_helpers.report.i18n import catalogue

    return catalogue(lang).get(f"common.finding.{kind}", kind)


def pm_pages_note(pm_ids, names: dict, lang: str) -> str:
    """Where the per-PM detail left out of a company page is: a link to each PM's page."""
    links = " · ".join(f"[{md(names.get(p, p))}](pm/{quote(str(p))}.html)" for p in pm_ids)
    return t("nb05.pm_pages", lang, n=len(pm_ids), links=links)


def heading(key: str, lang: str, level: int = 2, **params) -> str:
    """A section heading as Markdown (H2 by default)."""
    return f"{'#' * level} {t(key, lang, **params)}"


# --- alt text: what a chart shows, with its numbers, for readers who cannot see it -------------


def alt_bars(
    key: str,
    frame: pd.DataFrame,
    value: str,
    lang: str,
    share: bool = False,
    limit: int = 12,
    **params,
) -> str:
    """ "<what the chart is>: label value, label value, ..." for a bar chart of `value` by label."""
    data = frame.dropna(subset=[value])
    items = [
        f"{r['label']} {format_share(r[value]) if share else num(r[value], None)}"
        for _, r in data.head(limit).iterrows()
    ]
    more = t("common.and_more", lang, n=len(data) - limit) if len(data) > limit else ""
    return (
        t(key, lang, **params)
        + t("common.colon", lang)
        + t("common.list_join", lang).join(items)
        + more
    )


def alt_matrix(key: str, matrix: pd.DataFrame, lang: str) -> str:
    """Alt text of a heat map: per row its highest and lowest column."""
    parts = []
    for row, values in matrix.iterrows():
        v = values.dropna()
        if len(v):
            parts.append(
                t(
                    "common.alt_row",
                    lang,
                    row=row,
                    high=v.idxmax(),
                    high_v=num(v.max(), 0),
                    low=v.idxmin(),
                    low_v=num(v.min(), 0),
                )
            )
    return t(key, lang) + t("common.colon", lang) + t("common.list_sep", lang).join(parts)
