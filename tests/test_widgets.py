"""The interactive controls, driven in Python as a person would drive them, with no browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.report import registry
from kpi_helpers.report.context import ReportContext, open_period
from kpi_helpers.widgets import (
    HEADLESS_ENV,
    LAB_ENV,
    PickerState,
    ReviewDecisions,
    ThemeExplorer,
    WhatIf,
    auto_interactive,
    show_controls,
)
from kpi_helpers.widgets.fragments import write_new_csv

ui = pytest.importorskip("kpi_helpers.widgets.ui")


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> ReportContext:
    """The `kpi-workbook init` example: pm01 owns K01-K03, pm02 K04-K06; latest period 2026-Q2."""
    return open_period(init_data_folder(tmp_path_factory.mktemp("example") / "data"), lang="en")


@pytest.fixture
def data(example, tmp_path: Path) -> Path:
    """A fresh copy of the example data folder for one test."""
    return Path(shutil.copytree(example.ds.data_dir, tmp_path / "data"))


@pytest.fixture
def ctx(example, data: Path) -> ReportContext:
    """The example's context, reading and writing the test's own copy of the data folder."""
    return ReportContext(replace(example.ds, data_dir=data), example.period, "en")


def shown_total(panel) -> float:
    """The tried total the panel shows for its PM."""
    m = re.search(r'class="kpi-whatif-total">([^<]+)<', panel.result.value)
    return float(m.group(1).replace(",", ""))


def data_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# -- when controls are shown ----------------------------------------------------------------


def test_controls_hidden_in_plain_python_and_headless_runs(monkeypatch):
    monkeypatch.delenv(HEADLESS_ENV, raising=False)
    monkeypatch.delenv(LAB_ENV, raising=False)
    assert auto_interactive(False) is False
    assert show_controls(True) is True
    monkeypatch.setenv(LAB_ENV, "1")
    assert auto_interactive(False) is False  # not a Jupyter kernel
    monkeypatch.setenv(HEADLESS_ENV, "1")
    assert show_controls(True) is False  # a headless run never shows a widget


def test_lab_kernel_shows_controls_by_default(monkeypatch):
    from kpi_helpers.widgets import mode

    monkeypatch.setattr(mode, "in_kernel", lambda: True)
    monkeypatch.delenv(HEADLESS_ENV, raising=False)
    monkeypatch.setenv(LAB_ENV, "1")
    assert auto_interactive(False) is True
    monkeypatch.delenv(LAB_ENV)
    assert auto_interactive(False) is False
    monkeypatch.setenv(LAB_ENV, "1")
    monkeypatch.setenv(HEADLESS_ENV, "1")
    assert auto_interactive(False) is False


def test_headless_run_builds_no_widget(monkeypatch, ctx):
    import kpi_helpers.widgets as widgets

    monkeypatch.setenv(HEADLESS_ENV, "1")
    assert widgets.whatif_panel(ctx) is None


def test_a_headless_kernel_run_shows_no_widget(monkeypatch, example, tmp_path):
    """A papermill run with interactive=True inside `make lab`'s environment still builds none."""
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("interactive = False\ndata_dir = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "from kpi_helpers import widgets\nfrom kpi_helpers.report.context import open_period\n"
            "ctx = open_period(data_dir, lang='en')\nprint(widgets.mode.in_kernel())"
        ),
        nbformat.v4.new_code_cell(
            "if widgets.show_controls(interactive):\n    widgets.controls(ctx, '05')"
        ),
        nbformat.v4.new_code_cell("widgets.whatif_panel(ctx)"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    nbformat.write(nb, tmp_path / "in.ipynb")
    monkeypatch.setenv(LAB_ENV, "1")
    monkeypatch.setenv(HEADLESS_ENV, "1")
    papermill.execute_notebook(
        str(tmp_path / "in.ipynb"),
        str(tmp_path / "out.ipynb"),
        parameters={"interactive": True, "data_dir": str(example.ds.data_dir)},
        kernel_name="python3",
        progress_bar=False,
    )
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    outputs = [o for c in out.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs[0]["text"].strip() == "True"  # a real kernel, yet headless wins
    assert len(outputs) == 1  # neither the controls nor a forced panel showed anything
    assert "application/vnd.jupyter.widget" not in nbformat.writes(out)
    assert "widgets" not in out.metadata  # no saved widget state either


def test_importing_the_package_does_not_import_ipywidgets():
    code = "import sys, kpi_helpers.widgets; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- what-if ----------------------------------------------------------------------------------


def test_moving_the_target_slider_changes_score_band_and_rank(ctx):
    panel = ui.whatif_panel(ctx, "pm01")
    assert panel.kpi.value == "K01"
    assert shown_total(panel) == pytest.approx(107.9)
    # K01: actual 11800, threshold 9000, stretch 13000; a target of 13000 gives 60 + 40*2800/4000
    panel.set_level("target", 13000)
    k = panel.state.kpi("K01")
    assert k.score_before == pytest.approx(108.0)
    assert k.score_after == pytest.approx(88.0)
    assert shown_total(panel) == pytest.approx(99.9)
    row = panel.state.pm_total("pm01")
    assert (row["band_before"], row["band"]) == ("A", "B")
    assert "107.9" in panel.result.value  # the original stays next to the tried value


def test_raising_the_threshold_past_the_actual_scores_zero_and_warns(ctx):
    panel = ui.whatif_panel(ctx, "pm01")
    panel.set_level("threshold", 12000)
    assert panel.state.kpi("K01").score_after == 0.0
    panel.set_level("target", 11500)
    assert "kpi-whatif-problem" in panel.result.value


def test_weights_keep_summing_to_100(ctx):
    panel = ui.whatif_panel(ctx, "pm01")
    panel.set_weight("K01", 60)
    weights = panel.state.weights("pm01")
    assert weights.sum() == pytest.approx(100.0)
    # K02 : K03 keep their 35 : 25 proportion
    assert weights["K02"] == pytest.approx(40 * 35 / 60)
    assert weights["K03"] == pytest.approx(40 * 25 / 60)
    shown = {k: s.value for k, s in panel.weight_sliders.items()}
    assert shown == {"K01": 60.0, "K02": 23.3, "K03": 16.7}
    panel.set_weight("K03", 0)
    assert panel.state.weights("pm01").sum() == pytest.approx(100.0)
    assert panel.state.weights("pm01")["K03"] == 0.0


def test_weights_of_zero_others_are_shared_equally(ctx):
    state = WhatIf(ctx.evaluation.card, ctx.ds.company, ctx.period)
    state.set_weight("K01", 100)
    state.set_weight("K01", 40)
    assert state.weights("pm01").to_dict() == {"K01": 40.0, "K02": 30.0, "K03": 30.0}


def test_saved_fragment_is_a_new_targets_file_and_data_is_untouched(ctx, data):
    before = data_files(data)
    panel = ui.whatif_panel(ctx, "pm01")
    panel.set_level("target", 12000)
    panel.set_weight("K02", 20)
    paths = panel.save()
    assert len(paths) == 2 and all(p.parent == data / "whatif" for p in paths)
    assert data_files(data) == before
    targets = pd.read_csv(paths[0], encoding="utf-8-sig")
    assert list(targets.columns) == ["period", "kpi_id", "target", "threshold", "stretch"]
    assert targets.to_dict("records") == [
        {"period": "2026-Q2", "kpi_id": "K01", "threshold": 9000, "target": 12000, "stretch": 13000}
    ]
    weights = pd.read_csv(paths[1], encoding="utf-8-sig")
    assert weights["weight"].sum() == pytest.approx(100.0)
    assert str(paths[0]) in panel.message.value
    again = panel.save()
    assert set(again).isdisjoint(paths)  # a second save never overwrites the first
    assert len(list((data / "whatif").iterdir())) == 4


def test_save_without_changes_writes_nothing(ctx, data):
    panel = ui.whatif_panel(ctx)
    assert panel.save() == []
    assert not (data / "whatif").exists()
    assert "Nothing changed" in panel.message.value


def test_write_new_csv_never_overwrites(tmp_path):
    frame = pd.DataFrame({"a": [1]})
    now = datetime(2026, 7, 1, 9, 30)
    first = write_new_csv(frame, tmp_path, "targets_2026-Q3", now)
    second = write_new_csv(frame, tmp_path, "targets_2026-Q3", now)
    assert first.name == "targets_2026-Q3_20260701-093000.csv"
    assert second.name == "targets_2026-Q3_20260701-093000-2.csv"


def test_switching_pm_loads_its_kpis_and_reset_restores(ctx):
    panel = ui.whatif_panel(ctx, "pm01")
    panel.set_level("target", 13000)
    panel.pm.value = "pm02"
    assert panel.kpi.value == "K04"
    assert set(panel.weight_sliders) == {"K04", "K05", "K06"}
    assert panel.levels["target"].value == 32.0  # 2026-Q2 override from targets.csv
    panel.reset()
    assert panel.state.changed_targets().empty


def test_lower_is_better_kpi(ctx):
    state = WhatIf(ctx.evaluation.card, ctx.ds.company, ctx.period)
    # K03 (lower): actual 12, threshold 20, target 15, stretch 10 -> 112 points
    assert state.kpi("K03").score_after == pytest.approx(112.0)
    state.set_target("K03", 12)
    assert state.kpi("K03").score_after == pytest.approx(100.0)
    assert state.kpi("K03").problem is None


def test_walking_kpis_and_pms_with_browser_echoes_changes_nothing(ctx):
    """The browser snaps a new slider's value to its grid and clamps an old one to new bounds,
    and sends both back; neither is a person's move."""
    panel = ui.whatif_panel(ctx, "pm01")
    before = panel.state.totals()
    for pm in ("pm01", "pm02", "pm01"):
        panel.pm.value = pm
        for kpi in panel.state.kpi_ids(pm):
            old, moved = dict(panel.levels), panel.kpi.value != kpi
            panel.kpi.value = kpi
            for c, s in panel.levels.items():
                assert (s is not old[c]) == moved  # range and value together, in a new slider
                old[c].value = min(max(old[c].value, s.min), s.max)  # a stale clamp echo
                s.value = min(s.max, s.value + s.step / 3)  # the grid snap echo
    assert panel.state.tried_changes() == 0
    assert panel.state.changed_targets().empty
    pd.testing.assert_frame_equal(panel.state.totals(), before)
    assert 'data-count="0"' in panel.count.value
    panel.set_level("target", panel.levels["target"].value + 5 * panel.levels["target"].step)
    assert panel.state.tried_changes() == 1 and 'data-count="1"' in panel.count.value


def test_number_boxes_take_any_value_and_answer_bad_entries(ctx):
    panel = ui.whatif_panel(ctx, "pm01")  # K01: 人 (people), higher is better
    panel.type_level("stretch", "100000")
    assert panel.state.kpi("K01").after["stretch"] == 100000.0
    assert panel.levels["stretch"].max >= 100000 and panel.levels["stretch"].value == 100000
    assert panel.entry_message.value == ""
    panel.type_level("target", "abc")
    assert "&#x27;abc&#x27; is not a number" in panel.entry_message.value  # escaped
    panel.type_level("threshold", "-5")
    assert "cannot be below 0" in panel.entry_message.value
    k = panel.state.kpi("K01")
    assert (k.after["target"], k.after["threshold"]) == (k.before["target"], k.before["threshold"])
    panel.type_level("target", "12,500")
    assert panel.state.kpi("K01").after["target"] == 12500.0
    assert panel.boxes["target"].value == "12500"
    assert panel.state.tried_changes() == 2


def test_save_refuses_levels_out_of_order_and_says_so_beside_the_button(ctx, data):
    panel = ui.whatif_panel(ctx, "pm01")
    panel.type_level("threshold", "12500")  # above K01's target
    assert "kpi-whatif-problem" in panel.result.value
    assert panel.save() == []
    assert not (data / "whatif").exists()
    assert "Nothing was saved" in panel.message.value and "not below target" in panel.message.value
    assert panel.message in panel.buttons.children


def test_tried_values_survive_the_pickers_redraws_until_reset(ctx):
    from kpi_helpers.widgets.panel_whatif import whatif_panel

    first = whatif_panel(ctx, "pm01", keep=True)
    first.set_level("target", 13000)
    again = whatif_panel(ReportContext(ctx.ds, ctx.period, "zh", "pm02", True), keep=True)
    assert again.state is first.state and again.pm.value == "pm02"
    assert again.state.kpi("K01").after["target"] == 13000.0
    assert "1" in again.count.value and "已试算" in again.count.value
    other = whatif_panel(ReportContext(ctx.ds, "2026-Q1", "en", "", True), keep=True)
    assert other.state.tried_changes() == 0  # another period has its own tried values
    again.reset()
    assert whatif_panel(ctx, keep=True).state.tried_changes() == 0


# -- pickers ----------------------------------------------------------------------------------


def test_pickers_rerender_with_the_chosen_period_pm_and_language(ctx):
    seen = []
    panel = ui.pickers(ctx, lambda c: seen.append((c.period, c.pm, c.lang)))
    assert seen == [("2026-Q2", "", "en")]
    panel.pick("period", "2026-Q1")
    panel.pick("pm", "pm02")
    panel.pick("lang", "zh")
    assert seen[-1] == ("2026-Q1", "pm02", "zh")
    assert len(seen) == 4


def test_pickers_label_all_and_follow_the_language(ctx):
    panel = ui.pickers(ctx, lambda c: None, ("period", "pm", "lang"))
    pm = panel.pickers["pm"]
    assert pm.value == "" and pm.label == "All"
    assert ("pm01 Zhang Wei", "pm01") in pm.options
    assert "everyone" in panel.showing.value and "2026-Q2" in panel.showing.value
    panel.pick("lang", "zh")
    assert panel.pickers["period"].description == "周期" and pm.description == "产品经理"
    assert pm.label == "全部" and pm.value == ""
    assert ("pm01 张伟", "pm01") in pm.options
    panel.pick("pm", "pm02")
    assert panel.context().pm == "pm02" and "pm02" in panel.showing.value
    panel.pick("pm", None)
    assert panel.context().pm == ""


def test_team_and_product_pickers_narrow_the_pms(ctx):
    state = PickerState(ctx.ds, ctx.period, "en")
    assert [v for _, v in state.options("team")] == [None, "体验组", "增长组"]
    state.set("product", "记账小程序")
    assert state.pm_ids() == ["pm01"]
    assert set(state.filter(ctx.evaluation.card)["kpi_id"]) == {"K01", "K02", "K03"}
    with pytest.raises(ValueError):
        state.set("period", "2030-Q1")


# -- theme explorer ---------------------------------------------------------------------------


@pytest.fixture
def tagged() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-05", "2026-02-10", "2026-04-01", "2026-05-02"]),
            "product": ["App", "App", "Mini", "App"],
            "text": ["sync fails <b>again</b>", "love it", "sync slow", "sync & login broken"],
            "sentiment": ["negative", "positive", "negative", "negative"],
            "themes": [["sync"], ["praise"], ["sync"], ["sync", "login"]],
        }
    )


