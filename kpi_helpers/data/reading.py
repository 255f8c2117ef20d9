"""Reading the data folder: CSV in any common encoding or XLSX, Chinese headers, typed tables."""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_helpers import config
from kpi_helpers.data.input_files import InputRefused, check_xlsx, read_input_bytes
from kpi_helpers.data.schema import (
    AUTHOR_ALIASES,
    COMPANY_SCOPE,
    DIMENSION_ALIASES,
    DIRECTION_ALIASES,
    EVENT_KIND_ALIASES,
    ROW,
    TABLES,
    Table,
)
from kpi_helpers.errors import Problem
from kpi_helpers.periods import PeriodError, normalize_period


@dataclass
class RawTable:
    """A table as text, one column per recognised header, plus the spreadsheet row numbers."""

    file: str
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


def find_table_file(data_dir: Path, stem: str) -> Path | None:
    """The CSV or XLSX file for a table (CSV wins when both exist)."""
    for suffix in (".csv", ".xlsx", ".CSV", ".XLSX"):
        p = Path(data_dir) / f"{stem}{suffix}"
        if p.exists():
            return p
    return None


NOT_TEXT = "is neither UTF-8 nor GBK text; save it as UTF-8"


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Decode a text file's bytes as UTF-8 (with or without BOM), else GB18030 (GBK as Excel in
    China writes it); (text, encoding), or (None, "") for binary data or neither encoding.

    The one decoder of every file users write: CSV tables, company.yaml, mappings, keywords.
    """
    if b"\x00" in data[:8192]:  # binary (read_frame says where a later NUL sits)
        return None, ""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return None, ""


def read_frame(
    path: Path, kind: str = "table", root: Path | None = None
) -> tuple[pd.DataFrame | None, str | None]:
    """Read any CSV/XLSX as all-text cells; (frame, None) or (None, sentence saying what is wrong).

    Only regular files within the size limit of `kind` ("table" or "feedback") are read; a
    symbolic link leading out of `root` is refused (input_files.check_input_file), an XLSX is
    checked for its unpacked size and cell count before it is parsed, and a table is read up
    to the row limit.
    """
    path = Path(path)
    try:
        data = read_input_bytes(path, kind, root)
    except InputRefused as e:
        return None, str(e)
    except OSError as e:
        return None, f"cannot be read ({e.strerror}); check the path and permissions"
    if not data.strip():
        return None, "the file is empty; it needs at least a header row"
    max_rows = config.max_rows()
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() == ".xlsx":
        try:
            check_xlsx(data)
        except InputRefused as e:
            return None, str(e)
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, header=None, engine="openpyxl")
        except Exception:
            return (
                None,
                "is not a readable XLSX workbook; save it again from Excel as .xlsx or .csv",
            )
        frame = frame.fillna("")
        if len(frame) > max_rows + 1:
            return None, _too_many_rows(max_rows)
        if frame.empty:
            return None, "the workbook's first sheet is empty; put the header in row 1"
        frame = _percents_as_shown(data, frame)
        header = [str(h).strip() for h in frame.iloc[0]]
        frame = frame.iloc[1:].reset_index(drop=True)
        frame.columns = header
        return frame.astype(str), None
    nul = data.find(b"\x00")
    if 0 <= nul < 8192:
        return None, "is a binary file, not CSV text; export the table as CSV (UTF-8) or XLSX"
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return None, (
            f"holds a NUL byte (line {line} of the file); the file is damaged or binary, "
            "export the table again as CSV (UTF-8) or XLSX"
        )
    text, enc = decode_bytes(data)
    if text is None:
        return None, "is neither UTF-8 nor GBK text; save it as 'CSV UTF-8' from Excel"
    del text  # parse the bytes: pandas reads a large StringIO in quadratic time
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            encoding=enc,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            nrows=max_rows + 1,
        )
    except pd.errors.EmptyDataError:
        return None, "the file is empty; it needs at least a header row"
    except (pd.errors.ParserError, csv.Error) as e:
        return (
            None,
            f"is not valid CSV ({str(e).strip().splitlines()[-1]}); check quotes and separators",
        )
    if len(frame) > max_rows:
        return None, _too_many_rows(max_rows)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, None


def _too_many_rows(max_rows: int) -> str:
    return (
        f"has more than {max_rows:,} rows, over the limit; split it or raise the limit "
        f"(set {config.MAX_ROWS_ENV})"
    )


def _percents_as_shown(data: bytes, frame: pd.DataFrame) -> pd.DataFrame:
    """Number cells with a percent format hold 0.12 where the user sees 12 %: give the text '12'.

    `frame` is the first sheet read with header=None, so sheet row r, column c is frame[r-1, c-1].
    """
    from openpyxl import load_workbook

    try:
        ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        found = [
            (cell.row - 1, cell.column - 1, cell.value)
            for row in ws.iter_rows()
            for cell in row
            if isinstance(cell.value, (int, float))
            and not isinstance(cell.value, bool)
            and "%" in str(getattr(cell, "number_format", "") or "")
        ]
    except Exception:  # unreadable formats: keep the values pandas read
        return frame
    for r, c, value in found:
        if r < frame.shape[0] and c < frame.shape[1]:
            shown = f"{round(float(value) * 100.0, 9):.9f}".rstrip("0").rstrip(".")
            frame.iat[r, c] = shown
    return frame


def read_raw(path: Path, table: Table) -> RawTable:
    """Read a table file as text with English column keys; missing required columns are problems."""
    path = Path(path)
    name = path.name
    kind = "feedback" if table.name == "feedback" else "table"
    frame, err = read_frame(path, kind, root=path.parent)
    if err:
        return RawTable(
            name,
            pd.DataFrame(columns=[ROW]),
            [Problem(name, 1 if "header" in err else None, "-", err)],
        )
    return text_table(name, frame, table)


def text_table(
    name: str,
    frame: pd.DataFrame,
    table: Table,
    fix: str = "add a header '{}' in row 1",
    rows: np.ndarray | None = None,
) -> RawTable:
    """A table read as text (from a file or a database) with English column keys.

    Rows are numbered as a spreadsheet shows them, the first row after the header being row 2,
    unless `rows` gives each row's number; a required column that is absent is a problem on
    row 1 whose sentence ends with `fix`.
    """
    aliases = table.alias_map()
    rename, seen = {}, set()
    for col in frame.columns:
        key = aliases.get(unicodedata.normalize("NFKC", col).strip().lower())
        if key and key not in seen:
            rename[col] = key
            seen.add(key)
    frame = frame[list(rename)].rename(columns=rename)
    frame = frame.apply(lambda s: s.astype(str).str.strip())
    frame[ROW] = np.arange(len(frame)) + 2 if rows is None else rows
    blank = (
        frame.drop(columns=[ROW]).eq("").all(axis=1)
        if len(frame.columns) > 1
        else pd.Series(True, frame.index)
    )
    frame = frame[~blank].reset_index(drop=True)
    problems = [
        Problem(name, 1, c, f"required column '{c}' is missing; {fix.format(c)}")
        for c in table.required
        if c not in frame.columns
    ]
    return RawTable(name, frame, problems)


def _clean_number(s: pd.Series) -> pd.Series:
    t = s.map(lambda v: unicodedata.normalize("NFKC", v)).str.replace(",", "", regex=False)
    return t.str.replace("%", "", regex=False).str.strip()


def coerce(raw: RawTable, table: Table) -> tuple[pd.DataFrame, list[Problem]]:
    """Type every known column; cells that cannot be read become <NA> and a problem each."""
    out = (
        pd.DataFrame({ROW: raw.frame[ROW].astype("int64")})
        if ROW in raw.frame
        else pd.DataFrame({ROW: []})
    )
    problems: list[Problem] = []
    f = raw.frame
    for col in table.columns:
        if col.name not in f.columns:
            out[col.name] = pd.Series(
                [pd.NA] * len(f), dtype="object" if col.kind == "list" else "string"
            )
            if col.kind in ("float", "int"):
                out[col.name] = pd.Series(np.nan, index=f.index, dtype="float64")
            elif col.kind == "date":
                out[col.name] = pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
            continue
        s = f[col.name].astype(str)
        empty = s.eq("")
        if col.kind in ("float", "int"):
            values = pd.to_numeric(_clean_number(s).where(~empty, None), errors="coerce")
            bad = values.isna() & ~empty
            bad |= np.isinf(values.fillna(0))
            values = values.where(~bad)
            for i in np.flatnonzero(bad):
                problems.append(
                    Problem(
                        raw.file,
                        int(f[ROW].iat[i]),
                        col.name,
                        f"'{s.iat[i]}' is not a number; write a plain number such as 12.5",
                    )
                )
            out[col.name] = values.astype("float64")
        elif col.kind == "period":
            vals = []
            for i, v in enumerate(s):
                if v == "":
                    vals.append(pd.NA)
                    continue
                try:
                    vals.append(normalize_period(v))
                except PeriodError as e:
                    vals.append(pd.NA)
                    problems.append(Problem(raw.file, int(f[ROW].iat[i]), col.name, str(e)))
            out[col.name] = pd.Series(vals, index=f.index, dtype="string")
        elif col.kind == "date":
            values = parse_dates(s.where(~empty, None))
            bad = values.isna() & ~empty
            for i in np.flatnonzero(bad):
                problems.append(
                    Problem(
                        raw.file,
                        int(f[ROW].iat[i]),
                        col.name,
                        f"'{s.iat[i]}' is not a date; write it as YYYY-MM-DD",
                    )
                )
            problems += _ambiguous_dates(raw, col.name, s, values)
            out[col.name] = values
        elif col.kind == "list":
            out[col.name] = s.map(
                lambda v: tuple(p.strip() for p in v.replace("；", ";").split(";") if p.strip())
            )
        else:
            out[col.name] = s.where(~empty, pd.NA).astype("string")
    return out, problems


_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def _ambiguous_dates(raw: RawTable, column: str, text: pd.Series, values: pd.Series):
    """A warning for each date like 1/7/2025 that reads as two days, saying which was used."""
    problems = []
    for i, v in enumerate(text):
        m = _DAY_MONTH.match(v)
        if not m or pd.isna(values.iat[i]):
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a == b or a > 12 or b > 12:
            continue
        used = values.iat[i].strftime("%Y-%m-%d")
        day_first = used.endswith(f"-{a:02d}")
        other = f"{m.group(3)}-{a:02d}-{b:02d}" if day_first else f"{m.group(3)}-{b:02d}-{a:02d}"
        order = "day first" if day_first else "month first"
        problems.append(
            Problem(
                raw.file,
                int(raw.frame[ROW].iat[i]),
                column,
                f"'{v}' could be {used} or {other}; read as {used} ({order}); "
                "write dates as YYYY-MM-DD to make sure",
                "warning",
            )
        )
    return problems


def parse_dates(s: pd.Series) -> pd.Series:
    """Parse a text column of dates written in mixed formats (ISO, 2026/7/1, 2026年7月1日...)."""
    t = s.astype("string").str.strip()
    t = t.str.replace(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", r"\1-\2-\3", regex=True)
    t = t.str.replace("/", "-", regex=False).str.replace(".", "-", regex=False)
    out = pd.to_datetime(t, errors="coerce", format="ISO8601")
    rest = out.isna() & t.notna()
    if rest.any():
        out[rest] = pd.to_datetime(t[rest], errors="coerce", format="mixed", dayfirst=False)
    if hasattr(out, "dt"):
        # "1;" can parse as the year 1: no real feedback is that old, and it overflows pandas'
        # nanosecond dates, so a year outside 1900-2200 counts as not a date
        year = out.dt.year
        out = out.where((year >= 1900) & (year <= 2200))
        return out.astype("datetime64[ns]").dt.tz_localize(None)
    return out


def unescape_text(s: pd.Series) -> pd.Series:
    """HTML entities as real exports contain them (&amp; &#39;) turned back into characters."""
    return s.map(lambda v: html.unescape(v) if isinstance(v, str) else v).astype("string")


def keyed(s: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Cells as their keys: a known alias (a Chinese name) becomes its key, others are lowered."""
    s = s.str.strip()
    return s.map(aliases).fillna(s.str.lower()).astype("string")


def normalize_directions(s: pd.Series) -> pd.Series:
    return (
        s.str.strip()
        .str.lower()
        .map(lambda v: DIRECTION_ALIASES.get(v, v) if isinstance(v, str) else v)
        .astype("string")
    )


def source_table(source, name: str) -> tuple[pd.DataFrame, list[Problem], Path | None]:
    """load_table from a FolderSource or a db.DatabaseSource; the path is None for a database."""
    table = TABLES[name]
    raw, path = source.raw(name)
    if raw is None:
        empty = RawTable(
            source.label(name),
            pd.DataFrame(
                {
                    ROW: pd.Series([], dtype="int64"),
                    **{c: pd.Series([], dtype=str) for c in table.required},
                }
            ),
        )
        typed, _ = coerce(empty, table)
        if table.optional_file:
            return typed, [], None
        return (
            typed,
            [Problem(source.label(name), None, "-", source.missing(name))],
            None,
        )
    typed, problems = coerce(raw, table)
    if "direction" in typed:
        typed["direction"] = normalize_directions(typed["direction"])
    if "dimension" in typed:
        # the Chinese dimension names (用户增长) are accepted for their keys
        typed["dimension"] = keyed(typed["dimension"], DIMENSION_ALIASES)
    if "author" in typed:
        typed["author"] = keyed(typed["author"], AUTHOR_ALIASES)
    if name == "events":
        typed["kind"] = keyed(typed["kind"], EVENT_KIND_ALIASES)
        scope = typed["scope"].str.strip()
        typed["scope"] = scope.where(~scope.str.lower().isin(COMPANY_SCOPE), "company")
    if name == "feedback":
        for col in ("text", "product", "channel"):
            typed[col] = unescape_text(typed[col])
    return typed, raw.problems + problems, path
