"""Benchmark of a large quarterly run: a generated company, by default 20 PMs and 50,000 feedback rows.

    .venv/bin/python bench/bench_scale.py                          # 20 PMs, 50k rows, 2 jobs
    .venv/bin/python bench/bench_scale.py --pms 200 --feedback-rows 1000000   # the full size

The company comes from `kpi-workbook sample --pms N --feedback-rows M` (kept in bench/out/scale/
and reused while its parameters are unchanged). The run is `run_reports` for the latest period:
the seven company notebooks plus one report per PM, the index, the XLSX workbook, published.
Printed: wall time of the whole run and per PM report, and peak memory of the whole process
tree (this process, the workers and their kernels), sampled from /proc every 0.2 s; and for
every run a breakdown by stage: load (load_dataset), the period's results and the analysis of
every comment (made once by the run before any notebook, handed to the kernels), 04_feedback,
the other company notebooks, PM pages, publish (index, XLSX workbook, PDF with --pdf). A stage's
wall time comes from the run's log lines (when its last notebook finished); its worker time is
the sum of its notebooks' execute and export seconds (stages overlap on the workers).

The feedback cache is bench/out/scale/cache/, emptied at the start; the comments are then
analysed once, cold, and timed (as the run does before its notebooks), so that every run finds
the cache warm, as a quarterly re-run mostly does.

Baseline, measured in the same run on the same data: the same run restricted to the first
--baseline-pms PMs, once with warm kernels (the default) and once with a fresh kernel for every
notebook (KPI_WORKBOOK_KERNEL_REUSE=1, which is how every notebook ran before warm kernels).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "scale"
PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_of_tree(root: int) -> int:
    """Resident bytes of `root` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            rss[pid] = int(fields[21]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in tree)


class PeakMemory:
    """Samples the process tree's resident memory in a thread; `peak` in bytes."""

    def __init__(self, interval: float = 0.2) -> None:
        self.peak, self.interval = 0, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_of_tree(os.getpid()))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class StageClock(logging.Handler):
    """Collects the run's log records with their times: which notebook finished when."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> StageClock:
        self.started = time.time()
        logger = logging.getLogger("kpi_helpers")
        self._level = logger.level
        logger.setLevel(logging.INFO)
        logger.addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        self.ended = time.time()
        logger = logging.getLogger("kpi_helpers")
        logger.removeHandler(self)
        logger.setLevel(self._level)

    def finished(self) -> dict[str, float]:
        """Seconds from the start of the run to each notebook's log line."""
        return {
            str(r.args[0]): r.created - self.started
            for r in self.records
            if getattr(r, "done", None) is not None and r.args
        }

    def index_seconds(self) -> float:
        """Seconds the index page and the workbook took (their own log line)."""
        for r in self.records:
            if r.msg.startswith("index.html and"):
                return float(r.args[-1])
        return 0.0

    def handover_seconds(self) -> float:
        """Seconds the run took, before any notebook, for the period's results and the
        feedback analysis it hands to the kernels (their own log line)."""
        return sum(
            float(r.args[-1])
            for r in self.records
            if r.msg.startswith("period results computed") or "rows analysed in" in r.msg
        )

    def pdf_started(self) -> float | None:
        for r in self.records:
            if r.msg.startswith("printing"):
                return r.created - self.started
        return None


def stages(summary, clock: StageClock, load: float) -> dict[str, tuple[float, float]]:
    """(wall s, worker s) per stage of one run; see the module's docstring."""
    from kpi_helpers.report import registry

    feedback = next(nb.stem for nb in registry.NOTEBOOKS if "feedback" in nb.stem)
    finished = clock.finished()
    busy = {r.name: r.execute_seconds + r.export_seconds for r in summary.results}
    pm = [j.name for j in summary.jobs if j.pm_id]
    company = [j.name for j in summary.jobs if not j.pm_id and j.name != feedback]
    last_company = max((finished.get(n, 0.0) for n in company), default=0.0)
    last = max(finished.values(), default=0.0)
    total = clock.ended - clock.started
    pdf = clock.pdf_started()
    index = clock.index_seconds()
    handover = clock.handover_seconds()
    return {
        "load": (load, load),
        "results + feedback (run)": (handover, handover),
        "feedback (04)": (finished.get(feedback, 0.0), busy.get(feedback, 0.0)),
        "company notebooks": (last_company, sum(busy.get(n, 0.0) for n in company)),
        "PM pages": (last - last_company, sum(busy.get(n, 0.0) for n in pm)),
        "publish": (total - last, total - last),
        "  index + workbook": (index, index),
        "  PDF": ((total - pdf, total - pdf) if pdf is not None else (0.0, 0.0)),
    }


def print_stages(columns: dict[str, dict[str, tuple[float, float]]]) -> None:
    """One row per stage, wall and worker seconds for each run side by side."""
    names = list(columns)
    print(f"{'stage (wall s / worker s)':<26}" + "".join(f"{n:>22}" for n in names))
    for stage in next(iter(columns.values())):
        cells = "".join(
            f"{columns[n][stage][0]:>12.1f} /{columns[n][stage][1]:>7.1f}" for n in names
        )
        print(f"{stage:<26}{cells}")
    print(
        "wall: feedback and company notebooks = when the last of them finished (they share the "
        "workers with the PM pages), PM pages = from then to the last page, publish = after it"
    )


