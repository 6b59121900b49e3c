"""benchmarks/scale.py's synthetic data: its copies must pass the shapes, or a scale could not be built."""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from benchmarks.scale import copied_iri, generate
from server.build.pipeline import PROGRAMME, check, load_inputs
from server.build.validation import render_text
from server.namespaces import MPSC
from tests.conftest import make_small_root


def test_copied_iris_follow_the_patterns_of_the_model():
    assert copied_iri("https://w3id.org/mpsc/id/project/bamberg#funding", 2) == "https://w3id.org/mpsc/id/project/bamberg-s2#funding"
    assert copied_iri("https://w3id.org/mpsc/id/measure/bamberg-12", 3) == "https://w3id.org/mpsc/id/measure/bamberg-s3-12"
    assert copied_iri("https://w3id.org/mpsc/id/round/2019", 3) == "https://w3id.org/mpsc/id/round/2025"
    for kept in ("https://w3id.org/mpsc/id/municipality/09461000", "https://w3id.org/mpsc/id/charter/1",
                 "https://w3id.org/mpsc/id/programme", "http://www.wikidata.org/entity/Q3936"):
        assert copied_iri(kept, 2) == kept  # the register, the Charta and the programme exist once


def test_three_copies_of_the_small_data_conform_to_the_shapes(tmp_path):
    source = make_small_root(tmp_path / "small")
    generate(3, tmp_path / "x3", source)
    once, thrice = load_inputs(source)[PROGRAMME], load_inputs(tmp_path / "x3")
    result = check(thrice, tmp_path / "x3" / "shapes")
    assert result.conforms, render_text(result)
    projects = set(once.subjects(RDF.type, MPSC.ModelProject))
    assert len(set(thrice[PROGRAMME].subjects(RDF.type, MPSC.ModelProject))) == 3 * len(projects)
    project = min(projects)  # Bamberg: a municipality's project
    copy = URIRef(copied_iri(str(project), 3))
    places = {(p, o) for p, o in once.predicate_objects(project) if "/municipality/" in str(o)}
    assert places and places <= set(thrice[PROGRAMME].predicate_objects(copy))  # the same places of the register
    label = next(l for l in once.objects(project, RDFS.label) if l.language == "de")
    assert Literal(f"{label} (S3)", lang="de") in set(thrice[PROGRAMME].objects(copy, RDFS.label))
    round_ = thrice[PROGRAMME].value(copy, MPSC.fundingRound)  # a later round of its own, of its own year
    assert round_ == URIRef(copied_iri(str(once.value(project, MPSC.fundingRound)), 3))
    assert str(thrice[PROGRAMME].value(round_, MPSC.year)) == str(round_).rsplit("/", 1)[1]
