"""The periodic review: what to adjust after a period, and next period's proposed targets.

The proposal covers every KPI active next period, "unchanged" rows included, each with a reason:
- beat its target two periods running -> raise toward the trend (least squares over the last four
  actuals), never easier than the last actual, never beyond the last actual plus the largest
  gain seen, within the unit's scale;
- below threshold two periods running -> keep (a miss alone is no reason to ease), unless an
  event covers it or its whole cohort missed (engine.evidence): then one typical change beyond
  the trend, never above the current target;
- otherwise, new, retiring or without data -> unchanged.
Threshold and stretch keep their distance from the target (at least one typical change and one
rounding step); numbers are rounded to a step that suits the unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_helpers.data.company import Company, ScoringPolicy
from kpi_helpers.engine.effect import effect_findings, proposal_effect
from kpi_helpers.engine.evidence import cohort_misses, covering_events, event_for
from kpi_helpers.engine.findings import finding, findings_frame
from kpi_helpers.engine.lint import coverage_findings
from kpi_helpers.engine.scales import better_bounds
from kpi_helpers.engine.scoring import active_kpis, kpi_targets
from kpi_helpers.engine.trends import PERCENT_UNITS, history_periods, kpi_history
from kpi_helpers.periods import next_period, parse_period, previous_period

COUNT_UNITS = frozenset({"人", "个", "次", "项", "件", "款", "篇", "份", "users", "count", "#"})
PROPOSAL_COLUMNS = [
    "period", "kpi_id", "pm_id", "unit", "direction", "old_threshold", "old_target",
    "old_stretch", "threshold", "target", "stretch", "action", "changed", "in_fragment",
    "reason_kind", "params",
]  # fmt: skip
FRAGMENT_COLUMNS = ["period", "kpi_id", "target", "threshold", "stretch"]
PM_MIN_KPIS = 2  # a PM-level finding needs this many KPIs flagged the same way


@dataclass
class Review:
    period: str
    next_period: str
    findings: pd.DataFrame
    proposal: pd.DataFrame
    fragment: pd.DataFrame
    effect: pd.DataFrame  # per PM: total and band now and under the proposal (engine.effect)


def _sign(direction) -> float:
    return -1.0 if direction == "lower" else 1.0


def _goal_end(company: Company) -> dict[str, str | None]:
    """When each goal leaves the strategy: its own period_to, else its objective's."""
    return {g.id: g.period_to or o.period_to for o in company.objectives for g in o.goals}


def _retiring(kpis: pd.DataFrame, company: Company, period: str) -> pd.DataFrame:
    """KPIs active in `period` whose goal left the strategy before it (a goal that has not
    started yet is lint's goal_inactive, not a retirement)."""
    p = parse_period(period).ordinal
    ended = {g for g, end in _goal_end(company).items() if end and parse_period(end).ordinal < p}
    active = active_kpis(kpis, period)
    return active[active["goal_id"].isin(ended)]


def _streaks(hist: pd.DataFrame, period: str) -> pd.DataFrame:
    """Per KPI active in the last two periods: beat target / reached stretch / below threshold in both."""
    prev = previous_period(period)
    h = hist[hist["period"].isin([prev, period])].copy()
    s = np.where(h["direction"].eq("lower").to_numpy(dtype=bool, na_value=False), -1.0, 1.0)
    a = h["actual"] * s
    h["beat"] = a >= h["target"] * s
    h["at_stretch"] = h["stretch"].notna() & (a >= h["stretch"] * s)
    h["under"] = a < h["threshold"] * s
    h["has"] = h["actual"].notna()
    g = h.groupby("kpi_id").agg(
        pm_id=("pm_id", "first"),
        goal_id=("goal_id", "last"),
        n=("has", "sum"),
        beat=("beat", "all"),
        at_stretch=("at_stretch", "all"),
        under=("under", "all"),
        rows=("period", "size"),
    )
    both = (g["n"] == 2) & (g["rows"] == 2)
    for col in ("beat", "at_stretch", "under"):
        g[col] = g[col] & both
    return g.reset_index()


