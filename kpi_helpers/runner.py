"""Running the notebook chain of a period: plan, check parameters, execute in parallel, publish."""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from . import __version__, db, publish
from .config import DATASET_ENV, NOTEBOOKS_DIR, REUSE_ENV
from .errors import KpiWorkbookError
from .i18n import catalogue, localized, t
from .index_page import render_index
from .io import Dataset, folder_fingerprint
from .pdf import find_chromium, print_pages
from .workbook_export import workbook_file_name, workbook_tables, write_workbook

log = logging.getLogger(__name__)

PM_NOTEBOOK = "05_evaluation"  # run once for the company and once per product manager
CELL_TIMEOUT = 1800  # seconds one cell may run before the run fails (a hung cron job ends)
KERNEL_NAME = "kpi-workbook-run"
# Inline, not Agg: Agg would silently drop every figure a notebook shows; neither needs a display.
MPL_BACKEND = "module://matplotlib_inline.backend_inline"
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


@dataclass
class RunSummary:
    folder: Path
    jobs: list[NotebookJob]
    results: list[NotebookResult]
    seconds: float


def report_title(stem: str, lang: str) -> str:
    """The title of a company report, e.g. 01_strategy -> 战略目标 (the stem when unknown)."""
    return catalogue(lang).get(f"run.title.{stem}", stem)


