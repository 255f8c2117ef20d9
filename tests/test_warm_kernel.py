"""Warm kernels: one kernel runs notebook after notebook, each starting from a clean namespace."""

from __future__ import annotations

import os
import signal
import socket
import time

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from papermill.exceptions import PapermillExecutionError

from kpi_helpers.config import KERNEL_REUSE_ENV
from kpi_helpers.run import warm_kernel
from kpi_helpers.run.warm_kernel import ENGINE, WarmKernel

PID_CELL = "import os\nprint('pid', os.getpid())"


def notebook(path, *cells):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "py"}
    nbformat.write(nb, str(path))
    return path


def run(path, warm, timeout=60):
    nb = papermill.execute_notebook(
        str(path),
        str(path.with_suffix(".out.ipynb")),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(path.parent),
        execution_timeout=timeout,
        engine_name=ENGINE,
        warm=warm,
    )
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def pid_of(text):
    return int(text.split("pid ")[1].split()[0])


@pytest.fixture
def warm():
    kernel = WarmKernel()
    yield kernel
    kernel.discard()


@pytest.mark.slow
def test_one_kernel_runs_both_notebooks_without_sharing_variables(tmp_path, warm):
    first = notebook(tmp_path / "a.ipynb", "leak = 41\nimport json", PID_CELL)
    second = notebook(
        tmp_path / "b.ipynb",
        PID_CELL,
        "print('leak' in globals(), 'json' in globals())",
    )
    a, b = run(first, warm), run(second, warm)
    assert pid_of(a) == pid_of(b)
    assert "False False" in b  # a clean namespace
    executed = nbformat.read(str(second.with_suffix(".out.ipynb")), as_version=4)
    assert [c.execution_count for c in executed.cells] == [1, 2]  # counting starts again
    assert warm.notebooks == 2


@pytest.mark.slow
def test_a_cell_error_fails_its_notebook_only(tmp_path, warm):
    bad = notebook(tmp_path / "bad.ipynb", PID_CELL, "raise ValueError('boom')")
    good = notebook(tmp_path / "good.ipynb", PID_CELL)
    with pytest.raises(PapermillExecutionError, match="boom"):
        run(bad, warm)
    kept = warm.km
    assert "pid" in run(good, warm)
    assert warm.km is kept  # a cell raising leaves the kernel usable


@pytest.mark.slow
def test_a_timed_out_kernel_is_replaced(tmp_path, warm):
    first = run(notebook(tmp_path / "a.ipynb", PID_CELL), warm)
    with pytest.raises(Exception, match="(?i)timed out|timeout"):
        run(notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)"), warm, timeout=2)
    assert warm.km is None
    after = run(notebook(tmp_path / "b.ipynb", PID_CELL), warm)
    assert pid_of(after) != pid_of(first)


@pytest.mark.slow
def test_a_kernel_that_dies_at_start_because_its_port_was_taken_is_started_again(
    tmp_path, warm, monkeypatch, caplog
):
    # Another process took the port the kernel was given (the race of concurrent kernel starts)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    made = []
    create = warm_kernel._WarmClient.create_kernel_manager

    def first_gets_the_taken_port(self):
        km = create(self)
        if not made:
            km.cache_ports = False  # else the port cache picks its own
            km.shell_port = taken.getsockname()[1]
        made.append(km)
        return km

    monkeypatch.setattr(warm_kernel._WarmClient, "create_kernel_manager", first_gets_the_taken_port)
    try:
        assert "pid" in run(notebook(tmp_path / "a.ipynb", PID_CELL), warm)
    finally:
        taken.close()
    assert len(made) == 2
    assert "did not start" in caplog.text and "2 of 3" in caplog.text
    assert made[0].connection_file and not os.path.exists(made[0].connection_file)  # cleaned up


def test_a_kernel_that_never_starts_fails_after_the_attempts(monkeypatch, caplog):
    class Client:
        km = kc = None
        created = 0

        def create_kernel_manager(self):
            Client.created += 1
            return None

        def start_new_kernel(self):
            raise RuntimeError("Kernel died before replying to kernel_info")

    with pytest.raises(RuntimeError, match="died before"):
        warm_kernel.start_kernel(Client(), attempts=3)
    assert Client.created == 3
    assert caplog.text.count("did not start") == 2


@pytest.mark.slow
def test_a_kernel_killed_between_notebooks_is_replaced(tmp_path, warm):
    first = pid_of(run(notebook(tmp_path / "a.ipynb", PID_CELL), warm))
    os.kill(first, signal.SIGKILL)
    time.sleep(0.5)
    second = pid_of(run(notebook(tmp_path / "b.ipynb", PID_CELL), warm))
    assert second != first


@pytest.mark.slow
def test_kernel_reuse_1_gives_each_notebook_its_own_kernel(tmp_path, warm, monkeypatch):
    monkeypatch.setenv(KERNEL_REUSE_ENV, "1")
    nb = notebook(tmp_path / "a.ipynb", PID_CELL)
    assert pid_of(run(nb, warm)) != pid_of(run(nb, warm))


def test_kernel_reuse_setting(monkeypatch):
    monkeypatch.delenv(KERNEL_REUSE_ENV, raising=False)
    assert warm_kernel.max_notebooks() == warm_kernel.MAX_NOTEBOOKS
    monkeypatch.setenv(KERNEL_REUSE_ENV, "0")
    assert warm_kernel.max_notebooks() == 1
    monkeypatch.setenv(KERNEL_REUSE_ENV, "many")
    assert warm_kernel.max_notebooks() == warm_kernel.MAX_NOTEBOOKS


@pytest.mark.slow
def test_the_notebook_runs_in_its_own_folder(tmp_path, warm):
    other = tmp_path / "other"
    other.mkdir()
    run(notebook(tmp_path / "a.ipynb", "import os\nos.chdir('/')"), warm)
    text = run(notebook(other / "b.ipynb", "import os\nprint('cwd', os.getcwd())"), warm)
    assert f"cwd {other}" in text


@pytest.mark.slow
def test_a_worker_warms_its_kernel_up_with_the_report_code_before_its_first_notebook(
    tmp_path, monkeypatch
):
    from kpi_helpers.run import pool

    pool.write_kernelspec(tmp_path / "jupyter")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    kernel = warm_kernel.worker_kernel()
    try:
        pool._warm_up(str(tmp_path))
        assert kernel.km is not None and kernel.notebooks == 1
        check = new_notebook(
            cells=[
                new_code_cell("import sys\nprint(sorted(m for m in sys.modules if m in WANTED))")
            ]
        )
        check.cells.insert(0, new_code_cell('WANTED = {"kpi_helpers.report.sections", "jieba"}'))
        check.metadata["kernelspec"] = {"name": pool.KERNEL_NAME, "language": "python"}
        nbformat.write(check, str(tmp_path / "check.ipynb"))
        out = papermill.execute_notebook(
            str(tmp_path / "check.ipynb"),
            str(tmp_path / "check.out.ipynb"),
            kernel_name=pool.KERNEL_NAME,
            progress_bar=False,
            engine_name=ENGINE,
            warm=kernel,
        )
        printed = "".join(o.get("text", "") for c in out.cells for o in c.get("outputs", []))
        assert "['jieba', 'kpi_helpers.report.sections']" in printed
        assert kernel.notebooks == 2  # the same kernel ran the check
    finally:
        kernel.discard()
