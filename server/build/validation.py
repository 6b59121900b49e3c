"""Check a graph against the SHACL shapes in shapes/ and report the findings in plain words.

The build and `mpsc validate` both call this module, so a contributor sees the same report
wherever the data is checked. It deliberately imports no web framework.

Two SHACL engines give the same findings: pyshacl-turbo (Rust, pySHACL's API; the build's, ENGINE) and pySHACL
(the reference implementation, with its SPARQL constraints answered by pyoxigraph, shacl_sparql.py). The tests
run both on every shapes fixture and on the programme data and require the same findings; `mpsc validate
--engine pyshacl` runs the reference on the whole data (`time mpsc validate --format turtle` over the real data on
the 2-core test host, reading included: 22 s with pyshacl-turbo, 53 s with `--engine pyshacl`).

`validate_layers` checks a release's inputs in two layers, because nearly all of the time goes into the
reference layer (12,000 administrative units), which changes only with a new official register, while
the programme changes often. A validation result is a function of its inputs and the shapes, so:
- the ontology and the reference layer are validated together (`base_layer`), and the result is kept in a
  cache keyed by the SHA-256 of those inputs, the shapes and the engine's version; an unchanged layer is not
  checked again. The build starts this run in a child process as soon as it has parsed the files;
- the programme is validated together with the ontology and the part of the reference layer it reaches
  (two hops from every node the programme names, `programme_layer`), which takes a second; its result is kept
  the same way, so a rebuild of unchanged input validates nothing again.
Each node's findings come from the run that saw everything its shapes look at: the nodes the programme
or the ontology describe from the second run, all others from the first.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from .. import rdfio
from ..namespaces import ID, SH, bind_prefixes
from .shacl_sparql import OxigraphQueryGraph

SHAPES = Namespace("https://w3id.org/mpsc/shapes#")
SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}
LABEL = ox.NamedNode(str(RDFS.label))  # what names a focus node in a report (`_label_graph`)


@dataclass(frozen=True)
class Finding:
    """One validation result, flattened to strings so any caller can print or serialise it."""

    severity: str
    focus: str
    focus_label: str | None
    path: str | None
    message: str
    value: str | None
    shape: str | None


@dataclass
class ValidationResult:
    """Outcome of a run: `conforms` ignores warnings, since they must never fail a build."""

    conforms: bool
    findings: list[Finding]
    report: Graph

    @property
    def violations(self) -> int:
        return sum(1 for f in self.findings if f.severity == "Violation")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "Warning")


def load_shapes(shapes_dir: Path) -> Graph:
    """Merge every *.ttl in the folder, in sorted order so the shapes graph is reproducible. The graph is
    parsed once per content of the files (the tests validate hundreds of small graphs): do not change it."""
    return _parsed_shapes(tuple(path.read_text(encoding="utf-8") for path in sorted(Path(shapes_dir).glob("*.ttl"))))


@functools.lru_cache(maxsize=4)
def _parsed_shapes(texts: tuple[str, ...]) -> Graph:
    shapes = _bind(Graph())
    for text in texts:
        shapes.parse(data=text, format="turtle")
    return shapes


ENGINES = ("pyshacl-turbo", "pyshacl")  # each named as its distribution, whose version keys the cache
ENGINE = "pyshacl-turbo"  # the build's


def validate(data: Graph, shapes: Graph, engine: str = ENGINE, batch: bool = True) -> ValidationResult:
    """Run a SHACL engine (ENGINES) without inference: the data must state every class itself (see docs/model.md).

    A Dataset is checked as the union of its named graphs, because projects in the programme
    graph point to bodies whose keys live in the reference graph. `batch=False` has pySHACL run each SPARQL
    constraint once per focus node, as SHACL defines it, instead of once for all (shacl_sparql.py);
    the tests check that both find the same.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; one of {', '.join(ENGINES)}")
    data = _single_graph(data)
    if engine == "pyshacl-turbo":
        return _result(_turbo_report(data, by_target(shapes)), data)
    return _result(_pyshacl_report(data, shapes, batch), data)


TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


