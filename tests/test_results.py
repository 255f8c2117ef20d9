"""A period's results computed once: the index page and the workbook read them, the review
shares one history between findings and proposal."""

from __future__ import annotations

import pandas as pd
import pytest
from test_index_page import MADE, _jobs

from kpi_helpers.data.load import load_dataset
from kpi_helpers.engine import review as review_module
from kpi_helpers.engine.evaluation import all_actuals, evaluate_period
from kpi_helpers.engine.results import period_results
from kpi_helpers.engine.review import propose_targets, review_findings, review_period
from kpi_helpers.publish.index_page import render_index
from kpi_helpers.publish.workbook import workbook_tables


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from kpi_helpers.data.scaffold import init_data_folder

    ds = load_dataset(init_data_folder(tmp_path_factory.mktemp("results") / "data"))
    return ds, period_results(ds, "2026-Q2")


def test_results_hold_the_periods_scores_previous_totals_and_feedback(tiny):
    ds, results = tiny
    own = evaluate_period(ds, "2026-Q2")
    pd.testing.assert_frame_equal(results.evaluation.totals, own.totals)
    assert results.evaluation.previous == "2026-Q1"
    pd.testing.assert_frame_equal(
        results.previous_totals, evaluate_period(ds, "2026-Q1").totals, check_like=True
    )
    by_period = results.feedback_by_period.set_index("period")
    assert {"2026-Q1", "2026-Q2"} <= set(by_period.index)
    assert -100 <= by_period.loc["2026-Q2", "nps"] <= 100
    assert set(results.feedback_by_product["product"]) <= set(ds.feedback["product"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_index_and_workbook_from_the_runs_results_are_the_pages_made_alone(tiny, lang):
    ds, results = tiny
    jobs = _jobs(["pm01", "pm02"], lang)
    alone = render_index(ds, "2026-Q2", lang, jobs, MADE)
    assert render_index(ds, "2026-Q2", lang, jobs, MADE, results=results) == alone
    mine, theirs = (
        workbook_tables(ds, "2026-Q2", lang, results),
        workbook_tables(ds, "2026-Q2", lang),
    )
    assert list(mine) == list(theirs)
    for sheet in mine:
        pd.testing.assert_frame_equal(mine[sheet], theirs[sheet])


def test_given_results_the_index_and_workbook_compute_nothing_again(tiny, monkeypatch):
    ds, results = tiny

    def refuse(*args, **kwargs):
        raise AssertionError("the period was evaluated again")

    for module in ("kpi_helpers.report.summary", "kpi_helpers.publish.workbook"):
        monkeypatch.setattr(f"{module}.period_results", refuse)
    assert "2026-Q2" in render_index(
        ds, "2026-Q2", "en", _jobs(["pm01"], "en"), MADE, results=results
    )
    assert len(workbook_tables(ds, "2026-Q2", "en", results)["scorecard"]) == 6


def test_review_builds_the_history_once_for_findings_and_proposal(tiny, monkeypatch):
    ds, _ = tiny
    actuals = all_actuals(ds)
    args = (ds.kpis, ds.targets, actuals, ds.company, "2026-Q2")
    findings, proposal = review_findings(*args), propose_targets(*args)
    calls = []
    original = review_module.kpi_history
    monkeypatch.setattr(
        review_module, "kpi_history", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    review = review_period(ds, "2026-Q2", actuals)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(review.findings, findings)
    pd.testing.assert_frame_equal(review.proposal, proposal)


def test_the_runs_feedback_analysis_is_every_comments_sentiment_as_scored_alone(tiny):
    from kpi_helpers.feedback.metrics import add_period, with_sentiment

    ds, _ = tiny
    analysed = period_results(ds, "2026-Q2", analyse=True).feedback_analysed
    alone = with_sentiment(add_period(ds.feedback, ds.company.cadence))
    assert list(analysed.index) == list(ds.feedback.index)
    for column in ("period", "sentiment", "sentiment_score", "lang"):
        pd.testing.assert_series_equal(analysed[column], alone[column])
    assert period_results(ds, "2026-Q2").feedback_analysed is None  # only when asked


def test_themes_without_examples_are_the_same_themes(tiny):
    from kpi_helpers.report.feedback_view import feedback_view

    ds, _ = tiny
    full, lean = feedback_view(ds, "2026-Q2"), feedback_view(ds, "2026-Q2", examples=False)
    assert any(full.themes["examples"].map(len)) and not any(lean.themes["examples"].map(len))
    pd.testing.assert_frame_equal(
        full.themes.drop(columns="examples"), lean.themes.drop(columns="examples")
    )
