"""`mpsc export-site DIR`: the site as static files, so that nginx, Caddy or a CDN serves documents and pages
while `/sparql` (and whatever was not exported) goes to `mpsc serve` replicas.

Every file is the app's own answer, requested in-process through the whole app (Flask's test client), so a
static file is byte for byte what `mpsc serve` answers under the same base URL: export with the base URL
the static host will serve under. How a request finds its file is the layout below, which the generated
server configuration (static_config.py) follows:

    doc/X.ttl, .jsonld, .rdf, .nt      the RDF documents (answer /doc/X.ttl, and /doc/X when Accept picks Turtle)
    doc/X.de.html, doc/X.en.html       the page of /doc/X when Accept-Language decided the language
    doc/X.lang-de.html, .lang-en.html  the page of /doc/X?lang=de and ?lang=en (its links keep the choice)
    index.de.html, projects.de.html …  the site's pages, in the same four language variants
    .well-known/void.ttl, catalog.ttl  the metadata, in every RDF format
    dumps/…, dumps/VERSION/…           the release's files; exports/… its CSV tables and their listing
    static/…, robots.txt, sitemap.xml  the assets, crawl rules and sitemap (with its parts, sitemap-N.xml)

Compressible files of 1 KB or more get a gzip twin (FILE.gz, for nginx's gzip_static). A rendered file's
modification time is the time the release was written, or the code and queries that render it changed if that was
later, a release file's the release's (`file_time`), so every export of one release by one installation gives every
static host the same validators (nginx's ETag is made of modification time and size), and a later release or code
other ones.
"""
from __future__ import annotations

import mimetypes
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from ..build.release import MANIFEST, Release
from ..errors import BadSetting
from ..formats import GRAPH_FORMATS, HTML
from . import static_config
from .access_log import AccessLog
from .dumps import OWN_FILES, is_table_file
from .harvest import PAGES, document_iris, sitemap_part_path, sitemap_parts
from .hooks import GZIP_MIN_BYTES, compressible, gzip_twin
from .i18n import LANGUAGES
from .links import document_path

# The language variants of a page: file suffix, query string, request headers.
PAGE_VARIANTS = tuple((f".{lang}.html", "", {"Accept-Language": lang}) for lang in LANGUAGES) + tuple(
    (f".lang-{lang}.html", f"lang={lang}", {}) for lang in LANGUAGES)
METADATA = (".well-known/void", "catalog")  # negotiated RDF documents outside /doc/ (harvest.py)
# What ends the name of each file one URL may be answered from by Accept and Accept-Language (nginx's $mpsc_variant,
# Caddy's {mpsc_variant}), each of them also gzipped (gzip_static, `precompressed`): `variant_offset` numbers them.
VARIANT_SUFFIXES = tuple(suffix for suffix, _, _ in PAGE_VARIANTS) + tuple(f".{f.extension}" for f in GRAPH_FORMATS)


def variant_offset(name: str) -> int:
    """How many seconds before the export's time the file `name` is stamped: a number of its own for each file one
    URL may be answered from. nginx's and Caddy's validators are a file's time and size, and with one time for all,
    the variants of a URL that have one length had one strong ETag, and all of them one Last-Modified: the English
    page was a 304 to the German one's ETag, Turtle to the HTML page's date (a cache-poisoning review)."""
    compressed = name.endswith(".gz")
    stem = name.removesuffix(".gz")
    position = next((n + 1 for n, suffix in enumerate(VARIANT_SUFFIXES) if stem.endswith(suffix)), 0)
    return position + compressed * (len(VARIANT_SUFFIXES) + 1)


@dataclass
class Exported:
    files: int = 0
    bytes: int = 0
    missing: int = 0  # URLs the app did not answer with 200 (left to mpsc serve)
    removed: int = 0  # files an earlier export into the folder left that this one did not write


def export_site(app: Flask, release: Release, out: Path, only: tuple[str, ...] = ()) -> Exported:
    """Write the site of `release` as `app` answers it into `out`/site; `only` limits the documents to those
    whose path under /id/ starts with one of these prefixes (the rest is left to mpsc serve). The export's own
    requests, tens of thousands, are no clients': `app` logs none of them."""
    logged, app.extensions["mpsc.access_log"] = app.extensions["mpsc.access_log"], AccessLog(addresses="off")
    try:
        return _export(app, release, Path(out) / "site", only)
    finally:
        app.extensions["mpsc.access_log"] = logged


