"""/openapi.json: the HTTP interface described in OpenAPI 3.1, for client generators, API catalogues and fuzzers.

The operations are written by hand (here, one function per group of views), because which statuses and headers a view
answers with is a decision of its code that no table records; tests/test_openapi.py fails when the app gains
a route this does not describe (or loses one it does) and fuzzes the description against a live server. What
could drift silently is derived instead: media types from server/formats.py (the tables the views negotiate
over, the formats each view offers), the dumps' media types from the format table and /dumps/' own one, limit names from server/config.py, the patterns of
path parameters from the app's URL converters, the static files' types from the files. The body is built once
per app and served with an ETag of its bytes.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import mimetypes
import re

from flask import Blueprint, Flask, Response, current_app

from ..config import LIMITS, LONGEST_LINK, LONGEST_TARGET
from ..formats import (CSV, CSVW_MEDIA_TYPE, FORM_MEDIA_TYPE, GRAPH_FORMATS, GZIP_MEDIA_TYPE, HTML, JSON, JSONLD,
                       NQUADS, PROBLEM, SRJ, Format)
from . import changelog, endpoint, get_settings, harvest, reconcile, responses, search
from .assets import STATIC
from .dumps import OWN_FILES
from .links import DOCUMENT_FORMATS
from .page_limit import counted
from .params import MOST_PAGES
from .short_links import ID_CHARS
from .sparql_pages import HTML_ROWS

bp = Blueprint("openapi", __name__)
MEDIA_TYPE = "application/json"  # what browsers show and every OpenAPI tool reads; the +json type is unregistered
OPENAPI = "3.1.0"
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


@bp.route("/openapi.json")
def openapi() -> Response:
    """This description; cacheable like the other metadata, its ETag a hash of its bytes."""
    body = document_bytes(current_app)
    return responses.conditional(responses.etag("openapi", hashlib.sha256(body).hexdigest()),
                                 lambda: Response(body, content_type=MEDIA_TYPE))


def document_bytes(app: Flask) -> bytes:
    """The description as JSON, built on first use: it depends only on the code and the app's settings."""
    body = app.extensions.get("mpsc.openapi")
    if body is None:
        body = json.dumps(document(app, get_settings().public_base), indent=1, ensure_ascii=False).encode("utf-8")
        app.extensions["mpsc.openapi"] = body
    return body


def document(app: Flask, base: str) -> dict:
    """The OpenAPI document of `app` as served under `base`."""
    return {
        "openapi": OPENAPI,
        "info": {"title": "Modellprojekte Smart Cities – open knowledge graph", "version": _version(),
                 "description": INTRODUCTION},
        "servers": [{"url": base.rstrip("/"), "description": "this deployment"}],
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "paths": _paths(app),
        "components": components(),
    }


def _paths(app: Flask) -> dict:
    """The operations of every route; in the app's context, whose settings some describe (the reconciliation batch)."""
    with app.app_context():
        return {openapi_path(rule): path_item(app, rule, methods) for rule, methods in operations().items()}


def _version() -> str:
    try:
        return importlib.metadata.version("mpsc-graph")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


INTRODUCTION = """\
Linked Open Data about Germany's *Modellprojekte Smart Cities*: HTML pages in German and English,
dereferenceable resource IRIs (`/id/…` answers **303** to `/doc/…`), RDF documents, a read-only SPARQL 1.1
endpoint, downloadable dumps and metadata for harvesters. Everything is public and read-only; no request
needs credentials.

* **Formats** are chosen by `Accept` (q-values honoured) where a path offers several; a suffix
  (`.ttl`, `.jsonld`, `.rdf`, `.nt`, `.html`) or, on `/sparql`, `format=` names one outright. Nothing
  acceptable is 406, listing the offered media types.
* **Languages:** pages follow `Accept-Language`; `?lang=de` or `?lang=en` overrides it.
* **Caching:** answers carry an `ETag`; a request with a matching `If-None-Match` gets 304.
* **Errors** are RFC 9457 problem details (`application/problem+json`) or, for clients preferring HTML, a page.
  A 429 or 503 carries `Retry-After`, but a 503 for a query stopped at its memory limit or after running for
  most of its time limit: sent again, it would be stopped again.
* **Every path** also answers `HEAD` (as `GET`, without the body) and `OPTIONS` (CORS preflight; every origin
  is allowed); other methods get 405 with `Allow`.
"""

