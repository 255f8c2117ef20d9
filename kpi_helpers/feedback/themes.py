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

from kpi_helpers.data.reading import NOT_TEXT, decode_bytes
from kpi_helpers.errors import DataError, Problem
from kpi_helpers.stats import Z95

DISCOVERY_SAMPLE = 8_000  # texts per language (a random sample) used to discover themes
DISCOVERY_CHARS = 150_000  # and at most this many characters of them
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
        text, _ = decode_bytes(path.read_bytes())
        if text is None:
            raise DataError([Problem(path.name, None, "-", NOT_TEXT)])
        data = yaml.safe_load(text)
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


class TextIndex:
    """Distinct texts joined into one lower-cased string, so that finding every keyword of every
    theme is one regex scan of that string instead of one search per text and keyword."""

    def __init__(self, texts) -> None:
        lowered = [str(t).lower().replace("\x00", " ") for t in np.asarray(texts, dtype=object)]
        self.n = len(lowered)
        self.big = "\x00".join(lowered)
        lengths = np.fromiter((len(t) + 1 for t in lowered), dtype=np.int64, count=self.n)
        self.starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if self.n else lengths

    def hits(self, groups: dict, whole_words: bool = False) -> dict:
        """For each group of terms, which texts contain any of its terms.

        Latin-script terms must start a word ('crash' finds 'crashes', not 'uncrash'); with
        whole_words they must also end one. A match credits every group with a term inside
        it (送餐速度 counts for 送餐 too); a term starting inside another match is not seen.
        """
        terms_of = {
            g: {str(t).strip().lower() for t in ts if str(t).strip()} for g, ts in groups.items()
        }
        terms = sorted(set().union(*terms_of.values()), key=len, reverse=True) if groups else []
        found = {g: np.zeros(self.n, dtype=bool) for g in groups}
        if not terms or not self.n:
            return found
        credit: dict[str, list] = {}
        positions: dict = {g: [] for g in groups}
        big, size = self.big, len(self.big)
        for m in re.finditer("|".join(map(re.escape, terms)), big):
            word = m.group()
            owners = credit.get(word)
            if owners is None:
                owners = credit[word] = [
                    g for g, ts in terms_of.items() if any(t in word for t in ts)
                ]
            if word[:1].isascii() and word[:1].isalnum():
                p, e = m.start(), m.end()
                if (p and big[p - 1].isalnum()) or (whole_words and e < size and big[e].isalnum()):
                    continue
            for g in owners:
                positions[g].append(m.start())
        for g, pos in positions.items():
            if pos:
                found[g][np.searchsorted(self.starts, np.asarray(pos), side="right") - 1] = True
        return found


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
    within = sample.str.len().cumsum() <= DISCOVERY_CHARS  # segmenting costs per character
    sample = sample[within] if within.sum() >= 100 else sample
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


def _examples(texts: np.ndarray, scores: np.ndarray, k: int = EXAMPLES) -> list[str]:
    """Texts typical of the theme: closest to its mean sentiment, of middling length, distinct."""
    if len(texts) > 500:
        pick = np.random.default_rng(0).choice(len(texts), 500, replace=False)
        texts, scores = texts[pick], scores[pick]
    cand = pd.DataFrame({"text": texts, "score": scores})
    norm = cand["text"].str.lower().str.replace(r"[\W_]+", "", regex=True)
    cand = cand[~norm.duplicated()]
    length = cand["text"].str.len()
    ok = length.between(6, 160)
    cand = cand[ok] if ok.sum() >= k else cand
    length = cand["text"].str.len()
    score = cand["score"].fillna(0.0)
    dist = (score - score.mean()).abs() + (length - length.median()).abs() / 200.0
    return [str(t) for t in cand.loc[dist.sort_values(kind="stable").index, "text"].head(k)]


