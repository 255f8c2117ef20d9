"""company.yaml's review settings: the final rating's weights and the calibration guideline.

Both are plain mappings of names to numbers; no formula text is read or evaluated.

    final_score: {kpi: 70, reviews: 20, self: 10}     # weights; default: the KPI total alone
    calibration: {S: 10, A: 25, B: 40, C: 15, D: 10}   # percent of PMs per band (optional)
"""

from __future__ import annotations

import math

from kpi_helpers.errors import Problem

FINAL_SCORE_PARTS = ("kpi", "reviews", "self")
DEFAULT_FINAL_SCORE: tuple[tuple[str, float], ...] = (("kpi", 100.0),)
LINE = "__line__"  # the key under which company.yaml's loader keeps each mapping's line


def _weights(raw, key: str, allowed, fname: str, problems: list[Problem]) -> dict[str, float]:
    """A mapping of allowed names to finite numbers >= 0; each broken entry is one problem."""
    if not isinstance(raw, dict):
        problems.append(
            Problem(fname, None, key, f"{key} must be a mapping such as {{{allowed[0]}: 70}}")
        )
        return {}
    out = {}
    for name, value in raw.items():
        if name == LINE:
            continue
        line = raw.get(LINE)
        if str(name) not in allowed:
            problems.append(
                Problem(fname, line, key, f"'{name}' is not one of {', '.join(allowed)}; remove it")
            )
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or number < 0:
            problems.append(
                Problem(
                    fname,
                    line,
                    f"{key}.{name}",
                    f"'{value}' is not a number of 0 or more; write a plain number such as 20",
                )
            )
            continue
        out[str(name)] = number
    return out


def parse_review_settings(
    doc: dict, band_names: list[str], fname: str, problems: list[Problem]
) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...] | None]:
    """(final_score weights, calibration guideline or None) from company.yaml's top level."""
    final = DEFAULT_FINAL_SCORE
    if doc.get("final_score") is not None:
        weights = _weights(doc["final_score"], "final_score", FINAL_SCORE_PARTS, fname, problems)
        if weights and sum(weights.values()) > 0:
            final = tuple(weights.items())
        elif weights:
            problems.append(
                Problem(fname, None, "final_score", "the weights add up to 0; give kpi a weight")
            )
    guideline = None
    if doc.get("calibration") is not None:
        shares = _weights(doc["calibration"], "calibration", tuple(band_names), fname, problems)
        total = sum(shares.values())
        if shares and abs(total - 100) > 0.5:
            problems.append(
                Problem(
                    fname,
                    None,
                    "calibration",
                    f"the band percentages add up to {total:g}, not 100; correct them",
                )
            )
        elif shares:
            guideline = tuple(shares.items())
    return final, guideline
