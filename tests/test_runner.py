"""Planning the notebook chain and checking parameters (no kernel runs here; see test_cli_run)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from kpi_helpers.data.load import load_dataset
from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.report import registry
from kpi_helpers.run.plan import (
    PM_NOTEBOOK,
    check_parameters,
    find_notebooks,
    plan_run,
    report_title,
)
from kpi_helpers.run.pool import source_cell

FIXTURE_NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
STEMS = registry.stems()


def test_plan_runs_every_notebook_then_the_evaluation_per_pm(tiny_data):
    ds = load_dataset(tiny_data)
    jobs = plan_run(ds, "2026-Q2", "zh", ["pm01", "pm02"], FIXTURE_NOTEBOOKS)
    assert [j.name for j in jobs] == STEMS + ["05_evaluation_pm01", "05_evaluation_pm02"]
    assert [j.html for j in jobs[-2:]] == ["pm/pm01.html", "pm/pm02.html"]
    assert jobs[-1].executed == "executed/05_evaluation_pm02.ipynb"
    assert jobs[-1].notebook.name == f"{PM_NOTEBOOK}.ipynb"
    assert jobs[-1].title == "李娜 的绩效评估"
    assert jobs[0].title == "战略目标"


def test_plan_passes_an_explicit_period_and_an_absolute_data_folder(tiny_data, monkeypatch):
    monkeypatch.chdir(tiny_data.parent)
    ds = load_dataset(Path("data"))
    jobs = plan_run(ds, "2026-Q1", "en", ["pm01"], FIXTURE_NOTEBOOKS)
    company, pm = jobs[0].parameters, jobs[-1].parameters
    assert company == {
        "period": "2026-Q1",
        "data_dir": str(tiny_data.resolve()),
        "pm": "",
        "lang": "en",
        "interactive": False,
    }
    assert pm == {**company, "pm": "pm01"}
    assert Path(company["data_dir"]).is_absolute()


def test_report_titles_come_from_the_catalogue():
    assert report_title("04_feedback", "zh") == "客户反馈"
    assert report_title("04_feedback", "en") == "Customer feedback"
    assert report_title("07_extra", "en") == "07_extra"


def test_a_pm_id_that_cannot_be_a_file_name_is_refused(tiny_data):
    ds = load_dataset(tiny_data)
    with pytest.raises(KpiWorkbookError, match="pm_id '../x'"):
        plan_run(ds, "2026-Q2", "zh", ["../x"], FIXTURE_NOTEBOOKS)


def test_a_folder_without_the_evaluation_notebook_is_refused(tmp_path):
    shutil.copy(FIXTURE_NOTEBOOKS / "01_strategy.ipynb", tmp_path)
    with pytest.raises(KpiWorkbookError, match="05_evaluation.ipynb is missing"):
        find_notebooks(tmp_path)


def test_notebooks_are_found_in_reading_order():
    assert [p.stem for p in find_notebooks(FIXTURE_NOTEBOOKS)] == STEMS


def test_known_parameters_pass():
    check_parameters(FIXTURE_NOTEBOOKS / "01_strategy.ipynb", ["period", "data_dir", "pm", "lang"])


def test_an_unknown_parameter_is_an_error_naming_it():
    with pytest.raises(KpiWorkbookError) as err:
        check_parameters(FIXTURE_NOTEBOOKS / "01_strategy.ipynb", ["period", "colour"])
    message = str(err.value)
    assert "colour" in message and "01_strategy.ipynb" in message
    assert "period" in message  # says what the cell does set


def test_a_notebook_without_parameters_cell_is_an_error(tmp_path):
    nb = nbformat.read(FIXTURE_NOTEBOOKS / "01_strategy.ipynb", as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    path = tmp_path / "01_strategy.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(KpiWorkbookError, match="no cell tagged 'parameters'"):
        check_parameters(path, ["period"])


def test_failing_cell_is_numbered_as_in_the_source_notebook():
    # executed copy: [0] heading, [1] parameters, [2] injected parameters, [3] load, ...
    notebook = FIXTURE_NOTEBOOKS / "01_strategy.ipynb"
    assert source_cell(notebook, 3) == (3, "from pathlib import Path")
    assert source_cell(notebook, 1) == (2, 'period = ""')


def test_a_file_that_is_not_a_notebook_is_an_error_naming_it(tmp_path):
    path = tmp_path / "03_kpi_design.ipynb"
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(KpiWorkbookError, match="03_kpi_design.ipynb cannot be read as a notebook"):
        check_parameters(path, ["period"])
