"""Reading the data folder: CSV in any common encoding or XLSX, Chinese headers, typed tables."""

from __future__ import annotations

import csv
import html
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .company import Company, find_company_file, load_company
from .errors import DataError, Problem
from .periods import PeriodError, normalize_period
from .schema import DIRECTION_ALIASES, TABLES, Table

ROW = "_row"  # spreadsheet row number kept on every loaded table (header = row 1)


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


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Decode CSV bytes as UTF-8 (with or without BOM), else GB18030; (text, encoding)."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return None, ""


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    return b"\x00" in head


def read_frame(path: Path) -> tuple[pd.DataFrame | None, str | None]:
    """Read any CSV/XLSX as all-text cells; (frame, None) or (None, sentence saying what is wrong)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, f"cannot be read ({e.strerror}); check the path and permissions"
    if not data.strip():
        return None, "the file is empty; it needs at least a header row"
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() == ".xlsx":
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, header=None, engine="openpyxl")
        except Exception:
            return (
                None,
                "is not a readable XLSX workbook; save it again from Excel as .xlsx or .csv",
            )
        frame = frame.fillna("")
        if frame.empty:
            return None, "the workbook's first sheet is empty; put the header in row 1"
        header = [str(h).strip() for h in frame.iloc[0]]
        frame = frame.iloc[1:].reset_index(drop=True)
        frame.columns = header
        return frame.astype(str), None
    if _looks_binary(data):
        return None, "is a binary file, not CSV text; export the table as CSV (UTF-8) or XLSX"
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
        )
    except pd.errors.EmptyDataError:
        return None, "the file is empty; it needs at least a header row"
    except (pd.errors.ParserError, csv.Error) as e:
        return (
            None,
            f"is not valid CSV ({str(e).strip().splitlines()[-1]}); check quotes and separators",
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, None


def read_raw(path: Path, table: Table) -> RawTable:
    """Read a table file as text with English column keys; missing required columns are problems."""
    path = Path(path)
    name = path.name
    frame, err = read_frame(path)
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
            out[col.name] = values
        elif col.kind == "list":
            out[col.name] = s.map(
                lambda v: tuple(p.strip() for p in v.replace("；", ";").split(";") if p.strip())
            )
        else:
            out[col.name] = s.where(~empty, pd.NA).astype("string")
    return out, problems


def parse_dates(s: pd.Series) -> pd.Series:
    """Parse a text column of dates written in mixed formats (ISO, 2026/7/1, 2026年7月1日...)."""
    t = s.astype("string").str.strip()
    t = t.str.replace(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", r"\1-\2-\3", regex=True)
    t = t.str.replace("/", "-", regex=False).str.replace(".", "-", regex=False)
    out = pd.to_datetime(t, errors="coerce", format="ISO8601")
    rest = out.isna() & t.notna()
    if rest.any():
        out[rest] = pd.to_datetime(t[rest], errors="coerce", format="mixed", dayfirst=False)
    return out.astype("datetime64[ns]").dt.tz_localize(None) if hasattr(out, "dt") else out


def unescape_text(s: pd.Series) -> pd.Series:
    """HTML entities as real exports contain them (&amp; &#39;) turned back into characters."""
    return s.map(lambda v: html.unescape(v) if isinstance(v, str) else v).astype("string")


def normalize_directions(s: pd.Series) -> pd.Series:
    return (
        s.str.strip()
        .str.lower()
        .map(lambda v: DIRECTION_ALIASES.get(v, v) if isinstance(v, str) else v)
        .astype("string")
    )


@dataclass
class Dataset:
    """Everything in a data folder (or a database), typed. Tables keep `_row` for messages."""

    data_dir: Path | None  # None when the tables come from a database
    company: Company
    people: pd.DataFrame
    kpis: pd.DataFrame
    targets: pd.DataFrame
    actuals: pd.DataFrame
    feedback: pd.DataFrame
    reviews: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)
    url: str | None = None  # the database URL the tables were read from
    table_sha256: dict[str, str] = field(default_factory=dict)  # database tables' content

    @property
    def location(self) -> str:
        """The absolute data folder, or the database URL with its password hidden."""
        if self.url:
            from .db import public_url

            return public_url(self.url)
        return str(Path(self.data_dir).resolve())

    @property
    def periods(self) -> list[str]:
        from .periods import sort_periods

        return sort_periods(self.actuals["period"].dropna())

    @property
    def latest_period(self) -> str | None:
        p = self.periods
        return p[-1] if p else None


