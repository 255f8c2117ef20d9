"""Rows for the report's tables and charts: ids and keys turned into names in the report's language."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_helpers.report.findings_text import finding_messages, proposal_reasons
from kpi_helpers.report.i18n import band_name, dimension_name, t
from kpi_helpers.report.tables import format_share


def labelled(frame: pd.DataFrame, id_col: str, lang: str, name_col: str = "name") -> pd.DataFrame:
    """`frame` with a `label` column "<id> <name>" (English name when lang is en and given)."""
    if frame.empty:
        return frame.assign(label=pd.Series(dtype=str))
    ids = frame[id_col].astype("string")
    names = frame[name_col].astype("string") if name_col in frame else ids
    if lang == "en" and f"{name_col}_en" in frame:
        en = frame[f"{name_col}_en"].astype("string").str.strip()
        names = en.where(en.notna() & (en != ""), names)
    label = (ids + " " + names.fillna("")).str.strip()
    return frame.assign(label=label.where(names.notna() & (names != ids), ids).astype(str))


def _kind(kind: str, lang: str) -> str:
    return t(f"common.kind.{kind}", lang)


def goal_rows(nodes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Goals with their objective's label, share of the strategy, KPI count and coverage text."""
    objs = labelled(nodes[nodes["level"] == "objective"], "node_id", lang)
    goals = labelled(nodes[nodes["level"] == "goal"], "node_id", lang)
    kpis = nodes[(nodes["level"] == "kpi") & nodes["aligned"]]["parent_id"].value_counts()
    goals = goals.assign(
        objective=goals["parent_id"].map(objs.set_index("node_id")["label"]),
        kpis=goals["node_id"].map(kpis).fillna(0).astype(int),
    )
    yes, no = t("common.yes", lang), "✗ " + t("common.uncovered", lang)
    return goals.assign(covered_text=np.where(goals["covered"], yes, no))


