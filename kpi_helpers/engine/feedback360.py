"""360-degree reviews of one PM: means against the company, and comments only where raters stay anonymous.

A role's comments are shown only when at least `min_raters` distinct people of that role rated
the PM in the period. Smaller roles are pooled as "other raters" when the pool reaches
`min_raters`; what is left is withheld and only counted. Raters are told apart by `rater_id`
when the file has it; without it, the number of raters of a role is the largest number of
scores that role gave on any one dimension (each rater scores a dimension once), a count that
can only be too low, never too high, so anonymity errs on the safe side.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

MIN_RATERS = 3
POOLED = "other"
SELF_ROLE = "self"  # a PM scoring themselves in reviews.csv: not a colleague's view


@dataclass(frozen=True)
class Comments:
    """The comments a PM's page may show, by role (or POOLED), and how many were withheld."""

    shown: pd.DataFrame  # role, comment, dimension (rater_id never included)
    withheld: int
    raters: dict[str, int]  # distinct raters per role


def rater_counts(rows: pd.DataFrame) -> dict[str, int]:
    """Distinct raters per role in `rows` (one PM, one period)."""
    if rows.empty:
        return {}
    if "rater_id" in rows and rows["rater_id"].notna().all():
        return {str(r): int(n) for r, n in rows.groupby("rater_role")["rater_id"].nunique().items()}
    per_dim = rows.groupby(["rater_role", "dimension"]).size()
    return {str(r): int(n) for r, n in per_dim.groupby(level=0).max().items()}


def visible_comments(
    reviews: pd.DataFrame, period: str, pm_id: str, min_raters: int = MIN_RATERS
) -> Comments:
    """The comments of `pm_id` in `period` that keep their authors anonymous.

    Args:
        reviews: reviews.csv as loaded (period, pm_id, dimension, rater_role, score, comment,
            optional rater_id).
        min_raters: the smallest group of distinct raters whose comments may be shown.

    Returns:
        Comments with the shown rows (role, dimension, comment), the number withheld and the
        rater counts per role.
    """
    rows = reviews[(reviews["period"] == period) & (reviews["pm_id"] == pm_id)]
    counts = rater_counts(rows)
    has_text = rows["comment"].notna() & rows["comment"].astype("string").str.strip().ne("")
    texts = rows[has_text.fillna(False).to_numpy(dtype=bool)]
    big = {r for r, n in counts.items() if n >= min_raters}
    small = {r for r, n in counts.items() if n < min_raters}
    pooled = sum(counts[r] for r in small) >= min_raters
    keep = texts["rater_role"].isin(big) | (texts["rater_role"].isin(small) & pooled)
    shown = texts[keep.to_numpy(dtype=bool)]
    role = [r if r in big else POOLED for r in shown["rater_role"]]
    out = pd.DataFrame(
        {
            "role": role,
            "dimension": shown["dimension"].to_numpy(),
            "comment": shown["comment"].to_numpy(),
        }
    )
    order = {r: i for i, r in enumerate(sorted(big))} | {POOLED: len(big)}
    out = out.assign(_o=out["role"].map(order)).sort_values(["_o", "dimension"], kind="stable")
    return Comments(out.drop(columns="_o").reset_index(drop=True), int((~keep).sum()), counts)


def score_summary(reviews: pd.DataFrame, period: str, pm_id: str) -> pd.DataFrame:
    """Mean 360 score per dimension and role for `pm_id`, beside the company's mean.

    Returns:
        One row per (dimension, rater_role) the PM was rated on: mean, n (scores) and
        company_mean (all PMs of the period, same dimension and role).
    """
    now = reviews[reviews["period"] == period]
    cols = ["dimension", "rater_role", "mean", "n", "company_mean"]
    if now.empty:
        return pd.DataFrame(columns=cols)
    company = now.groupby(["dimension", "rater_role"])["score"].mean().rename("company_mean")
    mine = now[now["pm_id"] == pm_id].groupby(["dimension", "rater_role"])["score"]
    out = pd.concat([mine.mean().rename("mean"), mine.size().rename("n")], axis=1)
    out = out.join(company, how="left").reset_index()
    return out[cols].astype({"mean": "float64", "n": "int64", "company_mean": "float64"})


def pm_means(reviews: pd.DataFrame, period: str) -> pd.Series:
    """Each PM's mean 360 score in the period (all dimensions, every role but the PM's own
    `self` scores, whose place is the self rating of assessments.csv), by pm_id."""
    now = reviews[(reviews["period"] == period) & (reviews["rater_role"] != SELF_ROLE)]
    return now.groupby("pm_id")["score"].mean().astype("float64")
