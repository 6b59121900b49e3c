"""Time limit, row limit and SERVICE allow-list on a live endpoint.

A query that would run for hours is stopped at the configured limit and answered 503, while a second
client's queries keep being answered; afterwards the stopped executor has been replaced. A result that
would be huge stops at the row limit at once. SERVICE calls reach only listed endpoints, however the query
is written, and a failing one does not tell whether anything listens at its port.
"""
from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time

import pytest

from server import errors
from server.config import LIMITS, Settings
from tests.conftest import free_port, serve_app
from tests.sparql_support import ENDLESS, fetch, make_release, sample_quads

TIMEOUT = 2.0
SMALL = "SELECT ?p WHERE { ?p a <https://w3id.org/mpsc/ontology#ModelProject> }"
# 10^12 solutions, streamed: the row limit must stop it long before the time limit.
HUGE = "SELECT * WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(12)) + " }"


class Listener:
    """A port on 127.0.0.1 that counts the connections made to it and closes each at once: an internal
    service an attacker would like the endpoint to call."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/internal"
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:  # closed
                return
            self.connections += 1
            connection.close()


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    make_release(folder, sample_quads("limits"), "limits")
    return folder


@pytest.fixture(scope="module")
def server(releases):
    with serve_app(Settings.from_env(releases=releases, executors=2, site_executors=1, query_timeout=TIMEOUT)) as url:
        yield url


def test_an_endless_query_is_stopped_while_another_client_is_served(server):
    endless = {}

    def run_endless():
        started = time.monotonic()
        endless["answer"] = fetch(server + "sparql", query=ENDLESS)
        endless["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_endless)
    thread.start()
    # the endless query now occupies one executor, and /healthz says so (an SRE's review: it looked idle there)
    deadline = time.monotonic() + 10
    while (load := fetch(server + "healthz").json()["queries"])["running"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert load == {"running": 1, "waiting": 0, "in_flight": 1, "executors": 2, "queue": 64}
    answered, slowest = 0, 0.0
    while thread.is_alive():
        started = time.monotonic()
        # distinct queries, so no answer comes from the response cache
        answer = fetch(server + "sparql", query=f"{SMALL} LIMIT {100 + answered}")
        slowest = max(slowest, time.monotonic() - started)
        assert answer.status == 200
        answered += 1
    thread.join()
    assert endless["answer"].status == 503
    assert f"stopped after {TIMEOUT:g} seconds" in endless["answer"].json()["detail"]
    assert endless["answer"].json()["limit"] == "query_timeout"
    assert TIMEOUT <= endless["seconds"] < TIMEOUT + 2
    assert answered >= 10 and slowest < 1.0


def test_the_stopped_executor_is_replaced(server):
    fetch(server + "sparql", query=ENDLESS + " # again")
    deadline = time.monotonic() + 30
    while fetch(server + "healthz").json()["store"]["idle"] < 3:
        assert time.monotonic() < deadline, "executor not replaced"
        time.sleep(0.1)
    assert fetch(server + "sparql", query=SMALL).status == 200


def test_a_huge_result_stops_at_the_row_limit_before_the_time_limit(server):
    started = time.monotonic()
    answer = fetch(server + "sparql", query=HUGE)
    assert answer.status == 400 and "more than 100,000 rows" in answer.json()["detail"]
    # The advice works: LIMIT/OFFSET first, ORDER BY with its cost (a sort over ~180,000 IRIs outlasts the limit).
    assert answer.json()["limit"] == "max_rows" and "LIMIT and OFFSET" in answer.json()["detail"]
    assert "sorts the whole result" in answer.json()["detail"]
    assert time.monotonic() - started < TIMEOUT


@pytest.fixture(scope="module")
def listener():
    listening = Listener()
    yield listening
    listening.socket.close()


@pytest.fixture(scope="module")
def federating(releases, server):
    """An endpoint that may call one other endpoint: the module's `server`."""
    with serve_app(Settings.from_env(releases=releases, executors=2, site_executors=1, service_allow=(server + "sparql",))) as url:
        yield url


def test_an_allowed_service_is_called(server, federating):
    query = f"SELECT ?p WHERE {{ SERVICE <{server}sparql> {{ {SMALL[len('SELECT ?p WHERE '):]} }} }}"
    answer = fetch(federating + "sparql", query=query)
    assert answer.status == 200 and len(answer.json()["results"]["bindings"]) == 3
    assert "sd:BasicFederatedQuery" in fetch(federating + "sparql").body.decode()


@pytest.mark.parametrize("template", [
    r"SELECT * {{ BIND(<http://x/A#> AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}",
    r"PREFIX e: <http://x/> SELECT * {{ BIND(e:a\#b AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ SERVICESILENT<{url}> {{ ?s ?p ?o }} }}",
    "PREFIX : <{url}/> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
    "PREFIX s: <{url}> SELECT * {{ SERVICE s: {{ ?s ?p ?o }} }}",
    "SELECT * {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
])
def test_unlisted_service_calls_are_refused_however_written(federating, listener, template):
    before = listener.connections
    answer = fetch(federating + "sparql", query=template.format(url=listener.url))
    assert answer.status == 400 and answer.media_type == "application/problem+json"
    assert listener.connections == before


@contextlib.contextmanager
def html_server():
    """The URL of a web server on a free port that answers every request with a small HTML page."""
    class Page(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b"<!doctype html><title>not SPARQL</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def test_a_failing_service_does_not_tell_whether_its_port_is_open(releases, listener):
    closed, before = f"http://127.0.0.1:{free_port()}/internal", listener.connections
    with html_server() as page:  # an HTTP server that answers, but not SPARQL results (a review: that was a 400)
        allowed = (listener.url, closed, page)
        with serve_app(Settings.from_env(releases=releases, executors=1, site_executors=1, service_allow=allowed)) as url:
            answers = [fetch(url + "sparql", query=f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
                       for target in allowed]
            form = fetch(url + "sparql", query=f"SELECT * {{ SERVICE <{closed}> {{ ?s ?p ?o }} }}", lang="de",
                         headers={"Accept": "text/html"})
    assert listener.connections == before + 1  # it was called, and failed
    # 502, not 400 (a federation review: Protocol §2.1.4 keeps 400 for a malformed query, which RDF4J reports)
    assert [answer.status for answer in answers] == [502, 502, 502]
    assert answers[0].json()["detail"] == answers[1].json()["detail"] == answers[2].json()["detail"]
    assert "refused" not in answers[1].body.decode().lower() and "reset" not in answers[0].body.decode().lower()
    # on a German query form in German words (a review: the form said it in English)
    assert form.status == 502 and "war nicht erreichbar oder gab keine verwertbare Antwort" in form.body.decode()


def test_a_refusal_of_the_store_has_the_status_the_limits_page_states():
    """The status beyond each limit is stated twice: in config.py (what /limits and the OpenAPI description say)
    and on the error the store raises (errors.py). A code review: nothing kept them alike."""
    def below(cls):
        return [cls, *(c for sub in cls.__subclasses__() for c in below(sub))]
    limited = [cls for cls in below(errors.QueryFailed) if cls.limit]
    assert {cls.limit for cls in limited} >= {"query_timeout", "busy_timeout", "query_memory", "max_rows",
                                              "max_query_depth"}
    for cls in limited:
        assert LIMITS[cls.limit][1] == cls.status, cls

