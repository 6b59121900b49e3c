"""/openapi.json: valid OpenAPI 3.1 that describes every route of the app, and that a live server keeps to under a
bounded, reproducible fuzz run (schemathesis: no 5xx, documented statuses, media types, headers and bodies).

The fuzz run is one test with a subtest per operation. Its description is built from an app over no store, which
gives the same document as the server's but for the server URL (checked by
`test_the_fuzzed_description_is_the_served_one`); requests go to the live server.
"""
from __future__ import annotations

import re
import shutil

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis.core.failures import FailureGroup

from server import create_app
from server.build import build
from server.config import Settings
from server.formats import FORMATS, PROBLEM
from server.web.openapi import document, openapi_path
from tests.conftest import ROOT, NoStore, make_small_root, serve_app
from tests.sparql_support import ENDLESS, fetch, mpsc_serve

APP = create_app(Settings.from_env(), store=NoStore())
LOCAL = "http://127.0.0.1/"  # the server URL of the collected description; the fuzz run overrides it
IMPLICIT = {"HEAD", "OPTIONS"}  # answered for every path (Flask adds them); the description says so once
QUERY_TIMEOUT = 1  # seconds: a query the fuzzer makes expensive ends quickly, with a documented 503

CONFIG = schemathesis.Config.from_dict({
    "seed": 20261202,
    "checks": {
        # Replaced by `no_server_error` below, which allows a documented 503 with Retry-After (the time limit).
        "not_a_server_error": {"enabled": False},
        # A request valid by the schema may still name nothing (404), ask for a format the path does not offer
        # (406: `accept_headers` draws Accept from every format), a byte range beyond the file (416), or find
        # the client's budget spent (429): all correct answers to well-formed requests.
        "positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", "404", "406", "416", "429"]},
    },
    # Wrong by design for /sparql: a query is any string to the schema, but only SPARQL is answered (else 400);
    # no schema can state the grammar. Likewise /sparql/links, which stores only what /sparql would run.
    "operations": [{"include-path": "/sparql", "checks": {"positive_data_acceptance": {"enabled": False}}},
                   {"include-path": "/sparql/links", "checks": {"positive_data_acceptance": {"enabled": False}}},
                   # Schemathesis sends the JSON of `queries` and `extend` as flattened form fields
                   # (`queries[q0][query]=…`, not the `contentType: application/json` the encoding names), which
                   # are no `queries` to the server: a body with neither is refused (400), so what the tool takes
                   # for valid data is refused, and its invalid data is not what the server reads either. Batches
                   # sent by POST, valid and malformed, are checked in tests/test_reconcile.py.
                   {"include-name": "POST /reconcile",
                    "checks": {"positive_data_acceptance": {"enabled": False},
                               "negative_data_rejection": {"enabled": False}}}],
})
schema = schemathesis.openapi.from_dict(document(APP, LOCAL), config=CONFIG)
schemathesis.serializer.alias("application/sparql-query", "text/plain")  # the query itself as the body, UTF-8

MEDIA_TYPES = [f.media_type for f in (*FORMATS, PROBLEM)] + ["*/*", "text/*", "application/*"]
QUALITIES = ["", ";q=0", ";q=0.5", ";q=1"]
ACCEPT = st.one_of(
    st.none(),
    st.sampled_from(MEDIA_TYPES),
    st.lists(st.tuples(st.sampled_from(MEDIA_TYPES), st.sampled_from(QUALITIES)), min_size=1, max_size=4)
    .map(lambda ranges: ", ".join(media + q for media, q in ranges)),
    st.from_regex(r"\A(?:[!-~][ -~]{0,39})?\Z"),  # anything printable (no leading space, which HTTP strips)
)


@schema.hook
def flatmap_headers(context, headers):
    """Vary Accept too: OpenAPI cannot declare it as a parameter, but most paths negotiate their format by it."""
    return ACCEPT.map(lambda accept: headers if accept is None else {**(headers or {}), "Accept": accept})


# What a 503 of a bounded endpoint says: a query stopped at a time limit or at the memory cap, a full queue.
# Anything else (an engine that stopped unexpectedly, a store away) is a crash the fuzzer found.
BOUNDED = ("time limit", "more memory than this endpoint allows", "the endpoint is busy")
FINAL = ("the time limit of this endpoint.", "more memory than this endpoint allows")  # sent again, stopped again


@schemathesis.check
def no_server_error(ctx, response, case):
    """No 5xx, but for a 503 the operation documents, that names a limit and says when to retry, unless the query
    would only be stopped again."""
    status = response.status_code
    if status >= 500:
        text = response.text.lower()
        documented = str(status) in case.operation.definition.raw["responses"]
        retry_after = "retry-after" in {name.lower() for name in response.headers}
        limit = any(words in text for words in BOUNDED)
        final = any(words in text for words in FINAL)
        assert status == 503 and documented and (retry_after or final) and limit, \
            f"server error {status}: {response.text[:200]}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`mpsc serve` (granian) over a real build of a tiny data set, with a short query time limit."""
    folder = tmp_path_factory.mktemp("openapi")
    root = make_small_root(folder)
    shutil.copytree(ROOT / "queries", root / "queries")  # the query form's examples (`example=`)
    build(root, folder / "releases")
    env = {"MPSC_ROOT": str(root), "MPSC_RELEASES": str(folder / "releases"), "MPSC_SITE_EXECUTORS": "1"}
    with mpsc_serve("--timeout", str(QUERY_TIMEOUT), "--executors", "1", env=env, log=folder / "server.log") as url:
        yield url


def described(app) -> set[str]:
    """'METHOD /path' for every operation the app's description has."""
    return {f"{method.upper()} {path}" for path, item in document(app, LOCAL)["paths"].items() for method in item}


