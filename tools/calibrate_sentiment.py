"""Per-language label thresholds of the sentiment model (python -m tools.calibrate_sentiment).

The model gives a score in (-1, 1); the label needs two thresholds per language. They are chosen
on a calibration half of the held-out reviews (never used in training) and checked on the other
half, the test half:
  zh: waimai_10k held-out 30% (1/0 labels; no genuinely neutral Chinese set was found in the
      registries, so zh is calibrated on polar reviews only);
  en: women's clothing reviews held-out 30% (1-2 vs 4-5 stars) plus every 3-star review of the
      same set (3-star reviews are never used in training) as the neutral / mixed class.
The thresholds maximise the mean recall of the classes present (after the complaint rule), with at
most MAX_POLAR_NEUTRAL of the polar reviews labelled neutral; among thresholds within 0.002 of
the best, the widest neutral band wins. Halves are split by md5 of "cal" + text. Deterministic.
Writes kpi_helpers/feedback/models/sentiment_calibration.json (thresholds and the test report).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_helpers.feedback import sentiment
from tools.train_sentiment import (
    CLOTHING_PARQUET,
    CLOTHING_WHEEL,
    _fetch,
    is_holdout,
    load_clothing,
    load_waimai,
)

OUT = Path(sentiment.__file__).resolve().parent / "models" / sentiment.CALIBRATION_FILE
MAX_POLAR_NEUTRAL = 0.05
CLASSES = ("negative", "neutral", "positive")


def load_clothing_neutral() -> pd.DataFrame:
    """The 3-star clothing reviews (label 'neutral'), deduplicated."""
    with zipfile.ZipFile(_fetch(CLOTHING_WHEEL)) as whl:
        df = pd.read_parquet(io.BytesIO(whl.read(CLOTHING_PARQUET)))
    text = df.loc[df["Rating"] == 3, "Review Text"].dropna().str.strip()
    return pd.DataFrame({"review": text[text != ""].drop_duplicates(), "truth": "neutral"})


def polar(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {"review": df["review"], "truth": np.where(df["label"] == 1, "positive", "negative")}
    )


def held_out_sets() -> dict[str, pd.DataFrame]:
    """{lang: reviews with `truth` and `half` ('cal' / 'test')}, none used in training."""
    waimai = load_waimai()
    waimai = waimai[waimai["review"].map(lambda t: is_holdout(t, 30))]
    clothing = load_clothing()
    clothing = clothing[clothing["review"].map(lambda t: is_holdout(t, 30))]
    sets = {"zh": polar(waimai), "en": pd.concat([polar(clothing), load_clothing_neutral()])}
    for df in sets.values():
        df["half"] = np.where(df["review"].map(lambda t: is_holdout("cal" + t, 50)), "cal", "test")
    return {k: v.reset_index(drop=True) for k, v in sets.items()}


def scored(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Score and complaint flag of each review with the shipped model (thresholds not used)."""
    from kpi_helpers.feedback.complaints import complaints

    cleaned = [sentiment.clean_text(t) for t in df["review"]]
    out = sentiment.score_sentiment(df["review"], lang=lang)
    flag = complaints(cleaned, lang)
    raw = np.tanh(sentiment._margins(cleaned, lang) / 2.0)
    return df.assign(score=raw, complaint=flag, model_score=out["sentiment_score"])


def labels(score: np.ndarray, complaint: np.ndarray, neg: float, pos: float) -> np.ndarray:
    lab = np.where(score >= pos, "positive", np.where(score <= neg, "negative", "neutral"))
    return np.where(complaint, "negative", lab)


def report(truth: np.ndarray, pred: np.ndarray) -> dict:
    """Per-class precision / recall, neutral share of polar texts, label-level balanced accuracy
    on polar texts (a neutral counts as wrong), mean recall over the classes present."""
    out: dict = {"n": len(truth)}
    recalls = []
    for c in CLASSES:
        tp = int(((pred == c) & (truth == c)).sum())
        n_pred, n_true = int((pred == c).sum()), int((truth == c).sum())
        p = round(tp / n_pred, 4) if n_pred else None  # None: no text got / has this label
        r = round(tp / n_true, 4) if n_true else None
        out[c] = {"n": n_true, "precision": p, "recall": r}
        if r is not None:
            recalls.append(r)
    pol = truth != "neutral"
    out["polar_neutral_share"] = round(float((pred[pol] == "neutral").mean()), 4)
    out["balanced_accuracy"] = round(
        float(np.mean([(pred[truth == c] == c).mean() for c in ("negative", "positive")])), 4
    )
    out["mean_recall"] = round(float(np.mean(recalls)), 4)
    return out


def calibrate(df: pd.DataFrame) -> tuple[float, float]:
    """Thresholds (negative, positive) picked on the calibration half."""
    cal = df[df["half"] == "cal"]
    truth, score, flag = cal["truth"].to_numpy(), cal["score"].to_numpy(), cal["complaint"]
    flag = flag.to_numpy()
    grid = np.round(np.arange(-0.6, 0.61, 0.01), 2)
    best: list[tuple[float, float, float]] = []
    for neg in grid:
        for pos in grid[grid >= neg]:
            r = report(truth, labels(score, flag, neg, pos))
            if r["polar_neutral_share"] <= MAX_POLAR_NEUTRAL:
                best.append((r["mean_recall"], float(neg), float(pos)))
    top = max(f for f, _, _ in best)
    near = [b for b in best if b[0] >= top - 0.002]
    _, neg, pos = max(near, key=lambda b: (b[2] - b[1], b[0]))
    return neg, pos


def main() -> None:
    result: dict = {"thresholds": {}, "test": {}, "calibration": {}}
    for lang, df in held_out_sets().items():
        df = scored(df, lang)
        neg, pos = calibrate(df)
        result["thresholds"][lang] = {"negative": neg, "positive": pos}
        for half in ("cal", "test"):
            part = df[df["half"] == half]
            pred = labels(part["score"].to_numpy(), part["complaint"].to_numpy(), neg, pos)
            key = "calibration" if half == "cal" else "test"
            result[key][lang] = report(part["truth"].to_numpy(), pred)
        print(lang, result["thresholds"][lang], json.dumps(result["test"][lang]))
    result["method"] = __doc__.splitlines()[0]
    OUT.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    sentiment.thresholds.cache_clear()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
