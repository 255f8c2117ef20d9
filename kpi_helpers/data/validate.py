"""Checking a data folder against the contract: every problem of every file, in one run."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from kpi_helpers.data.dataset import Dataset, read_source
from kpi_helpers.data.reading import source_table
from kpi_helpers.data.rules import Folder, cross_file_problems
from kpi_helpers.data.schema import (
    AUTHORS,
    DIMENSION_ALIASES,
    DIMENSIONS,
    DIRECTIONS,
    EVENT_KINDS,
    RANGES,
    ROW,
    TABLES,
)
from kpi_helpers.data.spreadsheet import starts_like_formula
from kpi_helpers.errors import Problem

# Tables whose duplicate keys are only a warning: real survey exports repeat rows.
_DUPLICATES_ARE_WARNINGS = {"feedback"}
# pm_ids and kpi_ids name files (pm/<pm_id>.html) and appear in every page and spreadsheet:
# letters (any script), digits, '_', '-' and '.', starting with a letter or digit.
SAFE_ID = re.compile(r"^[^\W_][\w.\-]*$")
MAX_ID_LENGTH = 64
_SAFE_ID_COLUMNS = {"people": "pm_id", "kpis": "kpi_id"}


def check_source(source) -> tuple[Dataset | None, list[Problem]]:
    """Read a source (a data folder or a database) and check every rule of the contract.

    Args:
        source: a FolderSource or a DatabaseSource (see kpi_helpers.data.load.open_source).

    Returns:
        The dataset (None when company.yaml or the folder is unusable) and every problem found,
        errors and warnings, sorted by file and row. Bad data never raises.
    """
    ds, problems = read_source(source)
    if source.problems():
        return None, problems
    if ds is not None:
        frames = {name: getattr(ds, name) for name in TABLES}
        company, company_path = ds.company, source.company_file()
    else:
        # company.yaml is unusable; the tables can still be checked on their own.
        frames = {name: source_table(source, name)[0] for name in TABLES}
        company, company_path = None, None
    files = {name: source.label(name) for name in TABLES}
    # What io could not read: whole files, and required columns absent from a header.
    unreadable = {p.file for p in problems if p.column == "-"}
    missing = {(p.file, p.column) for p in problems if p.row == 1 and p.column != "-"}
    folder = Folder(frames, files, company, company_path, unreadable, missing)
    flagged = {(p.file, p.row, p.column) for p in problems}
    for name, frame in frames.items():
        if files[name] not in unreadable:
            absent = {c for f, c in missing if f == files[name]}
            problems += _table_problems(
                name, frame.drop(columns=list(absent)), files[name], flagged
            )
    problems += cross_file_problems(folder)
    problems += id_problems(frames, files)
    return ds, sort_problems(problems)


def id_problems(frames: dict[str, pd.DataFrame], files: dict[str, str]) -> list[Problem]:
    """pm_ids and kpi_ids of a safe form (errors); any id a spreadsheet would run (warnings)."""
    problems = []
    for name, frame in frames.items():
        for column in [c for c in frame.columns if c.endswith("_id") or c == "owner"]:
            for row, value in zip(frame[ROW], frame[column], strict=True):
                if not isinstance(value, str) or not value:
                    continue
                if _SAFE_ID_COLUMNS.get(name) == column and (
                    len(value) > MAX_ID_LENGTH or not SAFE_ID.match(value)
                ):
                    problems.append(Problem(files[name], int(row), column, _unsafe_id(value)))
                elif starts_like_formula(value):
                    problems.append(
                        Problem(
                            files[name],
                            int(row),
                            column,
                            f"'{value}' starts with '{value[0]}', which a spreadsheet reads as a "
                            "formula; the product writes it with a leading ' but better start "
                            "ids with a letter or digit",
                            "warning",
                        )
                    )
    return problems


def _unsafe_id(value: str) -> str:
    shown = value if len(value) <= 40 else value[:40] + "..."
    why = (
        f"is {len(value)} characters long (at most {MAX_ID_LENGTH})"
        if len(value) > MAX_ID_LENGTH
        else "holds characters an id cannot have"
    )
    return (
        f"'{shown}' {why}; ids may use letters, digits, '_', '-' and '.', start with a letter "
        f"or digit and have at most {MAX_ID_LENGTH} characters"
    )


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Drop repeated messages and order by file (causes first), then row (file-level first)."""
    unique = list(dict.fromkeys(problems))
    return sorted(
        unique, key=lambda p: (_file_rank(p.file), p.file, -1 if p.row is None else p.row)
    )


def _file_rank(file: str) -> int:
    """Files in the order their rows depend on each other (company.yaml, people, kpis, then the
    tables that point at KPIs), so a root cause is printed before what follows from it."""
    stem = str(file).rsplit("/", 1)[-1].split(".", 1)[0].split(":", 1)[0]
    order = ["company", *TABLES]
    return order.index(stem) if stem in order else len(order)


