"""The published reports in a real browser: offline, error-free, accessible, safe and bilingual.

Debian's chromium (/usr/bin/chromium, installed by .ci/run) is driven by Playwright for Python;
Playwright's own browser download is never used. The accessibility audit injects axe-core from
tests/.node (installed by .ci/axe.sh); without it that test is skipped with the reason.

Three runs of the sample company are published once for the module: Chinese for every PM with
--pdf, English for one PM into the same reports folder (reports/2026-Q3/en/), and a copy of data/ whose names, products and comments are HTML and
script payloads. Screenshots go to tests/artifacts/; KPI_WORKBOOK_UPDATE_SCREENSHOT=1 also copies
the Chinese index.html screenshot to docs/img/index.png for the README.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, pdf_links, require_browser

from kpi_helpers.cli.parser import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
AXE = ROOT / "tests" / ".node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
README_SCREENSHOT = ROOT / "docs" / "img" / "index.png"
PERIOD = "2026-Q3"
PM_REPORT = "pm/PM02.html"
MAX_PM_REPORT_BYTES = 5 * 1024 * 1024
# Payloads that would run or add elements if any text from the data files reached the page raw.
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    '"><svg onload=alert(3)>',
    "[click](javascript:alert(4))",
    "<iframe src=javascript:alert(5)></iframe>",
]
PRODUCT_PAYLOAD = "<script>alert(6)</script>"  # no '=', ';' or ',': it also names a product
COMPANY_PAYLOAD = "青橙<img src=x onerror=alert(7)>"
ALL_PAYLOADS = {*PAYLOADS, PRODUCT_PAYLOAD, COMPANY_PAYLOAD}

sync_api = require_browser()
pytestmark = pytest.mark.slow


def _run(data: Path, out: Path, *args: str) -> Path:
    """`kpi-workbook run` in this process; the published period folder."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(["run", "--data", str(data), "--out", str(out), "--jobs", "2", *args])
    assert code == 0, stderr.getvalue()
    return out / PERIOD


def _pages(folder: Path) -> list[str]:
    """The pages of one language: the other language's folder inside it is left out."""
    rels = (p.relative_to(folder) for p in folder.rglob("*.html"))
    return sorted(str(r) for r in rels if r.parts[0] not in ("en", "zh"))


