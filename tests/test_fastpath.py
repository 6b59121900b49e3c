"""The document fast path (server/web/fastpath.py): a document answered from memory is the answer the app
renders — same status, headers and bytes, gzip, HEAD, 304 — and the cache keeps to its bound and to one release.

The session's server (cache on) is compared with a server over the same release whose cache is off, both
naming the same base URL, so every answer must be identical but for its Date.
"""
from __future__ import annotations

import gzip
import http.client
from urllib.parse import urlsplit

import pytest

from server.formats import TURTLE
from server.web.fastpath import Choices, DocumentCache, Entry
from tests.conftest import serve_app

pytestmark = pytest.mark.serial
PATHS = ["doc/project/bamberg", "doc/project/bamberg.ttl", "doc/municipality/09461000", "doc/round/2020.jsonld",
         "doc/project/bamberg?lang=en", "id/project/bamberg", "id/project/bamberg?lang=de", "doc/no/such-thing",
         "doc/project/bamberg?lang=fr", "doc/topic/mobility.nt"]
HEADERS = [{"Accept": "text/html", "Accept-Language": "en-US,en;q=0.9"}, {"Accept": "text/turtle"},
           {"Accept": "application/ld+json", "Accept-Encoding": "gzip"},
           {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Encoding": "gzip, deflate"},
           {"Accept": 'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"'},
           {"Accept": "image/png"}, {}]


@pytest.fixture(scope="module")
def uncached(settings, base_url, real_store):
    """The app over the same release and store with the document cache off, under the session server's base URL."""
    with serve_app(settings.with_(document_cache_bytes=0), store=real_store, base_url=base_url) as url:
        yield url


def request(base: str, path: str, headers: dict, method: str = "GET"):
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    connection.request(method, "/" + path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    headers = sorted((k.lower(), v) for k, v in response.getheaders() if k.lower() not in ("date", "server"))
    return response.status, headers, body


def test_cached_answers_are_the_apps_answers(base_url, uncached):
    for path in PATHS:
        for headers in HEADERS:
            expected = request(uncached, path, headers)
            for attempt in range(3):  # the first fills the cache, the next are answered from it
                assert request(base_url, path, headers) == expected, (path, headers, attempt)


def test_head_and_conditional_requests(base_url, uncached):
    headers = {"Accept": "text/turtle", "Accept-Encoding": "gzip"}
    status, answer, body = request(base_url, "doc/project/bamberg", headers)
    assert status == 200 and dict(answer)["content-encoding"] == "gzip" and gzip.decompress(body).startswith(b"@prefix")
    assert request(base_url, "doc/project/bamberg", headers, "HEAD") == (200, answer, b"")
    tag = dict(answer)["etag"]
    for condition in (tag, f'"other", {tag}', "*"):
        conditional = {**headers, "If-None-Match": condition}
        expected = request(uncached, "doc/project/bamberg", conditional)
        assert expected[0] == 304
        for attempt in range(2):  # the app's first 304 is remembered, then answered from memory
            assert request(base_url, "doc/project/bamberg", conditional) == expected, (condition, attempt)


def test_a_document_is_rendered_once_and_errors_never_kept(settings, real_store):
    from server import create_app

    app = create_app(settings, store=real_store)
    client, documents = app.test_client(), app.extensions["mpsc.documents"]
    first = client.get("/doc/project/bamberg.ttl")
    assert len(documents._recent._entries) == 1
    assert client.get("/doc/project/bamberg.ttl").get_data() == first.get_data()
    assert client.get("/doc/project/bamberg", headers={"Accept": "text/turtle"}).status_code == 200
    client.get("/doc/project/no-such-project")
    client.get("/doc/project/bamberg?format=ttl")  # other query parameters are not kept
    client.get("/doc/project/bamberg", headers={"Accept": "image/png"})  # 406
    assert len(documents._recent._entries) == 2


def entry(size: int) -> Entry:
    return Entry("200 OK", [], b"x" * size, None, None, "tag")


def test_the_cache_keeps_to_its_bound_and_to_one_release():
    cache = DocumentCache(capacity=16_000)  # entries of 900 bytes count 1,412: eleven fit
    for n in range(15):
        cache._store(("v1", f"/doc/{n}", "", "turtle", None), entry(900))
    assert cache._recent._weight <= 16_000 and len(cache._recent._entries) == 11
    assert cache.get(("v1", "/doc/14", "", "turtle", None)) is not None  # the most recent stay
    assert cache.get(("v1", "/doc/0", "", "turtle", None)) is None  # the least recently used went first
    cache._store(("v2", "/doc/0", "", "turtle", None), entry(900))
    assert list(cache._recent._entries) == [("v2", "/doc/0", "", "turtle", None)]  # a new release empties it
    cache._store(("v2", "/doc/big", "", "turtle", None), entry(1_100))  # larger than a tenth: not kept
    assert len(cache._recent._entries) == 1


def test_remembered_header_decisions_are_conneg_and_i18n_decisions_and_stay_bounded():
    choices = Choices()
    assert choices.of(None, "", "text/html", "en-US,en;q=0.9") == ("html", "en", False)
    assert choices.of(None, "lang=de", "text/html", "en") == ("html", "de", False)
    assert choices.of(TURTLE, "", "text/html", None) == ("turtle", None, False)  # the suffix decides
    assert choices.of(None, "", "image/png", None) is None  # 406: Flask answers it, every time
    assert choices.of(None, "", "image/png", None) is None
    assert choices.gzip("gzip, deflate") and not choices.gzip("gzip;q=0, br") and not choices.gzip(None)
    for n in range(3 * Choices.SIZE):  # a client sending a new header every time
        assert choices.of(None, "", f"text/turtle;x={n}", None) == ("turtle", None, False)
        choices.gzip(f"gzip;x={n}")
    assert len(choices._documents) <= Choices.SIZE and len(choices._encodings) <= Choices.SIZE
    choices = Choices()
    long = "text/turtle;" + "x" * Choices.LONGEST  # decided, not kept: the memo holds no megabytes of headers
    assert choices.of(None, "", long, None) == ("turtle", None, False) and not choices._documents
