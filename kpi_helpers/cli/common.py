"""Shared pieces of the subcommands: loading the data folder, choosing the period, printing tables."""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.data.load import load_dataset
from kpi_helpers.errors import UsageError
from kpi_helpers.periods import PeriodError, cadence_kind, normalize_period, parse_period


def load(args) -> Dataset:
    return load_dataset(args.data)  # a str: a database URL would not survive Path()


def choose_period(ds: Dataset, period: str | None) -> str:
    """The period asked for, normalised, or the latest period that has actuals."""
    if period:
        try:
            period = normalize_period(period)
        except PeriodError as e:
            raise UsageError(f"--period: {e}") from None
        same_cadence = parse_period(period).kind == cadence_kind(ds.company.cadence)
        if same_cadence and ds.periods and period not in ds.periods:
            raise UsageError(
                f"--period: actuals.csv has no rows for {period}, so there is nothing to score; "
                f"add its actuals or choose one of {', '.join(ds.periods)}"
            )
        return period
    if ds.latest_period is None:
        raise UsageError(
            "actuals.csv has no rows, so there is no period to report; add actuals or pass --period"
        )
    return ds.latest_period


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