def payload_data(target: Path) -> Path:
    """A copy of data/ with payloads in PM names and teams, a KPI name, a product, the company
    name and every comment of the last two periods."""
    shutil.copytree(DATA, target)
    people = pd.read_csv(target / "people.csv", dtype=str, keep_default_na=False)
    people.loc[people["pm_id"] == "PM02", ["name", "name_en", "team"]] = [
        f"陈{PAYLOADS[0]}",
        f"Chen {PAYLOADS[1]}",
        PAYLOADS[2],
    ]
    people.to_csv(target / "people.csv", index=False)
    kpis = pd.read_csv(target / "kpis.csv", dtype=str, keep_default_na=False)
    first = kpis["owner"] == "PM02"
    kpis.loc[first.idxmax(), ["name", "name_en"]] = [
        f"转化{PAYLOADS[3]}",
        f"Conversion {PAYLOADS[4]}",
    ]
    kpis.to_csv(target / "kpis.csv", index=False)
    feedback = pd.read_csv(target / "feedback.csv", dtype=str, keep_default_na=False)
    recent = feedback["date"] >= "2026-04-01"
    rotate = [PAYLOADS[i % len(PAYLOADS)] for i in range(int(recent.sum()))]
    feedback.loc[recent, "text"] = (
        feedback.loc[recent, "text"] + " " + pd.Series(rotate, index=feedback.index[recent])
    )
    feedback.to_csv(target / "feedback.csv", index=False)
    product = people.loc[people["pm_id"] == "PM02", "products"].iloc[0].split(";")[0]
    for name in ("people.csv", "feedback.csv", "kpis.csv"):
        path = target / name
        path.write_text(
            path.read_text(encoding="utf-8").replace(product, PRODUCT_PAYLOAD), encoding="utf-8"
        )
    company = target / "company.yaml"
    text = re.sub(
        r"^company: .*$",
        f'company: "{COMPANY_PAYLOAD}"',
        company.read_text(encoding="utf-8"),
        count=1,
        flags=re.M,
    )
    company.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    zh = _run(DATA, root / "reports", "--pdf")
    # the same period in English, into the same folder: published beside the Chinese pages
    en = _run(DATA, root / "reports", "--lang", "en", "--pm", "PM02") / "en"
    evil = _run(payload_data(root / "payload-data"), root / "payload", "--pm", "PM02")
    return SimpleNamespace(zh=zh, en=en, evil=evil)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A page opened in a fresh context that records every request, console error and dialog."""

    def __init__(self, browser, path: Path, bypass_csp: bool = True, lang: str = "zh"):
        self.requests, self.external, self.failed, self.errors, self.dialogs = [], [], [], [], []
        # bypass_csp lets the test inject axe-core and proves escaping on its own: with the
        # policy on, an unescaped payload would be blocked rather than caught here.
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            bypass_csp=bypass_csp,
            locale="zh-CN" if lang == "zh" else "en-US",
        )
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri(), wait_until="load")

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self):
        self.context.close()


def _visit(browser, folder: Path, rel: str, **kw) -> Visit:
    return Visit(browser, folder / rel, **kw)


def test_every_page_loads_offline_with_no_failed_requests_or_console_errors(runs, browser):
    problems = []
    for folder, lang in ((runs.zh, "zh"), (runs.en, "en")):
        for rel in _pages(folder):
            v = _visit(browser, folder, rel, bypass_csp=False, lang=lang)
            assert v.requests, rel
            if v.external or v.failed or v.errors:
                problems.append((lang, rel, v.external, v.failed, v.errors))
            assert v.page.evaluate("document.scripts.length") == 0, rel
            v.close()
    assert not problems


def test_axe_finds_no_serious_or_critical_violations(runs, browser):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}); run .ci/axe.sh")
    axe = AXE.read_text(encoding="utf-8")
    found = []
    for folder, lang in ((runs.zh, "zh"), (runs.en, "en")):
        for rel in _pages(folder):
            v = _visit(browser, folder, rel, lang=lang)
            v.page.add_script_tag(content=axe)
            violations = v.page.evaluate(
                """async () => (await axe.run(document)).violations
                    .filter(x => x.impact === 'serious' || x.impact === 'critical')
                    .map(x => `${x.id} (${x.impact}): ${x.nodes.length} x ${x.nodes[0].html.slice(0, 120)}`)"""
            )
            found += [f"{lang} {rel}: {x}" for x in violations]
            v.close()
    assert not found, "\n".join(found)


def test_pages_have_lang_ordered_headings_table_headers_and_real_alt_text(runs, browser):
    for folder, lang in ((runs.zh, "zh-CN"), (runs.en, "en")):
        for rel in _pages(folder):
            v = _visit(browser, folder, rel)
            facts = v.page.evaluate(
                """() => ({
                    lang: document.documentElement.lang,
                    levels: [...document.querySelectorAll('main h1, main h2, main h3, main h4')]
                        .map(h => +h.tagName[1]),
                    alts: [...document.images].map(i => i.getAttribute('alt')),
                    tables: [...document.querySelectorAll('main table')]
                        .map(t => t.querySelectorAll('th').length),
                    toc: [...document.querySelectorAll('nav.kpi-toc a')]
                        .every(a => document.getElementById(a.hash.slice(1)) !== null),
                })"""
            )
            v.close()
            assert facts["lang"] == lang, rel
            levels = facts["levels"]
            assert levels.count(1) == 1 and levels[0] == 1, (rel, levels)
            assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (rel, levels)
            for alt in facts["alts"]:
                assert alt and len(alt) > 15 and "No description" not in alt, (rel, alt)
            assert all(n > 0 for n in facts["tables"]), rel
            assert facts["toc"], rel


def test_a_pm_report_stays_well_under_5_mb(runs):
    sizes = {rel: (runs.zh / rel).stat().st_size for rel in _pages(runs.zh)}
    for rel, size in sorted(sizes.items()):
        print(f"{rel}: {size / 1024:.0f} KiB")
    pm = [size for rel, size in sizes.items() if rel.startswith("pm/")]
    assert pm and max(pm) < MAX_PM_REPORT_BYTES / 4
    assert max(sizes.values()) < MAX_PM_REPORT_BYTES


def test_pdf_of_every_page_and_one_xlsx_workbook(runs):
    from openpyxl import load_workbook

    for rel in _pages(runs.zh):
        pdf = runs.zh / Path(rel).with_suffix(".pdf")
        assert pdf.read_bytes()[:5] == b"%PDF-", rel
    for folder in (runs.zh, runs.en):  # the workbook is written with or without --pdf
        book = load_workbook(folder / f"{PERIOD}_kpi_workbook.xlsx", read_only=True)
        sheets = (
            ("计分卡", "下期目标建议")
            if folder == runs.zh
            else ("Scorecard", "Next period targets")
        )
        assert set(sheets) <= set(book.sheetnames) and book.sheetnames[0] in ("说明", "Read me")
    assert not list(runs.en.rglob("*.pdf"))


def test_chinese_pages_render_cjk_glyphs_not_tofu(runs, browser):
    v = _visit(browser, runs.zh, "index.html")
    # Each character drawn alone in the page's own font: real glyphs differ from each other and
    # are not blank; missing glyphs ("tofu") are the same empty box every time.
    drawings = v.page.evaluate(
        """() => {
            const font = getComputedStyle(document.querySelector('h1')).font;
            return [...'绩效评估报告'].map(ch => {
                const c = document.createElement('canvas');
                c.width = 64; c.height = 64;
                const g = c.getContext('2d');
                g.fillStyle = '#fff'; g.fillRect(0, 0, 64, 64);
                g.fillStyle = '#000'; g.font = font; g.textBaseline = 'top';
                g.fillText(ch, 4, 4);
                const px = g.getImageData(0, 0, 64, 64).data;
                let ink = 0;
                for (let i = 0; i < px.length; i += 4) if (px[i] < 128) ink++;
                return {image: c.toDataURL(), ink: ink};
            });
        }"""
    )
    v.close()
    assert all(d["ink"] > 20 for d in drawings), [d["ink"] for d in drawings]
    assert len({d["image"] for d in drawings}) == len(drawings), "CJK characters render as tofu"


def test_screenshots_of_index_and_a_pm_report_in_both_languages(runs, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for folder, lang in ((runs.zh, "zh"), (runs.en, "en")):
        for rel, name in (("index.html", "index"), (PM_REPORT, "pm_report")):
            v = _visit(browser, folder, rel, lang=lang)
            shot = ARTIFACTS / f"{name}_{lang}.png"
            v.page.screenshot(path=str(shot), full_page=True)
            v.close()
            assert shot.stat().st_size > 20_000, shot
    if os.environ.get("KPI_WORKBOOK_UPDATE_SCREENSHOT") == "1":
        v = _visit(browser, runs.zh, "index.html")
        v.page.set_viewport_size({"width": 1100, "height": 900})
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        v.page.screenshot(path=str(README_SCREENSHOT), full_page=True)
        v.close()


def test_english_pages_have_english_headings_table_headers_and_contents(runs, browser):
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for rel in _pages(runs.en):
        v = _visit(browser, runs.en, rel, lang="en")
        texts = v.page.evaluate(
            """() => [...document.querySelectorAll(
                'main h1, main h2, thead th, caption, nav.kpi-toc, .kpi-header-main, img')]
                .map(e => e.tagName === 'IMG' ? e.alt : e.innerText)"""
        )
        v.close()
        # data values stay as they are: the sample's team names and units are Chinese
        chinese = [s for s in texts if cjk.search(s)]
        assert not chinese, (rel, chinese[:5])


def test_payloads_in_the_data_show_as_text_and_run_nothing(runs, browser):
    seen = set()
    for rel in _pages(runs.evil):
        v = _visit(browser, runs.evil, rel)
        injected = v.page.evaluate(
            """() => ({
                scripts: document.scripts.length,
                svg: document.querySelectorAll('svg, iframe, object, embed').length,
                imgs: [...document.images].filter(i => !i.src.startsWith('data:')).length,
                handlers: [...document.querySelectorAll('*')].filter(e =>
                    [...e.attributes].some(a => a.name.startsWith('on'))).length,
                js_links: document.querySelectorAll('a[href^="javascript"]').length,
                text: document.body.innerText,
            })"""
        )
        assert not v.dialogs, (rel, v.dialogs)
        assert not v.errors, (rel, v.errors)
        v.close()
        for key in ("scripts", "svg", "imgs", "handlers", "js_links"):
            assert injected[key] == 0, (rel, key)
        seen |= {p for p in ALL_PAYLOADS if p in injected["text"]}
    assert seen == ALL_PAYLOADS, ALL_PAYLOADS - seen


def test_the_policy_stops_a_script_that_got_into_a_page(runs, browser):
    v = _visit(browser, runs.zh, "index.html", bypass_csp=False)
    v.page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.ran = true'; document.body.appendChild(s); }"""
    )
    ran = v.page.evaluate("window.ran === true")
    v.close()
    assert not ran
    assert any("Content Security Policy" in e for e in v.errors)


