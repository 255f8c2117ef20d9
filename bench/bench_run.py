"""Benchmark of `kpi-workbook run` against the naive way, on the same notebooks and data.

    .venv/bin/python bench/bench_run.py                        # data/, notebooks/, all PMs
    .venv/bin/python bench/bench_run.py --pm PM01 --jobs 2     # a shorter run

Ours: run_reports (parameters checked, worker processes, papermill's Python API, in-process HTML
export, atomic publish), timed as a whole and per notebook (execute, export). Naive: for each
notebook, `papermill IN OUT -p ...` then `jupyter nbconvert --to html --no-input OUT`, one
process each, one after the other. Both write under bench/out/run/ (git-ignored).
Until notebooks/ holds the six notebooks, the stand-ins in tests/fixtures/notebooks/ are used.

Then the incremental re-run: one actual of one PM's KPI is changed in the run's copy of the
data (bench/out/run/data/) and the period is run again without --force over the published
reports; printed are the pages rebuilt and reused (company, the changed PM, the other PMs), the
time (and the part spent exporting the reused pages again), whether the change moved any other
PM's rank (which rebuilds that PM's page too), against the full run above. A re-run with
nothing changed is timed too. `--skip-naive` leaves out the naive run (the slow part).
The feedback cache is bench/out/run/cache/, empty at the start (ours fills it, naive reads it).
"""

from __future__ import annotations

import argparse
import csv
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


def change_one_actual(folder: Path, period: str) -> tuple[str, str, str, str]:
    """Change the period's actual of the first KPI of the first owner in actuals.csv, in place.

    Returns (pm_id, kpi_id, old value, new value); the new value is 10 % above the old one.
    """
    with open(folder / "kpis.csv", encoding="utf-8", newline="") as f:
        owners = {row["kpi_id"]: row["owner"] for row in csv.DictReader(f)}
    path = folder / "actuals.csv"
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["period"] == period and row["kpi_id"] in owners and row["value"].strip():
            old = row["value"]
            row["value"] = f"{float(old) * 1.1:.6g}"
            break
    else:
        sys.exit(f"{path}: no actual for {period} to change")
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return owners[row["kpi_id"]], row["kpi_id"], old, row["value"]


def _rebuilt(summary, changed_pm: str) -> dict[str, tuple[int, int]]:
    """(rebuilt, reused) pages per group: company, the changed PM, the other PMs."""
    groups: dict[str, list[int]] = {"company": [0, 0], "changed PM": [0, 0], "other PMs": [0, 0]}
    for job, result in zip(summary.jobs, summary.results, strict=True):
        group = (
            "company" if not job.pm_id else "changed PM" if job.pm_id == changed_pm else "other PMs"
        )
        groups[group][result.status == "reused"] += 1
    return {name: (n[0], n[1]) for name, n in groups.items()}


def ranks(data: Path, period: str) -> dict[str, int]:
    """Each scored PM's rank among the PMs of the period, as a PM page's headline counts it."""
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.engine.evaluation import evaluate_period

    totals = evaluate_period(load_dataset(data), period).totals.dropna(subset=["total"])
    return {
        str(pm): int((totals["total"] > total).sum()) + 1
        for pm, total in zip(totals["pm_id"], totals["total"], strict=True)
    }


def ours(ds, period: str, pm_ids, args, notebooks: Path, force: bool):
    """run_reports into OUT/ours, as `kpi-workbook run` does (force: every page run again)."""
    from kpi_helpers.run.runner import run_reports

    return run_reports(
        ds,
        period,
        lang=args.lang,
        pm_ids=pm_ids,
        out_dir=OUT / "ours",
        notebooks_dir=notebooks,
        workers=args.jobs,
        force=force,
    )


