"""Report figures: functions that take DataFrames and return matplotlib Figures (no I/O)."""

from kpi_helpers.report.plots.feedback import (
    feedback_volume,
    metric_intervals,
    sentiment_shares,
    theme_bars,
)
from kpi_helpers.report.plots.scores import (
    contributions,
    kpi_scores,
    pm_totals,
    score_history,
    totals_trend,
)
from kpi_helpers.report.plots.strategy import (
    dimension_heatmap,
    goal_tree,
    objective_weights,
    target_ambition,
)

__all__ = [
    "contributions",
    "dimension_heatmap",
    "feedback_volume",
    "goal_tree",
    "kpi_scores",
    "metric_intervals",
    "objective_weights",
    "pm_totals",
    "score_history",
    "sentiment_shares",
    "target_ambition",
    "theme_bars",
    "totals_trend",
]
