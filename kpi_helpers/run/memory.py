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
import sys
from functools import lru_cache


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
