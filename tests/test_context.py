"""open_period: where the data folder is found, which period and PM, and clear parameter errors."""

from pathlib import Path

import pandas as pd
import pytest

from kpi_helpers.config import REUSE_DATA_ENV
from kpi_helpers.report.context import ReportError, open_period, resolve_data_dir


def test_relative_data_dir_is_taken_from_the_project_root(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "notebooks").mkdir()
    assert resolve_data_dir("data", cwd=tmp_path / "notebooks") == (tmp_path / "data").resolve()
    assert resolve_data_dir("data", cwd=tmp_path) == (tmp_path / "data").resolve()
    assert resolve_data_dir(str(tmp_path / "data"), cwd=Path("/")) == tmp_path / "data"


def test_defaults_to_the_latest_period_and_the_company_language(tiny_data):
    ctx = open_period(tiny_data, "", "", "")
    assert (ctx.period, ctx.previous, ctx.lang) == ("2026-Q2", "2026-Q1", "zh")
    assert ctx.pm_ids == ["pm01", "pm02"]
    assert ctx.history == ["2026-Q1", "2026-Q2"]
    assert ctx.title("nb05") == "# 示例科技 · 2026-Q2 · 绩效评估"


def test_one_pm_in_english(tiny_data):
    ctx = open_period(tiny_data, "2026q1", "en", "pm02")
    assert ctx.period == "2026-Q1" and ctx.previous is None
    assert ctx.pm_ids == ["pm02"]
    assert ctx.title("nb05") == "# Example Tech · 2026-Q1 · Performance evaluation · Li Na"
    assert set(ctx.for_pm(ctx.evaluation.card)["pm_id"]) == {"pm02"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "2030-Q1"}, "period 2030-Q1 has no actuals or targets in the data; periods"),
        ({"period": "2026-H1"}, "period 2026-H1 does not fit the company's cadence"),
        ({"period": "Q3"}, "is not a period"),
        (
            {"pm": "pm99"},
            "pm: no product manager with id pm99 in people.csv .ids there: pm01, pm02.",
        ),
        ({"lang": "fr"}, "use 'zh' or 'en'"),
    ],
)
def test_bad_parameters_give_one_clear_sentence(tiny_data, kwargs, message):
    with pytest.raises(ReportError, match=message.replace("(", r"\(")):
        open_period(tiny_data, **kwargs)


def test_report_kernels_share_the_loaded_data_between_notebooks(tiny_data, monkeypatch):
    monkeypatch.setenv(REUSE_DATA_ENV, "1")
    everyone = open_period(tiny_data, "2026-Q2", "zh", "")
    one = open_period(tiny_data, "2026-Q2", "en", "pm02")
    assert one.ds is everyone.ds and one.evaluation is everyone.evaluation
    assert (everyone.pm, everyone.lang, one.pm, one.lang) == ("", "zh", "pm02", "en")
    assert everyone.pm_ids == ["pm01", "pm02"] and one.pm_ids == ["pm02"]
    assert open_period(tiny_data, "2026-Q1").evaluation is not everyone.evaluation


def test_a_changed_file_is_loaded_again(tiny_data, monkeypatch):
    monkeypatch.setenv(REUSE_DATA_ENV, "1")
    before = open_period(tiny_data, "2026-Q2")
    people = tiny_data / "people.csv"
    people.write_text(people.read_text(encoding="utf-8").replace("Li Na", "Li Na Z"), "utf-8")
    after = open_period(tiny_data, "2026-Q2", "en", "pm02")
    assert after.ds is not before.ds
    assert after.pm_name("pm02") == "Li Na Z"


def test_outside_report_kernels_every_call_loads_afresh(tiny_data, monkeypatch):
    monkeypatch.delenv(REUSE_DATA_ENV, raising=False)
    assert open_period(tiny_data, "2026-Q2").ds is not open_period(tiny_data, "2026-Q2").ds


def test_a_kernel_starts_from_the_data_set_the_run_handed_over(tiny_data, tmp_path, monkeypatch):
    import pickle

    from kpi_helpers.config import DATASET_ENV
    from kpi_helpers.data.folder import folder_fingerprint
    from kpi_helpers.data.load import load_dataset

    monkeypatch.setenv(REUSE_DATA_ENV, "1")
    ds = load_dataset(tiny_data)
    ds.people.loc[ds.people["pm_id"] == "pm02", "name_en"] = "Handed Over"
    handed = tmp_path / "dataset.pickle"
    handed.write_bytes(pickle.dumps((folder_fingerprint(tiny_data), ds, None)))
    monkeypatch.setenv(DATASET_ENV, str(handed))
    assert open_period(tiny_data, "2026-Q2", "en", "pm02").pm_name("pm02") == "Handed Over"
    # the folder changed since the run loaded it: the kernel reads the folder
    (tiny_data / "notes.txt").write_text("new file", encoding="utf-8")
    assert open_period(tiny_data, "2026-Q2", "en", "pm02").pm_name("pm02") == "Li Na"


def test_a_kernel_takes_the_runs_results_and_feedback_for_its_period(
    tiny_data, tmp_path, monkeypatch
):
    """The run hands over the period's results (evaluation, review, every comment's sentiment)
    and the company's feedback view: the kernel shows those, and computes nothing again."""
    import pickle

    from kpi_helpers.config import DATASET_ENV
    from kpi_helpers.data.folder import folder_fingerprint
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.report import sections
    from kpi_helpers.report.context import Handover
    from kpi_helpers.report.feedback_view import feedback_view, report_view
    from kpi_helpers.run.runner import _handover, _results

    monkeypatch.setenv(REUSE_DATA_ENV, "1")
    ds = load_dataset(tiny_data)
    handover = _handover(ds, "2026-Q2", _results(ds, "2026-Q2"))
    assert isinstance(handover, Handover) and handover.results.feedback_analysed is not None
    handed = tmp_path / "dataset.pickle"
    handed.write_bytes(pickle.dumps((folder_fingerprint(tiny_data), ds, handover)))
    monkeypatch.setenv(DATASET_ENV, str(handed))
    ctx = open_period(tiny_data, "2026-Q2", "en")
    took = ctx.handover
    assert took is not None and sections.review.result(ctx) is took.results.review
    assert ctx.evaluation is took.results.evaluation and ctx.actuals is took.results.actuals
    assert took.company_feedback.rows is None  # left out of the hand-over, made where shown
    assert report_view(ctx) is took.company_feedback
    company = feedback_view(load_dataset(tiny_data), "2026-Q2")
    pd.testing.assert_frame_equal(report_view(ctx).rows, company.rows)
    pd.testing.assert_frame_equal(report_view(ctx).themes, company.themes)
    pm = open_period(tiny_data, "2026-Q2", "en", "pm01")
    mine, alone = report_view(pm), feedback_view(load_dataset(tiny_data), "2026-Q2", "pm01")
    pd.testing.assert_frame_equal(mine.rows, alone.rows)
    pd.testing.assert_frame_equal(mine.by_period, alone.by_period)
    pd.testing.assert_frame_equal(mine.themes, alone.themes)
    # another period of the same folder: the kernel computes its own
    other = open_period(tiny_data, "2026-Q1", "en")
    assert other.handover is None and other.evaluation.period == "2026-Q1"
