"""company.yaml: the strategy (objectives, goals, weights), scoring policy and rating bands."""

from __future__ import annotations

import math
from pathlib import Path

import yaml

from kpi_helpers.data import input_files
from kpi_helpers.data.company_model import DEFAULT_BANDS, Company, Goal, Objective, ScoringPolicy
from kpi_helpers.data.reading import decode_bytes
from kpi_helpers.data.review_settings import LINE, parse_review_settings
from kpi_helpers.errors import Problem
from kpi_helpers.periods import PeriodError, normalize_period


class _LineLoader(input_files.LimitedComposer, yaml.SafeLoader):
    """A safe loader that records each mapping's line number under LINE."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def find_company_file(data_dir: Path) -> Path | None:
    for name in ("company.yaml", "company.yml"):
        if (Path(data_dir) / name).exists():
            return Path(data_dir) / name
    return None


def load_company(data_dir: Path) -> tuple[Company | None, list[Problem], Path | None]:
    """Parse company.yaml; (Company or None when unusable, problems, path)."""
    path = find_company_file(data_dir)
    if path is None:
        return (
            None,
            [
                Problem(
                    "company.yaml",
                    None,
                    "-",
                    "the file is missing; create company.yaml (see 'kpi-workbook init')",
                )
            ],
            None,
        )
    fname = path.name
    try:
        text, _ = decode_bytes(input_files.read_input_bytes(path, "yaml", Path(data_dir)))
    except OSError as e:
        return None, [Problem(fname, None, "-", f"cannot be read ({e.strerror})")], path
    except input_files.InputRefused as e:
        return None, [Problem(fname, None, "-", str(e))], path
    if text is None:
        return (
            None,
            [Problem(fname, None, "-", "is not a text file; write company.yaml as UTF-8 YAML")],
            path,
        )
    return parse_company(text, fname) + (path,)


def parse_company(text: str, fname: str) -> tuple[Company | None, list[Problem]]:
    """Parse company.yaml's text (from the file or a database table named `fname`)."""
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        what = getattr(e, "problem", None) or "the YAML cannot be parsed"
        if isinstance(e, input_files.YamlLimitError):
            return None, [Problem(fname, None if line is None else line + 1, "-", what)]
        return (
            None,
            [
                Problem(
                    fname,
                    None if line is None else line + 1,
                    "-",
                    f"{what}; check indentation and quoting on this line",
                )
            ],
        )
    if not isinstance(doc, dict):
        return (
            None,
            [Problem(fname, 1, "-", "must be a YAML mapping with company, cadence and objectives")],
        )
    return _build_company(doc, fname)


def _text(v) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _period(d: dict, key: str, fname: str, problems: list[Problem]) -> str | None:
    v = _text(d.get(key))
    if v is None:
        return None
    try:
        return normalize_period(v)
    except PeriodError as e:
        problems.append(Problem(fname, d.get(LINE), key, str(e)))
        return None


def _number(d: dict, key: str, fname: str, problems: list[Problem], default=None):
    v = d.get(key, default)
    if v is None:
        return default
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        try:
            v = float(str(v).strip())
        except ValueError:
            problems.append(
                Problem(fname, d.get(LINE), key, f"'{v}' is not a number; write a plain number")
            )
            return default
    if not math.isfinite(v):  # YAML reads .inf and .nan as numbers
        problems.append(
            Problem(fname, d.get(LINE), key, f"'{v}' is not a finite number; write a plain number")
        )
        return default
    return float(v)


