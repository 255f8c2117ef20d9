"""The six notebooks run top to bottom on the sample data: pinned figures (nbval), English, one PM."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from kpi_helpers.config import NOTEBOOKS_DIR, PROJECT_ROOT
from kpi_helpers.report import registry

NOTEBOOKS = [NOTEBOOKS_DIR / nb.file for nb in registry.NOTEBOOKS]
PARAMETERS = {"period": "", "data_dir": "data", "pm": "", "lang": "zh", "interactive": False}
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _headless(monkeypatch):
    # A test run has nobody in front of it: the notebooks must never build a widget.
    monkeypatch.setenv("KPI_WORKBOOK_HEADLESS", "1")


def _execute(notebook: Path, out_dir: Path, **parameters) -> nbformat.NotebookNode:
    """Run a notebook with papermill in its own process (papermill's cwd is a process-wide chdir)."""
    out = out_dir / f"{notebook.stem}_{'_'.join(str(v) for v in parameters.values())}.ipynb"
    args = [
        sys.executable,
        "-m",
        "papermill",
        str(notebook),
        str(out),
        "--cwd",
        str(notebook.parent),
    ]
    args += ["-k", "python3", "--no-progress-bar"]
    for name, value in parameters.items():
        args += ["-p", name, str(value)]
    for _ in range(3):  # papermill's CLI does not start a kernel again when its port was taken
        run = subprocess.run(args, capture_output=True, text=True, timeout=1200)
        if run.returncode == 0 or not _kernel_did_not_start(run.stderr):
            break
    assert run.returncode == 0, f"{notebook.name} {parameters}: {run.stderr[-3000:]}"
    return nbformat.read(out, as_version=4)


def _kernel_did_not_start(output: str) -> bool:
    """The kernel died before its first reply: another process took one of its ports (no cell ran)."""
    return "Kernel died before replying to kernel_info" in output


def _outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def _reader_text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for o in _outputs(nb):
        data = o.get("data", {})
        parts.append(data.get("text/markdown", "") + data.get("text/html", ""))
    return "\n".join(parts)


def _check_report(nb: nbformat.NotebookNode, title: str) -> None:
    """No errors or warnings, an H1 first, H2 sections, every figure a PNG with alt text."""
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = [o["text"] for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, stderr  # e.g. a missing glyph or a pandas warning
    markdown = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert markdown[0].startswith("# ") and title in markdown[0]
    assert sum(m.startswith("## ") for m in markdown) >= 2
    assert not any(m.startswith("#### ") for m in markdown)
    html = _reader_text(nb)
    images = re.findall(r"<img [^>]*>", html)
    assert images, "no figure"
    for img in images:
        assert 'src="data:image/png;base64,' in img
        assert re.search(r'alt="[^"]{10,}"', img), img[:200]


def test_notebooks_follow_the_parameter_contract():
    assert all(p.is_file() for p in NOTEBOOKS)
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1
        namespace: dict = {}
        exec(tagged[0].source, namespace)  # plain literals only
        assert {k: namespace[k] for k in PARAMETERS} == PARAMETERS
        for cell in nb.cells:
            pinned = "# NBVAL_CHECK_OUTPUT" in cell.source
            assert bool(cell.get("outputs")) == pinned, f"{path.name}: outputs must be cleared"
            # nbval compares a pinned cell only when its reference output has an execution count
            assert (cell.get("execution_count") is not None) == pinned, path.name
            if pinned:
                assert "keep_output" in cell.metadata.get("tags", [])


@pytest.fixture(scope="module")
def nbval_run():
    """nbval over notebooks/ in a subprocess, started by the first test that asks so it runs beside it."""
    env = {**os.environ, "KPI_WORKBOOK_HEADLESS": "1"}
    args = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env"]
    args += ["-p", "no:cacheprovider", "-q", str(NOTEBOOKS_DIR)]
    proc = subprocess.Popen(
        args, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_every_notebook_in_english_and_the_evaluation_for_one_pm(tmp_path, nbval_run):
    jobs = [(p, {"lang": "en"}) for p in NOTEBOOKS]
    jobs.append((NOTEBOOKS_DIR / registry.per_pm().file, {"pm": "PM01"}))
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda job: _execute(job[0], tmp_path, **job[1]), jobs))
    from kpi_helpers.report.i18n import t

    for (path, params), nb in zip(jobs, results, strict=True):
        lang = params.get("lang", "zh")
        _check_report(nb, t(f"{registry.notebook(path.stem).key}.title", lang))
    english = "\n".join(_reader_text(nb) for nb in results[:-1])
    assert "Qingcheng Life Tech" in english  # the company name in English
    pm_report = _reader_text(results[-1])
    assert "林晓雯" in pm_report and "陈浩然" not in pm_report


def test_pinned_figures_with_nbval(nbval_run):
    """Every notebook runs top to bottom on data/ and the NBVAL_CHECK_OUTPUT cells match."""
    out, _ = nbval_run.communicate(timeout=1800)
    if nbval_run.returncode != 0 and _kernel_did_not_start(out):
        again = subprocess.run(
            nbval_run.args, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=1800
        )
        out = again.stdout + again.stderr
        assert again.returncode == 0, out[-5000:]
        return
    assert nbval_run.returncode == 0, out[-5000:]
