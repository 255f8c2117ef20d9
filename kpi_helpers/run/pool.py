"""Executing notebooks in local worker processes, each keeping a warm kernel."""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from kpi_helpers.config import DATASET_ENV, HEADLESS_ENV, REUSE_DATA_ENV
from kpi_helpers.data.dataset import Dataset
from kpi_helpers.data.folder import folder_fingerprint
from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.publish import html as publish
from kpi_helpers.run.memory import release_memory
from kpi_helpers.run.plan import (
    NotebookJob,
    NotebookResult,
    _first_line,
    _one_line,
    check_parameters,
    stops_run,
)

CELL_TIMEOUT = 1800  # seconds one cell may run before the run fails (a hung cron job ends)


KERNEL_NAME = "kpi-workbook-run"


# Inline, not Agg: Agg would silently drop every figure a notebook shows; neither needs a display.
MPL_BACKEND = "module://matplotlib_inline.backend_inline"


def write_kernelspec(jupyter_dir: Path, env: dict | None = None) -> None:
    """A kernelspec for exactly this interpreter, found first because it is on JUPYTER_PATH.

    A user's own "python3" kernelspec (say, in ~/.local/share/jupyter) would otherwise win over
    the one in this virtualenv and run the reports with another Python.
    """
    spec = jupyter_dir / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    # The kernel's own log lines (TCP notice, interrupt at shutdown) are noise in a cron mail;
    # cell errors still reach us through the notebook.
    argv.append("--IPKernelApp.log_level=CRITICAL")
    publish.write_json(
        spec / "kernel.json",
        {
            "argv": argv,
            "display_name": "kpi-workbook report run",
            "language": "python",
            "env": {
                "MPLBACKEND": MPL_BACKEND,
                HEADLESS_ENV: "1",
                REUSE_DATA_ENV: "1",  # notebooks of one period share the loaded data
                **(env or {}),
            },
        },
    )


def _init_worker(jupyter_dir: str, ipython_dir: str) -> None:
    # jsonschema (imported by nbformat) imports rfc3987_syntax when installed, which compiles
    # some twenty Earley grammars at import: seconds of CPU in every process. Notebook
    # validation never uses the "iri" format it serves, so the workers go without it.
    sys.modules.setdefault("rfc3987_syntax", None)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (jupyter_dir, os.environ.get("JUPYTER_PATH")) if p
    )
    os.environ["IPYTHONDIR"] = ipython_dir  # no personal startup scripts in report kernels
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    logging.getLogger("papermill").setLevel(logging.WARNING)


def _init_pool_worker(jupyter_dir: str, ipython_dir: str) -> None:
    """A local worker process: set up as any worker, and leave when the run is gone.

    Kernel connection files go into the run's private folder, so they go with it.
    (Not for Dask workers: they belong to the cluster, not to the run.)
    """
    _init_worker(jupyter_dir, ipython_dir)
    runtime = Path(jupyter_dir).parent / "runtime"
    runtime.mkdir(exist_ok=True)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(runtime)
    tempfile.tempdir = str(runtime)  # jupyter_client writes connection files with mkstemp
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int, interval: float = 1.0) -> None:
    """Worker: when the run that started us is gone (killed), stop our kernel and exit.

    A killed parent cannot tell its workers; without this they would wait for work forever,
    each keeping its warm kernel alive.
    """
    while os.getppid() == parent:
        time.sleep(interval)
    from kpi_helpers.run import warm_kernel

    warm_kernel.worker_kernel().discard()
    os._exit(1)


