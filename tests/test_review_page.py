"""06 Review and adjustment: a chart of one item (one PM's trend, a PM with one KPI) is replaced
by its sentence, a result computed from customer feedback is marked ※ in the score-history heat
map, and manager pages speak of targets and results, never of file or column names."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.report import narrative, sections, views
from kpi_helpers.report.context import open_period
from kpi_helpers.report.i18n import catalogue


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The example company (2026-Q1 and 2026-Q2) with K04 NPS computed from customer feedback
    in 2026-Q2 (data source feedback.nps, no actual written for it)."""
    folder = init_data_folder(tmp_path_factory.mktemp("review") / "data")
    kpis = (folder / "kpis.csv").read_text(encoding="utf-8")
    (folder / "kpis.csv").write_text(kpis.replace(",季度问卷,", ",feedback.nps,"), encoding="utf-8")
    actuals = (folder / "actuals.csv").read_text(encoding="utf-8").splitlines()
    actuals = [a for a in actuals if not a.startswith("2026-Q2,K04,")]
    (folder / "actuals.csv").write_text("\n".join(actuals) + "\n", encoding="utf-8")
    return folder


def _pm02_k05(frame: pd.DataFrame) -> pd.DataFrame:
    """Li Na (pm02) with her on-time launch rate only."""
    keep = frame["pm_id"] == "pm02"
    return frame[keep & (frame["kpi_id"] == "K05")] if "kpi_id" in frame else frame[keep]


def _scores(ctx, pm_id: str) -> pd.Series:
    """pm_id's total per period, as the engine scored it."""
    trend = views.totals_trend(ctx.evaluations)
    return trend[trend["pm_id"] == pm_id].set_index("period")["total"]


def test_one_pms_trend_is_a_sentence_of_every_periods_total(folder, shown):
    ctx = open_period(folder, lang="en")
    sections.review.trends(ctx)
    assert "<img" in "\n".join(shown)  # two PMs: the chart

    shown.clear()
    sections.review.trends(ctx, lambda f: f[f["pm_id"] == "pm02"])
    text = "\n".join(shown)
    assert "<img" not in text
    q1, q2 = _scores(ctx, "pm02")[["2026-Q1", "2026-Q2"]]
    assert f"Li Na's total per period: 2026-Q1 {q1:.1f} (" in text
    assert f", 2026-Q2 {q2:.1f} (" in text
    assert f"{q2 - q1:+.1f} points since 2026-Q1." in text
    assert "improved most" not in text  # no ranking among one

    shown.clear()
    sections.review.trends(open_period(folder, lang="zh"), lambda f: f[f["pm_id"] == "pm02"])
    text = "\n".join(shown)
    assert "<img" not in text and f"李娜各期总分：2026-Q1 {q1:.1f}" in text


def test_a_pms_page_shows_their_trend_as_a_sentence(folder, shown):
    sections.review.trends(open_period(folder, lang="en", pm="pm01"))
    text = "\n".join(shown)
    assert "<img" not in text and "Zhang Wei's total per period: 2026-Q1" in text


def test_a_pm_with_one_kpi_gets_a_sentence_not_a_heat_map(folder, shown):
    ctx = open_period(folder, lang="en")
    sections.review.kpi_scores(ctx, _pm02_k05)
    text = "\n".join(shown)
    assert "<img" not in text
    history = views.score_matrix(views.kpi_trend(ctx.evaluations), "pm02").loc["K05"]
    items = ", ".join(f"{p} {v:.0f}" for p, v in history.items())
    assert f"Li Na has one KPI, K05 On-time launch rate; its points per period: {items}." in text
    assert "※" not in text

    shown.clear()
    sections.review.kpi_scores(ctx, lambda f: f[f["pm_id"] == "pm02"])  # three KPIs: a heat map
    assert "<img" in "\n".join(shown)


def test_the_only_kpi_computed_from_feedback_is_marked_in_its_sentence(folder, shown):
    only_k04 = lambda f: f[  # noqa: E731
        (f["pm_id"] == "pm02") & (f["kpi_id"] == "K04" if "kpi_id" in f else True)
    ]
    sections.review.kpi_scores(open_period(folder, lang="en"), only_k04)
    text = "\n".join(shown)
    assert "K04 NPS ※" in text
    assert "※ marks a result computed from customer feedback or reviews." in text


