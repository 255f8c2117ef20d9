"""Per-theme statistics over all comments: size, share, sentiment, trend, representative examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpi_helpers.stats import Z95

EXAMPLES = 3  # example comments per theme and language
MIN_NEGATIVE_N = 5  # a theme needs this many comments to be called the most negative
THEME_COLUMNS = [
    "key",
    "theme",
    "name_zh",
    "name_en",
    "source",
    "lang",
    "langs",
    "n",
    "share",
    "sentiment",
    "negative",
    "negative_share",
    "share_latest",
    "share_prev",
    "change",
    "change_real",
    "examples",
    "terms",
]


def _latest_two(periods: pd.Series) -> tuple[object, object]:
    from kpi_helpers.periods import parse_period

    ps = sorted(
        {p for p in periods.dropna().unique() if p != "all"},
        key=lambda p: parse_period(p).ordinal,
    )
    if not ps:
        return None, None
    last = ps[-1]
    prev = str(parse_period(last).shift(-1))
    return last, prev if prev in ps else None


def _typical(
    texts: np.ndarray, terms: list[str], n_themes: np.ndarray, score: np.ndarray, mean: float
) -> np.ndarray:
    """Typicality of each member comment: how close its theme terms are to the theme's centre
    (cosine to the mean term profile), divided by how many themes it carries, less its distance
    from the theme's mean sentiment score (over all its comments) and from the median length."""
    lowered = [str(t).lower() for t in texts]
    prof = np.array([[w.lower() in t for w in terms] for t in lowered], dtype=float)
    if not prof.size:
        prof = np.ones((len(texts), 1))
    centre = prof.mean(axis=0)
    norm = np.linalg.norm(prof, axis=1) * (np.linalg.norm(centre) or 1.0)
    cos = np.where(norm > 0, prof @ centre / np.where(norm > 0, norm, 1.0), 0.0)
    length = np.fromiter(map(len, lowered), dtype=float, count=len(lowered))
    s = np.nan_to_num(score, nan=0.0)
    return (
        cos / np.maximum(n_themes, 1)
        - 0.6 * np.abs(s - (0.0 if np.isnan(mean) else mean))
        - np.abs(length - np.median(length)) / 400.0
    )


def _candidates(member: np.ndarray) -> np.ndarray:
    """Positions of the rows an example is picked from: those where `member` is true, at most
    600 of them (a fixed random sample), in order."""
    where = np.flatnonzero(member)
    if len(where) > 600:
        where = where[np.sort(np.random.default_rng(0).choice(len(where), 600, replace=False))]
    return where


def _examples(rows: pd.DataFrame, n_themes: np.ndarray, terms: list[str], mean: float) -> list:
    """Up to EXAMPLES representative comments per language among `rows` (the _candidates of a
    theme; n_themes: how many themes each carries): {feedback_id, lang, text}."""
    rows = rows.assign(_k=n_themes)
    norm = rows["text"].astype(str).str.lower().str.replace(r"[\W_]+", "", regex=True)
    rows = rows[~norm.duplicated()]
    length = rows["text"].astype(str).str.len()
    fits = length.between(6, 200)
    out: list[dict] = []
    for lg, part in rows.groupby("lang", sort=True):
        ok = fits.loc[part.index]
        part = part[ok] if ok.sum() >= EXAMPLES else part
        score = part["sentiment_score"].to_numpy(dtype=float)
        rank = _typical(part["text"].to_numpy(), terms, part["_k"].to_numpy(), score, mean)
        for i in np.argsort(-rank, kind="stable")[:EXAMPLES]:
            r = part.iloc[i]
            out.append({"feedback_id": str(r["feedback_id"]), "lang": str(lg), "text": r["text"]})
    return out


def _lang_counts(codes: np.ndarray, names: list[str]) -> dict[str, int]:
    """{language: rows} of the rows' language codes (-1: none), most first, ties by name."""
    counts = np.bincount(codes[codes >= 0], minlength=len(names)).tolist()
    named = sorted((names[i], c) for i, c in enumerate(counts) if c)
    return dict(sorted(named, key=lambda kv: -kv[1]))


