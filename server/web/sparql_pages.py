"""The endpoint's HTML: the query form (with the example queries) and results as a table, in German or English.

Plain HTML forms, no JavaScript: the form submits by GET, so a results page has a URL to share and
the same ETag/304 behaviour as every other answer. A results page shows at most HTML_ROWS rows and links
the full result in every machine format. The pages use the site's layout and language (site.reader):
links to resources and to other results pages keep an explicit ?lang= choice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Response, render_template

from ..formats import GRAPH_FORMATS, NTRIPLES, RESULT_FORMATS, SRJ, TSV
from ..namespaces import compact
from ..sparql.examples import example, examples
from ..errors import QueryFailed
from . import get_settings, get_store
from .i18n import message
from .links import Linker, web_link
from .site import reader, render_page

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
    text: str
    href: str | None = None
    note: str = ""  # language tag or datatype of a literal


def example_query(key: str | None) -> str | None:
    """The text of the example `key` from the queries folder, None for unknown keys."""
    found = example(get_settings().root / "queries", key)
    return found.query if found else None


def form_page(query: str | None = None, error: QueryFailed | None = None) -> Response:
    """The query form, with the examples; after a refused query, that query and why (with the error's status),
    in plain words and the reader's language, the parser's own message kept below."""
    settings = get_settings()
    return render_page("sparql/form.html", code=error.status if error else 200, query=query or DEFAULT_QUERY,
                       error=error, explained=explain(error, query or "", reader()[0]) if error else None,
                       formats=FORM_FORMATS, endpoint=settings.public_base + "sparql",
                       examples=examples(settings.root / "queries"), run_url=run_url)


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


_UNDECLARED = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*$")


def explain(error: QueryFailed, query: str, lang: str) -> dict:
    """What went wrong, in the reader's words: {text, line_text, caret (column, 1-based), detail (the raw message)}."""
    if isinstance(error, UnfitFormat):
        return {"text": message("sparql.unfit", lang).format(form=error.form, offered=error.offered), "detail": ""}
    if error.line is None:
        return {"text": error.message, "detail": ""}
    lines = query.splitlines() or [""]
    line_text = lines[min(error.line, len(lines)) - 1]
    before = _UNDECLARED.search(line_text[:error.column].rstrip())
    if "Prefix not found" in error.message and before:
        text = message("sparql.undeclared", lang).format(prefix=(before.group(1) or "") + ":")
    else:
        text = message("sparql.syntax", lang)
    return {"text": text, "line_text": line_text, "caret": error.column, "detail": error.message}


def results_page(query_request, form: str | None, deadline: float) -> str:
    """The form with the query, then its result as a table (ASK: the answer), in the reader's language."""
    store, settings = get_store(), get_settings()
    lang, linker = reader()
    dataset = {"default_graphs": query_request.default_graphs, "named_graphs": query_request.named_graphs,
               "public": True, "deadline": deadline}
    table = {"boolean": None, "variables": [], "rows": [], "total": 0}
    if form == "ASK":
        table["boolean"] = bool(ox.parse_query_results(store.query(query_request.query, SRJ, **dataset),
                                                       format=ox.QueryResultsFormat.JSON))
        formats = RESULT_FORMATS[:2]
    elif form in ("CONSTRUCT", "DESCRIBE"):
        data = store.query(query_request.query, NTRIPLES, max_rows=settings.max_rows, **dataset)
        table.update(_triple_table(data, lang))
        formats = GRAPH_FORMATS
    else:
        data = store.query(query_request.query, TSV, max_rows=settings.max_rows, **dataset)
        table.update(_solution_table(data))
        formats = RESULT_FORMATS
    table["rows"] = [[_cell(term, linker) for term in row] for row in table["rows"]]
    downloads = [(f.label, run_url(query_request.query, f.key, query_request)) for f in formats]
    return render_template("sparql/results.html", query=query_request.query, formats=FORM_FORMATS,
                           endpoint=settings.public_base + "sparql", downloads=downloads, limit=HTML_ROWS,
                           error=None, **table)


def _solution_table(tsv: bytes) -> dict:
    results = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    variables = list(results.variables)
    rows = [[solution[v] for v in variables] for _, solution in zip(range(HTML_ROWS), results)]
    return {"variables": [v.value for v in variables], "rows": rows, "total": tsv.count(b"\n") - 1}


def _triple_table(ntriples: bytes, lang: str) -> dict:
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    rows = [[t.subject, t.predicate, t.object] for _, t in zip(range(HTML_ROWS), triples)]
    return {"variables": [message(f"sparql.{part}", lang) for part in ("subject", "predicate", "object")],
            "rows": rows, "total": ntriples.count(b"\n")}


def _cell(term, linker: Linker) -> Cell | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Cell(compact(term.value) or term.value, linker.resource(term.value) or web_link(term.value))
    if isinstance(term, ox.Literal):
        note = f"@{term.language}" if term.language else compact(term.datatype.value) or term.datatype.value
        return Cell(term.value, note="" if note == "xsd:string" else note)
    return Cell(str(term))


def run_url(query: str, fmt_key: str = "html", query_request=None) -> str:
    """The GET URL running `query` in a format, with the request's dataset parameters; the HTML table keeps
    the reader's explicit language choice (the machine formats have no language)."""
    params = [("query", query), ("format", fmt_key)]
    if query_request is not None:
        params += [("default-graph-uri", g) for g in query_request.default_graphs]
        params += [("named-graph-uri", g) for g in query_request.named_graphs]
    lang_param = reader()[1].lang_param
    if fmt_key == "html" and lang_param:
        params.append(("lang", lang_param))
    return get_settings().public_base + "sparql?" + urlencode(params)
