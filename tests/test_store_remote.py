"""The remote store against a real Oxigraph server: `mpsc load`, the atomic swap, queries and errors."""
from __future__ import annotations

import base64
import socket
import threading
import time
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from server.config import Settings
from server.formats import CSV, SRJ, TURTLE
from server.errors import QueryFailed, QueryTimeout, StoreFailed, StoreUnavailable, TooManyRows
from server.store.graphstore import Target
from server.store.remote import RemoteStore, sibling
from tests.conftest import free_port, mpsc, serve_app
from tests.sparql_support import (ENDLESS, METADATA, PROGRAMME, fetch, make_release, oxigraph_server, sample_quads,
                                  snapshot, snapshots_while)

ULM = "https://w3id.org/mpsc/id/municipality/08421000"


def bigger(n: int) -> list[ox.Triple]:
    """n extra triples, so that loading a second release takes a while."""
    return [ox.Triple(ox.NamedNode(f"https://w3id.org/mpsc/id/test/{i}"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal(f"extra {i}")) for i in range(n)]


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("remote-releases")
    make_release(folder, sample_quads("remote1"), "remote1")
    return folder


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory, releases):
    """An Oxigraph server loaded with the sample release by `mpsc load`."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        loaded = mpsc("load", "--endpoint", base + "/query", env={"MPSC_RELEASES": str(releases)})
        assert loaded.returncode == 0, loaded.stderr
        assert "release remote1 loaded" in loaded.stdout and "programme 32" in loaded.stdout
        assert "merge as the default graph" in loaded.stdout
        yield base


@pytest.fixture
def store(oxigraph):
    return RemoteStore(oxigraph + "/query", timeout=5.0)


def test_sibling_endpoints_follow_oxigraphs_layout():
    assert sibling("http://h:7878/query", "update") == "http://h:7878/update"
    assert sibling("http://h:3030/ds/sparql", "data") == "http://h:3030/ds/data"


def test_the_store_holds_the_release_graphs_and_its_merge(store):
    assert store.version == "remote1"
    assert store.graph_sizes() == {PROGRAMME: 32, METADATA: 1}
    assert store.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"].toPython() == 33
    names = {row["g"].toPython() for row in store.select("SELECT DISTINCT ?g { GRAPH ?g { } }")}
    assert not any("?load=" in name for name in names)  # no staging graph left behind


def test_queries_answer_in_every_format_with_the_row_limit(store):
    assert store.query("SELECT ?y { ?r <https://w3id.org/mpsc/ontology#year> ?y } ORDER BY ?y", CSV) == b"y\r\n2019\r\n2020\r\n"
    star = store.query("SELECT * { ?round <https://w3id.org/mpsc/ontology#year> ?a } LIMIT 1", CSV)
    assert star.startswith(b"round,a\r\n")  # a SELECT *'s columns as its variables first occur (not by name)
    assert store.ask(f"ASK {{ <{ULM}> ?p ?o }}") and len(store.construct(f"DESCRIBE <{ULM}>")) == 4
    assert store.query("CONSTRUCT WHERE { ?r <https://w3id.org/mpsc/ontology#year> ?y }", TURTLE).startswith(b"@prefix")
    with pytest.raises(TooManyRows):
        store.query("SELECT * { ?s ?p ?o }", SRJ, max_rows=10)
    with pytest.raises(TooManyRows):
        store.query("CONSTRUCT WHERE { ?s ?p ?o }", TURTLE, max_rows=10)


def test_protocol_datasets_reach_the_remote_store(store):
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    assert store.select(count)[0]["n"].toPython() == 33
    assert int(ox.parse_query_results(store.query(count, SRJ, default_graphs=[METADATA]),
                                      format=ox.QueryResultsFormat.JSON).__next__()["n"].value) == 1


def test_a_syntax_error_keeps_line_and_column(store):
    with pytest.raises(QueryFailed) as error:
        store.query("SELECT * WHERE {\n  ?s ?p }", SRJ)
    assert error.value.status == 400 and error.value.line == 2


def test_a_slow_remote_query_is_answered_as_timeout(oxigraph):
    with pytest.raises(QueryTimeout):
        RemoteStore(oxigraph + "/query", timeout=1.0).query(ENDLESS, SRJ)


def test_an_unreachable_store_is_unavailable():
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(StoreUnavailable):
        store.ask("ASK {}")
    assert store.health()["ok"] is False


def test_the_endpoint_over_the_remote_store_matches_the_embedded_one(oxigraph, releases):
    queries = ["SELECT ?p ?l { ?p a <https://w3id.org/mpsc/ontology#ModelProject> ; "
               "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?p",
               f"DESCRIBE <{ULM}>", "ASK { ?s a <https://w3id.org/mpsc/ontology#Cooperation> }"]
    remote = Settings.from_env(releases=releases, store=oxigraph + "/query")
    with serve_app(remote) as over_oxigraph, serve_app(Settings.from_env(releases=releases, executors=1, site_executors=1)) as embedded:
        for query in queries:
            answers = [fetch(url + "sparql", query=query) for url in (over_oxigraph, embedded)]
            assert answers[0].status == answers[1].status == 200
            if query.startswith("DESCRIBE"):  # triples in the engine's order: compare the graphs
                assert isomorphic(*(Graph().parse(data=a.body, format="turtle") for a in answers))
            else:
                assert answers[0].body == answers[1].body
        health = fetch(over_oxigraph + "healthz").json()
        assert health["store"]["store"] == "remote" and health["store"]["version"] == "remote1"
        # a Virtuoso operator's review: both stated the memory limit of the embedded store's executors
        for url in (over_oxigraph, embedded):
            limits = fetch(url + "limits").body.decode()
            description = fetch(url + "sparql", headers={"Accept": "text/turtle"}).body.decode()
            assert ("MPSC_QUERY_MEMORY" in limits) == ("MPSC_QUERY_MEMORY" in description) == (url == embedded)


def test_a_replica_without_release_files_shows_pages_citing_the_stores_release(oxigraph, tmp_path):
    """A review of the citation: it named the release of the releases folder, which a replica over a remote store
    may lack (every resource page was a 500) or hold in another version; it names the store's."""
    empty = tmp_path / "releases"
    empty.mkdir()
    with serve_app(Settings.from_env(releases=empty, store=oxigraph + "/query")) as url:
        answer = fetch(url + "doc/" + ULM.split("/id/", 1)[1], lang="en", headers={"Accept": "text/html"})
    assert answer.status == 200, answer.body[:300]
    cite = answer.body.decode().split('<section class="card cite">', 1)[1].split("</section>", 1)[0]
    assert "version remote1" in cite


