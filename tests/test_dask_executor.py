"""`kpi-workbook run --executor dask` against a real local cluster started by the test.

One `dask scheduler` and two `dask worker --nthreads 1` processes on 127.0.0.1, run from this
virtualenv's bin/, with the fixture notebooks; the cluster is torn down in a finally.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pytest
from test_cli_run import FIXTURES, PERIOD, STEMS, run_cli

from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.report import registry
from kpi_helpers.run.pool import OWNER_FILE, PRIVATE_PREFIX, remove_stale_private_folders

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    pytest.importorskip("distributed")
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask")
    procs = []

    def start(*argv):
        log = open(logs / f"{len(procs)}.log", "wb")  # noqa: SIM115 - closed with the process
        procs.append(subprocess.Popen([str(BIN / "dask"), *argv], stdout=log, stderr=log))

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
        for i in range(2):
            start(
                "worker", address, "--nthreads", "1", "--no-dashboard",
                "--local-directory", str(logs / f"w{i}"),
            )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:  # the scheduler may take a moment to listen
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(2, timeout=max(1, deadline - time.monotonic()))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.mark.slow
def test_dask_run_publishes_the_same_folder_as_a_local_run(cluster, tmp_path):
    data = init_data_folder(tmp_path / "data")
    out = tmp_path / "reports"
    argv = ["run", "--data", str(data), "--out", str(out), "--executor", "dask"]
    result = run_cli([*argv, "--scheduler", cluster], FIXTURES)
    assert result.code == 0, result.stderr
    folder = out / PERIOD
    assert f"executing {len(STEMS) + 2} on the Dask cluster at {cluster}" in result.stderr
    for stem in STEMS:
        assert (folder / f"{stem}.html").is_file()
        assert (folder / "executed" / f"{stem}.ipynb").is_file()
    for pm in ("pm01", "pm02"):
        assert (folder / "pm" / f"{pm}.html").is_file()
        nb = json.loads(
            (folder / "executed" / f"{registry.per_pm().stem}_{pm}.ipynb").read_text("utf-8")
        )
        assert nb["metadata"]["papermill"]["parameters"]["pm"] == pm
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok"
    assert manifest["parameters"]["executor"] == "dask"
    assert {n["status"] for n in manifest["notebooks"]} == {"ok"}
    assert all(n["execute_seconds"] > 0 for n in manifest["notebooks"])
    assert 'href="pm/pm01.html"' in (folder / "index.html").read_text(encoding="utf-8")


def _folder_of(pid: int) -> Path | None:
    """The private folder of the process `pid` (its owner file names it), if it has one."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PRIVATE_PREFIX}*"):
        owner = folder / OWNER_FILE
        if owner.is_file() and owner.read_text() == str(pid):
            return folder
    return None


@pytest.mark.slow
def test_a_worker_dying_mid_run_has_its_tasks_rerun_on_the_others(cluster, tmp_path):
    from distributed import Client

    notebooks = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, notebooks)
    path = notebooks / registry.per_pm().file  # slow enough to be caught running
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(4)"))
    nbformat.write(nb, path)
    data = init_data_folder(tmp_path / "data")
    out = tmp_path / "reports"
    log = open(tmp_path / "extra.log", "wb")  # noqa: SIM115 - closed below
    extra = subprocess.Popen(
        [str(BIN / "dask"), "worker", cluster, "--nthreads", "1", "--no-dashboard",
         "--no-nanny", "--name", "doomed", "--local-directory", str(tmp_path / "extra")],
        stdout=log, stderr=log,
    )  # fmt: skip
    result = {}
    try:
        with Client(cluster, timeout=10) as client:
            client.wait_for_workers(3, timeout=60)
            workers = client.scheduler_info()["workers"]
            address = next(a for a, w in workers.items() if w.get("name") == "doomed")
            argv = ["run", "--data", str(data), "--out", str(out), "--executor", "dask"]
            run = threading.Thread(
                target=lambda: result.update(r=run_cli([*argv, "--scheduler", cluster], notebooks))
            )
            run.start()
            deadline = time.monotonic() + 120
            while not client.processing().get(address) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert client.processing().get(address), "the extra worker never got a task"
            while not (doomed_folder := _folder_of(extra.pid)) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert doomed_folder, "the extra worker never made its private folder"
            extra.kill()
            run.join(timeout=300)
    finally:
        extra.kill()
        extra.wait()
        log.close()
    assert result["r"].code == 0, result["r"].stderr
    manifest = json.loads((out / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    assert {n["status"] for n in manifest["notebooks"]} == {"ok"}
    assert (out / PERIOD / "pm" / "pm02.html").is_file()
    # the killed worker's private folder (kernel files) is the next run's to remove
    assert doomed_folder in remove_stale_private_folders() and not doomed_folder.exists()


def test_an_unreachable_scheduler_is_one_sentence_and_exit_1(tiny_data, tmp_path):
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{free_port()}"
    argv = ["run", "--data", str(tiny_data), "--out", str(tmp_path / "reports")]
    result = run_cli([*argv, "--executor", "dask", "--scheduler", address], FIXTURES)
    assert result.code == 1
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"kpi-workbook: the Dask scheduler at {address} cannot be reached")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "reports" / PERIOD).exists()


def test_dask_needs_a_scheduler(tiny_data, tmp_path):
    result = run_cli(
        ["run", "--data", str(tiny_data), "--out", str(tmp_path), "--executor", "dask"]
    )
    assert result.code == 2 and "--scheduler" in result.stderr
