"""Benchmark of a large quarterly run: a generated company of 200 PMs and 1M feedback rows.

    .venv/bin/python bench/bench_scale.py                          # 200 PMs, 1M rows, 2 jobs
    .venv/bin/python bench/bench_scale.py --pms 40 --feedback-rows 100000 --baseline-pms 6

The company comes from `kpi-workbook sample --pms N --feedback-rows M` (kept in bench/out/scale/
and reused while its parameters are unchanged). The run is `run_reports` for the latest period:
the six company notebooks plus one report per PM, the index, the XLSX workbook, published.
Printed: wall time of the whole run and per PM report, and peak memory of the whole process
tree (this process, the workers and their kernels), sampled from /proc every 0.2 s.

Baseline, measured in the same run on the same data: the same run restricted to the first
--baseline-pms PMs, once with warm kernels (the default) and once with a fresh kernel for every
notebook (KPI_WORKBOOK_KERNEL_REUSE=1, which is how every notebook ran before warm kernels).
"""

from __future__ import annotations

import argparse
import json
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


def timed_run(ds, period: str, pm_ids: list[str], jobs: int, out: Path, reuse: str | None):
    """(run summary, peak bytes) of one forced run; `reuse` sets KPI_WORKBOOK_KERNEL_REUSE."""
    from kpi_helpers.config import KERNEL_REUSE_ENV
    from kpi_helpers.run.runner import run_reports

    before = os.environ.pop(KERNEL_REUSE_ENV, None)
    if reuse is not None:
        os.environ[KERNEL_REUSE_ENV] = reuse
    try:
        with PeakMemory() as memory:
            summary = run_reports(
                ds, period, lang="zh", pm_ids=pm_ids, out_dir=out, workers=jobs, force=True
            )
    finally:
        os.environ.pop(KERNEL_REUSE_ENV, None)
        if before is not None:
            os.environ[KERNEL_REUSE_ENV] = before
    failed = [r.name for r in summary.results if r.status != "ok"]
    if failed:
        sys.exit(f"notebooks failed: {', '.join(failed)}")
    return summary, memory.peak


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.report import registry

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pms", type=int, default=200)
    ap.add_argument("--feedback-rows", type=int, default=1_000_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--baseline-pms", type=int, default=6, help="0 skips the baseline")
    args = ap.parse_args()

    folder = company(args.pms, args.feedback_rows)
    start = time.perf_counter()
    ds = load_dataset(folder)
    period = ds.latest_period
    pm_ids = [str(p) for p in ds.people["pm_id"]]
    print(f"loaded {folder} in {time.perf_counter() - start:.1f} s; period {period}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, {args.jobs} jobs"
    )

    if args.baseline_pms:
        some = pm_ids[: args.baseline_pms]
        n = len(some) + len(registry.NOTEBOOKS)
        warm, _ = timed_run(ds, period, some, args.jobs, OUT / "warm", None)
        cold, _ = timed_run(ds, period, some, args.jobs, OUT / "cold", "1")
        print(f"baseline, {len(some)} PMs ({n} notebooks):")
        print(f"  fresh kernel per notebook: {cold.seconds:7.1f} s")
        print(f"  warm kernels             : {warm.seconds:7.1f} s")
        print(f"  ratio fresh / warm       : {cold.seconds / warm.seconds:7.2f}")

    summary, peak = timed_run(ds, period, pm_ids, args.jobs, OUT / "all", None)
    pm_results = [r for r in summary.results if r.name.startswith(f"{registry.per_pm().stem}_")]
    busy = sum(r.execute_seconds + r.export_seconds for r in pm_results)
    print(f"full run: {len(summary.results)} notebooks ({len(pm_results)} PM reports)")
    print(f"  wall               : {summary.seconds:7.1f} s (whole run, published)")
    print(f"  wall per PM report : {summary.seconds / len(pm_results):7.2f} s (target < 0.5 s)")
    print(f"  PM report, mean    : {busy / len(pm_results):7.2f} s of one worker")
    print(f"  peak memory        : {peak / 2**30:7.2f} GiB (all processes)")


if __name__ == "__main__":  # worker processes are spawned and re-import this module
    main()
