"""The endpoint's HTML: the query form (with the editor and the example queries) and results, in German or English.

Plain HTML forms first: the form submits by GET, so a results page has a URL to share and the same ETag/304
behaviour as every other answer, and everything works without JavaScript. Where scripts run, the editor
(sparql_editor) replaces the textarea and the views the result fits (result_views) draw a map or a chart from
the table. A results page shows at most HTML_ROWS rows, resources by their label and terms by their prefixed
name, and links the full result in every machine format; `?embed=1` shows the chosen view alone, for frames
on other sites. The pages use the site's layout and language (site.reader): links to resources and to other
results pages keep an explicit ?lang= choice.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Response, g, render_template, request

from .. import queries
from ..formats import GRAPH_FORMATS, NTRIPLES, RESULT_FORMATS, SRJ, TSV
from ..namespaces import compact
from ..numbers import number
from ..sparql import prefixes
from ..sparql.examples import example, examples, headed
from ..sparql.inspection import Inspection
from ..sparql.prefixes import PREDEFINED
from ..config import LONGEST_LINK
from ..errors import HttpError, MisspeltKeyword, QueryFailed, UndeclaredPrefix
from . import assets, get_settings, get_store, responses, result_views, sparql_editor
from .assets import STATIC
from .i18n import message, other_tag, preferred, term_label
from .links import Linker, web_link
from .maps import GEOJSON
from .params import MOST_PAGES, whole_number
from .site import page_tag, reader, render_page

HTML_ROWS = 1000
DEFAULT_QUERY = """PREFIX mpsc: <https://w3id.org/mpsc/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?project ?label ?year WHERE {
  ?project a mpsc:ModelProject ; rdfs:label ?label ; mpsc:fundingRound/mpsc:year ?year .
  FILTER(LANG(?label) = "de")
}
ORDER BY ?year ?label
LIMIT 100
"""
FORM_FORMATS = (*RESULT_FORMATS, *GRAPH_FORMATS)  # the machine formats the form offers after the HTML table


@dataclass(frozen=True)
class Cell:
    text: str  # a resource's label, a term's prefixed name, a literal's value
    href: str | None = None
    note: str = ""  # a literal's datatype where it is not one a reader recognises from the value
    lang: str = ""  # a literal's language, or a label's where not the page's: the cell's lang attribute, not text
    iri: str = ""  # the IRI behind a label or prefixed name (its tooltip)
    name: str = ""  # a term's prefixed name shown under its label


# Datatypes a reader recognises from the value itself: not repeated in every cell.
PLAIN_DATATYPES = {"xsd:string", "rdf:langString", "xsd:integer", "xsd:decimal", "xsd:double", "xsd:boolean",
                   "xsd:date", "xsd:dateTime", "xsd:gYear", "xsd:anyURI", "geo:wktLiteral"}
MAX_LABELLED = 3000  # IRIs of one result named by their label; the rest by prefixed name or IRI


def example_query(key: str | None) -> str | None:
    """The text of the example `key` from the queries folder, None for unknown keys."""
    found = example(get_settings().root / "queries", key)
    return found.query if found else None


def page_values(query: str) -> dict:
    """What the form needs on every page that shows it: the query, the formats, the examples, the editor."""
    settings = get_settings()
    lang, link = reader()
    endpoint = settings.public_base + "sparql"
    found = examples(settings.root / "queries")
    # The form's address keeps ?lang=: a GET form sends the hidden field instead, but a POST (the editor posts a
    # long query) sends its fields in the body, where the language is not read (an English reader's review).
    return {"query": query, "formats": FORM_FORMATS, "endpoint": endpoint, "action": link.url("sparql"),
            "prefixes": PREDEFINED,
            "examples": found, "run_url": run_url, "method": "get" if link_fits(permalink(query)) else "post",
            "editor": sparql_editor.config(lang, link, endpoint, found)}


def form(key: str | None) -> Response:
    """The query form (with the example `key`), cached and validated as pages are (`page_tag`, which the examples
    are part of). A review over a slow mobile network: its 119 KB went again at every visit."""
    return responses.conditional(page_tag(), lambda: form_page(example_query(key)))


def form_page(query: str | None = None, error: QueryFailed | None = None) -> Response:
    """The query form, with the examples; after a refused query, that query and why (with the error's status),
    in plain words and the reader's language, the parser's own message kept below. Such a page is never stored,
    as no error is (`responses.error_response`): a 503 of a busy moment must not outlive it in a cache."""
    if error:
        responses.refused(error)
    page = render_page("sparql/form.html", code=error.status if error else 200, error=error,
                       explained=explain(error, query or "", reader()[0]) if error else None,
                       **page_values(query or DEFAULT_QUERY))
    return responses.uncached(page) if error else page


class UnfitFormat(QueryFailed):
    """A result format chosen on the form that the query's form cannot give (Turtle for a SELECT)."""
    status = 406

    def __init__(self, form: str, offered: str):
        super().__init__(f"A {form} query cannot be answered in this format; it can be: {offered}.")
        self.form, self.offered = form, offered


def unfit_format(form: str | None, error) -> UnfitFormat:
    """The form's message for a 406: which formats fit the query (from the 406's list of media types)."""
    offered = ", ".join(f.label for f in FORM_FORMATS if f.media_type in error.details.get("offered", ()))
    return UnfitFormat(form or "SPARQL", offered)


def explain(error: QueryFailed, query: str, lang: str) -> dict:
    """What went wrong, in the reader's words: {text, line_text, caret (column, 1-based), detail (the raw message)}."""
    if isinstance(error, UnfitFormat):
        return {"text": message("sparql.unfit", lang).format(form=error.form, offered=error.offered), "detail": ""}
    if error.limit or error.words:  # a refusal the reader is told in words of the page's language
        key = f"sparql.refused.{error.limit or error.words}"
        value = getattr(get_settings(), error.limit) if error.limit else 0
        text = message(key, lang).format(n=number(int(value) if float(value).is_integer() else value, lang))
        where = _located(error, query) if error.line else {}
        return {"text": text, "detail": "", **where}
    if error.line is None:
        return {"text": error.message, "detail": ""}
    where = _located(error, query)
    if isinstance(error, UndeclaredPrefix):
        text = message("sparql.undeclared", lang).format(prefix=error.prefix + ":")
    elif isinstance(error, MisspeltKeyword):
        text = message("sparql.misspelt", lang).format(word=error.word, keyword=error.keyword)
    else:
        text = message("sparql.syntax", lang)
    return {"text": text, **where, "detail": error.message}


def _located(error: QueryFailed, query: str) -> dict:
    """The line of `query` the error names, and the column to put the caret under. Lines end at "\n" alone, as
    the parser counts them: str.splitlines also breaks at "\r", "\f" and U+2028, and showed another line than
    the one named (an attacker's review)."""
    lines = query.split("\n")
    return {"line_text": lines[min(error.line, len(lines)) - 1].removesuffix("\r"), "caret": error.column}


def results_page(query_request, info: Inspection, deadline: float) -> str:
    """The form with the query, then its result as a table (ASK: the answer), in the reader's language, with the
    views that fit it (result_views); with ?embed=1 only the chosen view."""
    store, settings = get_store(), get_settings()
    lang, linker = reader()
    dataset = {"default_graphs": query_request.default_graphs, "named_graphs": query_request.named_graphs,
               "public": True, "deadline": deadline, "order": info.star}

    def run(fmt, **options) -> bytes:
        return prefixes.run(query_request.query, info, lambda text: store.query(text, fmt, **dataset, **options))

    table, start = {"boolean": None, "variables": [], "rows": [], "total": 0}, (page_number() - 1) * HTML_ROWS
    if info.form == "ASK":
        table["boolean"] = bool(ox.parse_query_results(run(SRJ), format=ox.QueryResultsFormat.JSON))
        formats = RESULT_FORMATS[:2]
    elif info.form in ("CONSTRUCT", "DESCRIBE"):
        table.update(_triple_table(run(NTRIPLES, max_rows=settings.max_rows), lang, start))
        formats = GRAPH_FORMATS
    else:
        table.update(_solution_table(run(TSV, max_rows=settings.max_rows), start))
        formats = RESULT_FORMATS
    views = result_views.choose(query_request.query, table["rows"], len(table["variables"]),
                                request.args.get("view"))
    name = _namer(table["rows"], lang)
    table["rows"] = [[_cell(term, linker, name) for term in row] for row in table["rows"]]
    if start and start >= table["total"]:
        words = {"total": table["total"], "page": start // HTML_ROWS + 1}
        raise HttpError(404, message("error.no_result_page", "en").format(**{**words, "total": f"{table['total']:,}"}),
                        words=("error.no_result_page", words))
    downloads = [(f.label, run_url(query_request.query, f.key, query_request)) for f in formats]
    pages = {"first": start + 1, "last": start + len(table["rows"]),
             "previous": page_url(query_request, start // HTML_ROWS) if start else None,
             "next": page_url(query_request, start // HTML_ROWS + 2) if start + HTML_ROWS < table["total"] else None}
    values = {**page_values(query_request.query), **table, "downloads": downloads, "limit": HTML_ROWS, "pages": pages,
              "error": None, "views": views, "view_url": lambda view, **more: view_url(query_request, view, **more),
              "map": _map_settings(settings), "named": headed("", query_request.query).title_in(lang)}
    return render_template("sparql/embed.html" if embedded() else "sparql/results.html", **values)


def embedded() -> bool:
    """Whether the request asks for the view alone, to be shown in another page's frame."""
    return request.args.get("embed", "") not in ("", "0")


def _map_settings(settings) -> dict:
    """The map's base layers: the shipped outline of Germany where it exists, and the configured tiles."""
    outline = GEOJSON.relative_to(STATIC).as_posix()
    return {"outline": assets.url(settings.public_base, outline) if GEOJSON.exists() else "",
            "tiles": settings.map_tiles, "attribution": settings.map_attribution}


def page_number() -> int:
    """Which HTML_ROWS rows of a result the table and its views show (`page`, from 1); the downloads have all."""
    return whole_number("page", 1, MOST_PAGES)


def page_url(query_request, number: int) -> str:
    """The results page of the same query showing its `number`-th HTML_ROWS rows, in the same view."""
    return run_url(query_request.query, "html", query_request, view=request.args.get("view"),
                   page=number if number > 1 else None)


def _solution_table(tsv: bytes, start: int = 0) -> dict:
    results = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    variables = list(results.variables)
    rows = [[solution[v] for v in variables] for solution in itertools.islice(results, start, start + HTML_ROWS)]
    return {"variables": [v.value for v in variables], "rows": rows, "total": tsv.count(b"\n") - 1}


def _triple_table(ntriples: bytes, lang: str, start: int = 0) -> dict:
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    rows = [[t.subject, t.predicate, t.object] for t in itertools.islice(triples, start, start + HTML_ROWS)]
    return {"variables": [message(f"sparql.{part}", lang) for part in ("subject", "predicate", "object")],
            "rows": rows, "total": ntriples.count(b"\n")}


def _namer(rows: list[list], lang: str):
    """A function giving an IRI of `rows` its label in `lang` (one query for the page), or None, and the label's
    language where it is another than `lang` (an English page's "Kreisfreie Stadt Hamburg" is German)."""
    found = sorted({term.value for row in rows for term in row
                    if isinstance(term, ox.NamedNode) and term.value.startswith(("http://", "https://"))})
    usable = [iri for iri in found[:MAX_LABELLED] if _queryable(iri)]
    table = queries.labels_by_language(get_store().select(queries.labels(usable))) if usable else {}

    def name(iri: str) -> tuple[str | None, str]:
        texts = table.get(iri, {})
        chosen = preferred(texts, lang)
        return (chosen, other_tag(texts, chosen, lang)) if chosen else (term_label(iri, lang), "")
    return name


def _queryable(iri: str) -> bool:
    """Whether `iri` may be spliced into a query (queries.iri); others are shown without a label."""
    try:
        queries.iri(iri)
    except ValueError:
        return False
    return True


def _cell(term, linker: Linker, name) -> Cell | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        iri, prefixed = term.value, compact(term.value) or ""
        label, tag = name(iri)
        return Cell(label or prefixed or iri, linker.resource(iri) or web_link(iri), iri=iri,
                    name=prefixed if label else "", lang=tag)
    if isinstance(term, ox.Literal):
        datatype = compact(term.datatype.value) or term.datatype.value
        return Cell(term.value, note="" if datatype in PLAIN_DATATYPES else datatype, lang=term.language or "")
    return Cell(str(term))


def view_url(query_request, view: str, **more) -> str:
    """The results page of the same query in `view` (with `more` parameters, e.g. embed=1)."""
    return run_url(query_request.query, "html", query_request, view=view, **more)


def run_url(query: str, fmt_key: str = "html", query_request=None, **more) -> str:
    """The GET URL running `query` in a format, with the request's dataset parameters and `more` (view, embed);
    the HTML table keeps the reader's explicit language choice (the machine formats have no language)."""
    params = [("query", query), ("format", fmt_key)]
    if query_request is not None:
        params += [("default-graph-uri", graph) for graph in query_request.default_graphs]
        params += [("named-graph-uri", graph) for graph in query_request.named_graphs]
    params += [(key, value) for key, value in more.items() if value not in (None, "")]
    lang_param = reader()[1].lang_param
    if fmt_key == "html" and lang_param:
        params.append(("lang", lang_param))
    url = get_settings().public_base + "sparql?" + urlencode(params)
    short = g.get("short_link")  # the page answers a short link (short_links.py), which names the same query
    if short and not link_fits(url):
        return short + "?" + urlencode([(key, value) for key, value in params if key != "query"])
    return url


# What the results page reads besides the query and its format; a short link passes them on (an attacker's review:
# `/q/KEY?page=2&lang=en` showed page 1 in German).
PAGE_PARAMETERS = ("view", "page", "embed", "lang")


def permalink(query: str, formats: list[str] = (), shown: list[tuple[str, str]] = ()) -> str:
    """The URL that runs `query`, in the first of `formats` that fits it (see endpoint.py), and with the
    PAGE_PARAMETERS in `shown`."""
    return get_settings().public_base + "sparql?" + urlencode([("query", query), *(("format", f) for f in formats),
                                                               *shown])


def link_fits(url: str) -> bool:
    """Whether a URL of this server is no longer than proxies pass on (LONGEST_LINK, without the base)."""
    return len(url) - len(get_settings().public_base) <= LONGEST_LINK
