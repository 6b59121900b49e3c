"""The limits that keep one query or one client from taking the endpoint from everyone else, against live servers.

A query nested too deeply is refused before any engine sees it; one that grows without bound is stopped
by the memory limit; a client over its budget gets 429 naming the limit; a full queue 503; pages and
documents keep answering while the public lane is full; slow clients cannot hold the HTTP server; behind a
trusted proxy each forwarded address has a budget of its own; every HTML answer carries the security headers;
the limits are stated on /limits and in the service description. The hostile-input corpus (test_hostile.py)
covers the rest of the hardening issue.
"""
from __future__ import annotations

import json
import random
import re
import socket
import threading
import time
import uuid
from collections import OrderedDict
from urllib.parse import urlencode, urlsplit

import pytest
from rdflib import Graph, URIRef

from server.config import Settings
from server.errors import HttpError
from server.web import page_limit
from server.web.admission import MAX_CLIENTS, Admission, Window, _remember, _within, client_of
from tests.conftest import serve_app
from tests.hostile_support import assert_security_headers
from tests.sparql_support import ENDLESS, GROWING, fetch, make_release, mpsc_serve, sample_quads

TIMEOUT = 2.0  # seconds; every runaway query here burns a core that long, so it is kept short
MEMORY_MB = 64  # small, so that GROWING reaches it in a small part of TIMEOUT even on a busy machine
SMALL = "SELECT ?p WHERE { ?p a <https://w3id.org/mpsc/ontology#ModelProject> }"
SCHEMA = "https://schema.org/"


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hardening")
    make_release(folder, sample_quads("hardening"), "hardening")
    return folder


@pytest.fixture(scope="module")
def server(releases):
    settings = Settings.from_env(releases=releases).with_(
        query_timeout=TIMEOUT, busy_timeout=TIMEOUT, executors=3, site_executors=1, queue=1, client_queries=2,
        client_seconds=1.5, query_memory=MEMORY_MB)  # busy_timeout: every executor runs a query to the time limit here
    with serve_app(settings) as url:
        yield url


def ask(url: str, query: str, agent: str = "tester/1", forwarded_for: str | None = None):
    """Send `query` as `agent` (through a proxy that forwards `forwarded_for`); a fresh comment makes its text
    new, so no answer comes from the cache."""
    headers = {"User-Agent": agent, **({"X-Forwarded-For": forwarded_for} if forwarded_for else {})}
    return fetch(url + "sparql", query=f"{query}\n# {uuid.uuid4()}", headers=headers)


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
    "SELECT * WHERE { ?s ?p " + "[ ?p " * 300 + "?o" + " ]" * 300 + " }",
    "SELECT * WHERE { " + "<< " * 300 + "?s ?p ?o" + " >> ?p ?o" * 300 + " }",
], ids=["braces", "parentheses", "functions", "blank-nodes", "quoted-triples"])
def test_over_deep_nesting_is_refused_before_it_runs(server, query):
    """The engine crashes its process on nesting about a thousand levels deep: deeper than 256 is refused at once.
    (Deep terms are slow to evaluate below that too, as flat queries of as many patterns are: the time limit
    stops both.)"""
    started = time.monotonic()
    answer = fetch(server + "sparql", method="POST", data=query.encode(),
                   headers={"Content-Type": "application/sparql-query", "Accept": "application/json"})
    assert answer.status == 400 and time.monotonic() - started < 2
    assert "nests brackets more than 256 levels deep" in answer.json()["detail"]
    assert answer.json()["limit"] == "max_query_depth"
    assert answer.json()["line"] == 1
    assert fetch(server + "healthz").json()["store"]["executors"] == 4  # no executor was lost


