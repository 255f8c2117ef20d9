"""The package's shape: wings import only downwards, no import circle, no module past 500 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kpi_helpers"
# Lower rank first; a wing may import only wings of a lower rank (and the top-level base).
WINGS = {
    "data": 1,
    "feedback": 2,
    "engine": 3,
    "report": 4,
    "publish": 5,
    "widgets": 5,
    "run": 6,
    "cli": 7,
}
BASE = {"errors", "config", "periods", "stats"}  # importable from everywhere
TOP_LEVEL_EXTRA = 3  # other top-level modules allowed beside BASE and __init__
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every kpi_helpers module a file imports, at the top or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path).split(".")
    package = me if path.name == "__init__.py" else me[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("kpi_helpers")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module.startswith("kpi_helpers"):
                continue
            found.add(module)
            for a in node.names:  # `from kpi_helpers.report import labels` imports a module
                found.add(f"{module}.{a.name}")
    return found


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(p) if m in files and m != name} for name, p in files.items()}


def _wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_wings_import_only_downwards():
    wrong = []
    for module, deps in _graph().items():
        wing = _wing(module)
        for dep in deps:
            target = _wing(dep)
            if target in BASE or target is None or target == wing:
                continue
            if wing in BASE:
                wrong.append(f"{module} (base) imports {dep}")
            elif target not in WINGS:
                wrong.append(f"{module} imports {dep}, which is in no wing")
            elif WINGS[target] >= WINGS.get(wing, 0):
                wrong.append(f"{module} ({wing}) imports {dep} ({target})")
    assert not wrong, "imports against the wing order:\n" + "\n".join(sorted(wrong))


def test_base_modules_import_no_wing():
    for module, deps in _graph().items():
        if _wing(module) in BASE:
            assert all(_wing(d) in BASE for d in deps), (module, deps)


def test_no_import_circle():
    graph = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in _graph().items()}
    # A package importing its own submodules (re-exports in __init__) is not a circle.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                return stack[stack.index(d) :] + [d]
            if d not in state and (cycle := visit(d)):
                return cycle
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (cycle := visit(m)):
            pytest.fail("import circle: " + " -> ".join(cycle))


def test_top_level_holds_only_the_base():
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert BASE <= top | BASE
    assert len(top - BASE) <= TOP_LEVEL_EXTRA, sorted(top - BASE)
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders <= set(WINGS), sorted(folders - set(WINGS))


def test_no_module_over_500_lines():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_the_check_sees_a_wrong_import(tmp_path, monkeypatch):
    """The rule is not vacuous: an engine module importing report is caught."""
    bad = PACKAGE / "engine" / "_probe_wrong_import.py"
    bad.write_text("from kpi_helpers.report import labels\n", encoding="utf-8")
    try:
        with pytest.raises(AssertionError, match="_probe_wrong_import"):
            test_wings_import_only_downwards()
    finally:
        bad.unlink()
