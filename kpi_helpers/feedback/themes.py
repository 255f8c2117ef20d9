"""What customers talk about: language-neutral themes (the shipped catalogue merged with the
company's keywords.yaml) and themes discovered in the texts (frequent, distinctive words and word
pairs), over all comments whatever their language; statistics per theme are in theme_stats."""

from __future__ import annotations

import copy
import gzip
import json
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

from kpi_helpers.data.input_files import (
    InputRefused,
    YamlLimitError,
    read_input_bytes,
    safe_yaml_load,
)
from kpi_helpers.data.reading import NOT_TEXT, decode_bytes
from kpi_helpers.errors import DataError, Problem
from kpi_helpers.feedback.distinct import Distinct, distinct, stable_sample
from kpi_helpers.feedback.text_index import TextIndex

BACKGROUND_FILE = "background_en.json.gz"
# a discovered term must be this many times more common than in background text (log ratio)
DISTINCT_MIN = math.log(4.0)
# a discovered term joins a theme when this share of its comments already carry that theme
COOCCUR = 0.5
DISCOVERY_SAMPLE = 8_000  # texts per language (a sample stable under new comments) discovery reads
DISCOVERY_CHARS = 150_000  # and at most this many characters of them
EXAMPLES = 3
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_EN_TOKEN = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
# jieba's part-of-speech tags of words that can name a theme: nouns, verbal and adjectival nouns
_NOUN_TAGS = ("n", "vn", "an")
_ADVERB_START = set("太很挺好不没超真特最更会也都还就才又再新老已被把让给在是有")


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


def preload() -> None:
    """Load what finding themes reads on first use (jieba's dictionary and word tags, the word
    lists, the background rates, the shipped catalogue): seconds, once per process."""
    from kpi_helpers.feedback.catalogue import merged_catalogue

    _zh_tags()
    _background_en()
    for lang in ("zh", "en"):
        stopwords(lang)
    merged_catalogue([])


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


def segmented(texts, lang: str) -> list[list[str]]:
    """_words of each text; Chinese segmentation (the slow part of discovering themes) is
    remembered per text in the feedback cache."""
    texts = [str(t) for t in texts]
    if lang != "zh" or not texts:
        return [_words(t, lang) for t in texts]
    from kpi_helpers.feedback.cache import cached, code_version, text_keys

    def compute(positions: np.ndarray) -> pd.DataFrame:
        # a word holding the separator is never a theme word: stored empty, it stays a gap
        joined = [
            _SEP.join("" if _SEP in w else w for w in _words(texts[i], lang)) for i in positions
        ]
        return pd.DataFrame({"words": joined})

    import jieba

    version = code_version("themes.py", extra=f"jieba {jieba.__version__}")
    keys = text_keys(texts, salt="words:zh")
    stored = cached("words_zh", version, keys, compute, {"words": "object"})
    return [w.split(_SEP) if w else [] for w in stored["words"]]


def tokenize(text: str, lang: str) -> list[str]:
    """Theme candidate words of one text ("zh" or "en"), in order."""
    return [w for w in _words(text, lang) if _theme_word(w, lang)]


