"""/sparql: the SPARQL 1.1 Protocol endpoint, read-only and bounded.

A query arrives by GET (`query=`), POST form (`query=`) or POST `application/sparql-query`; the protocol's
`default-graph-uri`/`named-graph-uri` replace the query's own dataset. Before anything runs, the query is
inspected (server.sparql.inspection): updates and unlisted SERVICE calls are refused, and its form decides
which formats are offered. The format comes from the `format` parameter (or `output`, Fuseki's name for it,
which SPARQLWrapper sends too), else from Accept (q-values), else the form's default; nothing acceptable is 406
with the offered types. Without a query (and without a dataset for one: 400), GET answers the service
description, or for browsers the query form. Answers carry an ETag from release version, the exact
query text, dataset and format (and, for HTML, the reader's language), so a repeated request can be
answered 304 without running it; the response cache uses the same key.
"""
from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from ..formats import CSV, FORM_MEDIA_TYPE, GRAPH_FORMATS, HTML, RDFXML, SRJ, SRX, TSV, Format
from ..rdfio import serialize_sorted, sorted_triples
from ..config import ENVIRONMENT, applied_limits
from ..sparql.description import Limit, service_description
from ..sparql import prefixes
from ..sparql.inspection import Inspection, inspect, misspelt_keyword, unknown_prefix
from ..errors import (READ_ONLY, EvaluationFailed, HttpError, NotInRdfXml, NotInXml, QueryFailed, ReadOnly,
                      ServiceFailed)
from . import get_settings, get_store, hooks, responses, sparql_pages
from .admission import client_in
from .cache import ResponseCache
from .conneg import Choice, choose, instead, wants_html
from .i18n import LANGUAGES, message
from .params import decode, form_fields, refuse_other_charsets
from .site import reader

bp = Blueprint("endpoint", __name__)

# ASK in CSV and TSV too: `true` or `false` alone, as Oxigraph writes it (a protocol review: SPARQLWrapper's CSV
# return format got a 406 for an ASK, which Fuseki and Oxigraph answer).
OFFERED = {"SELECT": (SRJ, SRX, CSV, TSV, HTML), "ASK": (SRJ, SRX, CSV, TSV, HTML),
           "CONSTRUCT": (*GRAPH_FORMATS, HTML), "DESCRIBE": (*GRAPH_FORMATS, HTML),
           # No recognisable form: accept any format, so the parser's syntax error is what the client sees.
           None: (SRJ, SRX, CSV, TSV, *GRAPH_FORMATS, HTML)}
DESCRIPTION_FORMATS = (*GRAPH_FORMATS, HTML)
FORMAT_PARAMETERS = ("format", "output")  # Virtuoso's and Fuseki's names; SPARQLWrapper sends both


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: list[str]
    named_graphs: list[str]
    formats: list[str]  # values of the FORMAT_PARAMETERS, in request order


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    """Answer a query, or describe the service when there is none."""
    responses.depends_on("Accept")
    query_request = read_request()
    return describe() if query_request is None else answer(query_request)


def answer(query_request: "QueryRequest") -> Response:
    """The answer to a query in the negotiated format (also a short link's, short_links.py); for browsers, errors
    are shown on the query form."""
    responses.depends_on("Accept")
    try:
        info = inspected(query_request.query)
        refuse_unsafe(info)
        fmt, response = answered(choose(OFFERED[info.form], requested=query_request.formats), query_request, info)
        if fmt is not HTML:  # a browser saved CSV results as "sparql", with no suffix (a spreadsheet user's review)
            response.headers["Content-Disposition"] = f"inline; filename=query-result.{fmt.extension}"
        return response
    except QueryFailed as refused:
        error = reworded(query_request.query, refused)
        if wants_html():  # a reader stays on the form, with the message next to the query
            return sparql_pages.form_page(query_request.query, error)
        if error is refused:
            raise
        raise error from None
    except HttpError as error:
        if error.status == 406 and wants_html():  # a format that does not fit the query's form, chosen on the form
            return sparql_pages.form_page(query_request.query, sparql_pages.unfit_format(info.form, error))
        raise


