"""The thinnest Python server of SPARQL over the same engine: a ceiling for `mpsc serve` on light queries.

One granian worker speaking granian's own interface (RSGI: no WSGI environ, no Flask), the query run in the
worker itself on the store opened read-only over the on-disk copy `mpsc serve` answers from, the answer
serialized by pyoxigraph (SELECT and ASK as SPARQL JSON, graphs as Turtle). Nothing of what the public
endpoint must do is here: no routing, no parameter or syntax checks, no row or time limit, no executor that can
be killed, no log, no content negotiation, no caching headers; a query that runs away blocks it for good.

What it takes per light query is what any Python server on this engine takes at least, so on the small queries,
where the HTTP path is the cost, its ratio to Oxigraph's own server is about the best a Python server can reach
(benchmarks/light_queries.py); on a heavy query the engine decides, and runs differ by their noise. Not part of
the product.

    MPSC_THIN_STORE=DIR granian --interface rsgi --workers 1 benchmarks.thin_python:app
"""
from __future__ import annotations

import os
from urllib.parse import parse_qs

import pyoxigraph as ox

STORE = ox.Store.read_only(os.environ["MPSC_THIN_STORE"])


def serialized(query: str) -> tuple[str, bytes]:
    """(media type, body) of a query's answer."""
    answer = STORE.query(query)
    if isinstance(answer, ox.QueryTriples):
        return "text/turtle", answer.serialize(format=ox.RdfFormat.TURTLE)
    return "application/sparql-results+json", answer.serialize(format=ox.QueryResultsFormat.JSON)


async def app(scope, protocol) -> None:
    """GET ?query=… answers the query; anything else says it is up (the benchmark's readiness probe)."""
    query = parse_qs(scope.query_string).get("query")
    media_type, body = serialized(query[0]) if query else ("text/plain", b"up")
    protocol.response_bytes(200, [("content-type", media_type)], body)
