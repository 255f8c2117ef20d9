"""targets.csv fragments: rows to append to targets.csv, always written to a new file.

One writer serves `kpi-workbook review --proposal-out`, the what-if panel's save and the review
panel's export, so every fragment has targets.csv's columns in targets.csv's order, levels in the
validator's order, and never replaces a file.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pandas as pd

from kpi_helpers.data.rules import _order_issue
from kpi_helpers.data.schema import TARGETS
from kpi_helpers.data.spreadsheet import neutralise_cell
from kpi_helpers.errors import KpiWorkbookError

TARGET_COLUMNS = [c.name for c in TARGETS.columns]  # period, kpi_id, target, threshold, stretch
LEVELS = ("threshold", "target", "stretch")


class LevelOrderError(KpiWorkbookError):
    """Rows whose threshold / target / stretch are out of the validator's order; nothing written."""


def number_text(v) -> str:
    """A number as a person writes it in a CSV cell: 12000, 35.5, 0.25; empty when missing."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, str):
        return v
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:.10g}"


def cell_text(v) -> str:
    """The text written into one CSV cell, never a live spreadsheet formula. Every fragment cell
    passes through here."""
    return neutralise_cell(number_text(v))


def target_columns(data_dir: Path | str | None = None) -> list[str]:
    """targets.csv's columns in the order of the data folder's targets.csv header.

    Rows appended to a file must follow its header; a folder without targets.csv (or with a
    header that is not exactly the five columns) gets the contract's order.
    """
    path = Path(data_dir) / "targets.csv" if data_dir is not None else None
    if path is None or not path.is_file():
        return list(TARGET_COLUMNS)
    try:
        with path.open(encoding="utf-8-sig") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError):
        return list(TARGET_COLUMNS)
    aliases = TARGETS.alias_map()
    header = [aliases.get(h.strip().lower()) for h in first.strip().split(",")]
    return header if sorted(map(str, header)) == sorted(TARGET_COLUMNS) else list(TARGET_COLUMNS)


def targets_fragment(frame: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """Rows of targets.csv for the given KPIs (period, kpi_id, target, threshold, stretch).

    `period` fills or replaces the period column; a `direction` column, when present, is kept
    after the five so that the writer can check the levels' order.
    """
    out = frame.copy()
    if period is not None:
        out["period"] = period
    for col in TARGET_COLUMNS:
        if col not in out:
            out[col] = pd.NA
    extra = ["direction"] if "direction" in out else []
    return out[TARGET_COLUMNS + extra].reset_index(drop=True)


def order_problems(rows: pd.DataFrame) -> list[str]:
    """One sentence per row whose threshold / target / stretch are out of the validator's order.

    With a `direction` column the rule is the validator's (threshold < target < stretch, reversed
    for `lower`); without one the levels must at least rise or fall strictly.
    """
    out = []
    for r in rows.to_dict("records"):
        values = {c: r.get(c) for c in LEVELS}
        direction = r.get("direction")
        if direction not in ("higher", "lower"):
            given = [float(v) for v in values.values() if v is not None and pd.notna(v)]
            falling = len(given) >= 2 and given[0] > given[1]
            direction = "lower" if falling else "higher"
        issue = _order_issue(direction, **values)
        if issue:
            _pair, wrong, rule = issue
            out.append(f"{r.get('kpi_id')} ({r.get('period')}): {wrong}; {rule}")
    return out


def check_order(rows: pd.DataFrame) -> None:
    """Raise LevelOrderError naming the rows whose levels are out of order."""
    problems = order_problems(rows)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise LevelOrderError(
            f"nothing written: {problems[0]}{more}; put the levels in order and save again"
        )


def csv_text(frame: pd.DataFrame, columns: list[str]) -> str:
    """The frame's columns as CSV text, each cell made by cell_text."""
    cells = frame[columns].astype(object).map(cell_text)
    buf = io.StringIO()
    cells.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def write_exclusive(text: str, path: Path) -> Path:
    """Create `path` with `text`; an existing file is never replaced.

    Raises:
        KpiWorkbookError: the file exists or the folder cannot be written.
    """
    path = Path(path)
    try:
        with path.open("x", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except FileExistsError:
        raise KpiWorkbookError(
            f"{path} already exists; choose a new file name or delete the old one"
        ) from None
    except OSError as e:
        raise KpiWorkbookError(
            f"cannot write {path} ({e.strerror}); check the folder exists and is writable"
        ) from None
    return path


def new_file(folder: Path, stem: str, now: datetime | None = None) -> tuple[Path, ...]:
    """Candidate names `<folder>/<stem>_<timestamp>.csv`, then `-2`, `-3`... suffixes."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return tuple(
        folder / (f"{stem}_{stamp}.csv" if n == 1 else f"{stem}_{stamp}-{n}.csv")
        for n in range(1, 1000)
    )


def write_new_csv(
    frame: pd.DataFrame, folder: Path, stem: str, now: datetime | None = None, columns=None
) -> Path:
    """Write `frame` as `<folder>/<stem>_<timestamp>.csv`, never replacing an existing file.

    Raises:
        KpiWorkbookError: the folder cannot be written.
    """
    folder = Path(folder)
    text = csv_text(frame, list(columns or frame.columns))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise KpiWorkbookError(f"cannot write in {folder} ({e.strerror}); check permissions") from e
    for path in new_file(folder, stem, now):
        if path.exists():
            continue
        try:
            return write_exclusive(text, path)
        except KpiWorkbookError:
            if path.exists():
                continue  # taken between the check and the write
            raise
    raise KpiWorkbookError(f"too many files named {stem}_*.csv in {folder}")


def fragment_csv(rows: pd.DataFrame, columns: list[str] | None = None) -> str:
    """The fragment as CSV text (targets.csv's columns), after checking the levels' order."""
    frag = targets_fragment(rows)
    check_order(frag)
    return csv_text(frag, columns or list(TARGET_COLUMNS))


def write_fragment(
    rows: pd.DataFrame,
    path: Path | None = None,
    *,
    data_dir: Path | None = None,
    folder: str = "whatif",
    period: str | None = None,
    now: datetime | None = None,
) -> Path:
    """Write targets.csv rows to a new file, in the columns and order of data_dir's targets.csv.

    Either `path` (refused when it exists) or `data_dir`, which gives
    `<data_dir>/<folder>/targets_<period>_<time>.csv`. Levels out of order are refused and
    nothing is written.

    Raises:
        KpiWorkbookError: levels out of order, the file exists or cannot be written.
    """
    frag = targets_fragment(rows, period)
    check_order(frag)
    columns = target_columns(data_dir)
    if path is not None:
        return write_exclusive(csv_text(frag, columns), Path(path))
    if data_dir is None:
        raise ValueError("write_fragment needs a path or a data_dir")
    if period is None and len(frag):
        period = str(frag["period"].iloc[0])
    stem = f"targets_{period}"
    return write_new_csv(frag, Path(data_dir) / folder, stem, now, columns)
