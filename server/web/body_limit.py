"""Request bodies: each is read whole when the app first reads it, up to the size limit, and one client address
sends at most MPSC_CLIENT_BODIES of them at once.

Granian calls the app as soon as a request's headers are in; reading the body then waits, in the app's HTTP
thread, for bytes still on their way. A client that announces bodies and never sends them held one thread
each, so that 85 such requests from one address stopped every route of a worker (81–84 threads by default),
/healthz included. Here the body is read in one go while it counts for its client's address: the next
request of a client already sending MPSC_CLIENT_BODIES bodies gets 429 at once instead of a thread to wait
in. Only when the app reads it: a route that reads no body never waits for one, so such clients hold no
thread of the pages, documents or /healthz. Many addresses together can still take every thread: that is
what a buffering proxy in front is for (docs/deployment.md).

Werkzeug caps a chunked stream (no Content-Length) at MAX_CONTENT_LENGTH but stops there without an error: a
form field behind the cap would be dropped, and the rest answered as if it were the whole request (a query
lost, a short link stored from half a form). Read whole here, a body over the limit is refused with 413, and one
that ends before its Content-Length with 400 (it had been answered as the whole request: an attacker's review).
"""
from __future__ import annotations

import io

from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from .admission import AtOnce, client_in
from .hooks import body_too_large


class BodyLimit:
    """WSGI middleware: a request's body becomes a `WholeBody` of at most `limit` bytes, sent by its client
    address (behind `trusted` proxies, the one they forward) while it has fewer than `per_client` others."""

    def __init__(self, app, limit: int, per_client: int, trusted: tuple[str, ...]):
        self.app, self.limit, self.trusted = app, limit, trusted
        self.senders = AtOnce(per_client, "Your address is sending {most} request bodies already, the most one client "
                                             "may send at once. Finish sending those first.", "client_bodies")

    def __call__(self, environ, start_response):
        most = self._most(environ)
        if most:
            client = client_in(environ, self.trusted)
            announced = bool(environ.get("CONTENT_LENGTH", "").strip())
            environ["wsgi.input"] = WholeBody(environ["wsgi.input"], most, self.limit, self.senders, client, announced)
        return self.app(environ, start_response)

    def _most(self, environ) -> int:
        """How many bytes to read of the body: its Content-Length, at most the limit and one more (werkzeug
        refuses a longer one before reading), or for a chunked one the limit and one more, to see one too long;
        0 for none, and for a Content-Length that is not a number (which werkzeug reads as no body)."""
        length = environ.get("CONTENT_LENGTH", "").strip()
        if not length:
            chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
            return self.limit + 1 if chunked else 0
        return min(int(length), self.limit + 1) if length.isascii() and length.isdigit() else 0


class WholeBody:
    """A request body read whole at its first read (RequestEntityTooLarge, 413, if longer than `limit`), while
    it counts among the bodies its client is sending."""

    def __init__(self, stream, most: int, limit: int, senders: AtOnce, client: str, announced: bool):
        self._stream, self._most, self._limit, self._body = stream, most, limit, None
        self._senders, self._client, self._announced = senders, client, announced

    def read(self, size: int = -1) -> bytes:
        if self._body is None:
            with self._senders.holding(self._client):
                data = _read(self._stream, self._most)
            if len(data) > self._limit:
                raise RequestEntityTooLarge(body_too_large(self._limit))
            if self._announced and len(data) < self._most:  # the client stopped sending before its Content-Length
                raise BadRequest(f"The request body ended after {len(data):,} of the {self._most:,} bytes its "
                                 "Content-Length announced; send it whole.")
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