def summarise(
    texts: pd.DataFrame, defs: list[dict], matrix: np.ndarray, examples: bool = True
) -> pd.DataFrame:
    """One row per theme (largest first) over all rows of texts, see THEME_COLUMNS
    (without `examples` each theme's `examples` list stays empty: picking them is the costly
    part, and not every page quotes them)."""
    n_all = len(texts)
    if "feedback_id" not in texts:
        texts = texts.assign(feedback_id=[str(i + 1) for i in range(n_all)])
    if "sentiment_score" not in texts:
        texts = texts.assign(sentiment_score=np.nan)
    negative = (
        texts["sentiment"].eq("negative").fillna(False).to_numpy(dtype=bool)
        if "sentiment" in texts
        else None
    )
    latest, prev = _latest_two(texts["period"]) if "period" in texts else (None, None)
    period = texts["period"] if "period" in texts else pd.Series(None, index=texts.index)
    cur = (period == latest).fillna(False).to_numpy(dtype=bool) if latest else None
    old = (period == prev).fillna(False).to_numpy(dtype=bool) if prev else None
    n_themes = matrix.sum(axis=1) if matrix.size else np.zeros(n_all)
    score = texts["sentiment_score"].to_numpy(dtype=float)
    # languages as codes: counting them per theme is a bincount, not a sort of strings
    lang_codes, lang_names = pd.factorize(texts["lang"].astype("object"), use_na_sentinel=True)
    lang_names = [str(x) for x in lang_names]
    # only what examples are picked from: taking rows of every column costs seconds on 1M rows
    quoted = texts[["feedback_id", "text", "lang", "sentiment_score"]]
    picks = {}  # per theme, the rows its examples are picked from; taken from quoted at once
    for j in range(len(defs) if examples else 0):
        mask = matrix[:, j]
        if mask.any():
            picks[j] = _candidates(mask & cur if cur is not None and (mask & cur).any() else mask)
    pool = np.unique(np.concatenate(list(picks.values()))) if picks else np.zeros(0, dtype=int)
    candidates = quoted.iloc[pool]
    rows = []
    for j, d in enumerate(defs):
        mask = matrix[:, j]
        n = np.count_nonzero(mask)
        if not n:
            continue
        langs = _lang_counts(lang_codes[mask], lang_names)
        terms = [t for lg in ("zh", "en") for t in d["terms"].get(lg, [])]
        neg = float(negative[mask].mean()) if negative is not None else np.nan
        scores = score[mask]
        mean = float(np.nanmean(scores)) if not np.isnan(scores).all() else np.nan
        row = {
            "key": d["key"],
            "theme": d["name_en"],
            "name_zh": d["name_zh"],
            "name_en": d["name_en"],
            "source": d["source"],
            "lang": "+".join(str(k) for k in sorted(langs, key=lambda k: -langs[k])),
            "langs": {str(k): int(v) for k, v in langs.items()},
            "n": n,
            "share": n / n_all,
            "sentiment": mean,
            "negative": neg,
            "negative_share": neg,
            "share_latest": np.nan,
            "share_prev": np.nan,
            "change": np.nan,
            "change_real": pd.NA,
            "examples": _examples(
                candidates.iloc[np.searchsorted(pool, picks[j])], n_themes[picks[j]], terms, mean
            )
            if examples
            else [],
            "terms": terms,
        }
        if cur is not None and old is not None:
            n1, n2 = np.count_nonzero(old), np.count_nonzero(cur)
            k1, k2 = np.count_nonzero(mask & old), np.count_nonzero(mask & cur)
            if n1 and n2:
                p1, p2 = k1 / n1, k2 / n2
                pooled = (k1 + k2) / (n1 + n2)
                se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
                row.update(share_latest=p2, share_prev=p1, change=p2 - p1)
                row["change_real"] = bool(se > 0 and abs(p2 - p1) > Z95 * se)
        rows.append(row)
    out = pd.DataFrame(rows, columns=THEME_COLUMNS)
    return out.sort_values(["n", "key"], ascending=[False, True], kind="stable")


def most_negative(found: pd.DataFrame, min_n: int = MIN_NEGATIVE_N) -> pd.Series | None:
    """The theme with the largest negative share among those with at least min_n comments."""
    big = found[(found["n"] >= min_n) & found["negative"].notna()]
    if big.empty:
        return None
    return big.sort_values(["negative", "n"], ascending=[False, False], kind="stable").iloc[0]
