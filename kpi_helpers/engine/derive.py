"""Actuals derived from evidence: KPIs whose data_source is feedback.* or reviews.* get a value
computed from feedback.csv / reviews.csv of their period when actuals.csv has none."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kpi_helpers.periods import period_of_dates

_SOURCE = re.compile(r"^\s*(feedback|reviews)\.([a-z_0-9]+)\s*(?::\s*product\s*=\s*(.+?))?\s*$")
FEEDBACK_METRICS = ("nps", "csat", "ces", "resolved_14d")


def parse_source(text) -> tuple[str, str, str | None] | None:
    """('feedback', 'nps', 'App') from 'feedback.nps:product=App'; None for other sources."""
    if not isinstance(text, str):
        return None
    m = _SOURCE.match(text)
    return (m.group(1), m.group(2), m.group(3)) if m else None


def feedback_metric(rows: pd.DataFrame, metric: str) -> float:
    """NPS (-100..100), CSAT share of 4-5 in % , CES mean, or share resolved within 14 days in %.

    One implementation for reports and KPIs: kpi_helpers.feedback.metrics.
    """
    from kpi_helpers.feedback.metrics import kpi_value

    return kpi_value(rows, metric)


def derived_actuals(
    kpis: pd.DataFrame,
    actuals: pd.DataFrame,
    feedback: pd.DataFrame,
    reviews: pd.DataFrame,
    periods: list[str],
    cadence: str = "quarter",
) -> pd.DataFrame:
    """Actuals for evidence-sourced KPIs in `periods` where actuals.csv has none (derived=True)."""
    have = set(zip(actuals["period"], actuals["kpi_id"], strict=False))
    fb = (
        feedback.assign(period=period_of_dates(feedback["date"], cadence))
        if len(feedback)
        else feedback
    )
    rows = []
    for kpi in kpis.itertuples(index=False):
        src = parse_source(kpi.data_source)
        if not src:
            continue
        kind, metric, product = src
        for period in periods:
            if (period, kpi.kpi_id) in have:
                continue
            if kind == "feedback" and metric in FEEDBACK_METRICS and len(fb):
                sel = fb[fb["period"] == period]
                if product:
                    sel = sel[sel["product"] == product]
                value = feedback_metric(sel, metric)
            elif kind == "reviews" and len(reviews):
                sel = reviews[
                    (reviews["period"] == period)
                    & (reviews["pm_id"] == kpi.owner)
                    & (reviews["dimension"] == metric)
                ]
                value = float(sel["score"].mean()) if len(sel) else np.nan
            else:
                continue
            if not np.isnan(value):
                rows.append(
                    {
                        "period": period,
                        "kpi_id": kpi.kpi_id,
                        "value": round(value, 4),
                        "note": f"derived from {kpi.data_source}",
                        "derived": True,
                    }
                )
    return pd.DataFrame(rows, columns=["period", "kpi_id", "value", "note", "derived"])


def with_derived(actuals: pd.DataFrame, derived: pd.DataFrame) -> pd.DataFrame:
    """actuals.csv rows (derived=False) plus the derived ones."""
    base = actuals.assign(derived=False)
    if not len(derived):
        return base
    return pd.concat([base, derived.astype({"derived": bool})], ignore_index=True)
