"""Turning executed notebooks into offline HTML pages and publishing a period's folder atomically."""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import platform
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from filelock import FileLock, Timeout

from kpi_helpers import __version__
from kpi_helpers.config import PACKAGE_DIR
from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.publish.languages import switch_marker
from kpi_helpers.publish.page_frame import finish_page, head_html, header_html

TEMPLATE_NAME = "kpi_report"  # kpi_helpers/templates/kpi_report/: extends JupyterLab's "lab"
# Cell tags a notebook author can use to keep a cell or its output out of the published page.
REMOVE_CELL_TAGS = {"remove_cell", "remove-cell"}
REMOVE_OUTPUT_TAGS = {"remove_output", "remove-output"}


@dataclass(frozen=True)
class PageContext:
    """What every page of one run shows around the notebook: company, period, language, origin."""

    company: str
    period: str
    lang: str
    back: str  # text of the link to index.html
    footer: str
    made: str = ""  # when the run started ("2026-10-02 08:00"); empty: when the page is exported
    primary: str = ""  # the language of reports/<period>/; empty: no link to another language


def report_css() -> str:
    """The stylesheet shared by index.html and every report page (inlined, never linked)."""
    return (resources.files(__package__) / "templates" / TEMPLATE_NAME / "report.css").read_text(
        encoding="utf-8"
    )


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(Path(__file__).parent / "templates")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags=REMOVE_CELL_TAGS, remove_all_outputs_tags=REMOVE_OUTPUT_TAGS
        ),
        enabled=True,
    )
    return exporter