@functools.lru_cache(maxsize=4)
def by_target(shapes: Graph) -> Graph:
    """The shapes as the build's engine runs them: property shapes with the same targets become the children
    (sh:property) of one node shape with those targets, instead of each finding its focus nodes itself. SHACL gives
    the same results either way (a property shape reports its parent's focus nodes, with itself as sh:sourceShape;
    tests/test_shapes.py compares the two on every fixture), but pyshacl-turbo finds the focus nodes anew for
    every shape: 12,000 places for each of the register's property shapes (`time mpsc validate --format turtle`
    over the real data, reading included: 24.3 s as written, 21.6 s grouped). pySHACL runs the shapes as written:
    it checks a node shape's children one focus node at a time (`mpsc validate --engine pyshacl` took 94 s
    grouped, 53 s as written). The files in shapes/ stay one shape per rule, as a contributor reads them."""
    grouped, shared = Graph(), defaultdict(list)
    for triple in shapes:
        grouped.add(triple)
    for namespace, iri in shapes.namespaces():
        grouped.bind(namespace, iri)
    for shape in shapes.subjects(RDF.type, SH.PropertyShape, unique=True):
        targets = tuple(sorted((p, o) for p in TARGETS for o in shapes.objects(shape, p)))
        if isinstance(shape, URIRef) and targets:
            shared[targets].append(shape)
    for targets, members in sorted(shared.items()):
        if len(members) < 2:
            continue
        parent = BNode()
        grouped.add((parent, RDF.type, SH.NodeShape))
        for p, o in targets:
            grouped.add((parent, p, o))
            for member in members:
                grouped.remove((member, p, o))
        for member in members:
            grouped.add((parent, SH.property, member))
    return grouped


def _result(report: Graph, data: Graph) -> ValidationResult:
    """The findings of a report, sorted; `data` gives the focus nodes' labels."""
    _bind(report)
    findings = sorted(_findings(report, data), key=_sort_key)
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationResult(conforms=conforms, findings=findings, report=report)


# The engines are imported where they run: reading a release (build.release) must not load a SHACL engine.
OPTIONS = {"inference": "none", "advanced": False, "allow_warnings": True, "abort_on_first": False}


def _turbo_report(data: Graph, shapes: Graph) -> Graph:
    import pyshacl_turbo

    return pyshacl_turbo.validate(data, shacl_graph=shapes, **OPTIONS)[1]


def _turbo_text_report(ntriples: str, shapes: Graph) -> Graph:
    """The build's engine on N-Triples text, which it parses itself: filling one rdflib graph with the ~220,000
    triples of the reference layer first took ~2 s (`joined`). `Input` is how pyshacl-turbo passes parsed
    sources on internally; its version is pinned below 0.7 (pyproject.toml)."""
    import pyshacl_turbo
    from pyshacl_turbo.rdf import Input

    return pyshacl_turbo.validate(Input(ntriples, "nt", None, {}, {}), shacl_graph=shapes, **OPTIONS)[1]


def _pyshacl_report(data: Graph, shapes: Graph, batch: bool) -> Graph:
    import pyshacl

    if not data.store.context_aware:  # pySHACL reads the data through a view that needs one
        data = joined(data, store="default")
    return pyshacl.validate(OxigraphQueryGraph(data, batch=batch), shacl_graph=shapes, **OPTIONS)[1]


def validate_layers(ontology: Graph, programme: Graph, reference: Graph, shapes_dir: Path,
                    cache: Path | None) -> ValidationResult:
    """The findings of validating the three graphs together, in two runs whose findings are taken from
    `cache` (a folder) when their inputs are unchanged; see the module docstring. The report graph is
    empty: a report of everything needs one run over everything (`mpsc validate --format turtle`). The build
    runs the two runs apart (`base_layer` in a child process from the triples as read, `programme_layer`)."""
    triples = [rdfio.sorted_triples(graph) for graph in (ontology, programme, reference)]
    known = {id(graph): rdfio.ntriples(held) for graph, held in zip((ontology, programme), triples)}
    recent = programme_layer(ontology, programme, reference, shapes_dir, cache, known)
    return layered(base_layer(*triples, shapes_dir, cache), recent, ontology, programme)


def base_layer(ontology: list[ox.Triple], programme: list[ox.Triple], reference: list[ox.Triple], shapes_dir: Path,
               cache: Path | None) -> list[Finding]:
    """The findings of the run over the ontology, the reference layer and what of the programme the reference layer
    reaches (e.g. the unit-type code list), from pyoxigraph triples: the build starts it as soon as the files are
    parsed, before it has made rdflib graphs of them (~2 s of the reference layer's 220,000 triples)."""
    layer = (ontology, reference, _reached_triples(reference, programme))
    return _cached_findings([rdfio.ntriples(triples) for triples in layer], functools.partial(_label_graph, layer),
                            load_shapes(shapes_dir), shapes_dir, cache)


