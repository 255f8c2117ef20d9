"""Per-comment work split over processes: a million new comments are scored and matched against
the theme catalogue on as many cores as the run may use.

Each comment's result depends on that comment alone, so the parts can be computed anywhere and
joined in order; the result is the same as on one process. Only worth it for many comments:
starting a process and loading the model takes about a second, so within `processes()` (one
analysis: sentiment, then themes) the processes started for the first part are used again.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

import numpy as np

log = logging.getLogger(__name__)

PARALLEL_TEXTS = 200_000  # new comments worth starting more processes for (seconds of work)


class _Shared:
    """The processes of one analysis: started on first use, shut down when it ends."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.broken = False  # they could not start: the rest of the analysis stays on one

    def get(self, size: int) -> ProcessPoolExecutor | None:
        if self.broken or size > self.workers - 1:
            return None
        if self.pool is None:
            spawn = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(self.workers - 1, mp_context=spawn)
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


_shared: _Shared | None = None


@contextmanager
def processes(workers: int) -> Iterator[None]:
    """Within it, split_map's calls with as many `workers` share one set of processes, started
    on first need (never when every part is small) and ended with the block, whatever happens.
    Nested blocks use the outer one's processes."""
    global _shared
    if _shared is not None or workers <= 1:
        yield
        return
    _shared = _Shared(workers)
    try:
        yield
    finally:
        shared, _shared = _shared, None
        shared.close()


def split_map(fn: Callable, items: Sequence, workers: int, *args) -> list:
    """[fn(part, *args) for each of `workers` consecutive parts of items], in order: the first
    part in this process while spawned processes do the others (those of the enclosing
    `processes()` block, else started for this call). With one worker, fewer than
    PARALLEL_TEXTS items, or processes that cannot start (a script without a `__main__`
    guard), everything is done here: [fn(items, *args)]."""
    if workers <= 1 or len(items) < PARALLEL_TEXTS:
        return [fn(items, *args)]
    bounds = np.linspace(0, len(items), workers + 1).astype(int)
    parts = [items[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    shared = _shared if _shared is not None and _shared.workers == workers else None
    try:
        if shared is not None:
            pool = shared.get(len(parts) - 1)
            if pool is None:
                return [fn(items, *args)]
            return _run(pool, fn, parts, args)
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(len(parts) - 1, mp_context=spawn) as pool:
            return _run(pool, fn, parts, args)
    except (BrokenProcessPool, OSError) as e:
        log.warning("working on one process: the others could not start (%s)", e)
        if shared is not None:
            shared.close()
            shared.broken = True
        return [fn(items, *args)]


def _run(pool: ProcessPoolExecutor, fn: Callable, parts: list, args: tuple) -> list:
    others = [pool.submit(fn, part, *args) for part in parts[1:]]
    return [fn(parts[0], *args)] + [f.result() for f in others]
