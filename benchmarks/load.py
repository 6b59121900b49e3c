"""The load generator both benchmarks share: keep-alive client threads for a fixed time, with latencies."""
from __future__ import annotations

import http.client
import itertools
import json
import statistics
import threading
import time
from typing import Callable
from urllib.parse import urlsplit

# A request: (path, headers). A client sends requests[offset], requests[offset + 1], … round robin.
Request = tuple[str, dict]


def connect(base: str, timeout: float = 120) -> http.client.HTTPConnection:
    parts = urlsplit(base)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def send(connection: http.client.HTTPConnection, request: Request) -> tuple[int, int]:
    """(status, bytes received) of one GET on a keep-alive connection."""
    path, headers = request
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, len(response.read())


def loaded(base: str, answers: int = 10, timeout: float = 120, source: str = "disk") -> str:
    """`base` (an `mpsc serve`) once its workers answer from where they will answer on: by default the release's
    on-disk copy, which a release's first start writes and then hands over to (server/store/embedded.py), or
    `source`. The throughput of a running server, not of its first seconds, which benchmarks/startup.py
    measures. Each /healthz goes to some worker; ANSWERS in a row must name `source`."""
    deadline, row = time.monotonic() + timeout, 0
    while row < answers:
        assert time.monotonic() < deadline, f"{base} did not answer from {source} in {timeout} s"
        connection = connect(base)
        connection.request("GET", "/healthz")
        found = json.loads(connection.getresponse().read())["store"].get("source", source)
        connection.close()
        row = row + 1 if found == source else 0
        time.sleep(0.05)
    return base


def warm_up(base: str, requests: list[Request]) -> None:
    """One pass over every request, so caches and lazy loading do not count; each must answer 200."""
    connection = connect(base)
    for request in requests:
        status, _ = send(connection, request)
        assert status == 200, (request, status)
    connection.close()


NUMBERS = itertools.count()  # every request `run` varies in this process gets a number of its own


def run(base: str, requests: list[Request], clients: int, seconds: float,
        offset: Callable[[int], int] = lambda n: n, vary: Callable[[Request, int], Request] | None = None) -> dict:
    """CLIENTS threads send round robin for SECONDS; returns requests, rate, p50/p95 ms, mean kB, errors.
    With `vary`, each request is sent as `vary(request, n)`, n numbering the requests of all runs of this process.
    A request that fails (no answer within the connection's timeout, a closed connection) counts as an error."""
    stop, latencies, sizes, errors = threading.Event(), [], [], []

    def client(n: int) -> None:
        connection, i = connect(base), offset(n)
        while not stop.is_set():
            request = requests[i % len(requests)]
            request = vary(request, next(NUMBERS)) if vary else request
            started = time.perf_counter()
            try:
                status, size = send(connection, request)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection, status, size = connect(base), 0, 0
            latencies.append(time.perf_counter() - started)
            sizes.append(size)
            if status != 200:
                errors.append(status)
            i += 1
        connection.close()

    elapsed = for_seconds(client, clients, seconds, stop)
    quantiles = statistics.quantiles(latencies, n=20)
    return {"requests": len(latencies), "rate": len(latencies) / elapsed, "p50_ms": quantiles[9] * 1000,
            "p95_ms": quantiles[18] * 1000, "kb": statistics.mean(sizes) / 1000, "errors": len(errors)}


def for_seconds(client: Callable[[int], None], clients: int, seconds: float, stop: threading.Event) -> float:
    """Run `client(n)` in `clients` threads for `seconds`, then set `stop` and wait for them; the elapsed time."""
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started