def incremental(data: Path, period: str, pm_ids, args, notebooks: Path, full: float) -> None:
    """Re-run unchanged, then after one changed actual, over the published reports in OUT/ours."""
    from kpi_helpers.data.load import load_dataset

    def rerun(label: str, changed_pm: str):
        summary = ours(load_dataset(data), period, pm_ids, args, notebooks, force=False)
        failed = [r.name for r in summary.results if r.status == "failed"]
        if failed:
            sys.exit(f"re-run failed: {', '.join(failed)}")
        groups = _rebuilt(summary, changed_pm)
        rebuilt = sum(g[0] for g in groups.values())
        export = sum(r.export_seconds for r in summary.results if r.status == "reused")
        print(
            f"{label}: {rebuilt} of {len(summary.jobs)} pages rebuilt, "
            f"{len(summary.jobs) - rebuilt} reused ({export:.1f} s giving them this run's header "
            "and footer), "
            f"{summary.seconds:.1f} s against {full:.1f} s for the full run "
            f"({summary.seconds / full:.0%}), load average {os.getloadavg()[0]:.1f}"
        )
        for name, (made, kept) in groups.items():
            print(f"  {name:<10} {made:4d} rebuilt {kept:4d} reused")
        return summary

    rerun("re-run, nothing changed", "")
    before = ranks(data, period)
    pm_id, kpi_id, old, new = change_one_actual(data, period)
    after = ranks(data, period)
    print(f"changed the {period} actual of {kpi_id} ({pm_id}) from {old} to {new}")
    moved = {pm: (before.get(pm), rank) for pm, rank in after.items() if before.get(pm) != rank}
    moved.pop(pm_id, None)
    print(
        "other PMs whose rank moved: "
        + (", ".join(f"{pm} {a} -> {b}" for pm, (a, b) in sorted(moved.items())) or "none")
    )
    summary = rerun("re-run, one actual changed", pm_id)
    others = sorted(
        job.pm_id
        for job, result in zip(summary.jobs, summary.results, strict=True)
        if job.pm_id and job.pm_id != pm_id and result.status != "reused"
    )
    unexplained = sorted(set(others) - set(moved))
    print(
        f"other PMs' pages rebuilt: {', '.join(others) or 'none'}"
        + (f" (not by a rank move: {', '.join(unexplained)})" if unexplained else "")
    )


def main() -> None:
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.data.params import resolve_pms
    from kpi_helpers.run.plan import plan_run

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "data"))
    ap.add_argument("--notebooks")
    ap.add_argument("--pm", default="all")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--lang", default="zh")
    ap.add_argument("--skip-naive", action="store_true", help="leave out the naive run")
    args = ap.parse_args()

    notebooks = _notebooks_dir(args.notebooks)
    shutil.rmtree(OUT, ignore_errors=True)
    data = OUT / "data"  # a copy: the incremental step changes one actual in it
    shutil.copytree(args.data, data)
    from kpi_helpers.config import CACHE_DIR_ENV

    os.environ[CACHE_DIR_ENV] = str(OUT / "cache")  # empty: ours fills it, naive reads it
    ds = load_dataset(data)
    period = ds.latest_period
    pm_ids = resolve_pms(ds, args.pm)
    print(f"notebooks {notebooks}, data {args.data}, period {period}, {len(pm_ids)} PMs")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")

    print(f"ours: run_reports with {args.jobs} workers")
    summary = ours(ds, period, pm_ids, args, notebooks, force=True)
    for r in summary.results:
        print(f"  ours  {r.name:<28} {r.execute_seconds:6.1f} s + {r.export_seconds:5.1f} s")

    print()
    print(f"{len(summary.jobs)} notebooks")
    print(f"ours : {summary.seconds:7.1f} s wall (whole run, publish included)")
    if not args.skip_naive:
        print("naive: papermill CLI + jupyter nbconvert --no-input, one after the other")
        jobs = plan_run(ds, period, args.lang, pm_ids, notebooks)
        start = time.perf_counter()
        naive = _naive(jobs, OUT / "naive")
        naive_total = time.perf_counter() - start
        print(
            f"naive: {naive_total:7.1f} s wall "
            f"(execute {sum(t[1] for t in naive):.1f} s, export {sum(t[2] for t in naive):.1f} s)"
        )
        print(f"ratio: naive / ours = {naive_total / summary.seconds:.2f}")
    print(f"machine: load average {os.getloadavg()[0]:.1f} at the end")

    print()
    incremental(data, period, pm_ids, args, notebooks, summary.seconds)


if __name__ == "__main__":  # worker processes are spawned and re-import this module
    main()
