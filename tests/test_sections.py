"""Report sections and the notebook registry: notebooks stay thin, each calls the sections the
registry lists, and a section shows the same thing to a notebook and to the pickers' filter."""

from __future__ import annotations

import inspect
import re

import nbformat
import pytest

from kpi_helpers.config import NOTEBOOKS_DIR
from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.report import registry, sections
from kpi_helpers.report.context import open_period
from kpi_helpers.run.plan import PM_NOTEBOOK, find_notebooks

_CALL = re.compile(r"sections\.(\w+)\.(\w+)\(ctx")


def _code_cells(stem: str) -> list[str]:
    nb = nbformat.read(NOTEBOOKS_DIR / f"{stem}.ipynb", as_version=4)
    return [
        c.source
        for c in nb.cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]


def test_the_notebooks_folder_holds_exactly_the_registered_notebooks():
    on_disk = sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb"))
    assert on_disk == sorted(registry.stems())
    assert [p.stem for p in find_notebooks(NOTEBOOKS_DIR)] == registry.stems()
    assert PM_NOTEBOOK == registry.per_pm().stem
    assert [nb for nb in registry.NOTEBOOKS if nb.per_pm] == [registry.per_pm()]


def test_notebook_code_cells_average_at_most_three_lines():
    for nb in registry.NOTEBOOKS:
        cells = _code_cells(nb.stem)
        lines = [len(c.strip().splitlines()) for c in cells]
        assert sum(lines) / len(lines) <= 3, f"{nb.file}: {lines}"
        assert max(lines) <= 3, f"{nb.file}: a cell of {max(lines)} lines belongs in a section"


@pytest.mark.parametrize("entry", registry.NOTEBOOKS, ids=lambda nb: nb.stem)
def test_each_notebook_calls_its_registered_sections_in_order(entry):
    calls = [m.groups() for c in _code_cells(entry.stem) for m in _CALL.finditer(c)]
    assert {module for module, _ in calls} == {entry.module}
    shown = [name for _, name in calls if not name.startswith("check_")]
    assert shown == list(entry.sections)
    module = getattr(sections, entry.module)
    for name in entry.sections + entry.rerender:
        params = list(inspect.signature(getattr(module, name)).parameters)
        assert params == ["ctx", "keep"], f"{entry.module}.{name}{params}"
    assert set(entry.rerender) <= set(entry.sections)
    cells = _code_cells(entry.stem)
    assert f'sections.start("{entry.stem}"' in cells[0]
    assert cells[-1].strip() == f'widgets.controls(ctx, "{entry.stem}")'


def test_registry_look_up_by_stem_number_file_and_module():
    evaluation = registry.notebook("05_evaluation")
    assert registry.notebook("05") is evaluation
    assert registry.notebook("evaluation") is evaluation
    assert registry.notebook("05_evaluation.ipynb") is evaluation
    with pytest.raises(ValueError, match="unknown notebook '09'.*01_strategy"):
        registry.notebook("09")


# -- sections on the `kpi-workbook init` example ------------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """pm01 (Zhang Wei) owns K01-K03, pm02 (Li Na) K04-K06; latest period 2026-Q2."""
    return open_period(init_data_folder(tmp_path_factory.mktemp("example") / "data"), lang="en")


@pytest.fixture(scope="module")
def example_pm(example):
    """The same example as pm01's page (the review pack)."""
    return open_period(example.ds.data_dir, lang="en", pm="pm01")


def _only(pm_id: str):
    return lambda frame: frame[frame["pm_id"] == pm_id]


def test_a_filtered_section_shows_only_the_kept_pm(example, shown):
    sections.evaluation.kpis(example, _only("pm02"))
    text = "\n".join(shown)
    assert shown[0] == "## Actual against target per KPI"
    assert "### Li Na" in text and "Zhang Wei" not in text
    assert re.findall(r"<img [^>]*alt=\"[^\"]{10,}\"", text)  # one chart, with alt text

    shown.clear()
    sections.evaluation.kpis(example)  # the notebook's call: every PM
    text = "\n".join(shown)
    assert "### Li Na" in text and "### Zhang Wei" in text


def test_the_filtered_totals_table_lists_the_kept_pm_only(example, shown):
    sections.evaluation.totals(example, _only("pm01"))
    table = shown[-1]
    assert "<table" in table and "Zhang Wei" in table and "Li Na" not in table
    assert sections.evaluation.check_totals(example).split("\n")[0].split() == [
        "pm_id",
        "total",
        "band",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("entry", registry.NOTEBOOKS, ids=lambda nb: nb.stem)
def test_every_section_starts_with_its_heading(example, example_pm, shown, entry):
    module = getattr(sections, entry.module)
    for name in entry.sections:
        shown.clear()
        getattr(module, name)(example)
        if name.startswith("pm_"):  # a PM page's review-pack section: nothing on company pages
            assert shown == [], f"{entry.module}.{name} showed {shown[:1]} on a company page"
            getattr(module, name)(example_pm)
        assert shown and shown[0].startswith("## "), f"{entry.module}.{name}: {shown[:1]}"
        for img in re.findall(r"<img [^>]*>", "\n".join(shown)):
            assert re.search(r'alt="[^"]{10,}"', img), f"{entry.module}.{name}: no alt text"
