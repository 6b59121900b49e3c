"""Answering for something offered in several formats: a resource's document, the ontology, the catalogue.

The format: an explicit URL suffix wins, then Accept (q-values), then the default; nothing acceptable is
406 naming the offered types. Every answer names its concrete document (Content-Location) and lists the
other formats (Link: rel="alternate"), and says Vary: Accept when Accept decided (Cool URIs for the
Semantic Web §4; Datasette and Skosmos do the same).
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Response, request

from ..errors import HttpError
from ..formats import HTML, NTRIPLES, Format, negotiate, offered_types
from ..rdfio import parse_sorted, serialize_sorted
from . import get_store, http
from .i18n import message
from .links import DOCUMENT_FORMATS
from .site import not_found_page, reader


def choose_format(suffix: Format | None, offered, default: Format) -> tuple[Format, bool]:
    """The format to answer in and whether Accept decided it; 406 when the client accepts none of `offered`."""
    if suffix is not None:
        return suffix, False
    fmt = negotiate(request.headers.get("Accept"), offered, default=default)
    if fmt is None:
        raise not_acceptable(offered)
    return fmt, True


def not_acceptable(offered) -> HttpError:
    """The 406 error for a request none of the `offered` formats can answer; its body lists their media types."""
    types = offered_types(offered)
    return HttpError(406, "None of the requested formats is offered here; offered are: " + ", ".join(types) + ".",
                          offered=types)


def link_header(alternates: list[tuple[Format, str]]) -> str:
    """`Link` header value naming each other representation (RFC 8288)."""
    return ", ".join(f'<{url}>; rel="alternate"; type="{fmt.media_type}"' for fmt, url in alternates)


def describe_response(response: Response, *, negotiated: bool, location: str | None = None,
                      alternates: list[tuple[Format, str]] = ()) -> Response:
    """Add Vary, Content-Location and Link headers to a document response."""
    if negotiated:
        response.vary.add("Accept")
    if location:
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
    _, link = reader()
    return describe_response(response, negotiated=negotiated, location=link.document(iri, fmt),
                             alternates=alternates(iri, fmt, offered))


def construct_sorted(sparql: str) -> list[ox.Triple]:
    """The triples of a CONSTRUCT query in canonical order, straight from the store's N-Triples.

    RDF documents skip rdflib: a concept with ten thousand incoming links serialises in a tenth of the time.
    """
    return parse_sorted(get_store().query(sparql, NTRIPLES))


def rdf_response(triples: list[ox.Triple], fmt: Format, status: int = 200) -> Response:
    """Sorted triples serialised in an RDF format, with the project's prefixes."""
    return Response(serialize_sorted(triples, fmt.ox_format), status=status, content_type=fmt.content_type)


def not_found(fmt: Format, iri: str) -> Response:
    """404 in the negotiated format: an HTML page, or an empty but well-formed RDF document."""
    if fmt is HTML:
        return not_found_page(message("error.404.text", reader()[0]), {"iri": iri})
    response = rdf_response([], fmt, status=404)
    response.cache_control.no_store = True
    return response
