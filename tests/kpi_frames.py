"""Hand-built tables for unit tests of the evaluation engine (no files, no sample company)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_helpers.data.company import Company, Goal, Objective

KPI_DEFAULTS = {
    "name": "KPI",
    "name_en": None,
    "dimension": "delivery",
    "goal_id": "G1",
    "unit": "%",
    "direction": "higher",
    "threshold": 60.0,
    "target": 80.0,
    "stretch": 90.0,
    "weight": 100.0,
    "baseline": 70.0,
    "data_source": "BI",
    "definition": "what is counted",
    "period_from": None,
    "period_to": None,
}


def kpis(*rows: dict) -> pd.DataFrame:
    """A kpis table; every row needs kpi_id and owner, the rest defaults to KPI_DEFAULTS."""
    frame = pd.DataFrame([{**KPI_DEFAULTS, **r} for r in rows])
    for col in ("threshold", "target", "stretch", "weight", "baseline"):
        frame[col] = frame[col].astype("float64")
    for col in ("period_from", "period_to", "name_en", "data_source", "definition", "unit"):
        frame[col] = frame[col].astype("string")
    return frame


def targets(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["period", "kpi_id", "target", "threshold", "stretch"])
    for col in ("target", "threshold", "stretch"):
        frame[col] = frame[col].astype("float64")
    return frame


def actuals(values: dict[str, dict[str, float]]) -> pd.DataFrame:
    """{kpi_id: {period: value}} -> an actuals table (NaN values are left out)."""
    rows = [
        {"period": p, "kpi_id": k, "value": float(v)}
        for k, series in values.items()
        for p, v in series.items()
        if v is not None and not np.isnan(v)
    ]
    return pd.DataFrame(rows, columns=["period", "kpi_id", "value"])


def company(**kw) -> Company:
    """Two objectives: O1 (weight 60) with goals G1, G2; O2 (weight 40) with goal G3."""
    objectives = kw.pop(
        "objectives",
        (
            Objective("O1", "Grow", 60.0, (Goal("G1", "Reach", "O1"), Goal("G2", "Keep", "O1"))),
            Objective("O2", "Please", 40.0, (Goal("G3", "Serve", "O2"),)),
        ),
    )
    return Company(name="Test", objectives=objectives, **kw)


def worded(frame):
    """Findings or a proposal with their sentences in English and Chinese, as a report shows them."""
    from kpi_helpers.report.findings_text import finding_messages, proposal_reasons

    if "reason_kind" in frame:
        return frame.assign(
            reason=proposal_reasons(frame, "en"), reason_zh=proposal_reasons(frame, "zh")
        )
    return frame.assign(
        message=finding_messages(frame, "en"), message_zh=finding_messages(frame, "zh")
    )
