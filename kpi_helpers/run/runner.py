"""Running the notebook chain of a period: plan, check parameters, execute in parallel, publish."""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import nbformat

from kpi_helpers import __version__
from kpi_helpers.config import NOTEBOOKS_DIR
from kpi_helpers.data.dataset import Dataset
from kpi_helpers.data.urls import url_for_workers
from kpi_helpers.engine.results import PeriodResults, period_results
from kpi_helpers.feedback import cache as feedback_cache
from kpi_helpers.feedback.analysis import analyse_rows
from kpi_helpers.feedback.distinct import one_analysis
from kpi_helpers.publish import html as publish
from kpi_helpers.publish import languages
from kpi_helpers.publish.archive import manifest_summary, write_archive
from kpi_helpers.publish.index_page import render_index
from kpi_helpers.publish.pdf import find_chromium, print_pages
from kpi_helpers.publish.workbook import workbook_file_name, workbook_tables, write_workbook
from kpi_helpers.report.context import Handover
from kpi_helpers.report.feedback_view import feedback_view
from kpi_helpers.report.i18n import t
from kpi_helpers.report.summary import executive_summary
from kpi_helpers.run.dask import execute_jobs_dask
from kpi_helpers.run.keys import run_keys
from kpi_helpers.run.packs import write_packs
from kpi_helpers.run.plan import NotebookFailed, NotebookJob, NotebookResult, plan_run
from kpi_helpers.run.pool import execute_jobs

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    folder: Path
    jobs: list[NotebookJob]
    results: list[NotebookResult]
    seconds: float


def _reuse_unchanged(
    jobs: list[NotebookJob],
    keys: dict[str, str],
    target: Path,
    build: Path,
    page: publish.PageContext,
) -> dict[str, NotebookResult]:
    """Take into the build the pages of the published run whose key is unchanged.

    The executed notebook is copied and the page gets this run's header and footer (date made,
    data digest) like every other page: put in place of the old ones (publish.reframe), or, when
    the old page does not have them, by exporting the notebook again. A page whose notebook
    cannot be read or exported is run again instead.
    """
    previous = publish.read_manifest(target) or {}
    before = {n.get("name"): n for n in previous.get("notebooks", [])}
    reused = {}
    for job in jobs:
        old = before.get(job.name) or {}
        if old.get("key") != keys[job.name] or old.get("status") not in ("ok", "reused"):
            continue
        if not all((target / f).is_file() for f in (job.html, job.executed)):
            continue
        started = time.perf_counter()
        try:
            kept = (target / job.executed).read_text(encoding="utf-8")
            if not isinstance(json.loads(kept).get("cells"), list):
                raise ValueError("it holds no cells")
            old_page = (target / job.html).read_text(encoding="utf-8")
            html = publish.reframe(old_page, job.title, page, job.depth, job.html)
            if html is None:
                nb = nbformat.reads(kept, as_version=4)
                html = publish.export_report(nb, job.title, page, job.depth, job.html)
        except Exception as e:  # a damaged notebook: run it again
            log.warning("cannot reuse %s (%s); running it again", job.html, e)
            continue
        for f in (job.html, job.executed):
            (build / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target / job.executed, build / job.executed)
        (build / job.html).write_text(html, encoding="utf-8")
        seconds = time.perf_counter() - started
        reused[job.name] = NotebookResult(job.name, "reused", export_seconds=seconds)
    return reused


def _results(ds: Dataset, period: str) -> PeriodResults | None:
    """The period's results for the pages' keys, the kernels, the index page and the workbook;
    None when they cannot be computed (every page then gets the every-input key, and the
    notebooks show the problem in their own cells)."""
    started = time.perf_counter()
    try:
        results = period_results(ds, period)
    except Exception as e:
        log.debug("the pages' keys hold every input: %s", e)
        return None
    log.info("period results computed in %.1f s", time.perf_counter() - started)
    return results


