"""`mpsc export-site`: the exported site served by Debian's nginx, and by Debian's Caddy, each with its generated
configuration, answers as `mpsc serve` does — 303 from /id/, content negotiation, language, Vary, ETag and 304,
byte-identical documents — and hands /sparql and everything not exported to the app.

The export covers a few projects and the rounds of the real release (`--only`), enough for every kind of
answer and quick to write; the app behind nginx is a live server over the same release, answering under nginx's
base URL, so the two are compared byte for byte.
"""
from __future__ import annotations

import gzip
import json
import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from server.build.release import Releases
from server.web.conneg import negotiate
from server.web import export
from server.web.export import file_time
from server.web.links import DOCUMENT_FORMATS
from tests.conftest import free_port, mpsc, serve_app
from tests.sparql_support import running

STATIC = Path(__file__).resolve().parent.parent / "server" / "static"
NGINX = shutil.which("nginx") or (Path("/usr/sbin/nginx") if Path("/usr/sbin/nginx").exists() else None)
CADDY = shutil.which("caddy")
pytestmark = pytest.mark.serial
# Run as root, nginx's workers would become `nobody`, who may not read pytest's private temporary folder.
GLOBALS = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
DOCUMENTS = ["doc/project/bamberg", "doc/project/connected-urban-twins", "doc/round/2020"]
# What clients send: browsers, curl, rdflib, SPARQLWrapper-like RDF clients, wildcards, none.
ACCEPTS = ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/turtle",
           "application/ld+json", "application/rdf+xml", "application/n-triples", "text/plain", "*/*", None,
           "application/rdf+xml, text/rdf+xml, text/xml;q=0.1", "text/turtle;q=1.0, application/ld+json;q=0.5",
           "application/x-turtle", "text/n3", "text/*"]
STALE = "site/doc/organisation/zebralog.nt"  # left by an "earlier export" into the folder (`site`)
LANGUAGES = ["de-DE,de;q=0.9,en;q=0.8", "en-US,en;q=0.9", "fr-FR,fr;q=0.9", "en-GB,de;q=0.5", None]


@pytest.fixture(scope="module")
def exported(tmp_path_factory, settings, releases_dir, real_store):
    """(base URL, app base URL, export folder): one export for both static servers, which take its base URL's
    port in turn (`site`), and the app behind them, answering under that base URL. One export, not one per
    server: each took ~8 s of the suite."""
    folder = tmp_path_factory.mktemp("export")
    (folder / STALE).parent.mkdir(parents=True)
    (folder / STALE).write_text("an earlier export's document of an identifier since retired")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with serve_app(settings, store=real_store, base_url=base) as app:
        upstream = urlsplit(app).netloc
        result = mpsc("export-site", str(folder), "--base-url", base, "--listen", f"127.0.0.1:{port}",
                      "--upstream", upstream, "--only", "project/b", "--only", "project/connected-urban-twins",
                      "--only", "round/",
                      env={"MPSC_RELEASES": str(releases_dir)})
        assert result.returncode == 0, result.stderr
        assert '"GET /' not in result.stderr  # the export's own requests are not logged (an operator's review)
        yield base, app, folder


@pytest.fixture(scope="module", params=["nginx", "caddy"])
def site(request, exported):
    """(static server's base URL, app base URL, export folder, the static server's name): nginx or Caddy over the
    export, with its generated configuration, the app behind it. pytest ends one before it starts the other."""
    program = {"nginx": NGINX, "caddy": CADDY}[request.param]
    if program is None:
        pytest.fail(f"{request.param} is missing: install Debian's {PACKAGES[request.param]} (make test does)")
    base, app, folder = exported
    check, run, env = COMMANDS[request.param](program, folder)
    checked = subprocess.run(check, capture_output=True, text=True, cwd=folder, env={**os.environ, **env})
    assert checked.returncode == 0, checked.stderr + checked.stdout
    with running(run, base + "static/style.css", log=folder / f"{request.param}-output.log", cwd=folder, env=env):
        yield base, app, folder, request.param