def test_links_inside_the_pdfs_resolve_to_existing_pdfs(runs):
    from urllib.parse import unquote

    pdfs = sorted(p for p in runs.zh.rglob("*.pdf") if p.relative_to(runs.zh).parts[0] != "en")
    assert len(pdfs) == len(_pages(runs.zh))
    checked = []
    for pdf in pdfs:
        for link in pdf_links(pdf):
            assert not link.startswith("file:"), (pdf.name, link)
            assert ".tmp-" not in link, (pdf.name, link)
            target = (pdf.parent / unquote(link.split("#")[0])).resolve()
            assert target.is_file(), (pdf.relative_to(runs.zh), link)
            checked.append(link)
    index = pdf_links(runs.zh / "index.pdf")
    assert "06_review.pdf" in index and "pm/PM02.pdf" in index
    assert len(checked) > len(pdfs)


def test_both_languages_stay_published_and_switch_to_each_other(runs, browser):
    assert (runs.zh / "index.html").is_file() and (runs.zh / PM_REPORT).is_file()
    for start, other_lang in ((runs.zh, "en"), (runs.en, "zh-CN")):
        for rel in ("index.html", "06_review.html", PM_REPORT):
            v = _visit(browser, start, rel)
            v.page.click("a.kpi-lang")
            v.page.wait_for_load_state()
            landed = v.page.evaluate("[document.documentElement.lang, location.pathname]")
            v.close()
            assert landed[0] == other_lang, (start, rel, landed)
            assert landed[1].endswith("/" + rel), (start, rel, landed)
    # PM01 has no English page: its Chinese page offers no link to one
    v = _visit(browser, runs.zh, "pm/PM01.html")
    assert v.page.locator("a.kpi-lang").count() == 0
    v.close()


