"""The store interface: everything the web layer may ask of a triplestore.

Two implementations: `embedded.EmbeddedStore` (pyoxigraph, default) and `remote.RemoteStore` (any SPARQL 1.1
server). Pages and resource documents use `select`/`ask`/`construct`, which return Python objects; the public
SPARQL endpoint uses `query`, which returns bytes already in the negotiated format.

rdflib is imported where its terms are made (`select`, `construct`), not with this module: `mpsc serve`'s worker
imports the embedded store to start the process that loads the release, and rdflib's 0.05 s there came before
the load began (serve.py).
"""
from __future__ import annotations

import io
import json
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..formats import NTRIPLES, SRJ, Format

if TYPE_CHECKING:
    from rdflib import Graph


class Store(ABC):
    """A read-only view on one release of the graph."""

    extension_functions: tuple[str, ...] = ()  # IRIs of functions beyond SPARQL 1.1 it evaluates, as far as known
    own_prefixes = False  # whether its engine may know prefixes a query does not declare (Virtuoso's bif:)

    @property
    @abstractmethod
    def version(self) -> str:
        """The release version being served; part of every ETag and cache key."""

    @abstractmethod
    def query(self, sparql: str, fmt: Format, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, max_rows: int | None = None, public: bool = False,
              deadline: float | None = None, order: tuple[str, ...] = ()) -> bytes:
        """Run a query and return the result serialised in `fmt` (results format or RDF format).

        Raises QueryFailed (syntax, evaluation), TooManyRows (more than `max_rows` solutions or triples),
        QueryTimeout (not answered by `deadline`, a time.monotonic() value; default: the time limit from
        now), MemoryLimit, StoreUnavailable or StoreFailed. Given default or named graphs replace the
        query's own dataset (SPARQL 1.1 Protocol §2.1.4); without them the default graph is the union of
        all graphs. Relative IRIs in a query without BASE resolve against the URL of the endpoint that
        runs it. `public` marks queries of the SPARQL endpoint, which a store may run apart from the site's
        own, so that they cannot hold up pages. `order` puts a SELECT's columns in that order of variable names
        (a `SELECT *`'s order of first occurrence, which engines do not keep).
        """

    @abstractmethod
    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, for the service description."""

    @abstractmethod
    def health(self) -> dict:
        """Store kind, release version and reachability ('ok'), for /healthz."""

    def close(self) -> None:
        """Release resources (processes, connections)."""

    def select(self, sparql: str, deadline: float | None = None) -> list[dict]:
        """Solutions of a SELECT query as dicts of rdflib terms (unbound variables are absent)."""
        from ..rdfio import from_ox
        results = ox.parse_query_results(self.query(sparql, SRJ, deadline=deadline), format=ox.QueryResultsFormat.JSON)
        return [{v.value: from_ox(s[v]) for v in results.variables if s[v] is not None} for s in results]

    def bindings(self, sparql: str) -> list[dict]:
        """Solutions of a SELECT query as SPARQL JSON bindings (`{var: {"type", "value", "xml:lang"}}`), for a
        caller that reads only values: for the reconciliation index's 95,000 rows, a fifth of `select`'s time
        (rdflib terms are costly to make)."""
        return json.loads(self.query(sparql, SRJ))["results"]["bindings"]

    def ask(self, sparql: str) -> bool:
        """Answer of an ASK query."""
        return bool(ox.parse_query_results(self.query(sparql, SRJ), format=ox.QueryResultsFormat.JSON))

    def construct(self, sparql: str) -> Graph:
        """The graph of a CONSTRUCT or DESCRIBE query as an rdflib graph."""
        from ..rdfio import to_graph
        return to_graph(ox.parse(io.BytesIO(self.query(sparql, NTRIPLES)), format=ox.RdfFormat.N_TRIPLES))
