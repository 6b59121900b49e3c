"""The embedded store without HTTP: engine, executor pool, row limits, the on-disk variant, crash recovery."""
from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from server.formats import CSV, JSONLD, NTRIPLES, SRJ, TSV, TURTLE
from server.build.release import DATASET_FILE, Releases
from server.config import Settings
from server.errors import MemoryLimit, ReleaseCorrupt, QueryFailed, QueryTimeout, StoreUnavailable, TooManyRows
from server.store import malloc, open_store
from server.store.embedded import QUICK_START, EmbeddedStore, disk_store, write_quick_start_copy
from server.store.executor import DISK, MEMORY
from server.store.pool import PUBLIC, SITE, ExecutorPool
from tests.sparql_support import ENDLESS, GROWING, PROGRAMME, make_release, sample_quads, w3c_quads

ULM = "https://w3id.org/mpsc/id/municipality/08421000"
# 10^12 solutions, produced one by one: only a limit that stops the writer early ends it before the time limit.
HUGE = "SELECT * WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(12)) + " }"
HUGE_GRAPH = ("CONSTRUCT { ?s <https://w3id.org/mpsc/ontology#n> ?v11 } WHERE { "
              + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(12))
              + " BIND(IRI(CONCAT('https://w3id.org/mpsc/id/test/', STR(?v0), STR(?v1), STR(?v2), STR(?v3), "
                "STR(?v4), STR(?v5), STR(?v6), STR(?v7), STR(?v8), STR(?v9), STR(?v10))) AS ?s) }")


