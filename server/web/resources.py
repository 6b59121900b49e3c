"""Dereferenceable URIs: /id/… answers 303 See Other to /doc/…, the document in HTML or RDF; /ontology,
and its version IRI /ontology/{version}, which answers 303 to /ontology the same way (an earlier version's IRI
answers that version, which the release keeps).

Cool URIs for the Semantic Web, 303 pattern: an IRI names the thing, its document describes it. The
document is the resource's description from `queries.document` (the same graph for every format), shown
as a page or serialised; a suffix (.ttl, .jsonld, .rdf, .nt, .html) names one format outright.
"""
from __future__ import annotations

from typing import Callable

import pyoxigraph as ox
from flask import Blueprint, Response, redirect
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, VOID

from .. import iris, queries, rdfio
from ..dates import spoken_date
from ..formats import HTML, Format
from ..namespaces import BASE, DCATDE, MPSC, ONTOLOGY_GRAPH, ONTOLOGY_IRI
from . import get_store, per_release, responses, served_index, served_release
from .conneg import choose, form_tag, wants_expanded_jsonld
from .documents import (alternates, construct_sorted, document_headers, licence_rows, licence_texts, rdf_response,
                        signposts, with_alternates)
from .dumps import kept_listing
from .finder import Finder
from .i18n import other_tag, preferred
from .links import DOCUMENT_FORMATS, document_path, graph_iri_for, iri_for, split_suffix
from .maps import Parts, place_map
from .page_model import BACKLINKS_SHOWN, Namer, Page, Value, build_page, by_text
from .schemaorg import schema_org
from .site import (InLanguage, canonical_url, missing, not_found, page_tag, page_versions, reader, render_page,
                   suffix_format)
from .vocabulary import documentation

bp = Blueprint("resources", __name__)


@bp.route("/id/<path:path>")
def identify(path: str) -> Response:
    """Redirect (303) from a resource IRI to the document in the negotiated format; for a retired one 301 to its
    successor or 410, and for one written otherwise (`written_otherwise`) 301 straight to what it means."""
    iri = iri_for(path)
    fmt = choose(DOCUMENT_FORMATS).format
    if not known(iri):  # a retired identifier is known: the graph says it is deprecated
        meant = written_otherwise(path)
        if meant is None:
            return document_headers(not_found(fmt=fmt, details={"iri": iri}), negotiated=True)
        iri = iri_for(meant)
        if iri not in retired():
            return moved_to(reader()[1].url("id/" + meant))
    if iri in retired():
        return moved(iri, fmt, lambda new: reader()[1].url("id/" + iris.path_of(new)))
    return see_other(iri, fmt)


def written_otherwise(path: str) -> str | None:
    """The path of a known resource an unknown /id/ path means: with a trailing slash, in capitals (our
    identifiers are lower case; a LOD Cloud reviewer's: `project/Bamberg` was a 404), or with a key that lost
    its leading zero (a linker's review: `municipality/9461000` from a spreadsheet was a 404)."""
    bare = path.rstrip("/")
    for candidate in dict.fromkeys((bare, bare.lower(), iris.key_restored(bare.lower()))):
        if candidate and candidate != path and known(iri_for(candidate)):
            return candidate
    return None


def see_other(iri: str, fmt) -> Response:
    """303 to the document about `iri` in the negotiated format (the HTML page keeps the reader's ?lang=); for
    JSON-LD's expanded form to the document without a suffix, which negotiates it again (`.jsonld` is compacted)."""
    _, link = reader()
    concrete = fmt is not HTML and not wants_expanded_jsonld()
    response = redirect(link.document(iri, fmt) if concrete else link.resource(iri), code=303)
    return document_headers(responses.public(response), negotiated=True)