def load_keywords(path: str | Path) -> list[dict]:
    """keywords.yaml: `themes: [{theme, name, name_en, keywords: [...]}]` -> list of dicts.

    Read once while the file is unchanged (every PM page of a run reads the same file)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return _read_keywords(path)
    return copy.deepcopy(_kept_keywords(str(path.resolve()), st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=8)
def _kept_keywords(path: str, mtime_ns: int, size: int) -> list[dict]:
    return _read_keywords(Path(path))


def _read_keywords(path: Path) -> list[dict]:
    try:
        text, _ = decode_bytes(read_input_bytes(path, "yaml"))
        if text is None:
            raise DataError([Problem(path.name, None, "-", NOT_TEXT)])
        data = safe_yaml_load(text)
    except YamlLimitError as e:
        line = getattr(e.problem_mark, "line", None)
        raise DataError([Problem(path.name, line and line + 1, "-", e.problem)]) from None
    except InputRefused as e:
        raise DataError([Problem(path.name, None, "-", str(e))]) from None
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


@lru_cache(maxsize=1)
def _background_en() -> dict:
    """{"floor": rate, "rates": {word: share of background reviews containing it}}."""
    raw = (resources.files(__package__) / BACKGROUND_FILE).read_bytes()
    return json.loads(gzip.decompress(raw).decode("utf-8"))


def _overlaps(a: str, b: str, lang: str) -> bool:
    """送餐速度 repeats 送餐; 'battery life' repeats 'battery': one of them is enough."""
    if lang == "zh":
        return a in b or b in a
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


def discover(
    texts: pd.Series, lang: str, *, top: int = 10, exclude=(), keys: np.ndarray | None = None
) -> pd.DataFrame:
    """Frequent, distinctive words and word pairs in texts of one language.

    Score = document frequency x distinctiveness: the log ratio of the term's rate in these
    texts to its rate in background text (general Chinese: jieba's dictionary; general English:
    review corpora of four domains, background_en.json.gz). A term less than four times as common
    as in the background is dropped, so everyday words, brands and platforms (also on the stop
    lists) do not become themes. A word pair counts as a term when it makes up at least 30 % of
    its rarer word's occurrences. Returns columns term, df (documents in the sample), score.
    `keys` (optional) are the texts' cache.text_keys, when the caller has them already.
    """
    present = texts.notna().to_numpy()
    sample = texts[present]
    if len(sample) > DISCOVERY_SAMPLE:
        sample = stable_sample(sample, DISCOVERY_SAMPLE, None if keys is None else keys[present])
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

    for k, words in zip(counts.tolist(), segmented(counts.index, lang), strict=True):
        marks = [keep(w) for w in words]
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
    else:
        bg_en = _background_en()
    for term, c in terms.items():
        if term.lower() in excl or any(e and e in term.lower() for e in excl):
            continue
        if lang == "zh":
            parts = [term] if term in freq else [w for w in _jieba().lcut(term)]
            bg = np.prod([(freq.get(w) or 1) / total for w in parts]) if parts else 1e-9
        else:
            floor = bg_en["floor"]
            bg = np.prod([bg_en["rates"].get(w, floor) for w in term.split()])
        dist = math.log((c / n_docs) / max(bg, 1e-12))
        if dist >= DISTINCT_MIN:
            rows.append((term, c, c * dist))
    out = pd.DataFrame(rows, columns=["term", "df", "score"])
    return out.sort_values(["score", "term"], ascending=[False, True]).head(top)


def comment_lang(texts: pd.DataFrame) -> pd.Series:
    lang = texts["lang"] if "lang" in texts else pd.Series(pd.NA, index=texts.index)
    if lang.isna().any():
        from kpi_helpers.feedback.sentiment import detect_lang

        found = detect_lang(texts["text"]).astype("object")
        lang = lang.astype("object").where(lang.notna(), found)
    return lang


def _closest(mask: np.ndarray, groups: list[dict]) -> int | None:
    """The theme that already holds at least COOCCUR of the mask's rows (the most), or None."""
    n = np.count_nonzero(mask)  # counting, not summing, a million booleans
    best, best_share = None, COOCCUR
    for i, g in enumerate(groups):
        share = np.count_nonzero(mask & g["mask"]) / n
        if share >= best_share:
            best, best_share = i, share
    return best


def _joins(term: str, lang: str, mask: np.ndarray, group: dict) -> bool:
    """A discovered term joins a discovered group when they share a head term or co-occur."""
    if any(_overlaps(term, t, lang) for t in group["terms"][lang]):
        return True
    both = np.count_nonzero(mask & group["mask"])
    smaller = min(np.count_nonzero(mask), np.count_nonzero(group["mask"]))
    return bool(both >= COOCCUR * smaller)


