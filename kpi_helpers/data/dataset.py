"""Everything in a data folder or database, typed: the Dataset and how it is read from a source."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi_helpers.data.company import Company
from kpi_helpers.data.reading import source_table
from kpi_helpers.data.schema import TABLES
from kpi_helpers.errors import Problem


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
    events: pd.DataFrame  # optional events.csv: period, scope, kind, description
    assessments: pd.DataFrame
    checkins: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)
    url: str | None = None  # the database URL the tables were read from
    table_sha256: dict[str, str] = field(default_factory=dict)  # database tables' content

    @property
    def location(self) -> str:
        """The absolute data folder, or the database URL with its password hidden."""
        if self.url:
            from kpi_helpers.data.urls import public_url

            return public_url(self.url)
        return str(Path(self.data_dir).resolve())

    @property
    def periods(self) -> list[str]:
        from kpi_helpers.periods import sort_periods

        return sort_periods(self.actuals["period"].dropna())

    @property
    def latest_period(self) -> str | None:
        p = self.periods
        return p[-1] if p else None


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
