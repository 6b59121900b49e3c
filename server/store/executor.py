"""The query engine of the embedded store, and the loop a query executor process runs.

`Engine` holds one pyoxigraph store and answers one query at a time, writing results with pyoxigraph's own
serialisers (see results.py). `mpsc query` uses it in-process; the web server runs it in executor processes
forked from one fork server that loaded the release (forkserver.py), so that a query can be stopped by
killing its process. An executor talks over one socket: it sends ("ready", pid) once, then answers each
request tuple with ("ok", bytes) or ("error", QueryFailed). It exits when the socket closes, that is when
its web worker closes it.

Two bounds protect the executor's host from one query (both measured in tests/test_sparql_limits.py):
- pyoxigraph parses and evaluates recursively, on the calling thread's stack. Queries run on a thread with
  a QUERY_STACK stack, so that long flat chains (`1+1+…`, `{} UNION {} …`) that fit the query size limit
  cannot overflow it; deep nesting is refused before it gets here (sparql/inspection.py).
- Its address space is capped (RLIMIT_AS) at what it holds after start-up plus the memory limit, so a query
  that grows without bound fails an allocation instead of taking the machine's memory. pyoxigraph then
  aborts the process (Rust aborts on a failed allocation); the pool reports that as the memory limit.
"""
from __future__ import annotations

import gzip
import logging
import os
import re
import resource
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ..formats import by_name
from . import results
from ..errors import EvaluationFailed, MemoryLimit, QueryFailed, StoreDamaged, syntax_error

log = logging.getLogger(__name__)
MEMORY, DISK = "memory", "disk"
# pyoxigraph's error for a function it does not know, which may be shown: it names nothing but the query's own IRI
# (other evaluation errors are not shown, since they may tell what answers behind a SERVICE endpoint).
UNKNOWN_FUNCTION = re.compile(r"The custom function <[^<>\s]*> is not supported")
# How RocksDB says that the on-disk store's files are damaged or unreadable (Status::ToString), at the start of
# the error's text: a failing SERVICE call's text starts otherwise and may quote anything the endpoint sent.
DAMAGED_STORE = re.compile(r"(?:Corruption|IO error): ")
QUERY_STACK = 256 * 1024 * 1024  # bytes; reserved address space, touched only as deep as a query recurses


def load_dataset(store: ox.Store, path: str | Path, bulk: bool = False) -> None:
    """Load a release's dataset file (gzipped N-Quads, release.DATASET_FILE) into a store.

    Store.load: as fast as bulk_load into memory, but single-threaded, and it leaves no thread behind,
    which the fork server needs (forking a process with threads copies only the calling one). `bulk` for an
    on-disk store, outside the fork server: bulk_load writes sorted files at once (the real release: 5 s and
    61 MB on disk instead of 12 s and 357 MB; benchmarks/executor_footprint.py, `du -sh`). Lenient: the
    file is our own writer's output and its SHA-256 was checked before serving, so checking every IRI and
    language tag again would only slow the start (by a quarter). From bytes, not from the gzip stream: a
    tenth of a second faster (the ~80 MB are freed before any executor is forked).
    """
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    (store.bulk_load if bulk else store.load)(data, format=ox.RdfFormat.N_QUADS, lenient=True)


