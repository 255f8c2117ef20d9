"""Offline sentiment scoring of Chinese and English customer comments with a small linear model."""

from __future__ import annotations

import gzip
import html
import json
import math
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from itertools import repeat

import numpy as np
import pandas as pd

MODEL_FILE = "sentiment_model.json.gz"
# Per-language thresholds (negative at or below `negative`, positive at or above `positive`,
# neutral in between), calibrated on held-out reviews by tools/train_sentiment.py.
CALIBRATION_FILE = "sentiment_calibration.json"
# A clear complaint (see complaints.py) scores at most this, so score and label agree.
COMPLAINT_SCORE = -0.5
# A text is Chinese when CJK ideographs are at least this share of its CJK + Latin letters.
ZH_SHARE = 0.3

_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_LATIN = r"[A-Za-z]"
_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_REPEAT_PUNCT = re.compile(r"([!?。，,.！？~～…])\1+")
_EN_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?]")
_EN_TOKEN_NL = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?\n]")
_EN_NEGATORS = frozenset(
    "not no never none nobody nothing neither nor cannot cant can't don't dont doesn't doesnt "
    "didn't didnt isn't isnt wasn't wasnt aren't arent weren't werent won't wont wouldn't "
    "wouldnt shouldn't shouldnt couldn't couldnt haven't havent hasn't hasnt hadn't hadnt "
    "without hardly barely".split()
)


