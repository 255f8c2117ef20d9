"""The feedback analysed once per run: each comment's period, sentiment, score and language.

A run analyses every feedback row in its own process before any notebook starts and hands the
result to the report kernels with the data set, so that no notebook scores a comment again.
"""

from __future__ import annotations

import pandas as pd

from kpi_helpers.feedback.metrics import add_period, with_sentiment

ANALYSED = ("period", "sentiment", "sentiment_score", "lang")


def analyse_rows(
    feedback: pd.DataFrame | None, cadence: str, workers: int = 1
) -> pd.DataFrame | None:
    """`period`, `sentiment`, `sentiment_score` and `lang` of every row of `feedback` (same
    index), as metrics.add_period and metrics.with_sentiment give them; None without feedback.
    Many new comments are scored on `workers` processes."""
    if feedback is None or feedback.empty:
        return None
    # the columns the analysis reads, not a copy of every column of a million rows
    needed = feedback[[c for c in ("text", "lang", "date") if c in feedback]]
    rows = with_sentiment(add_period(needed, cadence), workers=workers)
    return rows[list(ANALYSED)]


def with_analysis(feedback: pd.DataFrame, analysed: pd.DataFrame) -> pd.DataFrame:
    """Copy of `feedback` with the columns of analyse_rows (computed for this very table)."""
    return feedback.assign(**{c: analysed[c] for c in ANALYSED})
