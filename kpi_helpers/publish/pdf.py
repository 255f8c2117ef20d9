"""PDF copies of the published pages, printed by the installed Chromium (never a downloaded browser)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from kpi_helpers.config import CHROMIUM_ENV
from kpi_helpers.errors import KpiWorkbookError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless, offline and quiet: no first-run, sync, component or background network traffic.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
PRINT_TIMEOUT = 120  # seconds for one page


def find_chromium() -> str:
    """The Chromium to print with: $KPI_WORKBOOK_CHROMIUM, else chromium (or Chrome) on PATH.

    Raises:
        KpiWorkbookError: no browser found, in one sentence that says how to get one.
    """
    wanted = os.environ.get(CHROMIUM_ENV)
    if wanted:
        found = shutil.which(wanted)
        if found:
            return found
        raise KpiWorkbookError(
            f"--pdf needs Chromium, but {CHROMIUM_ENV}={wanted} is not an executable; "
            "point it at chromium or unset it"
        )
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise KpiWorkbookError(
        "--pdf needs Chromium to print the reports, and none is installed; install it "
        "(apt-get install chromium) or run without --pdf"
    )


def print_pdf(chromium: str, html: Path, pdf: Path) -> Path:
    """Print one HTML file to `pdf` with a fresh, throw-away browser profile."""
    with tempfile.TemporaryDirectory(prefix="kpi-workbook-chromium-") as profile:
        cmd = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            Path(html).resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=PRINT_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise KpiWorkbookError(
                f"printing {html.name} to PDF took longer than {PRINT_TIMEOUT} s; run again"
            ) from None
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        last = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise KpiWorkbookError(
            f"Chromium could not print {html.name} to PDF (exit {done.returncode}: {last[0][:200]})"
        )
    return pdf


def _relative_target(uri: str, pdf: Path) -> str | None:
    """The link `uri` (an absolute file: URI Chromium wrote) as a path relative to `pdf`.

    A link to a page that has a PDF beside it points to that PDF; None: leave the link alone.
    """
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    target = Path(unquote(parts.path))
    if target.suffix == ".html" and target.with_suffix(".pdf").is_file():
        target = target.with_suffix(".pdf")
        fragment = ""  # the PDF has no anchors of the page's sections
    else:
        fragment = f"#{parts.fragment}" if parts.fragment else ""
    return quote(os.path.relpath(target, pdf.parent).replace(os.sep, "/")) + fragment


def relative_links(pdf: Path) -> int:
    """Rewrite the file: links of a printed PDF to relative ones, .html to .pdf where printed.

    Chromium writes every link as an absolute URI into the folder it printed from (the run's
    temporary build folder); relative links keep working wherever the folder is copied or sent.

    Returns:
        How many links were rewritten.
    """
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # Chromium's PDFs are fine; no chatter
    pdf = Path(pdf)
    writer = PdfWriter(clone_from=str(pdf))
    changed = 0
    for page in writer.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            if action is None or action.get("/S") != "/URI":
                continue
            new = _relative_target(str(action.get("/URI", "")), pdf)
            if new is not None:
                action[NameObject("/URI")] = TextStringObject(new)
                changed += 1
    if changed:
        tmp = pdf.with_name(f".{pdf.name}.tmp")
        with open(tmp, "wb") as f:
            writer.write(f)
        os.replace(tmp, pdf)
    return changed


def print_pages(folder: Path, pages: list[str], chromium: str, workers: int = 2) -> list[str]:
    """Print every page of `folder` (index.html, 01_strategy.html, pm/PM01.html ...) beside it.

    Once all are printed, links between pages are made relative and point to the PDFs.

    Returns:
        The PDFs written, relative to `folder` (pm/PM01.pdf ...), in the pages' order.
    """
    folder = Path(folder)
    targets = [str(Path(p).with_suffix(".pdf")) for p in pages]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(
            pool.map(
                lambda pair: print_pdf(chromium, folder / pair[0], folder / pair[1]),
                zip(pages, targets, strict=True),
            )
        )
        list(pool.map(lambda target: relative_links(folder / target), targets))
    return targets
