"""`kpi-workbook review`: adjustment findings across periods and next period's proposed targets.

--format table (in the company's language), json (the contract's shape, English messages) or csv
(the targets.csv fragment). --proposal-out FILE writes the fragment to a new file.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pandas as pd

from kpi_helpers.cli.common import choose_period, load, print_json, print_table, records
from kpi_helpers.engine.review import FRAGMENT_COLUMNS, Review, review_period
from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.report.findings_text import finding_messages, fmt_number, proposal_reasons

FINDING_FIELDS = ["kind", "severity", "kpi_id", "pm_id", "objective_id", "message"]
PROPOSAL_FIELDS = ["kpi_id", "threshold", "target", "stretch", "reason"]
EFFECT_FIELDS = [
    "pm_id", "total_now", "band_now", "total_under_proposal", "band_under_proposal",
    "up_by_retargeting",
]  # fmt: skip


def fragment_csv(fragment: pd.DataFrame) -> str:
    """The fragment as CSV text with numbers written as people write them (no 103000.0)."""
    out = fragment[FRAGMENT_COLUMNS].copy()
    for col in ("target", "threshold", "stretch"):
        out[col] = [fmt_number(v) if pd.notna(v) else "" for v in out[col]]
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def write_fragment(review: Review, path: Path) -> None:
    """Write the fragment to a new file; an existing file is never overwritten."""
    if path.exists():
        raise KpiWorkbookError(
            f"{path} already exists; choose a new file name for --proposal-out or delete the old one"
        )
    try:
        path.write_text(fragment_csv(review.fragment), encoding="utf-8")
    except OSError as e:
        raise KpiWorkbookError(
            f"cannot write {path} ({e.strerror}); check the folder exists and is writable"
        ) from None


def main(args) -> int:
    ds = load(args)
    period = choose_period(ds, args.period)
    result = review_period(ds, period)
    if args.proposal_out:
        write_fragment(result, Path(args.proposal_out))
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
        sys.stdout.write(fragment_csv(result.fragment))
    else:
        lang = "zh" if ds.company.language == "zh" else "en"
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
