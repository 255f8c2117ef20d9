"""Paths and constants shared by every module: project root, default folders, dimension keys."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DEFAULT_DATA_DIR = Path("data")
DEFAULT_REPORTS_DIR = Path("reports")
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


# Report kernels (kpi-workbook run) set this: a kernel then keeps what it loaded and evaluated
# for the next notebook of the same data folder and period (context.open_period).
REUSE_ENV = "KPI_WORKBOOK_REUSE_DATA"
# Set by kpi-workbook run for its kernels: a pickle of the data set the run has already loaded
# and validated, with the fingerprint of the folder it came from (context.open_period).
DATASET_ENV = "KPI_WORKBOOK_DATASET"
