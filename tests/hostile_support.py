"""Helpers for the hostile-input corpus (tests/test_hostile.py): requests sent exactly as written, the checks
every answer must pass, a listener that records whether anything called it, and a browser that notices dialogs.

urllib and requests normalise what an attacker would not (dot segments, header values, Host); here
`exchange` sends the request target and headers verbatim over http.client, and `raw` sends bytes over a
socket for what http.client refuses to send (control characters, invalid UTF-8, duplicate framing headers).
"""
from __future__ import annotations

import http.client
import io
import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from tests.cdp import Browser

EVIL = "evil.example"
# What a stack trace or a Python error page leaves in a body ("werkzeug" as a word: German data may
# well speak of a Planungswerkzeug).
TRACE = re.compile(r'Traceback \(most recent call last\)|File "|\bwerkzeug\b|\.py"')
# Markup the corpus sends; any of it verbatim in an HTML (or XML) body means it was reflected unescaped.
RAW_MARKUP = ("<script>window.__pwned", "<img src=x onerror", "<svg onload", "<script>alert(")
MARKUP_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml")
# The only schemes a link may have (the issue: only http(s) IRIs may become links, everything else is text).
LINK_SCHEMES = ("http", "https")
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float
    target: str = ""

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None

    @property
    def media_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def __repr__(self) -> str:  # short, for assertion messages
        return f"<{self.status} {self.media_type} {self.target[:120]!r} {self.text[:160]!r}>"


def _address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname, parts.port or 80


def exchange(base: str, method: str, target: str, headers: dict | None = None, body: bytes | None = None,
             timeout: float = 10, host: bool = True, source: str | None = None) -> Answer:
    """One request with `target` and `headers` exactly as given (Host: the server's own unless overridden or
    `host` is False), from the local address `source` if given; no Accept-Encoding, so bodies arrive as sent."""
    hostname, port = _address(base)
    conn = http.client.HTTPConnection(hostname, port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    started = time.monotonic()
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        given = {k.lower() for k in (headers or {})}
        if host and "host" not in given:
            conn.putheader("Host", f"{hostname}:{port}")
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None and "content-length" not in given:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, response.getheaders(), data, time.monotonic() - started, target)
    finally:
        conn.close()


def get(base: str, target: str, accept: str | None = None, **headers) -> Answer:
    """GET `target` (a path with query, relative to the server root)."""
    if accept:
        headers["Accept"] = accept
    return exchange(base, "GET", target, headers)


def sparql_target(query: str, **params) -> str:
    return "/sparql?" + urlencode({"query": query, **params})


class _Bytes:
    """Enough of a socket for http.client.HTTPResponse to parse bytes already read."""

    def __init__(self, data: bytes):
        self.data = data

    def makefile(self, *args, **kwargs):
        return io.BytesIO(self.data)


def raw(base: str, data: bytes, timeout: float = 5) -> Answer | None:
    """Send bytes as they are and parse what comes back until the server closes (send Connection: close);
    None when nothing came back within `timeout` (the server hangs on this request)."""
    started = time.monotonic()
    received = b""
    with socket.create_connection(_address(base), timeout=timeout) as sock:
        sock.sendall(data)
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (socket.timeout, ConnectionResetError):
            if not received:
                return None
    if not received:
        return Answer(0, [], b"", time.monotonic() - started, repr(data[:80]))  # closed without answer
    if not received.startswith(b"HTTP/"):  # an HTTP/0.9-style error page without status line
        return Answer(400, [], received, time.monotonic() - started, repr(data[:80]))
    response = http.client.HTTPResponse(_Bytes(received))
    response.begin()
    body = response.read() if response.length is not None or response.chunked else received.split(b"\r\n\r\n", 1)[-1]
    return Answer(response.status, response.getheaders(), body, time.monotonic() - started, repr(data[:80]))


def check(answer: Answer, *, timed_out_ok: bool = False) -> None:
    """What every answer to hostile input must be: no server error (503 only where the caller says a time limit
    may stop the request), no stack trace, no injected header, no markup reflected raw."""
    assert answer.status < 500 or (timed_out_ok and answer.status == 503), answer
    assert not TRACE.search(answer.text), f"stack trace or Python error text in {answer!r}"
    for name, value in answer.headers:
        assert name.lower() != "x-injected" and "\r" not in value and "\n" not in value, (name, value, answer)
    if answer.media_type in MARKUP_TYPES:
        for markup in RAW_MARKUP:
            assert markup not in answer.text, f"{markup!r} reflected unescaped in {answer!r}"


def assert_on_base(answer: Answer, base: str) -> None:
    """Every URL the answer sends a client to (Location, Content-Location, Link, Refresh) stays on `base`."""
    request_url = urljoin(base, answer.target) if answer.target.startswith("/") else base
    for name in ("Location", "Content-Location", "Refresh"):
        value = answer.header(name)
        if value:
            url = urljoin(request_url, value.split("url=", 1)[-1] if name == "Refresh" else value)
            assert url.startswith(base), f"{name}: {value} leaves {base} ({answer!r})"
    for url, rel in re.findall(r'<([^>]*)>; rel="([^"]*)"', answer.header("Link") or ""):
        if rel not in CONSTANT_SIGNPOSTS:  # those name the data's own IRIs and licences, not this server
            assert urljoin(request_url, url).startswith(base), f"Link: {url} leaves {base} ({answer!r})"


# Signposts whose targets are the same whatever the request (web/documents.py `signposts`).
CONSTANT_SIGNPOSTS = {"cite-as", "license", "type"}


