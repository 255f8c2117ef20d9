"""environment.yml (conda) and pyproject.toml must name the same dependencies and minimums."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(meta["dependencies"]) + list(meta["optional-dependencies"]["dev"])
    return dict(_split(r) for r in reqs)


def _environment() -> tuple[dict[str, str], dict]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps: dict[str, str] = {}
    for item in env["dependencies"]:
        if isinstance(item, dict):
            for r in item.get("pip", []):
                if not r.startswith("-"):
                    deps.update([_split(r)])
        elif not item.startswith(("python", "pip")) or item.startswith("python-"):
            deps.update([_split(item)])
    return deps, env


def test_environment_matches_pyproject():
    env_deps, env = _environment()
    assert env["channels"] == ["conda-forge"]
    assert env_deps == _pyproject()


def test_environment_pins_python_like_pyproject():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert f"python{meta['requires-python']}" in env["dependencies"]


def _third_party_imports(*folders: str) -> set[str]:
    """Top-level names imported anywhere in `folders` (inside functions too), minus the standard
    library and the project's own modules."""
    import ast
    import sys

    own = {p.stem for f in ("", "tests", "bench") for p in (ROOT / f).glob("*.py")}
    own |= {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    names: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in own}


def _undeclared(imports: set[str], declared: set[str]) -> dict[str, list[str]]:
    from importlib.metadata import packages_distributions

    dists = packages_distributions()
    out = {}
    for name in sorted(imports):
        provided_by = {_split(d)[0] for d in dists.get(name, [name])}
        if not provided_by & declared:
            out[name] = sorted(provided_by)
    return out


def test_every_package_the_code_imports_is_declared():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_split(r)[0] for r in meta["dependencies"]}
    dev = runtime | {_split(r)[0] for r in meta["optional-dependencies"]["dev"]}
    assert _undeclared(_third_party_imports("kpi_helpers"), runtime) == {}
    assert _undeclared(_third_party_imports("tests", "bench", "tools"), dev) == {}
