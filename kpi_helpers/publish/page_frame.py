"""The frame every published page shares: security policy, header, table of contents, anchors."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bs4 import BeautifulSoup

from kpi_helpers.report.i18n import t

# Nothing may load from outside the file and no script may run, even if a data value slipped
# through unescaped: the browser itself refuses. Images are embedded as data: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)
LANGUAGE_CODES = {"zh": "zh-CN", "en": "en"}
MAIN_ID = "main"


def head_html(title: str, lang: str, css: str) -> str:
    """<!DOCTYPE>, <html lang> and the <head>: charset, policy, viewport, title, inlined CSS."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{LANGUAGE_CODES[lang]}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{escape(title)}</title>\n<style>\n{css}\n</style>\n</head>"
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
) -> str:
    """The page header: company and report title, period and the date made, a link back home.

    Every value is escaped here; callers pass plain text.
    """
    skip = f'<a class="kpi-skip" href="#{MAIN_ID}">{escape(t("page.skip", lang))}</a>'
    back = (
        f'<a class="kpi-back" href="{escape(back_href, quote=True)}">{escape(t("run.back", lang))}</a>'
        if back_href
        else ""
    )
    return (
        f'{skip}<header class="kpi-header">'
        f'<div class="kpi-header-nav"><span class="kpi-company">{escape(company)}</span>{back}</div>'
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


def finish_page(page: str, lang: str) -> str:
    """The page with its sections numbered (#s1, #s2 ...) and a table of contents after the H1.

    The contents list every H2 of <main>; a page with fewer than two sections gets none.
    """
    soup = BeautifulSoup(page, "html.parser")
    _drop_anchor_links(soup)
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
