"""Short links to queries (server/web/short_links.py) over HTTP, on a small release: stored once per query,
redirecting to the permalink that runs it, bounded in size and number."""
from __future__ import annotations

import http.client
import re
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest

from server.config import Settings
from tests.conftest import serve_app
from tests.sparql_support import fetch, make_release, sample_quads

QUERY = "SELECT ?s WHERE { ?s a mpsc:ModelProject }"  # with a predefined prefix, as the editor allows
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    (root / "queries").mkdir()
    make_release(root / "releases", sample_quads("sample1"), "sample1")
    return Settings.from_env(root=root, releases=root / "releases", executors=1, site_executors=1,
                             max_query_bytes=2000)


@pytest.fixture(scope="module")
def server(settings):
    with serve_app(settings) as url:
        yield url


def shorten(server: str, query: str, agent: str = "tester/1", forwarded_for: str | None = None, **fields):
    headers = {**FORM, "User-Agent": agent, **({"X-Forwarded-For": forwarded_for} if forwarded_for else {})}
    return fetch(server + "sparql/links", method="POST", headers=headers, data=urlencode({"query": query, **fields}).encode())


def location_of(url: str) -> tuple[int, str]:
    """The status and Location of a GET, without following the redirect."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    answer = connection.getresponse()
    answer.read()
    connection.close()
    return answer.status, answer.headers.get("Location", "")


def test_a_short_link_redirects_to_the_permalink_that_runs_the_query(server):
    answer = shorten(server, QUERY)
    assert answer.status == 201 and answer.media_type == "application/json"
    short = answer.json()["short"]
    assert answer.headers["Location"] == short and short.startswith(server + "q/") and len(short) < len(server) + 13
    status, target = location_of(short)
    assert status == 303 and target == answer.json()["permalink"]
    assert parse_qs(urlsplit(target).query)["query"] == [QUERY]
    assert fetch(target, headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    status, target = location_of(short + "?output=csv")  # a format asked of the short link goes along
    assert status == 303 and parse_qs(urlsplit(target).query) == {"query": [QUERY], "format": ["csv"]}
    # and so does what the results page reads (an attacker's review: page, view, lang and embed were dropped)
    status, target = location_of(short + "?page=2&view=table&lang=en&embed=1&other=x")
    assert status == 303 and parse_qs(urlsplit(target).query) == {
        "query": [QUERY], "view": ["table"], "page": ["2"], "embed": ["1"], "lang": ["en"]}


def test_a_long_querys_short_link_answers_the_query_itself(settings):
    """A permalink longer than proxies pass on (nginx: an 8 KB request line) would end in 414 there, so the short
    link of such a query answers it in place, in the negotiated format, as /sparql would."""
    long_query = QUERY + "\n# " + "ä" * 3000  # 18,000 bytes once percent-encoded
    with serve_app(settings.with_(max_query_bytes=20_000)) as url:
        created = shorten(url, long_query)
        assert created.status == 201 and len(created.json()["permalink"]) > 8000
        status, location = location_of(created.json()["short"])
        assert status == 200 and location == ""
        answer = fetch(created.json()["short"], headers={"Accept": "application/sparql-results+json"})
        assert answer.status == 200 and answer.json()["results"]["bindings"]
        assert "accept" in answer.headers["Vary"].lower()
        direct = fetch(url + "sparql", method="POST", data=urlencode({"query": long_query}).encode(),
                       headers={**FORM, "Accept": "application/sparql-results+json"})
        assert answer.json() == direct.json()
        page = fetch(created.json()["short"], headers={"Accept": "text/html"})
        assert page.status == 200 and page.media_type == "text/html"
        html = page.body.decode()
        assert '<form class="sparql-form" method="post"' in html  # a GET would carry the query in the URL
        links = re.findall(r'href="([^"]+)"', html)
        assert links and all(len(link) < 8000 for link in links)  # downloads go through the short link
        csv = next(link for link in links if "format=csv" in link).replace("&amp;", "&")
        assert csv.startswith(created.json()["short"] + "?") and fetch(csv).media_type == "text/csv"


def test_the_same_query_gets_the_same_link_and_another_query_another(server):
    first = shorten(server, QUERY).json()["short"]
    assert shorten(server, QUERY).json()["short"] == first
    assert shorten(server, QUERY + " LIMIT 1").json()["short"] != first


def test_unknown_links_and_bad_requests_are_refused(server):
    assert location_of(server + "q/aaaaaaaaaa")[0] == 404
    assert shorten(server, "").status == 400
    assert shorten(server, "x" * 2001).status == 413
    assert fetch(server + "sparql/links", method="POST", headers={"Content-Type": "text/plain"},
                 data=QUERY.encode()).status == 415
    assert fetch(server + "sparql/links").status == 405
    bom = shorten(server, "\ufeffASK {}")  # /sparql reads it without the mark, and so does its short link
    assert bom.status == 201 and bom.json()["short"] == shorten(server, "ASK {}").json()["short"]
    # only a text the endpoint would run is kept (an attacker's review: updates and any text were stored)
    for refused in ("INSERT DATA { <a:b> <a:c> <a:d> }", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
                    "SELECT ?x WHERE { ?x ?p 'open }"):
        answer = shorten(server, refused)
        assert answer.status == 400 and "detail" in answer.json(), refused


def test_a_full_table_refuses_new_links_but_serves_the_old(settings, tmp_path):
    small = settings.with_(short_links=tmp_path / "links.sqlite3", max_short_links=1)
    with serve_app(small) as url:
        kept = shorten(url, QUERY)
        assert kept.status == 201
        assert shorten(url, QUERY).status == 201  # storing it again needs no room
        refused = shorten(url, QUERY + " LIMIT 1")
        assert refused.status == 507 and "permalink" in refused.json()["detail"]
        assert location_of(kept.json()["short"])[0] == 303


def test_a_full_file_refuses_new_links_but_serves_the_old(settings, tmp_path):
    """An attacker's review: the count alone let 100,000 links of 100 KB each fill ~10 GB."""
    small = settings.with_(short_links=tmp_path / "links.sqlite3", short_links_bytes=32 * 1024)
    with serve_app(small) as url:
        kept = shorten(url, QUERY)
        assert kept.status == 201
        answers = [shorten(url, f"{QUERY} # {n} {'x' * (settings.max_query_bytes - 100)}") for n in range(30)]
        statuses = [a.status for a in answers]
        assert 201 in statuses and statuses[-1] == 507 and "permalink" in answers[-1].json()["detail"], statuses
        assert shorten(url, QUERY).status == 201 and location_of(kept.json()["short"])[0] == 303
    assert (tmp_path / "links.sqlite3").stat().st_size <= 32 * 1024