def clean_text(text: object) -> str:
    """Unescape HTML entities (also double-escaped ones), drop tags, collapse whitespace."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    s = str(text)
    if "&" in s:
        s = html.unescape(html.unescape(s))
    if "<" in s:
        s = _TAG.sub(" ", s)
    return " ".join(s.split())


def _norm_zh(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower()
    return _REPEAT_PUNCT.sub(r"\1", _DIGITS.sub("0", s))


def _norm_en(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")


def zh_features(text: str) -> set[str]:
    """Binary character 1-3 grams plus start/end markers of normalised Chinese text."""
    s = _norm_zh(text)
    n = len(s)
    feats = {s[i : i + k] for k in (1, 2, 3) for i in range(n - k + 1)}
    if n:
        feats.update(("^" + s[0], s[-1] + "$"))
    return feats


def en_features(text: str) -> set[str]:
    """Binary word uni/bi-grams; words after a negator are prefixed NOT_ until punctuation."""
    s = _norm_en(text)
    toks: list[str] = []
    negate = False
    for t in _EN_TOKEN.findall(s):
        if t in ".,;:!?":
            negate = False
            if t in "!?":
                toks.append(t)
        elif t in _EN_NEGATORS:
            negate = True
            toks.append("NOT")
        else:
            toks.append("NOT_" + t if negate else t)
    feats = set(toks)
    feats.update(a + " " + b for a, b in zip(toks, toks[1:], strict=False))
    return feats


FEATURES = {"zh": zh_features, "en": en_features}


@lru_cache(maxsize=1)
def thresholds() -> dict[str, dict[str, float]]:
    """{lang: {"negative": t1, "positive": t2}} of the shipped calibration."""
    raw = (resources.files(__package__) / "models" / CALIBRATION_FILE).read_text("utf-8")
    return json.loads(raw)["thresholds"]


@lru_cache(maxsize=1)
def load_model() -> dict:
    """The shipped model: {lang: {"bias": float, "weights": {feature: weight}}, "meta": {...}}."""
    raw = (resources.files(__package__) / "models" / MODEL_FILE).read_bytes()
    return json.loads(gzip.decompress(raw).decode("utf-8"))


def _zh_key(gram: str) -> int:
    """A 1-3 character gram as one integer: 21 bits per code point."""
    return sum(ord(ch) << (21 * i) for i, ch in enumerate(gram))


def _sorted_table(keys: list[int], weights: list[float], dtype: type) -> tuple:
    k = np.array(keys, dtype=dtype)
    order = np.argsort(k)
    return k[order], np.array(weights, dtype=np.float64)[order]


@lru_cache(maxsize=1)
def _tables() -> dict:
    """Model weights as sorted integer keys, for vectorised lookup."""
    model = load_model()
    zh = model["zh"]["weights"]
    en = model["en"]["weights"]
    split = [[(t[4:], 1) if t.startswith("NOT_") else (t, 0) for t in f.split(" ")] for f in en]
    vocab = {b: i for i, b in enumerate(sorted({b for toks in split for b, _ in toks} | {"NOT"}))}
    width = 2 * len(vocab) + 2
    units = [[2 * vocab[b] + neg for b, neg in toks] for toks in split]
    en_keys = [u[0] if len(u) == 1 else (u[0] + 1) * width + u[1] for u in units]
    # One hash lookup per token gives its vocabulary id (base) and kind (0 word, 1 newline,
    # 2 clause-ending punctuation, 3 "!"/"?", 4 negator); the last slot is for unknown tokens.
    special = {t: k for t, k in _EN_KIND.items() if t not in vocab or k == 4}
    words = list(vocab) + list(special)
    kind_of = np.array([_EN_KIND.get(t, 0) for t in words] + [0], dtype=np.int8)
    base_of = np.array(
        [vocab["NOT"] if _EN_KIND.get(t) == 4 else vocab.get(t, -1) for t in words] + [-1],
        dtype=np.int64,
    )
    return {
        "zh": _sorted_table([_zh_key(g) for g in zh], list(zh.values()), np.uint64),
        "en": _sorted_table(en_keys, list(en.values()), np.int64),
        "vocab": vocab,
        "width": width,
        "lookup": pd.Index(words),
        "kind_of": kind_of,
        "base_of": base_of,
    }


def _sum_weights(docs: np.ndarray, keys: np.ndarray, table: tuple, n: int) -> np.ndarray:
    """Per-document sum of the weights of its distinct keys found in the table."""
    known, weights = table
    idx = pd.Index(known).get_indexer(keys)  # a hash lookup: faster than a binary search
    hit = idx >= 0
    # one int64 key per (document, feature) in the order of lexsort((idx, docs)): numpy's
    # stable (radix) sort of one integer key is many times faster than lexsort or np.unique
    width = np.int64(len(known))
    pairs = np.sort(docs[hit].astype(np.int64) * width + idx[hit], kind="stable")
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    pairs = pairs[first]
    return np.bincount(pairs // width, weights=weights[pairs % width], minlength=n)


def _zh_margins(texts: list[str]) -> np.ndarray:
    """Vectorised equivalent of summing weights over zh_features (texts non-blank)."""
    cp = np.frombuffer(_norm_zh("\n".join(texts)).encode("utf-32-le"), dtype=np.uint32)
    cp = cp.astype(np.uint64)
    n_cp = len(cp)
    brk = cp == 10
    doc = np.cumsum(brk)
    ok = ~brk
    keys, docs = [cp[ok]], [doc[ok]]
    ok2 = ok[:-1] & ok[1:]
    keys.append((cp[:-1] | cp[1:] << 21)[ok2])
    docs.append(doc[:-1][ok2])
    ok3 = ok2[:-1] & ok[2:]
    keys.append((cp[:-2] | cp[1:-1] << 21 | cp[2:] << 42)[ok3])
    docs.append(doc[:-2][ok3])
    pos = np.arange(n_cp)
    starts = np.r_[0, pos[brk] + 1]
    ends = np.r_[pos[brk] - 1, n_cp - 1]
    keys += [ord("^") | cp[starts] << 21, cp[ends] | np.uint64(ord("$")) << 21]
    docs += [np.arange(len(starts)), np.arange(len(ends))]
    tab = _tables()["zh"]
    return _sum_weights(np.concatenate(docs), np.concatenate(keys), tab, len(texts))


_EN_KIND = dict.fromkeys(_EN_NEGATORS, 4) | {
    "\n": 1,
    ".": 2,
    ",": 2,
    ";": 2,
    ":": 2,
    "!": 3,
    "?": 3,
}


def _en_margins(texts: list[str]) -> np.ndarray:
    """Vectorised equivalent of summing weights over en_features (texts non-blank)."""
    tabs = _tables()
    width = tabs["width"]
    toks = _EN_TOKEN_NL.findall(_norm_en("\n".join(texts)))
    idx = tabs["lookup"].get_indexer(toks)  # -1 (unknown) picks the last slot
    kind, base = tabs["kind_of"][idx], tabs["base_of"][idx]
    pos = np.arange(len(toks))
    last_reset = np.maximum.accumulate(np.where((kind >= 1) & (kind <= 3), pos, -1))
    last_neg = np.maximum.accumulate(np.where(kind == 4, pos, -1))
    neg = (kind == 0) & (last_neg > last_reset)
    doc = np.cumsum(kind == 1)
    keep = (kind == 0) | (kind >= 3)
    unit = np.where(base >= 0, 2 * base + neg, -1)[keep]
    doc = doc[keep]
    pair = (unit[:-1] >= 0) & (unit[1:] >= 0) & (doc[:-1] == doc[1:])
    keys = np.r_[unit[unit >= 0], ((unit[:-1] + 1) * width + unit[1:])[pair]]
    docs = np.r_[doc[unit >= 0], doc[:-1][pair]]
    return _sum_weights(docs, keys, tabs["en"], len(texts))


def _margins(texts: list[str], lang: str) -> np.ndarray:
    """Model margin (log-odds of positive) per non-blank cleaned text."""
    if not texts:
        return np.zeros(0)
    fast = _zh_margins(texts) if lang == "zh" else _en_margins(texts)
    return load_model()[lang]["bias"] + fast


def reference_margins(texts: list[str], lang: str) -> list[float]:
    """Slow per-text margins straight from the feature sets (used to test _margins)."""
    part = load_model()[lang]
    get, feats = part["weights"].get, FEATURES[lang]
    return [part["bias"] + sum(map(get, feats(t), repeat(0.0))) for t in texts]


def _codepoints(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of all texts concatenated, and the index of the text each belongs to."""
    joined = "".join(texts).encode("utf-32-le", "surrogatepass")
    cp = np.frombuffer(joined, dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return cp, np.repeat(np.arange(len(texts)), lengths)


def _is_zh(texts: list[str]) -> np.ndarray:
    """Vectorised: CJK ideographs >= ZH_SHARE of CJK + Latin letters (and at least one CJK)."""
    out = np.zeros(len(texts), dtype=bool)
    for lo in range(0, len(texts), 100_000):  # bounded memory on very large inputs
        part = texts[lo : lo + 100_000]
        cp, doc = _codepoints(part)
        cjk = (
            ((cp >= 0x3400) & (cp <= 0x4DBF))
            | ((cp >= 0x4E00) & (cp <= 0x9FFF))
            | ((cp >= 0xF900) & (cp <= 0xFAFF))
        )
        low = cp | 0x20
        latin = (low >= 0x61) & (low <= 0x7A) & (cp < 0x80)
        n_cjk = np.bincount(doc[cjk], minlength=len(part))
        n_latin = np.bincount(doc[latin], minlength=len(part))
        out[lo : lo + len(part)] = (n_cjk > 0) & (n_cjk >= ZH_SHARE * (n_cjk + n_latin))
    return out


def _as_text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def detect_lang(texts: pd.Series) -> pd.Series:
    """'zh' where CJK ideographs are >= 30% of CJK + Latin letters, else 'en' (also for blanks)."""
    is_zh = _is_zh([_as_text(t) for t in texts])
    return pd.Series(np.where(is_zh, "zh", "en").astype(object), index=texts.index)


def score_sentiment(texts: pd.Series, lang: str = "auto") -> pd.DataFrame:
    """Columns sentiment (positive/neutral/negative) and sentiment_score in [-1, 1], same index.

    lang: "zh", "en" or "auto" (per row, see detect_lang). Blank/NaN texts are neutral, 0.0.
    """
    if lang not in ("auto", "zh", "en"):
        raise ValueError(f"lang must be 'auto', 'zh' or 'en', not {lang!r}")
    cleaned = [clean_text(t) for t in texts]
    if lang == "auto":
        zh = _is_zh(cleaned)
    else:
        zh = np.full(len(cleaned), lang == "zh")
    nonblank = np.fromiter(map(bool, cleaned), dtype=bool, count=len(cleaned))
    margins = np.zeros(len(cleaned))
    for code, mask in (("zh", zh), ("en", ~zh)):
        pos = np.flatnonzero(mask & nonblank)
        if len(pos):
            margins[pos] = _margins([cleaned[i] for i in pos], code)
    score = np.tanh(margins / 2.0)  # = 2 * sigmoid(margin) - 1
    return pd.DataFrame(
        {"sentiment": label_scores(score, zh, nonblank), "sentiment_score": score},
        index=texts.index,
    ).pipe(_with_complaints, cleaned, zh & nonblank, ~zh & nonblank)


def label_scores(score: np.ndarray, zh: np.ndarray, nonblank: np.ndarray, cal=None) -> np.ndarray:
    """positive / neutral / negative by the language's calibrated thresholds; blanks neutral."""
    cal = cal or thresholds()
    neg = np.where(zh, cal["zh"]["negative"], cal["en"]["negative"])
    pos = np.where(zh, cal["zh"]["positive"], cal["en"]["positive"])
    label = np.where(score >= pos, "positive", np.where(score <= neg, "negative", "neutral"))
    return np.where(nonblank, label, "neutral").astype(object)


def _with_complaints(out: pd.DataFrame, cleaned, zh, en) -> pd.DataFrame:
    """A text with a clear complaint is negative, its score at most COMPLAINT_SCORE."""
    from kpi_helpers.feedback.complaints import complaints

    hit = np.zeros(len(out), dtype=bool)
    for code, mask in (("zh", zh), ("en", en)):
        pos = np.flatnonzero(mask)
        if len(pos):
            hit[pos] = complaints([cleaned[i] for i in pos], code)
    if hit.any():
        label = out["sentiment"].to_numpy(dtype=object).copy()
        score = out["sentiment_score"].to_numpy(dtype=float).copy()
        label[hit] = "negative"
        score[hit] = np.minimum(score[hit], COMPLAINT_SCORE)
        out = out.assign(sentiment=label, sentiment_score=score)
    return out
