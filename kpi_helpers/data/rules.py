"""Rules across files: references, target order, active periods, weight sums and the cadence."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from kpi_helpers.data.company import Company, Goal, Objective
from kpi_helpers.data.input_files import InputRefused, read_input_bytes, safe_yaml_compose
from kpi_helpers.data.reading import decode_bytes
from kpi_helpers.data.schema import ROW
from kpi_helpers.errors import Problem
from kpi_helpers.periods import Period, PeriodError, cadence_kind, parse_period

_UNIT = {"Q": ("quarter", "2026-Q3"), "H": ("half-year", "2026-H1")}
_PERIOD_COLUMNS = (
    ("kpis", "period_from"),
    ("kpis", "period_to"),
    ("targets", "period"),
    ("actuals", "period"),
    ("reviews", "period"),
    ("events", "period"),
    ("assessments", "period"),
)


@dataclass
class Folder:
    """The typed tables of a data folder, the file name shown for each, and the strategy."""

    frames: dict[str, pd.DataFrame]
    files: dict[str, str]
    company: Company | None
    company_path: Path | None
    unreadable: set[str]  # files whose content cannot be used at all
    missing: set[tuple[str, str]]  # (file, column) of required columns that are absent
    _rows: dict[str, list[dict]] = field(default_factory=dict, init=False, repr=False)

    def has(self, name: str, column: str) -> bool:
        file = self.files[name]
        return file not in self.unreadable and (file, column) not in self.missing

    @property
    def kind(self) -> str:
        return cadence_kind(self.company.cadence) if self.company else "Q"

    def period(self, value) -> Period | None:
        """The period of a cell when it is well-formed and of the company's cadence."""
        if value is None or pd.isna(value):
            return None
        try:
            p = parse_period(value)
        except PeriodError:
            return None
        return p if p.kind == self.kind else None

    def data_periods(self) -> list[Period]:
        """The periods that have actuals or targets, in order."""
        cells = [*self.frames["actuals"]["period"], *self.frames["targets"]["period"]]
        return sorted({p for p in map(self.period, cells) if p})

    def rows(self, name: str) -> list[dict]:
        """The table's rows as dicts (computed once: several rules walk the same table)."""
        if name not in self._rows:
            self._rows[name] = self.frames[name].to_dict("records")
        return self._rows[name]


def cross_file_problems(folder: Folder) -> list[Problem]:
    """Every rule that looks at more than one cell: see the functions below."""
    return [
        *check_references(folder),
        *check_order(folder),
        *check_cadence(folder),
        *check_active_periods(folder),
        *check_goals_active(folder),
        *check_weights(folder),
        *check_company(folder),
        *check_scale_mixups(folder),
    ]


def check_references(folder: Folder) -> list[Problem]:
    """owner, goal_id, kpi_id and pm_id point at rows that exist."""
    links = [
        ("kpis", "owner", "people", "pm_id", "person"),
        ("reviews", "pm_id", "people", "pm_id", "person"),
        ("assessments", "pm_id", "people", "pm_id", "person"),
        ("checkins", "kpi_id", "kpis", "kpi_id", "KPI"),
        ("targets", "kpi_id", "kpis", "kpi_id", "KPI"),
        ("actuals", "kpi_id", "kpis", "kpi_id", "KPI"),
    ]
    problems = []
    for src, col, dst, key, what in links:
        if folder.has(src, col) and folder.has(dst, key):
            known = set(folder.frames[dst][key].dropna())
            text = (
                f"is not a {key} in {folder.files[dst]}; add the {what} there or correct the {col}"
            )
            problems += _unknown(folder, src, col, known, text)
    if folder.company is not None and folder.has("kpis", "goal_id"):
        goals = [g.id for o in folder.company.objectives for g in o.goals]
        listed = ", ".join(goals[:8]) + (", ..." if len(goals) > 8 else "")
        text = (
            f"is not a goal in company.yaml; use one of {listed or '(none yet)'} "
            "or add the goal to an objective"
        )
        problems += _unknown(folder, "kpis", "goal_id", set(goals), text)
    problems += _event_scopes(folder)
    return problems


def event_scopes(kpis: pd.DataFrame, people: pd.DataFrame) -> set[str]:
    """What an event may cover: `company`, a kpi_id, a team or a product of people.csv."""
    teams = set(people["team"].dropna())
    products = {p for ps in people["products"].dropna() for p in ps}
    return {"company", *kpis["kpi_id"].dropna(), *teams, *products}


