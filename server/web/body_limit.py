"""A chunked request body (no Content-Length) is read whole, up to the size limit, when the app first reads it.

Werkzeug caps such a stream at MAX_CONTENT_LENGTH but stops there without an error: a form field behind the
cap would be dropped, and the rest answered as if it were the whole request (a query lost, a short link
stored from half a form). Read whole here, a body over the limit is refused with 413 instead. Only when the
app reads it: a route that reads no body never waits for one that a client announces and never sends, so such
clients hold no thread of the pages, documents or /healthz.
"""
from __future__ import annotations

import io

from werkzeug.exceptions import RequestEntityTooLarge


class BodyLimit:
    """WSGI middleware: a chunked request's body becomes a `WholeBody` of at most `limit` bytes."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    def __call__(self, environ, start_response):
        if not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            environ["wsgi.input"] = WholeBody(environ["wsgi.input"], self.limit)
        return self.app(environ, start_response)


class WholeBody:
    """A request body read whole at its first read: RequestEntityTooLarge (413) if it is longer than `limit`."""

    def __init__(self, stream, limit: int):
        self._stream, self._limit, self._body = stream, limit, None

    def read(self, size: int = -1) -> bytes:
        if self._body is None:
            data = _read(self._stream, self._limit + 1)
            if len(data) > self._limit:
                raise RequestEntityTooLarge()
            self._body = io.BytesIO(data)
        return self._body.read(size)


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
