"""The scale a KPI's values live on: what a proposed level may not go beyond."""

from __future__ import annotations

import numpy as np

from kpi_helpers.engine.derive import parse_source
from kpi_helpers.engine.trends import PERCENT_UNITS

# Scales that a KPI's data source fixes, whatever its unit says: (lowest, highest).
_SOURCE_SCALES = {
    ("feedback", "nps"): (-100.0, 100.0),
    ("feedback", "csat"): (0.0, 100.0),
    ("feedback", "ces"): (1.0, 7.0),
    ("feedback", "resolved_14d"): (0.0, 100.0),
    ("reviews", None): (1.0, 5.0),
}


def better_bounds(unit, s: float, nonnegative: bool, data_source=None) -> tuple[float, float]:
    """(worst, best) allowed values in better space: 0..100 for %, the scale of a derived KPI
    (NPS -100..100, review scores 1..5), 0 upwards for values never seen below 0."""
    pct = isinstance(unit, str) and unit.strip().lower() in PERCENT_UNITS
    lo_real, hi_real = (0.0 if (pct or nonnegative) else -np.inf), (100.0 if pct else np.inf)
    src = parse_source(data_source)
    if src is not None:
        kind, metric = src[0], src[1]
        scale = _SOURCE_SCALES.get((kind, metric)) or _SOURCE_SCALES.get((kind, None))
        if scale:
            lo_real, hi_real = scale
    return (lo_real, hi_real) if s > 0 else (-hi_real, -lo_real)
