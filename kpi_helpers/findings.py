"""Findings of the KPI lint and the periodic review: one table shape, bilingual sentences by key.

A finding's `kind` is also its message key. Every finding carries `params` (a dict of the values
its sentence names), and the rendered sentence in English (`message`) and Chinese (`message_zh`),
so a report can use the sentence as is or re-render it with `finding_text(kind, params, lang)`.
"""

from __future__ import annotations

import math
from functools import cache

import pandas as pd

from .i18n import catalogue, dimension_name, t

FINDING_COLUMNS = [
    "kind", "severity", "pm_id", "kpi_id", "objective_id", "message", "message_zh", "params",
]  # fmt: skip
SEVERITIES = ("error", "warning", "info")


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


def _display(params: dict, lang: str) -> dict:
    out = {}
    sep = t("common.list_join", lang)
    for key, v in params.items():
        if key == "dimensions":
            v = [dimension_name(d, lang) for d in v]
        if isinstance(v, (list, tuple)):
            out[key] = sep.join(fmt_number(x) for x in v)
        else:
            out[key] = fmt_number(v)
    return out


def finding_text(kind: str, params: dict, lang: str = "en") -> str:
    """The sentence of a finding (or proposal reason) in 'en' or 'zh'."""
    en, zh = _pairs("message.")[kind]
    p = _display(params, lang)
    if kind == "proposal.unchanged":
        why_en, why_zh = _pairs("message.why.")[params["why"]]
        p["why"] = (why_zh if lang == "zh" else why_en).format(**p)
    return (zh if lang == "zh" else en).format(**p)


def finding(
    kind: str,
    severity: str,
    *,
    pm_id=None,
    kpi_id=None,
    objective_id=None,
    **params,
) -> dict:
    """One finding row; kpi_id / pm_id / objective_id are also available to the sentence."""
    ids = {"pm_id": pm_id, "kpi_id": kpi_id, "objective_id": objective_id}
    full = {**{k: v for k, v in ids.items() if v is not None}, **params}
    return {
        "kind": kind,
        "severity": severity,
        **ids,
        "message": finding_text(kind, full, "en"),
        "message_zh": finding_text(kind, full, "zh"),
        "params": full,
    }


def findings_frame(rows: list[dict]) -> pd.DataFrame:
    """Findings as a table: errors first, then warnings, then info; within each by kind, PM, KPI."""
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    for col in ("pm_id", "kpi_id", "objective_id"):
        frame[col] = frame[col].astype("object").where(frame[col].notna(), None)
    order = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    frame = frame.assign(_o=order).sort_values(
        ["_o", "kind", "pm_id", "kpi_id", "objective_id"], na_position="first", kind="stable"
    )
    return frame.drop(columns="_o").reset_index(drop=True)