def _build_company(doc: dict, fname: str) -> tuple[Company | None, list[Problem]]:
    problems: list[Problem] = []
    name = _text(doc.get("company"))
    if not name:
        problems.append(
            Problem(
                fname,
                doc.get(LINE, 1),
                "company",
                "the company name is missing; add 'company: <name>'",
            )
        )
    cadence = _text(doc.get("cadence")) or ""
    if cadence not in ("quarter", "half"):
        problems.append(
            Problem(
                fname,
                doc.get(LINE, 1),
                "cadence",
                f"'{cadence}' is not a cadence; write 'cadence: quarter' or 'cadence: half'",
            )
        )
        cadence = "quarter"
    objectives = []
    raw_objs = doc.get("objectives")
    if not isinstance(raw_objs, list) or not raw_objs:
        problems.append(
            Problem(
                fname,
                doc.get(LINE, 1),
                "objectives",
                "there are no objectives; add a list 'objectives:' with id, name, weight and goals",
            )
        )
        raw_objs = []
    seen: set[str] = set()
    for o in raw_objs:
        if not isinstance(o, dict):
            problems.append(
                Problem(
                    fname,
                    None,
                    "objectives",
                    "each objective must be a mapping with id, name, weight and goals",
                )
            )
            continue
        line = o.get(LINE)
        oid = _text(o.get("id"))
        if not oid:
            problems.append(
                Problem(fname, line, "id", "an objective has no id; give it one such as O1")
            )
            continue
        if oid in seen:
            problems.append(
                Problem(
                    fname, line, "id", f"objective id '{oid}' is used twice; ids must be unique"
                )
            )
        seen.add(oid)
        weight = _number(o, "weight", fname, problems)
        if weight is None:
            problems.append(
                Problem(
                    fname,
                    line,
                    "weight",
                    f"objective '{oid}' has no weight; add 'weight: <number>'",
                )
            )
            weight = 0.0
        elif weight < 0:
            problems.append(
                Problem(
                    fname,
                    line,
                    "weight",
                    f"objective '{oid}' has a negative weight; weights are >= 0",
                )
            )
        goals = []
        raw_goals = o.get("goals") or []
        if not isinstance(raw_goals, list):
            problems.append(
                Problem(fname, line, "goals", f"goals of '{oid}' must be a list of {{id, name}}")
            )
            raw_goals = []
        for g in raw_goals:
            if not isinstance(g, dict) or not _text(g.get("id")):
                problems.append(
                    Problem(
                        fname,
                        g.get(LINE, line) if isinstance(g, dict) else line,
                        "goals",
                        f"a goal of '{oid}' has no id; give each goal an id and a name",
                    )
                )
                continue
            gid = _text(g["id"])
            if gid in seen:
                problems.append(
                    Problem(
                        fname,
                        g.get(LINE),
                        "id",
                        f"goal id '{gid}' is used twice; ids must be unique",
                    )
                )
            seen.add(gid)
            if not _text(g.get("name")):
                problems.append(
                    Problem(fname, g.get(LINE), "name", f"goal '{gid}' has no name; add 'name:'")
                )
            goals.append(
                Goal(
                    gid,
                    _text(g.get("name")) or gid,
                    oid,
                    _text(g.get("name_en")),
                    _period(g, "period_from", fname, problems),
                    _period(g, "period_to", fname, problems),
                )
            )
        if not _text(o.get("name")):
            problems.append(
                Problem(fname, line, "name", f"objective '{oid}' has no name; add 'name:'")
            )
        objectives.append(
            Objective(
                oid,
                _text(o.get("name")) or oid,
                weight,
                tuple(goals),
                _text(o.get("name_en")),
                _period(o, "period_from", fname, problems),
                _period(o, "period_to", fname, problems),
            )
        )
    policy = _policy(doc.get("scoring"), fname, problems)
    bands = _bands(doc.get("bands"), fname, problems)
    lang = _text(doc.get("language")) or "zh"
    if lang not in ("zh", "en"):
        problems.append(
            Problem(
                fname,
                doc.get(LINE, 1),
                "language",
                f"'{lang}' is not a report language; use zh or en",
            )
        )
        lang = "zh"
    final, guideline = parse_review_settings(doc, [b for b, _ in bands], fname, problems)
    company = Company(
        name or "",
        cadence,
        tuple(objectives),
        policy,
        bands,
        lang,
        _text(doc.get("name_en")),
        final,
        guideline,
    )
    return company, problems


def _policy(raw, fname: str, problems: list[Problem]) -> ScoringPolicy:
    if raw is None:
        return ScoringPolicy()
    if not isinstance(raw, dict):
        problems.append(
            Problem(
                fname,
                None,
                "scoring",
                "scoring must be a mapping (threshold_points, target_points, stretch_points, "
                "missing, min_coverage)",
            )
        )
        return ScoringPolicy()
    d = ScoringPolicy()
    t = _number(raw, "threshold_points", fname, problems, d.threshold_points)
    g = _number(raw, "target_points", fname, problems, d.target_points)
    s = _number(raw, "stretch_points", fname, problems, d.stretch_points)
    missing = _text(raw.get("missing")) or "exclude"
    if missing not in ("exclude", "zero"):
        problems.append(
            Problem(
                fname,
                raw.get(LINE),
                "missing",
                f"'{missing}' is not a missing-data policy; use exclude or zero",
            )
        )
        missing = "exclude"
    floor = _number(raw, "min_coverage", fname, problems, d.min_coverage)
    floor = floor / 100.0 if 1 < floor <= 100 else floor  # written as a percent (80)
    if not 0 <= floor <= 1:
        text = f"min_coverage {floor:g} is not a share; write a value from 0 to 1 such as 0.8"
        problems.append(Problem(fname, raw.get(LINE), "min_coverage", text))
        floor = d.min_coverage
    if not (0 <= t < g < s):
        problems.append(
            Problem(
                fname,
                raw.get(LINE),
                "scoring",
                f"points must rise: 0 <= threshold_points ({t}) < target_points ({g}) < stretch_points ({s})",
            )
        )
        return ScoringPolicy(missing=missing, min_coverage=floor)
    return ScoringPolicy(t, g, s, missing, floor)


def _bands(raw, fname: str, problems: list[Problem]) -> tuple[tuple[str, float], ...]:
    if raw is None:
        return DEFAULT_BANDS
    bands = []
    items = (
        raw.items()
        if isinstance(raw, dict)
        else [(b.get("band"), b.get("min")) for b in raw if isinstance(b, dict)]
        if isinstance(raw, list)
        else None
    )
    if items is None:
        problems.append(
            Problem(
                fname,
                None,
                "bands",
                "bands must be a mapping such as {S: 110, A: 100, B: 85, C: 70, D: 0}",
            )
        )
        return DEFAULT_BANDS
    for name, low in items:
        if name == LINE:
            continue
        try:
            bands.append((str(name), float(low) if low is not None else float("-inf")))
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    fname,
                    getattr(raw, "get", lambda *_: None)(LINE),
                    "bands",
                    f"band '{name}' has no numeric minimum",
                )
            )
    bands.sort(key=lambda b: -b[1])
    if not bands:
        return DEFAULT_BANDS
    bands[-1] = (bands[-1][0], float("-inf"))
    return tuple(bands)
