"""The executive summary of a period: who to praise, what to act on, satisfaction, proposal.

Every sentence is plain text in the report's language (callers escape it for HTML); the numbers
come from the same evaluation, review and feedback functions the reports use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.engine.checkins import current_period, forecast_checkins
from kpi_helpers.engine.evaluation import PeriodEvaluation, evaluate_period
from kpi_helpers.engine.findings import SEVERITIES
from kpi_helpers.engine.results import PeriodResults, period_results
from kpi_helpers.engine.review import Review
from kpi_helpers.feedback.metrics import add_period, feedback_metrics
from kpi_helpers.report.findings_text import finding_text
from kpi_helpers.report.i18n import band_name, dimension_name, pm_names, t
from kpi_helpers.report.labels import kpi_labels
from kpi_helpers.report.tables import format_number, format_share, is_missing
from kpi_helpers.report.views import kpi_results, status_counts

PICKS = 3  # PMs to praise and situations to act on
# Review findings a manager acts on first; a PM's aggregate finding stands for its KPI findings.
KIND_ORDER = (
    "pm_under_threshold",
    "pm_too_easy",
    "objective_uncovered",
    "weights_after_retirement",
    "weights_sum",
    "goal_left_strategy",
    "goal_inactive",
    "kpi_under_threshold",
    "kpi_too_easy",
    "missing_data",
)
COVERED_BY = {"kpi_under_threshold": "pm_under_threshold", "kpi_too_easy": "pm_too_easy"}


@dataclass
class ExecutiveSummary:
    """What index.html says about a period, in one language."""

    period: str
    company: dict
    totals: pd.DataFrame  # per PM: pm_id, total, coverage, band
    praise: list[str] = field(default_factory=list)
    act: list[str] = field(default_factory=list)
    more_findings: int = 0
    satisfaction: str | None = None
    nps: dict | None = None  # nps, low, high, change, noise, real, previous of the period
    themes: str | None = None  # the largest and the most negative comment themes
    proposal: str = ""
    proposal_changed: int = 0
    at_risk: list[str] = field(default_factory=list)  # the current quarter's check-in outlook
    history: dict = field(default_factory=dict)  # pm_id -> totals, oldest first


def _change_text(change, lang: str) -> str:
    if is_missing(change):
        return ""
    if abs(change) < 0.05:
        return t("index.change_none", lang)
    sign = "+" if change > 0 else ""
    return t("index.change", lang, change=sign + format_number(change, 1))


def praise_sentences(
    ds: Dataset, ev: PeriodEvaluation, names: dict, before: pd.DataFrame | None, lang: str
) -> list[str]:
    """The three best-scoring PMs: total, band, change, KPIs on target, strongest dimension."""
    scored = ev.totals.dropna(subset=["total"]).sort_values("total", ascending=False)
    results = kpi_results(ev.card, ds.company.policy)
    prior = before.set_index("pm_id")["total"] if before is not None else pd.Series(dtype=float)
    out = []
    for pm in scored.head(PICKS).itertuples(index=False):
        counts = status_counts(results[results["pm_id"] == pm.pm_id])
        dims = ev.dimensions[ev.dimensions["pm_id"] == pm.pm_id].dropna(subset=["total"])
        best = dims.sort_values("total", ascending=False).head(1)
        out.append(
            t(
                "index.praise",
                lang,
                name=names.get(pm.pm_id, pm.pm_id),
                total=format_number(pm.total, 1),
                band=band_name(pm.band, lang),
                change=_change_text(pm.total - prior.get(pm.pm_id, float("nan")), lang),
                on=counts["on"],
                n=sum(counts.values()),
                dimension=dimension_name(best["dimension"].iloc[0], lang) if len(best) else "-",
                dimension_total=format_number(best["total"].iloc[0], 0) if len(best) else "-",
            )
        )
    return out


def _low_pm_sentences(ds: Dataset, ev: PeriodEvaluation, names: dict, lang: str) -> tuple:
    """PMs in the two lowest bands, lowest first, with their KPIs below the threshold."""
    low_bands = {b for b, _ in ds.company.bands[-2:]}
    low = ev.totals[ev.totals["band"].isin(low_bands)].sort_values("total")
    results = kpi_results(ev.card, ds.company.policy)
    labels = kpi_labels(ds.kpis, lang)
    sep = t("common.list_join", lang)
    out = []
    for pm in low.itertuples(index=False):
        off = results[(results["pm_id"] == pm.pm_id) & (results["status"] == "off")]["kpi_id"]
        out.append(
            t(
                "index.act_low_pm",
                lang,
                name=names.get(pm.pm_id, pm.pm_id),
                total=format_number(pm.total, 1),
                band=band_name(pm.band, lang),
                off=len(off),
                kpis=sep.join(labels.get(k, k) for k in off) or "-",
            )
        )
    return out, set(low["pm_id"])


def _ordered_findings(review: Review, skip_pms: set) -> pd.DataFrame:
    """Review findings by severity, then KIND_ORDER; KPI findings a PM finding covers are left out."""
    found = review.findings
    if found.empty:
        return found
    aggregate = set(zip(found["kind"], found["pm_id"], strict=True))
    keep = [
        not (COVERED_BY.get(k) and (COVERED_BY[k], p) in aggregate)
        and not (k == "pm_under_threshold" and p in skip_pms)
        for k, p in zip(found["kind"], found["pm_id"], strict=True)
    ]
    found = found[keep]
    severity = found["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(9)
    kind = found["kind"].map({k: i for i, k in enumerate(KIND_ORDER)}).fillna(len(KIND_ORDER))
    return found.assign(_s=severity, _k=kind).sort_values(["_s", "_k"], kind="stable")


def _finding_sentence(row, names: dict, lang: str) -> str:
    params = dict(row.params)
    if isinstance(params.get("pm_id"), str):  # the person's name reads better than an id
        params["pm_id"] = names.get(params["pm_id"], params["pm_id"])
    return finding_text(row.kind, params, lang)


def period_nps(ds: Dataset, period: str, by_period: pd.DataFrame | None = None) -> dict | None:
    """The period's NPS with its 95 % interval and its change since the previous period.

    `by_period` is feedback_metrics by period when the caller has it (PeriodResults).
    """
    if by_period is None:
        if ds.feedback is None or ds.feedback.empty:
            return None
        by_period = feedback_metrics(add_period(ds.feedback, ds.company.cadence), by=["period"])
    now = by_period[by_period["period"] == period]
    if now.empty or is_missing(now["nps"].iloc[0]):
        return None
    r = now.iloc[0]
    real = r.get("nps_change_real")
    return {
        "nps": float(r["nps"]),
        "low": r.get("nps_low"),
        "high": r.get("nps_high"),
        "n": r.get("nps_n"),
        "csat": r.get("csat"),
        "change": r.get("nps_change"),
        "noise": r.get("nps_change_noise"),
        "real": not is_missing(real) and bool(real),
        "previous": r.get("prev_period"),
    }


def satisfaction_sentence(nps: dict | None, period: str, lang: str) -> tuple[str, str | None]:
    """(the NPS headline with its interval and change since last period, a warning when it fell)."""
    if nps is None:
        return t("index.no_feedback", lang, period=period), None
    r, change, real = nps, nps["change"], nps["real"]
    if is_missing(change):
        trend = t("index.nps_no_previous", lang)
    else:
        sign = "+" if change > 0 else ""
        trend = t(
            "index.nps_trend_real" if real else "index.nps_trend_noise",
            lang,
            previous=r["previous"],
            change=sign + format_number(change, 1),
            noise=format_number(nps.get("noise"), 1),
        )
    headline = t(
        "index.nps",
        lang,
        period=period,
        n=format_number(r["n"], 0),
        nps=format_number(r["nps"], 1),
        low=format_number(r["low"], 1),
        high=format_number(r["high"], 1),
        trend=trend,
        csat=format_share(r["csat"]),
    )
    warning = None
    if real and change < 0:
        warning = t(
            "index.act_nps",
            lang,
            nps=format_number(r["nps"], 1),
            previous=r["previous"],
            change=format_number(abs(change), 1),
        )
    return headline, warning


def themes_sentence(ds: Dataset, period: str, lang: str, fb=None) -> str | None:
    """The largest comment themes and the most negative one, as the feedback report names them
    (computed over all comments, so the same themes in every language); `fb` is the company's
    feedback view when the caller has it."""
    from kpi_helpers.report.feedback_view import feedback_view, headline_themes, theme_rows

    if ds.feedback is None or ds.feedback.empty or "text" not in ds.feedback:
        return None
    fb = fb if fb is not None else feedback_view(ds, period)
    top3, worst = headline_themes(theme_rows(fb.themes, lang, fb.theme_names))
    if worst is None:
        return None
    items = [
        t("common.item_share", lang, name=r.label, share=format_share(r.share))
        for r in top3.itertuples(index=False)
    ]
    return t(
        "index.themes",
        lang,
        items=t("common.list_join", lang).join(items),
        name=worst["label"],
        negative=format_share(worst["negative"]),
    )


def proposal_sentence(review: Review, lang: str) -> tuple[str, int]:
    """How many next-period targets the review proposes to change, by direction."""
    changed = review.proposal[review.proposal["changed"]] if len(review.proposal) else None
    if changed is None or changed.empty:
        return t("index.proposal_none", lang, next_period=review.next_period), 0
    actions = changed["action"].value_counts()
    parts = [
        t(f"index.action.{a}", lang, n=int(n)) for a, n in actions.items() if n and a != "keep"
    ]
    text = t(
        "index.proposal",
        lang,
        n=len(changed),
        next_period=review.next_period,
        actions=t("common.list_join", lang).join(parts),
    )
    return text, len(changed)


TREND = 4  # periods in the index's small trend per PM


def _history(ds: Dataset, ev: PeriodEvaluation, actuals) -> dict:
    """Each PM's totals over the last TREND periods (this one included), oldest first."""
    frames, previous = [ev.totals], ev.previous
    while previous and len(frames) < TREND:
        older = evaluate_period(ds, previous, actuals)
        frames.append(older.totals)
        previous = older.previous
    out: dict = {}
    for frame in reversed(frames):
        for pm, total in zip(frame["pm_id"], frame["total"], strict=True):
            out.setdefault(pm, []).append(None if is_missing(total) else float(total))
    return out


