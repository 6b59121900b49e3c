"""Dereferencing: /id/ answers 303 to /doc/, documents negotiate formats, unknown IRIs are 404 in kind.

The matrix runs each Accept header and each suffix against each kind of resource over real HTTP, and
parses every RDF body with rdflib using the Content-Type the server sent.
"""
from __future__ import annotations

import csv
import html
import re
import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest
from markupsafe import escape
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from server import queries
from server.build.release import SEARCH_INDEX
from server.config import Settings
from server.formats import TURTLE
from server.store.embedded import EmbeddedStore
from server.web.i18n import message
from server.web.links import document_path
from tests.conftest import serve_app
from tests.ld_support import fetch, media_type, parse, vary
from tests.sparql_support import make_release, sample_quads

BASE = "https://w3id.org/mpsc/"
ORG_HAS_MEMBER = URIRef("http://www.w3.org/ns/org#hasMember")
MPSC = "https://w3id.org/mpsc/ontology#"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

# One resource of each kind: path under /id/ and a triple its document must contain.
KINDS = {
    "project": ("project/connected-urban-twins", (URIRef(BASE + "id/project/connected-urban-twins"), RDF.type, URIRef(MPSC + "ModelProject"))),
    "municipality": ("municipality/09461000", (URIRef(BASE + "id/municipality/09461000"), RDF.type, URIRef(MPSC + "Municipality"))),
    "concept": ("charter/recommendation-1.1", (URIRef(BASE + "id/charter/recommendation-1.1"), RDF.type, URIRef(MPSC + "CharterPrinciple"))),
    "scheme": ("category", (URIRef(BASE + "id/category"), RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#ConceptScheme"))),
    "dataset": ("dataset", (URIRef(BASE + "id/dataset"), RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset"))),
    "distribution": ("distribution/mpsc-ttl", (URIRef(BASE + "id/distribution/mpsc-ttl"), RDF.type, URIRef("http://www.w3.org/ns/dcat#Distribution"))),
}
RDF_TYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "rdf": "application/rdf+xml", "nt": "application/n-triples"}
# Accept header -> media type the document must come in.
ACCEPT = [
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples", "application/n-triples"),
    ("text/html", "text/html"),
    (BROWSER, "text/html"),  # a browser
    ("*/*", "text/html"),  # no preference: the default
    (None, "text/html"),  # no header at all
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),  # q-values decide
    ("text/html;q=0, */*;q=0.1", "text/turtle"),  # q=0 excludes; the first RDF format wins the wildcard
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', "application/ld+json"),  # parameters
    ("text/turtle; charset=utf-8", "text/turtle"),
    ("application/x-turtle", "text/turtle"),  # an alias
    ("text/n3", "text/turtle"),  # N3 asked for: Turtle is N3
]


def test_names_in_a_list_sort_as_german_lists_do(base_url):
    """A code review: values sorted by their lower case put "Öhringen" after "Zweiflingen" and "Künzelsau" after
    "Kupferzell" on the Hohenlohekreis's page (the municipalities that name it); ä sorts as a, ö as o, ü as u."""
    page = fetch(f"{base_url}doc/district/08126?lang=de")[2].decode()
    found = [name for name in re.findall(r">([^<>]+)</a>", page)
             if name in {"Kupferzell", "Künzelsau", "Niedernhall", "Öhringen", "Pfedelbach", "Zweiflingen"}]
    assert found == ["Künzelsau", "Kupferzell", "Niedernhall", "Öhringen", "Pfedelbach", "Zweiflingen"], found


def test_reused_classes_are_named_not_shown_as_iris(base_url):
    """Found by the crawl: the kicker of a Charta page showed `http://www.w3.org/2004/02/skos/core#Concept`."""
    for lang, name in (("en", ">concept<"), ("de", ">Begriff<")):
        page = fetch(f"{base_url}doc/charter/guideline-1?lang={lang}")[2].decode()
        kicker = page.split('<p class="kicker">', 1)[1].split("</p>", 1)[0]
        assert name in kicker and ">http://www.w3.org/2004/02/skos/core#Concept<" not in kicker  # the link's text


def test_a_heading_in_another_language_says_so(base_url):
    """WCAG 3.1.2 (found by the crawl): a strategy has only its German title, so its English page marks the heading
    as German; the German page needs no mark."""
    english = fetch(f"{base_url}doc/strategy/wolfsburg?lang=en")[2].decode()
    german = fetch(f"{base_url}doc/strategy/wolfsburg?lang=de")[2].decode()
    assert '<html lang="en"' in english and '<h1 lang="de">Smart City Strategie der Stadt Wolfsburg</h1>' in english
    assert "<h1>Smart City Strategie der Stadt Wolfsburg</h1>" in german


def test_a_pages_content_location_names_its_language(base_url):
    """Found by a crawl: `.../cottbus.html?lang=en` said Content-Language en and Content-Location `.../cottbus.html`,
    whose answer is German for a reader without Accept-Language (RFC 9110 §8.7: the URL of this representation)."""
    for asked, lang in (("?lang=en", "en"), ("", "de")):
        status, headers, _ = fetch(f"{base_url}doc/project/cottbus.html{asked}")
        assert status == 200 and headers["Content-Language"] == lang
        assert headers["Content-Location"] == f"{base_url}doc/project/cottbus.html?lang={lang}"
        assert fetch(headers["Content-Location"])[1]["Content-Language"] == lang
    english = fetch(f"{base_url}doc/project/cottbus", "text/html", headers={"Accept-Language": "en"})[1]
    assert english["Content-Location"] == f"{base_url}doc/project/cottbus.html?lang=en"


def test_each_language_version_of_a_page_is_its_own_canonical_page(base_url):
    """Found by a crawl: the English page named the negotiated URL, which a crawler reads in German, as its
    canonical, so a search engine would fold it into the German page. Now the English page is canonical under
    ?lang=en and the German one under the bare URL (what a crawler gets, and what the sitemap lists), and the
    hreflang alternates name exactly these."""
    bare = f"{base_url}doc/project/cottbus"
    for asked, accept, own in (("?lang=en", "de", f"{bare}?lang=en"), ("", "en", f"{bare}?lang=en"),
                               ("?lang=de", "en", bare), ("", "de", bare)):
        page = fetch(f"{bare}{asked}", headers={"Accept-Language": accept})[2].decode()
        assert f'<link rel="canonical" href="{own}">' in page, (asked, accept)
        assert f'"url": "{own}"' in page  # schema.org's url of the page
        for lang, url in (("de", bare), ("en", f"{bare}?lang=en"), ("x-default", bare)):
            assert f'<link rel="alternate" hreflang="{lang}" href="{url}">' in page
    assert bare in fetch(f"{base_url}sitemap.xml")[2].decode()
    for spelling in (".html", ".HTML", ".Html"):  # a suffix is read in any case (a search-engine review: `.HTML` was a
        page = fetch(f"{bare}{spelling}")[2].decode()  # page canonical under its own spelling)
        assert f'<link rel="canonical" href="{bare}">' in page, spelling


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("accept, expected", ACCEPT)
def test_document_negotiates_the_format(base_url, kind, accept, expected):
    path, triple = KINDS[kind]
    status, headers, body = fetch(f"{base_url}doc/{path}", accept)
    assert status == 200
    assert media_type(headers) == expected
    assert "accept" in vary(headers)
    extension = {v: k for k, v in RDF_TYPES.items()}.get(expected, "html")
    if "#expanded" not in (accept or ""):  # that form has no URL of its own (test_self_describing.py)
        language = "?lang=de" if extension == "html" else ""  # a page is one of two languages; RDF holds both
        assert headers["Content-Location"] == f"{base_url}doc/{path}.{extension}{language}"
    if expected == "text/html":
        assert f'<code>{BASE}id/{path}</code>' in body.decode()
    else:
        assert triple in parse(body, expected)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("accept, expected", ACCEPT)
def test_identifier_redirects_303_to_its_document(base_url, kind, accept, expected):
    path, _ = KINDS[kind]
    status, headers, _ = fetch(f"{base_url}id/{path}", accept, follow=False)
    assert status == 303
    assert "accept" in vary(headers)
    extension = {v: "." + k for k, v in RDF_TYPES.items()}.get(expected, "")
    if "#expanded" in (accept or ""):  # to the negotiated document, which gives that form (test_self_describing.py)
        extension = ""
    assert headers["Location"] == f"{base_url}doc/{path}{extension}"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("extension", [*RDF_TYPES, "html"])
def test_suffix_names_the_format_and_beats_accept(base_url, kind, extension):
    path, triple = KINDS[kind]
    accept = "application/rdf+xml" if extension != "rdf" else "text/turtle"
    status, headers, body = fetch(f"{base_url}doc/{path}.{extension}", accept)
    assert status == 200
    expected = RDF_TYPES.get(extension, "text/html")
    assert media_type(headers) == expected
    assert "accept" not in vary(headers)  # the URL alone decides
    if extension != "html":
        assert triple in parse(body, expected)


@pytest.mark.parametrize("kind", KINDS)
def test_link_header_lists_every_other_format(base_url, kind):
    path, _ = KINDS[kind]
    _, headers, body = fetch(f"{base_url}doc/{path}.ttl")
    links = dict((m.group(2), m.group(1)) for m in re.finditer(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', headers["Link"]))
    assert links == {"text/html": f"{base_url}doc/{path}.html",
                     **{t: f"{base_url}doc/{path}.{e}" for e, t in RDF_TYPES.items() if e != "ttl"}}
    _, _, page = fetch(f"{base_url}doc/{path}")
    for extension, type_ in RDF_TYPES.items():
        assert f'<link rel="alternate" type="{type_}" href="{base_url}doc/{path}.{extension}"' in page.decode()


def test_documents_carry_fair_signposting(base_url):
    """A FAIR assessor's review: no page or document signposted its persistent identifier, licences or
    descriptions (signposting.org level 1, which F-UJI reads from headers and the page's head)."""
    _, headers, body = fetch(f"{base_url}doc/municipality/09461000", "text/html")
    links = set(re.findall(r'<([^>]+)>; rel="([^"]+)"(?:; type="([^"]+)")?', headers["Link"]))
    assert {("https://w3id.org/mpsc/id/municipality/09461000", "cite-as", ""),
            (f"{base_url}doc/dataset", "collection", ""),
            ("https://creativecommons.org/licenses/by/4.0/", "license", ""),
            ("https://www.govdata.de/dl-de/by-2-0", "license", ""),  # the register's facts
            (f"{base_url}doc/municipality/09461000.ttl", "describedby", "text/turtle"),
            (f"{base_url}doc/municipality/09461000.jsonld", "describedby", "application/ld+json"),
            ("https://schema.org/AboutPage", "type", "")} <= links
    head = body.decode().split("</head>", 1)[0]
    assert '<link rel="cite-as" href="https://w3id.org/mpsc/id/municipality/09461000">' in head
    assert f'<link rel="describedby" href="{base_url}doc/municipality/09461000.ttl" type="text/turtle">' in head
    # a project's facts are the programme's alone; an RDF document points back to the page it describes
    _, headers, _ = fetch(f"{base_url}doc/project/bamberg.ttl")
    assert '<https://www.govdata.de/dl-de/by-2-0>; rel="license"' not in headers["Link"]
    assert f'<{base_url}doc/project/bamberg>; rel="describes"; type="text/html"' in headers["Link"]
    assert '<https://w3id.org/mpsc/id/project/bamberg>; rel="cite-as"' in headers["Link"]
    # a review of the signposts: the landing page named the metadata graph's licence for the dataset, the catalogue
    # its document for itself, and the vocabulary's page had none in its head
    _, headers, _ = fetch(base_url, "text/html")
    assert {'<https://creativecommons.org/licenses/by/4.0/>; rel="license"',
            '<https://www.govdata.de/dl-de/by-2-0>; rel="license"',
            '<https://w3id.org/mpsc/id/dataset>; rel="cite-as"'} <= {v.strip() for v in headers["Link"].split(",")}
    _, headers, _ = fetch(f"{base_url}catalog.ttl")
    assert '<https://w3id.org/mpsc/id/catalog>; rel="cite-as"' in headers["Link"]
    assert f'<{base_url}doc/catalog>; rel="describes"' in headers["Link"]
    assert '<link rel="cite-as" href="https://w3id.org/mpsc/ontology">' in fetch(f"{base_url}ontology", "text/html")[2].decode()


def test_the_landing_page_signposts_the_downloads_and_each_download_its_dataset_and_licence(base_url, release):
    """An F-UJI review: the landing page named no download (`item`) and was an AboutPage only; the files sent no
    `Link` at all."""
    for page in ("", "doc/dataset"):
        headers = fetch(base_url + page, "text/html")[1]
        links = set(re.findall(r'<([^>]+)>; rel="([^"]+)"(?:; type="([^"]+)")?', headers["Link"]))
        assert ("https://schema.org/Dataset", "type", "") in links, page
        assert {(url, kind) for url, rel, kind in links if rel == "item"} == {
            (f"{base_url}dumps/{entry['name']}", entry["media_type"]) for entry in release.files}, page
    for name, licence in (("mpsc.ttl", "https://creativecommons.org/licenses/by/4.0/"),
                          ("reference.nt.gz", "https://www.govdata.de/dl-de/by-2-0")):
        for path in (f"dumps/{name}", f"dumps/{release.version}/{name}"):
            headers = fetch(base_url + path, method="HEAD")[1]
            assert {v.strip() for v in headers["Link"].split(",")} == {
                f'<{base_url}doc/dataset>; rel="collection"', f'<{licence}>; rel="license"'}, path


def test_unacceptable_type_is_406_naming_the_offered_types(base_url):
    status, headers, body = fetch(f"{base_url}doc/project/bamberg", "image/png")
    assert status == 406
    for type_ in ("text/html", *RDF_TYPES.values()):
        assert type_ in body.decode()


@pytest.mark.parametrize("accept, expected", [(t, t) for t in RDF_TYPES.values()] + [("text/html", "text/html")])
@pytest.mark.parametrize("path", ["doc/project/no-such-project", "id/project/no-such-project", "doc/nothing"])
def test_unknown_iri_is_404_in_the_negotiated_format(base_url, path, accept, expected):
    status, headers, body = fetch(base_url + path, accept, follow=False, headers={"Accept-Language": "en"})
    assert status == 404
    assert media_type(headers) == expected
    if expected != "text/html":
        assert len(parse(body, expected)) == 0
        # a person reading the bytes learns why, where the syntax has comments (found by a crawl of the site)
        assert ("There is no resource at this address." in body.decode()) == (expected != "application/ld+json")
    else:
        page = body.decode()
        assert "<h1>404 Not found</h1>" in page and "There is no resource at this address." in page


def test_connected_urban_twins_turtle_lists_its_three_cities(base_url):
    status, headers, _ = fetch(f"{base_url}id/project/connected-urban-twins", "text/turtle", follow=False)
    assert status == 303 and headers["Location"].endswith(".ttl")
    _, headers, body = fetch(headers["Location"], "text/turtle")
    graph = parse(body, media_type(headers))
    cooperation = URIRef(BASE + "id/cooperation/connected-urban-twins")
    members = {str(graph.value(m, RDFS.label)) for m in graph.objects(cooperation, ORG_HAS_MEMBER)}
    assert members == {"Hamburg", "Leipzig", "München"}


def test_municipality_document_lists_its_projects_and_cooperations(base_url):
    _, headers, body = fetch(f"{base_url}doc/municipality/02000000.ttl")
    graph = parse(body, media_type(headers))
    hamburg = URIRef(BASE + "id/municipality/02000000")
    cooperation = URIRef(BASE + "id/cooperation/connected-urban-twins")
    assert (cooperation, ORG_HAS_MEMBER, hamburg) in graph
    assert (URIRef(BASE + "id/project/connected-urban-twins"), URIRef(MPSC + "grantee"), cooperation) in graph
    assert graph.value(URIRef(BASE + "id/project/connected-urban-twins"), RDFS.label) is not None


def test_documents_carry_labels_of_what_they_link_to(base_url):
    _, headers, body = fetch(f"{base_url}doc/project/bamberg.nt")
    graph = parse(body, media_type(headers))
    assert (URIRef(BASE + "id/round/2020"), RDFS.label, Literal("2. Staffel (2020)", lang="de")) in graph


def test_hash_iris_belong_to_their_base_document(base_url):
    _, headers, body = fetch(f"{base_url}doc/municipality/09461000.ttl")
    graph = parse(body, media_type(headers))
    geometry = URIRef(BASE + "id/municipality/09461000#geometry")
    assert str(graph.value(geometry, URIRef("http://www.opengis.net/ont/geosparql#asWKT"))).startswith("POINT(")
    _, _, page = fetch(f"{base_url}doc/municipality/09461000")
    assert 'id="geometry"' in page.decode()
    _, headers, body = fetch(f"{base_url}doc/publisher.ttl")  # a fragment nothing in its base links to
    assert (URIRef(BASE + "id/publisher#contact"), RDF.type, URIRef("http://www.w3.org/2006/vcard/ns#Organization")) in parse(body, "text/turtle")


def test_a_built_release_lists_its_fragments_so_no_query_looks_for_them(settings, real_store, monkeypatch):
    """The release's index says which #fragments a document has (web/resources.py, `fragments`): the query over
    every statement that finds them otherwise is not asked."""
    def unasked():
        raise AssertionError("the fragments were looked for by a query over every statement")
    monkeypatch.setattr(queries, "fragment_resources", unasked)
    with serve_app(settings.with_(document_cache_bytes=0), store=real_store) as url:
        _, headers, body = fetch(f"{url}doc/municipality/09461000.ttl")
    geometry = URIRef(BASE + "id/municipality/09461000#geometry")
    assert str(parse(body, media_type(headers)).value(geometry, URIRef("http://www.opengis.net/ont/geosparql#asWKT"))
               ).startswith("POINT(")


@pytest.mark.parametrize("path, target", [("doc/project/bamberg%23phase", "doc/project/bamberg#phase"),
                                          ("doc/project/bamberg%23phase.ttl", "doc/project/bamberg.ttl"),
                                          ("doc/municipality/09461000%23geometry.html",
                                           "doc/municipality/09461000.html#geometry")])
def test_a_fragment_sent_as_part_of_a_document_path_leads_to_its_base_document(base_url, path, target):
    """`#` sent as %23 names a #fragment resource, which its base's document describes: 301 there (a Location
    may carry a fragment; a Content-Location may not, RFC 9110 §8.7)."""
    status, headers, _ = fetch(base_url + path, follow=False)
    assert status == 301 and headers["Location"] == base_url + target and "Content-Location" not in headers
    assert fetch(base_url + "doc/%23" + path.rpartition("%23")[2], follow=False)[0] == 404  # a fragment of nothing


@pytest.mark.parametrize("path, target", [
    ("id/municipality/9461000?lang=en", "id/municipality/09461000?lang=en"), ("id/state/9", "id/state/09"),
    ("id/district/9461", "id/district/09461"), ("id/project/bamberg/", "id/project/bamberg"),
    ("id/municipality/9461000/", "id/municipality/09461000"), ("id/municipality/946100", None),
    ("id/municipality/19461000", None), ("doc/municipality/9461000.ttl", "doc/municipality/09461000.ttl"),
    ("doc/project/bamberg/", "doc/project/bamberg"), ("doc/district/9461?lang=en", "doc/district/09461?lang=en"),
    ("doc/municipality/946100.ttl", None), ("doc/project/bamberg.ttl/", None),
    ("id/project/Bamberg", "id/project/bamberg"), ("id/Project/BAMBERG/", "id/project/bamberg"),
    ("doc/project/Bamberg.ttl", "doc/project/bamberg.ttl"), ("id/project/Bambergg", None),
    ("id/Municipality/9461000", "id/municipality/09461000")])
def test_an_identifier_written_without_its_leading_zero_or_with_a_slash_is_found(base_url, path, target):
    """A linker's review: keys from spreadsheets lose their leading zero, and links gain a slash; both were 404s,
    under /id/ and (a web developer's review) under /doc/; so were capitals (a LOD Cloud reviewer's review:
    `project/Bamberg`), while every identifier of ours is lower case."""
    status, headers, _ = fetch(base_url + path, accept="text/turtle", follow=False)
    if target is None:
        assert status == 404
    else:
        assert (status, headers["Location"]) == (301, base_url + target) and "max-age" in headers["Cache-Control"]


@pytest.mark.parametrize("path, target", [
    ("ontology/", "ontology"), ("catalog/", "catalog"), (".well-known/void/", ".well-known/void"),
    ("projects/?state=09&lang=en", "projects?state=09&lang=en"), ("sparql//", "sparql"), ("nothing-here/", None),
    ("ontology/9.9.9/", None), ("dumps/nosuch/", None)])
def test_a_site_path_with_a_slash_too_many_moves_to_the_path(base_url, path, target):
    """A LOD Cloud reviewer's review: `/dumps` moved to `/dumps/` and `/id/x/` to `/id/x`, but `/ontology/`,
    `/catalog/` and `/.well-known/void/` were 404s. Moved as Werkzeug moves `/dumps` (308), query kept; a path
    with variables (an ontology version, a release) is not moved to what may not be there."""
    status, headers, _ = fetch(base_url + path, accept="text/turtle", follow=False)
    if target is None:
        assert status == 404
    else:
        assert (status, headers["Location"]) == (308, base_url + target)


def retired_rows() -> list[dict]:
    with open(Path(__file__).parent.parent / "sources" / "curation" / "retired.csv", encoding="utf-8") as table:
        return list(csv.DictReader(table))


@pytest.mark.parametrize("row", retired_rows(), ids=lambda row: row["id"])
def test_a_retired_identifier_moves_to_its_successor_or_is_gone(base_url, row):
    """A linker's review: two organisations' IRIs had become 404s between releases. A retired identifier answers
    301 to the one that replaced it (suffix and ?lang= kept), or 410 saying why; the successor's document names it."""
    old, new = row["id"], row["replaced_by"]
    # a trailing slash too in one step (a search engine's review: /doc/…/ took two redirects)
    for path, target in ((f"id/{old}", f"id/{new}"), (f"id/{old}/", f"id/{new}"), (f"doc/{old}.ttl", f"doc/{new}.ttl"),
                         (f"doc/{old}/", f"doc/{new}"),
                         (f"doc/{old}?lang=en", f"doc/{new}?lang=en"), (f"doc/{old}.html?lang=en", f"doc/{new}.html?lang=en")):
        status, headers, body = fetch(base_url + path, accept="text/html", follow=False)
        if new:
            assert (status, headers["Location"]) == (301, base_url + target) and "max-age" in headers["Cache-Control"]
        else:
            assert status == 410 and "no-store" in headers["Cache-Control"] and row["reason"][:40].encode() in body
    if new:
        status, headers, body = fetch(f"{base_url}doc/{new}.ttl")
        assert (URIRef(BASE + "id/" + old), URIRef("http://purl.org/dc/terms/isReplacedBy"), URIRef(BASE + "id/" + new)
                ) in parse(body, media_type(headers))
    else:
        # the reason is English: on a German page marked so (an accessibility review, WCAG 3.1.2), not on an English one
        german, english = (fetch(f"{base_url}doc/{old}{query}", accept="text/html")[2].decode() for query in ("", "?lang=en"))
        assert f'<span lang="en">{escape(row["reason"])[:30]}' in german and '<span lang="en">' not in english
        # the statements saying so, for RDF clients (a portal's review: they read an empty graph, the reason only
        # in a comment)
        for accept in ("text/turtle", "application/ld+json", "application/rdf+xml"):
            status, headers, body = fetch(f"{base_url}id/{old}", accept=accept)
            said = {(str(p), str(o)) for s, p, o in parse(body, media_type(headers)) if s == URIRef(BASE + "id/" + old)}
            assert status == 410 and "no-store" in headers["Cache-Control"], accept
            assert {("http://www.w3.org/2002/07/owl#deprecated", "true"),
                    ("http://purl.org/dc/terms/modified", row["date"])} <= said, accept
            assert any(p.endswith("#changeNote") and o.startswith(row["reason"][:40]) for p, o in said), accept


FRAGMENT_BASE = ox.NamedNode(BASE + "id/municipality/09999999")
FRAGMENT = ox.NamedNode(FRAGMENT_BASE.value + "#note")  # nothing in its base links to it
WITH_FRAGMENT = [ox.Triple(FRAGMENT_BASE, ox.NamedNode(str(RDFS.label)), ox.Literal("Beispiel", language="de")),
                 ox.Triple(FRAGMENT, ox.NamedNode(str(RDFS.comment)), ox.Literal("nur hier", language="de"))]


def shows_the_fragment(url: str) -> bool:
    _, headers, body = fetch(f"{url}doc/municipality/09999999.ttl")
    return (URIRef(FRAGMENT.value), RDFS.comment, Literal("nur hier", lang="de")) in parse(body, media_type(headers))


def test_a_release_without_a_fragment_list_finds_fragments_by_query(tmp_path):
    """A release whose index does not list the #fragments (here: one with no index at all, built before there
    was one) still has them in its documents (web/resources.py, `fragments`)."""
    make_release(tmp_path, sample_quads("fragments", WITH_FRAGMENT), "fragments")
    with serve_app(Settings.from_env(releases=tmp_path)) as url:
        assert shows_the_fragment(url)


def test_the_fragment_list_of_another_release_is_not_used(tmp_path):
    """A store serving a release that is not in the releases folder (loaded from elsewhere): the current
    release's index lists the fragments of other data (here none), so the served one's are found by query."""
    served = make_release(tmp_path / "elsewhere", sample_quads("served", WITH_FRAGMENT), "served")
    newest = make_release(tmp_path / "releases", sample_quads("newest"), "newest")
    with sqlite3.connect(newest.path / SEARCH_INDEX) as db:
        db.execute("CREATE TABLE fragment (base TEXT, iri TEXT, PRIMARY KEY (base, iri)) WITHOUT ROWID")
    store = EmbeddedStore(served, executors=1)
    try:
        with serve_app(Settings.from_env(releases=tmp_path / "releases"), store=store) as url:
            assert shows_the_fragment(url)
    finally:
        store.close()


@pytest.mark.parametrize("accept, expected", [("text/turtle", "text/turtle"), ("application/rdf+xml", "application/rdf+xml"),
                                              ("application/ld+json", "application/ld+json"), (BROWSER, "text/html"), (None, "text/html")])
def test_ontology_negotiates(base_url, accept, expected):
    status, headers, body = fetch(f"{base_url}ontology", accept)
    assert status == 200 and media_type(headers) == expected and "accept" in vary(headers)
    if expected == "text/html":
        page = body.decode()
        assert 'id="ModelProject"' in page and 'id="grantee"' in page  # each term IRI …#Term lands on its entry
    else:
        graph = parse(body, expected)
        assert (URIRef(MPSC + "ModelProject"), RDF.type, OWL.Class) in graph
        assert (URIRef(BASE + "ontology"), RDF.type, OWL.Ontology) in graph


def test_ontology_suffixes(base_url):
    for extension, type_ in RDF_TYPES.items():
        status, headers, body = fetch(f"{base_url}ontology.{extension}")
        assert status == 200 and media_type(headers) == type_
        assert (URIRef(MPSC + "grantee"), RDFS.domain, URIRef(MPSC + "ModelProject")) in parse(body, type_)
    assert fetch(f"{base_url}ontology.png")[0] == 404


@pytest.mark.parametrize("accept, target, type_", [("text/turtle", "ontology.ttl", "text/turtle"),
                                                   ("application/ld+json", "ontology.jsonld", "application/ld+json"),
                                                   (BROWSER, "ontology", "text/html"), (None, "ontology", "text/html")])
def test_ontology_version_iri_redirects_303_to_the_ontology(base_url, accept, target, type_):
    """owl:versionIRI names the ontology's current version, so it is dereferenceable like the ontology."""
    _, _, body = fetch(f"{base_url}ontology.ttl")
    version = parse(body, "text/turtle").value(URIRef(BASE + "ontology"), OWL.versionIRI)
    assert version == URIRef(BASE + "ontology/1.6.2")
    status, headers, _ = fetch(base_url + document_path(str(version)), accept, follow=False)
    assert status == 303 and headers["Location"] == base_url + target and "accept" in vary(headers)
    status, headers, _ = fetch(f"{base_url}ontology/0.9.0", accept, follow=False)  # not a version of ours
    assert status == 404 and media_type(headers) == type_


def test_every_earlier_version_of_the_ontology_dereferences(base_url):
    """Following owl:priorVersion from the current ontology reaches 1.0.0, each version answering in every RDF
    format as the file the release keeps, naming itself by its version IRI, and a browser its page (a Linked Data
    consumer's review: a browser got a download, `Accept: text/html` a 406)."""
    _, _, body = fetch(f"{base_url}ontology.ttl")
    prior, seen = parse(body, "text/turtle").value(URIRef(BASE + "ontology"), OWL.priorVersion), []
    while prior is not None:
        for extension, fmt in RDF_TYPES.items():
            status, headers, body = fetch(base_url + document_path(str(prior)), fmt)
            assert status == 200 and media_type(headers) == fmt and "accept" in vary(headers), (prior, fmt)
            concrete = f"{base_url}{document_path(str(prior))}.{extension}"
            assert headers["Content-Location"] == concrete and concrete not in headers["Link"], (prior, fmt)
            assert headers["Link"].count('rel="alternate"') == len(RDF_TYPES), (prior, fmt)  # and the page
            graph = parse(body, fmt)
            assert graph.value(URIRef(BASE + "ontology"), OWL.versionIRI) == prior
        status, headers, page = fetch(base_url + document_path(str(prior)), BROWSER)
        assert status == 200 and media_type(headers) == "text/html" and "accept" in vary(headers), prior
        version = str(prior).rsplit("/", 1)[1]
        lead = f'<p class="lead">{message("onto.earlier", "de")} <a href="{base_url}ontology">'
        assert f"{version}</p>" in page.decode() and lead in page.decode()
        # an accessibility review: the title was the current version's, the link's text a bare URL
        assert re.search(rf"<title>Ontologie [^<]*Modellprojekte Smart Cities {re.escape(version)}</title>",
                         page.decode()), page.decode()[:400]
        assert f'{lead}{message("onto.current", "de")}</a>' in page.decode()
        assert headers["Content-Location"] == f"{base_url}ontology/{version}.html?lang=de"  # the concrete page
        status, headers, _ = fetch(headers["Content-Location"], "text/turtle")  # the suffix decides
        assert status == 200 and media_type(headers) == "text/html" and "accept" not in vary(headers)
        seen.append(str(prior).rsplit("/", 1)[1])
        prior = graph.value(URIRef(BASE + "ontology"), OWL.priorVersion)
    assert seen == ["1.6.1", "1.6.0", "1.5.0", "1.4.2", "1.4.1", "1.4.0", "1.3.0", "1.2.0", "1.1.0", "1.0.0"]
    status, headers, body = fetch(f"{base_url}ontology/1.3.0.jsonld", "text/turtle")  # a suffix names the format
    assert status == 200 and media_type(headers) == "application/ld+json" and "accept" not in vary(headers)


@pytest.mark.parametrize("iri, path", [
    (BASE + "id/project/bamberg#x", "doc/project/bamberg#x"),
    (BASE + "ontology#grantee", "ontology#grantee"),
    (BASE + "ontology/1.0.0", "ontology/1.0.0"),
    (BASE + "catalog", "catalog"),
    (BASE + "dumps/0123456789ab/mpsc.ttl", "dumps/0123456789ab/mpsc.ttl"),  # the catalogue's download URLs
    (BASE + "dumps/", "dumps/"),
    (BASE + "graph/programme", "graph/programme"),
    ("https://example.org/id/x", None),
])
def test_canonical_iris_map_to_paths_on_this_server(iri, path):
    assert document_path(iri) == path


def test_documents_at_their_own_path_take_format_suffixes():
    assert document_path(BASE + "catalog", TURTLE) == "catalog.ttl"
    assert document_path(BASE + "ontology#grantee", TURTLE) == "ontology.ttl"
    assert document_path(BASE + "id/project/bamberg", TURTLE) == "doc/project/bamberg.ttl"


@pytest.mark.parametrize("path, present, absent", [
    ("doc/state/09", ["doc/project/bamberg", "doc/project/regensburg", "projects?state=09"], ["doc/project/jena"]),
    ("doc/municipality/05762004", ["doc/project/kreis-hoexter"], ["projects?state="]),  # Bad Driburg: its district's
    ("doc/district/05762", [], ["Modellprojekte in diesem Gebiet"]),  # Kreis Höxter is the grantee itself
])
def test_a_place_names_the_projects_in_it_or_covering_it(base_url, path, present, absent):
    """A citizen's review: Bayern's page named none of its eleven projects, and a town in Kreis Höxter not the project
    that covers the whole district."""
    _, _, body = fetch(base_url + path, "text/html")
    page = body.decode()
    assert all(base_url + p in page for p in present) and not any(p in page for p in absent), path
    if present:
        assert "Modellprojekte in diesem Gebiet" in page


def test_ontology_page_documents_domains_and_ranges(base_url):
    page = fetch(f"{base_url}ontology", "text/html", headers={"Accept-Language": "en"})[2].decode()
    entry = page[page.index('id="fundingRound"'):]
    entry = entry[:entry.index("</section>")]
    assert "Domain" in entry and "Range" in entry
    assert f'href="{base_url}ontology#ModelProject"' in entry and f'href="{base_url}ontology#FundingRound"' in entry


def test_ontology_page_names_each_axiom_as_what_it_is(base_url):
    """An ontology review: rdfs:subClassOf and rdfs:subPropertyOf were "Broader term" (SKOS's word), and
    schema:rangeIncludes (any of these) stood under "Range" with rdfs:range (all of these at once): mpsc:grantee
    seemed to take values that are five classes at once."""
    page = fetch(f"{base_url}ontology", "text/html", headers={"Accept-Language": "en"})[2].decode()

    def rows(anchor: str) -> list[str]:
        entry = page[page.index(f'id="{anchor}"'):]
        return [html.unescape(label) for label in re.findall(r"<dt>(.*?)</dt>", entry[:entry.index("</section>")])]

    assert rows("grantee") == ["Domain (rdfs:domain)", "Expected values (schema:rangeIncludes)"]
    assert "Subclass of" in rows("Municipality") and "Subproperty of" in rows("title")
    assert "Broader term" not in page


def test_ontology_page_names_its_version_iri_prior_version_dates_creator_and_licence(base_url):
    """An ontology review: the vocabulary's page named its version only, where the W3C's recipes for publishing
    vocabularies and LOV ask for its version IRI, earlier versions, dates, creator and licence."""
    page = fetch(f"{base_url}ontology", "text/html", headers={"Accept-Language": "en"})[2].decode()
    start = page.index('<dl class="props compact">')
    about = page[start:page.index("</dl>", start)]
    for label in ("version IRI", "prior version", "created", "issued", "modified", "creator", "licence", "status",
                  "how to cite"):  # the last three: FOOPS!'s checks (a FAIR assessor's review)
        assert f"<dt>{label}</dt>" in about, label
    assert f'href="{base_url}ontology/1.6.1"' in about and "creativecommons.org/licenses/by/4.0/" in about
    # in the reader's language (an English-only reader's review: German only, shown on the English page unmarked)
    assert "Ontology of the Model Projects Smart Cities Open Knowledge Graph, version 1.6.2. https://w3id.org/mpsc/ontology/1.6.2" in about
    german = fetch(f"{base_url}ontology", "text/html", headers={"Accept-Language": "de"})[2].decode()
    assert "Modellprojekte Smart Cities, Version 1.6.2. https://w3id.org/mpsc/ontology/1.6.2" in german
    assert "Ontologie des" not in about and "Ontology of the Model Projects Smart Cities Open Knowledge Graph, version" \
        not in german  # each page the one in its language (a review: the other too, "only in German")


@pytest.mark.parametrize("path", ["doc/project/connected-urban-twins", "doc/municipality/09461000", "doc/dataset",
                                  "doc/distribution/mpsc-ttl", "ontology", "", "projects", "dumps/"])
def test_pages_link_only_to_this_deployment_or_outside(base_url, path):
    """The data keeps canonical IRIs, but every link on a page leads to this server (or to other sites); but the
    persistent identifier a page names to cite (Signposting's `cite-as`), which is the canonical IRI by definition."""
    page = re.sub(r'<link rel="cite-as" href="[^"]+">', "", fetch(base_url + path, "text/html")[2].decode())
    links = re.findall(r'(?:href|src)="([^"]+)"', page)
    assert links
    assert not [link for link in links if link.startswith(BASE)]
    assert [link for link in links if link.startswith(base_url)]


def test_conditional_get_on_documents(base_url):
    _, headers, _ = fetch(f"{base_url}doc/project/bamberg.ttl")
    status, _, body = fetch(f"{base_url}doc/project/bamberg.ttl", headers={"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""


def test_an_rdf_document_a_new_release_leaves_alike_keeps_its_tag(small_root, tmp_path):
    """A replica operator's review: each release gave each document a new tag, so caches fetched them all again
    and a client moving between replicas of two releases never got a 304. An RDF document is tagged by its bytes;
    a page cites the release, so its tag still follows it."""
    from server.build import build

    releases = tmp_path / "releases"
    build(small_root, releases)
    alike, changed, page = "doc/municipal-association/091815138.ttl", "doc/project/bamberg.ttl", "doc/state/09"
    with serve_app(Settings.from_env(root=small_root, releases=releases)) as url:
        before = {path: fetch(url + path)[1]["ETag"] for path in (alike, changed, page)}
    data = small_root / "data" / "programme" / "valid.ttl"
    data.write_text(data.read_text(encoding="utf-8").replace("Smart City Bamberg", "Smart City Bamberg!"),
                    encoding="utf-8")
    build(small_root, releases)
    with serve_app(Settings.from_env(root=small_root, releases=releases)) as url:
        assert b"Smart City Bamberg!" in fetch(url + changed)[2]
        status, headers, body = fetch(url + alike, headers={"If-None-Match": before[alike]})
        assert (status, body, headers["ETag"]) == (304, b"", before[alike])
        for path in (changed, page):
            status, headers, _ = fetch(url + path, headers={"If-None-Match": before[path]})
            assert status == 200 and headers["ETag"] != before[path], path


def test_a_revalidation_of_an_rdf_document_is_answered_without_rendering_it(small_root, tmp_path, monkeypatch):
    """A review: tagged by its bytes, a document was rendered for every conditional request the fast path did not
    answer (behind a CDN, most); its tag is remembered per release."""
    from server.build import build
    from server.web import resources

    build(small_root, tmp_path / "releases")
    url = "doc/municipal-association/091815138.ttl?from=a-cdn"  # a query string: past the document fast path
    with serve_app(Settings.from_env(root=small_root, releases=tmp_path / "releases")) as base:
        tag = fetch(base + url)[1]["ETag"]
        monkeypatch.setitem(resources.DOCUMENT_RENDERERS, "rdf", lambda *_: pytest.fail("rendered again"))
        status, headers, _ = fetch(base + url, headers={"If-None-Match": tag})
        assert (status, headers["ETag"]) == (304, tag)
