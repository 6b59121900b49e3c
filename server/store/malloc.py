"""The memory allocator of the query executors: jemalloc when it is installed, else the C library's malloc.

pyoxigraph allocates and frees small blocks at a high rate while it evaluates a query (RocksDB iterators, the
evaluator's tuples): with glibc's malloc, malloc, free and their thread-local look-ups took a sixth of the CPU of
the query mix's heaviest query ("municipalities > 100k", `py-spy record --native`). With jemalloc that query took
80 instead of 90 ms in-process, and the whole mix from 8 clients made 103.7 instead of 88.7 queries/s for 11 MiB
more memory (benchmarks/light_queries.py, 2026-12-05). mimalloc gave the same within noise; the web workers
gained nothing measurable from it, so only executors get it.

An allocator replaces malloc only if it is loaded before the C library resolves it, so the fork server is
started with LD_PRELOAD (pool.py); every executor forked from it inherits it. A name that cannot be found
leaves the C library's malloc in place: the server works the same, heavy queries take about a tenth longer.
"""
from __future__ import annotations

import ctypes.util
import functools
import os

LIBC = "libc"  # what health() reports when no other allocator is loaded


@functools.cache
def library(name: str) -> str | None:
    """The shared library MPSC_EXECUTOR_MALLOC names: a path to it, or a name as the linker looks it up
    ("jemalloc" -> "libjemalloc.so.2"); None for an empty name or one not installed."""
    if not name:
        return None
    if os.sep in name:
        return name if os.path.isfile(name) else None
    return ctypes.util.find_library(name)


def preloading(name: str) -> dict[str, str]:
    """The environment that has a process load the allocator `name` (nothing if there is none), ahead of any
    library the environment already preloads."""
    found = library(name)
    if found is None:
        return {}
    return {"LD_PRELOAD": " ".join(filter(None, (found, os.environ.get("LD_PRELOAD"))))}


def described(name: str) -> str:
    """The allocator the executors use, for /healthz."""
    return library(name) or LIBC
