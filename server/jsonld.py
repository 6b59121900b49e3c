"""Compact JSON-LD: the project's prefixes as the `@context` (published at /context.jsonld), every IRI under them
written as a compact IRI ("mpsc:title", "id:project/bamberg").

pyoxigraph writes JSON-LD expanded (full IRIs everywhere), which is correct but hard to read and to use from
plain JSON. Compaction with a context of prefixes only is the smallest step that keeps every statement
unambiguous: the document still expands to exactly the same triples, and a reader who ignores the context
sees short, stable keys. Subjects in canonical order and keys sorted keep the bytes deterministic.
"""
from __future__ import annotations

import functools
import json

import pyoxigraph as ox

from .namespaces import GRAPH, ID, PREFIXES

# The prefixes of RDF output, and for JSON-LD also our resources and graphs ("id:project/bamberg").
TERMS = {**{p: str(n) for p, n in PREFIXES.items()}, "id": str(ID), "graph": str(GRAPH)}

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# A JSON-LD profile (RFC 6906, JSON-LD 1.1 §9): asking for it gets the expanded form instead.
EXPANDED = "http://www.w3.org/ns/json-ld#expanded"


def context() -> dict:
    """The context every compact document uses: prefix -> namespace."""
    return {"@context": dict(sorted(TERMS.items()))}


@functools.lru_cache(maxsize=4096)
def _compact_iri(iri: str) -> str:
    """`prefix:local` for an IRI under a prefix whose local part is simple, else the IRI itself. The most recently
    used are remembered: predicates and classes recur in every node, and looking through all prefixes took a second
    of each build. Few, since every web worker keeps them (65,536 typical IRIs took ~17 MB)."""
    best = max(((p, n) for p, n in TERMS.items() if iri.startswith(n) and len(iri) > len(n)),
               key=lambda pn: len(pn[1]), default=None)
    if best is None:
        return iri
    local = iri[len(best[1]):]
    return f"{best[0]}:{local}" if "//" not in local and not local.startswith("/") else iri


def _node(term) -> str:
    return _compact_iri(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _value(term):
    if not isinstance(term, ox.Literal):
        return {"@id": _node(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": _compact_iri(term.datatype.value)}


def compact_bytes(triples: list[ox.Triple]) -> bytes:
    """Sorted triples as one compact JSON-LD document: the context, then one node object per subject."""
    nodes: dict[str, dict] = {}
    for t in triples:
        node = nodes.setdefault(_node(t.subject), {"@id": _node(t.subject)})
        if t.predicate.value == RDF_TYPE and not isinstance(t.object, ox.Literal):
            node.setdefault("@type", []).append(_node(t.object))
        else:
            node.setdefault(_compact_iri(t.predicate.value), []).append(_value(t.object))
    graph = [dict(sorted(n.items())) for n in nodes.values()]
    document = {**context(), "@graph": graph}
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")
