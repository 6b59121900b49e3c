"""Where a published fact comes from: sources, confidence and notes, on resources and on single facts.

A resource names the pages its facts were read from with dcterms:source. Where one fact needs its own
provenance (its confidence differs from the resource's, or readers need the page that states it), the
fact is also described as an rdf:Statement `{subject}#{key}` carrying its own source, confidence and note.
"""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from .. import iris
from ..namespaces import MPSC
from .sources import CONFIDENCE, RANK, clean_note, source_iris


def row_sources(row: dict) -> list[URIRef]:
    """The pages a row of a fact table was read from (`source_url` in the newer tables, `sources` in the older)."""
    return source_iris(row.get("source_url") or row.get("sources", ""))


def add_sources(graph: Graph, node: URIRef, rows: list[dict]) -> None:
    """`node` dcterms:source every page the rows were read from."""
    for row in rows:
        for url in row_sources(row):
            graph.add((node, DCTERMS.source, url))


def cite(graph: Graph, node: URIRef, rows: list[dict], *, confidence: str | None = None, note: str | None = None,
         note_property: URIRef = SKOS.editorialNote) -> None:
    """Give `node` the sources of `rows`, a confidence level and a note (the rows' notes unless given)."""
    add_sources(graph, node, rows)
    if confidence:
        graph.add((node, MPSC.confidence, CONFIDENCE[confidence]))
    text = note if note is not None else "; ".join(dict.fromkeys(clean_note(r["note"]) for r in rows if r.get("note")))
    if text:
        graph.add((node, note_property, Literal(text, lang="en")))


def sourced(graph: Graph, subject: URIRef, predicate: URIRef, obj, key: str, rows: list[dict],
            *, note: str | None = None) -> URIRef:
    """Assert `subject predicate obj` and describe it as the statement `subject#key` with its provenance, as sure
    as the least sure of its rows."""
    graph.add((subject, predicate, obj))
    statement = iris.fragment(subject, key)
    graph.add((statement, RDF.type, RDF.Statement))
    graph.add((statement, RDF.subject, subject))
    graph.add((statement, RDF.predicate, predicate))
    graph.add((statement, RDF.object, obj))
    cite(graph, statement, rows, confidence=weakest(rows), note=note)
    return statement


def weakest(rows: list[dict]) -> str:
    """A fact read from several rows is only as certain as the least certain of them."""
    return min((r["confidence"] for r in rows), key=RANK.__getitem__)
