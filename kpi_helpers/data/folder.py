"""A data folder as a source: each table a CSV or XLSX file, the strategy in company.yaml."""

from __future__ import annotations

from pathlib import Path

from kpi_helpers.data.company import Company, find_company_file, load_company
from kpi_helpers.data.reading import RawTable, find_table_file, read_raw
from kpi_helpers.data.schema import TABLES
from kpi_helpers.errors import Problem


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


def folder_fingerprint(folder: Path) -> tuple:
    """The folder and the name, size and modification time of every file in it."""
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            files.append((str(path.relative_to(folder)), st.st_size, st.st_mtime_ns))
    return str(folder), tuple(files)
