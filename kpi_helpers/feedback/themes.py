"""What customers talk about: keyword themes the company names first, then themes discovered in
the texts (frequent, distinctive words and word pairs), per language, with share, sentiment,
trend against the previous period and a few representative comments."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..errors import DataError, Problem
from ..stats import Z95

DISCOVERY_SAMPLE = 10_000  # distinct texts per language used to discover themes
EXAMPLES = 3
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_EN_TOKEN = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
# jieba's part-of-speech tags of words that can name a theme: nouns, verbal and adjectival nouns
_NOUN_TAGS = ("n", "vn", "an")
_ADVERB_START = set("太很挺好不没超真特最更会也都还就才又再新老已被把让给在是有")
THEME_COLUMNS = [
    "lang",
    "theme",
    "key",
    "source",
    "n",
    "share",
    "sentiment",
    "negative",
    "share_latest",
    "share_prev",
    "change",
    "change_real",
    "examples",
    "terms",
]


@lru_cache(maxsize=2)
def stopwords(lang: str) -> frozenset[str]:
    """The shipped stop-word list of a language ("zh" or "en")."""
    text = (resources.files(__package__) / f"stopwords_{lang}.txt").read_text(encoding="utf-8")
    words = (w for line in text.splitlines() if not line.startswith("#") for w in line.split())
    return frozenset(w.lower() for w in words)


@lru_cache(maxsize=1)
def _jieba():
    """A private jieba tokenizer, loaded silently (jieba logs its dictionary load to stderr)."""
    import tempfile

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.tmp_dir = tempfile.gettempdir()
    tok.initialize()
    return tok


@lru_cache(maxsize=1)
def _zh_tags() -> dict[str, str]:
    """Part-of-speech tag of every word in jieba's dictionary (its third column)."""
    with _jieba().get_dict_file() as f:
        lines = f.read().decode("utf-8").split("\n")
    return {p[0]: p[2] for p in (line.split(" ") for line in lines) if len(p) >= 3}


def _theme_word(word: str, lang: str) -> bool:
    """Could the word name a theme? Content words only: no stop-word, no single character, no
    number; Chinese nouns (or words jieba does not know), English words not ending in -ly/-ed."""
    if lang == "zh":
        if not _CJK.match(word) or word in stopwords("zh"):
            return False
        tag = _zh_tags().get(word)
        if tag is None:  # a word jieba found by itself: not if it starts like 太差, 很快, 新上
            return word[0] not in _ADVERB_START and word[-1] not in "了的着过吧呢啊"
        return tag.startswith(_NOUN_TAGS)
    return len(word) > 2 and word not in stopwords("en") and not word.endswith(("ly", "ed"))


def _words(text: str, lang: str) -> list[str]:
    if lang == "zh":
        return _jieba().lcut(text)
    return _EN_TOKEN.findall(text.lower())


def tokenize(text: str, lang: str) -> list[str]:
    """Theme candidate words of one text ("zh" or "en"), in order."""
    return [w for w in _words(text, lang) if _theme_word(w, lang)]