def count(store, graph: str | None = None) -> int:
    """Triples in the default graph, or in one named graph, as the executors see them."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    return int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0]["n"])


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
    described = store.construct(f"DESCRIBE <{ULM}>")
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
    with pytest.raises(TooManyRows, match="more than 5 triples"):  # a graph has no rows (a researcher's review)
        store.query("CONSTRUCT WHERE { ?s ?p ?o }", TURTLE, max_rows=5)
    assert len(store.query("SELECT * { ?s ?p ?o }", TSV, max_rows=None).splitlines()) == 34


@pytest.mark.parametrize("query, fmt", [(HUGE, SRJ), (HUGE, TSV), (HUGE_GRAPH, TURTLE)])
def test_a_huge_result_stops_at_the_row_limit_at_once(store, query, fmt):
    started = time.monotonic()
    with pytest.raises(TooManyRows, match="more than 1,000 (rows|triples)"):
        store.query(query, fmt, max_rows=1000)
    assert time.monotonic() - started < 1.0  # the time limit (2 s) would end it otherwise


def test_a_syntax_error_carries_line_and_column(store):
    with pytest.raises(QueryFailed) as error:
        store.query("ASK {\n  ?s ?p\n}", SRJ)
    assert error.value.status == 400 and error.value.line == 3 and error.value.column is not None


def test_the_default_graph_is_the_releases_merge(store):
    assert count(store) == 33 and count(store, PROGRAMME) == 32


def test_graph_sizes_come_from_the_release_manifest(store, release):
    assert store.graph_sizes() == release.manifest["graphs"] == {PROGRAMME: 32, "https://w3id.org/mpsc/graph/metadata": 1}


def test_relative_iris_resolve_against_the_endpoint(release):
    store = EmbeddedStore(release, executors=1, base_iri="http://127.0.0.1:8080/sparql")
    try:
        assert store.select("SELECT ?x { BIND(<other> AS ?x) }") == [{"x": URIRef("http://127.0.0.1:8080/other")}]
    finally:
        store.close()


def test_without_a_default_graph_the_union_stands_in(tmp_path):
    store = EmbeddedStore(make_release(tmp_path, w3c_quads(), "w3c"), executors=1)
    try:
        assert store.ask("ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> ?p ?o }")
    finally:
        store.close()


def test_a_query_over_the_time_limit_is_stopped(store, caplog):
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query(ENDLESS, SRJ)
    assert 2.0 <= time.monotonic() - started < 4.0
    assert store.ask("ASK {}")
    assert "into the time limit of 2 s; its executor was ended" in caplog.text  # an SRE's review: no line said so


def test_waiting_for_an_executor_counts_against_the_time_limit(release):
    store = EmbeddedStore(release, executors=1, timeout=2.0)
    try:
        def occupy():
            with suppress(QueryTimeout):
                store.query(ENDLESS, SRJ)

        first = threading.Thread(target=occupy)
        first.start()
        time.sleep(1.5)  # the only executor is busy until 2.0, its successor ready well before 3.5
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            store.query(ENDLESS, SRJ)  # waits for the successor, then runs only for what is left of its 2 s
        assert time.monotonic() - started < 2.5
        first.join()
    finally:
        store.close()


def test_a_lane_whose_executor_could_not_be_replaced_is_filled_up_again(release, tmp_path, caplog):
    """An on-disk store away for a moment (another worker writing the copy anew, say): the successor of an executor
    cannot start, and the lane is short until the recycler (every 0.2 s here) forks the one it lacks."""
    store = disk_store(release, tmp_path / "copies")
    pool = ExecutorPool(DISK, str(store), {PUBLIC: 1, SITE: 1}, timeout=5.0, recycle=(0.4, 1 << 40))
    try:
        store.rename(tmp_path / "away")
        (pid,) = [pid for pid, executor in pool._alive.items() if executor.lane == SITE]
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(StoreUnavailable):
            version_of(pool, SITE)
        wait_for(lambda: "the site lane still lacks 1 executor(s)" in caplog.text)
        assert pool.health()["executors"] == 1 and "could not replace a query executor of the site lane" in caplog.text
        # /healthz says so: a lane with none left answers nothing (an operator's review: it said ok)
        assert pool.health()["missing"] == {SITE: 1} and pool.health()["answers"] is False
        assert version_of(pool, PUBLIC) == "embedded1"  # the other lane answers on
        (tmp_path / "away").rename(store)
        wait_for(lambda: pool.health()["executors"] == 2)
        assert version_of(pool, SITE) == "embedded1" and pool.health()["missing"] == {} and pool.health()["answers"]
        time.sleep(0.5)  # more rounds of the recycler add nothing beyond the lanes' sizes
        assert pool.health()["executors"] == 2
    finally:
        pool.close()


def test_an_executor_ended_while_idle_is_replaced_before_it_is_asked(release, caplog):
    """Killed from outside (the kernel's OOM killer, an operator): the next query is answered by its successor,
    forked from the loaded release (no reload), and the log says so."""
    store = EmbeddedStore(release, executors=1, site_executors=1, timeout=5.0)
    try:
        (pid,) = [pid for pid, executor in store._pool._alive.items() if executor.lane == SITE]
        os.kill(pid, signal.SIGKILL)
        wait_for(store._pool._alive[pid].ended)  # its socket reads as closed
        started = time.monotonic()
        assert store.ask("ASK {}")
        assert time.monotonic() - started < 0.5
        assert "an idle query executor had ended" in caplog.text and store.health()["executors"] == 2
    finally:
        store.close()


def test_healthz_counts_ended_executors_as_missing_until_they_are_replaced(release, tmp_path):
    """An operator's review: with the executors killed and the on-disk store they read moved away, /healthz said
    ok (6 executors, 6 idle) until queries failed. Ended ones count as missing until a query or the recycler
    (every 0.2 s here) replaces them; a probe forks nothing itself; with none to fork, a query fails at once."""
    store = disk_store(release, tmp_path / "copies")
    pool = ExecutorPool(DISK, str(store), {PUBLIC: 1, SITE: 1}, timeout=5.0, recycle=(0.4, 1 << 40))
    try:
        def kill_all() -> None:
            killed = list(pool._alive.values())
            for executor in killed:
                os.kill(executor.pid, signal.SIGKILL)
            wait_for(lambda: all(executor.ended() for executor in killed))

        store.rename(tmp_path / "away")
        kill_all()
        health = pool.health()
        assert health["answers"] is False and health["missing"] == {PUBLIC: 1, SITE: 1} and health["executors"] == 0
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="not available"):
            version_of(pool, PUBLIC)
        assert time.monotonic() - started < 1  # not the time limit's 5 s
        (tmp_path / "away").rename(store)
        wait_for(lambda: pool.health()["answers"] and pool.health()["executors"] == 2)  # the recycler refilled
        assert version_of(pool, PUBLIC) == "embedded1"
    finally:
        pool.close()


@pytest.mark.parametrize("kill_executors", [True, False])
def test_a_fork_server_killed_from_outside_is_replaced(release, caplog, kill_executors):
    """An operator's review: with the fork server killed (as the OOM killer would, the largest process with the
    release in memory), no executor could be forked again and the worker answered 503 until a reload. The
    recycler (every 0.2 s here) starts a new one over the same source, and its executors take over; executors
    that outlived their fork server end once replaced, without a traceback in the log."""
    pool = ExecutorPool(MEMORY, str(release.path / DATASET_FILE), {PUBLIC: 1, SITE: 1}, timeout=5.0,
                        recycle=(0.4, 1 << 40))
    try:
        old, executors = pool._server, list(pool._alive.values())
        os.kill(old.process.pid, signal.SIGKILL)
        if kill_executors:
            for executor in executors:
                os.kill(executor.pid, signal.SIGKILL)
        wait_for(lambda: pool._server is not old and pool.health()["answers"] and pool.health()["executors"] == 2)
        assert version_of(pool, PUBLIC) == version_of(pool, SITE) == "embedded1"
        assert all(executor.server is pool._server for executor in pool._alive.values())
        assert "the fork server of the query executors ended (status -9); a new one starts over" in caplog.text
        assert "Traceback" not in caplog.text and "could not end a query executor" not in caplog.text
        wait_for(lambda: old.closed)  # retired once none of its executors is left
        for executor in executors:
            wait_for(lambda: not Path(f"/proc/{executor.pid}").exists() or executor_zombie(executor.pid))
    finally:
        pool.close()


def test_a_query_past_the_time_limit_is_stopped_though_its_fork_server_was_killed(release):
    """A reviewer's finding: an executor whose fork server was gone could not be ended through it, and noticed its
    closed socket only once its query was done, so a query past the time limit ran on. The pool kills it itself."""
    pool = ExecutorPool(MEMORY, str(release.path / DATASET_FILE), {PUBLIC: 1, SITE: 1}, timeout=1.0,
                        recycle=(600, 1 << 40))  # no recycler round during the test: the query's end is what acts
    (busy,) = [executor for executor in pool._alive.values() if executor.lane == PUBLIC]
    try:
        os.kill(pool._server.process.pid, signal.SIGKILL)
        wait_for(pool._server.gone)
        with pytest.raises(QueryTimeout):
            pool.run((ENDLESS, CSV.key, None, None, None, None), PUBLIC)
        wait_for(lambda: not Path(f"/proc/{busy.pid}").exists() or executor_zombie(busy.pid), seconds=5)
    finally:
        pool.close()
        with suppress(ProcessLookupError):  # where the pool failed to: its endless query would run on for good
            os.kill(busy.pid, signal.SIGKILL)


def test_a_fork_server_that_cannot_be_replaced_is_tried_again_less_and_less_often(release, tmp_path, caplog):
    """A reviewer's finding: a fork server killed again and again (the OOM killer, short of memory) was started
    anew every round of the recycler; each try now waits twice as long as the last. Here the release is away, so
    every new one fails: rounds every 0.2 s for 2.5 s make three tries (at 0, 0.4 and 1.2 s; fewer on a slow
    machine, where each start takes longer), not a dozen."""
    dataset = tmp_path / DATASET_FILE
    shutil.copy(release.path / DATASET_FILE, dataset)
    pool = ExecutorPool(MEMORY, str(dataset), {PUBLIC: 1, SITE: 1}, timeout=5.0, recycle=(0.4, 1 << 40))
    try:
        dataset.rename(tmp_path / "away")
        os.kill(pool._server.process.pid, signal.SIGKILL)
        time.sleep(2.5)
        assert 1 <= caplog.text.count("a new one starts over") <= 4, caplog.text
    finally:
        pool.close()


def executor_zombie(pid: int) -> bool:
    """Whether process `pid` has ended and waits to be reaped (its parent, the killed fork server, is gone, so
    whoever adopted it reaps it in its own time)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.parametrize("allocator", ["", "jemalloc"])
