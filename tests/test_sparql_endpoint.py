"""/sparql over real HTTP: protocol routes, content negotiation, service description, HTML, errors, caching.

One live server over the sample release (tests/fixtures/sparql/sample.ttl in the programme graph, with its
merge as default graph), small limits so each one can be hit, and a project folder with one example query.
"""
from __future__ import annotations

import gzip
import html
import http.client
import json
import re
import socket
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlencode, urlsplit

import pyoxigraph
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, VOID

from server.config import Settings
from server import iris
from server.namespaces import SD
from server.build.release import Releases
from server.store import open_store
from tests.conftest import serve_app
from tests.ld_support import fetch as ld_fetch
from tests.sparql_support import PROGRAMME, fetch, make_release, sample_quads

MPSC = Namespace("https://w3id.org/mpsc/ontology#")
ID = Namespace("https://w3id.org/mpsc/id/")
PROJECTS = "PREFIX mpsc: <https://w3id.org/mpsc/ontology#> SELECT ?p WHERE { ?p a mpsc:ModelProject } ORDER BY ?p"
ROUNDS = "PREFIX mpsc: <https://w3id.org/mpsc/ontology#> CONSTRUCT { ?r mpsc:year ?y } WHERE { ?r mpsc:year ?y }"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EXAMPLE = """# title: All projects
# description: Every model project of the sample.
SELECT ?p WHERE { ?p a <https://w3id.org/mpsc/ontology#ModelProject> }
"""


@pytest.fixture(scope="module")
def server_settings(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("project")
    (root / "queries").mkdir()
    (root / "queries" / "all-projects.rq").write_text(EXAMPLE, encoding="utf-8")
    releases = root / "releases"
    make_release(releases, sample_quads("sample1"), "sample1")
    return Settings.from_env(root=root, releases=releases, executors=2, site_executors=1, max_rows=20, max_query_bytes=2000)


@pytest.fixture(scope="module")
def server(server_settings):
    with serve_app(server_settings) as url:
        yield url


@pytest.fixture
def sparql(server):
    return server + "sparql"


def rounds_graph() -> Graph:
    graph = Graph()
    for year in ("2019", "2020"):
        graph.add((ID[f"round/{year}"], MPSC.year, Literal(year, datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))))
    return graph


# --- the three ways to send a query -------------------------------------------------------------------

