"""Loading the data: choose the source (folder or database URL), read it, validate it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_helpers.data.dataset import Dataset, read_source
from kpi_helpers.data.folder import FolderSource
from kpi_helpers.data.reading import source_table
from kpi_helpers.data.validate import check_source
from kpi_helpers.errors import DataError, Problem


def open_source(data: str | Path):
    """Where the tables come from: a data folder, or a database when `data` is a URL."""
    from kpi_helpers.data.database import DatabaseSource
    from kpi_helpers.data.urls import is_database_url

    return DatabaseSource(str(data)) if is_database_url(data) else FolderSource(Path(data))


def load_table(data_dir: str | Path, name: str) -> tuple[pd.DataFrame, list[Problem], Path | None]:
    """Load one table of the contract by name; absent optional files give an empty typed table."""
    return source_table(open_source(data_dir), name)


def read_dataset(data_dir: str | Path) -> tuple[Dataset | None, list[Problem]]:
    """Read every table of a data folder or a database URL (pass URLs as str, not Path).

    Returns:
        The dataset (None if the company's strategy is unusable) and the problems found.
    """
    return read_source(open_source(data_dir))


def load_dataset(data_dir: str | Path, *, check: bool = True) -> Dataset:
    """Load and validate a data folder or database URL; raise DataError listing every error."""
    if check:
        ds, problems = validate_dataset(data_dir)
    else:
        ds, problems = read_dataset(data_dir)
    if ds is None or any(p.severity == "error" for p in problems):
        raise DataError(problems, ds.company.language if ds is not None else "en")
    return ds


def validate_dataset(data: str | Path) -> tuple[Dataset | None, list[Problem]]:
    """Read a data folder or database URL and check every rule of the contract.

    Returns:
        The dataset (None when company.yaml or the folder is unusable) and every problem found,
        errors and warnings, sorted by file and row. Bad data never raises.
    """
    return check_source(open_source(data))
