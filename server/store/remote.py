"""The remote store: any SPARQL 1.1 server (Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever, Neptune).

This is the path for operators who outgrow one machine: they run a clustered triplestore and several
stateless `mpsc serve --store URL` replicas in front of it. Queries go through SPARQLWrapper; SELECT results
are fetched as TSV and graphs as Turtle, then counted and written in the requested format by results.py,
exactly as on the embedded path. The release version (owl:versionInfo of the dataset in the metadata graph)
is re-read every VERSION_TTL seconds, so ETags and caches follow a new `mpsc load` without a restart.
"""
from __future__ import annotations

import ast
import time
import urllib.error
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TSV, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from ..formats import Format
from ..namespaces import DATASET, GRAPH
from ..sparql.inspection import inspect
from . import graphstore, results
from .base import QueryFailed, QueryTimeout, Store, StoreUnavailable, syntax_error

VERSION_TTL = 10.0
VERSION_QUERY = f"""SELECT ?version WHERE {{
  GRAPH <{GRAPH["metadata"]}> {{ <{DATASET}> <http://www.w3.org/2002/07/owl#versionInfo> ?version }}
}}"""


def sibling(endpoint: str, name: str) -> str:
    """The URL next to a query endpoint: …/query -> …/update (Oxigraph server's layout)."""
    scheme, netloc, path, _, _ = urlsplit(endpoint)
    return urlunsplit((scheme, netloc, path.rstrip("/").rpartition("/")[0] + "/" + name, "", ""))


def _remote_message(error: SPARQLWrapperException) -> str:
    """The server's own error text, which SPARQLWrapper keeps only as a repr inside its message."""
    _, _, raw = str(error).partition("Response:\n")
    try:
        return ast.literal_eval(raw).decode("utf-8", "replace").strip()
    except (ValueError, SyntaxError, AttributeError):
        return str(error)


class RemoteStore(Store):
    def __init__(self, endpoint: str, *, update_endpoint: str = "", store_endpoint: str = "",
                 timeout: float = 10.0):
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or sibling(endpoint, "update")
        self.store_endpoint = store_endpoint or sibling(endpoint, "store")
        self.timeout = timeout
        self._version = (float("-inf"), "")  # (when read, value)

    @property
    def version(self) -> str:
        """The loaded release's version, "" while the store holds none; re-read every VERSION_TTL seconds."""
        read_at, value = self._version
        if time.monotonic() - read_at > VERSION_TTL:
            rows = self.select(VERSION_QUERY)
            value = str(rows[0]["version"]) if rows else ""
            self._version = (time.monotonic(), value)
        return value

    def query(self, sparql, fmt: Format, *, default_graphs=None, named_graphs=None, max_rows=None,
              base_iri=None) -> bytes:
        form = inspect(sparql).form
        dataset = (default_graphs or [], named_graphs or [])
        if form in ("CONSTRUCT", "DESCRIBE"):
            data, media_type = self._fetch(sparql, TURTLE, *dataset)
            rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
            return results.triples(ox.parse(data, format=rdf_format), fmt, max_rows)
        if form == "ASK":
            data, _ = self._fetch(sparql, JSON, *dataset)
            return results.boolean(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON), fmt)
        data, _ = self._fetch(sparql, TSV, *dataset)
        return results.solutions(data, fmt, max_rows)

    def _fetch(self, sparql: str, return_format: str, default_graphs, named_graphs) -> tuple[bytes, str]:
        """POST one query; the body and media type of the answer, or the error mapped to QueryFailed."""
        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setQuery(sparql)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        wrapper.setTimeout(self.timeout)
        wrapper.setReturnFormat(return_format)
        for name, graphs in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
            for graph in graphs:
                wrapper.addParameter(name, graph)
        try:
            response = wrapper.query().response
            return response.read(), response.headers.get("Content-Type", "")
        except QueryBadFormed as error:
            raise syntax_error(_remote_message(error)) from None
        except SPARQLWrapperException as error:
            raise StoreUnavailable(f"The triplestore failed: {_remote_message(error)}") from None
        except (TimeoutError, urllib.error.URLError) as error:
            if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
                raise QueryTimeout(f"The query was stopped after {self.timeout:g} seconds, the time limit "
                                   "of this endpoint.") from None
            raise StoreUnavailable(f"The triplestore could not answer: {error}") from None

    def load(self, release, graphs: set[str] | None = None) -> None:
        """Replace the release's graphs (or only the named `graphs`) in one transaction (see graphstore.py)."""
        graphstore.replace(graphstore.release_graphs(release, graphs), suffix=f"load={release.version}",
                           store_endpoint=self.store_endpoint, update_endpoint=self.update_endpoint,
                           query_endpoint=self.endpoint)
        self._version = (float("-inf"), "")

    def health(self) -> dict:
        status = {"store": "remote", "endpoint": self.endpoint}
        try:
            version = self.version
        except QueryFailed as error:
            return {**status, "version": None, "ok": False, "error": str(error)}
        return {**status, "version": version or None, "ok": bool(version)}