def test_a_query_beyond_the_memory_limit_is_stopped_in_words(release, monkeypatch, plain_environment, allocator,
                                                             caplog):
    monkeypatch.setenv("RUST_BACKTRACE", "1")  # an executor that aborts must not symbolise a backtrace first
    store = EmbeddedStore(release, executors=1, timeout=20.0, memory_mb=256, allocator=allocator and jemalloc())
    try:
        environ = Path(f"/proc/{store._pool._server.process.pid}/environ").read_bytes().split(b"\0")
        assert b"RUST_BACKTRACE=0" in environ
        assert store.health()["malloc"] == ("libjemalloc.so.2" if allocator else "libc.so.6")
        started = time.monotonic()
        with pytest.raises(MemoryLimit, match="more memory than this endpoint allows per query .256 MB."):
            store.query(GROWING, SRJ, public=True)
        assert time.monotonic() - started < 10  # the cap stopped it, not the time limit
        assert store.query("ASK {}", SRJ, public=True)  # and its successor answers
        assert "a query ran out of the 256 MB one query may use" in caplog.text
    finally:
        store.close()


def jemalloc() -> str:
    """"jemalloc", which `make test` installs (Makefile: jemalloc); the test fails in words where it is missing."""
    if malloc.library("jemalloc") is None:
        pytest.fail("jemalloc is missing: install Debian's libjemalloc2 (apt-get install libjemalloc2, or make test)")
    return "jemalloc"


