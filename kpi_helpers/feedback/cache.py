"""Per-comment results remembered across runs (sentiment, catalogue themes), so that a re-run
scores only new or changed comments.

One Parquet file per kind of result and version, in the user's cache folder
($XDG_CACHE_HOME/kpi-workbook or ~/.cache/kpi-workbook; KPI_WORKBOOK_CACHE_DIR moves it, "off"
turns it off). A row is keyed by a 64-bit hash of the comment's text (salted with what else the
result depends on, e.g. the language asked for); the version (a hash of the model, the theme
catalogue with the company's keywords, and the code that computes the result) is part of the file
name and of the file's metadata, so a changed model or catalogue starts a fresh file. A file that
cannot be read, has other columns or another version is rebuilt with a warning in the log. Files
are written to a temporary file and renamed, so concurrent runs never leave a half-written file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_helpers.config import CACHE_DIR_ENV

log = logging.getLogger(__name__)

OFF = "off"
KEY = "key"
VERSION_META = b"kpi_workbook_version"
KEY_SCHEME = b"text hash, salt mixed in (salted)"
MAX_ROWS = 5_000_000  # a file keeps at most this many comments, the latest ones
KEEP_VERSIONS = 3  # older files of a kind (other model or catalogue versions) are removed
# What one run did, per kind: {"cached": rows found, "computed": rows computed}.
last_run: dict[str, dict[str, int]] = {}
_memo: dict[Path, tuple[tuple, pd.DataFrame, pd.Index]] = {}


def forget() -> None:
    """Drop the cache files this process keeps parsed in memory (a million comments' results
    take a few hundred MB); the next lookup reads its file again."""
    _memo.clear()


def cache_dir() -> Path | None:
    """The cache folder, or None when KPI_WORKBOOK_CACHE_DIR is "off"."""
    value = os.environ.get(CACHE_DIR_ENV, "").strip()
    if value.lower() == OFF:
        return None
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "kpi-workbook"


def text_keys(texts, salt: str = "") -> np.ndarray:
    """64-bit keys of texts (uint64), the same for the same text and salt on every run: the
    text's hash, mixed with the salt's (salted), so one hash of the texts serves every salt."""
    s = pd.Series(np.asarray(texts, dtype=object), dtype=object)
    keys = pd.util.hash_pandas_object(s, index=False, categorize=False).to_numpy(np.uint64)
    return salted(keys, salt)


def salted(keys: np.ndarray, salt: str) -> np.ndarray:
    """text_keys(texts, salt) from text_keys(texts): a bijection per salt (no new collisions),
    splitmix64's finaliser of the key and the salt's hash; the keys as they are without salt."""
    if not salt:
        return keys
    mix = int.from_bytes(hashlib.sha256(salt.encode()).digest()[:8], "little")
    return mix64(np.asarray(keys, dtype=np.uint64) ^ np.uint64(mix))


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser of uint64 values: a bijection that spreads every input bit."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _sources_hash(*names: str):
    h = hashlib.sha256()
    h.update(KEY_SCHEME)  # keys made another way are other keys: the files start afresh
    package = resources.files(__package__)
    for name in names:
        h.update(name.encode())
        h.update((package / name).read_bytes())
    return h


@lru_cache(maxsize=1)
def sentiment_version() -> str:
    """Hash of the sentiment model, its calibration and the code that scores and labels."""
    h = _sources_hash(
        "models/sentiment_model.json.gz",
        "models/sentiment_calibration.json",
        "sentiment.py",
        "complaints.py",
        "metrics.py",
    )
    h.update(pd.__version__.encode())  # the text hash comes from pandas
    return h.hexdigest()


def code_version(*names: str, extra: str = "") -> str:
    """Hash of the named modules of this package (and of `extra`, e.g. a library's version)."""
    h = _sources_hash(*names)
    h.update(f"{extra}|{pd.__version__}".encode())
    return h.hexdigest()


def catalogue_version(catalogue: list[dict]) -> str:
    """Hash of the merged theme catalogue (shipped themes + the company's keywords.yaml) and of
    the code that matches it."""
    h = _sources_hash("themes.py", "text_index.py", "catalogue.py")
    h.update(json.dumps(catalogue, sort_keys=True, ensure_ascii=False).encode())
    h.update(pd.__version__.encode())
    return h.hexdigest()


def cached(
    kind: str,
    version: str,
    keys: np.ndarray,
    compute: Callable[[np.ndarray], pd.DataFrame],
    columns: dict[str, str],
) -> pd.DataFrame:
    """Results for `keys` (one row per key, index 0..n-1, columns as `columns` {name: dtype}):
    remembered rows where the cache has them, compute(positions of the others) for the rest;
    the cache file then holds both. Without a cache folder everything is computed."""
    directory = cache_dir()
    keys = np.asarray(keys, dtype=np.uint64)
    if directory is None or not len(keys):
        last_run[kind] = {"cached": 0, "computed": len(keys)}
        return _typed(compute(np.arange(len(keys))), columns)
    path = directory / f"{kind}-{version[:20]}.parquet"
    old, index = _read(path, version, columns)
    where = index.get_indexer(pd.Index(keys)) if len(index) else np.full(len(keys), -1)
    miss = np.flatnonzero(where < 0)
    last_run[kind] = {"cached": int(len(keys) - len(miss)), "computed": int(len(miss))}
    if len(miss) == len(keys):
        out = new = _typed(compute(miss), columns)
    else:
        out = _typed(old.iloc[np.maximum(where, 0)], columns)
        if len(miss):
            new = _typed(compute(miss), columns)
            for c in columns:
                values = out[c].to_numpy(copy=True)
                values[miss] = new[c].to_numpy()
                out[c] = pd.Series(values, dtype=columns[c])
    if len(miss):
        first = ~pd.Index(keys[miss]).duplicated(keep="first")
        fresh = new[first].reset_index(drop=True)
        fresh.insert(0, KEY, keys[miss][first])
        merged = pd.concat([old, fresh], ignore_index=True).tail(MAX_ROWS)
        _write(path, merged, version, kind)
    return _typed(out, columns)


def _typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    return pd.DataFrame({c: frame[c].astype(t) for c, t in columns.items()})


def _empty(columns: dict[str, str]) -> tuple[pd.DataFrame, pd.Index]:
    frame = pd.DataFrame({KEY: np.array([], dtype=np.uint64)})
    for c, t in columns.items():
        frame[c] = pd.Series([], dtype=t)
    return frame, pd.Index([], dtype=np.uint64)


def _read(path: Path, version: str, columns: dict[str, str]) -> tuple[pd.DataFrame, pd.Index]:
    """The cache file's rows and an index of their keys; empty when there is no usable file."""
    import pyarrow.parquet as pq

    try:
        st = path.stat()
    except OSError:
        return _empty(columns)
    signature = (st.st_mtime_ns, st.st_size, version)
    memo = _memo.get(path)
    if memo and memo[0] == signature:
        return memo[1], memo[2]
    try:
        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        if meta.get(VERSION_META, b"").decode() != version:
            raise ValueError("it was written for another model or theme catalogue")
        if table.column_names != [KEY, *columns]:
            raise ValueError(f"its columns are {', '.join(table.column_names)}")
        frame = table.to_pandas()
        if frame[KEY].dtype != np.uint64:
            raise ValueError(f"its keys are {frame[KEY].dtype}, not 64-bit hashes")
        frame = pd.concat([frame[[KEY]], _typed(frame, columns)], axis=1)
        index = pd.Index(frame[KEY].to_numpy())
        if not index.is_unique:
            raise ValueError("a comment appears twice in it")
    except Exception as e:  # any damage: the file is rebuilt from this run's results
        log.warning("The feedback cache file %s is not usable (%s); it is rebuilt.", path, e)
        return _empty(columns)
    _memo[path] = (signature, frame, index)
    return frame, index


def _write(path: Path, frame: pd.DataFrame, version: str, kind: str) -> None:
    """Write frame to path through a temporary file and a rename; a failure is only logged."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata({VERSION_META: version.encode()})
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}-", suffix=".tmp")
        os.close(fd)
        pq.write_table(table, tmp)
        os.replace(tmp, path)
        tmp = None
    except Exception as e:  # a read-only or full disk: the run goes on without remembering
        log.warning("The feedback cache could not be written to %s (%s).", path, e)
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    try:
        _prune(path.parent, kind, keep=path)
    except OSError:  # another run removed the same file first
        pass


def _prune(directory: Path, kind: str, keep: Path) -> None:
    """Remove all but the KEEP_VERSIONS newest files of a kind (other versions)."""
    files = sorted(
        (p for p in directory.glob(f"{kind}-*.parquet") if p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for p in files[KEEP_VERSIONS - 1 :]:
        p.unlink(missing_ok=True)
