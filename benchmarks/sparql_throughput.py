"""Throughput of /sparql under `mpsc serve` (granian) next to its peers, on the same release, and whether their
answers agree.

Starts, on 127.0.0.1, one after the other: `oxigraph serve` in memory (like our embedded store with
MPSC_STORE_IN_MEMORY), loaded with `mpsc load`; `oxigraph serve-read-only` over an on-disk store of the release
as pyoxigraph writes it (the store `mpsc serve` answers from by default); rdflib-endpoint over the release in an
rdflib Dataset (benchmarks/rdflib_peer.py, the `bench` extra); and `mpsc serve` with and without its response
cache. Each server first answers every query of a mix of five competency-style queries once; those answers are
compared with `mpsc serve`'s (`agreement`). Then it gets the mix from CLIENTS client threads (keep-alive
connections, round robin through the mix) for SECONDS seconds, after one warm-up pass, each query with text no
one sent before (`distinct`), so that no cache answers it. `mpsc serve` with its cache is measured once more
with the same five texts again and again: what its cache gives a repeated query. Prints requests per second and
latency p50/p95 per server, and the ratio to Oxigraph in memory.

    .venv/bin/python benchmarks/sparql_throughput.py [--seconds 20] [--clients 8] [--workers 2] [--threads 4]
                                                     [--peers oxigraph,rdflib]

Not a test: a measurement to report, one run each.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

from rdflib import Graph
from rdflib.compare import to_isomorphic
from rdflib.namespace import XSD

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
from server.build.release import Releases  # noqa: E402
from server.config import Settings  # noqa: E402
from server.store.embedded import disk_store  # noqa: E402
from tests.sparql_support import free_port, mpsc, mpsc_serve, oxigraph_server, running  # noqa: E402

PREFIXES = """PREFIX mpsc: <https://w3id.org/mpsc/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
UNLIMITED_CLIENT = {"MPSC_CLIENT_QUERIES": "1000", "MPSC_CLIENT_SECONDS": "86400",  # every client is 127.0.0.1
                    "MPSC_ADDRESS_QUERIES": "1000", "MPSC_ADDRESS_SECONDS": "86400", "MPSC_ADDRESS_PAGES": "1000"}
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


def measure(base: str, path: str, mix, clients: int, seconds: float, repeated: bool = False) -> dict:
    """Warm up with every query once, then CLIENTS threads send the mix round robin, each query with text of its
    own unless `repeated`."""
    requests = [(f"{path}?{urlencode({'query': query})}", {"Accept": accept}) for _, query, accept in mix]
    load.warm_up(base, requests)
    return load.run(base, requests, clients, seconds, vary=None if repeated else distinct)


def distinct(request: load.Request, n: int) -> load.Request:
    """The request with a query text no one sent before: a comment numbering it ends the query (the last
    parameter of the request), so no cache keyed by the text, ours or a proxy's, answers it from an earlier one."""
    path, headers = request
    return f"{path}{quote(chr(10) + '# ')}{n}", headers


def client_once(base: str, path: str, entry) -> tuple[bytes, str]:
    """The answer to one (name, query, Accept) of the mix, and its media type."""
    connection = load.connect(base, timeout=60)
    connection.request("GET", f"{path}?{urlencode({'query': entry[1]})}", headers={"Accept": entry[2]})
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, (entry[0], response.status, body[:300])
    return body, response.headers.get_content_type()


def cooperation_project(base: str, path: str = "/query") -> str:
    """A project carried by a cooperation (so the members query has answers), asked of a loaded server."""
    found, _ = client_once(base, path, ("", COOPERATION_PROJECT, "application/sparql-results+json"))
    return json.loads(found)["results"]["bindings"][0]["p"]["value"]


def answer(base: str, path: str, entry) -> object:
    """A query's answer in a form that compares across servers: for SELECT the solutions in any order (sorted:
    the ties of an ORDER BY may come in any order, so the order is not compared); for ASK the boolean; for a graph
    (in whichever format the server chose), the graph up to blank node labels."""
    body, media_type = client_once(base, path, entry)
    if entry[2] == "text/turtle":
        return to_isomorphic(Graph().parse(data=body, format=GRAPH_PARSERS[media_type]))
    found = json.loads(body)
    if "boolean" in found:
        return found["boolean"]
    return sorted(tuple(sorted((name, term_key(term)) for name, term in row.items()))
                  for row in found["results"]["bindings"])


# rdflib's parser of each format a graph comes in. rdflib-endpoint 0.6 answers DESCRIBE in RDF/XML whatever was
# asked, labelled as SPARQL results in XML.
GRAPH_PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
                 "application/sparql-results+xml": "xml"}


def term_key(term: dict) -> tuple[str, str, str, str]:
    """A term of SPARQL JSON results as the same term reads everywhere: SPARQL 1.0's "typed-literal" is a literal,
    xsd:string a literal without datatype (RDF 1.1), a language tag in lower case, a blank node's label no one's."""
    kind = "literal" if term["type"] == "typed-literal" else term["type"]
    datatype = term.get("datatype", "")
    return (kind, "" if kind == "bnode" else term["value"], "" if datatype == str(XSD.string) else datatype,
            term.get("xml:lang", "").lower())