def review_history(
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    period: str,
    policy: ScoringPolicy,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every KPI's history up to `period`, its two-period streaks): what findings and proposal share."""
    hist = kpi_history(kpis, targets, actuals, history_periods(actuals, period), policy)
    return hist, _streaks(hist, period)


def review_findings(
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    company: Company,
    period: str,
    policy: ScoringPolicy | None = None,
    history: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    events: pd.DataFrame | None = None,
    people: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What to adjust after `period`, looking at every period so far.

    Kinds: kpi_too_easy and pm_too_easy (stretch reached two periods running), kpi_under_threshold
    and pm_under_threshold (below threshold two periods running; kpi_under_threshold_event or
    kpi_under_threshold_cohort when an event or a cohort-wide miss explains it), goal_left_strategy,
    objective_uncovered (add a KPI), weights_after_retirement (next period's weights once the
    retirements apply), missing_data (active periods without an actual).

    Args:
        actuals: all actuals, derived ones included (evaluation.all_actuals).
        history: review_history's (history, streaks) when the caller already has them.
    Returns:
        findings (kind, severity, pm_id, kpi_id, objective_id, params).
    """
    hist, streaks = history or review_history(
        kpis, targets, actuals, period, policy or company.policy
    )
    nxt = next_period(period)
    two = [previous_period(period), period]
    goals = company.goals_frame()
    objective_of = dict(zip(goals["goal_id"], goals["objective_id"], strict=True))
    rows: list[dict] = []
    context = _evidence(kpis, people, events, streaks.set_index("kpi_id"), period)
    for flag, kind, pm_kind in (
        ("at_stretch", "kpi_too_easy", "pm_too_easy"),
        ("under", "kpi_under_threshold", "pm_under_threshold"),
    ):
        hit = streaks[streaks[flag]]
        for r in hit.itertuples(index=False):
            why = _why_missed(context, r.kpi_id, two) if flag == "under" else {}
            rows.append(
                finding(
                    kind + why.pop("suffix", ""),
                    "warning",
                    pm_id=r.pm_id,
                    kpi_id=r.kpi_id,
                    objective_id=objective_of.get(r.goal_id),
                    periods=two,
                    next_period=nxt,
                    **why,
                )
            )
        for pm, g in hit.groupby("pm_id"):
            if len(g) >= PM_MIN_KPIS:
                rows.append(
                    finding(
                        pm_kind,
                        "warning",
                        pm_id=pm,
                        count=len(g),
                        kpis=sorted(g["kpi_id"]),
                        periods=two,
                        next_period=nxt,
                    )
                )

    ends = _goal_end(company)
    retiring = _retiring(kpis, company, nxt)
    for k in retiring.itertuples(index=False):
        rows.append(
            finding(
                "goal_left_strategy",
                "warning",
                pm_id=k.owner,
                kpi_id=k.kpi_id,
                objective_id=objective_of.get(k.goal_id),
                goal_id=k.goal_id,
                goal_to=ends[k.goal_id],
            )
        )

    rows += coverage_findings(active_kpis(kpis, period), company, period, goals_too=False)

    remaining = active_kpis(kpis, nxt)
    remaining = remaining[~remaining["kpi_id"].isin(retiring["kpi_id"])]
    if len(retiring):
        sums = remaining.groupby("owner")["weight"].sum()
        for pm in sorted(set(retiring["owner"])):
            total = float(sums.get(pm, 0.0))
            if abs(total - 100.0) > 1e-6:
                rows.append(
                    finding(
                        "weights_after_retirement",
                        "warning",
                        pm_id=pm,
                        total=round(total, 4),
                        next_period=nxt,
                    )
                )

    gaps = hist[hist["actual"].isna()]
    for kid, g in gaps.groupby("kpi_id", sort=True):
        rows.append(
            finding(
                "missing_data",
                "warning",
                pm_id=g["pm_id"].iloc[0],
                kpi_id=kid,
                objective_id=objective_of.get(g["goal_id"].iloc[0]),
                periods=sorted(g["period"], key=lambda p: parse_period(p).ordinal),
            )
        )
    return findings_frame(rows)


def _why_missed(context: dict, kpi_id: str, periods: list[str]) -> dict:
    """The evidence explaining a miss, as a finding kind suffix and params; {} when none."""
    event = event_for(context["events"], kpi_id, periods)
    if event is not None:
        return {"suffix": "_event", "event": event["description"], "event_period": event["period"]}
    if kpi_id in context["cohort"]:
        return {"suffix": "_cohort", "owners": context["cohort"][kpi_id]}
    return {}


# --- proposal --------------------------------------------------------------------------------


def rounding_step(unit, levels) -> float:
    """A sensible step for a KPI's numbers: 0.5 or 0.1 for %, whole numbers for counts and
    integer scales (3 significant figures for large counts), 2 significant figures otherwise."""
    vals = [abs(float(v)) for v in levels if v is not None and not pd.isna(v)]
    top = max(vals, default=0.0)
    if top == 0:
        return 1.0
    if isinstance(unit, str) and unit.strip().lower() in PERCENT_UNITS:
        return 0.5 if top >= 10 else 0.1
    mag = 10.0 ** math.floor(math.log10(top))
    integers = all(float(v).is_integer() for v in vals)
    if integers or (isinstance(unit, str) and unit.strip().lower() in COUNT_UNITS):
        return max(1.0, mag / 100.0)
    return mag / 10.0


def _round(x: float, step: float, how: str = "nearest") -> float:
    f = {"nearest": round, "up": math.ceil, "down": math.floor}[how]
    digits = max(0, -math.floor(math.log10(step)) + 1)
    return round(f(round(x / step, 9)) * step, digits)


def _trend(ordinals: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """(forecast for the next period, typical period-to-period change) from the last four actuals."""
    o, v = ordinals[-4:], values[-4:]
    slope = np.polyfit(o, v, 1)[0] if len(v) >= 2 else 0.0
    forecast = float(v[-1] + slope * 1.0)
    steps = np.diff(values) / np.diff(ordinals) if len(values) >= 2 else np.array([])
    spread = float(np.std(steps, ddof=1)) if len(steps) >= 2 else float("nan")
    return forecast, spread


def _levels(old: tuple, s: float, g: float, spread: float, step: float, bounds) -> tuple:
    """Threshold / target / stretch around a new target, in order, rounded and within bounds.

    Works in 'better' space (values x s) so that higher is always better; `bounds` too. The
    threshold is rounded down and the stretch up, each at least one step away from the target,
    so the order threshold < target < stretch survives rounding."""
    t0, g0, s0 = (v * s for v in old)  # NaN stays NaN
    widen = 0.0 if pd.isna(spread) else spread
    lo, hi = bounds
    lo, hi = _round_bound(lo, step, "up"), _round_bound(hi, step, "down")
    g = _round(g, step)
    t = _round(g - max(g0 - t0, widen, step), step, "down")
    st = np.nan if pd.isna(s0) else _round(g + max(s0 - g0, widen, step), step, "up")
    if pd.isna(st):
        g = min(g, hi)
    else:
        st = min(st, hi)
        g = min(g, _round(st - step, step))
    t = min(max(t, lo), _round(g - step, step))
    if t < lo:  # no room below the target: lift it
        t, g = lo, lo + step
        st = st if pd.isna(st) else max(st, g + step)
    return tuple(np.nan if pd.isna(v) else _round(v, step) * s + 0.0 for v in (t, g, st))


def _round_bound(x: float, step: float, how: str) -> float:
    return x if math.isinf(x) else _round(x, step, how)


def _unchanged(base: dict, why: str, **params) -> dict:
    p = {"why": why, **params}
    return {
        **base,
        "threshold": base["old_threshold"],
        "target": base["old_target"],
        "stretch": base["old_stretch"],
        "action": "keep",
        "reason_kind": "proposal.unchanged",
        "params": p,
    }


def _largest_gain(values: np.ndarray) -> float:
    """The largest improvement between two consecutive actuals (better space), 0 if none."""
    steps = np.diff(values)
    return float(max(steps.max(), 0.0)) if len(steps) else 0.0


def _propose_one(base: dict, k, series: pd.DataFrame, streak, period: str, context: dict):
    nxt = base["period"]
    if streak is None:
        return _unchanged(base, "new", next_period=nxt)
    if k.kpi_id in context["retiring"]:
        return _unchanged(base, "retire", goal_id=k.goal_id)
    have = series.dropna(subset=["actual"])
    if not (have["period"] == period).any():
        return _unchanged(base, "no_data", period=period)
    if len(have) < 2:
        return _unchanged(base, "short")
    if not (streak.beat or streak.under):
        return _unchanged(base, "no_streak")
    s = _sign(k.direction)
    old = (base["old_threshold"], base["old_target"], base["old_stretch"])
    ordinals = np.array([parse_period(p).ordinal for p in have["period"]], dtype="float64")
    values = have["actual"].to_numpy(dtype="float64") * s
    forecast, spread = _trend(ordinals, values)
    last = values[-1]
    raw = [v for v in (*old, *have["actual"]) if not pd.isna(v)]
    step = rounding_step(k.unit, old)
    lo_hi = better_bounds(k.unit, s, all(v >= 0 for v in raw), getattr(k, "data_source", None))
    missed = list(series["period"].iloc[-2:])
    p = {"periods": missed, "last": float(have["actual"].iloc[-1])}
    if streak.beat:
        action, kind = "raise", "proposal.raise"
        floor = max(last, old[1] * s)  # never easier than what was achieved, nor than now
        ceiling = max(floor, last + _largest_gain(values))  # no leap beyond the best gain seen
        target = _round(min(max(forecast, floor), ceiling), step, "up")
    else:
        event = event_for(context["events"], k.kpi_id, missed)
        owners = context["cohort"].get(k.kpi_id)
        if event is None and owners is None:
            # a miss alone is no reason to ease: the levels stay, the review talks about the cause
            return {**_unchanged(base, "hold"), "reason_kind": "proposal.hold", "params": p}
        if event is not None:
            action, kind = "ease", "proposal.ease_event"
            p.update(event=event["description"], event_period=event["period"])
        else:
            action, kind = "ease", "proposal.ease_cohort"
            p.update(owners=owners)
        move = spread if not pd.isna(spread) and spread > 0 else step
        target = _round(min(max(forecast, last) + move, old[1] * s), step)
    t, g, st = _levels(old, s, target, spread, step, lo_hi)
    if action == "raise" and g * s < floor - 1e-9:
        return _unchanged(base, "at_limit")  # the scale's end leaves no room above the actual
    if np.allclose([t, g, st], old, equal_nan=True):
        return _unchanged(base, "rounding")
    p.update(
        target=g,
        forecast=round(forecast * s, 6),
        spread=None if pd.isna(spread) else round(spread, 6),
        step=step,
    )
    return {
        **base,
        "threshold": t,
        "target": g,
        "stretch": st,
        "action": action,
        "reason_kind": kind,
        "params": p,
    }


def propose_targets(
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    company: Company,
    period: str,
    policy: ScoringPolicy | None = None,
    history: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    events: pd.DataFrame | None = None,
    people: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Next period's threshold / target / stretch for every KPI active next period.

    A KPI below threshold two periods running keeps its levels (reason `proposal.hold`) unless
    an event of `events` covers it in those periods (`proposal.ease_event`, quoting the event)
    or its whole cohort missed too (`proposal.ease_cohort`); see kpi_helpers.engine.evidence.

    The starting point is the KPI's targets in `period` (carried forward), or next period's row of
    targets.csv when it already exists. `changed` says whether a number moved from that starting
    point; `in_fragment` whether the row must be written to targets.csv for next period to use it
    (also true for carried-forward per-period overrides that kpis.csv alone would lose).
    `history` is review_history's (history, streaks) when the caller already has them.
    """
    hist, streaks = history or review_history(
        kpis, targets, actuals, period, policy or company.policy
    )
    streaks = streaks.set_index("kpi_id")
    nxt = next_period(period)
    now = kpi_targets(kpis, targets, period).set_index("kpi_id")
    fallback = kpi_targets(kpis, targets, nxt).set_index("kpi_id")
    has_next = set(targets.loc[targets["period"] == nxt, "kpi_id"])
    retiring = set(_retiring(kpis, company, nxt)["kpi_id"])
    context = _evidence(kpis, people, events, streaks, period)
    context["retiring"] = retiring
    by_kpi = {kid: g for kid, g in hist.groupby("kpi_id")}
    rows = []
    for k in fallback.reset_index().itertuples(index=False):
        src = now.loc[k.kpi_id] if k.kpi_id in now.index and k.kpi_id not in has_next else k
        base = {
            "period": nxt,
            "kpi_id": k.kpi_id,
            "pm_id": k.owner,
            "unit": k.unit,
            "direction": k.direction,
            "old_threshold": float(src.threshold),
            "old_target": float(src.target),
            "old_stretch": float(src.stretch),
        }
        series = by_kpi.get(k.kpi_id, hist.iloc[0:0])
        streak = streaks.loc[k.kpi_id] if k.kpi_id in streaks.index else None
        rows.append(_propose_one(base, k, series, streak, period, context))
    out = pd.DataFrame(
        rows, columns=[c for c in PROPOSAL_COLUMNS if c not in ("changed", "in_fragment")]
    )
    new = out[["threshold", "target", "stretch"]]
    old = out[["old_threshold", "old_target", "old_stretch"]].set_axis(new.columns, axis=1)
    out["changed"] = ~_same(new, old)
    fb = fallback.reindex(out["kpi_id"])[["threshold", "target", "stretch"]].reset_index(drop=True)
    # a KPI to retire gets no row: once its period_to is set, a row for next period is an error
    retire = out["params"].map(lambda p: p.get("why") == "retire")
    out["in_fragment"] = ~_same(new, fb) & ~retire
    return out[PROPOSAL_COLUMNS].sort_values(["pm_id", "kpi_id"]).reset_index(drop=True)


def _evidence(kpis, people, events, streaks: pd.DataFrame, period: str) -> dict:
    """Events covering each KPI and the KPIs whose whole cohort missed (engine.evidence)."""
    if people is None:
        people = pd.DataFrame({"pm_id": [], "team": [], "products": []})
    under = set(streaks.index[streaks["under"]]) if len(streaks) else set()
    return {
        "events": covering_events(kpis, people, events),
        "cohort": cohort_misses(active_kpis(kpis, period), under),
    }


def _same(a: pd.DataFrame, b: pd.DataFrame) -> pd.Series:
    eq = np.isclose(a.to_numpy(dtype="float64"), b.to_numpy(dtype="float64"), equal_nan=True)
    return pd.Series(eq.all(axis=1), index=a.index)


def proposal_fragment(proposal: pd.DataFrame) -> pd.DataFrame:
    """The proposal as rows to append to targets.csv: period, kpi_id, target, threshold, stretch.

    Only rows next period needs (in_fragment): changed numbers, and per-period targets that would
    otherwise fall back to kpis.csv. Empty stretch means "no stretch".
    """
    rows = proposal[proposal["in_fragment"]] if "in_fragment" in proposal else proposal
    return rows[FRAGMENT_COLUMNS].sort_values("kpi_id").reset_index(drop=True)


def review_period(ds, period: str, actuals: pd.DataFrame | None = None) -> Review:
    """Findings, proposal, its effect and the targets.csv fragment for a loaded dataset."""
    from kpi_helpers.engine.evaluation import all_actuals

    actuals = all_actuals(ds) if actuals is None else actuals
    args = (ds.kpis, ds.targets, actuals, ds.company, period, ds.company.policy)
    history = review_history(ds.kpis, ds.targets, actuals, period, ds.company.policy)
    extra = {"history": history, "events": ds.events, "people": ds.people}
    proposal = propose_targets(*args, **extra)
    effect = proposal_effect(ds.kpis, ds.targets, actuals, ds.company, period, proposal)
    findings = review_findings(*args, **extra)
    flagged = effect_findings(effect, period)
    if flagged:
        findings = findings_frame([*findings.to_dict("records"), *flagged])
    return Review(
        period=period,
        next_period=next_period(period),
        findings=findings,
        proposal=proposal,
        fragment=proposal_fragment(proposal),
        effect=effect,
    )
