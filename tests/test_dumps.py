"""/dumps/: the listing, downloads that match SHA256SUMS, HTTP validators, ranges, and earlier releases."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from server.build import build
from server.config import Settings
from server.web.assets import STATIC
from tests.conftest import serve_app
from tests.ld_support import fetch, media_type

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def checksums(base_url: str, prefix: str = "dumps/") -> dict[str, str]:
    """File name -> SHA-256 from the served SHA256SUMS."""
    status, _, body = fetch(base_url + prefix + "SHA256SUMS")
    assert status == 200
    return {name: digest for digest, name in (line.split("  ") for line in body.decode().splitlines())}


def test_listing_names_every_file_with_size_checksum_and_licence(base_url, release):
    html = fetch(base_url + "dumps/", "text/html")[2].decode()
    assert release.version in html
    for entry in release.files:
        assert f'href="{base_url}dumps/{entry["name"]}"' in html
        assert entry["sha256"] in html
    assert "CC BY 4.0" in html and "dl-de/by-2-0" in html
    assert f'href="{base_url}dumps/SHA256SUMS"' in html


def test_every_download_matches_sha256sums(base_url, release):
    sums = checksums(base_url)
    assert set(sums) >= {e["name"] for e in release.files}
    for name, digest in sums.items():
        status, headers, body = fetch(base_url + "dumps/" + name)
        assert status == 200 and hashlib.sha256(body).hexdigest() == digest, name
        assert int(headers["Content-Length"]) == len(body)


@pytest.mark.parametrize("name, expected", [("mpsc.ttl", "text/turtle"), ("mpsc.jsonld", "application/ld+json"),
                                            ("mpsc.nt.gz", "application/gzip"), ("mpsc-all.nq.gz", "application/gzip"),
                                            ("SHA256SUMS", "text/plain"), ("release.json", "application/json"),
                                            ("RELEASE-NOTES.md", "text/markdown")])
def test_files_have_their_media_type_and_no_content_encoding(base_url, name, expected):
    _, headers, _ = fetch(base_url + "dumps/" + name, headers={"Accept-Encoding": "gzip"})
    assert media_type(headers) == expected
    assert "Content-Encoding" not in headers  # a .gz file is a gzip download, not a compressed transfer


@pytest.mark.parametrize("name", ["SHA256SUMS", "release.json", "RELEASE-NOTES.md"])
def test_files_about_the_release_have_their_sha256_as_etag_too(base_url, release, name):
    _, headers, body = fetch(base_url + "dumps/" + name)
    assert headers["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    assert fetch(f"{base_url}dumps/{release.version}/{name}")[1]["ETag"] == headers["ETag"]


def test_a_current_file_names_where_it_stays(base_url, release):
    """A citing researcher's review: /dumps/mpsc.ttl follows the served release, and nothing said where this very
    file stays once another is served; nor did /dumps/ name its release's own listing."""
    for path in ("dumps/mpsc.ttl", "dumps/SHA256SUMS", "exports/projects.csv"):
        name = path.rsplit("/", 1)[1]
        status, headers, body = fetch(base_url + path)
        kept = f"{base_url}dumps/{release.version}/{name}"
        assert status == 200 and headers["Content-Location"] == kept, path
        assert fetch(kept)[2] == body
    listing = fetch(base_url + "dumps/")[2].decode()
    assert f'<a href="{base_url}dumps/{release.version}/"><code>{base_url}dumps/{release.version}/</code></a>' in listing
    versioned = fetch(f"{base_url}dumps/{release.version}/")[2].decode()
    assert "bleibt mit denselben Dateien unter" not in versioned
    # its files under the version too (they were the current ones, which move on, for the served release)
    assert f'href="{base_url}dumps/{release.version}/mpsc.ttl"' in versioned
    assert f'href="{base_url}dumps/mpsc.ttl"' not in versioned


