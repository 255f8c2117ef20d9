"""Customer-feedback analytics: ingest any export, metrics with intervals, sentiment, themes."""

from .ingest import Mapping, fitting_mappings, load_feedback, load_mapping, shipped_mappings

__all__ = ["Mapping", "fitting_mappings", "load_feedback", "load_mapping", "shipped_mappings"]
