"""Light queries and memory: `mpsc serve` (response cache off) next to Oxigraph's server, on the same release.

Two Oxigraph servers are the peers: `oxigraph serve` in memory (loaded with `mpsc load`; without a time limit,
which it could not keep up at this rate: tests/sparql_support.py, `oxigraph_server`), and `oxigraph
serve-read-only` over the very on-disk copy `mpsc serve` answers from (server/store/embedded.py, QUICK_START; with
--in-memory, one written the same way), as the performance issue measured it. Each query of sparql_throughput.py's
mix is then sent alone by one client for SECONDS seconds (keep-alive, after a warm-up; each time with a text of its
own, as there), to each server in turn: requests per second, p50, and the ratio of `mpsc serve` to each peer. These are the small queries a Linked
Data site mostly serves, where the HTTP path, not the engine, is the cost. A last row is the floor of `mpsc
serve` itself: the same project's Turtle document, answered from memory without a query
(server/web/fastpath.py); no query can be answered faster than that. Beside them, the thinnest Python server
of the same queries over the same copy (benchmarks/thin_python.py: granian's RSGI, the query in the worker, no
checks and no limits) bounds what any Python server on this engine can reach; every server's answers are
compared with `mpsc serve`'s.

Then the three servers get the mix from 8 clients for SECONDS seconds (so every query executor has worked), and
the memory of the whole process trees of `mpsc serve` and of Oxigraph in memory is read from
/proc/PID/smaps_rollup as PSS (proportional set size:
pages shared by several processes, such as the on-disk copy in the page cache or the release a fork server
loaded into memory before forking the executors, count once in all). It is read again IDLE seconds later,
once `mpsc serve` has replaced the executors that the mix left holding memory of their own
(server/store/pool.py, RECYCLE_AFTER).

    .venv/bin/python benchmarks/light_queries.py --releases DIR [--seconds 5] [--in-memory] [--workers N]

`mpsc serve` answers from the release's on-disk copy (its default), or with --in-memory from the release
loaded into memory (MPSC_STORE_IN_MEMORY=1), with one worker (its default) or N.

Not a test: a measurement to report, one run. Times depend on the machine and what else it runs.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
from benchmarks.sparql_throughput import (UNLIMITED_CLIENT, agreement, answer, cooperation_project,  # noqa: E402
                                         loaded_oxigraph, measure, query_mix)
from server.build.release import Releases  # noqa: E402
from server.config import Settings  # noqa: E402
from server.formats import TURTLE  # noqa: E402
from server.store.embedded import disk_store, quick_start_copy  # noqa: E402
from server.store.pool import RECYCLE_AFTER  # noqa: E402
from server.web.links import document_path  # noqa: E402
from tests.sparql_support import free_port, mpsc_serve, oxigraph_server, running  # noqa: E402


IDLE = 2 * RECYCLE_AFTER  # the recycler looks every RECYCLE_AFTER / 2 seconds


def stat_fields(pid: int | str) -> list[str]:
    """/proc/PID/stat after the command name: state, ppid, pgrp, session, …"""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def session(pid: int) -> list[int]:
    """Every process of `pid`'s session: a server the benchmark started (tests.sparql_support.running starts
    each in a session of its own) with its workers, fork server and executors."""
    sid, found = stat_fields(pid)[3], []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if stat_fields(entry)[3] == sid:
                found.append(int(entry))
        except OSError:
            continue
    return found


def pss_mib(pids: list[int]) -> float:
    """The proportional set size of some processes together, in MiB."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total / 1024


