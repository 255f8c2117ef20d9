"""The company model read from company.yaml: objectives and goals with their periods, the scoring policy, the rating bands and the review settings."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpi_helpers.data.review_settings import DEFAULT_FINAL_SCORE
from kpi_helpers.periods import active_in


@dataclass(frozen=True)
class Goal:
    id: str
    name: str
    objective_id: str
    name_en: str | None = None
    period_from: str | None = None
    period_to: str | None = None


@dataclass(frozen=True)
class Objective:
    id: str
    name: str
    weight: float
    goals: tuple[Goal, ...] = ()
    name_en: str | None = None
    period_from: str | None = None
    period_to: str | None = None


@dataclass(frozen=True)
class ScoringPolicy:
    threshold_points: float = 60.0
    target_points: float = 100.0
    stretch_points: float = 120.0
    missing: str = "exclude"  # or "zero"
    min_coverage: float = 0.8  # below this scored share of KPI weight a PM gets no band


DEFAULT_BANDS: tuple[tuple[str, float], ...] = (
    ("S", 110.0),
    ("A", 100.0),
    ("B", 85.0),
    ("C", 70.0),
    ("D", float("-inf")),
)


@dataclass(frozen=True)
class Company:
    name: str
    cadence: str = "quarter"
    objectives: tuple[Objective, ...] = ()
    policy: ScoringPolicy = field(default_factory=ScoringPolicy)
    bands: tuple[tuple[str, float], ...] = DEFAULT_BANDS
    language: str = "zh"
    name_en: str | None = None
    final_score: tuple[tuple[str, float], ...] = DEFAULT_FINAL_SCORE  # (part, weight)
    calibration: tuple[tuple[str, float], ...] | None = None  # (band, percent of PMs)

    def display_name(self, lang: str = "zh") -> str:
        return (self.name_en or self.name) if lang == "en" else self.name

    def goals_frame(self) -> pd.DataFrame:
        """One row per goal: objective_id, goal_id, names, objective weight, active periods."""
        rows = [
            {
                "objective_id": o.id,
                "objective_name": o.name,
                "objective_name_en": o.name_en,
                "objective_weight": o.weight,
                "goal_id": g.id,
                "goal_name": g.name,
                "goal_name_en": g.name_en,
                "period_from": g.period_from or o.period_from,
                "period_to": g.period_to or o.period_to,
            }
            for o in self.objectives
            for g in o.goals
        ]
        cols = [
            "objective_id",
            "objective_name",
            "objective_name_en",
            "objective_weight",
            "goal_id",
            "goal_name",
            "goal_name_en",
            "period_from",
            "period_to",
        ]
        return pd.DataFrame(rows, columns=cols)

    def objectives_frame(self, period: str | None = None) -> pd.DataFrame:
        rows = [
            {
                "objective_id": o.id,
                "name": o.name,
                "name_en": o.name_en,
                "weight": o.weight,
                "period_from": o.period_from,
                "period_to": o.period_to,
            }
            for o in self.objectives
            if period is None or active_in(period, o.period_from, o.period_to)
        ]
        return pd.DataFrame(
            rows, columns=["objective_id", "name", "name_en", "weight", "period_from", "period_to"]
        )

    def active_goal_ids(self, period: str) -> set[str]:
        return {
            g.id
            for o in self.objectives
            if active_in(period, o.period_from, o.period_to)
            for g in o.goals
            if active_in(period, g.period_from, g.period_to)
        }

    def band_of(self, score: float) -> str | None:
        if score is None or pd.isna(score):
            return None
        for name, low in self.bands:
            if score >= low:
                return name
        return self.bands[-1][0]
