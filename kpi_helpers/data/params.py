"""The period and the product managers a command or a notebook asks for, checked once against the data."""

from __future__ import annotations

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.errors import UsageError
from kpi_helpers.periods import (
    PeriodError,
    cadence_kind,
    normalize_period,
    parse_period,
    sort_periods,
)

SHOWN_IDS = 5  # ids listed in a message before "..."


def data_periods(ds: Dataset) -> list[str]:
    """Periods that have actuals or targets (the periods a scorecard can be made for), oldest first."""
    return sort_periods(list(ds.actuals["period"].dropna()) + list(ds.targets["period"].dropna()))


def resolve_period(ds: Dataset, period: str | None, *, name: str = "--period") -> str:
    """The period asked for, normalised, or the latest period that has actuals.

    A period must be well formed, of the company's cadence and have actuals or targets in the
    data; anything else is a UsageError whose one sentence says what to pass instead.

    Args:
        ds: the loaded data set.
        period: e.g. "2026-Q3" or "2026q3"; empty or None means the latest period with actuals.
        name: how the caller calls the parameter in its message ("--period", "period").
    """
    if not (period or "").strip():
        if ds.latest_period is None:
            raise UsageError(
                f"actuals.csv has no rows, so there is no period to report; add actuals or pass "
                f"{name}"
            )
        return ds.latest_period
    try:
        period = normalize_period(period)
    except PeriodError as e:
        raise UsageError(f"{name}: {e}") from None
    cadence = ds.company.cadence
    if parse_period(period).kind != cadence_kind(cadence):
        raise UsageError(
            f"{name} {period} does not fit the company's cadence ({cadence}) in company.yaml; "
            "write quarters like 2026-Q3 and half-years like 2026-H1"
        )
    have = data_periods(ds)
    if period not in have:
        listed = ", ".join(have) if have else "none"
        raise UsageError(
            f"{name} {period} has no actuals or targets in the data; periods with data: {listed}; "
            f"pass one of them as {name}"
        )
    return period


def resolve_pms(ds: Dataset, pms: str | list[str] | None, *, name: str = "--pm") -> list[str]:
    """The pm_ids asked for, in order without duplicates; empty, None or "all" means everyone.

    Args:
        ds: the loaded data set.
        pms: "all", "pm01,pm02", a list of ids, or empty.
        name: how the caller calls the parameter in its message ("--pm", "pm").
    Raises:
        UsageError: an id that is not in people.csv, naming the ids that are.
    """
    known = [str(p) for p in ds.people["pm_id"]]
    if isinstance(pms, str):
        pms = [] if pms.strip().lower() == "all" else pms.split(",")
    wanted = list(dict.fromkeys(str(p).strip() for p in (pms or []) if str(p).strip()))
    if not wanted:
        return known
    unknown = [p for p in wanted if p not in set(known)]
    if unknown:
        listed = ", ".join(known[:SHOWN_IDS]) + (" ..." if len(known) > SHOWN_IDS else "")
        raise UsageError(
            f"{name}: no product manager with id {', '.join(unknown)} in people.csv "
            f"(ids there: {listed}); use ids from people.csv"
        )
    return wanted