def test_explorer_trend_and_escaped_comments(tagged):
    panel = ui.ExplorerPanel(ThemeExplorer(tagged), "en")
    assert panel.theme.value == "sync"  # the most frequent theme first
    trend = panel.state.trend()
    assert trend[["period", "n", "negative"]].to_dict("records") == [
        {"period": "2026-Q1", "n": 1, "negative": 1},
        {"period": "2026-Q2", "n": 2, "negative": 2},
    ]
    html = panel.comments.value
    assert "&lt;b&gt;again&lt;/b&gt;" in html and "<b>again" not in html
    assert "sync &amp; login broken" in html
    panel.select("sync", product="Mini")
    assert "sync slow" in panel.comments.value and "again" not in panel.comments.value
    panel.select("praise")
    assert "love it" in panel.comments.value


def test_tag_themes_follows_the_theme_table():
    from kpi_helpers.widgets.explorer import tag_themes

    feedback = pd.DataFrame(
        {"text": ["同步失败", "The app crashes", "great"], "lang": ["zh", "en", "en"]}
    )
    themes = pd.DataFrame(
        {
            "lang": ["zh", "en"],
            "theme": ["同步", "crash"],
            "source": ["keywords", "discovered"],
            "terms": [["同步"], ["crashes"]],
        }
    )
    assert tag_themes(feedback, themes)["themes"].tolist() == [["同步"], ["crash"], []]