def reworded(query: str, error: QueryFailed) -> QueryFailed:
    """A syntax error at a misspelt keyword, named where the word stands (`misspelt_keyword`); any other error as
    it is. The lexing is charged to the client as `inspected`'s is; a client over its budget, or a full queue, gets
    the engine's words (a refusal there turned a 503 at the time limit into a 429)."""
    if error.line is None:
        return error
    try:
        with current_app.extensions["mpsc.admission"].charge(requesting_client()):
            return misspelt_keyword(query, error)
    except HttpError:
        return error


def answered(choice: Choice, query_request: "QueryRequest", info: Inspection) -> tuple[Format, Response]:
    """The format and the answer: in the one chosen, or where the answer does not fit the XML Accept chose (a
    character XML cannot hold, a predicate RDF/XML cannot write), in the next format it takes (`conneg.instead`).
    That misfit is remembered with the inspections (by release, query, dataset and format), so that a repeated
    request goes to the other format's 304 or cached answer at once: it ran the query in full each time, 304s
    included (a review of this change: 6–7 s for each)."""
    fmt = choice.format
    other = instead(OFFERED[info.form], fmt) if choice.negotiated and fmt in (SRX, RDFXML) else None
    if other is None:
        return fmt, respond_in(fmt, query_request, info)
    recent = current_app.extensions["mpsc.inspections"]
    unfit = hashlib.sha256(repr((get_store().version, fmt.key, query_request.query, query_request.default_graphs,
                                 query_request.named_graphs)).encode("utf-8")).digest()
    if recent.get(unfit):
        return other, respond_in(other, query_request, info)
    try:
        return fmt, respond_in(fmt, query_request, info)
    except (NotInXml, NotInRdfXml):
        recent.put(unfit, True, 64)
        return other, respond_in(other, query_request, info)


def respond_in(fmt: Format, query_request: "QueryRequest", info: Inspection) -> Response:
    """The answer to a query in `fmt`, or its 304."""
    return respond(fmt, lambda: execute(query_request, info, fmt), query_request.query, query_request.default_graphs,
                   query_request.named_graphs, volatile=info.volatile)


def inspected(query: str) -> Inspection:
    """The query's inspection (sparql/inspection.py), charged to the client like a query: lexing takes the web
    worker's own time (up to a quarter of a second for 100 KB of `1+1+…`), so it is done only within the
    client's budget, and counts in it. A query text seen recently is not lexed again (INSPECTION_BYTES, by its
    SHA-256): its answer may come from the response cache or be a 304, which wait behind no budget or queue."""
    depth, recent = get_settings().max_query_depth, current_app.extensions["mpsc.inspections"]
    key = hashlib.sha256(f"{depth} {query}".encode("utf-8")).digest()
    found = recent.get(key)
    if found is None:
        with current_app.extensions["mpsc.admission"].charge(requesting_client()):
            found = inspect(query, depth)
        recent.put(key, found, footprint(found))
    return found


def footprint(inspection: Inspection) -> int:
    """About the bytes an inspection holds: a few hundred, and the texts it lists, which grow with the query: the
    names of `SELECT *`'s variables (tens of thousands in a query of the size limit) and SERVICE IRIs."""
    return 512 + sum(sys.getsizeof(text) + 8 for text in (*inspection.star, *inspection.services))