def _readers_view(nb) -> None:
    """Drop what a manager should not see: stderr (warnings, logs), errors, counts, empty cells."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.outputs = [
            o
            for o in cell.outputs
            if o.output_type != "error" and not (o.output_type == "stream" and o.name == "stderr")
        ]
        for output in cell.outputs:
            if "execution_count" in output:
                output.execution_count = None
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.outputs]


def export_report(nb, title: str, page: PageContext, depth: int = 0, path: str = "") -> str:
    """The HTML page of an executed notebook: outputs and narrative only, no code, fully offline.

    The page gets the shared header (company, report title, period, date made), a table of
    contents of its H2 sections and a policy that stops any script or network load.

    Args:
        nb: the executed notebook (modified in place: stderr and empty code cells are removed).
        title: the report's title; the page title is "<title> · <period>".
        page: the run's company, period, language, footer and time.
        depth: how many folders below index.html the page lives (pm/ pages: 1).
        path: the page inside its language folder ("pm/PM01.html"), for the language switch.

    Returns:
        The page as one self-contained HTML string.
    """
    _readers_view(nb)
    switch = switch_marker(page.lang, page.primary, path) if page.primary and path else ""
    kpi = {
        "head": head_html(f"{title} · {page.period}", page.lang, report_css()),
        "header": header_html(
            page.company,
            page.period,
            title,
            page.made,
            page.lang,
            "../" * depth + "index.html",
            switch,
        ),
        "footer": page.footer,
    }
    body, _ = _exporter().from_notebook_node(nb, resources={"kpi": kpi})
    return finish_page(body, page.lang)


_HEADER = re.compile(r'<header class="kpi-header">.*?</header>', re.S)
_FOOTER = re.compile(r'<footer class="kpi-footer">.*?</footer>', re.S)


def reframe(
    page_html: str, title: str, page: PageContext, depth: int = 0, path: str = ""
) -> str | None:
    """A published page (export_report) with this run's header and footer (date made, data
    digest, language switch) in place of its own, its content untouched: how a page whose
    inputs have not changed is published again, in milliseconds instead of an export. None when
    the page does not hold exactly one header and one footer of ours."""
    if len(_HEADER.findall(page_html)) != 1 or len(_FOOTER.findall(page_html)) != 1:
        return None
    switch = switch_marker(page.lang, page.primary, path) if page.primary and path else ""
    back = "../" * depth + "index.html"
    header = header_html(page.company, page.period, title, page.made, page.lang, back, switch)
    header = header[header.index('<header class="kpi-header">') :]
    footer = f'<footer class="kpi-footer">{html.escape(page.footer)}</footer>'
    page_html = _HEADER.sub(lambda _: header, page_html, count=1)
    return _FOOTER.sub(lambda _: footer, page_html, count=1)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digest_of(value) -> str:
    """sha256 of any JSON-able value (keys sorted), e.g. a dict of file hashes."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 over the kpi_helpers package files, so a code change re-runs every notebook."""
    files = sorted(
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    return digest_of({str(p.relative_to(PACKAGE_DIR)): sha256_file(p) for p in files})


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of what made the reports, for the manifest."""
    found = {"python": platform.python_version(), "kpi_helpers": __version__}
    for dist in ("pandas", "papermill", "nbconvert", "nbclient", "ipykernel", "matplotlib"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = None
    return found


def write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def read_manifest(folder: Path) -> dict | None:
    """The manifest.json of a published period folder, or None when absent or unreadable."""
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _lock_posix(path: Path, wait: bool = False) -> int | None:
    """An exclusive flock on `path`, or None when another process holds it.

    The holder deletes the file before unlocking; a process that opened the old file just
    before it went sees another inode at `path` and tries again on the fresh file.
    """
    import fcntl

    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextlib.contextmanager
def held_lock(path: Path, busy: str, wait: bool = False) -> Iterator[None]:
    """Hold the lock file `path` for the block and delete it after: no empty file stays behind.

    With `wait`, block until the holder is done instead of failing.

    Raises:
        KpiWorkbookError: `busy` (one sentence), when another process holds the lock.
    """
    if path.is_symlink() or (path.exists() and not path.is_file()):
        # the lock is opened for writing: a planted link would have us write where it points
        raise KpiWorkbookError(
            f"{path} is not a plain file (a symbolic link or a folder); remove it and run again"
        )
    if os.name != "posix":  # no flock: filelock's Windows lock, file left in place
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=-1 if wait else 0)
        except Timeout:
            raise KpiWorkbookError(busy) from None
        try:
            yield
        finally:
            lock.release()
        return
    try:
        fd = _lock_posix(path, wait)
    except OSError as e:
        raise KpiWorkbookError(
            f"cannot create the lock file {path} ({e.strerror}); check that {path.parent} is a "
            "folder you can write to"
        ) from None
    if fd is None:
        raise KpiWorkbookError(busy)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)  # closing releases the flock


def period_lock(out_dir: Path, period: str):
    """Hold reports/.<period>.lock so two runs (say, cron and a person) never publish at once.

    Both languages of a period share the lock: a run copies the other language's pages.
    """
    return held_lock(
        out_dir / f".{period}.lock",
        f"another run is writing {out_dir / period} right now; wait for it to finish and run again",
    )


def remove_leftovers(out_dir: Path, period: str) -> None:
    """Delete temporary folders of earlier runs of this period that were killed mid-way.

    A run killed between the two renames of replace_folder leaves no reports/<period>/ but the
    previous reports in .old-<period>-*: those are put back first, so nothing published is lost.
    Only call this while holding period_lock: then no living run owns them.
    """
    target = out_dir / period
    olds = sorted(out_dir.glob(f".old-{period}-*"), key=lambda p: p.stat().st_mtime)
    if olds and not target.exists():
        os.replace(olds.pop(), target)
    for folder in [*out_dir.glob(f".tmp-{period}-*"), *olds]:
        shutil.rmtree(folder, ignore_errors=True)


def restore_interrupted(out_dir: Path) -> list[str]:
    """Put back every period whose run was killed between the two renames of replace_folder.

    Such a run leaves no reports/<period>/ but the previous reports in .old-<period>-*; this
    runs before anything is checked, so a next run that fails (bad data, say) still restores
    them. A period another run holds the lock of is left alone. Returns the periods restored.
    """
    restored = []
    if not Path(out_dir).is_dir():
        return restored
    for old in sorted(Path(out_dir).glob(".old-*-*")):
        period = old.name[len(".old-") :].rsplit("-", 1)[0]
        if not old.is_dir() or (Path(out_dir) / period).exists():
            continue
        try:
            with period_lock(Path(out_dir), period):
                if not (Path(out_dir) / period).exists():
                    remove_leftovers(Path(out_dir), period)
                    restored.append(period)
        except KpiWorkbookError:
            continue
    return restored


# Published files hold scores and 360-degree comments: readable by the owner and the group only.
DEFAULT_FILE_MODE = 0o640


def folder_mode(file_mode: int) -> int:
    """The mode of a folder beside files of `file_mode`: x wherever r is (0640 -> 0750)."""
    return file_mode | ((file_mode & 0o444) >> 2)


def set_modes(folder: Path, file_mode: int = DEFAULT_FILE_MODE) -> None:
    """Give every file under `folder` `file_mode` and every folder, itself included, its x."""
    folder = Path(folder)
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(folder_mode(file_mode) if path.is_dir() else file_mode)
    folder.chmod(folder_mode(file_mode))


@contextlib.contextmanager
def build_folder(out_dir: Path, period: str) -> Iterator[Path]:
    """A fresh folder beside reports/<period>/ (same filesystem, so renames are atomic).

    It is deleted on every exit unless it was published or kept (moved away) before.
    """
    build = Path(tempfile.mkdtemp(prefix=f".tmp-{period}-", dir=out_dir))
    # mkdtemp makes the folder private (0700); the published folder is readable like any other
    # (a web server or a colleague's account may serve or read the reports).
    umask = os.umask(0o022)
    os.umask(umask)
    build.chmod(0o777 & ~umask)
    try:
        yield build
    finally:
        shutil.rmtree(build, ignore_errors=True)


def replace_folder(build: Path, target: Path) -> None:
    """Make `build` the new `target`: old -> .old-*, new -> target, delete old.

    Readers see either the old or the new folder, never a half-written one; only between the
    two renames is `target` briefly absent. If the second rename fails, the old folder returns.
    """
    old = None
    if target.exists():
        old = target.parent / f".old-{target.name}-{secrets.token_hex(4)}"
        os.replace(target, old)
    try:
        os.replace(build, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def failed_folder(out_dir: Path, period: str) -> Path:
    """Where a failed run of `period` keeps its work for debugging: reports/<period>.failed/."""
    return out_dir / f"{period}.failed"


def keep_failed(
    build: Path, out_dir: Path, period: str, file_mode: int = DEFAULT_FILE_MODE
) -> Path:
    """Move a failed run's folder (executed notebooks, manifest) to reports/<period>.failed/.

    Its notebooks hold the same scores and comments as the reports: it gets their modes.
    """
    set_modes(build, file_mode)
    kept = failed_folder(out_dir, period)
    shutil.rmtree(kept, ignore_errors=True)
    os.replace(build, kept)
    return kept
