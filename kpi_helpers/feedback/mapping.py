"""Feedback mappings: which header of an export holds which feedback field, and how it reads."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from kpi_helpers.data.input_files import (
    InputRefused,
    YamlLimitError,
    read_input_bytes,
    safe_yaml_load,
)
from kpi_helpers.data.reading import NOT_TEXT, decode_bytes
from kpi_helpers.data.schema import FEEDBACK
from kpi_helpers.errors import DataError, Problem, UsageError

FIELDS = tuple(c.name for c in FEEDBACK.columns)  # the contract's feedback.csv columns
SCORES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}  # the scales metrics work on
DEFAULT_MAPPING = "project"  # the data folder's feedback.csv, built from the schema
# How empty cells of the project's own layout read; its headers and aliases are the schema's.
PROJECT_DEFAULTS = {"product": "all", "channel": "all"}


@dataclass(frozen=True)
class FieldSpec:
    """Where one feedback field comes from and how its cells are read."""

    columns: tuple[str, ...] = ()
    scale: tuple[float, float] | None = None
    values: dict[str, float] = field(default_factory=dict)
    format: str | None = None
    default: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A mapping YAML: candidate headers per field, reading rules, extra columns to keep."""

    name: str
    fields: dict[str, FieldSpec]
    description: str = ""
    required: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    duplicates: str = "drop"  # "drop" or "keep"
    source: str = ""


def header_key(text: object) -> str:
    """Headers compare without case, spaces and full-width forms: 推荐意愿（0-10） == 推荐意愿(0-10)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


def shipped_mappings() -> list[str]:
    """Names of the mappings that come with the package (usable as --mapping NAME)."""
    folder = resources.files(__package__) / "mappings"
    files = [p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")]
    return sorted({DEFAULT_MAPPING, *files})


def project_mapping() -> Mapping:
    """The data folder's feedback.csv layout: the schema's FEEDBACK columns and their aliases."""
    fields = {
        c.name: FieldSpec(
            columns=(c.name, *c.aliases),
            scale=tuple(float(v) for v in SCORES[c.name]) if c.name in SCORES else None,
            default=PROJECT_DEFAULTS.get(c.name),
        )
        for c in FEEDBACK.columns
    }
    return Mapping(
        name=DEFAULT_MAPPING,
        fields=fields,
        description="the data folder's feedback.csv (" + ", ".join(FIELDS) + ")",
        required=tuple(FEEDBACK.required),
        duplicates="drop",
        source="feedback.csv",
    )


def _parse_field(name: str, spec, where: str) -> FieldSpec:
    if isinstance(spec, (str, int)):
        return FieldSpec(columns=(str(spec),))
    if isinstance(spec, list):
        return FieldSpec(columns=tuple(str(c) for c in spec))
    if not isinstance(spec, dict):
        raise _mapping_error(where, name, "must be a header, a list of headers or a mapping")
    unknown = set(spec) - {"columns", "scale", "values", "format", "default"}
    if unknown:
        raise _mapping_error(
            where,
            name,
            f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
            "use columns, scale, values, format or default",
        )
    cols = spec.get("columns") or ()
    cols = (cols,) if isinstance(cols, str) else tuple(str(c) for c in cols)
    scale = spec.get("scale")
    if scale is not None:
        ok = (
            isinstance(scale, list)
            and len(scale) == 2
            and all(isinstance(v, (int, float)) for v in scale)
            and scale[0] < scale[1]
        )
        if not ok or name not in SCORES:
            raise _mapping_error(
                where, name, "scale must be [low, high] such as [1, 5], and only on nps/csat/ces"
            )
        scale = (float(scale[0]), float(scale[1]))
    values = {header_key(k): float(v) for k, v in (spec.get("values") or {}).items()}
    default = spec.get("default")
    return FieldSpec(
        columns=cols,
        scale=scale,
        values=values,
        format=spec.get("format"),
        default=None if default is None else str(default),
    )


def _mapping_error(where: str, column: str, message: str) -> DataError:
    return DataError([Problem(where, None, column, message)])


def parse_mapping(data: dict, source: str = "mapping") -> Mapping:
    """A Mapping from the YAML's content; DataError naming the field for anything unusable."""
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise _mapping_error(source, "fields", "the mapping needs a 'fields:' section")
    unknown = set(data["fields"]) - set(FIELDS)
    if unknown:
        raise _mapping_error(
            source,
            ", ".join(sorted(map(str, unknown))),
            f"not a feedback field; the fields are {', '.join(FIELDS)}",
        )
    fields = {k: _parse_field(k, v, source) for k, v in data["fields"].items() if v is not None}
    dup = str(data.get("duplicates", "drop"))
    if dup not in ("drop", "keep"):
        raise _mapping_error(source, "duplicates", "write 'drop' or 'keep'")
    keep = data.get("keep") or ()
    return Mapping(
        name=str(data.get("name") or Path(source).stem),
        fields=fields,
        description=str(data.get("description") or ""),
        required=tuple(data.get("required") or ()),
        keep=(keep,) if isinstance(keep, str) else tuple(str(k) for k in keep),
        duplicates=dup,
        source=source,
    )


def load_mapping(mapping: str | Path | Mapping | None = None) -> Mapping:
    """A mapping by path or shipped name (None: the project's own feedback.csv layout)."""
    if isinstance(mapping, Mapping):
        return mapping
    mapping = DEFAULT_MAPPING if mapping is None else mapping
    path = Path(mapping)
    if not path.is_file() and str(mapping) == DEFAULT_MAPPING:
        return project_mapping()
    if path.exists():
        source = path.name
        try:
            text = decode_bytes(read_input_bytes(path, "yaml"))[0]
        except InputRefused as e:
            raise DataError([Problem(source, None, "-", str(e))]) from None
        if text is None:
            raise DataError([Problem(source, None, "-", NOT_TEXT)])
    else:
        name = path.name[:-5] if path.name.endswith((".yaml", ".yml")) else str(mapping)
        res = resources.files(__package__) / "mappings" / f"{name}.yaml"
        if not res.is_file():
            raise UsageError(
                f"--mapping: '{mapping}' is neither a file nor a shipped mapping; "
                f"shipped: {', '.join(shipped_mappings())}"
            )
        text, source = res.read_text(encoding="utf-8"), f"{name}.yaml"
    try:
        data = safe_yaml_load(text)
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        what = (
            e.problem if isinstance(e, YamlLimitError) else "is not valid YAML; check indentation"
        )
        raise DataError([Problem(source, None if line is None else line + 1, "-", what)]) from None
    return parse_mapping(data, source)


def match_columns(mapping: Mapping, columns) -> dict[str, str]:
    """field -> the file's header holding it (first candidate present wins)."""
    by_key: dict[str, str] = {}
    for c in columns:
        by_key.setdefault(header_key(c), c)
    found = {}
    for name, spec in mapping.fields.items():
        for cand in spec.columns:
            if header_key(cand) in by_key:
                found[name] = by_key[header_key(cand)]
                break
    return found


def fitting_mappings(columns) -> list[str]:
    """Shipped mappings whose required columns and at least one score or text column are present."""
    out = []
    for name in shipped_mappings():
        m = load_mapping(name)
        found = match_columns(m, columns)
        if set(m.required) <= set(found) and set(found) & {"nps", "csat", "ces", "text"}:
            out.append(name)
    return out
