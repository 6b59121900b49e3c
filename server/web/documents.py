"""Answering for something offered in several formats: a resource's document, the ontology, the catalogue.

The format is chosen in conneg.py. Every answer names its concrete document (Content-Location) and lists
the other formats (Link: rel="alternate"), and says Vary: Accept when Accept decided (Cool URIs for the
Semantic Web §4; Datasette and Skosmos do the same).
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Response

from ..formats import NTRIPLES, Format
from ..rdfio import parse_sorted, serialize_sorted
from . import get_store
from ..jsonld import EXPANDED
from .conneg import wants_expanded_jsonld
from .links import DOCUMENT_FORMATS
from .site import reader


def link_header(alternates: list[tuple[Format, str]]) -> str:
    """`Link` header value naming each other representation (RFC 8288)."""
    return ", ".join(f'<{url}>; rel="alternate"; type="{fmt.media_type}"' for fmt, url in alternates)


def document_headers(response: Response, *, negotiated: bool, location: str | None = None,
                      alternates: list[tuple[Format, str]] = ()) -> Response:
    """Add Vary, Content-Location and Link headers to a document response. JSON-LD's expanded form has no URL of
    its own (a `.jsonld` document is compacted), so it names none."""
    if negotiated:
        response.vary.add("Accept")
    if location and not wants_expanded_jsonld():
        response.headers["Content-Location"] = location
    if alternates:
        response.headers["Link"] = link_header(alternates)
    return response


def alternates(iri: str, served: Format, offered=DOCUMENT_FORMATS) -> list[tuple[Format, str]]:
    """The other representations of the document about `iri`: (format, absolute URL)."""
    _, link = reader()
    return [(f, link.document(iri, f)) for f in offered if f is not served]


def with_alternates(response: Response, iri: str, fmt: Format, negotiated: bool, offered=DOCUMENT_FORMATS) -> Response:
    """Name the concrete document (Content-Location) and its other formats (Link) on a response."""
    lang, link = reader()
    return document_headers(response, negotiated=negotiated, location=link.document(iri, fmt, lang),
                             alternates=alternates(iri, fmt, offered))


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