def listener(port: int) -> int:
    """The process listening on 127.0.0.1:`port` (its socket's inode in /proc/net/tcp, then whose fd it is)."""
    with open("/proc/net/tcp") as table:
        inode = next(fields[9] for fields in (line.split() for line in table.read().splitlines()[1:])
                     if fields[1].endswith(f":{port:04X}") and fields[3] == "0A")
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{entry}/fd/{fd}") == f"socket:[{inode}]" for fd in os.listdir(f"/proc/{entry}/fd")):
                return int(entry)
        except OSError:
            continue
    raise LookupError(f"no process listens on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--releases", type=Path, default=Settings.from_env().releases)
    parser.add_argument("--in-memory", action="store_true", help="mpsc serve with MPSC_STORE_IN_MEMORY=1")
    parser.add_argument("--workers", type=int, default=1, help="mpsc serve's workers (MPSC_WORKERS)")
    args = parser.parse_args()
    env = {"MPSC_RELEASES": str(args.releases), "MPSC_CACHE_BYTES": "0", "MPSC_STORE_IN_MEMORY": str(args.in_memory),
           **UNLIMITED_CLIENT}
    with ExitStack() as servers:
        in_memory, _ = servers.enter_context(loaded_oxigraph(env, timeout_s=None))  # see oxigraph_server
        ours = load.loaded(servers.enter_context(mpsc_serve("--workers", str(args.workers), env=env)),
                           source="memory" if args.in_memory else "disk").rstrip("/")
        release = Releases(args.releases).current()  # its on-disk copy, or (--in-memory) one written the same way
        copy = quick_start_copy(release) or disk_store(release,
                                                       Path(servers.enter_context(tempfile.TemporaryDirectory())))
        read_only = servers.enter_context(oxigraph_server(copy, timeout_s=None, read_only=True))
        peers = {"oxigraph in memory": (in_memory, "/query"), "oxigraph read-only": (read_only, "/query")}
        thin = servers.enter_context(thin_python(copy))
        project = cooperation_project(in_memory)
        mix = query_mix(project)
        print(f"one client, {args.seconds:g} s per query and server; mpsc serve with its response cache off, "
              f"answering from {'the release in memory' if args.in_memory else 'the on-disk copy'}, "
              f"{args.workers} worker(s); oxigraph read-only: serve-read-only over that on-disk copy; thin python: "
              f"benchmarks/thin_python.py over that copy")
        print(f"{'query':24} {'in memory q/s':>13} {'p50 ms':>7} {'read-only q/s':>13} {'p50 ms':>7} "
              f"{'mpsc q/s':>9} {'p50 ms':>7} {'vs memory':>10} {'vs read-only':>13} "
              f"{'thin q/s':>9} {'p50 ms':>7} {'thin vs read-only':>18}")
        for entry in mix:
            theirs = [measure(base, path, [entry], 1, args.seconds) for base, path in peers.values()]
            mine = measure(ours, "/sparql", [entry], 1, args.seconds)
            ceiling = measure(thin, "/", [entry], 1, args.seconds)
            print(f"{entry[0]:24} " + " ".join(f"{t['rate']:13.1f} {t['p50_ms']:7.2f}" for t in theirs)
                  + f" {mine['rate']:9.1f} {mine['p50_ms']:7.2f} "
                  + " ".join(f"{mine['rate'] / t['rate']:{w}.2f}x" for t, w in zip(theirs, (9, 12)))
                  + f" {ceiling['rate']:9.1f} {ceiling['p50_ms']:7.2f} {ceiling['rate'] / theirs[1]['rate']:17.2f}x")
        print(agreement({name: {entry[0]: answer(base, path, entry) for entry in mix} for name, (base, path) in
                         {"mpsc serve": (ours, "/sparql"), "thin python": (thin, "/"), **peers}.items()}, "mpsc serve"))
        document = [("/" + document_path(project, TURTLE), {"Accept": "text/turtle"})]
        load.warm_up(ours, document)
        floor = load.run(ours, document, 1, args.seconds)
        print(f"floor: mpsc serve answers the project's Turtle document from memory, no query: {floor['rate']:.1f} "
              f"q/s, p50 {floor['p50_ms']:.2f} ms")
        rates = {name: measure(base, path, mix, 8, args.seconds)["rate"] for name, (base, path) in peers.items()}
        mine = measure(ours, "/sparql", mix, 8, args.seconds)["rate"]
        print(f"the mix at 8 clients: mpsc {mine:.1f} q/s; "
              + "; ".join(f"{name} {rate:.1f} q/s ({mine / rate:.2f}x)" for name, rate in rates.items()))
        print(f"memory after the mix at 8 clients (PSS of the process tree): {memory(in_memory, ours)}")
        time.sleep(IDLE)
        print(f"memory after {IDLE:.0f} s idle: {memory(in_memory, ours)}")


@contextmanager
def thin_python(copy: Path):
    """benchmarks/thin_python.py under granian (one worker) over the on-disk copy `copy`; yields its base URL."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("granian")), "--interface", "rsgi", "--host", "127.0.0.1",
               "--port", str(port), "--workers", "1", "--no-ws", "benchmarks.thin_python:app"]
    with running(command, f"http://127.0.0.1:{port}/", env={"MPSC_THIN_STORE": str(copy)}, cwd=ROOT):
        yield f"http://127.0.0.1:{port}"


def memory(oxigraph: str, ours: str) -> str:
    """PSS of each server's process tree, found by the port it listens on."""
    mib = {name: pss_mib(session(listener(int(base.rsplit(":", 1)[1]))))
           for name, base in (("oxigraph serve", oxigraph), ("mpsc serve", ours))}
    return f"mpsc serve {mib['mpsc serve']:.0f} MiB, oxigraph serve {mib['oxigraph serve']:.0f} MiB"


if __name__ == "__main__":
    main()