def _mallocs(pid: int) -> set[str]:
    """The file names of the allocator libraries process `pid` has loaded (the C library's malloc aside)."""
    return {Path(line.split()[-1]).name for line in Path(f"/proc/{pid}/maps").read_text().splitlines()
            if ".so" in line and "malloc" in line}


@pytest.fixture
def plain_environment(monkeypatch):
    """No allocator preloaded or configured where the tests run."""
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    monkeypatch.delenv("MALLOC_CONF", raising=False)


@pytest.mark.parametrize("allocator, in_use", [("jemalloc", "libjemalloc.so.2"), ("no-such-allocator", None),
                                               ("libnot.so", None)])
def test_executors_allocate_with_the_allocator_named_where_it_can_be_loaded(release, plain_environment, tmp_path,
                                                                          allocator, in_use):
    if allocator == "jemalloc":
        jemalloc()
    elif allocator.endswith(".so"):  # a file that is no library: the loader says it cannot preload it, goes on without
        (tmp_path / allocator).write_text("not a shared library\n")
        allocator = str(tmp_path / allocator)
    store = EmbeddedStore(release, executors=1, site_executors=1, allocator=allocator)
    try:
        assert store.query("ASK { ?s ?p ?o }", SRJ, public=True) == b'{"head":{},"boolean":true}'
        executors = list(store._pool._alive)
        assert len(executors) == 2
        for pid in executors:
            assert _mallocs(pid) == ({in_use} if in_use else set())
        assert store.health()["malloc"] == (in_use or "libc.so.6")  # what the fork server found, not the setting
    finally:
        store.close()


def test_the_allocator_goes_first_and_the_fork_server_stays_one_thread(release, monkeypatch):
    monkeypatch.setenv("LD_PRELOAD", "libother.so")
    monkeypatch.setenv("MALLOC_CONF", "background_thread:true")  # would start a jemalloc thread in the fork server
    assert malloc.preloading(jemalloc()) == {
        "LD_PRELOAD": f"{malloc.library('jemalloc')} libother.so",
        "MALLOC_CONF": "retain:false,background_thread:true,background_thread:false"}
    assert malloc.preloading("") == {} and malloc.preloading("  ") == {}
    monkeypatch.delenv("LD_PRELOAD")  # the loader would only complain about libother.so
    store = EmbeddedStore(release, executors=2, site_executors=1, allocator="jemalloc")
    try:
        assert store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", SRJ, public=True)
        server = store._pool._server.process.pid
        assert store.health()["malloc"] == "libjemalloc.so.2"
        assert os.listdir(f"/proc/{server}/task") == [str(server)]
    finally:
        store.close()


