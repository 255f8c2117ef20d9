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
# The folder of remembered per-comment feedback results ("off": no cache; feedback.cache).
CACHE_DIR_ENV = "KPI_WORKBOOK_CACHE_DIR"


# --- Limits on input files (README, Security). Each can be raised through its variable. --------
MB = 1_000_000
MAX_FILE_ENV = "KPI_WORKBOOK_MAX_FILE_MB"  # any table but feedback, default 50 MB
MAX_FEEDBACK_ENV = "KPI_WORKBOOK_MAX_FEEDBACK_MB"  # feedback.csv and feedback exports, 500 MB
MAX_YAML_ENV = "KPI_WORKBOOK_MAX_YAML_MB"  # company.yaml, mappings and keyword lists, 1 MB
MAX_ROWS_ENV = "KPI_WORKBOOK_MAX_ROWS"  # rows of one table, default 5,000,000
XLSX_UNPACKED_ENV = "KPI_WORKBOOK_MAX_XLSX_UNPACKED_MB"  # an XLSX file unpacked, 1,000 MB
XLSX_CELLS_ENV = "KPI_WORKBOOK_MAX_XLSX_CELLS"  # cells of an XLSX workbook, 3,000,000
FOLLOW_SYMLINKS_ENV = "KPI_WORKBOOK_FOLLOW_SYMLINKS"  # set by --follow-symlinks
MAX_YAML_DEPTH = 64  # nesting levels of a YAML file
MAX_YAML_NODES = 100_000  # values of a YAML file with every alias expanded


def _env_number(name: str, default: float) -> float:
    import os

    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


def input_limit(kind: str) -> tuple[int, str]:
    """(bytes, variable that changes it) for an input file: "table", "feedback" or "yaml"."""
    env, default = {
        "feedback": (MAX_FEEDBACK_ENV, 500),
        "yaml": (MAX_YAML_ENV, 1),
    }.get(kind, (MAX_FILE_ENV, 50))
    return int(_env_number(env, default) * MB), env


def max_rows() -> int:
    return int(_env_number(MAX_ROWS_ENV, 5_000_000))


def max_xlsx_unpacked_bytes() -> int:
    return int(_env_number(XLSX_UNPACKED_ENV, 1000) * MB)


def max_xlsx_cells() -> int:
    return int(_env_number(XLSX_CELLS_ENV, 3_000_000))


def follow_symlinks() -> bool:
    import os

    return os.environ.get(FOLLOW_SYMLINKS_ENV, "") not in ("", "0")
