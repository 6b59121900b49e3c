"""The query engine of the embedded store, and the executor process that runs it.

`Engine` holds one pyoxigraph store and answers one query at a time, writing results with pyoxigraph's own
serialisers (see results.py). `mpsc query` uses it in-process; the web server runs it in executor processes
(`python -m server.store.executor FD KIND PATH`, started by pool.py) so that a query can be stopped by
killing its process. An executor talks over the socket FD: it sends ("ready", pid) or ("failed", message)
once, then answers each request tuple with ("ok", bytes) or ("error", QueryFailed). It exits when the
socket closes, that is when its web worker exits.
"""
from __future__ import annotations

import gzip
import logging
import os
import signal
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ..formats import by_name
from . import results
from .base import QueryFailed, syntax_error

log = logging.getLogger(__name__)
MEMORY, DISK = "memory", "disk"


def load_dataset(store: ox.Store, path: str | Path) -> None:
    """Load a release's dataset file (gzipped N-Quads, release.DATASET_FILE) into a store.

    Store.load: as fast as bulk_load into memory, but single-threaded, which matters when all executors of
    a server start at once on few cores. benchmarks/executor_footprint.py times an executor's start-up,
    which is mostly this load.
    """
    with gzip.open(path, "rb") as handle:
        store.load(handle, format=ox.RdfFormat.N_QUADS)


@dataclass
class Engine:
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
            named_graphs: list[str] | None = None, max_rows: int | None = None, base_iri: str | None = None) -> bytes:
        """Execute a query and serialise the result in the format keyed `fmt_key`, within `max_rows`.

        Evaluation errors are answered in general terms and logged: their text would tell whoever sent a
        SERVICE call whether something listens behind the endpoint it names.
        """
        fmt, dataset = by_name(fmt_key), self._dataset(default_graphs, named_graphs)
        try:
            result = self.store.query(sparql, base_iri=base_iri, **dataset)
            if isinstance(result, ox.QuerySolutions):
                return results.solutions(lambda out: result.serialize(out, format=ox.QueryResultsFormat.TSV),
                                         fmt, max_rows)
            if isinstance(result, ox.QueryTriples):
                return results.triples(result, fmt, max_rows)
            return results.boolean(result, fmt)
        except SyntaxError as error:
            raise syntax_error(str(error)) from None
        except (OSError, RuntimeError, ValueError) as error:  # evaluation errors, e.g. a failing SERVICE
            log.warning("query evaluation failed: %s: %s", type(error).__name__, error)
            raise QueryFailed("The query could not be evaluated; if it calls SERVICE, that endpoint did not "
                              "give a usable answer.") from None

    def _dataset(self, default_graphs, named_graphs) -> dict:
        """pyoxigraph arguments for the protocol's dataset: given graphs replace the query's own FROM clauses."""
        if not default_graphs and not named_graphs:
            return {"use_default_graph_as_union": self.union}
        try:
            return {"default_graph": [ox.NamedNode(g) for g in default_graphs or ()],
                    "named_graphs": [ox.NamedNode(g) for g in named_graphs or ()]}
        except ValueError as error:
            raise QueryFailed(f"default-graph-uri and named-graph-uri must be IRIs: {error}") from None


def serve(conn: Connection, kind: str, path: str) -> int:
    """Open the engine, report readiness, then answer requests until the socket closes."""
    try:
        engine = Engine.open(kind, path)
    except Exception as error:  # report any start-up failure in words instead of dying silently
        conn.send(("failed", f"{type(error).__name__}: {error}"))
        return 1
    conn.send(("ready", os.getpid()))
    while True:
        try:
            request = conn.recv()
        except (EOFError, ConnectionResetError):  # the web worker closed its end (reset: with our "ready" unread)
            return 0
        try:
            conn.send(("ok", engine.run(*request)))
        except QueryFailed as error:
            conn.send(("error", error))


def main(argv: list[str]) -> int:
    # Ctrl-C in a terminal reaches the whole process group; the web server decides when executors end.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fd, kind, path = argv
    return serve(Connection(int(fd)), kind, path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
