"""PDF printing: the installed Chromium is found or the run stops in one sentence before it starts."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kpi_helpers.cli import parser as cli
from kpi_helpers.config import CHROMIUM_ENV
from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.publish.pdf import find_chromium, print_pdf

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
