"""PDF printing: the installed Chromium is found or the run stops in one sentence before it starts."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from browser import pdf_links

from kpi_helpers.cli import parser as cli
from kpi_helpers.config import CHROMIUM_ENV
from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.publish.pdf import find_chromium, print_pages, print_pdf

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def no_browser(tmp_path, monkeypatch):
    """A PATH without any browser and no KPI_WORKBOOK_CHROMIUM."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)


def test_missing_chromium_is_one_sentence(no_browser):
    with pytest.raises(KpiWorkbookError) as e:
        find_chromium()
    message = str(e.value)
    assert "Chromium" in message and "apt-get install chromium" in message
    assert "\n" not in message


def test_browser_named_in_the_environment_wins(tmp_path, monkeypatch):
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(CHROMIUM_ENV, str(fake))
    assert find_chromium() == str(fake)
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "nothing-here"))
    with pytest.raises(KpiWorkbookError, match=CHROMIUM_ENV):
        find_chromium()


def test_run_pdf_without_chromium_exits_1_before_any_notebook(
    tiny_data, tmp_path, no_browser, capsys
):
    out = tmp_path / "reports"
    code = cli.main(["run", "--data", str(tiny_data), "--out", str(out), "--pdf"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err == [err[0]] and err[0].startswith("kpi-workbook: --pdf needs Chromium")
    assert not (out / "2026-Q2").exists()


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium")
def test_a_page_prints_to_a_pdf(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html><html lang="zh-CN"><body><h1>绩效评估</h1></body></html>', "utf-8"
    )
    pdf = print_pdf(str(CHROMIUM), page, tmp_path / "page.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium")
def test_printed_links_are_relative_and_point_to_the_pdfs_after_the_folder_moves(tmp_path):
    from kpi_helpers.publish.page_frame import head_html

    build = tmp_path / ".tmp-2026-Q3-abcd"
    (build / "pm").mkdir(parents=True)
    (build / "en").mkdir()
    (build / "en" / "index.html").write_text("<html lang='en'><body>en</body></html>", "utf-8")
    head = head_html("评估与调整 · 2026-Q3", "zh", "")
    (build / "index.html").write_text(
        f'{head}<body><a href="06_review.html">评估</a> <a href="pm/PM01.html">林晓雯</a>'
        '<a href="en/index.html">English</a></body></html>',
        "utf-8",
    )
    (build / "06_review.html").write_text(
        f'{head}<body><a href="index.html">返回</a>'
        + "".join(f"<p>第 {i} 段</p>" for i in range(120))
        + "</body></html>",
        "utf-8",
    )
    (build / "pm" / "PM01.html").write_text(
        f'{head}<body><a href="../index.html">返回</a></body></html>', "utf-8"
    )
    print_pages(build, ["index.html", "06_review.html", "pm/PM01.html"], str(CHROMIUM), 2)
    final = tmp_path / "2026-Q3"
    build.rename(final)  # as the run publishes it
    index_links = pdf_links(final / "index.pdf")
    assert index_links == ["06_review.pdf", "pm/PM01.pdf", "en/index.html"]
    assert pdf_links(final / "pm" / "PM01.pdf") == ["../index.pdf"]
    for pdf in final.rglob("*.pdf"):
        for link in pdf_links(pdf):
            assert (pdf.parent / link).resolve().is_file(), (pdf, link)
    # page numbers and the report title in every page's footer
    from pypdf import PdfReader

    pages = PdfReader(final / "06_review.pdf").pages
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        text = page.extract_text()
        assert f"{n} / {len(pages)}" in text and "2026-Q3" in text


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium")
def test_a_page_with_a_wide_heat_map_prints_on_landscape_pages(tmp_path):

    from matplotlib.figure import Figure
    from pypdf import PdfReader

    from kpi_helpers.publish.html import report_css
    from kpi_helpers.publish.page_frame import finish_page, head_html
    from kpi_helpers.report.display import figure_html

    fig = Figure(figsize=(14, 5.8), layout="constrained")  # as the report's heat maps
    fig.subplots().imshow([[1, 2, 3, 4, 5, 6, 7]] * 5, aspect="auto")
    chart = figure_html(fig, "heat map of every KPI's score in seven periods")
    page = tmp_path / "06_review.html"
    body = (
        f"<body><main><h1>评估与调整</h1><h2>各 KPI 得分趋势</h2><div>{chart}</div></main></body>"
    )
    page.write_text(finish_page(head_html("评估与调整", "zh", report_css()) + body, "zh"), "utf-8")
    print_pdf(str(CHROMIUM), page, tmp_path / "06_review.pdf")
    pages = PdfReader(tmp_path / "06_review.pdf").pages
    assert all(p.mediabox.width > p.mediabox.height for p in pages)
