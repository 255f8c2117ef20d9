"""The evidence a target may be eased on: events recorded for a KPI, and misses the whole cohort shared.

A KPI below its threshold is not evidence by itself that its target was wrong. Two things are:
- an event in events.csv, in one of the periods the KPI missed, whose scope covers the KPI: the
  KPI itself, its owner's team, one of its owner's products, or the whole company;
- a cohort-wide miss: every owner of a KPI of the same definition (three owners or more) missed
  it in the same periods, so the shift is in the market or the measure, not in one person's work.
"""

from __future__ import annotations

import pandas as pd

COHORT_MIN_OWNERS = 3


def _scopes_of(kpi: dict, people: dict[str, dict]) -> set[str]:
    """Every scope an event may name to cover this KPI."""
    owner = people.get(kpi["owner"], {})
    team = owner.get("team")
    products = owner.get("products") or ()
    scopes = {"company", kpi["kpi_id"], *products}
    if isinstance(team, str):
        scopes.add(team)
    return scopes


def covering_events(
    kpis: pd.DataFrame, people: pd.DataFrame, events: pd.DataFrame | None
) -> dict[str, list[dict]]:
    """Per kpi_id: the events (period, scope, kind, description) whose scope covers the KPI,
    most specific first (the KPI itself, then team or product, then the company)."""
    if events is None or events.empty:
        return {}
    staff = {r["pm_id"]: r for r in people.to_dict("records") if isinstance(r.get("pm_id"), str)}
    rows = [
        e
        for e in events[["period", "scope", "kind", "description"]].to_dict("records")
        if isinstance(e["scope"], str) and isinstance(e["period"], str)
    ]
    out: dict[str, list[dict]] = {}
    for k in kpis[["kpi_id", "owner"]].to_dict("records"):
        scopes = _scopes_of(k, staff)
        hits = [e for e in rows if e["scope"] in scopes]
        if hits:
            rank = {k["kpi_id"]: 0, "company": 2}
            out[k["kpi_id"]] = sorted(hits, key=lambda e: (rank.get(e["scope"], 1), e["period"]))
    return out


def event_for(evidence: dict[str, list[dict]], kpi_id: str, periods: list[str]) -> dict | None:
    """The most specific event covering the KPI in one of `periods`, else None."""
    return next((e for e in evidence.get(kpi_id, []) if e["period"] in periods), None)


def definition_key(kpis: pd.DataFrame) -> pd.Series:
    """What makes two KPIs 'the same measure': the definition when written, else the name."""
    d = kpis["definition"].astype("string").str.strip() if "definition" in kpis else None
    name = kpis["name"].astype("string").str.strip()
    key = name if d is None else d.where(d.notna() & d.ne(""), name)
    return key.str.lower()


def cohort_misses(kpis: pd.DataFrame, under: set[str]) -> dict[str, int]:
    """kpi_id -> number of owners, for KPIs whose whole cohort (every owner of a KPI of the same
    definition, at least COHORT_MIN_OWNERS of them) is below threshold two periods running."""
    k = kpis.assign(_key=definition_key(kpis).to_numpy())
    out: dict[str, int] = {}
    for _, g in k.dropna(subset=["_key"]).groupby("_key"):
        owners = g["owner"].dropna().nunique()
        if owners >= COHORT_MIN_OWNERS and set(g["kpi_id"]) <= under:
            out.update({kid: int(owners) for kid in g["kpi_id"]})
    return out
