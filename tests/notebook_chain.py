"""A chain of one notebook that opens the period from data_dir as the real ones do, for run tests."""

from __future__ import annotations

from pathlib import Path

import nbformat

from kpi_helpers.report import registry


def one_notebook_folder(folder: Path, printed: str) -> Path:
    """`folder` with the per-PM notebook only: its parameters cell, then a cell opening the
    period and printing `printed` (a Python expression over `ctx` and `data_dir`)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell(
        'period = ""\ndata_dir = "data"\npm = ""\nlang = "zh"\ninteractive = False'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "from kpi_helpers.report.context import open_period\n"
            "ctx = open_period(data_dir, period, lang, pm)\n"
            f"print({printed})"
        ),
    ]
    folder.mkdir()
    nbformat.write(nb, folder / registry.per_pm().file)
    return folder
