"""The SPARQL of the shapes' SPARQL-based constraints, run by pyoxigraph instead of rdflib.

pySHACL runs each `sh:select` once per focus node with `$this` pre-bound, through the data graph's
`query`. On the reference layer that is ~46,000 queries, and rdflib's evaluator spent ~85 % of a build's
validation time on them (profiled with cProfile, see docs/architecture.md). pyoxigraph answers the same
query in microseconds. pySHACL still decides everything else (targets, core constraints, the report);
this graph only answers its queries, over a pyoxigraph copy of the same triples made at the first query.
SHACL's pre-binding replaces `$this` by the focus node, which is what pyoxigraph's `substitutions` do.

Most constraints can be answered for every focus node at once: a query whose `$this` every solution binds
through a triple pattern of its own (`batchable`) finds, with `$this` left free, exactly the solutions that
pre-binding would find for each node, side by side. Such a query runs once; each focus node then gets its
own rows, instead of one query per focus node (CHANGELOG.md gives the time saved on the real data).
"""
from __future__ import annotations

import functools
import inspect
from collections import defaultdict

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath, ZeroOrMore, ZeroOrOne
from rdflib.query import Result

from ..rdfio import from_ox, to_ox

_BINDINGS = list(inspect.signature(Graph.query).parameters).index("initBindings") - 2  # after self, query
THIS = "this"  # the focus node's variable, as pySHACL names it in its bindings


class OxigraphQueryGraph(Graph):
    """A view of the data graph (same store, no copy) whose SPARQL SELECTs and ASKs run in pyoxigraph.
    `batch=False` runs every query once per focus node, as SHACL defines it (the tests compare the two)."""

    def __init__(self, data: Graph, batch: bool = True):
        super().__init__(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
        self._data = data
        self._engine: ox.Store | None = None
        self._batch = batch
        self._answers: dict[tuple, tuple[list[str], dict]] = {}  # (query, other bindings) → names, rows by $this

    def query(self, query_object, *args, **kwargs):
        if not isinstance(query_object, str):  # a prepared rdflib query: only rdflib can run it
            return super().query(query_object, *args, **kwargs)
        bindings = kwargs.get("initBindings") or (args[_BINDINGS] if len(args) > _BINDINGS else None) or {}
        # A literal focus node is looked up as given, but pyoxigraph keeps some literals in canonical form
        # ("0.10"^^xsd:decimal as "0.1"): only IRIs and blank nodes are looked up among the batched rows.
        if self._batch and isinstance(bindings.get(THIS), (URIRef, BNode)) and batchable(query_object):
            others = {Variable(str(name)): term for name, term in bindings.items() if name != THIS}
            return self._rows_of(query_object, others, to_ox(bindings[THIS]))
        return _result(self._store().query(query_object, substitutions=_substitutions(bindings)))

    def _rows_of(self, query: str, others: dict, this) -> Result:
        """The focus node's solutions, from one run of the query for all of them."""
        key = (query, tuple(sorted(others.items())))
        if key not in self._answers:
            answer = self._store().query(query, substitutions=_substitutions(others))
            names = [v.value for v in answer.variables]
            by_node = defaultdict(list)
            for row in answer:
                by_node[row[THIS]].append(row)
            self._answers[key] = names, by_node
        names, by_node = self._answers[key]
        return _select(names, by_node.get(this, ()))

    def _store(self) -> ox.Store:
        if self._engine is None:
            self._engine = ox.Store()
            self._engine.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in self._data)
        return self._engine


