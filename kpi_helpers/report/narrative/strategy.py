"""Computed sentences of the strategy reports: objectives and changes, the goal tree, KPI design."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.report.i18n import t
from kpi_helpers.report.narrative.base import join, kind_name, md, sentences
from kpi_helpers.report.tables import format_share


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


def lint_summary(findings: pd.DataFrame, lang: str) -> str:
    """How many errors and warnings the KPI lint found and the most frequent kind of finding."""
    if findings.empty:
        return t("nb03.no_findings", lang)
    counts = findings["severity"].value_counts()
    top = findings["kind"].value_counts()
    return sentences(
        t(
            "nb03.lint_summary",
            lang,
            errors=int(counts.get("error", 0)),
            warnings=int(counts.get("warning", 0)),
            infos=int(counts.get("info", 0)),
        ),
        t("nb03.lint_top", lang, kind=kind_name(top.index[0], lang), n=int(top.iloc[0])),
    )


def kpi_set_summary(rows: pd.DataFrame, lang: str) -> str:
    """One PM's KPI set: how many KPIs in how many dimensions, the heaviest, lower-is-better ones."""
    top = rows.sort_values("weight", ascending=False).iloc[0]
    return sentences(
        t(
            "nb03.set_summary",
            lang,
            n=len(rows),
            dimensions=rows["dimension"].nunique(),
            name=md(top["label"]),
            weight=f"{float(top['weight']):.0f}",
        ),
        t("nb03.set_lower", lang, n=int((rows["direction"] == "lower").sum()))
        if (rows["direction"] == "lower").any()
        else None,
    )
