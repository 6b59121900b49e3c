"""Metadata for harvesters: the DCAT-AP.de catalogue against GovData's official shapes, VoID, robots, sitemap.

The catalogue is validated offline with the DCAT-AP.de 2.0 profile the way GovData's own reference
example conforms (tests/fixtures/dcat-ap-de/README.md): shapes + mirrored ontologies with RDFS inference
+ the code-list triples of the IRIs in use.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SH, VOID

from server import create_app, iris, queries
from server.web import harvest
from server.web.export import export_site
from server.web.links import document_path
from tests.conftest import serve_app
from tests.ld_support import fetch, media_type

FIXTURES = Path(__file__).parent / "fixtures" / "dcat-ap-de"
FIXTURES_3 = Path(__file__).parent / "fixtures" / "dcat-ap-de-3.0"
DATASET = URIRef("https://w3id.org/mpsc/id/dataset")
GEOCODING_URI = URIRef("http://dcat-ap.de/def/dcatde/politicalGeocodingURI")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def catalog(base_url) -> Graph:
    status, headers, body = fetch(base_url + "catalog", "text/turtle")
    assert status == 200 and media_type(headers) == "text/turtle"
    return Graph().parse(data=body, format="turtle")


@pytest.fixture(scope="module")
def dcat_ap_de():
    """(shapes graph, ontology graph, code-list graph) of the DCAT-AP.de 2.0 profile."""
    shapes, ontologies, codes = Graph(), Graph(), Graph()
    for path in sorted((FIXTURES / "shapes").glob("*.ttl")):
        shapes.parse(path)
    for path in sorted((FIXTURES / "mirror").glob("*.*")):
        if path.suffix in (".ttl", ".rdf"):
            ontologies.parse(path)
    for path in sorted((FIXTURES / "codelists").glob("*.*")):
        if path.suffix in (".nt", ".rdf"):
            codes.parse(path)
    return shapes, ontologies, codes


def violations(catalog: Graph, dcat_ap_de) -> list[str]:
    """Messages of every sh:Violation the DCAT-AP.de profile reports for the catalogue. Only the report's own
    results count, as in GovData's validator: pyshacl also lists, as `sh:detail`, why a value failed the nested
    shape of a warning (the political-geocoding lists, not available offline), each with the default severity."""
    shapes, ontologies, codes = dcat_ap_de
    data = Graph()
    data += catalog
    for node in {o for o in catalog.objects() if isinstance(o, URIRef)}:  # what the validator would import
        for triple in codes.triples((node, None, None)):
            data.add(triple)
    _, report, _ = validate(data, shacl_graph=shapes, ont_graph=ontologies, inference="rdfs")
    results = report.objects(report.value(predicate=RDF.type, object=SH.ValidationReport), SH.result)
    return [f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: {report.value(r, SH.resultMessage)}"
            for r in results if report.value(r, SH.resultSeverity) == SH.Violation]


def test_catalogue_conforms_to_dcat_ap_de_with_zero_violations(catalog, dcat_ap_de):
    assert violations(catalog, dcat_ap_de) == []


@pytest.fixture(scope="module")
def dcat_ap_de_3(dcat_ap_de):
    """(shapes, ontology, code lists) of the DCAT-AP.de 3.0 profile (tests/fixtures/dcat-ap-de-3.0/README.md)."""
    shapes = Graph()
    for path in sorted((FIXTURES_3 / "shapes").glob("*.ttl")):
        shapes.parse(path)
    return shapes, *dcat_ap_de[1:]


def test_under_dcat_ap_de_3_only_the_datatype_of_the_byte_sizes_differs(catalog, dcat_ap_de_3):
    """GovData's validator offers DCAT-AP.de 3.0 beside 2.0. The catalogue follows 2.0, which types dcat:byteSize
    xsd:decimal, where 3.0 asks for xsd:nonNegativeInteger: one value cannot be both. Anything else 3.0 finds fails
    here. The version is stated in DCAT 3's dcat:version too (3.0 deprecates owl:versionInfo, which 2.0 uses)."""
    found = violations(catalog, dcat_ap_de_3)
    sized = set(catalog.subjects(DCAT.byteSize, None))
    assert len(found) == len(sized) > 10, found
    assert all("/ns/dcat#byteSize: " in f and "xsd:nonNegativeInteger" in f for f in found), found
    assert catalog.value(DATASET, URIRef("http://www.w3.org/ns/dcat#version")) == catalog.value(DATASET, OWL.versionInfo)