@bp.route("/doc/<path:path>")
def document(path: str) -> Response:
    """The document about a resource, as an HTML page or in an RDF format. A #fragment resource (its `#` sent
    as %23) has no document of its own: it is described in its base's, where this sends the reader (301); so is a
    path written otherwise (`written_otherwise`: a trailing slash, a key without its leading zero), as for /id/."""
    stem, suffix = split_suffix(path)
    if stem.startswith("#"):  # a fragment of nothing
        missing("error.404.text")
    iri, link = iri_for(stem), reader()[1]
    if "#" in stem:
        return redirect(link.document(iri, suffix) if suffix else link.resource(iri), code=301)

    def address(new: str) -> str:
        return link.document(new, suffix, lang=link.lang_param) if suffix else link.resource(new)

    if iri not in retired():
        response = serve_document(iri, suffix)
        # only once the document is missing: the documents that exist pay for no look-up
        meant = written_otherwise(stem) if response.status_code == 404 else None
        if meant is None:
            return response
        iri = iri_for(meant)
        if iri not in retired():
            return moved_to(address(iri), negotiated=suffix is None)
    # a retired identifier, however written: straight to its successor (a search engine's review: a trailing
    # slash took two redirects)
    return moved(iri, choose(DOCUMENT_FORMATS, suffix=suffix).format, address, negotiated=suffix is None)


def retired() -> dict[str, tuple[str | None, str, str]]:
    """The identifiers the served release no longer uses (sources/curation/retired.csv), each with the IRI that
    replaced it or None, the day and the reason; read once per release."""
    return per_release.value("resources.retired", lambda: {
        row["old"]["value"]: (row["new"]["value"] if "new" in row else None, row["day"]["value"], row["reason"]["value"])
        for row in get_store().bindings(queries.retired())})


def moved(iri: str, fmt: Format, address, negotiated: bool = True) -> Response:
    """301 Moved Permanently to `address(new)` for a retired identifier that another replaced, cacheable like a
    303; 410 Gone saying why for one withdrawn (a linker's review: their IRIs had become 404s between releases).
    `negotiated`: the answer's format was chosen by Accept (not by a suffix), so it varies by it."""
    new, day, reason = retired()[iri]
    if new is None and fmt.kind == "rdf":  # the statements that say so (a portal's review: RDF clients read an
        response = rdf_response(construct_sorted(queries.statements_of(iri)), fmt)  # empty graph, no reason)
        response.status_code = 410
        return document_headers(responses.uncached(response), negotiated=negotiated)
    if new is None:
        said = spoken_date(day, reader()[0]) if fmt is HTML else day  # a page writes days as the reader does
        return document_headers(not_found("error.410.text", fmt=fmt, details={"iri": iri}, status=410, day=said,
                                          reason=InLanguage(reason, "en")), negotiated=negotiated)
    return moved_to(address(new), negotiated)


def moved_to(address: str, negotiated: bool = True) -> Response:
    """301 Moved Permanently, cacheable like a 303."""
    return document_headers(responses.public(redirect(address, code=301)), negotiated=negotiated)


@bp.route("/graph/<path:path>")
def graph_document(path: str) -> Response:
    """A named graph (`/graph/programme`) or one of its VoID partitions, described by the metadata graph: its
    IRI is its document's address, as for /catalog, so it dereferences without a redirect."""
    stem, suffix = split_suffix(path)
    return serve_document(graph_iri_for(stem), suffix)


def serve_document(iri: str, suffix: Format | None) -> Response:
    fmt, negotiated = choose(DOCUMENT_FORMATS, suffix=suffix)
    response = conditional_document(iri, fmt, lambda: DOCUMENT_RENDERERS[fmt.kind](iri, fmt))
    if response.status_code == 404:
        return document_headers(response, negotiated=negotiated)
    return with_alternates(response, iri, fmt, negotiated)


@bp.route("/ontology", defaults={"extension": None})
@bp.route("/ontology.<extension>")
def ontology(extension: str | None) -> Response:
    """The vocabulary: its documentation page, or the ontology graph in an RDF format."""
    suffix = suffix_format(extension, DOCUMENT_FORMATS)
    fmt, negotiated = choose(DOCUMENT_FORMATS, suffix=suffix)
    response = conditional_document(ONTOLOGY_IRI, fmt, lambda: ONTOLOGY_RENDERERS[fmt.kind](fmt))
    return with_alternates(response, ONTOLOGY_IRI, fmt, negotiated)


def conditional_document(iri: str, fmt: Format, render: Callable[[], Response]) -> Response:
    """A document's answer or 304: a page is tagged by what decides it (the release, its URL, the reader's
    language, …), as it cites the release; an RDF document by its bytes, which a new release mostly leaves as they
    were (a replica operator's review: each release gave each of the documents a new tag, so that caches fetched
    them all again, and a client moving between replicas of two releases never got a 304). Its tag is remembered
    per release, so a revalidation is answered without rendering it again."""
    if fmt is HTML:
        return responses.conditional(page_tag(fmt.key), render)
    return responses.conditional_on_content(render, per_release.value("document tags", dict),
                                            (iri, fmt.key, form_tag()))


