"""`kpi-workbook score`: the scorecard of a period as a table, CSV or JSON."""

from __future__ import annotations

import sys

import pandas as pd

from kpi_helpers.cli.common import choose_period, load, print_json, print_table, records
from kpi_helpers.data.params import resolve_pms
from kpi_helpers.data.spreadsheet import csv_text
from kpi_helpers.engine.evaluation import evaluate_period

KPI_FIELDS = [
    "pm_id",
    "kpi_id",
    "dimension",
    "weight",
    "actual",
    "threshold",
    "target",
    "stretch",
    "achievement",
    "score",
    "derived",
]
PM_FIELDS = ["pm_id", "total", "coverage", "band", "incomplete"]


def _warn_lost_actuals(ds, card: pd.DataFrame, period: str) -> None:
    """A KPI with actuals in earlier periods but none in this one: a warning naming it, since
    its PM's total now rests on less data."""
    earlier = ds.actuals[
        ds.actuals["period"].map(lambda p: p < period if isinstance(p, str) else False)
    ]
    lost = card[card["missing"] & card["kpi_id"].isin(set(earlier["kpi_id"]))]
    for r in lost.itertuples(index=False):
        text = (
            f"warning: 指标 {r.kpi_id}（{r.pm_id}）以前各期有实际值，{period} 却没有；"
            "请在 actuals.csv 中补充，或说明缺失原因"
            if ds.company.language == "zh"
            else f"warning: KPI {r.kpi_id} ({r.pm_id}) had actuals before but has none for "
            f"{period}; add it to actuals.csv or record why it is missing"
        )
        print(text, file=sys.stderr)


def main(args) -> int:
    ds = load(args)
    period = choose_period(ds, args.period)
    result = evaluate_period(ds, period)
    card, totals = result.card, result.totals
    _warn_lost_actuals(ds, card, period)
    if args.pm:
        wanted = resolve_pms(ds, args.pm)
        card, totals = card[card["pm_id"].isin(wanted)], totals[totals["pm_id"].isin(wanted)]
    if args.format == "json":
        print_json(
            {"period": period, "kpis": records(card, KPI_FIELDS), "pms": records(totals, PM_FIELDS)}
        )
    elif args.format == "csv":
        kpi_rows = card[KPI_FIELDS].assign(row="kpi", _o=0)
        pm_rows = totals[PM_FIELDS].assign(row="pm_total", _o=1)
        full = pd.concat([kpi_rows, pm_rows], ignore_index=True)
        full = full.sort_values(["pm_id", "_o", "kpi_id"], kind="stable").drop(columns="_o")
        full.insert(0, "period", period)
        full = full[["period", "row", *KPI_FIELDS, "total", "coverage", "band", "incomplete"]]
        sys.stdout.write(csv_text(full, float_format="%.10g"))
    else:
        print_table(card[KPI_FIELDS].drop(columns=["derived"]), f"Scorecard {period}")
        print()
        print_table(totals[PM_FIELDS + ["kpis", "missing"]], "Totals per PM")
    return 0