TAGS = {
    "pages": "HTML pages for people, in German or English.",
    "documents": "Resources and the documents describing them, in HTML or RDF.",
    "sparql": "The SPARQL 1.1 Protocol endpoint (read-only, bounded; see /limits).",
    "dumps": "The release files and their listings.",
    "metadata": "Descriptions for harvesters, crawlers, clients and operators.",
    "reconciliation": "The W3C Reconciliation Service API 0.2 for OpenRefine: match names to IRIs, fetch values.",
}


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: `/dumps/<version>/<name>` -> `/dumps/{version}/{name}`."""
    return _ARGUMENT.sub(lambda m: "{" + m.group(2) + "}", rule)


def path_item(app: Flask, rule: str, methods: dict) -> dict:
    """The path item of `rule`: its operations, each path parameter constrained by the regular expression of
    its URL converter unless the operation lists the values (`enum`)."""
    patterns = {name: f"^(?:{app.url_map.converters[converter or 'default'].regex})$"
                for converter, name in _ARGUMENT.findall(rule)}
    return {method: {**described, "parameters": [_constrained(p, patterns) for p in described["parameters"]],
                     "responses": {**described["responses"],
                                   **(errors(429) if counted(method.upper(), openapi_path(rule)) else {}), **TOO_LONG}}
            for method, described in methods.items()}  # web/page_limit.py


# Any request may name more than the HTTP server reads (server/serve.py): granian answers 414 itself, before the
# app, to a POST with a long query string too (schemathesis found one for /reconcile).
TOO_LONG = {"414": {"$ref": "#/components/responses/URITooLong"}}


def _constrained(parameter: dict, patterns: dict[str, str]) -> dict:
    if parameter.get("in") != "path" or "enum" in parameter["schema"]:
        return parameter
    return {**parameter, "schema": {**parameter["schema"], "pattern": patterns[parameter["name"]]}}


# --- Building blocks --------------------------------------------------------------------------------------

def ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def content(*types: Format | str) -> dict:
    """A `content` map for formats or media types: a JSON body (JSON-LD, release.json) is an object or array, any
    other a string."""
    media_types = [t.media_type if isinstance(t, Format) else t for t in types]
    return {m: {"schema": {"type": ["object", "array"] if m.endswith("json") else "string"}} for m in media_types}


def answer(description: str, content: dict | None = None, **headers: dict) -> dict:
    """A response object; `headers` maps header names (underscores for dashes) to header objects."""
    response: dict = {"description": description}
    if content:
        response["content"] = content
    if headers:
        response["headers"] = {name.replace("_", "-"): header for name, header in headers.items()}
    return response


def header(name: str, required: bool = False) -> dict:
    """A reference to a shared header, or one marked required (a reference cannot be)."""
    if not required:
        return ref("headers", name)
    return {**HEADERS[name], "required": True}


def query(name: str, description: str, schema: dict | None = None, examples=(), **extra) -> dict:
    return {"name": name, "in": "query", "description": description, "schema": _schema(schema, examples), **extra}


def path(name: str, description: str, schema: dict | None = None, examples=()) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": _schema(schema, examples)}


def _schema(schema: dict | None, examples) -> dict:
    """A string schema unless given, with JSON Schema `examples` (a parameter's own `examples` is a map)."""
    return {**(schema or {"type": "string"}), **({"examples": list(examples)} if examples else {})}


def extension(formats) -> dict:
    """A suffix path parameter, naming the formats' extensions."""
    return path("extension", "The format: " + ", ".join(f"`{f.extension}` ({f.label})" for f in formats) + ".",
                {"type": "string", "enum": [f.extension for f in formats]})


def errors(*statuses: int) -> dict:
    return {str(status): ref("responses", ERROR_RESPONSES[status][0]) for status in statuses}


def not_modified() -> dict:
    return {"304": ref("responses", "NotModified")}


def operation(operation_id: str, tag: str, summary: str, description: str, responses: dict,
              parameters=(), **extra) -> dict:
    return {"operationId": operation_id, "tags": [tag], "summary": summary, "description": description,
            "parameters": list(parameters), "responses": responses, **extra}


# What every page and negotiated answer shares.
LANG = ref("parameters", "lang")
CONDITIONAL = ref("parameters", "If-None-Match")
LANGUAGE = ref("parameters", "Accept-Language")
PAGE_PARAMETERS = (LANG, LANGUAGE, CONDITIONAL)
STORE_ERRORS = (502, 503)  # what a view that reads the store can meet: an external store failing or away
SPARQL_FORMATS = endpoint.OFFERED[None]  # every form's formats: what a query or the service description may answer in
FORMAT_PARAMETERS = endpoint.FORMAT_PARAMETERS  # `format` and its other names


def page(operation_id: str, summary: str, description: str, parameters=(), extra: tuple[int, ...] = ()) -> dict:
    """An HTML page of the site: 200 with ETag and Content-Language, 304, and the store's errors."""
    responses = {"200": answer("The page.", content(HTML), ETag=header("ETag", True),
                               Content_Language=header("Content-Language", True)),
                 **not_modified(), **errors(*extra, *STORE_ERRORS)}
    return {"get": operation(operation_id, "pages", summary, description, responses, (*parameters, *PAGE_PARAMETERS))}


def document_answer(formats=DOCUMENT_FORMATS) -> dict:
    """200 for something offered in several formats: its concrete document and the other formats named."""
    return answer("The document in the chosen format.", content(*formats), ETag=header("ETag", True),
                  Content_Location=header("Content-Location", True), Link=header("Link", True),
                  Vary=header("Vary"))


def see_other(target: str) -> dict:
    return answer(f"See Other: {target}", Location=header("Location", True), Vary=header("Vary"))


# --- The operations, by Flask rule -------------------------------------------------------------------------

def operations() -> dict[str, dict]:
    """Every route of the app, keyed by its Flask rule, with its operations."""
    return {**page_routes(), **search_routes(), **document_routes(), **sparql_routes(), **short_link_routes(),
            **dump_routes(), **metadata_routes(), **reconcile_routes()}


def page_routes() -> dict[str, dict]:
    """The site's own pages, which describe no single resource: the landing page, the lists, the Charta, the limits,
    the accessibility statement, the map and the static assets."""
    facet = "Only projects of this {} (404 for a value no project has); the page's select boxes list the values."
    return {
        "/": page("home", "Start page",
                  "What the graph is, live counts per round, category and state, and the ways to use it."),
        "/projects": page("projects", "The model projects",
                          "Every model project with round, category, grantee and states, optionally filtered.",
                          [query("round", facet.format("funding round (year)"), examples=["2020"]),
                           query("category", facet.format("category"), examples=["mittelstadt"]),
                           query("state", facet.format("state (two-digit key)"), examples=["09"])], extra=(404,)),
        "/municipalities": page("municipalities", "Municipalities taking part",
                                "The municipalities that are grantees or cooperation members, by state."),
        "/districts": page("districts", "Districts taking part",
                           "The districts that are grantees or cooperation members, by state."),
        "/cooperations": page("cooperations", "Cooperations",
                              "The cooperations carrying a project, with their members (lead member first)."),
        "/charter": page("charter", "The Smart City Charta",
                         "The Charta's guidelines with their recommendations, aims and vision."),
        "/limits": page("limits", "Limits of the SPARQL endpoint",
                        "Every limit of /sparql, its value on this server, and what happens beyond it."),
        "/accessibility": page("accessibility", "Accessibility statement",
                               "How far the pages conform to BITV 2.0 and WCAG 2.1 AA, what does not and why, how "
                               "they are checked, and whom to tell of a barrier (the operator's contact)."),
        "/map/germany.svg": {"get": operation(
            "map", "pages", "The map background",
            "Germany with its 16 states (drawn from `/static/map/germany.geojson`), behind the small maps on "
            "pages of places.",
            {"200": answer("The SVG image.", content("image/svg+xml"), ETag=header("ETag", True)),
             **not_modified()}, [CONDITIONAL])},
        "/static/<path:filename>": {"get": operation(
            "static", "pages", "The site's static files", "Style sheets and other files the pages load, and "
            "`map/germany.geojson` (the states as polygons, `properties.ars` and `properties.name`).",
            {"200": answer("The file.", content(*static_media_types()), ETag=header("ETag", True)),
             **not_modified(), **errors(404)},
            [path("filename", "A file of the package's static folder.", {"type": "string"}, examples=["style.css"]),
             CONDITIONAL])},
    }


def search_routes() -> dict[str, dict]:
    """/search and /search/suggest (web/search.py)."""
    text = query("q", "The text: a name (umlauts or not, official forms such as `Köln, Stadt`), words of a title, "
                      "an AGS, ARS or Wikidata id.", {"type": "string", "maxLength": search.MAX_QUERY_CHARS},
                 examples=["Koeln", "Kirchheim b. München", "09184131", "Q365"])
    hit = {"type": "object", "required": ["iri", "label", "type", "description"], "properties": {
        "iri": {"type": "string"}, "label": {"type": "string"}, "type": {"type": "string"},
        "description": {"type": "string"}}}
    results = {"type": "object", "required": ["query", "searched", "total", "page", "pageSize", "results", "near"],
               "properties": {
        "query": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"},
        "searched": {"type": "string", "description": "The text searched: `query`, or where that finds nothing, "
                                                      "`query` without the programme's words (\"Smart City\")."},
        "pageSize": {"type": "integer"}, "results": {"type": "array", "items": hit},
        "near": {"type": "array", "items": hit, "maxItems": search.NEAR_SHOWN,
                 "description": "Where nothing was found: names spelt like `q` (`Grevesmülen`: Grevesmühlen)."}}}
    return {
        "/search": {"get": operation(
            "search", "pages", "Search",
            "Resources whose names, titles, official names or identifiers match `q`, ranked: identifier, exact "
            "name, names beginning with it, names with all its words, names with its words within a word (`stadt` in "
            "Darmstadt); the programme's resources first; where nothing matches, names spelt alike. An HTML "
            f"page ({search.PAGE_SIZE} per page) or JSON with `format=json` or `Accept: application/json`.",
            {"200": answer("The results.", {**content(HTML), JSON.media_type: {"schema": results}},
                           ETag=header("ETag", True)), **not_modified(), **errors(400, 404, 406, 503)},
            [text, query("page", "The page of results (404 beyond the last).", {"type": "integer", "minimum": 1,
                                                                                 "maximum": MOST_PAGES}),
             query("format", "`json` or `html`; wins over `Accept`.", {"type": "string", "enum": list(search.BY_NAME)}),
             LANG, LANGUAGE, CONDITIONAL])},
        "/search/suggest": {"get": operation(
            "suggest", "pages", "Completion of names",
            "The best matches for `q`, ranked as on /search, for completion in editors: "
            "`[{iri, label, type, description}]`.",
            {"200": answer("The matches.", {JSON.media_type: {"schema": {"type": "array", "items": hit}}},
                           ETag=header("ETag", True)), **not_modified(), **errors(400, 503)},
            [text, query("limit", "How many matches at most.", {"type": "integer", "minimum": 1,
                                                                "maximum": search.SUGGEST_MAX}),
             LANG, LANGUAGE, CONDITIONAL])},
    }


def static_media_types() -> list[str]:
    """The media types of the files in server/static/, as Flask guesses them when it sends one."""
    return sorted({mimetypes.guess_type(p.name)[0] or "application/octet-stream" for p in STATIC.rglob("*")
                   if p.is_file()})


def document_routes() -> dict[str, dict]:
    """/id/ (303 to a document), /doc/ in each format, /graph/ and the ontology: the Linked Data of the site."""
    resource = path("path", "The resource's path under `https://w3id.org/mpsc/id/`, slashes included.",
                    {"type": "string", "minLength": 1}, examples=["project/bamberg"])
    document = path("path", "The resource's path under `https://w3id.org/mpsc/id/`; a suffix (`.html`, `.ttl`, "
                    "`.jsonld`, `.rdf`, `.nt`) names the format outright.", {"type": "string", "minLength": 1},
                    examples=["municipality/09461000", "project/bamberg.ttl"])
    unknown = {"404": ref("responses", "DocumentNotFound")}
    return {
        "/id/<path:path>": {"get": operation(
            "resource", "documents", "A resource IRI",
            "Answers 303 See Other to the document about the resource in the negotiated format (HTML for "
            "browsers). An unknown resource is 404 in that format.",
            {"303": see_other("the document (`/doc/{path}`, or `/doc/{path}.ttl` etc. for RDF)."),
             **unknown, **errors(406, *STORE_ERRORS)}, [resource, LANG])},
        "/doc/<path:path>": {"get": operation(
            "document", "documents", "The document about a resource",
            "The resource's concise bounded description with its #fragments, the labels and types of what it "
            "links to and every incoming link, as an HTML page or in RDF; 404 in that format if unknown. A "
            "#fragment resource (`#` sent as `%23`) is described in its base's document: 301 there; so is a path "
            "with a trailing slash, in capitals or with a key that lost its leading zero, to the document it means.",
            {"200": document_answer(), **not_modified(),
             "301": answer("Moved: the base's document, at the fragment; or the document a path written otherwise "
                           "means.", Location=header("Location", True)),
             **unknown, **errors(406, *STORE_ERRORS)},
            [document, *PAGE_PARAMETERS])},
        "/graph/<path:path>": {"get": operation(
            "graph", "documents", "A named graph or one of its VoID partitions",
            "The description of a named graph (`programme`, `reference`, `ontology`, `metadata`) or of a class or "
            "property partition, from the metadata graph, as an HTML page or in RDF; 404 in that format if unknown.",
            {"200": document_answer(), **not_modified(), **unknown, **errors(406, *STORE_ERRORS)},
            [path("path", "The graph's path under `https://w3id.org/mpsc/graph/`; a suffix names the format.",
                  {"type": "string", "minLength": 1}, examples=["programme", "programme.ttl"]), *PAGE_PARAMETERS])},
        "/ontology": {"get": operation(
            "ontology", "documents", "The vocabulary",
            "The OWL vocabulary `mpsc:`: HTML documentation (each term at `#Term`) or the ontology graph.",
            {"200": document_answer(), **not_modified(), **errors(406, *STORE_ERRORS)}, PAGE_PARAMETERS)},
        "/ontology.<extension>": {"get": operation(
            "ontologyFile", "documents", "The vocabulary in one format", "The vocabulary, whatever `Accept` says.",
            {"200": document_answer(), **not_modified(), **errors(404, *STORE_ERRORS)},
            [extension(DOCUMENT_FORMATS), *PAGE_PARAMETERS])},
        "/ontology/<version>": {"get": operation(
            "ontologyVersion", "documents", "A version IRI of the vocabulary",
            "The ontology's `owl:versionIRI`: 303 to `/ontology` in the negotiated format; an earlier version "
            "(an `owl:priorVersion`) answers that version as a page or in RDF, as the release keeps it; 404 for "
            "other versions.",
            {"200": document_answer(), **not_modified(), "303": see_other("the vocabulary in the negotiated format."),
             **unknown, **errors(406, *STORE_ERRORS)},
            [path("version", "The vocabulary's version; a suffix names the format.", {"type": "string"},
                  examples=["1.0.0", "1.0.0.ttl"]), *PAGE_PARAMETERS])},
    }


def sparql_routes() -> dict[str, dict]:
    """GET and POST /sparql (SPARQL 1.1 Protocol §2.1)."""
    dataset = [query("default-graph-uri", "Replaces the query's default graph by the merge of these graphs (IRIs).",
                     {"type": "array", "items": {"type": "string"}}, explode=True),
               query("named-graph-uri", "Replaces the query's named graphs by these (IRIs).",
                     {"type": "array", "items": {"type": "string"}}, explode=True)]
    fmt_text = ("The answer's format; wins over `Accept`. A key (" + ", ".join(f"`{f.key}`" for f in SPARQL_FORMATS)
                + "), a media type, a file extension or a name SPARQLWrapper sends; for CONSTRUCT and DESCRIBE "
                "`json` and `xml` mean JSON-LD and RDF/XML. Several: the first one that fits the query's form "
                "(`format` before `output`). None that fits: 406, naming the value.")
    fmts = [query(name, fmt_text if name == "format" else "Another name for `format` (Fuseki's; SPARQLWrapper "
                  "sends both).", {"type": "array", "items": {"type": "string"}}, explode=True)
            for name in FORMAT_PARAMETERS]
    text_query = query("query", "The SPARQL 1.1 query (UTF-8). Without one, GET answers the service description "
                       "(RDF) or, for browsers, the query form; 400 where it names a dataset for a query "
                       "(`default-graph-uri`, `named-graph-uri`) or `query` in other letters.", examples=["ASK {}"])
    example = query("example", "Without `query`: the query form filled with this example query (a file name in "
                    "`queries/` without `.rq`; unknown ones give the default query).",
                    examples=["projects-per-round-and-category"])
    view = query("view", "HTML results only: the view to open (`table`, `map`, `bar`, `line`) if the result fits "
                 "it, else the one a `#defaultView:` comment in the query names, else the table.", examples=["map"])
    embed = query("embed", "HTML results only: anything but empty or `0` shows the view alone, a page other sites "
                  "may frame.", examples=["1"])
    page = query("page", f"HTML results only (elsewhere ignored): which {HTML_ROWS:,} rows the table shows, from 1; "
                 f"400 if not a whole number from 1 to {MOST_PAGES:,}, 404 beyond the result.", examples=["2"])
    form = {"type": "object", "properties": {
        "query": {"type": "string", "description": "The SPARQL query."},
        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
        **{name: {"type": "array", "items": {"type": "string"}} for name in FORMAT_PARAMETERS}}}
    body = {"required": True, "description": "The query, form-encoded or as the body itself (UTF-8); other media "
            "types are 415, `application/sparql-update` (and an `update` field) 400.",
            "content": {FORM_MEDIA_TYPE: {"schema": form, "encoding": {
                name: {"style": "form", "explode": True}
                for name in ("default-graph-uri", "named-graph-uri", *FORMAT_PARAMETERS)}},
                        "application/sparql-query": {"schema": {"type": "string"}}}}
    results = answer("The result: SELECT as SPARQL results (JSON by default), ASK as JSON, XML, CSV or TSV, "
                     "CONSTRUCT and DESCRIBE as RDF (Turtle by default), an HTML table for browsers; a GET without a "
                     "query the service description (Turtle by default) or the query form.",
                     {**content(*SPARQL_FORMATS), SRJ.media_type: {"schema": ref("schemas", "SparqlResults")}},
                     ETag=header("ETag"), Vary=header("Vary"), Content_Disposition=header("Content-Disposition"))
    refused = errors(400, 406, 413, 429, 503, 502)

    def endpoint(method: str, summary: str, description: str, parameters, **extra) -> dict:
        responses = {"200": results, **not_modified(), **refused, **(errors(415) if method == "post" else {})}
        return operation(f"sparql{method.title()}", "sparql", summary, description, responses,
                         [*parameters, LANG, LANGUAGE, CONDITIONAL], **extra)

    return {"/sparql": {
        "get": endpoint("get", "Run a query (or describe the service)",
                        "A query in the URL. The answer is cached and validated by its ETag.",
                        [text_query, *dataset, *fmts, example, view, embed, page]),
        "post": endpoint("post", "Run a query sent in the body",
                         "The query form-encoded or as `application/sparql-query`; the dataset and format may also "
                         "be given in the URL, the query not (400). A POST without a query is 400.",
                         [*dataset, *fmts], requestBody=body),
    }}


def short_link_routes() -> dict[str, dict]:
    """POST /sparql/links and GET /q/{key} (short_links.py)."""
    form = {"type": "object", "required": ["query"], "properties": {"query": {
        "type": "string", "minLength": 1, "pattern": "\\S", "description": "The SPARQL query: kept only if `/sparql` would run it (no update, no refused SERVICE call, "
        "text its lexer reads; else 400)."}}}
    link = {"type": "object", "required": ["short", "permalink"], "properties": {
        "short": {"type": "string", "description": "The short link, `/q/{key}`."},
        "permalink": {"type": "string", "description": "The URL that runs the query, `/sparql?query=…`."}}}
    created = answer("Created, or known already: the query's short link (the same for the same query).",
                     {"application/json": {"schema": link}}, Location=header("Location", True))
    key = path("key", f"The short link's key ({ID_CHARS} characters of base 32).", {"type": "string"},
               examples=["m5xq2b7kpa"])
    return {
        "/sparql/links": {"post": operation(
            "shortLinkCreate", "sparql", "Store a query for a short link",
            "Answers the short link `/q/{key}` of the query, whose key is derived from the query's text.",
            {"201": created, **errors(400, 413, 415, 429, 503, 507)}, requestBody={
                "required": True, "content": {FORM_MEDIA_TYPE: {"schema": form}}})},
        "/q/<key>": {"get": operation(
            "shortLinkFollow", "sparql", "Follow a short link",
            f"Redirects to the permalink that runs the stored query (with the `format` or `output` given here); a "
            f"query whose permalink is longer than {LONGEST_LINK:,} bytes (more than proxies pass on) is answered "
            "here, as `/sparql` would, with its parameters.",
            {"200": answer("The query's result, as `/sparql` answers it.", content(*SPARQL_FORMATS),
                           Vary=header("Vary"), Content_Disposition=header("Content-Disposition")),
             **not_modified(), "303": see_other("the permalink `/sparql?query=…`"),
             **errors(400, 404, 406, 429, 502, 503)},
            [key, *(query(name, "The answer's format, as on `/sparql`.", {"type": "array", "items": {"type": "string"}},
                          explode=True) for name in FORMAT_PARAMETERS),
             query("view", "HTML results only, as on `/sparql`.", examples=["map"]),
             query("embed", "HTML results only, as on `/sparql`.", examples=["1"]), LANG])},
    }


def dump_routes() -> dict[str, dict]:
    """/dumps/ and /exports/: the release's files, with ranges and validators, and their listings."""
    version = path("version", "A release version (12 hex digits).", {"type": "string"}, examples=["0123456789ab"])
    name = path("name", "A file of the release (listed on its page).", {"type": "string"}, examples=["mpsc.ttl"])
    file_parameters = [ref("parameters", "Range"), ref("parameters", "If-Range"), CONDITIONAL]
    file_answers = {"200": answer("The file as built.", content(*dump_media_types()), ETag=header("ETag", True),
                                  Accept_Ranges=header("Accept-Ranges")),
                    "206": answer("The requested byte range.", content(*dump_media_types()),
                                  Content_Range=header("Content-Range", True), ETag=header("ETag", True)),
                    **not_modified(), **errors(404, 416, 503)}
    # a file of the served release names where this very file stays (dumps.kept_at)
    current_answers = {**file_answers, "200": {**file_answers["200"], "headers": {
        **file_answers["200"]["headers"], "Content-Location": header("Content-Location")}}}
    listing = {"200": answer("The listing.", content(HTML), ETag=header("ETag", True)), **not_modified(), **errors(404)}
    return {
        "/dumps/": {"get": operation(
            "dumps", "dumps", "The served release's files",
            "Every file with size, triples, SHA-256 and licence, and the earlier releases.", listing,
            PAGE_PARAMETERS)},
        "/dumps/<version>/": {"get": operation(
            "releaseDumps", "dumps", "One release's files", "The files of any release still on the server.",
            listing, [version, *PAGE_PARAMETERS])},
        "/dumps/<name>": {"get": operation(
            "dump", "dumps", "A file of the served release",
            f"Sent as built, never re-encoded (`.gz` files are `{GZIP_MEDIA_TYPE}`); `Cache-Control: "
            f"max-age={responses.MAX_AGE}`. A release version without its slash is 301 to that release's listing.",
            {**current_answers, "301": answer("Moved: the release's listing.", Location=header("Location", True))},
            [name, *file_parameters])},
        "/dumps/<version>/<name>": {"get": operation(
            "releaseDump", "dumps", "A file of a given release",
            "The same file under its release's version: it never changes, so it may be cached for a year.",
            file_answers, [version, name, *file_parameters])},
        "/exports/": {"get": operation(
            "exports", "dumps", "The CSV tables",
            "The served release's CSV tables (projects, participating bodies, cooperation memberships, measures, "
            "the register's municipalities), each with its CSVW metadata.", listing, PAGE_PARAMETERS)},
        "/exports/<name>": {"get": operation(
            "export", "dumps", "A CSV table or its CSVW metadata",
            "A table of the served release (`projects.csv`) or its CSV on the Web metadata "
            "(`projects.csv-metadata.json`): columns, datatypes and the RDF statement of each cell; or the "
            "table group's (`csv-metadata.json`), with the foreign keys between the programme's tables. The same "
            "file as under /dumps/.", {**file_answers, "200": answer(
                "The file as built.", content(CSV, CSVW_MEDIA_TYPE), ETag=header("ETag", True),
                Accept_Ranges=header("Accept-Ranges"),
                Content_Location=header("Content-Location")),
                "206": answer("The requested byte range.", content(CSV, CSVW_MEDIA_TYPE),
                              Content_Range=header("Content-Range", True), ETag=header("ETag", True))},
            [path("name", "A table or its metadata.", {"type": "string"}, examples=["projects.csv"]), *file_parameters])},
    }


def dump_media_types() -> list[str]:
    """What release files are sent as: RDF dumps in their format, compressed ones as gzip, and the files about
    the release (checksums, manifest, notes)."""
    return sorted({f.media_type for f in (*GRAPH_FORMATS, NQUADS)} | {GZIP_MEDIA_TYPE, CSV.media_type, CSVW_MEDIA_TYPE}
                  | set(OWN_FILES.values()))


def metadata_routes() -> dict[str, dict]:
    """What harvesters, crawlers and operators read about the dataset and the service: catalogue, VoID, changes,
    JSON-LD context, robots.txt, sitemaps, health and this description."""
    html_redirect = see_other("a browser asking for HTML is sent to the page of the description.")
    rdf_only = tuple(f for f in harvest.OFFERED if f is not HTML)  # HTML is offered as a redirect to a page
    # A first release's changelog page names no other formats: it has no RDF.
    changes_answers = {"200": answer("The changelog in the chosen format.", content(*changelog.OFFERED),
                                     ETag=header("ETag", True), Content_Location=header("Content-Location", True),
                                     Link=header("Link"), Vary=header("Vary")), **not_modified(),
                       "404": ref("responses", "DocumentNotFound"), **errors(406)}
    return {
        "/.well-known/void": {"get": operation(
            "void", "metadata", "VoID description",
            "The dataset's VoID description with statistics per named graph (Turtle by default).",
            {"200": answer("The description.", content(*rdf_only), ETag=header("ETag", True), Vary=header("Vary")),
             "303": html_redirect, **not_modified(), **errors(406, *STORE_ERRORS)}, [LANG, CONDITIONAL])},
        "/catalog": {"get": operation(
            "catalog", "metadata", "DCAT-AP.de catalogue",
            "Catalogue, dataset, one distribution per release file, the SPARQL service (Turtle by default).",
            {"200": document_answer(rdf_only), "303": html_redirect, **not_modified(),
             **errors(406, *STORE_ERRORS)}, [LANG, CONDITIONAL])},
        "/catalog.<extension>": {"get": operation(
            "catalogFile", "metadata", "DCAT-AP.de catalogue in one format", "The catalogue, whatever `Accept` says.",
            {"200": document_answer(rdf_only), **not_modified(), **errors(404, *STORE_ERRORS)},
            [extension(rdf_only), CONDITIONAL])},
        "/changes": {"get": operation(
            "changes", "metadata", "What changed in the served release",
            "The changelog since the previous release, per named graph: resources added, removed and modified, "
            "with the properties that changed. A page by default, RDF by `Accept`; a first release has none (its "
            "page says so, its RDF is 404).", changes_answers, PAGE_PARAMETERS)},
        "/changes/<name>": {"get": operation(
            "releaseChanges", "metadata", "What changed in a release",
            "The changelog of any release on the server; a format's extension after the version picks the format.",
            changes_answers, [path("name", "A release version, optionally with a format's extension.",
                                   examples=["0123456789ab", "0123456789ab.ttl"]), *PAGE_PARAMETERS])},
        "/context.jsonld": {"get": operation(
            "jsonldContext", "metadata", "The JSON-LD context",
            "The prefixes every compact JSON-LD document and dump uses (`@context`).",
            {"200": answer("The context.", content(JSONLD), ETag=header("ETag", True)), **not_modified()},
            [CONDITIONAL])},
        "/robots.txt": {"get": operation(
            "robots", "metadata", "Crawl rules", "Everything but /sparql, and where the sitemap is.",
            {"200": answer("The rules.", content("text/plain"), ETag=header("ETag", True)), **not_modified()},
            [CONDITIONAL])},
        "/sitemap.xml": {"get": operation(
            "sitemap", "metadata", "Sitemap", "Every page, each project-list filter and every resource document; "
            f"where they are more than {harvest.SITEMAP_URLS:,} (the most one sitemap may list), the sitemap index of "
            "the parts that list them.",
            {"200": answer("The sitemap, or the sitemap index (sitemaps.org 0.9).", content("application/xml"),
                           ETag=header("ETag", True)), **not_modified(), **errors(*STORE_ERRORS)}, [CONDITIONAL])},
        "/sitemap-<part:number>.xml": {"get": operation(
            "sitemapPart", "metadata", "Part of the sitemap",
            f"Part 1, 2, … of a sitemap with more than {harvest.SITEMAP_URLS:,} URLs, as its index names them; "
            "there are none while one file holds the whole sitemap.",
            {"200": answer("The part (sitemaps.org 0.9).", content("application/xml"), ETag=header("ETag", True)),
             **not_modified(), **errors(404, *STORE_ERRORS)},
            [path("number", "The part's number, from 1.", examples=["1"]), CONDITIONAL])},
        "/healthz": {"get": operation(
            "health", "metadata", "Health",
            "Whether this server can answer: its store, the release version the store serves and the current "
            "release on disk (they differ after a build until the server restarts). Never cached.",
            {"200": answer("The store answers; `degraded` when the releases folder lacks files of the served release "
                           "(`files.absent`).", {"application/json": {"schema": ref("schemas", "Health")}}),
             "503": answer("The store cannot answer, or a query found its on-disk files damaged (`store.damaged`).",
                           {"application/json": {"schema": ref("schemas", "Health")}},
                           Retry_After=header("Retry-After", True))})},
        "/openapi.json": {"get": operation(
            "openapi", "metadata", "This description", "The HTTP interface in OpenAPI 3.1.",
            {"200": answer("The OpenAPI document.", {MEDIA_TYPE: {"schema": {"type": "object",
                                                                             "required": ["openapi", "paths"]}}},
                           ETag=header("ETag", True)), **not_modified()}, [CONDITIONAL])},
    }


# What /reconcile accepts as `queries` and `extend` (the specification's schemas, as far as this service reads them).
_VALUE = {"oneOf": [{"type": ["string", "number", "boolean"]},
                    {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}]}
QUERY_BATCH = {"type": "object", "additionalProperties": {
    "type": "object", "additionalProperties": False, "anyOf": [
        {"required": ["query"]}, {"required": ["properties"], "properties": {"properties": {"minItems": 1}}}],
    "properties": {
        "query": {"type": "string"}, "limit": {"type": "number"}, "type_strict": {"enum": ["any", "should", "all"]},
        "type": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "properties": {"type": "array", "items": {"type": "object", "required": ["pid", "v"], "properties": {
            "pid": {"type": "string"}, "v": {"oneOf": [_VALUE, {"type": "array", "items": _VALUE}]}}}}}}}
EXTENSION = {"type": "object", "required": ["ids", "properties"], "properties": {
    "ids": {"type": "array", "items": {"type": "string"}},
    "properties": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
        "id": {"enum": list(reconcile.PROPERTIES)}}}}}}


