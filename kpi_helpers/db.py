"""The data folder's tables in a SQL database: `--data` as a SQLAlchemy URL, and export-db.

Layout: one table per data file, named like the file without its extension (people, kpis,
targets, actuals, feedback, reviews), with the file's header names as columns, and a table
`company` with one row whose column `yaml` holds the text of company.yaml. Cells are read as
text (numbers and dates of typed columns are written out, NULL is an empty cell), so every rule
of the validator applies unchanged.

In messages a table is named by its name, and a row by its number in the optional integer
column `_row` (export-db writes the row's number in the file there, so messages name the same
rows as for the files, and `WHERE _row = 12` finds one). A table without `_row` is numbered in
the order the database returns it, the first row being row 2 as under a header; SQL tables have
no order of their own, so give a warehouse table `_row` or read it through a view that sorts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.util
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError, KpiWorkbookError, Problem
from .io import ROW
from .schema import TABLES

COMPANY_TABLE = "company"
YAML_COLUMN = "yaml"
TABLE_NAMES = (*TABLES, COMPANY_TABLE)
# A password shown as *** in a URL is taken from this variable when it holds the same URL with
# the real password: the runner hands it to report kernels this way, so no notebook stores it.
URL_ENV = "KPI_WORKBOOK_DATA_URL"
CONNECT_TIMEOUT = 15  # seconds; an unreachable host fails with a message instead of hanging

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+://")
_PASSWORD = re.compile(r"^([^:/]+://[^:@/]*:)[^@]*@")


def is_database_url(text: str | os.PathLike) -> bool:
    """True for a SQLAlchemy URL (`dialect[+driver]://...`), False for a folder path."""
    return bool(_URL.match(str(text).strip()))


def public_url(url: str) -> str:
    """The URL with its password shown as ***, for messages, logs, manifests and reports."""
    return _PASSWORD.sub(r"\1***@", url.strip())


def connect_url(url: str) -> str:
    """The URL to connect with: a *** password filled in from $KPI_WORKBOOK_DATA_URL."""
    url = url.strip()
    secret = os.environ.get(URL_ENV, "").strip()
    if secret and secret != url and public_url(secret) == url:
        return secret
    return url


def absolute_url(url: str) -> str:
    """The URL with a relative SQLite file made absolute (report kernels run in notebooks/)."""
    path = _sqlite_file(url)
    if path is None or path.is_absolute():
        return url.strip()
    from sqlalchemy.engine import make_url

    return make_url(url.strip()).set(database=str(path.resolve())).render_as_string(False)


@contextlib.contextmanager
def url_for_workers(url: str | None):
    """Put a URL's password where connect_url finds it, for processes started in this block."""
    if not url or public_url(url) == url:
        yield
        return
    before = os.environ.get(URL_ENV)
    os.environ[URL_ENV] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(URL_ENV, None)
        else:
            os.environ[URL_ENV] = before


# --- reading ---


def read_database_tables(url: str) -> dict[str, pd.DataFrame]:
    """Every data table the database has, by name, as text (the layout is in the module doc).

    Names are matched case-insensitively; views count as tables. Absent tables are left out.

    Raises:
        DataError: one Problem saying why the database cannot be read (bad URL, missing
            driver, unreachable server, wrong password, a table that cannot be selected).
    """
    shown = public_url(url)
    engine = make_engine(url, must_exist=True)
    try:
        with engine.connect() as conn:
            names = _table_names(conn)
            return {n: _read_table(conn, names[n]) for n in TABLE_NAMES if n in names}
    except Exception as e:
        raise DataError([Problem(shown, None, "-", _why(e))]) from None
    finally:
        engine.dispose()


def fingerprint(url: str) -> dict[str, str]:
    """sha256 of each table's content as read (table name -> hex digest), for the manifest."""
    return {name: table_sha256(frame) for name, frame in read_database_tables(url).items()}


def table_sha256(frame: pd.DataFrame) -> str:
    """sha256 of a text table: its column names and cells in order."""
    return hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()


