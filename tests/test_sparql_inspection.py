"""The query lexer: form, update keywords and SERVICE targets are found where they are, and only there."""
from __future__ import annotations

import pytest

from server.sparql.inspection import inspect, normalise


@pytest.mark.parametrize("query, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("select * { ?s ?p ?o }", "SELECT"),  # keywords are case-insensitive
    ("PREFIX ex: <http://ex/>\nBASE <http://b/>\nASK { ?s ex:p ?o }", "ASK"),
    ("# SELECT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://example.org/>", "DESCRIBE"),
    ("PREFIX select: <http://ex/> DESCRIBE select:x", "DESCRIBE"),  # a prefix named like a keyword
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


def test_service_targets_are_full_iris_with_prefixes_expanded():
    query = """PREFIX s: <http://svc.example/>
    SELECT * { SERVICE SILENT s:sparql { ?a ?b ?c } SERVICE <http://other.example/q> { } SERVICE ?where { } }"""
    assert inspect(query).services == ("http://svc.example/sparql", "http://other.example/q", "?where")


def test_service_inside_a_string_is_no_service_call():
    assert inspect('SELECT * { ?s ?p "SERVICE <http://x/>" }').services == ()


def test_normalising_drops_comments_and_collapses_white_space_outside_strings():
    a = "SELECT ?s   # which subjects\nWHERE {\n\t?s ?p \"a  b\"@de }"
    b = "SELECT ?s WHERE { ?s ?p \"a  b\"@de }"
    assert normalise(a) == normalise(b) == b


def test_normalising_keeps_queries_that_differ_in_strings_apart():
    assert normalise('ASK { ?s ?p "a b" }') != normalise('ASK { ?s ?p "a  b" }')