def programme_layer(ontology: Graph, programme: Graph, reference: Graph, shapes_dir: Path, cache: Path | None,
                    known: dict[int, bytes] | None = None) -> list[Finding]:
    """The findings of the run over the ontology, the programme and the reference layer's statements within two
    hops of the programme (`validate_layers`)."""
    graphs = (ontology, programme, _reached(programme, reference))
    texts = [(known or {}).get(id(graph)) or rdfio.ntriples(rdfio.sorted_triples(graph)) for graph in graphs]
    return _cached_findings(texts, lambda report: ReadOnlyGraphAggregate(list(graphs)), load_shapes(shapes_dir),
                            shapes_dir, cache)


def untyped(contributed: Graph, graphs) -> list[Finding]:
    """A violation for each resource under /id/ that contributed statements describe but neither they nor `graphs`
    give a class: in all likelihood a misspelt or retired identifier, which no shape targets (a contributor's
    review: statements about `project/bambreg` conformed)."""
    typed = {s for graph in (contributed, *graphs) for s in graph.subjects(RDF.type, None, unique=True)}
    return sorted((Finding("Violation", str(s), None, None, "This file describes a resource the data does not have "
                           "and this file gives no class (rdf:type): is its identifier misspelt, or retired?", None, None)
                   for s in contributed.subjects(unique=True)
                   if isinstance(s, URIRef) and s.startswith(str(ID)) and "#" not in s and s not in typed),
                  key=_sort_key)


def with_findings(result: ValidationResult, findings: list[Finding]) -> ValidationResult:
    """`result` with more findings (`untyped`'s)."""
    if not findings:
        return result
    merged = sorted(result.findings + findings, key=_sort_key)
    return ValidationResult(not any(f.severity == "Violation" for f in merged), merged, result.report)


def layered(base: list[Finding], recent: list[Finding], ontology: Graph, programme: Graph) -> ValidationResult:
    """The two runs' findings as one result: each node's from the run that saw everything its shapes look at, the
    nodes the programme or the ontology describe from the programme's run, all others from the base run."""
    described = {str(s) for graph in (ontology, programme) for s in graph.subjects()}
    findings = [f for f in base if f.focus not in described] + [f for f in recent if f.focus in described]
    findings.sort(key=_sort_key)
    return ValidationResult(conforms=not any(f.severity == "Violation" for f in findings), findings=findings,
                            report=_bind(Graph()))


CACHE_ENTRIES = 20  # findings files kept in the cache folder, the most recently used
STALE_SECONDS = 600  # a staging file this old belongs to no running build


def _cached_findings(texts: list[bytes], labelled: Callable[[Graph], Graph], shapes: Graph, shapes_dir: Path,
                     cache: Path | None) -> list[Finding]:
    """The findings of validating the graphs whose N-Triples are `texts` together (by the build's engine, ENGINE),
    computed only when the cache has none for exactly these inputs; `labelled(report)` gives a graph with the
    labels of the report's focus nodes. Each programme edit adds an entry, so the cache keeps the CACHE_ENTRIES
    most recently used."""
    cached = cache / f"{_layer_key(texts, shapes_dir)}.json" if cache else None
    if cached is not None and cached.is_file():
        cached.touch()
        # An entry cut short (a crash, a full disk) is validated again and rewritten (an operator's review: every
        # build ended in a traceback until the folder was removed by hand).
        try:
            return [Finding(**f) for f in json.loads(cached.read_text(encoding="utf-8"))]
        except (ValueError, TypeError):
            pass
    report = _turbo_text_report(b"".join(texts).decode("utf-8"), by_target(shapes))
    findings = _result(report, labelled(report)).findings
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        staging = cached.with_suffix(f".{os.getpid()}.tmp")
        staging.write_text(json.dumps([asdict(f) for f in findings], ensure_ascii=False), encoding="utf-8")
        staging.replace(cached)  # a complete file or none, also when two builds race
        _prune(cache)
    return findings