def query_batch(most: int) -> dict:
    """What /reconcile accepts as `queries`: at most `most` (MPSC_RECONCILE_BATCH) queries."""
    return {**QUERY_BATCH, "maxProperties": most}


def json_parameter(name: str, description: str, schema: dict, example) -> dict:
    """A query parameter whose value is JSON (OpenAPI's `content` instead of `schema`)."""
    return {"name": name, "in": "query", "description": description,
            "content": {"application/json": {"schema": schema, "example": example}}}


def reconcile_routes() -> dict[str, dict]:
    """/reconcile and its helpers: the W3C Reconciliation Service API 0.2 (https://reconciliation-api.github.io/specs/0.2/)."""
    spec = "https://reconciliation-api.github.io/specs/0.2/schemas/"
    most = get_settings().reconcile_batch
    queries = query_batch(most)
    batch = json_parameter("queries", "A batch of reconciliation queries (schema `reconciliation-query-batch`), at "
                           f"most {most}; answered by a result batch.", queries, {"q0": {"query": "Köln"}})
    extend = json_parameter("extend", "A data extension query: entity ids and the properties to fetch.",
                            EXTENSION, {"ids": ["municipality/05315000"], "properties": [{"id": "ags"}]})

    def json_answer(description: str, schema: str) -> dict:
        return answer(description, {"application/json": {"schema": {"type": "object", "description": spec + schema + ".json"}}})

    service_answer = json_answer("Without parameters the service manifest; with `queries` a result batch; with "
                                 "`extend` the values of the properties.", "manifest")
    form = {"type": "object", "properties": {"queries": queries, "extend": EXTENSION},
            "additionalProperties": False}
    body = {"required": False,
            "description": "`queries` or `extend` as JSON in a form field (as OpenRefine sends them); a body with "
                           "neither is refused (400).",
            "content": {FORM_MEDIA_TYPE: {"schema": form, "encoding": {
                "queries": {"contentType": "application/json"}, "extend": {"contentType": "application/json"}}}}}
    prefix = query("prefix", "What the user has typed so far.", examples=["Münch"])
    refused = errors(400, 429, *STORE_ERRORS)  # a batch counts in the client's budget (web/admission.py)

    def suggest(kind: str, schema: str, parameters=(), statuses=()) -> dict:
        return {"get": operation(f"suggest{kind.title()}", "reconciliation", f"Complete {kind} names",
                                 f"{kind.title()}s whose name begins (or, for types and properties, contains) the prefix.",
                                 {"200": json_answer("The suggestions.", schema), **errors(*statuses, *STORE_ERRORS)},
                                 [prefix, *parameters])}

    return {
        "/reconcile": {
            "get": operation("reconcile", "reconciliation", "Reconciliation service (manifest, queries, extension)",
                             "Match names to the graph's resources, as OpenRefine does.",
                             {"200": service_answer, **refused}, [batch, extend]),
            "post": operation("reconcilePost", "reconciliation", "Reconciliation queries or extension in the body",
                              "The same as GET, form-encoded.", {"200": service_answer, **refused, **errors(415)},
                              [batch, extend], requestBody=body)},
        "/reconcile/suggest/entity": suggest("entity", "suggest-entities-response", [query(
            "type", "Only entities of this type (a type id such as `Municipality`).", examples=["Municipality"]),
            query("cursor", "How many suggestions to skip (ten come at a time).",
                  {"type": "integer", "minimum": 0, "maximum": 1000})], statuses=(400,)),
        "/reconcile/suggest/type": suggest("type", "suggest-types-response"),
        "/reconcile/suggest/property": suggest("property", "suggest-properties-response"),
        "/reconcile/extend/propose": {"get": operation(
            "proposeProperties", "reconciliation", "Properties to fetch", "The properties data extension offers; "
            "for a `type`, those that at least one resource of that type has a value of.",
            {"200": json_answer("`type` and `properties`.", "data-extension-property-proposal"),
             **errors(*STORE_ERRORS)}, [query("type", "The type the properties are for.", examples=["Municipality"])])},
        "/reconcile/preview": {"get": operation(
            "reconcilePreview", "reconciliation", "Preview of an entity",
            "A small HTML page about one entity, for OpenRefine's preview iframe.",
            {"200": answer("The preview.", content(HTML)), **errors(404, *STORE_ERRORS)},
            [query("id", "The entity id, e.g. `municipality/05315000`.", examples=["municipality/05315000"],
                   required=True), LANG, LANGUAGE])},
    }