# Attributes that take a reader somewhere or load a document into the page. (Not <link href>: the layout's
# `<link rel="icon" href="data:,">` is a constant that stops the browser asking for /favicon.ico.)
_NAVIGATING = {("a", "href"), ("area", "href"), ("form", "action"), ("button", "formaction"), ("input", "formaction"),
               ("iframe", "src"), ("frame", "src"), ("embed", "src"), ("object", "data"), ("script", "src"),
               ("base", "href"), ("a", "xlink:href"), ("image", "href"), ("use", "href")}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in _NAVIGATING and value is not None:
                self.urls.append((tag, name, value))


def scheme_of(url: str) -> str:
    """The scheme a browser sees: leading C0 controls and spaces stripped, tabs and newlines removed (WHATWG URL)."""
    cleaned = url.lstrip(_C0_OR_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else ""


def foreign_links(html: str, page_url: str) -> list[tuple[str, str, str]]:
    """Every link, form target or embedded document of the page whose resolved scheme is not http(s)."""
    parser = _Links()
    parser.feed(html)
    return [(tag, attr, value) for tag, attr, value in parser.urls
            if (scheme_of(value) or urlsplit(page_url).scheme) not in LINK_SCHEMES]


# One page of each kind, an error page, and a document asked for twice (the second time it is answered from
# memory, server/web/fastpath.py, past Flask's hooks).
SECURED_PAGES = ("/", "/projects", "/doc/municipality/08421000", "/doc/municipality/08421000", "/sparql", "/limits",
                 "/no/such/page")


def assert_security_headers(base: str, banner: bool = True) -> None:
    """The hardening issue's headers: every HTML answer forbids inline script and framing and sends no referrer
    across origins, every answer forbids sniffing, and (`banner`) none names the server's software or version.
    Werkzeug's development server, which the in-process test servers are, adds its own Server header."""
    pages, turtle = [get(base, target, "text/html") for target in SECURED_PAGES], get(base, "/doc/municipality/08421000.ttl")
    for answer in [*pages, turtle]:
        assert answer.header("X-Content-Type-Options") == "nosniff", answer
        assert not banner or answer.header("Server") == "mpsc", answer.header("Server")
    for answer in pages:
        policy = answer.header("Content-Security-Policy") or ""
        assert answer.media_type == "text/html" and "script-src 'self'" in policy, answer
        assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy, policy
        assert answer.header("X-Frame-Options") == "DENY", answer
        assert answer.header("Referrer-Policy") == "strict-origin-when-cross-origin", answer
    assert turtle.header("Content-Security-Policy") is None, turtle


def assert_healthy(base: str, timeout: float = 10) -> None:
    """The server answers normally: /healthz is 200 and a small query gives its known answer."""
    health = exchange(base, "GET", "/healthz", timeout=timeout)
    assert health.status == 200 and health.json()["status"] == "ok", health
    answer = exchange(base, "GET", sparql_target("SELECT (1 + 1 AS ?two) WHERE {}"),
                      {"Accept": "application/sparql-results+json"}, timeout=timeout)
    assert answer.status == 200, answer
    assert answer.json()["results"]["bindings"][0]["two"]["value"] == "2", answer


def wait_until_idle(base: str, idle: int = 1, timeout: float = 30) -> None:
    """Wait until at least `idle` query executors of an embedded store are idle (one stopped by the time limit,
    or one that died, is replaced in the background), so that the next query runs at once rather than waiting
    for one; fail if none is back in time."""
    deadline = time.monotonic() + timeout
    health = None
    while time.monotonic() < deadline:
        health = exchange(base, "GET", "/healthz", timeout=5)
        if health.status == 200 and health.json()["store"].get("idle", idle) >= idle:
            return
        time.sleep(0.1)
    raise AssertionError(f"no query executor is back after {timeout} s: {health!r}")


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it (the SSRF canary)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.contacts: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.contacts.append(conn.recv(4096) or b"(connected)")
                except OSError:
                    self.contacts.append(b"(connected)")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


class WatchfulBrowser(Browser):
    """tests.cdp.Browser that also records JavaScript dialogs (alert, confirm, prompt) and dismisses them."""

    def __init__(self, *args, **kwargs):
        self.dialogs: list[str] = []
        super().__init__(*args, **kwargs)

    def _record(self, event: dict) -> None:
        super()._record(event)
        if event.get("method") == "Page.javascriptDialogOpening":
            self.dialogs.append(event["params"].get("message", ""))
            # answered without waiting: call() skips replies to ids it did not send
            self.ws.send(json.dumps({"id": 1_000_000 + len(self.dialogs), "method": "Page.handleJavaScriptDialog",
                                     "params": {"accept": False}}))

    def settle(self, seconds: float = 0.3) -> None:
        """Let queued tasks (a javascript: navigation, an onerror handler) run, then read the events they caused."""
        time.sleep(seconds)
        self.evaluate("1")

    def click_foreign_links(self) -> list[str]:
        """Click every link whose resolved protocol is not http(s) (there should be none); their hrefs."""
        hrefs = self.evaluate("[...document.querySelectorAll('a[href], area[href]')].map(e => e.getAttribute('href'))"
                              ".filter(h => !['http:', 'https:'].includes(new URL(h, location.href).protocol))")
        for index in range(len(hrefs)):
            self.evaluate("(() => { const links = [...document.querySelectorAll('a[href], area[href]')].filter(e => !['http:', "
                          "'https:'].includes(new URL(e.getAttribute('href'), location.href).protocol)); "
                          f"if (links[{index}]) links[{index}].dispatchEvent(new MouseEvent('click', "
                          "{bubbles: true, cancelable: true, view: window})); })()")
            self.settle(0.15)
        return hrefs
