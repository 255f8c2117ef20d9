"""What the browser tests share: Debian's Chromium, how it is started, and skipping without it."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_browser():
    """Playwright's sync API; skips the calling test module without Chromium or Playwright."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
            allow_module_level=True,
        )
    return pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright for Python is not installed (pip install -e '.[dev]')",
    )


def pdf_links(pdf: Path) -> list[str]:
    """The URI links inside a printed PDF, page by page."""
    from pypdf import PdfReader

    links = []
    for page in PdfReader(pdf).pages:
        for ref in page.get("/Annots") or []:
            action = ref.get_object().get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                links.append(str(action.get_object()["/URI"]))
    return links