def _catalogue_keys(texts: np.ndarray, catalogue: list[dict]) -> np.ndarray:
    """Per text, the _SEP-joined keys of the catalogue themes it carries ("" for none)."""
    from kpi_helpers.feedback.catalogue import all_terms

    groups = {i: all_terms(t) for i, t in enumerate(catalogue)}
    index = TextIndex(texts)
    found = index.hits(groups)
    matrix = np.column_stack([found[i] for i in groups] or [np.zeros(index.n, dtype=bool)])
    combos, inverse = np.unique(matrix, axis=0, return_inverse=True)
    names = np.array(
        [_SEP.join(t["key"] for t, on in zip(catalogue, c, strict=False) if on) for c in combos],
        dtype=object,
    )
    return names[inverse.reshape(-1)]


def catalogue_hits(
    uniques,
    catalogue: list[dict],
    workers: int = 1,
    keys: np.ndarray | None = None,
) -> dict[int, np.ndarray]:
    """For each theme of the catalogue (by position), which distinct texts carry it: remembered
    per text in the feedback cache, matched only for texts it does not know (on `workers`
    processes when they are many). `keys`: the texts' cache.text_keys(.., "themes"), if made."""
    from kpi_helpers.feedback.cache import cached, catalogue_version, text_keys
    from kpi_helpers.feedback.catalogue import all_terms
    from kpi_helpers.feedback.parallel import split_map

    groups = {i: all_terms(t) for i, t in enumerate(catalogue)}
    if any(_SEP in t["key"] for t in catalogue):  # keys could not be stored: match every text
        return TextIndex(uniques).hits(groups)

    def compute(positions: np.ndarray) -> pd.DataFrame:
        texts = np.asarray(uniques, dtype=object)[positions]
        parts = split_map(_catalogue_keys, texts, workers, catalogue)
        return pd.DataFrame({"themes": np.concatenate(parts) if parts else texts})

    keys = text_keys(uniques, salt="themes") if keys is None else keys
    stored = cached("themes", catalogue_version(catalogue), keys, compute, {"themes": "object"})
    codes, combos = pd.factorize(stored["themes"])
    position = {t["key"]: i for i, t in enumerate(catalogue)}
    table = np.zeros((len(combos), len(catalogue)), dtype=bool)
    for j, combo in enumerate(combos):
        for key in filter(None, str(combo).split(_SEP)):
            if key in position:
                table[j, position[key]] = True
    return {i: table[codes, i] for i in groups}


_SEP = "\x1f"  # between the theme keys of one text in the cache


def assign_themes(
    df: pd.DataFrame,
    keywords: list[dict] | str | Path | None = None,
    *,
    top: int = 15,
    workers: int = 1,
    texts: Distinct | None = None,
) -> tuple[list[dict], np.ndarray]:
    """Themes of the rows of df (column `text`, ideally `lang`) and which rows carry each.

    The catalogue merged with the company's keywords is matched in every comment whatever its
    language; then frequent, distinctive terms are discovered per language: a term most of
    whose comments already carry a theme joins it (点开报表 beside 闪退), terms that share a head
    term or co-occur make one theme, and at most `top` discovered themes are kept.
    Returns (themes: key, name_zh, name_en, source, terms {"zh", "en"}; a boolean matrix
    rows x themes). Themes that no comment carries are left out. `texts`: distinct.distinct of
    the rows' texts (none missing), when the caller has it.
    """
    from kpi_helpers.feedback.catalogue import all_terms, merged_catalogue

    if isinstance(keywords, (str, Path)):
        keywords = load_keywords(keywords)
    text = df["text"].where(df["text"].notna(), "").astype(str) if "text" in df else None
    if text is None or not len(df):
        return [], np.zeros((len(df), 0), dtype=bool)
    lang = comment_lang(df.assign(text=text)).to_numpy(dtype=object)
    if texts is None:  # the distinct texts as Python strings: matching and hashing read them
        texts = distinct(text)
    codes, uniques = texts.codes, texts.uniques
    catalogue = merged_catalogue(keywords)
    hits = catalogue_hits(uniques, catalogue, workers=workers, keys=texts.salted("themes"))
    groups = [dict(t, mask=hits[i][codes]) for i, t in enumerate(catalogue)]
    known = [w for t in catalogue for w in all_terms(t)]
    found: list[dict] = []
    min_n = max(3, math.ceil(0.005 * len(df)))
    nonblank = (text != "").to_numpy()
    row_keys = None  # each row's text hash, from the distinct texts (discovery samples by it)
    for lg in ("zh", "en"):
        in_lang = lang == lg
        part = text[in_lang & nonblank]
        if len(part) < 20:
            continue
        if row_keys is None:
            row_keys = texts.keys[codes]
        disc = discover(part, lg, top=3 * top, exclude=known, keys=row_keys[in_lang & nonblank])
        term_hits = _hits_in(uniques, codes[in_lang], {t: [t] for t in disc["term"]})
        for term in disc["term"]:
            mask = term_hits[term][codes] & in_lang
            if np.count_nonzero(mask) < min_n:
                continue
            into = _closest(mask, groups)
            target = groups[into] if into is not None else None
            if target is None:
                target = next((g for g in found if _joins(term, lg, mask, g)), None)
            if target is None:
                if len(found) >= top:
                    continue
                target = {"key": term, "name_zh": term, "name_en": term, "source": "discovered"}
                target.update(terms={"zh": [], "en": []}, mask=np.zeros(len(df), dtype=bool))
                found.append(target)
            target["terms"][lg].append(term)
            target["mask"] = target["mask"] | mask
    out = [g for g in groups + found if g["mask"].any()]
    matrix = np.column_stack([g.pop("mask") for g in out]) if out else np.zeros((len(df), 0), bool)
    return out, matrix


