"""The W3C result-format tests (SPARQL 1.1 JSON, CSV and TSV results), through a live endpoint.

Each test's data sits in a graph of its own, selected with `default-graph-uri`. JSON and TSV results are
compared term by term, CSV results field by field; blank-node labels are compared up to renaming. The tests use
`SELECT *`, whose column order SPARQL leaves to the engine: the expected files list the variables as they first
appear, and so does the endpoint (Oxigraph sorts them by name; `Inspection.star`), which is checked too.
"""
from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from server.config import Settings
from tests.conftest import serve_app
from tests.sparql_support import W3C, make_release, w3c_quads

JSON_TESTS = [("jsonres01", "urn:w3c:json-res"), ("jsonres02", "urn:w3c:json-res"),
              ("jsonres03", "urn:w3c:json-res"), ("jsonres04", "urn:w3c:json-res")]
# Oxigraph stores literals in canonical form: "1.0E6"^^xsd:double comes back as "1000000", and
# "-3"^^xsd:negativeInteger as an xsd:integer. The store changed the data, not the result writer, and our
# data has no such literals; strict, so a fixed Oxigraph shows up as a failure to remove the mark.
CANONICAL_FORMS = pytest.mark.xfail(strict=True, reason="Oxigraph canonicalises xsd:double and derived integer types")
# (manifest test, query, data graph, expected file)
CSV_TSV_TESTS = [("csv01", "csvtsv01", "urn:w3c:csv-tsv-res", "csvtsv01.csv"),
                 ("tsv01", "csvtsv01", "urn:w3c:csv-tsv-res", "csvtsv01.tsv"),
                 ("csv02", "csvtsv02", "urn:w3c:csv-tsv-res", "csvtsv02.csv"),
                 ("tsv02", "csvtsv02", "urn:w3c:csv-tsv-res", "csvtsv02.tsv"),
                 pytest.param("csv03", "csvtsv01", "urn:w3c:csv-tsv-res-2", "csvtsv03.csv", marks=CANONICAL_FORMS),
                 pytest.param("tsv03", "csvtsv01", "urn:w3c:csv-tsv-res-2", "csvtsv03.tsv", marks=CANONICAL_FORMS)]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    releases = tmp_path_factory.mktemp("w3c-results")
    make_release(releases, w3c_quads(), "w3cresults")
    with serve_app(Settings.from_env(releases=releases, executors=2, site_executors=1)) as url:
        yield url + "sparql"


def run(endpoint: str, query: str, graph: str, accept: str) -> bytes:
    params = urllib.parse.urlencode({"query": query, "default-graph-uri": graph})
    request = urllib.request.Request(f"{endpoint}?{params}", headers={"Accept": accept})
    with urllib.request.urlopen(request) as response:
        assert response.headers.get_content_type() == accept
        return response.read()


def without_blank_labels(text: str) -> str:
    """Blank-node labels replaced by their order of appearance (_:b0, _:b1, …)."""
    labels: dict[str, str] = {}
    return re.sub(r"_:\w+", lambda m: labels.setdefault(m.group(), f"_:b{len(labels)}"), text)


def solutions(data: bytes, fmt: ox.QueryResultsFormat) -> list:
    """The rows as dicts variable -> term (N-Triples syntax), in result order; [bool] for ASK."""
    results = ox.parse_query_results(data, format=fmt)
    if isinstance(results, ox.QueryBoolean):
        return [bool(results)]
    rows = [{v.value: str(s[v]) if s[v] is not None else None for v in results.variables} for s in results]
    return json.loads(without_blank_labels(json.dumps(rows, sort_keys=True)))


def csv_rows(data: bytes) -> list[dict]:
    """CSV rows as dicts header -> field, blank-node labels normalised."""
    return list(csv.DictReader(io.StringIO(without_blank_labels(data.decode("utf-8")))))


@pytest.mark.parametrize("name, graph", JSON_TESTS)
def test_json_results(endpoint, name, graph):
    folder = W3C / "json-res"
    body = run(endpoint, (folder / f"{name}.rq").read_text(), graph, "application/sparql-results+json")
    expected = (folder / f"{name}.srj").read_bytes()
    assert solutions(body, ox.QueryResultsFormat.JSON) == solutions(expected, ox.QueryResultsFormat.JSON)
    assert json.loads(body)["head"].get("vars") == json.loads(expected)["head"].get("vars")  # the columns' order


@pytest.mark.parametrize("name, query, graph, result", CSV_TSV_TESTS)
def test_csv_and_tsv_results(endpoint, name, query, graph, result):
    folder = W3C / "csv-tsv-res"
    expected = (folder / result).read_bytes()
    body = run(endpoint, (folder / f"{query}.rq").read_text(), graph,
               "text/csv" if result.endswith(".csv") else "text/tab-separated-values")
    assert body.splitlines()[0] == expected.splitlines()[0]  # the header: the columns' order
    if result.endswith(".csv"):
        assert csv_rows(body) == csv_rows(expected)
    else:
        assert solutions(body, ox.QueryResultsFormat.TSV) == solutions(expected, ox.QueryResultsFormat.TSV)