def _event_scopes(folder: Folder) -> list[Problem]:
    if not (folder.has("events", "scope") and folder.has("kpis", "kpi_id")):
        return []
    people = folder.frames["people"]
    if (
        folder.files["people"] in folder.unreadable
        or not people["products"].map(lambda v: isinstance(v, tuple) and bool(v)).any()
    ):
        return []  # without the products of people.csv a product scope cannot be checked
    known = event_scopes(folder.frames["kpis"], folder.frames["people"])
    text = (
        f"is not a kpi_id in {folder.files['kpis']}, a team or product in "
        f"{folder.files['people']}, nor 'company'; write which of them the event covers"
    )
    return _unknown(folder, "events", "scope", known, text)


def _unknown(folder: Folder, name: str, col: str, known: set, text: str) -> list[Problem]:
    """One problem per unknown value, on its first row, counting the other rows that name it
    (one root cause, one message)."""
    rows: dict[str, list[int]] = {}
    for r in folder.rows(name):
        if pd.notna(r[col]) and r[col] not in known:
            rows.setdefault(r[col], []).append(int(r[ROW]))
    problems = []
    for value, at in rows.items():
        also = ""
        if len(at) > 1:
            shown = ", ".join(map(str, at[:10])) + (", ..." if len(at) > 10 else "")
            also = f" (named in {len(at)} rows: {shown})"
        problems.append(Problem(folder.files[name], at[0], col, f"'{value}'{also} {text}"))
    return problems


def _order_issue(direction, threshold, target, stretch) -> tuple[tuple[str, str], str, str] | None:
    """The first pair of values out of order, as (pair, what is wrong, the rule), else None."""
    if direction not in ("higher", "lower"):
        return None
    before, word, sign = (
        (operator.lt, "below", "<") if direction == "higher" else (operator.gt, "above", ">")
    )
    pairs = (("threshold", threshold, "target", target), ("target", target, "stretch", stretch))
    for a, va, b, vb in pairs:
        if pd.notna(va) and pd.notna(vb) and not before(va, vb):
            rule = f"a {direction}-is-better KPI needs threshold {sign} target {sign} stretch"
            return (a, b), f"{a} {va:g} is not {word} {b} {vb:g}", rule
    return None


def check_order(folder: Folder) -> list[Problem]:
    """threshold < target < stretch (reversed for `lower`), in kpis.csv and after each override."""
    problems = []
    kpis: dict = {}
    kfile = folder.files["kpis"]
    for k in folder.rows("kpis"):
        kpis.setdefault(k["kpi_id"], k)
        issue = _order_issue(k["direction"], k["threshold"], k["target"], k["stretch"])
        if issue:
            pair, wrong, rule = issue
            column = "threshold" if pair[0] == "threshold" else "stretch"
            problems.append(Problem(kfile, k[ROW], column, f"{wrong}; {rule}"))
    for t in folder.rows("targets"):
        k = kpis.get(t["kpi_id"])
        if k is None:
            continue
        given = [c for c in ("threshold", "target", "stretch") if pd.notna(t[c])]
        values = {c: t[c] if c in given else k[c] for c in ("threshold", "target", "stretch")}
        issue = _order_issue(k["direction"], **values)
        if not issue or not set(issue[0]) & set(given):
            continue  # the values all come from kpis.csv, which is reported there
        pair, wrong, rule = issue
        column = "target" if "target" in given else next(c for c in pair if c in given)
        inherited = "".join(f" ({c} from {kfile})" for c in pair if c not in given)
        problems.append(
            Problem(folder.files["targets"], t[ROW], column, f"{wrong}{inherited}; {rule}")
        )
    return problems


def check_cadence(folder: Folder) -> list[Problem]:
    """Every period of the tables is of the company's cadence (no 2026-H1 in a quarterly company)."""
    if folder.company is None:
        return []
    problems = []
    for name, col in _PERIOD_COLUMNS:
        for r in folder.rows(name):
            text = _cadence_mismatch(folder, r[col])
            if text:
                problems.append(Problem(folder.files[name], r[ROW], col, text))
    return problems


def _cadence_mismatch(folder: Folder, value) -> str | None:
    if value is None or pd.isna(value) or folder.period(value) is not None:
        return None
    try:
        kind = parse_period(value).kind
    except PeriodError:
        return None  # a malformed period is reported where it is read
    (is_unit, _), (want, example) = _UNIT[kind], _UNIT[folder.kind]
    return (
        f"'{value}' is a {is_unit} but company.yaml sets cadence: {folder.company.cadence}; "
        f"write a {want} such as {example}"
    )


def _span(folder: Folder, kpi: dict) -> tuple[Period | None, Period | None]:
    return folder.period(kpi["period_from"]), folder.period(kpi["period_to"])


def _active(p: Period, span: tuple[Period | None, Period | None]) -> bool:
    start, end = span
    return (start is None or start <= p) and (end is None or p <= end)


def _describe(span) -> str:
    start, end = span
    if start and end:
        return f"from {start} to {end}"
    return f"from {start} on" if start else f"until {end}" if end else "in every period"


