"""App-wide HTTP behaviour, registered once by the app factory for every page, document, dump and query.

CORS for every origin (the data is public and read-only, and no request carries credentials), gzip for
compressible bodies, one access-log line per request, Retry-After on every 503 a retry may help, security headers (a
Content-Security-Policy that allows no inline script, no framing, nosniff, no server banner), relative
redirects, 400 for a request without one clear Host (`host_error`), and every error answered by
responses.error_response: problem details (RFC 9457) or HTML by Accept, never a stack trace.
"""
from __future__ import annotations

import gzip
import re
import time
from urllib.parse import quote, urlsplit, urlunsplit

from flask import Flask, Response, current_app, g, redirect, request
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound
from werkzeug.http import parse_accept_header, parse_range_header
from werkzeug.routing import RequestRedirect

from ..errors import HttpError, QueryFailed, ReleaseCorrupt
from ..formats import HTML, NQUADS, NTRIPLES, textual
from .access_log import AccessLog
from .conneg import wants_html
from .responses import RETRY_AFTER, error_response, reason, refused, retry_helps

# Response headers scripts on other origins may read (CORS hides all but a few by default).
EXPOSED = "ETag, Link, Content-Disposition, Content-Location, Location, Retry-After, Content-Range, Accept-Ranges"
GZIP_MIN_BYTES = 1024  # below this, compression costs more than it saves
# Pages load only their own scripts, styles and images (and the tiles of a configured map layer); forms post only
# here; no one may frame them, except the embeddable views of query results (allow_framing).
# `{site}`: the public base's origin beside 'self', since pages link their scripts, styles and forms absolutely
# under it: a page opened under another name of the host (localhost for 127.0.0.1) came without its styles.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'{site}; style-src 'self'{site}; "
                           "img-src 'self'{site} data:{tiles}; connect-src 'self'{site}; form-action 'self'{site}; "
                           "frame-ancestors {ancestors}; base-uri 'none'")
_COMPRESSIBLE = (NTRIPLES.media_type, NQUADS.media_type)
# What every answer says (no MIME sniffing), and every HTML answer (no framing, referrers only to this origin in
# full); the static site's configuration sends the same (static_config.py).
NOSNIFF, FRAME_OPTIONS, REFERRER_POLICY = "nosniff", "DENY", "strict-origin-when-cross-origin"


def init_app(app: Flask, map_tiles: str = "", access_log: AccessLog | None = None, public_base: str = "") -> None:
    """Register the app-wide hooks and error handlers; pages may show images from the origin of the result
    map's tile layer (`map_tiles`, MPSC_MAP_TILES) and load what they link from the public base's origin
    (`public_base`, MPSC_BASE_URL). The access log goes to standard error unless given."""
    app.extensions["mpsc.page_policy"] = {framed: content_security_policy(origin_of(map_tiles), framed,
                                                                          origin_of(public_base))
                                          for framed in (False, True)}  # by whether the page may be framed
    app.before_request(_start_clock)
    app.before_request(_refuse_unclear_host)
    app.before_request(_refuse_encoded_bodies)
    app.before_request(_slash_redirect)
    app.after_request(_finish)
    app.register_error_handler(HttpError, _http_error)
    app.register_error_handler(QueryFailed, _query_failed)
    app.register_error_handler(ReleaseCorrupt, _release_corrupt)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(Exception, _unexpected)
    app.extensions["mpsc.access_log"] = access_log or AccessLog()


def _start_clock() -> None:
    """Note when the request began, and drop a Range this server does not serve."""
    g.started = time.perf_counter()
    _ignore_ranges_not_served(request.environ)


def _refuse_encoded_bodies() -> None:
    """415 for a body sent with a Content-Encoding (gzip): every body here is read as sent, so a compressed query was
    refused as "not valid UTF-8" (an attacker's review); RFC 9110 §15.5.16 names 415 for a coding not taken."""
    if request.method == "POST" and request.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
        raise HttpError(415, "Send the body without Content-Encoding; this server reads it as sent.")


