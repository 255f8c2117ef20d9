"""In-period check-ins: the latest value per KPI and a forecast to the period's end.

The forecast is the least-squares line through the period's check-ins (value against day),
read at the period's last day; with one check-in it is that value. The forecast is compared
with the KPI's levels for the period in its better direction: at or beyond the target is
`on_track`, between threshold and target `at_risk`, short of the threshold `off_track`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_helpers.engine.scoring import active_kpis, kpi_targets
from kpi_helpers.periods import parse_period, period_of_dates

STATUSES = ("on_track", "at_risk", "off_track")
COLUMNS = [
    "kpi_id", "owner", "checkins", "last_date", "last_value", "confidence", "note",
    "forecast", "threshold", "target", "status",
]  # fmt: skip


def forecast_checkins(
    checkins: pd.DataFrame, kpis: pd.DataFrame, targets: pd.DataFrame, period: str
) -> pd.DataFrame:
    """One row per active KPI with check-ins dated inside `period` (see module docstring).

    Args:
        checkins: checkins.csv as loaded (date, kpi_id, value; optional confidence, note).
        kpis, targets: the KPI definitions and per-period overrides.
        period: the current, unfinished period.
    """
    p = parse_period(period)
    start, end = pd.Timestamp(p.start()), pd.Timestamp(p.end())
    if checkins is None or checkins.empty:
        return pd.DataFrame(columns=COLUMNS)
    dates = pd.to_datetime(checkins["date"], errors="coerce")
    inside = checkins[((dates >= start) & (dates <= end)).to_numpy(dtype=bool)].assign(
        _d=dates[(dates >= start) & (dates <= end)]
    )
    levels = kpi_targets(active_kpis(kpis, period), targets, period).set_index("kpi_id")
    rows = []
    for kpi_id, g in inside.dropna(subset=["value"]).sort_values("_d").groupby("kpi_id"):
        if kpi_id not in levels.index:
            continue
        lv = levels.loc[kpi_id]
        days = ((g["_d"] - start).dt.days).to_numpy(dtype="float64")
        values = g["value"].to_numpy(dtype="float64")
        horizon = float((end - start).days)
        if len(g) >= 2 and np.ptp(days) > 0:
            slope, intercept = np.polyfit(days, values, 1)
            forecast = float(slope * horizon + intercept)
        else:
            forecast = float(values[-1])
        last = g.iloc[-1]
        rows.append(
            {
                "kpi_id": kpi_id,
                "owner": lv["owner"],
                "checkins": len(g),
                "last_date": last["_d"].date().isoformat(),
                "last_value": float(last["value"]),
                "confidence": last.get("confidence", np.nan),
                "note": last.get("note", None),
                "forecast": forecast,
                "threshold": float(lv["threshold"]),
                "target": float(lv["target"]),
                "status": _status(forecast, lv["threshold"], lv["target"], lv["direction"]),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _status(value: float, threshold, target, direction) -> str:
    s = -1.0 if str(direction) == "lower" else 1.0
    if value * s >= float(target) * s:
        return "on_track"
    if value * s >= float(threshold) * s:
        return "at_risk"
    return "off_track"


def current_period(checkins: pd.DataFrame, actuals_periods: list[str], cadence: str) -> str | None:
    """The period of the latest check-in when it has no actuals yet (the unfinished period)."""
    if checkins is None or checkins.empty:
        return None
    latest = pd.to_datetime(checkins["date"], errors="coerce").max()
    if pd.isna(latest):
        return None
    period = period_of_dates(pd.Series([latest]), cadence).iloc[0]
    return None if period in set(actuals_periods) else period
