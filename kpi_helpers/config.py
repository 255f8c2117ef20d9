"""Paths and constants shared by every module: project root, default folders, dimension keys."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DEFAULT_DATA_DIR = Path("data")
DEFAULT_REPORTS_DIR = Path("reports")
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"

# Every environment variable the product reads, one name per meaning.

# Report kernels (kpi-workbook run) set this: a kernel then keeps what it loaded and evaluated
# for the next notebook of the same data folder and period (context.open_period).
REUSE_DATA_ENV = "KPI_WORKBOOK_REUSE_DATA"
# Set by kpi-workbook run for its kernels: a pickle of the data set the run has already loaded
# and validated, with the fingerprint of the folder it came from (context.open_period).
DATASET_ENV = "KPI_WORKBOOK_DATASET"
# How many notebooks one warm kernel runs before it is replaced (run.warm_kernel).
KERNEL_REUSE_ENV = "KPI_WORKBOOK_KERNEL_REUSE"
# "1": never show a widget (runs and HTML exports set it for their kernels).
HEADLESS_ENV = "KPI_WORKBOOK_HEADLESS"
# "1": notebooks opened in JupyterLab show their controls by default (`make lab` sets it).
LAB_ENV = "KPI_WORKBOOK_LAB"
# A Chromium other than the one on PATH, for --pdf.
CHROMIUM_ENV = "KPI_WORKBOOK_CHROMIUM"
# The password of a database URL written with *** (never stored in files or manifests).
DATA_URL_ENV = "KPI_WORKBOOK_DATA_URL"
