"""End to end: notebook 05 in a real JupyterLab, run in headless Chromium, what-if slider moved.

Needs Debian's chromium at /usr/bin/chromium (CI installs it in .ci/run) and Playwright for
Python (dev extras); Playwright's own browser download is never used. The panel's screenshot goes
to tests/artifacts/whatif.png; KPI_WORKBOOK_UPDATE_SCREENSHOT=1 also copies it to
docs/img/whatif.png for the README.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, require_browser

from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.report import registry

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = registry.per_pm().file  # the evaluation: pickers and the what-if panel
ARTIFACTS = ROOT / "tests" / "artifacts"

sync_api = require_browser()
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def interactive_copy(source: Path, folder: Path, data_dir: Path) -> Path:
    """A copy of a notebook whose parameters cell says interactive = True and points at data_dir."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source += f"\ninteractive = True\ndata_dir = {str(data_dir)!r}\n"
            break
    else:
        raise AssertionError(f"{source.name} has no cell tagged 'parameters'")
    # the server's own Python runs the kernel, so kpi_helpers is importable whatever the name
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    target = folder / source.name
    nbformat.write(nb, target)
    return target


@pytest.fixture
def lab(tmp_path: Path):
    """A JupyterLab server on 127.0.0.1 (random port, token) serving tmp_path/notebooks."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_WORKBOOK", "JUPYTER"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "lab-workspaces"),
        IPYTHONDIR=str(tmp_path / "ipython"),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
    )
    # no news toast over the notebook, no request to any outside website
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false, "doNotDisturbMode": true}'
    )
    env["JUPYTERLAB_SETTINGS_DIR"] = str(tmp_path / "lab-settings")
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", "--port-retries=0", "--allow-root", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={notebooks}", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=notebooks,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((tmp_path / "lab.log").read_text()) from None
                time.sleep(0.5)
        yield base, token, notebooks
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for_kernel(page, timeout: float = 120) -> None:
    """Wait until the notebook's kernel is idle, accepting the kernel dialog if Lab shows one
    (it asks when Run All comes before the session has its kernel)."""
    deadline = time.monotonic() + timeout
    status = page.locator(".jp-StatusBar-TextItem", has_text="| Idle")
    while time.monotonic() < deadline:
        if page.locator(".jp-Dialog .jp-mod-accept").count():
            page.locator(".jp-Dialog .jp-mod-accept").first.click()
        if status.count():
            return
        time.sleep(0.5)
    raise AssertionError("the notebook's kernel did not start")


def settled_text(page, selector: str, quiet: float = 2.0, timeout: float = 60) -> str:
    """The element's text once it has not changed for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        text = page.locator(selector).first.inner_text()
        if text != last:
            last, since = text, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return text
        time.sleep(0.25)
    return last


def test_whatif_slider_changes_the_total_in_jupyterlab(lab, tmp_path):
    base, token, notebooks = lab
    source = ROOT / "notebooks" / NOTEBOOK
    data = init_data_folder(tmp_path / "data")
    copy = interactive_copy(source, notebooks, data)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/{copy.name}?token={token}")
            page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=90_000)
            wait_for_kernel(page)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            total = page.locator(".kpi-whatif-total").first
            try:
                total.wait_for(timeout=180_000)
            except sync_api.Error:
                page.screenshot(path=str(ARTIFACTS / "whatif-failed.png"))
                raise
            before = total.inner_text()
            handle = page.locator(".kpi-whatif-target .noUi-handle").first
            handle.scroll_into_view_if_needed()
            handle.focus()
            for _ in range(5):
                page.keyboard.press("PageUp")
            page.wait_for_function(
                "before => document.querySelector('.kpi-whatif-total').innerText !== before",
                arg=before,
                timeout=30_000,
            )
            after = settled_text(page, ".kpi-whatif-result")  # the last steps computed too
            after = total.inner_text()
            page.locator(".kpi-whatif").first.scroll_into_view_if_needed()
            shot = ARTIFACTS / "whatif.png"
            page.locator(".kpi-whatif").first.screenshot(path=str(shot))
        finally:
            browser.close()
    assert after != before
    assert float(after.replace(",", "")) < float(before.replace(",", ""))  # a harder target
    assert shot.stat().st_size > 10_000
    docs = ROOT / "docs" / "img" / "whatif.png"
    if os.environ.get("KPI_WORKBOOK_UPDATE_SCREENSHOT") == "1":
        docs.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, docs)