@pytest.mark.parametrize("query", [  # each crashes pyoxigraph on a default 8 MB thread stack
    "ASK { FILTER(" + "!" * 60_000 + "true) }",
    "ASK { FILTER(" + " && ".join(["true"] * 15_000) + ") }",
])
def test_long_flat_chains_do_not_overflow_the_stack(store, query):
    assert store.query(query, SRJ, public=True)


def test_public_queries_cannot_hold_up_the_sites_own(release):
    store = EmbeddedStore(release, executors=1, site_executors=1, timeout=1.5)  # long enough to be busy
    try:
        busy = threading.Thread(target=_endless, args=(store,))
        busy.start()
        time.sleep(0.3)
        started = time.monotonic()
        assert store.ask("ASK {}")  # a page's query: its own lane is free
        assert time.monotonic() - started < 0.5
        busy.join()
    finally:
        store.close()


def _endless(store) -> None:
    with suppress(QueryTimeout):
        store.query(ENDLESS, SRJ, public=True)


def test_a_missing_dataset_file_fails_at_start_in_words(tmp_path):
    broken = make_release(tmp_path, sample_quads("broken"), "broken")
    (broken.path / DATASET_FILE).unlink()
    with pytest.raises(RuntimeError, match="query executor failed to start: .*No such file"):
        EmbeddedStore(broken, executors=1)


def _children() -> set[int]:
    """This process's living children, from each process's parent in /proc (a thread's own `children` list
    vanishes when the thread ends, and a process may end while it is read)."""
    found = set()
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text() if entry.isdigit() else ""
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if fields and int(fields[1]) == os.getpid():
            found.add(int(entry))
    return found


@pytest.mark.parametrize("damaged, old, new", [(DATASET_FILE, None, None), ("release.json", b"2026-01-01", b"2026-01-02")],
                         ids=["dataset", "manifest"])
def test_a_damaged_release_is_refused_and_leaves_no_process(tmp_path, damaged, old, new):
    """open_store checks the checksums while the fork server loads the release: a damaged file is named
    whether the load failed on it (the dataset: a flipped bit) or not (the manifest, still valid JSON, after a
    fork server had started)."""
    release = make_release(tmp_path, sample_quads("damaged"), "damaged")
    data = bytearray((release.path / damaged).read_bytes())
    if old is None:
        data[-3] ^= 0x01
    else:
        data = data.replace(old, new)
    (release.path / damaged).write_bytes(bytes(data))
    before = _children()
    with pytest.raises(ReleaseCorrupt, match=f"{damaged} does not match its checksum"):
        open_store(Settings.from_env(releases=tmp_path), Releases(tmp_path))
    assert _children() <= before
    stores = tmp_path / "stores"  # an on-disk store is written only from a release checked whole
    with pytest.raises(ReleaseCorrupt, match=f"{damaged} does not match its checksum"):
        open_store(Settings.from_env(releases=tmp_path, store_path=stores), Releases(tmp_path))
    assert not stores.exists() and _children() <= before


def test_the_on_disk_store_is_built_once_per_version(release, tmp_path):
    first = EmbeddedStore(release, executors=1, store_path=tmp_path)
    try:
        built = (tmp_path / release.version).stat().st_mtime_ns
        assert first.ask(f"ASK {{ <{ULM}> ?p ?o }}")
    finally:
        first.close()
    second = EmbeddedStore(release, executors=2, store_path=tmp_path)
    try:
        assert count(second) == 33
        assert (tmp_path / release.version).stat().st_mtime_ns == built
        assert [p.name for p in tmp_path.iterdir()] == [release.version]  # no staging folder left
    finally:
        second.close()


