"""The query lexer: form, update keywords and SERVICE endpoints are found where they are, and only there;
what it cannot account for is refused."""
from __future__ import annotations

import random
import re
import time
import tracemalloc

import pyoxigraph as ox
import pytest

from server.sparql import inspection
from server.sparql.inspection import inspect
from server.errors import QueryFailed
from server.web.cache import INSPECTION_BYTES, Recent
from server.web.endpoint import footprint

INTERNAL = "http://127.0.0.1:9/internal"


@pytest.mark.parametrize("query, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("select * { ?s ?p ?o }", "SELECT"),  # keywords are case-insensitive
    ("PREFIX ex: <http://ex/>\nBASE <http://b/>\nASK { ?s ex:p ?o }", "ASK"),
    ("# SELECT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://example.org/>", "DESCRIBE"),
    ("PREFIX select: <http://ex/> DESCRIBE select:x", "DESCRIBE"),  # a prefix named like a keyword
    ("CONSTRUCTWHERE{?s ?p ?o}", "CONSTRUCT"),  # the engine needs no space after a keyword
    ("ASK {", "ASK"),  # still an ASK; the engine reports the syntax error
    ("LIST ALL THINGS", None),
    ("", None),
])
def test_the_form_is_the_first_keyword_after_the_prologue(query, form):
    assert inspect(query).form == form


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a> <b> <c> }",
    "PREFIX ex: <http://ex/> delete where { ?s ex:p ?o }",
    "CLEAR ALL", "DROP GRAPH <g>", "LOAD <http://x>", "CREATE GRAPH <g>",
    "COPY <a> TO <b>", "MOVE DEFAULT TO <b>", "ADD <a> TO <b>",
    "WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * {} ; INSERT DATA { <a> <b> <c> }",
])
def test_update_operations_are_detected(query):
    assert inspect(query).update


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "INSERT DATA" }',
    "SELECT * WHERE { ?s ?p '''\nDELETE\n''' }",
    "SELECT ?insert ?drop WHERE { ?insert ?drop ?o }",
    "SELECT * WHERE { ?s <http://example.org/DELETE> ?o }",
    "PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:LOAD ?o }",
    "# CLEAR ALL\nASK {}",
    'SELECT * WHERE { ?s ?p "x"@add }',
])
def test_update_words_inside_strings_iris_names_and_comments_are_not_updates(query):
    assert not inspect(query).update


@pytest.mark.parametrize("query, dataset", [
    ("SELECT * FROM <http://g/> { ?s ?p ?o }", True),
    ("SELECT*FROM NAMED<http://g/>{ GRAPH ?g { ?s ?p ?o } }", True),
    ("SELECT * FROMNAMED <http://g/> { }", True),  # the engine needs no space between the keywords
    ("SELECT * { ?s ?p ?o }", False),
    ('SELECT ?from { ?from ?p "FROM <http://g/>" } # FROM <http://g/>', False),
])
def test_a_dataset_of_the_querys_own_is_noticed(query, dataset):
    """A remote store that is told the dataset must not be told it when the query names one (Protocol §2.1.4)."""
    assert inspect(query).dataset is dataset


@pytest.mark.parametrize("query, volatile", [
    ("SELECT (NOW() AS ?t) {}", True),
    ("SELECT ?s { ?s ?p ?o } ORDER BY rand() LIMIT 3", True),
    ("SELECT (STRUUID() AS ?u) (uuid() AS ?v) {}", True),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o < NOW()) }", True),
    ("SELECT (BNODE() AS ?b) {}", False),  # a fresh blank node is the same answer under another label
    ('PREFIX ex: <http://ex/> SELECT ?now ?rand { ?now ex:rand "NOW()" } # RAND()', False),
    ("SELECT ?s { ?s <http://x/NOW> ?o }", False),
    # the engine reads keywords with no boundary: these call RAND and NOW too (an operator's review: cached)
    ("SELECT ?x { VALUES ?x { 1 2 } } ORDER BYRAND() LIMIT 1", True),
    ("SELECT ?x { VALUES ?x { 1 2 } FILTERRAND() } ORDERBYNOW()", True),
])
def test_functions_new_at_each_run_are_noticed(query, volatile):
    """A SPARQL client developer's review: NOW(), RAND() and STRUUID() were answered from the response cache."""
    assert inspect(query).volatile is volatile