def change_rows(changes: pd.DataFrame, kpis: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Strategy changes with kind and change in words and the KPI's unit for target changes."""
    out = labelled(changes, "item_id", lang)
    unit = kpis.set_index("kpi_id")["unit"]
    return out.assign(
        kind_text=[_kind(k, lang) for k in out["kind"]],
        change_text=[t(f"common.change.{c}", lang) for c in out["change"]],
        unit=out["item_id"].map(unit).where(out["kind"] == "target"),
    )


def tree_rows(nodes: pd.DataFrame, lang: str, pm_names: dict[str, str]) -> pd.DataFrame:
    """Tree nodes labelled for the figure: "<id> <name> · <share>" (KPIs also name their owner)."""
    out = labelled(nodes, "node_id", lang)
    shares = [
        format_share(s, 0 if lvl != "kpi" else 1)
        for s, lvl in zip(out["share"], out["level"], strict=True)
    ]
    owners = [pm_names.get(o, o) if isinstance(o, str) else "" for o in out["owner"]]
    tree = []
    for row, share, owner in zip(out.itertuples(index=False), shares, owners, strict=True):
        parts = [row.label] + ([owner] if owner else [])
        parts.append(share if row.aligned else t("common.unaligned", lang))
        if not row.covered:
            parts.append(t("common.uncovered", lang))
        tree.append(" · ".join(parts))
    return out.assign(tree_label=tree, owner_name=owners)


def gap_rows(gaps: dict[str, pd.DataFrame], lang: str, pm_names: dict[str, str]) -> pd.DataFrame:
    """Every gap of the strategy with what to do about it."""
    frames = []
    for key, kind in (("objectives", "objective"), ("goals", "goal"), ("kpis", "kpi")):
        g = labelled(gaps[key], "node_id", lang)
        if g.empty:
            continue
        frames.append(
            g.assign(
                kind_text=_kind(kind, lang),
                owner_name=[pm_names.get(o, o) if isinstance(o, str) else "" for o in g["owner"]],
                action=t(f"nb02.action_{kind}", lang),
            )
        )
    cols = ["kind_text", "label", "owner_name", "action"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def kpi_share_rows(nodes: pd.DataFrame, lang: str, pm_names: dict[str, str]) -> pd.DataFrame:
    """Aligned KPIs by effective share of the strategy (largest first) with owner and goal."""
    goals = labelled(nodes[nodes["level"] == "goal"], "node_id", lang).set_index("node_id")
    kpis = labelled(nodes[nodes["level"] == "kpi"], "node_id", lang)
    kpis = kpis.assign(
        owner_name=kpis["owner"].map(lambda o: pm_names.get(o, o)),
        goal=kpis["parent_id"].map(goals["label"]).fillna("✗ " + t("common.unaligned", lang)),
    )
    return kpis.sort_values(["share", "label"], ascending=[False, True], na_position="last")


def kpi_rows(card: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Scorecard rows labelled, with dimension and direction in words."""
    out = labelled(card, "kpi_id", lang)
    return out.assign(
        dimension_text=[dimension_name(d, lang) for d in out["dimension"]],
        direction_text=[
            t(f"direction.{d}", lang) if isinstance(d, str) else "" for d in out["direction"]
        ],
    )


def history_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """targets_vs_history rows labelled, with the target's position in words."""
    out = labelled(frame, "kpi_id", lang)
    return out.assign(position_text=[t(f"plots.position_{p}", lang) for p in out["position"]])


def finding_rows(findings: pd.DataFrame, lang: str, pm_names: dict[str, str]) -> pd.DataFrame:
    """Lint or review findings with severity in words, owner name, item and the sentence."""
    if findings is None or findings.empty:
        return pd.DataFrame(columns=["severity_text", "owner_name", "item", "text", "severity"])
    symbols = {"error": "✗", "warning": "!", "info": "i"}
    out = findings.copy()
    out["severity_text"] = [
        f"{symbols.get(s, '')} {t(f'common.severity.{s}', lang)}" for s in out["severity"]
    ]
    out["owner_name"] = [pm_names.get(p, p) if isinstance(p, str) else "" for p in out["pm_id"]]
    out["item"] = [
        k if isinstance(k, str) else (o if isinstance(o, str) else "")
        for k, o in zip(out["kpi_id"], out["objective_id"], strict=True)
    ]
    out["text"] = finding_messages(out, lang)
    return out


def band_text(band, incomplete, coverage, lang: str) -> str:
    """The band in words, or "incomplete (coverage 50 %)" for a PM below the coverage floor."""
    if isinstance(incomplete, (bool, np.bool_)) and incomplete:
        return t("common.incomplete", lang, coverage=format_share(coverage))
    return band_name(band if isinstance(band, str) else None, lang)


def effect_rows(effect: pd.DataFrame, lang: str, pm_names: dict[str, str]) -> pd.DataFrame:
    """The proposal's effect per PM, labelled, with the bands in words and the re-targeting flag."""
    return effect.assign(
        label=[pm_names.get(p, p) for p in effect["pm_id"]],
        band_now_text=[band_name(b, lang) for b in effect["band_now"]],
        band_under_text=[band_name(b, lang) for b in effect["band_under_proposal"]],
        flag=[
            t("common.up_by_retargeting", lang) if u else "" for u in effect["up_by_retargeting"]
        ],
    )


def total_rows(
    changes: pd.DataFrame, totals: pd.DataFrame, lang: str, pm_names: dict[str, str]
) -> pd.DataFrame:
    """Per PM: name, total, band in words, coverage, KPI counts and change since last period."""
    out = totals.merge(changes[["pm_id", "change"]], on="pm_id", how="left")
    return out.assign(
        label=[pm_names.get(p, p) for p in out["pm_id"]],
        band_text=[
            band_text(b, i, c, lang)
            for b, i, c in zip(
                out["band"],
                out["incomplete"] if "incomplete" in out else [False] * len(out),
                out["coverage"],
                strict=True,
            )
        ],
    )


def dimension_rows(dimensions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One PM's dimension scores labelled with the dimension's name, in the contract's order."""
    from kpi_helpers.data.schema import DIMENSIONS

    order = {d: i for i, d in enumerate(DIMENSIONS)}
    out = dimensions.assign(label=[dimension_name(d, lang) for d in dimensions["dimension"]])
    return out.sort_values("dimension", key=lambda s: s.map(order))


def contribution_rows(contrib: pd.DataFrame, card: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Contributions labelled with the KPI's name (largest movement first)."""
    names = card.drop_duplicates("kpi_id")[["kpi_id", "name", "name_en"]]
    return labelled(contrib.merge(names, on="kpi_id", how="left"), "kpi_id", lang)


def pm_labelled(frame: pd.DataFrame, pm_names: dict[str, str]) -> pd.DataFrame:
    """`frame` with a `label` column holding each row's PM name."""
    return frame.assign(label=[pm_names.get(p, p) for p in frame["pm_id"]])


def kpi_labels(kpis: pd.DataFrame, lang: str) -> dict[str, str]:
    """kpi_id -> "<id> <name>" in the report's language."""
    rows = labelled(kpis.drop_duplicates("kpi_id"), "kpi_id", lang)
    return dict(zip(rows["kpi_id"], rows["label"], strict=True))


def proposal_rows(
    proposal: pd.DataFrame, kpis: pd.DataFrame, lang: str, pm_names: dict[str, str]
) -> pd.DataFrame:
    """The review's proposal labelled, with the current target and the reason in the language."""
    names = kpi_labels(kpis, lang)
    return proposal.assign(
        label=[names.get(k, k) for k in proposal["kpi_id"]],
        owner_name=[pm_names.get(p, p) for p in proposal["pm_id"]],
        current_target=proposal["old_target"],
        reason_text=proposal_reasons(proposal, lang),
    )


def collapse_kpis(nodes: pd.DataFrame, lang: str, limit: int = 60) -> pd.DataFrame:
    """The tree with each goal's KPIs drawn as one "N KPIs" leaf when there are over `limit`.

    A tree of hundreds of KPI boxes cannot be read (nor drawn quickly); the tables beside it
    keep every KPI. Unaligned KPIs become one leaf too, still marked as a gap.
    """
    kpis = nodes[nodes["level"] == "kpi"]
    if len(kpis) <= limit:
        return nodes
    aligned = kpis[kpis["aligned"].astype(bool) & kpis["parent_id"].notna()]
    unaligned = kpis.drop(aligned.index)
    leaves = []
    for goal, group in aligned.groupby("parent_id", sort=False):
        share = group["share"].sum(min_count=1)
        label = t("plots.kpi_count", lang, n=len(group), share=format_share(share))
        leaves.append(_leaf(f"{goal}:kpis", goal, share, True, label))
    if len(unaligned):
        label = t("plots.kpi_count_unaligned", lang, n=len(unaligned))
        leaves.append(_leaf("unaligned:kpis", np.nan, np.nan, False, label))
    return pd.concat([nodes[nodes["level"] != "kpi"], pd.DataFrame(leaves)], ignore_index=True)


def _leaf(node_id: str, parent, share, aligned: bool, label: str) -> dict:
    return {
        "level": "kpi",
        "node_id": node_id,
        "parent_id": parent,
        "share": share,
        "covered": True,
        "aligned": aligned,
        "label": label,
        "tree_label": label,
    }
