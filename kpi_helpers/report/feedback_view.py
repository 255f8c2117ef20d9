"""The customer feedback of one report: rows up to the period, metrics by period and product, themes."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.feedback.analysis import with_analysis
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


def feedback_until(
    ds: Dataset,
    period: str,
    pm: str = "",
    last_n: int = 8,
    analysed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Feedback rows of the `last_n` periods up to `period` (the PM's products only when pm is set).

    `analysed` is feedback.analysis.analyse_rows of ds.feedback when the run has it: the rows
    then come with their period, sentiment and language.
    """
    fb = ds.feedback
    mine = fb["product"].isin(pm_products(ds, pm)).to_numpy() if pm else None
    if analysed is None:
        fb = add_period(fb[mine] if pm else fb, ds.company.cadence)
        return fb[_recent(fb["period"], period, last_n)].reset_index(drop=True)
    rows = _recent(analysed["period"], period, last_n)  # chosen first: only they are copied
    rows = rows & mine if pm else rows
    return with_analysis(fb[rows], analysed[rows]).reset_index(drop=True)


def _recent(periods: pd.Series, period: str, last_n: int) -> np.ndarray:
    """Which of `periods` are among the last_n periods up to `period`."""
    now = parse_period(period).ordinal
    # per distinct period, then spread by code: no object array of a million period strings
    codes, uniques = pd.factorize(periods, use_na_sentinel=True)
    ordinal = np.array([parse_period(p).ordinal for p in uniques], dtype="float64")
    keep = np.append((ordinal <= now) & (ordinal > now - last_n), False)  # code -1: no period
    return keep[codes]


def keywords_file(ds: Dataset):
    """The data folder's keywords.yaml (theme keyword list), or None (always for a database)."""
    if ds.data_dir is None:
        return None
    path = ds.data_dir / "keywords.yaml"
    return path if path.exists() else None


def feedback_view(
    ds: Dataset,
    period: str,
    pm: str = "",
    top_themes: int = 12,
    analysed: pd.DataFrame | None = None,
    examples: bool = True,
    workers: int = 1,
) -> FeedbackView:
    """Metrics per period (with intervals and noise flags), per product this period, volume per
    channel and period, and themes of this and the previous period's comments.

    With `analysed` (feedback.analysis.analyse_rows of ds.feedback) no comment is scored again;
    without `examples` the themes come without their typical comments; `workers` processes
    may match many new comments against the theme catalogue.
    """
    rows = feedback_until(ds, period, pm, analysed=analysed)
    if analysed is None:
        rows = with_sentiment(rows)
    by_period = feedback_metrics(rows, by=["period"], cadence=ds.company.cadence)
    current = rows[rows["period"] == period]
    by_product = feedback_metrics(current, by=["product"]) if len(current) else by_period.iloc[0:0]
    channel = rows["channel"].fillna("-") if "channel" in rows else pd.Series("-", rows.index)
    volume = (
        rows.assign(channel=channel).groupby(["period", "channel"]).size().unstack(fill_value=0)
    )
    recent = rows[rows["period"].isin([period, str(parse_period(period).shift(-1))])]
    keywords = load_keywords(keywords_file(ds)) if keywords_file(ds) else []
    found = themes(
        recent,
        keywords,
        top=top_themes,
        cadence=ds.company.cadence,
        examples=examples,
        workers=workers,
    )
    names = {k["theme"]: (k["name"], k["name_en"]) for k in keywords}
    return FeedbackView(period, rows, by_period, by_product, volume, found, names)


def report_view(ctx) -> FeedbackView:
    """The feedback view of a report (report.context.ReportContext): the company's as the run
    computed it when it handed it over, else made here from the run's analysed rows or afresh."""
    handover = getattr(ctx, "handover", None)
    if not ctx.pm and handover is not None and handover.company_feedback is not None:
        view = handover.company_feedback
        if view.rows is None:  # the run leaves the rows out of what it hands over
            rows = feedback_until(ctx.ds, ctx.period, analysed=ctx.feedback_analysed)
            view = handover.company_feedback = replace(view, rows=rows)
        return view
    return feedback_view(ctx.ds, ctx.period, ctx.pm, analysed=ctx.feedback_analysed)


def theme_rows(
    found: pd.DataFrame, lang: str, names: dict | None = None, limit: int = 10
) -> pd.DataFrame:
    """The largest themes, labelled in the report's language; the same themes in the same order
    whatever the language (they are computed over all comments).

    share is the theme's share of this period's comments when known (else of both periods);
    `names` (key -> (zh, en)) overrides the theme names; lang_text gives the languages of the
    theme's comments; change_text is the change in share, called a change only when it is real.
    """
    from kpi_helpers.report.i18n import in_language, t
    from kpi_helpers.report.tables import format_number, is_missing

    if found.empty:
        return found.assign(label=pd.Series(dtype=str), lang_text="", change_text="")
    names = names or {}
    share = found["share_latest"].where(found["share_latest"].notna(), found["share"])
    top = (
        found.assign(share=share)
        .sort_values(["share", "n", "key"], ascending=[False, False, True], kind="stable")
        .head(limit)
    )
    change = [
        "–"
        if is_missing(c)
        else f"{'+' if c > 0 else ''}{format_number(100 * c, 1)} pp ({t('nb04.real', lang)})"
        if not is_missing(r) and bool(r)
        else t("nb04.theme_noise", lang)
        for c, r in zip(top["change"], top["change_real"], strict=True)
    ]
    label = [
        in_language(lang, *names[k]) if k in names else in_language(lang, zh, en)
        for k, zh, en in zip(top["key"], top["name_zh"], top["name_en"], strict=True)
    ]
    lang_text = [_langs_text(x, lang) for x in top["langs"]]
    return top.assign(label=label, lang_text=lang_text, change_text=change)


def _langs_text(langs: dict, lang: str) -> str:
    """'Chinese 70% · English 30%' for the languages of a theme's comments."""
    from kpi_helpers.report.i18n import t
    from kpi_helpers.report.tables import format_share

    total = sum(langs.values()) or 1
    return " · ".join(
        f"{t(f'nb04.lang.{k}', lang) if k in ('zh', 'en') else k} {format_share(v / total)}"
        for k, v in sorted(langs.items(), key=lambda kv: -kv[1])
    )


def headline_themes(rows: pd.DataFrame, n: int = 3) -> tuple[pd.DataFrame, pd.Series | None]:
    """(the n largest themes, the most negative theme) of theme_rows output: what both the
    feedback report and the index name, so they name the same themes in every language."""
    from kpi_helpers.feedback.theme_stats import most_negative

    if rows.empty:
        return rows, None
    return rows.head(n), most_negative(rows)


def example_comments(examples: list, lang: str, k: int = 3) -> list[dict]:
    """Up to k of a theme's examples: the reader's language first, then one in another
    language when there is one (so the quotes show every language of the theme)."""
    items = [e for e in (examples or []) if isinstance(e, dict) and str(e.get("text", "")).strip()]
    own = [e for e in items if e.get("lang") == lang]
    other = [e for e in items if e.get("lang") != lang]
    picked = own[: k - 1 if other else k] + other[:1]
    rest = [e for e in own + other if e not in picked]
    return (picked + rest)[:k]
