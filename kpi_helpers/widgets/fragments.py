"""Tried or accepted targets and tried weights, written into new files by the data wing's writer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_helpers.data.fragments import (
    TARGET_COLUMNS,
    targets_fragment,
    write_fragment,
    write_new_csv,
)

WEIGHT_COLUMNS = ["kpi_id", "owner", "weight"]

__all__ = [
    "TARGET_COLUMNS",
    "WEIGHT_COLUMNS",
    "save_targets",
    "targets_fragment",
    "write_new_csv",
]


def save_targets(frame: pd.DataFrame, data_dir: Path, period: str, folder: str = "whatif") -> Path:
    """Save targets rows as `<data_dir>/<folder>/targets_<period>_<timestamp>.csv` (a new file).

    Levels out of order are refused (KpiWorkbookError) and nothing is written. The data files
    themselves are never touched: append the rows to targets.csv to adopt them.
    """
    return write_fragment(frame, data_dir=Path(data_dir), folder=folder, period=period)