def read_request() -> QueryRequest | None:
    """The query and its protocol parameters (SPARQL 1.1 Protocol §2.1), or None for a request without a query."""
    params = MultiDict(form_fields(request.query_string))  # request.args keeps what is not UTF-8 undecoded
    if request.method == "POST":
        content_type = request.mimetype
        if content_type == "application/sparql-update":
            raise HttpError(400, READ_ONLY)
        if content_type not in (FORM_MEDIA_TYPE, "application/sparql-query"):
            raise HttpError(415, "Send the query as application/x-www-form-urlencoded (query=…) or "
                                      "as application/sparql-query.")
        refuse_other_charsets()
        try:
            if content_type == FORM_MEDIA_TYPE:
                for name, value in form_fields(request.get_data()):
                    params.add(name, value)  # after those of the URL
            elif "query" in params:
                raise HttpError(400, "Send the query either in the body or as query= in the URL, not both.")
            elif body := decode(request.get_data()):  # an empty body is no query (below), not a syntax error in one
                params.setlist("query", [body])
        except RequestEntityTooLarge:  # a direct POST's body is the query; a form's holds other fields too
            if content_type != FORM_MEDIA_TYPE:
                raise too_large() from None
            raise HttpError(413, hooks.body_too_large(get_settings().request_bytes)) from None
    if "update" in params:
        raise HttpError(400, READ_ONLY)
    queries = params.getlist("query")
    if len(queries) > 1:
        raise HttpError(400, "Send exactly one query parameter.")
    if not queries and request.method == "POST":  # a GET without one may ask for the service description
        raise HttpError(400, "A POST must carry a query: query=… in a form, or the query itself as "
                             "application/sparql-query.")
    if not queries:
        refuse_a_query_without_its_text(params)
        return None
    if len(queries[0].encode("utf-8")) > get_settings().max_query_bytes:
        raise too_large()
    return QueryRequest(as_read(queries[0]), given(params, "default-graph-uri"),
                        given(params, "named-graph-uri"), requested_formats(params))


def refuse_a_query_without_its_text(params: MultiDict) -> None:
    """400 for a GET that names a query's dataset, or a `query` parameter in other letters, without `query`: it is
    a query operation lacking its query (SPARQL 1.1 Protocol §2.1), not a request for the service description,
    which a results parser then failed to read (a review with Comunica: a source URL holding ?default-graph-uri=
    got `?query=` appended after it)."""
    dataset = [name for name in ("default-graph-uri", "named-graph-uri") if given(params, name)]  # an empty one: none
    misspelt = [name for name in params if name.lower() == "query"]
    if dataset or misspelt:
        raise HttpError(400, f"{(dataset or misspelt)[0]} was sent without a query: send the query as query=… "
                             "(in lower case), or nothing for the service description.")


def as_read(sent: str) -> str:
    """The query as the endpoint reads it: a .rq file saved by a Windows editor begins with a byte-order mark,
    which no parser reads, however it is sent (and a short link of it is one of the query without it)."""
    return sent.removeprefix("\ufeff")


def given(params, name: str) -> list[str]:
    """The non-empty values of a dataset parameter: Virtuoso's query forms and permalinks send an empty
    `default-graph-uri=`, which names no graph (a SPARQL client developer's review: it was a 400)."""
    return [value for value in params.getlist(name) if value]


def requested_formats(params) -> list[str]:
    """The non-empty values of the FORMAT_PARAMETERS, `format` first: its values decide where both are given."""
    return [value for name in FORMAT_PARAMETERS for value in params.getlist(name) if value]


def too_large() -> HttpError:
    limit = get_settings().max_query_bytes
    return HttpError(413, f"The query is larger than {limit:,} bytes, the limit of this endpoint.", limit="max_query_bytes")


def refuse_unsafe(info: Inspection) -> None:
    """Refuse updates, a prefix neither declared nor predefined where the engine knows none of its own, and SERVICE
    calls to endpoints not on the allow-list (MPSC_SERVICE_ALLOW)."""
    if info.update:
        raise ReadOnly(READ_ONLY)
    undeclared = None if get_store().own_prefixes else unknown_prefix(info)
    if undeclared is not None:
        raise undeclared
    allowed = get_settings().service_allow
    for service in info.services:
        if service not in allowed:
            raise QueryFailed(f"SERVICE <{service}> is not allowed here; this endpoint calls "
                              f"{'only ' + ', '.join(allowed) if allowed else 'no other endpoints'}.")


