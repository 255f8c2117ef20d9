"""Computed sentences for the reports, in the report's language (text from the string catalogues)."""

from __future__ import annotations

import re

import pandas as pd

from .i18n import band_name, t
from .tables import format_number, format_share, is_missing

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md(text) -> str:
    """User text (names, comments) made inert in Markdown: specials and HTML are escaped."""
    s = "" if is_missing(text) else str(text)
    s = s.replace("&", "&amp;").replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", s)


def num(value, digits: int | None = 1, unit: str = "") -> str:
    """A number for a sentence, e.g. 98.9 / 12,400 人 / 36.2%."""
    return format_number(value, digits, unit)


def signed(value, digits: int = 1) -> str:
    """A change with its sign, e.g. +3.2 / -1.0."""
    if is_missing(value):
        return format_number(value)
    return ("+" if float(value) >= 0 else "") + format_number(value, digits)


def join(items: list[str], lang: str) -> str:
    """Items joined as the language lists them (A、B 和 C / A, B and C)."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return t("common.list_join", lang).join(items[:-1]) + t("common.list_and", lang) + items[-1]


def sentences(*parts: str | None) -> str:
    """Sentences joined into one paragraph (no space between Chinese sentences)."""
    parts = [p for p in parts if p]
    if not parts:
        return ""
    space = "" if any("\u4e00" <= ch <= "\u9fff" for ch in parts[0]) else " "
    return space.join(parts)


def title(report: str, company: str, period: str, lang: str, pm_name: str = "") -> str:
    """The H1 of a report: company, period and report title (and the PM when set)."""
    name = t(f"{report}.title", lang)
    head = f"# {md(company)} · {md(period)} · {name}"
    return head + (f" · {md(pm_name)}" if pm_name else "")


def intro(report: str, lang: str, **params) -> str:
    """The report's opening paragraph: what it shows and what to look for."""
    return t(f"{report}.intro", lang, **params)


def heading(key: str, lang: str, level: int = 2, **params) -> str:
    """A section heading as Markdown (H2 by default)."""
    return f"{'#' * level} {t(key, lang, **params)}"


# --- alt text: what a chart shows, with its numbers, for readers who cannot see it -------------


def alt_bars(
    key: str,
    frame: pd.DataFrame,
    value: str,
    lang: str,
    share: bool = False,
    limit: int = 12,
    **params,
) -> str:
    """ "<what the chart is>: label value, label value, ..." for a bar chart of `value` by label."""
    data = frame.dropna(subset=[value])
    items = [
        f"{r['label']} {format_share(r[value]) if share else num(r[value])}"
        for _, r in data.head(limit).iterrows()
    ]
    more = t("common.and_more", lang, n=len(data) - limit) if len(data) > limit else ""
    return (
        t(key, lang, **params)
        + t("common.colon", lang)
        + t("common.list_join", lang).join(items)
        + more
    )


def alt_matrix(key: str, matrix: pd.DataFrame, lang: str) -> str:
    """Alt text of a heat map: per row its highest and lowest column."""
    parts = []
    for row, values in matrix.iterrows():
        v = values.dropna()
        if len(v):
            parts.append(
                t(
                    "common.alt_row",
                    lang,
                    row=row,
                    high=v.idxmax(),
                    high_v=num(v.max(), 0),
                    low=v.idxmin(),
                    low_v=num(v.min(), 0),
                )
            )
    return t(key, lang) + t("common.colon", lang) + t("common.list_sep", lang).join(parts)


def alt_tree(nodes: pd.DataFrame, gaps: dict[str, pd.DataFrame], lang: str) -> str:
    """Alt text of the goal tree: counts per level and the gaps."""
    n = nodes["level"].value_counts()
    return sentences(
        t(
            "nb02.alt_tree",
            lang,
            objectives=int(n.get("objective", 0)),
            goals=int(n.get("goal", 0)),
            kpis=int(n.get("kpi", 0)),
        ),
        t(
            "nb02.alt_gaps",
            lang,
            objectives=len(gaps["objectives"]),
            goals=len(gaps["goals"]),
            kpis=len(gaps["kpis"]),
        ),
    )


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


# --- 01 strategy -------------------------------------------------------------------------------


def strategy_summary(objectives: pd.DataFrame, period: str, lang: str) -> str:
    """How many objectives, goals and KPIs, which objective weighs most, how many are uncovered.

    `objectives` has label, share (0..1), goals, kpis (count under the objective).
    """
    if objectives.empty:
        return t("nb01.no_objectives", lang, period=period)
    top = objectives.sort_values("share", ascending=False).iloc[0]
    uncovered = objectives[objectives["kpis"] == 0]
    return sentences(
        t(
            "nb01.summary",
            lang,
            period=period,
            objectives=len(objectives),
            goals=int(objectives["goals"].sum()),
            kpis=int(objectives["kpis"].sum()),
        ),
        t("nb01.heaviest", lang, name=md(top["label"]), share=format_share(top["share"])),
        t(
            "nb01.uncovered",
            lang,
            n=len(uncovered),
            names=join([md(v) for v in uncovered["label"]], lang),
        )
        if len(uncovered)
        else t("nb01.all_covered", lang),
    )


