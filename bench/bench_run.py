"""Benchmark of `kpi-workbook run` against the naive way, on the same notebooks and data.

    .venv/bin/python bench/bench_run.py                        # data/, notebooks/, all PMs
    .venv/bin/python bench/bench_run.py --pm PM01 --jobs 2     # a shorter run

Ours: run_reports (parameters checked, worker processes, papermill's Python API, in-process HTML
export, atomic publish), timed as a whole and per notebook (execute, export). Naive: for each
notebook, `papermill IN OUT -p ...` then `jupyter nbconvert --to html --no-input OUT`, one
process each, one after the other. Both write under bench/out/run/ (git-ignored).
Until notebooks/ holds the six notebooks, the stand-ins in tests/fixtures/notebooks/ are used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "run"


def _notebooks_dir(given: str | None) -> Path:
    if given:
        return Path(given).resolve()
    from kpi_helpers.report import registry

    real = ROOT / "notebooks"
    if all((real / nb.file).exists() for nb in registry.NOTEBOOKS):
        return real
    return ROOT / "tests" / "fixtures" / "notebooks"


def _call(argv: list, cwd: Path | None = None) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, cwd=cwd)
    if done.returncode:
        sys.exit(f"{' '.join(map(str, argv))} failed:\n{done.stderr[-2000:]}")


def _naive(jobs, out: Path) -> list[tuple[str, float, float]]:
    """papermill CLI, then nbconvert CLI, per notebook, sequentially: (name, execute s, export s)."""
    bindir = Path(sys.executable).parent
    out.mkdir(parents=True, exist_ok=True)
    timings = []
    for job in jobs:
        executed = out / f"{job.name}.ipynb"
        params = []
        for name, value in job.parameters.items():
            params += ["-p", name, str(value)]
        start = time.perf_counter()
        _call(
            [bindir / "papermill", job.notebook, executed, *params, "--no-progress-bar"],
            cwd=job.notebook.parent,
        )
        ran = time.perf_counter() - start
        _call([bindir / "jupyter", "nbconvert", "--to", "html", "--no-input", executed])
        timings.append((job.name, ran, time.perf_counter() - start - ran))
        print(f"  naive {job.name:<28} {ran:6.1f} s + {timings[-1][2]:5.1f} s", flush=True)
    return timings


def main() -> None:
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.data.params import resolve_pms
    from kpi_helpers.run.plan import plan_run
    from kpi_helpers.run.runner import run_reports

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "data"))
    ap.add_argument("--notebooks")
    ap.add_argument("--pm", default="all")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--lang", default="zh")
    args = ap.parse_args()

    notebooks = _notebooks_dir(args.notebooks)
    ds = load_dataset(Path(args.data))
    period = ds.latest_period
    pm_ids = resolve_pms(ds, args.pm)
    shutil.rmtree(OUT, ignore_errors=True)
    print(f"notebooks {notebooks}, data {args.data}, period {period}, {len(pm_ids)} PMs")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")

    print(f"ours: run_reports with {args.jobs} workers")
    summary = run_reports(
        ds,
        period,
        lang=args.lang,
        pm_ids=pm_ids,
        out_dir=OUT / "ours",
        notebooks_dir=notebooks,
        workers=args.jobs,
        force=True,
    )
    for r in summary.results:
        print(f"  ours  {r.name:<28} {r.execute_seconds:6.1f} s + {r.export_seconds:5.1f} s")

    print("naive: papermill CLI + jupyter nbconvert --no-input, one after the other")
    jobs = plan_run(ds, period, args.lang, pm_ids, notebooks)
    start = time.perf_counter()
    naive = _naive(jobs, OUT / "naive")
    naive_total = time.perf_counter() - start

    print()
    print(f"{len(jobs)} notebooks")
    print(f"ours : {summary.seconds:7.1f} s wall (whole run, publish included)")
    print(
        f"naive: {naive_total:7.1f} s wall "
        f"(execute {sum(t[1] for t in naive):.1f} s, export {sum(t[2] for t in naive):.1f} s)"
    )
    print(f"ratio: naive / ours = {naive_total / summary.seconds:.2f}")


if __name__ == "__main__":  # worker processes are spawned and re-import this module
    main()
