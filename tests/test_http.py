"""The app-wide HTTP behaviour (server/web/hooks.py, responses.py) on a bare Flask app served on 127.0.0.1.

They are meant for every page, document and dump, so they are tested apart from the SPARQL endpoint.
"""
from __future__ import annotations

import gzip
import os
import re
import threading
from pathlib import Path

import pytest
from flask import Flask, Response, request, send_file
from werkzeug.serving import make_server

from server.config import Settings
from server.errors import BadSetting, HttpError
from server.web import hooks, responses
from server.web.access_log import LINE_BYTES, AccessLog
from server.web.cache import ResponseCache
from tests.conftest import free_port
from tests.sparql_support import fetch

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TEXT = "Modellprojekte Smart Cities " * 100  # 2,800 bytes: worth compressing


def make_app(tmp_path: Path) -> Flask:
    app = Flask(__name__, template_folder=str(Path(hooks.__file__).parent.parent / "templates"))
    hooks.init_app(app, access_log=AccessLog(os.open(tmp_path / "access.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)))
    archive = tmp_path / "dump.nt.gz"
    archive.write_bytes(gzip.compress(TEXT.encode()))

    app.add_url_rule("/text", "text", lambda: Response(TEXT, content_type="text/plain; charset=utf-8"))
    app.add_url_rule("/small", "small", lambda: Response("small", content_type="text/plain"))
    app.add_url_rule("/image", "image", lambda: Response(b"\x89PNG" + bytes(4000), content_type="image/png"))
    app.add_url_rule("/dump", "dump", lambda: send_file(archive, mimetype="application/gzip"))
    app.add_url_rule("/refused", "refused", lambda: (_ for _ in ()).throw(HttpError(409, "Already there.", line=3)))
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)

    app.add_url_rule("/busy", "busy", lambda: (_ for _ in ()).throw(HttpError(503, "All executors are busy.")))

    @app.route("/negotiated")
    def negotiated():
        responses.depends_on("Accept", "Accept-Language")
        tag = responses.etag("release-1", "negotiated", request.headers.get("Accept-Language"))
        answer = responses.conditional(tag, lambda: Response(TEXT, content_type="text/html"))
        answer.headers["Content-Location"] = "/negotiated.html"  # on 200 and 304 alike, as documents.py names it
        return answer

    @app.route("/tagged", methods=["GET", "POST"])
    def tagged():
        return responses.conditional(responses.etag("release-1", "tagged"),
                                     lambda: Response(TEXT, content_type="text/turtle"))

    return app


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("http")


@pytest.fixture(scope="module")
def base(folder):
    port = free_port()
    server = make_server("127.0.0.1", port, make_app(folder), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()
    thread.join(timeout=10)


def test_every_response_allows_every_origin(base):
    for path in ("text", "small", "dump", "boom", "missing"):
        assert fetch(base + path).headers["Access-Control-Allow-Origin"] == "*"


def test_scripts_may_read_the_headers_that_point_elsewhere(base):
    exposed = {name.strip() for name in fetch(base + "text").headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Link", "Content-Location", "Location", "Retry-After"} <= exposed
    assert {"Content-Range", "Accept-Ranges"} <= exposed  # a script resuming a download (a web developer's review)


def test_preflight_is_answered_for_any_header(base):
    answer = fetch(base + "tagged", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, if-none-match"})
    assert answer.status == 200 and answer.headers["Access-Control-Allow-Headers"] == "content-type, if-none-match"
    assert answer.headers["Access-Control-Max-Age"] == "86400"
    assert "Access-Control-Request-Headers" in answer.headers["Vary"]  # the answer echoes them


def test_text_is_gzipped_only_when_asked_and_worth_it(base):
    zipped = fetch(base + "text", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.body).decode() == TEXT
    assert "Content-Encoding" not in fetch(base + "text").headers
    assert "Content-Encoding" not in fetch(base + "text", headers={"Accept-Encoding": "gzip;q=0"}).headers
    assert "Content-Encoding" not in fetch(base + "small", headers={"Accept-Encoding": "gzip"}).headers


def test_images_and_gzip_files_are_sent_as_they_are(base):
    assert "Content-Encoding" not in fetch(base + "image", headers={"Accept-Encoding": "gzip"}).headers
    dump = fetch(base + "dump", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in dump.headers and gzip.decompress(dump.body).decode() == TEXT


def test_a_file_sent_as_it_is_does_not_vary_on_accept_encoding(base):
    """An operator's review: a CDN kept one copy of an 11.9 MB dump per Accept-Encoding a client sent."""
    assert "Accept-Encoding" not in fetch(base + "dump", headers={"Accept-Encoding": "gzip"}).headers.get("Vary", "")
    assert "Accept-Encoding" in fetch(base + "text").headers["Vary"]


def test_a_304_of_another_type_than_html_gains_no_html_headers(base):
    """An operator's review: a Turtle document's 304 carried the HTML pages' Content-Security-Policy, which a cache
    then added to the stored answer (RFC 9111 §4.3.4)."""
    first = fetch(base + "tagged")
    again = fetch(base + "tagged", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    for name in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
        assert name not in first.headers and name not in again.headers, name


def test_a_matching_etag_is_answered_304_and_only_for_get(base):
    first = fetch(base + "tagged")
    assert first.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    tag = first.headers["ETag"]
    assert fetch(base + "tagged", headers={"If-None-Match": tag}).status == 304
    assert fetch(base + "tagged", headers={"If-None-Match": 'W/"other"'}).status == 200
    assert fetch(base + "tagged", method="POST", data=b"", headers={"If-None-Match": tag}).status == 200


@pytest.mark.parametrize("star", [False, True], ids=["its-tag", "star"])
def test_a_304_varies_like_the_200(base, star):
    """RFC 9110 §15.4.5: a 304 carries the Vary, Content-Location, ETag and freshness the 200 would have,
    whether If-None-Match named the tag or `*`."""
    vary = lambda answer: {name.strip() for name in answer.headers["Vary"].split(",")}
    first = fetch(base + "negotiated", headers={"Accept-Language": "en"})
    again = fetch(base + "negotiated", headers={"Accept-Language": "en", "If-None-Match": "*" if star else first.headers["ETag"]})
    assert again.status == 304 and vary(again) == vary(first) >= {"Accept", "Accept-Language", "Accept-Encoding"}
    for name in ("Content-Location", "ETag", "Cache-Control"):
        assert again.headers[name] == first.headers[name], name


def test_a_503_says_when_to_try_again(base):
    answer = fetch(base + "busy")
    assert answer.status == 503 and int(answer.headers["Retry-After"]) > 0


def test_gzip_keeps_the_etag_valid(base):
    tag = fetch(base + "tagged", headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    assert fetch(base + "tagged", headers={"If-None-Match": tag}).status == 304


@pytest.mark.parametrize("path, status", [("refused", 409), ("missing", 404), ("boom", 500)])
def test_errors_are_problem_json_for_programs(base, path, status):
    answer = fetch(base + path)
    problem = answer.json()
    assert answer.status == status and answer.media_type == "application/problem+json"
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert "Traceback" not in answer.body.decode() and "ZeroDivisionError" not in answer.body.decode()


def test_error_details_become_members(base):
    assert fetch(base + "refused").json()["line"] == 3


@pytest.mark.parametrize("path, status", [("refused", 409), ("missing", 404), ("boom", 500)])
def test_errors_are_html_for_browsers_even_where_the_layout_cannot_render(base, path, status):
    # This bare app lacks the site's layout context, so the error page itself fails: the bare fallback answers.
    answer = fetch(base + path, headers={"Accept": BROWSER})
    assert answer.status == status and answer.media_type == "text/html"
    body = answer.body.decode()
    assert body.startswith(f"<!doctype html><title>{status} ") and f"<h1>{status} " in body
    assert "Traceback" not in body and "<footer" not in body


@pytest.mark.parametrize("method, path, status, text", [
    ("GET", "doc/project/nothing", 404, "There is no resource at this address."),
    ("DELETE", "projects", 405, "not allowed"),
])
def test_the_sites_errors_are_its_own_pages_for_browsers(base_url, method, path, status, text):
    answer = fetch(base_url + path, method=method, headers={"Accept": BROWSER, "Accept-Language": "en"})
    body = answer.body.decode()
    assert answer.status == status and answer.media_type == "text/html"
    assert f"<h1>{status} " in body and 'class="error-message"' in body and "<footer" in body, body[:300]
    assert text in body and "Traceback" not in body


def test_405_keeps_its_allow_header(base):
    answer = fetch(base + "text", method="DELETE")
    assert answer.status == 405 and "GET" in answer.headers["Allow"]


def logged(folder: Path, text: str) -> list[str]:
    """The access-log lines that contain `text`."""
    return [line for line in (folder / "access.log").read_text().splitlines() if text in line]


def test_one_access_log_line_per_request(base, folder):
    fetch(base + "text", headers={"User-Agent": "probe/1"})
    fetch(base + "missing", headers={"User-Agent": "probe/1"})
    lines = logged(folder, "probe/1")
    assert len(lines) == 2
    assert re.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} 127\.0\.0\.0 "GET /text HTTP/1\.1" 200 2800 \d+\.\dms "probe/1"',
                        lines[0]), lines[0]
    assert '"GET /missing HTTP/1.1" 404' in lines[1] and lines[1].endswith('"probe/1"')


def test_a_long_user_agent_and_target_are_cut_in_the_access_log(base, folder):
    fetch(base + "text?q=" + "x" * 3000, headers={"User-Agent": "a" * 3000})
    line = logged(folder, "/text?q=xxx")[0]
    assert f'"GET /text?q={"x" * 992}… HTTP/1.1" 200' in line and line.endswith(f'"{"a" * 500}…"')


def test_a_line_break_in_a_url_cannot_forge_an_access_log_line(base, folder):
    fetch(base + "text%0A127.0.0.1%20%22GET%20/forged%20HTTP/1.1%22%20200", headers={"User-Agent": "a\tb"})
    [line] = logged(folder, "/forged")
    assert '/text\\x0a127.0.0.1 \\x22GET /forged' in line and line.endswith('"a\\x09b"')
    fetch(base + "text", headers={"User-Agent": 'evil" 200 0 "x\\'})  # quotes cannot end the field early
    [line] = logged(folder, "evil")
    assert line.endswith('"evil\\x22 200 0 \\x22x\\x5c"')
    fetch(base + "text%C2%85x%E2%80%A8y%E2%80%A9%1B[2J")  # NEL, line and paragraph separator, an escape sequence
    [line] = logged(folder, "/text\\x85x")
    assert '/text\\x85x\\u2028y\\u2029\\x1b[2J HTTP/1.1"' in line and len(line.splitlines()) == 1
    fetch(base + "text%E2%80%AEx%E2%81%A6y")  # bidirectional controls, which reorder what a terminal shows
    [line] = logged(folder, "/text\\u202ex")
    assert '/text\\u202ex\\u2066y HTTP/1.1"' in line


def test_the_access_log_names_the_client_a_trusted_proxy_forwards(tmp_path):
    """Found by an operator's review: behind the documented nginx every line named nginx, not the client whose
    budgets the request counted in; an untrusted X-Forwarded-For is still no client."""
    fd = os.open(tmp_path / "access.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    request = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET", "PATH_INFO": "/x", "HTTP_USER_AGENT": "probe"}
    behind = AccessLog(fd, trusted=("127.0.0.1",), addresses="full")
    behind.request({**request, "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9"}, 200, 1, None)
    AccessLog(fd, addresses="full").request({**request, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, 200, 1, None)
    behind.request({**request, "HTTP_X_FORWARDED_FOR": "a\nb"}, 200, 1, None)
    os.close(fd)
    first, second, third = (line.split(" ", 3)[2] for line in (tmp_path / "access.log").read_text().splitlines())
    assert (first, second, third) == ("203.0.113.9", "127.0.0.1", "a\\x0ab")


def test_the_access_log_truncates_addresses_or_is_off_as_the_operator_says(tmp_path, monkeypatch):
    """An SRE's review: every line named the client's whole address, personal data (GDPR), with no setting to
    change it. MPSC_ACCESS_LOG=truncated (the default) keeps an IPv4 address's network, an IPv6 address's /48."""
    fd = os.open(tmp_path / "access.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    proxied = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET"}
    # as forwarded: a port, brackets, a zone id (a review: `198.51.100.17:4711` was logged whole), and no address
    for address in ("198.51.100.17", "2001:db8:1234:5678::9", "::ffff:192.0.2.77", "198.51.100.17:4711",
                    "[2001:db8:1234:5678::9]:443", "fe80::1%eth0", "Max Mustermann"):
        AccessLog(fd, trusted=("127.0.0.1",)).request({**proxied, "HTTP_X_FORWARDED_FOR": address}, 200, 1, None)
    AccessLog(fd, addresses="off").request({"REMOTE_ADDR": "198.51.100.17", "REQUEST_METHOD": "GET"}, 200, 1, None)
    os.close(fd)
    clients = [line.split(" ", 3)[2] for line in (tmp_path / "access.log").read_text().splitlines()]
    assert clients == ["198.51.100.0", "2001:db8:1234::", "192.0.2.0", "198.51.100.0", "2001:db8:1234::", "fe80::",
                       "-"]
    monkeypatch.delenv("MPSC_ACCESS_LOG", raising=False)
    assert Settings.from_env().access_log == "truncated"
    monkeypatch.setenv("MPSC_ACCESS_LOG", "anonymous")
    with pytest.raises(BadSetting, match="MPSC_ACCESS_LOG"):
        Settings.from_env()


def test_a_long_access_log_line_is_cut_to_what_one_write_keeps_whole():
    read, write = os.pipe()
    AccessLog(write).line("ü" * 5000)  # 10,000 bytes
    os.close(write)
    with os.fdopen(read, "rb") as written:
        data = written.read()
    assert len(data) == LINE_BYTES and data.endswith("…\n".encode())
    stamp, text = data.decode("utf-8").split(" ", 2)[1:]
    assert text == "ü" * ((LINE_BYTES - 4 - len("2026-12-03 ") - len(stamp) - 1) // 2) + "…\n"


def test_access_log_lines_of_many_threads_stay_whole(tmp_path):
    """AccessLog takes no lock: each line must still arrive whole, one after another."""
    read, write = os.pipe()
    log, lines = AccessLog(write), []
    reader = threading.Thread(target=lambda: lines.extend(os.fdopen(read, encoding="utf-8").read().splitlines()))
    reader.start()

    def send(n: int) -> None:
        for i in range(300):
            log.line(f"{n}:{i}:" + chr(ord("a") + n) * ((n * 97 + i * 31) % 3000))

    senders = [threading.Thread(target=send, args=(n,)) for n in range(16)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    os.close(write)
    reader.join()
    assert len(lines) == 16 * 300
    for line in lines:
        n, i, text = line.split(" ", 2)[2].split(":")
        assert text == chr(ord("a") + int(n)) * ((int(n) * 97 + int(i) * 31) % 3000), line[:80]


def test_the_response_cache_evicts_the_least_recently_used_first():
    cache = ResponseCache(100)
    for key in "abcd":
        cache.put(key, b"x" * 10)
    assert cache.get("a") == b"x" * 10  # a is now the most recently used
    for key in "efghijk":
        cache.put(key, b"y" * 10)
    assert cache.get("a") is not None and cache.get("b") is None and cache.get("k") is not None


def test_the_response_cache_keeps_no_large_bodies_and_can_be_off():
    cache = ResponseCache(100)
    cache.put("large", b"z" * 11)
    assert cache.get("large") is None
    off = ResponseCache(0)
    off.put("k", b"")
    assert off.get("k") is None


def test_an_etag_changes_with_the_servers_code(monkeypatch):
    """An operator upgrading the server on the same release: a browser's copy of a page revalidated with 304, and
    the old page named asset URLs (by their content's version) that the new server no longer has."""
    assert re.fullmatch(r"[0-9a-f]{16}", responses.code_version())
    before = responses.etag("0123456789ab", "/doc/project/bamberg", "de")
    assert responses.etag("0123456789ab", "/doc/project/bamberg", "de") == before
    monkeypatch.setattr(responses, "code_version", lambda: "another version of the code")
    assert responses.etag("0123456789ab", "/doc/project/bamberg", "de") != before