def test_readers_never_see_a_half_loaded_release(tmp_path):
    """While `mpsc load` replaces release A by B, every reader sees all of A or all of B."""
    with oxigraph_server(tmp_path / "swap") as base:
        store = RemoteStore(base + "/query")
        store.load(make_release(tmp_path / "a", sample_quads("swapa"), "swapa"))
        b = make_release(tmp_path / "b", sample_quads("swapb", bigger(5_000)), "swapb")
        seen, loaded = snapshots_while(store, lambda: mpsc("load", "--endpoint", base + "/query",
                                                           env={"MPSC_RELEASES": str(b.path.parent)}))
        assert loaded.returncode == 0, loaded.stderr
        read_after = snapshot(store)
    assert read_after == {("swapb", 5_033)}
    assert {(version, n) for _, version, n in seen} <= {("swapa", 33), ("swapb", 5_033)} and seen[0][1:] == ("swapa", 33)


def test_loading_one_graph_also_replaces_the_metadata_graph_with_the_version(tmp_path):
    other = "https://w3id.org/mpsc/graph/other"
    extra = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(other)) for t in bigger(2)]
    with oxigraph_server(tmp_path / "one") as base:
        store = RemoteStore(base + "/query")
        store.load(make_release(tmp_path / "a", sample_quads("onea") + extra, "onea"))
        assert store.version == "onea"
        b = make_release(tmp_path / "b", sample_quads("oneb", bigger(3)), "oneb")
        loaded = mpsc("load", "--endpoint", base + "/query", "--graph", PROGRAMME,
                      env={"MPSC_RELEASES": str(b.path.parent)})
        assert loaded.returncode == 0, loaded.stderr
        assert "programme 35, metadata 1, and their merge" in loaded.stdout
        fresh = RemoteStore(base + "/query")  # a replica that read the old version would re-read it within VERSION_TTL
        assert fresh.version == "oneb"  # the metadata graph was replaced, so ETags and caches change
        assert fresh.graph_sizes() == {PROGRAMME: 35, METADATA: 1, other: 2}  # the graph not named is kept


