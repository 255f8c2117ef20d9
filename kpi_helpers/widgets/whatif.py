"""What-if state: try other threshold / target / stretch values and weights, see scores move.

Plain Python, no widgets: the panel in `ui.py` calls these methods from its slider callbacks,
and tests call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_helpers.data.company import Company
from kpi_helpers.data.fragments import check_order, targets_fragment
from kpi_helpers.engine.review import COUNT_UNITS
from kpi_helpers.engine.scoring import pm_totals, score_values
from kpi_helpers.widgets.fragments import WEIGHT_COLUMNS, save_targets, write_new_csv

LEVELS = ("threshold", "target", "stretch")


@dataclass
class KpiView:
    """One KPI before and after the tried values."""

    kpi_id: str
    pm_id: str
    direction: str
    actual: float
    before: dict
    after: dict
    score_before: float
    score_after: float
    problem: str | None


def rank_of(totals: pd.Series) -> pd.Series:
    """Rank 1 = highest total; ties share the better rank; unscored PMs get no rank."""
    return totals.rank(ascending=False, method="min").astype("Int64")


class WhatIf:
    """A scorecard whose targets and weights can be changed without touching the data.

    Args:
        card: the period's scorecard (scoring.scorecard or evaluate_period(...).card).
        company: for the scoring policy and the bands.
        period: the period the tried targets are for.
    """

    def __init__(self, card: pd.DataFrame, company: Company, period: str):
        self.company = company
        self.period = period
        self.original = card.reset_index(drop=True).copy()
        self.original["weight"] = self.original["weight"].astype("float64")
        self.card = self.original.copy()
        self._rescore()

    # -- changing values -------------------------------------------------------------------
    def set_level(self, kpi_id: str, level: str, value: float | None) -> pd.DataFrame:
        """Set a KPI's threshold, target or stretch (None clears the stretch); returns totals()."""
        if level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not '{level}'")
        i = self._row(kpi_id)
        self.card.loc[i, level] = np.nan if value is None else float(value)
        self._rescore()
        return self.totals()

    def set_threshold(self, kpi_id: str, value: float) -> pd.DataFrame:
        return self.set_level(kpi_id, "threshold", value)

    def set_target(self, kpi_id: str, value: float) -> pd.DataFrame:
        return self.set_level(kpi_id, "target", value)

    def set_stretch(self, kpi_id: str, value: float | None) -> pd.DataFrame:
        return self.set_level(kpi_id, "stretch", value)

    def set_weight(self, kpi_id: str, value: float) -> pd.DataFrame:
        """Set one KPI's weight; the owner's other KPIs are rescaled so the weights sum to 100.

        The others keep their proportions; if they were all 0 they share the rest equally. A PM
        with one KPI keeps it at 100.
        """
        i = self._row(kpi_id)
        pm = self.card.at[i, "pm_id"]
        mine = self.card.index[self.card["pm_id"] == pm]
        others = mine.drop(i)
        if len(others) == 0:
            self.card.loc[i, "weight"] = 100.0
        else:
            w = float(min(max(value, 0.0), 100.0))
            rest = 100.0 - w
            old = self.card.loc[others, "weight"].clip(lower=0.0)
            share = old / old.sum() if old.sum() > 0 else pd.Series(1.0 / len(others), others)
            self.card.loc[i, "weight"] = w
            self.card.loc[others, "weight"] = (share * rest).astype("float64")
        self._rescore()
        return self.totals()

    def reset(self, kpi_id: str | None = None) -> pd.DataFrame:
        """Back to the data's values, for one KPI's levels or for everything."""
        if kpi_id is None:
            self.card = self.original.copy()
        else:
            i = self._row(kpi_id)
            for col in LEVELS:
                self.card.loc[i, col] = self.original.at[i, col]
        self._rescore()
        return self.totals()

    # -- reading results -------------------------------------------------------------------
    def weights(self, pm_id: str) -> pd.Series:
        """The PM's KPI weights now, indexed by kpi_id (they sum to 100)."""
        mine = self.card[self.card["pm_id"] == pm_id]
        return mine.set_index("kpi_id")["weight"]

    def totals(self) -> pd.DataFrame:
        """Per PM: total, band and rank before and after the tried values, and the change."""
        before = pm_totals(self.original, self.company)[["pm_id", "total", "band"]]
        after = pm_totals(self.card, self.company)[["pm_id", "total", "band"]]
        before["rank"] = rank_of(before["total"])
        after["rank"] = rank_of(after["total"])
        out = before.merge(after, on="pm_id", suffixes=("_before", ""))
        out["change"] = out["total"] - out["total_before"]
        cols = ["pm_id", "total_before", "band_before", "rank_before", "total", "band", "rank"]
        return out[cols + ["change"]]

    def pm_total(self, pm_id: str) -> dict:
        """One PM's row of totals() as a dict."""
        row = self.totals().set_index("pm_id").loc[pm_id]
        return {"pm_id": pm_id, **row.to_dict()}

    def kpi(self, kpi_id: str) -> KpiView:
        """A KPI's levels and score before and after, with a sentence if the levels are out of order."""
        i = self._row(kpi_id)
        o, n = self.original.loc[i], self.card.loc[i]
        return KpiView(
            kpi_id=kpi_id,
            pm_id=str(n["pm_id"]),
            direction=str(n["direction"]),
            actual=float(n["actual"]),
            before={c: _num(o[c]) for c in LEVELS},
            after={c: _num(n[c]) for c in LEVELS},
            score_before=_num(o["score"]),
            score_after=_num(n["score"]),
            problem=order_problem(n["threshold"], n["target"], n["stretch"], n["direction"]),
        )

    def kpi_ids(self, pm_id: str | None = None) -> list[str]:
        c = self.card if pm_id is None else self.card[self.card["pm_id"] == pm_id]
        return [str(k) for k in c["kpi_id"]]

    def changed_targets(self) -> pd.DataFrame:
        """KPIs whose threshold, target or stretch differ from the data: targets.csv rows."""
        o, n = self.original[list(LEVELS)], self.card[list(LEVELS)]
        same = (o.eq(n) | (o.isna() & n.isna())).all(axis=1)
        return self.card.loc[~same, ["kpi_id", *LEVELS, "direction"]].reset_index(drop=True)

    def tried_changes(self) -> int:
        """How many values differ from the data: one per changed level, one per changed weight."""
        o, n = self.original[list(LEVELS)], self.card[list(LEVELS)]
        levels = int((~(o.eq(n) | (o.isna() & n.isna()))).to_numpy().sum())
        weights = int(((self.card["weight"] - self.original["weight"]).abs() > 1e-9).sum())
        return levels + weights

    def unit(self, kpi_id: str) -> str:
        """The KPI's unit as written in kpis.csv (empty when not given)."""
        v = self.card.at[self._row(kpi_id), "unit"] if "unit" in self.card else None
        return "" if v is None or pd.isna(v) else str(v)

    def changed_weights(self) -> pd.DataFrame:
        """Weights of every PM whose weights were changed (kpi_id, owner, weight).

        Weights are rounded to 0.1 so that each PM's still sum to exactly 100.
        """
        diff = (self.card["weight"] - self.original["weight"]).abs() > 1e-9
        pms = set(self.card.loc[diff, "pm_id"])
        out = self.card.loc[self.card["pm_id"].isin(pms), ["kpi_id", "pm_id", "weight"]].copy()
        out["weight"] = out.groupby("pm_id")["weight"].transform(round_to_total)
        out = out.rename(columns={"pm_id": "owner"})
        return out[WEIGHT_COLUMNS].reset_index(drop=True)

    def save(self, data_dir: Path) -> list[Path]:
        """Write the tried targets (and tried weights, if any) to new files under data_dir/whatif/.

        Returns the files written; nothing is written when nothing changed. The data files are
        never modified: copy rows into targets.csv / kpis.csv to adopt them.

        Raises:
            KpiWorkbookError: a tried KPI's levels are out of order (nothing is written).
        """
        written = []
        targets = self.changed_targets()
        check_order(targets_fragment(targets, self.period))
        if len(targets):
            written.append(save_targets(targets, data_dir, self.period))
        weights = self.changed_weights()
        if len(weights):
            written.append(
                write_new_csv(weights, Path(data_dir) / "whatif", f"weights_{self.period}")
            )
        return written

    # -- internals -------------------------------------------------------------------------
    def _row(self, kpi_id: str) -> int:
        hit = self.card.index[self.card["kpi_id"] == kpi_id]
        if len(hit) == 0:
            raise KeyError(f"KPI '{kpi_id}' is not scored in {self.period}")
        return int(hit[0])

    def _rescore(self) -> None:
        c = self.card
        c["score"] = score_values(
            c["actual"], c["threshold"], c["target"], c["stretch"], c["direction"],
            self.company.policy,
        )  # fmt: skip
        if self.company.policy.missing == "zero":
            c.loc[c["missing"].astype(bool), "score"] = 0.0


