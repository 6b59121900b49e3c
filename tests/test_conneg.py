"""Content negotiation (server/web/conneg.py) as a header matrix: one decision, every route's offer.

A request context is all the decision reads, so the matrix runs without sockets; the routes' use of it is
checked against live servers in test_resources.py, test_sparql_endpoint.py and test_catalog.py.
"""
from __future__ import annotations

import pytest
from flask import Flask

from server.errors import HttpError
from server.formats import CSV, GRAPH_FORMATS, HTML, JSONLD, NTRIPLES, RDFXML, SRJ, SRX, TSV, TURTLE
from server.web.conneg import choose, wants_html

DOCUMENTS = (HTML, *GRAPH_FORMATS)  # a resource's document: HTML first
CATALOGUE = (*GRAPH_FORMATS, HTML)  # metadata: Turtle first
SELECT = (SRJ, SRX, CSV, TSV, HTML)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
APP = Flask(__name__)


def chosen(offered, accept=None, **options):
    headers = {"Accept": accept} if accept is not None else {}
    with APP.test_request_context(headers=headers):
        return choose(offered, **options)


@pytest.mark.parametrize("offered, accept, expected, negotiated", [
    (DOCUMENTS, None, HTML, True),
    (DOCUMENTS, "*/*", HTML, True),
    (DOCUMENTS, BROWSER, HTML, True),
    (DOCUMENTS, "text/turtle", TURTLE, True),
    (DOCUMENTS, "application/ld+json;q=0.9, text/turtle;q=0.5", JSONLD, True),
    (DOCUMENTS, "text/*", HTML, True),  # HTML comes first among the text types offered
    (DOCUMENTS, "application/rdf+xml, text/html;q=0.1", RDFXML, True),
    (DOCUMENTS, "text/plain", NTRIPLES, True),  # N-Triples' alias
    (CATALOGUE, None, TURTLE, True),
    (CATALOGUE, "*/*", TURTLE, True),  # wildcards only: the route's default
    (CATALOGUE, BROWSER, HTML, True),
    (SELECT, "application/json", SRJ, True),
    (SELECT, "text/csv;q=1, application/sparql-results+json;q=0.5", CSV, True),
    (SELECT, "text/turtle, */*;q=0.1", SRJ, True),
    (SELECT, "application/sparql-results+xml;q=abc", SRJ, True),  # a range whose weight is no number is left out,
    (SELECT, "text/csv;q=nan, application/sparql-results+json;q=0.5", SRJ, True),  # and no range left is no header
    # at one q, a type the header names beats one a wildcard matches (a JavaScript developer's review: axios's
    # default got HTML, the first offered); among named ones, the order offered decides
    (DOCUMENTS, "application/json, text/plain, */*", JSONLD, True),
    (DOCUMENTS, "text/turtle, */*", TURTLE, True),
    (DOCUMENTS, "text/*, application/rdf+xml", RDFXML, True),
    (CATALOGUE, "text/html, */*", HTML, True),
    (SELECT, "text/csv, */*", CSV, True),
])
def test_accept_picks_the_format(offered, accept, expected, negotiated):
    assert chosen(offered, accept) == (expected, negotiated)


@pytest.mark.parametrize("offered, accept", [(DOCUMENTS, "image/png"), (SELECT, "text/turtle"),
                                             (DOCUMENTS, "text/turtle;q=0"), (DOCUMENTS, "*/*;q=0")])
def test_nothing_acceptable_is_406_listing_the_offer(offered, accept):
    with pytest.raises(HttpError) as refused:
        chosen(offered, accept)
    assert refused.value.status == 406
    assert refused.value.details["offered"] == [f.media_type for f in offered]


def test_an_explicit_choice_wins_over_accept():
    assert chosen(DOCUMENTS, "text/html", suffix=TURTLE) == (TURTLE, False)
    assert chosen(SELECT, "text/html", requested=["", "csv"]) == (CSV, False)
    assert chosen(GRAPH_FORMATS, None, requested=["json"]) == (JSONLD, False)  # for graphs, json means JSON-LD
    with pytest.raises(HttpError):
        chosen(SELECT, "*/*", requested=["turtle"])  # a format the route does not offer is 406, not ignored


@pytest.mark.parametrize("accept, expected", [(None, False), ("*/*", False), ("application/json", False),
                                              (BROWSER, True), ("text/html", True)])
def test_errors_go_to_browsers_as_pages(accept, expected):
    with APP.test_request_context(headers={"Accept": accept} if accept else {}):
        assert wants_html() is expected
