"""Everything about one review period in one call: scorecard with derived actuals, totals, roll-ups."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.engine.derive import derived_actuals, with_derived
from kpi_helpers.engine.rollups import (
    by_dimension,
    by_objective,
    by_team,
    company_summary,
    contributions,
)
from kpi_helpers.engine.scoring import pm_totals, scorecard
from kpi_helpers.periods import parse_period, sort_periods


@dataclass
class PeriodEvaluation:
    period: str
    previous: str | None
    card: pd.DataFrame
    totals: pd.DataFrame
    dimensions: pd.DataFrame
    objectives: pd.DataFrame
    teams: pd.DataFrame
    company: dict
    contributions: pd.DataFrame | None


def all_actuals(ds: Dataset) -> pd.DataFrame:
    """actuals.csv plus actuals derived from feedback and reviews for every period with data."""
    periods = sort_periods(
        list(ds.actuals["period"].dropna()) + list(ds.targets["period"].dropna())
    )
    derived = derived_actuals(
        ds.kpis, ds.actuals, ds.feedback, ds.reviews, periods, ds.company.cadence
    )
    return with_derived(ds.actuals, derived)


def evaluate_period(
    ds: Dataset, period: str, actuals: pd.DataFrame | None = None
) -> PeriodEvaluation:
    """Score a period and roll it up; `actuals` defaults to all_actuals(ds)."""
    actuals = all_actuals(ds) if actuals is None else actuals
    policy = ds.company.policy
    card = scorecard(ds.kpis, ds.targets, actuals, period, policy)
    totals = pm_totals(card, ds.company)
    prev = str(parse_period(period).shift(-1))
    has_prev = prev in set(actuals["period"].dropna())
    contrib = (
        contributions(card, scorecard(ds.kpis, ds.targets, actuals, prev, policy))
        if has_prev
        else None
    )
    return PeriodEvaluation(
        period=period,
        previous=prev if has_prev else None,
        card=card,
        totals=totals,
        dimensions=by_dimension(card),
        objectives=by_objective(card, ds.company, period),
        teams=by_team(totals, ds.people),
        company=company_summary(totals, ds.company),
        contributions=contrib,
    )