def check_active_periods(folder: Folder) -> list[Problem]:
    """period_from <= period_to; actuals and targets fall in their KPI's periods; the latest
    period has an actual for every active KPI."""
    problems = []
    spans = {}
    kfile = folder.files["kpis"]
    for k in folder.rows("kpis"):
        span = _span(folder, k)
        spans.setdefault(k["kpi_id"], span)
        if span[0] and span[1] and span[0] > span[1]:
            problems.append(
                Problem(
                    kfile,
                    k[ROW],
                    "period_to",
                    f"period_to {span[1]} is before period_from {span[0]}; the KPI would never be active",
                )
            )
    for name in ("actuals", "targets"):
        for r in folder.rows(name):
            p, span = folder.period(r["period"]), spans.get(r["kpi_id"])
            if p and span and not _active(p, span):
                text = (
                    f"KPI '{r['kpi_id']}' is not active in {p} (it runs {_describe(span)} in {kfile}); "
                    "correct the period, or widen the KPI's period_from / period_to"
                )
                problems.append(Problem(folder.files[name], r[ROW], "period", text, "warning"))
    actual_periods = [p for p in map(folder.period, folder.frames["actuals"]["period"]) if p]
    if actual_periods and folder.has("actuals", "kpi_id"):
        latest = max(actual_periods)
        reported = {
            r["kpi_id"] for r in folder.rows("actuals") if folder.period(r["period"]) == latest
        }
        for k in folder.rows("kpis"):
            if (
                pd.notna(k["kpi_id"])
                and k["kpi_id"] not in reported
                and not _derived(k.get("data_source"))
                and _active(latest, _span(folder, k))
            ):
                text = (
                    f"KPI '{k['kpi_id']}' has no actual for {latest}, the latest period with actuals; "
                    f"add a row to {folder.files['actuals']} (until then it is scored as missing)"
                )
                problems.append(Problem(kfile, k[ROW], "kpi_id", text, "warning"))
    return problems


def _fraction_mixup(level: float, actual: float) -> bool:
    """One value is a fraction (|x| <= 1) and the other about 100 times it: 0.12 against 12."""
    small, large = sorted((abs(level), abs(actual)))
    return 0 < small <= 1 < large and 50 <= large / small <= 200


def check_scale_mixups(folder: Folder) -> list[Problem]:
    """A KPI whose actuals and target differ by a factor of about 100 (percent written as a
    fraction in one file, as a percent in the other): one warning per KPI naming both cells."""
    if not (folder.has("actuals", "value") and folder.has("kpis", "target")):
        return []
    kpis = {}
    for k in folder.rows("kpis"):
        if pd.notna(k["kpi_id"]) and pd.notna(k["target"]):
            kpis.setdefault(k["kpi_id"], k)
    problems, seen = [], set()
    for a in folder.rows("actuals"):
        k = kpis.get(a["kpi_id"])
        if k is None or a["kpi_id"] in seen or pd.isna(a["value"]):
            continue
        if _fraction_mixup(k["target"], a["value"]):
            seen.add(a["kpi_id"])
            text = (
                f"{a['value']:g} for KPI '{a['kpi_id']}' is about 100 times "
                f"{'smaller' if abs(a['value']) < abs(k['target']) else 'larger'} than its target "
                f"{k['target']:g} ({folder.files['kpis']} row {k[ROW]}, column target); write "
                "both as percents (12 for 12 %) or both as fractions"
            )
            problems.append(Problem(folder.files["actuals"], a[ROW], "value", text, "warning"))
    return problems


def _derived(source) -> bool:
    """A KPI computed from feedback.csv or reviews.csv needs no row in actuals.csv."""
    return isinstance(source, str) and source.strip().lower().startswith(("feedback.", "reviews."))


def check_goals_active(folder: Folder) -> list[Problem]:
    """A KPI whose goal is not active in a period where the KPI is: one warning, first period."""
    if folder.company is None:
        return []
    goals = {g.id: (g, o) for o in folder.company.objectives for g in o.goals}
    data = folder.data_periods()
    problems = []
    for k in folder.rows("kpis"):
        if k["goal_id"] not in goals:
            continue
        goal, objective = goals[k["goal_id"]]
        start, end = _span(folder, k)
        lo, hi = start or (data[0] if data else None), end or (data[-1] if data else None)
        if lo is None or hi is None or lo > hi:
            continue
        goal_span = _goal_span(folder, goal, objective)
        # The goal's activity only changes at its bounds, so these are the candidates for the first gap.
        candidates = [lo] + [b.shift(1) for b in goal_span if b]
        gaps = [p for p in candidates if lo <= p <= hi and not _active(p, goal_span)]
        if gaps:
            text = (
                f"KPI '{k['kpi_id']}' is active in {min(gaps)} but its goal '{goal.id}' is not "
                f"(the goal applies {_describe(goal_span)}); link the KPI to a current goal or end it with period_to"
            )
            problems.append(Problem(folder.files["kpis"], k[ROW], "goal_id", text, "warning"))
    return problems


