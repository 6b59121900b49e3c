"""What one query executor of the embedded store costs, in memory and on disk: start-up, memory, query time.

Opens the current release of RELEASES in executor processes as `mpsc serve` does (server.store.pool): once
loading the dataset file into memory (the default), once opening an on-disk store written into a temporary
folder (what MPSC_STORE_PATH does). For each it prints the start-up time (fork server start to its first
executor's being ready, median of STARTS starts), the executor's resident memory from /proc/PID/smaps_rollup
after start-up and after the query mix (Rss, and the private part: pages no other process maps. An executor
forked from the fork server starts sharing the loaded store; pyoxigraph's in-memory store writes to the
pages a query reads, so each page a query touches becomes the executor's own copy. An on-disk store's pages
are file-backed and shared by every executor through the page cache), and the time of one pass through the
query mix of sparql_throughput.py (mean of ROUNDS passes after a warm-up pass), per query and in all, with
the ratio on disk / in memory.

    .venv/bin/python benchmarks/executor_footprint.py --releases DIR [--rounds 20] [--starts 3]

Not a test: a measurement to report, one run each. Times depend on the machine and what else it runs.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.sparql_throughput import COOPERATION_PROJECT, query_mix  # noqa: E402
from server.config import Settings  # noqa: E402
from server.formats import CSV, SRJ, by_name  # noqa: E402
from server.build.release import DATASET_FILE, Releases  # noqa: E402
from server.store.embedded import disk_store  # noqa: E402
from server.store.executor import DISK, MEMORY  # noqa: E402
from server.store.pool import Executor, ForkServer  # noqa: E402

QUADS = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def start(kind: str, path: str) -> tuple[ForkServer, Executor, float]:
    """A fork server with one ready executor, and the seconds from starting the fork server (which loads a
    dataset file into memory, or opens nothing for an on-disk store) to the executor's being ready."""
    started = time.perf_counter()
    server = ForkServer(kind, path, 0, Settings.from_env().executor_malloc)  # the allocator `mpsc serve` gives them
    executor = server.spawn()
    return server, executor, time.perf_counter() - started


def ask(executor: Executor, query: str, fmt) -> bytes:
    status, payload = executor.call((query, fmt.key, None, None, None, None), timeout=600)
    if status == "error":
        raise payload
    return payload


def resident(pid: int) -> dict[str, float]:
    """Resident and private memory of a process, in MiB (/proc/PID/smaps_rollup: Rss, and Private_Clean plus
    Private_Dirty, the pages no other process maps)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return {"Rss": fields["Rss"], "Private": fields["Private_Clean"] + fields["Private_Dirty"]}


def measure(kind: str, path: str, rounds: int, starts: int) -> dict:
    """Start-up time, memory after start-up and after the mix, and seconds per query of the mix."""
    times = []
    for _ in range(starts - 1):
        server, _, seconds = start(kind, path)
        times.append(seconds)
        server.close()
    server, executor, seconds = start(kind, path)
    times.append(seconds)
    try:
        loaded = resident(executor.pid)
        project = json.loads(ask(executor, COOPERATION_PROJECT, SRJ))["results"]["bindings"][0]["p"]["value"]
        mix = [(name, query, by_name(accept)) for name, query, accept in query_mix(project)]
        for _, query, fmt in mix:  # warm-up
            ask(executor, query, fmt)
        per_query = {name: 0.0 for name, _, _ in mix}
        for _ in range(rounds):
            for name, query, fmt in mix:
                started = time.perf_counter()
                ask(executor, query, fmt)
                per_query[name] += (time.perf_counter() - started) / rounds
        return {"start": statistics.median(times), "loaded": loaded, "queried": resident(executor.pid),
                "queries": per_query, "quads": int(ask(executor, QUADS, CSV).split()[1])}
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=Path, default=Settings.from_env().releases)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    release = Releases(args.releases).current()
    if release is None:
        parser.error(f"no current release in {args.releases}")
    memory = measure(MEMORY, str(release.path / DATASET_FILE), args.rounds, args.starts)
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        path = disk_store(release, Path(scratch))
        written = time.perf_counter() - started
        disk = measure(DISK, str(path), args.rounds, args.starts)
    report(release.version, memory, disk, written, args)


def report(version: str, memory: dict, disk: dict, written: float, args) -> None:
    print(f"release {version}: {memory['quads']:,} quads; {os.cpu_count()} CPU cores; "
          f"on-disk store written in {written:.1f} s (once per release version)")
    print(f"{'one executor':34} {'in memory':>10} {'on disk':>10} {'disk/memory':>12}")
    row(f"start-up (median of {args.starts})", memory["start"], disk["start"], "s", 2)
    for moment, label in (("loaded", "after start-up"), ("queried", "after the query mix")):
        row(f"RSS {label}", memory[moment]["Rss"], disk[moment]["Rss"], "MiB", 0)
        row("  of which private", memory[moment]["Private"], disk[moment]["Private"], "MiB", 0)
    row(f"query mix, one pass (mean of {args.rounds})", sum(memory["queries"].values()) * 1000,
        sum(disk["queries"].values()) * 1000, "ms", 1, ratio=True)
    for name, seconds in memory["queries"].items():
        row("  " + name, seconds * 1000, disk["queries"][name] * 1000, "ms", 1, ratio=True)


def row(label: str, in_memory: float, on_disk: float, unit: str, digits: int, ratio: bool = False) -> None:
    figures = " ".join(f"{value:6.{digits}f} {unit:3}" for value in (in_memory, on_disk))
    print((f"{label:34} {figures}" + (f" {on_disk / in_memory:11.1f}x" if ratio else "")).rstrip())


if __name__ == "__main__":
    main()
