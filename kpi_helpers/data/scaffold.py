"""`kpi-workbook init`: a new data folder with every file of the contract and a few example rows."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kpi_helpers.errors import KpiWorkbookError

# The example company lives in kpi_helpers/data/templates/, one file per table of the contract.
TEMPLATE_FILES = (
    "company.yaml",
    "people.csv",
    "kpis.csv",
    "targets.csv",
    "actuals.csv",
    "feedback.csv",
    "reviews.csv",
    "events.csv",
    "assessments.csv",
    "checkins.csv",
)


def template_text(name: str) -> str:
    """The example content of one data file, as shipped in kpi_helpers/templates/."""
    return (resources.files(__package__) / "templates" / name).read_text(encoding="utf-8")


def init_data_folder(path: Path) -> Path:
    """Write a new data folder with every file, headers and a few bilingual example rows.

    Args:
        path: the folder to create; it may exist only if it is empty.

    Returns:
        The folder written.

    Raises:
        KpiWorkbookError: the folder already holds files, or cannot be written.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise KpiWorkbookError(
            f"{path} is a file, not a folder; choose a new folder name for the data"
        )
    if path.is_dir() and any(path.iterdir()):
        raise KpiWorkbookError(
            f"{path} already exists and is not empty; choose a new folder so no file is overwritten"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
        for name in TEMPLATE_FILES:
            # CSV with a BOM so that Excel opens the Chinese text correctly on double-click.
            encoding = "utf-8-sig" if name.endswith(".csv") else "utf-8"
            (path / name).write_text(template_text(name), encoding=encoding, newline="")
    except OSError as e:
        raise KpiWorkbookError(f"cannot write the data folder {path} ({e.strerror})") from e
    return path
