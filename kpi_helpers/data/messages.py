"""Validation messages in the company's language: the Chinese of each English sentence.

The checks write their sentences in English (the product's reference language, and what the
Python API returns); the command line shows them in the company's `language`. Each entry is a
pattern of an English sentence with named parts and the Chinese sentence made from the same
parts. A sentence without an entry is shown in English, never lost.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kpi_helpers.data.messages_catalogue import CATALOGUE, EXTRA
from kpi_helpers.errors import Problem

_COMPILED = [(re.compile(f"^{p}$"), zh) for p, zh in CATALOGUE]


def translate(message: str, lang: str) -> str:
    """The message in `lang` ('zh' or 'en'); English when no Chinese sentence is known."""
    if lang != "zh":
        return message
    for pattern, zh in _COMPILED:
        m = pattern.match(message)
        if m is None:
            continue
        parts = {k: (v or "") for k, v in m.groupdict().items()}
        parts["rows_zh"] = f"（共 {parts['n']} 行引用：{parts['rows']}）" if parts.get("n") else ""
        for key, words in EXTRA.items():
            source = key.removesuffix("_zh")
            if source in parts:
                value = parts[source]
                parts[key] = words(value) if callable(words) else words.get(value, value)
        return zh.format(**parts)
    return message


def localized(problem: Problem, lang: str) -> Problem:
    """The problem with its message in `lang`."""
    return replace(problem, message=translate(problem.message, lang))


def summary_line(where: str, errors: int, warnings: int, lang: str) -> str:
    """The closing line of `validate`: how many errors and warnings."""
    if lang == "zh":
        return f"{where}：{errors} 个错误，{warnings} 个警告"
    return (
        f"{where}: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
