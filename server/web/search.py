"""/search (HTML and JSON) and /search/suggest (JSON, for completion in the query editor).

Both read the served release's search index through `finder.Finder`; ranking and name matching are
decided there and in `server/names.py`. Answers depend only on the release, the URL and the reader's
language (the names of the page, of JSON hits and of suggestions), so they are cached like pages.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

from flask import Blueprint, Response, request

from ..errors import HttpError
from ..formats import HTML, JSON
from . import responses, served_index
from .conneg import answers_json, choose, not_acceptable
from .finder import Finder, Found, Hit
from .params import MOST_PAGES, form_fields, whole_number
from .site import page_tag, reader, render_page

bp = Blueprint("search", __name__)
OFFERED = (HTML, JSON)
BY_NAME = {"html": HTML, "json": JSON}  # ?format=, which wins over Accept
PAGE_SIZE = 20
NEAR_SHOWN = 5  # names spelt like a text that found nothing
MAX_QUERY_CHARS = 200  # longer text is no name; refused rather than searched
SUGGEST_LIMIT, SUGGEST_MAX = 10, 50


def finder() -> Finder:
    """The index of the served release; 503 when the release has none (built before search existed)."""
    path = served_index()
    if path is None:
        raise HttpError(503, "Search is not available: the served release has no search index. Run `mpsc build`.")
    return _finder_of(path)


@functools.lru_cache(maxsize=4)
def _finder_of(path: Path) -> Finder:
    """One Finder per index file: it asks the file once which tables it has (`Finder.search`)."""
    return Finder(path)


def query_text() -> str:
    """The search text; 400 for a URL that is not UTF-8 (`params.form_fields`), as /sparql answers it: "%ff" was
    searched for as the three characters "%FF" (an attacker's review)."""
    text = next((value for name, value in form_fields(request.query_string) if name == "q"), "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise HttpError(400, f"The search text is longer than {MAX_QUERY_CHARS} characters.")
    return text


@bp.route("/search")
def search() -> Response:
    """Resources whose names, official names or identifiers match `q`, as a page or JSON (`format=json`)."""
    named = request.args.get("format")
    if named == "json":
        answers_json()
    if named is not None and named not in BY_NAME:
        raise not_acceptable(OFFERED)
    fmt = choose(OFFERED, suffix=BY_NAME.get(named or "")).format
    if named is None:  # the same URL answers a page or JSON by Accept: a shared cache must tell them apart
        responses.depends_on("Accept")
    text, page = query_text(), whole_number("page", 1, MOST_PAGES)
    if fmt is HTML:
        return responses.conditional(page_tag(), lambda: results_page(text, page))
    return responses.conditional(page_tag("json"), lambda: results_json(text, page))


def hits_for(text: str, page: int, lang: str) -> Found:
    """The hits on `page`, how many there are in all and the text searched (`Finder.find`); 404 for a page beyond
    the last (the first page of no hits is an answer: nothing found)."""
    found = finder().find(text, lang, PAGE_SIZE, (page - 1) * PAGE_SIZE) if text else Found([], 0, text)
    last = max(1, pages_of(found.total))
    if page > last:
        raise HttpError(404, f"This search has {last} page{'s' if last > 1 else ''} of results; there is no page {page}.",
                        words=("error.no_such_page", {"last": last, "page": page}))
    return found


def pages_of(total: int) -> int:
    """How many pages `total` hits fill."""
    return -(-total // PAGE_SIZE)


def near_misses(text: str, total: int, lang: str) -> list[Hit]:
    """Names spelt like a text that found nothing (`Finder.near`: "Grevesmülen" offers Grevesmühlen)."""
    return finder().near(text, lang, NEAR_SHOWN) if text and not total else []


def results_page(text: str, page: int) -> Response:
    lang, link = reader()
    hits, total, searched = hits_for(text, page, lang)
    pages = pages_of(total)
    nearby = {name: link.url("search", q=text, page=number) if 1 <= number <= pages else None
              for name, number in (("previous", page - 1), ("next", page + 1))}
    return render_page("search.html", text=text, searched=searched, hits=hits, total=total, page=page, pages=pages,
                       nearby=nearby, near=near_misses(text, total, lang), first=(page - 1) * PAGE_SIZE + 1)


def results_json(text: str, page: int) -> Response:
    lang, link = reader()
    hits, total, searched = hits_for(text, page, lang)
    body = {"query": text, "searched": searched, "total": total, "page": page, "pageSize": PAGE_SIZE,
            "results": [result(hit, link) for hit in hits],
            "near": [result(hit, link) for hit in near_misses(text, total, lang)]}
    return Response(json.dumps(body, ensure_ascii=False), content_type=JSON.content_type)


def result(hit: Hit, link) -> dict:
    """A hit in the JSON answer: as /search/suggest gives it, with how it matched and its page here."""
    return {**hit.suggestion(), "match": hit.match, "page": link.resource(hit.iri)}


@bp.route("/search/suggest")
def suggest() -> Response:
    """The best matches for `q` as [{iri, label, type, description}], for completing names while typing."""
    answers_json()
    text, limit = query_text(), whole_number("limit", SUGGEST_LIMIT, SUGGEST_MAX)
    lang = reader()[0]

    def compute() -> Response:
        hits = finder().find(text, lang, limit).hits if text else []
        return Response(json.dumps([hit.suggestion() for hit in hits], ensure_ascii=False),
                        content_type=JSON.content_type)
    return responses.conditional(page_tag("suggest"), compute)
