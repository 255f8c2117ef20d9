"""The sentences of findings and proposal reasons, in the reader's language, from their kind and params."""

from __future__ import annotations

import math
from functools import cache

import pandas as pd

from kpi_helpers.report.i18n import catalogue, dimension_name, in_language, t


@cache
def _pairs(prefix: str) -> dict[str, tuple[str, str]]:
    """(English, Chinese) by key, from the `message` section of the string catalogues (locales/)."""
    en, zh = catalogue("en"), catalogue("zh")
    found = {k[len(prefix) :]: (v, zh[k]) for k, v in en.items() if k.startswith(prefix)}
    return {k: v for k, v in found.items() if not k.startswith("why.")}


def __getattr__(name: str):
    # MESSAGES: kind -> (English, Chinese); UNCHANGED_WHY: why -> (English, Chinese). Read from
    # the catalogues on first use, so importing this module does not parse them.
    if name == "MESSAGES":
        return _pairs("message.")
    if name == "UNCHANGED_WHY":
        return _pairs("message.why.")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def fmt_number(value) -> str:
    """A number as a person writes it: 12000, 35.5, 0.25 (no trailing zeros, no exponent)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, (int, float)):
        v = float(value)
        if v.is_integer():
            return str(int(v))
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(value)


def sentence_number(value) -> str:
    """A number inside a sentence: thousands separators, decimals by size and only as many as
    it has (103,000 · 31.9 · 0.28 · 4.5); text stays as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return fmt_number(value)
    v = float(value)
    if math.isnan(v):
        return "-"
    digits = 0 if abs(v) >= 1000 else 1 if abs(v) >= 10 else 2
    text = f"{v:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _display(params: dict, lang: str) -> dict:
    out = {}
    sep = t("common.list_join", lang)
    for key, v in params.items():
        if key == "dimensions":
            v = [dimension_name(d, lang) for d in v]
        if isinstance(v, (list, tuple)):
            out[key] = sep.join(sentence_number(x) for x in v)
        else:
            out[key] = sentence_number(v)
    return out


def finding_text(kind: str, params: dict, lang: str = "en") -> str:
    """The sentence of a finding (or proposal reason) in 'en' or 'zh'."""
    en, zh = _pairs("message.")[kind]
    p = _display(params, lang)
    if kind == "proposal.unchanged":
        why_en, why_zh = _pairs("message.why.")[params["why"]]
        p["why"] = in_language(lang, why_zh, why_en).format(**p)
    return in_language(lang, zh, en).format(**p)


def finding_messages(findings: pd.DataFrame, lang: str) -> list[str]:
    """The sentence of every finding row (kind + params) in `lang`."""
    return [
        finding_text(k, p, lang) for k, p in zip(findings["kind"], findings["params"], strict=True)
    ]


def proposal_reasons(proposal: pd.DataFrame, lang: str) -> list[str]:
    """The reason of every proposal row (reason_kind + params) in `lang`."""
    return [
        finding_text(k, p, lang)
        for k, p in zip(proposal["reason_kind"], proposal["params"], strict=True)
    ]
