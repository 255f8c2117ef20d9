"""A period's scorecard, roll-ups, review and feedback metrics as one XLSX workbook, a sheet per table.

Column names are the English keys of the contract (as `score --format csv` writes them); names
and sentences are in the report's language. Text from data files is always written as text, so
a name such as `=HYPERLINK(...)` never becomes a formula.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.data.spreadsheet import append_row, xlsx_value
from kpi_helpers.engine.results import PeriodResults, period_results
from kpi_helpers.report.findings_text import finding_messages, proposal_reasons
from kpi_helpers.report.i18n import band_name, dimension_name, localized, pm_names
from kpi_helpers.report.views import traffic_light

SHEETS = (
    "scorecard",
    "totals",
    "dimensions",
    "objectives",
    "findings",
    "proposal",
    "feedback metrics",
)
FEEDBACK_COLUMNS = [
    "scope", "period", "product", "n", "nps_n", "nps", "nps_low", "nps_high", "nps_change",
    "nps_change_real", "csat_n", "csat", "csat_low", "csat_high", "ces_n", "ces", "ces_low",
    "ces_high",
]  # fmt: skip
# Excel number formats by column name (the rest: General)
FORMATS = {
    "coverage": "0%",
    "achievement": "0.0%",
    "csat": "0.0%",
    "csat_low": "0.0%",
    "csat_high": "0.0%",
    "score": "0.0",
    "total": "0.0",
    "nps": "0.0",
    "nps_low": "0.0",
    "nps_high": "0.0",
    "nps_change": "+0.0;-0.0;0.0",
    "ces": "0.00",
    "ces_low": "0.00",
    "ces_high": "0.00",
}


def workbook_file_name(period: str) -> str:
    return f"{period}_kpi_workbook.xlsx"


def _feedback_sheet(results: PeriodResults) -> pd.DataFrame:
    if results.feedback_by_period is None:
        return pd.DataFrame(columns=FEEDBACK_COLUMNS)
    frames = [results.feedback_by_period.assign(scope="period", product=None)]
    by_product = results.feedback_by_product
    if by_product is not None and len(by_product):
        frames.append(by_product.assign(scope="product", period=results.period))
    out = pd.concat(frames, ignore_index=True)
    return out.reindex(columns=FEEDBACK_COLUMNS)


def workbook_tables(
    ds: Dataset, period: str, lang: str = "zh", results: PeriodResults | None = None
) -> dict[str, pd.DataFrame]:
    """Every table of the workbook by sheet name (SHEETS order), for `period` in `lang`.

    Args:
        ds: the validated data set.
        period: the review period, e.g. "2026-Q3".
        lang: the language of names, bands, dimensions and sentences ("zh" or "en").
        results: the period's results the run computed once (computed here when not given).
    """
    results = results if results is not None else period_results(ds, period)
    ev, review = results.evaluation, results.review
    names = pm_names(ds.people, lang)
    teams = ds.people.set_index("pm_id")["team"] if "team" in ds.people else pd.Series(dtype=str)
    card = ev.card
    kpi_name = [localized(r, "name", lang) for _, r in card.iterrows()]
    scorecard = card.assign(
        pm_name=card["pm_id"].map(names),
        kpi_name=kpi_name,
        status=[traffic_light(s, ds.company.policy) for s in card["score"]],
    )[
        ["period", "pm_id", "pm_name", "kpi_id", "kpi_name", "dimension", "unit", "direction"]
        + ["weight", "actual", "threshold", "target", "stretch", "achievement", "score"]
        + ["status", "derived", "missing"]
    ]
    totals = ev.totals.assign(
        period=period,
        pm_name=ev.totals["pm_id"].map(names),
        team=ev.totals["pm_id"].map(teams),
        band_name=[band_name(b, lang) for b in ev.totals["band"]],
    )[["period", "pm_id", "pm_name", "team", "total", "coverage", "band", "band_name"]
      + ["kpis", "missing"]]  # fmt: skip
    dims = ev.dimensions.assign(
        period=period,
        pm_name=ev.dimensions["pm_id"].map(names),
        dimension_name=[dimension_name(d, lang) for d in ev.dimensions["dimension"]],
    )[["period", "pm_id", "pm_name", "dimension", "dimension_name", "total", "coverage", "weight"]]
    objectives = ev.objectives.assign(
        period=period, name=[localized(r, "name", lang) for _, r in ev.objectives.iterrows()]
    )[["period", "objective_id", "name", "weight", "total", "coverage", "kpis"]]
    findings = review.findings.assign(
        period=period, message_text=finding_messages(review.findings, lang)
    )[["period", "kind", "severity", "pm_id", "kpi_id", "objective_id", "message_text"]].rename(
        columns={"message_text": "message"}
    )
    proposal = review.proposal.assign(
        pm_name=review.proposal["pm_id"].map(names),
        reason_text=proposal_reasons(review.proposal, lang),
    )[
        ["period", "kpi_id", "pm_id", "pm_name", "unit", "direction"]
        + ["old_threshold", "old_target", "old_stretch", "threshold", "target", "stretch"]
        + ["action", "changed", "reason_text"]
    ].rename(columns={"reason_text": "reason"})
    tables = [scorecard, totals, dims, objectives, findings, proposal, _feedback_sheet(results)]
    return dict(zip(SHEETS, (t.reset_index(drop=True) for t in tables), strict=True))


def write_workbook(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """Write `tables` as one XLSX file, a sheet per table: bold frozen header, filters, widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, frame in tables.items():
        ws = wb.create_sheet(sheet[:31])
        ws.append([str(c) for c in frame.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(str(c)) for c in frame.columns]
        for row in frame.itertuples(index=False):
            values = [xlsx_value(v) for v in row]
            append_row(ws, values)  # text from data files stays text, never a formula
            for i, v in enumerate(values):
                widths[i] = max(widths[i], min(60, len(str(v)) if v is not None else 0))
        for col, name in enumerate(frame.columns, 1):
            letter = get_column_letter(col)
            ws.column_dimensions[letter].width = widths[col - 1] + 2
            fmt = FORMATS.get(str(name))
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                if fmt and isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
        if len(frame.columns):
            ws.auto_filter.ref = ws.dimensions
    path = Path(path)
    wb.save(path)
    return path
