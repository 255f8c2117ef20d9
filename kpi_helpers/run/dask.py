"""Executing notebooks on an existing Dask cluster (--executor dask --scheduler URL)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.publish import html as publish
from kpi_helpers.run.plan import NotebookJob, NotebookResult, _one_line, check_parameters, stops_run
from kpi_helpers.run.pool import (
    OWNER_FILE,
    PRIVATE_PREFIX,
    _init_worker,
    _run_job,
    remove_stale_private_folders,
    write_kernelspec,
)

DASK_CONNECT_TIMEOUT = 10  # seconds to reach the scheduler before the run gives up

_dask_worker_dir: Path | None = None  # per worker process: the kernelspec and IPython folder


def run_job_on_worker(job: NotebookJob, page: publish.PageContext, source: str):
    """Dask task: execute and export one job on a worker; return its result and files.

    The worker needs this package installed and the data folder at the same absolute path
    (a shared mount). The notebook is taken from its path when the worker has it, else from
    `source` (its text, sent along). Returns (NotebookResult, {relative path: text}) with the
    executed notebook and, on success, the HTML page, written into the build by the caller.
    """
    global _dask_worker_dir
    if _dask_worker_dir is None:
        private = _worker_folder()
        write_kernelspec(private / "jupyter")
        _init_worker(str(private / "jupyter"), str(private / "ipython"))
        _dask_worker_dir = private
    with tempfile.TemporaryDirectory(prefix="kpi-workbook-job-") as tmp:
        build = Path(tmp)
        (build / "executed").mkdir()
        if not job.notebook.is_file():
            copy = build / "source" / job.notebook.name
            copy.parent.mkdir()
            copy.write_text(source, encoding="utf-8")
            job = replace(job, notebook=copy)
        result = _run_job(job, build, page)
        files = {
            f: (build / f).read_text(encoding="utf-8")
            for f in (job.executed, job.html)
            if (build / f).is_file()
        }
    return result, files


def _worker_folder() -> Path:
    """This worker's private folder (kernel spec, IPython and kernel files), mode 0700.

    It carries the worker's pid like a local run's, so a worker that is killed leaves a folder
    the next worker or run on the machine removes; a worker that exits removes its own.
    """
    remove_stale_private_folders()
    private = Path(tempfile.mkdtemp(prefix=PRIVATE_PREFIX))
    (private / OWNER_FILE).write_text(str(os.getpid()))
    atexit.register(shutil.rmtree, private, True)
    return private


def execute_jobs_dask(
    jobs: list[NotebookJob],
    build: Path,
    page: publish.PageContext,
    scheduler: str,
    on_result: Callable[[NotebookResult], None] = lambda r: None,
) -> list[NotebookResult]:
    """Like execute_jobs, but every job runs as one task on the Dask cluster at `scheduler`.

    Raises:
        KpiWorkbookError: distributed is not installed, the scheduler cannot be reached, or a
            parameter is not in a notebook's parameters cell.
    """
    try:
        from distributed import Client
        from distributed import as_completed as tasks_completed
    except ImportError:
        raise KpiWorkbookError(
            "--executor dask needs the distributed package; install it with "
            "pip install 'distributed>=2024.1'"
        ) from None
    names: dict[Path, set] = {}
    for job in jobs:
        names.setdefault(job.notebook, set()).update(job.parameters)
    for notebook, params in names.items():
        check_parameters(notebook, sorted(params))
    (build / "executed").mkdir(exist_ok=True)
    try:
        client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except Exception as e:
        raise KpiWorkbookError(
            f"the Dask scheduler at {scheduler} cannot be reached ({_one_line(e)}), so "
            "nothing ran; start one with `dask scheduler` or pass a running one's address "
            "to --scheduler"
        ) from None
    done: dict[str, NotebookResult] = {}
    try:
        sources = {nb: Path(nb).read_text(encoding="utf-8") for nb in names}
        futures = {}
        for job in jobs:
            future = client.submit(
                run_job_on_worker,
                job,
                page,
                sources[job.notebook],
                key=f"kpi-workbook-{job.name}-{uuid.uuid4().hex}",
                pure=False,
            )
            futures[future.key] = (future, job)
        submitted = [f for f, _ in futures.values()]
        for future in tasks_completed(submitted, loop=client.loop):
            job = futures[future.key][1]
            try:
                result, files = future.result()
                for rel, text in files.items():
                    (build / rel).parent.mkdir(parents=True, exist_ok=True)
                    (build / rel).write_text(text, encoding="utf-8")
            except Exception as e:  # the worker died, or the package is missing there
                result = NotebookResult(
                    job.name, "failed", error=f"the Dask task running it failed ({_one_line(e)})"
                )
            done[job.name] = result
            on_result(result)
            if stops_run(job, result):
                client.cancel(submitted)
                break
    finally:
        client.close()
    return [done.get(job.name) or NotebookResult(job.name, "not run") for job in jobs]
