"""Static assets (server/static/): the URLs pages name them by, and how long an answer may be kept.

A page names an asset with `?v=` and the first 12 hex digits of the file's SHA-256 (`url`). The answer to exactly
that version never changes, so any cache may keep it for a year without asking again (`immutable`, RFC 8246), and
a changed file is a new URL. So are the chunks esbuild names by their content (`chart-QQPY3UDV.js`), which the
entry scripts import by name. Any other request (no version, or another one) stays `no-cache` with the file's
ETag: a browser asks again and gets a 304 (an operator's review: every page view asked again for the
editor's half megabyte of script and the style sheet). The static site's nginx configuration sends the same
(static_config.py, from `immutable_keys`).

A client that takes gzip gets a compressible asset gzipped, made once per version of the file (`twin`), as the
static export's nginx answers from its gzip twins: a review over a slow mobile network found the query editor's
500 KB of script sent as it is (157 KB gzipped), ten seconds at 50 KB/s.
"""
from __future__ import annotations

import functools
import hashlib
import io
import mimetypes
import os
import re
from pathlib import Path

from flask import Flask, Response, request
from werkzeug.security import safe_join

from . import responses
from .hooks import GZIP_MIN_BYTES, compressible, gzip_twin, takes_gzip

STATIC = Path(__file__).resolve().parent.parent / "static"
CONTENT_NAMED = re.compile(r"-[0-9A-Z]{8}\.js$")  # esbuild's chunk names, [name]-[hash] (server/static/workbench)


def version(path: str) -> str:
    """The version pages name the asset `path` (relative to server/static/) by: its content's, so that a file
    changed while the server runs (a developer's edit) is a new version at once."""
    stat = (STATIC / path).stat()
    return _digest(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _digest(path: str, modified: int, size: int) -> str:
    return hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:12]


def url(base: str, path: str) -> str:
    """The URL a page names the asset `path` by, under the deployment's `base`."""
    return f"{base}static/{path}?v={version(path)}"


def immutable(path: str, asked: str | None) -> bool:
    """Whether the answer for the existing asset `path`, asked for as version `asked`, never changes."""
    return CONTENT_NAMED.search(path) is not None or asked == version(path)


def immutable_keys() -> list[str]:
    """`/static/{path}?{version}` of every asset, for the static site's configuration (static_config.py)."""
    return [f"/static/{path}?{version(path)}" for path in
            sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file())]


@functools.lru_cache(maxsize=64)
def twin(path: str, version_of: str) -> bytes:
    """The gzip encoding of asset `path` as it is at `version_of` (the key: a changed file is another entry)."""
    return gzip_twin((STATIC / path).read_bytes())


def existing(path: str) -> str | None:
    """The file under server/static/ that `path` names, relative to it as `safe_join` cleans it (`map/../style.css`
    is `style.css`, as Flask's view answered it); None for a folder, a missing file or anything outside."""
    file = safe_join(str(STATIC), path)
    return Path(file).relative_to(STATIC).as_posix() if file is not None and os.path.isfile(file) else None


def worth_gzip(path: str) -> bool:
    """Whether asset `path` (an `existing` one) is answered gzipped to a client that takes gzip: a compressible
    file of GZIP_MIN_BYTES or more."""
    mimetype = mimetypes.guess_type(path)[0] or ""
    return compressible(mimetype) and (STATIC / path).stat().st_size >= GZIP_MIN_BYTES


def gzip_answer(path: str) -> Response:
    """Asset `path` gzipped, with a strong ETag of its own; the request's conditions and ranges are evaluated on these
    bytes (If-Range with the plain file's tag gets the whole of them)."""
    current = version(path)
    answer = responses.send_by_content(io.BytesIO(twin(path, current)), f"{current}-gzip",
                                       download_name=Path(path).name, max_age=None)
    answer.headers["Content-Encoding"] = "gzip"
    return answer


def plain_answer(path: str) -> Response:
    """Asset `path` as it is, tagged by its content's version as pages name it: the same on every replica and
    checkout (Flask's own tag, the file's time, size and absolute path, differed between two replicas of one
    release, and a revalidation that reached the other one got the whole file)."""
    return responses.send_by_content(STATIC / path, version(path), max_age=None)


def init_app(app: Flask) -> None:
    """Have the static view send a file by its content's version (`plain_answer`), or gzipped to a client that takes
    gzip (`gzip_answer`), deciding which before evaluating any condition, and say `immutable` where `immutable`
    holds. Flask's own view decides that a name means no file (404, also outside server/static/)."""
    serve = app.view_functions["static"]

    @functools.wraps(serve)
    def static(filename: str):
        name = existing(filename)  # every name below is this one (a review: `nope/../style.css` was a 500)
        if name is None:
            return serve(filename=filename)
        if not worth_gzip(name):
            response = plain_answer(name)
        else:
            response = (gzip_answer(name) if takes_gzip(request.headers.get("Accept-Encoding"))
                        else plain_answer(name))
            response.vary.add("Accept-Encoding")
        if response.status_code in (200, 304) and immutable(name, request.args.get("v")):
            responses.immutable(response)
        return response

    app.view_functions["static"] = static
