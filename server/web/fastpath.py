"""Documents at close to static-file speed: each answer of /doc/… and /id/… is rendered once per release and
then served from memory by a thin WSGI layer in front of Flask.

A document's answer depends only on the release, the URL (path and `?lang=`), the format conneg.py picks and,
for HTML, the language i18n.py picks. So `FastPath` computes that key from the request with the very
functions the views use (`conneg.decide`, `i18n.language`, `links.split_suffix`) and looks it up. On a miss
the request goes through Flask as always, and the app-wide hooks (hooks.py) hand the finished answer — all
its headers, before compression — to `DocumentCache.remember`; its gzip twin is made once then. A hit is
answered without Flask: the same status, headers and bytes, gzip when the client accepts it, 304 when
If-None-Match names its ETag (with the headers the app's own 304 carried, remembered the first time), and
the same access-log line. Anything else — other query parameters, other methods, errors, a 406 — goes to
Flask. The cache is bounded in bytes (MPSC_DOCUMENT_CACHE_BYTES, least recently used out first) and is
emptied when the store serves another release.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import Flask, Response, request
from werkzeug.http import parse_etags

from ..errors import HttpError, QueryFailed
from ..formats import HTML
from .cache import Recent
from .conneg import decide, expanded
from .hooks import gzipped, host_error, takes_gzip
from .i18n import LANGUAGES, language
from .links import DOCUMENT_FORMATS, split_suffix

KEY = "mpsc.document_key"  # where FastPath leaves the key of a missed request for DocumentCache.remember
_EXPORTED_QUERIES = ("", *(f"lang={lang}" for lang in LANGUAGES))  # the only query strings answered from the cache


@dataclass
class Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    gzip_headers: list[tuple[str, str]] | None
    gzip_body: bytes | None
    tag: str | None
    not_modified: list[tuple[str, str]] | None = None  # the app's 304 headers, once seen

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzip_body or b"") + 512


class DocumentCache:
    """Rendered answers by request key, for one release at a time, at most `capacity` bytes (a `Recent`: least
    recently used out first, none heavier than a tenth of it)."""

    def __init__(self, capacity: int):
        self.capacity, self.version = capacity, None
        self._recent = Recent(capacity)
        self._lock = threading.Lock()  # one release's entries replace another's once

    def get(self, key: tuple) -> Entry | None:
        return self._recent.get(key)

    def remember(self, response: Response, encodable: bool) -> None:
        """Keep the finished answer to a request FastPath missed (called by hooks.py before compression)."""
        key = request.environ.get(KEY)
        if key is None or response.is_streamed or response.direct_passthrough:
            return
        if response.status_code == 304:
            entry = self._recent.get(key)
            if entry is not None:
                entry.not_modified = _headers(response)
            return
        if response.status_code not in (200, 303):
            return
        body = response.get_data()
        gzip_body = gzipped(body) if encodable and response.status_code == 200 else None
        tag = response.get_etag()[0]
        headers = _headers(response)
        gzip_headers = None if gzip_body is None else [*headers, ("Content-Encoding", "gzip")]
        self._store(key, Entry(response.status, _sized(headers, body), body,
                               gzip_headers and _sized(gzip_headers, gzip_body), gzip_body, tag))

    def _store(self, key: tuple, entry: Entry) -> None:
        with self._lock:
            if key[0] != self.version:  # another release: nothing kept is valid any more
                self._recent, self.version = Recent(self.capacity), key[0]
            recent = self._recent
        recent.put(key, entry, entry.size)


def _headers(response: Response) -> list[tuple[str, str]]:
    """The headers as the WSGI server would send them (a 304 loses its entity headers), less Content-Length."""
    return [(k, v) for k, v in response.get_wsgi_headers(request.environ).items() if k != "Content-Length"]


def _sized(headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    return [*headers, ("Content-Length", str(len(body)))]


def _preconditions(environ) -> bool:
    """Whether a request sends If-Match, which the app's hooks evaluate (hooks.py)."""
    return "HTTP_IF_MATCH" in environ


