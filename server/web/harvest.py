"""What harvesters and crawlers read: VoID (/.well-known/void), the DCAT-AP.de catalogue (/catalog),
robots.txt, sitemap.xml (with its parts, sitemap-N.xml, once it lists more than one file may) and the JSON-LD
context (/context.jsonld).

VoID and the catalogue are the build's metadata graph as the store serves it (the build's metadata.py and
data/metadata/ write it); nothing is regenerated here. Both default to Turtle, which is what harvesters
expect; a browser asking for HTML is sent (303) to the page of the dataset or the catalogue.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from flask import Blueprint, Response, redirect
from werkzeug.routing import BaseConverter

from .. import queries
from ..formats import GRAPH_FORMATS, HTML, JSONLD, TURTLE
from .. import iris, jsonld
from ..namespaces import METADATA_GRAPH
from ..queries import FACETS, facet_key
from . import get_store, per_release, responses, served_release
from .conneg import choose, form_tag
from .documents import construct_sorted, document_headers, rdf_response, with_alternates
from .links import Linker, document_path
from .i18n import LANGUAGES
from .site import UNINDEXED, canonical_url, missing, reader, suffix_format

bp = Blueprint("harvest", __name__)
OFFERED = (*GRAPH_FORMATS, HTML)
# The document /catalog (links.NAMED_DOCUMENTS), about the dcat:Catalog id:catalog.
CATALOG = str(iris.catalog_document())
# Site pages listed in the sitemap besides every resource's document; /sparql is not, robots.txt keeps crawlers out.
PAGES = ("", "projects", "municipalities", "districts", "cooperations", "charter", "ontology", "dumps/", "exports/",
         "changes", "limits", "accessibility")


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID description of the dataset (RFC 8615 well-known location, VoID §7.2)."""
    return metadata("void", queries.named_graph(METADATA_GRAPH), iris.dataset(), None)


@bp.route("/catalog", defaults={"extension": None})
@bp.route("/catalog.<extension>")
def catalog(extension: str | None) -> Response:
    """The DCAT-AP.de catalogue: catalogue, dataset, distributions, SPARQL service, publisher, contact."""
    suffix = suffix_format(extension, GRAPH_FORMATS)
    return metadata("catalog", queries.catalog(), iris.catalog(), suffix)


def metadata(name: str, sparql: str, page, suffix) -> Response:
    """One metadata graph in the negotiated format (Turtle by default); HTML readers go to its page."""
    fmt, negotiated = choose(OFFERED, TURTLE, suffix=suffix)
    if fmt is HTML:
        return document_headers(redirect(reader()[1].resource(str(page)), code=303), negotiated=True)
    tag = responses.etag(get_store().version, name, fmt.key, form_tag())
    response = responses.conditional(tag, lambda: rdf_response(per_release.value(name, lambda: construct_sorted(sparql)),
                                                               fmt))
    if name == "catalog":
        return with_alternates(response, CATALOG, fmt, negotiated, GRAPH_FORMATS, about=str(iris.catalog()))
    return document_headers(response, negotiated=negotiated)


@bp.route("/context.jsonld")
def jsonld_context() -> Response:
    """The JSON-LD context every compact document and dump uses (server/jsonld.py): the project's prefixes."""
    body = json.dumps(jsonld.context(), ensure_ascii=False, indent=1) + "\n"
    return responses.conditional(responses.etag("context", body),
                                 lambda: Response(body, content_type=JSONLD.content_type))


@bp.route("/robots.txt")
def robots() -> Response:
    """Crawl everything but what is computed per request for any text (the query endpoint and its short links,
    search and reconciliation: endless URL spaces, a web developer's review), and read the sitemap. The paths
    under the base URL's own (`/mpsc/sparql` under `https://example.org/mpsc/`): crawlers read only the host's
    robots.txt, into which an operator copies these lines, and `/sparql` there closed another site's path (a
    sub-path deployment's review)."""
    base = reader()[1].base
    prefix = urlsplit(base).path
    closed = "".join(f"Disallow: {prefix}{path}\n" for path in UNINDEXED)
    body = f"User-agent: *\n{closed}Allow: {prefix}\n\nSitemap: {base}sitemap.xml\n"
    return responses.conditional(responses.etag(base, "robots"),
                                 lambda: Response(body, content_type="text/plain; charset=utf-8"))


