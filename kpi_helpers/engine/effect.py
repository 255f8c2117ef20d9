"""What a proposal would do to each PM: this period's actuals scored with the proposed levels.

A PM whose band would rise by re-targeting alone (same actuals, easier levels) is flagged, so the
head of product management sees the consequence of accepting the proposal before accepting it.
"""

from __future__ import annotations

import pandas as pd

from kpi_helpers.data.company import Company
from kpi_helpers.engine.findings import finding
from kpi_helpers.engine.scoring import kpi_targets, pm_totals, scorecard

EFFECT_COLUMNS = [
    "pm_id", "total_now", "band_now", "total_under_proposal", "band_under_proposal",
    "up_by_retargeting",
]  # fmt: skip


def proposed_targets(
    kpis: pd.DataFrame, targets: pd.DataFrame, proposal: pd.DataFrame, period: str
) -> pd.DataFrame:
    """targets.csv rows for `period` carrying the proposed levels (the others unchanged)."""
    now = kpi_targets(kpis, targets, period)[["kpi_id", "threshold", "target", "stretch"]]
    new = proposal.drop_duplicates("kpi_id").set_index("kpi_id")
    ids = now["kpi_id"].astype(object)
    has = ids.isin(new.index).to_numpy(dtype=bool)
    rows = pd.DataFrame({"period": period, "kpi_id": ids.to_numpy()})
    for col in ("threshold", "target", "stretch"):
        proposed = ids.map(new[col].astype("float64")).to_numpy(dtype="float64")
        rows[col] = pd.Series(proposed).where(has, now[col].to_numpy(dtype="float64")).to_numpy()
    rest = targets[targets["period"] != period][["period", "kpi_id", *rows.columns[2:]]]
    return pd.concat([rest.astype(rows.dtypes.to_dict()), rows], ignore_index=True)


def proposal_effect(
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    company: Company,
    period: str,
    proposal: pd.DataFrame,
) -> pd.DataFrame:
    """One row per PM: total and band now, and with the proposed levels on the same actuals.

    `up_by_retargeting` is true when the band under the proposal ranks above the band now.
    """
    policy = company.policy
    now = pm_totals(scorecard(kpis, targets, actuals, period, policy), company)
    moved = proposed_targets(kpis, targets, proposal, period)
    under = pm_totals(scorecard(kpis, moved, actuals, period, policy), company)
    out = now[["pm_id", "total", "band"]].merge(
        under[["pm_id", "total", "band"]], on="pm_id", suffixes=("_now", "_under_proposal")
    )
    rank = {b: i for i, (b, _) in enumerate(company.bands)}
    out["up_by_retargeting"] = [
        a in rank and b in rank and rank[b] < rank[a]
        for a, b in zip(out["band_now"], out["band_under_proposal"], strict=True)
    ]
    for col in ("band_now", "band_under_proposal"):
        out[col] = out[col].astype("object").where(out[col].notna(), None)
    return out[EFFECT_COLUMNS].reset_index(drop=True)


def effect_findings(effect: pd.DataFrame, period: str) -> list[dict]:
    """A warning for every PM whose band would rise by re-targeting alone."""
    return [
        finding(
            "band_up_by_retargeting",
            "warning",
            pm_id=r.pm_id,
            period=period,
            band_now=r.band_now,
            band_under_proposal=r.band_under_proposal,
        )
        for r in effect[effect["up_by_retargeting"]].itertuples(index=False)
    ]
