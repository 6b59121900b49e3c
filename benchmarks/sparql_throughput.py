"""Throughput of /sparql under `mpsc serve` (granian) next to Oxigraph's own server, on the same release.

Starts, on 127.0.0.1: `oxigraph serve` in memory (like our embedded store) and on disk, each loaded with
`mpsc load`, and `mpsc serve` with and without its response cache. Each server then gets the same mix of five competency-style queries from CLIENTS client
threads (keep-alive connections, round robin through the mix) for SECONDS seconds, after one warm-up pass.
Prints requests per second and latency p50/p95 per server, and the ratio to Oxigraph.

    .venv/bin/python benchmarks/sparql_throughput.py [--seconds 20] [--clients 8] [--workers 2] [--threads 4]

Not a test: a measurement to report, one run each.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
from server.config import Settings  # noqa: E402
from tests.sparql_support import mpsc, mpsc_serve, oxigraph_server  # noqa: E402

PREFIXES = """PREFIX mpsc: <https://w3id.org/mpsc/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
UNLIMITED_CLIENT = {"MPSC_CLIENT_QUERIES": "1000", "MPSC_CLIENT_SECONDS": "1000000"}
COOPERATION_PROJECT = PREFIXES + "SELECT ?p WHERE { ?p mpsc:grantee ?c . ?c a mpsc:Cooperation } ORDER BY ?p LIMIT 1"


def query_mix(project: str) -> list[tuple[str, str, str]]:
    """(name, query, Accept) for the five queries of the mix."""
    results, turtle = "application/sparql-results+json", "text/turtle"
    return [
        ("projects per round", PREFIXES + """SELECT ?year (COUNT(?project) AS ?projects) WHERE {
           ?project a mpsc:ModelProject ; mpsc:fundingRound/mpsc:year ?year } GROUP BY ?year ORDER BY ?year""", results),
        ("members of a project", PREFIXES + f"""SELECT ?member ?label WHERE {{
           <{project}> mpsc:grantee/org:hasMember ?member . ?member rdfs:label ?label FILTER(LANG(?label) = "de") }}""",
         results),
        ("municipalities > 100k", PREFIXES + """SELECT ?m ?label ?population WHERE {
           ?m a mpsc:Municipality ; rdfs:label ?label ; mpsc:population ?population
           FILTER(?population > 100000 && LANG(?label) = "de") } ORDER BY DESC(?population)""", results),
        ("describe a project", f"DESCRIBE <{project}>", turtle),
        ("ask", PREFIXES + "ASK { ?m a mpsc:Municipality ; mpsc:population ?p FILTER(?p > 1000000) }", results),
    ]


def measure(base: str, path: str, mix, clients: int, seconds: float) -> dict:
    """Warm up with every query once, then CLIENTS threads send the mix round robin."""
    requests = [(f"{path}?{urlencode({'query': query})}", {"Accept": accept}) for _, query, accept in mix]
    load.warm_up(base, requests)
    return load.run(base, requests, clients, seconds)


def client_once(base: str, path: str, entry) -> bytes:
    connection = load.connect(base, timeout=60)
    connection.request("GET", f"{path}?{urlencode({'query': entry[1]})}", headers={"Accept": entry[2]})
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, (entry[0], response.status, body[:300])
    return body


def cooperation_project(oxigraph: str) -> str:
    """A project carried by a cooperation (so the members query has answers), asked of the loaded server."""
    answer = client_once(oxigraph, "/query", ("", COOPERATION_PROJECT, "application/sparql-results+json"))
    return json.loads(answer)["results"]["bindings"][0]["p"]["value"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--releases", type=Path, default=Settings.from_env().releases)
    args = parser.parse_args()
    # The clients all come from 127.0.0.1, which the endpoint would count as one client and limit (429): the
    # per-client limits are lifted, as for many distinct clients.
    env = {"MPSC_RELEASES": str(args.releases), **UNLIMITED_CLIENT}
    serve_args = ("--workers", str(args.workers), "--threads", str(args.threads))
    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        for label, location in (("oxigraph serve (in memory)", None), ("oxigraph serve (on disk)", Path(scratch) / "db")):
            with oxigraph_server(location) as oxigraph:
                loaded = mpsc("load", "--endpoint", oxigraph + "/query", env=env)
                assert loaded.returncode == 0, loaded.stderr
                mix = query_mix(cooperation_project(oxigraph))
                figures[label] = measure(oxigraph, "/query", mix, args.clients, args.seconds)
    for label, cache in (("mpsc serve, response cache off", "0"), ("mpsc serve, response cache on", None)):
        with mpsc_serve(*serve_args, env={**env, **({"MPSC_CACHE_BYTES": cache} if cache else {})}) as url:
            figures[label] = measure(load.loaded(url).rstrip("/"), "/sparql", mix, args.clients, args.seconds)
    report(figures, args)


def report(figures: dict, args) -> None:
    reference = figures["oxigraph serve (in memory)"]["rate"]
    print(f"{args.clients} clients, {args.seconds:g} s each; mpsc serve: {args.workers} workers x {args.threads} threads")
    print(f"{'server':34} {'requests':>9} {'q/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'vs oxigraph in memory':>22}")
    for label, f in figures.items():
        print(f"{label:34} {f['requests']:9d} {f['rate']:8.1f} {f['p50_ms']:8.1f} {f['p95_ms']:8.1f} "
              f"{f['errors']:7d} {f['rate'] / reference:21.2f}x")


if __name__ == "__main__":
    main()
