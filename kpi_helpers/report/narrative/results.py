"""Computed sentences of the evaluation and review reports: totals, bands, KPIs, movers, trends."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.report.i18n import band_name, t
from kpi_helpers.report.narrative.base import join, kind_name, md, num, sentences, signed
from kpi_helpers.report.report_tables import DERIVED_MARK
from kpi_helpers.report.tables import format_share, is_missing


def alt_lights(name: str, rows: pd.DataFrame, lang: str) -> str:
    """Alt text of a PM's KPI chart: every KPI with its points and traffic light in words."""
    items = [
        f"{r.label} {num(r.score, 0)} {t('common.status.' + r.status, lang)}"
        for r in rows.itertuples(index=False)
    ]
    return (
        t("nb05.alt_kpis", lang, name=name)
        + t("common.colon", lang)
        + t("common.list_join", lang).join(items)
    )


# --- 05 evaluation -----------------------------------------------------------------------------


def evaluation_summary(
    totals: pd.DataFrame, company: dict, period: str, lang: str, counts: dict | None = None
) -> str:
    """The company's mean and band, band counts, best and lowest PM, coverage.

    `totals` has label, total, band, coverage; `company` is PeriodEvaluation.company. With the
    traffic-light `counts` of one PM's report, the PM's own summary (pm_summary) instead.
    """
    scored = totals.dropna(subset=["total"]).sort_values("total", ascending=False)
    if scored.empty:
        return t("nb05.no_scores", lang, period=period)
    if counts is not None:
        return pm_summary(scored.iloc[0], counts, lang)
    bands = join([f"{b} {n}" for b, n in company["bands"].items() if n], lang)
    best, low = scored.iloc[0], scored.iloc[-1]
    return sentences(
        t(
            "nb05.summary",
            lang,
            period=period,
            pms=len(scored),
            total=num(company["total"]),
            band=band_name(company["band"], lang),
            bands=bands,
        ),
        t(
            "nb05.best_lowest",
            lang,
            best=md(best["label"]),
            best_total=num(best["total"]),
            low=md(low["label"]),
            low_total=num(low["total"]),
        )
        if len(scored) > 1
        else None,
        t("nb05.coverage", lang, coverage=format_share(company["coverage"])),
    )


def pm_summary(row: pd.Series, counts: dict[str, int], lang: str) -> str:
    """One PM's total, band and coverage, and how many KPIs are on, near, off target or missing."""
    return sentences(
        t(
            "nb05.pm_summary",
            lang,
            name=md(row["label"]),
            total=num(row["total"]),
            band=row["band_text"] if "band_text" in row else band_name(row["band"], lang),
            coverage=format_share(row["coverage"]),
        ),
        lights_summary(counts, None, lang),
    )


def lights_summary(counts: dict[str, int], rows: pd.DataFrame | None, lang: str) -> str:
    """How many KPIs are on, near or off target or missing, naming the ones off target."""
    off = [] if rows is None else [md(v) for v in rows.loc[rows["status"] == "off", "label"]]
    gaps = [] if rows is None else [md(v) for v in rows.loc[rows["status"] == "missing", "label"]]
    return sentences(
        t(
            "nb05.pm_lights",
            lang,
            on=counts["on"],
            near=counts["near"],
            off=counts["off"],
            missing=counts["missing"],
        ),
        t("nb05.off_list", lang, names=join(off, lang)) if off else None,
        t("nb05.missing_list", lang, names=join(gaps, lang)) if gaps else None,
    )


def dimensions_summary(dims: pd.DataFrame, pm_names: dict[str, str], lang: str) -> str:
    """The strongest and weakest dimension score across the PMs of the report."""
    data = dims.dropna(subset=["total"]).sort_values("total", ascending=False)
    if data.empty:
        return t("common.no_rows", lang)
    hi, lo = data.iloc[0], data.iloc[-1]
    return t(
        "nb05.dimensions_summary",
        lang,
        best=md(hi["label"]),
        best_pm=md(pm_names.get(hi["pm_id"], hi["pm_id"])),
        best_total=num(hi["total"], 0),
        low=md(lo["label"]),
        low_pm=md(pm_names.get(lo["pm_id"], lo["pm_id"])),
        low_total=num(lo["total"], 0),
    )


def movers_summary(name: str, change, movers: pd.DataFrame, previous: str | None, lang: str) -> str:
    """How much a PM's total moved since the previous period and which KPIs moved it most."""
    if previous is None or is_missing(change):
        return t("nb05.no_previous", lang, name=md(name))
    items = [f"{md(r.label)} ({signed(r.contribution)})" for r in movers.itertuples(index=False)]
    flat = abs(float(change)) < 0.05
    key = "nb05.movers_flat" if flat else "nb05.movers_up" if change > 0 else "nb05.movers_down"
    return sentences(
        t(key, lang, name=md(name), previous=previous, change=num(abs(float(change)))),
        t("nb05.movers_list", lang, items=join(items, lang)) if items else None,
    )


def new_and_retired(new: list[str], retired: list[str], lang: str) -> str | None:
    """One sentence naming the KPIs that arrived in and left a PM's set since the previous period
    (they did not move the total, they came or went); None when there are none."""
    new, retired = [md(v) for v in new], [md(v) for v in retired]
    if new and retired:
        return t("nb05.new_retired", lang, new=join(new, lang), retired=join(retired, lang))
    if new:
        return t("nb05.new_only", lang, new=join(new, lang))
    if retired:
        return t("nb05.retired_only", lang, retired=join(retired, lang))
    return None