def test_get_post_form_and_post_direct_give_the_same_answer(sparql):
    by_get = fetch(sparql, query=PROJECTS)
    by_form = fetch(sparql, method="POST", data=f"query={PROJECTS}".encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    by_body = fetch(sparql, method="POST", data=PROJECTS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert by_get.status == by_form.status == by_body.status == 200
    assert by_get.body == by_body.body and len(by_get.json()["results"]["bindings"]) == 3
    assert by_form.json() == by_get.json()


def test_default_graph_uri_replaces_the_default_graph(sparql):
    everything = fetch(sparql, query="SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").json()
    programme = fetch(sparql, query="SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **{"default-graph-uri": PROGRAMME}).json()
    nothing = fetch(sparql, query="SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **{"named-graph-uri": PROGRAMME}).json()
    count = lambda answer: int(answer["results"]["bindings"][0]["n"]["value"])
    assert count(everything) == 33 and count(programme) == 32 and count(nothing) == 0


def test_queries_without_graph_see_each_triple_once(sparql):
    answer = fetch(sparql, query="SELECT (COUNT(*) AS ?n) { ?s a <https://w3id.org/mpsc/ontology#ModelProject> }")
    assert answer.json()["results"]["bindings"][0]["n"]["value"] == "3"


def test_aggregates_are_as_strict_as_the_readme_says(sparql):
    """README ("Aggregates follow SPARQL 1.1 strictly"): one unbound value leaves SUM and GROUP_CONCAT unbound, as
    does a number to concatenate, while COUNT and SAMPLE skip it (a researcher's review met GROUP_CONCAT so)."""
    query = """SELECT (SUM(?n) AS ?sum) (GROUP_CONCAT(STR(?e)) AS ?ends) (GROUP_CONCAT(?n) AS ?numbers)
                      (COUNT(?e) AS ?count) (SAMPLE(?e) AS ?sample) (SUM(COALESCE(?n, 0)) AS ?total)
                      (GROUP_CONCAT(COALESCE(STR(?e), "")) AS ?padded)
               WHERE { VALUES (?e ?n) { ("2025" 1) (UNDEF UNDEF) } }"""
    row = fetch(sparql, query=query).json()["results"]["bindings"][0]
    assert {name: value["value"] for name, value in row.items()} == {
        "count": "1", "sample": "2025", "total": "1", "padded": "2025 "}


# --- content negotiation ------------------------------------------------------------------------------

@pytest.mark.parametrize("accept, expected", [
    (None, "application/sparql-results+json"),  # no Accept: the form's default
    ("*/*", "application/sparql-results+json"),  # wildcard only: still the default
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/json", "application/sparql-results+json"),  # alias
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),  # q decides
    ("text/tab-separated-values;q=0.9, text/csv;q=0.8", "text/tab-separated-values"),
    ("application/sparql-results+json;q=0, */*", "application/sparql-results+xml"),  # q=0 excludes
    ("text/*;q=0.5, text/tab-separated-values", "text/tab-separated-values"),  # specific beats wildcard
    (BROWSER, "text/html"),  # a browser gets the results table
    ("text/csv;q=NaN, application/sparql-results+xml;q=0.5", "application/sparql-results+xml"),  # NaN: no weight
])
def test_select_is_negotiated(sparql, accept, expected):
    answer = fetch(sparql, query=PROJECTS, headers={"Accept": accept} if accept else {})
    assert answer.status == 200 and answer.media_type == expected
    assert "Accept" in answer.headers["Vary"]


@pytest.mark.parametrize("accept, expected", [
    (None, "text/turtle"),
    ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/plain", "application/n-triples"),  # N-Triples' old media type
])
def test_construct_is_negotiated_and_parses_back_to_the_same_graph(sparql, accept, expected):
    answer = fetch(sparql, query=ROUNDS, headers={"Accept": accept} if accept else {})
    assert answer.status == 200 and answer.media_type == expected
    assert isomorphic(Graph().parse(data=answer.body, format=expected), rounds_graph())


def test_turtle_declares_only_the_prefixes_it_uses(sparql):
    turtle = fetch(sparql, query=ROUNDS).body.decode()
    assert "@prefix mpsc:" in turtle and "@prefix org:" not in turtle


@pytest.mark.parametrize("query, fmt, expected", [
    (PROJECTS, "tsv", "text/tab-separated-values"),
    (PROJECTS, "xml", "application/sparql-results+xml"),
    (ROUNDS, "json", "application/ld+json"),  # for graphs, json means JSON-LD (as on Virtuoso)
    (ROUNDS, "xml", "application/rdf+xml"),
    (ROUNDS, "application/n-triples", "application/n-triples"),  # media types work as values too
    (ROUNDS, "n3", "text/turtle"),  # SPARQLWrapper's name
])
def test_the_format_parameter_beats_accept(sparql, query, fmt, expected):
    answer = fetch(sparql, query=query, format=fmt, headers={"Accept": "application/sparql-results+json"})
    assert answer.status == 200 and answer.media_type == expected


def test_an_answer_is_saved_under_a_name_with_its_suffix(sparql):
    """A spreadsheet user's review: a browser saved a query's CSV results as "sparql", with no suffix."""
    for query, fmt, name in ((PROJECTS, "csv", "query-result.csv"), (PROJECTS, "tsv", "query-result.tsv"),
                             (PROJECTS, "json", "query-result.srj"), (ROUNDS, "turtle", "query-result.ttl")):
        answer = fetch(sparql, query=query, format=fmt)
        assert answer.status == 200 and answer.headers["Content-Disposition"] == f"inline; filename={name}"
        again = fetch(sparql, query=query, format=fmt, headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status == 304
    assert "Content-Disposition" not in fetch(sparql, query=PROJECTS, format="html").headers  # a page, not a file


def test_output_is_another_name_for_format(sparql):
    """Fuseki's name: SPARQLWrapper sends format=, output= and results= with the same value."""
    answer = fetch(sparql, query=PROJECTS, output="csv", headers={"Accept": "application/sparql-results+json"})
    assert answer.status == 200 and answer.media_type == "text/csv"
    both = fetch(sparql, query=PROJECTS, output="csv", format="tsv")  # `format` is read first
    assert both.media_type == "text/tab-separated-values"
    assert fetch(sparql, output="json-ld").media_type == "application/ld+json"  # the service description
    assert fetch(sparql, query=PROJECTS, output="excel").status == 406
    # a "+" left unencoded in a hand-written URL arrives as a space (a SPARQL client developer's review: 406)
    assert fetch(sparql, query=PROJECTS, format="application/sparql-results json").media_type == \
        "application/sparql-results+json"


def test_a_client_asking_for_n3_gets_turtle(sparql):
    answer = fetch(sparql, query=ROUNDS, headers={"Accept": "text/n3"})
    assert answer.status == 200 and answer.media_type == "text/turtle"
    assert isomorphic(Graph().parse(data=answer.body, format="n3"), rounds_graph())


@pytest.mark.parametrize("query, xml, other", [
    ('SELECT ("a\\u0001b" AS ?x) {}', "application/sparql-results+xml", "application/sparql-results+json"),
    ('CONSTRUCT { <http://example.org/a> <http://example.org/b> "a\\u0001b" } WHERE {}', "application/rdf+xml",
     "text/turtle"),
])
def test_a_character_xml_cannot_carry_is_refused_in_words_not_sent_as_broken_xml(sparql, query, xml, other):
    refused = fetch(sparql, query=query, headers={"Accept": xml})
    assert refused.status == 406 and refused.media_type == "application/problem+json"
    assert "U+0001" in refused.json()["detail"]
    assert ("Turtle" in refused.json()["detail"]) == (xml == "application/rdf+xml")  # only formats that fit the form
    assert fetch(sparql, query=query, headers={"Accept": other}).status == 200  # formats that can carry it
    fine = fetch(sparql, query=query.replace("\\u0001", "\\t\\n"), headers={"Accept": xml})
    assert fine.status == 200 and ET.fromstring(fine.body) is not None  # tab and newline are XML characters


def test_a_carriage_return_survives_both_xml_formats(sparql):
    """XML readers turn a raw CR into a newline (XML 1.0 §2.11); SPARQLWrapper's and rdflib's default format is XML
    (a SPARQL client developer's review: "x\\r\\ny" came back as "x\\n\\ny")."""
    value = "x\r\ny\rz"
    select = fetch(sparql, query='SELECT ?c { BIND("x\\r\\ny\\rz" AS ?c) }',
                   headers={"Accept": "application/sparql-results+xml"})
    assert [e.text for e in ET.fromstring(select.body).iter("{http://www.w3.org/2005/sparql-results#}literal")] == [value]
    construct = fetch(sparql, query='CONSTRUCT { <http://example.org/s> <http://example.org/p> "x\\r\\ny\\rz" } WHERE {}',
                      headers={"Accept": "application/rdf+xml"})
    assert list(Graph().parse(data=construct.body, format="xml").objects()) == [Literal(value)]


@pytest.mark.parametrize("predicate", ["http://example.org/p/", "http://example.org/1"])
def test_a_predicate_rdf_xml_cannot_write_is_refused_in_words(sparql, predicate):
    """RDF/XML writes a predicate as an element name, which an IRI ending in no XML name cannot give (RDF 1.1 XML
    Syntax §2.1): 406 naming the other formats, rather than 200 with XML no parser reads."""
    query = f'CONSTRUCT {{ <http://example.org/s> <{predicate}> "x" }} WHERE {{}}'
    refused = fetch(sparql, query=query, headers={"Accept": "application/rdf+xml"})
    assert refused.status == 406 and "RDF/XML cannot write" in refused.json()["detail"]
    assert fetch(sparql, query=query, headers={"Accept": "text/turtle"}).status == 200
    fine = fetch(sparql, query=query.replace(predicate, "http://example.org/p"), headers={"Accept": "application/rdf+xml"})
    assert fine.status == 200 and ET.fromstring(fine.body) is not None


@pytest.mark.parametrize("query, accept, media_type", [
    ('CONSTRUCT { <http://example.org/s> <http://example.org/p/> "x" } WHERE {}',
     "application/rdf+xml, text/turtle;q=0.8, application/n-triples;q=0.8, application/ld+json;q=0.8", "text/turtle"),
    ('CONSTRUCT { <http://example.org/s> <http://example.org/1> "x" } WHERE {}', "application/rdf+xml, */*;q=0.1",
     "text/turtle"),
    ('SELECT ?x { BIND("a\\u0001b" AS ?x) }', "application/sparql-results+xml, application/sparql-results+json;q=0.8",
     "application/sparql-results+json"),
])
def test_an_answer_xml_cannot_carry_goes_in_the_next_format_accept_takes(sparql, query, accept, media_type):
    """A review with other SPARQL clients: RDF4J's send their format at q=1 and every other at q=0.8, and got the
    406 above where another format they accept carries the answer (RFC 9110 §15.5.7: 406 when none fits)."""
    answer = fetch(sparql, query=query, headers={"Accept": accept})
    assert answer.status == 200 and answer.media_type == media_type, answer.body[:300]
    assert "Accept" in answer.headers["Vary"]
    tag = answer.headers["ETag"]
    assert fetch(sparql, query=query, headers={"Accept": accept, "If-None-Match": tag}).status == 304
    asked = fetch(sparql, query=query, format="xml" if "results" in accept else "rdfxml",
                  headers={"Accept": accept})  # a format asked for by name is that format or nothing
    assert asked.status == 406


def test_an_answer_xml_cannot_carry_is_not_run_in_xml_again(server_settings):
    """A review of the fallback: a repeated request ran the query in XML in full each time, its 304 included (6–7 s
    each for a heavy one), before it reached the other format's validator or cache."""
    class Counting:  # the real store, with the formats it was asked for counted
        def __init__(self, store):
            self.store, self.asked = store, []

        def __getattr__(self, name):
            return getattr(self.store, name)

        def query(self, sparql, fmt, **options):
            self.asked.append(fmt.key)
            return self.store.query(sparql, fmt, **options)

    store = Counting(open_store(server_settings, Releases(server_settings.releases)))
    query, accept = 'SELECT ?x { BIND("a\\u0001b" AS ?x) }', "application/sparql-results+xml, */*;q=0.5"
    try:
        with serve_app(server_settings, store=store) as url:
            first = fetch(url + "sparql", query=query, headers={"Accept": accept})
            again = fetch(url + "sparql", query=query, headers={"Accept": accept, "If-None-Match": first.headers["ETag"]})
            cached = fetch(url + "sparql", query=query, headers={"Accept": accept})
    finally:
        store.store.close()
    assert first.status == 200 and first.media_type == "application/sparql-results+json"
    assert again.status == 304 and cached.status == 200 and cached.body == first.body
    assert store.asked == ["xml", "json"]


def test_ask_answers_in_json_xml_csv_and_tsv(sparql):
    ask = "ASK { ?s a <https://w3id.org/mpsc/ontology#Cooperation> }"
    assert fetch(sparql, query=ask).json()["boolean"] is True
    assert b"<boolean>true</boolean>" in fetch(sparql, query=ask, format="xml").body
    for accept in ("text/csv", "text/tab-separated-values"):  # as Oxigraph and Fuseki answer (a protocol review)
        answer = fetch(sparql, query="ASK { ?s a <https://example.org/Nothing> }", headers={"Accept": accept})
        assert (answer.status, answer.media_type, answer.body.strip()) == (200, accept, b"false")


@pytest.mark.parametrize("query, accept", [(PROJECTS, "image/png"), (ROUNDS, "text/csv"),
                                           ("ASK {}", "text/turtle")])
def test_nothing_acceptable_is_406_listing_the_offered_types(sparql, query, accept):
    answer = fetch(sparql, query=query, headers={"Accept": accept})
    assert answer.status == 406 and answer.media_type == "application/problem+json"
    assert accept not in answer.json()["offered"] and len(answer.json()["offered"]) >= 2


def test_an_unknown_format_parameter_is_406(sparql):
    refused = fetch(sparql, query=PROJECTS, format="excel")
    assert refused.status == 406 and refused.json()["detail"].startswith("format=excel names no format offered")
    spelled = fetch(sparql, query=PROJECTS, format="text/csv; charset=utf-8")  # as it would be in Accept
    assert spelled.status == 200 and spelled.media_type == "text/csv"


def test_a_query_string_that_is_not_utf8_is_400_not_another_query(sparql):
    """Werkzeug keeps an undecodable escape as it is ("M%FCnchen"), so another query than the one sent ran."""
    answer = fetch(sparql + "?query=SELECT%20(%22M%FCnchen%22%20AS%20%3Fx)%20%7B%7D")
    assert answer.status == 400 and "UTF-8" in answer.json()["detail"]


def test_a_post_carries_exactly_one_query(sparql):
    """SPARQL 1.1 Protocol §2.1: one query, in the body of a direct POST or in the form, never also in the URL;
    a POST without one is no request for the service description."""
    direct = fetch(sparql + "?query=ASK%7B%7D", method="POST", data=PROJECTS.encode(),
                   headers={"Content-Type": "application/sparql-query"})
    assert direct.status == 400 and "not both" in direct.json()["detail"]
    for body in (b"Query=ASK%7B%7D", b""):  # a misspelt parameter, nothing
        form = fetch(sparql, method="POST", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert form.status == 400 and "must carry a query" in form.json()["detail"], body
    # an empty direct POST too: it was answered as a syntax error at line 1, column 1 (an attacker's review)
    empty = fetch(sparql, method="POST", data=b"", headers={"Content-Type": "application/sparql-query"})
    assert empty.status == 400 and "must carry a query" in empty.json()["detail"]
    assert fetch(sparql, method="POST", data=b"query=ASK%7B%7D",
                 headers={"Content-Type": "application/x-www-form-urlencoded"}).json()["boolean"] is True


@pytest.mark.parametrize("params", [{"default-graph-uri": "https://w3id.org/mpsc/graph/ontology"},
                                    {"named-graph-uri": "https://w3id.org/mpsc/graph/programme"}, {"Query": "ASK {}"}])
def test_a_get_naming_a_dataset_or_a_misspelt_query_is_no_request_for_the_description(sparql, params):
    """A review with Comunica (a source URL with ?default-graph-uri= got `?query=` appended after it): a GET with
    the dataset of a query but no `query` was answered the service description in Turtle (or 406 to a results
    Accept), which the client then failed to read as results; so was `?Query=`. It is a query lacking its query."""
    for accept in ("*/*", "application/sparql-results+json"):
        answer = fetch(sparql, headers={"Accept": accept}, **params)
        assert answer.status == 400 and "without a query" in answer.json()["detail"], (params, accept)
    assert fetch(sparql, headers={"Accept": "text/turtle"}).status == 200  # nothing at all: the description
    # an empty one names no graph (`given`: Virtuoso's forms send it), so it asks for the description too
    assert fetch(sparql, headers={"Accept": "text/turtle"}, **{"default-graph-uri": ""}).status == 200


def test_a_function_the_store_lacks_is_named(sparql):
    """Not the general words of other evaluation errors, which may be about a SERVICE endpoint."""
    refused = fetch(sparql, query="SELECT (<http://example.org/fn>(1) AS ?x) {}")
    assert refused.status == 400
    assert refused.json()["detail"] == "The custom function <http://example.org/fn> is not supported by this store."


# --- service description and form ---------------------------------------------------------------------

@pytest.fixture
def description(sparql) -> Graph:
    answer = fetch(sparql)
    assert answer.status == 200 and answer.media_type == "text/turtle"
    return Graph().parse(data=answer.body, format="turtle")


def test_service_description_returns_rdf_with_a_matching_endpoint_triple(sparql, description):
    # W3C service-description tests "returns-rdf" and "has-endpoint-triple"
    services = list(description.subjects(SD.endpoint, URIRef(sparql)))
    assert len(services) == 1 and (services[0], RDF.type, SD.Service) in description


def test_service_description_conforms_to_the_vocabulary(description):
    # W3C "conforms-to-schema": every sd: term used is defined by the SD vocabulary
    defined = {"Service", "Dataset", "Graph", "NamedGraph", "endpoint", "supportedLanguage", "resultFormat",
               "feature", "defaultEntailmentRegime", "defaultDataset", "defaultGraph", "namedGraph", "name",
               "graph", "SPARQL11Query", "UnionDefaultGraph", "extensionFunction", "Function"}
    used = {str(term)[len(str(SD)):] for triple in description for term in triple
            if isinstance(term, URIRef) and str(term).startswith(str(SD))}
    assert used <= defined


def test_service_description_lists_formats_language_and_graphs(description):
    service = next(description.subjects(RDF.type, SD.Service))
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in description
    assert (service, SD.feature, SD.UnionDefaultGraph) in description
    formats = {str(f) for f in description.objects(service, SD.resultFormat)}  # W3C's Unique URIs for File Formats
    assert {"http://www.w3.org/ns/formats/" + name for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML",
            "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML")} <= formats
    dataset = description.value(service, SD.defaultDataset)
    assert (dataset, RDFS.seeAlso, iris.dataset()) in description
    sizes = {str(description.value(g, SD.name)): description.value(description.value(g, SD.graph), VOID.triples).toPython()
             for g in description.objects(dataset, SD.namedGraph)}
    assert sizes == {PROGRAMME: 32, "https://w3id.org/mpsc/graph/metadata": 1}
    assert (description.value(dataset, SD.defaultGraph), RDF.type, SD.Graph) in description


def test_every_extension_function_named_is_evaluated(sparql, description):
    """Service Description §3.2.5: the GeoSPARQL functions the embedded store evaluates, each called here on a
    polygon and a point (geof:distance on two points with a unit) and giving a value."""
    from server.store.embedded import GEOF, OF_ONE, RELATIONS

    named = {str(f) for f in description.objects(None, SD.extensionFunction)}
    assert named == {GEOF + name for name in (*RELATIONS, "relate", *OF_ONE, "distance")}
    wkt = ' "{}"^^<http://www.opengis.net/ont/geosparql#wktLiteral>'
    polygon, point = wkt.format("POLYGON((0 0, 20 0, 20 60, 0 60, 0 0))"), wkt.format("POINT(11.5 48.1)")
    calls = {GEOF + name: f"{polygon},{point}" for name in RELATIONS}
    calls |= {GEOF + name: polygon for name in OF_ONE}
    calls[GEOF + "relate"] = f'{polygon},{point},"T*F**FFF*"'  # a protocol review: it worked but was not named
    calls[GEOF + "distance"] = f"{point},{wkt.format('POINT(13.4 52.5)')}, <http://www.opengis.net/def/uom/OGC/1.0/metre>"
    for function in sorted(named):
        answer = fetch(sparql, query=f"SELECT (<{function}>({calls[function]}) AS ?x) {{}}")
        assert answer.status == 200 and answer.json()["results"]["bindings"][0].get("x"), function


def test_the_service_descriptions_tag_changes_with_the_limits_it_states(server, server_settings):
    """An operator's review: after a restart with another MPSC_MAX_ROWS the description stated the new limit under
    the old ETag, and a cache revalidating it kept the old one."""
    first = fetch(server + "sparql")
    with serve_app(server_settings.with_(max_rows=5000), base_url=server) as other:
        again = fetch(other + "sparql", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 200 and b"5000" in again.body and again.headers["ETag"] != first.headers["ETag"]


def test_service_description_in_json_ld(sparql, description):
    answer = fetch(sparql, headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=answer.body, format="json-ld"), description)


def test_a_browser_gets_the_query_form_with_the_examples(sparql):
    answer = fetch(sparql, headers={"Accept": BROWSER})
    page = answer.body.decode()
    assert answer.status == 200 and answer.media_type == "text/html"
    assert '<textarea id="sparql-query" name="query"' in page and '<select id="sparql-format" name="format">' in page
    assert "All projects" in page and "Every model project of the sample." in page
    # a plain form: the editor's script is a file that enhances it, and its configuration a JSON data block
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all(' src="' in attributes and not body or 'type="application/json"' in attributes
                           for attributes, body in scripts)


def test_a_form_posted_from_an_english_page_answers_in_english(sparql):
    """The editor posts a long query with the form's fields in the body; the form's address keeps ?lang= (an
    English reader's review: the results came back in German)."""
    page = fetch(sparql, lang="en", headers={"Accept": BROWSER}).body.decode()
    action = html.unescape(re.search(r'<form class="sparql-form" method="\w+" action="([^"]+)"', page).group(1))
    assert action == sparql + "?lang=en"
    answer = fetch(action, method="POST", data=b"query=ASK%7B%7D&format=html&lang=en",
                   headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": BROWSER})
    assert answer.status == 200 and '<html lang="en">' in answer.body.decode()


def test_an_example_opens_in_the_form(sparql):
    page = fetch(sparql, example="all-projects", headers={"Accept": BROWSER}).body.decode()
    assert "SELECT ?p WHERE { ?p a &lt;https://w3id.org/mpsc/ontology#ModelProject&gt; }" in page


# --- HTML results ---------------------------------------------------------------------------------------

def test_html_results_are_a_table_linking_our_resources(sparql, server):
    query = 'SELECT ?m ?label WHERE { ?m <https://w3id.org/mpsc/ontology#ags> ?ags ; <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?m'
    page = fetch(sparql, query=query, format="html").body.decode()
    headers = re.findall(r"<th [^>]*>([^<]*)</th>", page)
    assert headers == ["m", "label"] and "2 Zeilen" in page  # German unless the reader asks otherwise
    # a resource by its label, linked, its IRI as the tooltip; a literal's language as lang, not "@de" in the text
    assert re.search(rf'<a class="v" href="{server}doc/municipality/08421000" title="[^"]+08421000">Ulm</a>', page)
    assert '<td lang="de">Ulm</td>' in page and "@de" not in page


def test_html_results_of_ask_and_construct(sparql):
    assert "Antwort: <strong>ja" in fetch(sparql, query="ASK {}", headers={"Accept": BROWSER}).body.decode()
    page = fetch(sparql, query=ROUNDS, headers={"Accept": BROWSER}).body.decode()
    assert re.findall(r"<th [^>]*>([^<]*)</th>", page) == ["Subjekt", "Prädikat", "Objekt"] and "mpsc:year" in page


def vary(answer) -> set[str]:
    return {name.strip() for name in answer.headers.get("Vary", "").split(",")}


def test_html_is_in_the_readers_language_with_its_own_etag(sparql):
    german = fetch(sparql, query=PROJECTS, headers={"Accept": BROWSER})
    english = fetch(sparql, query=PROJECTS, headers={"Accept": BROWSER, "Accept-Language": "en-GB, en;q=0.8"})
    assert "3 Zeilen" in german.body.decode() and "Abfrage ausführen" in german.body.decode()
    assert "3 rows" in english.body.decode() and "Run query" in english.body.decode()
    assert (german.headers["Content-Language"], english.headers["Content-Language"]) == ("de", "en")
    assert german.headers["ETag"] != english.headers["ETag"]
    assert {"Accept", "Accept-Language"} <= vary(german) and {"Accept", "Accept-Language"} <= vary(english)
    across = fetch(sparql, query=PROJECTS, headers={"Accept": BROWSER, "Accept-Language": "en",
                                                    "If-None-Match": german.headers["ETag"]})
    assert across.status == 200 and "3 rows" in across.body.decode()
    same = fetch(sparql, query=PROJECTS, headers={"Accept": BROWSER, "Accept-Language": "en",
                                                  "If-None-Match": english.headers["ETag"]})
    assert same.status == 304 and {"Accept", "Accept-Language"} <= vary(same)  # the 200's Vary (RFC 9110 §15.4.5)


def test_machine_formats_do_not_vary_by_language(sparql):
    answers = [fetch(sparql, query=PROJECTS, headers={"Accept-Language": lang}) for lang in ("de", "en")]
    assert answers[0].headers["ETag"] == answers[1].headers["ETag"] and "Accept-Language" not in vary(answers[0])


def test_an_explicit_language_stays_on_every_html_link(sparql, server):
    query = "SELECT ?m WHERE { ?m <https://w3id.org/mpsc/ontology#ags> ?ags } ORDER BY ?m"
    page = fetch(sparql, query=query, format="html", lang="en").body.decode()
    assert f'href="{server}doc/municipality/08421000?lang=en"' in page
    assert '<input type="hidden" name="lang" value="en">' in page  # the form runs the next query in English too
    assert "format=csv" in page and "format=csv&amp;lang" not in page  # downloads have no language
    form = fetch(sparql, lang="en", headers={"Accept": BROWSER}).body.decode()
    assert "sparql?example=all-projects&amp;lang=en" in form and "format=html&amp;lang=en" in form


def test_error_pages_are_in_the_readers_language(sparql):
    german = fetch(sparql, query=PROJECTS, format="excel", headers={"Accept": BROWSER}).body.decode()
    english = fetch(sparql, query=PROJECTS, format="excel", headers={"Accept": BROWSER, "Accept-Language": "en"})
    # A reader stays on the form, with the query and the formats that fit it
    assert "Eine SELECT-Abfrage lässt sich in diesem Format nicht ausgeben. Möglich sind: die Tabelle" in german
    assert "A SELECT query cannot be given in this format. Possible are: the table" in english.body.decode()
    assert english.status == 406 and "mpsc:ModelProject" in english.body.decode()
    refused = fetch(sparql, query=UPDATE, headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert refused.status == 400 and "The query was not answered (400):" in refused.body.decode()
    assert "INSERT DATA" in refused.body.decode()  # the reader keeps the query
    # never stored, as no other error is (an operator's review behind caches found these pages without a word)
    assert english.headers["Cache-Control"] == refused.headers["Cache-Control"] == "no-store"


def test_html_escapes_what_the_query_returns(sparql):
    page = fetch(sparql, query='SELECT ("<b>bold</b>" AS ?x) {}', format="html").body.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page


# --- errors -----------------------------------------------------------------------------------------------

def test_a_syntax_error_names_the_parsers_line_and_column_in_json(sparql):
    query = "SELECT ?s\nWHERE {\n  ?s ?p \n}"
    with pytest.raises(SyntaxError, match=r"^error at (\d+):(\d+):") as parser:
        pyoxigraph.Store().query(query)
    line, column = (int(n) for n in parser.value.msg.split()[2].rstrip(":").split(":"))
    answer = fetch(sparql, query=query)
    problem = answer.json()
    assert answer.status == 400 and answer.media_type == "application/problem+json"
    assert line == 4 and (problem["line"], problem["column"]) == (line, column)
    assert f"line 4, column {column}" in problem["detail"] and "Traceback" not in answer.body.decode()


@pytest.mark.parametrize("query, rule", [
    ("SELECT (LANG(?l) AS ?lang) (COUNT(*) AS ?n) WHERE { ?s rdfs:label ?l } GROUP BY (LANG(?l))",
     "The SELECT contains an expression with a variable that is unbound"),
    ("SELECT * WHERE { ?s ?p ?o } GROUP BY ?s", "SELECT * is not authorized with GROUP BY"),
])
def test_a_broken_rule_of_sparql_is_named_alone_not_in_a_list_of_tokens(sparql, query, rule):
    """A researcher's review: a GROUP BY's projection rule came as one item of the parser's list of expected tokens
    ("expected one of "$", "(", …, The SELECT contains …, ['A' ..= 'Z' | …]"), which read as a typo."""
    problem = fetch(sparql, query=query).json()
    assert problem["status"] == 400 and problem["line"] == 1
    assert problem["detail"].endswith(f": {rule} (a rule of SPARQL, not a typo)"), problem["detail"]


def test_a_misspelt_form_is_a_syntax_error_whatever_the_format(sparql):
    answer = fetch(sparql, query="CONSTRUKT WHERE { ?s ?p ?o }", format="turtle")
    assert answer.status == 400 and answer.json()["line"] == 1


@pytest.mark.parametrize("query, line, column, word, keyword", [
    ("SELEC * WHERE { ?s ?p ?o }", 1, 1, "SELEC", "SELECT"),
    ("SELECT * WHERE { ?s ?p ?o }\nLIMT 3", 2, 1, "LIMT", "LIMIT"),
    ("SELECT * WHERE {\n  ?s ?p ?o FILTR(?o > 1) }", 2, 12, "FILTR", "FILTER"),
    ("SELECT * WHERE { ?s ?p ?o OPTINAL { ?s a ?t } }", 1, 27, "OPTINAL", "OPTIONAL"),
])
def test_a_misspelt_keyword_is_named_where_it_stands(sparql, query, line, column, word, keyword):
    """A review with other SPARQL clients: the engine names what it expected where its parse ended ("expected
    CONSTRUCT" after `SELEC *`, the end of the text after `LIMT 3`); the word itself is the error."""
    with pytest.raises(SyntaxError):
        pyoxigraph.Store().query(query)
    problem = fetch(sparql, query=query).json()
    assert (problem["line"], problem["column"]) == (line, column), problem
    assert problem["detail"] == (f"Syntax error at line {line}, column {column}: {word} is no word of SPARQL; "
                                 f"did you mean {keyword}?")


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p ?o } ORDERBY ?s LIMIT",  # keywords written together
                                   "SELECT (SHA256(?o) AS ?h) WHERE { ?s ?p ?o } LIMIT10 }",  # a number: no space
                                   "SELECT * WHERE { ?s ?p }"])  # no word to blame
def test_an_error_without_a_misspelt_word_keeps_the_engines_place(sparql, query):
    problem = fetch(sparql, query=query).json()
    assert problem["status"] == 400 and "no word of SPARQL" not in problem["detail"]


def test_a_syntax_error_in_the_browser_shows_the_form_again(sparql):
    answer = fetch(sparql, query="SELECT ?s WHERE {", headers={"Accept": BROWSER})
    page = answer.body.decode()
    assert answer.status == 400 and answer.media_type == "text/html"
    assert "Syntax error at line 1, column 18" in page and "SELECT ?s WHERE {</textarea>" in page


def test_the_language_switch_keeps_every_graph_of_the_dataset(sparql):
    """Found by an attacker's review: the other language's page had only the first default-graph-uri."""
    graphs = ["https://w3id.org/mpsc/graph/ontology", "https://w3id.org/mpsc/graph/programme"]
    answer = fetch(sparql, query="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", headers={"Accept": BROWSER},
                   **{"default-graph-uri": graphs})
    switch = html.unescape(re.search(r'<a class="lang" href="([^"]+)"', answer.body.decode()).group(1))
    assert answer.status == 200 and parse_qs(urlsplit(switch).query)["default-graph-uri"] == graphs


def test_the_form_shows_the_line_the_parser_names(sparql):
    """Found by an attacker's review: a U+2028 (or a lone CR) in a string made the form show another line than the
    parser's "line 2"; the parser counts lines at newlines alone."""
    answer = fetch(sparql, query='SELECT ("a\u2028b" AS ?x) {}\r\nLIMIT x', headers={"Accept": BROWSER})
    page = answer.body.decode()
    assert answer.status == 400 and "line 2, column" in page
    assert '<pre class="error-line"><code>LIMIT x' in page


UPDATE = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"


@pytest.mark.parametrize("route", ["get-query", "get-update", "form-query", "form-update", "direct-query",
                                   "direct-update"])
def test_updates_are_refused_by_every_route(sparql, route):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = {
        "get-query": lambda: fetch(sparql, query=UPDATE),
        "get-update": lambda: fetch(sparql, update=UPDATE),
        "form-query": lambda: fetch(sparql, method="POST", data=b"query=CLEAR+ALL", headers=form),
        "form-update": lambda: fetch(sparql, method="POST", data=b"update=CLEAR+ALL", headers=form),
        "direct-query": lambda: fetch(sparql, method="POST", data=UPDATE.encode(),
                                      headers={"Content-Type": "application/sparql-query"}),
        "direct-update": lambda: fetch(sparql, method="POST", data=UPDATE.encode(),
                                       headers={"Content-Type": "application/sparql-update"}),
    }[route]()
    assert answer.status == 400
    assert answer.json()["detail"] == "This endpoint is read-only; SPARQL Update is not accepted."
    assert fetch(sparql, query="ASK { <http://example.org/a> ?p ?o }").json()["boolean"] is False


def test_service_calls_are_refused_unless_allowed(sparql):
    answer = fetch(sparql, query="SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert answer.status == 400 and "SERVICE <http://example.org/sparql> is not allowed" in answer.json()["detail"]


def test_a_query_over_the_size_limit_is_413(sparql):
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 2000
    assert fetch(sparql, query=big).status == 413
    assert fetch(sparql, method="POST", data=big.encode(), headers={"Content-Type": "application/sparql-query"}).status == 413
    assert fetch(sparql, query=big).json()["limit"] == "max_query_bytes"
    assert fetch(sparql, query=big).json()["type"] == sparql.removesuffix("sparql") + "limits#max_query_bytes"
    assert fetch(sparql, query=big).json()["title"] == "Content Too Large"  # RFC 9110 §15.5.14


def test_a_chunked_query_without_content_length_is_limited_too(server):
    """A client that sends its query chunked and never ends it is refused once the body outgrows the limit."""
    parts = urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: test\r\nContent-Type: application/sparql-query\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"# " + b"x" * 4094
        for _ in range(10):  # 40 KB, more than 3 x 2,000 bytes and the room for other parameters; no last chunk
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        response = http.client.HTTPResponse(connection)
        response.begin()
        body = response.read()
    assert response.status == 413 and response.getheader("Content-Type") == "application/problem+json"
    assert json.loads(body)["detail"] == "The query is larger than 2,000 bytes, the limit of this endpoint."


@pytest.mark.parametrize("path", ["/sparql", "/sparql/links"])
def test_a_whole_chunked_form_over_the_limit_is_413_not_cut_short(server, path):
    """Werkzeug stops reading a body without Content-Length at the limit, silently: the query behind the padding
    was dropped and the rest answered (the service description, a short link of half a form) with 200 or 201."""
    parts = urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    form = [b"pad=" + b"a" * 4096 for _ in range(10)] + [b"&query=ASK%7B%7D"]
    connection.request("POST", path, body=iter(form), encode_chunked=True,
                       headers={"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"})
    response = connection.getresponse()
    assert response.status == 413 and response.getheader("Content-Type") == "application/problem+json"
    # the limit in numbers (Werkzeug's "exceeds the capacity limit" named none: a wrangler's review)
    assert re.fullmatch(r"The (request body|query) is larger than [\d,]+ bytes, the (most this server takes|limit of "
                        r"this endpoint)\.", json.loads(response.read())["detail"])
    connection.close()


def test_a_form_over_the_body_limit_names_the_body_and_a_compressed_body_is_415(server):
    """An attacker's review: a form of 12,000 `default-graph-uri=` fields and a 6-byte query was "larger than the
    query limit"; a gzipped body was "not valid UTF-8"."""
    form = urlencode([("default-graph-uri", "x")] * 12_000 + [("query", "ASK{}")]).encode()
    answer = fetch(server + "sparql", method="POST", data=form,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 413 and answer.json()["detail"].startswith("The request body is larger than")
    compressed = fetch(server + "sparql", method="POST", data=gzip.compress(b"ASK {}"),
                       headers={"Content-Type": "application/sparql-query", "Content-Encoding": "gzip"})
    assert compressed.status == 415 and "Content-Encoding" in compressed.json()["detail"]


def test_a_small_chunked_query_is_answered(server):
    parts = urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("POST", "/sparql", body=iter([b"ASK ", b"{}"]), encode_chunked=True,
                       headers={"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"})
    response = connection.getresponse()
    assert response.status == 200 and json.loads(response.read())["boolean"] is True
    connection.close()


def test_a_result_over_the_row_limit_is_refused_with_a_hint(sparql):
    answer = fetch(sparql, query="SELECT * { ?s ?p ?o }")
    assert answer.status == 400
    assert "more than 20 rows" in answer.json()["detail"] and "/dumps/" in answer.json()["detail"]
    assert fetch(sparql, query="SELECT * { ?s ?p ?o } LIMIT 20").status == 200
    assert fetch(sparql, query="CONSTRUCT WHERE { ?s ?p ?o }").status == 400


@pytest.mark.parametrize("method, headers, data, status", [
    ("PUT", {"Content-Type": "application/sparql-query"}, b"ASK {}", 405),
    ("POST", {"Content-Type": "text/plain"}, b"ASK {}", 415),
    ("POST", {"Content-Type": "application/sparql-query; charset=UTF-16"}, "ASK {}".encode("utf-16"), 415),
    ("POST", {"Content-Type": "application/sparql-query"}, b"ASK {\xff}", 400),
])
def test_protocol_errors(sparql, method, headers, data, status):
    answer = fetch(sparql, method=method, headers=headers, data=data)
    assert answer.status == status and answer.json()["status"] == status
    if status == 405:
        assert "GET" in answer.headers["Allow"] and "POST" in answer.headers["Allow"]


def test_two_queries_in_one_request_are_refused(sparql):
    assert fetch(sparql, query=["ASK {}", "ASK {}"]).status == 400


# --- HTTP behaviour -------------------------------------------------------------------------------------

def test_answers_allow_every_origin_and_preflight_is_answered(sparql):
    assert fetch(sparql, query="ASK {}").headers["Access-Control-Allow-Origin"] == "*"
    preflight = fetch(sparql, method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type"


@pytest.mark.parametrize("path", ["sparql/", "catalog/", "reconcile/", "dumps"])
def test_a_preflight_where_the_request_is_redirected_is_answered_in_place(server, path):
    """A JavaScript developer's review: a preflight to `/sparql/` got the 308 the request gets, and a browser makes a
    redirected preflight a network error (Fetch), so a script's POST failed where curl's followed the redirect."""
    status, headers, _ = ld_fetch(server + path, method="OPTIONS", follow=False, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 200 and "Location" not in headers
    assert headers["Access-Control-Allow-Origin"] == "*" and "POST" in headers["Access-Control-Allow-Methods"]
    assert ld_fetch(server + path, follow=False)[0] == 308  # the request itself still moves


def test_a_repeated_query_is_answered_304_and_cacheable(sparql):
    first = fetch(sparql, query=PROJECTS)
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and "public" in first.headers["Cache-Control"] and "max-age=300" in first.headers["Cache-Control"]
    again = fetch(sparql, query=PROJECTS, headers={"If-None-Match": tag})
    assert again.status == 304 and again.body == b"" and again.headers["ETag"] == tag


def test_a_query_calling_now_rand_or_struuid_is_answered_anew_and_kept_by_no_cache(sparql):
    """A SPARQL client developer's review: NOW(), RAND() and STRUUID() came back the same from the response cache,
    with an ETag and max-age=300 (SPARQL 1.1 §17.4.5.1, §17.4.4.5, §17.4.2.9 ask for each run's own values)."""
    query = "SELECT (NOW() AS ?t) (RAND() AS ?r) (STRUUID() AS ?u) WHERE {}"
    for params in ({"query": query}, {"query": query, "format": "csv"}):
        answers = [fetch(sparql, **params) for _ in range(2)]
        assert answers[0].body != answers[1].body
        assert all("ETag" not in a.headers and a.headers["Cache-Control"] == "no-store" for a in answers)
    page = fetch(sparql, query=query, headers={"Accept": "text/html"})
    assert page.status == 200 and page.headers["Cache-Control"] == "no-store" and "ETag" not in page.headers


def test_the_etag_follows_the_exact_query_the_dataset_and_the_format(sparql):
    tag = lambda **params: fetch(sparql, **params).headers["ETag"]
    assert tag(query=PROJECTS) == tag(query=PROJECTS)
    assert tag(query=PROJECTS) != tag(query=PROJECTS + " # a comment")
    assert tag(query=PROJECTS) != tag(query=PROJECTS, format="csv")
    assert tag(query=PROJECTS) != tag(query=PROJECTS, **{"default-graph-uri": PROGRAMME})
    assert tag(query=PROJECTS, **{"default-graph-uri": PROGRAMME}) != tag(query=PROJECTS, **{"named-graph-uri": PROGRAMME})


def test_queries_differing_after_an_escaped_hash_have_their_own_answers(sparql):
    """A lexer that misread the IRI took the rest for a comment, and both queries shared one cache entry."""
    queries = [r"SELECT ?x WHERE { BIND(<http://x/\u0041#" + end + "> AS ?x) }" for end in ("one", "two")]
    answers = [fetch(sparql, query=query) for query in queries]
    values = [a.json()["results"]["bindings"][0]["x"]["value"] for a in answers]
    assert values == ["http://x/A#one", "http://x/A#two"]
    assert answers[0].headers["ETag"] != answers[1].headers["ETag"]


def test_a_query_file_with_a_byte_order_mark_and_an_empty_dataset_parameter_are_read(sparql):
    """A SPARQL client developer's review: a .rq file a Windows editor saved (with a BOM) and Virtuoso's forms and
    permalinks (an empty `default-graph-uri=`) were 400s."""
    plain = fetch(sparql, query=PROJECTS).json()
    posted = fetch(sparql, method="POST", data=("\ufeff" + PROJECTS).encode(),
                   headers={"Content-Type": "application/sparql-query"})
    assert posted.status == 200 and posted.json() == plain
    for sent in ({"query": "\ufeff" + PROJECTS}, ):  # in a form or a URL too (`--data-urlencode query@file.rq`)
        assert fetch(sparql, **sent).json() == plain
    empty = fetch(sparql, query=PROJECTS, **{"default-graph-uri": "", "named-graph-uri": ""})
    assert empty.status == 200 and empty.json() == plain


def test_post_is_never_answered_304(sparql):
    tag = fetch(sparql, query=PROJECTS).headers["ETag"]
    answer = fetch(sparql, method="POST", data=PROJECTS.encode(),
                   headers={"Content-Type": "application/sparql-query", "If-None-Match": tag})
    assert answer.status == 200


def test_large_answers_are_gzipped_when_asked(sparql):
    query = "SELECT * { ?s ?p ?o } LIMIT 20"
    plain = fetch(sparql, query=query)
    zipped = fetch(sparql, query=query, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers and zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == plain.body and "Accept-Encoding" in zipped.headers["Vary"]


def test_healthz_reports_store_and_release(server):
    answer = fetch(server + "healthz")
    assert answer.status == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.json()["release"] == "sample1" and answer.json()["store"]["version"] == "sample1"
    assert answer.json()["status"] == "ok" and answer.json()["files"] == {"version": "sample1", "whole": True, "absent": []}
    assert answer.json()["store"]["store"] == "embedded" and answer.json()["store"]["lanes"] == {"public": 2, "site": 1}
    # the worker that answered and its public queries (an SRE's review: a full queue was invisible here)
    assert answer.json()["queries"] == {"running": 0, "waiting": 0, "in_flight": 0, "executors": 2, "queue": 64}
    assert isinstance(answer.json()["worker"], int)


@pytest.mark.parametrize("query, german, english", [
    ("SELECT * WHERE { ?s ?p ?o }", "mehr als 20 Zeilen, mehr als dieser Endpunkt ausgibt", "more than 20 rows"),
    ("INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }", "schreibgeschützt", "read-only"),
    ("SELECT * WHERE " + "{" * 260 + "}" * 260, "tiefer als 256 Ebenen", "more than 256 levels deep"),
])
def test_a_refused_query_is_explained_on_the_form_in_the_readers_language(sparql, query, german, english):
    """A browser review: these refusals came in English on German pages, and the nesting limit only under the
    parser's message, below "the query cannot be read at the marked point"."""
    for lang, text in (("de", german), ("en", english)):
        page = fetch(sparql, query=query, lang=lang, headers={"Accept": BROWSER}).body.decode()
        explained = page.split('<p><strong>', 1)[1].split("</p>", 1)[0]
        assert text in explained and "marked point" not in explained and "markierten Stelle" not in explained, page
