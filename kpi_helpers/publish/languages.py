"""Both languages of a period side by side: reports/<period>/ in the company's language,
reports/<period>/<other>/ in the other one, and a switch link between the same pages of both.

A page is written with its switch link inside an HTML comment; the link is uncommented once
the page it points to exists, so no page ever links to a language that was not published.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from html import escape
from pathlib import Path
from urllib.parse import quote, unquote

from kpi_helpers.report.i18n import LANGUAGES

OTHER = {"zh": "en", "en": "zh"}
LABELS = {"zh": "中文", "en": "English"}
CODES = {"zh": "zh-CN", "en": "en"}
MARK = "kpi-lang-switch"
_MARKED = re.compile(r"<!--" + MARK + r' (<a class="kpi-lang" href="([^"]*)"[^>]*>[^<]*</a>) -->')


def primary_language(company_language: str | None) -> str:
    """The language whose pages sit directly in reports/<period>/: the company's, else zh."""
    return company_language if company_language in LANGUAGES else "zh"


def publish_place(out_dir: Path, period: str, lang: str, primary: str) -> tuple[Path, str]:
    """(folder, name) of where a run in `lang` publishes: (reports, period) or (reports/period, lang)."""
    if lang == primary:
        return Path(out_dir), period
    return Path(out_dir) / period, lang


def switch_marker(lang: str, primary: str, page: str) -> str:
    """The commented-out link from `page` (e.g. "pm/PM01.html") to the same page in the other language."""
    other = OTHER[lang]
    up = "../" * page.count("/")
    href = up + (f"{other}/" if lang == primary else "../") + page
    link = (
        f'<a class="kpi-lang" href="{escape(quote(href), quote=True)}" '
        f'hreflang="{CODES[other]}" lang="{CODES[other]}">{LABELS[other]}</a>'
    )
    return f"<!--{MARK} {link} -->"


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    with contextlib.suppress(OSError):
        shutil.copymode(path, tmp)
    os.replace(tmp, path)  # a new file: never changes a hard-linked copy in place


def resolve_switch_links(folder: Path, skip: str | None = None) -> int:
    """Uncomment the switch links of every page in `folder` whose other-language page exists.

    Args:
        folder: a language folder (reports/2026-Q3 or reports/2026-Q3/en).
        skip: a sub-folder to leave alone (the other language inside the primary folder).

    Returns:
        How many pages changed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    changed = 0
    for page in sorted(folder.rglob("*.html")):
        rel = page.relative_to(folder).parts
        if rel[0].startswith(".") or (skip and rel[0] == skip):
            continue
        text = page.read_text(encoding="utf-8")
        if MARK not in text:
            continue

        def uncomment(match: re.Match, page: Path = page) -> str:
            target = page.parent / unquote(match.group(2).replace("&amp;", "&"))
            return match.group(1) if target.is_file() else match.group(0)

        new = _MARKED.sub(uncomment, text)
        if new != text:
            _write_atomically(page, new)
            changed += 1
    return changed


def keep_other_language(target: Path, build: Path, other: str) -> bool:
    """Carry reports/<period>/<other>/ over into the new build (hard links, else copies).

    Published files are never changed in place, so sharing them between the old and the new
    folder is safe. Returns whether there was anything to keep.
    """
    source = Path(target) / other
    if not source.is_dir():
        return False

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, Path(build) / other, copy_function=link, symlinks=True)
    return True