class FastPath:
    """WSGI middleware answering GET and HEAD of /doc/ and /id/ from the DocumentCache when it can."""

    def __init__(self, app: Flask, cache: DocumentCache):
        self.app, self.flask, self.cache = app, app.wsgi_app, cache
        self.choices = Choices()

    def __call__(self, environ, start_response):
        key = None if _preconditions(environ) else self.key(environ)
        if key is None:
            return self.flask(environ, start_response)
        entry = self.cache.get(key)
        if entry is None:
            environ[KEY] = key
            return self.flask(environ, start_response)
        return self.answer(key, entry, environ, start_response)

    def key(self, environ) -> tuple | None:
        """(release, path, query, format, language, JSON-LD expanded) of a document request, or None for anything
        else."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not self.cache.capacity or host_error(environ):
            return None
        path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
        if query not in _EXPORTED_QUERIES:
            return None
        if path.startswith("/doc/"):
            suffix = split_suffix(path[5:])[1]
        elif path.startswith("/id/"):
            suffix = None
        else:
            return None
        choice = self.choices.of(suffix, query, environ.get("HTTP_ACCEPT"), environ.get("HTTP_ACCEPT_LANGUAGE"))
        if choice is None:
            return None
        try:
            version = self.app.extensions["mpsc.store"].version  # a remote store may be away: Flask answers that
        except QueryFailed:
            return None
        return version, path, query, *choice

    def answer(self, key: tuple, entry: Entry, environ, start_response):
        """The remembered answer, 304 or gzipped as the request asks; Flask answers a 304 not yet seen."""
        started = time.perf_counter()
        status, headers, body = entry.status, entry.headers, entry.body
        condition = environ.get("HTTP_IF_NONE_MATCH")
        if condition and entry.tag and parse_etags(condition).contains_weak(entry.tag):
            if entry.not_modified is None or parse_etags(condition).star_tag:
                environ[KEY] = key
                return self.flask(environ, start_response)
            status, headers, body = "304 NOT MODIFIED", entry.not_modified, b""
        elif entry.gzip_body is not None and self.choices.gzip(environ.get("HTTP_ACCEPT_ENCODING")):
            headers, body = entry.gzip_headers, entry.gzip_body
        start_response(status, headers)
        self.app.extensions["mpsc.access_log"].request(environ, int(status[:3]), len(body) if body else None, started)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


class Choices:
    """What conneg.py and i18n.py decide for a document request's headers, remembered by the headers' text.

    Clients send the same few Accept, Accept-Language and Accept-Encoding values again and again, and parsing
    them took a third of a cached document's time. The decisions are functions of the text alone, so a
    remembered one is the same answer; at most SIZE texts of each kind are kept (a client sending a new header
    on every request only empties the memo), none longer than LONGEST characters."""

    SIZE = 1024
    LONGEST = 256  # characters of a header text worth keeping; a longer one (up to the request size) is decided afresh
    REFUSED = ()  # conneg refuses the request (406 and the like): Flask answers it

    def __init__(self):
        self._documents: dict[tuple, tuple] = {}
        self._encodings: dict[str | None, bool] = {}

    def of(self, suffix, query: str, accept: str | None, accept_language: str | None) -> tuple | None:
        """(format key, language, JSON-LD expanded) for a document, or None when Flask must answer."""
        memo = (suffix, query, accept, accept_language)
        choice = self._documents.get(memo)
        if choice is None:
            choice = self._decide(suffix, query, accept, accept_language)
            self._remember(self._documents, memo, choice, len(accept or "") + len(accept_language or ""))
        return choice or None

    @classmethod
    def _decide(cls, suffix, query: str, accept: str | None, accept_language: str | None) -> tuple:
        try:
            choice = decide(DOCUMENT_FORMATS, suffix=suffix, accept=accept)
        except HttpError:
            return cls.REFUSED
        fmt = choice.format
        lang = language(query[5:] or None, accept_language)[0] if fmt is HTML else None
        return fmt.key, lang, expanded(choice, accept)

    def gzip(self, accept_encoding: str | None) -> bool:
        """Whether the client takes gzip."""
        taken = self._encodings.get(accept_encoding)
        if taken is None:
            taken = takes_gzip(accept_encoding)
            self._remember(self._encodings, accept_encoding, taken, len(accept_encoding or ""))
        return taken

    def _remember(self, memo: dict, key, value, length: int) -> None:
        """Keep `value` under `key`, whose header texts are `length` characters long."""
        if length > self.LONGEST:
            return
        if len(memo) >= self.SIZE:
            memo.clear()
        memo[key] = value
