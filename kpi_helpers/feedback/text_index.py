"""Distinct comment texts joined into one string, so that finding every term of every theme is
one regex scan instead of one search per text and term."""

from __future__ import annotations

import re

import numpy as np


def trie_pattern(terms) -> str:
    """One regex finding the same matches as the alternation of the terms longest first
    ("|".join of them sorted by length, descending): at each position the longest term that
    starts there. The terms are merged by common prefix, so a position costs one step per
    character instead of one try per term; a term that ends where longer ones go on is tried
    after them (a greedy optional tail)."""
    trie: dict = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}  # a term ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(ch) + pattern(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


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
        for m in re.finditer(trie_pattern(terms), big):
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
