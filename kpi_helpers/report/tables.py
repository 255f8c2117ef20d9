"""DataFrames as accessible HTML tables: header scopes, right-aligned numbers with units, escaped text."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd

from kpi_helpers.report.i18n import t, unit_name

EMPTY = "–"
# Traffic lights carry a symbol as well as a colour, so colour-blind readers and B/W prints work.
STATUS_STYLE = {
    "on": ("✓", "#1a7f37"),
    "near": ("!", "#9a6700"),
    "off": ("✗", "#cf222e"),
    "missing": ("–", "#57606a"),
}
_TABLE_STYLE = "border-collapse:collapse;margin:0.5em 0 1.5em 0;font-size:0.95em"
_CELL_STYLE = "padding:0.25em 0.6em;border-bottom:1px solid #d0d7de"


@dataclass(frozen=True)
class Column:
    """How one column of a report table is shown.

    kind: text, number, share (0..1 shown as %), status (a STATUS_STYLE key), or interval
    (the number with its <key>_low and <key>_high, e.g. "23.4 (18.1 – 28.7)"; scale multiplies).
    unit: a fixed unit after every number; unit_key: a frame column with each row's unit.
    header: the column names the row (rendered as <th scope="row">).
    """

    key: str
    label: str
    kind: str = "text"
    digits: int | None = None
    unit: str = ""
    unit_key: str | None = None
    header: bool = False
    scale: float = 1.0
    signed: bool = False


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_number(value, digits: int | None = None, unit: str = "") -> str:
    """12,345 / 36.2 / 98.9 with thousands separators and the unit ('%' glued, others spaced)."""
    if is_missing(value):
        return EMPTY
    v = float(value)
    if not math.isfinite(v):
        return EMPTY
    if digits is None:  # as a person writes it: 12,000 / 36.2 / 4.1 / 0.25
        text = f"{v:,.{1 if abs(v) >= 10 else 2}f}".rstrip("0").rstrip(".")
    else:
        text = f"{v:,.{digits}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0.0"
    unit = "" if is_missing(unit) else str(unit).strip()
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "‰", "pp") else f"{text} {unit}"


# Units counted in whole things: shown without decimals unless the values need them.
WHOLE_UNITS = {
    "人",
    "次",
    "个",
    "件",
    "单",
    "家",
    "天",
    "users",
    "people",
    "times",
    "orders",
    "days",
}
MAX_DIGITS = 3


def value_digits(unit, values) -> int:
    """Decimals to show numbers of `unit`: the unit's usual ones, more where the values differ
    only in finer decimals (a crash rate of 0.28 against its target of 0.3 shows as 0.28 / 0.30).

    Args:
        unit: the KPI's unit ("%", "人", "分" ...), missing for none.
        values: the numbers shown side by side (actual, threshold, target, stretch).
    """
    numbers = [float(v) for v in values if not is_missing(v) and math.isfinite(float(v))]
    unit = "" if is_missing(unit) else str(unit).strip()
    digits = 0 if unit in WHOLE_UNITS else 1
    if numbers and all(abs(v) < 10 for v in numbers) and unit not in WHOLE_UNITS:
        digits = 2 if any(abs(v) < 1 and v != 0 for v in numbers) else digits
    if all(float(v).is_integer() for v in numbers):
        return 0
    while digits < MAX_DIGITS:
        distinct = len({round(v, MAX_DIGITS + 3) for v in numbers})
        if len({round(v, digits) for v in numbers}) == distinct:
            break
        digits += 1
    return digits


def format_share(value, digits: int = 0) -> str:
    """A 0..1 share as a percentage, e.g. 0.873 -> 87%."""
    return EMPTY if is_missing(value) else format_number(100 * float(value), digits, "%")


def format_interval(value, low, high, digits: int | None = 1, unit: str = "", scale=1.0) -> str:
    """A value with its 95 % interval, e.g. '23.4 (18.1 – 28.7)' ('–' when unknown)."""
    if is_missing(value):
        return EMPTY
    v = format_number(float(value) * scale, digits, unit)
    if is_missing(low) or is_missing(high):
        return v
    lo, hi = (format_number(float(x) * scale, digits, unit) for x in (low, high))
    return f"{v} ({lo} – {hi})"


def status_text(key, lang: str = "zh") -> str:
    """The symbol and word of a traffic light, e.g. '✓ 达标'."""
    key = key if key in STATUS_STYLE else "missing"
    return f"{STATUS_STYLE[key][0]} {t(f'common.status.{key}', lang)}"


def _cell_text(col: Column, row: pd.Series, lang: str) -> str:
    value = row.get(col.key)
    if col.kind == "number":
        unit = row.get(col.unit_key) if col.unit_key else col.unit
        unit = unit_name(unit, lang) if col.unit_key else unit
        text = format_number(value, col.digits, unit if not is_missing(unit) else "")
        return f"+{text}" if col.signed and not is_missing(value) and float(value) > 0 else text
    if col.kind == "share":
        return format_share(value, col.digits or 0)
    if col.kind == "interval":
        return format_interval(
            *(row.get(k) for k in (col.key, f"{col.key}_low", f"{col.key}_high")),
            digits=col.digits,
            unit=col.unit,
            scale=col.scale,
        )
    if col.kind == "status":
        return status_text(value, lang)
    return EMPTY if is_missing(value) else str(value)


def _cell(col: Column, row: pd.Series, lang: str) -> str:
    text = html.escape(_cell_text(col, row, lang), quote=True)
    style = _CELL_STYLE
    if col.kind in ("number", "share", "interval"):
        style += ";text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap"
    elif col.kind == "status":
        key = row.get(col.key)
        colour = STATUS_STYLE.get(key if key in STATUS_STYLE else "missing")[1]
        style += f";color:{colour};font-weight:600;white-space:nowrap"
    else:
        style += ";text-align:left"
    if col.header:
        return f'<th scope="row" style="{style}">{text}</th>'
    return f'<td style="{style}">{text}</td>'


def html_table(
    frame: pd.DataFrame,
    columns: list[Column],
    caption: str,
    lang: str = "zh",
    empty_message: str | None = None,
) -> str:
    """An HTML table of `frame` with a caption; every value is escaped (names come from user files).

    Returns a paragraph with `empty_message` (or the catalogue's "no rows") when frame is empty.
    """
    if frame is None or frame.empty:
        return f"<p>{html.escape(empty_message or t('common.no_rows', lang))}</p>"
    head = "".join(
        f'<th scope="col" style="{_CELL_STYLE};border-bottom:2px solid #57606a;'
        f'text-align:{"right" if c.kind in ("number", "share", "interval") else "left"}">'
        f"{html.escape(c.label)}</th>"
        for c in columns
    )
    body = "".join(
        "<tr>" + "".join(_cell(c, row, lang) for c in columns) + "</tr>"
        for _, row in frame.iterrows()
    )
    return (
        f'<table style="{_TABLE_STYLE}"><caption style="text-align:left;font-weight:600;'
        f'padding:0.3em 0">{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def bullet_list(items: list[str]) -> str:
    """A plain HTML list of escaped sentences (for findings and reasons)."""
    if not items:
        return ""
    return "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>"
