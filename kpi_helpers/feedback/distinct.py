"""Each distinct comment text once per analysis: the rows' codes, the distinct texts and their
64-bit hashes, made once and shared by sentiment scoring and theme finding.

Within `one_analysis()` (what the `feedback` command and a run's feedback analysis do) the
factorisation of a text column is remembered by the identity of its Arrow data, which is
immutable: a column changed in between has other data and is factorised again. Outside it
every call factorises afresh, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_helpers.feedback.cache import mix64, salted, text_keys
from kpi_helpers.feedback.parallel import processes


@dataclass
class Distinct:
    """codes: per row, the position of its text in `uniques` (-1: no text); uniques: the
    distinct texts as Python strings, in order of first appearance."""

    codes: np.ndarray
    uniques: np.ndarray
    _hashes: dict = field(default_factory=dict, repr=False)  # shared with rows() of it

    @property
    def keys(self) -> np.ndarray:
        """cache.text_keys of the distinct texts (unsalted), hashed once."""
        if "" not in self._hashes:
            self._hashes[""] = text_keys(self.uniques)
        return self._hashes[""]

    def salted(self, salt: str) -> np.ndarray:
        """cache.text_keys(uniques, salt), from the hashes made once."""
        return salted(self.keys, salt)

    def rows(self, keep: np.ndarray) -> Distinct:
        """The same distinct texts (and hashes) for the rows where `keep` is true."""
        return Distinct(self.codes[keep], self.uniques, self._hashes)


_memo: dict[int, tuple[object, Distinct]] | None = None


def distinct(text: pd.Series) -> Distinct:
    """The rows' codes and distinct texts of `text` (pd.factorize, missing texts -1); within
    one_analysis() made once per column."""
    source = _arrow_data(text)
    if _memo is not None and source is not None:
        hit = _memo.get(id(source))
        if hit is not None and hit[0] is source:
            return hit[1]
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    if not isinstance(text.dtype, pd.StringDtype):  # numbers in a text column count as text
        uniques = pd.array(np.asarray(uniques, dtype=object), dtype="string")
    out = Distinct(np.asarray(codes), np.asarray(uniques, dtype=object))
    if _memo is not None and source is not None:
        _memo[id(source)] = (source, out)  # the reference keeps the id from being reused
    return out


def _arrow_data(text: pd.Series) -> object | None:
    """The immutable Arrow data behind a string column, or None (then nothing is remembered)."""
    if not isinstance(text.dtype, pd.StringDtype) or text.dtype.storage != "pyarrow":
        return None
    return text.array.__arrow_array__()


def stable_sample(texts: pd.Series, n: int, keys: np.ndarray | None = None) -> pd.Series:
    """n of the texts, in a random-looking order that new comments hardly change: those with
    the smallest hash of text and occurrence number (the 2nd "好评" is another draw than the 1st,
    so repeated texts are sampled as often as they occur). Adding 5 % new comments changes about
    5 % of the sample, so discovery finds the same themes and re-segments few texts.
    `keys`: the texts' cache.text_keys when the caller has them (else they are computed)."""
    if keys is None:
        codes, uniques = pd.factorize(texts)  # each distinct text is hashed once
        keys = text_keys(uniques)[codes]
    h = np.asarray(keys, dtype=np.uint64)
    occurrence = pd.Series(h).groupby(h, sort=False).cumcount().to_numpy(np.uint64)
    x = mix64(h ^ (occurrence * np.uint64(0x9E3779B97F4A7C15)))
    first = np.argpartition(x, n - 1)[:n] if n < len(x) else np.arange(len(x))
    return texts.iloc[first[np.argsort(x[first], kind="stable")]]  # key order: any prefix samples


@contextmanager
def one_analysis(workers: int = 1) -> Iterator[None]:
    """One feedback analysis: its worker processes (parallel.processes) and each text column's
    distinct texts are shared by all its steps, and released when it ends."""
    global _memo
    if _memo is not None:  # nested: the outer analysis shares its own
        with processes(workers):
            yield
        return
    _memo = {}
    try:
        with processes(workers):
            yield
    finally:
        _memo = None
