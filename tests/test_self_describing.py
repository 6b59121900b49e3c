"""Self-describing documents: named graphs and VoID partitions dereference, JSON-LD is compacted with the published
context (expanded on request), and clients asking for plain JSON or XML get RDF."""
from __future__ import annotations

import json

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, VOID

from tests.ld_support import fetch, media_type, parse, vary

PROGRAMME = URIRef("https://w3id.org/mpsc/graph/programme")
EXPANDED = 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'


def test_named_graph_iris_dereference_in_rdf_and_html(base_url, release_store):
    status, headers, body = fetch(base_url + "graph/programme", "text/turtle")
    assert status == 200 and media_type(headers) == "text/turtle"
    graph = parse(body, "text/turtle")
    triples = next(iter(release_store.query(
        "SELECT ?n WHERE { <https://w3id.org/mpsc/graph/programme> <http://rdfs.org/ns/void#triples> ?n }")))["n"]
    assert int(graph.value(PROGRAMME, VOID.triples)) == int(triples.value)
    status, headers, body = fetch(base_url + "graph/programme", "text/html")
    assert status == 200 and media_type(headers) == "text/html" and "void" in body.decode().lower()
    assert fetch(base_url + "graph/nothing-here", "text/turtle")[0] == 404


def test_void_partitions_dereference(base_url):
    graph = parse(fetch(base_url + "graph/programme.ttl")[2], "text/turtle")
    partition = next(iter(graph.objects(PROGRAMME, VOID.classPartition)))
    path = str(partition).removeprefix("https://w3id.org/mpsc/")
    status, headers, body = fetch(base_url + path, "text/turtle")
    assert status == 200
    assert parse(body, "text/turtle").value(partition, VOID["class"]) is not None


def test_json_ld_documents_are_compacted_with_the_published_context(base_url):
    status, headers, body = fetch(base_url + "doc/project/bamberg", "application/ld+json")
    document = json.loads(body)
    context = json.loads(fetch(base_url + "context.jsonld")[2])
    assert document["@context"] == context["@context"] and context["@context"]["mpsc"].endswith("ontology#")
    bamberg = next(n for n in document["@graph"] if n["@id"] == "id:project/bamberg")
    assert "mpsc:ModelProject" in bamberg["@type"] and "rdfs:label" in bamberg
    compact = Graph().parse(data=body, format="json-ld")
    status, headers, expanded_body = fetch(base_url + "doc/project/bamberg", EXPANDED)
    assert status == 200 and "json-ld#expanded" in headers["Content-Type"]
    expanded = json.loads(expanded_body)
    assert isinstance(expanded, list) and expanded[0]["@id"].startswith("https://")
    assert set(Graph().parse(data=expanded_body, format="json-ld")) == set(compact)
    assert fetch(base_url + "doc/project/bamberg", "application/ld+json")[1]["ETag"] != headers["ETag"]


def test_the_expanded_form_is_negotiated_and_a_jsonld_url_is_always_compacted(base_url):
    """Accept's profile picks the form where Accept picks the format (which the answer then varies on); it has
    no URL of its own, so it names none (Content-Location). A `.jsonld` URL alone decides: compacted."""
    _, headers, _ = fetch(base_url + "doc/project/bamberg", EXPANDED)
    assert "json-ld#expanded" in headers["Content-Type"] and "accept" in vary(headers)
    assert "Content-Location" not in headers
    _, compacted, _ = fetch(base_url + "doc/project/bamberg", "application/ld+json")
    assert compacted["Content-Location"] == base_url + "doc/project/bamberg.jsonld"
    assert compacted["ETag"] != headers["ETag"]
    status, redirected, _ = fetch(base_url + "id/project/bamberg", EXPANDED, follow=False)
    assert status == 303 and redirected["Location"] == base_url + "doc/project/bamberg"
    assert "json-ld#expanded" in fetch(base_url + "id/project/bamberg", EXPANDED)[1]["Content-Type"]  # followed
    for path in ("catalog", ".well-known/void"):
        _, expanded_headers, _ = fetch(base_url + path, EXPANDED)
        _, compacted_headers, _ = fetch(base_url + path, "application/ld+json")
        assert "json-ld#expanded" in expanded_headers["Content-Type"], path
        assert expanded_headers["ETag"] != compacted_headers["ETag"], path
        assert "Content-Location" not in expanded_headers, path
    for path in ("doc/project/bamberg.jsonld", "doc/round/2020.jsonld", "catalog.jsonld",
                 "ontology.jsonld"):
        status, headers, body = fetch(base_url + path, EXPANDED)
        assert status == 200 and media_type(headers) == "application/ld+json", path
        assert "profile" not in headers["Content-Type"], path
        assert "accept" not in vary(headers) and "@context" in json.loads(body), path


def test_plain_json_and_xml_get_rdf(base_url):
    for accept, expected in (("application/json", "application/ld+json"), ("application/xml", "application/rdf+xml"),
                             ("application/*", "application/ld+json")):
        status, headers, _ = fetch(base_url + "doc/project/bamberg", accept)
        assert status == 200 and media_type(headers) == expected, accept


def test_documents_state_their_topic_licences_and_dataset(base_url):
    doc = URIRef("https://w3id.org/mpsc/doc/municipality/09461000")
    graph = parse(fetch(base_url + "doc/municipality/09461000.ttl")[2], "text/turtle")
    assert graph.value(doc, FOAF.primaryTopic) == URIRef("https://w3id.org/mpsc/id/municipality/09461000")
    assert graph.value(doc, VOID.inDataset) == URIRef("https://w3id.org/mpsc/id/dataset")
    assert set(graph.objects(doc, DCTERMS.license)) == {  # register facts and programme facts
        URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0"), URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")}
    attribution = URIRef("http://dcat-ap.de/def/dcatde/licenseAttributionByText")  # dl-de/by: with every copy
    assert "Statistisches Bundesamt (Destatis)" in str(graph.value(doc, attribution))
    # a partner's document holds programme facts only: CC BY asks to name the publisher, not only Destatis
    partner = parse(fetch(base_url + "doc/organisation/city-bits-gmbh.ttl")[2], "text/turtle")
    credit = str(partner.value(URIRef("https://w3id.org/mpsc/doc/organisation/city-bits-gmbh"), attribution))
    assert credit.startswith("Projekt Offener Wissensgraph Modellprojekte Smart Cities (CC BY 4.0); Registerangaben ©")
    charter = parse(fetch(base_url + "doc/charter/aim-1.ttl")[2], "text/turtle")
    assert set(charter.objects(URIRef("https://w3id.org/mpsc/doc/charter/aim-1"), DCTERMS.license)) == {
        URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")}
    programme = parse(fetch(base_url + "graph/programme.ttl")[2], "text/turtle")
    assert (PROGRAMME, FOAF.primaryTopic, None) not in programme and programme.value(PROGRAMME, VOID.inDataset)
