"""The endpoint as researchers reach it: SPARQLWrapper in every result format over GET and POST, and
rdflib's SPARQLStore as a second client. Results are converted by the clients themselves and compared."""
from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML, \
    SPARQLWrapper

from server.config import Settings
from tests.conftest import serve_app
from tests.sparql_support import PROGRAMME, make_release, sample_quads

PROJECTS = "SELECT ?p ?label WHERE { ?p a <https://w3id.org/mpsc/ontology#ModelProject> ; " \
           "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?p"
EXPECTED = [("https://w3id.org/mpsc/id/project/bamberg", "Bamberg"),
            ("https://w3id.org/mpsc/id/project/kooperation", "Kooperation"),
            ("https://w3id.org/mpsc/id/project/ulm", "Ulm")]
ASK = "ASK { <https://w3id.org/mpsc/id/project/ulm> ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?m <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { " \
            "?m a <https://w3id.org/mpsc/ontology#Municipality> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
DESCRIBE = "DESCRIBE <https://w3id.org/mpsc/id/municipality/08421000>"
ULM = URIRef("https://w3id.org/mpsc/id/municipality/08421000")
# How each client-side method sends the query
METHODS = {"get": (GET, URLENCODED), "post-form": (POST, URLENCODED), "post-direct": (POST, POSTDIRECTLY)}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    releases = tmp_path_factory.mktemp("clients")
    make_release(releases, sample_quads("clients"), "clients")
    with serve_app(Settings.from_env(releases=releases, executors=2, site_executors=1)) as url:
        yield url + "sparql"


def wrapper(endpoint: str, method: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setMethod(METHODS[method][0])
    client.setRequestMethod(METHODS[method][1])
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def rows_from(fmt: str, converted) -> list[tuple[str, str]]:
    """(project, label) pairs from what SPARQLWrapper's convert() returns for each format."""
    if fmt == JSON:
        return [(b["p"]["value"], b["label"]["value"]) for b in converted["results"]["bindings"]]
    if fmt == XML:
        values = lambda r, name: next(b for b in r.getElementsByTagName("binding") if b.getAttribute("name") == name)
        text = lambda node: node.getElementsByTagName("uri" if node.getAttribute("name") == "p" else "literal")[0].firstChild.data
        return [(text(values(r, "p")), text(values(r, "label"))) for r in converted.getElementsByTagName("result")]
    if fmt == CSV:
        return [(r["p"], r["label"]) for r in csv.DictReader(io.StringIO(converted.decode()))]
    lines = converted.decode().splitlines()[1:]
    return [(p.strip("<>"), label.split('"')[1]) for p, label in (line.split("\t") for line in lines)]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_select_in_every_result_format(endpoint, method, fmt):
    converted = wrapper(endpoint, method, PROJECTS, fmt).query().convert()
    assert rows_from(fmt, converted) == EXPECTED


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask_in_every_result_format(endpoint, method, fmt):
    converted = wrapper(endpoint, method, ASK, fmt).query().convert()
    answer = converted["boolean"] if fmt == JSON else converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert answer is True


def graph_from(fmt: str, converted) -> Graph:
    """SPARQLWrapper parses RDF/XML and JSON-LD itself and hands Turtle (and N3) over as bytes."""
    return Graph().parse(data=converted, format="turtle") if fmt in (TURTLE, N3) else converted


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])
def test_construct_and_describe_parse_back_with_rdflib(endpoint, method, fmt):
    labels = graph_from(fmt, wrapper(endpoint, method, CONSTRUCT, fmt).query().convert())
    assert set(labels.objects(ULM, None)) == {Literal("Ulm", lang="de")} and len(labels) == 2
    described = graph_from(fmt, wrapper(endpoint, method, DESCRIBE, fmt).query().convert())
    assert (ULM, URIRef("https://w3id.org/mpsc/ontology#ags"), Literal("08421000")) in described
    assert len(described) == 4


def test_the_raw_json_is_sparql_results_json(endpoint):
    response = wrapper(endpoint, "get", PROJECTS, JSON).query()
    assert response.info()["content-type"].startswith("application/sparql-results+json")
    assert json.loads(response.response.read())["head"]["vars"] == ["p", "label"]


def test_rdflib_sparqlstore_queries_the_endpoint(endpoint):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="xml"))
    rows = [(str(p), str(label)) for p, label in graph.query(PROJECTS)]
    assert rows == EXPECTED
    assert graph.query(ASK).askAnswer is True
    assert (ULM, URIRef("https://w3id.org/mpsc/ontology#population"), Literal(126949)) in graph


def test_rdflib_sparqlstore_reads_one_named_graph(endpoint):
    programme = Graph(store=SPARQLStore(endpoint, returnFormat="json"), identifier=URIRef(PROGRAMME))
    assert len(list(programme.triples((None, None, None)))) == 32
    metadata = Graph(store=SPARQLStore(endpoint, returnFormat="json"),
                     identifier=URIRef("https://w3id.org/mpsc/graph/metadata"))
    assert len(list(metadata.triples((ULM, None, None)))) == 0


def test_rdflib_sparqlstore_construct(endpoint):
    result = Graph(store=SPARQLStore(endpoint)).query(CONSTRUCT)
    expected = Graph()
    expected.add((ULM, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Ulm", lang="de")))
    expected.add((URIRef("https://w3id.org/mpsc/id/municipality/09461000"),
                  URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Bamberg", lang="de")))
    assert isomorphic(result.graph, expected)


def test_oxigraph_federates_into_the_endpoint_with_long_in_lists_and_unions(endpoint):
    """A federation review: Oxigraph rewrites what it sends to a SERVICE, `?x IN (v1, …, v63)` as 63 `||` in one
    another and n `UNION`s as n groups in one another, so a query its author wrote flat was refused by the
    endpoint's nesting limit (then 64 for every bracket) with a line and column of a text the author never saw;
    so was a path of alternatives. Brackets may now nest 256 deep; a real Oxigraph server sends the query here."""
    from tests.sparql_support import oxigraph_server
    names = [f'"Name {n}"@de' for n in range(120)] + ['"Ulm"@de', '"Bamberg"@de']
    branches = " UNION ".join(f"{{ ?p rdfs:label {name} }}" for name in names)
    queries = {
        "in": f"?p a mpsc:ModelProject ; rdfs:label ?label FILTER(?label IN ({', '.join(names)}))",
        "union": f"?p a mpsc:ModelProject ; rdfs:label ?label {{ {branches} }}",
        # a path of 70 alternatives, which Oxigraph sends as 69 nested parentheses (a review of the mend)
        "path": "?p a mpsc:ModelProject ; " + "|".join(["rdfs:label", *(f"<http://example.org/p{n}>" for n in range(70))])
                + ' ?label FILTER(?label IN ("Ulm"@de, "Bamberg"@de))',
    }
    with oxigraph_server(None) as federating:
        for kind, pattern in queries.items():
            query = ("PREFIX mpsc: <https://w3id.org/mpsc/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                     f"SELECT ?label WHERE {{ SERVICE <{endpoint}> {{ {pattern} }} }} ORDER BY ?label")
            client = SPARQLWrapper(federating + "/query")
            client.setMethod(POST)
            client.setQuery(query)
            client.setReturnFormat(JSON)
            rows = client.queryAndConvert()["results"]["bindings"]
            assert [row["label"]["value"] for row in rows] == ["Bamberg", "Ulm"], kind
