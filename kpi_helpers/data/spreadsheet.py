"""Writing tables as CSV or XLSX with no live formulas: text a spreadsheet would run stays text."""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

# A cell starting with one of these is read as a formula (or DDE call) by Excel, LibreOffice
# and Google Sheets (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def neutralise_cell(value):
    """A text cell a spreadsheet would run as a formula, prefixed with ' (shown, never run).

    Numbers, and text that is a plain number such as "-5" or "+2.5", are left as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if _PLAIN_NUMBER.match(value.strip()):
            return value
        return "'" + value
    return value


def starts_like_formula(value) -> bool:
    """True for text a spreadsheet would read as a formula (validate warns about such ids)."""
    return isinstance(value, str) and neutralise_cell(value) != value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised; numeric columns are untouched."""
    out = frame.copy()
    for col in out.columns:
        if _is_text(out[col]):
            out[col] = out[col].map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column.dtype)


def csv_text(frame: pd.DataFrame, **to_csv) -> str:
    """The table as CSV text (for stdout), every text cell neutralised."""
    out = neutralise_frame(frame)
    texts = [out[c] for c in out.columns if _is_text(out[c])]
    if any(s.map(lambda v: isinstance(v, str) and "\r" in v).any() for s in texts):
        # the csv module quotes only what holds the line terminator ("\n"), yet readers
        # break lines at a bare CR too, and the part after it would start a row unquoted
        to_csv.setdefault("quoting", csv.QUOTE_NONNUMERIC)
    buf = io.StringIO()
    out.to_csv(buf, index=False, **to_csv)
    return buf.getvalue()


def xlsx_value(value):
    """A value openpyxl can store: numbers, booleans and text; missing as an empty cell."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if not isinstance(value, (bool, int, float, str)):
        value = str(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def append_row(ws, values) -> None:
    """Append a row to an openpyxl worksheet; every text cell is stored as text, never a formula."""
    ws.append([xlsx_value(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def write_table(frame: pd.DataFrame, path: Path, *, overwrite: bool = True, **to_csv) -> Path:
    """Write a table as XLSX (by a .xlsx extension) or UTF-8 CSV, with no live formula in it.

    CSV text cells that start like a formula get a ' in front; XLSX stores them as text cells.
    The file is written beside `path` and renamed, so a failed write never leaves half a file.

    Raises:
        FileExistsError: `path` exists and `overwrite` is False.
        OSError: the folder cannot be written (the command line says so in one sentence).
    """
    path = Path(path)
    if not overwrite and (path.exists() or path.is_symlink()):
        raise FileExistsError(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    umask = os.umask(0o022)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as any file the user writes (mkstemp's is private)
    try:
        if path.suffix.lower() == ".xlsx":
            _write_xlsx(frame, tmp)
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                f.write(csv_text(frame, **to_csv))
        if not overwrite and (path.exists() or path.is_symlink()):
            raise FileExistsError(path)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _write_xlsx(frame: pd.DataFrame, path: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    append_row(ws, [str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        append_row(ws, row)
    wb.save(path)