# --- 06 review ---------------------------------------------------------------------------------


def trend_summary(change: pd.DataFrame, first: str, last: str, lang: str) -> str:
    """Who improved and who fell most between the first and the last period of the trend.

    `change` has label and change (points, last minus first), one row per PM.
    """
    data = change.dropna(subset=["change"]).sort_values("change", ascending=False)
    if len(data) == 0 or first == last:
        return t("nb06.no_trend", lang)
    up, down = data.iloc[0], data.iloc[-1]
    return sentences(
        t(
            "nb06.trend_up",
            lang,
            first=first,
            last=last,
            name=md(up["label"]),
            change=signed(up["change"]),
        ),
        t("nb06.trend_down", lang, name=md(down["label"]), change=signed(down["change"]))
        if len(data) > 1 and down["change"] < 0
        else None,
    )


def alt_trend(trend: pd.DataFrame, lang: str) -> str:
    """Alt text of the totals trend: each PM's first and last total."""
    items = [
        f"{label} {num(g['total'].iloc[0])} → {num(g['total'].iloc[-1])}"
        for label, g in trend.dropna(subset=["total"]).groupby("label", sort=False)
    ]
    return (
        t("nb06.alt_trend", lang)
        + t("common.colon", lang)
        + t("common.list_join", lang).join(items)
    )


def one_trend(trend: pd.DataFrame, lang: str) -> str:
    """The trend of one PM in words (in place of a chart of one line): the total and band of
    every period and the change from the first to the last. `trend` has period, label, total
    and band."""
    data = trend.dropna(subset=["total"])
    if data.empty:
        return t("nb06.no_trend", lang)
    name = md(data["label"].iloc[0])
    items = [f"{r.period} {num(r.total)} ({r.band})" for r in data.itertuples(index=False)]
    if len(data) == 1:
        return sentences(
            t("nb06.one_trend", lang, name=name, items=items[0]), t("nb06.no_trend", lang)
        )
    change = float(data["total"].iloc[-1]) - float(data["total"].iloc[0])
    return sentences(
        t("nb06.one_trend", lang, name=name, items=t("common.list_join", lang).join(items)),
        t("nb06.one_trend_change", lang, first=data["period"].iloc[0], change=signed(change)),
    )


def one_kpi_history(name: str, matrix: pd.DataFrame, derived: bool, lang: str) -> str:
    """The score history of a PM's only KPI in words (in place of a heat map of one row).

    `matrix` has one row (the KPI's label) and a column per period; `derived` says the result
    was computed from customer feedback or reviews (the label then ends with the mark).
    """
    kpi = str(matrix.index[0])
    values = matrix.iloc[0].dropna()
    items = t("common.list_join", lang).join(f"{p} {num(v, 0)}" for p, v in values.items())
    return sentences(
        t("nb06.one_kpi", lang, name=md(name), kpi=md(kpi), items=items or "–"),
        t("nb06.derived_mark", lang, mark=DERIVED_MARK) if derived else None,
    )


def noise_summary(moves: pd.DataFrame, names: dict[str, str], lang: str) -> str:
    """Which KPIs moved outside the noise this period, and how many changes are within it."""
    if moves.empty:
        return t("nb06.no_moves", lang)
    real = moves[moves["noise"] == "real"]
    items = [
        f"{md(names.get(r.kpi_id, r.kpi_id))} ({signed(r.change, None)}{'↑' if r.improved else '↓'})"
        for r in real.itertuples(index=False)
    ]
    return sentences(
        t(
            "nb06.moves",
            lang,
            n=len(moves),
            real=len(real),
            noise=int((moves["noise"] == "noise").sum()),
            short=int((moves["noise"] == "not enough history").sum()),
        ),
        t("nb06.real_list", lang, items=join(items, lang)) if items else None,
    )


def review_summary(findings: pd.DataFrame, lang: str) -> str:
    """How many review findings of each kind, naming the KPIs to act on first."""
    if findings.empty:
        return t("nb06.no_findings", lang)
    kinds = findings["kind"].value_counts()
    parts = [
        t("nb06.kind_count", lang, kind=kind_name(k, lang), n=int(n)) for k, n in kinds.items()
    ]
    return sentences(
        t("nb06.findings_summary", lang, n=len(findings)),
        t("common.list_sep", lang).join(parts) + t("common.period_end", lang),
    )


def proposal_summary(proposal: pd.DataFrame, next_period: str, lang: str) -> str:
    """How many targets the review proposes to raise, ease or keep for the next period."""
    if proposal.empty:
        return t("nb06.no_proposal", lang)
    actions = proposal["action"].value_counts()
    raised = proposal[proposal["action"] == "raise"]
    return sentences(
        t(
            "nb06.proposal_summary",
            lang,
            next_period=next_period,
            n=len(proposal),
            raise_n=int(actions.get("raise", 0)),
            ease_n=int(actions.get("ease", 0)),
            keep_n=int(len(proposal) - actions.get("raise", 0) - actions.get("ease", 0)),
        ),
        t("nb06.raise_list", lang, names=join([md(v) for v in raised["label"].head(6)], lang))
        if len(raised)
        else None,
    )
