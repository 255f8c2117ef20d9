"""Feedback metrics per group: counts, NPS/CSAT/CES with 95 % intervals, sentiment shares,
closed-loop figures, and whether the change against the previous period is outside the noise."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd

from kpi_helpers.feedback.ingest import category
from kpi_helpers.periods import parse_period, period_of_dates
from kpi_helpers.stats import Z95, nps_interval, t_interval, t_quantile, wilson_interval

ALL = "all"  # the one period / product of an export without dates / products
SENTIMENTS = ("positive", "neutral", "negative")
DEFAULT_BY = ("period", "product", "channel")
SENTIMENT_CHUNK = 50_000
# data_source metric -> (column of feedback_metrics, factor to the KPI's unit)
KPI_METRICS = {"nps": ("nps", 1.0), "csat": ("csat", 100.0), "ces": ("ces", 1.0)}
KPI_METRICS["resolved_14d"] = ("resolved_14d", 100.0)


def add_period(df: pd.DataFrame, cadence: str = "quarter") -> pd.DataFrame:
    """Copy of df with a `period` column; an export without any date is one period 'all'."""
    if "date" not in df or df["date"].isna().all():
        return df.assign(period=pd.array([ALL] * len(df), dtype="string"))
    codes, days = pd.factorize(df["date"].dt.normalize(), use_na_sentinel=True)
    periods = period_of_dates(pd.Series(days), cadence).astype("object").reset_index(drop=True)
    return df.assign(period=pd.array(periods.reindex(codes).to_numpy(), dtype="string"))


def with_sentiment(df: pd.DataFrame, lang: str = "auto", workers: int = 1) -> pd.DataFrame:
    """Copy of df with `sentiment`, `sentiment_score` and `lang` filled where empty.

    Each distinct text is scored once (exports repeat short texts a lot), and only when the
    feedback cache (feedback.cache) does not remember it from an earlier run; rows without text
    get no sentiment (<NA>), so sentiment shares are shares of the rows that have a text.
    With `workers` > 1 a large number of new texts is scored on that many processes.
    """
    from kpi_helpers.feedback.distinct import distinct

    out = df.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    text = out["text"] if "text" in out else pd.Series(pd.NA, index=out.index, dtype="string")
    texts = distinct(text)  # within one analysis, shared with theme finding
    codes = texts.codes
    scored = _score_distinct(texts, lang, workers)
    found = scored["lang"]
    out["sentiment"] = category(scored["sentiment"].astype("object"), codes).to_numpy()
    score = scored["sentiment_score"].astype("float64").reset_index(drop=True)
    out["sentiment_score"] = score.reindex(codes).to_numpy()
    found = category(found.reset_index(drop=True).astype("object"), codes).to_numpy()
    have = out["lang"] if "lang" in out else None
    if have is None or have.isna().all():
        out["lang"] = found
    elif have.isna().any():
        merged = have.astype("object").where(have.notna(), pd.Series(found, index=out.index))
        out["lang"] = category(merged.reset_index(drop=True)).to_numpy()
    return out


SCORED_COLUMNS = {"sentiment": "object", "sentiment_score": "float64", "lang": "object"}


def _score_distinct(texts, lang: str, workers: int = 1) -> pd.DataFrame:
    """sentiment, sentiment_score and lang (detected, or `lang` when given) of the distinct
    texts of `texts` (distinct.Distinct), through the cache of per-comment results, index
    0..n-1."""
    from kpi_helpers.feedback.cache import cached, sentiment_version
    from kpi_helpers.feedback.sentiment import detect_lang

    def compute(positions: np.ndarray) -> pd.DataFrame:
        part = pd.Series(texts.uniques[positions], dtype="string")
        scored = score_texts(part, lang=lang, workers=workers)
        found = detect_lang(part).to_numpy() if lang == "auto" else lang
        return scored.assign(lang=found)

    keys = texts.salted(f"sentiment:{lang}")
    return cached("sentiment", sentiment_version(), keys, compute, SCORED_COLUMNS)


def score_texts(
    texts: pd.Series, lang: str = "auto", chunk: int = SENTIMENT_CHUNK, workers: int = 1
) -> pd.DataFrame:
    """score_sentiment in chunks (memory stays flat on a million texts), index 0..n-1.

    With `workers` > 1 many texts are scored in parts on that many processes (parallel.split_map).
    """
    from kpi_helpers.feedback.parallel import split_map
    from kpi_helpers.feedback.sentiment import score_sentiment

    texts = texts.reset_index(drop=True)
    if workers > 1:
        parts = split_map(score_texts, texts, workers, lang, chunk)
        return pd.concat(parts).reset_index(drop=True)
    parts = [
        score_sentiment(texts.iloc[i : i + chunk], lang=lang) for i in range(0, len(texts), chunk)
    ]
    if not parts:
        return pd.DataFrame({"sentiment": pd.Series([], dtype="object"), "sentiment_score": []})
    return pd.concat(parts).reset_index(drop=True)


def _column(df: pd.DataFrame, name: str, dtype: str = "float64") -> pd.Series:
    if name in df:
        return df[name]
    return pd.Series(np.nan if dtype == "float64" else pd.NA, index=df.index, dtype=dtype)


def _indicators(df: pd.DataFrame) -> pd.DataFrame:
    """One numeric column per count or sum the groups add up (vectorised over rows)."""
    nps, csat, ces = _column(df, "nps"), _column(df, "csat"), _column(df, "ces")
    sent = _column(df, "sentiment", "string")
    status = _column(df, "status", "string")
    date = _column(df, "date", "datetime64[ns]")
    resolved = _column(df, "resolved_date", "datetime64[ns]")
    ticket = status.notna()
    days = (resolved - date).dt.days.where(ticket)
    out = pd.DataFrame(
        {
            "n": 1,
            "n_text": _column(df, "text", "string").notna(),
            "nps_n": nps.notna(),
            "promoters": nps >= 9,
            "detractors": nps <= 6,
            "csat_n": csat.notna(),
            "csat_ok": csat >= 4,
            "ces_n": ces.notna(),
            "ces_sum": ces.fillna(0.0),
            "ces_sq": ces.fillna(0.0) ** 2,
            "sent_n": sent.notna(),
            **{s: sent.eq(s).fillna(False).astype(bool) for s in SENTIMENTS},
            "score_sum": _column(df, "sentiment_score").fillna(0.0),
            "tickets": ticket,
            "resolved": ticket & resolved.notna(),
            "resolved_14d_n": ticket & days.le(14).fillna(False),
        },
        index=df.index,
    )
    out["_days"] = days
    return out


def feedback_metrics(
    df: pd.DataFrame,
    by: list[str] | tuple[str, ...] = DEFAULT_BY,
    *,
    cadence: str = "quarter",
    z: float = Z95,
) -> pd.DataFrame:
    """Metrics per group of `by` (any of period, product, channel, lang...; [] for one overall row).

    Args:
        df: a feedback table (load_feedback), optionally with_sentiment; `period` is added
            from `date` when asked for and missing.
        by: grouping columns. Rows whose key is empty (e.g. an unreadable date) are left out.
    Returns:
        one row per group: n, n_text; nps_n, promoters, detractors, nps (-100..100) with
        nps_low/nps_high; csat_n, csat (share of 4-5, 0..1) with Wilson csat_low/csat_high;
        ces_n, ces (mean), ces_sd, ces_low/ces_high (t interval); positive/neutral/negative
        (shares of rows with a text) and sentiment_score (mean); tickets (rows with a status),
        resolved_14d (share of tickets resolved within 14 days), median_days_to_resolve.
        With `period` in `by`: prev_period and, per metric, <m>_change and <m>_change_real
        (see changes()).
    """
    return feedback_tables(df, {"_": by}, cadence=cadence, z=z)["_"]


def feedback_tables(
    df: pd.DataFrame, groupings: dict[str, list[str]], *, cadence: str = "quarter", z: float = Z95
) -> dict[str, pd.DataFrame]:
    """feedback_metrics for several groupings at once ({"by_period": ["period"], ...}); the
    per-row indicators are computed once, which matters on a million rows."""
    if any("period" in by for by in groupings.values()) and "period" not in df:
        df = add_period(df, cadence)
    ind = _indicators(df)
    # group keys as categoricals, made once: grouping on a million strings is slow
    columns = {c for by in groupings.values() for c in by}
    keys = {
        c: df[c] if isinstance(df[c].dtype, pd.CategoricalDtype) else _key(df[c]) for c in columns
    }
    dtypes = {c: df[c].dtype for c in columns}
    return {name: _grouped(keys, dtypes, ind, list(by), z) for name, by in groupings.items()}


def _key(s: pd.Series) -> pd.Series:
    if not isinstance(s.dtype, pd.StringDtype):  # text columns are factorised as they are
        s = s.astype("object")
    return pd.Series(category(s.reset_index(drop=True)).to_numpy(), index=s.index)


def _grouped(keys: dict, dtypes: dict, ind: pd.DataFrame, by: list[str], z: float) -> pd.DataFrame:
    keys = [keys[c].rename(c) for c in by] if by else [pd.Series(ALL, index=ind.index)]
    grouped = ind.groupby(keys, observed=True, dropna=True, sort=True)
    sums = grouped.sum(numeric_only=True).drop(columns="_days")
    sums["median_days_to_resolve"] = grouped["_days"].median()
    sums = sums.reset_index()
    for c in by:  # the keys as the caller had them (text stays text)
        sums[c] = (
            sums[c].astype(dtypes[c]) if not isinstance(dtypes[c], pd.CategoricalDtype) else sums[c]
        )
    if not by:
        sums = sums.drop(columns=sums.columns[0])
    out = _finish(sums, z)
    if "period" in by:
        out = changes(out, [c for c in by if c != "period"], z=z)
    return out


def _finish(s: pd.DataFrame, z: float) -> pd.DataFrame:
    """Rates and intervals from the group sums (per group, never per row)."""
    out = s.copy()
    for c in _COUNTS:
        if c in s and c not in ("ces_sum", "ces_sq", "score_sum"):
            out[c] = s[c].astype("int64")
    nps_n = out["nps_n"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["nps"] = np.where(
            nps_n > 0, 100 * (out["promoters"] - out["detractors"]) / nps_n, np.nan
        )
        out["csat"] = np.where(out["csat_n"] > 0, out["csat_ok"] / out["csat_n"], np.nan)
        n = out["ces_n"].to_numpy(dtype=float)
        mean = np.where(n > 0, out["ces_sum"] / n, np.nan)
        var = np.where(n > 1, (out["ces_sq"] - n * mean**2) / (n - 1), np.nan)
        out["ces"] = mean
        out["ces_sd"] = np.sqrt(np.clip(var, 0, None))
        for sname in SENTIMENTS:
            out[sname] = np.where(out["sent_n"] > 0, out[sname] / out["sent_n"], np.nan)
        out["sentiment_score"] = np.where(
            out["sent_n"] > 0, out["score_sum"] / out["sent_n"], np.nan
        )
        out["resolved_14d"] = np.where(
            out["tickets"] > 0, out["resolved_14d_n"] / out["tickets"], np.nan
        )
    out["nps_low"], out["nps_high"] = nps_interval(
        out["promoters"], out["detractors"], out["nps_n"], z=z
    )
    out["csat_low"], out["csat_high"] = wilson_interval(out["csat_ok"], out["csat_n"], z=z)
    ces_ci = [
        t_interval(m, sd, k)
        for m, sd, k in zip(out["ces"], out["ces_sd"], out["ces_n"], strict=True)
    ]
    out["ces_low"] = [lo for lo, _ in ces_ci]
    out["ces_high"] = [hi for _, hi in ces_ci]
    keys = [c for c in s.columns if c not in _COUNTS and c != "median_days_to_resolve"]
    return out[keys + [c for c in METRIC_COLUMNS if c in out]]


_COUNTS = (
    "n",
    "n_text",
    "nps_n",
    "promoters",
    "detractors",
    "csat_n",
    "csat_ok",
    "ces_n",
    "ces_sum",
    "ces_sq",
    "sent_n",
    *SENTIMENTS,
    "score_sum",
    "tickets",
    "resolved",
    "resolved_14d_n",
)
METRIC_COLUMNS = (
    "n",
    "n_text",
    "nps_n",
    "promoters",
    "detractors",
    "nps",
    "nps_low",
    "nps_high",
    "csat_n",
    "csat_ok",
    "csat",
    "csat_low",
    "csat_high",
    "ces_n",
    "ces",
    "ces_sd",
    "ces_low",
    "ces_high",
    "sent_n",
    *SENTIMENTS,
    "sentiment_score",
    "tickets",
    "resolved",
    "resolved_14d",
    "median_days_to_resolve",
)


def _previous(period: object) -> object:
    try:
        return str(parse_period(period).shift(-1))
    except Exception:  # "all" or an empty key: no previous period
        return pd.NA


def changes(metrics: pd.DataFrame, keys: list[str], *, z: float = Z95) -> pd.DataFrame:
    """Add prev_period and, for nps/csat/ces, the change and whether it is outside the noise.

    The previous period is the one just before in the cadence (2026-Q3 -> 2026-Q2) for the same
    other keys. A change is *real* (two-sided test at 5 %) when:
    - nps: |NPS2 - NPS1| > z * sqrt(Var1 + Var2), Var from the BRIEF formula;
    - csat: the pooled two-proportion z test gives |z| > 1.96;
    - ces: Welch's test, |mean2 - mean1| > t(95 %, min(n1, n2) - 1) * sqrt(s1^2/n1 + s2^2/n2).
    nps_change_noise is z * sqrt(Var1 + Var2): a change smaller than that is within the noise.
    Without a previous period (or fewer than two answers on a side) the flags are <NA>.
    """
    out = metrics.copy()
    out["prev_period"] = out["period"].map(_previous).astype("string")
    cols = [
        "nps_n",
        "promoters",
        "detractors",
        "nps",
        "csat_n",
        "csat_ok",
        "csat",
        "ces_n",
        "ces",
        "ces_sd",
    ]
    prev = metrics[keys + ["period"] + cols].rename(
        columns={"period": "prev_period", **{c: f"{c}_prev" for c in cols}}
    )
    prev["prev_period"] = prev["prev_period"].astype("string")
    for k in keys:  # merge keys must share dtypes
        prev[k] = prev[k].astype(out[k].dtype)
    m = out.merge(prev, on=keys + ["prev_period"], how="left")
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, d1, n1 = m["promoters_prev"], m["detractors_prev"], m["nps_n_prev"]
        p2, d2, n2 = m["promoters"], m["detractors"], m["nps_n"]
        var1 = _nps_var(p1 / n1, d1 / n1, n1)
        var2 = _nps_var(p2 / n2, d2 / n2, n2)
        m["nps_change"] = m["nps"] - m["nps_prev"]
        m["nps_change_noise"] = z * np.sqrt(var1 + var2)  # half-width of the noise band
        m["nps_change_real"] = _flag(m["nps_change"].abs() > m["nps_change_noise"], n1, n2)
        m["csat_change"] = m["csat"] - m["csat_prev"]
        pooled = (m["csat_ok"] + m["csat_ok_prev"]) / (m["csat_n"] + m["csat_n_prev"])
        se = np.sqrt(pooled * (1 - pooled) * (1 / m["csat_n"] + 1 / m["csat_n_prev"]))
        m["csat_change_real"] = _flag(
            (m["csat_change"].abs() > z * se) & (se > 0), m["csat_n_prev"], m["csat_n"]
        )
        m["ces_change"] = m["ces"] - m["ces_prev"]
        se = np.sqrt(m["ces_sd"] ** 2 / m["ces_n"] + m["ces_sd_prev"] ** 2 / m["ces_n_prev"])
        dof = np.minimum(m["ces_n"], m["ces_n_prev"]) - 1
        crit = np.array([_t95(int(v)) for v in dof.fillna(0)])
        m["ces_change_real"] = _flag(
            (m["ces_change"].abs() > crit * se) & (se > 0), m["ces_n_prev"], m["ces_n"]
        )
    return m.drop(columns=[f"{c}_prev" for c in cols])


@lru_cache(maxsize=4096)
def _t95(dof: int) -> float:
    return t_quantile(0.95, dof)


def _nps_var(p, d, n):
    return 100**2 * (p + d - (p - d) ** 2) / n


def _flag(cond: pd.Series, n1: pd.Series, n2: pd.Series) -> pd.Series:
    known = (n1.fillna(0) >= 2) & (n2.fillna(0) >= 2)
    return pd.Series(cond.to_numpy(), index=cond.index, dtype="boolean").where(known)


def kpi_value(rows: pd.DataFrame, metric: str) -> float:
    """A feedback-sourced KPI's actual in its unit: NPS points, CSAT % (4-5 of 1-5), CES mean,
    or % of tickets resolved within 14 days; NaN when the rows have no such answers."""
    if metric not in KPI_METRICS or not len(rows):
        return math.nan
    column, factor = KPI_METRICS[metric]
    value = feedback_metrics(rows, by=[])[column].iat[0]
    return math.nan if pd.isna(value) else float(value) * factor
