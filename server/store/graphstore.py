"""Push a release into a remote triplestore so that readers never see a half-loaded graph.

Each graph (the named graphs and the default graph, which holds their merge) is first uploaded with the
SPARQL 1.1 Graph Store HTTP Protocol (PUT) to a staging graph `<graph>?load=<version>`, which no query
reads. Then one SPARQL Update request moves every staging graph onto its target (`MOVE … TO …`, separated
by `;`). A single update request is a single transaction on Oxigraph server and Fuseki (TDB2), so readers
switch from the old release to the new one at once.

Virtuoso (7.2, tests/test_store_virtuoso.py) guarantees less. Readers never see the staging graphs (the
remote store names the dataset of every query, see dialects.py), and they keep seeing the old graphs
while the MOVE request runs; but its commit becomes visible a triple at a time, so for a moment (measured
well under a second for the current release) a query may see parts of both releases. And an operation
that fails does not undo those before it: after a failed swap the store holds a mix until the next load.
"""
from __future__ import annotations

import base64
import html
import re
import urllib.error
import urllib.request
from urllib.parse import quote

import pyoxigraph as ox

from ..namespaces import GRAPH
from ..build.release import DATASET_FILE, Release
from .dialects import Dialect
from .executor import load_dataset

DEFAULT = None  # key of the default graph in release_graphs()
UPLOAD_TIMEOUT = 600.0
PUT_ATTEMPTS = 3


class Deadlocked(OSError):
    """The store gave a write up because it deadlocked (SQLSTATE 40001); the remedy is to send it again."""


def release_graphs(release: Release, names: set[str] | None = None,
                   dialect: Dialect = Dialect()) -> dict[str | None, bytes]:
    """N-Triples of each graph in the release's dataset file (DEFAULT for the default graph), as the store's
    dialect loads them.

    `names` keeps only those named graphs; the default graph is always included, since it is the merge
    that queries without GRAPH read.
    """
    store = ox.Store()
    load_dataset(store, release.path / DATASET_FILE)
    dialect.for_loading(store)
    graphs = {DEFAULT: ox.DefaultGraph()} | {g.value: g for g in store.named_graphs() if names is None or g.value in names}
    return {name: ox.serialize((q.triple for q in store.quads_for_pattern(None, None, None, graph)),
                               format=ox.RdfFormat.N_TRIPLES)
            for name, graph in graphs.items()}


def staging_iri(name: str, suffix: str) -> str:
    return f"{name}?{suffix}"


