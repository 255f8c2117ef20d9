"""Reading real feedback exports (any CSV/XLSX) into the feedback table through a mapping YAML."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_helpers.data.reading import parse_dates, read_frame
from kpi_helpers.data.schema import ROW
from kpi_helpers.errors import DataError, Problem
from kpi_helpers.feedback.mapping import (
    FIELDS,
    SCORES,
    FieldSpec,
    Mapping,
    fitting_mappings,
    header_key,
    load_mapping,
    match_columns,
)
from kpi_helpers.feedback.scales import score_cell_checks

DATES = ("date", "resolved_date")
MAX_LISTED = 20  # row-level problems listed one by one per column and kind; the rest are counted

_NUMBER = re.compile(
    r"^\s*([-+]?\d+(?:\.\d+)?)\s*(?:分|星|颗星|stars?|points?|pts?|/\s*\d+(?:\.\d+)?)?\s*$",
    re.IGNORECASE,
)


class _Reporter:
    """Row-level problems: the first few of each kind one by one, the rest as one count."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def cells(
        self, rows: pd.Series, codes: np.ndarray, bad_values: pd.Series, column: str, message
    ):
        """Rows whose distinct value (codes -> bad_values) is bad; message: one per value."""
        if not bad_values.any():
            return
        bad = np.append(bad_values.to_numpy(dtype=bool), False)[codes]  # code -1 -> False
        idx = np.flatnonzero(bad)
        self.rows(rows.iloc[idx], column, (message.iat[codes[i]] for i in idx[:MAX_LISTED]))

    def rows(self, rows, column: str, message, severity: str = "warning"):
        rows = list(rows)
        for r, msg in zip(rows[:MAX_LISTED], message, strict=False):
            self.problems.append(Problem(self.file, int(r), column, msg, severity))
        if len(rows) > MAX_LISTED:
            self.problems.append(
                Problem(
                    self.file,
                    None,
                    column,
                    f"and {len(rows) - MAX_LISTED:,} more rows like these",
                    severity,
                )
            )


def _rows(k: int) -> str:
    """'1 row has' / '3 rows have'."""
    return f"{k:,} row has" if k == 1 else f"{k:,} rows have"


def _expand(values: pd.Series, codes: np.ndarray) -> pd.Series:
    """Per-distinct-value results back onto the rows (code -1, an empty cell, gives <NA>)."""
    return pd.Series(values.reset_index(drop=True).reindex(codes).to_numpy(), dtype=values.dtype)


def category(values: pd.Series, codes: np.ndarray | None = None) -> pd.Series:
    """A low-cardinality text column as a categorical with sorted categories (fast to compare
    and group on a million rows); `codes` maps rows onto `values` as pd.factorize gives them."""
    vcodes, cats = pd.factorize(values, use_na_sentinel=True)
    if codes is not None:
        vcodes = np.append(vcodes, -1)[codes]  # code -1 (an empty cell) stays missing
    order = np.argsort(np.asarray(cats, dtype=object).astype(str), kind="stable")
    rank = np.empty(len(cats), dtype=np.int64)
    rank[order] = np.arange(len(cats))
    final = np.where(vcodes >= 0, rank[np.maximum(vcodes, 0)] if len(cats) else -1, -1)
    cat = pd.Categorical.from_codes(
        final, categories=pd.Index(np.asarray(cats, dtype=object)[order])
    )
    return pd.Series(cat)


def _read_number(values: dict[str, float]):
    def parse(u: pd.Series) -> pd.Series:
        def one(v) -> float:
            if v is None or pd.isna(v):
                return np.nan
            key = header_key(v)
            if key in values:
                return values[key]
            if key and set(key) <= {"★", "☆"}:
                return float(key.count("★"))
            m = _NUMBER.match(unicodedata.normalize("NFKC", str(v)).replace(",", ""))
            return float(m.group(1)) if m else np.nan

        return pd.Series([one(v) for v in u], dtype="float64")

    return parse