def _label_graph(layer: tuple[list[ox.Triple], ...], report: Graph) -> Graph:
    """The labels of the report's focus nodes from pyoxigraph triples, as the graph `_result` reads them from."""
    focus = {rdfio.to_ox(node) for node in report.objects(None, SH.focusNode)}
    return rdfio.to_graph((t for triples in layer for t in triples if t.predicate == LABEL and t.subject in focus),
                          Graph(store="SimpleMemory"))


def _prune(cache: Path) -> None:
    """Keep the CACHE_ENTRIES most recently used entries (another build may be pruning at the same time)."""
    entries = []
    for path in cache.glob("*.json"):
        try:
            entries.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _, old in sorted(entries)[:-CACHE_ENTRIES]:
        old.unlink(missing_ok=True)
    for staging in cache.glob("*.tmp"):  # left by a run that was stopped while writing its entry
        try:
            if time.time() - staging.stat().st_mtime > STALE_SECONDS:
                staging.unlink(missing_ok=True)
        except OSError:
            continue


def _layer_key(texts: list[bytes], shapes_dir: Path) -> str:
    """SHA-256 of what a run's findings depend on: its graphs' triples (`_set_digest`), the shapes, this module
    (which turns reports into findings) and the engine's version."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(_set_digest(text).encode())
    for path in sorted(Path(shapes_dir).glob("*.ttl")):
        digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes() + f"{ENGINE} {version(ENGINE)}".encode())
    return digest.hexdigest()


def _set_digest(ntriples: bytes) -> str:
    """SHA-256 of a graph's N-Triples lines, each once and sorted as bytes: the same for the same triples in any
    order, so the build (triples in the order of the files) and `mpsc validate` (canonical order) share entries."""
    return hashlib.sha256(b"\n".join(sorted(set(ntriples.splitlines())))).hexdigest()


def joined(*graphs: Graph, store: str = "SimpleMemory") -> Graph:
    """The graphs' triples in one graph: by default in rdflib's context-free store, which is faster to fill and for
    pyshacl-turbo to read than the context-aware one ("default") that pySHACL needs."""
    joined = Graph(store=store)
    for graph in graphs:
        joined += graph
    return joined


# How many links from a node the programme names its validation takes statements of the other layers (`_walk`).
HOPS = 2


def _reached(base: Graph, source: Graph) -> Graph:
    """The statements of `source` about every node within HOPS links of a node that `base` names (as subject or
    object), as `_walk` finds them."""
    frontier = {n for s, _, o in base for n in (s, o) if isinstance(n, URIRef)}
    named = frontier.__contains__  # every node `base` names (`_walk` makes new sets, not this one)
    reached = Graph()
    for triple in _walk(frontier, lambda node: source.triples((node, None, None)), named):
        reached.add(triple)
    return reached


def _reached_triples(base: list[ox.Triple], source: list[ox.Triple]) -> list[ox.Triple]:
    """`_reached` over pyoxigraph triples, each once, in no particular order (the engine and the cache key,
    `_set_digest`, take them in any). The first nodes are found from the source's side,
    for a source much smaller than `base`: the programme's subjects are 2,200, the nodes the reference layer
    names 230,000."""
    names = {node for triple in base for node in (triple.subject, triple.object)}
    outgoing = defaultdict(list)
    for triple in source:
        outgoing[triple.subject].append(triple)
    first = {s for s in outgoing if isinstance(s, ox.NamedNode) and s in names}
    return list(set(_walk(first, lambda node: outgoing.get(node, ()), names.__contains__)))


def _walk(frontier: set, outgoing: Callable, named: Callable) -> list:
    """The statements `outgoing(node)` gives about the nodes of `frontier` and about every IRI they lead to within
    HOPS links, but for IRIs `named` claims (the other layer describes them: not a hop of their own). Terms may
    be rdflib's or pyoxigraph's, as long as they are one kind."""
    reached, seen = [], set(frontier)
    for _ in range(HOPS):
        found = set()
        for node in frontier:
            for triple in outgoing(node):
                reached.append(triple)
                obj = triple[2]
                if isinstance(obj, (URIRef, ox.NamedNode)) and obj not in seen and not named(obj):
                    found.add(obj)
        seen |= found
        frontier = found
    return reached


def render_text(result: ValidationResult) -> str:
    """A report a data contributor can read top to bottom, one block per finding."""
    blocks = [_text_block(f) for f in result.findings]
    return "\n\n".join(blocks + [_summary(result)]) + "\n"


def render_json(result: ValidationResult) -> str:
    """Machine-readable report with a fixed key order, so diffs between runs stay small."""
    payload = {
        "conforms": result.conforms,
        "violations": result.violations,
        "warnings": result.warnings,
        "findings": [asdict(f) for f in result.findings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_turtle(result: ValidationResult) -> str:
    """The full SHACL report graph, for tools that want the standard vocabulary."""
    return result.report.serialize(format="turtle")


# ---------------------------------------------------------------- internals


def _bind(graph: Graph) -> Graph:
    """The project's usual prefixes plus mpscsh:, so reports name shapes readably."""
    bind_prefixes(graph).bind("mpscsh", SHAPES, override=True, replace=True)
    return graph


