"""The embedded store without HTTP: engine, executor pool, row limits, the on-disk variant, crash recovery."""
from __future__ import annotations

import json
import os
import signal
import time

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from server.formats import CSV, JSONLD, NTRIPLES, SRJ, TSV, TURTLE
from server.store import QueryFailed, QueryTimeout, StoreUnavailable, TooManyRows
from server.store.embedded import EmbeddedStore
from tests.sparql_support import ENDLESS, PROGRAMME, make_release, sample_quads, w3c_quads

ULM = "https://w3id.org/mpsc/id/municipality/08421000"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return make_release(tmp_path_factory.mktemp("embedded"), sample_quads("embedded1"), "embedded1")


@pytest.fixture(scope="module")
def store(release):
    store = EmbeddedStore(release, executors=2, timeout=2.0)
    yield store
    store.close()


def test_select_ask_construct_and_describe(store):
    rows = store.select("SELECT ?l WHERE { ?m <https://w3id.org/mpsc/ontology#ags> '08421000' ; "
                        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    assert rows == [{"l": Literal("Ulm", lang="de")}]
    assert store.ask(f"ASK {{ <{ULM}> ?p ?o }}") is True
    described = store.describe(ULM)
    assert len(described) == 4 and (URIRef(ULM), URIRef("https://w3id.org/mpsc/ontology#population"),
                                     Literal(126949)) in described


def test_results_come_in_the_requested_format(store):
    query = "SELECT ?y WHERE { ?r <https://w3id.org/mpsc/ontology#year> ?y } ORDER BY ?y"
    assert store.query(query, CSV) == b"y\r\n2019\r\n2020\r\n"
    assert store.query(query, TSV).splitlines()[0] == b"?y"
    construct = "CONSTRUCT WHERE { ?r <https://w3id.org/mpsc/ontology#year> ?y }"
    assert store.query(construct, NTRIPLES).count(b"\n") == 2
    assert store.query(construct, TURTLE).startswith(b"@prefix")
    assert json.loads(store.query(construct, JSONLD))[0]["@id"].startswith("https://w3id.org/mpsc/id/round/")


def test_the_row_limit_counts_solutions_and_triples(store):
    assert store.query("SELECT * { ?s ?p ?o } LIMIT 5", SRJ, max_rows=5)
    with pytest.raises(TooManyRows, match="more than 5 rows"):
        store.query("SELECT * { ?s ?p ?o } LIMIT 6", SRJ, max_rows=5)
    with pytest.raises(TooManyRows):
        store.query("CONSTRUCT WHERE { ?s ?p ?o }", TURTLE, max_rows=5)
    assert len(store.query("SELECT * { ?s ?p ?o }", TSV, max_rows=None).splitlines()) == 34


def test_a_syntax_error_carries_line_and_column(store):
    with pytest.raises(QueryFailed) as error:
        store.query("ASK {\n  ?s ?p\n}", SRJ)
    assert error.value.status == 400 and error.value.line == 3 and error.value.column is not None


def test_the_default_graph_is_the_releases_merge(store):
    assert store.graph_sizes() == {PROGRAMME: 32, "https://w3id.org/mpsc/graph/metadata": 1, "": 33}


def test_without_a_default_graph_the_union_stands_in(tmp_path):
    store = EmbeddedStore(make_release(tmp_path, w3c_quads(), "w3c"), executors=1)
    try:
        assert store.ask("ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> ?p ?o }")
    finally:
        store.close()


def test_a_query_over_the_time_limit_is_stopped(store):
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query(ENDLESS, SRJ)
    assert 2.0 <= time.monotonic() - started < 4.0
    assert store.ask("ASK {}")


def test_a_crashed_executor_is_reported_and_replaced(release):
    store = EmbeddedStore(release, executors=1, timeout=5.0)
    try:
        (executor,) = store._pool._alive
        os.kill(executor.process.pid, signal.SIGKILL)
        executor.process.wait()
        with pytest.raises(StoreUnavailable, match="stopped unexpectedly"):
            store.ask("ASK {}")
        assert store.ask("ASK {}")  # waits for the replacement
        assert store.health()["executors"] == 1
    finally:
        store.close()


def test_a_missing_dataset_file_fails_at_start_in_words(release, tmp_path):
    broken = make_release(tmp_path, sample_quads("broken"), "broken")
    (broken.path / "mpsc-all.nq.gz").unlink()
    with pytest.raises(RuntimeError, match="query executor failed to start: .*No such file"):
        EmbeddedStore(broken, executors=1)


def test_the_on_disk_store_is_built_once_per_version(release, tmp_path):
    first = EmbeddedStore(release, executors=1, store_path=tmp_path)
    try:
        built = (tmp_path / release.version).stat().st_mtime_ns
        assert first.ask(f"ASK {{ <{ULM}> ?p ?o }}")
    finally:
        first.close()
    second = EmbeddedStore(release, executors=2, store_path=tmp_path)
    try:
        assert second.graph_sizes()[""] == 33
        assert (tmp_path / release.version).stat().st_mtime_ns == built
        assert [p.name for p in tmp_path.iterdir()] == [release.version]  # no staging folder left
    finally:
        second.close()


def test_loading_a_new_release_switches_the_version(tmp_path, release):
    store = EmbeddedStore(release, executors=1)
    try:
        extra = [ox.Triple(ox.NamedNode(ULM), ox.NamedNode("https://w3id.org/mpsc/ontology#area"), ox.Literal("118.69"))]
        store.load(make_release(tmp_path, sample_quads("embedded2", extra), "embedded2"))
        assert store.version == "embedded2" and store.graph_sizes()[""] == 34
    finally:
        store.close()