def _handover(
    ds: Dataset, period: str, results: PeriodResults | None, workers: int = 1
) -> Handover | None:
    """What the kernels, the index page and the workbook get: the period's results with every
    comment's sentiment and language, and the company's feedback view, computed once here.
    None without results; without the feedback part when it cannot be computed (the notebooks
    then analyse their own and show any problem in the cell where it arises)."""
    if results is None:
        return None
    started = time.perf_counter()
    try:
        with one_analysis(workers):  # scoring and theme matching share the worker processes
            analysed = analyse_rows(ds.feedback, ds.company.cadence, workers)
            company = None
            if analysed is not None:
                view = feedback_view(ds, period, analysed=analysed, workers=workers)
                # without its rows (a copy of every recent comment): the report showing them
                # makes them again from the data set and the analysis
                company = replace(view, rows=None)
    except Exception as e:  # the notebooks will say it in their own words
        log.debug("the feedback analysis was left to the notebooks: %s", e)
        return Handover(results)
    finally:
        # the cache files read for it, parsed (hundreds of MB for a million comments): this
        # process needs them no more, and they would stay beside the kernels until the end
        feedback_cache.forget()
    rows = 0 if analysed is None else len(analysed)
    log.info("%s feedback rows analysed in %.1f s", f"{rows:,}", time.perf_counter() - started)
    return Handover(replace(results, feedback_analysed=analysed), company)


def _log_result(result: NotebookResult, extra: dict | None = None) -> None:
    seconds = result.execute_seconds + result.export_seconds
    if result.status == "failed":
        where = f" in cell {result.cell}" if result.cell else ""
        log.error(
            "FAILED  %-28s %6.1f s  %s%s", result.name, seconds, result.error, where, extra=extra
        )
    elif result.status == "reused":
        log.info(
            "reused  %-28s %6.1f s  inputs unchanged, page exported again",
            result.name,
            seconds,
            extra=extra,
        )
    else:
        log.info("ok      %-28s %6.1f s", result.name, seconds, extra=extra)


class _Progress:
    """Logs each finished notebook with done and total, for a terminal's progress bar."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def __call__(self, result: NotebookResult) -> None:
        self.done += 1
        _log_result(result, {"done": self.done, "total": self.total})


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


def _keep_other_pms(ds, period, lang, jobs, notebooks_dir, target: Path, build: Path) -> list:
    """A run for some PMs over a published period: copy the other PMs' published pages.

    Returns the jobs whose pages were kept (they are linked from index.html as before).
    """
    mine = {job.pm_id for job in jobs if job.pm_id}
    others = [str(p) for p in ds.people["pm_id"] if str(p) not in mine]
    if not mine or not others or not target.is_dir():
        return []
    kept = []
    for job in plan_run(ds, period, lang, others, notebooks_dir):
        if not job.pm_id or not (target / job.html).is_file():
            continue
        for rel in (job.html, job.executed, str(Path(job.html).with_suffix(".pdf"))):
            if (target / rel).is_file():
                (build / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target / rel, build / rel)
        kept.append(job)
    if kept:
        log.info(
            "kept the published pages of %d other PMs (%s) beside the ones run now",
            len(kept),
            ", ".join(job.pm_id for job in kept),
        )
    return kept


def _print_pdfs(jobs, build: Path, chromium: str, workers: int) -> None:
    """A PDF beside the index page and every published page, printed by Chromium."""
    pages = ["index.html", *(job.html for job in jobs)]
    log.info("printing %d pages to PDF", len(pages))
    print_pages(build, pages, chromium, workers)


def _keep_other_language(build: Path, target: Path, lang: str, primary: str) -> None:
    """Carry the other language's published pages over into the build and link both ways."""
    other = languages.OTHER[lang]
    if lang == primary:
        languages.keep_other_language(target, build, other)
        languages.resolve_switch_links(build / other)
        languages.resolve_switch_links(build, skip=other)
    else:
        languages.resolve_switch_links(build)


