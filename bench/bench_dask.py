"""Benchmark of the Dask executor (2 local workers) against local worker processes (--jobs 2).

    .venv/bin/python bench/bench_dask.py

Starts `dask scheduler` and two `dask worker --nthreads 1` on 127.0.0.1 from this virtualenv,
then runs the fixture notebooks (tests/fixtures/notebooks/) on the example data of
`kpi-workbook init` twice each way with --force, and prints wall times and their ratio.
Everything is written under bench/out/dask/ (git-ignored); the cluster is stopped at the end.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "dask"
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_cluster(logs: Path) -> tuple[str, list[subprocess.Popen]]:
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = []
    for argv in (
        ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        ["worker", address, "--nthreads", "1", "--no-dashboard"],
        ["worker", address, "--nthreads", "1", "--no-dashboard"],
    ):
        log = open(logs / f"{len(procs)}.log", "wb")  # noqa: SIM115
        procs.append(subprocess.Popen([str(BIN / "dask"), *argv], stdout=log, stderr=log))
    deadline = time.monotonic() + 120
    while True:
        try:
            with Client(address, timeout=5) as client:
                client.wait_for_workers(2, timeout=120)
            return address, procs
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def timed_run(ds, period, executor: str, scheduler: str | None) -> float:
    from kpi_helpers.run.runner import run_reports

    start = time.perf_counter()
    run_reports(
        ds, period, lang="zh", pm_ids=[str(p) for p in ds.people["pm_id"]],
        out_dir=OUT / executor, notebooks_dir=FIXTURES, workers=2, force=True,
        executor=executor, scheduler=scheduler,
    )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.data.scaffold import init_data_folder

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    ds = load_dataset(init_data_folder(OUT / "data"))
    period = ds.latest_period
    address, procs = start_cluster(OUT)
    try:
        timed_run(ds, period, "dask", address)  # warm the workers (imports, kernelspec)
        local = min(timed_run(ds, period, "local", None) for _ in range(2))
        dask = min(timed_run(ds, period, "dask", address) for _ in range(2))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
    n = 6 + len(ds.people)
    print(f"{n} notebooks (fixtures), best of 2, machine: {sys.platform}, 2 workers")
    print(f"local --jobs 2:          {local:7.1f} s")
    print(f"dask, 2 local workers:   {dask:7.1f} s")
    print(f"ratio dask / local:      {dask / local:7.2f}x")


if __name__ == "__main__":
    main()