def find_notebooks(folder: Path) -> list[Path]:
    """The numbered notebooks of a folder (01_*.ipynb ...), in reading order."""
    folder = Path(folder)
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not any(p.stem == PM_NOTEBOOK for p in found):
        raise KpiWorkbookError(
            f"{folder / (PM_NOTEBOOK + '.ipynb')} is missing; the run needs the numbered "
            f"notebooks 01_strategy.ipynb ... 06_review.ipynb in {folder}"
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
    names = {row["pm_id"]: localized(row, "name", lang) for _, row in ds.people.iterrows()}
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


# --- execution (each job in a worker process, each worker starting its own kernels) ---


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
                "KPI_WORKBOOK_HEADLESS": "1",
                REUSE_ENV: "1",  # notebooks of one period share the loaded data
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

    (Not for Dask workers: they belong to the cluster, not to the run.)
    """
    _init_worker(jupyter_dir, ipython_dir)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int, interval: float = 1.0) -> None:
    """Worker: when the run that started us is gone (killed), stop our kernel and exit.

    A killed parent cannot tell its workers; without this they would wait for work forever,
    each keeping its warm kernel alive.
    """
    while os.getppid() == parent:
        time.sleep(interval)
    from . import warm_kernel

    warm_kernel.worker_kernel().discard()
    os._exit(1)


def _first_line(text: str | None, limit: int = 300) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0][:limit] if lines else ""


def _one_line(e: BaseException) -> str:
    text = _first_line(str(e))
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


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

    from . import warm_kernel

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
        html = publish.export_report(nb, job.title, page, job.depth)
        target = build / job.html
        target.parent.mkdir(exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except Exception as e:
        return NotebookResult(job.name, "failed", ran, error=f"HTML export: {_one_line(e)}")
    return NotebookResult(job.name, "ok", ran, time.perf_counter() - start - ran)


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
) -> list[NotebookResult]:
    """Check every job's parameters, then run the jobs on `workers` processes.

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
    with tempfile.TemporaryDirectory(prefix="kpi-workbook-kernel-") as private:
        jupyter_dir, ipython_dir = Path(private) / "jupyter", Path(private) / "ipython"
        env = {}
        if ds is not None and ds.data_dir is not None:
            # The kernels start from the run's loaded, validated data instead of parsing the
            # folder again, as long as the folder has not changed since (context._load).
            handed = Path(private) / "dataset.pickle"
            with open(handed, "wb") as f:
                pickle.dump((folder_fingerprint(Path(ds.data_dir)), ds), f, protocol=5)
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
    return [done.get(job.name) or NotebookResult(job.name, "not run") for job in jobs]


# --- execution on a Dask cluster (imported only for --executor dask) ---

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
        private = Path(tempfile.mkdtemp(prefix="kpi-workbook-dask-"))
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


def stops_run(job: NotebookJob, result: NotebookResult) -> bool:
    """A failed company-level notebook ends the run; a failed PM report lets the others finish."""
    return result.status == "failed" and job.pm_id is None


# --- the whole run ---


def _job_key(job: NotebookJob, inputs: dict[str, str]) -> str:
    """Everything a page depends on; equal keys mean re-running would give the same page."""
    return publish.digest_of(
        {
            "notebook": publish.sha256_file(job.notebook),
            "parameters": job.parameters,
            "title": job.title,
            "inputs": inputs,
            "code": publish.code_digest(),
            "versions": publish.versions(),
        }
    )


def _reuse_unchanged(
    jobs: list[NotebookJob], keys: dict[str, str], target: Path, build: Path
) -> dict[str, NotebookResult]:
    """Copy into the build the pages of the published run whose key is unchanged."""
    previous = publish.read_manifest(target) or {}
    before = {n.get("name"): n for n in previous.get("notebooks", [])}
    reused = {}
    for job in jobs:
        old = before.get(job.name) or {}
        files = (job.html, job.executed)
        if old.get("key") != keys[job.name] or old.get("status") not in ("ok", "reused"):
            continue
        if not all((target / f).is_file() for f in files):
            continue
        for f in files:
            (build / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target / f, build / f)
        reused[job.name] = NotebookResult(job.name, "reused")
    return reused


def _log_result(result: NotebookResult) -> None:
    seconds = result.execute_seconds + result.export_seconds
    if result.status == "failed":
        where = f" in cell {result.cell}" if result.cell else ""
        log.error("FAILED  %-28s %6.1f s  %s%s", result.name, seconds, result.error, where)
    elif result.status == "reused":
        log.info("reused  %-28s      -    inputs unchanged", result.name)
    else:
        log.info("ok      %-28s %6.1f s", result.name, seconds)


def _failure_line(job: NotebookJob, result: NotebookResult) -> str:
    """One line: which notebook failed, for whom, in which cell, and why."""
    who = f" for {job.pm_id}" if job.pm_id else ""
    where = ""
    if result.cell:
        where = f" in cell {result.cell}" + (
            f' ("{result.cell_source}")' if result.cell_source else ""
        )
    return f"notebook {job.notebook.name}{who} failed{where}: {result.error}"


def _failed_pms(jobs: list[NotebookJob], results: list[NotebookResult]) -> list[NotebookJob]:
    return [j for j, r in zip(jobs, results, strict=True) if r.status == "failed" and j.pm_id]


def _failure_message(
    jobs: list[NotebookJob], results: list[NotebookResult], kept: Path, target: Path
) -> str:
    failed = [(j, r) for j, r in zip(jobs, results, strict=True) if r.status == "failed"]
    previous = (
        f"the reports in {target} are unchanged" if target.exists() else "nothing was published"
    )
    if all(j.pm_id for j, _ in failed):  # only PM reports failed: the rest all ran
        pms = len([j for j in jobs if j.pm_id])
        lines = [
            f"{len(failed)} of {pms} PM reports failed and the other notebooks succeeded; "
            f"{previous}; the executed notebooks are kept in {kept / 'executed'}; "
            "run again with --allow-partial to publish the reports that succeeded"
        ]
        lines += [f"  {_failure_line(j, r)}" for j, r in failed]
        return "\n".join(lines)
    job, result = failed[0]
    who = f" for {job.pm_id}" if job.pm_id else ""
    where = ""
    if result.cell:
        where = f" in cell {result.cell}" + (
            f' ("{result.cell_source}")' if result.cell_source else ""
        )
    kept_nb = kept / job.executed
    debug = kept_nb if kept_nb.exists() else kept
    previous = (
        f"the reports in {target} are unchanged" if target.exists() else "nothing was published"
    )
    more = f" ({len(failed) - 1} more notebooks failed)" if len(failed) > 1 else ""
    return (
        f"notebook {job.notebook.name}{who} failed{where}: {result.error}{more}; "
        f"{previous}; the executed notebook is kept in {debug}"
    )


def _manifest(ctx: dict, jobs, results, keys, inputs, status: str, seconds: float) -> dict:
    return {
        "period": ctx["period"],
        "status": status,
        "created_at": ctx["created_at"],
        "seconds": round(seconds, 2),
        "parameters": ctx["parameters"],
        "versions": publish.versions(),
        "inputs": inputs,
        "inputs_sha256": publish.digest_of(inputs),
        "notebooks": [
            {
                "name": j.name,
                "notebook": str(j.notebook),
                "notebook_sha256": publish.sha256_file(j.notebook),
                "pm_id": j.pm_id,
                "parameters": j.parameters,
                "html": j.html,
                "executed": j.executed,
                "status": r.status,
                "execute_seconds": round(r.execute_seconds, 2),
                "export_seconds": round(r.export_seconds, 2),
                "error": r.error,
                "cell": r.cell,
                "key": keys[j.name],
            }
            for j, r in zip(jobs, results, strict=True)
        ],
    }


def _write_extras(ds, period, lang, jobs, build: Path, chromium: str | None, workers: int) -> None:
    """The period's XLSX workbook and, when a Chromium is given, a PDF of every page."""
    write_workbook(workbook_tables(ds, period, lang), build / workbook_file_name(period))
    if chromium:
        pages = ["index.html", *(job.html for job in jobs)]
        log.info("printing %d pages to PDF", len(pages))
        print_pages(build, pages, chromium, workers)


def run_reports(
    ds: Dataset,
    period: str,
    *,
    lang: str,
    pm_ids: list[str],
    out_dir: Path,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    workers: int | None = None,
    force: bool = False,
    pdf: bool = False,
    allow_partial: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
) -> RunSummary:
    """Execute the chain for a period and publish reports/<period>/ only if every notebook succeeded.

    Besides the pages, the folder gets <period>_kpi_workbook.xlsx (every scorecard table and the
    proposal) and, with `pdf`, a PDF beside every page, printed by the installed Chromium.

    Args:
        ds: the validated data set.
        period: the period to report, e.g. "2026-Q3".
        lang: "zh" or "en".
        pm_ids: the product managers who get a pm/<pm_id>.html page.
        out_dir: the reports folder; the period's folder is made inside it.
        notebooks_dir: the folder of the numbered notebooks.
        workers: worker processes (default: one per CPU).
        force: re-run notebooks whose published page is still current.
        pdf: also print every page to PDF (needs Chromium; checked before anything runs).
        allow_partial: when only PM reports failed, publish the rest anyway; the manifest's
            status is "partial", its "failed" lists them and index.html marks them as failed.
        executor: "local" (worker processes here) or "dask" (tasks on the cluster at
            `scheduler`, e.g. "tcp://10.0.0.5:8786"; workers read the data folder by its
            absolute path). Pages, manifest and publishing are the same either way.

    Returns:
        Where the reports are and how each notebook went.

    Raises:
        NotebookFailed: a notebook failed (a PM report only without `allow_partial`); the
            published folder is untouched and the run's work is kept in reports/<period>.failed/.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / period
    jobs = plan_run(ds, period, lang, pm_ids, notebooks_dir)
    inputs = dict(sorted(ds.table_sha256.items())) or {
        path.name: publish.sha256_file(path) for _, path in sorted(ds.files.items())
    }
    keys = {job.name: _job_key(job, inputs) for job in jobs}
    workers = workers or os.cpu_count() or 1
    chromium = find_chromium() if pdf else None  # missing: stop before any notebook runs
    created = datetime.now().astimezone().replace(microsecond=0)
    made = {
        "created": created.strftime("%Y-%m-%d %H:%M"),
        "data_dir": ds.location,
        "digest": publish.digest_of(inputs)[:12],
        "version": __version__,
    }
    page = publish.PageContext(
        company=ds.company.display_name(lang),
        period=period,
        lang=lang,
        back=t("run.back", lang),
        footer=t("run.footer", lang, **made),
        made=made["created"],
    )
    ctx = {
        "period": period,
        "created_at": created.isoformat(),
        "parameters": {
            "period": period,
            "lang": lang,
            "pm": list(pm_ids),
            "data_dir": made["data_dir"],
            "notebooks_dir": str(Path(notebooks_dir).resolve()),
            "out": str(out_dir),
            "jobs": workers,
            "force": force,
            "allow_partial": allow_partial,
            "executor": executor,
            "scheduler": scheduler,
        },
    }
    with publish.period_lock(out_dir, period):
        publish.remove_leftovers(out_dir, period)
        with publish.build_folder(out_dir, period) as build:
            done = {} if force else _reuse_unchanged(jobs, keys, target, build)
            todo = [job for job in jobs if job.name not in done]
            log.info(
                "run %s: %d notebooks, data %s, language %s",
                period,
                len(jobs),
                made["data_dir"],
                lang,
            )
            for result in done.values():
                _log_result(result)
            if todo and executor == "dask":
                log.info("executing %d on the Dask cluster at %s", len(todo), scheduler)
                for result in execute_jobs_dask(todo, build, page, scheduler, _log_result):
                    done[result.name] = result
            elif todo:
                log.info("executing %d on %d worker processes", len(todo), min(workers, len(todo)))
                with db.url_for_workers(ds.url):  # the password, for the kernels only
                    for result in execute_jobs(todo, build, page, workers, _log_result, ds):
                        done[result.name] = result
            results = [done[job.name] for job in jobs]
            failed = [r for r in results if r.status == "failed"]
            pm_failed = _failed_pms(jobs, results)
            partial = bool(failed) and allow_partial and len(pm_failed) == len(failed)
            status = "partial" if partial else ("failed" if failed else "ok")
            seconds = time.perf_counter() - started
            manifest = _manifest(ctx, jobs, results, keys, inputs, status, seconds)
            manifest["failed"] = [r.name for r in failed]
            publish.write_json(build / "manifest.json", manifest)
            if failed and not partial:
                kept = publish.keep_failed(build, out_dir, period)
                raise NotebookFailed(_failure_message(jobs, results, kept, target))
            for job, result in zip(jobs, results, strict=True):
                if result.status == "failed":
                    log.error("published without %s: %s", job.html, _failure_line(job, result))
            failed_names = {j.name for j in pm_failed}
            index = render_index(ds, period, lang, jobs, made, failed=failed_names)
            (build / "index.html").write_text(index, encoding="utf-8")
            pages = [j for j in jobs if j.name not in failed_names]
            _write_extras(ds, period, lang, pages, build, chromium, workers)
            publish.replace_folder(build, target)
        shutil.rmtree(publish.failed_folder(out_dir, period), ignore_errors=True)
    seconds = time.perf_counter() - started
    log.info("published %s in %.1f s", target, seconds)
    return RunSummary(target, jobs, results, seconds)