def test_mpsc_load_explains_its_failures(releases):
    unknown = mpsc("load", "--endpoint", "http://127.0.0.1:9/query", "--graph", "https://example.org/g",
                   env={"MPSC_RELEASES": str(releases)})
    assert unknown.returncode == 2 and "the release has no graph https://example.org/g" in unknown.stderr
    engine = mpsc("load", "--endpoint", "http://127.0.0.1:9/query", "--engine", "fuseki",
                  env={"MPSC_RELEASES": str(releases)})
    assert engine.returncode == 2 and "unknown store engine 'fuseki'; known: '', 'virtuoso'" in engine.stderr
    unreachable = mpsc("load", "--endpoint", f"http://127.0.0.1:{free_port()}/query", env={"MPSC_RELEASES": str(releases)})
    assert unreachable.returncode == 1 and unreachable.stderr.startswith("error: could not load into")
    assert "Traceback" not in unreachable.stderr


class WriteProtected(BaseHTTPRequestHandler):
    """A store that takes every upload into a staging graph but refuses, with an HTML page as Virtuoso's, to write
    into a graph of the release, and to drop anything (graph-level security)."""

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(201)
        self.end_headers()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(403)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><head><title>Error</title></head>\n<body><h3>Virtuoso 42000 Error SR619: SPARUL "
                         b"MOVE access denied: user &quot;loader&quot; has no write permission</h3>\n<pre>SPARQL query:"
                         b"\nMOVE &lt;https://w3id.org/mpsc/graph/default?load=1&gt; TO DEFAULT</pre></body></html>")

    def log_message(self, *args) -> None:
        """Quiet."""


def test_a_refused_load_says_in_one_line_why_and_which_staging_graphs_it_left(releases):
    """A Virtuoso operator's review: a refused MOVE printed the store's whole HTML page and the query, and the staging
    graphs its refused DROP left behind went unmentioned (the docstring said they are dropped)."""
    with handled_by(WriteProtected) as base:
        result = mpsc("load", "--endpoint", base + "/query", env={"MPSC_RELEASES": str(releases)})
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert 'answered HTTP 403: Error Virtuoso 42000 Error SR619: SPARUL MOVE access denied: user "loader" has no ' \
           "write permission; the staging graphs <" in result.stderr
    assert "?load=" in result.stderr and "drop them by hand" in result.stderr and "<html" not in result.stderr