# --- Components ------------------------------------------------------------------------------------------

# Status -> (component name, description) of the error answers, each a problem+json body or an HTML page.
ERROR_RESPONSES = {
    400: ("BadRequest", "The query is refused: a syntax error (with `line` and `column`), an update, a SERVICE "
                        "call not allowed here, nesting too deep, too many rows, not UTF-8, or several queries."),
    404: ("NotFound", "Nothing here, or a filter value or file name that does not exist."),
    406: ("NotAcceptable", "None of the acceptable formats is offered (`offered` lists the media types that are), "
                           "or the result cannot be written in the chosen XML format (a character XML cannot carry, "
                           "a predicate RDF/XML cannot write) and Accept takes no other format; `detail` names the "
                           "formats to ask for instead."),
    413: ("ContentTooLarge", "The query is longer than the endpoint's limit (see /limits)."),
    415: ("UnsupportedMediaType", "The body is neither form-encoded nor `application/sparql-query`, or not UTF-8."),
    416: ("RangeNotSatisfiable", "The requested byte range lies outside the file."),
    429: ("TooManyRequests", "This client (or all clients of its address together, whatever their User-Agents) "
                             "has too many queries running or waiting or used its query time for this minute, or it "
                             "stored its new short links for this hour, or (by its address) is sending too many "
                             "request bodies at once or waiting for too many pages and documents at once; `limit` "
                             "names which. Retry after `Retry-After` seconds."),
    507: ("InsufficientStorage", "This server keeps no more short links (MPSC_MAX_SHORT_LINKS); the permalink "
                                 "works."),
    502: ("BadGateway", "The external triplestore answered with an error (over `--store URL` only), or a SERVICE "
               "endpoint the query calls (`MPSC_SERVICE_ALLOW`) could not be reached or gave no usable answer."),
    503: ("ServiceUnavailable", "Short links cannot be stored here, or the query reached the time or memory limit "
                                "and was stopped, the queue is full (`limit`: `queue`), the store cannot be "
                                "reached, or a file, the search index or the store is damaged on this server (the "
                                "operator is told). Retry after `Retry-After` seconds; without it (a query stopped "
                                "at its memory limit or after running for most of its time limit) the same query "
                                "would be stopped again."),
}
# What an error answer's body is: problem details, or the error page for clients preferring HTML (conneg.wants_html).
ERROR_CONTENT = {PROBLEM.media_type: {"schema": ref("schemas", "Problem")}, **content(HTML)}