def nginx_commands(program: Path, folder: Path) -> tuple[list[str], list[str], dict]:
    """(check, run, environment) of nginx over an export: its configuration is relative to the prefix `-p`."""
    run = [str(program), "-p", str(folder), "-c", "nginx/nginx.conf", "-g", GLOBALS]
    return run + ["-t"], run, {}


def caddy_commands(program: Path, folder: Path) -> tuple[list[str], list[str], dict]:
    """(check, run, environment) of Caddy over an export, from the export folder; its own state (Caddy keeps
    certificates and an autosaved configuration) goes into the export's `.caddy`, not the user's home."""
    env = {"XDG_DATA_HOME": str(folder / ".caddy"), "XDG_CONFIG_HOME": str(folder / ".caddy")}
    config = ["--config", "Caddyfile", "--adapter", "caddyfile"]
    return [str(program), "validate", *config], [str(program), "run", *config], env


COMMANDS = {"nginx": nginx_commands, "caddy": caddy_commands}
SERVER_HEADER = {"nginx": "nginx", "caddy": "Caddy"}
PACKAGES = {"nginx": "nginx-light", "caddy": "caddy"}


def get(base: str, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    """One GET without following redirects; the body is read into `.body`."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    connection.request("GET", "/" + path, headers={k: v for k, v in (headers or {}).items() if v is not None})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def decoded(response) -> bytes:
    return gzip.decompress(response.body) if response.getheader("Content-Encoding") == "gzip" else response.body


def vary(response) -> set[str]:
    """Every header named in the Vary headers of a response (nginx may send several)."""
    return {v.strip().lower() for value in response.headers.get_all("Vary") or [] for v in value.split(",") if v.strip()}


def test_the_export_holds_every_document_format_and_the_site(site):
    _, _, folder, _ = site
    files = {p.relative_to(folder / "site").as_posix() for p in (folder / "site").rglob("*") if p.is_file()}
    for fmt in DOCUMENT_FORMATS[1:]:
        assert f"doc/project/bamberg.{fmt.extension}" in files
    for variant in ("de", "en", "lang-de", "lang-en"):
        assert f"doc/project/bamberg.{variant}.html" in files and f"index.{variant}.html" in files
    assert {"robots.txt", "sitemap.xml", "static/style.css", ".well-known/void.ttl", "catalog.ttl",
            "dumps/mpsc.ttl", "dumps/index.de.html"} <= files
    assert not any(f.startswith("doc/municipality/") for f in files)  # --only
    assert (folder / "Caddyfile").is_file()


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "application/ld+json", None])
def test_id_answers_303_to_the_document_as_the_app_does(site, accept):
    front, app, _, server = site
    static, dynamic = get(front, "id/project/bamberg", {"Accept": accept}), get(app, "id/project/bamberg", {"Accept": accept})
    assert static.status == dynamic.status == 303
    assert static.getheader("Server") == SERVER_HEADER[server]  # not handed to the app
    assert static.getheader("Location") == dynamic.getheader("Location")
    assert "accept" in vary(static)
    lang = get(front, "id/project/bamberg?lang=en", {"Accept": "text/html"})
    assert lang.getheader("Location") == get(app, "id/project/bamberg?lang=en", {"Accept": "text/html"}).getheader("Location")


def test_negotiation_and_language_agree_with_the_app_byte_for_byte(site):
    front, app, _, server = site
    for path in DOCUMENTS:
        for accept in ACCEPTS:
            for language in LANGUAGES if accept is None or "html" in accept else [None]:
                headers = {"Accept": accept, "Accept-Language": language}
                static, dynamic = get(front, path, headers), get(app, path, headers)
                where = f"{path} Accept: {accept} Accept-Language: {language}"
                assert static.status == dynamic.status == 200, where
                assert static.getheader("Server") == SERVER_HEADER[server], where
                assert static.getheader("Content-Type") == dynamic.getheader("Content-Type"), where
                assert static.getheader("Content-Language") == dynamic.getheader("Content-Language"), where
                assert static.body == dynamic.body, where
                assert {"accept", "accept-language"} <= vary(static), where


def test_suffix_urls_pages_and_explicit_language(site):
    front, app, _, server = site
    paths = [f"doc/project/bamberg.{f.extension}" for f in DOCUMENT_FORMATS[1:]] + [
        "", "?lang=en", "projects?lang=de", "charter", "dumps/", "doc/project/bamberg?lang=en", "ontology.ttl",
        "catalog.jsonld", "robots.txt", "sitemap.xml", "static/style.css", "dumps/mpsc.ttl"]
    for path in paths:
        static, dynamic = get(front, path), get(app, path)
        assert static.status == dynamic.status == 200, path
        assert static.getheader("Server") == SERVER_HEADER[server], path
        assert static.body == dynamic.body, path
        assert static.getheader("Content-Type") == dynamic.getheader("Content-Type"), path


def test_release_files_have_the_apps_media_types_and_vary_only_where_it_does(site):
    """Found by an operator: nginx sent CSV tables and SHA256SUMS as application/octet-stream and CSVW metadata as
    plain JSON, varied every file by Accept and Accept-Language, and left /exports/ to the replicas."""
    front, app, _, server = site
    version = json.loads(get(app, "healthz").body)["release"]
    for folder in ("dumps/", f"dumps/{version}/", "exports/"):
        names = ["projects.csv", "projects.csv-metadata.json", "csv-metadata.json"] + (
            ["SHA256SUMS", "search.sqlite", "RELEASE-NOTES.md", "release.json", "mpsc.jsonld", "mpsc.ttl",
             "mpsc.nt.gz"] if folder != "exports/" else [])
        for path in [folder + name for name in names] + [folder]:
            static, dynamic = get(front, path), get(app, path)
            assert static.status == dynamic.status == 200 and static.getheader("Server") == SERVER_HEADER[server], path
            assert static.getheader("Content-Type") == dynamic.getheader("Content-Type"), path
            assert static.getheader("Cache-Control") == dynamic.getheader("Cache-Control"), path
            assert vary(static) - {"accept-encoding"} == vary(dynamic) - {"accept-encoding"}, path
            assert static.body == dynamic.body, path


def test_every_gzip_twin_holds_its_files_bytes_and_time(exported):
    """A release's file is copied three times (/dumps/, /dumps/VERSION/, /exports/) and compressed once: the
    later copies take their twin from the first. Each twin must still be its own file's bytes, as stamped."""
    site = exported[2] / "site"
    twins = sorted(site.rglob("*.gz"))
    assert any(t.parent.name == "exports" for t in twins) and len({t.name for t in twins}) < len(twins)
    for twin in twins:
        file = twin.with_suffix("")
        if file.is_file():  # mpsc.nt.gz and the like are files of their own, not twins
            assert gzip.decompress(twin.read_bytes()) == file.read_bytes(), twin
            # a second apart per variant (export.variant_offset): a twin is a variant of its file's URL
            assert twin.stat().st_mtime == file.stat().st_mtime - len(export.VARIANT_SUFFIXES) - 1, twin


def test_static_assets_are_kept_as_long_as_the_app_says(site):
    """Versioned assets and esbuild's chunks for a year, anything else asked again (server/web/assets.py)."""
    front, app, _, server = site
    page = get(app, "sparql", {"Accept": "text/html"}).body.decode()
    versioned = sorted(set(re.findall(r'"[^"]*/(static/[\w./-]+\?v=\w+)"', page)))
    chunk = next((STATIC / "workbench").glob("chunk-*.js")).name
    assert len(versioned) == 3  # the style sheets and the editor's script
    for path in [*versioned, "static/style.css", "static/style.css?v=000000000000", f"static/workbench/{chunk}"]:
        static, dynamic = get(front, path), get(app, path)
        assert static.status == dynamic.status == 200 and static.getheader("Server") == SERVER_HEADER[server], path
        assert static.getheader("Cache-Control") == dynamic.getheader("Cache-Control"), path
        assert static.body == dynamic.body, path
    assert get(front, versioned[0]).getheader("Cache-Control") == "public, max-age=31536000, immutable"


def test_etag_and_304_and_gzip(site):
    front, app, _, server = site
    first = get(front, "doc/project/bamberg", {"Accept": "text/turtle", "Accept-Encoding": "gzip"})
    assert first.getheader("Content-Encoding") == "gzip" and "accept-encoding" in vary(first)
    assert decoded(first) == get(app, "doc/project/bamberg.ttl").body
    tag = first.getheader("ETag")
    again = get(front, "doc/project/bamberg", {"Accept": "text/turtle", "Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status == 304 and again.body == b""
    assert again.getheader("Cache-Control") == first.getheader("Cache-Control") == "public, max-age=300"


def test_files_carry_the_time_their_release_or_code_was_written(site, releases_dir, tmp_path):
    """Found by operators' reviews: stamped with the release day, two releases of one day gave a changed document
    of the same length the same ETag, and a CDN kept the old one; stamped with the release's time, so did an export
    of one release by changed code. A rendered file carries the release's time or its code's and example queries',
    whichever is later, a release file the release's (a reviewer: a code upgrade re-sent unchanged dumps), each
    increasing from release to release, the same for every export of it, and never in the future."""
    _, _, folder, _ = site
    release = Releases(releases_dir).current()
    stamp = (folder / "site" / "doc" / "round" / "2020.ttl").stat().st_mtime + export.variant_offset("2020.ttl")
    manifest = (release.path / "release.json").stat().st_mtime
    root = Path(__file__).resolve().parent.parent
    assert stamp == file_time(release, export.PACKAGE, root / "queries") >= int(manifest) and stamp <= time.time()
    dump = (folder / "site" / "dumps" / "mpsc.ttl").stat().st_mtime + export.variant_offset("mpsc.ttl")
    assert dump == file_time(release) == int(manifest)
    later = tmp_path / "later"
    shutil.copytree(release.path, later, copy_function=shutil.copy)  # without its times: written now, later
    copy = replace(release, path=later)
    assert file_time(copy) >= file_time(release)
    os.utime(later / "release.json", (time.time() + 86_400,) * 2)  # a clock ahead: no Last-Modified after Date
    assert file_time(copy) <= time.time()
    package = tmp_path / "package"  # the code, written before the release and then changed after it
    shutil.copytree(export.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    written = int(time.time()) - 2 * 86_400
    os.utime(later / "release.json", (written,) * 2)
    for path in package.rglob("*"):
        os.utime(path, (written - 86_400,) * 2)
    assert file_time(copy, package) == written
    os.utime(package / "web" / "i18n.py", (written + 60,) * 2)
    assert file_time(copy, package) == written + 60 and file_time(copy) == written


def test_the_site_configuration_can_be_included_in_an_existing_nginx(exported, tmp_path):
    """An operator's review: included into Debian's nginx.conf (which sets `default_type` and includes
    mime.types), site.conf was refused as a duplicate, and once forced in, its relative `root` named a folder
    under nginx's prefix: every request went to the app unseen. Here it is included as README says, into a main
    configuration like Debian's, under another prefix, and serves the exported files itself."""
    with included_nginx(exported, tmp_path) as url:
        answer = get(url, "doc/round/2020", {"Accept": "text/turtle"})
        assert answer.status == 200 and answer.getheader("Server") == "nginx"  # the file, not the app's answer
        assert answer.getheader("Content-Type") == "text/turtle; charset=utf-8"
        assert get(url, "id/round/2020", {"Accept": "text/turtle"}).status == 303
    assert "warn" not in (tmp_path / "logs" / "error.log").read_text()


@pytest.mark.parametrize("server", ["nginx", "caddy"])
def test_an_unreachable_app_is_an_error_no_cache_keeps(exported, tmp_path, server):
    """A cache-poisoning review: with no replica up, nginx's and Caddy's own 502 had no Cache-Control, and a CDN
    that keeps errors for a time of its own would have served the outage to everyone on that URL."""
    dead = f"127.0.0.1:{free_port()}"  # nobody listens there
    with (included_nginx(exported, tmp_path, upstream=dead) if server == "nginx"
          else caddy_with_upstream(exported, tmp_path, dead)) as url:
        answer = get(url, "sparql?query=ASK%7B%7D")
        assert answer.status == 502 and answer.getheader("Cache-Control") == "no-store"
        assert answer.getheader("Retry-After") and b"did not answer" in answer.body
        assert "Retry-After" in answer.getheader("Access-Control-Expose-Headers")
        assert get(url, "doc/round/2020", {"Accept": "text/turtle"}).status == 200  # the files are still served


@contextmanager
def caddy_with_upstream(exported, tmp_path: Path, upstream: str):
    """Caddy over the export with its Caddyfile on a port of its own and `upstream` for the app; yields its base
    URL."""
    if CADDY is None:
        pytest.fail("caddy is missing: install Debian's caddy (make test does)")
    _, app, folder = exported
    port = free_port()
    config = (folder / "Caddyfile").read_text("utf-8").replace(urlsplit(app).netloc, upstream)
    config = re.sub(r"http://:\d+ \{", f"http://:{port} {{", config)
    (tmp_path / "Caddyfile").write_text(config, encoding="utf-8")
    _, run, env = caddy_commands(CADDY, tmp_path)
    url = f"http://127.0.0.1:{port}/"
    with running(run, url + "static/style.css", log=tmp_path / "output.log", cwd=tmp_path, env=env):
        yield url


@contextmanager
def included_nginx(exported, tmp_path: Path, upstream: str | None = None):
    """nginx with the export's site.conf included into a main configuration like Debian's, on a port of its own
    (and, if given, another `upstream` for the app); yields its base URL."""
    if NGINX is None:
        pytest.fail("nginx is missing: install Debian's nginx-light (make test does)")
    _, _, folder = exported
    port = free_port()
    site = re.sub(r"listen [^;]+;", f"listen 127.0.0.1:{port};", (folder / "nginx" / "site.conf").read_text("utf-8"))
    if upstream:
        site = re.sub(r"(upstream mpsc \{\s*)server [^;]+;", rf"\1server {upstream};", site)
    site_conf = tmp_path / "site.conf"
    site_conf.write_text(site, encoding="utf-8")
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(f"""pid nginx.pid;
error_log logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log logs/access.log;
    client_body_temp_path logs/body;
    proxy_temp_path logs/proxy;
    include {site_conf};
}}
""", encoding="utf-8")
    run = [str(NGINX), "-p", str(tmp_path), "-c", "nginx.conf", "-g", GLOBALS]
    checked = subprocess.run(run + ["-t"], capture_output=True, text=True)
    assert checked.returncode == 0 and "duplicate" not in checked.stderr, checked.stderr
    url = f"http://127.0.0.1:{port}/"
    with running(run, url + "static/style.css", log=tmp_path / "output.log"):
        yield url


def test_the_variants_of_a_url_have_validators_of_their_own(site):
    """A cache-poisoning review: every exported file had one time, and nginx's and Caddy's validators are a file's
    time and size, so the variants of a URL of one length had one strong ETag, and all one Last-Modified: the
    English page was a 304 to the German one's ETag, Turtle a 304 to the HTML page's date. Now each variant's tag
    and date are its own, and only its own tag (and on nginx its own date) is a 304."""
    front, _, _, server = site
    variants = [{"Accept-Language": "de"}, {"Accept-Language": "en"}, {"Accept-Language": "de", "Accept-Encoding": "gzip"},
                {"Accept": "text/turtle"}, {"Accept": "text/turtle", "Accept-Encoding": "gzip"},
                {"Accept": "application/n-triples"}]
    answers = [get(front, "doc/round/2020", headers) for headers in variants]
    assert len({answer.getheader("ETag") for answer in answers}) == len(variants)
    if server == "nginx":  # Caddy dates a gzip twin by its file (and is not asked by date: static_config.py)
        assert len({answer.getheader("Last-Modified") for answer in answers}) == len(variants)
    for headers, answer in zip(variants, answers):
        for other in answers:
            for condition in ("If-None-Match", "If-Modified-Since"):
                validator = other.getheader("ETag" if condition == "If-None-Match" else "Last-Modified")
                again = get(front, "doc/round/2020", {**headers, condition: validator})
                own = other is answer and (condition == "If-None-Match" or server == "nginx")
                assert again.status == (304 if own else 200), (headers, condition, validator)


@pytest.mark.parametrize("path", ["dumps/index", "dumps/{version}/index", "dumps/{version}/index.en.html",
                                  "doc/round/2020.de.html", "doc/round/2020.lang-en.html", "exports/index",
                                  "doc/round/2020.lang-en.html.gz", "dumps/{version}/index.de.html.gz"])
def test_the_files_own_names_are_no_urls_of_the_site(site, releases_dir, path):
    """A cache-poisoning review: `/dumps/VERSION/index` was answered from the listing's file in the language
    Accept-Language picked, which Vary did not name, `immutable` for a year; `doc/round/2020.de.html` went out as
    English. The app answers 404 for each, and so does the static server (it hands them to the app)."""
    front, app, _, _ = site
    path = path.format(version=Releases(releases_dir).current().version)
    static, dynamic = (get(base, path, {"Accept-Language": "en"}) for base in (front, app))
    assert static.status == dynamic.status == 404, path
    assert static.getheader("Cache-Control") == "no-store", path


def test_a_see_other_names_no_language(site):
    """Its Location is the same for every reader of one Accept; a Content-Language by Accept-Language, which its
    Vary does not name, would be kept by a cache for the next reader (a cache-poisoning review)."""
    front, _, _, _ = site
    answer = get(front, "id/round/2020", {"Accept": "text/html", "Accept-Language": "en"})
    assert answer.status == 303 and answer.getheader("Content-Language") is None


@pytest.mark.parametrize("path", ["doc/round/2020", "id/round/2020", "catalog.ttl", "dumps/mpsc.ttl"])
def test_a_cors_preflight_is_answered_as_the_app_answers_it(site, path):
    """Found by an operator's review: nginx answered 405 (303 under /id/), so a browser could not send, say,
    If-None-Match or a JSON-LD profile in Accept from another origin."""
    front, app, _, server = site
    headers = {"Origin": "https://portal.example", "Access-Control-Request-Method": "GET",
               "Access-Control-Request-Headers": "if-none-match"}
    static, dynamic = options(front, path, headers), options(app, path, headers)
    assert static.status == dynamic.status and 200 <= static.status < 300, (static.status, dynamic.status)
    for header in ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"):
        assert static.getheader(header) == dynamic.getheader(header) is not None, header


def options(base: str, path: str, headers: dict) -> http.client.HTTPResponse:
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    connection.request("OPTIONS", "/" + path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_security_and_cors_headers_as_the_app_sends_them(site):
    front, app, _, server = site
    static, dynamic = get(front, "doc/project/bamberg", {"Accept": "text/html"}), get(app, "doc/project/bamberg", {"Accept": "text/html"})
    for header in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options",
                   "Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Cache-Control"):
        assert static.getheader(header) == dynamic.getheader(header), header
    assert get(front, "doc/project/bamberg.ttl").getheader("Content-Security-Policy") is None


def test_an_export_removes_what_an_earlier_one_left_so_a_retired_identifier_moves(site):
    """A reviewer's finding: nginx answers /id/X with 303 wherever doc/X was exported, so a stale document of a
    retired identifier was served where the app answers 301 to its successor."""
    base, _, folder, _ = site
    assert not (folder / STALE).exists()
    assert not (folder / STALE).parent.exists()  # nor the folder it leaves empty (no organisation was exported)
    moved = get(base, "id/organisation/zebralog")
    assert moved.status == 301 and moved.getheader("Location").endswith("/id/organisation/zebralog-gmbh")


def test_what_was_not_exported_is_answered_by_the_app(site):
    front, app, _, server = site
    for path, headers in [("sparql?query=ASK%7B%7D", {"Accept": "application/sparql-results+json"}),
                          ("doc/municipality/09461000", {"Accept": "text/turtle"}),
                          ("id/municipality/09461000", {"Accept": "text/turtle"}),
                          ("doc/project/no-such-project", {"Accept": "text/turtle"}),
                          ("doc/project/bamberg", {"Accept": "image/png"}),
                          ("projects?round=2020", {"Accept": "text/html"}),
                          ("healthz", {})]:
        static, dynamic = get(front, path, headers), get(app, path, headers)
        # nginx passes the app's Server header on, Caddy names itself first ("Caddy, …")
        assert static.getheader("Server").endswith(dynamic.getheader("Server")), path
        assert static.getheader("Server") != SERVER_HEADER[server], path
        assert static.status == dynamic.status, path
        if static.status == 200 and path != "healthz":
            assert static.body == dynamic.body, path


def test_an_http_1_0_client_without_host_is_served_through_the_static_server(site):
    """HTTP/1.0 needs no Host; nginx and Caddy ask the app in HTTP/1.1, which does, so they name the host it
    answered for."""
    front, _, _, _ = site
    url = urlsplit(front)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200")), answer[:200]


def test_nginx_negotiation_matches_conneg_for_common_clients():
    """The generated Accept rules pick what conneg.negotiate picks for the headers clients send (the rules
    read the first offered type listed; conneg weighs q — these headers list their preference first)."""
    import re

    from server.web.static_config import accept_rules

    def nginx_pick(accept: str | None) -> str | None:
        value = accept or ""
        for pattern, extension in accept_rules():
            if pattern == "" and value == "":
                return extension
            if pattern.startswith("~") and re.search(pattern.lstrip("~*"), value, re.IGNORECASE if pattern.startswith("~*") else 0):
                return extension
        return None

    for accept in ACCEPTS:
        chosen = negotiate(accept, DOCUMENT_FORMATS, DOCUMENT_FORMATS[0])
        assert nginx_pick(accept) == (chosen.extension if chosen else None), accept
    assert nginx_pick("image/png") is None


def test_nginx_language_rules_match_the_app_for_common_headers():
    import re

    from server.web.i18n import DEFAULT, language
    from server.web.static_config import language_rules

    for header in [h for h in LANGUAGES if h] + ["en", "de", "en-GB", "de-AT,en-GB", "en;q=0.8,fr", "de-DE,en;q=0.5",
                                                 "de-CH, en;q=0.8", "en-US,de;q=0.5", "fr, en-GB;q=0.5, de;q=0.3",
                                                 "dex,en", "enx, de", " en ; q=0.9 , de;q=0.8", "fr-FR,fr;q=0.9",
                                                 "fr, de, en", "fr-CH, fr;q=0.9, de;q=0.8, en;q=0.7", "fr,  en, de"]:
        picked = next((lang for pattern, lang in language_rules() if re.search(pattern[2:], header, re.IGNORECASE)), DEFAULT)
        assert picked == language(None, header)[0], header


def test_caddy_language_rule_matches_the_app_for_common_headers():
    """Caddy's regular expressions have no lookahead: the rule captures the first language named instead."""
    from server.web.i18n import DEFAULT, language
    from server.web.static_config import caddy_language_rule

    for header in [h for h in LANGUAGES if h] + ["en", "de", "EN-gb", "de-AT,en-GB", "en;q=0.8,fr", "dex,en", "enx, de",
                                                 " en ; q=0.9 , de;q=0.8", "fr, de, en", "fr-CH, fr;q=0.9, de;q=0.8",
                                                 "fr,  en, de", "fr, en-GB;q=0.5, de;q=0.3", "en-US,de;q=0.5"]:
        found = re.match(caddy_language_rule(), header)
        assert (found.group(1).lower() if found else DEFAULT) == language(None, header)[0], header
