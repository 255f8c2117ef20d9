"""The frame every published page shares: security policy, header, table of contents, anchors."""

from __future__ import annotations

import base64
import re
import struct
from datetime import datetime
from html import escape

from bs4 import BeautifulSoup, Comment

from kpi_helpers.report.i18n import t

# Nothing may load from outside the file and no script may run, even if a data value slipped
# through unescaped: the browser itself refuses. Images are embedded as data: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)
LANGUAGE_CODES = {"zh": "zh-CN", "en": "en"}
MAIN_ID = "main"
LONG_CELL = 24  # characters; longer cells are sentences, allowed to wrap inside words


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that cannot end the string or the <style> element."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def print_footer_css(title: str, lang: str) -> str:
    """Printed pages (and PDFs) carry the report title and "page n of m" in the bottom margin."""
    of = css_string(t("page.page_of", lang))
    return (
        "@page { @bottom-left { content: "
        f"{css_string(title)}; font-size: 8pt; color: #555; }}"
        " @bottom-right { content: counter(page) "
        f"{of} counter(pages); font-size: 8pt; color: #555; }} }}"
    )


def head_html(title: str, lang: str, css: str) -> str:
    """<!DOCTYPE>, <html lang> and the <head>: charset, policy, viewport, title, inlined CSS."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{LANGUAGE_CODES[lang]}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{escape(title)}</title>\n<style>\n{css}\n{print_footer_css(title, lang)}\n"
        "</style>\n</head>"
    )


def made_at(made: str = "") -> str:
    """When a page was made: the run's time, or now when the run did not say."""
    return made or datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")


def header_html(
    company: str,
    period: str,
    title: str,
    made: str,
    lang: str,
    back_href: str | None = None,
    switch: str = "",
) -> str:
    """The page header: company and report title, period and the date made, a link back home.

    Every value is escaped here; callers pass plain text. `switch` is the (commented-out) link
    to the same page in the other language, made by publish.languages.switch_marker.
    """
    skip = f'<a class="kpi-skip" href="#{MAIN_ID}">{escape(t("page.skip", lang))}</a>'
    back = (
        f'<a class="kpi-back" href="{escape(back_href, quote=True)}">{escape(t("run.back", lang))}</a>'
        if back_href
        else ""
    )
    return (
        f'{skip}<header class="kpi-header">'
        f'<div class="kpi-header-nav"><span class="kpi-company">{escape(company)}</span>{back}'
        f"{switch}</div>"
        f'<div class="kpi-header-main"><p class="kpi-report-title">{escape(title)}</p>'
        '<p class="kpi-meta">'
        f'<span class="kpi-period">{escape(t("page.period", lang, period=period))}</span>'
        f'<span class="kpi-made">{escape(t("page.made", lang, made=made_at(made)))}</span>'
        "</p></div></header>"
    )


def _unique_ids(soup: BeautifulSoup) -> None:
    """Give repeated ids (a PM's name heading in several sections) a numbered suffix."""
    seen: set[str] = set()
    for element in soup.find_all(id=True):
        base = element["id"]
        new, n = base, 1
        while new in seen:
            n += 1
            new = f"{base}-{n}"
        seen.add(new)
        if new != base:
            element["id"] = new


def _drop_anchor_links(soup: BeautifulSoup) -> None:
    # nbconvert's "¶" permalinks point at percent-encoded ids; the table of contents replaces them.
    for link in soup.select("a.anchor-link"):
        link.decompose()


WIDE_CHART_PX = 1200  # charts wider than this print on a landscape page


def _png_size(src: str) -> tuple[int, int] | None:
    """(width, height) of a data: PNG from its IHDR chunk, without decoding the image."""
    prefix = "data:image/png;base64,"
    if not src.startswith(prefix):
        return None
    try:
        head = base64.b64decode(src[len(prefix) : len(prefix) + 32])
        return struct.unpack(">II", head[16:24])
    except (ValueError, struct.error):
        return None


def _mark_wide_charts(soup: BeautifulSoup) -> None:
    """A page with wide charts (heat maps of many periods) prints in landscape as a whole, so the
    charts are readable and stay with their headings."""
    wide = False
    for img in soup.find_all("img"):
        size = _png_size(img.get("src", ""))
        if size and size[0] >= WIDE_CHART_PX and size[0] > size[1]:
            block = img.find_parent("div") or img
            block["class"] = [*block.get("class", []), "kpi-wide"]
            wide = True
    if wide and soup.body is not None:
        soup.body["class"] = [*soup.body.get("class", []), "kpi-landscape"]


def _short_cells(soup: BeautifulSoup) -> None:
    """Table cells of a few words keep them whole; long sentences may wrap anywhere."""
    for cell in soup.find_all(["td", "th"]):
        if len(cell.get_text(strip=True)) > LONG_CELL:
            cell["class"] = [*cell.get("class", []), "kpi-long"]


CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
CJK_RUN = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
    r"(?:[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\s\w·.,-]*"
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef])?"
)
SKIP_MARKING = {"style", "script", "title", "head"}


def _inside_chinese(node) -> bool:
    for parent in node.parents:
        if parent.name in SKIP_MARKING:
            return True
        code = parent.get("lang", "") if hasattr(parent, "get") else ""
        if code:
            return code.startswith("zh")
    return False


def _mark_chinese(soup: BeautifulSoup) -> None:
    """On an English page, put Chinese data values (a team or unit with no English form) in
    <span lang="zh-CN">, so screen readers and fonts treat them as Chinese."""
    for text in list(soup.find_all(string=CJK)):
        if isinstance(text, Comment) or _inside_chinese(text):
            continue
        value = str(text)
        pieces, last = [], 0
        for match in CJK_RUN.finditer(value):
            pieces.append(value[last : match.start()])
            span = soup.new_tag("span", attrs={"lang": LANGUAGE_CODES["zh"]})
            span.string = match.group(0)
            pieces.append(span)
            last = match.end()
        pieces.append(value[last:])
        text.replace_with(*[p for p in pieces if p != ""])


def finish_page(page: str, lang: str) -> str:
    """The page with its sections numbered (#s1, #s2 ...) and a table of contents after the H1.

    The contents list every H2 of <main>; a page with fewer than two sections gets none.
    """
    soup = BeautifulSoup(page, "html.parser")
    _drop_anchor_links(soup)
    _mark_wide_charts(soup)
    _short_cells(soup)
    if lang != "zh":
        _mark_chinese(soup)
    main = soup.find("main") or soup.body or soup
    sections = main.find_all("h2")
    for i, h2 in enumerate(sections, 1):
        h2["id"] = f"s{i}"
    _unique_ids(soup)
    h1 = main.find("h1")
    if len(sections) >= 2:
        label = t("page.contents", lang)
        items = "".join(
            f'<li><a href="#{h2["id"]}">{escape(h2.get_text(" ", strip=True))}</a></li>'
            for h2 in sections
        )
        nav = BeautifulSoup(
            f'<nav class="kpi-toc" aria-label="{escape(label, quote=True)}">'
            f'<p class="kpi-toc-title">{escape(label)}</p><ol>{items}</ol></nav>',
            "html.parser",
        )
        if h1 is not None:
            h1.insert_after(nav)
        else:
            main.insert(0, nav)
    return str(soup)