def effect_sentence(review: Review, names: dict[str, str], lang: str) -> str:
    """Who would move up a band if the proposal were accepted on this period's actuals."""
    up = review.effect[review.effect["up_by_retargeting"]] if len(review.effect) else None
    if up is None or up.empty:
        return t("index.effect_none", lang)
    items = [
        t(
            "index.effect_item",
            lang,
            name=names.get(r.pm_id, r.pm_id),
            band_now=band_name(r.band_now, lang),
            band_under=band_name(r.band_under_proposal, lang),
        )
        for r in up.itertuples(index=False)
    ]
    return t("index.effect_up", lang, items=t("common.list_join", lang).join(items))


def at_risk_sentences(ds: Dataset, names: dict, lang: str) -> list[str]:
    """Per PM, the KPIs forecast at risk or off track in the current, unfinished period (from
    checkins.csv), worst first; empty when there are no check-ins for such a period."""
    current = current_period(ds.checkins, ds.periods, ds.company.cadence)
    if current is None:
        return []
    f = forecast_checkins(ds.checkins, ds.kpis, ds.targets, current)
    f = f[f["status"] != "on_track"]
    labels = kpi_labels(ds.kpis, lang)
    out = []
    for pm_id, g in f.groupby("owner", sort=False):
        off = g[g["status"] == "off_track"]
        out.append(
            (
                -len(off),
                t(
                    "index.at_risk",
                    lang,
                    name=names.get(pm_id, pm_id),
                    period=current,
                    off=len(off),
                    risk=len(g) - len(off),
                    kpis=t("common.list_join", lang).join(labels.get(k, k) for k in g["kpi_id"]),
                ),
            )
        )
    return [text for _, text in sorted(out, key=lambda x: x[0])]


