"""The SHACL shapes in shapes/ and the reports of server/validation.py.

Fixture convention
------------------
tests/fixtures/shapes/valid.ttl is a small, complete graph that follows docs/model.md and
must conform without any finding. Every file in tests/fixtures/shapes/invalid/ is a *patch*
to it that breaks exactly one rule:

    # <what is wrong, in one line>
    # expect-message: <substring of exactly one sh:message in shapes/>
    # expect-focus: <full IRI of the focus node the finding must name>
    # expect-severity: Warning                     (optional; default Violation)
    # also-message: <substring>                    (optional, repeatable: other violations
    #                                               the change cannot help causing)
    # remove: <subject> <predicate> <object> .     (optional, repeatable; object may be *)
    <Turtle to add>

The test loads valid.ttl, removes the `# remove:` triples (each must match at least one),
then parses the rest of the file as Turtle. Both the remove lines and the Turtle body are read
with the @base and @prefix lines of valid.ttl in front, so `<municipality/09461000>` and
`mpsc:ags` work as they do there. A violation fixture passes when the graph no longer
conforms, the expected message is reported for the expected focus node, and every other
violation is one of its `also-message`s. A warning fixture must still conform.
"""
from __future__ import annotations

import functools
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from server.namespaces import GEO, MPSC, SH
from server.build.pipeline import read_file
from server.build.shacl_sparql import OxigraphQueryGraph, batchable
from server.build import validation
from server.build.validation import (CACHE_ENTRIES, ENGINE, ENGINES, STALE_SECONDS, TARGETS, by_target, load_shapes,
                                     render_json, render_text, render_turtle, validate, validate_layers)

ROOT = Path(__file__).resolve().parents[1]
SHAPES_DIR = ROOT / "shapes"
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
VALID = FIXTURES / "valid.ttl"
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
SHAPES_NS = "https://w3id.org/mpsc/shapes#"
ANY = URIRef("urn:x-fixture:any")

# Every class of docs/model.md that gets its own mpscsh:<Class>Shape.
MODEL_CLASSES = [
    "ModelProject", "FundingRound", "ProjectCategory", "State", "District", "MunicipalAssociation",
    "Municipality", "Cooperation", "RegionalAssociation", "MunicipalCompany", "CharterPrinciple",
    "EvaluationCriterion", "FieldOfAction", "UnitType", "ProjectPhase", "FundingKind", "ConfidenceLevel",
    "FundingProgramme", "Call", "Measure", "SmartCityStrategy", "FundingFigure", "DataStrategyGuideline",
    "MeasureStatus", "Role",
]


@dataclass
class Fixture:
    path: Path
    message: str = ""
    focus: str = ""
    severity: str = "Violation"
    also: list[str] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)
    body: str = ""


def _header() -> str:
    lines = VALID.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.startswith(("@base", "@prefix"))) + "\n"


HEADER = _header()


def _read_fixture(path: Path) -> Fixture:
    fx = Fixture(path)
    body = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*(expect-message|expect-focus|expect-severity|also-message|remove):\s*(.+)$", line)
        if not match:
            body.append(line)
            continue
        key, value = match.group(1), match.group(2).strip()
        if key == "expect-message":
            fx.message = value
        elif key == "expect-focus":
            fx.focus = value
        elif key == "expect-severity":
            fx.severity = value
        elif key == "also-message":
            fx.also.append(value)
        else:
            fx.removals.append(value)
    fx.body = "\n".join(body)
    return fx


def _removal_pattern(line: str):
    text = re.sub(r"\*\s*\.\s*$", f"<{ANY}> .", line)
    triples = list(Graph().parse(data=HEADER + text, format="turtle"))
    assert len(triples) == 1, f"a remove line must hold exactly one triple: {line}"
    s, p, o = triples[0]
    return s, p, None if o == ANY else o


@functools.cache
def _valid_graph() -> Graph:
    """valid.ttl parsed once; callers get a copy (`_valid_copy`), since they change it."""
    return Graph().parse(VALID)


