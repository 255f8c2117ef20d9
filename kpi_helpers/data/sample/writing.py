"""Byte-stable text for the sample files: CSV rows, numbers and YAML scalars formatted one way."""

from __future__ import annotations

import csv
import io
import json
import re

_PLAIN_YAML = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#\[\]{},]*$")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def number(value: float | None, decimals: int = 2) -> str:
    """A number as short fixed text: 80000, 3.5, 0.25 (no exponent, no trailing zeros)."""
    if value is None:
        return ""
    text = f"{float(value):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fixed(value: float, decimals: int) -> str:
    """A number with exactly `decimals` decimals, as a measured value is written."""
    text = f"{float(value):.{decimals}f}"
    return text[1:] if text.startswith("-0") and float(text) == 0 else text


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """CSV with '\\n' line ends and minimal quoting; every cell already a string."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def yaml_scalar(value: object) -> str:
    """A YAML scalar: plain when safe, else a JSON (double-quoted YAML) string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number(value)
    text = str(value)
    if (
        _PLAIN_YAML.match(text)
        and text.lower() not in _YAML_WORDS
        and not re.fullmatch(r"[-+.\d][\d.eE+-]*", text)
        and text == text.strip()
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def yaml_list(values: list[object]) -> str:
    return "[" + ", ".join(yaml_scalar(v) for v in values) + "]"