def cold_analysis(ds, period: str, jobs: int, cache: Path) -> None:
    """Analyse every comment with the feedback cache empty, as the run does before its notebooks
    (timed here, so that every run below finds the cache warm and they compare alike)."""
    import resource

    from kpi_helpers.feedback.analysis import analyse_rows
    from kpi_helpers.report.feedback_view import feedback_view

    start, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    analysed = analyse_rows(ds.feedback, ds.company.cadence, jobs)
    scored = time.perf_counter() - start
    feedback_view(ds, period, analysed=analysed, workers=jobs)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    extra = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    print(
        f"feedback cache {cache} emptied; {len(ds.feedback):,} comments analysed cold on "
        f"{jobs} processes: {wall:.1f} s wall ({scored:.1f} s sentiment, the rest the company's "
        f"metrics and themes), {time.process_time() - cpu + extra:.1f} s CPU; the runs below "
        "find the cache warm"
    )


def company(pms: int, rows: int) -> Path:
    """The generated data folder (made once per pms/rows)."""
    folder = OUT / "data"
    stamp = OUT / "data.json"
    wanted = {"pms": pms, "feedback_rows": rows}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted and folder.is_dir():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "kpi_helpers.cli", "sample", "--out", str(folder)]
    subprocess.run([*cmd, "--pms", str(pms), "--feedback-rows", str(rows)], check=True)
    stamp.write_text(json.dumps(wanted))
    print(f"generated {pms} PMs and {rows:,} feedback rows in {time.perf_counter() - start:.0f} s")
    return folder


def timed_run(
    ds, period: str, pm_ids: list[str], jobs: int, out: Path, reuse: str | None, pdf: bool = False
):
    """(run summary, peak bytes, log clock) of one forced run; `reuse` sets
    KPI_WORKBOOK_KERNEL_REUSE."""
    from kpi_helpers.config import KERNEL_REUSE_ENV
    from kpi_helpers.run.runner import run_reports

    before = os.environ.pop(KERNEL_REUSE_ENV, None)
    if reuse is not None:
        os.environ[KERNEL_REUSE_ENV] = reuse
    try:
        with PeakMemory() as memory, StageClock() as clock:
            summary = run_reports(
                ds, period, lang="zh", pm_ids=pm_ids, out_dir=out, workers=jobs, force=True, pdf=pdf
            )
    finally:
        os.environ.pop(KERNEL_REUSE_ENV, None)
        if before is not None:
            os.environ[KERNEL_REUSE_ENV] = before
    failed = [r.name for r in summary.results if r.status != "ok"]
    if failed:
        sys.exit(f"notebooks failed: {', '.join(failed)}")
    return summary, memory.peak, clock


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.report import registry

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pms", type=int, default=20, help="PMs of the generated company (full: 200)")
    ap.add_argument(
        "--feedback-rows", type=int, default=50_000, help="feedback rows (full: 1000000)"
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--baseline-pms", type=int, default=6, help="0 skips the baseline")
    ap.add_argument("--pdf", action="store_true", help="also print every page to PDF")
    args = ap.parse_args()

    folder = company(args.pms, args.feedback_rows)
    from kpi_helpers.config import CACHE_DIR_ENV

    cache = OUT / "cache"  # the feedback cache, empty: the first run fills it, later runs read it
    shutil.rmtree(cache, ignore_errors=True)
    os.environ[CACHE_DIR_ENV] = str(cache)
    start = time.perf_counter()
    ds = load_dataset(folder)
    load = time.perf_counter() - start
    period = ds.latest_period
    pm_ids = [str(p) for p in ds.people["pm_id"]]
    print(f"loaded {folder} in {load:.1f} s; period {period}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, {args.jobs} jobs"
    )
    cold_analysis(ds, period, args.jobs, cache)

    columns, peaks = {}, {}
    if args.baseline_pms:
        some = pm_ids[: args.baseline_pms]
        n = len(some) + len(registry.NOTEBOOKS)
        warm, peaks["warm, baseline"], clock = timed_run(
            ds, period, some, args.jobs, OUT / "warm", None, args.pdf
        )
        columns["warm, baseline"] = stages(warm, clock, load)
        cold, peaks["fresh, baseline"], clock = timed_run(
            ds, period, some, args.jobs, OUT / "cold", "1", args.pdf
        )
        columns["fresh, baseline"] = stages(cold, clock, load)
        print(f"baseline, {len(some)} PMs ({n} notebooks):")
        print(f"  fresh kernel per notebook: {cold.seconds:7.1f} s")
        print(f"  warm kernels             : {warm.seconds:7.1f} s")
        print(f"  ratio fresh / warm       : {cold.seconds / warm.seconds:7.2f}")

    summary, peak, clock = timed_run(ds, period, pm_ids, args.jobs, OUT / "all", None, args.pdf)
    columns[f"full, {len(pm_ids)} PMs"] = stages(summary, clock, load)
    peaks[f"full, {len(pm_ids)} PMs"] = peak
    pm_results = [r for r in summary.results if r.name.startswith(f"{registry.per_pm().stem}_")]
    busy = sum(r.execute_seconds + r.export_seconds for r in pm_results)
    print(f"full run: {len(summary.results)} notebooks ({len(pm_results)} PM reports)")
    print(f"  wall               : {summary.seconds:7.1f} s (whole run, published)")
    print(f"  wall per PM report : {summary.seconds / len(pm_results):7.2f} s (target < 0.25 s)")
    pm_stage = columns[f"full, {len(pm_ids)} PMs"]["PM pages"][0]
    print(f"  PM pages stage / N : {pm_stage / len(pm_results):7.2f} s of wall time")
    print(f"  PM report, mean    : {busy / len(pm_results):7.2f} s of one worker")
    print(f"  peak memory        : {peak / 2**30:7.2f} GiB (all processes)")
    print()
    print_stages(columns)
    print(f"{'peak memory (GiB)':<26}" + "".join(f"{peaks[n] / 2**30:>22.2f}" for n in columns))
    print(f"machine: load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":  # worker processes are spawned and re-import this module
    main()