def _valid_copy() -> Graph:
    graph = Graph()
    graph += _valid_graph()
    return graph


def _patched_graph(fx: Fixture) -> Graph:
    graph = _valid_copy()
    for line in fx.removals:
        pattern = _removal_pattern(line)
        assert (pattern in graph) if None not in pattern else any(graph.triples(pattern)), (
            f"{fx.path.name}: nothing to remove for '{line}'"
        )
        graph.remove(pattern)
    if fx.body.strip():
        graph.parse(data=HEADER + fx.body, format="turtle")
    return graph


@functools.cache
def _fixture_graph(path: Path) -> Graph:
    """The fixture's graph, made once: validation only reads it."""
    return _valid_copy() if path == VALID else _patched_graph(_read_fixture(path))


@functools.cache
def _one_run(path: Path, engine: str = ENGINE):
    """The fixture's validation result by `engine` (the build's unless named), computed once for the tests that
    compare against it."""
    return validate(_fixture_graph(path), load_shapes(SHAPES_DIR), engine)


def _shape_messages(shapes: Graph) -> list[str]:
    return sorted({str(m) for m in shapes.objects(None, SH.message)})


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(SHAPES_DIR)


@pytest.fixture(scope="module")
def valid_result(shapes):
    return validate(_valid_copy(), shapes)


# ---------------------------------------------------------------- the fixtures themselves


def test_valid_fixture_conforms_without_findings(valid_result):
    assert valid_result.conforms, render_text(valid_result)
    assert valid_result.findings == [], render_text(valid_result)


# The places of the reference layer (the official register), as the importers write them.
REFERENCE_SUBJECT = re.compile(r"/id/(state|district|municipal-association|municipality)/")


def _layers(graph: Graph) -> tuple[Graph, Graph]:
    programme, reference = Graph(), Graph()
    for triple in graph:
        (reference if REFERENCE_SUBJECT.search(str(triple[0])) else programme).add(triple)
    return programme, reference


@pytest.fixture(scope="module")
def layer_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("validation-cache")


def _crosses_layers(path: Path) -> bool:
    """Whether the fixture's focus or patch names a place of the reference layer, where the layers meet."""
    return re.search(r"(<|/id/)(state|district|municipal-association|municipality)/", path.read_text()) is not None


CROSSING = [VALID, *(p for p in INVALID if _crosses_layers(p))]


@pytest.mark.parametrize("path", CROSSING, ids=[p.stem for p in CROSSING])
def test_layered_validation_finds_what_one_run_finds(path, shapes, layer_cache):
    """The build validates the reference layer once per register and the programme every time
    (validation.validate_layers); every fixture where the layers meet must come out exactly as one run
    over everything."""
    programme, reference = _layers(_fixture_graph(path))
    layered = validate_layers(Graph(), programme, reference, SHAPES_DIR, layer_cache)
    assert layered.findings == _one_run(path).findings, render_text(layered)


@pytest.mark.parametrize("path", [VALID, *INVALID], ids=[p.stem for p in [VALID, *INVALID]])
def test_the_builds_engine_finds_what_pyshacl_finds(path):
    """pyshacl-turbo validates the build; pySHACL, the reference implementation, must find exactly the same on
    every fixture (each breaks one rule, and every rule is broken by one)."""
    assert _one_run(path).findings == _one_run(path, "pyshacl").findings


@pytest.mark.parametrize("path", [VALID, *INVALID], ids=[p.stem for p in [VALID, *INVALID]])
def test_shapes_grouped_by_target_find_what_the_shapes_as_written_find(path, shapes):
    """The build's engine runs the property shapes grouped under one node shape per target (`by_target`, for speed):
    on the shapes as written in shapes/ it must find exactly the same on every fixture."""
    data = _fixture_graph(path)
    as_written = validation._result(validation._turbo_report(data, shapes), data)
    assert as_written.findings == _one_run(path).findings


