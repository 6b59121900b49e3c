"""The ontology as a documentation page: every class and property with label, comment, domain and range.

Modelled on pyLODE's layout (terms listed by kind, each with an anchor equal to its local name, so the
term IRI `…/ontology#Term` lands on its entry).
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from ..names import sort_key
from ..namespaces import BIBO_STATUS, MPSC, ONTOLOGY_IRI, SCHEMA
from .page_model import Namer, Value, in_language, prose

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


@dataclass
class Term:
    anchor: str
    iri: str
    label: str
    comment: str
    rows: list[tuple[str, list[Value]]]  # (message key, values) of each of AXIOMS the term has


def terms(graph: Graph, namer: Namer, types) -> list[Term]:
    """Our terms of the given RDF types, by label."""
    found = {s for t in types for s in graph.subjects(RDF.type, t) if str(s).startswith(str(MPSC))}
    listed = [term(graph, namer, s) for s in found]
    return sorted(listed, key=lambda t: sort_key(t.label))


# What a term's entry shows, each under its own name: an ontology review found rdfs:subClassOf called "Broader term"
# (SKOS's word) and schema:rangeIncludes (any of these) under "Range" with rdfs:range (all of these at once).
AXIOMS = ((RDFS.subClassOf, "onto.subclass_of"), (RDFS.subPropertyOf, "onto.subproperty_of"),
          (RDFS.domain, "onto.domain"), (SCHEMA.domainIncludes, "onto.domain_includes"),
          (RDFS.range, "onto.range"), (SCHEMA.rangeIncludes, "onto.range_includes"))


def term(graph: Graph, namer: Namer, node: URIRef) -> Term:
    rows = [(key, [namer.value(o) for o in sorted(graph.objects(node, prop))]) for prop, key in AXIOMS]
    return Term(anchor=str(node)[len(str(MPSC)):], iri=str(node), label=namer.label(node),
                comment=prose(graph, node, namer.lang), rows=[(key, values) for key, values in rows if values])


# What the W3C's recipes for publishing vocabularies and LOV ask a vocabulary's documentation to show besides its
# terms (an ontology review: the page named its version only).
ABOUT = (OWL.versionIRI, OWL.priorVersion, DCTERMS.created, DCTERMS.issued, DCTERMS.modified, DCTERMS.creator,
         DCTERMS.license, BIBO_STATUS, DCTERMS.bibliographicCitation)


def documentation(graph: Graph, namer: Namer) -> dict:
    """Title, description, version, what `ABOUT` names and the class and property lists of the ontology page."""
    ontology = URIRef(ONTOLOGY_IRI)
    # each value in the reader's language only where it has one (the citation), as a resource page shows a fact
    about = [(namer.term(prop), [namer.value(o) for o in in_language(sorted(graph.objects(ontology, prop)),
                                                                     namer.lang)]) for prop in ABOUT]
    return {"iri": ONTOLOGY_IRI, "title": namer.label(ontology), "description": prose(graph, ontology, namer.lang),
            "version": str(graph.value(ontology, OWL.versionInfo) or ""), "namespace": str(MPSC),
            "about": [(label, values) for label, values in about if values],
            "classes": terms(graph, namer, (OWL.Class,)), "properties": terms(graph, namer, PROPERTY_TYPES)}