def _export(app: Flask, release: Release, site: Path, only: tuple[str, ...]) -> Exported:
    writer = _Writer(app, site, file_time(release, PACKAGE, app.config["MPSC"].root / "queries"))
    for iri in documents(app, only):
        path = document_path(iri)
        for fmt in GRAPH_FORMATS:
            writer.fetch(f"{path}.{fmt.extension}", f"{path}.{fmt.extension}")
        writer.page(path)
    for page in (*PAGES, f"dumps/{release.version}/", "exports/"):
        writer.page(page)
    for path in METADATA:
        for fmt in GRAPH_FORMATS:
            writer.fetch(path, f"{path}.{fmt.extension}", headers={"Accept": fmt.media_type})
    for fmt in GRAPH_FORMATS:
        writer.fetch(f"ontology.{fmt.extension}", f"ontology.{fmt.extension}")
    for path in ("robots.txt", "sitemap.xml", *sitemap_part_paths(app), "map/germany.svg"):
        writer.fetch(path, path)
    copy_files(release, app, writer)
    writer.remove_others()
    return writer.done


def write_configs(app: Flask, out: Path, listen: str, upstreams: tuple[str, ...], version: str) -> None:
    """nginx/nginx.conf (runnable with `nginx -p OUT`), nginx/site.conf (for an existing nginx) and Caddyfile,
    for the site `app` answers (its base URL, its pages' security policy)."""
    settings = app.config["MPSC"]
    base, csp, root = settings.public_base, app.extensions["mpsc.page_policy"][False], str(Path(out).resolve() / "site")
    folder = Path(out) / "nginx"
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    site = static_config.nginx_site(base, listen, upstreams, version, csp, root=root,
                                    request_bytes=settings.request_bytes)
    (folder / static_config.NGINX_SITE).write_text(site, encoding="utf-8")
    (folder / "nginx.conf").write_text(static_config.nginx_main(), encoding="utf-8")
    caddy = static_config.caddyfile(base, listen, upstreams, version, csp, root=root)
    (Path(out) / "Caddyfile").write_text(caddy, encoding="utf-8")


def documents(app: Flask, only: tuple[str, ...]) -> list[str]:
    """The IRIs of every resource with a document (as in the sitemap), limited to the `only` prefixes; BadSetting
    for a prefix that names none (an operator's review: `--only nosuch/` exported no document without a word)."""
    with app.app_context():
        iris = document_iris()
    if not only:
        return iris
    paths = {iri: document_path(iri)[len("doc/"):] for iri in iris}
    unmatched = [prefix for prefix in only if not any(path.startswith(prefix) for path in paths.values())]
    if unmatched:
        raise BadSetting(f"--only {unmatched[0]}: no document's path under /id/ starts so (such as project/ or "
                         "municipality/)")
    return [iri for iri, path in paths.items() if path.startswith(only)]


def sitemap_part_paths(app: Flask) -> list[str]:
    """The parts of a sitemap too long for one file (harvest.py), which sitemap.xml then names."""
    with app.test_request_context():
        return [sitemap_part_path(n) for n in range(1, sitemap_parts() + 1)]


def copy_files(release: Release, app: Flask, writer: "_Writer") -> None:
    """The release's files under /dumps/ and /dumps/VERSION/, its tables under /exports/ too, and the static
    assets under /static/."""
    tables = {entry["name"] for entry in release.files if is_table_file(entry)}
    written = file_time(release)  # the release's own files: their bytes change with the release, not the code
    for name in [entry["name"] for entry in release.files] + [*OWN_FILES, *release.ontology_files]:
        if (release.path / name).is_file():
            for folder in ("dumps", f"dumps/{release.version}", *(["exports"] if name in tables else [])):
                writer.copy(release.path / name, f"{folder}/{name}", written)
    static = Path(app.static_folder)
    for source in sorted(p for p in static.rglob("*") if p.is_file()):
        writer.copy(source, "static/" + source.relative_to(static).as_posix())