def test_grouping_by_target_leaves_no_property_shape_with_targets_of_another(shapes):
    """Each group gathers every property shape with exactly its targets, and only those."""
    grouped = by_target(shapes)
    parents = set(grouped.subjects(SH.property, None)) - set(shapes.subjects(SH.property, None))
    assert parents, "no property shapes share their targets: the grouping is not exercised"
    for parent in parents:
        targets = {(p, o) for p in TARGETS for o in grouped.objects(parent, p)}
        for member in grouped.objects(parent, SH.property):
            assert {(p, o) for p in TARGETS for o in shapes.objects(member, p)} == targets
            assert all((member, p, None) not in grouped for p in TARGETS)


def test_both_engines_find_the_same_on_the_programme_data(shapes):
    """Both engines on real data: the programme with the ontology (the fixtures break each rule once; this is
    what contributors write). The register is left out: its shapes are the fixtures' and it takes pySHACL ~30 s."""
    data = Graph(store="SimpleMemory")
    for path in [*sorted((ROOT / "data" / "programme").glob("*.ttl")), *sorted((ROOT / "ontology").glob("*.ttl"))]:
        read_file(path, ROOT, data)
    turbo, reference = (validate(data, shapes, engine) for engine in ENGINES)
    assert turbo.findings == reference.findings


def _sparql_messages() -> list[str]:
    shapes = load_shapes(SHAPES_DIR)
    return [str(m) for c in shapes.subjects(RDF.type, SH.SPARQLConstraint) for m in shapes.objects(c, SH.message)]


SPARQL_MESSAGES = _sparql_messages()
SPARQL_FIXTURES = [p for p in INVALID if any(_read_fixture(p).message in m for m in SPARQL_MESSAGES)]


@pytest.mark.parametrize("path", SPARQL_FIXTURES, ids=[p.stem for p in SPARQL_FIXTURES])
def test_sparql_constraints_find_per_focus_node_what_they_find_at_once(path, shapes):
    """shacl_sparql.py answers a constraint for all focus nodes in one query where that is the same: every
    fixture that breaks a SPARQL constraint must come out as SHACL's pre-binding, one query per node, has it."""
    assert validate(_fixture_graph(path), shapes, "pyshacl", batch=False).findings == _one_run(path, "pyshacl").findings


BATCHING = [  # (the WHERE clause of a SELECT $this ?v, whether one query may answer for every focus node)
    ("{ $this :p ?v ; :q/:r ?w FILTER (?v != ?w) BIND (:p AS ?path) }", True),
    ("{ { $this :p ?v } UNION { $this :q ?v } FILTER NOT EXISTS { ?v :k $this } }", True),
    ("{ $this :p ?v OPTIONAL { $this :q ?w } FILTER (!BOUND(?w)) } ORDER BY ?v", True),
    ("{ $this :p+ ?v }", True),
    ("{ $this :p ?v } LIMIT 1", False),  # a limit for all nodes is not one per node
    ("{ $this :p ?v } GROUP BY $this ?v HAVING (COUNT(*) > 1)", False),
    ("{ ?x :p ?v OPTIONAL { $this :q ?x } }", False),  # $this optional: free, it would be unbound
    ("{ ?x :p ?v FILTER (?x = $this) }", False),
    ("{ { $this :p ?v } UNION { ?v :q ?o } }", False),
    ("{ $this :p* ?v }", False),  # pre-bound, a zero-step path matches a node the data does not hold
    ("{ $this :p ?v { ?a :b ?c MINUS { $this :x ?c } } }", False),
    ("{ $this :p ?v FILTER NOT EXISTS { ?v :k ?o MINUS { ?o :k $this } } }", False),
    ("{ { SELECT $this ?v WHERE { $this :p ?v } } }", False),
    ("{ VALUES ?v { 1 } $this :p ?v }", False),
    ("{ GRAPH ?g { $this :p ?v } }", False),
    # A group that names $this without binding it runs before $this has a value (found by a review):
    ("{ BIND (STR($this) AS ?v) $this :p ?o }", False),
    ("{ $this :p ?o . { ?o :q ?v FILTER (?v != $this) } }", False),
    ("{ $this :p ?o OPTIONAL { ?o :q ?v OPTIONAL { ?v :s $this } } }", False),
    ("{ { FILTER NOT EXISTS { $this :q ?z } } $this :p ?v }", False),
    ("{ $this :p ?o . { ?o :q ?v FILTER (?v != $this) } UNION { ?o :zz ?v } }", False),
    ("{ $this :p ?o OPTIONAL { ?o :q ?v FILTER (?v != $this) } }", True),  # the OPTIONAL's own filter sees $this
]