def _read_date(fmt: str | None):
    def parse(u: pd.Series) -> pd.Series:
        u = u.astype("string")
        if fmt and fmt != "mixed":
            out = pd.to_datetime(u, format=fmt, errors="coerce")
            rest = out.isna() & u.notna()
            if rest.any():
                out[rest] = parse_dates(u[rest])
            return out.astype("datetime64[ns]")
        return parse_dates(u).astype("datetime64[ns]")

    return parse


def _convert_scale(values: pd.Series, src: tuple[float, float], dst: tuple[float, float]):
    """Onto the metric's scale: kept when the top matches (1-10 NPS), else linear (1-5 CES -> 1-7)."""
    if src == dst or (src[1] == dst[1] and src[0] >= dst[0]):
        return values
    return dst[0] + (values - src[0]) * (dst[1] - dst[0]) / (src[1] - src[0])


def clean_text(s: pd.Series) -> pd.Series:
    """Stripped text with HTML entities resolved; blank cells become <NA>."""
    t = s.astype("string").str.strip()
    amp = t.str.contains("&", regex=False, na=False)
    if amp.any():
        t[amp] = t[amp].map(html.unescape).str.strip()
    return t.where(t.ne(""), pd.NA)


def load_feedback(
    path: str | Path,
    mapping: str | Path | Mapping | None = None,
    *,
    drop_duplicates: bool | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a feedback export into the feedback table.

    Args:
        path: CSV (UTF-8, BOM, GB18030) or XLSX file.
        mapping: a mapping YAML path, a shipped mapping name, a Mapping, or None (project layout).
        drop_duplicates: override the mapping's `duplicates:` rule.
    Returns:
        (frame, problems): one row per kept record with `_row` (spreadsheet row), the eleven
        feedback fields (absent ones empty, product/channel filled with the mapping's default)
        and the mapping's `keep` columns; problems are warnings for rows that were excluded
        or repaired. Raises DataError when the file or its columns cannot work at all.
    """
    path = Path(path)
    m = load_mapping(mapping)
    name = path.name
    frame, err = read_frame(path, "feedback")
    if err:
        raise DataError([Problem(name, None, "-", err)])
    found = match_columns(m, frame.columns)
    available = ", ".join(map(str, frame.columns))
    missing = [f for f in m.required if f not in found]
    if missing or not set(found) & {"nps", "csat", "ces", "text"}:
        what = (
            f"column(s) {', '.join(missing)} not found"
            if missing
            else "no score or text column found"
        )
        fits = [f for f in fitting_mappings(frame.columns) if f != m.name]
        hint = (
            f"this file fits --mapping {' or '.join(fits)}"
            if fits
            else "write a mapping YAML naming the columns and pass --mapping FILE"
        )
        raise DataError(
            [
                Problem(
                    name,
                    1,
                    "-",
                    f"{what} with mapping '{m.name}' (the file has: {available}); {hint}",
                )
            ]
        )
    rep = _Reporter(name)
    n = len(frame)
    rows = pd.Series(np.arange(n, dtype="int64") + 2)
    out = pd.DataFrame({ROW: rows})
    for f in FIELDS:
        spec = m.fields.get(f, FieldSpec())
        if f not in found:
            if f in SCORES:
                out[f] = np.nan
            elif f in DATES:
                out[f] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
            elif f in ("feedback_id", "text"):
                out[f] = pd.Series(pd.NA, index=out.index, dtype="string")
            else:
                out[f] = category(pd.Series([spec.default], dtype="object"), np.zeros(n, int))
            continue
        col = found[f]
        if f in ("feedback_id", "text"):  # mostly distinct: no point in factorising
            v = clean_text(frame[col]) if f == "text" else frame[col].astype("string").str.strip()
            out[f] = v.where(v.ne(""), pd.NA).reset_index(drop=True)
            continue
        # every cell is parsed once per distinct value: exports repeat dates, scores, products
        codes, uniq = pd.factorize(frame[col], use_na_sentinel=True)
        u = pd.Series(uniq, dtype="object").astype("string").str.strip()
        u = u.where(u.ne(""), pd.NA)
        if f in SCORES:
            values = _read_number(spec.values)(u)
            lo, hi = spec.scale or SCORES[f]
            unreadable = values.isna() & u.notna()
            bad = values.notna() & ((values < lo) | (values > hi))
            rep.cells(
                rows,
                codes,
                unreadable,
                col,
                "'" + u + "' is not a score; the row counts without it",
            )
            outside = values.map(lambda v: f"{v:g}") + f" is outside the {f} scale {lo:g}-{hi:g}"
            rep.cells(rows, codes, bad, col, outside + "; excluded")
            for flagged, message, excluded in score_cell_checks(f, u, values.where(~bad)):
                rep.cells(rows, codes, flagged, col, message)
                bad |= flagged if excluded else False
            values = _convert_scale(values.where(~bad), (lo, hi), SCORES[f])
            out[f] = _expand(values.astype("float64"), codes)
        elif f in DATES:
            values = _read_date(spec.format)(u)
            bad = values.isna() & u.notna()
            rep.cells(
                rows,
                codes,
                bad,
                col,
                "'" + u + "' is not a date; write it as YYYY-MM-DD",
            )
            out[f] = _expand(values.astype("datetime64[ns]"), codes)
        else:
            v = clean_text(u) if f in ("text", "product", "channel") else u
            if f == "lang":
                v = v.str.lower().str[:2]
            if spec.default is not None:
                v = v.fillna(spec.default)
            out[f] = category(v, codes)
    for k in m.keep:
        hit = next((c for c in frame.columns if header_key(c) == header_key(k)), None)
        if hit is not None and k not in out:
            out[k] = frame[hit].astype("string")
    _check_resolution(out, found, rep)
    if "text" in found:
        blank = out["text"].isna()
        if blank.all():
            rep.problems.append(Problem(name, None, found["text"], "every text cell is empty"))
        elif blank.any():
            rep.problems.append(
                Problem(
                    name,
                    None,
                    found["text"],
                    f"{_rows(int(blank.sum()))} an empty text; they count in the scores "
                    "but not in sentiment and themes",
                    "warning",
                )
            )
    drop = (m.duplicates == "drop") if drop_duplicates is None else drop_duplicates
    out = _duplicates(out, frame, found, rep, drop)
    return out.reset_index(drop=True), rep.problems


def _check_resolution(out: pd.DataFrame, found: dict, rep: _Reporter) -> None:
    """A resolved date before the feedback date is a typing error: reported, not used."""
    if "resolved_date" not in found or "date" not in found:
        return
    before = out["resolved_date"] < out["date"]
    if before.any():
        idx = np.flatnonzero(before)
        rep.rows(
            out[ROW].iloc[idx],
            found["resolved_date"],
            (
                f"resolved {out['resolved_date'].iat[i]:%Y-%m-%d} before the feedback date "
                f"{out['date'].iat[i]:%Y-%m-%d}; not used"
                for i in idx
            ),
        )
        out.loc[before, "resolved_date"] = pd.NaT


def _duplicates(out: pd.DataFrame, frame: pd.DataFrame, found: dict, rep: _Reporter, drop: bool):
    """Rows repeating an earlier row's id (or, without ids, every cell of the file row):
    reported, and dropped unless the mapping says `duplicates: keep`."""
    by_id = "feedback_id" in found
    if by_id:
        has = out["feedback_id"].notna().to_numpy()
        key = pd.util.hash_pandas_object(out["feedback_id"], index=False).to_numpy()
    else:
        has = np.ones(len(out), dtype=bool)
        key = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    key = pd.Series(key, index=out.index)
    dup = pd.Series(has, index=out.index) & key.duplicated()
    if not dup.any():
        return out
    first = out[ROW].groupby(key).transform("first")
    idx = np.flatnonzero(dup)
    action = "dropped" if drop else "kept"
    what = (lambda i: f"id {out['feedback_id'].iat[i]}") if by_id else (lambda i: "every cell")
    rep.rows(
        out[ROW].iloc[idx],
        found.get("feedback_id", "-"),
        (f"repeats row {first.iat[i]} ({what(i)}); {action}" for i in idx),
    )
    rep.problems.append(
        Problem(
            rep.file,
            None,
            "-",
            f"{len(idx):,} duplicate row{'s' if len(idx) != 1 else ''} {action}",
            "warning",
        )
    )
    return out[~dup] if drop else out
