"""Theme and sentiment explorer state: pick a theme, get its trend by period and its comments."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kpi_helpers.periods import period_of_dates, sort_periods
from kpi_helpers.report.i18n import in_language


def _themes_column(feedback: pd.DataFrame) -> pd.Series:
    """One list of themes per row, from a `themes` (list or `;`-text) or a `theme` column."""
    col = "themes" if "themes" in feedback else "theme"
    if col not in feedback:
        return pd.Series([[] for _ in range(len(feedback))], index=feedback.index)

    def as_list(v) -> list[str]:
        if isinstance(v, list | tuple | set):
            return [str(x) for x in v if str(x).strip()]
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return []
        return [p.strip() for p in str(v).replace("；", ";").split(";") if p.strip()]

    return feedback[col].map(as_list)


def term_pattern(terms, whole_words: bool = False) -> re.Pattern:
    """A case-insensitive pattern for any of the terms, matched the way feedback.themes does:
    Latin-script terms from the start of a word ('crash' finds 'crashes'), with whole_words to
    its end too; Chinese terms anywhere."""
    parts = []
    for term in sorted({str(t).strip() for t in terms if str(t).strip()}, key=len, reverse=True):
        p = re.escape(term)
        if term[:1].isascii() and term[:1].isalnum():
            p = r"(?<![^\W_])" + p + (r"(?![^\W_])" if whole_words else "")
        parts.append(p)
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


def tag_themes(feedback: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    """Copy of feedback with a `themes` list per row, from a feedback.themes.themes() table.

    A comment belongs to a theme when its text contains one of the theme's terms (keyword
    themes by keyword, discovered themes by whole word or word pair); themes of one language
    (tables without `langs`) only tag comments of that language.
    Tags are theme keys, so a keyword theme found in both languages is one theme.
    """
    out = feedback.copy()
    text = out["text"] if "text" in out else pd.Series(pd.NA, index=out.index)
    lang = out["lang"].astype("string").str[:2] if "lang" in out else None
    codes, uniques = pd.factorize(text)
    uniques = [str(u) for u in uniques]
    tags: list[list[str]] = [[] for _ in range(len(out))]
    for row in themes.itertuples():
        terms = list(row.terms) if isinstance(row.terms, list | tuple) else [str(row.terms)]
        pattern = term_pattern(terms, whole_words=getattr(row, "source", "") == "discovered")
        found = np.array([bool(pattern.search(u)) for u in uniques] + [False])
        hit = found[codes]  # code -1 (no text) picks the trailing False
        if lang is not None and "lang" in themes and "langs" not in themes:
            hit &= lang.eq(row.lang).fillna(False).to_numpy(dtype=bool)
        for i in np.flatnonzero(hit):
            tags[i].append(str(getattr(row, "key", row.theme)))
    out["themes"] = tags
    return out


def theme_labels(themes: pd.DataFrame, lang: str, names: dict | None = None) -> dict[str, str]:
    """Theme key -> readable name in the report language.

    Args:
        names: keyword theme key -> (Chinese name, English name), as FeedbackView.theme_names.
    """
    if themes.empty:
        return {}
    key = themes["key"] if "key" in themes else themes["theme"]
    order = themes.assign(_key=key.astype(str), _other=themes.get("lang", lang) != lang)
    order = order.sort_values("_other", kind="stable").drop_duplicates("_key")
    name = f"name_{lang}" if f"name_{lang}" in themes else "theme"  # language-neutral themes
    labels = dict(zip(order["_key"], order[name].astype(str), strict=False))
    for k, pair in (names or {}).items():
        if k in labels:
            labels[k] = str(in_language(lang, *pair))
    return labels


class ThemeExplorer:
    """Feedback rows tagged with themes, explored one theme at a time.

    Args:
        feedback: feedback rows with a `theme` or `themes` column, a `date` or `period`, and
            optionally `sentiment` (positive / neutral / negative), `sentiment_score`, `text`,
            `product`, `channel`.
        cadence: quarter or half, to place dated rows in periods.
        labels: theme -> name to show (default: the theme itself).
    """

    def __init__(
        self, feedback: pd.DataFrame, cadence: str = "quarter", labels: dict | None = None
    ):
        self.labels = dict(labels or {})
        f = feedback.reset_index(drop=True).copy()
        if "period" not in f:
            dates = f["date"] if "date" in f else pd.Series(pd.NaT, index=f.index)
            f["period"] = period_of_dates(pd.to_datetime(dates, errors="coerce"), cadence)
        f["_themes"] = _themes_column(f)
        self.feedback = f
        self.rows = f.explode("_themes").rename(columns={"_themes": "_theme"})
        self.rows = self.rows[self.rows["_theme"].notna()]
        self.theme: str | None = None
        self.product: str | None = None
        ranked = self.themes()
        if len(ranked):
            self.theme = str(ranked["theme"].iloc[0])

    def themes(self) -> pd.DataFrame:
        """Themes by number of comments: theme, n, share of all feedback, negative share."""
        r = self._filtered(self.rows)
        total = max(len(self._filtered(self.feedback)), 1)
        neg = r["sentiment"].eq("negative") if "sentiment" in r else pd.Series(False, r.index)
        out = (
            r.assign(_neg=neg.astype(float))
            .groupby("_theme")
            .agg(n=("_theme", "size"), negative=("_neg", "mean"))
            .reset_index()
            .rename(columns={"_theme": "theme"})
        )
        out["share"] = out["n"] / total
        out = out.sort_values(["n", "theme"], ascending=[False, True]).reset_index(drop=True)
        out["label"] = out["theme"].map(lambda k: self.labels.get(k, k))
        return out[["theme", "label", "n", "share", "negative"]]

    def select(self, theme: str | None = None, product: str | None = None) -> None:
        """Choose the theme (and optionally restrict to one product; None = all products)."""
        self.theme = theme
        self.product = product

    def trend(self) -> pd.DataFrame:
        """Per period: comments on the theme, their share of that period's feedback, sentiment mix."""
        r = self._mine()
        base = self._filtered(self.feedback)
        periods = sort_periods(base["period"].dropna().unique())
        per = base.groupby("period").size().reindex(periods, fill_value=0)
        n = r.groupby("period").size().reindex(periods, fill_value=0)
        out = pd.DataFrame({"period": periods, "n": n.to_numpy(), "all": per.to_numpy()})
        out["share"] = (out["n"] / out["all"].where(out["all"] > 0)).fillna(0.0)
        for label in ("positive", "neutral", "negative"):
            if "sentiment" in r:
                hits = r[r["sentiment"] == label].groupby("period").size()
                out[label] = hits.reindex(periods, fill_value=0).to_numpy()
            else:
                out[label] = 0
        if "sentiment_score" in r:
            mean = r.groupby("period")["sentiment_score"].mean().reindex(periods)
            out["sentiment_score"] = mean.to_numpy()
        return out

    def comments(self, limit: int = 50, sentiment: str | None = None) -> pd.DataFrame:
        """The theme's comments, newest first (raw text; the panel escapes it)."""
        r = self._mine()
        if sentiment and "sentiment" in r:
            r = r[r["sentiment"] == sentiment]
        if "date" in r:
            r = r.sort_values("date", ascending=False, na_position="last")
        cols = [c for c in ("date", "period", "product", "channel", "sentiment", "text") if c in r]
        return r[cols].head(limit).reset_index(drop=True)

    def products(self) -> list[str]:
        if "product" not in self.feedback:
            return []
        return sorted(str(p) for p in self.feedback["product"].dropna().unique())

    def _filtered(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.product and "product" in frame:
            return frame[frame["product"] == self.product]
        return frame

    def _mine(self) -> pd.DataFrame:
        r = self._filtered(self.rows)
        return r[r["_theme"] == self.theme] if self.theme is not None else r.iloc[0:0]