def test_explorer_of_a_feedback_view_names_themes_in_the_report_language(ctx):
    from kpi_helpers.report.feedback_view import FeedbackView

    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-04-02", "2026-05-03", "2026-05-09"]),
            "period": ["2026-Q2"] * 3,
            "product": ["App"] * 3,
            "lang": ["zh", "en", "en"],
            "text": ["同步总是失败", "Sync keeps failing", "nice <script>x</script>"],
            "sentiment": ["negative", "negative", "positive"],
        }
    )
    themes = pd.DataFrame(
        {
            "lang": ["zh", "en", "en"],
            "theme": ["同步", "Sync", "nice"],
            "key": ["sync", "sync", "nice"],
            "source": ["keywords", "keywords", "discovered"],
            "terms": [["同步", "sync"], ["同步", "sync"], ["nice"]],
        }
    )
    view = FeedbackView(
        "2026-Q2", rows, *([pd.DataFrame()] * 3), themes, {"sync": ("同步", "Sync")}
    )
    panel = ui.explorer_panel(ctx, view)  # ctx.lang is "en"
    assert panel.theme.options[0] == ("Sync (2)", "sync")  # one theme across both languages
    assert "Sync keeps failing" in panel.comments.value and "同步总是失败" in panel.comments.value
    panel.select("nice")
    assert "&lt;script&gt;" in panel.comments.value and "<script>" not in panel.comments.value


