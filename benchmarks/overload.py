"""`mpsc serve` under overload: mixed traffic, runaway queries and slow clients, with latencies per kind.

Starts `mpsc serve` (default settings) over the current release of RELEASES on 127.0.0.1 and runs three
scenarios in one go:
1. mixed traffic: CLIENTS keep-alive clients for SECONDS, each a client of its own (own User-Agent and own
   address, forwarded as by a trusted proxy: `client`), as distinct people would be, cycling through a SPARQL query with text no one sent before (so no cache
   helps), an HTML page and a Turtle document of a municipality (a different one each time) and a dump
   file; reports requests, errors (anything but 200) and p50/p99 per kind;
2. 20 runaway queries (each runs into the time limit) sent at once, first by one client, then by 20
   clients, while a page, a document and a small query by someone else are timed;
3. 64 slow clients (one header line every 3 s, as in slowloris) while `GET /` is timed.

    .venv/bin/python benchmarks/overload.py --releases releases [--clients 32] [--seconds 60]

Not a test: a measurement to report, one run. Times depend on the machine and what else it runs.
"""
from __future__ import annotations

import argparse
import itertools
import socket
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
from server.build.release import Releases  # noqa: E402
from tests.sparql_support import ENDLESS, mpsc_serve  # noqa: E402

QUERY = ("PREFIX mpsc: <https://w3id.org/mpsc/ontology#> SELECT ?m ?p WHERE { ?m a mpsc:Municipality ; "
         "mpsc:population ?p FILTER(?p > 100000) } ORDER BY DESC(?p)")
SMALL = "ASK { ?s a <https://w3id.org/mpsc/ontology#ModelProject> }"


def fresh(query: str) -> str:
    """The query with a comment no one sent before, so neither cache nor ETag can answer it."""
    return f"{query}\n# {uuid.uuid4()}"


def municipalities(base: str) -> list[str]:
    """Paths of 500 municipality documents, from the endpoint itself."""
    query = "SELECT ?m WHERE { ?m a <https://w3id.org/mpsc/ontology#Municipality> } ORDER BY ?m LIMIT 500"
    connection = load.connect(base)
    connection.request("GET", "/sparql?" + urlencode({"query": query}), headers={"Accept": "text/csv"})
    rows = connection.getresponse().read().decode().splitlines()[1:]
    return ["/doc/" + row.strip().split("/id/", 1)[1] for row in rows]


def kinds(documents: list[str]):
    """An endless supply of (kind, path, headers) requests, cycling through the four kinds."""
    for n in itertools.count():
        document = documents[n % len(documents)]
        yield "query", "/sparql?" + urlencode({"query": fresh(QUERY)}), {"Accept": "application/sparql-results+json"}
        yield "html", document, {"Accept": "text/html"}
        yield "turtle", document, {"Accept": "text/turtle"}
        yield "dump", "/dumps/ontology.ttl", {}


def client(name: str, n: int) -> dict[str, str]:
    """The headers of client `n`: its User-Agent and its address, which the server, trusting 127.0.0.1 as a proxy
    (`main`), takes from X-Forwarded-For; from one address, the clients would share one address's budgets."""
    return {"User-Agent": f"{name}/{n}", "X-Forwarded-For": f"198.51.100.{n + 1}"}


def mixed(base: str, clients: int, seconds: float, documents: list[str]) -> dict[str, list]:
    """Scenario 1: latencies per kind and the statuses that were not 200."""
    stop, lock = threading.Event(), threading.Lock()
    latencies: dict[str, list[float]] = {"query": [], "html": [], "turtle": [], "dump": []}
    errors: list[tuple[str, int, str]] = []

    def run(n: int) -> None:
        connection, requests = load.connect(base), kinds(documents[n:] + documents[:n])
        for kind, path, headers in itertools.islice(requests, n % 4, None):  # clients start at different kinds
            if stop.is_set():
                break
            started = time.perf_counter()
            connection.request("GET", path, headers={**headers, **client("overload", n)})
            response = connection.getresponse()
            body = response.read()
            with lock:
                latencies[kind].append(time.perf_counter() - started)
                if response.status != 200:
                    errors.append((kind, response.status, body[:120].decode("utf-8", "replace")))
        connection.close()

    load.for_seconds(run, clients, seconds, stop)
    return {"latencies": latencies, "errors": errors}


def timed(base: str, path: str, headers: dict) -> tuple[int, float]:
    connection = load.connect(base, timeout=60)
    started = time.perf_counter()
    status, _ = load.send(connection, (path, headers))
    return status, time.perf_counter() - started


def runaway(base: str, documents: list[str], senders: int) -> dict[str, tuple[int, float]]:
    """Scenario 2: 20 runaway queries by `senders` clients (taking turns), and the others' requests timed
    meanwhile."""
    threads = [threading.Thread(target=timed, args=(base, "/sparql?" + urlencode({"query": fresh(ENDLESS)}),
                                                    client("runaway", n % senders))) for n in range(20)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    others = {"page /": timed(base, "/", {"Accept": "text/html"}),
              "document (HTML)": timed(base, documents[7], {"Accept": "text/html"}),
              "document (Turtle)": timed(base, documents[8], {"Accept": "text/turtle"}),
              "small query": timed(base, "/sparql?" + urlencode({"query": fresh(SMALL)}), client("bystander", 200))}
    for thread in threads:
        thread.join()
    return others


def slow_clients(base: str, count: int = 64) -> list[float]:
    """Scenario 3: seconds of five `GET /` while `count` slow clients trickle headers."""
    address, stop = ("127.0.0.1", urlsplit(base).port), threading.Event()
    sockets = [socket.create_connection(address) for _ in range(count)]
    for sock in sockets:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")

    def trickle() -> None:
        for n in itertools.count():
            if stop.wait(3):
                return
            for sock in sockets:
                sock.sendall(f"X-Slow-{n}: 1\r\n".encode())

    feeder = threading.Thread(target=trickle)
    feeder.start()
    try:
        time.sleep(4)
        return [timed(base, "/", {"Accept": "text/html"})[1] for _ in range(5)]
    finally:
        stop.set()
        feeder.join()
        for sock in sockets:
            sock.close()


def report_mixed(result: dict, seconds: float) -> None:
    print(f"1. mixed traffic: {sum(map(len, result['latencies'].values())):,} requests in {seconds:g} s, "
          f"{len(result['errors'])} errors")
    for error in sorted(set(result["errors"]))[:5]:
        print("   error:", *error)
    for kind, values in result["latencies"].items():
        q = statistics.quantiles(values, n=100)
        print(f"   {kind:7} {len(values):7,} requests  p50 {q[49] * 1000:7.1f} ms  p99 {q[98] * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=Path, default=ROOT / "releases")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    if Releases(args.releases).current() is None:
        sys.exit(f"no release in {args.releases}; run `mpsc build` first")
    with mpsc_serve(env={"MPSC_RELEASES": str(args.releases), "MPSC_TRUSTED_PROXIES": "127.0.0.1"}) as base:
        load.loaded(base)
        documents = municipalities(base)
        report_mixed(mixed(base, args.clients, args.seconds, documents), args.seconds)
        for label, senders in (("one client", 1), ("20 clients", 20)):
            print(f"2. 20 runaway queries by {label}; meanwhile:")
            for what, (status, seconds) in runaway(base, documents, senders).items():
                print(f"   {what:18} HTTP {status}  {seconds * 1000:8.1f} ms")
        times = slow_clients(base)
        print(f"3. GET / with 64 slow clients: worst of 5 {max(times) * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