@dataclass
class Engine:
    """The store an executor answers from, opened once in the fork server and shared by every executor it forks
    (copy-on-write): one load per release, not one per executor."""
    store: ox.Store
    # Releases carry the merge of their named graphs as default graph; for a dataset file without one
    # (hand-made test data, older builds) the union of the named graphs stands in for it.
    union: bool

    @classmethod
    def open(cls, kind: str, path: str) -> "Engine":
        """An engine over a dataset file loaded into memory (MEMORY) or an on-disk store opened read-only (DISK)."""
        if kind == DISK:
            store = ox.Store.read_only(path)
        else:
            store = ox.Store()
            load_dataset(store, path)
        has_default = next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None
        return cls(store, union=not has_default)

    def run(self, sparql: str, fmt_key: str, default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None, max_rows: int | None = None, base_iri: str | None = None,
            order: tuple[str, ...] = ()) -> bytes:
        """Execute a query and serialise the result in the format keyed `fmt_key`, within `max_rows`, a SELECT's
        columns in `order` where given (results.solutions).

        Evaluation errors are answered in general terms and logged: their text would tell whoever sent a
        SERVICE call whether something listens behind the endpoint it names.
        """
        fmt, dataset = by_name(fmt_key), self._dataset(default_graphs, named_graphs)
        try:
            result = self.store.query(sparql, base_iri=base_iri, **dataset)
            if isinstance(result, ox.QuerySolutions):
                return results.solutions(lambda out: result.serialize(out, format=ox.QueryResultsFormat.TSV),
                                         fmt, max_rows, order=order)
            if isinstance(result, ox.QueryTriples):
                return results.triples(result, fmt, max_rows)
            return results.boolean(result, fmt)
        except SyntaxError as error:
            raise syntax_error(str(error)) from None
        except MemoryError:
            raise MemoryLimit() from None
        except (OSError, RuntimeError, ValueError) as error:  # evaluation errors, e.g. a failing SERVICE
            if DAMAGED_STORE.match(str(error)):  # the server's fault, not the query's (an operator's review: 400)
                log.error("the store cannot read its files: %s", error)
                raise StoreDamaged("The store cannot read its data on this server; the operator is told.") from None
            log.warning("query evaluation failed: %s: %s", type(error).__name__, error)
            if UNKNOWN_FUNCTION.fullmatch(str(error)):  # names only what the query itself names
                raise QueryFailed(f"{error} by this store.") from None
            raise EvaluationFailed("The query could not be evaluated.") from None

    def _dataset(self, default_graphs, named_graphs) -> dict:
        """pyoxigraph arguments for the protocol's dataset: given graphs replace the query's own FROM clauses."""
        if not default_graphs and not named_graphs:
            return {"use_default_graph_as_union": self.union}
        try:
            return {"default_graph": [ox.NamedNode(g) for g in default_graphs or ()],
                    "named_graphs": [ox.NamedNode(g) for g in named_graphs or ()]}
        except ValueError as error:
            raise QueryFailed(f"default-graph-uri and named-graph-uri must be IRIs: {error}") from None


def run_executor(conn: Connection, engine: Engine | None, kind: str, path: str, memory_bytes: int) -> None:
    """The life of one executor process: answer requests on a thread with a large stack until `conn` closes.

    `engine` is the fork server's (memory stores are shared copy-on-write); None means open one here
    (on-disk stores: RocksDB keeps background threads, which must not cross a fork).
    """
    threading.stack_size(QUERY_STACK)
    worker = threading.Thread(target=_serve, args=(conn, engine, kind, path, memory_bytes), name="query")
    worker.start()
    worker.join()


def _serve(conn: Connection, engine: Engine | None, kind: str, path: str, memory_bytes: int) -> None:
    """Answer until the web worker closes its end, which can happen at any moment: it stopped, or it was stopped
    while it loaded its app (serve.end_on_stop_while_loading), before reading what this executor sent."""
    try:
        engine = _started(conn, engine, kind, path, memory_bytes)
        while engine is not None:
            request = conn.recv()
            try:
                conn.send(("ok", engine.run(*request)))
            except QueryFailed as error:
                conn.send(("error", error))
    except (EOFError, ConnectionError):
        return


def _started(conn: Connection, engine: Engine | None, kind: str, path: str, memory_bytes: int) -> Engine | None:
    """The engine, once the web worker has been told that this executor is ready; None if it could not start."""
    try:
        engine = engine or Engine.open(kind, path)
        engine.run("ASK {}", "json")  # the thread's allocator arena now exists and counts as start-up
        _cap_memory(memory_bytes)
    except Exception as error:  # report any start-up failure in words instead of dying silently
        conn.send(("failed", f"{type(error).__name__}: {error}"))
        return None
    conn.send(("ready", os.getpid()))
    return engine


def _cap_memory(memory_bytes: int) -> None:
    """Allow this process `memory_bytes` of address space beyond what it maps now (0: no cap)."""
    if memory_bytes <= 0:
        return
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (mapped + memory_bytes, resource.RLIM_INFINITY))
