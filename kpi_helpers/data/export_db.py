"""Writing a data folder's tables into a SQL database (kpi-workbook export-db)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_helpers.data.database import (
    COMPANY_TABLE,
    TABLE_NAMES,
    YAML_COLUMN,
    _table_names,
    _why,
    make_engine,
)
from kpi_helpers.data.input_files import InputRefused, read_input_bytes
from kpi_helpers.data.schema import ROW, TABLES
from kpi_helpers.data.urls import public_url
from kpi_helpers.errors import DataError, KpiWorkbookError, Problem


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
    from kpi_helpers.data.company import find_company_file
    from kpi_helpers.data.reading import decode_bytes, find_table_file, read_frame

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
        frame, err = read_frame(path, "feedback" if name == "feedback" else "table", data_dir)
        if err:
            problems.append(Problem(path.name, None, "-", err))
        else:
            frames[name] = frame
    path = find_company_file(data_dir)
    if path is None:
        problems.append(Problem("company.yaml", None, "-", "the file is missing"))
    else:
        try:
            text, _ = decode_bytes(read_input_bytes(path, "yaml", data_dir))
        except InputRefused as e:
            text = None
            problems.append(Problem(path.name, None, "-", str(e)))
        if text is None and not problems:
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