class Misbehaving(BaseHTTPRequestHandler):
    """A SPARQL server that answers every query with an error revealing its internals, with bytes no parser
    reads, or with rows trickling in (the path decides)."""

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/trickling":
            return self.trickle()
        status, body = {"/garbage": (200, b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "liter'),
                        "/failing": (500, b"secret: db at 10.0.0.7"),
                        "/refusing": (400, b"secret: unsupported by 10.0.0.7"),
                        # Virtuoso's words for a query it cancelled at its time limit (seen on a busy machine)
                        "/cancelling": (500, b"Virtuoso HY008 Error SR203: Async statement killed by SQLCancel.\n\n"
                                             b"SPARQL query:\nsecret"),
                        # and for one it refused, before running it, by its estimate of the time it would take
                        "/estimating": (500, b"Virtuoso 42000 Error The estimated execution time 3350 (sec) exceeds "
                                             b"the limit of 400 (sec).\n\nSPARQL query:\nsecret")}[self.path]
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json" if status == 200 else "text/plain")
        self.end_headers()
        self.wfile.write(body)

    def trickle(self) -> None:
        """One row every 0.4 s, each well within a 1 s socket timeout, for 4 s in all."""
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        try:
            self.wfile.write(b'{"head": {"vars": ["x"]}, "results": {"bindings": [')
            for n in range(10):
                time.sleep(0.4)
                self.wfile.write(b'%s{"x": {"type": "literal", "value": "%d"}}' % (b"," if n else b"", n))
                self.wfile.flush()
        except ConnectionError:  # the client gave up
            pass

    def log_message(self, *args) -> None:
        """Quiet."""


@contextmanager
def handled_by(handler: type[BaseHTTPRequestHandler]):
    """An HTTP server on 127.0.0.1 answering with `handler` in a background thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def misbehaving():
    with handled_by(Misbehaving) as base:
        yield base


@pytest.mark.parametrize("path, error, status, message", [
    ("/garbage", StoreFailed, 502, "The triplestore sent an answer that could not be read."),
    ("/failing", StoreFailed, 502, "The triplestore could not answer the query (HTTP 500)."),
    ("/refusing", QueryFailed, 400, "The triplestore refused the query (HTTP 400)."),
    ("/cancelling", QueryTimeout, 503, "The triplestore stopped the query at its own time limit."),
    # a Virtuoso operator's review: Debian's MaxQueryCostEstimationTime had been a 502 naming no limit
    ("/estimating", QueryTimeout, 503, "The triplestore refused the query: it estimated that the query would "
                                       "take longer than its own time limit."),
])
def test_a_misbehaving_store_is_answered_in_general_words(misbehaving, caplog, path, error, status, message):
    with pytest.raises(error) as raised:
        RemoteStore(misbehaving + path).query("SELECT ?x { ?x ?p ?o }", SRJ)
    assert raised.value.status == status and str(raised.value) == message
    assert "secret" not in str(raised.value)
    assert path == "/garbage" or "secret" in caplog.text  # what the store said is logged for operators


def test_a_store_refusing_the_version_query_has_failed_and_no_client_is_told_its_query_was_wrong(misbehaving):
    """A review: a store answering 400 to the query for its version made every page a 400 ("The triplestore
    refused the query"), as if the client's request were at fault."""
    with pytest.raises(StoreFailed) as failed:
        RemoteStore(misbehaving + "/refusing").version
    assert failed.value.status == 502


def test_a_store_trickling_rows_is_stopped_at_the_time_limit(misbehaving):
    """The time limit bounds the whole answer, not only each wait for the next bytes."""
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as raised:
        RemoteStore(misbehaving + "/trickling", timeout=1.0).query("SELECT ?x { ?x ?p ?o }", SRJ)
    assert raised.value.status == 503 and time.monotonic() - started < 2.0


def test_healthz_over_a_store_that_dies_turns_503_at_once_and_names_no_address(releases, tmp_path):
    store = ExitStack()
    base = store.enter_context(oxigraph_server(tmp_path / "dying"))
    try:
        assert mpsc("load", "--endpoint", base + "/query", env={"MPSC_RELEASES": str(releases)}).returncode == 0
        with serve_app(Settings.from_env(releases=releases, store=base + "/query")) as url:
            healthy = fetch(url + "healthz")
            store.close()  # the store dies; the replica's version cache is still fresh
            dead = fetch(url + "healthz")
    finally:
        store.close()
    port = base.rpartition(":")[2]
    assert healthy.status == 200 and healthy.json()["store"]["version"] == "remote1"
    assert dead.status == 503 and dead.json()["status"] == "unavailable"
    for answer in (healthy, dead):
        assert port not in answer.body.decode()  # the store's address stays internal


def test_healthz_checks_the_release_files_only_where_the_replica_keeps_releases(oxigraph, releases, tmp_path):
    """A replica of a remote store may keep no releases (README: its files served from elsewhere): its /healthz says
    nothing of files rather than "degraded" for ever (a review of the check); one that keeps releases but not the
    store's is degraded, as an embedded store's whose folder is gone."""
    store = RemoteStore(oxigraph + "/query", timeout=5.0)
    (tmp_path / "none").mkdir()
    make_release(tmp_path / "other", sample_quads("other1"), "other1")
    with serve_app(Settings.from_env(releases=tmp_path / "none"), store=store) as url:
        stateless = fetch(url + "healthz").json()
    with serve_app(Settings.from_env(releases=tmp_path / "other"), store=store) as url:
        behind = fetch(url + "healthz").json()
    with serve_app(Settings.from_env(releases=releases), store=store) as url:
        whole = fetch(url + "healthz").json()
    assert stateless["status"] == "ok" and stateless["files"] is None
    assert behind["status"] == "degraded" and behind["files"]["absent"] == ["release.json"]
    assert whole["status"] == "ok" and whole["files"] == {"version": "remote1", "whole": True, "absent": []}


def test_the_release_files_on_disk_are_sent_while_the_store_is_away(releases):
    """A Virtuoso operator's review: with the store stopped, /dumps/ and /exports/ files, which are on the replica's
    disk, answered 503 as the queries did."""
    from server.build.release import CHECKSUMS, Releases

    release, name = Releases(releases).current(), CHECKSUMS
    with serve_app(Settings.from_env(releases=releases, store=f"http://127.0.0.1:{free_port()}/query")) as url:
        answer = fetch(url + "dumps/" + name)
        assert fetch(url + "healthz").status == 503
    assert answer.status == 200 and answer.body == (release.path / name).read_bytes()


def test_healthz_over_a_store_that_never_answers_names_its_own_wait(releases):
    """An operator's review: /healthz gave up after 3 s and said "stopped after 10 seconds, the time limit of this
    endpoint", which is the queries' limit."""
    with socket.socket() as silent:  # accepts connections (the kernel does) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        with serve_app(Settings.from_env(releases=releases, store=endpoint)) as url:
            answer = fetch(url + "healthz")
    assert answer.status == 503
    assert answer.json()["store"]["error"] == "The triplestore did not answer within 3 seconds."


class Virtuoso(BaseHTTPRequestHandler):
    """A store that says it is a Virtuoso (as its `Server` header does) and answers any query with one version."""

    server_version, sys_version = "Virtuoso/07.20.3240 (Linux) x86_64-pc-linux-gnu", ""

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": ["version"]}, "results": {"bindings": '
                         b'[{"version": {"type": "literal", "value": "v1"}}]}}')

    def do_HEAD(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        """Quiet."""


def test_a_virtuoso_read_without_its_engine_setting_answers_nothing_rather_than_wrongly(releases):
    """A Virtuoso operator's review: a replica without MPSC_STORE_ENGINE=virtuoso counted 146 model projects of 73,
    under the ETags of a right one, and /healthz said ok; `mpsc load` would write the layout Virtuoso misreads."""
    with handled_by(Virtuoso) as base:
        with pytest.raises(StoreFailed, match="MPSC_STORE_ENGINE=virtuoso"):
            RemoteStore(base + "/sparql").query("SELECT ?x { ?x ?p ?o }", SRJ)
        assert "MPSC_STORE_ENGINE=virtuoso" in RemoteStore(base + "/sparql").health()["error"]
        assert RemoteStore(base + "/sparql", engine="virtuoso").health() == {"store": "remote", "version": "v1",
                                                                             "ok": True}
        with serve_app(Settings.from_env(releases=releases, store=base + "/sparql")) as url:
            page, health = fetch(url), fetch(url + "healthz")
        loaded = mpsc("load", "--endpoint", base + "/sparql", env={"MPSC_RELEASES": str(releases)})
    assert page.status == 502 and "Retry-After" not in page.headers and health.status == 503  # not to be retried
    assert loaded.returncode == 1 and "MPSC_STORE_ENGINE=virtuoso" in loaded.stderr


class Stalling(Virtuoso):
    """A store (no Virtuoso) that answers its first query at once and every later one only after 5 s."""

    server_version, answered = "Stalling/1", []

    def do_POST(self):
        if self.answered:
            time.sleep(5)
        self.answered.append(True)
        super().do_POST()


def test_while_one_request_asks_a_stalling_store_the_others_go_on_with_the_version_read_last():
    """A Virtuoso operator's review of the first fix: every request arriving while the version was asked asked
    again, each waiting up to 3 s."""
    Stalling.answered.clear()
    with handled_by(Stalling) as base:
        store = RemoteStore(base + "/sparql")
        assert store.version == "v1"
        store._version = (time.monotonic() - 11, "v1")  # read 11 s ago: due again
        found: list = []

        def read() -> None:
            started = time.monotonic()
            try:
                found.append((store.version, time.monotonic() - started))
            except StoreUnavailable:
                found.append((None, time.monotonic() - started))
        readers = [threading.Thread(target=read) for _ in range(6)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
    assert sorted(v for v, _ in found if v) == ["v1"] * 5 and [v for v, _ in found].count(None) == 1, found
    assert sorted(wait for _, wait in found)[4] < 0.5, found  # five went on at once; the one asking waited


def test_a_store_that_never_answers_costs_one_short_wait_not_one_per_request():
    """A Virtuoso operator's review: with the store paused, every request (a document already rendered too, twice)
    waited out the query time limit before its 503."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        store = RemoteStore(f"http://127.0.0.1:{silent.getsockname()[1]}/query", timeout=10.0)
        waits: list[float] = []

        def read() -> None:
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match="did not answer within 3 seconds"):
                store.version
            waits.append(time.monotonic() - started)
        readers = [threading.Thread(target=read) for _ in range(6)]  # together: one asks, the others wait for it
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        read()  # then told at once
        silent.setblocking(False)
        asked = 0
        while True:  # the connections the store was asked on
            try:
                silent.accept()[0].close()
                asked += 1
            except BlockingIOError:
                break
    assert len(waits) == 7 and all(wait < 4.5 for wait in waits) and waits[-1] < 0.1, waits
    assert asked == 1


class Guarded(BaseHTTPRequestHandler):
    """A Graph Store that wants Basic credentials for every write and, like Virtuoso at times, deadlocks at
    the first authorised PUT; `seen` records (authorised, body length) of each request."""

    seen: list[tuple[bool, int]] = []
    CREDENTIALS = "Basic " + base64.b64encode(b"loader:secret").decode()

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        authorised = self.headers.get("Authorization") == self.CREDENTIALS
        self.seen.append((authorised, len(body)))
        status = 201 if authorised and [a for a, _ in self.seen].count(True) > 1 else 500 if authorised else 401
        self.send_response(status)
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
        self.end_headers()
        self.wfile.write(b"Error 40001 SR172: Transaction deadlocked" if status == 500 else b"")

    def log_message(self, *args) -> None:
        """Quiet."""


def test_uploads_carry_the_credentials_asked_for_and_a_deadlocked_one_is_sent_again():
    """The large body travels only with credentials (an empty probe fetches the challenge first), and a
    deadlock (SQLSTATE 40001) is answered by sending the PUT again."""
    data = b"<urn:s> <urn:p> <urn:o> .\n" * 1000
    with handled_by(Guarded) as base:
        Target(base + "/update", base + "/store", user="loader", password="secret").put_graph("urn:g", data)
    assert Guarded.seen == [(False, 0), (True, len(data)), (False, 0), (True, len(data))]