def test_etag_answers_304_and_no_date_is_sent(base_url, release):
    """The validator is the file's SHA-256; its time on disk is not sent: it tells when this copy was made, and two
    replicas of one release sent two dates, so an If-Modified-Since from one got a 304 from the other for a file
    that had changed (a replica operator's review). Date conditions are ignored (RFC 9110 §13.1.3)."""
    status, headers, _ = fetch(base_url + "dumps/mpsc.ttl")
    entry = next(e for e in release.files if e["name"] == "mpsc.ttl")
    assert status == 200 and headers["ETag"] == f'"{entry["sha256"]}"' and "Last-Modified" not in headers
    assert fetch(base_url + "dumps/mpsc.ttl", headers={"If-None-Match": headers["ETag"]})[:1] == (304,)
    assert fetch(base_url + "dumps/mpsc.ttl", headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})[0] == 200
    assert fetch(base_url + "dumps/mpsc.ttl", headers={"If-None-Match": '"something-else"'})[0] == 200


@pytest.mark.parametrize("path", ["dumps/mpsc.ttl", "exports/projects.csv", "static/style.css",
                                  "static/workbench/marker-icon.png"])
def test_a_files_validators_do_not_follow_its_time_on_disk(base_url, release, path):
    """Another copy of the same bytes (a replica's, a checkout's) answers with the same validators: a file's time
    is no part of them (Werkzeug's tag for an asset was its time, size and absolute path)."""
    file = (release.path / Path(path).name) if not path.startswith("static/") else STATIC / path.removeprefix("static/")
    before = fetch(base_url + path)[1]
    held = file.stat()
    try:
        os.utime(file, (held.st_atime, held.st_mtime - 86400))
        after = fetch(base_url + path)[1]
    finally:
        os.utime(file, ns=(held.st_atime_ns, held.st_mtime_ns))
    assert after["ETag"] == before["ETag"] and "Last-Modified" not in after


def test_head_sends_headers_without_a_body(base_url):
    status, headers, body = fetch(base_url + "dumps/mpsc.ttl", method="HEAD")
    _, _, full = fetch(base_url + "dumps/mpsc.ttl")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) == len(full)


def test_byte_ranges(base_url):
    _, _, full = fetch(base_url + "dumps/mpsc.ttl")
    status, headers, body = fetch(base_url + "dumps/mpsc.ttl", headers={"Range": "bytes=100-199"})
    assert status == 206 and body == full[100:200]
    assert headers["Content-Range"] == f"bytes 100-199/{len(full)}"
    assert "bytes" in fetch(base_url + "dumps/mpsc.ttl", method="HEAD")[1]["Accept-Ranges"]


@pytest.mark.parametrize("asked", ["items=0-1", "bytes=0-0,1-1", "bytes=nonsense"])
def test_ranges_not_served_are_ignored(base_url, asked):
    """RFC 9110 §14.2: another unit, or several ranges (no multipart answers here), get the whole file."""
    _, _, full = fetch(base_url + "dumps/mpsc.ttl")
    status, headers, body = fetch(base_url + "dumps/mpsc.ttl", headers={"Range": asked})
    assert status == 200 and body == full and "Content-Range" not in headers


def test_if_range_compares_strongly(base_url):
    """RFC 9110 §13.1.5: the range of the current file under If-Range with its tag; a weak tag never matches, nor a
    date (it must equal a Last-Modified, which no file has here; Werkzeug took any date no earlier than the file's,
    and a download resumed on another replica spliced two releases' bytes), so the whole file."""
    _, headers, full = fetch(base_url + "dumps/mpsc.ttl")
    tag = headers["ETag"]
    assert fetch(base_url + "dumps/mpsc.ttl", headers={"Range": "bytes=0-9", "If-Range": tag})[0] == 206
    for condition in ("W/" + tag, "Fri, 01 Jan 2100 00:00:00 GMT"):
        status, headers, body = fetch(base_url + "dumps/mpsc.ttl", headers={"Range": "bytes=0-9", "If-Range": condition})
        assert status == 200 and body == full and "Content-Range" not in headers, condition


