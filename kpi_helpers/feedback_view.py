"""The customer feedback of one report: rows up to the period, metrics by period and product, themes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .feedback.metrics import add_period, feedback_metrics, with_sentiment
from .feedback.themes import themes
from .io import Dataset
from .periods import parse_period


@dataclass
class FeedbackView:
    """Feedback of a report: `rows` up to the period (with period and sentiment), and summaries."""

    period: str
    rows: pd.DataFrame
    by_period: pd.DataFrame
    by_product: pd.DataFrame
    volume: pd.DataFrame
    themes: pd.DataFrame

    @property
    def now(self) -> pd.Series | None:
        """The period's row of by_period (None when the period has no feedback)."""
        rows = self.by_period[self.by_period["period"] == self.period]
        return rows.iloc[0] if len(rows) else None


def pm_products(ds: Dataset, pm: str) -> tuple[str, ...]:
    """The products a PM is responsible for (people.csv `products`), empty when unknown."""
    row = ds.people[ds.people["pm_id"] == pm]
    if not len(row) or not isinstance(row["products"].iloc[0], tuple):
        return ()
    return row["products"].iloc[0]


def feedback_until(ds: Dataset, period: str, pm: str = "", last_n: int = 8) -> pd.DataFrame:
    """Feedback rows of the `last_n` periods up to `period` (the PM's products only when pm is set)."""
    fb = add_period(ds.feedback, ds.company.cadence)
    if pm:
        fb = fb[fb["product"].isin(pm_products(ds, pm))]
    now = parse_period(period).ordinal
    ordinal = fb["period"].map(lambda p: parse_period(p).ordinal if isinstance(p, str) else None)
    return fb[(ordinal <= now) & (ordinal > now - last_n)].reset_index(drop=True)


def keywords_file(ds: Dataset):
    """The data folder's keywords.yaml (theme keyword list), or None."""
    path = ds.data_dir / "keywords.yaml"
    return path if path.exists() else None


def feedback_view(ds: Dataset, period: str, pm: str = "", top_themes: int = 8) -> FeedbackView:
    """Metrics per period (with intervals and noise flags), per product this period, volume per
    channel and period, and themes of this and the previous period's comments."""
    rows = with_sentiment(feedback_until(ds, period, pm))
    by_period = feedback_metrics(rows, by=["period"], cadence=ds.company.cadence)
    current = rows[rows["period"] == period]
    by_product = feedback_metrics(current, by=["product"]) if len(current) else by_period.iloc[0:0]
    channel = rows["channel"].fillna("-") if "channel" in rows else pd.Series("-", rows.index)
    volume = (
        rows.assign(channel=channel).groupby(["period", "channel"]).size().unstack(fill_value=0)
    )
    recent = rows[rows["period"].isin([period, str(parse_period(period).shift(-1))])]
    found = themes(recent, keywords_file(ds), top=top_themes, cadence=ds.company.cadence)
    return FeedbackView(period, rows, by_period, by_product, volume, found)


def theme_rows(found: pd.DataFrame, lang: str, limit: int = 10) -> pd.DataFrame:
    """Themes of the report's language first (then the other language), largest first, labelled."""
    from .i18n import t
    from .tables import format_number

    if found.empty:
        return found.assign(label=pd.Series(dtype=str))
    order = found.assign(_own=found["lang"] != lang).sort_values(
        ["_own", "n"], ascending=[True, False]
    )
    share = order["share_latest"].where(order["share_latest"].notna(), order["share"])
    change = [
        "–"
        if pd.isna(c)
        else f"{'+' if c > 0 else ''}{format_number(100 * c, 1)} pp"
        + (f" ({t('nb04.real', lang)})" if r is True else "")
        for c, r in zip(order["change"], order["change_real"], strict=True)
    ]
    return (
        order.head(limit)
        .assign(
            label=order["theme"].astype(str),
            share=share,
            lang_text=[
                t(f"nb04.lang.{x}", lang) if x in ("zh", "en") else str(x) for x in order["lang"]
            ],
            change_text=change[:limit],
        )
        .drop(columns="_own")
    )
