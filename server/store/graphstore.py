"""Push a release into a remote triplestore so that readers never see a half-loaded graph.

Each graph (the named graphs and the default graph, which holds their merge) is first uploaded with the
SPARQL 1.1 Graph Store HTTP Protocol (PUT) to a staging graph `<graph>?load=<version>`, which no query
reads. Then one SPARQL Update request moves every staging graph onto its target (`MOVE … TO …`, separated
by `;`). A single update request is a single transaction on Oxigraph server, Fuseki (TDB2) and the other
stores the README names, so readers switch from the old release to the new one at once.
"""
from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import quote

import pyoxigraph as ox

from ..namespaces import GRAPH
from ..build.release import DATASET_FILE, Release
from .executor import load_dataset

DEFAULT = None  # key of the default graph in release_graphs()
UPLOAD_TIMEOUT = 600.0


def release_graphs(release: Release, names: set[str] | None = None) -> dict[str | None, bytes]:
    """N-Triples of each graph in the release's dataset file (DEFAULT for the default graph).

    `names` keeps only those named graphs; the default graph is always included, since it is the merge
    that queries without GRAPH read.
    """
    store = ox.Store()
    load_dataset(store, release.path / DATASET_FILE)
    graphs = {DEFAULT: ox.DefaultGraph()} | {g.value: g for g in store.named_graphs() if names is None or g.value in names}
    return {name: ox.serialize((q.triple for q in store.quads_for_pattern(None, None, None, graph)),
                               format=ox.RdfFormat.N_TRIPLES)
            for name, graph in graphs.items()}


def staging_iri(name: str | None, suffix: str) -> str:
    return f"{name or GRAPH['default']}?{suffix}"


def send(request: urllib.request.Request) -> None:
    """Send one request to the store; an error status becomes an OSError naming it with the store's own words."""
    try:
        with urllib.request.urlopen(request, timeout=UPLOAD_TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace").strip()[:500]
        raise OSError(f"{request.get_method()} {request.full_url} answered HTTP {error.code}: {detail}") from None


def put_graph(store_endpoint: str, graph: str, data: bytes) -> None:
    """Replace one graph through the Graph Store Protocol (§5.3 HTTP PUT)."""
    send(urllib.request.Request(f"{store_endpoint}?graph={quote(graph, safe='')}", data=data, method="PUT",
                                headers={"Content-Type": "application/n-triples"}))


def update(update_endpoint: str, operation: str) -> None:
    """Send one SPARQL Update request (SPARQL 1.1 Protocol §2.2.2, update via POST directly)."""
    send(urllib.request.Request(update_endpoint, data=operation.encode("utf-8"), method="POST",
                                headers={"Content-Type": "application/sparql-update"}))


def swap_operation(staged: dict[str | None, str]) -> str:
    """One update moving each staging graph onto its target, in one request (one transaction)."""
    target = {name: "DEFAULT" if name is DEFAULT else f"<{name}>" for name in staged}
    return " ;\n".join(f"MOVE <{tmp}> TO {target[name]}" for name, tmp in staged.items())


def replace(graphs: dict[str | None, bytes], *, suffix: str, store_endpoint: str, update_endpoint: str) -> None:
    """Upload every graph to its staging graph, then swap them all in at once; staging graphs are dropped on failure."""
    staged = {name: staging_iri(name, suffix) for name in graphs}
    try:
        for name, data in graphs.items():
            put_graph(store_endpoint, staged[name], data)
        update(update_endpoint, swap_operation(staged))
    except BaseException:
        drop = " ;\n".join(f"DROP SILENT GRAPH <{tmp}>" for tmp in staged.values())
        try:
            update(update_endpoint, drop)
        except Exception:  # the original error is the one to report
            pass
        raise
