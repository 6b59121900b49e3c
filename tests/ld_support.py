"""HTTP helpers for the Linked Data tests: plain requests whose redirects and errors are answers too."""
from __future__ import annotations

from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, Request, build_opener

from rdflib import Graph


class NoRedirect(HTTPRedirectHandler):
    """Return 3xx answers as they are, so a test sees the 303 itself."""

    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, accept: str | None = None, method: str = "GET", follow: bool = True, headers=None):
    """(status, headers, body) of one request; errors are answers too."""
    request = Request(url, method=method, headers={**({"Accept": accept} if accept else {}), **(headers or {})})
    opener = build_opener() if follow else build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


def vary(headers) -> set[str]:
    """The header names a response says it varies on."""
    return {name.strip().lower() for name in headers.get("Vary", "").split(",") if name.strip()}


def media_type(headers) -> str:
    return headers.get("Content-Type", "").split(";")[0].strip()


def parse(body: bytes, content_type: str) -> Graph:
    """Parse a body with rdflib, naming the format by the media type the server sent."""
    return Graph().parse(data=body, format=content_type)