def test_the_check_would_catch_a_broken_catalogue(catalog, dcat_ap_de):
    broken = Graph()
    broken += catalog
    broken.remove((DATASET, DCTERMS.title, None))
    broken.add((DATASET, DCTERMS.accrualPeriodicity, URIRef("http://example.org/sometimes")))
    found = violations(broken, dcat_ap_de)
    assert any("title" in v for v in found) and any("accrualPeriodicity" in v for v in found)


def test_spatial_coverage_uses_the_political_geocoding_govdatas_facets_read(catalog, dcat_ap_de, release_store):
    """Every state (the register covers Germany) and every body of the programme graph, as GovData's facets read
    it; a literal instead of an IRI is a violation, so the harvest check covers the geocoding."""
    covered = {str(o) for o in catalog.objects(DATASET, GEOCODING_URI)}
    states = {f"http://dcat-ap.de/def/politicalGeocoding/stateKey/{n:02d}" for n in range(1, 17)}
    query = """SELECT DISTINCT ?g WHERE { GRAPH <https://w3id.org/mpsc/graph/programme> {
      ?body <https://w3id.org/mpsc/ontology#politicalGeocoding> ?g } }"""
    bodies = {r["g"].value for r in release_store.query(query)}
    assert len(bodies) > 100 and covered == states | bodies
    broken = Graph()
    broken += catalog
    broken.add((DATASET, GEOCODING_URI, Literal("http://dcat-ap.de/def/politicalGeocoding/stateKey/01")))
    assert any("politicalGeocodingURI" in v for v in violations(broken, dcat_ap_de))