def round_to_total(values: pd.Series, step: float = 0.1) -> pd.Series:
    """Round to `step` keeping the sum (largest remainders get the leftover steps)."""
    units = values.astype("float64") / step
    floor = np.floor(units + 1e-9)
    left = int(round(units.sum() - floor.sum()))
    order = (units - floor).sort_values(ascending=False, kind="stable").index[:left]
    floor[order] += 1
    return (floor * step).round(6)


def parse_entry(text: str, unit: str = "") -> tuple[float | None, str | None, dict]:
    """A typed level: (value, None, {}) when it is usable, else (None, message key, params).

    Any finite number is accepted, beyond the slider's range too; a KPI counted in people,
    items or times (kpi_helpers.engine.review.COUNT_UNITS) cannot go below 0.
    """
    raw = str(text).strip().replace(",", "").replace("，", "").rstrip("%％").strip()
    try:
        value = float(raw)
    except ValueError:
        return None, "widgets.not_a_number", {"text": str(text).strip()}
    if not np.isfinite(value):
        return None, "widgets.not_finite", {}
    if value < 0 and unit in COUNT_UNITS:
        return None, "widgets.below_zero", {"unit": unit}
    return value, None, {}


def _num(v) -> float:
    return float("nan") if v is None or pd.isna(v) else float(v)


def order_problem(threshold, target, stretch, direction) -> str | None:
    """A sentence when threshold < target < stretch (reversed for `lower`) does not hold."""
    vals = [v for v in (threshold, target, stretch) if v is not None and not pd.isna(v)]
    if len(vals) < 2 or pd.isna(threshold) or pd.isna(target):
        return None
    sign = -1.0 if direction == "lower" else 1.0
    seq = [sign * float(v) for v in vals]
    if all(a < b for a, b in zip(seq, seq[1:], strict=False)):
        return None
    word = "above" if direction == "lower" else "below"
    return f"threshold must be {word} target, and target {word} stretch"
