"""The remote store: any SPARQL 1.1 server (Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever, Neptune).

This is the path for operators who outgrow one machine: they run a clustered triplestore and several
stateless `mpsc serve --store URL` replicas in front of it. Queries are POSTed form-encoded (SPARQL 1.1
Protocol §2.1.2); SELECT results are fetched as TSV and graphs as Turtle, counted while they stream in and
written in the requested format by results.py, exactly as on the embedded path. The release version
(owl:versionInfo of the dataset in the metadata graph, which every `mpsc load` replaces) is re-read every
VERSION_TTL seconds, so ETags and caches follow a new load within that time, without a restart.

The store's own error texts are logged, not passed on: they may describe its internals (or, for a failing
SERVICE, the network behind it). Only its syntax errors in Oxigraph's form ("error at L:C: …") reach
the client, because they are about the client's query and name line and column.
"""
from __future__ import annotations

import logging
import shutil
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from ..formats import SRJ, TSV, TURTLE, Format
from ..iris import dataset
from ..namespaces import METADATA_GRAPH, OWL
from ..sparql.inspection import inspect
from . import graphstore, results
from ..errors import QueryFailed, QueryTimeout, StoreFailed, StoreUnavailable, syntax_error
from .base import Store

log = logging.getLogger(__name__)
VERSION_TTL = 10.0
HEALTH_TIMEOUT = 3.0  # seconds /healthz waits for the store
VERSION_QUERY = f"""SELECT ?version WHERE {{
  GRAPH <{METADATA_GRAPH}> {{ <{dataset()}> <{OWL.versionInfo}> ?version }}
}}"""


def sibling(endpoint: str, name: str) -> str:
    """The URL next to a query endpoint: …/query -> …/update (Oxigraph server's layout)."""
    scheme, netloc, path, _, _ = urlsplit(endpoint)
    return urlunsplit((scheme, netloc, path.rstrip("/").rpartition("/")[0] + "/" + name, "", ""))


class RemoteStore(Store):
    def __init__(self, endpoint: str, *, update_endpoint: str = "", store_endpoint: str = "",
                 timeout: float = 10.0):
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or sibling(endpoint, "update")
        self.store_endpoint = store_endpoint or sibling(endpoint, "store")
        self.timeout = timeout
        self._version = (float("-inf"), "")  # (when read, value)
        self._graph_sizes: tuple[str, dict[str, int]] | None = None  # (version, sizes)

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
              public=False, deadline=None) -> bytes:
        form = inspect(sparql).form
        dataset = {"default-graph-uri": default_graphs or [], "named-graph-uri": named_graphs or []}
        deadline = deadline or time.monotonic() + self.timeout
        if form in ("CONSTRUCT", "DESCRIBE"):
            with self._answer(sparql, TURTLE, dataset, deadline) as response:
                rdf_format = ox.RdfFormat.from_media_type(response.headers.get_content_type()) or ox.RdfFormat.TURTLE
                return results.triples(ox.parse(response, format=rdf_format), fmt, max_rows)
        if form == "ASK":
            with self._answer(sparql, SRJ, dataset, deadline) as response:
                return results.boolean(ox.parse_query_results(response, format=ox.QueryResultsFormat.JSON), fmt)
        with self._answer(sparql, TSV, dataset, deadline) as response:
            return results.solutions(lambda output: shutil.copyfileobj(response, output), fmt, max_rows)

    @contextmanager
    def _answer(self, sparql: str, accept: Format, dataset: dict, deadline: float):
        """The store's response to one query, a binary stream; failures, also while it is read, as QueryFailed."""
        body = urlencode({"query": sparql, **dataset}, doseq=True).encode("utf-8")
        request = urllib.request.Request(self.endpoint, data=body, headers={
            "Accept": accept.media_type, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            if deadline <= time.monotonic():
                raise TimeoutError
            with urllib.request.urlopen(request, timeout=deadline - time.monotonic()) as response:
                yield _Deadline(response, deadline)
        except urllib.error.HTTPError as error:
            raise self._refusal(error.code, error.read().decode("utf-8", "replace").strip()) from None
        except SyntaxError as error:
            log.warning("%s sent an answer that does not parse: %s", self.endpoint, error)
            raise StoreFailed("The triplestore sent an answer that could not be read.") from None
        except OSError as error:  # URLError and socket errors; TimeoutError when the store is too slow
            if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
                raise QueryTimeout(f"The query was stopped after {self.timeout:g} seconds, the time limit "
                                   "of this endpoint.") from None
            log.warning("%s could not be reached: %s", self.endpoint, error)
            raise StoreUnavailable("The triplestore could not be reached; please try again shortly.") from None

    def _refusal(self, status: int, text: str) -> QueryFailed:
        """What to tell the client about an error status from the store (whose own text is only logged)."""
        if status == 400 and syntax_error(text).line is not None:
            return syntax_error(text)
        log.warning("%s answered HTTP %s: %s", self.endpoint, status, text[:2000])
        if status == 400:
            return QueryFailed("The triplestore refused the query (HTTP 400).")
        if status == 503:
            return StoreUnavailable("The triplestore is unavailable (HTTP 503); please try again shortly.")
        return StoreFailed(f"The triplestore could not answer the query (HTTP {status}).")

    def graph_sizes(self) -> dict[str, int]:
        """Counted by the store, once per version (a replica has no release manifest at hand)."""
        version = self.version
        if self._graph_sizes is None or self._graph_sizes[0] != version:
            rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            self._graph_sizes = (version, {str(row["g"]): int(row["n"]) for row in rows})
        return self._graph_sizes[1]

    def load(self, release, graphs: set[str] | None = None) -> None:
        """Replace the release's graphs in one transaction (see graphstore.py); readers see the old or the new
        release, never a mix.

        With `graphs`, only those named graphs are replaced, together with the default graph (their merge) and
        always the metadata graph: it names the version, so replicas' ETags and caches change with the data.
        """
        names = None if graphs is None else {*graphs, METADATA_GRAPH}
        graphstore.replace(graphstore.release_graphs(release, names), suffix=f"load={release.version}",
                           store_endpoint=self.store_endpoint, update_endpoint=self.update_endpoint)
        self._version = (float("-inf"), "")

    def health(self) -> dict:
        """Asks the store now (a load balancer must learn within one probe that it went away), and names
        neither its address nor its own words: /healthz is public."""
        try:
            rows = self.select(VERSION_QUERY, deadline=time.monotonic() + HEALTH_TIMEOUT)
        except QueryFailed as error:
            return {"store": "remote", "version": None, "ok": False, "error": str(error)}
        version = str(rows[0]["version"]) if rows else ""
        self._version = (time.monotonic(), version)
        return {"store": "remote", "version": version or None, "ok": bool(version)}


class _Deadline:
    """A response body whose reads raise TimeoutError once `deadline` (time.monotonic()) has passed.

    urlopen's timeout bounds each wait on the socket, not the whole answer: a store sending one row just
    within it would hold a request (and a web worker) indefinitely. Reads use read1, which returns what has
    arrived rather than waiting for a full buffer, so the deadline is checked at every arrival and an answer
    takes at most the time limit plus one socket wait.
    """

    def __init__(self, response, deadline: float):
        self.headers = response.headers
        self._response, self._deadline = response, deadline

    def read(self, size: int) -> bytes:
        data = self._response.read1(size)
        if time.monotonic() > self._deadline:
            raise TimeoutError
        return data