def components() -> dict:
    """What several operations share: schemas, headers, parameters, and the error and 304 answers."""
    return {"schemas": SCHEMAS, "headers": HEADERS, "parameters": PARAMETERS, "responses": {
        **{name: error_response(status, description) for status, (name, description) in ERROR_RESPONSES.items()},
        "NotModified": answer("Not Modified: the copy named in `If-None-Match` is current.", ETag=header("ETag")),
        "URITooLong": answer(f"URI Too Long: the request target is longer than {LONGEST_TARGET:,} bytes, the HTTP "
                             "server's limit (no body); send a long query by POST, in the body."),
        "DocumentNotFound": answer("Not Found: nothing is known about this IRI. The body is in the negotiated "
                                   "format: an HTML page, or an empty RDF document; problem details for a path no "
                                   "resource can have (a line break in it).",
                                   {**content(*DOCUMENT_FORMATS), **ERROR_CONTENT}),
    }}


def error_response(status: int, description: str) -> dict:
    """An error answer: problem details for scripts, a page for browsers; 429 and 503 say when to retry (a 503
    not always: ERROR_RESPONSES)."""
    retry = {"Retry_After": header("Retry-After", status == 429)} if status in (429, 503) else {}
    return answer(description, ERROR_CONTENT, **retry)