def _slash_redirect() -> Response | None:
    """Answer Werkzeug's own redirects (a missing trailing slash, doubled slashes) under the public base URL, since
    Werkzeug builds its Location from the request's Host header, which a client may set to any other site; and the
    other way round, a trailing slash too many on a path that exists without it (a LOD Cloud reviewer's: `/dumps`
    moved to `/dumps/` and `/id/x/` to `/id/x`, while `/ontology/` and `/catalog/` were 404s), with the same status
    as Werkzeug's. Under the base, not relative to the host: behind a proxy that serves the site under a path
    (`https://example.org/mpsc/`), `/ontology` led out of it, for good, as a 308 is cached (a sub-path review).

    A CORS preflight (OPTIONS) is answered in place instead: Fetch makes a redirected preflight a network error,
    so a script's POST to `/sparql/` failed where curl's followed the 308 (a JavaScript developer's review); the
    request itself is then redirected, and its target preflighted in turn."""
    moved = _moved(request.routing_exception)
    if moved is None:
        return None
    if request.method == "OPTIONS":
        return Response(status=200)
    return redirect(*moved)


def _moved(error: Exception | None) -> tuple[str, int] | None:
    """(URL under the public base, status) where the request's path has moved, or None."""
    if isinstance(error, RequestRedirect):
        target = urlsplit(error.new_url)
        return _under_base(target.path, target.query), error.code
    bare = request.path.rstrip("/")
    if isinstance(error, NotFound) and bare and bare != request.path and _routed(bare):
        return _under_base(quote(bare, safe=_PATH_SAFE), request.query_string.decode("latin-1")), 308
    return None


def _under_base(path: str, query: str) -> str:
    """The URL of an app path (`/ontology`) and query under the public base URL, whatever path that has."""
    from . import get_settings  # the package imports this module before it defines it

    return get_settings().public_base.rstrip("/") + urlunsplit(("", "", path, query, ""))


_PATH_SAFE = "/:@!$&'()*+,;=-._~"  # what a path keeps unquoted (RFC 3986 §3.3)


def _routed(path: str) -> bool:
    """Whether a route of the app without variables takes `path` for the request's method: one with variables
    (`/ontology/<version>`) may well not have what the path names, and a redirect to a 404 helps no one."""
    try:
        rule, _ = current_app.url_map.bind("localhost").match(path, method=request.method, return_rule=True)
    except HTTPException:
        return False
    return not rule.arguments - set(rule.defaults or ())


# A Host value: a name, an IPv4 address or a bracketed IP literal, and a port (RFC 3986 §3.2.2 without the comma,
# which is how servers join two Host lines into one value).
_HOST = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+;=%]+)(?::[0-9]*)?")


def host_error(environ: dict) -> str | None:
    """Why the request's Host breaks RFC 9112 §3.2 (none in HTTP/1.1, two, or no host at all), else None. The
    RFC asks for 400: a proxy in front could read another host from such a request than the one this server
    would. Granian gives a missing Host as empty and two as one value joined by a comma."""
    host = environ.get("HTTP_HOST", "")
    if not host:
        return "A request must name its host (the Host header)." if environ.get("SERVER_PROTOCOL") == "HTTP/1.1" \
            else None
    return None if _HOST.fullmatch(host) else "A request must name one host, once, in its Host header."


def _refuse_unclear_host() -> None:
    reason = host_error(request.environ)
    if reason:
        raise HttpError(400, reason)


