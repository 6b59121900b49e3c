"""benchmarks/sparql_throughput.py compares the answers of the servers it measures, and sends each query with text
of its own: both must hold, or its ratios could compare different work."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from benchmarks.sparql_throughput import agreement, distinct, term_key

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_the_same_term_reads_the_same_from_every_server():
    assert term_key({"type": "typed-literal", "value": "3", "datatype": XSD + "integer"}) == \
        term_key({"type": "literal", "value": "3", "datatype": XSD + "integer"})
    assert term_key({"type": "literal", "value": "a", "datatype": XSD + "string"}) == \
        term_key({"type": "literal", "value": "a"})
    assert term_key({"type": "literal", "value": "a", "xml:lang": "DE"}) == \
        term_key({"type": "literal", "value": "a", "xml:lang": "de"})
    assert term_key({"type": "bnode", "value": "b1"}) == term_key({"type": "bnode", "value": "x9"})
    assert term_key({"type": "literal", "value": "3", "datatype": XSD + "integer"}) != \
        term_key({"type": "literal", "value": "3", "datatype": XSD + "decimal"})
    assert term_key({"type": "literal", "value": "a", "xml:lang": "de"}) != term_key({"type": "literal", "value": "a"})
    assert term_key({"type": "uri", "value": "a"}) != term_key({"type": "literal", "value": "a"})


def test_a_differing_answer_is_named_and_equal_ones_are_not():
    ours = {"count": [(("n", ("literal", "3", XSD + "integer", "")),)], "ask": True}
    same = {"count": list(ours["count"]), "ask": True}
    other = {"count": [(("n", ("literal", "4", XSD + "integer", "")),)], "ask": True}
    report = agreement({"mpsc": ours, "same": same, "other": other}, "mpsc")
    assert "same: 2 of 2 the same\n" in report + "\n"
    assert "other: 1 of 2 the same; differ: count (1 here, 1 there)" in report
    assert "\n  mpsc:" not in report  # the reference is not compared with itself


def test_each_request_carries_a_query_text_of_its_own():
    request = ("/sparql?query=ASK+%7B%7D", {"Accept": "application/sparql-results+json"})
    first, second = (distinct(request, n) for n in (1, 2))
    texts = [parse_qs(urlsplit(path).query)["query"] for path, _ in (first, second)]
    assert texts == [["ASK {}\n# 1"], ["ASK {}\n# 2"]]  # a comment: the same query, another text
    assert first[1] == request[1]
