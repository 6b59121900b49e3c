"""Predefined prefixes (server.sparql.prefixes): queries may use mpsc:, rdfs:, schema:, … undeclared; a query's
own PREFIX wins; syntax errors still name the reader's line and column; the service description lists them.

Over real HTTP against the sample release, and `mpsc query` as a subprocess.
"""
from __future__ import annotations

import re

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from server.config import Settings
from server.errors import UndeclaredPrefix
from server.namespaces import PREFIXES, SH
from server.sparql.inspection import inspect, unknown_prefix
from server.sparql.prefixes import PREDEFINED, completed
from tests.conftest import mpsc, serve_app
from tests.sparql_support import ROOT, fetch, make_release, sample_quads

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
COUNT_PROJECTS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a mpsc:ModelProject }"


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prefixes")
    make_release(folder, sample_quads("prefixes"), "prefixes")
    return folder


@pytest.fixture(scope="module")
def sparql(releases):
    with serve_app(Settings.from_env(releases=releases, executors=1, site_executors=1)) as url:
        yield url + "sparql"


def count(answer) -> int:
    assert answer.status == 200, answer.body
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_only_used_and_undeclared_prefixes_are_added():
    query = 'PREFIX rdfs: <urn:own#>\nSELECT * { ?s a mpsc:X ; rdfs:label "a:b" ; <urn:c:d> ?o } # skos:x'
    info = inspect(query)
    assert info.undeclared == ("mpsc",)  # not rdfs (declared), nor what strings, IRIs and comments contain
    text, added = completed(query, info)
    assert added == 1 and text == f"PREFIX mpsc: <{PREFIXES['mpsc']}>\n" + query
    plain = "SELECT * { ?s ?p ?o }"
    assert completed(plain, inspect(plain)) == (plain, 0)


def test_a_prefix_neither_declared_nor_predefined_is_named_where_it_is_used(sparql):
    """A researcher's review: the engine's message for `dct:title` listed the tokens it expected ("expected one of
    Prefix not found, ['%'], …") and did not name the prefix."""
    answer = fetch(sparql, query="SELECT * WHERE {\n  ?s dct:title ?o }")
    detail = answer.json()["detail"]
    assert answer.status == 400 and answer.json()["status"] == 400
    assert detail.startswith("Syntax error at line 2, column 6: the prefix dct: is not declared.")
    assert "PREFIX dct: <…>" in detail and "dcterms:" in detail  # how to declare it, and what needs no declaring
    found = unknown_prefix(inspect("PREFIX ex: <urn:x#>\nSELECT * { ?s ex:p ?o ; :q ?v ; ex2:r ?w }"))
    assert isinstance(found, UndeclaredPrefix) and (found.prefix, found.line, found.column) == ("", 2, 25)
    update = fetch(sparql, query="INSERT DATA { ex:a ex:b ex:c }")  # refused as an update, not for its prefix
    assert update.status == 400 and "read-only" in update.json()["detail"]
    # an external store's engine may know prefixes of its own (Virtuoso's bif:): there the query goes to it as sent
    assert inspect("SELECT * { ?s bif:contains 'x' }").unknown_prefix == ("bif", 1, 15)


def test_a_query_runs_without_declaring_the_predefined_prefixes(sparql):
    assert count(fetch(sparql, query=COUNT_PROJECTS)) == 3
    labels = fetch(sparql, query='SELECT ?l { ?p a mpsc:ModelProject ; rdfs:label ?l FILTER(LANG(?l) = "de") }')
    assert sorted(b["l"]["value"] for b in labels.json()["results"]["bindings"]) == ["Bamberg", "Kooperation", "Ulm"]


def test_the_querys_own_prefix_wins(sparql):
    assert count(fetch(sparql, query="PREFIX mpsc: <http://example.org/other#>\n" + COUNT_PROJECTS)) == 0


def test_a_syntax_error_points_at_the_readers_own_line_and_column(sparql):
    query = "SELECT ?s\nWHERE {\n  ?s rdfs:label ?l ;\n     mpsc:ags \n}"
    declared = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("mpsc", "rdfs"))
    with pytest.raises(SyntaxError, match=r"^error at (\d+):(\d+):") as parser:
        pyoxigraph.Store().query(declared + query)
    line, column = (int(n) for n in parser.value.msg.split()[2].rstrip(":").split(":"))
    problem = fetch(sparql, query=query).json()
    assert (problem["line"], problem["column"]) == (line - 2, column) == (5, 1)
    assert problem["detail"].startswith("Syntax error at line 5, column 1:")
    page = fetch(sparql, query=query, headers={"Accept": BROWSER}).body.decode()
    assert "line 5, column 1" in page


def test_the_results_page_runs_undeclared_prefixes_and_keeps_the_query_as_written(sparql):
    answer = fetch(sparql, query=COUNT_PROJECTS, format="html")
    page = answer.body.decode()
    assert answer.status == 200 and re.search(r"<td[^>]*>3[<\s]", page)
    assert "PREFIX" not in page.split("</textarea>")[0].split("<textarea")[1]


def test_the_service_description_declares_the_prefixes(sparql):
    graph = Graph().parse(data=fetch(sparql, format="turtle").body, format="turtle")
    declared = {(str(graph.value(d, SH.prefix)), graph.value(d, SH.namespace))
                for d in graph.objects(URIRef(sparql + "#service"), SH.declare)}
    assert declared == {(p, Literal(str(ns), datatype=XSD.anyURI)) for p, ns in PREFIXES.items()}


def test_the_form_and_the_readme_list_exactly_the_predefined_prefixes(sparql):
    form = fetch(sparql, headers={"Accept": BROWSER}).body.decode()
    listed = form.split('<details class="sparql-prefixes">', 1)[1].split("</details>", 1)[0]
    assert dict(re.findall(r"<dt><code>([\w-]+):</code></dt><dd><code>([^<]+)</code></dd>", listed)) == PREDEFINED
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    endpoint = readme.split("\n## SPARQL endpoint\n", 1)[1].split("\n## ", 1)[0]
    assert dict(re.findall(r"\| `([\w-]+):` \| `([^`]+)`", endpoint)) == PREDEFINED


def test_mpsc_query_uses_the_predefined_prefixes_too(releases):
    result = mpsc("query", COUNT_PROJECTS, env={"MPSC_RELEASES": str(releases)})
    assert result.returncode == 0 and result.stdout == "?n\n3\n"
    failed = mpsc("query", "SELECT ?s {\n  ?s rdfs:label \n}", env={"MPSC_RELEASES": str(releases)})
    assert failed.returncode == 2 and "Syntax error at line 3, column 1" in failed.stderr
