"""/dumps/: the files of the served release and of every earlier one, listed and downloadable; /exports/: the
served release's CSV tables and their CSVW metadata, the same files under a name spreadsheet users look for.

/dumps/ is the release the store serves (`served_release`), so its files are the ones the catalogue
and VoID describe, also after `mpsc build` until the server restarts; while a remote store does not answer,
the current release's files are sent. Files are sent by `responses.send_by_content`: ETag (the file's
SHA-256, so the same file has the same validator under /dumps/ and /dumps/{version}/ and on every replica; no
Last-Modified), 304, HEAD and byte ranges. A file
under its release's own version never changes, so it may be cached for a year; /dumps/{file} follows
the served release and is cached briefly.
"""
from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, redirect

from ..errors import HttpError, QueryFailed
from ..formats import CSV, CSVW_MEDIA_TYPE
from ..build.licences import LICENCES
from ..formats import TURTLE
from ..namespaces import METADATA_GRAPH
from ..build.release import (CHANGES, CHECKSUMS, DATASET_FILE, MANIFEST, NOTES, SEARCH_INDEX, Release, read_checksums,
                             sha256)
from . import get_releases, per_release, responses, served_release
from .documents import file_signposts, link_header
from .site import missing, page_tag, reader, render_page

log = logging.getLogger(__name__)

bp = Blueprint("dumps", __name__)
# Media types of the files about the release, which the manifest does not list.
OWN_FILES = {NOTES: "text/markdown", CHECKSUMS: "text/plain", MANIFEST: "application/json",
             SEARCH_INDEX: "application/vnd.sqlite3", CHANGES: TURTLE.media_type}


@bp.route("/dumps/")
def index() -> Response:
    """The served release's files with size, SHA-256 and licence, and the list of earlier releases."""
    return listing(served_release() or missing("error.no_release"), "dumps/")


@bp.route("/dumps/<version>/")
def version_index(version: str) -> Response:
    """The files of one release."""
    return listing(release_of(version) or missing("error.no_version", version=version), f"dumps/{version}/")


@bp.route("/dumps/<name>")
def current_file(name: str) -> Response:
    """A file of the served release (a version without its slash goes to that release's listing)."""
    if release_of(name) is not None:
        return redirect(f"{reader()[1].base}dumps/{name}/", code=301)
    served = served_release()  # once: a build may switch `current` meanwhile
    return kept_at(send_release_file(served, name, max_age=responses.MAX_AGE), served, name)


@bp.route("/dumps/<version>/<name>")
def versioned_file(version: str, name: str) -> Response:
    """A file of a given release; it never changes."""
    return responses.immutable(send_release_file(release_of(version), name, max_age=responses.YEAR))


@bp.route("/exports/")
def exports_index() -> Response:
    """The served release's CSV tables with their CSVW metadata."""
    release = served_release() or missing("error.no_release")
    return listing(release, EXPORTS)


@bp.route("/exports/<name>")
def export_file(name: str) -> Response:
    """A CSV table or its CSVW metadata (`{table}.csv-metadata.json`, found by CSVW processors next to the table)."""
    release = served_release()
    if release is None or name not in {e["name"] for e in release.files if is_table_file(e)}:
        missing("error.no_file", name=name)
    return kept_at(send_release_file(release, name, max_age=responses.MAX_AGE), release, name)


def kept_at(response: Response, release: Release, name: str) -> Response:
    """A file of the served release, naming where this very file stays (`/dumps/{version}/{name}`, immutable) in
    Content-Location: a reader who cites or caches it finds that copy when the current one has moved on (a citing
    researcher's review)."""
    listing = kept_listing(release.version)
    if listing:
        response.headers["Content-Location"] = listing + name
    return response


def kept_listing(version: str) -> str | None:
    """Where release `version`'s files stay, `/dumps/{version}/`, if this server has them there (the citation,
    the listing and each current file name it): not a `current` copied without links, which has no folder named
    by its version, nor a replica without release files (a review: the address was a 404). Asked once per
    release the store serves."""
    def held() -> bool:
        return release_of(version) is not None

    try:
        kept = per_release.value(f"dumps.kept {version}", held)
    except QueryFailed:  # a remote store away: its files on disk are still sent
        kept = held()
    return f"{reader()[1].base}dumps/{version}/" if kept else None


def is_table_file(entry: dict) -> bool:
    """Whether a manifest entry is a CSV export or its metadata."""
    return entry["media_type"] in (CSV.media_type, CSVW_MEDIA_TYPE)


def release_of(version: str) -> Release | None:
    """The release whose manifest names `version`; links such as `current` are no version and get None,
    so they are never cached as immutable."""
    release = get_releases().get(version)
    return release if release is not None and release.version == version else None


