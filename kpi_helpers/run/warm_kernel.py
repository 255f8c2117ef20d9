"""Warm kernels: one Jupyter kernel per worker, reused notebook after notebook.

Starting a kernel and importing pandas, matplotlib and this package takes seconds; a PM report's
own cells take a fraction of that. So each worker keeps its kernel and, before every notebook,
wipes the kernel's namespace (IPython's reset: variables, history, figures), gives the memory the
last notebook freed back to the system when the kernel is large (run.memory) and goes back to the
notebook's folder. Imported modules stay loaded, which is the point; what modules cache is keyed
on the data it came from (see context.open_period).

A fresh kernel that dies before it answers (most often because another process took one of the
ports it was given between the choice and the bind) is started again, up to START_ATTEMPTS times.
A kernel that timed out, died or failed in any way other than a cell raising is shut down and
the next notebook gets a fresh one; so is one that has run MAX_NOTEBOOKS notebooks, to bound
what a long run can accumulate. KPI_WORKBOOK_KERNEL_REUSE=N changes that number; 1 gives every
notebook a kernel of its own (slower, for ruling out anything carried between notebooks).

Used through papermill: `papermill.execute_notebook(..., engine_name=ENGINE, warm=WarmKernel())`.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading

from jupyter_core.utils import ensure_async, run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from kpi_helpers.config import KERNEL_REUSE_ENV

ENGINE = "kpi-workbook-warm"
MAX_NOTEBOOKS = 500
START_ATTEMPTS = 3
RESET_TIMEOUT = 60  # seconds

# Runs silently before each notebook; `{cwd}` is the notebook's folder as a JSON string.
RESET_CODE = """\
get_ipython().reset(new_session=True)
import os as _os, sys as _sys
_os.chdir({cwd})
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
del _os, _sys
from kpi_helpers.run.memory import release_memory_above as _release
_release()
del _release
"""

log = logging.getLogger(__name__)


class WarmKernel:
    """The kernel manager and client a worker keeps between notebooks (None: none started)."""

    def __init__(self) -> None:
        self.km = None
        self.kc = None
        self.notebooks = 0

    def take(self) -> tuple:
        """(km, kc) to run the next notebook on; (None, None) means start a fresh kernel."""
        if self.km is not None and (self.notebooks >= max_notebooks() or not self._alive()):
            self.discard()
        return self.km, self.kc

    def _alive(self) -> bool:
        try:
            return bool(run_sync(_is_alive)(self.km))
        except Exception:
            return False

    def keep(self, km, kc) -> None:
        self.km, self.kc = km, kc
        self.notebooks += 1

    def discard(self) -> None:
        """Shut the kernel down (quietly: it may already be dead)."""
        km, kc = self.km, self.kc
        self.km, self.kc, self.notebooks = None, None, 0
        if km is not None:
            _shutdown_quietly(km, kc)


async def _is_alive(km) -> bool:
    return await ensure_async(km.is_alive())


def _shutdown_quietly(km, kc) -> None:
    """Shut a kernel down, saying nothing when it is already dead."""
    try:
        run_sync(_shutdown)(km, kc)
    except Exception as e:
        log.debug("kernel shutdown: %s", e)


async def _shutdown(km, kc) -> None:
    if kc is not None:
        kc.stop_channels()
    await ensure_async(km.shutdown_kernel(now=True))
    await ensure_async(km.cleanup_resources())


def max_notebooks() -> int:
    """How many notebooks one kernel runs before it is replaced (KPI_WORKBOOK_KERNEL_REUSE)."""
    value = os.environ.get(KERNEL_REUSE_ENV, "").strip()
    try:
        return max(1, int(value)) if value else MAX_NOTEBOOKS
    except ValueError:
        log.warning("%s=%r is not a whole number; using %d", KERNEL_REUSE_ENV, value, MAX_NOTEBOOKS)
        return MAX_NOTEBOOKS


_local = threading.local()


def worker_kernel() -> WarmKernel:
    """This thread's warm kernel (Dask runs tasks on threads; a process pool has one each)."""
    if not hasattr(_local, "kernel"):
        _local.kernel = WarmKernel()
        atexit.register(_local.kernel.discard)
    return _local.kernel


class _WarmClient(PapermillNotebookClient):
    def papermill_execute_cells(self):
        cwd = json.dumps(self.resources.get("metadata", {}).get("path") or ".")
        msg_id = self.kc.execute(RESET_CODE.format(cwd=cwd), silent=True, store_history=False)
        reply = self.wait_for_reply(msg_id)
        if reply is None or reply["content"].get("status") != "ok":
            error = (reply or {}).get("content", {}).get("evalue", "no reply")
            raise RuntimeError(f"the kernel could not be reset for the next notebook ({error})")
        super().papermill_execute_cells()


def start_kernel(client, attempts: int = START_ATTEMPTS) -> None:
    """Start `client`'s kernel and client, starting another when one dies before it answers.

    jupyter_client picks free ports, closes them and hands them to the kernel; a process that
    starts a kernel at the same moment can take one of them first, and the kernel then exits
    before replying to kernel_info. That is worth another try; a missing kernel spec is not.
    """
    for attempt in range(1, attempts + 1):
        client.km = client.create_kernel_manager()
        try:
            client.start_new_kernel()
            client.start_new_kernel_client()
            return
        except RuntimeError as e:
            if client.km is not None:
                _shutdown_quietly(client.km, client.kc)
            client.km = client.kc = None
            if attempt == attempts:
                raise
            log.warning(
                "the kernel did not start (%s); starting another (%d of %d)",
                e,
                attempt + 1,
                attempts,
            )


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine, with the kernel taken from and given back to `warm`."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        *,
        warm: WarmKernel,
        log_output=False,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        km, kc = warm.take()
        client = _WarmClient(
            nb_man,
            km=km,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logging.getLogger("papermill"),
            log_output=log_output,
            # papermill has changed into the notebook's folder (its `cwd` argument)
            resources={"metadata": {"path": os.getcwd()}},
        )
        client.kc = kc
        try:
            if km is None:
                start_kernel(client)
            nb = client.execute(cleanup_kc=False)
        except BaseException:
            warm.keep(client.km, client.kc)
            warm.discard()
            raise
        warm.keep(client.km, client.kc)
        return nb


papermill_engines.register(ENGINE, WarmEngine)
