"""Computed sentences for the reports, in the report's language (text from the string catalogues).

Every number in a sentence is computed from the data; user text (names, comments) goes through
`md` so it shows as text in the Markdown output.
"""

from kpi_helpers.report.narrative.base import (
    alt_bars,
    alt_matrix,
    heading,
    intro,
    join,
    md,
    num,
    pm_pages_note,
    sentences,
    signed,
    title,
)
from kpi_helpers.report.narrative.feedback import (
    comments_markdown,
    feedback_summary,
    metric_changes,
    sentiment_summary,
    themes_summary,
    ticket_summary,
)
from kpi_helpers.report.narrative.results import (
    alt_lights,
    alt_trend,
    dimensions_summary,
    evaluation_summary,
    lights_summary,
    movers_summary,
    new_and_retired,
    noise_summary,
    one_kpi_history,
    one_trend,
    pm_summary,
    proposal_summary,
    review_summary,
    trend_summary,
)
from kpi_helpers.report.narrative.strategy import (
    alt_tree,
    ambition_summary,
    changes_summary,
    goals_summary,
    kpi_set_summary,
    lint_summary,
    shares_summary,
    strategy_summary,
    tree_summary,
    weights_summary,
)

__all__ = [
    "alt_bars", "alt_lights", "alt_matrix", "alt_tree", "alt_trend", "ambition_summary",
    "changes_summary", "comments_markdown", "dimensions_summary", "evaluation_summary",
    "feedback_summary", "goals_summary", "heading", "intro", "join", "kpi_set_summary",
    "lights_summary", "lint_summary", "md", "metric_changes", "movers_summary", "new_and_retired", "noise_summary", "one_kpi_history", "one_trend", "pm_pages_note",
    "num", "pm_summary", "proposal_summary", "review_summary", "sentences", "sentiment_summary",
    "shares_summary", "signed", "strategy_summary", "themes_summary", "ticket_summary", "title", "tree_summary",
    "trend_summary",
    "weights_summary",
]  # fmt: skip
