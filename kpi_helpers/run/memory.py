"""Giving memory back to the system between the stages of a run and between notebooks.

A run holds a million comments several times over for a moment (reading the feedback cache,
writing the data set for the kernels); the garbage collector frees those objects, but the C
allocators keep the freed pages for later: glibc's malloc (numpy and Python objects) and
Arrow's memory pool (the text columns). Until they are handed back, the process keeps its
peak size for as long as it lives, and the run's process, its kernels and its workers live
together. `release_memory` hands them back; it changes no result.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys
from functools import lru_cache

# A kernel smaller than this keeps its freed memory: a full collection costs 0.05-0.15 s a
# notebook, worth paying only where the data set is large.
KERNEL_RELEASE_ABOVE = 768 * 2**20


@lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim, or None on another C library (macOS, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def release_memory(collect: bool = True) -> None:
    """Free unreachable objects (with `collect`), then return the freed pages of Arrow's pool
    and of malloc to the system."""
    if collect:
        gc.collect()
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def resident_bytes() -> int | None:
    """This process's resident memory (Linux's /proc; None elsewhere or when unreadable)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def release_memory_above(limit: int | None = None) -> bool:
    """release_memory() when the process holds `limit` (default KERNEL_RELEASE_ABOVE) bytes or
    more, or its size is unknown; whether it did."""
    limit = KERNEL_RELEASE_ABOVE if limit is None else limit
    held = resident_bytes()
    if held is not None and held < limit:
        return False
    release_memory()
    return True