# -- review acceptance -------------------------------------------------------------------------


@pytest.fixture
def proposal() -> pd.DataFrame:
    """Rows shaped like review.propose_targets: only `changed` rows are adjustments."""
    return pd.DataFrame(
        {
            "period": ["2026-Q3"] * 4,
            "kpi_id": ["K01", "K02", "K04", "K06"],
            "old_threshold": [9000, 30, 20, 10],
            "old_target": [11000, 35, 32, 5],
            "old_stretch": [13000, 40, 40, 2],
            "threshold": [10000, 30, 22, 10],
            "target": [12000, 35, 36, 5],
            "stretch": [14000, 40, 42, 2],
            "changed": [True, False, True, True],
            "in_fragment": [True, False, True, False],
            "reason_kind": ["proposal.unchanged"] * 4,
            "params": [
                {"why": "new", "next_period": "2026-Q4"},
                {"why": "short"},
                {"why": "retire", "goal_id": "<i>too easy</i>"},
                {"why": "retire", "goal_id": "G9"},
            ],
        }
    )


def test_review_accept_reject_and_export(ctx, data, proposal):
    before = data_files(data)
    panel = ui.review_panel(ctx, proposal)
    assert panel.state.period == "2026-Q3"
    assert list(panel.toggles) == ["K01", "K04", "K06"]  # unchanged rows need no decision
    texts = " ".join(h.value for h in panel.rows_html.values())
    assert "&lt;i&gt;too easy&lt;/i&gt;" in texts and "<i>" not in texts
    assert "11,000 → <b>12,000</b>" in texts
    assert panel.export() is None  # nothing accepted yet
    assert "Nothing accepted" in panel.message.value
    panel.decide("K01", "accepted")
    panel.decide("K04", "rejected")
    panel.decide("K06", "accepted")  # a retirement: no row in targets.csv
    assert "2 accepted, 1 rejected, 0 undecided" in panel.counts.value
    path = panel.export()
    assert path.parent == data / "review" and data_files(data) == before
    rows = pd.read_csv(path, encoding="utf-8-sig")
    assert rows.to_dict("records") == [
        {
            "period": "2026-Q3",
            "kpi_id": "K01",
            "threshold": 10000,
            "target": 12000,
            "stretch": 14000,
        }
    ]
    assert str(path) in panel.message.value
    assert panel.export() != path  # exporting again writes another new file


