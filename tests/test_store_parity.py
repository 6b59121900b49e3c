"""The competency queries give the same answers from the embedded store and from a real Oxigraph server.

The Oxigraph server is loaded with `mpsc load`, and served by `mpsc serve --store URL` (granian), as an
operator would run it; the embedded server is the session's live server over the same release. Both are
asked through SPARQLWrapper. Over the full release, so marked slow (`--slow`, which `make test` passes);
test_store_remote.py compares the two over a small release in every run.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, POST, TURTLE

from tests.conftest import ROOT, mpsc
from tests.sparql_support import PARITY_QUERIES, QUERIES, ask, comparable, mpsc_serve, oxigraph_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def over_oxigraph(releases_dir):
    """The Oxigraph server holds the release in memory: `mpsc load` takes ~6 s there and ~70 s into its on-disk
    store (RocksDB), which answers the same (test_store_remote.py loads on-disk servers with small releases)."""
    env = {"MPSC_RELEASES": str(releases_dir)}
    with oxigraph_server(None) as base:
        loaded = mpsc("load", "--endpoint", base + "/query", env=env)
        assert loaded.returncode == 0, loaded.stderr
        with mpsc_serve("--store", base + "/query", "--workers", "1", "--threads", "2", env=env) as url:
            yield url


@pytest.mark.parametrize("name, query", PARITY_QUERIES)
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
