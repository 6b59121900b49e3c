"""Dereferenceable URIs: /id/… answers 303 See Other to /doc/…, the document in HTML or RDF; /ontology,
and its version IRI /ontology/{version}, which answers 303 to /ontology the same way.

Cool URIs for the Semantic Web, 303 pattern: an IRI names the thing, its document describes it. The
document is the resource's description from `queries.describe` (the same graph for every format), shown
as a page or serialised; a suffix (.ttl, .jsonld, .rdf, .nt, .html) names one format outright.
"""
from __future__ import annotations

from flask import Blueprint, Response, redirect
from rdflib import Graph, URIRef

from .. import queries
from ..formats import HTML, by_extension
from ..namespaces import ONTOLOGY_GRAPH, ONTOLOGY_IRI
from . import get_store, http, memo
from .describe import BACKLINKS_SHOWN, Namer, build_page
from .documents import (alternates, choose_format, construct_sorted, describe_response, not_found, rdf_response,
                        with_alternates)
from .maps import marker
from .links import DOCUMENT_FORMATS, document_path, iri_for, split_suffix
from .schemaorg import schema_org
from .site import missing, page_tag, reader, render_page
from .vocabulary import documentation

bp = Blueprint("resources", __name__)


@bp.route("/id/<path:path>")
def identify(path: str) -> Response:
    """Redirect (303) from a resource IRI to the document in the negotiated format."""
    iri = iri_for(path)
    fmt, _ = choose_format(None, DOCUMENT_FORMATS, HTML)
    if not known(iri):
        return describe_response(not_found(fmt, iri), negotiated=True)
    return see_other(iri, fmt)


def see_other(iri: str, fmt) -> Response:
    """303 to the document about `iri` in the negotiated format (the HTML page keeps the reader's ?lang=)."""
    _, link = reader()
    response = redirect(link.resource(iri) if fmt is HTML else link.document(iri, fmt), code=303)
    response.cache_control.public = True
    response.cache_control.max_age = http.MAX_AGE
    return describe_response(response, negotiated=True)


@bp.route("/doc/<path:path>")
def document(path: str) -> Response:
    """The document about a resource, as an HTML page or in an RDF format."""
    stem, suffix = split_suffix(path)
    iri = iri_for(stem)
    fmt, negotiated = choose_format(suffix, DOCUMENT_FORMATS, HTML)
    tag = page_tag(fmt.key) if fmt is HTML else http.etag(get_store().version, iri, fmt.key)
    response = http.not_modified(tag)
    if response is None:
        response = resource_page(iri, tag) if fmt is HTML else rdf_document(iri, fmt, tag)
    if response.status_code == 404:
        return describe_response(response, negotiated=negotiated)
    return with_alternates(response, iri, fmt, negotiated)


@bp.route("/ontology", defaults={"extension": None})
@bp.route("/ontology.<extension>")
def ontology(extension: str | None) -> Response:
    """The vocabulary: its documentation page, or the ontology graph in an RDF format."""
    suffix = by_extension(extension) if extension else None
    if extension and suffix not in DOCUMENT_FORMATS:
        missing("error.404.text")
    fmt, negotiated = choose_format(suffix, DOCUMENT_FORMATS, HTML)
    tag = page_tag(fmt.key) if fmt is HTML else http.etag(get_store().version, ONTOLOGY_IRI, fmt.key)
    response = http.not_modified(tag)
    if response is None:
        sparql = queries.named_graph(ONTOLOGY_GRAPH)
        if fmt is HTML:
            graph = memo.per_release("ontology-graph", lambda: get_store().construct(sparql))
            response = render_page("ontology.html", tag=tag, doc=documentation(graph, namer(graph)),
                                   alternates=alternates(ONTOLOGY_IRI, fmt))
        else:
            triples = memo.per_release("ontology-triples", lambda: construct_sorted(sparql))
            response = http.cacheable(rdf_response(triples, fmt), tag)
    return with_alternates(response, ONTOLOGY_IRI, fmt, negotiated)


@bp.route("/ontology/<version>")
def ontology_version(version: str) -> Response:
    """A version IRI of the ontology (owl:versionIRI): 303 to the ontology document in the negotiated format."""
    fmt, _ = choose_format(None, DOCUMENT_FORMATS, HTML)
    versions = memo.per_release("ontology-versions", lambda: {
        str(row["version"]) for row in get_store().select(queries.ontology_versions())})
    if f"{ONTOLOGY_IRI}/{version}" not in versions:
        return describe_response(not_found(fmt, f"{ONTOLOGY_IRI}/{version}"), negotiated=True)
    return see_other(ONTOLOGY_IRI, fmt)


def known(iri: str) -> bool:
    """Whether the graph describes `iri`; IRIs that cannot even be put in a query are unknown."""
    try:
        return get_store().ask(queries.exists(iri))
    except ValueError:
        return False


def description_query(iri: str, sample: dict[str, int] | None = None) -> str | None:
    """The describe query for `iri` with its #fragments; None for IRIs that cannot be queried."""
    fragments = memo.per_release("fragments", lambda: queries.fragments_by_base(
        get_store().select(queries.fragment_resources())))
    try:
        return queries.describe(iri, fragments.get(iri, []), sample)
    except ValueError:
        return None


def rdf_document(iri: str, fmt, tag: str) -> Response:
    """The whole description of `iri` in an RDF format; 404 (in that format) when nothing is known."""
    sparql = description_query(iri)
    triples = construct_sorted(sparql) if sparql else []
    if not any(t.subject.value == iri for t in triples):
        return not_found(fmt, iri)
    return http.cacheable(rdf_response(triples, fmt), tag)


def namer(graph: Graph) -> Namer:
    """Names for the reader: labels from `graph`, our terms' labels from the ontology."""
    lang, link = reader()
    labels = memo.per_release("term-labels", lambda: queries.labels_by_language(
        get_store().select(queries.term_labels())))
    return Namer(graph, lang, link, labels)


def resource_page(iri: str, tag: str) -> Response:
    """The HTML page of `iri`; long lists of incoming links are sampled (BACKLINKS_SHOWN per property)."""
    try:
        totals = {str(r["p"]): int(r["n"]) for r in get_store().select(queries.incoming_counts(iri))}
    except ValueError:
        return not_found(HTML, iri)
    sparql = description_query(iri, {p: BACKLINKS_SHOWN for p in totals})
    graph = get_store().construct(sparql) if sparql else Graph()
    if (URIRef(iri), None, None) not in graph:
        return not_found(HTML, iri)
    names = namer(graph)
    page = build_page(graph, iri, names, totals)
    canonical = names.link.base + document_path(iri)  # without ?lang=: one page per resource for search engines
    return render_page("resource.html", tag=tag, page=page, schema=schema_org(graph, page, names, canonical),
                       alternates=alternates(iri, HTML), canonical=canonical,
                       map=marker(page.point, names.link.base + "map/germany.svg"))