def routed(app) -> set[str]:
    """'METHOD /path' for every route of the app, as OpenAPI paths."""
    return {f"{method} {openapi_path(rule.rule)}" for rule in app.url_map.iter_rules()
            for method in rule.methods - IMPLICIT}


def test_every_route_is_described_and_nothing_else():
    assert described(APP) == routed(APP)


def test_a_new_route_without_a_description_is_noticed(tmp_path):
    app = create_app(Settings.from_env(releases=tmp_path), store=NoStore())
    app.add_url_rule("/new/<int:number>", "new", lambda number: "", methods=["GET", "POST"])
    assert routed(app) - described(app) == {"GET /new/{number}", "POST /new/{number}"}


def test_the_served_description_is_valid_openapi_3_1_and_cacheable(server):
    answer = fetch(server + "openapi.json")
    validate(answer.json())  # raises with the first violation
    assert answer.status == 200 and answer.media_type == "application/json"
    assert answer.json()["openapi"].startswith("3.1.") and "public" in answer.headers["Cache-Control"]
    assert fetch(server + "openapi.json", headers={"If-None-Match": answer.headers["ETag"]}).status == 304


def test_the_fuzzed_description_is_the_served_one(server):
    served = fetch(server + "openapi.json").json()
    assert served["servers"] == [{"url": server.rstrip("/"), "description": "this deployment"}]
    assert {**served, "servers": None} == {**document(APP, LOCAL), "servers": None}


def test_the_described_reconciliation_batch_is_the_configured_one(tmp_path):
    """A code review: the description said "at most 100" whatever MPSC_RECONCILE_BATCH was."""
    app = create_app(Settings.from_env(releases=tmp_path).with_(reconcile_batch=7), store=NoStore())
    batch = document(app, LOCAL)["paths"]["/reconcile"]["get"]["parameters"][0]
    assert batch["content"]["application/json"]["schema"]["maxProperties"] == 7 and "at most 7" in batch["description"]


def test_path_parameters_carry_the_patterns_the_routes_match():
    parameters = document(APP, LOCAL)["paths"]["/dumps/{version}/{name}"]["get"]["parameters"]
    patterns = {p["name"]: p["schema"]["pattern"] for p in parameters if p.get("in") == "path"}
    assert patterns == {"version": "^(?:[^/]+)$", "name": "^(?:[^/]+)$"}
    assert re.fullmatch(patterns["name"], "mpsc.ttl") and not re.fullmatch(patterns["name"], "a/b")


@pytest.mark.parametrize("params, members", [
    ({"query": "SELECT * WHERE {\n  ?s ?p"}, {"line": 2, "column": 8}),
    ({"query": "ASK {}", "format": "turtle"}, {"offered": ["application/sparql-results+json",
                                                           "application/sparql-results+xml", "text/csv",
                                                           "text/tab-separated-values", "text/html"]}),
])
def test_problem_details_fit_the_documented_schema(server, params, members):
    answer = fetch(server + "sparql", **params)
    problem = answer.json()
    jsonschema.validate(problem, document(APP, LOCAL)["components"]["schemas"]["Problem"])
    assert answer.media_type == PROBLEM.media_type and members.items() <= problem.items()


def test_the_time_limit_is_a_documented_503(server):
    case = schema["/sparql"]["GET"].Case(query={"query": ENDLESS})
    response = case.call_and_validate(base_url=server.rstrip("/"))  # every check, `no_server_error` included
    assert response.status_code == 503 and response.json()["status"] == 503
    assert "Retry-After" not in response.headers  # it ran out its time: sent again, it would be stopped again


def test_a_request_target_longer_than_the_http_server_reads_is_a_documented_414(server):
    """Found by the fuzzer: a batch of reconciliation queries 70 KB long in the URL got granian's 414, which the
    description did not list."""
    for method in ("GET", "POST"):  # a POST with the batch in its URL too (the fuzzer again)
        case = schema["/reconcile"][method].Case(query={"queries": '{"q": {"query": "%s"}}' % ("x" * 70_000)})
        response = case.call_and_validate(base_url=server.rstrip("/"))
        assert response.status_code == 414, method


def test_the_fuzz_checks_report_a_server_error(tmp_path):
    """The harness itself: over no store every page fails (500), and the checks say so."""
    with serve_app(Settings.from_env(releases=tmp_path), store=NoStore()) as url:
        with pytest.raises(FailureGroup, match="server error 500"):
            schema["/"]["GET"].Case().call_and_validate(base_url=url.rstrip("/"))


@pytest.fixture
def fuzzed_schema(request):
    """The description the fuzz run draws its cases from, handed to schemathesis when the test runs
    (`from_fixture`). Collected as one test per operation, the operations all got the same node id under
    pytest 9 (schemathesis 4.32 renames them through `_nodeid`, a name pytest 9 no longer reads), so
    pytest-xdist ran one of them; and their ~1,300 coverage-phase cases cost every worker ~2.5 s of CPU at
    collection. Here each operation is a subtest, reported with its label; `_nodeid` is set because
    schemathesis reads it."""
    request.node._nodeid = request.node.nodeid
    return schema


# Bounded (~16 s for 44 operations: `pytest tests/test_openapi.py --durations=1`, 2026-12-04) and reproducible:
# the seed and derandomize fix every input. The slow-data health check would fail runs on a busy machine for
# reasons that have nothing to do with the API. Each operation is a subtest of this one test.
@schemathesis.pytest.from_fixture("fuzzed_schema").parametrize()
@settings(max_examples=20, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fuzzing_finds_the_server_true_to_its_description(case, server):
    case.call_and_validate(base_url=server.rstrip("/"))
