"""Requests per second for resource documents under `mpsc serve` (gunicorn): HTML pages and Turtle, next to a
static dump file served by the same server as the peer baseline.

Starts `mpsc serve` on 127.0.0.1 over a release, takes the documents of every project and the first
municipalities from the sitemap, warms up with one pass, then sends CLIENTS keep-alive client threads
round robin through one URL set for SECONDS seconds. Every request renders its document anew (no
If-None-Match is sent, and documents have no response cache).

    .venv/bin/python benchmarks/documents_throughput.py --releases DIR [--seconds 15] [--clients 8]

Not a test: a measurement to report, one run each.
"""
from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
from server.config import Settings  # noqa: E402
from tests.sparql_support import mpsc_serve  # noqa: E402

LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


def documents(base: str, municipalities: int) -> list[str]:
    """Paths of every project's document and of the first `municipalities` municipality documents."""
    connection = load.connect(base)
    connection.request("GET", "/sitemap.xml")
    urls = [loc.text for loc in ET.fromstring(connection.getresponse().read()).iter(LOC)]
    paths = [urlsplit(u).path for u in urls]
    return ([p for p in paths if p.startswith("/doc/project/")]
            + [p for p in paths if p.startswith("/doc/municipality/")][:municipalities])


def measure(base: str, paths: list[str], accept: str, clients: int, seconds: float) -> dict:
    """Warm up with one pass, then CLIENTS threads round robin through `paths`, accepting gzip as browsers do."""
    requests = [(path, {"Accept": accept, "Accept-Encoding": "gzip"}) for path in paths]
    load.warm_up(base, requests)
    return load.run(base, requests, clients, seconds, offset=lambda n: n * 7)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--municipalities", type=int, default=100)
    parser.add_argument("--releases", type=Path, default=Settings.from_env().releases)
    args = parser.parse_args()
    env = {"MPSC_RELEASES": str(args.releases)}
    with mpsc_serve("--workers", str(args.workers), "--threads", str(args.threads), env=env) as base:
        paths = documents(base, args.municipalities)
        runs = {
            "HTML documents": (paths, "text/html"),
            "Turtle documents": ([p + ".ttl" for p in paths], "text/turtle"),
            "dump file /dumps/ontology.ttl": (["/dumps/ontology.ttl"], "*/*"),
            "dump file /dumps/mpsc.ttl": (["/dumps/mpsc.ttl"], "*/*"),
        }
        figures = {label: measure(base, p, accept, args.clients, args.seconds) for label, (p, accept) in runs.items()}
    print(f"{args.clients} clients, {args.seconds:g} s each, {len(paths)} documents; "
          f"mpsc serve: {args.workers} workers x {args.threads} threads")
    print(f"{'URLs':40} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'kB/resp':>8} {'errors':>7}")
    for label, f in figures.items():
        print(f"{label:40} {f['requests']:9d} {f['rate']:8.1f} {f['p50_ms']:8.1f} {f['p95_ms']:8.1f} "
              f"{f['kb']:8.1f} {f['errors']:7d}")


if __name__ == "__main__":
    main()
