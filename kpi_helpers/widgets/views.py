"""HTML shown inside the controls: what-if comparison, theme comments, review decisions (escaped)."""

from __future__ import annotations

import html
import math

import pandas as pd

from kpi_helpers.report.findings_text import finding_text
from kpi_helpers.report.i18n import band_name, t
from kpi_helpers.widgets.acceptance import ReviewDecisions
from kpi_helpers.widgets.explorer import ThemeExplorer
from kpi_helpers.widgets.whatif import WhatIf

_TABLE = 'style="border-collapse:collapse;margin:4px 0"'
_CELL = 'style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:{align}"'


def esc(v) -> str:
    """Any value as HTML-safe text; missing values as a dash."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "–"
    return html.escape(str(v), quote=True)


def fmt(v, digits: int = 1) -> str:
    if v is None or pd.isna(v):
        return "–"
    f = float(v)
    if math.isfinite(f) and f.is_integer() and abs(f) >= 100:
        return f"{int(f):,}"
    return f"{f:,.{digits}f}" if abs(f) < 1e6 else f"{f:,.0f}"


def table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    """A small HTML table; header and cells must already be escaped."""
    align = align or ["left"] + ["right"] * (len(header) - 1)
    head = "".join(
        f"<th {_CELL.format(align=a)}>{h}</th>" for h, a in zip(header, align, strict=False)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td {_CELL.format(align=a)}>{c}</td>" for c, a in zip(r, align, strict=False))
        + "</tr>"
        for r in rows
    )
    return f"<table {_TABLE}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _arrow(before: str, after: str) -> str:
    return before if before == after else f"{before} → <b>{after}</b>"


def whatif_html(state: WhatIf, pm_id: str, kpi_id: str | None, lang: str = "zh") -> str:
    """The tried KPI, the PM's total / band / rank and every PM's ranking, data vs tried.

    The PM's tried total sits in an element with class `kpi-whatif-total` (tests read it).
    """
    parts = []
    if kpi_id is not None:
        k = state.kpi(kpi_id)
        levels = ("threshold", "target", "stretch")
        rows = [
            [
                esc(t(f"widgets.{c}", lang)),
                fmt(k.before[c]),
                _arrow(fmt(k.before[c]), fmt(k.after[c])),
            ]
            for c in levels
        ]
        rows.append([esc(t("widgets.actual", lang)), fmt(k.actual), fmt(k.actual)])
        rows.append(
            [
                esc(t("widgets.score", lang)),
                fmt(k.score_before),
                _arrow(fmt(k.score_before), fmt(k.score_after)),
            ]
        )
        head = [
            esc(f"{t('widgets.kpi', lang)} {kpi_id}"),
            esc(t("widgets.before", lang)),
            esc(t("widgets.after", lang)),
        ]
        parts.append(table(head, rows))
        if k.problem:
            key = "widgets.order_lower" if k.direction == "lower" else "widgets.order_higher"
            parts.append(
                f'<p class="kpi-whatif-problem" style="color:#b00020">{esc(t(key, lang))}</p>'
            )
    totals = state.totals()
    me = totals[totals["pm_id"] == pm_id].iloc[0]
    change = me["change"]
    sign = "+" if change > 0 else ""
    parts.append(
        '<p style="font-size:1.1em">'
        f"{esc(t('widgets.total', lang))}: {fmt(me['total_before'])} → "
        f'<b class="kpi-whatif-total">{fmt(me["total"])}</b> '
        f"({sign}{fmt(change)}) · {esc(t('widgets.band', lang))}: "
        f"{esc(band_name(me['band_before'], lang))} → <b>{esc(band_name(me['band'], lang))}</b> · "
        f"{esc(t('widgets.rank', lang))}: {esc(me['rank_before'])} → <b>{esc(me['rank'])}</b></p>"
    )
    head = [
        esc(t("widgets.pm", lang)),
        esc(f"{t('widgets.total', lang)} ({t('widgets.before', lang)})"),
        esc(f"{t('widgets.total', lang)} ({t('widgets.after', lang)})"),
        esc(t("widgets.band", lang)),
        esc(t("widgets.rank", lang)),
    ]
    rows = []
    for r in totals.sort_values(["rank", "pm_id"], na_position="last").itertuples():
        name = f"<b>{esc(r.pm_id)}</b>" if r.pm_id == pm_id else esc(r.pm_id)
        rows.append(
            [
                name,
                fmt(r.total_before),
                _arrow(fmt(r.total_before), fmt(r.total)),
                _arrow(esc(r.band_before), esc(r.band)),
                _arrow(esc(r.rank_before), esc(r.rank)),
            ]
        )
    parts.append(table(head, rows))
    return "\n".join(parts)


def comments_html(explorer: ThemeExplorer, lang: str = "zh", limit: int = 30) -> str:
    """The chosen theme's comments, newest first, every field escaped."""
    c = explorer.comments(limit=limit)
    if c.empty:
        return f"<p>{esc(t('widgets.no_comments', lang))}</p>"
    cols = [col for col in ("date", "product", "sentiment", "text") if col in c]
    keys = {"date": "date", "product": "product", "sentiment": "sentiment", "text": "comments"}
    head = [esc(t(f"widgets.{keys[col]}", lang)) for col in cols]
    rows = []
    for _, r in c.iterrows():
        cells = []
        for col in cols:
            v = r[col]
            if col == "date" and pd.notna(v):
                v = pd.Timestamp(v).date().isoformat()
            if col == "sentiment" and isinstance(v, str):
                v = t(f"widgets.{v}", lang) if v in ("positive", "neutral", "negative") else v
            cells.append(esc(v))
        rows.append(cells)
    return table(head, rows, ["left"] * len(cols))


def proposal_row_html(row: dict, name: str = "", lang: str = "zh") -> str:
    """One proposed adjustment: KPI, each level old → new (when the old values are known), reason."""
    parts = [f"<b>{esc(row.get('kpi_id'))}</b> {esc(name)}"]
    for c in ("threshold", "target", "stretch"):
        if c not in row:
            continue
        new = fmt(row[c])
        old = fmt(row[f"old_{c}"]) if f"old_{c}" in row else new
        parts.append(f"{esc(t(f'widgets.{c}', lang))} {_arrow(old, new)}")
    reason = finding_text(row["reason_kind"], row["params"], lang) if "reason_kind" in row else None
    text = " · ".join(parts)
    return f"{text}<br><small>{esc(reason) if reason is not None else ''}</small>"


def decisions_html(state: ReviewDecisions, lang: str = "zh") -> str:
    """The count line of the review decisions."""
    return f"<p>{esc(t('widgets.counts', lang, **state.counts()))}</p>"