def _goal_span(
    folder: Folder, goal: Goal, objective: Objective
) -> tuple[Period | None, Period | None]:
    """The periods in which both the goal and its objective apply."""
    starts = [p for p in map(folder.period, (goal.period_from, objective.period_from)) if p]
    ends = [p for p in map(folder.period, (goal.period_to, objective.period_to)) if p]
    return (max(starts) if starts else None, min(ends) if ends else None)


def check_weights(folder: Folder) -> list[Problem]:
    """Each PM's active KPI weights sum to 100 in every period that has actuals or targets."""
    names = {p["pm_id"]: p["name"] for p in folder.rows("people") if pd.notna(p["pm_id"])}
    by_owner: dict[str, list[dict]] = {}
    for k in folder.rows("kpis"):
        if pd.notna(k["owner"]):
            by_owner.setdefault(k["owner"], []).append(k)
    problems = []
    periods = folder.data_periods()
    for owner, rows in by_owner.items():
        if folder.has("people", "pm_id") and owner not in names:
            continue  # an unknown owner is reported once, by check_references
        if any(pd.isna(r["weight"]) for r in rows):
            continue  # an unreadable weight is reported on its own; a sum would only repeat it
        who = f"{owner} ({names[owner]})" if pd.notna(names.get(owner)) else str(owner)
        for p in periods:
            active = [r for r in rows if _active(p, _span(folder, r))]
            total = sum(r["weight"] for r in active)
            if active and abs(total - 100) > 0.01 + 1e-9:
                parts = " + ".join(f"{r['kpi_id']} {r['weight']:g}" for r in active)
                text = (
                    f"the weights of {who}'s KPIs active in {p} sum to {total:g}, not 100 ({parts}); "
                    "change the weights so they add up to 100, or set period_from / period_to so only "
                    "the KPIs of that period count"
                )
                problems.append(
                    Problem(folder.files["kpis"], min(r[ROW] for r in active), "weight", text)
                )
    return problems


def check_company(folder: Folder) -> list[Problem]:
    """company.yaml: objective weights sum positive, periods ordered and of the cadence."""
    company = folder.company
    if company is None:
        return []
    file = folder.company_path.name if folder.company_path else "company.yaml"
    lines, objectives_line = _yaml_lines(folder.company_path)
    problems = []
    if company.objectives and sum(o.weight for o in company.objectives) <= 0:
        problems.append(
            Problem(
                file,
                objectives_line,
                "weight",
                "the objective weights add up to 0; give the objectives positive weights",
            )
        )
    else:
        for o in company.objectives:
            if o.weight == 0:
                problems.append(
                    Problem(
                        file,
                        lines.get(o.id),
                        "weight",
                        f"objective '{o.id}' has weight 0, so its goals and KPIs carry no share "
                        "of the strategy; give it a positive weight, or end it with period_to",
                        "warning",
                    )
                )
    items = [*company.objectives, *(g for o in company.objectives for g in o.goals)]
    for item in items:
        line = lines.get(item.id)
        for col in ("period_from", "period_to"):
            text = _cadence_mismatch(folder, getattr(item, col))
            if text:
                problems.append(Problem(file, line, col, text))
        start, end = folder.period(item.period_from), folder.period(item.period_to)
        if start and end and start > end:
            problems.append(
                Problem(
                    file,
                    line,
                    "period_to",
                    f"period_to {end} of '{item.id}' is before its period_from {start}",
                )
            )
    return problems


def _yaml_lines(path: Path | None) -> tuple[dict[str, int], int | None]:
    """The line of each objective and goal (by id) in company.yaml, and of the objectives key."""
    try:
        # a file, or company.yaml's text from a database (read_bytes only)
        data = read_input_bytes(path, "yaml") if isinstance(path, Path) else path.read_bytes()
        text, _ = decode_bytes(data)
        if text is None:
            return {}, None
        root = safe_yaml_compose(text)
    except (AttributeError, OSError, UnicodeDecodeError, yaml.YAMLError, InputRefused):
        return {}, None
    if not isinstance(root, yaml.MappingNode):
        return {}, None
    key, objectives = next(((k, v) for k, v in root.value if k.value == "objectives"), (None, None))
    lines: dict[str, int] = {}
    queue = [objectives]
    for node in queue:  # breadth first, so the first of two equal ids keeps its line
        if isinstance(node, yaml.SequenceNode):
            queue += node.value
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == "id" and isinstance(v, yaml.ScalarNode):
                    lines.setdefault(v.value.strip(), node.start_mark.line + 1)
                elif k.value == "goals":
                    queue.append(v)
    return lines, key.start_mark.line + 1 if key is not None else None