def _after_publish(ds, out_dir: Path, period: str, lang: str, primary: str) -> None:
    """Link the primary language's pages to a newly published other language; rebuild the archive."""
    if lang != primary:
        languages.resolve_switch_links(out_dir / period, skip=lang)
    write_archive(out_dir, primary, ds.company.display_name(primary))


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
    pm_packs: bool = False,
    file_mode: int = publish.DEFAULT_FILE_MODE,
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
        file_mode: the mode of every published file (folders get x where r is: 0640 -> 0750).

    Returns:
        Where the reports are and how each notebook went.

    Raises:
        NotebookFailed: a notebook failed (a PM report only without `allow_partial`); the
            published folder is untouched and the run's work is kept in reports/<period>.failed/.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    primary = languages.primary_language(ds.company.language)
    parent, name = languages.publish_place(out_dir, period, lang, primary)
    target = parent / name
    jobs = plan_run(ds, period, lang, pm_ids, notebooks_dir)
    inputs = dict(sorted(ds.table_sha256.items())) or {
        path.name: publish.sha256_file(path) for _, path in sorted(ds.files.items())
    }
    workers = workers or os.cpu_count() or 1
    chromium = find_chromium() if pdf else None  # missing: stop before any notebook runs
    once = _results(ds, period)  # for the pages' keys, the index page and the workbook
    keys = run_keys(ds, jobs, inputs, once, NOTEBOOKS_DIR)
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
        primary=primary,
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
        # made while the workers start their kernels, or after them when none has to run
        prepare = functools.cache(lambda: _handover(ds, period, once, workers))
        publish.remove_leftovers(out_dir, period)
        if parent != out_dir:
            parent.mkdir(exist_ok=True)
            publish.remove_leftovers(parent, name)
        with publish.build_folder(parent, name) as build:
            done = {} if force else _reuse_unchanged(jobs, keys, target, build, page)
            todo = [job for job in jobs if job.name not in done]
            log.info(
                "run %s: %d notebooks, data %s, language %s",
                period,
                len(jobs),
                made["data_dir"],
                lang,
            )
            progress = _Progress(len(jobs))
            for result in done.values():
                progress(result)
            if todo and executor == "dask":
                log.info("executing %d on the Dask cluster at %s", len(todo), scheduler)
                for result in execute_jobs_dask(todo, build, page, scheduler, progress):
                    done[result.name] = result
            elif todo:
                log.info("executing %d on %d worker processes", len(todo), min(workers, len(todo)))
                with url_for_workers(ds.url):  # the password, for the kernels only
                    run = execute_jobs(todo, build, page, workers, progress, ds, prepare)
                    for result in run:
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
                kept = publish.keep_failed(build, out_dir, period, file_mode)
                raise NotebookFailed(_failure_message(jobs, results, kept, target))
            for job, result in zip(jobs, results, strict=True):
                if result.status == "failed":
                    log.error("published without %s: %s", job.html, _failure_line(job, result))
            failed_names = {j.name for j in pm_failed}
            kept = _keep_other_pms(ds, period, lang, jobs, notebooks_dir, target, build)
            if kept:
                manifest["kept"] = [job.html for job in kept]
            summary_started = time.perf_counter()
            handover = prepare()
            once = handover.results if handover else period_results(ds, period)
            company_feedback = handover.company_feedback if handover else None
            summary = executive_summary(ds, period, lang, once, company_feedback)
            manifest["summary"] = manifest_summary(summary.company, page.company, lang)
            publish.write_json(build / "manifest.json", manifest)
            index = render_index(
                ds,
                period,
                lang,
                jobs + kept,
                made,
                failed_names,
                once,
                primary=primary,
                summary=summary,
            )
            (build / "index.html").write_text(index, encoding="utf-8")
            _keep_other_language(build, target, lang, primary)
            tables = workbook_tables(ds, period, lang, once)
            write_workbook(tables, build / workbook_file_name(period), lang)
            log.info(
                "index.html and %s made in %.1f s",
                workbook_file_name(period),
                time.perf_counter() - summary_started,
            )
            pages = [j for j in jobs if j.name not in failed_names]
            if chromium:
                _print_pdfs(pages, build, chromium, workers)
            if pm_packs:
                write_packs(build, [j.pm_id for j in pages if j.pm_id])
            publish.set_modes(build, file_mode)
            publish.replace_folder(build, target)
        _after_publish(ds, out_dir, period, lang, primary)
        shutil.rmtree(publish.failed_folder(out_dir, period), ignore_errors=True)
    seconds = time.perf_counter() - started
    log.info("published %s in %.1f s", target, seconds)
    return RunSummary(target, jobs, results, seconds)