def test_a_derived_result_is_marked_in_the_score_history_heat_map(folder, monkeypatch, shown):
    from kpi_helpers.report import plots

    drawn: dict[str, tuple[list[str], str]] = {}
    every = plots.score_history

    def spy(matrix, title, lang="zh"):
        drawn[lang] = (list(matrix.index), title)
        return every(matrix, title, lang)

    monkeypatch.setattr(plots, "score_history", spy)
    for lang, note in (("en", "result computed from customer feedback"), ("zh", "客户反馈")):
        sections.review.kpi_scores(
            open_period(folder, lang=lang), lambda f: f[f["pm_id"] == "pm02"]
        )
        rows, title = drawn[lang]
        assert [r for r in rows if r.endswith("※")] == [r for r in rows if r.startswith("K04")]
        assert len(rows) == 3 and "※" in title and note in title
    text = "\n".join(shown)
    assert re.search(r'<img [^>]*alt="[^"]*K04 NPS ※', text)  # the alt text marks it too

    drawn.clear()
    sections.review.kpi_scores(open_period(folder, lang="en"), lambda f: f[f["pm_id"] == "pm01"])
    rows, title = drawn["en"]
    assert not any("※" in r for r in rows) and "※" not in title  # nothing derived: no mark


def test_one_trend_and_one_kpi_sentences_on_known_values():
    trend = pd.DataFrame(
        {
            "period": ["2025-Q4", "2026-Q1", "2026-Q2"],
            "label": ["Wang Fang"] * 3,
            "total": [82.0, 90.46, 101.27],
            "band": ["B", "A", "S"],
        }
    )
    assert narrative.one_trend(trend, "en") == (
        "Wang Fang's total per period: 2025-Q4 82.0 (B), 2026-Q1 90.5 (A), 2026-Q2 101.3 (S)."
        " +19.3 points since 2025-Q4."
    )
    assert narrative.one_trend(trend.tail(1), "en") == (
        "Wang Fang's total per period: 2026-Q2 101.3 (S)."
        " Only one period of data so far, so there is no trend yet."
    )
    matrix = pd.DataFrame([[95.0, None, 110.4]], index=["K09 CSAT ※"], columns=trend["period"])
    assert narrative.one_kpi_history("王芳", matrix, True, "zh") == (
        "王芳只有一个 KPI：K09 CSAT ※；各期得分：2025-Q4 95、2026-Q2 110。"
        "※ 表示实际值由客户反馈或评价推算。"
    )


# Texts that reach report pages: every section of the catalogues except the lab's widgets,
# whose messages are about the files they write.
_FILE_WORDS = re.compile(
    r"\.csv|\.yaml|period_to|period_from|data_source|rater_id|kpis\.csv|actuals\.csv"
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_texts_speak_of_targets_and_results_not_files_or_columns(lang):
    texts = {k: v for k, v in catalogue(lang).items() if not k.startswith("widgets.")}
    found = {k: v for k, v in texts.items() if _FILE_WORDS.search(v)}
    assert found == {}


def test_pages_without_assessments_guideline_or_rater_ids_say_so_in_plain_words(tmp_path, shown):
    folder = init_data_folder(tmp_path / "data")
    (folder / "assessments.csv").unlink(missing_ok=True)
    ctx = open_period(folder, lang="en", pm="pm01")
    sections.evaluation.pm_assessments(ctx)
    text = "\n".join(shown)
    assert f"No self-assessment or manager comment for {ctx.period} yet." in text
    assert ".csv" not in text

    reviews = (folder / "reviews.csv").read_text(encoding="utf-8").splitlines()
    reviews = [line.rsplit(",", 1)[0] for line in reviews]  # no rater_id column
    (folder / "reviews.csv").write_text("\n".join(reviews) + "\n", encoding="utf-8")
    shown.clear()
    ctx = open_period(folder, lang="en")  # the example company sets no rating guideline
    sections.calibration.bands(ctx)
    sections.calibration.leniency(ctx)
    text = "\n".join(shown)
    assert "The company has set no guideline for the share of each rating" in text
    assert "do not say which rater gave them, so rater leniency cannot be measured." in text
    assert not _FILE_WORDS.search(text) and "company.yaml" not in text
