"""Time limit and SERVICE allow-list on a live endpoint.

A query that would run for hours is stopped at the configured limit and answered 503, while a second
client's queries keep being answered; afterwards the stopped executor has been replaced.
"""
from __future__ import annotations

import threading
import time

import pytest

from server.config import Settings
from tests.conftest import serve_app
from tests.sparql_support import ENDLESS, fetch, make_release, sample_quads

TIMEOUT = 2.0
SMALL = "SELECT ?p WHERE { ?p a <https://w3id.org/mpsc/ontology#ModelProject> }"


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    make_release(folder, sample_quads("limits"), "limits")
    return folder


@pytest.fixture(scope="module")
def server(releases):
    with serve_app(Settings.from_env(releases=releases, threads=2, query_timeout=TIMEOUT)) as url:
        yield url


def test_an_endless_query_is_stopped_while_another_client_is_served(server):
    endless = {}

    def run_endless():
        started = time.monotonic()
        endless["answer"] = fetch(server + "sparql", query=ENDLESS)
        endless["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_endless)
    thread.start()
    time.sleep(0.3)  # the endless query now occupies one executor
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
    assert TIMEOUT <= endless["seconds"] < TIMEOUT + 2
    assert answered >= 10 and slowest < 1.0


def test_the_stopped_executor_is_replaced(server):
    fetch(server + "sparql", query=ENDLESS + " # again")
    deadline = time.monotonic() + 30
    while fetch(server + "healthz").json()["store"]["idle"] < 2:
        assert time.monotonic() < deadline, "executor not replaced"
        time.sleep(0.1)
    assert fetch(server + "sparql", query=SMALL).status == 200


def test_an_allowed_service_is_called(releases, server):
    other = server + "sparql"
    with serve_app(Settings.from_env(releases=releases, threads=2, service_allow=(other,))) as url:
        query = f"SELECT ?p WHERE {{ SERVICE <{other}> {{ {SMALL[len('SELECT ?p WHERE '):]} }} }}"
        answer = fetch(url + "sparql", query=query)
        assert answer.status == 200 and len(answer.json()["results"]["bindings"]) == 3
        described = fetch(url + "sparql").body.decode()
        assert "sd:BasicFederatedQuery" in described
