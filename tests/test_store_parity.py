"""The competency queries give the same answers from the embedded store and from a real Oxigraph server.

The Oxigraph server is loaded with `mpsc load`, and served by `mpsc serve --store URL` (gunicorn), as an
operator would run it; the embedded server is the session's live server over the same release. Both are
asked through SPARQLWrapper.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from tests.conftest import ROOT, mpsc
from tests.sparql_support import mpsc_serve, oxigraph_server

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
MORE = {"describe-a-project": "DESCRIBE <https://w3id.org/mpsc/id/project/bamberg>",
        "ask-any-cooperation": "ASK { ?c a <https://w3id.org/mpsc/ontology#Cooperation> }",
        "graph-sizes": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}


@pytest.fixture(scope="module")
def over_oxigraph(tmp_path_factory, releases_dir):
    env = {"MPSC_RELEASES": str(releases_dir)}
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-real")) as base:
        loaded = mpsc("load", "--endpoint", base + "/query", env=env)
        assert loaded.returncode == 0, loaded.stderr
        with mpsc_serve("--store", base + "/query", "--workers", "1", "--threads", "2", env=env) as url:
            yield url


def ask(endpoint: str, query: str, fmt: str, method: str = "GET"):
    client = SPARQLWrapper(endpoint + "sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query().convert()


def comparable(results: dict, ordered: bool):
    """SELECT results as compared: in order when the query orders them, else as a sorted list."""
    if "boolean" in results:
        return results["boolean"]
    rows = [json.dumps(b, sort_keys=True) for b in results["results"]["bindings"]]
    return results["head"]["vars"], rows if ordered else sorted(rows)


@pytest.mark.parametrize("name, query", [(p.stem, p.read_text(encoding="utf-8")) for p in QUERIES] + list(MORE.items()))
def test_same_answers_embedded_and_on_oxigraph(base_url, over_oxigraph, name, query):
    if query.lstrip().startswith("DESCRIBE"):
        graphs = [Graph().parse(data=ask(url, query, TURTLE), format="turtle") for url in (base_url, over_oxigraph)]
        assert len(graphs[0]) > 10 and isomorphic(*graphs)
        return
    ordered = "ORDER BY" in query.upper()
    embedded, remote = (comparable(ask(url, query, JSON, POST), ordered) for url in (base_url, over_oxigraph))
    assert embedded == remote


def test_the_query_folder_is_not_empty():
    assert len(QUERIES) >= 5, f"competency queries expected in {Path(ROOT / 'queries')}"
