"""`kpi-workbook feedback`: metrics, sentiment and themes of any feedback export."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_helpers.cli.common import clean, print_json, print_table
from kpi_helpers.data.spreadsheet import write_table
from kpi_helpers.feedback.distinct import distinct, one_analysis
from kpi_helpers.feedback.ingest import load_feedback
from kpi_helpers.feedback.mapping import load_mapping
from kpi_helpers.feedback.metrics import SENTIMENTS, add_period, feedback_tables, with_sentiment
from kpi_helpers.feedback.theme_stats import THEME_COLUMNS, summarise
from kpi_helpers.feedback.themes import assign_themes, comment_lang, load_keywords, row_themes

TOP_THEMES = 15
GROUPINGS = {
    "overall": [],
    "by_period": ["period"],
    "by_product": ["product"],
    "by_channel": ["channel"],
    "by_period_product": ["period", "product"],
}


def _keywords(args) -> list[dict]:
    """--keywords, else keywords.yaml beside the input (the data folder's theme list)."""
    if args.keywords:
        return load_keywords(Path(args.keywords))
    beside = Path(args.input).parent / "keywords.yaml"
    return load_keywords(beside) if beside.is_file() else []


def metrics_record(row: dict, keys: list[str]) -> dict:
    """One metrics row in the contract's JSON shape (intervals as [low, high], shares 0..1)."""
    out = {k: clean(row[k]) for k in keys}
    out["n"] = clean(row["n"])
    for m in ("nps", "csat", "ces"):
        out[m] = clean(row[m])
        out[f"{m}_ci"] = [clean(row[f"{m}_low"]), clean(row[f"{m}_high"])]
        out[f"{m}_n"] = clean(row[f"{m}_n"])
    out["sentiment"] = {s: clean(row[s]) for s in SENTIMENTS}
    out["sentiment_score"] = clean(row["sentiment_score"])
    out["tickets"] = clean(row["tickets"])
    out["resolved_14d"] = clean(row["resolved_14d"])
    out["median_days_to_resolve"] = clean(row["median_days_to_resolve"])
    if "prev_period" in row:
        out["prev_period"] = clean(row["prev_period"])
        for m in ("nps", "csat", "ces"):
            out[f"{m}_change"] = clean(row[f"{m}_change"])
            out[f"{m}_change_real"] = clean(row[f"{m}_change_real"])
    return out


def _records(frame: pd.DataFrame, keys: list[str]) -> list[dict]:
    return [metrics_record(r, keys) for r in frame.to_dict("records")]


def theme_record(row: dict) -> dict:
    """A theme in the JSON: key, names in both languages, size, sentiment, trend, examples (ids)."""
    fields = ("key", "name_zh", "name_en", "theme", "source", "n", "share", "sentiment")
    out = {k: clean(row[k]) for k in fields}
    out["negative_share"] = clean(row["negative_share"])
    out["negative"] = out["negative_share"]
    out["langs"] = dict(row["langs"])
    for k in ("share_latest", "share_prev", "change", "change_real"):
        out[k] = clean(row[k])
    out["examples"] = [e["feedback_id"] for e in row["examples"]]
    return out


def _theme_frames(df: pd.DataFrame, keywords: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(themes over all comments, one row per comment with its theme keys)."""
    keep = (
        (df["text"].notna() & (df["text"].astype(str).str.strip() != "")).to_numpy(dtype=bool)
        if "text" in df
        else np.ones(len(df), dtype=bool)
    )
    texts = df[keep].reset_index(drop=True)
    if "feedback_id" not in texts:
        texts = texts.assign(feedback_id=pd.NA)
    ids = texts["feedback_id"].astype("object")
    row_no = texts["_row"] if "_row" in texts else pd.Series(range(2, len(texts) + 2))
    fill = [f"row {r}" for r in row_no]
    texts = texts.assign(feedback_id=ids.where(ids.notna(), pd.Series(fill, dtype="object")))
    if texts.empty:
        empty = pd.DataFrame(columns=ROW_COLUMNS)
        return pd.DataFrame(columns=THEME_COLUMNS), empty
    texts = texts.assign(lang=comment_lang(texts))
    # the distinct texts as sentiment scoring made them
    shared = distinct(df["text"]).rows(keep) if "text" in df else None
    workers = os.cpu_count() or 1
    defs, matrix = assign_themes(texts, keywords, top=TOP_THEMES, workers=workers, texts=shared)
    found = summarise(texts, defs, matrix).head(TOP_THEMES).reset_index(drop=True)
    rows = pd.DataFrame(
        {
            "feedback_id": texts["feedback_id"].astype(str),
            "lang": texts["lang"],
            "sentiment": texts["sentiment"],
            "sentiment_score": texts["sentiment_score"].round(4),
            "themes": row_themes(defs, matrix),
        }
    )
    return found, rows


ROW_COLUMNS = ["feedback_id", "lang", "sentiment", "sentiment_score", "themes"]


def write_rows(rows: pd.DataFrame, path: Path) -> None:
    """The per-comment CSV (UTF-8), with no live formula in it, renamed into place."""
    write_table(rows, path)


def analyse(args) -> dict:
    """Everything the command reports, as frames: overall, by_period, by_product, ..., themes."""
    mapping = load_mapping(args.mapping)
    df, problems = load_feedback(Path(args.input), mapping)
    for p in problems:
        print(str(p), file=sys.stderr)
    cadence = args.cadence
    workers = os.cpu_count() or 1
    with one_analysis(workers):  # sentiment and themes share the worker processes
        df = add_period(with_sentiment(df, workers=workers), cadence)
        tables = feedback_tables(df, GROUPINGS, cadence=cadence)
        found, rows = _theme_frames(df, _keywords(args))
    return {"rows": df, **tables, "themes": found, "comment_rows": rows, "mapping": mapping.name}


def main(args) -> int:
    out = Path(args.rows_out) if getattr(args, "rows_out", None) else None
    if out is not None and not out.parent.is_dir():
        print(
            f"--rows-out: the folder {out.parent} does not exist; create it or pick another path",
            file=sys.stderr,
        )
        return 1
    res = analyse(args)
    if out is not None:
        write_rows(res["comment_rows"], out)
        print(f"wrote {len(res['comment_rows']):,} comment rows to {out}", file=sys.stderr)
    if args.format == "json":
        print_json(
            {
                "input": str(args.input),
                "mapping": res["mapping"],
                "overall": metrics_record(res["overall"].to_dict("records")[0], []),
                "by_period": _records(res["by_period"], ["period"]),
                "by_product": _records(res["by_product"], ["product"]),
                "by_channel": _records(res["by_channel"], ["channel"]),
                "by_period_product": _records(res["by_period_product"], ["period", "product"]),
                "themes": [theme_record(r) for r in res["themes"].to_dict("records")],
            }
        )
        return 0
    _print_tables(res)
    return 0


def _pct(v) -> str:
    return "-" if pd.isna(v) else f"{100 * v:.0f}%"


def _view(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The columns a person reads: counts, scores with intervals, sentiment, closed loop."""
    v = frame[keys + ["n"]].copy()
    v["nps"] = [
        "-" if pd.isna(x) else f"{x:.0f} [{lo:.0f}, {hi:.0f}]"
        for x, lo, hi in zip(frame["nps"], frame["nps_low"], frame["nps_high"], strict=True)
    ]
    v["csat"] = [
        "-" if pd.isna(x) else f"{_pct(x)} [{_pct(lo)}, {_pct(hi)}]"
        for x, lo, hi in zip(frame["csat"], frame["csat_low"], frame["csat_high"], strict=True)
    ]
    v["ces"] = frame["ces"].map(lambda x: "-" if pd.isna(x) else f"{x:.2f}")
    for s in SENTIMENTS:
        v[s] = frame[s].map(_pct)
    v["resolved_14d"] = frame["resolved_14d"].map(_pct)
    if "nps_change_real" in frame:
        v["change"] = [
            ", ".join(
                f"{m} {'+' if r[f'{m}_change'] > 0 else ''}{r[f'{m}_change'] * f:.{d}f}{u}"
                for m, f, d, u in (("nps", 1, 0, ""), ("csat", 100, 0, "pt"), ("ces", 1, 2, ""))
                if r[f"{m}_change_real"] is True
            )
            or "-"
            for r in frame.to_dict("records")
        ]
    return v


def _print_tables(res: dict) -> None:
    o = res["overall"].iloc[0]
    print(
        f"{int(o['n']):,} feedback rows (mapping '{res['mapping']}'): "
        f"NPS {_fmt(o['nps'], '.0f')} [{_fmt(o['nps_low'], '.0f')}, {_fmt(o['nps_high'], '.0f')}], "
        f"CSAT {_pct(o['csat'])}, CES {_fmt(o['ces'], '.2f')}, "
        f"sentiment {' / '.join(_pct(o[s]) for s in SENTIMENTS)} (positive / neutral / negative)"
    )
    print()
    print_table(_view(res["by_period"], ["period"]), "By period (change: outside the noise, 5 %)")
    print()
    print_table(_view(res["by_product"], ["product"]), "By product")
    th = res["themes"]
    if len(th):
        print()
        view = pd.DataFrame(
            {
                "key": th["key"],
                "lang": th["lang"],
                "theme": th["theme"],
                "comments": th["n"],
                "share": th["share"].map(_pct),
                "sentiment": th["sentiment"].map(lambda x: "-" if pd.isna(x) else f"{x:+.2f}"),
                "change": [
                    "-" if pd.isna(c) else f"{100 * c:+.0f}pt *" if r is True else "within noise"
                    for c, r in zip(th["change"], th["change_real"], strict=True)
                ],
                "negative": th["negative_share"].map(_pct),
                "example": th["examples"].map(lambda e: e[0]["text"][:40] if e else ""),
            }
        )
        print_table(view, "Themes (* change outside the noise)")


def _fmt(v, spec: str) -> str:
    return "-" if pd.isna(v) else format(v, spec)
