"""The remote store: any SPARQL 1.1 server (Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever, Neptune).

This is the path for operators who outgrow one machine: they run a clustered triplestore and several
stateless `mpsc serve --store URL` replicas in front of it. Queries are POSTed form-encoded (SPARQL 1.1
Protocol §2.1.2); SELECT and ASK results are fetched as SPARQL Results JSON and graphs as N-Triples, counted
while they stream in and written in the requested format by results.py, exactly as on the embedded path.
These are the forms every store writes correctly: Virtuoso's TSV quotes IRIs as CSV does, drops language
tags and leaves newlines unescaped, and its Turtle writes the xsd:decimal 15750000 as a bare integer.

The release version (owl:versionInfo of the dataset in the metadata graph, which every `mpsc load`
replaces) is re-read every VERSION_TTL seconds, so ETags and caches follow a new load within that time,
without a restart.

A store that departs from SPARQL 1.1 is made up for by its dialect (dialects.py, MPSC_STORE_ENGINE): where
its default graph is the union of all its graphs, every query that names no dataset of its own is sent with
the graph holding the merge as its default graph and the release's named graphs as its named graphs, and
literals it would have altered are loaded under another datatype and given theirs back in every answer.

The store's own error texts are logged, not passed on: they may describe its internals (or, for a failing
SERVICE, the network behind it). Only its syntax errors in Oxigraph's form ("error at L:C: …") reach
the client, because they are about the client's query and name line and column.
"""
from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from functools import partial
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from .. import iris
from ..errors import QueryFailed, QueryTimeout, StoreFailed, StoreTimeout, StoreUnavailable, syntax_error
from ..formats import FORM_MEDIA_TYPE, NTRIPLES, SRJ, Format
from ..namespaces import GRAPH, METADATA_GRAPH, OWL
from ..sparql.inspection import Inspection, inspect
from . import graphstore, results
from .base import Store
from .dialects import DIALECTS, dialect

log = logging.getLogger(__name__)
VERSION_TTL = 10.0
HEALTH_TIMEOUT = 3.0  # seconds /healthz, and a request reading the version, wait for the store
UNANSWERED = f"The triplestore did not answer within {HEALTH_TIMEOUT:g} seconds; please try again shortly."
VERSION_QUERY = f"""SELECT ?version WHERE {{
  GRAPH <{METADATA_GRAPH}> {{ <{iris.dataset()}> <{OWL.versionInfo}> ?version }}
}}"""
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# The SQL states in which Virtuoso reports a query it stopped at its time limit instead of answering what it had
# found (see _complete): HY008 "Async statement killed by SQLCancel" (seen on a busy machine), S1T00 timed out.
CANCELLED = ("Virtuoso HY008", "Virtuoso S1T00")
# How Virtuoso refuses a query, before it runs it, whose estimated time is beyond MaxQueryCostEstimationTime.
ESTIMATED = "The estimated execution time"
NEVER = (float("-inf"), "")  # (when, what) of a version never read, or of no failure


def sibling(endpoint: str, name: str) -> str:
    """The URL next to a query endpoint: …/query -> …/update (Oxigraph server's layout)."""
    scheme, netloc, path, _, _ = urlsplit(endpoint)
    return urlunsplit((scheme, netloc, path.rstrip("/").rpartition("/")[0] + "/" + name, "", ""))


