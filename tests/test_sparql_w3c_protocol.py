"""The W3C SPARQL 1.1 Protocol tests, read from their manifest and sent over HTTP to a live endpoint.

All query tests run as written. The endpoint is read-only, so each update test counts as passed when every
update request in it is refused with a 4xx status (the follow-up queries that would check the update's
effect are not sent).
"""
from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS

from server.config import Settings
from tests.conftest import serve_app
from tests.sparql_support import W3C, graph_quads, make_release

MANIFEST = W3C / "protocol" / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
EXPECTED_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "application/xhtml+xml"},
}


@dataclass
class ProtocolRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    statuses: set[int]  # acceptable status classes: 2, 3, 4
    fmt: str | None
    boolean: bool | None

    @property
    def is_update(self) -> bool:
        return (self.headers.get("content-type", "").startswith("application/sparql-update")
                or "update=" in self.path or self.body.startswith(b"update="))


def _requests(manifest: Graph, test) -> list[ProtocolRequest]:
    action = manifest.value(test, MF.action)
    found = []
    for node in Collection(manifest, manifest.value(action, HT.requests)):
        headers = {}
        if manifest.value(node, HT.headers) is not None:
            for header in Collection(manifest, manifest.value(node, HT.headers)):
                headers[str(manifest.value(header, HT.fieldName)).lower()] = str(manifest.value(header, HT.fieldValue))
        body = manifest.value(node, HT.body)
        data = b"" if body is None else str(manifest.value(body, CNT.chars)).encode(
            str(manifest.value(body, CNT.characterEncoding) or "UTF-8"))
        response = manifest.value(node, HT.resp)
        statuses = {int(str(s).rsplit("StatusCode", 1)[1][0]) for s in manifest.objects(response, MF.expectedStatus)}
        fmt, boolean = manifest.value(response, MF.expectedFormat), manifest.value(response, MF.expectedBoolean)
        found.append(ProtocolRequest(str(manifest.value(node, HT.methodName)), str(manifest.value(node, HT.absolutePath)),
                                     headers, data, statuses, fmt and str(fmt), None if boolean is None else boolean.toPython()))
    return found


def load_manifest():
    manifest = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    root = next(manifest.subjects(MF.entries, None))
    tests = [(str(manifest.value(t, MF.name)), str(t).rsplit("#", 1)[1], _requests(manifest, t))
             for t in Collection(manifest, manifest.value(root, MF.entries))]
    data = {(URIRef(manifest.value(d, UT.graph)), str(manifest.value(d, RDFS.label)))
            for d in manifest.objects(None, UT.graphData)}
    return tests, data


TESTS, GRAPH_DATA = load_manifest()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """An endpoint over the graphs the manifest asks for (`data1.nt` as <…/data1.rdf>, …)."""
    quads = [q for file, name in sorted(GRAPH_DATA) for q in graph_quads(W3C / "protocol" / file.rsplit("/", 1)[1], name)]
    releases = tmp_path_factory.mktemp("w3c-protocol")
    make_release(releases, quads, "w3cprotocol")
    with serve_app(Settings.from_env(releases=releases, executors=2, site_executors=1)) as url:
        yield url


def send(base: str, request: ProtocolRequest) -> tuple[int, str, bytes]:
    """Send a request exactly as the manifest writes it (no Content-Type added where it has none)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    path = request.path.replace("/sparql/", "/sparql", 1)
    connection.request(request.method, path, body=request.body or None, headers=request.headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Content-Type", ""), body


def test_the_manifest_has_all_34_tests_of_which_14_are_updates():
    assert len(TESTS) == 34
    assert sum(1 for name, key, _ in TESTS if "update" in key) == 14


@pytest.mark.parametrize("name, key, requests", TESTS, ids=[key for _, key, _ in TESTS])
def test_protocol(endpoint, name, key, requests):
    if "update" in key:
        updates = [r for r in requests if r.is_update or key.startswith("bad_")]
        assert updates, "an update test without an update request"
        for request in updates:
            status, _, body = send(endpoint, request)
            assert 400 <= status < 500, f"{name}: update answered {status}: {body[:200]!r}"
        return
    for request in requests:
        status, content_type, body = send(endpoint, request)
        assert status // 100 in request.statuses, f"{name}: status {status}: {body[:300]!r}"
        media_type = content_type.split(";")[0].strip()
        if request.fmt:
            assert media_type in EXPECTED_TYPES[request.fmt], f"{name}: {content_type}"
        if request.boolean is not None:
            answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media_type))
            assert bool(answer) is request.boolean, name
