"""A period's results computed once: evaluation, previous totals, review and feedback metrics.

A run makes one PeriodResults before its notebooks and hands it to their kernels, the index page
and the XLSX workbook, which would otherwise each derive the actuals, score the period, review it
and analyse the feedback again.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.engine.evaluation import PeriodEvaluation, all_actuals, evaluate_period
from kpi_helpers.engine.review import Review, review_period
from kpi_helpers.engine.scoring import pm_totals, scorecard
from kpi_helpers.feedback.analysis import analyse_rows
from kpi_helpers.feedback.metrics import add_period, feedback_metrics


@dataclass
class PeriodResults:
    """Everything the period's summary pages and exports read, for one data set and period."""

    period: str
    actuals: pd.DataFrame  # actuals.csv plus the derived actuals, every period
    evaluation: PeriodEvaluation
    previous_totals: pd.DataFrame | None  # PM totals of the previous period when it has actuals
    review: Review
    feedback_by_period: pd.DataFrame | None  # feedback_metrics by period; None without feedback
    feedback_by_product: pd.DataFrame | None  # this period's feedback by product; None if none
    # every feedback row's period, sentiment, score and language (analysis.analyse_rows)
    feedback_analysed: pd.DataFrame | None = None


def _feedback(ds: Dataset, period: str) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    if ds.feedback is None or ds.feedback.empty:
        return None, None
    cadence = ds.company.cadence
    rows = add_period(ds.feedback, cadence)
    by_period = feedback_metrics(rows, by=["period"], cadence=cadence)
    current = rows[rows["period"] == period]
    by_product = feedback_metrics(current, by=["product"]) if len(current) else None
    return by_period, by_product


def period_results(
    ds: Dataset, period: str, *, analyse: bool = False, workers: int = 1
) -> PeriodResults:
    """Derive the actuals once, then evaluate, review and measure the feedback of `period`.

    Args:
        ds: the validated data set.
        period: a period with data (data.params.resolve_period).
        analyse: also score every feedback comment (feedback_analysed), for the report pages.
        workers: processes that may score many new comments at once.
    """
    actuals = all_actuals(ds)
    evaluation = evaluate_period(ds, period, actuals)
    previous = None
    if evaluation.previous:  # its totals only: no roll-ups needed
        card = scorecard(ds.kpis, ds.targets, actuals, evaluation.previous, ds.company.policy)
        previous = pm_totals(card, ds.company)
    by_period, by_product = _feedback(ds, period)
    return PeriodResults(
        period=period,
        actuals=actuals,
        evaluation=evaluation,
        previous_totals=previous,
        review=review_period(ds, period, actuals),
        feedback_by_period=by_period,
        feedback_by_product=by_product,
        feedback_analysed=analyse_rows(ds.feedback, ds.company.cadence, workers)
        if analyse
        else None,
    )
