"""Checks of score cells against their question's scale: star ratings read as NPS, half points."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

# ★★★★☆, 4星, 4 stars, 4颗星: a star rating (1-5), not an answer to the 0-10 NPS question
_STARS = re.compile(r"^\s*(?:[★☆]+|\d+(?:\.\d+)?\s*(?:颗?星|stars?|★))\s*$", re.IGNORECASE)


def star_style(cells: pd.Series) -> pd.Series:
    """True for cells written as a star rating."""
    return cells.map(
        lambda v: isinstance(v, str) and bool(_STARS.match(unicodedata.normalize("NFKC", v)))
    ).astype(bool)


def score_cell_checks(
    field: str, cells: pd.Series, values: pd.Series
) -> list[tuple[pd.Series, pd.Series | str, bool]]:
    """(cells flagged, message, excluded) for score cells that read but do not fit the question.

    NPS is a whole number 0-10: a star rating mapped to it is a warning (the column probably
    belongs to csat), a fractional answer such as 9.5 is excluded.
    """
    if field != "nps":
        return []
    stars = star_style(cells) & values.notna()
    fraction = values.notna() & ~stars & (values % 1 != 0)
    return [
        (
            stars,
            "'" + cells + "' is a star rating, but nps is the 0-10 recommend question; "
            "map this column to csat with scale [1, 5] if it holds stars",
            False,
        ),
        (
            fraction,
            values.map(lambda v: f"{v:g}")
            + " is not a whole number; NPS answers are whole numbers 0-10; excluded",
            True,
        ),
    ]