class DatabaseSource:
    """A database as the source of io.read_source: tables read once, on first use."""

    def __init__(self, url: str):
        try:
            self.url = absolute_url(url)
        except Exception:  # unparsable: connecting says why, in one sentence
            self.url = url.strip()
        self.data_dir = None
        self._tables: dict[str, pd.DataFrame] | None = None
        self._problems: list[Problem] = []

    def _read(self) -> dict[str, pd.DataFrame]:
        if self._tables is None:
            try:
                self._tables = read_database_tables(self.url)
            except DataError as e:
                self._tables, self._problems = {}, e.problems
        return self._tables

    def problems(self) -> list[Problem]:
        """Why no table can be read at all (no connection), else nothing."""
        self._read()
        return self._problems

    def label(self, name: str) -> str:
        return name

    def raw(self, name: str):
        from .io import text_table

        frame = self._read().get(name)
        if frame is None:
            return None, None
        rows = _row_numbers(frame)
        if ROW in frame.columns:
            frame = frame.drop(columns=[ROW])
        fix = "add a column '{}' to the table"
        return text_table(name, frame, TABLES[name], fix, rows), None

    def missing(self, name: str) -> str:
        return (
            f"the table is missing from the database; create a table {name} with the columns "
            f"of {name}.csv ('kpi-workbook export-db' writes every table from a data folder)"
        )

    def company(self):
        """(Company or None, problems, None): the strategy from the company table's YAML."""
        from .company import parse_company

        text, problems = self._company_text()
        if text is None:
            return None, problems, None
        company, problems = parse_company(text, COMPANY_TABLE)
        return company, problems, None

    def company_file(self) -> _YamlText | None:
        text, _ = self._company_text()
        return None if text is None else _YamlText(COMPANY_TABLE, text)

    def digests(self) -> dict[str, str]:
        return {name: table_sha256(frame) for name, frame in self._read().items()}

    def _company_text(self) -> tuple[str | None, list[Problem]]:
        frame = self._read().get(COMPANY_TABLE)
        if frame is None:
            why = (
                "the table is missing from the database; create a table company with one row "
                "and a text column yaml holding company.yaml ('kpi-workbook export-db' writes it)"
            )
            return None, [Problem(COMPANY_TABLE, None, "-", why)]
        column = next((c for c in frame.columns if str(c).strip().lower() == YAML_COLUMN), None)
        if column is None:
            why = "has no column yaml; put the text of company.yaml in a text column named yaml"
            return None, [Problem(COMPANY_TABLE, 1, "-", why)]
        texts = [t for t in frame[column] if t.strip()]
        if len(texts) != 1:
            why = (
                f"must hold exactly one row with the text of company.yaml in column yaml; "
                f"it has {len(texts)}"
            )
            return None, [Problem(COMPANY_TABLE, None, "-", why)]
        return texts[0], []


class _YamlText:
    """Stands in for company.yaml's path where the validator reads each objective's line."""

    def __init__(self, name: str, text: str):
        self.name, self._text = name, text

    def read_bytes(self) -> bytes:
        return self._text.encode("utf-8")