@pytest.mark.parametrize("where, expected", BATCHING)
def test_only_queries_that_keep_focus_nodes_apart_are_batched(where, expected):
    assert batchable(f"PREFIX : <urn:x:> SELECT $this ?v WHERE {where}") is expected


def test_a_literal_focus_node_is_answered_as_written():
    # pyoxigraph keeps "0.10"^^xsd:decimal as "0.1", so looking the literal up among batched rows would miss it.
    data = Graph()
    value = Literal("0.10", datatype=XSD.decimal, normalize=False)
    data.add((URIRef("urn:x:s"), URIRef("urn:x:p"), value))
    query = "SELECT $this ?s WHERE { ?s <urn:x:p> $this }"
    assert batchable(query)
    assert len(OxigraphQueryGraph(data).query(query, initBindings={"this": value}).bindings) == 1


def test_a_query_without_this_in_its_answer_is_not_batched():
    assert not batchable("PREFIX : <urn:x:> SELECT ?v WHERE { $this :p ?v }")
    assert not batchable("PREFIX : <urn:x:> ASK { $this :p ?v }")


def _planted(focus: str) -> dict:
    return {"severity": "Warning", "focus": focus, "focus_label": None, "path": None, "message": "from the cache",
            "value": None, "shape": None}


def test_layered_validation_reuses_the_runs_of_unchanged_input(shapes, tmp_path):
    programme, reference = _layers(_valid_copy())
    validate_layers(Graph(), programme, reference, SHAPES_DIR, tmp_path)
    entries = list(tmp_path.glob("*.json"))
    assert len(entries) == 2  # the reference layer's run and the programme's
    # Findings only the cache knows prove it was read: a node of the reference layer and one of the programme.
    project = str(next(programme.subjects(RDF.type, MPSC.ModelProject)))
    for entry in entries:
        entry.write_text(json.dumps(json.loads(entry.read_text()) + [_planted("urn:x-test:planted"), _planted(project)]))
    again = validate_layers(Graph(), programme, reference, SHAPES_DIR, tmp_path)
    assert sorted(f.focus for f in again.findings) == sorted(["urn:x-test:planted", project])
    programme.add((URIRef(project), RDFS.comment, Literal("changed")))  # the programme runs again, the layer not
    edited = validate_layers(Graph(), programme, reference, SHAPES_DIR, tmp_path)
    assert [f.focus for f in edited.findings] == ["urn:x-test:planted"]
    reference.add((URIRef("https://w3id.org/mpsc/id/state/09"), RDFS.comment, Literal("changed")))
    changed = validate_layers(Graph(), programme, reference, SHAPES_DIR, tmp_path)
    assert changed.findings == [] and len(list(tmp_path.glob("*.json"))) >= 4