class _Writer:
    """Requests URLs from the app and writes its answers (and their gzip twins) under `site`."""

    def __init__(self, app: Flask, site: Path, mtime: float):
        self.client, self.site, self.mtime = app.test_client(), site, mtime
        self.done = Exported()
        self.written: set[Path] = set()
        self.copies: dict[Path, Path] = {}  # a copied file's source: its first copy

    def remove_others(self) -> None:
        """Remove what an earlier export into this folder left that this one did not write: nginx answers /id/X with
        303 wherever doc/X was exported, so a document of a resource since retired would be served as it was
        (a reviewer's finding), where the app answers 301 or 410. The folders left empty go too (a newcomer's
        review: `doc/round/` stayed after an export with another `--only`), deepest first."""
        for file in [f for f in self.site.rglob("*") if f.is_file() and f not in self.written]:
            file.unlink()
            self.done.removed += 1
        for folder in sorted((d for d in self.site.rglob("*") if d.is_dir()), key=lambda d: len(d.parts), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()

    def page(self, path: str) -> None:
        """The four language variants of an HTML page (a path ending in / is stored as …/index)."""
        stem = path + "index" if path.endswith("/") or not path else path
        for suffix, query, headers in PAGE_VARIANTS:
            self.fetch(path, stem + suffix, query, {"Accept": HTML.media_type, **headers})

    def fetch(self, path: str, target: str, query: str = "", headers: dict | None = None) -> None:
        """GET /`path`?`query` and store a 200 answer's body as `target`."""
        response = self.client.get("/" + path, query_string=query, headers=headers or {})
        if response.status_code != 200:
            self.done.missing += 1
            return
        self.write(target, response.get_data(), compressible(response.mimetype or ""))

    def write(self, target: str, body: bytes, compress: bool, mtime: float | None = None) -> None:
        """Write an answer (and its gzip twin) stamped with `mtime`, by default the export's (`file_time`), less its
        `variant_offset`."""
        file = self.site / target
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(body)
        self._stamp(file, len(body), mtime)
        if compress and len(body) >= GZIP_MIN_BYTES:
            twin = file.with_name(file.name + ".gz")
            twin.write_bytes(gzip_twin(body))
            self._stamp(twin, twin.stat().st_size, mtime)

    def copy(self, source: Path, target: str, mtime: float | None = None) -> None:
        """A file as it is: dumps (a gzip dump stays one file) and static assets. A file copied before (a release's
        file is under /dumps/, /dumps/VERSION/ and perhaps /exports/) is copied with its gzip twin from its first
        copy, not compressed again: compressing took most of an export's time."""
        first = self.copies.setdefault(source, self.site / target)
        if first != self.site / target:
            self._copy_file(first, target, mtime)
            twin = first.with_name(first.name + ".gz")
            if twin in self.written:
                self._copy_file(twin, target + ".gz", mtime)
            return
        kind, encoding = mimetypes.guess_type(source.name)
        if encoding is None and source.stat().st_size < 50_000_000:
            self.write(target, source.read_bytes(), compressible(kind or ""), mtime)
        else:
            self._copy_file(source, target, mtime)

    def _copy_file(self, origin: Path, target: str, mtime: float | None) -> None:
        file = self.site / target
        file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, file)
        self._stamp(file, file.stat().st_size, mtime)

    def _stamp(self, file: Path, size: int, mtime: float | None) -> None:
        self.written.add(file)
        mtime = (self.mtime if mtime is None else mtime) - variant_offset(file.name)
        os.utime(file, (mtime, mtime))
        self.done.files += 1
        self.done.bytes += size


PACKAGE = Path(__file__).resolve().parent.parent  # server/: the code, templates and assets that render the site


def file_time(release: Release, *inputs: Path) -> float:
    """The modification time of exported files: when the release was written (its manifest's modification time)
    or when any of the `inputs` folders it is rendered with last changed (their newest file: the package's code,
    templates and assets, the example queries the start page lists), whichever is later, in whole seconds and never
    later than now (RFC 9110: no Last-Modified in the future). Without inputs, the release's own time: its files
    (`copy_files`) change with it alone.

    nginx's ETag is a file's time and size. Stamped with the release day, two releases of one day gave a changed
    document of the same length the same ETag and Last-Modified, and clients and CDNs a 304 for the old one (an
    operator's review); stamped with the release's time alone, so did an export of the same release by upgraded
    code (a page's wording changed, its length not: a later review). So a later release or code has a later stamp,
    and every export of one release folder by one installation (or of copies that keep their times: `cp -a`,
    `rsync -a`) the same."""
    changed = [path.stat().st_mtime for folder in inputs for path in folder.rglob("*")
               if path.is_file() and "__pycache__" not in path.parts]
    written = (release.path / MANIFEST).stat().st_mtime
    return float(min(int(max([written, *changed])), int(time.time())))
