"""`kpi-workbook sentiment`: add sentiment and sentiment_score columns to every row of a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from kpi_helpers.data.reading import read_frame
from kpi_helpers.data.spreadsheet import write_table
from kpi_helpers.errors import DataError, Problem, UsageError
from kpi_helpers.feedback.ingest import clean_text
from kpi_helpers.feedback.mapping import header_key
from kpi_helpers.feedback.metrics import score_texts


def find_column(columns, wanted: str) -> str:
    """The header meant by --text-column (exact, else ignoring case, spaces and width)."""
    if wanted in columns:
        return wanted
    for c in columns:
        if header_key(c) == header_key(wanted):
            return c
    shown = ", ".join(str(c) for c in columns)
    raise UsageError(f"--text-column: the file has no column '{wanted}'; its columns are: {shown}")


def label_rows(texts: pd.Series, lang: str = "auto") -> pd.DataFrame:
    """sentiment and sentiment_score for every cell; each distinct text is scored once and
    blank cells are neutral with score 0."""
    clean = clean_text(texts)
    codes, uniques = pd.factorize(clean, use_na_sentinel=True)
    scored = score_texts(pd.Series(uniques, dtype="string"), lang=lang)
    label = scored["sentiment"].astype("object").reindex(codes).fillna("neutral")
    score = scored["sentiment_score"].astype("float64").reindex(codes).fillna(0.0)
    return pd.DataFrame(
        {"sentiment": label.to_numpy(), "sentiment_score": score.round(4).to_numpy()},
        index=texts.index,
    )


def main(args) -> int:
    src, out = Path(args.input), Path(args.output)
    if out.exists() and src.exists() and os.path.samefile(src, out):
        raise UsageError(f"--output: {out} is the input file; write the result to another file")
    if not out.parent.is_dir():
        raise UsageError(f"--output: the folder {out.parent} does not exist")
    if out.is_dir():
        raise UsageError(f"--output: {out} is a folder; give a file name")
    if (out.exists() or out.is_symlink()) and not args.force:
        raise UsageError(
            f"--output: {out} already exists; pass --force to replace it or choose a new name"
        )
    frame, err = read_frame(src, "feedback")
    if err:
        raise DataError([Problem(src.name, None, "-", err)])
    col = find_column(list(frame.columns), args.text_column)
    labels = label_rows(frame[col], args.lang)
    result = frame.drop(columns=[c for c in labels.columns if c in frame.columns])
    result = pd.concat([result, labels], axis=1)
    try:
        write_table(result, out, overwrite=args.force)
    except FileExistsError:
        raise UsageError(
            f"--output: {out} already exists; pass --force to replace it or choose a new name"
        ) from None
    counts = labels["sentiment"].value_counts()
    summary = ", ".join(f"{s} {counts.get(s, 0):,}" for s in ("positive", "neutral", "negative"))
    print(f"wrote {len(result):,} rows to {out} ({summary})", file=sys.stderr)
    return 0