class FolderSource:
    """A data folder: each table a CSV or XLSX file, the strategy in company.yaml."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.url = None

    def problems(self) -> list[Problem]:
        """Why no table can be read at all (the folder is missing), else nothing."""
        if self.data_dir.is_dir():
            return []
        return [
            Problem(
                str(self.data_dir),
                None,
                "-",
                "the data folder does not exist; pass --data DIR or run 'kpi-workbook init DIR'",
            )
        ]

    def label(self, name: str) -> str:
        """The name a table has in messages: its file name."""
        path = find_table_file(self.data_dir, name)
        return path.name if path else f"{name}.csv"

    def raw(self, name: str) -> tuple[RawTable | None, Path | None]:
        """The table as text and its file; (None, None) when there is no such file."""
        path = find_table_file(self.data_dir, name)
        return (read_raw(path, TABLES[name]), path) if path else (None, None)

    def missing(self, name: str) -> str:
        return f"the file is missing; create {name}.csv (or {name}.xlsx) in the data folder"

    def company(self) -> tuple[Company | None, list[Problem], Path | None]:
        return load_company(self.data_dir)

    def company_file(self) -> Path | None:
        """company.yaml, where the validator reads the line of each objective and goal."""
        return find_company_file(self.data_dir)


def open_source(data: str | Path):
    """Where the tables come from: a data folder, or a database when `data` is a URL."""
    from .db import DatabaseSource, is_database_url

    return DatabaseSource(str(data)) if is_database_url(data) else FolderSource(Path(data))


def load_table(data_dir: str | Path, name: str) -> tuple[pd.DataFrame, list[Problem], Path | None]:
    """Load one table of the contract by name; absent optional files give an empty typed table."""
    return source_table(open_source(data_dir), name)


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
        typed["dimension"] = typed["dimension"].str.strip().str.lower().astype("string")
    if name == "feedback":
        for col in ("text", "product", "channel"):
            typed[col] = unescape_text(typed[col])
    return typed, raw.problems + problems, path


def folder_fingerprint(folder: Path) -> tuple:
    """The folder and the name, size and modification time of every file in it."""
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            files.append((str(path.relative_to(folder)), st.st_size, st.st_mtime_ns))
    return str(folder), tuple(files)


def read_dataset(data_dir: str | Path) -> tuple[Dataset | None, list[Problem]]:
    """Read every table of a data folder or a database URL (pass URLs as str, not Path).

    Returns:
        The dataset (None if the company's strategy is unusable) and the problems found.
    """
    return read_source(open_source(data_dir))


def read_source(source) -> tuple[Dataset | None, list[Problem]]:
    """Read every table of a FolderSource or a db.DatabaseSource."""
    problems = list(source.problems())
    if problems:
        return None, problems
    company, cproblems, cpath = source.company()
    problems += cproblems
    tables, files = {}, {}
    for name in TABLES:
        tables[name], p, path = source_table(source, name)
        problems += p
        if path:
            files[name] = path
    if cpath:
        files["company"] = cpath
    if company is None:
        return None, problems
    digests = source.digests() if source.url else {}
    return (
        Dataset(
            source.data_dir, company, files=files, url=source.url, table_sha256=digests, **tables
        ),
        problems,
    )


def load_dataset(data_dir: str | Path, *, check: bool = True) -> Dataset:
    """Load and validate a data folder or database URL; raise DataError listing every error."""
    if check:
        from .validate import validate_dataset

        ds, problems = validate_dataset(data_dir)
    else:
        ds, problems = read_dataset(data_dir)
    if ds is None or any(p.severity == "error" for p in problems):
        raise DataError(problems)
    return ds