def agreement(answers: dict[str, dict[str, object]], reference: str) -> str:
    """Which servers answered each query as `reference` did; the queries where one differs are named, with the
    number of solutions or triples of both answers."""
    lines = [f"answers compared with those of {reference}:"]
    for label, theirs in answers.items():
        if label == reference:
            continue
        ours = answers[reference]
        differ = [f"{name} ({_size(ours.get(name))} here, {_size(found)} there)"
                  for name, found in theirs.items() if found != ours.get(name)]
        agree = len(theirs) - len(differ)
        lines.append(f"  {label}: {agree} of {len(theirs)} the same" + (f"; differ: {', '.join(differ)}" if differ else ""))
    lines.append("  (what DESCRIBE answers is each server's own choice: SPARQL 1.1 Query, §16.4)")
    return "\n".join(lines)


def _size(answer) -> str:
    return str(len(answer)) if isinstance(answer, (list, Graph)) else str(answer)


PEERS = ("oxigraph", "rdflib")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--releases", type=Path, default=Settings.from_env().releases)
    parser.add_argument("--peers", default=",".join(PEERS), help="the peers besides mpsc serve: oxigraph, rdflib")
    args = parser.parse_args()
    peers = set(args.peers.split(",")) - {""}
    # The clients all come from 127.0.0.1, which the endpoint would count as one client and limit (429): the
    # per-client limits are lifted, as for many distinct clients.
    env = {"MPSC_RELEASES": str(args.releases), **UNLIMITED_CLIENT}
    serve_args = ("--workers", str(args.workers), "--threads", str(args.threads))
    figures, answers, mix = {}, {}, None
    with tempfile.TemporaryDirectory() as scratch:
        for label, server in servers(args.releases, Path(scratch), env, serve_args, peers):
            with server as (base, path):
                mix = mix or query_mix(cooperation_project(base, path))
                answers[label] = {name: answer(base, path, (name, query, accept)) for name, query, accept in mix}
                figures[label] = measure(base, path, mix, args.clients, args.seconds)
                if label == CACHED:
                    figures[f"{CACHED}, repeated text"] = measure(base, path, mix, args.clients, args.seconds,
                                                                  repeated=True)
    report(figures, args)
    print(agreement(answers, OURS))


OURS, CACHED = "mpsc serve, response cache off", "mpsc serve, response cache on"


def servers(releases: Path, scratch: Path, env: dict, serve_args: tuple, peers: set[str]):
    """(label, context manager giving (base URL, endpoint path)) of every server to measure, in order; each is
    started only when its turn comes."""
    if "oxigraph" in peers:
        yield "oxigraph serve (in memory)", loaded_oxigraph(env)
        yield "oxigraph serve-read-only (on disk)", endpoint(
            oxigraph_server(disk_store(Releases(releases).current(), scratch), read_only=True), "/query")
    if "rdflib" in peers and importlib.util.find_spec("rdflib_endpoint") is None:
        print("rdflib-endpoint: not measured, it is not installed (.venv/bin/pip install -e '.[test,bench]')")
    elif "rdflib" in peers:
        yield "rdflib-endpoint (in memory)", rdflib_endpoint(releases)
    for label, cache in ((OURS, "0"), (CACHED, None)):
        yield label, endpoint(mpsc_serve(*serve_args, env={**env, **({"MPSC_CACHE_BYTES": cache} if cache else {})}),
                              "/sparql", ready=load.loaded)


@contextmanager
def endpoint(server, path: str, ready=lambda url: url):
    """(base URL, endpoint path) of a server's context manager that yields its base URL, once `ready`."""
    with server as url:
        yield ready(url).rstrip("/"), path


@contextmanager
def loaded_oxigraph(env: dict, timeout_s: int | None = 10):
    """Oxigraph's server in memory with the release `mpsc load`ed into it (`oxigraph_server`, on its time limit)."""
    with oxigraph_server(None, timeout_s=timeout_s) as oxigraph:
        loaded = mpsc("load", "--endpoint", oxigraph + "/query", env=env)
        assert loaded.returncode == 0, loaded.stderr
        yield oxigraph, "/query"


@contextmanager
def rdflib_endpoint(releases: Path):
    """benchmarks/rdflib_peer.py on a free port (loading the release into rdflib takes a while)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, str(ROOT / "benchmarks" / "rdflib_peer.py"), "--releases", str(releases),
               "--port", str(port)]
    with running(command, f"{base}/sparql?query=ASK%7B%7D"):
        yield base, "/sparql"


def report(figures: dict, args) -> None:
    reference = figures.get("oxigraph serve (in memory)", {}).get("rate")
    print(f"{args.clients} clients, {args.seconds:g} s each; mpsc serve: {args.workers} workers x {args.threads} threads")
    print(f"{'server':50} {'requests':>9} {'q/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'vs oxigraph in memory':>22}")
    for label, f in figures.items():
        print(f"{label:50} {f['requests']:9d} {f['rate']:8.1f} {f['p50_ms']:8.1f} {f['p95_ms']:8.1f} "
              f"{f['errors']:7d} " + (f"{f['rate'] / reference:21.2f}x" if reference else f"{'-':>22}"))


if __name__ == "__main__":
    main()