def ontology_page(fmt: Format) -> Response:
    graph = per_release.value("ontology-graph", lambda: get_store().construct(queries.named_graph(ONTOLOGY_GRAPH)))
    return render_page("ontology.html", doc=documentation(graph, namer(graph)), alternates=alternates(ONTOLOGY_IRI, fmt),
                       signposted=signposts(ONTOLOGY_IRI, fmt))


def ontology_rdf(fmt: Format) -> Response:
    sparql = queries.named_graph(ONTOLOGY_GRAPH)
    return rdf_response(per_release.value("ontology-triples", lambda: construct_sorted(sparql)), fmt)


@bp.route("/ontology/<version>")
def ontology_version(version: str) -> Response:
    """A version IRI of the ontology (owl:versionIRI): the current one 303 to the ontology document in the
    negotiated format; an earlier one, which the release keeps as a file, answers that version as a page or in RDF
    (a suffix, `/ontology/1.3.0.ttl`, names one format as on documents)."""
    version, suffix = split_suffix(version)
    iri = f"{ONTOLOGY_IRI}/{version}"
    versions = per_release.value("ontology-versions", lambda: {
        str(row["version"]) for row in get_store().select(queries.ontology_versions())})
    if iri in versions:
        return see_other(ONTOLOGY_IRI, choose(DOCUMENT_FORMATS, suffix=suffix).format)
    release = served_release()
    path = release.ontology_version(version) if release else None
    if path is None:
        fmt = choose(DOCUMENT_FORMATS).format
        return document_headers(not_found(fmt=fmt, details={"iri": iri}), negotiated=True)
    fmt, negotiated = choose(DOCUMENT_FORMATS, suffix=suffix)
    triples = per_release.value(f"ontology-version {version}", lambda: rdfio.canonical(
        [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE)]))
    if fmt is HTML:
        response = responses.conditional(page_tag(fmt.key), lambda: earlier_ontology_page(iri, triples))
    else:
        response = conditional_document(iri, fmt, lambda: rdf_response(triples, fmt))
    return with_alternates(response, iri, fmt, negotiated)  # named as every document is (a protocol review)


def earlier_ontology_page(iri: str, triples: list[ox.Triple]) -> Response:
    """The page of an earlier version of the ontology, from its file as the release keeps it, with a link to the
    current one (a Linked Data consumer's review: following owl:priorVersion from the page led a reader to a 406
    or a download)."""
    graph = rdfio.to_graph(triples)
    return render_page("ontology.html", doc={**documentation(graph, namer(graph)), "current": reader()[1].url("ontology")},
                       alternates=alternates(iri, HTML), signposted=signposts(iri, HTML))


def known(iri: str) -> bool:
    """Whether the graph describes `iri`; IRIs that cannot even be put in a query are unknown."""
    try:
        return get_store().ask(queries.exists(iri))
    except ValueError:
        return False


def description_query(iri: str, sample: dict[str, int] | None = None) -> str | None:
    """The query for the document about `iri` with its #fragments; None for IRIs that cannot be queried."""
    try:
        return queries.document(iri, fragments(iri), sample)
    except ValueError:
        return None


def fragments(iri: str) -> list[str]:
    """The #fragment resources of `iri`'s document, as the build listed them in the release's index. Without that
    list (a release built before it, or the store serving a release that is not in the releases folder, whose
    current one may differ) they are found by a query over every statement, once per release: 1.2 s over the real
    data on disk, 15 s (more than the time limit) over the ×100 synthetic data."""
    release = served_release()
    index = served_index(release) if release is not None and release.version == get_store().version else None
    listed = Finder(index).fragments(iri) if index is not None else None
    if listed is not None:
        return listed
    return per_release.value("fragments", lambda: queries.fragments_by_base(
        get_store().select(queries.fragment_resources()))).get(iri, [])