def _hits_in(uniques, codes: np.ndarray, groups: dict) -> dict[str, np.ndarray]:
    """TextIndex.hits (whole words) of the distinct texts that `codes` use, as masks over all
    of `uniques` (False for the others): a language's terms are looked for in its texts only."""
    if not groups:
        return {}
    used = np.flatnonzero(np.bincount(codes, minlength=len(uniques)))
    part = TextIndex(np.asarray(uniques, dtype=object)[used]).hits(groups, whole_words=True)
    out = {}
    for g, found in part.items():
        out[g] = np.zeros(len(uniques), dtype=bool)
        out[g][used] = found
    return out


def row_themes(defs: list[dict], matrix: np.ndarray) -> list[str]:
    """Per row, the `;`-separated keys of its themes (empty when none)."""
    keys = [d["key"] for d in defs]
    return [";".join(k for k, on in zip(keys, row, strict=True) if on) for row in matrix]


def themes(
    df: pd.DataFrame,
    keywords: list[dict] | str | Path | None = None,
    *,
    top: int = 15,
    cadence: str = "quarter",
    examples: bool = True,
    workers: int = 1,
) -> pd.DataFrame:
    """The `top` largest themes over all comments of df, whatever their language.

    Args:
        df: feedback rows with `text` (and ideally `feedback_id`, `lang`, `sentiment`,
            `sentiment_score`, `date` or `period`: see metrics.with_sentiment / add_period).
        keywords: themes the company names (load_keywords result or a keywords.yaml path),
            merged with the shipped catalogue.
        examples: pick each theme's typical comments (`examples`; else left empty).
        workers: processes that may match many new comments against the catalogue.
    Returns: one row per theme, largest first; see theme_stats.THEME_COLUMNS.
    """
    from kpi_helpers.feedback.metrics import add_period
    from kpi_helpers.feedback.theme_stats import THEME_COLUMNS, summarise

    if "text" not in df or df["text"].notna().sum() == 0:
        return pd.DataFrame(columns=THEME_COLUMNS)
    shared = distinct(df["text"])  # within one analysis, the factorisation sentiment made
    keep = shared.codes >= 0
    texts = df[keep].reset_index(drop=True)
    if "period" not in texts:
        texts = add_period(texts, cadence)
    texts = texts.assign(lang=comment_lang(texts))
    defs, matrix = assign_themes(texts, keywords, top=top, workers=workers, texts=shared.rows(keep))
    return summarise(texts, defs, matrix, examples).head(top).reset_index(drop=True)
