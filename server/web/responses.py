"""What views answer with: validators and conditional GET, cacheability, and errors in words.

Data changes only with a release, so a view computes its ETag from the release version and the request
alone (and the server's code, `code_version`), and `conditional` answers 304 before any work is done; what many
releases leave alike (RDF documents) is tagged by its bytes instead (`conditional_on_content`). A view that calls `depends_on` gets the
named request headers into Vary on every answer, 304s included. `error_response` is how an error reaches a
client: problem details (RFC 9457) for programs, the site's error page for browsers; a missing document asked for
in an RDF format is the one exception, an empty document of that format (site.not_found).
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
from http import HTTPStatus
from pathlib import Path
from typing import IO, Callable, Hashable

from flask import Response, current_app, g, render_template, request
from markupsafe import escape
from werkzeug.utils import send_file

from ..formats import HTML, PROBLEM
from .conneg import wants_html

MAX_AGE = 300  # seconds public caches may reuse a response; releases are rare, five minutes is safe
YEAR = 365 * 24 * 3600  # for what never changes under its URL: a release's files by version, versioned assets
IMMUTABLE = f"public, max-age={YEAR}, immutable"  # RFC 8246; the static site's configuration sends it too
RETRY_AFTER = 5  # seconds a client should wait after a 503 (busy executors, a query stopped early, a store away)
LIBRARIES = ("pyoxigraph", "rdflib", "flask", "jinja2")  # whose versions decide answers' bytes (`code_version`)


def refused(error) -> None:
    """Remember that `error` (errors.QueryFailed) stopped this request's query: its 503 then names a time to try
    again only if the same query may succeed then (`retry`; hooks.py adds Retry-After)."""
    g.retry = error.retry


def retry_helps() -> bool:
    """Whether this request's 503 should say when to try again (`refused`)."""
    return g.get("retry", True)


def etag(*parts) -> str:
    """A validator for a response determined by `parts` (release version, request, format, …): strings, lists
    of them or None, and by the server's code (`code_version`). Encoded as JSON, so different parts never give
    the same text to hash."""
    return hashlib.sha256(json.dumps([code_version(), *parts]).encode("utf-8")).hexdigest()[:32]


