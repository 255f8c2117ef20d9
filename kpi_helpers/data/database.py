"""The data folder's tables in a SQL database: `--data` as a SQLAlchemy URL, and export-db.

Layout: one table per data file, named like the file without its extension (people, kpis,
targets, actuals, feedback, reviews, events), with the file's header names as columns, and a table
`company` with one row whose column `yaml` holds the text of company.yaml. Cells are read as
text (numbers and dates of typed columns are written out, NULL is an empty cell), so every rule
of the validator applies unchanged.

In messages a table is named by its name, and a row by its number in the optional integer
column `_row` (export-db writes the row's number in the file there, so messages name the same
rows as for the files, and `WHERE _row = 12` finds one). A table without `_row` is numbered in
the order the database returns it, the first row being row 2 as under a header; SQL tables have
no order of their own, so give a warehouse table `_row` or read it through a view that sorts."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import math

import numpy as np
import pandas as pd

from kpi_helpers.data.schema import ROW, TABLES
from kpi_helpers.data.urls import absolute_url, connect_url, mask_secrets, public_url, sqlite_file
from kpi_helpers.errors import DataError, Problem

COMPANY_TABLE = "company"


YAML_COLUMN = "yaml"


TABLE_NAMES = (*TABLES, COMPANY_TABLE)


CONNECT_TIMEOUT = 15  # seconds; an unreachable host fails with a message instead of hanging


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
        from kpi_helpers.data.reading import text_table

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
        from kpi_helpers.data.company import parse_company

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
        path = sqlite_file(url)
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
    lines = [line.strip() for line in mask_secrets(str(e)).strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else type(e).__name__
