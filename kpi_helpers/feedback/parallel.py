"""Per-comment work split over processes: a million new comments are scored and matched against
the theme catalogue on as many cores as the run may use.

Each comment's result depends on that comment alone, so the parts can be computed anywhere and
joined in order; the result is the same as on one process. Only worth it for many comments:
starting a process and loading the model takes about a second.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

log = logging.getLogger(__name__)

PARALLEL_TEXTS = 200_000  # new comments worth starting more processes for (seconds of work)


def split_map(fn: Callable, items: Sequence, workers: int, *args) -> list:
    """[fn(part, *args) for each of `workers` consecutive parts of items], in order: the first
    part in this process while spawned processes do the others. With one worker, fewer than
    PARALLEL_TEXTS items, or processes that cannot start (a script without a `__main__`
    guard), everything is done here: [fn(items, *args)]."""
    if workers <= 1 or len(items) < PARALLEL_TEXTS:
        return [fn(items, *args)]
    bounds = np.linspace(0, len(items), workers + 1).astype(int)
    parts = [items[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    spawn = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(len(parts) - 1, mp_context=spawn) as pool:
            others = [pool.submit(fn, part, *args) for part in parts[1:]]
            return [fn(parts[0], *args)] + [f.result() for f in others]
    except (BrokenProcessPool, OSError) as e:
        log.warning("working on one process: the others could not start (%s)", e)
        return [fn(items, *args)]