def rdf_document(iri: str, fmt: Format) -> Response:
    """The whole description of `iri` in an RDF format, saying what it is about, under which licences and
    in which dataset; 404 (in that format) when nothing is known."""
    sparql = description_query(iri)
    triples = construct_sorted(sparql) if sparql else []
    if not any(t.subject.value == iri for t in triples):
        return not_found(fmt=fmt, details={"iri": iri})
    return rdf_response(sorted(set(triples) | about_document(iri), key=rdfio.triple_order), fmt)


def about_document(iri: str) -> set[ox.Triple]:
    """The document's own statements: its primary topic (unless the IRI is the document, as for a graph), the
    licences of the graphs its statements come from with their attributions, and the dataset it belongs to."""
    doc = ox.NamedNode(BASE + document_path(iri))
    statements = {ox.Triple(doc, ox.NamedNode(str(VOID.inDataset)), ox.NamedNode(str(iris.dataset())))}
    if doc.value != iri:
        statements.add(ox.Triple(doc, ox.NamedNode(str(FOAF.primaryTopic)), ox.NamedNode(iri)))
    for row in licence_rows(iri):
        statements.add(ox.Triple(doc, ox.NamedNode(str(DCTERMS.license)), ox.NamedNode(str(row["licence"]))))
        if "attribution" in row:
            statements.add(ox.Triple(doc, ox.NamedNode(str(DCATDE.licenseAttributionByText)),
                                     rdfio.to_ox(row["attribution"])))
    return statements


def namer(graph: Graph, page: str = "") -> Namer:
    """Names for the reader of `page`: labels from `graph`, our terms' labels from the ontology."""
    lang, link = reader()
    labels = per_release.value("term-labels", lambda: queries.labels_by_language(
        get_store().select(queries.term_labels())))
    return Namer(graph, lang, link, labels, page)


def page_of(iri: str) -> tuple[Graph, Namer, Page] | None:
    """The graph, names and page model of `iri`'s page; None where the store says nothing about it. Long lists of
    incoming links are sampled (BACKLINKS_SHOWN per property)."""
    try:
        totals = {str(r["p"]): int(r["n"]) for r in get_store().select(queries.incoming_counts(iri))}
    except ValueError:
        return None
    sparql = description_query(iri, {p: BACKLINKS_SHOWN for p in totals})
    graph = get_store().construct(sparql) if sparql else Graph()
    if (URIRef(iri), None, None) not in graph:
        return None
    names = namer(graph, iri)
    return graph, names, build_page(graph, iri, names, totals)


def dataset_schema() -> dict | None:
    """The dataset's schema.org JSON-LD, on the start page and the dataset's own page alike, with the start page
    in the reader's language as its `url`: the catalogue names the start page the dataset's landing page, where
    dataset search engines read it (an F-UJI review found none there), and two pages marking up one dataset with
    two `url`s can be two datasets to Google's Dataset Search (a search-engine review). Built once per release and
    language: the dataset's page model took 60 ms of each rendering of the start page."""
    lang = reader()[0]
    schema = per_release.value(f"dataset-schema {lang}", _dataset_schema)
    return {**schema, "url": canonical_url("", lang)} if schema else None


def _dataset_schema() -> dict | None:
    found = page_of(str(iris.dataset()))
    if found is None:
        return None
    graph, names, page = found
    return schema_org(graph, page, names, "")


def resource_page(iri: str, fmt: Format = HTML) -> Response:
    """The HTML page of `iri` (`page_of`)."""
    found = page_of(iri)
    if found is None:
        return not_found(fmt=HTML, details={"iri": iri})
    graph, names, page = found
    page.projects_here, page.projects_list = projects_here(graph, iri, page, names)
    page.projects_above = projects_above(graph, iri, page, names)
    # Each language version is its own page for search engines, named as the hreflang alternates name it: the
    # English page's canonical without ?lang= would fold it into the German one, which a crawler gets by default.
    canonical = page_versions()[names.lang]
    schema = dataset_schema() if iri == str(iris.dataset()) else schema_org(graph, page, names, canonical)
    return render_page("resource.html", page=page, schema=schema,
                       alternates=alternates(iri, HTML), signposted=signposts(iri, HTML),
                       citation=citation(iri, names.lang),
                       map=place_map(iri, page.point, part_points(graph, iri, page.point),
                                     names.link.base + "map/germany.svg"))