def test_an_on_disk_store_damaged_under_the_server_is_its_fault_not_the_querys(releases_dir, tmp_path):
    """An operator's review: with blocks of the on-disk copy overwritten (a disk fault), every query was a 400 "The
    query could not be evaluated", blaming the client, and /healthz said ok. RocksDB's "Corruption" is a 503 saying
    whose fault it is (the executor's log names the file), and /healthz says the store is damaged, in every web
    worker (each has a pool of its own); the next start writes the store anew (a review: a restart answered from
    it again until a query read the damaged block)."""
    release = Releases(releases_dir).current()
    store = disk_store(release, tmp_path / "copies")  # the real one: tables of megabytes
    tables = [table for table in store.glob("*.sst") if table.stat().st_size > 1 << 20]  # the quads' tables
    assert tables
    for table in tables:  # mid-file is a data block: opening the store reads only the index and properties
        with open(table, "r+b") as damaged:
            damaged.seek(table.stat().st_size // 2)
            damaged.write(b"\x5a" * 4096)
    pool = ExecutorPool(DISK, str(store), {PUBLIC: 1, SITE: 1}, timeout=5.0)
    try:
        assert pool.health()["damaged"] is False and pool.health()["answers"] is True  # until a query reads a block
        with pytest.raises(StoreUnavailable, match="cannot read its data on this server"):
            pool.run(("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", CSV.key, None, None, None, None), PUBLIC)
        assert pool.health()["damaged"] is True and pool.health()["answers"] is False
        other = ExecutorPool(DISK, str(store), {PUBLIC: 1, SITE: 1}, timeout=5.0)  # another worker's
        try:
            assert other.health()["damaged"] is True
        finally:
            other.close()
    finally:
        pool.close()
    assert disk_store(release, tmp_path / "copies") == store  # as the next start asks for it: written anew
    renewed = ExecutorPool(DISK, str(store), {PUBLIC: 1, SITE: 1}, timeout=5.0)
    try:
        assert renewed.health()["damaged"] is False
        counted = renewed.run(("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", CSV.key, None, None, None,
                               None), PUBLIC)  # every block of the quads read again, whole
        assert int(counted.decode().splitlines()[1]) > 200_000
    finally:
        renewed.close()


VERSION = "SELECT ?v WHERE { ?dataset <http://www.w3.org/2002/07/owl#versionInfo> ?v }"


def version_of(pool: ExecutorPool, lane: str) -> str:
    """The owl:versionInfo of the data an executor of `lane` answers from (sample_quads names it)."""
    return pool.run((VERSION, CSV.key, None, None, None, None), lane).decode().splitlines()[1]


def wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def bridged(tmp_path):
    """A pool whose executors answer from an on-disk copy of one release while its fork server loads another
    from a named pipe, which the test writes when it chooses: (pool, the release to write, the pipe)."""
    copy = disk_store(make_release(tmp_path / "old", sample_quads("on-disk copy"), "copy"), tmp_path / "copies")
    loaded = make_release(tmp_path / "new", sample_quads("in memory"), "memory")
    pipe = tmp_path / "dataset.nq.gz"
    os.mkfifo(pipe)
    before = _children()
    pool = ExecutorPool(MEMORY, str(pipe), {PUBLIC: 1, SITE: 1}, timeout=5.0, bridge=(DISK, str(copy)))
    yield pool, loaded, pipe
    pool.close()
    assert _children() <= before


def test_a_quick_start_answers_from_the_on_disk_copy_until_the_release_is_loaded(bridged):
    pool, loaded, pipe = bridged
    started = _children()
    assert pool.health()["source"] == "disk" and len(started) >= 2  # both fork servers run
    assert version_of(pool, PUBLIC) == version_of(pool, SITE) == "on-disk copy"
    pipe.write_bytes((loaded.path / DATASET_FILE).read_bytes())  # the fork server has the release now
    wait_for(lambda: pool.health()["source"] == "memory" and pool.health()["idle"] == 2)
    assert version_of(pool, PUBLIC) == version_of(pool, SITE) == "in memory"
    wait_for(lambda: len(_children() & started) == len(started) - 1)  # the copy's fork server has ended
    assert pool.health()["executors"] == 2


def test_a_release_that_cannot_be_loaded_leaves_the_copy_answering(bridged, caplog):
    pool, _, pipe = bridged
    pipe.write_bytes(b"not gzip at all")
    wait_for(lambda: "the executors answer from disk as before" in caplog.text)
    assert pool.health()["source"] == "disk" and version_of(pool, PUBLIC) == "on-disk copy"


def test_the_first_start_answers_from_memory_until_it_has_written_the_copy_the_next_one_starts_from(tmp_path):
    release = make_release(tmp_path, sample_quads("quick"), "quick")
    copies = tmp_path / QUICK_START
    (copies / "removed").mkdir(parents=True)  # the copy of a release no longer there
    first = EmbeddedStore(release, executors=1, site_executors=1, quick_start=True)
    try:
        assert first.health()["source"] == "memory" and count(first) == 33  # nothing to start from yet
        first.keep_quick_start_copy()
        wait_for(lambda: first.health()["source"] == "disk" and first.health()["idle"] == 2)
        assert [p.name for p in copies.iterdir() if not p.name.startswith(".")] == ["quick"]
        assert count(first) == 33 and first.health()["executors"] == 2
        # Only the writer ran at low priority, not the executors started after it (from the writer's thread).
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in first._pool._alive} == {ours}
        wait_for(lambda: "quick-start-copy" not in {thread.name for thread in threading.enumerate()})
    finally:
        first.close()
    second = EmbeddedStore(release, executors=1, site_executors=1, quick_start=True)
    try:
        assert second.health()["source"] == "disk" and count(second) == 33
        second.keep_quick_start_copy()  # there is one: nothing to write, nothing to hand over
        assert "quick-start-copy" not in {thread.name for thread in threading.enumerate()}
        assert second.health()["source"] == "disk" and count(second) == 33
    finally:
        second.close()


