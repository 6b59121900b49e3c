"""What `mpsc load` and the remote store do differently for a store that departs from SPARQL 1.1 (MPSC_STORE_ENGINE).

Any SPARQL 1.1 store needs nothing (""). Virtuoso ("virtuoso") differs in two ways that would change answers:

* A query without FROM reads the union of all its graphs, its own system graphs included, and sees a triple
  once per graph that holds it. So the release's default graph (the merge) is kept in a named graph,
  `merge_graph`, and the remote store names the dataset of every query that names none: that graph as its
  default graph, the release's named graphs as its named graphs (SPARQL 1.1 Protocol §2.1.4).
* It turns every geo:wktLiteral it loads into a geometry of its own, keeping about seven significant digits
  of each coordinate (POINT(7.277262 …) comes back as POINT(7.2772622108459 …)) and answering with its own
  datatype. So those literals are loaded under a datatype it leaves alone, and given theirs back in answers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

# Plain strings, not namespaces.py's: `mpsc serve` checks the engine before it starts its workers, and importing
# rdflib there delayed the first answer by 0.08 s (`python -X importtime`).
from ..prefixes import GRAPHS, PREFIXES


@dataclass(frozen=True)
class Dialect:
    merge_graph: str = ""  # named graph holding the merge; "" for the store's own default graph
    stored_as: dict[str, str] = field(default_factory=dict)  # datatype -> the datatype it is loaded under

    def for_loading(self, store: ox.Store) -> None:
        """Give the literals the store would alter the datatype they are loaded under, in every graph."""
        for datatype, stored in self.stored_as.items():
            store.update(f"""DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} INSERT {{ GRAPH ?g {{ ?s ?p ?stored }} }}
                WHERE {{ GRAPH ?g {{ ?s ?p ?o FILTER(DATATYPE(?o) = <{datatype}>) }} BIND(STRDT(STR(?o), <{stored}>) AS ?stored) }} ;
                DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p ?stored }}
                WHERE {{ ?s ?p ?o FILTER(DATATYPE(?o) = <{datatype}>) BIND(STRDT(STR(?o), <{stored}>) AS ?stored) }}""")

    def as_loaded(self, term):
        """A term of an answer as the release has it: a literal loaded under another datatype gets its own back."""
        if self.stored_as and isinstance(term, ox.Literal):
            for datatype, stored in self.stored_as.items():
                if term.datatype.value == stored:
                    return ox.Literal(term.value, datatype=ox.NamedNode(datatype))
        return term


DIALECTS = {
    "": Dialect(),
    "virtuoso": Dialect(merge_graph=GRAPHS + "default",
                        stored_as={PREFIXES["geo"] + "wktLiteral": "urn:mpsc:wktLiteral"}),  # a datatype Virtuoso leaves alone
}


def dialect(engine: str) -> Dialect:
    """The dialect of MPSC_STORE_ENGINE; ValueError naming the known ones for anything else."""
    if engine not in DIALECTS:
        raise ValueError(f"unknown store engine {engine!r}; known: {', '.join(repr(e) for e in DIALECTS)}")
    return DIALECTS[engine]
