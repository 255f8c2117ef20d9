"""A period's scorecard, roll-ups, review and feedback metrics as one XLSX workbook, a sheet per table.

Written for a run (`lang` given), sheet names, column headers and words (status, direction,
yes/no) are in the report's language, a "read me" sheet comes first, and the values of each KPI
are rounded by its unit with a matching number format. Without `lang`, the columns are the
English keys of the contract (as `score --format csv` writes them). Text from data files is
always written as text, so a name such as `=HYPERLINK(...)` never becomes a formula.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.data.spreadsheet import append_row, xlsx_value
from kpi_helpers.engine.results import PeriodResults, period_results
from kpi_helpers.report.findings_text import finding_messages, proposal_reasons
from kpi_helpers.report.i18n import (
    band_name,
    dimension_name,
    localized,
    pm_names,
    product_name,
    register_product_names,
    register_unit_names,
    t,
    unit_name,
)
from kpi_helpers.report.tables import is_missing, status_text, value_digits
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


# Columns holding a KPI's own values, rounded by the row's unit.
VALUE_COLUMNS = (
    "actual", "threshold", "target", "stretch", "old_threshold", "old_target", "old_stretch",
)  # fmt: skip
ROUNDED = {"0.0": 1, "0.00": 2, "+0.0;-0.0;0.0": 1, "0.0%": 3, "0%": 2}  # decimals kept per format
BOOLEAN_COLUMNS = ("derived", "missing", "changed", "nps_change_real")
SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


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
    """
    results = results if results is not None else period_results(ds, period)
    ev, review = results.evaluation, results.review
    names = pm_names(ds.people, lang)
    register_unit_names(ds.kpis)
    register_product_names(ds.people)
    teams = pd.Series(
        {
            row["pm_id"]: None if is_missing(row.get("team")) else localized(row, "team", lang)
            for _, row in ds.people.iterrows()
        },
        dtype=object,
    )
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
    feedback = _feedback_sheet(results)
    feedback["product"] = [
        None if is_missing(p) else product_name(p, lang) for p in feedback["product"]
    ]
    tables = [scorecard, totals, dims, objectives, findings, proposal, feedback]
    return dict(zip(SHEETS, (t.reset_index(drop=True) for t in tables), strict=True))


def _number_format(digits: int) -> str:
    return "#,##0" if digits <= 0 else "#,##0." + "0" * digits


def _localize(sheet: str, frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Words in `lang` and KPI values rounded by unit; returns the frame and per-cell formats.

    The formats map "row:column" to an Excel number format for the rounded KPI values.
    """
    frame = frame.copy()
    formats: dict[str, str] = {}
    if sheet == "scorecard":
        frame["status"] = [status_text(s, lang) for s in frame["status"]]
        frame["dimension"] = [dimension_name(d, lang) for d in frame["dimension"]]
        frame = frame.rename(columns={"dimension": "dimension_name"})
    if "direction" in frame:
        frame["direction"] = [
            t(f"workbook.values.{d}", lang) if d in ("higher", "lower") else d
            for d in frame["direction"]
        ]
    for col in BOOLEAN_COLUMNS:
        if col in frame:
            frame[col] = [
                None if is_missing(v) else t(f"workbook.values.{'yes' if v else 'no'}", lang)
                for v in frame[col]
            ]
    values = [c for c in VALUE_COLUMNS if c in frame]
    if "unit" in frame and values:
        frame[values] = frame[values].astype(object)
        for i, row in frame.iterrows():
            digits = value_digits(row["unit"], [row[c] for c in values])
            for col in values:
                if not is_missing(row[col]):
                    frame.at[i, col] = round(float(row[col]), digits)
                    formats[f"{i}:{col}"] = _number_format(digits)
    if "unit" in frame:
        frame["unit"] = [unit_name(u, lang) for u in frame["unit"]]
    for col, fmt in FORMATS.items():
        if col in frame and fmt in ROUNDED:
            frame[col] = [
                v if is_missing(v) or isinstance(v, str) else round(float(v), ROUNDED[fmt])
                for v in frame[col]
            ]
    return frame, formats


def _readme(tables: dict[str, pd.DataFrame], lang: str) -> list[list[str]]:
    """The rows of the "read me" sheet: what the workbook is and what each sheet holds."""
    rows = [[t("workbook.readme.title", lang)], [t("workbook.readme.intro", lang)], []]
    rows.append([t("workbook.readme.sheet", lang), t("workbook.readme.holds", lang)])
    for sheet in tables:
        rows.append([_sheet_name(sheet, lang), t(f"workbook.about.{sheet}", lang)])
    rows += [[], [t("workbook.readme.numbers", lang)]]
    return rows


def _sheet_name(sheet: str, lang: str | None) -> str:
    name = t(f"workbook.sheets.{sheet}", lang) if lang else sheet
    return name.translate(SHEET_FORBIDDEN)[:31]


def _header(column: str, lang: str | None) -> str:
    return t(f"workbook.columns.{column}", lang) if lang else str(column)


def _text_width(value) -> int:
    """Width in Excel's character units: Chinese characters take two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, lang: str | None = None) -> Path:
    """Write `tables` as one XLSX file, a sheet per table: bold frozen header, filters, widths.

    Args:
        tables: frames by sheet key (workbook_tables).
        path: the .xlsx file to write.
        lang: "zh" or "en": headers, sheet names and words in that language, a "read me"
            sheet first and KPI values rounded by unit; None: the contract's English keys.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    if lang:
        ws = wb.create_sheet(_sheet_name("readme", lang))
        for row in _readme(tables, lang):
            ws.append(row)
        ws["A1"].font = Font(bold=True, size=14)
        for cell in ws[4]:
            cell.font = Font(bold=True)
        ws.column_dimensions["A"].width = 24
        ws.column_dimensions["B"].width = 90
        for row in ws.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    for sheet, frame in tables.items():
        formats: dict[str, str] = {}
        if lang:
            frame, formats = _localize(sheet, frame.reset_index(drop=True), lang)
        ws = wb.create_sheet(_sheet_name(sheet, lang))
        headers = [_header(c, lang) for c in frame.columns]
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [_text_width(h) for h in headers]
        for row in frame.itertuples(index=False):
            values = [xlsx_value(v) for v in row]
            append_row(ws, values)  # text from data files stays text, never a formula
            for i, v in enumerate(values):
                widths[i] = max(widths[i], min(60, _text_width(v)))
        for col, name in enumerate(frame.columns, 1):
            letter = get_column_letter(col)
            ws.column_dimensions[letter].width = min(62, widths[col - 1] + 2)
            fmt = FORMATS.get(str(name))
            for i, (cell,) in enumerate(ws.iter_rows(min_row=2, min_col=col, max_col=col)):
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text from data files stays text, never a formula
                elif isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell_fmt = formats.get(f"{i}:{name}") or fmt
                    if cell_fmt:
                        cell.number_format = cell_fmt
        ws.freeze_panes = "A2"
        if len(frame.columns):
            ws.auto_filter.ref = ws.dimensions
    path = Path(path)
    wb.save(path)
    return path
