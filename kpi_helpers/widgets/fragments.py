"""Tried or accepted targets written as targets.csv fragments, always into a new file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from kpi_helpers.errors import KpiWorkbookError

TARGET_COLUMNS = ["period", "kpi_id", "threshold", "target", "stretch"]
WEIGHT_COLUMNS = ["kpi_id", "owner", "weight"]


def targets_fragment(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """Rows of targets.csv (period, kpi_id, threshold, target, stretch) for the given KPIs."""
    out = frame.copy()
    out["period"] = period
    for col in TARGET_COLUMNS:
        if col not in out:
            out[col] = pd.NA
    return out[TARGET_COLUMNS].reset_index(drop=True)


def _number_text(v) -> str:
    if v is None or pd.isna(v):
        return ""
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:.10g}"


def _cell_text(v) -> str:
    if isinstance(v, str):
        return v
    return _number_text(v)


def write_new_csv(
    frame: pd.DataFrame, folder: Path, stem: str, now: datetime | None = None
) -> Path:
    """Write `frame` as `<folder>/<stem>_<timestamp>.csv`, never replacing an existing file.

    The file is created exclusively; if the name is taken a `-2`, `-3`... suffix is added. CSV is
    written UTF-8 with a BOM so that Excel shows Chinese text correctly.

    Raises:
        KpiWorkbookError: the folder cannot be written.
    """
    folder = Path(folder)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    text = frame.astype(object).map(_cell_text).to_csv(index=False, lineterminator="\n")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(1, 1000):
            path = folder / (f"{stem}_{stamp}.csv" if n == 1 else f"{stem}_{stamp}-{n}.csv")
            try:
                with path.open("x", encoding="utf-8-sig", newline="") as fh:
                    fh.write(text)
                return path
            except FileExistsError:
                continue
    except OSError as e:
        raise KpiWorkbookError(f"cannot write in {folder} ({e.strerror}); check permissions") from e
    raise KpiWorkbookError(f"too many files named {stem}_{stamp}*.csv in {folder}")


def save_targets(frame: pd.DataFrame, data_dir: Path, period: str, folder: str = "whatif") -> Path:
    """Save targets rows as `<data_dir>/<folder>/targets_<period>_<timestamp>.csv` (a new file).

    The data files themselves are never touched: copy the rows into targets.csv to adopt them.
    """
    return write_new_csv(
        targets_fragment(frame, period), Path(data_dir) / folder, f"targets_{period}"
    )
