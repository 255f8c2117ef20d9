"""`init`: a new data folder with every file of the contract that validates without a problem."""

from __future__ import annotations

import pytest

from kpi_helpers.data.load import read_dataset, validate_dataset
from kpi_helpers.data.scaffold import TEMPLATE_FILES, init_data_folder
from kpi_helpers.errors import KpiWorkbookError

CONTRACT_FILES = {
    "company.yaml",
    "people.csv",
    "kpis.csv",
    "targets.csv",
    "actuals.csv",
    "feedback.csv",
    "assessments.csv",
    "checkins.csv",
    "reviews.csv",
    "events.csv",
}


def test_writes_every_file_of_the_contract(tmp_path):
    folder = init_data_folder(tmp_path / "new" / "data")
    assert folder == tmp_path / "new" / "data"
    assert {p.name for p in folder.iterdir()} == CONTRACT_FILES == set(TEMPLATE_FILES)


def test_the_new_folder_validates_without_errors_or_warnings(tmp_path):
    _, problems = validate_dataset(init_data_folder(tmp_path / "data"))
    assert problems == []


def test_example_rows_are_bilingual_and_every_table_has_rows(tmp_path):
    ds, _ = read_dataset(init_data_folder(tmp_path / "data"))
    assert ds.company.name_en and all(o.name_en for o in ds.company.objectives)
    assert ds.people["name"].str.contains(r"[\u4e00-\u9fff]").all()
    assert ds.people["name_en"].notna().all() and ds.kpis["name_en"].notna().all()
    for name in ("people", "kpis", "targets", "actuals", "feedback", "reviews"):
        assert len(getattr(ds, name)) > 0, name
    assert set(ds.feedback["lang"]) == {"zh", "en"}
    assert set(ds.kpis["direction"]) == {"higher", "lower"}


def test_csv_files_carry_a_bom_so_excel_shows_chinese(tmp_path):
    folder = init_data_folder(tmp_path / "data")
    assert (folder / "kpis.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (folder / "company.yaml").read_bytes().startswith(b"\xef\xbb\xbf")


def test_an_existing_empty_folder_is_fine(tmp_path):
    (tmp_path / "data").mkdir()
    assert (init_data_folder(tmp_path / "data") / "kpis.csv").exists()


def test_refuses_a_folder_that_has_files(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(KpiWorkbookError, match="already exists and is not empty"):
        init_data_folder(folder)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_refuses_a_path_that_is_a_file(tmp_path):
    (tmp_path / "data").write_text("x", encoding="utf-8")
    with pytest.raises(KpiWorkbookError, match="is a file, not a folder"):
        init_data_folder(tmp_path / "data")