@functools.lru_cache(maxsize=256)
def batchable(query: str) -> bool:
    """Whether the solutions of `query` with `$this` free, taken per value of `$this`, are those of the query
    with `$this` pre-bound to that value. True when the SELECT projects `$this`, every solution binds it
    through a triple pattern that is not optional, every group that names `$this` binds it itself, and the
    query is built only of what keeps each focus node's solutions apart: triple patterns, joins, UNION,
    OPTIONAL, FILTER (with EXISTS over the same), BIND, DISTINCT and ORDER BY. Anything else (GROUP BY,
    LIMIT, MINUS, a subquery, VALUES, GRAPH, SERVICE) is run per focus node. A path that may match zero steps binds nothing here: pre-bound, it also matches a
    focus node the data does not hold. A query rdflib cannot read is not batched either."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # any parser failure: run it per focus node, where pyoxigraph reports it as before
        return False
    certain = _certain(algebra["p"]) if algebra.name == "SelectQuery" else None
    return certain is not None and Variable(THIS) in algebra["PV"] and Variable(THIS) in certain


_SAME = {"Project", "Filter", "Extend", "Distinct", "Reduced", "OrderBy"}


def _certain(node) -> set | None:
    """The variables every solution of an algebra node binds; None if the node holds anything not understood."""
    name = getattr(node, "name", None)
    if name == "BGP":
        return {term for s, p, o in node["triples"] if not _may_be_empty(p) for term in (s, p, o)
                if isinstance(term, Variable)}
    operands = [node[key] for key in ("p", "p1", "p2") if key in node]
    parts = [_certain(operand) for operand in operands]
    if None in parts or not _understood_exists(node.get("expr")):
        return None
    # A group that names $this without binding it is evaluated before $this has a value (a nested FILTER or
    # BIND, an OPTIONAL inside an OPTIONAL), where pre-binding would have filled it in.
    if any(_holds(operand, lambda n: n == Variable(THIS)) and Variable(THIS) not in part
           for operand, part in zip(operands, parts)):
        return None
    if name in _SAME:
        return parts[0]
    if name == "Join":
        return parts[0] | parts[1]
    if name == "LeftJoin":
        return parts[0]
    if name == "Union":
        return parts[0] & parts[1]
    return None


# What mixes focus nodes' solutions, by the names rdflib gives it in a pattern it has not translated yet (EXISTS).
_ACROSS_NODES = {"MinusGraphPattern", "SubSelect", "InlineData", "GraphGraphPattern", "ServiceGraphPattern"}


def _understood_exists(expression) -> bool:
    """Whether no EXISTS pattern inside a filter expression holds a MINUS, subquery, VALUES, GRAPH or SERVICE."""
    if getattr(expression, "name", None) in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        return not _holds(expression["graph"], lambda n: getattr(n, "name", None) in _ACROSS_NODES)
    return all(_understood_exists(child) for child in _children(expression))


def _holds(node, test) -> bool:
    """Whether `test` is true of an algebra or syntax node or of anything inside it."""
    return test(node) or any(_holds(child, test) for child in _children(node))


def _children(node):
    return node.values() if isinstance(node, dict) else node if isinstance(node, (list, tuple)) else ()


def _may_be_empty(predicate) -> bool:
    """Whether a predicate (an IRI, a variable or a property path) may match a path of zero steps."""
    if isinstance(predicate, MulPath):
        return predicate.mod in (ZeroOrMore, ZeroOrOne) or _may_be_empty(predicate.path)
    if isinstance(predicate, SequencePath):
        return all(_may_be_empty(part) for part in predicate.args)
    if isinstance(predicate, AlternativePath):
        return any(_may_be_empty(part) for part in predicate.args)
    if isinstance(predicate, InvPath):
        return _may_be_empty(predicate.arg)
    return False


def _substitutions(bindings: dict) -> dict:
    return {ox.Variable(str(name)): to_ox(term) for name, term in bindings.items()}


def _result(answer) -> Result:
    """pyoxigraph's answer as the rdflib Result pySHACL reads (bindings, rows with asdict, askAnswer)."""
    if isinstance(answer, bool):
        result = Result("ASK")
        result.askAnswer = answer
        return result
    return _select([v.value for v in answer.variables], answer)


def _select(names: list[str], rows) -> Result:
    result = Result("SELECT")
    result.vars = [Variable(name) for name in names]
    result.bindings = [{Variable(name): from_ox(row[name]) for name in names if row[name] is not None}
                       for row in rows]
    return result