def test_the_validation_cache_keeps_the_most_recently_used_entries(shapes, tmp_path):
    programme, reference = _layers(_valid_copy())
    project = URIRef(next(programme.subjects(RDF.type, MPSC.ModelProject)))
    for n in range(CACHE_ENTRIES + 3):
        programme.set((project, RDFS.comment, Literal(f"edit {n}")))
        validate_layers(Graph(), programme, reference, SHAPES_DIR, tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == CACHE_ENTRIES


def test_the_validation_cache_drops_what_a_stopped_run_left_half_written(shapes, tmp_path):
    """A run stopped while writing its entry (the build cancels a base run whose input it replaces) leaves a staging
    file; the next run that writes an entry removes those old enough to belong to no running build."""
    stale, recent = tmp_path / "a.123.tmp", tmp_path / "b.456.tmp"
    for staging in (stale, recent):
        staging.write_text("[")
    os.utime(stale, (time.time() - STALE_SECONDS - 60,) * 2)
    validate_layers(Graph(), *_layers(_valid_copy()), SHAPES_DIR, tmp_path)
    assert not stale.exists() and recent.exists()


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_reports_its_rule(path, shapes):
    fx = _read_fixture(path)
    assert fx.message and fx.focus, f"{path.name} needs expect-message and expect-focus lines"
    result = _one_run(path)
    report = render_text(result)

    hits = [f for f in result.findings if fx.message in f.message and f.focus == fx.focus]
    assert hits, f"expected '{fx.message}' on <{fx.focus}>, got:\n{report}"
    assert all(f.severity == fx.severity for f in hits), report
    if fx.severity == "Violation":
        assert result.conforms is False, report
        allowed = [fx.message, *fx.also]
        stray = [f for f in result.findings if f.severity == "Violation" and not any(a in f.message for a in allowed)]
        assert not stray, f"{path.name} breaks more than its rule:\n{report}"
    else:
        assert result.conforms is True, report


def test_every_message_is_proven_by_a_fixture(shapes):
    messages = _shape_messages(shapes)
    covered = set()
    for path in INVALID:
        fx = _read_fixture(path)
        matching = [m for m in messages if fx.message in m]
        assert len(matching) == 1, f"{path.name}: expect-message must match exactly one sh:message, got {matching}"
        covered.update(matching)
        for also in fx.also:
            assert any(also in m for m in messages), f"{path.name}: also-message '{also}' is no sh:message"
    missing = [m for m in messages if m not in covered]
    assert not missing, "sh:messages without an invalid fixture:\n" + "\n".join(missing)


# ---------------------------------------------------------------- how the shapes are written


def _constraint_nodes(shapes: Graph):
    """Property shapes, SPARQL constraints, and node shapes with a node-level constraint."""
    nodes = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.objects(None, SH.sparql))
    nodes |= {s for s in shapes.subjects(RDF.type, SH.NodeShape) if (s, SH.pattern, None) in shapes}
    return sorted(nodes)


def test_every_constraint_has_name_and_english_message(shapes):
    for node in _constraint_nodes(shapes):
        assert isinstance(node, URIRef) and str(node).startswith(SHAPES_NS), f"unnamed constraint {node}"
        assert shapes.value(node, SH.name) is not None, f"{node} has no sh:name"
        messages = list(shapes.objects(node, SH.message))
        assert messages and all(m.language == "en" for m in messages), f"{node} needs an English sh:message"


def test_node_shapes_are_named_and_labelled(shapes):
    for node in shapes.subjects(RDF.type, SH.NodeShape):
        assert str(node).startswith(SHAPES_NS) and str(node).endswith("Shape"), node
        assert shapes.value(node, RDFS.label) is not None, f"{node} has no rdfs:label"
        if (node, SH.sparql, None) in shapes:
            assert (node, SH.message, None) not in shapes, f"{node}: pyshacl would repeat its message"


def test_every_model_class_has_its_own_shape(shapes):
    for name in MODEL_CLASSES:
        shape = URIRef(SHAPES_NS + name + "Shape")
        assert (shape, SH.targetClass, MPSC[name]) in shapes, f"missing mpscsh:{name}Shape"
    assert (None, SH.targetClass, MPSC.AdministrativeUnit) not in shapes, "the abstract class is never asserted"


# ---------------------------------------------------------------- reports


@pytest.fixture(scope="module")
def bamberg_result(shapes):
    return validate(_patched_graph(_read_fixture(FIXTURES / "invalid" / "municipality-ags-format.ttl")), shapes)


