"""The SPARQL of the shapes' SPARQL-based constraints, run by pyoxigraph instead of rdflib.

pySHACL runs each `sh:select` once per focus node with `$this` pre-bound, through the data graph's
`query`. On the reference layer that is ~46,000 queries, and rdflib's evaluator spent ~85 % of a build's
validation time on them (profiled with cProfile, see docs/architecture.md). pyoxigraph answers the same
query in microseconds. pySHACL still decides everything else (targets, core constraints, the report);
this graph only answers its queries, over a pyoxigraph copy of the same triples made at the first query.
SHACL's pre-binding replaces `$this` by the focus node, which is what pyoxigraph's `substitutions` do.
"""
from __future__ import annotations

import inspect

import pyoxigraph as ox
from rdflib import Graph, Variable
from rdflib.query import Result

from ..rdfio import from_ox, to_ox

_BINDINGS = list(inspect.signature(Graph.query).parameters).index("initBindings") - 2  # after self, query


class OxigraphQueryGraph(Graph):
    """A view of the data graph (same store, no copy) whose SPARQL SELECTs and ASKs run in pyoxigraph."""

    def __init__(self, data: Graph):
        super().__init__(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
        self._data = data
        self._engine: ox.Store | None = None

    def query(self, query_object, *args, **kwargs):
        if not isinstance(query_object, str):  # a prepared rdflib query: only rdflib can run it
            return super().query(query_object, *args, **kwargs)
        bindings = kwargs.get("initBindings") or (args[_BINDINGS] if len(args) > _BINDINGS else None) or {}
        substitutions = {ox.Variable(str(name)): to_ox(term) for name, term in bindings.items()}
        return _result(self._store().query(query_object, substitutions=substitutions))

    def _store(self) -> ox.Store:
        if self._engine is None:
            self._engine = ox.Store()
            self._engine.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in self._data)
        return self._engine


def _result(answer) -> Result:
    """pyoxigraph's answer as the rdflib Result pySHACL reads (bindings, rows with asdict, askAnswer)."""
    if isinstance(answer, bool):
        result = Result("ASK")
        result.askAnswer = answer
        return result
    result = Result("SELECT")
    names = [v.value for v in answer.variables]
    result.vars = [Variable(name) for name in names]
    result.bindings = [{Variable(name): from_ox(row[name]) for name in names if row[name] is not None}
                       for row in answer]
    return result