PLACES = (MPSC.State, MPSC.District, MPSC.MunicipalAssociation, MPSC.Municipality)


def citation(iri: str, lang: str) -> dict:
    """What a page's suggested citation names besides the page's title: the dataset's title, the release the store
    serves (its version and day, from the store: a replica may hold no release files, or others), and the licences
    of the graphs that hold the resource's facts with the attribution each asks for (dl-de/by-2-0's source note),
    linked to their texts (a municipal officer's review: no page said how to cite it, nor which release it shows)."""
    facts = per_release.value("dataset-citation", lambda: get_store().select(queries.dataset_titles_and_day()))
    titles = {row["value"].language or "": str(row["value"]) for row in facts if row["p"] == DCTERMS.title}
    day = next((str(row["value"]) for row in facts if row["p"] == DCTERMS.modified), "")
    version = get_store().version
    # where that version's files stay, for a reader who comes back to what was cited (a citing researcher's review:
    # the only address in the citation was the IRI, which shows the current state)
    return {"dataset": preferred(titles, lang), "version": version, "day": day, "release_url": kept_listing(version),
            "licences": licence_texts(iri)}


def projects_here(graph: Graph, iri: str, page: Page, names: Namer) -> tuple[list[Value], str | None]:
    """The model projects in a place of the register or covering it (`queries.projects_in`) but those it takes part
    in itself (`page.projects`), named for the reader; and for a state, its filter of the project list."""
    if not any((URIRef(iri), RDF.type, kind) in graph for kind in PLACES):
        return [], None
    found = {str(row["project"]) for row in get_store().select(queries.projects_in(iri))}
    state = (URIRef(iri), RDF.type, MPSC.State) in graph
    return (named_projects(found, names, {v.href for v in page.projects}),
            names.link.url("projects", state=queries.facet_key(iri)) if state and found else None)


# The places made of municipalities: their pages' maps show their municipalities (by the word a caption names them
# with, maps.Parts), and a municipality's page the projects of those it lies in (`projects_above`).
WHOLES = {MPSC.District: "district", MPSC.MunicipalAssociation: "association"}


def projects_above(graph: Graph, iri: str, page: Page, names: Namer) -> list[Value]:
    """The model projects of the district or municipal association a municipality or association lies in
    (`queries.projects_of_wholes`) that the page names nowhere else: the district's project is not the town's, but a
    town's officer looks for it there."""
    if not any((URIRef(iri), RDF.type, kind) in graph for kind in (MPSC.Municipality, MPSC.MunicipalAssociation)):
        return []
    found = {str(row["project"]) for row in get_store().select(queries.projects_of_wholes(iri, WHOLES))}
    return named_projects(found, names, {v.href for v in (*page.projects, *page.projects_here)})


def named_projects(found: set[str], names: Namer, shown: set[str]) -> list[Value]:
    """The projects `found`, named for the reader and sorted by name, but those whose page link is `shown`."""
    table = queries.labels_by_language(get_store().select(queries.labels(found))) if found else {}
    values = []
    for project in sorted(found):
        labels = table.get(project, {})
        text = preferred(labels, names.lang) or project
        value = Value(text, names.link.resource(project), lang=other_tag(labels, text, names.lang))
        if value.href not in shown:
            values.append(value)
    return by_text(values)


def part_points(graph: Graph, iri: str, point) -> Parts | None:
    """The points of the municipalities of a district or municipal association, which mark where it lies when it
    has no point of its own, and how many municipalities it has: the register gives eight no point, and a caption
    counting the dots undercounted their districts (a GIS review). Sorted, so that every store gives the page the
    same bytes (a Virtuoso operator's review: the dots came in the store's order)."""
    whole = next((word for kind, word in WHOLES.items() if (URIRef(iri), RDF.type, kind) in graph), None)
    if point is not None or whole is None:
        return None
    rows = get_store().select(queries.municipality_points(iri))
    points = sorted((row["wkt"] for row in rows if "wkt" in row), key=str)
    return Parts(whole, len({str(row["m"]) for row in rows}), points)


# What renders a document, by the kind of the negotiated format.
DOCUMENT_RENDERERS = {"html": resource_page, "rdf": rdf_document}
ONTOLOGY_RENDERERS = {"html": ontology_page, "rdf": ontology_rdf}