def send_release_file(release: Release | None, name: str, max_age: int) -> Response:
    """Send one release file with validators and range support; 404 for names the release does not list."""
    path = release.file(name) if release else None
    if path is None or not path.is_file():
        missing("error.no_file", name=name)
    entry = next((e for e in release.files if e["name"] == name), None)
    size = path.stat().st_size
    if entry and "bytes" in entry and size != entry["bytes"]:
        # damaged after the start (an operator's review: a truncated file went out under the whole one's ETag,
        # cacheable for a year); the same check as the start's would take a hash of every file on every request
        log.error("release %s: %s holds %d bytes, its manifest says %d", release.version, name, size, entry["bytes"])
        raise HttpError(503, f"The file {name} of this release is damaged on this server; the operator is told.")
    digest = entry["sha256"] if entry else own_digests(release)[name]
    media_type = (entry["media_type"] if entry else TURTLE.media_type if name in release.ontology_files
                  else OWN_FILES[name])
    sent = responses.send_by_content(path, digest, mimetype=media_type, max_age=max_age)
    if entry:  # a file of the data, not one about the release
        sent.headers["Link"] = link_header([], file_signposts(entry))
    return sent


def own_digests(release: Release) -> dict[str, str]:
    """The SHA-256 of each file about the release (the manifest holds only the dumps'), computed once per
    release: SHA256SUMS lists release.json and RELEASE-NOTES.md, so only SHA256SUMS itself is hashed."""
    def compute() -> dict[str, str]:
        try:
            listed = read_checksums(release.path)
        except ValueError:  # no UTF-8 text any more (a review: a 500 and a traceback)
            log.error("release %s: %s cannot be read", release.version, CHECKSUMS)
            raise HttpError(503, f"The {CHECKSUMS} of this release is damaged on this server; the operator is told.")
        return {**listed, CHECKSUMS: sha256((release.path / CHECKSUMS).read_bytes())}

    try:
        return per_release.value(f"dumps.own_digests {release.version}", compute)
    except QueryFailed:  # remembered under the store's version, which a remote store away cannot tell
        return compute()


EXPORTS = "exports/"  # the listing of the served release's tables


def listing(release: Release, path: str) -> Response:
    """The HTML listing of one release at `path` (its files linked under it), or of its tables (EXPORTS); it also
    lists the other releases, so a new one changes the tag. Under `dumps/{version}/` the files are the versioned
    ones, also for the served release (a citing researcher's review: they were the current ones, which move on).
    The tables' listing names no other release, so they do not change its tag (a replica operator's review)."""
    everything = get_releases().all()
    tag = page_tag(release.version, *(() if path == EXPORTS else sorted(r.version for r in everything)))
    return responses.conditional(tag, lambda: listing_page(release, everything, path))


def listing_page(release: Release, everything: list[Release], path: str) -> Response:
    lang, link = reader()
    served, tables_only, base = served_release(), path == EXPORTS, link.base + path
    files = [{**entry, "url": base + entry["name"], "title": entry[f"title_{lang}"],
              "licence_name": LICENCES[entry["licence"]].short, "licence_url": LICENCES[entry["licence"]].url}
             for entry in release.files if is_table_file(entry) or not tables_only]
    own = [(name, base + name) for name in [*OWN_FILES, *release.ontology_files] if (release.path / name).is_file()]
    # The other releases, newest first (Releases.all), apart: those written after this one (a build the server
    # does not serve yet; on an earlier release's page the served one too) and before it (a harvester's review:
    # a newer build was listed as an "earlier release").
    position = next((n for n, r in enumerate(everything) if r.version == release.version), len(everything))
    later, earlier = ([], []) if tables_only else (everything[:position], everything[position + 1:])
    dataset_file = next((entry for entry in release.files if entry["name"] == DATASET_FILE), None)
    permanent = kept_listing(release.version) if path != f"dumps/{release.version}/" else None
    return render_page("dumps.html", release=release, files=files, own=own, current=served, earlier=earlier, later=later,
                       permanent=permanent,
                       dataset_file=dataset_file, metadata_graph=str(METADATA_GRAPH),
                       tables=table_columns(release, lang) if tables_only else [],
                       heading="exports.title" if tables_only else "dumps.title")


def table_columns(release: Release, lang: str) -> list[dict]:
    """Each CSV table's columns as the release's own CSVW metadata describes them: name, title in the reader's
    language, datatype and note. A spreadsheet shows only the header names, and what a column means (which amount
    to sum, which columns hold keys to read as text) was said only in the JSON (a spreadsheet user's review)."""
    tables = []
    for entry in release.files:
        if entry["media_type"] != CSV.media_type:
            continue
        try:
            schema = json.loads((release.path / f"{entry['name']}-metadata.json").read_bytes())["tableSchema"]
        except (OSError, ValueError, KeyError):  # a release written without it: the files' table still lists it
            continue
        columns = [{"name": c["name"], "title": c["titles"].get(lang, c["name"]), "datatype": c.get("datatype"),
                    "note": c.get("dc:description")} for c in schema["columns"]]
        tables.append({"name": entry["name"], "title": entry[f"title_{lang}"], "columns": columns})
    return tables