def test_catalogue_describes_dataset_distributions_service_publisher(catalog, release):
    catalogue = URIRef("https://w3id.org/mpsc/id/catalog")
    assert (catalogue, RDF.type, DCAT.Catalog) in catalog and (catalogue, DCAT.dataset, DATASET) in catalog
    assert catalog.value(catalogue, DCTERMS.modified) == catalog.value(DATASET, DCTERMS.modified) is not None
    distributions = set(catalog.objects(DATASET, DCAT.distribution))
    files = {d for d in distributions if catalog.value(d, DCAT.downloadURL) is not None}
    assert len(files) == len(release.files)
    for distribution in distributions:
        assert str(catalog.value(distribution, DCTERMS.license)).startswith("http://dcat-ap.de/def/licenses/")
    service = catalog.value(catalogue, DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in catalog
    assert catalog.value(service, DCAT.endpointURL) == URIRef("https://w3id.org/mpsc/sparql")
    assert catalog.value(service, DCTERMS.conformsTo) == URIRef("https://www.w3.org/TR/sparql11-protocol/")
    endpoint, = distributions - files  # the endpoint, listed beside the files as GovData lists distributions
    assert catalog.value(endpoint, DCAT.accessService) == service
    assert catalog.value(endpoint, DCAT.accessURL) == URIRef("https://w3id.org/mpsc/sparql")
    assert "Destatis" in catalog.value(endpoint, ATTRIBUTION)  # it serves the register facts too
    assert catalog.value(endpoint, DCTERMS.license) == catalog.value(service, DCTERMS.license)  # one access, one licence
    assert catalog.value(DATASET, DCTERMS.publisher) is not None and catalog.value(DATASET, DCAT.contactPoint) is not None
    assert (DATASET, DCTERMS.spatial, URIRef("http://publications.europa.eu/resource/authority/country/DEU")) in catalog
    assert len(set(catalog.objects(DATASET, DCAT.theme))) >= 1
    assert not list(catalog.triples((None, VOID.classPartition, None)))  # statistics live in VoID


ATTRIBUTION = URIRef("http://dcat-ap.de/def/dcatde/licenseAttributionByText")
REGISTER_FACTS = {"https://w3id.org/mpsc/graph/reference", "https://w3id.org/mpsc/graph/programme"}


def test_every_file_with_register_facts_names_destatis(catalog, release):
    """dl-de/by asks for the source with every copy: the reference graph and the programme graph (whose bodies
    carry their register facts) say whom to name, and so does each file that holds either."""
    holding = [f["name"] for f in release.files if REGISTER_FACTS & set(f["graphs"])]
    assert len(holding) > 5
    for name in holding:
        texts = [str(t) for t in catalog.objects(iris.distribution(name), ATTRIBUTION)]
        assert texts and all("Destatis" in t for t in texts), name
    for graph in REGISTER_FACTS:
        assert "Destatis" in str(catalog.value(URIRef(graph), ATTRIBUTION)), graph


def test_every_distribution_says_how_to_attribute_it(catalog):
    """CC BY and dl-de/by ask for the attribution with every copy; the ontology and void.ttl had none."""
    for distribution in catalog.objects(DATASET, DCAT.distribution):
        assert catalog.value(distribution, ATTRIBUTION) is not None, distribution


def test_download_urls_name_the_version_and_resolve_here_to_the_described_bytes(base_url, catalog, release):
    """dcat:byteSize describes one version's file, so the download URL names that version; the access URL is
    the dumps page. Mapped to this server (links.document_path), each gives exactly the bytes described."""
    for distribution in catalog.objects(DATASET, DCAT.distribution):
        if catalog.value(distribution, DCAT.accessService) is not None:
            continue  # the SPARQL endpoint, whose access URL is the endpoint
        url = str(catalog.value(distribution, DCAT.downloadURL))
        assert url.startswith(f"https://w3id.org/mpsc/dumps/{release.version}/")
        assert catalog.value(distribution, DCAT.accessURL) == URIRef("https://w3id.org/mpsc/dumps/")
        status, _, body = fetch(base_url + document_path(url))
        size = catalog.value(distribution, DCAT.byteSize)  # absent for files that contain the catalogue itself
        assert status == 200 and (size is None or len(body) == size.toPython()), url


@pytest.mark.parametrize("suffix, type_", [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                                           ("rdf", "application/rdf+xml"), ("nt", "application/n-triples")])
def test_catalogue_in_every_rdf_format(base_url, catalog, suffix, type_):
    status, headers, body = fetch(f"{base_url}catalog.{suffix}")
    assert status == 200 and media_type(headers) == type_
    assert len(Graph().parse(data=body, format=type_)) == len(catalog)
    assert headers["Content-Location"] == f"{base_url}catalog.{suffix}"
    others = {f"<{base_url}catalog.{s}>" for s in ("ttl", "jsonld", "rdf", "nt") if s != suffix}
    assert {link.split(";")[0].strip() for link in headers["Link"].split(",") if 'rel="alternate"' in link} == others


def test_void_at_the_well_known_location(base_url, release_store):
    status, headers, body = fetch(base_url + ".well-known/void")
    assert status == 200 and media_type(headers) == "text/turtle"
    void = Graph().parse(data=body, format="turtle")
    assert (DATASET, RDF.type, VOID.Dataset) in void
    merged = next(iter(release_store.query(  # the dataset is the merge of its graphs: shared triples count once
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(?g != <https://w3id.org/mpsc/graph/metadata>) } }")))["n"]
    assert void.value(DATASET, VOID.triples) == Literal(int(merged.value))
    assert void.value(DATASET, VOID.sparqlEndpoint) is not None
    assert list(void.triples((None, VOID.classPartition, None)))


def test_void_counts_each_graph_and_the_dataset_as_the_store_does(base_url, release_store):
    """A LOD Cloud reviewer's review: VoID gave each graph's triples and subjects only, where LOD catalogues also
    read entities, classes, properties and distinct objects (VoID §4.6). Each as the store counts it; entities are
    the subjects in the dataset's void:uriSpace, and the dataset is the merge of its content graphs."""
    void = Graph().parse(data=fetch(base_url + ".well-known/void")[2], format="turtle")
    space = str(void.value(DATASET, VOID.uriSpace))
    graphs = list(void.objects(DATASET, VOID.subset))
    scopes = {DATASET: "GRAPH ?g {{ {} }} FILTER(?g != <https://w3id.org/mpsc/graph/metadata>)",
              **{graph: f"GRAPH <{graph}> {{{{ {{}} }}}}" for graph in graphs}}
    assert len(graphs) == 3
    for part, scope in scopes.items():
        def count(what: str, pattern: str = "?s ?p ?o", filtered: str = "") -> int:
            query = f"SELECT (COUNT(DISTINCT {what}) AS ?n) WHERE {{ {scope.format(pattern)} {filtered} }}"
            return int(next(iter(release_store.query(query)))["n"].value)
        expected = {VOID.distinctSubjects: count("?s"), VOID.distinctObjects: count("?o"),
                    VOID.properties: count("?p"), VOID.classes: count("?o", "?s a ?o"),
                    VOID.entities: count("?s", filtered=f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{space}"))')}
        assert {prop: void.value(part, prop).toPython() for prop in expected} == expected, part
        assert 0 < expected[VOID.entities] <= expected[VOID.distinctSubjects]


def test_void_counts_the_links_into_wikidata_and_the_geocoding_lists(base_url, release_store, catalog):
    """One linkset (VoID §4) per graph, property and target dataset, with the number of links the store holds;
    the vocabularies the data uses are listed; the catalogue leaves these statistics out."""
    void = Graph().parse(data=fetch(base_url + ".well-known/void")[2], format="turtle")
    linksets = {(str(void.value(ls, VOID.subjectsTarget)), str(void.value(ls, VOID.linkPredicate)),
                 str(void.value(void.value(ls, VOID.objectsTarget), VOID.uriSpace))): void.value(ls, VOID.triples)
                for ls in void.subjects(RDF.type, VOID.Linkset)}
    reference, same_as = "https://w3id.org/mpsc/graph/reference", "http://www.w3.org/2002/07/owl#sameAs"
    geocoding = "https://w3id.org/mpsc/ontology#politicalGeocoding"
    for (graph, link, space), count in linksets.items():
        found = next(iter(release_store.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{
            ?s <{link}> ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{space}")) }} }}""")))["n"]
        assert count == Literal(int(found.value)) and count.toPython() > 0, (graph, link)
    assert linksets[reference, same_as, "http://www.wikidata.org/entity/"].toPython() > 10_000
    assert linksets[reference, geocoding, "http://dcat-ap.de/def/politicalGeocoding/"].toPython() > 20_000
    vocabularies = set(void.objects(DATASET, VOID.vocabulary))
    assert {URIRef("http://www.w3.org/ns/org#"), URIRef("https://schema.org/"),
            URIRef("https://w3id.org/mpsc/ontology#")} <= vocabularies
    assert not list(catalog.subjects(RDF.type, VOID.Linkset))
    assert not [o for o in catalog.objects(None, VOID.subset) if (o, RDF.type, VOID.Linkset) in void]
    # each linkset, class and property partition and named graph has a label in both languages (docs/contract.md;
    # an accessibility review: a linkset's page was titled by its IRI, and so were the partitions')
    graphs = set(void.objects(DATASET, VOID.subset)) - {URIRef("https://w3id.org/mpsc/graph/metadata")}
    partitions = {*void.objects(None, VOID.classPartition), *void.objects(None, VOID.propertyPartition)}
    assert len(partitions) > 100
    for node in {*void.subjects(RDF.type, VOID.Linkset), *graphs, *partitions}:
        assert sorted(label.language for label in void.objects(node, RDFS.label)) == ["de", "en"], node
    assert (URIRef(reference + "/linkset/wikidata/owl-sameAs"), RDFS.label,
            Literal("Referenzdaten, Verknüpfungen: Wikidata (owl:sameAs)", lang="de")) in void
    assert (URIRef(reference + "/class/mpsc-Municipality"), RDFS.label,
            Literal("Reference data, class mpsc:Municipality", lang="en")) in void


def test_metadata_sends_browsers_to_the_pages(base_url):
    for path, target in ((".well-known/void", "doc/dataset"), ("catalog", "doc/catalog")):
        status, headers, _ = fetch(base_url + path, "text/html,*/*;q=0.8", follow=False)
        assert status == 303 and headers["Location"] == base_url + target


def test_robots_txt_points_to_the_sitemap(base_url):
    status, headers, body = fetch(base_url + "robots.txt")
    assert status == 200 and media_type(headers) == "text/plain"
    assert f"Sitemap: {base_url}sitemap.xml" in body.decode()
    # computed for any text: endless URL spaces for a crawler (a web developer's review: search was open)
    assert {"Disallow: /sparql", "Disallow: /q/", "Disallow: /search", "Disallow: /reconcile"} <= set(body.decode().splitlines())


def test_under_a_path_the_slash_redirects_and_robots_txt_stay_under_it(settings, real_store):
    """A sub-path deployment's review (a proxy serving the site at https://example.org/mpsc/, stripping the path):
    the slash redirects were relative to the host (`/mpsc/ontology/` → `/ontology`, out of the site, cached for
    good as a 308), and robots.txt closed `/sparql` where an operator copies its lines into the host's own."""
    with serve_app(settings, store=real_store, base_url="https://example.org/mpsc/") as url:
        for path, target in (("ontology/", "ontology"), ("dumps", "dumps/"), ("catalog/?lang=en", "catalog?lang=en")):
            status, headers, _ = fetch(url + path, follow=False)
            assert status in (301, 308) and headers["Location"] == "https://example.org/mpsc/" + target, path
        robots = fetch(url + "robots.txt")[2].decode().splitlines()
        assert {"Disallow: /mpsc/sparql", "Disallow: /mpsc/q/", "Allow: /mpsc/"} <= set(robots), robots
        assert "Disallow: /sparql" not in robots and "Sitemap: https://example.org/mpsc/sitemap.xml" in robots


def test_sitemap_lists_every_document(base_url):
    status, headers, body = fetch(base_url + "sitemap.xml")
    assert status == 200 and media_type(headers) == "application/xml"
    urls = [loc.text for loc in ET.fromstring(body).iter(SITEMAP + "loc")]
    assert len(urls) == len(set(urls)) and all(u.startswith(base_url) for u in urls)
    assert not [u for u in urls if u.startswith(base_url + "sparql")]  # robots.txt keeps crawlers out of it
    for path in ("", "projects", "ontology", "dumps/", "doc/project/connected-urban-twins", "doc/municipality/09461000",
                 "doc/state/09", "doc/charter/recommendation-1.1", "doc/dataset", "doc/distribution/mpsc-ttl"):
        assert base_url + path in urls
    # each in German and English, as the pages name themselves (a search engine's review: English was missing)
    for language in ("", "?lang=en"):
        assert base_url + "exports/" + language in urls
        assert len([u for u in urls if "/doc/project/" in u and ("lang=" in u) == bool(language)]) == 73
        assert len([u for u in urls if "/doc/municipality/" in u and ("lang=" in u) == bool(language)]) > 10_000
    assert not [u for u in urls if "#" in u]


@pytest.mark.parametrize("part", ["1", "0", "01", "2", "x", "1234567890123", "-1", "١", "²", "1" * 5000])
def test_no_sitemap_parts_while_one_file_holds_the_sitemap(base_url, part):
    status, _, _ = fetch(f"{base_url}sitemap-{quote(part)}.xml")
    assert status == 404


def locs(body: bytes, root: str) -> list[str]:
    """The <loc>s of a sitemap (`root` "urlset") or a sitemap index ("sitemapindex"), checking which it is."""
    tree = ET.fromstring(body)
    assert tree.tag == SITEMAP + root
    return [loc.text for loc in tree.iter(SITEMAP + "loc")]


def test_a_sitemap_too_long_for_one_file_is_split_into_parts_its_index_names(base_url, settings, real_store,
                                                                             monkeypatch):
    """sitemaps.org allows 50,000 URLs per file; the real data has ~12,000, so the limit is lowered here."""
    _, _, whole = fetch(base_url + "sitemap.xml")
    expected = locs(whole, "urlset")
    monkeypatch.setattr(harvest, "SITEMAP_URLS", 5_000)
    with serve_app(settings, store=real_store) as url:
        status, headers, body = fetch(url + "sitemap.xml")
        assert status == 200 and media_type(headers) == "application/xml"
        parts = locs(body, "sitemapindex")
        assert parts == [f"{url}sitemap-{n}.xml" for n in range(1, -(-len(expected) // 5_000) + 1)]
        listed = []
        for part in parts:
            status, headers, body = fetch(part)
            assert status == 200 and media_type(headers) == "application/xml" and headers.get("ETag")
            listed += locs(body, "urlset")
            assert len(locs(body, "urlset")) <= 5_000
        assert [u.replace(url, base_url, 1) for u in listed] == expected
        for beyond in (f"sitemap-{len(parts) + 1}.xml", "sitemap-01.xml", "sitemap-0.xml"):
            assert fetch(url + beyond)[0] == 404


@pytest.mark.parametrize("spare, parts", [(0, 0), (-1, 2)])
def test_a_sitemap_is_split_only_beyond_the_limit(base_url, settings, real_store, monkeypatch, spare, parts):
    """Exactly as many URLs as one file may hold stay one file (no part exists); one more makes two parts."""
    _, _, whole = fetch(base_url + "sitemap.xml")
    monkeypatch.setattr(harvest, "SITEMAP_URLS", len(locs(whole, "urlset")) + spare)
    with serve_app(settings, store=real_store) as url:
        _, _, body = fetch(url + "sitemap.xml")
        if parts:
            assert locs(body, "sitemapindex") == [f"{url}sitemap-1.xml", f"{url}sitemap-2.xml"]
            assert len(locs(fetch(url + "sitemap-2.xml")[2], "urlset")) == 1
        else:
            assert len(locs(body, "urlset")) == harvest.SITEMAP_URLS and fetch(url + "sitemap-1.xml")[0] == 404


def test_the_export_holds_the_sitemaps_parts(settings, real_store, release, tmp_path, monkeypatch):
    monkeypatch.setattr(harvest, "SITEMAP_URLS", 5_000)
    app = create_app(settings.with_(base_url="https://example.org/mpsc/"), store=real_store)
    export_site(app, release, tmp_path, only=("round/",))
    parts = locs((tmp_path / "site" / "sitemap.xml").read_bytes(), "sitemapindex")
    assert len(parts) >= 3 and all(part.startswith("https://example.org/mpsc/sitemap-") for part in parts)
    for n in range(1, len(parts) + 1):
        assert len(locs((tmp_path / "site" / f"sitemap-{n}.xml").read_bytes(), "urlset")) <= 5_000
    assert not (tmp_path / "site" / f"sitemap-{len(parts) + 1}.xml").exists()


def test_documents_are_listed_in_the_order_sparql_gives_iris(settings, real_store, release_store):
    """The sitemap sorts the resources itself (harvest.document_iris): as ORDER BY would, which Oxigraph does slowly."""
    with create_app(settings, store=real_store).app_context():
        listed = harvest.document_iris()
    ordered = [solution["s"].value for solution in release_store.query(queries.documents() + " ORDER BY ?s")]
    assert len(listed) > 10_000 and listed == ordered