def _single_graph(data: Graph) -> Graph:
    if not getattr(data, "context_aware", False):
        return data
    union = bind_prefixes(Graph())
    for s, p, o, _ in data.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _findings(report: Graph, data: Graph) -> list[Finding]:
    names = _bind(Graph()).namespace_manager
    return [_finding(report, data, names, r) for r in report.subjects(RDF.type, SH.ValidationResult)]


def _finding(report: Graph, data: Graph, names, r) -> Finding:
    focus = report.value(r, SH.focusNode)
    path = report.value(r, SH.resultPath)
    value = report.value(r, SH.value)
    shape = report.value(r, SH.sourceConstraint) or report.value(r, SH.sourceShape)
    return Finding(
        severity=_local_name(report.value(r, SH.resultSeverity)),
        focus=str(focus),
        focus_label=_label(data, focus),
        path=_path_text(report, path, names) if path is not None else None,
        message=_message(report, r),
        value=_term_text(value, names) if value is not None else None,
        shape=_compact(shape, names) if isinstance(shape, URIRef) else None,
    )


def _sort_key(f: Finding):
    rank = SEVERITY_RANK.get(f.severity, 9)
    return (rank, f.focus, f.path or "", f.message, f.value or "", f.shape or "")


def _local_name(iri) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _label(data: Graph, node) -> str | None:
    """The German label if there is one, else the English one: what a contributor recognises."""
    if node is None:
        return None
    labels = [o for o in data.objects(node, RDFS.label) if isinstance(o, Literal)]
    for lang in ("de", "en"):
        matches = sorted(str(o) for o in labels if (o.language or "").lower() == lang)
        if matches:
            return matches[0]
    return None


def _message(report: Graph, r) -> str:
    """Prefer the English message; a result always has at least pyshacl's own wording."""
    messages = sorted(report.objects(r, SH.resultMessage), key=lambda m: (m.language not in (None, "en"), str(m)))
    return str(messages[0]) if messages else "(no message)"


def _compact(iri: URIRef, names) -> str:
    try:
        return names.curie(iri, generate=False)
    except (KeyError, ValueError):
        return f"<{iri}>"


def _term_text(term, names) -> str:
    """Literals as in Turtle (plain strings without ^^xsd:string), IRIs in angle brackets."""
    if isinstance(term, Literal):
        if term.datatype in (None, XSD.string):
            return Literal(str(term), lang=term.language).n3()
        return term.n3(names)
    return f"<{term}>" if isinstance(term, URIRef) else str(term)


def _path_text(report: Graph, path, names) -> str:
    """SHACL paths as SPARQL property paths, with prefixed names where a prefix is known."""
    if isinstance(path, URIRef):
        return _compact(path, names)
    if (path, RDF.first, None) in report:
        return "/".join(_path_text(report, p, names) for p in Collection(report, path))
    for predicate, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                                (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = report.value(path, predicate)
        if inner is not None:
            return template.format(_path_text(report, inner, names))
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_text(report, p, names) for p in Collection(report, alternatives))
    return str(path)


def _text_block(f: Finding) -> str:
    head = f"{f.severity.upper():<10} <{f.focus}>" + (f' "{f.focus_label}"' if f.focus_label else "")
    lines = [head]
    if f.path:
        lines.append(f"    path: {f.path}")
    if f.value:
        lines.append(f"    value: {f.value}")
    lines.append(f"    {f.message}")
    return "\n".join(lines)


def _summary(result: ValidationResult) -> str:
    warnings = _count(result.warnings, "warning")
    if result.conforms:
        return f"Conforms ({warnings})" if result.warnings else "Conforms"
    return f"{_count(result.violations, 'violation')}, {warnings}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