PRIVATE_PREFIX = "kpi-workbook-kernel-"
OWNER_FILE = "owner.pid"
STALE_AFTER = 24 * 3600  # a private folder without an owner file is a killed run's after this


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_stale_private_folders(
    temp_dir: str | None = None, now: float | None = None
) -> list[Path]:
    """Delete the private folders (data pickle, kernel files) that killed runs left behind.

    Only folders of this user count; one is stale when the run named in its owner file is
    gone, or, without that file, when it is older than a day. A living run's folder stays.
    """
    removed = []
    now = time.time() if now is None else now
    for folder in Path(temp_dir or tempfile.gettempdir()).glob(f"{PRIVATE_PREFIX}*"):
        try:
            st = folder.lstat()
            if not folder.is_dir() or folder.is_symlink() or st.st_uid != os.getuid():
                continue
            owner = folder / OWNER_FILE
            if owner.is_file():
                stale = not _alive(int(owner.read_text().strip() or 0))
            else:
                stale = now - st.st_mtime > STALE_AFTER
        except (OSError, ValueError):
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _stop_kernels_of(private: Path, wait: float = 5.0) -> None:
    """Kill the kernels still starting or running from `private` (their workers are gone).

    A kernel whose worker was stopped mid-start would otherwise write its connection file and
    profile into the private folder after it was deleted, re-creating it.
    """
    marker = str(private).encode()
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if marker in (proc / "cmdline").read_bytes() and int(proc.name) != os.getpid():
                os.kill(int(proc.name), signal.SIGKILL)
                pids.append(int(proc.name))
        except (OSError, ValueError):
            continue
    deadline = time.monotonic() + wait
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if _alive(pid) and not _reaped(pid)]
        time.sleep(0.05)


def _reaped(pid: int) -> bool:
    """True once a killed process is gone (a zombie of ours is reaped here)."""
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:  # not our child: alive() says when it is gone
        return False


def source_cell(notebook: Path, executed_index: int) -> tuple[int, str]:
    """(1-based cell number in the source notebook, its first line) of a cell of the executed copy.

    papermill inserts its injected-parameters cell right after the tagged cell.
    """
    import nbformat

    cells = nbformat.read(str(notebook), as_version=4).cells
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    index = executed_index - 1 if tagged and executed_index > tagged[0] else executed_index
    if not 0 <= index < len(cells):
        return index + 1, ""
    lines = [line for line in cells[index].source.splitlines() if line.strip()]
    return index + 1, lines[0].strip()[:80] if lines else ""