def test_service_endpoints_are_iris_with_escapes_decoded():
    query = r"""SELECT * { SERVICE SILENT <http://svc.example/sparql> { ?a ?b ?c }
                           SERVICE<http://other.example/\u0071> { } }"""
    assert inspect(query).services == ("http://svc.example/sparql", "http://other.example/q")


def test_service_inside_strings_comments_and_names_is_no_service_call():
    query = """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
    SELECT * { ?s a sd:Service ; ?p "SERVICE <http://x/>", '''SERVICE <http://x/>''' } # SERVICE <http://x/>"""
    assert inspect(query).services == ()


# Each hides a SERVICE call from a lexer that does not follow the grammar's terminals (the old one): the
# engine reads the text differently, and the call is made.
@pytest.mark.parametrize("hiding", [
    r"BIND(<http://x/\u0041#> AS ?x)",  # UCHAR in an IRI
    r"BIND(<http://x/\U00000041#> AS ?x)",
    r"BIND(ex:a\#b AS ?x)",  # PN_LOCAL_ESC in a prefixed name
    r"BIND(ex:a\.b\~ AS ?x)",
    "BIND(ex:a%23b AS ?x)",  # PLX percent escape
    r'BIND("a\"#" AS ?x)',  # ECHAR in a string
    r"BIND('a\'#' AS ?x)",
    r'BIND("\u0022#" AS ?x)',
    'BIND("""a"b""#""" AS ?x)',  # long strings with quotes inside
    "BIND('''a''b''#''' AS ?x)",
    "BIND('''#\n''' AS ?x)",
])
def test_escapes_and_long_strings_hide_no_service_call(hiding):
    query = f"PREFIX ex: <http://x/> SELECT * {{ {hiding} SERVICE <{INTERNAL}> {{ ?s ?p ?o }} }}"
    assert inspect(query).services == (INTERNAL,)


@pytest.mark.parametrize("query, where", [
    (f"SELECT * {{ SERVICESILENT<{INTERNAL}> {{ }} }}", "SERVICESILENT is not a keyword"),
    (f"PREFIX : <{INTERNAL}/> SELECT * {{ SERVICE:x {{ }} }}", "SERVICE:x is not a keyword"),
    (f"SELECT * {{ ?s ?p trueSERVICE <{INTERNAL}> {{ }} }}", "trueSERVICE is not a keyword"),
    ("SELECT * { SERVICE ?endpoint { } }", "must be written as IRIs <…>, not as ?endpoint"),
    (f"PREFIX s: <{INTERNAL}/> SELECT * {{ SERVICE SILENTs:x {{ }} }}", "not as SILENTs:x"),
    (f"PREFIX s: <{INTERNAL}/> SELECT * {{ SERVICE s:x {{ }} }}", "not as s:x"),
    ("SELECT * { SERVICE", "SERVICE needs an endpoint"),
])
def test_service_calls_the_lexer_cannot_vouch_for_are_refused(query, where):
    with pytest.raises(QueryFailed, match=re.escape(where)) as error:
        inspect(query)
    assert error.value.status == 400 and error.value.line == 1


def test_the_engine_really_reads_the_refused_forms_as_service_calls():
    """Why the rules above exist: Oxigraph's parser accepts them (an empty store answers without calling)."""
    for query in (f"SELECT * {{ SERVICESILENT<{INTERNAL}> {{ }} }}", f"PREFIX : <{INTERNAL}/> SELECT * {{ SERVICE:x {{ }} }}"):
        list(ox.Store().query(query.replace("SELECT * {", "SELECT * { FILTER(false)")))


