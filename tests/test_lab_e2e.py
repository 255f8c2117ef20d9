"""End to end: notebook 05 in a real JupyterLab with `make lab`'s config, driven by headless
Chromium: the what-if panel's dropdowns, one slider, the save, and git status afterwards.

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

from kpi_helpers.data.load import validate_dataset
from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.report import registry

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = registry.per_pm().file  # the evaluation: pickers and the what-if panel
ARTIFACTS = ROOT / "tests" / "artifacts"
LAB_CONFIG = ROOT / "tools" / "jupyter_lab_config.py"  # the config `make lab` uses

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


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=lab", "-c", "user.email=lab@example.invalid", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab server for the module, with `make lab`'s config, on a throwaway git
    repository holding the project's .gitignore, an example data folder and notebooks/."""
    tmp_path = tmp_path_factory.mktemp("lab")
    repo = tmp_path / "repo"
    notebooks = repo / "notebooks"
    notebooks.mkdir(parents=True)
    shutil.copyfile(ROOT / ".gitignore", repo / ".gitignore")
    data = init_data_folder(repo / "data")
    interactive_copy(ROOT / "notebooks" / NOTEBOOK, notebooks, data)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "start")
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
        [sys.executable, "-m", "jupyter", "lab", f"--config={LAB_CONFIG}", "--no-browser",
         "--ip=127.0.0.1", f"--port={port}", "--port-retries=0", "--allow-root",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
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
        yield base, token, repo
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


def tried_count(page) -> int:
    return int(page.locator(".kpi-whatif-count [data-count]").first.get_attribute("data-count"))


def choose(page, dropdown: str, index: int, expect: str) -> str:
    """Pick the index-th entry of a panel dropdown, wait until the result shows `expect`
    (text of the picked entry when empty) and any echo from the browser has come back."""
    select = page.locator(f"{dropdown} select").first
    label = select.locator("option").nth(index).inner_text()
    select.select_option(index=index)
    wanted = expect or label.split()[0]
    page.wait_for_function(
        "w => document.querySelector('.kpi-whatif-result').innerText.includes(w)",
        arg=wanted,
        timeout=30_000,
    )
    settled_text(page, ".kpi-whatif", quiet=1.0)
    return label


def test_whatif_panel_in_jupyterlab(lab, tmp_path):
    """Dropdowns through every PM and KPI change no tried value; one slider makes one change;
    the saved fragment appended to targets.csv validates; the lab leaves git status clean."""
    base, token, repo = lab
    tracked = repo / "notebooks" / NOTEBOOK
    committed = tracked.stat().st_mtime_ns
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
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
            start = settled_text(page, ".kpi-whatif-result", quiet=1.5)
            assert tried_count(page) == 0
            # the panel comes before the report it redraws in the controls cell's output
            assert page.evaluate(
                """() => {
                    const panel = document.querySelector('.kpi-pickers .kpi-whatif');
                    const img = document.querySelector('.kpi-pickers img');
                    return !!panel && !!img &&
                        !!(panel.compareDocumentPosition(img) & Node.DOCUMENT_POSITION_FOLLOWING);
                }"""
            )
            pms = page.locator(".kpi-whatif-pm select option").count()
            walked = []
            for pm in [*range(pms), 0]:
                choose(page, ".kpi-whatif-pm", pm, "")
                for kpi in range(page.locator(".kpi-whatif-kpi select option").count()):
                    walked.append(choose(page, ".kpi-whatif-kpi", kpi, ""))
                    assert tried_count(page) == 0, f"choosing {walked[-1]} changed a tried value"
            assert len(walked) >= 8  # pm01: 3 KPIs, pm02: 3 KPIs, pm01 again
            choose(page, ".kpi-whatif-kpi", 0, "")
            assert settled_text(page, ".kpi-whatif-result", quiet=1.0) == start
            # K02 has no row for the period in targets.csv yet, so its row can be appended as is
            assert choose(page, ".kpi-whatif-kpi", 1, "K02").startswith("K02")
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
            settled_text(page, ".kpi-whatif-result")  # the last steps computed too
            after = total.inner_text()
            assert tried_count(page) == 1
            page.locator(".kpi-whatif").first.scroll_into_view_if_needed()
            shot = ARTIFACTS / "whatif.png"
            page.locator(".kpi-whatif").first.screenshot(path=str(shot))
            page.locator(".kpi-whatif-save button, button.kpi-whatif-save").first.click()
            page.wait_for_function(
                "() => document.querySelector('.kpi-whatif-message').innerText.includes('targets_')",
                timeout=30_000,
            )
            page.locator(".jp-Notebook").first.click()
            page.keyboard.press("Control+s")
            deadline = time.monotonic() + 30
            while tracked.stat().st_mtime_ns == committed and time.monotonic() < deadline:
                time.sleep(0.25)
            assert tracked.stat().st_mtime_ns != committed, "the notebook was not saved"
            time.sleep(1)  # the checkpoint beside it
        finally:
            browser.close()
    assert float(after.replace(",", "")) < float(before.replace(",", ""))  # a harder target
    assert shot.stat().st_size > 10_000
    (saved,) = sorted((repo / "data" / "whatif").glob("targets_*.csv"))
    lines = saved.read_text(encoding="utf-8").splitlines()
    targets = repo / "data" / "targets.csv"
    assert lines[0] == targets.read_text(encoding="utf-8-sig").splitlines()[0]
    assert len(lines) == 2  # exactly one KPI tried
    copy = Path(
        shutil.copytree(repo / "data", tmp_path / "data", ignore=shutil.ignore_patterns("whatif"))
    )
    text = (copy / "targets.csv").read_text(encoding="utf-8-sig").rstrip("\n")
    (copy / "targets.csv").write_text(text + "\n" + lines[1] + "\n", encoding="utf-8")
    _ds, problems = validate_dataset(copy)
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert _git(repo, "status", "--porcelain") == ""  # saved notebook, checkpoints, what-if file
    docs = ROOT / "docs" / "img" / "whatif.png"
    if os.environ.get("KPI_WORKBOOK_UPDATE_SCREENSHOT") == "1":
        docs.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, docs)
