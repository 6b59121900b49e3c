"""Helpers for the tests and the benchmarks (the one module both import): the `mpsc` command, free ports,
small releases written directly, real servers in subprocesses (Oxigraph server, Virtuoso, `mpsc serve`),
and the comparisons of the parity tests.

A release here is what the endpoint needs and no more (`release.json` and the dataset file), so tests
with their own data (the W3C suites, two versions for a swap) do not pay for a full build.
"""
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL
from SPARQLWrapper import SPARQLWrapper

from server.iris import dataset
from server.namespaces import GRAPH
from server.rdfio import gzip_bytes
from server.build.release import CHECKSUMS, DATASET_FILE, Release, checksums_file, open_release, sha256, write_release

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mpsc(*args, env=None, cwd=ROOT, timeout=900, **options):
    """Run the `mpsc` command in a subprocess, as a user would (`options` go to subprocess.run)."""
    return subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout, **options)


W3C = ROOT / "tests" / "fixtures" / "w3c"
PROGRAMME, METADATA = str(GRAPH["programme"]), str(GRAPH["metadata"])
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
# Doubles a string 30 times per solution of a 1,000-row VALUES: far beyond any memory limit.
GROWING = ("SELECT (STRLEN(?s30) AS ?n) WHERE { VALUES ?i { " + " ".join(map(str, range(1000))) + " } BIND('xx' AS ?s0) "
           + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(30)) + " }")
# 10^12 combinations to count: runs for hours on any data, so only the time limit can end it.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(12)) + " }"
VIRTUOSO = shutil.which("virtuoso-t")  # Debian's virtuoso-opensource; `make test` installs it where missing
QUERIES = sorted((ROOT / "queries").glob("*.rq"))  # the competency questions
# The other query forms for the parity tests, next to the competency questions.
MORE_QUERIES = {"describe-a-project": "DESCRIBE <https://w3id.org/mpsc/id/project/bamberg>",
                "ask-any-cooperation": "ASK { ?c a <https://w3id.org/mpsc/ontology#Cooperation> }",
                "graph-sizes": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}
PARITY_QUERIES = [(p.stem, p.read_text(encoding="utf-8")) for p in QUERIES] + list(MORE_QUERIES.items())
# Version and default-graph size read in one query: what one reader sees at one moment ("" and 0 in an empty store).
SNAPSHOT = f"""SELECT ?version ?n WHERE {{
  {{ SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} }}
  OPTIONAL {{ GRAPH <{GRAPH["metadata"]}> {{ <{dataset()}> <{OWL.versionInfo}> ?version }} }}
}}"""


def make_release(releases: Path, quads: list[ox.Quad], version: str) -> Release:
    """Write a minimal release holding `quads` and make it current."""
    data = gzip_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    counts: dict[str, int] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    manifest = {"version": version, "modified": "2026-01-01", "graphs": counts,
                "files": [{"name": DATASET_FILE, "bytes": len(data), "sha256": sha256(data)}]}
    files = {DATASET_FILE: data, "release.json": json.dumps(manifest).encode()}
    files[CHECKSUMS] = checksums_file(files)
    return open_release(write_release(releases, version, files))


def graph_quads(path: Path, graph: str | None) -> list[ox.Quad]:
    """The triples of an RDF file as quads in `graph` (None: the default graph)."""
    name = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    fmt = ox.RdfFormat.from_extension(path.suffix[1:])
    return [ox.Quad(t.subject, t.predicate, t.object, name) for t in ox.parse(path=str(path), format=fmt)]


def w3c_quads() -> list[ox.Quad]:
    """The W3C protocol graphs under the names their manifest gives, and each result-format test's data in a graph of its own."""
    quads = []
    for n in (1, 2, 3):
        quads += graph_quads(W3C / "protocol" / f"data{n}.nt", f"http://kasei.us/2009/09/sparql/data/data{n}.rdf")
    quads += graph_quads(W3C / "json-res" / "data.ttl", "urn:w3c:json-res")
    quads += graph_quads(W3C / "csv-tsv-res" / "data.ttl", "urn:w3c:csv-tsv-res")
    quads += graph_quads(W3C / "csv-tsv-res" / "data2.ttl", "urn:w3c:csv-tsv-res-2")
    return quads


def sample_quads(version: str, extra: list[ox.Triple] = ()) -> list[ox.Quad]:
    """tests/fixtures/sparql/sample.ttl (plus `extra`) as the programme graph, a metadata graph naming
    `version`, and their merge as the default graph: the layout of a real release."""
    programme = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(PROGRAMME))
                 for q in graph_quads(ROOT / "tests" / "fixtures" / "sparql" / "sample.ttl", None)]
    programme += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(PROGRAMME)) for t in extra]
    metadata = [ox.Quad(ox.NamedNode(str(dataset())), ox.NamedNode(str(OWL.versionInfo)), ox.Literal(version),
                        ox.NamedNode(METADATA))]
    named = programme + metadata
    return named + [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in named]


def snapshot(store) -> set[tuple[str, int]]:
    """What a reader of `store` sees now: (version, default-graph size), once unless a version is half replaced."""
    return {(str(row.get("version", "")), int(row["n"])) for row in store.select(SNAPSHOT)}


SNAPSHOT_EVERY = 0.25  # seconds between two reads of snapshots_while