def executive_summary(
    ds: Dataset,
    period: str,
    lang: str,
    results: PeriodResults | None = None,
    feedback=None,
) -> ExecutiveSummary:
    """Everything index.html says about `period` besides the links, in `lang`.

    `results` are the period's results the run already computed (made here when not given),
    `feedback` the company's feedback view (report.feedback_view) when the run made it.
    """
    results = results if results is not None else period_results(ds, period)
    ev, before, review = results.evaluation, results.previous_totals, results.review
    names = pm_names(ds.people, lang)
    act, low_pms = _low_pm_sentences(ds, ev, names, lang)
    nps = period_nps(ds, period, results.feedback_by_period)
    satisfaction, nps_warning = satisfaction_sentence(nps, period, lang)
    if nps_warning:
        act.append(nps_warning)
    partial = ev.totals[ev.totals["coverage"].fillna(0) < 1]
    if len(partial):
        act.append(
            t(
                "index.missing",
                lang,
                names=t("common.list_join", lang).join(names.get(p, p) for p in partial["pm_id"]),
            )
        )
    findings = _ordered_findings(review, low_pms)
    shown = max(0, min(len(findings), PICKS - len(act)))
    act += [_finding_sentence(r, names, lang) for r in findings.head(shown).itertuples()]
    proposal, changed = proposal_sentence(review, lang)
    proposal = f"{proposal} {effect_sentence(review, names, lang)}"
    return ExecutiveSummary(
        period=period,
        company=ev.company,
        totals=ev.totals,
        praise=praise_sentences(ds, ev, names, before, lang),
        act=act[:PICKS],
        more_findings=len(review.findings) - shown,
        satisfaction=satisfaction,
        nps=nps,
        themes=themes_sentence(ds, period, lang, feedback),
        proposal=proposal,
        proposal_changed=changed,
        at_risk=at_risk_sentences(ds, names, lang),
        history=_history(ds, ev, results.actuals),
    )
