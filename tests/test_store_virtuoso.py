"""Virtuoso (Debian's virtuoso-opensource, the engine behind DBpedia) as the remote store: `mpsc load` of the
real release with the settings the README gives, what readers see during that load, and the same answers as
the embedded store for the competency queries, the documents and pages, and every result format.

One Virtuoso serves the whole module: the real release is loaded into its new database while a reader keeps
asking what it sees; the app over it (with the settings `mpsc serve` reads) then names the embedded server's
URL as its base (MPSC_BASE_URL), so links in pages and documents are the same and answers can be compared
byte for byte.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST

from server.config import ENVIRONMENT, Settings
from server.formats import SRJ
from server.errors import QueryTimeout
from server.store.remote import RemoteStore
from tests.conftest import mpsc, serve_app
from tests.sparql_support import (ENDLESS, PARITY_QUERIES, VIRTUOSO, ask, comparable, fetch, snapshot,
                                  snapshots_while, virtuoso_server, virtuoso_settings)

pytestmark = [pytest.mark.slow,  # the full release: run with --slow, as `make test` does
              pytest.mark.skipif(VIRTUOSO is None, reason="needs Debian's virtuoso-opensource (make virtuoso)")]

WINDOW = 2.0  # seconds in which a reader may see part of a release being committed (see graphstore.py)
DOCUMENTS = ["doc/project/bamberg", "doc/project/connected-urban-twins", "doc/municipality/09461000", "doc/state/09",
             "doc/dataset", "doc/distribution/mpsc-ttl", "ontology", "catalog", ".well-known/void",
             "doc/district/09471"]  # a district's map: its municipalities' dots in an order of their own
PAGES = ["", "projects", "cooperations", "charter", "sparql"]  # HTML only
# SELECT queries whose answers hold every kind of term: language-tagged and plain strings, unbound variables,
# integers, decimals and their sums, dates.
FORMATS_QUERIES = ["charter-guidelines", "funding-by-round", "large-municipalities", "projects-per-state"]
RESULT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"]
# Projects' own facts (decimals, dates, language tags) and every WKT literal of the reference layer.
GRAPH_QUERY = """PREFIX geo: <http://www.opengis.net/ont/geosparql#>
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?s a <https://w3id.org/mpsc/ontology#ModelProject> ; ?p ?o }
  UNION { ?s geo:asWKT ?o BIND(geo:asWKT AS ?p) }
}"""
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class Loaded:
    base: str  # Virtuoso's base URL
    settings: dict  # the settings for it (Settings fields)
    loaded: object  # the finished `mpsc load` (subprocess.CompletedProcess)
    seen: list  # (time, version, default-graph size) as a reader saw them meanwhile


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory, releases_dir):
    """A new Virtuoso holding the real release, loaded by `mpsc load` while a reader kept reading.
    The reader waits up to 120 s for an answer: while Virtuoso commits a load on a busy machine, a count of the
    default graph may take longer than the endpoint's 10 s, and a late answer is still an observation."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as base:
        settings = virtuoso_settings(base)
        env = {**{ENVIRONMENT[name]: value for name, value in settings.items()}, "MPSC_RELEASES": str(releases_dir)}
        seen, loaded = snapshots_while(remote(settings, query_timeout=120), lambda: mpsc("load", env=env))
        yield Loaded(base, settings, loaded, seen)


def remote(settings: dict, **changes) -> RemoteStore:
    """The RemoteStore `mpsc serve` and `mpsc load` make from these settings."""
    return RemoteStore.from_settings(Settings.from_env(**{**settings, **changes}))


@pytest.fixture(scope="module")
def over_virtuoso(virtuoso, base_url, releases_dir):
    """The app over Virtuoso, with the settings of `mpsc serve` (its 10-s time limit included: a project's
    document takes Virtuoso ~0.03 s, see queries.label_triples), naming the embedded server's URL as its base."""
    assert virtuoso.loaded.returncode == 0, virtuoso.loaded.stderr
    settings = Settings.from_env(releases=releases_dir, **virtuoso.settings)
    with serve_app(settings, base_url=base_url) as url:
        yield url


def test_mpsc_load_puts_exactly_the_release_in_place(virtuoso, release):
    assert virtuoso.loaded.returncode == 0, virtuoso.loaded.stderr
    assert f"release {release.version} loaded" in virtuoso.loaded.stdout
    store = remote(virtuoso.settings)
    assert store.version == release.version
    assert store.graph_sizes() == release.manifest["graphs"]  # not Virtuoso's own graphs, nor the merge's
    every_graph = fetch(virtuoso.base + "/sparql", query="SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
                        headers={"Accept": "text/csv"})
    assert every_graph.status == 200 and b"virtrdf" in every_graph.body  # what a query naming no dataset would see
    assert b"?load=" not in every_graph.body  # no staging graph left behind