def test_a_store_kept_in_memory_starts_from_the_copy_and_hands_over_to_memory(tmp_path):
    release = make_release(tmp_path, sample_quads("quick"), "quick")
    disk_store(release, tmp_path / QUICK_START)
    store = EmbeddedStore(release, executors=1, site_executors=1, quick_start=True, in_memory=True)
    try:
        assert count(store) == 33
        wait_for(lambda: store.health()["source"] == "memory")
        assert count(store) == 33
    finally:
        store.close()


def test_a_source_that_cannot_serve_is_not_switched_to(release, tmp_path, caplog):
    before = _children()
    pool = ExecutorPool(MEMORY, str(release.path / DATASET_FILE), {PUBLIC: 1, SITE: 1}, timeout=5.0)
    try:
        running = _children()
        assert pool.switch_to(DISK, str(tmp_path / "no-store-here")) is False
        assert "the executors answer from memory as before" in caplog.text
        assert pool.health()["source"] == "memory" and pool.health()["executors"] == 2
        assert version_of(pool, PUBLIC) == version_of(pool, SITE) == "embedded1"
        wait_for(lambda: _children() == running)  # the fork server of the source that failed has ended
    finally:
        pool.close()
    assert _children() <= before


def test_a_copy_that_cannot_serve_is_passed_over_then_checked_apart_and_written_anew(tmp_path, caplog):
    release = make_release(tmp_path, sample_quads("quick"), "quick")
    copy = tmp_path / QUICK_START / "quick"
    copy.mkdir(parents=True)  # damaged: no database in it
    store = EmbeddedStore(release, executors=1, site_executors=1, quick_start=True)
    try:
        assert store.health()["source"] == "memory" and count(store) == 33
        assert "cannot serve" in caplog.text and copy.is_dir()  # not removed here: it may serve another worker
        store.keep_quick_start_copy()  # the writer finds that it cannot serve there either, and writes it anew
        wait_for(lambda: store.health()["source"] == "disk" and store.health()["idle"] == 2)
        assert count(store) == 33 and (copy / "CURRENT").is_file()
    finally:
        store.close()


def test_a_copy_checked_apart_that_serves_is_kept(tmp_path):
    """What `write_quick_start_copy(check=True)` does when only one worker could not open the copy: nothing."""
    release = make_release(tmp_path, sample_quads("quick"), "quick")
    copy = disk_store(release, tmp_path / QUICK_START)
    (copy / "marker").touch()  # gone if the copy were written anew
    assert write_quick_start_copy(release, check=True) == copy
    assert (copy / "marker").is_file()