@pytest.mark.parametrize("path", ["dumps/mpsc.ttl", "exports/projects.csv"])
def test_if_none_match_comes_before_range(base_url, path):
    """RFC 9110 §13.2.2: a Range whose If-None-Match names the file (or `*`) is a 304; it was a 206 (an attacker's
    review). Another tag gets the range."""
    tag = fetch(base_url + path)[1]["ETag"]
    for held in (tag, "*", f'"other", {tag}'):
        status, headers, body = fetch(base_url + path, headers={"Range": "bytes=0-3", "If-None-Match": held})
        assert (status, body) == (304, b"") and "Content-Range" not in headers and headers["ETag"] == tag, held
    assert fetch(base_url + path, headers={"Range": "bytes=0-3", "If-None-Match": '"other"'})[0] == 206
    assert fetch(base_url + path, headers={"Range": "bytes=0-3",  # a date: no file has one to compare with
                                           "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})[0] == 206


def test_a_range_beyond_the_file_names_its_length(base_url):
    """RFC 9110 §15.5.17: 416 with `Content-Range: bytes */length`, so the client learns how long it is."""
    _, _, full = fetch(base_url + "dumps/mpsc.ttl")
    status, headers, _ = fetch(base_url + "dumps/mpsc.ttl", headers={"Range": f"bytes={len(full)}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(full)}"


@pytest.mark.parametrize("path", ["doc/state/09", "doc/state/09.ttl", "id/state/09", "projects"])
def test_if_match_fails_on_every_answer_with_another_or_a_weak_tag(base_url, path):
    """RFC 9110 §13.1.1: If-Match compares strongly, so a page's or document's weak tag never matches; `*` does."""
    status, headers, _ = fetch(base_url + path)
    tag = headers.get("ETag")
    assert fetch(base_url + path, headers={"If-Match": '"not-this-one"'})[0] == 412
    if tag:
        assert fetch(base_url + path, headers={"If-Match": tag})[0] == (412 if tag.startswith("W/") else status)
    assert fetch(base_url + path, headers={"If-Match": "*"})[0] == status


def test_if_unmodified_since_is_ignored(base_url):
    """RFC 9110 §13.1.4: ignored where the file has no modification date, as here (its SHA-256 validates it;
    If-Match is the condition that guards a change)."""
    _, headers, _ = fetch(base_url + "dumps/mpsc.ttl")
    before = "Sat, 05 Dec 1990 00:00:00 GMT"
    assert fetch(base_url + "dumps/mpsc.ttl", headers={"If-Unmodified-Since": before})[0] == 200
    assert fetch(base_url + "dumps/mpsc.ttl", headers={"If-Unmodified-Since": before, "Range": "bytes=0-9"})[0] == 206
    assert fetch(base_url + "dumps/mpsc.ttl", headers={"If-Unmodified-Since": before,
                                                       "If-None-Match": headers["ETag"]})[0] == 304


def test_a_failed_if_match_is_a_short_error_nobody_keeps(base_url, release):
    for path in (f"dumps/{release.version}/mpsc.ttl", "dumps/mpsc.ttl", "static/style.css"):
        for ranged in ({}, {"Range": "bytes=0-9"}):  # the precondition first (RFC 9110 §13.2.2), then the range
            status, headers, body = fetch(base_url + path, headers={"If-Match": '"not-this-one"', **ranged})
            assert status == 412 and len(body) < 1000 and "max-age" not in headers.get("Cache-Control", ""), path
            assert "If-Match" in json.loads(body)["detail"]
        status, headers, _ = fetch(base_url + path)
        assert fetch(base_url + path, headers={"If-Match": headers["ETag"], "Range": "bytes=0-9"})[0] == 206
        # A passed If-Match (`*` or the tag) gives the file; If-None-Match is evaluated next (§13.2.2): 304.
        for held in ("*", headers["ETag"]):
            assert fetch(base_url + path, headers={"If-Match": held})[0] == 200, (path, held)
            assert fetch(base_url + path, method="HEAD", headers={"If-Match": held})[0] == 200, (path, held)
            assert fetch(base_url + path, headers={"If-Match": held, "If-None-Match": headers["ETag"]})[0] == 304


def test_versioned_files_are_immutable_and_current_ones_are_not(base_url, release):
    status, headers, body = fetch(f"{base_url}dumps/{release.version}/mpsc.ttl")
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert hashlib.sha256(body).hexdigest() == checksums(base_url, f"dumps/{release.version}/")["mpsc.ttl"]
    assert "immutable" not in fetch(base_url + "dumps/mpsc.ttl")[1]["Cache-Control"]


@pytest.mark.parametrize("path", ["dumps/no-such-file.ttl", "dumps/../release.json", "dumps/000000000000/mpsc.ttl",
                                  "dumps/.current-1/mpsc.ttl", "dumps/current/mpsc.ttl", "dumps/current/",
                                  "dumps/current"])
def test_unknown_files_are_404(base_url, path):
    """`current` is a link that moves with every build, not a version: nothing under it may be cached for a year."""
    status, headers, _ = fetch(base_url + path)
    assert status == 404 and "immutable" not in headers.get("Cache-Control", "")


def test_missing_files_are_explained_in_the_readers_language(base_url):
    status, headers, body = fetch(base_url + "dumps/no-such-file.ttl", BROWSER)
    assert status == 404 and media_type(headers) == "text/html" and headers["Content-Language"] == "de"
    assert "Nicht gefunden" in body.decode() and "keine Datei no-such-file.ttl" in body.decode()
    english = fetch(base_url + "dumps/no-such-file.ttl", BROWSER, headers={"Accept-Language": "en"})[2].decode()
    assert "There is no file no-such-file.ttl" in english
    status, headers, body = fetch(base_url + "dumps/no-such-file.ttl")  # a program gets problem details
    assert status == 404 and json.loads(body)["detail"] == "There is no file no-such-file.ttl in this release."


def test_earlier_releases_stay_available(small_root, tmp_path):
    """Two builds into one folder: /dumps/ serves the newer, /dumps/{old}/ the older, both listed."""
    releases = tmp_path / "releases"
    first = build(small_root, releases).version
    data = small_root / "data" / "programme" / "valid.ttl"
    data.write_text(data.read_text(encoding="utf-8").replace('"Smart City Bamberg"@de', '"Smart City Bamberg!"@de'),
                    encoding="utf-8")
    second = build(small_root, releases).version
    assert first != second
    with serve_app(Settings.from_env(root=small_root, releases=releases)) as url:
        assert f"dumps/{first}/" in fetch(url + "dumps/", "text/html")[2].decode()
        old = fetch(f"{url}dumps/{first}/mpsc.ttl")[2]
        new = fetch(url + "dumps/mpsc.ttl")[2]
        assert b"Smart City Bamberg!" in new and b"Smart City Bamberg!" not in old
        assert hashlib.sha256(old).hexdigest() == checksums(url, f"dumps/{first}/")["mpsc.ttl"]
        listing = fetch(f"{url}dumps/{first}/", "text/html")[2].decode()
        assert f'href="{url}dumps/{first}/mpsc.ttl"' in listing
        status, headers, _ = fetch(f"{url}dumps/{first}", follow=False)
        assert status == 301 and headers["Location"] == f"{url}dumps/{first}/"
        # an earlier release whose manifest cannot be read is left out; the served one answers on (an operator's
        # review: /dumps/ and every file of that release answered 500)
        manifest = releases / first / "release.json"
        whole = manifest.read_bytes()
        for damaged in (b"X" + whole[1:], json.dumps({**json.loads(whole), "modified": "not-a-date"}).encode()):
            manifest.write_bytes(damaged)  # unreadable, or readable and edited (a 500 from the listing's date)
            status, _, body = fetch(url + "dumps/", "text/html")
            assert status == 200 and f"dumps/{first}/" not in body.decode()
            assert fetch(url + "dumps/mpsc.ttl")[0] == 200 and fetch(f"{url}dumps/{first}/mpsc.ttl")[0] == 404
            assert fetch(f"{url}changes/{first}")[0] == 404 and fetch(f"{url}dumps/{first}/")[0] == 404


def test_dumps_follow_the_release_the_store_serves(small_root, tmp_path):
    """A build while the server runs switches `current` on disk, but the store still serves the release it
    loaded: /dumps/ stays with that one, so the files match what the catalogue says about them."""
    releases = tmp_path / "releases"
    first = build(small_root, releases).version
    with serve_app(Settings.from_env(root=small_root, releases=releases)) as url:
        served = fetch(url + "dumps/mpsc.ttl")[2]
        data = small_root / "data" / "programme" / "valid.ttl"
        data.write_text(data.read_text(encoding="utf-8").replace("Smart City Bamberg", "Smart City Bamberg!"),
                        encoding="utf-8")
        second = build(small_root, releases).version
        assert second != first
        assert fetch(url + "dumps/mpsc.ttl")[2] == served
        page = fetch(url + "dumps/", BROWSER)[2].decode()
        assert f"<code>{first}</code>" in page.split("<h2>")[0]
        # the newer build, not served yet, is a later release, not an earlier one (a harvester's review)
        later = next(part for part in page.split("<h2>") if f"<code>{second}</code>" in part)
        assert later.startswith("Spätere Veröffentlichungen</h2>") and "Frühere" not in page
        older = fetch(f"{url}dumps/{second}/", BROWSER)[2].decode()  # seen from the newer one, the served is earlier
        assert next(p for p in older.split("<h2>") if f"<code>{first}</code>" in p).startswith("Frühere")
        assert json.loads(fetch(url + "dumps/release.json")[2])["version"] == first
        catalog = Graph().parse(data=fetch(url + "catalog.ttl")[2], format="turtle")
        download = URIRef(f"https://w3id.org/mpsc/dumps/{first}/mpsc.ttl")
        assert catalog.value(catalog.value(None, DCAT.downloadURL, download), DCAT.byteSize).toPython() == len(served)
        shutil.rmtree(releases / first)  # the served release is gone: /dumps/ offers the current one
        assert b"Smart City Bamberg!" in fetch(url + "dumps/mpsc.ttl")[2]


def test_a_new_release_changes_the_listing_validator(small_root, tmp_path):
    """The listing names every release, so a conditional GET after a build must not get 304. The tables' listing
    names none, so its tag stays (a replica operator's review: a build not served yet changed it)."""
    releases = tmp_path / "releases"
    build(small_root, releases)
    with serve_app(Settings.from_env(root=small_root, releases=releases)) as url:
        status, headers, _ = fetch(url + "dumps/", BROWSER)
        etag = headers["ETag"]
        tables = fetch(url + "exports/", BROWSER)[1]["ETag"]
        data = small_root / "data" / "programme" / "valid.ttl"
        data.write_text(data.read_text(encoding="utf-8").replace("Smart City Bamberg", "Smart City Bamberg!"),
                        encoding="utf-8")
        second = build(small_root, releases).version
        status, headers, body = fetch(url + "dumps/", BROWSER, headers={"If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag
        assert f"dumps/{second}/" in body.decode()
        assert fetch(url + "exports/", BROWSER, headers={"If-None-Match": tables})[0] == 304


def test_files_damaged_after_the_start_are_refused_not_sent_as_whole(settings, real_store, release, tmp_path):
    """An operator's review: a release file cut short on the server went out under the whole file's ETag, cacheable
    for a year (a CDN would have kept it), and a damaged search index answered 500 with a traceback. Both 503,
    saying the operator is told; other files are still sent."""
    copy = tmp_path / "releases"
    shutil.copytree(release.path, copy / release.version)
    (copy / "current").symlink_to(release.version)
    with serve_app(settings.with_(releases=copy), store=real_store) as url:
        for name, size in (("projects.csv", 1000), ("search.sqlite", 4096)):
            with open(copy / release.version / name, "r+b") as damaged:
                damaged.truncate(size)
        status, headers, body = fetch(f"{url}dumps/{release.version}/projects.csv", "text/csv")
        assert status == 503 and b"projects.csv of this release is damaged on this server" in body
        assert "immutable" not in headers.get("Cache-Control", "")
        assert fetch(f"{url}dumps/{release.version}/mpsc.ttl", "text/turtle")[0] == 200
        for path in ("search?q=K%C3%B6ln", "search/suggest?q=K%C3%B6l"):
            status, _, body = fetch(url + path, "text/html")
            assert status == 503 and b"search index of the served release is damaged" in body, path
