"""config.py names every environment variable once; no other module spells one out."""

from __future__ import annotations

import ast
from pathlib import Path

from kpi_helpers import config

PACKAGE = Path(config.__file__).resolve().parent
PREFIX = "KPI_WORKBOOK_"


def _env_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(PREFIX)
    ]


def test_only_config_spells_out_an_environment_variable():
    found = {
        str(p.relative_to(PACKAGE)): _env_literals(p)
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.name != "config.py"
    }
    assert {k: v for k, v in found.items() if v} == {}


def test_each_environment_variable_has_one_name_and_each_name_one_variable():
    names = {n: v for n, v in vars(config).items() if isinstance(v, str) and v.startswith(PREFIX)}
    assert all(n.endswith("_ENV") for n in names)
    assert len(set(names.values())) == len(names)  # no two names for one variable
    assert sorted(names.values()) == sorted(_env_literals(PACKAGE / "config.py"))
    assert {
        "KPI_WORKBOOK_REUSE_DATA",
        "KPI_WORKBOOK_KERNEL_REUSE",
        "KPI_WORKBOOK_DATASET",
        "KPI_WORKBOOK_HEADLESS",
        "KPI_WORKBOOK_LAB",
        "KPI_WORKBOOK_CHROMIUM",
        "KPI_WORKBOOK_DATA_URL",
    } <= set(names.values())