@pytest.mark.parametrize("memory_of_its_own, replaced", [(0, True), (1 << 40, False)])
def test_an_executor_idle_after_answering_is_replaced_once_it_holds_memory_of_its_own(release, memory_of_its_own,
                                                                                      replaced):
    """Reading the store copies shared pages into an executor (pool.RECYCLE_AFTER); a fresh fork shares them
    again. Here after 0.4 s idle: replaced when any memory of its own is enough (0 bytes), kept when it would
    need a terabyte."""
    pool = ExecutorPool(MEMORY, str(release.path / DATASET_FILE), {PUBLIC: 1, SITE: 1}, timeout=5.0,
                        recycle=(0.4, memory_of_its_own))
    try:
        def pids(lane):
            return {pid for pid, executor in list(pool._alive.items()) if executor.lane == lane}

        before = {lane: pids(lane) for lane in (PUBLIC, SITE)}
        assert version_of(pool, PUBLIC) == "embedded1"  # the public executor answers; the site's does not
        if replaced:
            wait_for(lambda: len(pids(PUBLIC)) == 1 and pids(PUBLIC) != before[PUBLIC])
        else:
            time.sleep(1.5)  # 0.4 s idle, and the recycler looks every 0.2 s
            assert pids(PUBLIC) == before[PUBLIC]
        assert pids(SITE) == before[SITE]  # it answered nothing: nothing of its own to give back
        assert version_of(pool, PUBLIC) == "embedded1" and pool.health()["executors"] == 2
    finally:
        pool.close()


def test_the_executor_that_answered_last_answers_next(release):
    """The idle executors of a lane are taken last in, first out: one client's queries all go to the one whose
    caches are warm, and the others stay idle. Taken in turn, each of the three would have answered one."""
    pool = ExecutorPool(MEMORY, str(release.path / DATASET_FILE), {PUBLIC: 3, SITE: 1}, timeout=5.0)
    try:
        wait_for(lambda: pool.health()["idle"] == 4)
        for _ in range(3):
            assert version_of(pool, PUBLIC) == "embedded1"
        answered = [e for e in list(pool._alive.values()) if e.lane == PUBLIC and e.answered is not None]
        assert len(answered) == 1
    finally:
        pool.close()


def test_a_take_over_replaces_every_idle_executor_of_a_lane(tmp_path):
    """The idle executors are a stack: a take-over must look at all of them, not only at the one on top."""
    copy = disk_store(make_release(tmp_path / "old", sample_quads("on-disk copy"), "copy"), tmp_path / "copies")
    loaded = make_release(tmp_path / "new", sample_quads("in memory"), "memory")
    pool = ExecutorPool(DISK, str(copy), {PUBLIC: 3, SITE: 2}, timeout=5.0)
    try:
        wait_for(lambda: pool.health()["idle"] == 5)
        assert pool.switch_to(MEMORY, str(loaded.path / DATASET_FILE)) is True
        assert all(e.server is pool._server for e in list(pool._alive.values())) and pool.health()["executors"] == 5
        assert {version_of(pool, lane) for lane in (PUBLIC, SITE)} == {"in memory"}
    finally:
        pool.close()


def test_every_executor_left_holding_memory_by_a_burst_is_replaced(release):
    """After a burst used all three executors of a lane, each is replaced once idle (here any memory of its own is
    enough), the one on top of the stack and the ones below it."""
    pool = ExecutorPool(MEMORY, str(release.path / DATASET_FILE), {PUBLIC: 3, SITE: 1}, timeout=5.0,
                        recycle=(0.4, 0))
    try:
        wait_for(lambda: pool.health()["idle"] == 4)
        burst = {pid for pid, e in list(pool._alive.items()) if e.lane == PUBLIC}
        counting = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}"
                                                                for i in range(6)) + " }"  # long enough to overlap
        with ThreadPoolExecutor(3) as clients:  # three at once: each executor answers one
            answers = clients.map(lambda _: pool.run((counting, CSV.key, None, None, None, None), PUBLIC), range(3))
            assert {answer.split()[1] for answer in answers} == {b"1000000"}
        # each answered; on a busy host the first may already be idle long enough to be replaced (it answered then)
        alive = dict(pool._alive)
        assert all(alive[pid].answered is not None for pid in burst if pid in alive)
        wait_for(lambda: not burst & set(pool._alive) and pool.health()["idle"] == 4)
    finally:
        pool.close()