def _value_checks(pa) -> dict[str, dict[str, list[tuple[object, Callable[[object], str]]]]]:
    """Per table and column: (pandera check, sentence for a failing value)."""

    def one_of(allowed, what):
        def say(v):
            key = DIMENSION_ALIASES.get(v)
            if key:  # a Chinese dimension name where the key belongs
                return f"write the dimension key '{key}' instead of '{v}'"
            return f"'{v}' is not {what}; use one of {', '.join(allowed)}"

        return pa.Check.isin(list(allowed)), say

    def between(table, column):
        lo, hi = RANGES[(table, column)]

        def say(v):
            return f"{_num(v)} is outside the scale {lo}-{hi}; write a value from {lo} to {hi}"

        return pa.Check.in_range(lo, hi), say

    def not_a_weight(v):
        return f"{_num(v)} is not a usable weight; weights are numbers above 0"

    def not_whole(v):
        return f"{_num(v)} is not a whole number; NPS answers are whole numbers from 0 to 10"

    dimension = one_of(DIMENSIONS, "a dimension")
    return {
        "kpis": {
            "dimension": [dimension],
            "direction": [one_of(DIRECTIONS, "a direction")],
            "weight": [(pa.Check.gt(0), not_a_weight)],
        },
        "feedback": {
            "nps": [between("feedback", "nps"), (pa.Check(lambda s: s % 1 == 0), not_whole)],
            **{c: [between("feedback", c)] for c in ("csat", "ces")},
        },
        "reviews": {"score": [between("reviews", "score")], "dimension": [dimension]},
        "events": {"kind": [one_of(EVENT_KINDS, "an event kind")]},
        "assessments": {
            "rating": [between("assessments", "rating")],
            "dimension": [dimension],
            "author": [one_of(AUTHORS, "an author")],
        },
        "checkins": {"confidence": [between("checkins", "confidence")]},
    }


def _table_problems(name: str, frame: pd.DataFrame, file: str, flagged: set) -> list[Problem]:
    """Required cells, allowed values, ranges and unique keys of one table (with pandera)."""
    import pandera.pandas as pa  # slow to import; only validation needs it

    table = TABLES[name]
    checks = _value_checks(pa).get(name, {})
    key = list(table.key)
    columns = {
        c.name: pa.Column(
            checks=[check for check, _ in checks.get(c.name, [])],
            nullable=not c.required,
            unique=key == [c.name],
            report_duplicates="exclude_first",
        )
        for c in table.columns
        if (c.required or c.name in checks) and c.name in frame.columns
    }
    multi_key = len(key) > 1 and set(key) <= set(frame.columns)
    schema = pa.DataFrameSchema(
        columns, unique=key if multi_key else None, report_duplicates="exclude_first"
    )
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as e:
        failures = e.failure_cases
    else:
        return []
    problems = []
    severity = "warning" if name in _DUPLICATES_ARE_WARNINGS else "error"
    firsts: dict[tuple, int] = {}
    for f in failures.to_dict("records"):
        index, column, check = f["index"], f["column"], f["check"]
        if index is None or pd.isna(index) or column not in frame.columns:
            continue
        row = int(frame.at[index, ROW])
        if check == "not_nullable":
            if (file, row, column) not in flagged:
                problems.append(
                    Problem(file, row, column, f"{column} is required; fill in this cell")
                )
        elif check in ("field_uniqueness", "multiple_fields_uniqueness"):
            values = tuple(frame.loc[index, key])
            if column == key[-1] and not any(pd.isna(v) for v in values):
                firsts = firsts or _first_rows(frame, key)
                first = firsts.get(values, row)
                problems.append(
                    Problem(file, row, column, _duplicate(key, values, first, severity), severity)
                )
        else:
            _check, say = checks[column][int(f["check_number"])]
            problems.append(Problem(file, row, column, say(f["failure_case"])))
    return problems


def _first_rows(frame: pd.DataFrame, key: list[str]) -> dict[tuple, int]:
    """The first spreadsheet row of every key value (the table is in file order)."""
    first: dict[tuple, int] = {}
    for values, row in zip(frame[key].itertuples(index=False, name=None), frame[ROW], strict=True):
        first.setdefault(values, int(row))
    return first


def _duplicate(key: list[str], values: tuple, first: int, severity: str) -> str:
    if severity == "warning":
        return (
            f"'{values[0]}' is used again (first in row {first}); if it is the same answer "
            "exported twice, delete one of the rows"
        )
    if len(key) == 1:
        return f"'{values[0]}' is used again (first in row {first}); give each row its own {key[0]}"
    what = ", ".join(f"{k} {v}" for k, v in zip(key, values, strict=True))
    return f"{what} appears again (first in row {first}); keep one row per {' and '.join(key)}"


def _num(v) -> str:
    try:
        return f"{float(v):g}"
    except (TypeError, ValueError):
        return str(v)