def changes_summary(changes: pd.DataFrame, period: str, previous: str, lang: str) -> str:
    """What was added, retired or re-targeted since the previous period, counted by kind."""
    if changes.empty:
        return t("nb01.no_changes", lang, period=period, previous=previous)
    parts = []
    for (kind, change), g in changes.groupby(["kind", "change"], sort=False):
        parts.append(
            t(
                f"nb01.change_{kind}_{change}",
                lang,
                n=len(g),
                names=join([md(v) for v in g["label"].head(5)], lang),
            )
        )
    return sentences(t("nb01.changes_intro", lang, previous=previous), *parts)


def goals_summary(goals: pd.DataFrame, lang: str) -> str:
    """How many goals and how many of them have no KPI yet."""
    uncovered = goals[~goals["covered"].astype(bool)]
    return sentences(
        t("nb01.goals_summary", lang, goals=len(goals), kpis=int(goals["kpis"].sum())),
        t("nb01.goals_uncovered", lang, names=join([md(v) for v in uncovered["label"]], lang))
        if len(uncovered)
        else None,
    )


# --- 02 goal tree ------------------------------------------------------------------------------


def tree_summary(nodes: pd.DataFrame, gaps: dict[str, pd.DataFrame], lang: str) -> str:
    """KPIs and goals in the tree, and every gap with what to do about it."""
    kpis = nodes[nodes["level"] == "kpi"]
    parts = [
        t(
            "nb02.summary",
            lang,
            kpis=len(kpis),
            aligned=int(kpis["aligned"].sum()),
            goals=int((nodes["level"] == "goal").sum()),
            objectives=int((nodes["level"] == "objective").sum()),
        )
    ]
    labels = {k: join([md(v) for v in g["label"]], lang) for k, g in gaps.items()}
    if len(gaps["objectives"]):
        parts.append(
            t(
                "nb02.uncovered_objectives",
                lang,
                n=len(gaps["objectives"]),
                names=labels["objectives"],
            )
        )
    if len(gaps["goals"]):
        parts.append(t("nb02.uncovered_goals", lang, n=len(gaps["goals"]), names=labels["goals"]))
    if len(gaps["kpis"]):
        parts.append(t("nb02.unaligned_kpis", lang, n=len(gaps["kpis"]), names=labels["kpis"]))
    if not any(len(g) for g in gaps.values()):
        parts.append(t("nb02.no_gaps", lang))
    return sentences(*parts)


def shares_summary(shares: pd.DataFrame, lang: str) -> str:
    """The KPI that carries most of the strategy and how concentrated the top five are."""
    data = shares.dropna(subset=["share"])
    if data.empty:
        return t("common.no_rows", lang)
    top = data.iloc[0]
    return t(
        "nb02.shares_summary",
        lang,
        name=md(top["label"]),
        owner=md(top["owner_name"]),
        share=format_share(top["share"], 1),
        top5=format_share(data["share"].head(5).sum()),
        n=min(5, len(data)),
    )


# --- 03 KPI design -----------------------------------------------------------------------------


def weights_summary(matrix: pd.DataFrame, lang: str) -> str:
    """Where the weight goes: the heaviest dimension overall and dimensions nobody measures.

    `matrix` is PM x dimension weights with dimension labels as columns.
    """
    if matrix.empty:
        return t("common.no_rows", lang)
    totals = matrix.sum(axis=0)
    share = totals / totals.sum()
    top = share.idxmax()
    unused = [c for c in matrix.columns if totals[c] == 0]
    return sentences(
        t(
            "nb03.weights_summary",
            lang,
            pms=len(matrix),
            dimension=md(top),
            share=format_share(share[top]),
        ),
        t("nb03.unused_dimensions", lang, names=join([md(c) for c in unused], lang))
        if unused
        else None,
    )


def ambition_summary(frame: pd.DataFrame, lang: str) -> str:
    """How targets sit against history: beyond the best, within, below the worst, no history."""
    counts = frame["position"].value_counts()
    easy = frame[frame["position"] == "below"]
    return sentences(
        t(
            "nb03.ambition_summary",
            lang,
            n=len(frame),
            above=int(counts.get("above", 0)),
            within=int(counts.get("within", 0)),
            below=int(counts.get("below", 0)),
            none=int(counts.get("no_history", 0)),
        ),
        t("nb03.easy_targets", lang, names=join([md(v) for v in easy["label"].head(5)], lang))
        if len(easy)
        else None,
    )


# --- 05 evaluation -----------------------------------------------------------------------------


def evaluation_summary(totals: pd.DataFrame, company: dict, period: str, lang: str) -> str:
    """The company's mean and band, band counts, best and lowest PM, coverage.

    `totals` has label, total, band, coverage; `company` is PeriodEvaluation.company.
    """
    scored = totals.dropna(subset=["total"]).sort_values("total", ascending=False)
    if scored.empty:
        return t("nb05.no_scores", lang, period=period)
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
            band=band_name(row["band"], lang),
            coverage=format_share(row["coverage"]),
        ),
        lights_summary(counts, None, lang),
    )


def lights_summary(counts: dict[str, int], rows: pd.DataFrame | None, lang: str) -> str:
    """How many KPIs are on, near or off target or missing, naming the ones off target."""
    off = [] if rows is None else [md(v) for v in rows.loc[rows["status"] == "off", "label"]]
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
    key = "nb05.movers_up" if float(change) >= 0 else "nb05.movers_down"
    return sentences(
        t(key, lang, name=md(name), previous=previous, change=num(abs(float(change)))),
        t("nb05.movers_list", lang, items=join(items, lang)) if items else None,
    )


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
