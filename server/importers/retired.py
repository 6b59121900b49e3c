"""Identifiers the graph no longer uses (sources/curation/retired.csv): each stays in the programme graph as
deprecated, with the identifier that replaced it or none, so that the site answers it 301 or 410 rather than
404 (Cool URIs don't change; a linker's review: two organisations' IRIs had vanished between releases without
a word, and a Wikidata property's formatter URL would have led to nothing).
"""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS, XSD

from .. import iris
from .sources import Sources


def retired(sources: Sources, graphs: dict[str, Graph]) -> tuple[Graph, list[str]]:
    """The deprecated identifiers, and the problems: one still described by `graphs` or linked to from them, or one
    replaced by one they do not describe."""
    graph, problems = Graph(), []
    described = {s for g in graphs.values() for s in g.subjects(unique=True) if isinstance(s, URIRef)}
    linked = {o for g in graphs.values() for o in g.objects(unique=True) if isinstance(o, URIRef)}
    for row in sources.retired:
        old = iris.identifier(row["id"])
        if old in described or old in linked:
            problems.append(f"{row.where}: {row['id']} is retired, but the data still "
                            f"{'describes' if old in described else 'links to'} it")
        graph.add((old, OWL.deprecated, Literal(True)))
        graph.add((old, DCTERMS.modified, Literal(row["date"], datatype=XSD.date)))
        graph.add((old, SKOS.changeNote, Literal(row["reason"], lang="en")))
        if row["replaced_by"]:
            new = iris.identifier(row["replaced_by"])
            if new not in described:
                problems.append(f"{row.where}: {row['id']} is to be replaced by {row['replaced_by']}, which the "
                                "data does not describe")
            graph.add((old, DCTERMS.isReplacedBy, new))
    return graph, problems
