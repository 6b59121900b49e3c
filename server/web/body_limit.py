"""A request body sent without Content-Length (chunked) is read here, up to the size limit, before the app sees it.

Werkzeug caps such a stream at MAX_CONTENT_LENGTH but stops there without an error: a form field behind the
cap would be dropped, and the rest answered as if it were the whole request (a query lost, a short link
stored from half a form). Read here up to one byte beyond the limit, the body is handed on with its length,
as if the client had sent one (and without Transfer-Encoding, which would make Werkzeug ignore the length);
Werkzeug then refuses one over the limit with 413, as it does any other.
"""
from __future__ import annotations

import io


class BodyLimit:
    """WSGI middleware: gives a chunked request its body (up to `limit` + 1 bytes) and its length. Only a chunked
    one: without either header a request has no body, and reading the stream would wait for the client."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    def __call__(self, environ, start_response):
        if not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = _read(environ["wsgi.input"], self.limit + 1)
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # the body is whole now; Werkzeug would ignore the length
        return self.app(environ, start_response)


def _read(stream, most: int) -> bytes:
    """Up to `most` bytes of a stream, which may give fewer per read than asked (granian's: what has arrived)."""
    parts, size = [], 0
    while size < most:
        part = stream.read(most - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)