# sitemaps.org 0.9: at most 50,000 URLs in one sitemap. A site with more has a sitemap index at /sitemap.xml naming
# its parts /sitemap-1.xml, /sitemap-2.xml, … (the real data has ~27,000 in both languages; the ×10 and ×100
# synthetic data of benchmarks/scale.py ~46,000 and ~200,000).
SITEMAP_URLS = 50_000
SITEMAP_PROLOGUE = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    """Every document: the site's pages, each list filter, and the page of every resource (sitemaps.org 0.9); the
    index of the parts that list them where they are more than one sitemap may hold."""
    return _sitemap_answer("sitemap", sitemap_xml)


class PartNumber(BaseConverter):
    """A sitemap part's number in its URL: ASCII digits without a leading zero ("01", "²" and "١" match no
    route, so each part has one URL), at most nine; the OpenAPI description takes the pattern from here."""
    regex = "[1-9][0-9]{0,8}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


# Before the routes: a rule finds its converter when the blueprint adds it to the app.
bp.record_once(lambda state: state.app.url_map.converters.setdefault("part", PartNumber))


@bp.route("/sitemap-<part:number>.xml")
def sitemap_part(number: int) -> Response:
    """Part `number` (1, 2, …) of a sitemap too long for one file; 404 beyond the last part, and for every part
    while one file holds the whole sitemap."""
    if number > sitemap_parts():
        missing("error.404.text")
    start = (number - 1) * SITEMAP_URLS
    return _sitemap_answer(sitemap_part_path(number), lambda: urlset(sitemap_urls()[start:start + SITEMAP_URLS]))


def sitemap_xml() -> str:
    """/sitemap.xml: the sitemap itself, or the index of its parts when one file cannot hold it."""
    parts = sitemap_parts()
    return sitemap_index(parts) if parts else urlset(sitemap_urls())


def _sitemap_answer(name: str, body) -> Response:
    """A sitemap file, made once per release (`body()`), with its validator (which the split depends on too)."""
    validator = responses.etag(get_store().version, name, reader()[1].base, str(SITEMAP_URLS))
    return responses.conditional(validator, lambda: Response(per_release.value(name, body),
                                                             content_type="application/xml; charset=utf-8"))


def sitemap_part_path(number: int) -> str:
    """The site path of part `number` of the sitemap."""
    return f"sitemap-{number}.xml"


def sitemap_parts() -> int:
    """How many parts the sitemap has: 0 while one file holds it."""
    total = len(sitemap_urls())
    return 0 if total <= SITEMAP_URLS else -(-total // SITEMAP_URLS)


def sitemap_urls() -> list[str]:
    """The canonical URL of every page, list filter and resource document in German and in English, in the
    sitemap's order (once per release). English pages were reachable only by the pages' hreflang links and the
    language switch (a search engine's review); they are listed as the pages name them (`canonical_url`)."""
    def compute() -> list[str]:
        """The site's pages first, then each project-list filter, then every document; each German, then English."""
        pages = [(page, {}) for page in PAGES]
        pages += [("projects", {facet: facet_key(row["value"])}) for facet in FACETS
                  for row in get_store().select(queries.counts_by(facet))]
        pages += [(document_path(iri), {}) for iri in document_iris()]
        return [canonical_url(path, lang, **params) for path, params in pages for lang in LANGUAGES]
    return per_release.value("sitemap-urls", compute)


def document_iris() -> list[str]:
    """The IRI of every resource with a document, sorted as SPARQL orders IRIs (by their characters). Sorted here,
    not by the query: over the ×100 synthetic data (100,011 IRIs, benchmarks/scale.py) the query took 1.8 s on
    disk and 13.7 s with ORDER BY, so that the sitemap went over the time limit at a release's first start."""
    return sorted(str(row["s"]) for row in get_store().select(queries.documents()))


def _lastmod() -> str:
    release = served_release()
    return f"<lastmod>{release.modified}</lastmod>" if release else ""


def urlset(urls: list[str]) -> str:
    """A sitemap listing `urls`, each with the served release's date."""
    lastmod = _lastmod()
    entries = "".join(f"<url><loc>{escape(url)}</loc>{lastmod}</url>\n" for url in urls)
    return f'{SITEMAP_PROLOGUE}<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'


def sitemap_index(parts: int) -> str:
    """A sitemap index naming parts 1 to `parts`, each with the served release's date."""
    link, lastmod = Linker(reader()[1].base), _lastmod()
    entries = "".join(f"<sitemap><loc>{escape(link.url(sitemap_part_path(n)))}</loc>{lastmod}</sitemap>\n"
                      for n in range(1, parts + 1))
    return f'{SITEMAP_PROLOGUE}<sitemapindex xmlns="{SITEMAP_NS}">\n{entries}</sitemapindex>\n'
