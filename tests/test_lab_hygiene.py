"""What a lab session leaves behind: notebooks saved without outputs; errors in one sentence."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import nbformat
import pytest

from tools.lab_hygiene import strip_notebook, strip_outputs

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "05_evaluation.ipynb"


def a_session(nb: dict) -> dict:
    """The notebook as JupyterLab sends it after Run All with the project's kernel."""
    nb = copy.deepcopy(nb)
    for n, cell in enumerate(nb["cells"], 1):
        cell["metadata"]["execution"] = {"iopub.status.idle": "2026-11-30T10:00:00Z"}
        cell["metadata"]["scrolled"] = True
        if cell["cell_type"] == "code":
            cell["execution_count"] = n
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["run\n"]}]
    nb["metadata"]["kernelspec"] = {"name": "kpi-workbook", "display_name": "KPI workbook"}
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.12.3"}
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_a_saved_session_is_byte_for_byte_the_tracked_notebook():
    on_disk = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    saved = strip_notebook(a_session(on_disk), on_disk)
    text = nbformat.writes(nbformat.from_dict(saved)) + "\n"
    assert text == NOTEBOOK.read_text(encoding="utf-8")


def test_edits_are_kept_and_new_notebooks_lose_their_outputs():
    on_disk = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    session = a_session(on_disk)
    session["cells"][1]["source"] = "# an analyst's edit\n" + "".join(session["cells"][1]["source"])
    saved = strip_notebook(session, on_disk)
    assert saved["cells"][1]["source"].startswith("# an analyst's edit")
    assert saved["cells"][1]["outputs"] == [] and saved["cells"][1]["execution_count"] is None
    fresh = strip_notebook(a_session(on_disk), None)  # no file yet: the session's own metadata
    assert all(
        c.get("outputs") in (None, []) or "NBVAL" in "".join(c["source"]) for c in fresh["cells"]
    )
    assert "widgets" not in fresh["metadata"]


def test_the_hook_reads_the_file_on_disk_through_the_contents_manager(tmp_path):
    target = tmp_path / "05.ipynb"
    target.write_text(NOTEBOOK.read_text(encoding="utf-8"), encoding="utf-8")

    class Files:
        def _get_os_path(self, path):
            return str(tmp_path / path)

    model = {"type": "notebook", "content": a_session(json.loads(target.read_text()))}
    strip_outputs(model=model, path="05.ipynb", contents_manager=Files())
    assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"
    text_model = {"type": "file", "content": "x"}
    strip_outputs(model=text_model, path="notes.txt", contents_manager=Files())
    assert text_model["content"] == "x"


def test_make_lab_uses_the_config_and_git_ignores_what_sessions_write():
    dry = subprocess.run(
        ["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "--config=" in dry and "tools/jupyter_lab_config.py" in dry
    for path in ("data/whatif/t.csv", "data/review/t.csv", "notebooks/.ipynb_checkpoints/x"):
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
        assert ignored.returncode == 0, f"{path} is not git-ignored"


@pytest.mark.slow
def test_a_bad_parameter_shows_one_sentence_without_a_traceback(tmp_path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from kpi_helpers.data.scaffold import init_data_folder

    data = init_data_folder(tmp_path / "data")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from kpi_helpers.report.context import open_period\n"
            f"ctx = open_period({str(data)!r}, '2026-Q9')"
        )
    ]
    client = NotebookClient(nb, kernel_name="python3", timeout=120)
    with pytest.raises(CellExecutionError):
        client.execute()
    (error,) = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    assert len(error.traceback) == 1
    assert error.traceback[0].startswith(f"{error.ename}: ")
    assert "2026-Q9" in error.evalue and "Traceback" not in error.traceback[0]
