"""/dumps/: the files of the current release and of every earlier one, listed and downloadable.

Files are sent by Werkzeug's `send_file` with conditional handling: ETag (the file's SHA-256 from the
release manifest, so the same file has the same validator under /dumps/ and /dumps/{version}/),
Last-Modified, 304, HEAD and byte ranges. A versioned file never changes, so it may be cached for a
year; /dumps/{file} follows the current release and is cached briefly.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, send_file

from ..release import CHECKSUMS, MANIFEST, NOTES, Release
from . import current_release, http
from .site import page_tag, reader, render_page

bp = Blueprint("dumps", __name__)
YEAR = 365 * 24 * 3600
# Media types of the files about the release, which the manifest does not list.
OWN_FILES = {NOTES: "text/markdown", CHECKSUMS: "text/plain", MANIFEST: "application/json"}
LICENCES = {
    "cc-by-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "dl-by-de-2.0": ("dl-de/by-2-0", "https://www.govdata.de/dl-de/by-2-0"),
}


@bp.route("/dumps/")
def index() -> Response:
    """The current release's files with size, SHA-256 and licence, and the list of earlier releases."""
    release = current_release()
    if release is None:
        abort(404, "No release has been built yet.")
    return listing(release)


@bp.route("/dumps/<version>/")
def version_index(version: str) -> Response:
    """The files of one release."""
    return listing(releases().get(version) or abort(404, f"There is no release {version}."))


@bp.route("/dumps/<name>")
def current_file(name: str) -> Response:
    """A file of the current release (a version without its slash goes to that release's listing)."""
    if releases().get(name) is not None:
        return redirect(f"{reader()[1].base}dumps/{name}/", code=301)
    return send_release_file(current_release(), name, max_age=http.MAX_AGE)


@bp.route("/dumps/<version>/<name>")
def versioned_file(version: str, name: str) -> Response:
    """A file of a given release; it never changes."""
    return send_release_file(releases().get(version), name, max_age=YEAR, immutable=True)


def releases():
    return current_app.extensions["mpsc.releases"]


def send_release_file(release: Release | None, name: str, max_age: int, immutable: bool = False) -> Response:
    """Send one release file with validators and range support; 404 for names the release does not list."""
    path = release.file(name) if release else None
    if path is None or not path.is_file():
        abort(404, f"There is no file {name} in this release.")
    entry = next((e for e in release.files if e["name"] == name), {})
    response = send_file(path, mimetype=entry.get("media_type") or OWN_FILES[name], conditional=True,
                         etag=entry.get("sha256", True), max_age=max_age)
    if immutable:
        response.cache_control.immutable = True
    return response


def listing(release: Release) -> Response:
    """The HTML listing of one release."""
    tag = page_tag(release.version)
    response = http.not_modified(tag)
    if response is not None:
        return response
    lang, link = reader()
    current = current_release()
    base = f"{link.base}dumps/" if current and release.version == current.version else f"{link.base}dumps/{release.version}/"
    files = [{**entry, "url": base + entry["name"], "title": entry[f"title_{lang}"],
              "licence_name": LICENCES[entry["licence"]][0], "licence_url": LICENCES[entry["licence"]][1]}
             for entry in release.files]
    own = [(name, base + name) for name in OWN_FILES if (release.path / name).is_file()]
    return render_page("dumps.html", tag=tag, release=release, files=files, own=own, current=current,
                       earlier=[r for r in releases().all() if r.version != release.version])