def make_engine(url: str, *, must_exist: bool = False):
    """A SQLAlchemy engine for a URL as --data takes it (driver chosen, *** password filled in).

    Raises:
        DataError: one sentence when the URL cannot work (or, with must_exist, names a SQLite
            file that does not exist).
    """
    shown = public_url(url)
    url = connect_url(url)
    try:
        from sqlalchemy import create_engine, exc
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        try:
            parsed = make_url(url)
        except ValueError as e:  # a port that is not a number
            raise exc.ArgumentError(str(e)) from None
        path = _sqlite_file(url)
        if must_exist and path is not None and not path.is_file():
            raise DataError(
                [
                    Problem(
                        shown,
                        None,
                        "-",
                        f"the SQLite database file {path} does not exist; check the path "
                        "(sqlite:///relative/file.db or sqlite:////absolute/file.db)",
                    )
                ]
            )
        args = {}
        if parsed.get_backend_name() == "postgresql":
            parsed = parsed.set(drivername=_postgresql_driver(parsed.drivername))
            if "connect_timeout" not in parsed.query:
                args["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
        return create_engine(parsed, poolclass=NullPool, **args)
    except DataError:
        raise
    except Exception as e:
        raise DataError([Problem(shown, None, "-", _why(e))]) from None


def _postgresql_driver(drivername: str) -> str:
    """`postgresql` with the driver that is installed: SQLAlchemy's default differs by version
    (psycopg2 up to 2.0, psycopg 3 from 2.1), and either driver serves."""
    if drivername != "postgresql":
        return drivername  # the URL names its driver
    for module, name in (("psycopg", "postgresql+psycopg"), ("psycopg2", "postgresql+psycopg2")):
        if importlib.util.find_spec(module) is not None:
            return name
    return drivername


def _sqlite_file(url: str) -> Path | None:
    """The file of a sqlite:/// URL (None for other databases and in-memory SQLite)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url.strip())
    except Exception:
        return None
    db = parsed.database
    if parsed.get_backend_name() != "sqlite" or db in (None, "", ":memory:"):
        return None
    if db.startswith("file:"):  # a URI filename: SQLite parses it, so leave it as written
        return None
    return Path(db).expanduser()


def _table_names(conn) -> dict[str, str]:
    """Lower-cased name -> name as the database spells it, for tables and views."""
    from sqlalchemy import inspect

    inspector = inspect(conn)
    names = [*inspector.get_table_names(), *inspector.get_view_names()]
    out: dict[str, str] = {}
    for name in names:
        out.setdefault(name.lower(), name)
    return out


def _read_table(conn, name: str) -> pd.DataFrame:
    """All rows of a table as text cells (NULL -> ""), in `_row` order when it has that column."""
    from sqlalchemy import text

    quoted = conn.dialect.identifier_preparer.quote(name)
    result = conn.execute(text(f"SELECT * FROM {quoted}"))  # noqa: S608 - a quoted identifier
    columns = [str(c) for c in result.keys()]
    frame = pd.DataFrame(result.fetchall(), columns=columns, dtype=object)
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
            frame[c] = s.where(s.notna(), "")
        else:
            frame[c] = s.map(_cell_text)
    frame = frame.rename(columns={c: ROW for c in frame.columns if c.lower() == ROW})
    rows = _row_numbers(frame)
    if rows is not None:
        frame = frame.iloc[np.argsort(rows, kind="stable")].reset_index(drop=True)
    return frame


def _row_numbers(frame: pd.DataFrame) -> np.ndarray | None:
    """The `_row` column as whole numbers, or None when absent or not whole numbers throughout."""
    if ROW not in frame.columns or isinstance(frame[ROW], pd.DataFrame):
        return None
    numbers = pd.to_numeric(frame[ROW], errors="coerce")
    if numbers.isna().any() or (numbers % 1 != 0).any():
        return None
    return numbers.to_numpy(dtype="int64")


def _cell_text(v) -> str:
    """A typed database value written as a file would show it."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    return str(v)


def _why(e: BaseException) -> str:
    """One sentence for a database error: what went wrong and what to check."""
    from sqlalchemy import exc

    if isinstance(e, exc.NoSuchModuleError):
        return (
            "is not a database SQLAlchemy knows; write a URL such as "
            "postgresql://user:password@host:5432/dbname or sqlite:///path/to/file.db"
        )
    if isinstance(e, exc.ArgumentError):
        return (
            "is not a database URL; write it like postgresql://user:password@host:5432/dbname "
            "or sqlite:///path/to/file.db"
        )
    if isinstance(e, ImportError):
        return (
            f"needs the database driver '{e.name or e}', which is not installed; install it "
            "with pip (PostgreSQL and SQLite work without one)"
        )
    detail = _first_line(getattr(e, "orig", None) or e)
    if isinstance(e, exc.OperationalError | exc.InterfaceError):
        return (
            f"cannot connect to the database ({detail}); check the host, port, database name, "
            "user and password in the URL"
        )
    return f"cannot read the database ({detail}); check that the URL names the right database"


def _first_line(e) -> str:
    lines = [line.strip() for line in str(e).strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else type(e).__name__


# --- writing (kpi-workbook export-db) ---


def export_data_folder(data_dir: Path, url: str, *, replace: bool = False) -> list[str]:
    """Write a data folder's tables into a database, each cell as the text the file holds.

    Tables get the files' header names as text columns (empty cells become NULL) after an
    integer column `_row` with each row's number in the file; company.yaml goes into the table
    company, column yaml. Nothing is checked but that the files can be read:
    `kpi-workbook validate --data URL` checks the result.

    Args:
        data_dir: the data folder.
        url: a SQLAlchemy database URL; a SQLite file is created when absent.
        replace: drop the data tables the database has (all seven names) before writing.

    Returns:
        The names of the tables written, in the layout's order.

    Raises:
        DataError: a file cannot be read, or the database cannot be reached.
        KpiWorkbookError: the database has data tables already and `replace` is False.
    """
    from sqlalchemy import inspect, text

    frames = _folder_frames(Path(data_dir))
    shown = public_url(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            existing = _table_names(conn)
            present = [existing[n] for n in TABLE_NAMES if n in existing]
            if present and not replace:
                raise KpiWorkbookError(
                    f"{shown} already has the table{'s' if len(present) > 1 else ''} "
                    f"{', '.join(present)}; pass --replace to overwrite "
                    f"{'them' if len(present) > 1 else 'it'}"
                )
            views = set(inspect(conn).get_view_names())
            for name in present:
                kind = "VIEW" if name in views else "TABLE"
                conn.execute(text(f"DROP {kind} {conn.dialect.identifier_preparer.quote(name)}"))
            for name, frame in frames.items():
                _write(conn, name, frame)
    except (KpiWorkbookError, DataError):
        raise
    except Exception as e:
        raise DataError([Problem(shown, None, "-", _why(e))]) from None
    finally:
        engine.dispose()
    return list(frames)


def _folder_frames(data_dir: Path) -> dict[str, pd.DataFrame]:
    """The folder's tables as read from the files (headers as written) and company.yaml's text."""
    from .company import find_company_file
    from .io import decode_bytes, find_table_file, read_frame

    if not data_dir.is_dir():
        raise DataError(
            [Problem(str(data_dir), None, "-", "the data folder does not exist; pass --data DIR")]
        )
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for name in TABLES:
        path = find_table_file(data_dir, name)
        if path is None:
            continue
        frame, err = read_frame(path)
        if err:
            problems.append(Problem(path.name, None, "-", err))
        else:
            frames[name] = frame
    path = find_company_file(data_dir)
    if path is None:
        problems.append(Problem("company.yaml", None, "-", "the file is missing"))
    else:
        text, _ = decode_bytes(path.read_bytes())
        if text is None:
            problems.append(Problem(path.name, None, "-", "is neither UTF-8 nor GBK text"))
        else:
            frames[COMPANY_TABLE] = pd.DataFrame({YAML_COLUMN: [text]})
    if problems:
        raise DataError(problems)
    return frames


def _write(conn, name: str, frame: pd.DataFrame) -> None:
    """Create the table (`_row`, then one text column per header) and insert every row."""
    from sqlalchemy import Column, Integer, MetaData, Table, Text

    # Keys c0, c1 ... name the bind parameters, so any header (Chinese, spaces) works.
    keys = [f"c{i}" for i in range(len(frame.columns))]
    columns = [Column(str(h), Text, key=k) for h, k in zip(frame.columns, keys, strict=True)]
    numbered = name != COMPANY_TABLE
    if numbered:
        columns.insert(0, Column(ROW, Integer, key="row"))
    table = Table(name, MetaData(), *columns)
    table.create(conn)
    cells = frame.astype(object).where(frame.notna() & frame.ne(""), None)
    rows = [dict(zip(keys, r, strict=True)) for r in cells.itertuples(index=False, name=None)]
    if numbered:
        for number, row in enumerate(rows, start=2):  # the header is row 1 of the file
            row["row"] = number
    if rows:
        conn.execute(table.insert(), rows)