@functools.cache
def code_version() -> str:
    """What besides the release and the request decides a computed answer's bytes: this package's files (code,
    templates, messages, static files) and the versions of the libraries that write RDF and pages. Part of every
    ETag, so that a new version of the server on the same release does not answer 304 to a copy of what its
    predecessor wrote (a page naming asset URLs that are gone). Hashed once per process, at its first ETag."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(" ".join(importlib.metadata.version(name) for name in LIBRARIES).encode())
    return digest.hexdigest()[:16]


def depends_on(*headers: str) -> None:
    """Record that the answer to this request depends on these request headers: every response to it, a 304
    included (RFC 9110 §15.4.5), names them in Vary."""
    g.depends_on = (*g.get("depends_on", ()), *headers)


def not_modified(tag: str) -> Response | None:
    """A 304 response when a GET/HEAD request's If-None-Match names `tag`, else None (`*` is decided once the
    answer is known to exist, see _any_tag_matches)."""
    if (request.method in ("GET", "HEAD") and not request.if_none_match.star_tag
            and request.if_none_match.contains_weak(tag)):
        return cacheable(Response(status=304), tag)
    return None


def conditional(tag: str, compute: Callable[[], Response], max_age: int = MAX_AGE) -> Response:
    """304 when the client holds the answer tagged `tag`, else `compute()`'s answer, cacheable under `tag`
    when it succeeded. The one place a view turns its ETag into a conditional answer."""
    response = not_modified(tag)
    if response is None:
        response = compute()
        if response.status_code == 200:
            cacheable(response, tag, max_age)
    return response


def conditional_on_content(compute: Callable[[], Response], known: dict, key: Hashable,
                           max_age: int = MAX_AGE) -> Response:
    """`compute()`'s answer tagged by its bytes, or a 304 when the client holds those bytes: for answers that many
    releases and versions of this server write alike. The tag is kept in `known` under `key` (what decides the
    answer, for as long as the data do), so that a revalidation is answered without computing it again (a review:
    behind a CDN, whose requests are mostly conditional, each one rendered the document)."""
    held = known.get(key)
    if held is not None and (response := not_modified(held)) is not None:
        return response
    response = compute()
    if response.status_code != 200:
        return response
    tag = known[key] = hashlib.sha256(response.get_data()).hexdigest()[:32]
    return not_modified(tag) or cacheable(response, tag, max_age)


def cacheable(response: Response, tag: str, max_age: int = MAX_AGE) -> Response:
    """Mark a response public and cacheable for `max_age` seconds, validated by `tag` (weak: gzip may re-encode)."""
    response.set_etag(tag, weak=True)
    return public(response, max_age)


def send_by_content(path: Path | IO[bytes], etag: str, **options) -> Response:
    """A file as Werkzeug's send_file sends it (HEAD, 304, byte ranges), validated by its bytes alone: the strong
    `etag` the caller derives from them, and no Last-Modified. A file's time on disk tells when this copy was made
    (copied to a replica, checked out, restored), not when its bytes changed: two replicas of one release sent
    different dates, and an If-Modified-Since or a dated If-Range from one got a 304 or a spliced 206 from another
    whose file had changed (a replica operator's review). Without a date, RFC 9110 §13.1.3/§13.1.4 ignore the date
    conditions (they are kept from send_file), and a dated If-Range never matches (hooks.py drops its Range)."""
    environ = {key: value for key, value in request.environ.items()
               if key not in ("HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")}
    sent = send_file(path, environ, etag=etag, conditional=True, response_class=current_app.response_class,
                     **options)
    del sent.headers["Last-Modified"]
    return sent


def public(response: Response, max_age: int = MAX_AGE) -> Response:
    """Let any cache keep a response for `max_age` seconds. The header is written as a whole: Werkzeug's
    `cache_control` parses and rewrites it at each attribute set, which cost a small query's answer 40 µs."""
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def uncached(response: Response) -> Response:
    """Keep every cache from storing a response (`no-store`): an error, a health report, an answer that may come
    out otherwise the next time."""
    response.cache_control.no_store = True
    return response


def immutable(response: Response) -> Response:
    """Let any cache keep a response for a year without asking again (RFC 8246): its URL names what it holds."""
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def error_response(status: int, message: str, headers: dict | None = None, *, page: bool | None = None,
                   **details) -> Response:
    """An error as an HTML page for browsers (or where `page` says so), else as problem details JSON with any
    `details` as members."""
    title = reason(status)
    if details.get("limit"):
        g.limit = details["limit"]  # for the access log's line (hooks.log_access)
    if wants_html() if page is None else page:
        response = Response(_error_page(status, title, message, details), status=status, content_type=HTML.content_type)
    else:
        problem = {"type": problem_type(details.get("limit")), "title": title, "status": status, "detail": message,
                   **details}
        response = Response(json.dumps(problem, ensure_ascii=False), status=status, content_type=PROBLEM.media_type)
    response.headers.update(headers or {})
    return uncached(response)


def problem_type(limit: str | None) -> str:
    """A problem's `type` (RFC 9457 §3.1.1): for a limit exceeded, that limit's row of the limits page, so that a
    program tells the limits apart by one member and its reader finds what each means (a SPARQL client
    developer's review: every problem was `about:blank`); else `about:blank`, the status saying what happened."""
    from . import get_settings  # the package's accessors import this module first

    return f"{get_settings().public_base}limits#{limit}" if limit else "about:blank"


def _error_page(status: int, title: str, message: str, details: dict) -> str:
    """The site's error page; a bare one if that fails too (the layout may need what just broke)."""
    try:
        return render_template("error.html", status=status, title=title, message=message, details=details)
    except Exception:
        current_app.logger.exception("the error page could not be rendered")
        heading = f"{status} {escape(title)}"
        return f"<!doctype html><title>{heading}</title><h1>{heading}</h1><p>{escape(message)}</p>"


RFC_9110_PHRASES = {413: "Content Too Large", 422: "Unprocessable Content"}  # Python's are RFC 7231's


def reason(status: int) -> str:
    """The standard phrase of an HTTP status (RFC 9110 §15)."""
    if status in RFC_9110_PHRASES:
        return RFC_9110_PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


