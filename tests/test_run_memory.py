"""Memory of a run: what the run's process and its kernels keep while the pages are made."""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pandas as pd
import psutil
import pytest

from kpi_helpers.data.load import load_dataset
from kpi_helpers.feedback import cache as feedback_cache
from kpi_helpers.feedback.analysis import analyse_rows
from kpi_helpers.report.feedback_view import _recent
from kpi_helpers.run import memory, warm_kernel
from kpi_helpers.run.runner import _handover, _results


def test_the_run_forgets_the_parsed_feedback_cache_after_the_handover(tiny_data):
    ds = load_dataset(tiny_data)
    analyse_rows(ds.feedback, ds.company.cadence)  # the cache file is written...
    analyse_rows(ds.feedback, ds.company.cadence)  # ...and read, parsed, kept in memory
    assert feedback_cache._memo  # noqa: SLF001 - what the run's process would keep
    handover = _handover(ds, "2026-Q2", _results(ds, "2026-Q2"))
    assert handover.results.feedback_analysed is not None and handover.company_feedback
    assert not feedback_cache._memo  # noqa: SLF001
    # forgetting only costs a read: the next analysis finds every comment in the file again
    analyse_rows(ds.feedback, ds.company.cadence)
    assert feedback_cache.last_run["sentiment"]["computed"] == 0


def test_recent_periods_are_chosen_without_a_copy_per_row():
    periods = pd.Series(
        np.resize(np.array(["2026-Q3", "2024-Q3", None, "2026-Q1", "2024-Q4"], object), 200_000),
        dtype="string",
    )
    mask = _recent(periods, "2026-Q3", last_n=8)
    # 2024-Q3 is nine quarters back, a missing period is in no window
    assert mask[:5].tolist() == [True, False, False, True, True]
    assert _recent(periods, "2026-Q1", last_n=1)[:5].tolist() == [False, False, False, True, False]
    tracemalloc.start()
    try:
        _recent(periods, "2026-Q3", last_n=8)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # codes and a mask: about 9 bytes a row (a period string per row as an object took 60)
    assert peak / len(periods) < 24


@pytest.mark.skipif(memory._malloc_trim() is None, reason="glibc's malloc_trim only")  # noqa: SLF001
def test_release_memory_gives_freed_heap_back_to_the_system():
    rss = psutil.Process().memory_info
    gc.collect()
    # 1 KB arrays come from malloc's heap; keeping every 64th pins the heap's top, so freeing
    # the others leaves ~150 MB of free pages in the middle that only a trim gives back
    arrays = [np.ones(128) for _ in range(150_000)]
    kept = arrays[::64]
    del arrays
    gc.collect()
    before = rss().rss
    memory.release_memory()
    after = rss().rss
    assert before - after > 50 * 2**20, (before, after)
    assert len(kept) == 2344


def test_a_warm_kernel_gives_memory_back_before_each_notebook(monkeypatch, tmp_path):
    released = []
    monkeypatch.setattr(memory, "release_memory", lambda: released.append(True))
    monkeypatch.setattr(memory, "KERNEL_RELEASE_ABOVE", 0)  # a large kernel

    class Shell:
        def reset(self, new_session):
            released.clear()

    code = warm_kernel.RESET_CODE.format(cwd=f'"{tmp_path}"')
    monkeypatch.chdir(tmp_path.parent)
    exec(code, {"get_ipython": Shell})
    assert released == [True]


def test_a_small_process_keeps_its_freed_memory_and_a_large_one_gives_it_back(monkeypatch):
    released = []
    monkeypatch.setattr(memory, "release_memory", lambda: released.append(True))
    held = memory.resident_bytes()
    assert held is None or held > 10 * 2**20  # a Python process with pandas loaded
    if held is None:
        pytest.skip("no /proc here: the size is unknown and memory is always released")
    assert memory.release_memory_above(held * 4) is False and released == []
    assert memory.release_memory_above(held // 2) is True and released == [True]