def test_a_client_over_its_short_links_gets_429_and_others_go_on(settings, tmp_path):
    """The budget is per address: another User-Agent from the same one would store a hundred more each (links
    are kept on disk, up to a query's size each)."""
    budget = settings.with_(short_links=tmp_path / "links.sqlite3", client_short_links=2, trusted_proxies=("127.0.0.1",))
    with serve_app(budget) as url:
        assert [shorten(url, f"{QUERY} LIMIT {n}").status for n in (1, 2)] == [201, 201]
        assert shorten(url, f"{QUERY} LIMIT 1").status == 201  # a link it stored already costs nothing
        refused = shorten(url, f"{QUERY} LIMIT 3")
        assert refused.status == 429 and refused.json()["limit"] == "client_short_links"
        assert 3500 <= int(refused.headers["Retry-After"]) <= 3600
        assert shorten(url, f"{QUERY} LIMIT 3", agent="other/1").status == 429  # the same address
        assert shorten(url, f"{QUERY} LIMIT 3", forwarded_for="203.0.113.9").status == 201  # another client


def test_a_form_in_another_charset_is_refused_as_on_sparql(server):
    """Found by an attacker's review: a Latin-1 form was stored as another query (its "ö" undecodable)."""
    latin1 = "query=" + quote("SELECT * { ?s ?p 'Köln' }", encoding="latin-1")
    for path in ("sparql/links", "sparql", "reconcile"):
        answer = fetch(server + path, method="POST", data=latin1.encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded; charset=iso-8859-1"})
        assert answer.status == 415 and "UTF-8" in answer.json()["detail"], path


def test_following_a_link_writes_nothing(settings, tmp_path):
    """Found by an attack: a GET of /q/anything made the database file (a safe request wrote to disk)."""
    database = tmp_path / "links.sqlite3"
    with serve_app(settings.with_(short_links=database)) as url:
        assert location_of(url + "q/aaaaaaaaaa")[0] == 404
        assert not database.exists()
        database.touch()  # a file without the table yet
        assert location_of(url + "q/aaaaaaaaaa")[0] == 404
        assert shorten(url, QUERY).status == 201 and location_of(url + "q/aaaaaaaaaa")[0] == 404