class _Language:
    """One language's texts as arrays, so each theme costs a few vectorised operations."""

    def __init__(self, part: pd.DataFrame, latest, prev):
        self.n = len(part)
        self.text = part["text"].to_numpy(dtype=object)
        self.score = (
            part["sentiment_score"].to_numpy(dtype=float)
            if "sentiment_score" in part
            else np.full(self.n, np.nan)
        )
        self.negative = (
            part["sentiment"].eq("negative").fillna(False).to_numpy(dtype=bool)
            if "sentiment" in part
            else None
        )
        period = part["period"]
        self.cur = (period == latest).fillna(False).to_numpy(dtype=bool) if latest else None
        self.old = (period == prev).fillna(False).to_numpy(dtype=bool) if prev else None
        self.codes, uniques = pd.factorize(part["text"])
        self.index = TextIndex(uniques)

    def masks(self, groups: dict, whole_words: bool = False) -> dict:
        """Rows (not distinct texts) that contain each group's terms."""
        return {g: m[self.codes] for g, m in self.index.hits(groups, whole_words).items()}


def _theme_row(mask: np.ndarray, corpus: _Language, lang, theme, key, source, terms) -> dict:
    """Share, sentiment, trend and examples of one theme among one language's texts."""
    n = int(mask.sum())
    scores = corpus.score[mask]
    row = {
        "lang": lang,
        "theme": theme,
        "key": key,
        "source": source,
        "n": n,
        "share": n / corpus.n if corpus.n else np.nan,
        "sentiment": float(np.nanmean(scores)) if n and not np.isnan(scores).all() else np.nan,
        "negative": float(corpus.negative[mask].mean())
        if n and corpus.negative is not None
        else np.nan,
        "share_latest": np.nan,
        "share_prev": np.nan,
        "change": np.nan,
        "change_real": pd.NA,
        "examples": [],
        "terms": list(terms),
    }
    if n:
        recent = mask & corpus.cur if corpus.cur is not None and (mask & corpus.cur).any() else mask
        row["examples"] = _examples(corpus.text[recent], corpus.score[recent])
    if corpus.cur is not None and corpus.old is not None:
        n1, n2 = int(corpus.old.sum()), int(corpus.cur.sum())
        k1, k2 = int((mask & corpus.old).sum()), int((mask & corpus.cur).sum())
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
    from kpi_helpers.feedback.metrics import add_period

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
        from kpi_helpers.feedback.sentiment import detect_lang

        found = detect_lang(texts["text"]).astype("object")
        lang = lang.astype("object").where(lang.notna(), found)
    texts = texts.assign(lang=lang)
    latest, prev = _latest_two(texts["period"])
    rows = []
    for lg in [x for x in ("zh", "en") if (texts["lang"] == x).any()] + sorted(
        set(texts["lang"].dropna()) - {"zh", "en"}
    ):
        part = texts[texts["lang"] == lg]
        corpus = _Language(part, latest, prev)
        found = []
        masks = corpus.masks({i: t["keywords"] for i, t in enumerate(keywords)})
        for i, t in enumerate(keywords):
            m = masks[i]
            if m.any():
                name = t["name"] if lg == "zh" else t["name_en"]
                found.append(_theme_row(m, corpus, lg, name, t["theme"], "keywords", t["keywords"]))
        found.sort(key=lambda r: -r["n"])
        rows += found[:top]
        if len(found) < top and lg in ("zh", "en"):
            kw = [k for t in keywords for k in t["keywords"]]
            disc = discover(part["text"], lg, top=2 * (top - len(found)), exclude=kw)
            chosen: list[str] = []
            masks = corpus.masks({t: [t] for t in disc["term"]}, whole_words=True)
            for term in disc["term"]:
                if len(chosen) >= top - len(found):
                    break
                if any(_overlaps(term, c, lg) for c in chosen):
                    continue
                m = masks[term]
                if m.sum() < 2:
                    continue
                rows.append(_theme_row(m, corpus, lg, term, term, "discovered", [term]))
                chosen.append(term)
    return pd.DataFrame(rows, columns=THEME_COLUMNS)
