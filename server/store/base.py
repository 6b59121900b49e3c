"""The store interface: everything the web layer may ask of a triplestore.

Two implementations: `embedded.EmbeddedStore` (pyoxigraph, default) and `remote.RemoteStore` (any SPARQL 1.1
server). Pages and resource documents use `select`/`ask`/`construct`, which return Python objects; the public
SPARQL endpoint uses `query`, which returns bytes already in the negotiated format.
"""
from __future__ import annotations

import io
import re
from abc import ABC, abstractmethod

import pyoxigraph as ox
from rdflib import Graph

from ..formats import NTRIPLES, SRJ, Format
from ..rdfio import from_ox


class QueryFailed(Exception):
    """A query the store rejected; `status` is the HTTP status to answer with, the message is for users.

    `line` and `column` locate syntax errors. All fields travel in `args`, so the error pickles across the
    pipe from a query executor unchanged.
    """

    status = 400

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message, line, column)
        self.message, self.line, self.column = message, line, column

    def __str__(self) -> str:
        return self.message


class QueryTimeout(QueryFailed):
    status = 503


class StoreUnavailable(QueryFailed):
    """The store could not answer (unreachable, restarting); trying again later may work."""

    status = 503


class StoreFailed(QueryFailed):
    """A remote store answered, but with an error of its own or with bytes that do not parse (502)."""

    status = 502


class TooManyRows(QueryFailed):
    def __init__(self, limit: int):
        super().__init__(f"The result has more than {limit:,} rows; add LIMIT/OFFSET to page through it, "
                         "or download the dumps at /dumps/.")
        self.args = (limit,)


_SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_MAX_MESSAGE = 300  # pyoxigraph lists every expected token; beyond this the list helps nobody


def syntax_error(text: str) -> QueryFailed:
    """A QueryFailed from a parser message such as 'error at 1:25: expected …', with line and column."""
    match = _SYNTAX.match(text)
    message = match.group(3) if match else text
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE].rsplit(",", 1)[0] + ", …"
    if not match:
        return QueryFailed(f"Syntax error: {message}")
    line, column = int(match.group(1)), int(match.group(2))
    return QueryFailed(f"Syntax error at line {line}, column {column}: {message}", line, column)


class Store(ABC):
    """A read-only view on one release of the graph."""

    @property
    @abstractmethod
    def version(self) -> str:
        """The release version being served; part of every ETag and cache key."""

    @abstractmethod
    def query(self, sparql: str, fmt: Format, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, max_rows: int | None = None) -> bytes:
        """Run a query and return the result serialised in `fmt` (results format or RDF format).

        Raises QueryFailed (syntax, evaluation), TooManyRows (more than `max_rows` solutions or triples),
        QueryTimeout, StoreUnavailable or StoreFailed. Given default or named graphs replace the query's own
        dataset (SPARQL 1.1 Protocol §2.1.4); without them the default graph is the union of all graphs.
        Relative IRIs in a query without BASE resolve against the URL of the endpoint that runs it.
        """

    @abstractmethod
    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, for the service description."""

    @abstractmethod
    def health(self) -> dict:
        """Store kind, release version and reachability ('ok'), for /healthz."""

    def close(self) -> None:
        """Release resources (processes, connections)."""

    def select(self, sparql: str) -> list[dict]:
        """Solutions of a SELECT query as dicts of rdflib terms (unbound variables are absent)."""
        results = ox.parse_query_results(self.query(sparql, SRJ), format=ox.QueryResultsFormat.JSON)
        return [{v.value: from_ox(s[v]) for v in results.variables if s[v] is not None} for s in results]

    def ask(self, sparql: str) -> bool:
        """Answer of an ASK query."""
        return bool(ox.parse_query_results(self.query(sparql, SRJ), format=ox.QueryResultsFormat.JSON))

    def construct(self, sparql: str) -> Graph:
        """The graph of a CONSTRUCT or DESCRIBE query as an rdflib graph."""
        graph = Graph()
        for t in ox.parse(io.BytesIO(self.query(sparql, NTRIPLES)), format=ox.RdfFormat.N_TRIPLES):
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return graph