SCHEMAS = {
    "Problem": {
        "type": "object", "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "description": "For a limit exceeded, its row of /limits (`…/limits#max_rows`); "
                                                      "else `about:blank`: the status says what happened."},
            "title": {"type": "string", "description": "The status's reason phrase."},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string", "description": "What went wrong, in plain words."},
            "line": {"type": "integer", "minimum": 1, "description": "A syntax error's line in the query."},
            "column": {"type": "integer", "minimum": 1, "description": "A syntax error's column in the query."},
            "limit": {"type": "string", "enum": list(LIMITS), "description": "The limit exceeded (see /limits)."},
            "offered": {"type": "array", "items": {"type": "string"},
                        "description": "With 406: the media types that are offered."},
        },
    },
    "SparqlResults": {
        "type": "object", "description": "SPARQL 1.1 Query Results JSON: `results` for SELECT, `boolean` for ASK.",
        "required": ["head"],
        "properties": {
            "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
            "results": {"type": "object", "required": ["bindings"],
                        "properties": {"bindings": {"type": "array", "items": {
                            "type": "object", "additionalProperties": ref("schemas", "RdfTerm")}}}},
            "boolean": {"type": "boolean"},
        },
        "oneOf": [{"required": ["results"]}, {"required": ["boolean"]}],
    },
    "RdfTerm": {
        "type": "object", "required": ["type", "value"],
        "properties": {"type": {"type": "string", "enum": ["uri", "literal", "bnode", "triple"]},
                       "value": {}, "xml:lang": {"type": "string"}, "datatype": {"type": "string"}},
    },
    "Health": {
        "type": "object", "required": ["status", "store", "release", "worker", "queries"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "degraded", "unavailable"]},
            "store": {"type": "object", "required": ["ok"], "description": "The store's kind, version and state.",
                      "properties": {"ok": {"type": "boolean"}}},
            "release": {"type": ["string", "null"], "description": "The current release on disk."},
            "files": {"type": ["object", "null"], "required": ["version", "whole", "absent"],
                      "description": "Whether the releases folder holds the served release's files as its manifest "
                                     "lists them: `absent` names those it lacks or holds at another size (`release.json` "
                                     "alone: the release's folder or manifest is gone); null while the store names no "
                                     "version, and over a remote store where the releases folder holds no release.",
                      "properties": {"version": {"type": "string"}, "whole": {"type": "boolean"},
                                     "absent": {"type": "array", "items": {"type": "string"}}}},
            "worker": {"type": "integer", "description": "The process id of the worker that answered."},
            "queries": {"type": "object", "required": ["running", "waiting", "in_flight", "executors", "queue"],
                        "description": "That worker's public queries: running, waiting for an executor, all work "
                                       "admitted (`in_flight`: reconciliation batches too), and the most it takes "
                                       "(`executors`; at `executors` + `queue` in flight, queries get 503).",
                        "properties": {name: {"type": "integer", "minimum": 0}
                                       for name in ("running", "waiting", "in_flight", "executors", "queue")}},
        },
    },
}