def test_review_of_the_sample_period_offers_the_changed_rows(ctx):
    panel = ui.review_panel(ctx)  # reviews ctx.period itself
    review = panel.state
    assert review.period == "2026-Q3"
    panel.accept_all.click()
    assert review.counts()["pending"] == 0
    assert len(review.accepted()) <= len(review.proposal)


def test_review_accept_all(proposal):
    state = ReviewDecisions(proposal, "2026-Q3")
    state.accept_all()
    assert state.counts() == {"pending": 0, "accepted": 3, "rejected": 0}
    assert list(state.accepted()["kpi_id"]) == ["K01", "K04"]
    with pytest.raises(ValueError):
        state.decide("K01", "maybe")


# -- each notebook's controls -------------------------------------------------------------------


@pytest.mark.parametrize("notebook", registry.stems())
def test_notebook_controls_rerender_for_another_period(example, notebook):
    panel = ui.notebook_controls(example, notebook)
    assert panel.error is None and panel.calls == 1
    panel.pick("period", "2026-Q1")
    assert panel.error is None and panel.calls == 2
    assert panel.context().period == "2026-Q1"


def test_unknown_notebook_has_no_controls(example):
    with pytest.raises(ValueError, match="no controls"):
        ui.notebook_controls(example, "09")


def test_a_notebook_shows_no_controls_unless_interactive(example):
    import kpi_helpers.widgets as widgets

    assert example.interactive is False
    assert widgets.controls(example, "05_evaluation") is None
