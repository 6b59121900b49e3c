"""Push a release into a remote triplestore so that readers never see a half-loaded graph.

Each graph (the named graphs and the default graph, which holds their merge) is first uploaded with the
SPARQL 1.1 Graph Store HTTP Protocol (PUT) to a staging graph `<graph>?load=<version>`, which no query
reads. Then one SPARQL Update request moves every staging graph onto its target (`MOVE … TO …`, separated
by `;`). A single update request is a single transaction on Oxigraph server, Fuseki (TDB2) and the other
stores the README names, so readers switch from the old release to the new one at once.
"""
from __future__ import annotations

import gzip
import urllib.request
from collections import defaultdict
from urllib.parse import quote

import pyoxigraph as ox
from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper

from ..namespaces import GRAPH
from ..release import Release
from .embedded import DATASET_FILE

DEFAULT = None  # key of the default graph in release_graphs()
UPLOAD_TIMEOUT = 600.0


def release_graphs(release: Release, names: set[str] | None = None) -> dict[str | None, bytes]:
    """N-Triples of each graph in the release's dataset file (DEFAULT for the default graph).

    `names` keeps only those named graphs; the default graph is always included, since it is the merge
    that queries without GRAPH read.
    """
    triples = defaultdict(list)
    with gzip.open(release.path / DATASET_FILE, "rb") as handle:
        for quad in ox.parse(handle, format=ox.RdfFormat.N_QUADS):
            name = DEFAULT if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            if name is DEFAULT or names is None or name in names:
                triples[name].append(quad.triple)
    return {name: ox.serialize(ts, format=ox.RdfFormat.N_TRIPLES) for name, ts in triples.items()}


def staging_iri(name: str | None, suffix: str) -> str:
    return f"{name or GRAPH['default']}?{suffix}"


def put_graph(store_endpoint: str, graph: str, data: bytes) -> None:
    """Replace one graph through the Graph Store Protocol (§5.3 HTTP PUT)."""
    request = urllib.request.Request(f"{store_endpoint}?graph={quote(graph, safe='')}", data=data, method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=UPLOAD_TIMEOUT) as response:
        response.read()


def update(query_endpoint: str, update_endpoint: str, operation: str) -> None:
    """Send one SPARQL Update request."""
    wrapper = SPARQLWrapper(query_endpoint, updateEndpoint=update_endpoint)
    wrapper.setMethod(POST)
    wrapper.setRequestMethod(POSTDIRECTLY)
    wrapper.setTimeout(int(UPLOAD_TIMEOUT))
    wrapper.setQuery(operation)
    wrapper.query().response.read()


def swap_operation(staged: dict[str | None, str]) -> str:
    """One update moving each staging graph onto its target, in one request (one transaction)."""
    target = {name: "DEFAULT" if name is DEFAULT else f"<{name}>" for name in staged}
    return " ;\n".join(f"MOVE <{tmp}> TO {target[name]}" for name, tmp in staged.items())


def replace(graphs: dict[str | None, bytes], *, suffix: str, store_endpoint: str, update_endpoint: str,
            query_endpoint: str) -> None:
    """Upload every graph to its staging graph, then swap them all in at once; staging graphs are dropped on failure."""
    staged = {name: staging_iri(name, suffix) for name in graphs}
    try:
        for name, data in graphs.items():
            put_graph(store_endpoint, staged[name], data)
        update(query_endpoint, update_endpoint, swap_operation(staged))
    except BaseException:
        drop = " ;\n".join(f"DROP SILENT GRAPH <{tmp}>" for tmp in staged.values())
        try:
            update(query_endpoint, update_endpoint, drop)
        except Exception:  # the original error is the one to report
            pass
        raise