@pytest.mark.parametrize("query, line, column", [
    ('SELECT * { ?s ?p "unterminated }', 1, 18),
    ("SELECT * {\n  ?s ?p ?o \\ }", 2, 12),
    ('SELECT * { ?s ?p "no \\q escape" }', 1, 18),
    ("SELECT * { ?s ?p ?o } `", 1, 23),
])
def test_text_the_lexer_cannot_read_is_a_syntax_error_with_line_and_column(query, line, column):
    with pytest.raises(QueryFailed) as error:
        inspect(query)
    assert (error.value.line, error.value.column) == (line, column)
    assert str(error.value).startswith(f"Syntax error at line {line}, column {column}:")


def _tokens_without_shortcut(text: str) -> list[tuple]:
    """The tokens as the lexer's terminals alone give them, trying every terminal at every position (quadratic
    on some input, so only for short texts): what `tokens` must give."""
    found, position = [], 0
    while position < len(text):
        match = inspection._TOKEN.match(text, position)
        if match is None:
            return found + [("unreadable", position)]
        if match.lastgroup != "gap":
            found.append((match.lastgroup, match.group(), position))
        position = match.end()
    return found


def _lexed(text: str) -> list[tuple]:
    """The tokens of a text on one line, and ("unreadable", position) where the lexer gave up."""
    found = []
    try:
        found.extend(inspection.tokens(text))
    except QueryFailed as error:
        found.append(("unreadable", error.column - 1))
    return found


def test_the_lexer_skips_only_where_no_prefixed_name_can_start():
    """Texts of name characters, dots, colons and the like, where prefixed names may or may not start."""
    rng = random.Random(1919)
    for _ in range(3000):
        text = "".join(rng.choice(["a", "b", "1", ".", ":", "-", "_", " ", "é", "x:", "a.", "%41", "\\."])
                       for _ in range(rng.randrange(1, 30)))
        assert _lexed(text) == _tokens_without_shortcut(text), text


@pytest.mark.parametrize("run", ["a-" * 50_000, "a." * 50_000 + ":", "ab" * 50_000 + "-", "a_1-" * 25_000])
def test_the_lexer_takes_linear_time(run):
    """Each token used to scan the rest of a run of name characters for a colon: 100 KB took minutes."""
    started = time.perf_counter()
    try:
        list(inspection.tokens("ASK {" + run))
    except QueryFailed:
        pass
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("query, star", [
    ("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?p2 ?o2 } }", ("s", "p", "o", "p2", "o2")),
    ("PREFIX a: <http://a/> select DISTINCT*{ $b a:x ?a . ?b ?c '?not' } # ?comment", ("b", "a", "c")),
    ("SELECT ?o ?s WHERE { ?s ?p ?o }", ()),  # its own projection: the engine keeps that order
    ("ASK { ?s ?p ?o }", ()),
])
def test_a_select_star_knows_its_variables_in_the_order_they_occur(query, star):
    assert inspect(query).star == star


def test_the_inspections_a_worker_keeps_are_bounded_in_bytes():
    """An attacker's review: 85 KB of `SELECT * … ?aaa ?aab …` (a syntax error, answered 400) holds every variable
    name in its inspection, ~1 MB; kept 4,096 by count, one address grew a web worker by ~4.7 GB. Kept by
    `footprint` within INSPECTION_BYTES, the memory they hold is bounded whatever the queries."""
    names = " ".join(f"?v{n}" for n in range(17_000))
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = inspect(f"SELECT * WHERE {{ {names}", 100)
    measured = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert len(held.star) == 17_000 and measured / 2 < footprint(held) < measured * 2  # a fair estimate
    recent = Recent(INSPECTION_BYTES)
    for n in range(400):
        small = inspect(f"SELECT * WHERE {{ ?s{n} ?p ?o }}", 100)
        recent.put(("big", n), held, footprint(held))
        recent.put(("small", n), small, footprint(small))
    assert recent.get(("big", 399)) is None and recent.get(("small", 399)) is small  # a large one is not kept
    assert sum(weight for _, weight in recent._entries.values()) <= INSPECTION_BYTES
