"""Findings of the KPI lint and the periodic review: one table shape, no text.

A finding carries its `kind`, `severity`, the ids it concerns and `params` (a dict of the values
its sentence names); the sentence itself is made in the reader's language by
`kpi_helpers.report.findings_text.finding_text(kind, params, lang)`.
"""

from __future__ import annotations

import pandas as pd

FINDING_COLUMNS = [
    "kind", "severity", "pm_id", "kpi_id", "objective_id", "params",
]  # fmt: skip
SEVERITIES = ("error", "warning", "info")


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