class Target:
    """The store `mpsc load` writes to: its update and Graph Store URLs, the graph that receives the default
    graph, and the credentials its write URLs ask for.

    `default_graph` "" means the store's own default graph (SPARQL `DEFAULT`); a store whose default graph
    is the union of all its graphs gets the merge in a named graph instead (dialects.py).
    """

    def __init__(self, update_endpoint: str, store_endpoint: str, *, default_graph: str = "", user: str = "",
                 password: str = ""):
        self.update_endpoint, self.store_endpoint, self.default_graph = update_endpoint, store_endpoint, default_graph
        self._credentials = (user, password)

    def put_graph(self, graph: str, data: bytes) -> None:
        """Replace one graph through the Graph Store Protocol (§5.3 HTTP PUT), again after a deadlock.

        Virtuoso parses a large upload in several threads, which can deadlock each other (on a new database,
        the release's default graph did so whenever it was the first upload). A PUT replaces the whole graph,
        so sending it again is safe.
        """
        for attempt in range(1, PUT_ATTEMPTS + 1):
            try:
                return self.send(urllib.request.Request(
                    f"{self.store_endpoint}?graph={quote(graph, safe='')}", data=data, method="PUT",
                    headers={"Content-Type": "application/n-triples"}))
            except Deadlocked:
                if attempt == PUT_ATTEMPTS:
                    raise

    def update(self, operation: str) -> None:
        """Send one SPARQL Update request (SPARQL 1.1 Protocol §2.2.2, update via POST directly)."""
        self.send(urllib.request.Request(self.update_endpoint, data=operation.encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/sparql-update"}))

    def send(self, request: urllib.request.Request) -> None:
        """Send one request, authorised where the store asks for it; an error status becomes an OSError
        naming it with the store's own words."""
        if self._credentials[0]:
            self._authorize(request)
        try:
            with urllib.request.urlopen(request, timeout=UPLOAD_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as error:
            detail = _said(error.read().decode("utf-8", "replace")) or HINTS.get(error.code, error.reason)
            failure = Deadlocked if "40001" in detail else OSError  # Virtuoso: "Error 40001 … SR172: Transaction deadlocked"
            raise failure(f"{request.get_method()} {request.full_url} answered HTTP {error.code}: {detail}") from None

    def _authorize(self, request: urllib.request.Request) -> None:
        """Add the Authorization header the store's challenge asks for (Digest or Basic), before sending.

        urllib would answer a challenge only after sending the whole body once without credentials, and a
        store that refuses early (Virtuoso) closes the connection while a large upload is still being sent.
        So, as curl does, the same request is first sent with an empty body: a store that wants credentials
        answers 401 with its challenge, one that does not sees an empty PUT to a staging graph or an empty
        update, both harmless.
        """
        probe = urllib.request.Request(request.full_url, data=b"", method=request.get_method(),
                                       headers=dict(request.header_items()))
        try:
            with urllib.request.urlopen(probe, timeout=UPLOAD_TIMEOUT) as response:
                response.read()
            return
        except urllib.error.HTTPError as error:
            error.read()
            if error.code != 401:
                return  # the real request will meet the same answer and report it
            challenges = {c.partition(" ")[0].lower(): c.partition(" ")[2]
                          for c in error.headers.get_all("WWW-Authenticate") or []}
        request.add_unredirected_header("Authorization", self._authorization(request, challenges))

    def _authorization(self, request: urllib.request.Request, challenges: dict[str, str]) -> str:
        """The Authorization header value answering the store's challenges (scheme -> parameters), Digest first."""
        user, password = self._credentials
        if "digest" in challenges:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, request.full_url, user, password)
            fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenges["digest"])))
            answer = urllib.request.AbstractDigestAuthHandler(passwords).get_authorization(request, fields)
            if answer:
                return "Digest " + answer
        return "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")


def swap_operation(staged: dict[str | None, str], default_graph: str = "") -> str:
    """One update moving each staging graph onto its target, in one request (one transaction)."""
    def target(name: str | None) -> str:
        if name is not DEFAULT:
            return f"<{name}>"
        return f"<{default_graph}>" if default_graph else "DEFAULT"
    return " ;\n".join(f"MOVE <{tmp}> TO {target(name)}" for name, tmp in staged.items())


# What an error status without words of the store's own means to the one running `mpsc load`.
HINTS = {401: "the store did not accept MPSC_STORE_USER and MPSC_STORE_PASSWORD",
         403: "the user may not write there (README: Using an external triplestore)"}


def _said(text: str) -> str:
    """What a store's error page says, in one line: without markup (Virtuoso answers in HTML), without the query it
    echoes after "SPARQL query:", at most 300 characters (an operator's review: `mpsc load` printed whole pages)."""
    words = " ".join(re.sub(r"<[^>]*>", " ", text.partition("SPARQL query:")[0]).split())
    return html.unescape(words)[:300]


def replace(graphs: dict[str | None, bytes], *, suffix: str, target: Target) -> None:
    """Upload every graph to its staging graph, then swap them all in at once; staging graphs are dropped on failure
    (where dropping fails too, the error says which are left)."""
    staged = {name: staging_iri(name or target.default_graph or GRAPH["default"], suffix) for name in graphs}
    sent: list[str] = []  # the staging graphs uploaded (or perhaps: the upload that failed)
    try:
        # Smallest first: a new Virtuoso database deadlocked on the release's default graph whenever that was
        # its first upload, never after the small graphs (put_graph would send it again).
        for name, data in sorted(graphs.items(), key=lambda item: len(item[1])):
            sent.append(staged[name])
            target.put_graph(staged[name], data)
        target.update(swap_operation(staged, target.default_graph))
    except BaseException as error:
        drop = " ;\n".join(f"DROP SILENT GRAPH <{tmp}>" for tmp in staged.values())
        try:
            target.update(drop)
        except Exception as undropped:  # the original error is the one to report, and what is left behind
            error.add_note(f"the staging graphs {', '.join(f'<{tmp}>' for tmp in sent)} may be left in the store, "
                           f"as dropping them failed too ({undropped}); drop them by hand")
        raise