def snapshots_while(store, action):
    """What a reader of `store` sees while `action()` runs, read from another thread every SNAPSHOT_EVERY seconds
    and once more when it is done: a list of (time.monotonic(), version, default-graph size) in the order read;
    and what `action` returned.

    Often enough for the tests' window (a swap must settle within 2 s of its first visible change), seldom enough
    to leave the load the CPU: each read counts the whole default graph, which takes Virtuoso ~45 ms of CPU
    (its process's time in /proc/PID/stat around 20 counts on the loaded release)."""
    seen, done = [], threading.Event()

    def read():
        while not done.wait(SNAPSHOT_EVERY):
            seen.extend((time.monotonic(), *pair) for pair in snapshot(store))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        result = action()
    finally:
        done.set()
        reader.join()
    seen.extend((time.monotonic(), *pair) for pair in snapshot(store))
    return seen, result


def wait_until_responds(url: str, timeout: float = 120.0, process: subprocess.Popen | None = None) -> None:
    """Poll `url` until it answers 200; fail early if `process` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not respond within {timeout} s")


@contextmanager
def running(command: list[str], ready_url: str, env: dict | None = None, log: Path | None = None,
            cwd: Path | None = None):
    """Run a server in a session of its own until the block ends, then stop the whole session (workers,
    reloader children, query executors); its output goes to `log` (or is discarded)."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True, cwd=cwd)
    try:
        wait_until_responds(ready_url, process=process)
        yield process
    finally:
        stop_session(process)
        if log:
            out.close()


def stop_session(process: subprocess.Popen) -> None:
    """SIGTERM to the process group a server leads, SIGKILL if it is still there after 30 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


@contextmanager
def oxigraph_server(location: Path | None, timeout_s: int | None = 10, read_only: bool = False):
    """A real Oxigraph server (PyPI `oxigraph`) on a free port, on disk at `location` or else in memory;
    yields its base URL. `read_only`: `oxigraph serve-read-only` over a store pyoxigraph wrote at `location`
    (e.g. `mpsc serve`'s copy of a release, server/store/embedded.py), the peer the performance issue measured.
    Its own time limit ends queries a client gave up on, as an operator would set it.
    Without one (`timeout_s=None`) it can take thousands of queries a second: with one, 0.5.13 starts a thread
    per query that waits out the whole limit, and at ~3,000 small queries/s it aborted within seconds, unable
    to start more ("Resource temporarily unavailable", then "failed to set up alternative stack guard page";
    likely the kernel's limit on memory maps, vm.max_map_count 65,530 here, two per thread)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(OXIGRAPH), "serve-read-only" if read_only else "serve", "--bind", f"127.0.0.1:{port}"]
    command += ["--timeout-s", str(timeout_s)] if timeout_s else []
    command += ["--location", str(location)] if location else []
    with running(command, f"{base}/query?query=ASK%7B%7D"):
        yield base


# Virtuoso's documented account of a new database (user dba, password dba): the test server listens on
# 127.0.0.1 only and its database lives in a temporary folder.
VIRTUOSO_ACCOUNT = ("dba", "dba")
VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = .
; The release and its staging copy in memory (8 KB pages), never checkpointed: the database is thrown
; away after the tests.
NumberOfBuffers = 60000
MaxDirtyBuffers = 45000
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
; Above MPSC_MAX_ROWS: Virtuoso cuts longer results short without saying so.
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@contextmanager
def virtuoso_server(folder: Path):
    """Debian's Virtuoso with a new database in `folder`, on free ports of 127.0.0.1; yields its base URL.

    A new database takes a few seconds to create; on SIGTERM the server shuts down at once, without a checkpoint.
    """
    folder.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=free_port(), http_port=http_port))
    base = f"http://127.0.0.1:{http_port}"
    with running([VIRTUOSO, "+foreground", "+configfile", "virtuoso.ini"], f"{base}/sparql?query=ASK%7B%7D",
                 cwd=folder, log=folder / "server.log"):
        yield base


def virtuoso_settings(base: str) -> dict[str, str]:
    """The settings `mpsc load` and `mpsc serve` take for the Virtuoso at `base`, as the README gives them
    (Settings fields; server.config.ENVIRONMENT names their variables)."""
    user, password = VIRTUOSO_ACCOUNT
    return {"store": f"{base}/sparql", "update_endpoint": f"{base}/sparql-auth",
            "store_endpoint": f"{base}/sparql-graph-crud-auth", "store_engine": "virtuoso",
            "store_user": user, "store_password": password}


@contextmanager
def mpsc_serve(*args: str, env: dict | None = None, log: Path | None = None):
    """`mpsc serve` (granian) on a free port in a subprocess; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port), *args]
    with running(command, f"http://127.0.0.1:{port}/healthz", env=env, log=log):
        yield f"http://127.0.0.1:{port}/"


@dataclass
class Answer:
    status: int
    headers: "http.client.HTTPMessage"
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get_content_type()

    def json(self):
        return json.loads(self.body)


def fetch(url: str, *, method: str = "GET", headers: dict | None = None, data: bytes | None = None,
          **params) -> Answer:
    """One HTTP request; `params` become the query string (lists repeat the parameter). Errors are answers too."""
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def ask(endpoint: str, query: str, fmt: str, method: str = "GET"):
    """The answer of `mpsc serve` at `endpoint` (base URL) to `query`, through SPARQLWrapper, converted."""
    client = SPARQLWrapper(endpoint + "sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query().convert()


def comparable(results: dict, ordered: bool):
    """SELECT results (SPARQL JSON, parsed) as compared: in order when the query orders them, else as a sorted list."""
    if "boolean" in results:
        return results["boolean"]
    rows = [json.dumps(b, sort_keys=True) for b in results["results"]["bindings"]]
    return results["head"]["vars"], rows if ordered else sorted(rows)
