"""Report sentences: they carry the computed numbers, in Chinese and in English."""

import numpy as np
import pandas as pd
import pytest

from kpi_helpers.report import narrative
from kpi_helpers.report.context import open_period
from kpi_helpers.report.views import kpi_results, status_counts

LANGS = ["zh", "en"]


@pytest.fixture(scope="module")
def ctx_tiny(tmp_path_factory):
    from kpi_helpers.data.scaffold import init_data_folder

    return open_period(init_data_folder(tmp_path_factory.mktemp("d") / "data"), "2026-Q2", "zh")


@pytest.mark.parametrize("lang", LANGS)
def test_evaluation_summary_names_mean_band_best_and_lowest(lang):
    totals = pd.DataFrame(
        {
            "label": ["张伟", "李娜"],
            "total": [107.88, 98.9],
            "band": ["A", "B"],
            "coverage": [1.0, 0.8],
        }
    )
    company = {"total": 103.39, "band": "A", "pms": 2, "coverage": 0.9, "bands": {"A": 1, "B": 1}}
    text = narrative.evaluation_summary(totals, company, "2026-Q2", lang)
    for number in ("2026-Q2", "103.4", "107.9", "98.9", "90%"):
        assert number in text
    assert ("A 优秀" if lang == "zh" else "A Excellent") in text
    assert ("最高为张伟" if lang == "zh" else "Highest is 张伟") in text


@pytest.mark.parametrize("lang", LANGS)
def test_pm_sentences_count_traffic_lights_and_movers(ctx_tiny, lang):
    card = ctx_tiny.evaluation.card
    results = kpi_results(card[card["pm_id"] == "pm02"]).assign(label=["K04", "K05", "K06"])
    counts = status_counts(results)
    assert counts == {"on": 2, "near": 1, "off": 0, "missing": 0}
    row = pd.Series({"label": "李娜", "total": 98.9, "band": "B", "coverage": 1.0})
    text = narrative.pm_summary(row, counts, lang)
    assert "98.9" in text and "100%" in text and "2" in text and "1" in text
    movers = pd.DataFrame({"label": ["K04 NPS", "K05 按时上线率"], "contribution": [6.5, -6.0]})
    moved = narrative.movers_summary("李娜", 4.1, movers, "2026-Q1", lang)
    assert "4.1" in moved and "+6.5" in moved and "-6.0" in moved and "2026-Q1" in moved
    fell = narrative.movers_summary("李娜", -4.1, movers, "2026-Q1", lang)
    assert ("下降了 4.1" if lang == "zh" else "fell by 4.1") in fell
    assert narrative.movers_summary("李娜", np.nan, movers, None, lang) != moved


@pytest.mark.parametrize("lang", LANGS)
def test_strategy_and_tree_sentences(ctx_tiny, lang):
    from kpi_helpers.engine.goal_tree import strategy_gaps
    from kpi_helpers.report.labels import labelled
    from kpi_helpers.report.views import objective_overview

    objectives = objective_overview(ctx_tiny.nodes, ctx_tiny.evaluation.objectives, lang)
    text = narrative.strategy_summary(objectives, "2026-Q2", lang)
    assert "2026-Q2" in text and "60%" in text and "2" in text and "6" in text
    nodes = labelled(ctx_tiny.nodes, "node_id", lang)
    tree = narrative.tree_summary(nodes, strategy_gaps(nodes), lang)
    assert "6" in tree and "4" in tree


@pytest.mark.parametrize("lang", LANGS)
def test_feedback_sentences_carry_intervals_and_noise(lang):
    now = pd.Series(
        {
            "n": 1350, "n_text": 1100, "nps_n": 900, "csat_n": 800, "ces_n": 700,
            "nps": 23.44, "nps_low": 18.1, "nps_high": 28.72,
            "csat": 0.781, "csat_low": 0.752, "csat_high": 0.808,
            "ces": 3.214, "ces_low": 3.1, "ces_high": 3.33,
            "prev_period": "2026-Q2", "nps_change": -3.1, "nps_change_real": False,
            "csat_change": 0.04, "csat_change_real": True, "ces_change": np.nan,
            "ces_change_real": pd.NA, "positive": 0.52, "neutral": 0.2, "negative": 0.28,
            "sentiment_score": 0.12,
        }
    )  # fmt: skip
    text = narrative.feedback_summary(now, "2026-Q3", lang)
    for number in (
        "1,350",
        "1,100",
        "23.4",
        "18.1 – 28.7",
        "78.1%",
        "75.2% – 80.8%",
        "3.21",
        "900",
    ):
        assert number in text
    changes = narrative.metric_changes(now, lang)
    assert "-3.1" in changes and "+4.0 pp" in changes and "2026-Q2" in changes
    assert ("真实变化" if lang == "zh" else "real change") in changes
    assert "52%" in narrative.sentiment_summary(now, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_proposal_summary_counts_actions(lang):
    proposal = pd.DataFrame(
        {"action": ["raise", "raise", "ease", "keep"], "label": ["K1 a", "K2 b", "K3 c", "K4 d"]}
    )
    text = narrative.proposal_summary(proposal, "2026-Q4", lang)
    assert "2026-Q4" in text and "4" in text and "2" in text and "1" in text
    assert "K1 a" in text and "K2 b" in text


def test_user_text_is_inert_in_markdown():
    attack = "<img src=x onerror=alert(1)> **bold** [link](http://x)"
    safe = narrative.md(attack)
    assert "<img" not in safe and "**" not in safe and "](" not in safe
    title = narrative.title("nb05", "<script>alert(1)</script>", "2026-Q3", "en")
    assert title.startswith("# ") and "<script>" not in title


def test_headings_are_real_levels():
    assert narrative.heading("nb05.h_totals", "en") == "## Totals and ratings"
    assert narrative.heading("nb05.h_pm", "zh", level=3, name="张伟") == "### 张伟"


def test_escaped_text_renders_as_text():
    import mistune

    html = mistune.html(narrative.md("<img src=x onerror=alert(1)> a_b *c* 1 < 2 & 3"))
    assert "<img" not in html and "<em>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; a_b *c* 1 &lt; 2 &amp; 3" in html


def test_company_pages_link_each_pm_page_when_there_are_too_many_pms(tiny_data, monkeypatch):
    import kpi_helpers.report.context as context

    ctx = open_period(tiny_data, "2026-Q2", "en", "")
    assert ctx.detail_pm_ids == ["pm01", "pm02"] and ctx.pm_pages_note() == ""
    monkeypatch.setattr(context, "DETAIL_PMS", 1)
    assert ctx.detail_pm_ids == []
    note = ctx.pm_pages_note()
    assert note.startswith("With 2 product managers")
    assert "(pm/pm01.html)" in note and "(pm/pm02.html)" in note
    assert open_period(tiny_data, "2026-Q2", "en", "pm02").detail_pm_ids == ["pm02"]


def test_pm_page_links_escape_names_and_ids():
    note = narrative.pm_pages_note(["a b", "x"], {"a b": "<b>[Eve](x)</b>"}, "en")
    assert "(pm/a%20b.html)" in note and "<b>" not in note and "\\[Eve\\]" in note