def load_keywords(path: str | Path) -> list[dict]:
    """keywords.yaml: `themes: [{theme, name, name_en, keywords: [...]}]` -> list of dicts."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError) as e:
        raise DataError([Problem(path.name, None, "-", f"cannot be read as YAML ({e})")]) from None
    items = data.get("themes") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise DataError([Problem(path.name, None, "themes", "write 'themes:' as a list")])
    out = []
    for i, t in enumerate(items, start=1):
        if not isinstance(t, dict) or not t.get("keywords"):
            raise DataError(
                [Problem(path.name, None, f"themes[{i}]", "each theme needs a keywords: list")]
            )
        key = str(t.get("theme") or t.get("name") or f"theme{i}")
        kws = t["keywords"]
        out.append(
            {
                "theme": key,
                "name": str(t.get("name") or key),
                "name_en": str(t.get("name_en") or t.get("name") or key),
                "keywords": [str(k) for k in ([kws] if isinstance(kws, str) else kws)],
            }
        )
    return out


def _keyword_pattern(keywords: list[str]) -> str:
    """One regex for a theme: Chinese keywords as substrings, English ones from a word start
    (so 'crash' finds 'crashes')."""
    parts = []
    for k in sorted({k.strip() for k in keywords if k.strip()}, key=len, reverse=True):
        esc = re.escape(k)
        parts.append(rf"\b{esc}" if k[:1].isascii() and k[:1].isalnum() else esc)
    return "(?i)" + "|".join(parts)


def _term_pattern(term: str, lang: str) -> str:
    if lang == "zh":
        return re.escape(term)
    return r"(?i)\b" + r"\s+".join(re.escape(w) for w in term.split()) + r"\b"


def _overlaps(a: str, b: str, lang: str) -> bool:
    """送餐速度 repeats 送餐; 'battery life' repeats 'battery': one of them is enough."""
    if lang == "zh":
        return a in b or b in a
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


def discover(texts: pd.Series, lang: str, *, top: int = 10, exclude=()) -> pd.DataFrame:
    """Frequent, distinctive words and word pairs in texts of one language.

    Score = document frequency x distinctiveness. For Chinese, distinctiveness is the log ratio
    of the term's rate in these texts to its rate in general Chinese (jieba's dictionary), so
    everyday words rank low; for English it is 1 (the stop-word list does the filtering). A
    word pair counts as a term when it makes up at least 30 % of its rarer word's occurrences.
    Returns columns term, df (documents in the sample), score; best first.
    """
    sample = texts.dropna()
    if len(sample) > DISCOVERY_SAMPLE:
        sample = sample.sample(DISCOVERY_SAMPLE, random_state=0)
    counts = sample.value_counts()  # each distinct text is segmented once, counted per row
    n_docs = int(counts.sum())
    if not n_docs:
        return pd.DataFrame(columns=["term", "df", "score"])
    uni, bi = Counter(), Counter()
    seen: dict[str, bool] = {}  # words repeat: judge each once

    def keep(w: str) -> str | None:
        ok = seen.get(w)
        if ok is None:
            ok = seen[w] = _theme_word(w, lang)
        return w if ok else None

    for t, k in counts.items():
        marks = [keep(w) for w in _words(t, lang)]
        for w in {w for w in marks if w}:
            uni[w] += k
        for pair in {(a, b) for a, b in zip(marks, marks[1:], strict=False) if a and b and a != b}:
            bi[pair] += k
    min_df = max(3, math.ceil(0.002 * n_docs))
    joiner = "" if lang == "zh" else " "
    terms: dict[str, int] = {}
    covered = Counter()
    for (a, b), c in bi.items():
        if c >= min_df and c >= 0.3 * min(uni[a], uni[b]):
            terms[a + joiner + b] = c
            covered[a] += c
            covered[b] += c
    for w, c in uni.items():
        rest = c - covered[w]
        if rest >= min_df and rest >= 0.5 * c:
            terms[w] = c
    excl = {e.lower() for e in exclude}
    rows = []
    if lang == "zh":
        freq, total = _jieba().FREQ, float(_jieba().total)
    for term, c in terms.items():
        if term.lower() in excl or any(e and e in term.lower() for e in excl):
            continue
        if lang == "zh":
            parts = [term] if term in freq else [w for w in _jieba().lcut(term)]
            bg = np.prod([(freq.get(w) or 1) / total for w in parts]) if parts else 1e-9
            dist = max(math.log((c / n_docs) / max(bg, 1e-12)), 0.0)
        else:
            dist = 1.0 + 0.5 * (joiner in term)
        rows.append((term, c, c * dist))
    out = pd.DataFrame(rows, columns=["term", "df", "score"])
    return out.sort_values(["score", "term"], ascending=[False, True]).head(top)


def _latest_two(periods: pd.Series) -> tuple[object, object]:
    from ..periods import parse_period

    ps = sorted(
        {p for p in periods.dropna().unique() if p != "all"},
        key=lambda p: parse_period(p).ordinal,
    )
    if not ps:
        return None, None
    last = ps[-1]
    prev = str(parse_period(last).shift(-1))
    return last, prev if prev in ps else None


def _examples(rows: pd.DataFrame, k: int = EXAMPLES) -> list[str]:
    """Texts typical of the theme: closest to its mean sentiment, of middling length, distinct."""
    texts = rows["text"][
        ~rows["text"].str.lower().str.replace(r"[\W_]+", "", regex=True).duplicated()
    ]
    if len(texts) > 2000:
        texts = texts.sample(2000, random_state=0)
    cand = rows.loc[texts.index]
    length = cand["text"].str.len()
    ok = length.between(6, 160)
    cand = cand[ok] if ok.sum() >= k else cand
    length = cand["text"].str.len()
    score = cand.get("sentiment_score", pd.Series(0.0, index=cand.index)).fillna(0.0)
    dist = (score - score.mean()).abs() + (length - length.median()).abs() / 200.0
    order = dist.sort_values(kind="stable").index
    return [str(t) for t in cand.loc[order, "text"].head(k)]


def _theme_row(mask, texts, lang, theme, key, source, terms, latest, prev) -> dict:
    """Share, sentiment, trend and examples of one theme among one language's texts."""
    hit = texts[mask]
    n = int(mask.sum())
    recent = hit[hit["period"] == latest] if latest is not None else hit
    row = {
        "lang": lang,
        "theme": theme,
        "key": key,
        "source": source,
        "n": n,
        "share": n / len(texts) if len(texts) else np.nan,
        "sentiment": float(hit["sentiment_score"].mean()) if "sentiment_score" in hit else np.nan,
        "negative": float(hit["sentiment"].eq("negative").mean()) if "sentiment" in hit else np.nan,
        "share_latest": np.nan,
        "share_prev": np.nan,
        "change": np.nan,
        "change_real": pd.NA,
        "examples": _examples(recent if len(recent) else hit) if n else [],
        "terms": list(terms),
    }
    if latest is not None and prev is not None:
        cur = (texts["period"] == latest).to_numpy()
        old = (texts["period"] == prev).to_numpy()
        n1, n2 = old.sum(), cur.sum()
        k1, k2 = (mask & old).sum(), (mask & cur).sum()
        if n1 and n2:
            p1, p2 = k1 / n1, k2 / n2
            pooled = (k1 + k2) / (n1 + n2)
            se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
            row.update(share_latest=p2, share_prev=p1, change=p2 - p1)
            row["change_real"] = bool(se > 0 and abs(p2 - p1) > Z95 * se)
    return row


