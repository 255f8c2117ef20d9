"""Customer-feedback analytics: ingest any export, metrics with intervals, sentiment, themes."""

from kpi_helpers.feedback.ingest import load_feedback
from kpi_helpers.feedback.mapping import (
    Mapping,
    fitting_mappings,
    load_mapping,
    shipped_mappings,
)
from kpi_helpers.feedback.metrics import (
    add_period,
    changes,
    feedback_metrics,
    feedback_tables,
    kpi_value,
    with_sentiment,
)
from kpi_helpers.feedback.themes import discover, load_keywords, themes, tokenize

__all__ = [
    "Mapping",
    "add_period",
    "changes",
    "discover",
    "feedback_metrics",
    "feedback_tables",
    "fitting_mappings",
    "kpi_value",
    "load_feedback",
    "load_keywords",
    "load_mapping",
    "shipped_mappings",
    "themes",
    "tokenize",
    "with_sentiment",
]