def respond(fmt: Format, compute, *request_parts, volatile: bool = False) -> Response:
    """The answer in `fmt`: 304 for a matching conditional request, else the body from the cache or `compute()`.

    Its ETag, also the cache key, is made of the release version, `request_parts` exactly as sent, the format
    and for HTML the reader's language and the URL, which its links (language switch, ?lang=) are made from.
    A `volatile` query (one calling NOW(), RAND(), UUID() or STRUUID(): sparql/inspection.py) is computed for
    each request and kept by no cache: a notebook sampling with ORDER BY RAND() had got one sample.
    """
    parts, language = [get_store().version, *request_parts, fmt.key], None
    if fmt is HTML:
        responses.depends_on("Accept-Language")
        language, _ = reader()
        parts += [language, request.full_path]
        if sparql_pages.embedded():
            hooks.allow_framing()
    if volatile:
        response = responses.uncached(Response(compute(), content_type=fmt.content_type))
    else:
        tag = responses.etag(*parts)
        response = responses.conditional(tag, lambda: Response(cached(tag, compute), content_type=fmt.content_type))
    if language:
        response.headers["Content-Language"] = language
    return response


def cached(key: str, compute) -> bytes:
    """The body under `key` in the response cache, computed (and kept) if it is not there."""
    cache: ResponseCache = current_app.extensions["mpsc.sparql_cache"]
    body = cache.get(key)
    if body is None:
        body = compute()
        cache.put(key, body)
    return body


def requesting_client(by_agent: bool = True) -> str:
    """The client the request counts for in the budgets (web/admission.py `client_in`); without `by_agent`, its
    address alone."""
    return client_in(request.environ, get_settings().trusted_proxies, by_agent)


def execute(query_request: QueryRequest, info: Inspection, fmt: Format) -> bytes:
    """The result bytes in `fmt`, or the HTML results page, once the client's budget and the queue admit it. A
    query that calls SERVICE and fails in evaluation is a 502 in one text, whatever the endpoint answered (a
    review: an endpoint answering HTML was a 400, a closed port a 502, which told whether something listens)."""
    try:
        with current_app.extensions["mpsc.admission"].admit(requesting_client()) as deadline:
            return RESULT_RENDERERS[fmt.kind](query_request, info, fmt, deadline)
    except EvaluationFailed:
        if info.services:
            raise ServiceFailed() from None
        raise


def results_page(query_request: QueryRequest, info: Inspection, fmt: Format, deadline: float) -> bytes:
    return sparql_pages.results_page(query_request, info, deadline).encode("utf-8")


def results(query_request: QueryRequest, info: Inspection, fmt: Format, deadline: float) -> bytes:
    return prefixes.run(query_request.query, info, lambda text: get_store().query(
        text, fmt, default_graphs=query_request.default_graphs, named_graphs=query_request.named_graphs,
        max_rows=get_settings().max_rows, public=True, deadline=deadline, order=info.star))


# What renders a query's answer, by the kind of the negotiated format.
RESULT_RENDERERS = {"html": results_page, "results": results, "rdf": results}


def describe() -> Response:
    """The service description in RDF, or the query form for browsers (also with ?example=key)."""
    fmt = choose(DESCRIPTION_FORMATS, requested=requested_formats(request.args)).format
    return DESCRIPTION_RENDERERS[fmt.kind](fmt)


def query_form(fmt: Format) -> Response:
    return sparql_pages.form(request.args.get("example"))


def service_description_answer(fmt: Format) -> Response:
    """The service description, tagged by what its bytes depend on besides the release: the settings it states
    (an operator's review: a changed MPSC_MAX_ROWS kept the old tag, and caches kept the old limits)."""
    settings = get_settings()
    stated = [str(getattr(settings, name)) for name in applied_limits(settings)] + sorted(settings.service_allow)
    return respond(fmt, lambda: description_bytes(fmt), "service-description", settings.public_base, stated)


def description_bytes(fmt: Format) -> bytes:
    store, settings = get_store(), get_settings()
    formats = [f for f in OFFERED[None] if f is not HTML]
    limits = [Limit(name, ENVIRONMENT[name], getattr(settings, name), unit,
                    {lang: message(f"limit.{name}", lang) for lang in LANGUAGES})
              for name, (unit, _) in applied_limits(settings).items()]
    graph = service_description(settings.public_base + "sparql", formats, store.version, store.graph_sizes(),
                                federated=bool(settings.service_allow), limits=limits,
                                limits_page=settings.public_base + "limits", functions=store.extension_functions)
    return serialize_sorted(sorted_triples(graph), fmt.ox_format)


DESCRIPTION_RENDERERS = {"html": query_form, "rdf": service_description_answer}