def test_readers_see_no_release_until_the_swap_commits(virtuoso, release, release_store):
    """Staging graphs stay unseen while they are uploaded; Virtuoso's commit of the swap shows one triple
    after another, so parts of the release may be seen for a moment, and only then (graphstore.py)."""
    merge = len(list(release_store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    before, after = ("", 0), (release.version, merge)
    seen = [(at, (version, n)) for at, version, n in virtuoso.seen]
    assert seen[0][1] == before and after in [pair for _, pair in seen], sorted({pair for _, pair in seen})
    first_change = min(at for at, pair in seen if pair != before)
    settled = min(at for at, pair in seen if pair == after)
    assert settled - first_change < WINDOW
    assert all(pair == after for at, pair in seen if at >= settled)
    assert snapshot(remote(virtuoso.settings)) == {after}


@pytest.mark.parametrize("name, query", PARITY_QUERIES)
def test_same_answers_embedded_and_on_virtuoso(base_url, over_virtuoso, name, query):
    if query.lstrip().startswith("DESCRIBE"):
        return same_description(base_url, over_virtuoso, query)
    ordered = "ORDER BY" in query.upper()
    embedded, remote_ = (ask(url, query, JSON, POST) for url in (base_url, over_virtuoso))
    assert comparable(as_virtuoso_computes(embedded), ordered) == comparable(remote_, ordered)


def as_virtuoso_computes(results: dict) -> dict:
    """SPARQL JSON results with each xsd:boolean as the xsd:integer 1 or 0.

    Virtuoso has no boolean values for expressions: EXISTS, comparisons and even `true` evaluate to 1 and 0
    (a deviation from SPARQL 1.1 §17.2 the README lists), so `BIND(EXISTS {…} AS ?isLead)` differs in type.
    Only values of that type are touched.
    """
    for binding in results.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term.get("datatype") == XSD + "boolean":
                term.update(datatype=XSD + "integer", value="1" if term["value"] == "true" else "0")
    return results


def same_description(base_url: str, over_virtuoso: str, query: str) -> None:
    """DESCRIBE's answer is the store's to choose (SPARQL 1.1 §16.4): Oxigraph gives the resource's own
    triples, Virtuoso adds the ones that link to it. Both must give the former; the rest must be the latter."""
    resource = ox.NamedNode(re.search(r"<([^>]+)>", query).group(1))
    embedded, remote_ = (graph(fetch(url + "sparql", query=query, headers={"Accept": "application/n-triples"}))
                         for url in (base_url, over_virtuoso))
    assert len(embedded) > 10 and all(t.subject == resource for t in embedded)
    assert {t for t in remote_ if t.subject == resource} == embedded
    assert all(t.object == resource for t in remote_ - embedded)


def graph(answer, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> set[ox.Triple]:
    """The triples of an RDF answer; the release has no blank nodes, so equal sets are equal graphs."""
    assert answer.status == 200, answer.body[:500]
    return {quad.triple for quad in ox.parse(answer.body, format=fmt)}


@pytest.mark.parametrize("path, accept", [(p, "text/html") for p in DOCUMENTS + PAGES]
                         + [(p, "text/turtle") for p in DOCUMENTS])
def test_same_documents_and_pages(base_url, over_virtuoso, path, accept):
    """Documents sort their triples and pages their rows: the same graph gives the same bytes."""
    answers = [fetch(url + path, headers={"Accept": accept}) for url in (base_url, over_virtuoso)]
    assert answers[0].status == answers[1].status == 200
    assert answers[0].media_type == answers[1].media_type
    assert answers[0].body == answers[1].body


@pytest.mark.parametrize("name", FORMATS_QUERIES)
@pytest.mark.parametrize("accept", RESULT_TYPES)
def test_same_results_in_every_format(base_url, over_virtuoso, name, accept):
    query = dict(PARITY_QUERIES)[name]
    answers = [fetch(url + "sparql", query=query, headers={"Accept": accept}) for url in (base_url, over_virtuoso)]
    assert answers[0].status == answers[1].status == 200
    assert answers[0].media_type == answers[1].media_type == accept
    assert answers[0].body == answers[1].body


@pytest.mark.parametrize("accept, fmt", [("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD)])
def test_same_graphs_in_every_format(base_url, over_virtuoso, accept, fmt):
    """CONSTRUCT answers, including the WKT literals Virtuoso holds as geometries of its own."""
    embedded, remote_ = (graph(fetch(url + "sparql", query=GRAPH_QUERY, headers={"Accept": accept}), fmt)
                         for url in (base_url, over_virtuoso))
    assert len(embedded) > 10_000 and embedded == remote_


def test_an_answer_virtuoso_cuts_short_is_a_timeout(virtuoso):
    """Given a time limit (`timeout`, here in the endpoint URL), Virtuoso answers 200 with what it has so far, or, on
    a busy machine, 500 "HY008 … killed by SQLCancel": a timeout either way."""
    store = remote(virtuoso.settings, store=virtuoso.base + "/sparql?timeout=500")
    with pytest.raises(QueryTimeout):
        store.query(ENDLESS, SRJ)
