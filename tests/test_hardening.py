"""The limits that keep one query or one client from taking the endpoint from everyone else, against live servers.

A query nested too deeply is refused before any engine sees it; one that grows without bound is stopped
by the memory limit; a client over its budget gets 429 naming the limit; a full queue 503; pages and
documents keep answering while the public lane is full; slow clients cannot hold the HTTP server; every
HTML answer carries the security headers; the limits are stated on /limits and in the service description.
The hostile-input corpus (test_hostile.py) covers the rest of the hardening issue.
"""
from __future__ import annotations

import socket
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, URIRef

from server.config import Settings
from tests.conftest import serve_app
from tests.sparql_support import ENDLESS, fetch, make_release, mpsc_serve, sample_quads

TIMEOUT = 3.0
SMALL = "SELECT ?p WHERE { ?p a <https://w3id.org/mpsc/ontology#ModelProject> }"
GROWING = ("SELECT (STRLEN(?s30) AS ?n) WHERE { VALUES ?i { " + " ".join(map(str, range(1000))) + " } BIND('xx' AS ?s0) "
           + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(30)) + " }")
SCHEMA = "https://schema.org/"


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hardening")
    make_release(folder, sample_quads("hardening"), "hardening")
    return folder


@pytest.fixture(scope="module")
def server(releases):
    settings = Settings.from_env(releases=releases).with_(
        query_timeout=TIMEOUT, executors=3, site_executors=1, queue=1, client_queries=2, client_seconds=2.0,
        query_memory=256)
    with serve_app(settings) as url:
        yield url


def ask(url: str, query: str, agent: str = "tester/1"):
    """Send `query` as `agent`; a fresh comment makes its text new, so no answer comes from the cache."""
    return fetch(url + "sparql", query=f"{query}\n# {uuid.uuid4()}", headers={"User-Agent": agent})


def in_background(*calls) -> list[threading.Thread]:
    threads = [threading.Thread(target=call) for call in calls]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # they now hold their executors
    return threads


@pytest.mark.parametrize("query", [
    "ASK " + "{" * 5000 + "}" * 5000,
    "ASK { FILTER(" + "(" * 20000 + "1" + ")" * 20000 + ") }",
    "ASK { FILTER(" + "STR(" * 10000 + "1" + ")" * 10000 + ") }",
])
def test_over_deep_nesting_is_refused_before_it_runs(server, query):
    started = time.monotonic()
    answer = fetch(server + "sparql", method="POST", data=query.encode(),
                   headers={"Content-Type": "application/sparql-query", "Accept": "application/json"})
    assert answer.status == 400 and time.monotonic() - started < 2
    assert "nests brackets more than 64 levels deep" in answer.json()["detail"]
    assert answer.json()["line"] == 1
    assert fetch(server + "healthz").json()["store"]["executors"] == 4  # no executor was lost


def test_a_query_over_the_memory_limit_is_answered_in_words(server):
    answer = ask(server, GROWING, agent="grower/1")
    assert answer.status == 503 and "Retry-After" in answer.headers
    assert "more memory than this endpoint allows per query (256 MB)" in answer.json()["detail"]
    assert ask(server, SMALL, agent="grower/2").status == 200


def test_a_client_over_its_concurrent_queries_gets_429_naming_the_limit(server):
    threads = in_background(lambda: ask(server, ENDLESS, agent="greedy/1"), lambda: ask(server, ENDLESS, agent="greedy/1"))
    refused = ask(server, SMALL, agent="greedy/1")
    other = ask(server, SMALL, agent="modest/1")  # the third executor is free for someone else
    for thread in threads:
        thread.join()
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["limit"] == "client_queries" and "2 queries running or waiting" in refused.json()["detail"]
    assert other.status == 200


def test_a_client_over_its_query_seconds_waits_for_the_window(server):
    assert ask(server, ENDLESS, agent="heavy/1").status == 503  # 3 s spent, the budget is 2 s
    refused = ask(server, SMALL, agent="heavy/1")
    assert refused.status == 429 and refused.json()["limit"] == "client_seconds"
    assert 50 <= int(refused.headers["Retry-After"]) <= 60
    assert ask(server, SMALL, agent="heavy/2").status == 200  # another client (same address, other tool)