def test_render_text_names_focus_label_path_value_and_message(bamberg_result):
    text = render_text(bamberg_result)
    block = next(b for b in text.split("\n\n") if "exactly 8 digits" in b)
    assert block.splitlines()[0] == 'VIOLATION  <https://w3id.org/mpsc/id/municipality/0946100> "Bamberg"'
    assert "    path: mpsc:ags" in block
    assert '    value: "0946100"' in block
    assert "    A municipality's AGS must be exactly 8 digits" in block
    assert text.rstrip().splitlines()[-1] == "2 violations, 0 warnings"


def test_render_text_summary_when_conforming(valid_result, shapes):
    assert render_text(valid_result).strip() == "Conforms"
    warned = validate(_patched_graph(_read_fixture(FIXTURES / "invalid" / "model-project-topic-wanted.ttl")), shapes)
    assert render_text(warned).rstrip().splitlines()[-1] == "Conforms (1 warning)"


def test_render_json_has_counts_and_findings(bamberg_result):
    data = json.loads(render_json(bamberg_result))
    assert list(data) == ["conforms", "violations", "warnings", "findings"]
    assert data["conforms"] is False
    assert data["violations"] == 2 and data["warnings"] == 0
    finding = next(f for f in data["findings"] if "exactly 8 digits" in f["message"])
    assert finding == {
        "severity": "Violation",
        "focus": "https://w3id.org/mpsc/id/municipality/0946100",
        "focus_label": "Bamberg",
        "path": "mpsc:ags",
        "message": "A municipality's AGS must be exactly 8 digits, written as a plain string (keep leading zeros).",
        "value": '"0946100"',
        "shape": "mpscsh:Municipality-agsFormat",
    }


def test_reports_are_deterministic(shapes, bamberg_result):
    again = validate(_patched_graph(_read_fixture(FIXTURES / "invalid" / "municipality-ags-format.ttl")), shapes)
    assert render_json(again) == render_json(bamberg_result)
    assert render_text(again) == render_text(bamberg_result)


def test_render_turtle_is_the_shacl_report(bamberg_result):
    report = Graph().parse(data=render_turtle(bamberg_result), format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in report
    assert len(list(report.subjects(RDF.type, SH.ValidationResult))) == 2


def test_sparql_findings_carry_path_and_template_values(shapes):
    fx = _read_fixture(FIXTURES / "invalid" / "municipality-ags-in-place.ttl")
    result = validate(_patched_graph(fx), shapes)
    finding = next(f for f in result.findings if fx.message in f.message)
    assert finding.path == "mpsc:ags" and finding.value == '"09182143"'
    assert finding.message.endswith("(09181).")
    assert finding.shape == "mpscsh:Municipality-agsInPlace"


@pytest.mark.parametrize(
    "point, inside",
    [
        ("POINT(5.8 47.2)", True),
        ("POINT(15.1 55.1)", True),
        ("POINT(5.79 50)", False),
        ("POINT(15.11 50)", False),
        ("POINT(10 47.19)", False),
        ("POINT(10 55.11)", False),
    ],
)
def test_bounding_box_edges(point, inside, shapes):
    graph = _valid_copy()
    geometry = URIRef("https://w3id.org/mpsc/id/municipality/09181121#geometry")
    graph.remove((geometry, GEO.asWKT, None))
    graph.add((geometry, GEO.asWKT, Literal(point, datatype=GEO.wktLiteral)))
    result = validate(graph, shapes)
    assert result.conforms is inside, render_text(result)


def test_dataset_is_validated_as_the_union_of_its_graphs(shapes):
    from rdflib import Dataset

    dataset = Dataset()
    valid = _valid_copy()
    programme = dataset.graph(URIRef("https://w3id.org/mpsc/graph/programme"))
    reference = dataset.graph(URIRef("https://w3id.org/mpsc/graph/reference"))
    for triple in valid:
        target = reference if "/municipality/" in str(triple[0]) else programme
        target.add(triple)
    assert validate(dataset, shapes).conforms