def _run_job(job: NotebookJob, build: Path, page: publish.PageContext) -> NotebookResult:
    """Worker: execute one notebook into build/executed/, then export its page into build/."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from kpi_helpers.run import warm_kernel

    start = time.perf_counter()
    try:
        nb = papermill.execute_notebook(
            str(job.notebook),
            str(build / job.executed),
            parameters=job.parameters,
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            request_save_on_cell_execute=False,  # papermill still saves the notebook on error
            cwd=str(job.notebook.parent),
            execution_timeout=CELL_TIMEOUT,
            engine_name=warm_kernel.ENGINE,
            warm=warm_kernel.worker_kernel(),
        )
    except PapermillExecutionError as e:
        cell, first_line = source_cell(job.notebook, e.cell_index)
        return NotebookResult(
            job.name,
            "failed",
            time.perf_counter() - start,
            error=f"{e.ename}: {_first_line(e.evalue)}",
            cell=cell,
            cell_source=first_line,
        )
    except Exception as e:  # a cell timeout, a dead kernel, an unreadable notebook
        return NotebookResult(job.name, "failed", time.perf_counter() - start, error=_one_line(e))
    ran = time.perf_counter() - start
    try:
        html = publish.export_report(nb, job.title, page, job.depth, job.html)
        target = build / job.html
        target.parent.mkdir(exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except Exception as e:
        return NotebookResult(job.name, "failed", ran, error=f"HTML export: {_one_line(e)}")
    del nb, html  # the executed notebook and its page (charts as PNG): written, not needed
    release_memory(collect=False)  # freed by their counts; a full collection costs more
    return NotebookResult(job.name, "ok", ran, time.perf_counter() - start - ran)


# What every report kernel loads on first use: the report code, theme discovery's dictionaries
# and the chart fonts (one small chart drawn with Chinese and Latin text).
WARM_UP = """\
import kpi_helpers.report.sections, kpi_helpers.widgets
from kpi_helpers.feedback.themes import preload
from kpi_helpers.report.display import figure_png
from kpi_helpers.report.plots.base import new_figure
preload()
fig, ax = new_figure(2, 1)
ax.set_title("图表 Chart 0.5")
figure_png(fig)
"""


def _warm_up(private: str) -> None:
    """Worker: start its kernel and import what every notebook imports, so that its first
    notebook starts at once (a failure here only leaves that to the first notebook)."""
    import nbformat
    import papermill

    from kpi_helpers.run import warm_kernel

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WARM_UP)])
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "language": "python", "display_name": ""}
    try:
        papermill.execute_notebook(
            nb,
            str(Path(private) / f"warm-up-{os.getpid()}.ipynb"),
            kernel_name=KERNEL_NAME,
            language="python",
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=CELL_TIMEOUT,
            engine_name=warm_kernel.ENGINE,
            warm=warm_kernel.worker_kernel(),
        )
    except Exception as e:
        logging.getLogger(__name__).debug("warm-up: %s", e)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    # A failure, an interrupt or a kill: do not wait for running notebooks to finish. Their
    # kernels notice that their parent is gone and exit.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


def execute_jobs(
    jobs: list[NotebookJob],
    build: Path,
    page: publish.PageContext,
    workers: int,
    on_result: Callable[[NotebookResult], None] = lambda r: None,
    ds: Dataset | None = None,
    handover: Callable[[], object] | None = None,
) -> list[NotebookResult]:
    """Check every job's parameters, then run the jobs on `workers` processes.

    `ds` (the run's loaded data set) and what `handover()` returns (report.context.Handover:
    what the run computes from it) are handed to the kernels, which then neither load the folder
    nor compute the period's results and feedback analysis again. `handover` is called while
    the workers start their kernels.

    The first failure of a company-level notebook stops the run, running notebooks included; a
    failing PM report (a job with a pm_id) does not: the other jobs run on. Workers are spawned,
    so a script that calls this (or run_reports) needs the usual `if __name__ == "__main__":`
    guard.

    Returns:
        One result per job, in the jobs' order ("not run" for those never started).

    Raises:
        KpiWorkbookError: a parameter is not in a notebook's parameters cell.
    """
    (build / "executed").mkdir(exist_ok=True)
    done: dict[str, NotebookResult] = {}
    remove_stale_private_folders()
    with tempfile.TemporaryDirectory(prefix=PRIVATE_PREFIX) as private:
        (Path(private) / OWNER_FILE).write_text(str(os.getpid()))
        jupyter_dir, ipython_dir = Path(private) / "jupyter", Path(private) / "ipython"
        env = {}
        handed = Path(private) / "dataset.pickle"
        if ds is not None and ds.data_dir is not None:
            # The kernels start from the run's loaded, validated data and its results instead
            # of parsing the folder again, as long as it has not changed since (context._load);
            # the file is written before any notebook runs.
            env[DATASET_ENV] = str(handed)
        write_kernelspec(jupyter_dir, env)
        pool = ProcessPoolExecutor(
            max_workers=max(1, min(workers, len(jobs))),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_pool_worker,
            initargs=(str(jupyter_dir), str(ipython_dir)),
        )
        try:
            # No parameter reaches a notebook unchecked: all checks pass before any job starts.
            names = {}
            for job in jobs:
                names.setdefault(job.notebook, set()).update(job.parameters)
            checks = [pool.submit(check_parameters, nb, sorted(n)) for nb, n in names.items()]
            n_workers = max(1, min(workers, len(jobs)))
            for _ in range(n_workers):  # the kernels start while this process prepares
                pool.submit(_warm_up, private)
            prepared = handover() if handover is not None else None
            if DATASET_ENV in env:
                with open(handed, "wb") as f:
                    fingerprint = folder_fingerprint(Path(ds.data_dir))
                    pickle.dump((fingerprint, ds, prepared), f, protocol=5)
            # what preparing and writing them took is garbage now: give it back before the
            # kernels load their copies (this process waits beside them until the last page)
            release_memory()
            for check in checks:
                try:
                    check.result()
                except KpiWorkbookError:
                    raise
                except Exception as e:  # the worker processes could not even start
                    raise KpiWorkbookError(f"the run could not start ({_one_line(e)})") from None
            futures = {pool.submit(_run_job, job, build, page): job for job in jobs}
            for future in as_completed(futures):
                job = futures[future]
                if future.cancelled():
                    continue
                try:
                    result = future.result()
                except Exception as e:  # the worker process itself died (memory, a kill)
                    result = NotebookResult(
                        job.name, "failed", error=f"the process running it stopped ({_one_line(e)})"
                    )
                done[job.name] = result
                on_result(result)
                if stops_run(job, result):  # nothing will be published: stop now
                    for other in futures:
                        other.cancel()
                    _stop_workers(pool)
                    break
        except BaseException:
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            _stop_kernels_of(Path(private))
    return [done.get(job.name) or NotebookResult(job.name, "not run") for job in jobs]
