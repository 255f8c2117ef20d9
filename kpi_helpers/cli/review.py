"""`kpi-workbook review`: adjustment findings across periods and next period's proposed targets.

--format table (in the company's language), json (the contract's shape, English messages) or csv
(the targets.csv fragment). --proposal-out FILE writes the fragment to a new file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from kpi_helpers.cli.common import choose_period, load, print_json, print_table, records
from kpi_helpers.data.fragments import fragment_csv, target_columns, write_fragment
from kpi_helpers.engine.review import FRAGMENT_COLUMNS, Review, review_period
from kpi_helpers.report.findings_text import finding_messages, proposal_reasons
from kpi_helpers.report.i18n import report_language

FINDING_FIELDS = ["kind", "severity", "kpi_id", "pm_id", "objective_id", "message"]
PROPOSAL_FIELDS = ["kpi_id", "threshold", "target", "stretch", "reason"]
EFFECT_FIELDS = [
    "pm_id", "total_now", "band_now", "total_under_proposal", "band_under_proposal",
    "up_by_retargeting",
]  # fmt: skip


def fragment_rows(review: Review) -> pd.DataFrame:
    """The fragment's rows with each KPI's direction, so that the writer can check their order."""
    p = review.proposal
    rows = p[p["in_fragment"]] if "in_fragment" in p else p
    return rows[[*FRAGMENT_COLUMNS, "direction"]].sort_values("kpi_id").reset_index(drop=True)


def main(args) -> int:
    ds = load(args)
    period = choose_period(ds, args.period)
    result = review_period(ds, period)
    if args.proposal_out:
        write_fragment(fragment_rows(result), Path(args.proposal_out), data_dir=Path(args.data))
        print(
            f"wrote {len(result.fragment)} rows for {result.next_period} to {args.proposal_out}; "
            "append them to targets.csv, then run: kpi-workbook validate",
            file=sys.stderr,
        )
    if args.format == "json":
        print_json(
            {
                "period": period,
                "findings": records(
                    result.findings.assign(message=finding_messages(result.findings, "en")),
                    FINDING_FIELDS,
                ),
                "proposal": records(
                    result.proposal.assign(reason=proposal_reasons(result.proposal, "en")),
                    PROPOSAL_FIELDS,
                ),
                "effect": records(result.effect, EFFECT_FIELDS),
            }
        )
    elif args.format == "csv":
        sys.stdout.write(fragment_csv(fragment_rows(result), target_columns(args.data)))
    else:
        lang = report_language(None, ds.company.language)
        findings = result.findings.assign(message=finding_messages(result.findings, lang))
        if len(findings):
            print_table(
                findings[["severity", "kind", "pm_id", "kpi_id", "objective_id", "message"]],
                f"Review {period}: {len(findings)} findings",
            )
        else:
            print(f"Review {period}: no findings")
        print()
        proposal = result.proposal.assign(reason=proposal_reasons(result.proposal, lang))
        cols = ["pm_id", "kpi_id", "old_threshold", "old_target", "old_stretch", "threshold"]
        print_table(
            proposal[[*cols, "target", "stretch", "action", "reason"]],
            f"Proposed targets for {result.next_period}",
        )
        print()
        print_table(
            result.effect[EFFECT_FIELDS],
            f"Totals of {period} scored with the proposed targets",
        )
    return 0
