"""The memory allocator of the query executors: jemalloc when it is installed, else the C library's malloc.

pyoxigraph allocates and frees small blocks at a high rate while it evaluates a query (RocksDB iterators, the
evaluator's tuples): with glibc's malloc, malloc, free and their thread-local look-ups took a sixth of the CPU of
the query mix's heaviest query ("municipalities > 100k", `py-spy record --native`). With jemalloc that query took
80 instead of 90 ms in-process (pyoxigraph on the on-disk copy, median of 15, with and without LD_PRELOAD), and the
whole mix from 8 clients made 103.7 instead of 88.7 queries/s for 11 MiB more memory (2026-12-05;
`.venv/bin/python benchmarks/light_queries.py --releases DIR`, with MPSC_EXECUTOR_MALLOC= for glibc's). mimalloc
(MPSC_EXECUTOR_MALLOC=mimalloc) gave the same within noise; the web workers gained nothing measurable from it, so
only executors get it.

An allocator replaces malloc only if it is loaded before the C library resolves it, so the fork server is
started with LD_PRELOAD (pool.py); every executor forked from it inherits it. The fork server then reports the
library its malloc really comes from (`in_use`), which /healthz shows: a name that is not installed, or a file
the loader cannot preload, leaves the C library's malloc in place. The server works the same either way; heavy
queries take about a tenth longer.

jemalloc's own settings (MALLOC_CONF) get two: `background_thread:false`, so that the fork server stays one
thread (forking a process with threads copies only the calling one; an operator's MALLOC_CONF cannot override
this), and `retain:false` before the operator's, so that freed address space is given back. The memory limit caps
an executor's address space (executor.py), and jemalloc reserves more of it than it hands out: a process capped
at 256 MiB above its start-up size got 210-243 MiB of 1 kB to 20 MB blocks with `retain:false`, 172-222 MiB
without, and 233-256 MiB with glibc's malloc (`python` with RLIMIT_AS set, allocating until MemoryError).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import os

log = logging.getLogger(__name__)


@functools.cache
def library(name: str) -> str | None:
    """The shared library MPSC_EXECUTOR_MALLOC names: a path to it, or a name as `cc -l` takes it ("jemalloc" ->
    "libjemalloc.so.2"); None for an empty name or one not installed (said once in the log). Looked up once per
    process: a library installed later counts from the next start."""
    name = name.strip()
    if not name:
        return None
    found = (name if os.path.isfile(name) else None) if os.sep in name else ctypes.util.find_library(name)
    if found is None:
        log.warning("the query executors use the C library's malloc: %r is not installed (for jemalloc: apt-get "
                    "install libjemalloc2; MPSC_EXECUTOR_MALLOC= chooses the C library's without this warning)", name)
    return found


def preloading(name: str) -> dict[str, str]:
    """The environment that has a process load the allocator `name` (nothing if there is none), ahead of any
    library the environment already preloads, with jemalloc's settings as the module docstring says."""
    found = library(name)
    if found is None:
        return {}
    inherited = os.environ.get("LD_PRELOAD"), os.environ.get("MALLOC_CONF")
    return {"LD_PRELOAD": " ".join(filter(None, (found, inherited[0]))),
            "MALLOC_CONF": ",".join(filter(None, ("retain:false", inherited[1], "background_thread:false")))}


def in_use() -> str:
    """The file name of the library this process's malloc comes from ("libjemalloc.so.2", "libc.so.6"), found in
    /proc/self/maps by the address the dynamic loader resolves malloc to; "unknown" where there is no such file."""
    address = ctypes.cast(ctypes.CDLL(None).malloc, ctypes.c_void_p).value
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                fields = line.split(maxsplit=5)
                low, _, high = fields[0].partition("-")
                if len(fields) == 6 and int(low, 16) <= address < int(high, 16):
                    return os.path.basename(fields[5].strip())
    except OSError:
        pass
    return "unknown"