def test_a_full_queue_answers_503_and_pages_keep_answering(server):
    runaway = [lambda n=n: ask(server, ENDLESS, agent=f"crowd/{n}") for n in range(4)]
    threads = in_background(*runaway)  # 3 run, 1 waits: the queue (1) is full
    refused = ask(server, SMALL, agent="late/1")
    started = time.monotonic()
    page, document = fetch(server), fetch(server + "doc/municipality/08421000.ttl")
    page_seconds = time.monotonic() - started
    for thread in threads:
        thread.join()
    assert refused.status == 503 and refused.json()["limit"] == "queue" and refused.headers["Retry-After"] == "5"
    assert page.status == 200 and document.status == 200 and page_seconds < 2


def test_waiting_in_the_queue_counts_against_the_time_limit(server):
    threads = in_background(*[lambda n=n: ask(server, ENDLESS, agent=f"busy/{n}") for n in range(3)])
    started = time.monotonic()
    waited = ask(server, ENDLESS, agent="patient/1")  # waits ~2.7 s for an executor, then may run only ~0.3 s
    seconds = time.monotonic() - started
    for thread in threads:
        thread.join()
    assert waited.status == 503 and "time limit" in waited.json()["detail"]
    assert seconds < TIMEOUT + 1


def test_html_answers_carry_the_security_headers(server):
    for path in ("", "projects", "doc/municipality/08421000", "sparql", "limits", "no/such/page"):
        answer = fetch(server + path, headers={"Accept": "text/html"})
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert answer.headers["X-Frame-Options"] == "DENY" and answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    turtle = fetch(server + "doc/municipality/08421000.ttl")
    assert turtle.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" not in turtle.headers


def test_every_limit_is_stated_on_the_limits_page_and_in_the_service_description(server):
    page = fetch(server + "limits?lang=en").body.decode()
    for text in ("MPSC_QUERY_TIMEOUT", "MPSC_CLIENT_SECONDS", "MPSC_MAX_QUERY_DEPTH", "HTTP 429", "256 MB"):
        assert text in page
    description = Graph().parse(data=fetch(server + "sparql", headers={"Accept": "text/turtle"}).body, format="turtle")
    limits = {str(description.value(node, URIRef(SCHEMA + "identifier"))): float(description.value(node, URIRef(SCHEMA + "value")))
              for node in description.objects(None, URIRef("https://w3id.org/mpsc/ontology#limit"))}
    assert limits["MPSC_QUERY_TIMEOUT"] == TIMEOUT and limits["MPSC_QUERY_MEMORY"] == 256
    assert limits["MPSC_CLIENT_QUERIES"] == 2 and len(limits) == 9


def test_slow_clients_cannot_hold_the_server(releases):
    """64 clients sending one header line every 2 s, and a chunked body announced as 2^64 bytes that never
    comes: `mpsc serve` (granian) reads requests asynchronously, so `GET /` still answers at once."""
    with mpsc_serve("--executors", "1", env={"MPSC_RELEASES": str(releases), "MPSC_SITE_EXECUTORS": "1"}) as url:
        address = ("127.0.0.1", urlsplit(url).port)
        stop = threading.Event()
        slow = [socket.create_connection(address) for _ in range(64)]
        for sock in slow:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: h\r\n")
        stalled = socket.create_connection(address)
        stalled.sendall(b"POST /sparql HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n")

        def trickle():
            while not stop.wait(2):
                for n, sock in enumerate(slow):
                    sock.sendall(f"X-Slow-{n}: 1\r\n".encode())

        feeder = threading.Thread(target=trickle)
        feeder.start()
        try:
            time.sleep(2.5)
            for _ in range(3):
                started = time.monotonic()
                assert fetch(url).status == 200 and time.monotonic() - started < 1.0
        finally:
            stop.set()
            feeder.join()
            for sock in (*slow, stalled):
                sock.close()