HEADERS = {
    "ETag": {"description": "Validator of this answer; send it back in `If-None-Match`.", "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before trying again.",
                    "schema": {"type": "string", "pattern": "^[0-9]+$"}},
    "Location": {"description": "Where to go.", "schema": {"type": "string"}},
    "Content-Location": {"description": "The concrete document answered (with its suffix); for a file of the served "
                                        "release, where this very file stays (`/dumps/{version}/{name}`).",
                         "schema": {"type": "string"}},
    "Link": {"description": "The other formats of the document (`rel=\"alternate\"`, RFC 8288) and its FAIR Signposting "
                            "(`cite-as`, `collection`, `license`; from a page `describedby` and `type`, from an RDF "
                            "document `describes`).",
             "schema": {"type": "string"}},
    "Vary": {"description": "The request headers the answer depends on.", "schema": {"type": "string"}},
    "Content-Language": {"description": "The page's language, `de` or `en`.", "schema": {"type": "string"}},
    "Content-Disposition": {"description": "`inline` with the name a browser saves the answer under "
                                           "(`query-result.csv` for a query's CSV results).",
                            "schema": {"type": "string"}},
    "Accept-Ranges": {"description": "`bytes`: downloads can be resumed.", "schema": {"type": "string"}},
    "Content-Range": {"description": "The bytes sent, of how many.", "schema": {"type": "string"}},
}

PARAMETERS = {
    "lang": query("lang", "The page language, `de` or `en`; overrides `Accept-Language` and stays on every link. "
                  "Other values are ignored.", examples=["en"]),
    "Accept-Language": {"name": "Accept-Language", "in": "header", "schema": {"type": "string"},
                        "description": "The reader's languages; German unless English is preferred."},
    "If-None-Match": {"name": "If-None-Match", "in": "header", "schema": {"type": "string"},
                      "description": "ETags of copies the client holds; a current one gets 304."},
    "If-Range": {"name": "If-Range", "in": "header", "schema": {"type": "string"},
                 "description": "The file's ETag, to resume a download only if the file is the same: else 200 with the "
                                "whole of it. A date never matches (files are validated by their SHA-256 alone)."},
    "Range": {"name": "Range", "in": "header", "schema": {"type": "string"},
              "description": "Byte ranges (`bytes=1000-`), to resume a download: 206."},
}