def _ignore_ranges_not_served(environ: dict) -> None:
    """A Range of another unit than bytes, or of several ranges (no multipart answers here), is ignored, as RFC
    9110 §14.2 asks: the whole file with 200, where Werkzeug's send_file would answer 416. So is a Range under an
    If-Range that is no strong tag: a weak tag never matches (§13.1.5 compares strongly), nor a date, which must
    equal the file's Last-Modified and no file here has one (responses.send_by_content); Werkzeug took a tag of
    either kind and any date no earlier than the file's (a replica operator's review: a download begun on one
    replica and resumed on another spliced two releases' bytes)."""
    if "HTTP_RANGE" in environ:
        asked = parse_range_header(environ["HTTP_RANGE"])
        condition = environ.get("HTTP_IF_RANGE", "").strip()
        if asked is None or asked.units != "bytes" or len(asked.ranges) != 1 or (condition and condition[0] != '"'):
            del environ["HTTP_RANGE"]


PRECONDITION_FAILED = ("The file is not the one your If-Match names (a release replaced it, or it never was). Ask "
                       "again without it for the current one.")


def _precondition_failed(response: Response) -> bool:
    """Whether a request's If-Match failed: send_file answers that with 412 and the whole file, fresh for a
    year, or, when a Range came too, with 206 (RFC 9110 §13.2.2: the precondition is evaluated first), and any
    other answer with its 2xx. If-Unmodified-Since is ignored, as §13.1.4 asks of a representation without a
    modification date: no answer here has one (responses.send_by_content)."""
    if response.status_code == 412:
        return True
    if "If-Match" in request.headers:  # any answer's, send_file's 200 included; a weak tag never matches (§13.1.1)
        held, (tag, weak) = request.if_match, response.get_etag()
        return (200 <= response.status_code < 300 and bool(held) and not held.star_tag
                and (weak or not held.contains(tag)))
    return False


def _file_preconditions(response: Response) -> None:
    """A file's answer to a request with If-Match in the order RFC 9110 §13.2.2 gives: Werkzeug's send_file
    answers 412 where If-Match passes (`*`, or the file's tag, when no Range came), and then ignores
    If-None-Match. A passed If-Match gives the file, or 304 where If-None-Match names it; a failed one is
    `_precondition_failed`'s."""
    if not response.direct_passthrough or "If-Match" not in request.headers or response.status_code not in (200, 412):
        return
    (tag, weak), held = response.get_etag(), request.if_match
    if held.star_tag or (tag and not weak and held.contains(tag)):
        matched = request.method in ("GET", "HEAD") and bool(tag) and request.if_none_match.contains_weak(tag)
        response.status_code = 304 if matched else 200


def _not_modified_before_range(response: Response) -> None:
    """304 for a Range whose If-None-Match names the file: RFC 9110 §13.2.2 evaluates it before Range, Werkzeug's
    send_file the other way round, and answered 206 (an attacker's review). After If-Match (`_finish`)."""
    if response.status_code != 206 or request.method not in ("GET", "HEAD") or "If-None-Match" not in request.headers:
        return
    (tag, _), held = response.get_etag(), request.if_none_match
    if bool(tag) and (held.star_tag or held.contains_weak(tag)):
        response.status_code = 304
        del response.headers["Content-Range"]


def _finish(response: Response) -> Response:
    _file_preconditions(response)
    if _precondition_failed(response):
        response = error_response(412, PRECONDITION_FAILED)
    _not_modified_before_range(response)
    response.vary.update(g.get("depends_on", ()))
    if response.status_code == 503 and "Retry-After" not in response.headers and retry_helps():
        response.headers["Retry-After"] = str(RETRY_AFTER)
    response = _any_tag_matches(response)
    add_security_headers(response)
    add_cors(response)
    encodable = vary_on_encoding(response)
    documents = current_app.extensions.get("mpsc.documents")
    if documents is not None:
        documents.remember(response, encodable)  # the document fast path (fastpath.py) serves it from now on
    if encodable:
        compress(response)
    log_access(response)
    return response


