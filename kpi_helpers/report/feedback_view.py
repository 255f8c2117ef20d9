"""The customer feedback of one report: rows up to the period, metrics by period and product, themes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.feedback.metrics import add_period, feedback_metrics, with_sentiment
from kpi_helpers.feedback.themes import load_keywords, themes
from kpi_helpers.periods import parse_period


@dataclass
class FeedbackView:
    """Feedback of a report: `rows` up to the period (with period and sentiment), and summaries."""

    period: str
    rows: pd.DataFrame
    by_period: pd.DataFrame
    by_product: pd.DataFrame
    volume: pd.DataFrame
    themes: pd.DataFrame
    theme_names: dict[str, tuple[str, str]]  # keyword theme key -> (Chinese name, English name)

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
    """The data folder's keywords.yaml (theme keyword list), or None (always for a database)."""
    if ds.data_dir is None:
        return None
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
    keywords = load_keywords(keywords_file(ds)) if keywords_file(ds) else []
    found = themes(recent, keywords, top=top_themes, cadence=ds.company.cadence)
    names = {k["theme"]: (k["name"], k["name_en"]) for k in keywords}
    return FeedbackView(period, rows, by_period, by_product, volume, found, names)


def theme_rows(
    found: pd.DataFrame, lang: str, names: dict | None = None, limit: int = 10
) -> pd.DataFrame:
    """Themes of the report's language first (then the other language), largest first, labelled.

    share is the theme's share of this period's comments when known (else of both periods);
    keyword themes are named in the report's language (`names`: key -> (zh, en)), and themes of
    the other language's comments carry that language in their label;
    change_text is the change in share against the previous period, marked when it is real.
    """
    from kpi_helpers.report.i18n import in_language, t
    from kpi_helpers.report.tables import format_number, is_missing

    if found.empty:
        return found.assign(label=pd.Series(dtype=str), lang_text="", change_text="")
    names = names or {}
    share = found["share_latest"].where(found["share_latest"].notna(), found["share"])
    order = found.assign(share=share, _own=found["lang"] != lang)
    top = order.sort_values(["_own", "share"], ascending=[True, False]).head(limit)
    change = [
        "–"
        if is_missing(c)
        else f"{'+' if c > 0 else ''}{format_number(100 * c, 1)} pp"
        + (f" ({t('nb04.real', lang)})" if not is_missing(r) and bool(r) else "")
        for c, r in zip(top["change"], top["change_real"], strict=True)
    ]
    label = [
        in_language(lang, *names[k]) if src == "keywords" and k in names else str(theme)
        for k, src, theme in zip(top["key"], top["source"], top["theme"], strict=True)
    ]
    lang_text = [t(f"nb04.lang.{x}", lang) if x in ("zh", "en") else str(x) for x in top["lang"]]
    # a theme of the other language's comments says so, or it would read as a duplicate
    label = [
        n if not other else f"{n} · {lt}"
        for n, lt, other in zip(label, lang_text, top["_own"], strict=True)
    ]
    return top.drop(columns="_own").assign(label=label, lang_text=lang_text, change_text=change)
