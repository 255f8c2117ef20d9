"""`kpi-workbook export-db URL`: write a data folder's tables into a SQL database."""

from __future__ import annotations

from pathlib import Path

from kpi_helpers.data.export_db import export_data_folder
from kpi_helpers.data.urls import is_database_url, public_url
from kpi_helpers.errors import UsageError


def main(args) -> int:
    if not is_database_url(args.url):
        raise UsageError(
            f"'{args.url}' is not a database URL; write it like sqlite:///kpi.db or "
            "postgresql://user:password@host:5432/dbname"
        )
    if is_database_url(args.data):
        raise UsageError("--data: export-db reads a data folder; pass the folder to export")
    written = export_data_folder(Path(args.data), args.url, replace=args.replace)
    print(
        f"wrote the tables {', '.join(written)} to {public_url(args.url)}; "
        "check them with: kpi-workbook validate --data URL"
    )
    return 0