def add_cors(response: Response) -> Response:
    """Allow every origin to read the response; answer preflight requests for any method and header."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        if "Access-Control-Request-Headers" in request.headers:
            response.headers["Access-Control-Allow-Headers"] = request.headers["Access-Control-Request-Headers"]
        response.vary.add("Access-Control-Request-Headers")  # the answer echoes them
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def add_security_headers(response: Response) -> Response:
    """No MIME sniffing and no server banner anywhere; on HTML, the content security policy, no framing, and referrers only
    to this origin in full."""
    response.headers["X-Content-Type-Options"] = NOSNIFF
    response.headers["Server"] = "mpsc"  # instead of a server's name and version
    # Not on a 304, whose media type is Werkzeug's default whatever the answer it confirms: a cache updates the
    # stored answer's headers from it (RFC 9111 §4.3.4), and a Turtle document had gained an HTML policy.
    if response.mimetype == HTML.media_type and response.status_code != 304:
        # Only the embeddable answer itself: a refusal is the query form again (an attacker's review: ?embed=1 let
        # any site frame the form and its error pages).
        framed = g.get("frameable", False) and response.status_code < 400
        response.headers["Content-Security-Policy"] = current_app.extensions["mpsc.page_policy"][framed]
        if not framed:
            response.headers["X-Frame-Options"] = FRAME_OPTIONS
        response.headers["Referrer-Policy"] = REFERRER_POLICY
    return response


def content_security_policy(tiles: str = "", framed: bool = False, site: str = "") -> str:
    """The policy of an HTML answer (also what the static site's configuration sends, static_config.py); `tiles`
    and `site` are origins with a leading space (`origin_of`)."""
    return CONTENT_SECURITY_POLICY.format(tiles=tiles, site=site, ancestors="*" if framed else "'none'")


def allow_framing() -> None:
    """Let any site show this answer in a frame: for pages that have no form or link that acts on the reader's
    behalf and are meant to be embedded (a result's view alone, ?embed=1; the reconciliation preview)."""
    g.frameable = True


def origin_of(template: str) -> str:
    """' https://tiles.example' for a URL or a tile URL template (MPSC_MAP_TILES), to add to a source list; ''
    for none."""
    if not template:
        return ""
    scheme, host = urlsplit(template)[:2]  # Leaflet's {s} subdomains become CSP's wildcard: {s}.tile… -> *.tile…
    return f" {scheme}://{host.replace('{s}', '*')}" if scheme in ("http", "https") and host else ""


def _any_tag_matches(response: Response) -> Response:
    """`If-None-Match: *` matches any current representation (RFC 9110 §13.1.2): answered 304 once a GET
    has found one, never before (a resource that does not exist has none). The 304 carries the validator,
    Vary, Content-Location and freshness the 200 would have (§15.4.5), so caches store it under the same key."""
    if (request.if_none_match.star_tag and request.method in ("GET", "HEAD") and response.status_code == 200
            and response.get_etag()[0]):
        unchanged = Response(status=304, mimetype=response.mimetype)
        for name in ("ETag", "Vary", "Content-Location", "Cache-Control", "Expires"):
            if name in response.headers:
                unchanged.headers[name] = response.headers[name]
        return unchanged
    return response


def compressible(mimetype: str) -> bool:
    return textual(mimetype) or mimetype in _COMPRESSIBLE


def vary_on_encoding(response: Response) -> bool:
    """Whether the body may be gzipped; if so, the answer varies on Accept-Encoding (whether or not it is). A file
    sent as it is never is (`compress`): an operator's review found a CDN keeping a dump once per Accept-Encoding."""
    if response.direct_passthrough or not compressible(response.mimetype or ""):
        return False
    response.vary.add("Accept-Encoding")
    return True


def compress(response: Response) -> Response:
    """Gzip a buffered, compressible body when the client accepts gzip; files and gzip dumps pass through."""
    if (response.direct_passthrough or response.is_streamed or "Content-Encoding" in response.headers
            or response.status_code != 200):
        return response
    data = response.get_data()
    if len(data) < GZIP_MIN_BYTES or not takes_gzip(request.headers.get("Accept-Encoding")):  # the length first
        return response
    response.set_data(gzipped(data))
    response.headers["Content-Encoding"] = "gzip"
    tag, weak = response.get_etag()
    if tag and not weak:  # the bytes changed, so only a weak validator still holds (RFC 9110 §8.8.1)
        response.set_etag(tag, weak=True)
    return response


def takes_gzip(accept_encoding: str | None) -> bool:
    """Whether a client that sent this Accept-Encoding takes gzip (`gzip;q=0` refuses it), for the app and for the
    fast path, which reads the header itself."""
    return parse_accept_header(accept_encoding)["gzip"] > 0


def gzip_twin(body: bytes) -> bytes:
    """The gzip twin of a file sent as it is (a static asset, a file of the static export): made once, so at the
    highest level, and the same bytes every time (no timestamp)."""
    return gzip.compress(body, compresslevel=9, mtime=0)


def gzipped(body: bytes) -> bytes | None:
    """The gzip encoding of a body worth compressing, else None; the same bytes every time (no timestamp)."""
    return gzip.compress(body, compresslevel=5, mtime=0) if len(body) >= GZIP_MIN_BYTES else None


def log_access(response: Response) -> Response:
    current_app.extensions["mpsc.access_log"].request(request.environ, response.status_code, response.content_length,
                                                      g.get("started"), g.get("limit"))
    return response


def _http_error(error: HttpError) -> Response:
    """An HttpError; on a page in the reader's language where it names its words (an English reader's review, the
    other way round: German error pages said "`page` must be a whole number …")."""
    if error.words and wants_html():
        from .site import error_page  # site needs the package's accessors, which import this module first
        response = error_page(error.status, *error.words, headers=error.headers, details=error.details)
        response.vary.add("Accept")  # a program asking for JSON gets the problem details
        return response
    return error_response(error.status, error.message, error.headers, **error.details)


def _query_failed(error: QueryFailed) -> Response:
    """A store's refusal (syntax error with line and column, timeout, too many rows)."""
    refused(error)
    where = {"line": error.line, "column": error.column} if error.line else {}
    if error.limit:
        where["limit"] = error.limit
    return error_response(error.status, error.message, **where)


def _release_corrupt(error: ReleaseCorrupt) -> Response:
    """A release on disk damaged under the running server (its manifest unreadable): 503, in words, not a 500 with
    a traceback (an operator's review); the served documents and queries answer on from the store."""
    return error_response(503, f"{error}. An operator has to repair or replace it.", {"Retry-After": "300"})


def _http_exception(error: HTTPException) -> Response:
    """Werkzeug's own errors (404, 405, 413, …) in our format, keeping headers such as Allow. An unknown URL
    is the site's one 404 (site.not_found: a page in the reader's language; Werkzeug's texts are English)."""
    if error.code == 404:
        from .site import not_found  # site needs the package's accessors, which import this module first
        return not_found()
    kept = ("Allow", "Retry-After", "Content-Range")  # 416 names the file's length (RFC 9110 §15.5.17)
    headers = {k: v for k, v in error.get_response().headers.items() if k in kept}
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if error.code == 413 and limit and (request.content_length or 0) > limit:  # Werkzeug's words name no limit (a
        # wrangler's review); its other 413, a form of over 1,000 parts, keeps its own words
        return error_response(413, body_too_large(limit))
    return error_response(error.code or 500, error.description or reason(error.code or 500), headers)


def body_too_large(limit: int) -> str:
    """The words of a 413 for a request body over `limit` bytes (Werkzeug's refusal and `body_limit.py`'s)."""
    return f"The request body is larger than {limit:,} bytes, the most this server takes."


def _unexpected(error: Exception) -> Response:
    """Any other exception: logged with its trace for operators, answered 500 in plain words."""
    current_app.logger.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
    return error_response(500, InternalServerError.description)
