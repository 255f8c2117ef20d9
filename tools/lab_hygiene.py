"""What `make lab` saves: notebooks without outputs, so a lab session leaves git status clean.

JupyterLab autosaves every couple of minutes. The server started by `make lab` runs
`strip_outputs` before each save (tools/jupyter_lab_config.py): code and Markdown are saved as
edited, but outputs and execution counts are dropped, the pinned reference outputs of cells
checked by nbval (`# NBVAL_CHECK_OUTPUT`) are kept as they are on disk, and the notebook's own
metadata (kernel, language) stays what the file says, so that running cells in the lab never
changes a tracked notebook.
"""

from __future__ import annotations

import json
from pathlib import Path

PINNED = "# NBVAL_CHECK_OUTPUT"
CELL_NOISE = ("execution", "collapsed", "scrolled")  # what running and viewing add


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _on_disk(path: Path | None) -> dict | None:
    if path is None or not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def strip_notebook(nb: dict, saved: dict | None = None) -> dict:
    """The notebook as `make lab` saves it (changed in place and returned).

    Args:
        nb: the notebook JSON the browser sends.
        saved: the same notebook as it is on disk, if it exists.
    """
    before = {c.get("id"): c for c in (saved or {}).get("cells", []) if c.get("id")}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        for key in CELL_NOISE:
            meta.pop(key, None)
        if isinstance(meta.get("jupyter"), dict):
            meta["jupyter"].pop("outputs_hidden", None)
            if not meta["jupyter"]:
                meta.pop("jupyter")
        if cell.get("cell_type") != "code":
            continue
        old = before.get(cell.get("id"))
        if PINNED in _source(cell) and old is not None and old.get("outputs"):
            cell["outputs"] = old["outputs"]
            cell["execution_count"] = old.get("execution_count")
        elif PINNED not in _source(cell):
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.setdefault("metadata", {}).pop("widgets", None)
    if saved is not None and "metadata" in saved:
        nb["metadata"] = saved["metadata"]
    return nb


def strip_outputs(model: dict, path: str, contents_manager, **_kwargs) -> None:
    """Jupyter server pre-save hook: strip a notebook before it is written."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    try:
        os_path = Path(contents_manager._get_os_path(path))
    except Exception:  # a contents manager without files on disk
        os_path = None
    strip_notebook(model["content"], _on_disk(os_path))
