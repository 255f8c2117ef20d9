"""index.html: the executive summary of a period, in both languages, escaped and offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpi_helpers.data.load import load_dataset
from kpi_helpers.publish.index_page import _nps_note, render_index
from kpi_helpers.report import registry
from kpi_helpers.run.plan import NotebookJob, report_title

MADE = {
    "created": "2026-07-01 08:00",
    "data_dir": "/srv/<kpi>",
    "digest": "0123456789ab",
    "version": "0.1.0",
}

PM = registry.per_pm()


def _jobs(pm_ids, lang="zh"):
    jobs = [
        NotebookJob(stem, Path(f"{stem}.ipynb"), {}, f"{stem}.html", report_title(stem, lang))
        for stem in registry.stems()
    ]
    jobs += [NotebookJob(f"{PM.stem}_{p}", Path(PM.file), {}, f"pm/{p}.html", p, p) for p in pm_ids]
    return jobs


def test_index_summarises_the_period_and_links_every_report(tiny_data):
    ds = load_dataset(tiny_data)
    html = render_index(ds, "2026-Q2", "zh", _jobs(["pm01", "pm02"]), MADE)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    for text in ("示例科技", "2026-Q2", "概览", "评级分布", "值得表扬", "需要处理", "客户满意度"):
        assert text in html
    for href in ("01_strategy.html", "06_review.html", "pm/pm01.html", "pm/pm02.html"):
        assert f'href="{href}"' in html
    assert "张伟" in html and "李娜" in html  # PM names, not only ids
    assert "/srv/&lt;kpi&gt;" in html and "0123456789ab" in html
    assert "<script" not in html


def test_index_header_names_company_period_and_date_made(tiny_data):
    html = render_index(load_dataset(tiny_data), "2026-Q2", "zh", _jobs(["pm01"]), MADE)
    header = html[html.index('<header class="kpi-header"') : html.index("</header>")]
    for text in ("示例科技", "考核期 2026-Q2", "生成于 2026-07-01 08:00"):
        assert text in header


def test_praise_names_the_best_pm_with_total_band_and_change(tiny_data):
    html = render_index(load_dataset(tiny_data), "2026-Q2", "zh", _jobs(["pm01"]), MADE)
    praise = html[html.index('class="kpi-praise"') :]
    first = re.search(r"<li>(.*?)</li>", praise).group(1)
    assert first.startswith("张伟：107.9 分（A 优秀），较上期 +12.5 分")


def test_satisfaction_headline_gives_nps_interval_and_trend(tiny_data):
    html = render_index(load_dataset(tiny_data), "2026-Q2", "en", _jobs([]), MADE)
    assert "NPS in 2026-Q2 is 50.0 (95% interval -19.3 to 100.0, n = 2)" in html
    assert (
        "unchanged against 2026-Q1 within random noise (moved +50.0; noise ± 154.9 points)" in html
    )
    # the NPS tile shows no arrow for a change inside the noise
    tile = html[html.index("NPS this period") :].split("</div>")[0]
    assert "▲" not in tile and "▼" not in tile
    assert "unchanged within noise (± 154.9) (2026-Q1)" in tile


def test_nps_tile_arrow_only_for_a_real_change():
    base = {"nps": 40.0, "low": 30.0, "high": 50.0, "previous": "2026-Q1", "noise": 3.1}
    real = _nps_note(dict(base, change=5.4, real=True), "en")
    noise = _nps_note(dict(base, change=5.4, real=False), "en")
    assert "▲ +5.4 (2026-Q1)" in real
    assert "▲" not in noise and "+5.4" not in noise
    assert "unchanged within noise (± 3.1)" in noise
    assert "在波动范围内，视为持平（± 3.1）" in _nps_note(dict(base, change=-5.4, real=False), "zh")


def test_proposal_count_is_a_tile_and_a_sentence(tiny_data):
    html = render_index(load_dataset(tiny_data), "2026-Q2", "en", _jobs([]), MADE)
    assert "Targets to adjust" in html
    assert "KPIs whose 2026-Q3 target the review proposes to change: 1 (raise 1)." in html


def test_a_pm_below_the_bands_is_a_situation_to_act_on(tiny_data, edit_file):
    # pm01's K01 (higher is better, threshold 60) far below the threshold in 2026-Q2
    ds = load_dataset(tiny_data)
    k01 = ds.actuals[(ds.actuals["period"] == "2026-Q2") & (ds.actuals["kpi_id"] == "K01")]
    value = k01["value"].iloc[0]
    edit_file("actuals.csv", f"2026-Q2,K01,{value:g}", "2026-Q2,K01,0")
    html = render_index(load_dataset(tiny_data), "2026-Q2", "en", _jobs(["pm01"]), MADE)
    act = html[html.index('class="kpi-act"') :]
    assert re.search(r"<li>Zhang Wei scored [\d.]+ \([A-D] [^)]*\); KPIs below the threshold", act)


def test_index_in_english(tiny_data):
    ds = load_dataset(tiny_data)
    html = render_index(ds, "2026-Q2", "en", _jobs(["pm01"], "en"), MADE)
    assert '<html lang="en">' in html
    for text in ("Example Tech", "Zhang Wei", "Who to praise", "What to act on", "Contents"):
        assert text in html
    main = html.split("<main", 1)[1].split("</main>")[0].replace("增长组", "")  # a data value
    assert not re.search(r"[\u4e00-\u9fff]", main)


def test_index_has_contents_linking_every_section(tiny_data):
    html = render_index(load_dataset(tiny_data), "2026-Q2", "zh", _jobs(["pm01"]), MADE)
    anchors = re.findall(r'<li><a href="#(s\d+)">', html)
    assert anchors and anchors == re.findall(r'<h2 id="(s\d+)"', html)


def test_index_escapes_names_from_user_files(tiny_data, edit_file):
    edit_file("people.csv", "张伟", "<script>alert(1)</script>")
    edit_file("company.yaml", "company: 示例科技", 'company: "A & B <Co>"')
    ds = load_dataset(tiny_data)
    html = render_index(ds, "2026-Q2", "zh", _jobs(["pm01"]), MADE)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; B &lt;Co&gt;" in html


def test_index_loads_nothing_and_runs_nothing(tiny_data):
    html = render_index(load_dataset(tiny_data), "2026-Q2", "zh", _jobs(["pm01"]), MADE)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


SAMPLE = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.slow
@pytest.mark.skipif(not (SAMPLE / "feedback.csv").exists(), reason="sample company absent")
def test_zh_and_en_name_the_same_top_and_most_negative_themes():
    from kpi_helpers.report.feedback_view import feedback_view, headline_themes, theme_rows
    from kpi_helpers.report.narrative.feedback import themes_summary

    ds = load_dataset(SAMPLE)
    period = sorted(ds.actuals["period"].unique())[-1]
    fb = feedback_view(ds, period)
    picked = {}
    for lang in ("zh", "en"):
        rows = theme_rows(fb.themes, lang, fb.theme_names)
        top3, worst = headline_themes(rows)
        picked[lang] = (top3["key"].tolist(), worst["key"], rows)
    assert picked["zh"][:2] == picked["en"][:2]
    top_keys, worst_key, _ = picked["en"]
    names = fb.themes.set_index("key")
    for lang, col in (("zh", "name_zh"), ("en", "name_en")):
        text = themes_summary(picked[lang][2], lang)
        for key in top_keys + [worst_key]:
            assert names.loc[key, col] in text
        html = render_index(ds, period, lang, _jobs([], lang), MADE)
        satisfaction = html[html.index("kpi-tile") :]
        for key in top_keys + [worst_key]:
            assert names.loc[key, col] in satisfaction, (lang, key)


def test_the_index_says_who_would_rise_by_re_targeting_and_counts_incomplete_pms(
    tiny_data, edit_file
):
    html = render_index(load_dataset(tiny_data), "2026-Q2", "en", _jobs(["pm01"]), MADE)
    assert "nobody moves up a band by re-targeting alone" in html
    # pm01 loses K01 (40) and K02 (35) in 2026-Q2: coverage 25 %, below the 80 % floor
    edit_file("actuals.csv", "2026-Q2,K01,11800,春季活动拉新\n", "")
    edit_file("actuals.csv", "2026-Q2,K02,36.2,\n", "")
    html = render_index(load_dataset(tiny_data), "2026-Q2", "en", _jobs(["pm01"]), MADE)
    assert "incomplete (coverage 25%)" in html
    bands = html[html.index("Rating distribution") :]
    assert re.search(r"Incomplete \(coverage below the floor\)</th><td class=\"num\">1<", bands)


def test_pm_table_is_sorted_by_total_with_the_change_and_a_trend(tiny_data):
    from bs4 import BeautifulSoup

    html = render_index(load_dataset(tiny_data), "2026-Q2", "zh", _jobs(["pm01", "pm02"]), MADE)
    table = BeautifulSoup(html, "html.parser").find(
        "table", attrs={"aria-label": "产品经理绩效报告"}
    )
    header = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    assert header[-2:] == ["较上期", "趋势"]
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in table.tbody("tr")
    ]
    totals = [float(r[2].split()[0]) for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert rows[0][0] == "张伟" and rows[0][4] == "▲ +12.5"  # 107.9 now, 95.4 last period
    spark = table.tbody.find("span", class_="kpi-spark")
    assert spark["role"] == "img" and "107.9" in spark["aria-label"]
    assert spark.get_text()[-1] == "█"  # this period is the highest of the trend


def test_sparkline_scales_between_the_lowest_and_the_highest():
    from kpi_helpers.publish.index_page import sparkline

    assert sparkline([50.0, 75.0, 100.0]) == "▁▅█"
    assert sparkline([80.0]) == "" and sparkline([None, 90.0]) == ""
    assert sparkline([None, 60.0, 90.0]) == " ▁█"
