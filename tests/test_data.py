"""The published facts: counts the programme announced, resolution against the register, sources."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from server.importers import programme_graphs, reference_graphs
from server.importers.register import load_register
from server.rdfio import turtle_bytes

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = """
PREFIX mpsc: <https://w3id.org/mpsc/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""


@pytest.fixture(scope="module")
def programme(release):
    """The programme dump alone, as a user who downloads mpsc.ttl gets it."""
    store = ox.Store()
    store.load(path=str(release.path / "mpsc.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def select(store, query, **kwargs):
    return [{v.value: s[v].value for v in r.variables if s[v] is not None}
            for r in [store.query(PREFIXES + query, **kwargs)] for s in r]


@pytest.mark.parametrize("year, total, per_category", [
    ("2019", 13, {"grossstadt": 3, "mittelstadt": 3, "kleinstadt-landgemeinde": 4, "kooperation-landkreis": 3}),
    ("2020", 32, {"grossstadt": 13, "mittelstadt": 3, "kleinstadt-landgemeinde": 4, "kooperation-landkreis": 12}),
    ("2021", 28, {"grossstadt": 12, "mittelstadt": 6, "kleinstadt-landgemeinde": 2, "kooperation-landkreis": 8}),
])
def test_projects_per_round_and_category_match_the_programme(programme, year, total, per_category):
    rows = select(programme, f"""
        SELECT ?category (COUNT(?p) AS ?n) WHERE {{
          ?p a mpsc:ModelProject ; mpsc:fundingRound <https://w3id.org/mpsc/id/round/{year}> ; mpsc:category ?category .
        }} GROUP BY ?category""")
    counts = {r["category"].rsplit("/", 1)[1]: int(r["n"]) for r in rows}
    assert counts == per_category
    assert sum(counts.values()) == total


def test_round_2020_has_20_cities_and_12_cooperations_or_districts(programme):
    rows = select(programme, """
        SELECT ?p ?category WHERE { ?p mpsc:fundingRound <https://w3id.org/mpsc/id/round/2020> ; mpsc:category ?category }""")
    cooperations = [r for r in rows if r["category"].endswith("/kooperation-landkreis")]
    assert (len(rows) - len(cooperations), len(cooperations)) == (20, 12)


def test_connected_urban_twins_members_have_ags_and_wikidata(programme):
    rows = select(programme, """
        SELECT ?label ?ags ?wikidata WHERE {
          <https://w3id.org/mpsc/id/project/connected-urban-twins> mpsc:grantee ?coop .
          ?coop org:hasMember ?m ; mpsc:leadMember ?lead .
          ?m rdfs:label ?label ; mpsc:ags ?ags ; owl:sameAs ?wikidata .
          FILTER(?lead = <https://w3id.org/mpsc/id/municipality/02000000>)
        } ORDER BY ?ags""")
    assert [(r["label"], r["ags"], r["wikidata"]) for r in rows] == [
        ("Hamburg", "02000000", "http://www.wikidata.org/entity/Q1055"),
        ("München", "09162000", "http://www.wikidata.org/entity/Q1726"),
        ("Leipzig", "14713000", "http://www.wikidata.org/entity/Q2079"),
    ]


def test_every_participating_unit_agrees_with_the_register(release_store):
    """Programme and reference graph say the same about each body: key, name and state."""
    rows = select(release_store, """
        SELECT ?body ?ags ?label ?state ?refAgs ?refLabel ?refState WHERE {
          { ?project mpsc:grantee ?body } UNION { ?coop org:hasMember ?body }
          GRAPH <https://w3id.org/mpsc/graph/programme> {
            ?body rdfs:label ?label ; mpsc:ars ?ags .
            OPTIONAL { ?body schema:containedInPlace ?state . ?state a mpsc:State }
          }
          OPTIONAL { GRAPH <https://w3id.org/mpsc/graph/reference> {
            ?body rdfs:label ?refLabel ; mpsc:ars ?refAgs .
            OPTIONAL { ?body schema:containedInPlace ?refState . ?refState a mpsc:State } } }
        }""")
    assert len({r["body"] for r in rows}) > 100
    for r in rows:
        assert (r.get("refAgs"), r.get("refLabel"), r.get("refState")) == (r["ags"], r["label"], r.get("state")), r["body"]


def test_every_body_and_project_names_a_source(programme):
    rows = select(programme, """
        SELECT ?x WHERE {
          VALUES ?class { mpsc:ModelProject mpsc:FundingRound mpsc:Cooperation mpsc:Municipality mpsc:District
                          mpsc:State mpsc:MunicipalAssociation mpsc:RegionalAssociation mpsc:MunicipalCompany }
          ?x a ?class . FILTER NOT EXISTS { ?x dcterms:source ?s }
        }""")
    assert rows == []


def test_reference_layer_holds_every_municipality_and_district(release_store):
    register = load_register(ROOT / "sources" / "reference")
    rows = select(release_store, """
        SELECT ?class (COUNT(?x) AS ?n) WHERE { GRAPH <https://w3id.org/mpsc/graph/reference> { ?x a ?class } }
        GROUP BY ?class""")
    counts = {r["class"].rsplit("#", 1)[1]: int(r["n"]) for r in rows}
    assert counts["Municipality"] == len(register.of_level("municipality")) == 10751
    assert counts["District"] == len(register.of_level("district")) == 400
    assert counts["State"] == 16


def test_data_folder_is_what_the_importers_generate():
    """data/ is generated from sources/: an edit by hand, or a stale regeneration, fails here."""
    graphs, _ = programme_graphs(ROOT)
    register = load_register(ROOT / "sources" / "reference")
    generated = {f"programme/{name}": g for name, g in graphs.items()}
    generated.update({f"reference/{name}": g for name, g in reference_graphs(register).items()})
    for name, graph in generated.items():
        assert (ROOT / "data" / name).read_bytes() == turtle_bytes(graph), f"data/{name} differs; run `mpsc import`"


def test_importer_resolves_every_body_and_topic():
    _, problems = programme_graphs(ROOT)
    assert problems == []