class RemoteStore(Store):
    """Any SPARQL 1.1 server as the store (Oxigraph server, Virtuoso, Fuseki…): queries go out by the Protocol,
    loads by the Graph Store Protocol or SPARQL Update into staging graphs that one update then swaps in, so
    that readers never see a half-loaded release; the engine's dialect (`engine`) covers what the standards leave
    open (Virtuoso's default graph, its limits)."""
    own_prefixes = True  # an external engine may predefine prefixes of its own, as Virtuoso does bif:

    def __init__(self, endpoint: str, *, update_endpoint: str = "", store_endpoint: str = "", engine: str = "",
                 user: str = "", password: str = "", timeout: float = 10.0):
        self.endpoint = endpoint
        self.dialect = dialect(engine)
        self.target = graphstore.Target(update_endpoint or sibling(endpoint, "update"),
                                        store_endpoint or sibling(endpoint, "store"),
                                        default_graph=self.dialect.merge_graph, user=user, password=password)
        self.timeout = timeout
        self._version = NEVER  # (when read, value)
        self._failed = NEVER  # (when reading the version last failed, why)
        self._probe = threading.Lock()  # held by the one request that asks the store for its version
        self._mismatch_logged = False
        self._graph_sizes: tuple[str, dict[str, int]] | None = None  # (version, sizes)

    @classmethod
    def from_settings(cls, settings) -> "RemoteStore":
        """The store MPSC_STORE names, with the settings `mpsc serve` and `mpsc load` share."""
        return cls(settings.store, update_endpoint=settings.update_endpoint, store_endpoint=settings.store_endpoint,
                   engine=settings.store_engine, user=settings.store_user,
                   password=settings.store_password, timeout=settings.query_timeout)

    @property
    def version(self) -> str:
        """The loaded release's version, "" while the store holds none; re-read every VERSION_TTL seconds.

        Every request needs it, so one request at a time asks (`_probe`) and may wait HEALTH_TIMEOUT. Meanwhile the
        others go on with the version read last if it has just expired and nothing failed since, and otherwise wait
        for that answer. A store that did not answer in time is unavailable, and is taken to be so for
        HEALTH_TIMEOUT more without being asked (a Virtuoso operator's review: with the store paused, every request
        waited out the time limit, twice for a document already rendered)."""
        read_at, value = self._version
        now = time.monotonic()
        if now - read_at <= VERSION_TTL:
            return value
        probing = self._probe.acquire(blocking=False)
        if not probing:
            if self._failed[0] < read_at and now - read_at <= VERSION_TTL + HEALTH_TIMEOUT + 1:
                return value
            probing = self._probe.acquire(timeout=HEALTH_TIMEOUT + 1)
            if not probing:
                raise StoreUnavailable(UNANSWERED)
        try:
            return self._reread()
        finally:
            self._probe.release()

    def _reread(self) -> str:
        """`version`'s read of the store, unless another request just read it, or just found the store away. A
        store that does not answer in time or at all is unavailable (503); one that refuses the query or sends what
        cannot be read has failed (502): a 400 of its own is none of the client's."""
        now = time.monotonic()
        if now - self._version[0] <= VERSION_TTL:
            return self._version[1]
        if now - self._failed[0] < HEALTH_TIMEOUT:
            raise StoreUnavailable(self._failed[1])
        try:
            rows = self._solutions(VERSION_QUERY, deadline=now + HEALTH_TIMEOUT)
        except (QueryTimeout, StoreUnavailable) as error:
            said = str(error) if isinstance(error, (StoreTimeout, StoreUnavailable)) else UNANSWERED
            self._failed = (time.monotonic(), said)
            raise StoreUnavailable(said) from None
        except StoreFailed:
            raise
        except QueryFailed:
            raise StoreFailed("The triplestore refused the query for the release it holds.") from None
        value = rows[0]["version"].value if rows else ""
        self._version, self._failed = (time.monotonic(), value), NEVER
        return value

    def query(self, sparql, fmt: Format, *, default_graphs=None, named_graphs=None, max_rows=None,
              public=False, deadline=None, order=()) -> bytes:
        info = inspect(sparql)
        dataset = self._dataset(info, default_graphs or [], named_graphs or [])
        deadline = deadline or time.monotonic() + self.timeout
        if info.form in ("CONSTRUCT", "DESCRIBE"):
            with self._answer(sparql, NTRIPLES, dataset, deadline) as response:
                rdf_format = ox.RdfFormat.from_media_type(response.headers.get_content_type()) or ox.RdfFormat.N_TRIPLES
                triples = (ox.Triple(t.subject, t.predicate, self.dialect.as_loaded(t.object))
                           for t in ox.parse(response, format=rdf_format))
                return results.triples(triples, fmt, max_rows)
        with self._answer(sparql, SRJ, dataset, deadline) as response:
            answer = ox.parse_query_results(response, format=ox.QueryResultsFormat.JSON)
            if info.form == "ASK":
                return results.boolean(truth(answer), fmt)
            write = partial(results.write_tsv, answer, convert=self.dialect.as_loaded)
            return results.solutions(write, fmt, max_rows, reencode=True, order=tuple(order) or info.star)

    def _dataset(self, info: Inspection, default_graphs: list[str], named_graphs: list[str]) -> dict:
        """The protocol dataset to send: the client's; else, when the merge lives in a named graph and the
        query names no dataset of its own, that graph as the default graph and the release's named graphs."""
        if self.dialect.merge_graph and not (default_graphs or named_graphs or info.dataset):
            default_graphs, named_graphs = [self.dialect.merge_graph], sorted(self.graph_sizes())
        return {"default-graph-uri": default_graphs, "named-graph-uri": named_graphs}

    def _solutions(self, sparql: str, deadline: float | None = None) -> list[ox.QuerySolution]:
        """Solutions of a query sent as it is, over the store's own dataset: for the queries that find the
        release (its version, its graphs) before any dataset can be named."""
        with self._answer(sparql, SRJ, {}, deadline or time.monotonic() + self.timeout) as response:
            return list(ox.parse_query_results(response, format=ox.QueryResultsFormat.JSON))

    @contextmanager
    def _answer(self, sparql: str, accept: Format, dataset: dict, deadline: float):
        """The store's response to one query, a binary stream; failures, also while it is read, as QueryFailed."""
        body = urlencode({"query": sparql, **dataset}, doseq=True).encode("utf-8")
        request = urllib.request.Request(self.endpoint, data=body, headers={
            "Accept": accept.media_type, "Content-Type": FORM_MEDIA_TYPE})
        try:
            if deadline <= time.monotonic():
                raise TimeoutError
            with urllib.request.urlopen(request, timeout=deadline - time.monotonic()) as response:
                mismatch = self._engine_mismatch(response.headers.get("Server", ""))
                if mismatch:
                    if not self._mismatch_logged:  # once: /healthz asks every few seconds
                        self._mismatch_logged = True
                        log.error("%s: %s", self.endpoint, mismatch)
                    raise StoreFailed(mismatch)
                _complete(response, self.endpoint)
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

    def _engine_mismatch(self, server: str) -> str:
        """Why the answers of a store whose `Server` header names it Virtuoso cannot be read without
        MPSC_STORE_ENGINE=virtuoso ("" if they can): they count every triple twice and carry Virtuoso's own datatype
        (a Virtuoso operator's review: such a replica answered wrongly under the ETags of a right one, and
        /healthz said ok), and a load would write a layout Virtuoso misreads."""
        if server.startswith("Virtuoso") and self.dialect is not DIALECTS["virtuoso"]:
            return ("The triplestore is a Virtuoso, but this server is not set up for one (MPSC_STORE_ENGINE=virtuoso); "
                    "it answers nothing rather than wrong answers.")
        return ""

    def _engine_before_loading(self) -> None:
        """Refuse to load into a store of another engine than MPSC_STORE_ENGINE, before any upload; a store that does
        not answer is left to the upload to report."""
        try:
            with urllib.request.urlopen(urllib.request.Request(self.endpoint, method="HEAD"),
                                        timeout=HEALTH_TIMEOUT) as response:
                server = response.headers.get("Server", "")
        except urllib.error.HTTPError as error:
            server = error.headers.get("Server", "")
        except OSError:
            return
        mismatch = self._engine_mismatch(server)
        if mismatch:
            raise StoreFailed(mismatch)

    def _refusal(self, status: int, text: str) -> QueryFailed:
        """What to tell the client about an error status from the store (whose own text is only logged)."""
        if status == 400 and syntax_error(text).line is not None:
            return syntax_error(text)
        log.warning("%s answered HTTP %s: %s", self.endpoint, status, text[:2000])
        if status == 500 and any(state in text for state in CANCELLED):
            return StoreTimeout("The triplestore stopped the query at its own time limit.")
        if status == 500 and ESTIMATED in text:
            return StoreTimeout("The triplestore refused the query: it estimated that the query would take longer "
                                "than its own time limit.")
        if status == 400:
            return QueryFailed("The triplestore refused the query (HTTP 400).")
        if status == 503:
            return StoreUnavailable("The triplestore is unavailable (HTTP 503); please try again shortly.")
        return StoreFailed(f"The triplestore could not answer the query (HTTP {status}).")

    def graph_sizes(self) -> dict[str, int]:
        """Counted by the store, once per version (a replica has no release manifest at hand), and at every call
        while it holds none, so that the first release is seen whole as soon as it is there; only the release's
        graphs, under GRAPH: not the staging graphs of a load, the merge's graph, or other data (Virtuoso's own)."""
        version = self.version
        if self._graph_sizes is None or self._graph_sizes[0] != version or not version:
            counts = {row["g"].value: int(row["n"].value) for row in self._solutions(GRAPH_SIZES)}
            self._graph_sizes = (version, {g: n for g, n in counts.items() if self._is_release_graph(g)})
        return self._graph_sizes[1]

    def _is_release_graph(self, name: str) -> bool:
        return name.startswith(str(GRAPH)) and "?" not in name and name != self.dialect.merge_graph

    def load(self, release, graphs: set[str] | None = None) -> None:
        """Replace the release's graphs in one transaction (see graphstore.py); readers see the old or the new
        release, never a mix (on Virtuoso, almost: see there).

        With `graphs`, only those named graphs are replaced, together with the default graph (their merge) and
        always the metadata graph: it names the version, so replicas' ETags and caches change with the data.
        """
        names = None if graphs is None else {*graphs, METADATA_GRAPH}
        self._engine_before_loading()
        graphstore.replace(graphstore.release_graphs(release, names, self.dialect), suffix=f"load={release.version}",
                           target=self.target)
        self._version, self._failed = NEVER, NEVER

    def health(self) -> dict:
        """Asks the store now (a load balancer must learn within one probe that it went away), and names
        neither its address nor its own words: /healthz is public."""
        try:
            rows = self._solutions(VERSION_QUERY, deadline=time.monotonic() + HEALTH_TIMEOUT)
        except QueryTimeout:  # the endpoint's own limit is no part of it (an operator's review: "after 10 seconds")
            return {"store": "remote", "version": None, "ok": False,
                    "error": f"The triplestore did not answer within {HEALTH_TIMEOUT:g} seconds."}
        except QueryFailed as error:
            return {"store": "remote", "version": None, "ok": False, "error": str(error)}
        version = rows[0]["version"].value if rows else ""
        self._version, self._failed = (time.monotonic(), version), NEVER
        return {"store": "remote", "version": version or None, "ok": bool(version)}


def truth(answer) -> ox.QueryBoolean:
    """The answer to an ASK query. Virtuoso sends it as a result set instead, one row (`__ASK_RETVAL` 1) for
    true and none for false; that is read as the boolean it stands for."""
    if isinstance(answer, ox.QueryBoolean):
        return answer
    found = any(term is not None and term.value != "0" for solution in answer for term in solution)
    return ox.parse_query_results(b'{"head": {}, "boolean": %s}' % (b"true" if found else b"false"),
                                  format=ox.QueryResultsFormat.JSON)


def _complete(response, endpoint: str) -> None:
    """QueryTimeout for an answer the store itself marks as cut short.

    Virtuoso, given a time limit (its endpoint's `timeout` parameter), answers 200 with whatever it has found
    so far and says so only in the X-SQL-State header (S1TAT, its "anytime" results): a COUNT over half the
    data, passed on as the answer.
    """
    state = response.headers.get("X-SQL-State")
    if state:
        log.warning("%s sent an incomplete answer (%s): %s", endpoint, state, response.headers.get("X-SQL-Message"))
        raise StoreTimeout("The triplestore stopped the query at its own time limit.")


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
