"""Answering for something offered in several formats: a resource's document, the ontology, the catalogue.

The format is chosen in conneg.py. Every answer names its concrete document (Content-Location) and lists
the other formats (Link: rel="alternate"), and says Vary: Accept when Accept decided (Cool URIs for the
Semantic Web §4; Datasette and Skosmos do the same). It also carries FAIR Signposting (`signposts`,
signposting.org level 1), which FAIR evaluators such as F-UJI read: the persistent identifier to cite, the
dataset, the licences, and from an HTML page the machine-readable descriptions.
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Response
from rdflib import Literal

from .. import iris, queries
from ..build.licences import LICENCES, LICENCES_BY_IRI, Licence
from ..formats import HTML, JSONLD, NTRIPLES, TURTLE, Format
from ..rdfio import parse_sorted, serialize_sorted
from . import get_store, per_release, served_release
from ..jsonld import EXPANDED
from .conneg import wants_expanded_jsonld
from .links import DOCUMENT_FORMATS, to_uri
from .site import reader


Signpost = tuple[str, str, str]  # target URL, relation, media type ("" for none)
DESCRIBED_BY = (TURTLE, JSONLD)  # the descriptions an HTML page signposts (F-UJI reads these two)
PAGE_TYPE = "https://schema.org/AboutPage"  # what a resource's page is, to Signposting's `type`
DATASET_TYPE = "https://schema.org/Dataset"  # and what the dataset's landing page is about, besides


def link_header(alternates: list[tuple[Format, str]], signposted: list[Signpost] = ()) -> str:
    """`Link` header value naming each other representation (RFC 8288), then the signposts."""
    links = [f'<{url}>; rel="alternate"; type="{fmt.media_type}"' for fmt, url in alternates]
    links += [f'<{target}>; rel="{rel}"' + (f'; type="{kind}"' if kind else "") for target, rel, kind in signposted]
    return ", ".join(links)


def document_headers(response: Response, *, negotiated: bool, location: str | None = None,
                      alternates: list[tuple[Format, str]] = (), signposted: list[Signpost] = ()) -> Response:
    """Add Vary, Content-Location and Link headers to a document response. JSON-LD's expanded form has no URL of
    its own (a `.jsonld` document is compacted), so it names none."""
    if negotiated:
        response.vary.add("Accept")
    if location and not wants_expanded_jsonld():
        response.headers["Content-Location"] = location
    if alternates or signposted:
        response.headers["Link"] = link_header(alternates, signposted)
    return response


def licence_rows(iri: str) -> list[dict]:
    """The licences (DCAT-AP.de IRIs) of the graphs that hold statements about `iri`, with the attribution each asks
    for: asked once per release and resource (a review: three times per page, on every 304 through Flask too).
    The dataset's are its files' (as its schema.org says): the metadata graph describing it is only CC BY."""
    query = queries.dataset_licences() if iri == str(iris.dataset()) else queries.document_licences(iri)
    return per_release.value(f"licences {iri}", lambda: get_store().select(query))


def licence_texts(iri: str) -> list[tuple[Licence, Literal]]:
    """The licences of `licence_rows` by their texts, each with the attribution its graph asks for (an empty
    literal for none; with its language, which a page marks when it is not the reader's: the attributions are
    German), sorted by the licence's short name."""
    found = {(LICENCES_BY_IRI[str(row["licence"])], row.get("attribution", Literal("")))
             for row in licence_rows(iri) if str(row["licence"]) in LICENCES_BY_IRI}
    return sorted(found, key=lambda pair: (pair[0].short, str(pair[1])))


def signposts(iri: str, fmt: Format) -> list[Signpost]:
    """FAIR Signposting for the document about `iri` in `fmt` (a FAIR assessor's review: none was sent): the
    persistent identifier to cite (`cite-as`: the w3id IRI, not this deployment's URL), the dataset it is part
    of (`collection`: its page here), the licences by their texts (`license`: evaluators know those, not
    DCAT-AP.de's IRIs); from an HTML page its RDF descriptions (`describedby`) and its kind (`type`), from an
    RDF document the page it describes (`describes`)."""
    _, link = reader()
    dataset = str(iris.dataset())
    posts = [(to_uri(iri), "cite-as", "")] + ([(link.resource(dataset), "collection", "")] if iri != dataset else [])
    posts += [(licence.url, "license", "") for licence in dict.fromkeys(licence for licence, _ in licence_texts(iri))]
    if fmt is HTML:
        posts += [(link.document(iri, f), "describedby", f.media_type) for f in DESCRIBED_BY]
        posts.append((PAGE_TYPE, "type", ""))
        if iri == dataset:  # the landing page: what it is about, and its downloads (an F-UJI review found none)
            posts.append((DATASET_TYPE, "type", ""))
            release = served_release()
            posts += [(link.url(f"dumps/{entry['name']}"), "item", entry.get("media_type", ""))
                      for entry in (release.files if release else ())]
    else:
        posts.append((link.resource(iri), "describes", HTML.media_type))
    return posts


def file_signposts(entry: dict) -> list[Signpost]:
    """FAIR Signposting for a file of a release (`entry` of its manifest): the dataset it belongs to (`collection`)
    and its licence by its text (`license`); an F-UJI review found the downloads sent no Link."""
    _, link = reader()
    licence = LICENCES.get(entry.get("licence", ""))
    return [(link.resource(str(iris.dataset())), "collection", "")] + ([(licence.url, "license", "")] if licence else [])


def alternates(iri: str, served: Format, offered=DOCUMENT_FORMATS) -> list[tuple[Format, str]]:
    """The other representations of the document about `iri`: (format, absolute URL)."""
    _, link = reader()
    return [(f, link.document(iri, f)) for f in offered if f is not served]


def with_alternates(response: Response, iri: str, fmt: Format, negotiated: bool, offered=DOCUMENT_FORMATS,
                    about: str | None = None) -> Response:
    """Name the concrete document (Content-Location), its other formats and its signposts (Link) on a response;
    `about`: what the signposts name where the document's IRI is not the thing's (the catalogue's document)."""
    lang, link = reader()
    return document_headers(response, negotiated=negotiated, location=link.document(iri, fmt, lang),
                             alternates=alternates(iri, fmt, offered), signposted=signposts(about or iri, fmt))


def construct_sorted(sparql: str) -> list[ox.Triple]:
    """The triples of a CONSTRUCT query in canonical order, straight from the store's N-Triples.

    RDF documents skip rdflib: a concept with ten thousand incoming links serialises in a tenth of the time.
    """
    return parse_sorted(get_store().query(sparql, NTRIPLES))


def rdf_response(triples: list[ox.Triple], fmt: Format) -> Response:
    """Sorted triples serialised in an RDF format, with the project's prefixes; JSON-LD compacted unless the
    client asked for the expanded profile (which the answer then names in its Content-Type)."""
    expanded = wants_expanded_jsonld()  # JSON-LD only: conneg.expanded
    content_type = f'{fmt.content_type}; profile="{EXPANDED}"' if expanded else fmt.content_type
    return Response(serialize_sorted(triples, fmt.ox_format, expanded), content_type=content_type)
