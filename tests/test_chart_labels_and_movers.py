"""Charts keep every label whole; feedback statuses and products by their display names; the
KPIs new or retired since the previous period named apart from the movers; derived results
marked in charts; a chart of one item replaced by its sentence."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.report import narrative, plots, sections
from kpi_helpers.report.context import open_period
from kpi_helpers.report.display import figure_png
from kpi_helpers.report.i18n import feedback_status_name
from kpi_helpers.report.plots.base import wrap

LONG_EN = "Customer satisfaction and feedback"
LONG_ZH = "客户满意度与反馈及口碑传播"


def _whole(shown: str, label: str) -> bool:
    """The label as drawn: every character kept (line breaks only), no ellipsis."""
    return "…" not in shown and re.sub(r"\s+", "", shown) == re.sub(r"\s+", "", label)


@pytest.mark.parametrize("label", [LONG_EN, "Content and community operations", LONG_ZH])
def test_a_long_label_is_wrapped_never_cut(label):
    for cells, lines in ((20, 1), (10, 2), (6, 1)):
        assert _whole(wrap(label, cells, lines), label)
    assert wrap(LONG_EN, 20, 1) == LONG_EN  # one line allowed: wider rather than cut
    assert wrap("Content an", 24, 1) == "Content an"


def test_chart_labels_that_used_to_be_cut_are_whole_in_the_figure():
    rows = pd.DataFrame(
        {
            "label": [f"K01 {LONG_EN} score of the period", f"K02 {LONG_ZH}的季度得分"],
            "score": [95.0, 70.0],
            "status": ["near", "off"],
        }
    )
    fig = plots.kpi_scores(rows, "Scores", "en")
    figure_png(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert all(_whole(s, lab) for s, lab in zip(ticks, rows["label"], strict=True))

    volume = pd.DataFrame(
        {"support_ticket": [3, 4], "Content and community operations": [1, 2]},
        index=["2026-Q1", "2026-Q2"],
    )
    fig = plots.feedback_volume(volume, "en")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[0] == "Support tickets"
    assert _whole(legend[1], "Content and community operations")

    matrix = pd.DataFrame(
        [[40.0, 60.0], [50.0, 50.0]],
        index=["Lin Xiaowen of the growth and retention team", "Li Na"],
        columns=[LONG_EN, LONG_ZH],
    )
    fig = plots.dimension_heatmap(matrix, "en")
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert all(_whole(s, c) for s, c in zip(ticks, matrix.columns, strict=True))
    assert _whole(ax.get_yticklabels()[0].get_text(), matrix.index[0])


def test_a_derived_result_is_marked_in_the_kpi_chart():
    rows = pd.DataFrame(
        {
            "label": ["K01 Monthly new users", "K04 NPS"],
            "score": [100.0, 80.0],
            "status": ["on", "near"],
            "derived": [False, True],
        }
    )
    for lang, note in (("en", "result computed from customer feedback"), ("zh", "客户反馈")):
        ax = plots.kpi_scores(rows, "KPIs", lang).axes[0]
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        assert ticks == ["K01 Monthly new users", "K04 NPS ※"]
        assert "※" in ax.get_title("left") and note in ax.get_title("left")
    plain = plots.kpi_scores(rows.drop(columns="derived"), "KPIs", "en").axes[0]
    assert "※" not in plain.get_title("left")


def test_feedback_statuses_show_by_their_display_names():
    assert feedback_status_name("in_progress", "en") == "In progress"
    assert feedback_status_name("in_progress", "zh") == "处理中"
    assert feedback_status_name("resolved", "zh") == "已解决"
    assert feedback_status_name("waiting_for_user", "en") == "waiting for user"
    rows = pd.DataFrame(
        {
            "period": ["2026-Q2"] * 4 + ["2026-Q1"],
            "status": ["resolved", "open", "resolved", None, "open"],
        }
    )
    assert narrative.ticket_summary(rows, "2026-Q2", "en") == (
        "Tickets by status: Resolved 2 and Open 1."
    )
    assert (
        narrative.ticket_summary(rows, "2026-Q2", "zh")
        == "工单按处理状态：已解决 2 条 和 未解决 1 条。"
    )
    assert narrative.ticket_summary(rows.assign(status=None), "2026-Q2", "en") is None


def test_new_and_retired_kpis_are_named_in_one_sentence():
    assert narrative.new_and_retired(["K07 Paid conversion"], ["K03 Change rate"], "en") == (
        "New this period: K07 Paid conversion; retired: K03 Change rate."
    )
    assert narrative.new_and_retired(["K07 付费转化率"], [], "zh") == "本期新增：K07 付费转化率。"
    assert narrative.new_and_retired([], [], "en") is None


# -- on an example data folder where pm01 retired K03 and took on K07 in 2026-Q2 ----------------


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    folder = init_data_folder(tmp_path_factory.mktemp("changed") / "data")
    kpis = (folder / "kpis.csv").read_text(encoding="utf-8").splitlines()
    kpis = [
        line + "2026-Q1" if line.startswith("K03,") and line.endswith(",") else line
        for line in kpis
    ]
    kpis.append(
        "K07,pm01,付费转化率,Paid conversion,user_growth,G1,%,higher,2,3,4,25,2.5,"
        "埋点平台,付费用户占比,2026-Q2,"
    )
    (folder / "kpis.csv").write_text("\n".join(kpis) + "\n", encoding="utf-8")
    actuals = (folder / "actuals.csv").read_text(encoding="utf-8").splitlines()
    actuals = [a for a in actuals if not a.startswith("2026-Q2,K03,")] + ["2026-Q2,K07,3.6,"]
    (folder / "actuals.csv").write_text("\n".join(actuals) + "\n", encoding="utf-8")
    people = (folder / "people.csv").read_text(encoding="utf-8").splitlines()
    people[0] += ",products_en"
    people[1] += ",Ledger App;Ledger Mini Program"
    people[2] += ",Ledger App"
    (folder / "people.csv").write_text("\n".join(people) + "\n", encoding="utf-8")
    return folder


def test_movers_name_the_new_and_retired_kpis_apart(changed, shown):
    for lang, expected in (
        ("en", "New this period: K07 Paid conversion; retired: K03 Requirement change rate."),
        ("zh", "本期新增：K07 付费转化率；已停用：K03 需求变更率。"),
    ):
        shown.clear()
        sections.evaluation.movers(open_period(changed, lang=lang))
        text = "\n".join(shown)
        assert expected in text
        movers = re.findall(r"(?:Largest movers|影响最大的 KPI)[:：]([^.。]*)", text)
        assert len(movers) == 2  # one sentence per PM
        assert all("K07" not in m and "K03" not in m for m in movers)


def test_a_one_item_chart_is_replaced_by_its_sentence(changed, shown):
    ctx = open_period(changed, lang="en")
    only_k01 = lambda f: f[  # noqa: E731
        (f["pm_id"] == "pm01") & (f["kpi_id"] == "K01" if "kpi_id" in f else True)
    ]
    sections.evaluation.kpis(ctx, only_k01)
    text = "\n".join(shown)
    assert "K01" in text and "<table" in text  # the sentence and the table
    assert "<img" not in text  # no chart of one bar
    shown.clear()
    sections.evaluation.kpis(ctx, lambda f: f[f["pm_id"] == "pm01"])  # two KPIs: a chart
    assert "<img" in "\n".join(shown)
    shown.clear()
    sections.evaluation.totals(ctx, lambda f: f[f["pm_id"] == "pm02"])  # one PM: no chart
    text = "\n".join(shown)
    assert "Li Na" in text and "<img" not in text


def test_english_pages_name_products_by_their_english_names(changed, shown):
    ctx = open_period(changed, lang="en", pm="pm01")
    sections.evaluation.pm_customers(ctx)
    text = "\n".join(shown)
    assert "Products: Ledger App and Ledger Mini Program." in text
    assert "记账" not in text
    shown.clear()
    sections.evaluation.pm_customers(open_period(changed, lang="zh", pm="pm01"))
    assert "负责产品：记账App 和 记账小程序。" in "\n".join(shown)


def test_english_feedback_page_shows_statuses_and_products_in_english(changed, shown):
    ctx = open_period(changed, lang="en")
    sections.feedback.volume(ctx)
    text = "\n".join(shown)
    assert "Tickets by status: Closed 1 and In progress 1." in text
    shown.clear()
    sections.feedback.metrics(ctx)
    table = shown[-1]
    assert "Ledger App" in table and "记账" not in table


def test_the_workbook_names_products_in_english_for_an_english_run(changed):
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.publish.workbook import workbook_tables

    ds = load_dataset(changed)
    products = {
        lang: [p for p in workbook_tables(ds, "2026-Q2", lang)["feedback metrics"]["product"]]
        for lang in ("en", "zh")
    }
    assert set(products["en"]) - {None, np.nan} >= {"Ledger App"}
    assert "记账App" in products["zh"]


def test_a_theme_chart_of_one_theme_is_replaced_by_its_sentence(changed, shown, monkeypatch):
    from kpi_helpers.report import feedback_view

    ctx = open_period(changed, lang="en")
    sections.feedback.themes(ctx)
    rows = sections.feedback._themes(ctx)
    assert len(rows) > 1 and "<img" in "\n".join(shown)  # several themes: a chart

    every = feedback_view.theme_rows
    monkeypatch.setattr(feedback_view, "theme_rows", lambda *a, **k: every(*a, **k).head(1))
    shown.clear()
    ctx = open_period(changed, lang="en")
    sections.feedback.themes(ctx)
    text = "\n".join(shown)
    assert "<img" not in text
    assert narrative.md(rows["label"].iloc[0]) in text  # the sentence names the one theme


def test_a_left_title_pushed_right_by_long_labels_still_ends_inside_the_image():
    rows = pd.DataFrame(
        {
            "label": ["K01 Customer satisfaction score of the main product line", "K03 NPS"],
            "score": [95.0, 110.0],
            "status": ["near", "on"],
            "derived": [True, False],
        }
    )
    title = "Lin Xiaowen: score per KPI (✓ on target  ! near  ✗ below threshold)"
    fig = plots.kpi_scores(rows, title, "en")
    figure_png(fig)
    ax = fig.axes[0]
    shown = ax.get_title("left")
    assert "\n" in shown and shown.replace("\n", " ").startswith(title)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    extent = ax._left_title.get_window_extent(FigureCanvasAgg(fig).get_renderer())
    assert extent.x1 <= fig.bbox.x1  # the whole title is inside the image


def test_a_derived_result_is_marked_in_the_pm_page_notes_and_the_results_table(tmp_path, shown):
    folder = init_data_folder(tmp_path / "data")
    kpis = (folder / "kpis.csv").read_text(encoding="utf-8")
    (folder / "kpis.csv").write_text(kpis.replace(",季度问卷,", ",feedback.nps,"), encoding="utf-8")
    actuals = (folder / "actuals.csv").read_text(encoding="utf-8").splitlines()
    actuals = [a for a in actuals if not a.startswith("2026-Q2,K04,")]
    (folder / "actuals.csv").write_text("\n".join(actuals) + "\n", encoding="utf-8")

    sections.evaluation.pm_notes(open_period(folder, lang="en", pm="pm02"))
    table = "\n".join(shown)
    assert "K04 NPS ※" in table and "result computed from customer feedback" in table
    assert "K05 On-time launch rate ※" not in table
    shown.clear()
    sections.evaluation.kpis(open_period(folder, lang="zh"), lambda f: f[f["pm_id"] == "pm02"])
    text = "\n".join(shown)
    assert "<img" in text and "K04 NPS ※" in text
