"""Review acceptance state: accept or reject each proposed adjustment, export the accepted ones."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_helpers.widgets.fragments import save_targets, targets_fragment

DECISIONS = ("pending", "accepted", "rejected")


class ReviewDecisions:
    """A proposal for the next period's targets with one decision per proposed KPI.

    Args:
        proposal: rows of the review proposal (kpi_id, threshold, target, stretch, reason; other
            columns such as pm_id or old_target are kept for display). With review.py's
            `changed` column only the rows that change a number are offered for a decision.
        period: the period the proposed targets are for (the next period).
    """

    def __init__(self, proposal: pd.DataFrame, period: str):
        self.period = period
        if "changed" in proposal:
            proposal = proposal[proposal["changed"].astype(bool)]
        self.proposal = proposal.reset_index(drop=True).copy()
        if "kpi_id" not in self.proposal:
            raise ValueError("the proposal needs a kpi_id column")
        self._decision = {str(k): "pending" for k in self.proposal["kpi_id"]}

    def decide(self, kpi_id: str, decision: str) -> pd.DataFrame:
        """Record `accepted`, `rejected` or `pending` for one KPI; returns decisions()."""
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(DECISIONS)}, not '{decision}'")
        if kpi_id not in self._decision:
            raise KeyError(f"KPI '{kpi_id}' is not in the proposal")
        self._decision[kpi_id] = decision
        return self.decisions()

    def accept(self, kpi_id: str) -> pd.DataFrame:
        return self.decide(kpi_id, "accepted")

    def reject(self, kpi_id: str) -> pd.DataFrame:
        return self.decide(kpi_id, "rejected")

    def accept_all(self) -> pd.DataFrame:
        for k in self._decision:
            self._decision[k] = "accepted"
        return self.decisions()

    def decision(self, kpi_id: str) -> str:
        return self._decision[kpi_id]

    def decisions(self) -> pd.DataFrame:
        """The proposal with a `decision` column."""
        out = self.proposal.copy()
        out["decision"] = out["kpi_id"].astype(str).map(self._decision)
        return out

    def counts(self) -> dict[str, int]:
        values = list(self._decision.values())
        return {d: values.count(d) for d in DECISIONS}

    def accepted(self) -> pd.DataFrame:
        """The accepted adjustments as targets.csv rows for the proposal's period.

        Rows without any threshold, target or stretch (a proposal to retire a KPI, say) have no
        place in targets.csv and are left out.
        """
        d = self.decisions()
        d = d[d["decision"] == "accepted"]
        if "in_fragment" in d:
            d = d[d["in_fragment"].astype(bool)]
        levels = [c for c in ("threshold", "target", "stretch") if c in d]
        if levels:
            d = d[d[levels].notna().any(axis=1)]
        return targets_fragment(d, self.period)

    def save(self, data_dir: Path) -> Path | None:
        """Write the accepted rows to a new `data_dir/review/targets_<period>_<time>.csv`.

        Returns None when nothing is accepted; never modifies targets.csv.
        """
        rows = self.accepted()
        if rows.empty:
            return None
        return save_targets(rows, data_dir, self.period, folder="review")
