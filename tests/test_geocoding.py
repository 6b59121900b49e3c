"""Links into DCAT-AP.de's political geocoding: the IRI patterns are GovData's, and every register unit has its own.

GovData's test case for `dcatde:politicalGeocodingURI` (tests/fixtures/dcat-ap-de/geocoding/) gives one accepted
IRI of each key list; `server/iris.py` must mint exactly these from the keys they carry.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from server import iris

FIXTURE = Path(__file__).parent / "fixtures" / "dcat-ap-de" / "geocoding" / "dataset-dcatde_politicalGeocodingURI.ttl"
GEOCODING_URI = URIRef("http://dcat-ap.de/def/dcatde/politicalGeocodingURI")
LEVELS = {"stateKey": "state", "districtKey": "district", "municipalAssociationKey": "association",
          "municipalityKey": "municipality", "regionalKey": "regional"}


def accepted_iris() -> set[str]:
    """The geocoding IRIs of GovData's datasets that pass (`ok-*`)."""
    graph = Graph().parse(FIXTURE, format="turtle")
    return {str(o) for s, o in graph.subject_objects(GEOCODING_URI) if str(s).replace("#", "/").rsplit("/", 1)[-1].startswith("ok-")}


def test_minted_iris_follow_govdatas_patterns():
    accepted = accepted_iris()
    checked = 0
    for iri in accepted:
        scheme, key = iri.removeprefix(iris.POLITICAL_GEOCODING).split("/")
        if scheme in LEVELS:  # government districts (Regierungsbezirke) are not in our register
            assert str(iris.political_geocoding(LEVELS[scheme], key)) == iri
            checked += 1
    assert checked == len(LEVELS)


UNITS_WITHOUT_THEIR_KEY = """
PREFIX mpsc: <https://w3id.org/mpsc/ontology#>
SELECT ?level (COUNT(?unit) AS ?units) (SUM(?missing) AS ?without) WHERE {
  VALUES (?class ?level ?list ?keyProp) {
    (mpsc:State "state" "stateKey" mpsc:ags) (mpsc:District "district" "districtKey" mpsc:ags)
    (mpsc:MunicipalAssociation "association" "municipalAssociationKey" mpsc:ars)
    (mpsc:Municipality "municipality" "municipalityKey" mpsc:ags)
  }
  GRAPH <https://w3id.org/mpsc/graph/reference> {
    ?unit a ?class ; ?keyProp ?key .
    BIND(IRI(CONCAT("http://dcat-ap.de/def/politicalGeocoding/", ?list, "/", ?key)) AS ?expected)
    BIND(IF(EXISTS { ?unit mpsc:politicalGeocoding ?expected }, 0, 1) AS ?missing)
  }
} GROUP BY ?level ORDER BY ?level
"""


def test_every_register_unit_links_to_its_key_list_entry(release_store):
    rows = {str(r["level"].value): (int(r["units"].value), int(r["without"].value))
            for r in release_store.query(UNITS_WITHOUT_THEIR_KEY)}
    assert set(rows) == {"state", "district", "association", "municipality"}
    assert rows["state"] == (16, 0)
    assert all(units > 0 and without == 0 for units, without in rows.values()), rows


def test_municipalities_also_link_their_regional_key(release_store):
    query = """PREFIX mpsc: <https://w3id.org/mpsc/ontology#>
    ASK { GRAPH <https://w3id.org/mpsc/graph/reference> { ?m a mpsc:Municipality ; mpsc:ars ?ars .
      FILTER NOT EXISTS { ?m mpsc:politicalGeocoding ?g .
        FILTER(STR(?g) = CONCAT("http://dcat-ap.de/def/politicalGeocoding/regionalKey/", ?ars)) } } }"""
    assert not release_store.query(query)
