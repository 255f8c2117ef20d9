"""The frame of every published page: header, table of contents, anchors, security policy."""

from __future__ import annotations

import re

from kpi_helpers.publish.page_frame import finish_page, head_html, header_html

PAGE = """<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>
<header>h</header><main id="main">
<h1 id="a">Report</h1><p>intro</p>
<h2 id="Totals">Totals<a class="anchor-link" href="#Totals">¶</a></h2><h3 id="Li">Li</h3>
<h2 id="Trends">Trends &amp; moves</h2><h3 id="Li">Li</h3>
</main></body></html>"""


def test_contents_list_every_h2_with_an_anchor_after_the_h1():
    html = finish_page(PAGE, "en")
    nav = re.search(r'<nav aria-label="Contents" class="kpi-toc">.*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="#(s\d)">([^<]*)<', nav) == [
        ("s1", "Totals"),
        ("s2", "Trends &amp; moves"),  # the text stays escaped
    ]
    assert '<h2 id="s1">' in html and '<h2 id="s2">' in html
    assert html.index("</h1>") < html.index("<nav")


def test_repeated_ids_become_unique_and_pilcrow_links_go():
    html = finish_page(PAGE, "en")
    assert re.findall(r'<h3 id="([^"]+)"', html) == ["Li", "Li-2"]
    assert "anchor-link" not in html and "¶" not in html


def test_a_page_with_one_section_gets_no_contents():
    html = finish_page('<main><h1>R</h1><h2 id="x">Only</h2></main>', "zh")
    assert "<nav" not in html


def test_chinese_contents_label():
    assert 'aria-label="目录"' in finish_page(PAGE, "zh")


def test_header_escapes_data_values_and_shows_when_it_was_made():
    html = header_html("<b>Co</b>", "2026-Q3", "KPI <i>", "2026-10-02 08:00", "en", "../index.html")
    assert "&lt;b&gt;Co&lt;/b&gt;" in html and "KPI &lt;i&gt;" in html
    assert "Period 2026-Q3" in html and "Made 2026-10-02 08:00" in html
    assert 'href="../index.html"' in html and 'href="#main"' in html


def test_head_sets_language_policy_and_inlines_the_style():
    html = head_html("A <title>", "zh", "body{}")
    assert '<html lang="zh-CN">' in html
    assert "default-src 'none'" in html and "img-src data:" in html
    assert "<title>A &lt;title&gt;</title>" in html and "<style>\nbody{}\n" in html


def test_printed_pages_carry_the_title_and_page_numbers_and_the_title_cannot_end_the_style():
    html = head_html('Q3 "x" </style><script>', "en", "")
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@bottom-left" in style and "counter(page)" in style and "counter(pages)" in style
    assert "</style" not in style and "<script" not in style
    assert '"Q3 \\22 x\\22  \\3c /style\\3e \\3c script\\3e "' in style


def test_chinese_values_on_an_english_page_are_marked_as_chinese():
    page = (
        '<html lang="en"><body><main><h1>Team</h1><table><tr><td>33,568 人</td>'
        '<td>交易增长组</td><td lang="zh-CN">林晓雯</td></tr></table></main></body></html>'
    )
    out = finish_page(page, "en")
    assert '33,568 <span lang="zh-CN">人</span>' in out
    assert '<td><span lang="zh-CN">交易增长组</span></td>' in out
    assert '<td lang="zh-CN">林晓雯</td>' in out  # marked already: left alone
    assert "<span" not in finish_page(page.replace('lang="en"', 'lang="zh-CN"'), "zh")


def _png(width: int, height: int) -> str:
    import base64
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(raw).decode()


def test_a_page_with_a_wide_chart_prints_in_landscape():
    from bs4 import BeautifulSoup

    def body_classes(width: int, height: int) -> list[str]:
        page = f'<html><body><main><h1>x</h1><div><img src="{_png(width, height)}" alt="a chart"></div></main></body></html>'
        return BeautifulSoup(finish_page(page, "zh"), "html.parser").body.get("class", [])

    assert "kpi-landscape" in body_classes(1540, 638)  # a heat map of seven periods
    assert "kpi-landscape" not in body_classes(990, 484)  # a chart of the usual width
    assert "kpi-landscape" not in body_classes(1210, 2052)  # a tall goal tree