def themes(
    df: pd.DataFrame,
    keywords: list[dict] | str | Path | None = None,
    *,
    top: int = 15,
    cadence: str = "quarter",
) -> pd.DataFrame:
    """Ranked themes per language of the texts in df.

    Args:
        df: feedback rows with `text` (and ideally `lang`, `sentiment`, `sentiment_score`,
            `date` or `period`: see metrics.with_sentiment / add_period).
        keywords: themes the company names (load_keywords result or a keywords.yaml path);
            they come first, matched by keyword in both languages.
        top: themes per language; discovered themes fill the places after the keyword themes.
    Returns:
        one row per language and theme: lang, theme (readable name), key, source
        (keywords/discovered), n, share (of the language's texts),
        sentiment (mean score -1..1), negative (share); with periods: share_latest and
        share_prev (the last two periods), change and change_real (two-proportion test, 5 %);
        examples (up to three texts, from the latest period), terms.
    """
    from .metrics import add_period

    if isinstance(keywords, (str, Path)):
        keywords = load_keywords(keywords)
    keywords = keywords or []
    if "text" not in df or df["text"].notna().sum() == 0:
        return pd.DataFrame(columns=THEME_COLUMNS)
    texts = df[df["text"].notna()]
    if "period" not in texts:
        texts = add_period(texts, cadence)
    lang = texts["lang"] if "lang" in texts else pd.Series(pd.NA, index=texts.index)
    if lang.isna().any():
        from ..sentiment import detect_lang

        lang = lang.fillna(detect_lang(texts["text"]))
    texts = texts.assign(lang=lang.astype("string").str[:2])
    latest, prev = _latest_two(texts["period"])
    rows = []
    for lg in [x for x in ("zh", "en") if (texts["lang"] == x).any()] + sorted(
        set(texts["lang"].dropna()) - {"zh", "en"}
    ):
        part = texts[texts["lang"] == lg]
        codes, uniques = pd.factorize(part["text"])
        u = pd.Series(uniques, dtype="object")
        found = []
        for t in keywords:
            m = u.str.contains(_keyword_pattern(t["keywords"]), regex=True).to_numpy()[codes]
            if m.any():
                name = t["name"] if lg == "zh" else t["name_en"]
                found.append(
                    _theme_row(
                        m, part, lg, name, t["theme"], "keywords", t["keywords"], latest, prev
                    )
                )
        found.sort(key=lambda r: -r["n"])
        rows += found[:top]
        if len(found) < top and lg in ("zh", "en"):
            kw = [k for t in keywords for k in t["keywords"]]
            disc = discover(part["text"], lg, top=2 * (top - len(found)), exclude=kw)
            chosen: list[str] = []
            for term in disc["term"]:
                if len(chosen) >= top - len(found):
                    break
                if any(_overlaps(term, c, lg) for c in chosen):
                    continue
                m = u.str.contains(_term_pattern(term, lg), regex=True).to_numpy()[codes]
                if m.sum() < 2:
                    continue
                rows.append(_theme_row(m, part, lg, term, term, "discovered", [term], latest, prev))
                chosen.append(term)
    return pd.DataFrame(rows, columns=THEME_COLUMNS)
