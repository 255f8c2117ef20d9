"""The optional final rating: the KPI total, the 360 mean and the self rating, weighted.

Ratings on the 1-5 scale are mapped to points the way a KPI's levels are: 2 ("partly meets") is
the threshold, 60 points; 3 ("meets") is the target, 100; 5 ("far exceeds") is the stretch,
120; 1 is 0; linear in between (so 4 is 110). A part that is missing for a PM (no 360 scores, no
self rating) is left out and the remaining weights are scaled up; the row says which parts were
used. Only weights are read from company.yaml: no formula text is ever evaluated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RATING_POINTS = ((1.0, 0.0), (2.0, 60.0), (3.0, 100.0), (5.0, 120.0))
PARTS = ("kpi", "reviews", "self")


def rating_points(rating) -> np.ndarray:
    """Points for ratings on the 1-5 scale (NaN stays NaN)."""
    x, y = zip(*RATING_POINTS, strict=True)
    r = np.asarray(rating, dtype="float64")
    return np.where(np.isnan(r), np.nan, np.interp(r, x, y))


def final_scores(
    totals: pd.DataFrame,
    review_means: pd.Series,
    self_ratings: pd.Series,
    weights: dict[str, float],
) -> pd.DataFrame:
    """The final score of every PM in `totals`.

    Args:
        totals: pm_totals rows (pm_id, total in points).
        review_means: each PM's mean 360 score (1-5), by pm_id.
        self_ratings: each PM's self rating (1-5), by pm_id.
        weights: {"kpi": w, "reviews": w, "self": w}; missing keys weigh 0.

    Returns:
        pm_id, kpi_points, reviews_points, self_points, final (points), parts (the parts used,
        ';'-separated).
    """
    ids = totals["pm_id"].astype(str).to_numpy()
    points = {
        "kpi": totals["total"].to_numpy(dtype="float64"),
        "reviews": rating_points(review_means.reindex(ids).to_numpy(dtype="float64")),
        "self": rating_points(self_ratings.reindex(ids).to_numpy(dtype="float64")),
    }
    w = np.array([[float(weights.get(p, 0.0))] * len(ids) for p in PARTS])
    v = np.vstack([points[p] for p in PARTS])
    used = (w > 0) & ~np.isnan(v)
    wsum = np.where(used, w, 0.0).sum(axis=0)
    final = np.where(wsum > 0, np.where(used, w * np.nan_to_num(v), 0.0).sum(axis=0) / wsum, np.nan)
    parts = [
        ";".join(p for p, u in zip(PARTS, used[:, i], strict=True) if u) for i in range(len(ids))
    ]
    return pd.DataFrame(
        {
            "pm_id": ids,
            "kpi_points": points["kpi"],
            "reviews_points": points["reviews"],
            "self_points": points["self"],
            "final": final,
            "parts": parts,
        }
    )
