"""Picker state: the period, PM, team, product and language a notebook is re-rendered for."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.report.i18n import LANGUAGES

FIELDS = ("period", "pm", "team", "product", "lang")


@dataclass(frozen=True)
class Selection:
    """What the reader picked; None means "all" for pm, team and product."""

    period: str
    lang: str = "zh"
    pm: str | None = None
    team: str | None = None
    product: str | None = None


def _products(ds: Dataset) -> list[str]:
    names: set[str] = set()
    if "products" in ds.people:
        for v in ds.people["products"].dropna():
            names.update(str(p) for p in (v if isinstance(v, tuple | list) else [v]) if str(p))
    if "product" in ds.feedback:
        names.update(str(p) for p in ds.feedback["product"].dropna())
    return sorted(names)


class PickerState:
    """Choices offered to the reader and the current selection.

    Args:
        ds: the loaded data folder (options come from it).
        period, lang: the notebook's starting values.
        fields: which pickers to offer, a subset of FIELDS.
    """

    def __init__(self, ds: Dataset, period: str, lang: str = "zh", fields=FIELDS, **start):
        unknown = set(fields) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown picker(s) {sorted(unknown)}; use {', '.join(FIELDS)}")
        self.ds = ds
        self.fields = tuple(fields)
        self.selection = Selection(period=period, lang=lang, **start)

    def options(self, field: str) -> list[tuple[str, str | None]]:
        """(label, value) pairs for one picker; pm/team/product start with ("—", None) = all."""
        ds = self.ds
        if field == "period":
            periods = ds.periods or [self.selection.period]
            return [(p, p) for p in periods]
        if field == "lang":
            return [(lang, lang) for lang in LANGUAGES]
        if field == "pm":
            people = ds.people.sort_values("pm_id")
            return [("—", None)] + [
                (f"{r.pm_id} {r.name}" if pd.notna(r.name) else str(r.pm_id), str(r.pm_id))
                for r in people.itertuples()
            ]
        if field == "team":
            teams = sorted(str(t) for t in ds.people["team"].dropna().unique())
            return [("—", None)] + [(t, t) for t in teams]
        if field == "product":
            return [("—", None)] + [(p, p) for p in _products(ds)]
        raise ValueError(f"unknown picker '{field}'")

    def set(self, field: str, value) -> Selection:
        """Change one picker's value; returns the new selection."""
        if field not in {f.name for f in fields(Selection)}:
            raise ValueError(f"unknown picker '{field}'")
        allowed = [v for _, v in self.options(field)]
        if value not in allowed:
            raise ValueError(f"'{value}' is not a choice for {field}")
        self.selection = replace(self.selection, **{field: value})
        return self.selection

    def pm_ids(self) -> list[str]:
        """The PMs the selection covers (one PM, a team's PMs, a product's PMs, or all)."""
        s, people = self.selection, self.ds.people
        keep = pd.Series(True, index=people.index)
        if s.pm:
            keep &= people["pm_id"] == s.pm
        if s.team:
            keep &= people["team"] == s.team
        if s.product and "products" in people:
            keep &= people["products"].map(lambda v: isinstance(v, tuple | list) and s.product in v)
        return sorted(str(p) for p in people.loc[keep, "pm_id"])

    def filter(self, frame: pd.DataFrame, column: str = "pm_id") -> pd.DataFrame:
        """Rows of `frame` for the selected PMs (frames without the column are returned whole)."""
        if column not in frame or not (
            self.selection.pm or self.selection.team or self.selection.product
        ):
            return frame
        return frame[frame[column].isin(self.pm_ids())]