def test_the_archive_lists_every_period_and_language_and_its_links_open(runs, browser):
    archive = runs.zh.parent / "index.html"
    v = Visit(browser, archive)
    rows = v.page.evaluate(
        """() => [...document.querySelectorAll('main tbody tr')].map(tr =>
            [...tr.querySelectorAll('th, td')].map(c => c.innerText.trim()))"""
    )
    hrefs = v.page.evaluate("[...document.querySelectorAll('main tbody a')].map(a => a.href)")
    v.close()
    assert [r[:2] for r in rows] == [[PERIOD, "中文"], [PERIOD, "English"]]
    assert all(r[3] and r[3] != "-" for r in rows)  # the company total
    for href in hrefs:
        page = Path(unquote_uri(href))
        assert page.is_file(), href


def unquote_uri(uri: str) -> str:
    from urllib.parse import unquote, urlsplit

    return unquote(urlsplit(uri).path)


def test_an_english_run_shows_chinese_only_inside_elements_marked_lang_zh(runs, browser):
    found = []
    for rel in _pages(runs.en):
        v = _visit(browser, runs.en, rel, lang="en")
        unmarked = v.page.evaluate(
            """() => {
                const cjk = /[\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uff00-\\uffef]/;
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                const out = [];
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                    if (!cjk.test(n.textContent)) continue;
                    const marked = n.parentElement.closest('[lang]');
                    if (!marked || !marked.lang.startsWith('zh')) out.push(n.textContent.trim());
                }
                const alts = [...document.images].map(i => i.alt).filter(a => cjk.test(a));
                return out.concat(alts);
            }"""
        )
        v.close()
        found += [f"{rel}: {text[:80]}" for text in unmarked]
    assert not found, "\n".join(found[:20])
