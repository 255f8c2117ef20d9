"""Review periods such as 2026-Q3 or 2026-H1: parsing, ordering and arithmetic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

_PERIOD_RE = re.compile(r"^\s*(\d{4})\s*-?\s*([QqHh])\s*([1-4])\s*$")
CADENCES = {"quarter": ("Q", 4), "half": ("H", 2)}


class PeriodError(ValueError):
    """A period string that is not of the form 2026-Q3 or 2026-H1."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    index: int
    kind: str  # "Q" or "H"

    def __str__(self) -> str:
        return f"{self.year}-{self.kind}{self.index}"

    @property
    def per_year(self) -> int:
        return 4 if self.kind == "Q" else 2

    @property
    def ordinal(self) -> int:
        return self.year * self.per_year + self.index - 1

    def shift(self, n: int) -> Period:
        o = self.ordinal + n
        return Period(o // self.per_year, o % self.per_year + 1, self.kind)

    def start(self) -> date:
        months = 12 // self.per_year
        return date(self.year, (self.index - 1) * months + 1, 1)

    def end(self) -> date:
        nxt = self.shift(1).start()
        return date.fromordinal(nxt.toordinal() - 1)


def parse_period(text: object) -> Period:
    """Parse '2026-Q3' / '2026-H1' (case and spacing forgiving); raise PeriodError otherwise."""
    m = _PERIOD_RE.match(str(text))
    if not m:
        raise PeriodError(f"'{text}' is not a period; write it like 2026-Q3 or 2026-H1")
    year, kind, idx = int(m.group(1)), m.group(2).upper(), int(m.group(3))
    if kind == "H" and idx > 2:
        raise PeriodError(f"'{text}' is not a period; a half-year is H1 or H2")
    return Period(year, idx, kind)


def normalize_period(text: object) -> str:
    return str(parse_period(text))


def is_period(text: object) -> bool:
    try:
        parse_period(text)
    except PeriodError:
        return False
    return True


def cadence_kind(cadence: str) -> str:
    return CADENCES[cadence][0]


def next_period(text: str) -> str:
    return str(parse_period(text).shift(1))


def previous_period(text: str) -> str:
    return str(parse_period(text).shift(-1))


def same_period_last_year(text: str) -> str:
    p = parse_period(text)
    return str(p.shift(-p.per_year))


def period_range(first: str, last: str) -> list[str]:
    a, b = parse_period(first), parse_period(last)
    return [str(a.shift(i)) for i in range(b.ordinal - a.ordinal + 1)]


def sort_periods(periods) -> list[str]:
    return sorted({str(p) for p in periods}, key=lambda p: parse_period(p).ordinal)


def period_of_dates(dates: pd.Series, cadence: str = "quarter") -> pd.Series:
    """Map a datetime Series to period strings of the cadence (NaT -> <NA>)."""
    d = pd.to_datetime(dates, errors="coerce")
    year = d.dt.year.astype("Int64").astype("string")
    if cadence == "half":
        part = "H" + ((d.dt.month - 1) // 6 + 1).astype("Int64").astype("string")
    else:
        part = "Q" + d.dt.quarter.astype("Int64").astype("string")
    return (year + "-" + part).astype("string")


def active_in(period: str, period_from: object, period_to: object) -> bool:
    """True when `period` lies within [period_from, period_to] (either bound may be empty)."""
    p = parse_period(period).ordinal
    if period_from is not None and not pd.isna(period_from) and str(period_from):
        if p < parse_period(period_from).ordinal:
            return False
    if period_to is not None and not pd.isna(period_to) and str(period_to):
        if p > parse_period(period_to).ordinal:
            return False
    return True
