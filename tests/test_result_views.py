"""Which views a results page offers and opens with (server/web/result_views.py), the embeddable view alone,
and the headers that let only it be framed, over HTTP on a small release. The drawing itself is tested in
the browser (tests/test_workbench.py)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit
from html import unescape

import pytest

from server.config import Settings
from tests.conftest import serve_app
from tests.sparql_support import fetch, make_release, sample_quads

POINTS = """SELECT ?place ?name ?where ?people WHERE { VALUES (?place ?name ?where ?people) {
  (<https://w3id.org/mpsc/id/municipality/08421000> "Ulm" "POINT(9.99 48.4)"^^geo:wktLiteral 128000)
  (<https://w3id.org/mpsc/id/municipality/09461000> "Bamberg" "POINT(10.89 49.89)"^^geo:wktLiteral 77000) } }"""
SERIES = """#defaultView:BarChart
SELECT ?year ?kind ?n WHERE { VALUES (?year ?kind ?n) { ("2019" "a" 1) ("2019" "b" 2) ("2020" "a" 3) } }"""
WORDS = 'SELECT ?word WHERE { VALUES ?word { "eins" "zwei" } }'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    (root / "queries").mkdir()
    make_release(root / "releases", sample_quads("sample1"), "sample1")
    settings = Settings.from_env(root=root, releases=root / "releases", executors=1, site_executors=1,
                                 map_tiles="https://{s}.tile.example.org/{z}/{x}/{y}.png",
                                 map_attribution="© Example contributors")
    with serve_app(settings) as url:
        yield url


def results(server: str, query: str, **params):
    answer = fetch(server + "sparql", query=query, format="html", lang="en", **params)
    assert answer.status == 200
    return answer, answer.body.decode()


def offered(page: str) -> tuple[list[str], str | None]:
    views = re.findall(r'data-view="(\w+)"', page)
    current = re.search(r'data-view="(\w+)" aria-current="page"', page)
    return views, current.group(1) if current else None


def test_views_are_offered_only_where_the_columns_fit(server):
    assert offered(results(server, WORDS)[1]) == ([], None)  # words only: the table alone, no switch
    views, chosen = offered(results(server, POINTS)[1])
    assert views == ["table", "map", "bar", "line"] and chosen == "table"
    page = results(server, POINTS)[1]
    assert re.search(r'id="result-map"[^>]*data-point="2" data-label="1"', page)  # the point, the name
    assert 'data-tiles="https://{s}.tile.example.org/{z}/{x}/{y}.png"' in page
    assert 'data-attribution="© Example contributors"' in page


def test_only_points_in_crs84_are_drawn_on_the_map(server):
    """A GIS review: a point in EPSG:4326 (latitude first) was drawn with its numbers swapped."""
    named = POINTS.replace('"POINT(9.99', '"<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT(9.99')
    assert offered(results(server, named)[1])[0][:2] == ["table", "map"]
    epsg = POINTS.replace('"POINT(9.99 48.4)', '"<http://www.opengis.net/def/crs/EPSG/0/4326> POINT(48.4 9.99)')
    assert "map" not in offered(results(server, epsg)[1])[0]


def test_a_query_comment_or_the_view_parameter_picks_the_view(server):
    assert offered(results(server, SERIES)[1]) == (["table", "bar", "line"], "bar")  # #defaultView:BarChart
    assert offered(results(server, SERIES, view="line")[1])[1] == "line"  # the reader's choice wins
    assert offered(results(server, SERIES, view="map")[1])[1] == "bar"  # a view that does not fit is not opened
    page = results(server, SERIES)[1]
    # x the year, y the number, one series per kind (the years repeat)
    assert re.search(r'id="result-chart"[^>]*data-x="0" data-y="2" data-series="1"', page)


def test_the_table_names_resources_and_numbers_plainly(server):
    page = results(server, POINTS)[1]
    assert re.search(r'<a class="v" href="[^"]*08421000[^"]*" title="https://w3id.org/mpsc/id/municipality/08421000">', page)
    assert '<td class="num">128000</td>' in page  # no "xsd:integer" after the number
    assert "POINT(9.99 48.4)</td>" in page and "wktLiteral" not in page.split("<table", 1)[1]


def test_the_embedded_view_is_the_view_alone_and_may_be_framed(server):
    answer, page = results(server, POINTS, view="map", embed="1")
    assert "<form" not in page and 'id="result-map"' in page and 'id="embed-code"' not in page
    assert "frame-ancestors *" in answer.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in answer.headers
    links = [unescape(href) for href in re.findall(r'<a href="([^"]*)" data-view=', page)]
    assert links and all(parse_qs(urlsplit(link).query)["embed"] == ["1"] for link in links)  # switching stays embedded
    full = re.search(r'<p class="embed-source"><a href="([^"]*)"', page).group(1)
    assert "embed" not in parse_qs(urlsplit(unescape(full)).query)  # "open in the query service" leaves the frame
    # so do the results' links, whose pages may not be framed (a web developer's review: the frame broke)
    cells = re.findall(r'<a class="v" [^>]*>', page)
    assert cells and all('target="_blank" rel="noopener"' in a for a in cells)
    assert 'target="_blank"' not in results(server, POINTS, view="map")[1].split("<table", 1)[1]  # not on the site


@pytest.mark.parametrize("params", [{"query": "SELECT"}, {"query": POINTS, "page": "0"}])
def test_a_refusal_may_not_be_framed_even_with_embed(server, params):
    """Found by an attacker's review: ?embed=1 let any site frame the query form of a refused query."""
    answer = fetch(server + "sparql", format="html", embed="1", headers={"Accept": "text/html"}, **params)
    assert answer.status == 400 and "<form" in answer.body.decode()
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_the_full_page_may_not_be_framed_and_offers_the_embed_code(server):
    answer, page = results(server, POINTS, view="map")
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and answer.headers["X-Frame-Options"] == "DENY"
    images = next(d for d in policy.split(";") if d.strip().startswith("img-src")).split()
    assert {"'self'", "data:", "https://*.tile.example.org"} <= set(images)  # the configured tiles may load
    code = unescape(re.search(r'<textarea id="embed-code"[^>]*>([^<]*)</textarea>', page).group(1))
    src = re.search(r'<iframe src="([^"]*)"', code).group(1)
    assert parse_qs(urlsplit(src).query)["embed"] == ["1"] and parse_qs(urlsplit(src).query)["view"] == ["map"]


def test_a_results_page_is_titled_by_its_querys_title_comment(server):
    """An accessibility review (WCAG 2.4.2): every results page was titled "SPARQL results" alone; a query with a
    `# title:` comment, as the examples have, names its page, in the reader's language where it gives it."""
    titled = "# title: Two words\n# title@de: Zwei Wörter\n" + WORDS
    assert "<title>SPARQL results: Two words – " in results(server, titled)[1]
    german = fetch(server + "sparql", query=titled, format="html", lang="de").body.decode()
    assert "<title>SPARQL-Ergebnis: Zwei Wörter – " in german
    assert "<title>SPARQL results – " in results(server, WORDS)[1]
