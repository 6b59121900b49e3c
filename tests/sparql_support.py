"""Helpers for the SPARQL and store tests: small releases written directly, and real servers in subprocesses.

A release here is what the endpoint needs and no more (`release.json` and the dataset file), so tests
with their own data (the W3C suites, two versions for a swap) do not pay for a full build.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL

from server.iris import dataset
from server.namespaces import GRAPH
from server.rdfio import gzip_bytes
from server.build.release import CHECKSUMS, DATASET_FILE, Release, checksums_file, open_release, write_release
from tests.conftest import ROOT, free_port

W3C = ROOT / "tests" / "fixtures" / "w3c"
PROGRAMME, METADATA = str(GRAPH["programme"]), str(GRAPH["metadata"])
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
# 10^12 combinations to count: runs for hours on any data, so only the time limit can end it.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(12)) + " }"


def make_release(releases: Path, quads: list[ox.Quad], version: str) -> Release:
    """Write a minimal release holding `quads` and make it current."""
    data = gzip_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    counts: dict[str, int] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    manifest = {"version": version, "modified": "2026-01-01", "graphs": counts,
                "files": [{"name": DATASET_FILE, "bytes": len(data)}]}
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
def running(command: list[str], ready_url: str, env: dict | None = None, log: Path | None = None):
    """Run a server in a session of its own until the block ends, then stop the whole session (workers,
    reloader children, query executors); its output goes to `log` (or is discarded)."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
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
def oxigraph_server(location: Path | None):
    """A real Oxigraph server (PyPI `oxigraph`) on a free port, on disk at `location` or else in memory;
    yields its base URL. Its own time limit ends queries a client gave up on, as an operator would set it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}", "--timeout-s", "10"]
    command += ["--location", str(location)] if location else []
    with running(command, f"{base}/query?query=ASK%7B%7D"):
        yield base


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
