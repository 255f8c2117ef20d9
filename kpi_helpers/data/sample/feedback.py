"""The sample's customer feedback (feedback.csv): surveys, app-store reviews, in-app NPS, tickets.

Each product has a satisfaction level per quarter (shares of positive and negative comments);
the comment's tone drives its ratings, so NPS, CSAT and CES agree with the texts. Stories:
QingEats has a crash wave after v6.0 in 2026-Q1 and recovers; QingLive slides as ads grow;
QingMart improves steadily; QingPlus is loved; QingPay is steady.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np

from kpi_helpers.data.sample.feedback_text import compose_comment
from kpi_helpers.data.sample.kpis import PERIODS
from kpi_helpers.data.sample.strategy import EXPORT_DATE
from kpi_helpers.data.sample.writing import csv_text
from kpi_helpers.data.schema import FEEDBACK
from kpi_helpers.periods import parse_period

COLUMNS = [c.name for c in FEEDBACK.columns]
CHANNELS = ("app_store", "survey", "in_app", "support_ticket")
_EXPORT = date.fromisoformat(EXPORT_DATE)
CRASH = ("QingEats", "2026-Q1", date(2026, 1, 18))  # product, quarter, release day of v6.0

# Comments per quarter at the start; volume grows about 5 % a quarter.
VOLUME = {"QingEats": 290, "QingMart": 220, "QingPlus": 190, "QingPay": 200, "QingLive": 250}
CHANNEL_MIX = {
    "QingEats": (0.34, 0.18, 0.26, 0.22),
    "QingMart": (0.34, 0.18, 0.26, 0.22),
    "QingPlus": (0.22, 0.32, 0.30, 0.16),
    "QingPay": (0.25, 0.25, 0.27, 0.23),
    "QingLive": (0.38, 0.18, 0.26, 0.18),
}
# (share positive, share negative) of comments per quarter 2025-Q1 .. 2026-Q3.
LEVELS = {
    "QingEats": ((0.70, 0.12), (0.71, 0.12), (0.72, 0.11), (0.72, 0.11), (0.44, 0.40), (0.66, 0.15), (0.72, 0.11)),
    "QingMart": ((0.50, 0.25), (0.54, 0.22), (0.58, 0.19), (0.62, 0.16), (0.66, 0.14), (0.69, 0.12), (0.72, 0.10)),
    "QingPlus": ((0.63, 0.12), (0.65, 0.11), (0.68, 0.10), (0.71, 0.09), (0.74, 0.08), (0.77, 0.06), (0.79, 0.05)),
    "QingPay": ((0.55, 0.18), (0.55, 0.18), (0.56, 0.17), (0.55, 0.18), (0.56, 0.17), (0.57, 0.17), (0.57, 0.16)),
    "QingLive": ((0.66, 0.14), (0.65, 0.15), (0.60, 0.19), (0.55, 0.24), (0.48, 0.30), (0.40, 0.38), (0.36, 0.42)),
}  # fmt: skip
# Share of support tickets resolved within 14 days, per quarter.
RESOLVE_14D = {
    "QingEats": (0.80, 0.82, 0.83, 0.84, 0.66, 0.78, 0.84),
    "QingMart": (0.72, 0.75, 0.78, 0.80, 0.83, 0.85, 0.87),
    "QingPlus": (0.88, 0.89, 0.90, 0.91, 0.92, 0.93, 0.94),
    "QingPay": (0.80, 0.82, 0.85, 0.84, 0.86, 0.87, 0.88),
    "QingLive": (0.82, 0.83, 0.85, 0.84, 0.86, 0.85, 0.87),
}
THEME_WEIGHTS = {
    "QingEats": {"delivery": 24, "price": 14, "customer_service": 12, "performance": 10, "crash": 7, "feature": 10,
                 "ui": 6, "ads": 5, "account": 4, "payment": 4, "general": 8},
    "QingMart": {"delivery": 26, "price": 18, "feature": 12, "ui": 10, "customer_service": 10, "performance": 7,
                 "crash": 5, "account": 3, "ads": 4, "general": 5},
    "QingPlus": {"price": 32, "feature": 16, "customer_service": 14, "ads": 9, "ui": 7, "delivery": 6,
                 "account": 5, "performance": 4, "general": 7},
    "QingPay": {"payment": 25, "account": 20, "customer_service": 14, "performance": 10, "crash": 6, "ui": 8,
                "feature": 8, "ads": 3, "general": 6},
    "QingLive": {"content": 28, "ads": 16, "performance": 14, "crash": 8, "ui": 10, "feature": 8, "account": 5,
                 "customer_service": 3, "general": 8},
}  # fmt: skip
VERSIONS = {"QingEats": (5.4, 5.6, 5.8, 5.9, 6.0, 6.1, 6.2), "QingMart": (3.1, 3.2, 3.4, 3.5, 3.6, 3.8, 4.0),
            "QingPlus": (2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6), "QingPay": (7.2, 7.3, 7.4, 7.5, 7.6, 7.7, 7.8),
            "QingLive": (9.0, 9.1, 9.2, 9.3, 9.4, 9.5, 9.6)}  # fmt: skip

# Ratings given with each tone: values and their probabilities.
NPS_BY_TONE = {
    "pos": ((10, 9, 8), (0.52, 0.36, 0.12)),
    "neu": ((9, 8, 7, 6, 5), (0.08, 0.32, 0.30, 0.18, 0.12)),
    "neg": ((0, 1, 2, 3, 4, 5, 6, 7), (0.12, 0.08, 0.12, 0.14, 0.14, 0.15, 0.17, 0.08)),
}
CSAT_BY_TONE = {
    "pos": ((5, 4, 3), (0.68, 0.29, 0.03)),
    "neu": ((4, 3, 2), (0.30, 0.55, 0.15)),
    "neg": ((1, 2, 3), (0.55, 0.35, 0.10)),
}
CES_BY_TONE = {  # 1-7 agreement with "it was easy to get what I needed"
    "pos": ((7, 6, 5, 4), (0.42, 0.38, 0.15, 0.05)),
    "neu": ((6, 5, 4, 3), (0.15, 0.35, 0.35, 0.15)),
    "neg": ((4, 3, 2, 1), (0.15, 0.30, 0.30, 0.25)),
}


@dataclass
class Feedback:
    date: date
    product: str
    channel: str
    nps: int | None
    csat: int | None
    ces: int | None
    text: str
    lang: str
    status: str = ""
    resolved_date: date | None = None
    feedback_id: str = ""

    def period(self) -> str:
        return f"{self.date.year}-Q{(self.date.month - 1) // 3 + 1}"

    def cells(self) -> list[str]:
        def n(v):
            return "" if v is None else str(v)

        resolved = self.resolved_date.isoformat() if self.resolved_date else ""
        return [self.feedback_id, self.date.isoformat(), self.product, self.channel, n(self.nps), n(self.csat),
                n(self.ces), self.text, self.lang, self.status, resolved]  # fmt: skip


def _choice(rng: np.random.Generator, values, probs):
    """One of `values` drawn with weights `probs` (need not sum to 1)."""
    u = rng.random() * sum(probs)
    for value, p in zip(values, probs, strict=True):
        u -= p
        if u < 0:
            return value
    return values[-1]


def _theme(rng: np.random.Generator, product: str, period: str, tone: str) -> str:
    return _choice(rng, *_theme_weights(product, period, tone))


@cache
def _theme_weights(
    product: str, period: str, tone: str
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    weights = dict(THEME_WEIGHTS[product])
    if product == CRASH[0] and period == CRASH[1] and tone == "neg":
        weights["crash"] *= 15
    if product == CRASH[0] and period == "2026-Q2" and tone == "pos":
        weights["crash"] *= 2  # "the crash is fixed" comments
    if product == "QingLive" and parse_period(period) >= parse_period("2025-Q4") and tone == "neg":
        weights["ads"] *= 2.5
        weights["content"] *= 1.5
    names = tuple(sorted(weights))
    return names, tuple(float(weights[k]) for k in names)


def _tone(rng: np.random.Generator, product: str, i: int, channel: str) -> str:
    pos, neg = LEVELS[product][i]
    if channel == "support_ticket":  # people write tickets when something is wrong
        pos, neg = pos * 0.2, min(0.85, neg + 0.45)
    return _choice(rng, ("pos", "neu", "neg"), (pos, 1 - pos - neg, neg))


@cache
def _bounds(period: str) -> tuple[date, date]:
    p = parse_period(period)
    return p.start(), p.end()


def _day(rng: np.random.Generator, first: date, last: date) -> date:
    return first + timedelta(days=int(rng.integers((last - first).days + 1)))


def _one(rng: np.random.Generator, product: str, i: int, period: str) -> Feedback:
    channel = _choice(rng, CHANNELS, CHANNEL_MIX[product])
    tone = _tone(rng, product, i, channel)
    lang = "zh" if rng.random() < 0.7 else "en"
    theme = _theme(rng, product, period, tone)
    second = None
    if rng.random() < 0.22:
        second = _theme(rng, product, period, "neu")
        second = None if second in (theme, "general") else second
    first, last = _bounds(period)
    if product == CRASH[0] and period == CRASH[1] and theme == "crash":
        first = CRASH[2]
    day = _day(rng, first, last)
    released = not (product == CRASH[0] and period == CRASH[1] and day < CRASH[2])
    version = f"{VERSIONS[product][i if released else i - 1]:.1f}"
    text = compose_comment(rng, product, lang, tone, theme, second, version)
    nps = csat = ces = None
    status, resolved = "", None
    if channel == "app_store":
        csat = _choice(rng, *CSAT_BY_TONE[tone])
    elif channel == "survey":
        nps = _choice(rng, *NPS_BY_TONE[tone])
        csat = _choice(rng, *CSAT_BY_TONE[tone])
        ces = _choice(rng, *CES_BY_TONE[tone]) if rng.random() < 0.85 else None
    elif channel == "in_app":
        nps = _choice(rng, *NPS_BY_TONE[tone])
    else:
        status, resolved = _resolution(rng, product, i, day)
        if status == "resolved" and rng.random() < 0.5:  # the post-ticket survey
            csat = _choice(rng, *CSAT_BY_TONE[tone])
            ces = _choice(rng, *CES_BY_TONE[tone])
    return Feedback(day, product, channel, nps, csat, ces, text, lang, status, resolved)


def _resolution(
    rng: np.random.Generator, product: str, i: int, day: date
) -> tuple[str, date | None]:
    if rng.random() < RESOLVE_14D[product][i]:
        days = int(min(rng.geometric(0.25) - 1, 14))
    else:
        days = int(rng.integers(15, 60))
    resolved = day + timedelta(days=days)
    if rng.random() < 0.03 or resolved > _EXPORT:
        return "open", None
    return "resolved", resolved


def _volume(product: str, i: int, period: str) -> int:
    n = VOLUME[product] * (1 + 0.05 * i)
    if product == CRASH[0] and period == CRASH[1]:
        n *= 1.45  # the crash wave brings a flood of reviews and tickets
    return int(round(n))


def generate_feedback(rng: np.random.Generator) -> list[Feedback]:
    """Every feedback row, sorted by date, with ids, a few export quirks included."""
    rows: list[Feedback] = []
    for i, period in enumerate(PERIODS):
        for product in sorted(VOLUME):
            rows.extend(_one(rng, product, i, period) for _ in range(_volume(product, i, period)))
    order = sorted(range(len(rows)), key=lambda k: (rows[k].date, k))
    rows = [rows[k] for k in order]
    for k, row in enumerate(rows, start=1):
        row.feedback_id = f"FB{k:05d}"
    _add_export_quirks(rng, rows)
    return rows


def _add_export_quirks(rng: np.random.Generator, rows: list[Feedback]) -> None:
    """What real exports contain: blank comments, HTML-escaped app-store text, duplicated rows."""
    surveys = [k for k, r in enumerate(rows) if r.channel in ("survey", "in_app")]
    for k in sorted(rng.choice(surveys, size=9, replace=False)):
        rows[int(k)].text = ("", " ", "  ")[int(k) % 3]
    for r in rows:
        # One quarter's app-store scrape kept HTML entities.
        if (
            r.channel == "app_store"
            and r.period() == "2025-Q3"
            and ("&" in r.text or '"' in r.text)
        ):
            r.text = html.escape(r.text, quote=True).replace("&#x27;", "'")
    for k in sorted(rng.choice(len(rows), size=6, replace=False), reverse=True):
        rows.insert(int(k) + 1, rows[int(k)])


def feedback_csv(rows: list[Feedback]) -> str:
    return csv_text(COLUMNS, [r.cells() for r in rows])


def feedback_metric(rows: list[Feedback], metric: str) -> float | None:
    """NPS, CSAT (% of 4-5), or % of tickets resolved within 14 days, as kpi_helpers.derive computes them."""
    if metric == "nps":
        s = [r.nps for r in rows if r.nps is not None]
        return 100 * (sum(v >= 9 for v in s) - sum(v <= 6 for v in s)) / len(s) if s else None
    if metric == "csat":
        s = [r.csat for r in rows if r.csat is not None]
        return 100 * sum(v >= 4 for v in s) / len(s) if s else None
    if metric == "resolved_14d":
        t = [r for r in rows if r.status]
        ok = sum(r.resolved_date is not None and (r.resolved_date - r.date).days <= 14 for r in t)
        return 100 * ok / len(t) if t else None
    raise ValueError(f"unknown feedback metric {metric}")
