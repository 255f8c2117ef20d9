"""The run's plan: which notebooks run with which parameters, checked before anything starts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kpi_helpers.config import NOTEBOOKS_DIR
from kpi_helpers.data.dataset import Dataset
from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.report import registry
from kpi_helpers.report.i18n import catalogue, pm_names, t

PM_NOTEBOOK = registry.per_pm().stem  # run once for the company and once per product manager


_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class NotebookFailed(KpiWorkbookError):
    """A notebook of the chain raised; nothing was published."""


@dataclass(frozen=True)
class NotebookJob:
    """One notebook execution: which notebook, with which parameters, published where."""

    name: str  # "01_strategy", or "05_evaluation_<pm_id>" for a product manager's run
    notebook: Path
    parameters: dict
    html: str  # the page inside the period folder: "01_strategy.html" or "pm/<pm_id>.html"
    title: str
    pm_id: str | None = None

    @property
    def executed(self) -> str:
        return f"executed/{self.name}.ipynb"

    @property
    def depth(self) -> int:
        return self.html.count("/")


@dataclass
class NotebookResult:
    """How one job went: ok, reused (inputs unchanged since the published run), failed, not run."""

    name: str
    status: str
    execute_seconds: float = 0.0
    export_seconds: float = 0.0
    error: str | None = None
    cell: int | None = None  # 1-based position of the failing cell in the source notebook
    cell_source: str | None = None  # its first line


def report_title(stem: str, lang: str) -> str:
    """The title of a company report, e.g. 01_strategy -> 战略目标 (the stem when unknown)."""
    keys = {nb.stem: nb.title_key for nb in registry.NOTEBOOKS}
    return catalogue(lang).get(keys.get(stem, f"run.title.{stem}"), stem)


def find_notebooks(folder: Path) -> list[Path]:
    """The registered notebooks (report.registry) the folder holds, in reading order."""
    folder = Path(folder)
    found = [folder / nb.file for nb in registry.NOTEBOOKS if (folder / nb.file).is_file()]
    if not any(p.stem == PM_NOTEBOOK for p in found):
        raise KpiWorkbookError(
            f"{folder / (PM_NOTEBOOK + '.ipynb')} is missing; the run needs the notebooks "
            f"{', '.join(nb.file for nb in registry.NOTEBOOKS)} in {folder}"
        )
    return found


def check_parameters(notebook: Path, names) -> None:
    """Raise unless every parameter name is set in the notebook's cell tagged 'parameters'."""
    import papermill

    try:
        declared = papermill.inspect_notebook(str(notebook))
    except Exception as e:  # not JSON, not a notebook, unreadable
        raise KpiWorkbookError(
            f"{notebook} cannot be read as a notebook ({_one_line(e)})"
        ) from None
    if not declared:
        raise KpiWorkbookError(
            f"{notebook} has no cell tagged 'parameters'; tag the cell that sets "
            f"{', '.join(names)} with 'parameters'"
        )
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise KpiWorkbookError(
            f"{notebook}: parameter {', '.join(unknown)} is not set in the cell tagged "
            f"'parameters' (it sets {', '.join(declared)}); add it there with a default value"
        )


def _check_file_name(pm_id: str) -> None:
    if not pm_id or pm_id.startswith(".") or _UNSAFE_IN_FILE_NAME.search(pm_id):
        raise KpiWorkbookError(
            f"people.csv: pm_id '{pm_id}' cannot name the report file pm/{pm_id}.html; "
            "use letters, digits, '-' and '_'"
        )


def plan_run(
    ds: Dataset, period: str, lang: str, pm_ids: list[str], notebooks_dir: Path = NOTEBOOKS_DIR
) -> list[NotebookJob]:
    """Every notebook of the folder for the company, then the evaluation once per PM.

    Parameters are passed by name (execute_jobs checks them against each notebook's parameters
    cell before anything runs); the period is explicit and the data folder absolute, so the
    kernel's working folder does not matter.
    """
    base = {
        "period": period,
        "data_dir": ds.location,  # a database URL's password never goes into a notebook
        "pm": "",
        "lang": lang,
        "interactive": False,
    }
    jobs = []
    for path in find_notebooks(notebooks_dir):
        jobs.append(
            NotebookJob(path.stem, path, base, f"{path.stem}.html", report_title(path.stem, lang))
        )
    names = pm_names(ds.people, lang)
    pm_notebook = Path(notebooks_dir) / f"{PM_NOTEBOOK}.ipynb"
    for pm_id in pm_ids:
        _check_file_name(pm_id)
        jobs.append(
            NotebookJob(
                f"{PM_NOTEBOOK}_{pm_id}",
                pm_notebook,
                {**base, "pm": pm_id},
                f"pm/{pm_id}.html",
                t("run.title.pm", lang, name=names.get(pm_id, pm_id)),
                pm_id,
            )
        )
    return jobs


def _first_line(text: str | None, limit: int = 300) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0][:limit] if lines else ""


def _one_line(e: BaseException) -> str:
    text = _first_line(str(e))
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def stops_run(job: NotebookJob, result: NotebookResult) -> bool:
    """A failed company-level notebook ends the run; a failed PM report lets the others finish."""
    return result.status == "failed" and job.pm_id is None
