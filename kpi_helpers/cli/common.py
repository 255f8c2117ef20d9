"""Shared pieces of the subcommands: loading the data folder, choosing the period, printing tables."""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.data.load import load_dataset
from kpi_helpers.data.params import resolve_period


def load(args) -> Dataset:
    return load_dataset(args.data)  # a str: a database URL would not survive Path()


def choose_period(ds: Dataset, period: str | None) -> str:
    """The period asked for (well formed, of the company's cadence, with data), else the latest."""
    return resolve_period(ds, period, name="--period")


def clean(value):
    """A JSON-safe value: NaN/NA -> None, numpy scalars -> Python numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else round(float(value), 6)
    if isinstance(value, (tuple, list)):
        return [clean(v) for v in value]
    return value


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [
        {c: clean(v) for c, v in zip(columns, row, strict=True)}
        for row in frame[columns].itertuples(index=False)
    ]


def print_json(obj: dict) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def print_table(frame: pd.DataFrame, title: str | None = None) -> None:
    if title:
        print(title)
    with pd.option_context(
        "display.max_rows", None, "display.max_columns", None, "display.width", 200
    ):
        print(frame.to_string(index=False, float_format=lambda v: f"{v:.1f}", na_rep="-"))


def os_error_sentence(e: OSError) -> str:
    """One sentence for a file the command could not read or write."""
    import errno

    where = e.filename or "a file"
    hint = {
        errno.ENOSPC: "the disk is full; free some space and run again",
        errno.EDQUOT: "the disk quota is used up; free some space and run again",
        errno.EACCES: "permission denied; choose a folder you can write to or fix its permissions",
        errno.EPERM: "permission denied; choose a folder you can write to or fix its permissions",
        errno.EROFS: "the file system is read-only; choose another folder",
        errno.ENOTDIR: "a part of this path is a file, not a folder; choose another path",
        errno.EEXIST: "it exists and is not a folder; choose another path",
        errno.EISDIR: "it is a folder; give a file name",
        errno.ELOOP: "it is a symbolic link, which is refused here; remove it and run again",
    }.get(e.errno, f"{e.strerror or e}; check the path and run again")
    return f"{where}: {hint}"