def test_quoted_triples_and_comparisons_within_the_limit_run(server):
    """`<<` and `>>` count as brackets only as quoted triples: a `<` or `>` that compares, or that stands next to
    an IRI, is none (it would stay open, and the brackets after it count one level too many). A triple term
    `<<( … )>>` counts two levels, so 31 of them in one another inside BIND's parentheses and 193 groups are
    exactly the 256 levels allowed; one group more is refused."""
    term = "<<( <a:s> <a:p> " * 31 + "<a:o>" + " )>>" * 31
    core = ("OPTIONAL { << ?s ?p << ?a ?b ?c >> >> ?q ?o } BIND(IF(1<2 && 2>1, 1, 0) AS ?n) "
            f"FILTER(?n>0 || <a:x><<a:y>) BIND({term} AS ?t)")
    query = "SELECT ?t ?n WHERE " + "{ " * 193 + core + " }" * 193
    answer = fetch(server + "sparql", method="POST", data=query.encode(),
                   headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert answer.status == 200, answer.body
    row = answer.json()["results"]["bindings"][0]
    assert row["t"]["type"] == "triple" and row["n"]["value"] == "1"
    deeper = fetch(server + "sparql", method="POST", data=query.replace("WHERE {", "WHERE { {").encode() + b" }",
                   headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert deeper.status == 400 and "more than 256 levels" in deeper.json()["detail"]


def test_a_query_over_the_memory_limit_is_answered_in_words(server):
    """Without Retry-After: sent again, it needs the same memory (a researcher's review)."""
    answer = ask(server, GROWING, agent="grower/1")
    assert answer.status == 503 and "Retry-After" not in answer.headers
    assert f"more memory than this endpoint allows per query ({MEMORY_MB} MB)" in answer.json()["detail"]
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
    assert ask(server, ENDLESS, agent="heavy/1").status == 503  # 2 s spent, the budget is 1.5 s
    refused = ask(server, SMALL, agent="heavy/1")
    assert refused.status == 429 and refused.json()["limit"] == "client_seconds"
    assert 50 <= int(refused.headers["Retry-After"]) <= 60
    assert ask(server, SMALL, agent="heavy/2").status == 200  # another client (same address, other tool)


def test_a_client_over_its_budget_is_refused_before_its_query_is_even_read(server):
    """Lexing a long query takes the web worker's own time, so it is charged like a query: a client past its
    budget gets 429 for a query that would otherwise be refused for its syntax."""
    assert ask(server, ENDLESS, agent="lexer/1").status == 503  # 2 s spent, the budget is 1.5 s
    refused = ask(server, "ASK { FILTER(" + "1+" * 3000 + "1 }", agent="lexer/1")
    assert refused.status == 429 and refused.json()["limit"] == "client_seconds"
    assert ask(server, "ASK { FILTER(1 }", agent="lexer/2").status == 400  # another client: read, and refused


def test_a_full_queue_answers_503_and_pages_keep_answering(server):
    repeated = SMALL + "\n# asked before the queue filled"
    assert fetch(server + "sparql", query=repeated, headers={"User-Agent": "early/1"}).status == 200
    runaway = [lambda n=n: ask(server, ENDLESS, agent=f"crowd/{n}") for n in range(4)]
    threads = in_background(*runaway)  # 3 run, 1 waits: the queue (1) is full
    refused = ask(server, SMALL, agent="late/1")
    again = fetch(server + "sparql", query=repeated, headers={"User-Agent": "early/2"})  # from the response cache
    started = time.monotonic()
    page, document = fetch(server), fetch(server + "doc/municipality/08421000.ttl")
    page_seconds = time.monotonic() - started
    for thread in threads:
        thread.join()
    assert refused.status == 503 and refused.json()["limit"] == "queue" and refused.headers["Retry-After"] == "5"
    assert page.status == 200 and document.status == 200 and page_seconds < 2
    assert again.status == 200  # a repeated query is neither lexed nor admitted again


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/html"])
def test_a_query_that_ran_out_its_time_is_not_asked_to_come_again(server, accept):
    """A 503 with `Retry-After: 5` for a query that ran its whole time limit told SPARQL clients that honour it to
    send the doomed query every 5 seconds (a researcher's review): it says why, and names no time."""
    answer = fetch(server + "sparql", query=f"{ENDLESS}\n# {uuid.uuid4()}",
                   headers={"User-Agent": f"runner/{accept}", "Accept": accept, "Accept-Language": "en"})
    assert answer.status == 503 and "Retry-After" not in answer.headers
    assert "time limit" in answer.body.decode()


def test_waiting_in_the_queue_counts_against_the_time_limit(server):
    threads = in_background(*[lambda n=n: ask(server, ENDLESS, agent=f"busy/{n}") for n in range(3)])
    started = time.monotonic()
    waited = ask(server, ENDLESS, agent="patient/1")  # waits ~1.7 s for an executor, then may run only ~0.3 s
    seconds = time.monotonic() - started
    for thread in threads:
        thread.join()
    assert waited.status == 503 and "time limit" in waited.json()["detail"]
    assert waited.headers["Retry-After"] == "5"  # it waited for most of its time: later it may run
    assert seconds < TIMEOUT + 1


def test_runaway_queries_of_many_clients_leave_a_newcomer_a_way_in(releases):
    # Twenty clients (each an address of its own, forwarded by a trusted proxy), one runaway query each: budgets
    # see nobody greedy. The last free executor is kept for short work (MPSC_BUSY_TIMEOUT) and freed executors go
    # to the newest query, so a small query gets in quickly.
    settings = Settings.from_env(releases=releases).with_(
        query_timeout=TIMEOUT, busy_timeout=0.5, executors=3, site_executors=1, queue=40, client_queries=2,
        trusted_proxies=("127.0.0.1",))
    with serve_app(settings) as url:
        answers = {}
        threads = in_background(*[lambda n=n: answers.setdefault(n, ask(url, ENDLESS, agent=f"crowd/{n}",
                                                                        forwarded_for=f"203.0.113.{n + 1}"))
                                  for n in range(20)])
        started = time.monotonic()
        small = ask(url, SMALL, agent="newcomer/1", forwarded_for="198.51.100.1")
        seconds = time.monotonic() - started
        for thread in threads:
            thread.join()
    assert small.status == 200 and seconds < 1.5
    cut = [a.json()["detail"] for a in answers.values() if "0.5 seconds" in a.json().get("detail", "")]
    assert cut and all("time limit" in detail for detail in cut)  # the short runs say why they ended


@pytest.mark.parametrize("remote, forwarded, trusted, client", [
    ("192.0.2.1", "203.0.113.9", (), "192.0.2.1"),  # no proxy is trusted: the header is anyone's to write
    ("192.0.2.1", "203.0.113.9", ("127.0.0.1",), "192.0.2.1"),  # not from the trusted proxy
    ("127.0.0.1", None, ("127.0.0.1",), "127.0.0.1"),
    ("127.0.0.1", "203.0.113.9", ("127.0.0.1",), "203.0.113.9"),
    ("127.0.0.1", "198.51.100.7, 203.0.113.9", ("127.0.0.1",), "203.0.113.9"),  # the client wrote the first itself
    ("10.0.0.2", "203.0.113.9, 10.0.0.1", ("10.0.0.0/8",), "203.0.113.9"),  # two proxies of a trusted network
    ("10.0.0.2", "10.0.0.1", ("10.0.0.0/8",), "10.0.0.1"),  # only proxies: the farthest of them
    ("::1", "2001:db8::1", ("::1",), "2001:db8::/64"),  # an IPv6 client: its /64
    ("::1", "2001:db8:0:0:ffff::2", ("::1",), "2001:db8::/64"),  # another address of that /64: the same client
    ("2001:db8:1::5", None, (), "2001:db8:1::/64"),
    ("::ffff:192.0.2.1", None, (), "192.0.2.1"),  # IPv4 written as IPv6
    ("::ffff:127.0.0.1", "203.0.113.9", ("127.0.0.1",), "203.0.113.9"),  # a proxy seen on [::] is still trusted
    ("::1", None, (), "::1"),  # loopback and link-local are no /64 of anyone's
    ("127.0.0.1", "[2001:db8::1]:443", ("127.0.0.1",), "2001:db8::/64"),  # hops with ports
    ("127.0.0.1", "203.0.113.9:5678", ("127.0.0.1",), "203.0.113.9"),
    ("127.0.0.1", " , ", ("127.0.0.1",), "127.0.0.1"),
    (None, "203.0.113.9", ("127.0.0.1",), "-"),
], ids=["untrusted-setup", "untrusted-address", "no-header", "trusted", "spoofed-first-hop", "proxy-chain",
        "only-proxies", "ipv6", "ipv6-same-64", "ipv6-direct", "ipv4-mapped", "mapped-proxy", "loopback-v6",
        "v6-hop-with-port", "v4-hop-with-port", "empty-header", "no-address"])
def test_the_client_is_the_nearest_address_no_trusted_proxy_vouches_for(remote, forwarded, trusted, client):
    assert client_of(remote, forwarded, "tool/1", trusted) == f"{client} tool/1"


def test_a_clients_budget_window_sums_exactly_the_records_it_keeps():
    """The running sum behind the per-client budgets (admission.Window) against a sum of the kept records,
    over records that come and go at random (amounts like query seconds, with their rounding)."""
    rng, window, kept = random.Random(7), Window(), []
    for step in range(5000):
        at, amount = step * 0.01, rng.random() / 3
        window.add(at, amount)
        kept.append((at, amount))
        if rng.random() < 0.3:
            since = at - rng.uniform(0, 5)
            window.drop_before(since)
            kept = [record for record in kept if record[0] >= since]
        assert list(window.records) == kept
        assert window.total == pytest.approx(sum(amount for _, amount in kept), abs=1e-9)
    assert window.drop_before(float("inf")).total == 0.0 and not window.records


def test_clients_without_recent_queries_are_forgotten_even_those_checked_since():
    """Beyond MAX_CLIENTS remembered clients (a client is address and User-Agent, so one host can be many), an idle
    one is forgotten for each new one. A client whose old records a budget check had already dropped used to stop
    that with an IndexError, and from then on every query of every client ended in a 500."""
    table: OrderedDict[str, Window] = OrderedDict()
    for n in range(MAX_CLIENTS):
        _remember(table, f"agent/{n}", (0.0, 1.0), -60.0)
    _within(table, "agent/0", 100.0)  # its budget checked a minute later: nothing left in its window
    _remember(table, "agent/new", (200.0, 1.0), 140.0)
    _remember(table, "agent/new", (201.0, 1.0), 141.0)
    assert len(table) == MAX_CLIENTS and "agent/0" not in table and table["agent/new"].total == 2.0


def test_forgetting_idle_clients_looks_only_at_idle_ones():
    """The clients are kept in the order of their latest record: a client active again is not forgotten, and when
    nobody is idle, finding that out looks at one client, not at all of them, for every query."""
    table: OrderedDict[str, Window] = OrderedDict()
    for n in range(MAX_CLIENTS):
        _remember(table, f"agent/{n}", (float(n), 1.0), -1.0)
    _remember(table, "agent/0", (MAX_CLIENTS + 1.0, 1.0), -1.0)  # active again: now the last
    _remember(table, "agent/new", (MAX_CLIENTS + 2.0, 1.0), 10.5)  # agent/1 … agent/10 are idle since 10.5
    assert len(table) == MAX_CLIENTS and "agent/0" in table and "agent/1" not in table
    checked = []
    original = Window.drop_before
    Window.drop_before = lambda self, since: checked.append(self) or original(self, since)
    try:
        _remember(table, "agent/newer", (MAX_CLIENTS + 3.0, 1.0), 1.5)  # over the limit, nobody idle since 1.5
    finally:
        Window.drop_before = original
    assert len(checked) == 1 and len(table) == MAX_CLIENTS + 1


def test_no_short_links_at_all_is_a_budget_too(releases):
    admission = Admission(Settings.from_env(releases=releases).with_(client_short_links=0))
    with pytest.raises(HttpError) as refused:
        admission.admit_link("someone tool/1")
    assert refused.value.status == 429 and refused.value.headers["Retry-After"] == "3600"


def test_work_in_the_web_worker_is_charged_to_the_client_but_takes_no_executor(releases):
    """A reconciliation batch (admission.charge) counts in the client's budget and in the work in flight, but
    leaves the executors to queries, whose short limit for the last free one it does not get either."""
    admission = Admission(Settings.from_env(releases=releases).with_(
        executors=1, queue=1, client_queries=1, query_timeout=TIMEOUT, busy_timeout=0.5))
    with admission.charge("reconciler tool/1") as deadline:
        assert deadline - time.monotonic() > TIMEOUT - 0.5  # the whole time limit
        with pytest.raises(HttpError) as refused:
            with admission.charge("reconciler tool/1"):
                pass
        assert refused.value.status == 429 and refused.value.details["limit"] == "client_queries"
        with admission.admit("querier tool/1") as query_deadline:  # the executor is still free
            assert query_deadline - time.monotonic() > TIMEOUT - 0.5
            with pytest.raises(HttpError) as full:  # one running, one batch: the most in flight
                with admission.charge("third tool/1"):
                    pass
            assert full.value.status == 503
    assert admission.settings.client_queries == 1 and not admission._active  # all left


@pytest.mark.parametrize("trusted, separate", [(("127.0.0.1",), True), (("192.0.2.0/24",), False)],
                         ids=["from-the-trusted-proxy", "from-an-untrusted-address"])
def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_budget(releases, trusted, separate):
    """Two clients with one User-Agent behind a proxy on 127.0.0.1: told apart by X-Forwarded-For only when the
    proxy is trusted; from anywhere else the header is ignored and they share one budget."""
    settings = Settings.from_env(releases=releases).with_(
        trusted_proxies=trusted, query_timeout=1.0, client_seconds=0.5, executors=1, site_executors=1)
    with serve_app(settings) as url:
        assert ask(url, ENDLESS, forwarded_for="203.0.113.1").status == 503  # 1 s spent, the budget is 0.5 s
        refused = ask(url, SMALL, forwarded_for="203.0.113.1")
        assert refused.status == 429 and refused.json()["limit"] == "client_seconds"
        assert ask(url, SMALL, forwarded_for="203.0.113.2").status == (200 if separate else 429)


def test_the_clients_of_one_address_share_its_seconds_whatever_their_user_agents(releases):
    """A new User-Agent per request costs nothing to send: past MPSC_ADDRESS_SECONDS, every User-Agent of that
    address gets 429, while another address is still served."""
    settings = Settings.from_env(releases=releases).with_(
        trusted_proxies=("127.0.0.1",), query_timeout=1.0, client_seconds=0.9, address_seconds=1.5, executors=1,
        site_executors=1)
    with serve_app(settings) as url:
        for agent in ("rotating/1", "rotating/2"):  # each within its own budget, 2 s together
            assert ask(url, ENDLESS, agent=agent, forwarded_for="203.0.113.1").status == 503
        refused = ask(url, SMALL, agent="rotating/3", forwarded_for="203.0.113.1")
        assert refused.status == 429 and refused.json()["limit"] == "address_seconds"
        assert "whatever their User-Agents" in refused.json()["detail"] and int(refused.headers["Retry-After"]) >= 1
        assert ask(url, SMALL, agent="rotating/3", forwarded_for="203.0.113.2").status == 200


def test_the_clients_of_one_address_share_how_many_queries_they_may_have_at_once(releases):
    """A new User-Agent per request would otherwise be a new client with room for more: past
    MPSC_ADDRESS_QUERIES, any User-Agent of that address gets 429, while another address still gets in."""
    settings = Settings.from_env(releases=releases).with_(
        trusted_proxies=("127.0.0.1",), query_timeout=TIMEOUT, busy_timeout=TIMEOUT, executors=3, site_executors=1,
        client_queries=2, address_queries=2)
    with serve_app(settings) as url:
        threads = in_background(*(lambda n=n: ask(url, ENDLESS, agent=f"swarm/{n}", forwarded_for="203.0.113.9")
                                  for n in range(2)))
        refused = ask(url, SMALL, agent="swarm/2", forwarded_for="203.0.113.9")
        other = ask(url, SMALL, agent="swarm/2", forwarded_for="203.0.113.10")
        for thread in threads:
            thread.join()
    assert refused.status == 429 and refused.json()["limit"] == "address_queries"
    assert "whatever their User-Agents" in refused.json()["detail"] and other.status == 200


def test_the_addresses_of_one_ipv6_64_share_a_budget(releases):
    """A host may send from any address of its /64: they count as one client, another /64 as another."""
    settings = Settings.from_env(releases=releases).with_(
        trusted_proxies=("127.0.0.1",), query_timeout=1.0, client_seconds=0.5, executors=1, site_executors=1)
    with serve_app(settings) as url:
        assert ask(url, ENDLESS, forwarded_for="2001:db8::1").status == 503  # 1 s spent, the budget is 0.5 s
        assert ask(url, SMALL, forwarded_for="2001:db8::ffff:2").json()["limit"] == "client_seconds"
        assert ask(url, SMALL, forwarded_for="2001:db8:0:1::1").status == 200


def test_html_answers_carry_the_security_headers(server):
    """On the development server; `mpsc serve` in test_hostile.py, without a banner."""
    assert_security_headers(server, banner=False)


def test_every_limit_is_stated_on_the_limits_page_and_in_the_service_description(server):
    page = fetch(server + "limits?lang=en").body.decode()
    for text in ("MPSC_QUERY_TIMEOUT", "MPSC_CLIENT_SECONDS", "MPSC_MAX_QUERY_DEPTH", "HTTP 429", f"{MEMORY_MB} MB",
                 "MPSC_HEADER_TIMEOUT", "the connection is closed", "MPSC_MAX_SHORT_LINKS", "HTTP 507",
                 "MPSC_RECONCILE_BATCH", "Queries per request to /reconcile", "per web worker process (here: 1)"):
        assert text in page
    german = fetch(server + "limits?lang=de").body.decode()
    assert "je Web-Worker-Prozess (hier: 1)" in german
    for text in (page, german):  # a missing UI text shows its key (i18n.message), e.g. "8 unit.requests"
        assert not re.findall(r"\b(?:unit|limit)\.[a-z_]+", text)
    assert "100.000 Bytes" in german and "256 Ebenen" in german and " bytes<" not in german  # units in German too
    limits, names = stated_limits(server)
    assert limits["MPSC_QUERY_TIMEOUT"] == TIMEOUT and limits["MPSC_QUERY_MEMORY"] == MEMORY_MB
    assert limits["MPSC_CLIENT_QUERIES"] == 2 and limits["MPSC_HEADER_TIMEOUT"] == 10
    assert limits["MPSC_MAX_SHORT_LINKS"] == 100_000 and limits["MPSC_RECONCILE_BATCH"] == 100 and len(limits) == 20
    assert limits["MPSC_MAX_QUERY_DEPTH"] == 256
    assert limits["MPSC_CLIENT_BODIES"] == 4 and limits["MPSC_ADDRESS_PAGES"] == 8
    assert limits["MPSC_ADDRESS_BATCHES"] == 2
    assert limits["MPSC_BUSY_TIMEOUT"] == TIMEOUT
    assert {"Queries running at once per web worker", "Queries waiting for a free place, per web worker",
            "Gleichzeitig laufende Abfragen je Web-Worker",
            "Request bodies one client address is sending at once, per web worker",
            "Pages and documents the clients of one address are waiting for at once, per web worker"} <= names


def stated_limits(url: str) -> tuple[dict[str, float], set[str]]:
    """The limits the service description states: variable -> value, and the names of all of them."""
    description = Graph().parse(data=fetch(url + "sparql", headers={"Accept": "text/turtle"}).body, format="turtle")
    nodes = list(description.objects(None, URIRef("https://w3id.org/mpsc/ontology#limit")))
    values = {str(description.value(node, URIRef(SCHEMA + "identifier"))): float(description.value(node, URIRef(SCHEMA + "value")))
              for node in nodes}
    return values, {str(name) for node in nodes for name in description.objects(node, URIRef(SCHEMA + "name"))}


def test_the_reconcile_batch_stated_is_the_one_enforced(server):
    most = int(stated_limits(server)[0]["MPSC_RECONCILE_BATCH"])
    for size, status in ((most, 200), (most + 1, 400)):
        batch = json.dumps({f"q{i}": {"query": "Bamberg"} for i in range(size)})
        answer = fetch(server + "reconcile", method="POST", data=urlencode({"queries": batch}).encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status == status, answer.body[:200]
    assert f"at most {most} queries" in answer.json()["detail"]


def test_the_header_timeout_is_what_the_http_server_enforces(releases):
    """MPSC_HEADER_TIMEOUT, stated on /limits, is the time `mpsc serve` (granian) gives a client for its headers."""
    env = {"MPSC_RELEASES": str(releases), "MPSC_SITE_EXECUTORS": "1", "MPSC_HEADER_TIMEOUT": "1"}
    with mpsc_serve("--executors", "1", env=env) as url:
        assert stated_limits(url)[0]["MPSC_HEADER_TIMEOUT"] == 1
        with socket.create_connection(("127.0.0.1", urlsplit(url).port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: h\r\n")
            started = time.monotonic()
            assert sock.recv(65536) == b"" and time.monotonic() - started < 3  # closed, without an answer


def test_slow_clients_cannot_hold_the_server(releases):
    """64 clients sending one header line every 2 s, a chunked body announced as 2^64 bytes that never comes,
    and more GETs with a chunked body that never ends than the server has threads: `mpsc serve` (granian)
    reads requests asynchronously, and a route that reads no body does not wait for one, so `GET /` still
    answers at once."""
    with mpsc_serve("--executors", "1", env={"MPSC_RELEASES": str(releases), "MPSC_SITE_EXECUTORS": "1"}) as url:
        address = ("127.0.0.1", urlsplit(url).port)
        stop = threading.Event()
        slow = [socket.create_connection(address) for _ in range(64)]
        for sock in slow:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: h\r\n")
        stalled = socket.create_connection(address)
        stalled.sendall(b"POST /sparql HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n")
        unfinished = [socket.create_connection(address) for _ in range(100)]  # threads: 16 + 1 + the queue's 64
        for n, sock in enumerate(unfinished):
            path = ("/healthz", "/", "/static/style.css", "/doc/project/bamberg")[n % 4]
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab".encode())

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
            for sock in (*slow, stalled, *unfinished):
                sock.close()


def test_one_address_waits_for_so_many_pages_at_once_and_others_go_on(releases):
    """Found by an attack: 32 loops from one address asking for documents with a new junk parameter each time (no
    cache holds them) kept another address's document 4-9 s from its usual 0.02 s. Now an address waits for at most
    MPSC_ADDRESS_PAGES pages and documents at once; answers from the document cache are not counted."""
    settings = Settings.from_env(releases=releases).with_(address_pages=1, trusted_proxies=("127.0.0.1",))
    with serve_app(settings) as url:
        def burst(path: str, address: str, n: int = 24) -> list:
            start, answers = threading.Barrier(n), []

            def one(k: int) -> None:
                start.wait()
                answers.append(fetch(url + path.format(k=k), headers={"X-Forwarded-For": address}))
            threads = [threading.Thread(target=one, args=(k,)) for k in range(n)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return answers

        for attempt in range(3):  # overlapping requests are all but certain in a burst of 24; try again if not
            answers = burst("doc/project/ulm?junk={k}", f"192.0.2.{attempt + 1}")
            refused = [a for a in answers if a.status == 429]
            if refused:
                break
        assert refused and {a.status for a in answers} <= {200, 429}
        assert refused[0].json()["limit"] == "address_pages" and refused[0].headers["Retry-After"]
        assert fetch(url + "doc/project/ulm?junk=other", headers={"X-Forwarded-For": "198.51.100.7"}).status == 200
        assert fetch(url + "doc/project/ulm.ttl").status == 200  # now in the document cache ...
        assert {a.status for a in burst("doc/project/ulm.ttl", "192.0.2.9")} == {200}  # ... which counts for nothing


@pytest.mark.parametrize("path, is_counted", [("/doc/project/ulm", True), ("/reconcile/preview", True),
                                              ("/reconcile/suggest/entity", True), ("/search", True),
                                              ("/reconcile", False), ("/sparql", False), ("/q/abc", False),
                                              ("/static/style.css", False), ("/healthz", False)])
def test_which_requests_count_among_an_addresses_pages(path, is_counted):
    """Batches and queries have budgets of their own; /reconcile's suggestions and previews had none (a review).
    A CORS preflight counts nowhere: a browser makes a 429 to it a network error its script cannot read (a
    JavaScript developer's review: preflights got 429 while the address waited for documents)."""
    assert page_limit.counted("GET", path) is is_counted
    assert page_limit.counted("POST", path) is is_counted
    assert page_limit.counted("OPTIONS", path) is False
