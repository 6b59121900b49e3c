"""Requests per second for resource documents: `mpsc serve` against nginx serving the same bytes, at 32 clients.

Starts `mpsc serve` (granian) on 127.0.0.1 over a release, takes the documents of the first MUNICIPALITIES
municipalities from the sitemap and fetches each once as HTML (German, by Accept-Language) and as Turtle,
which renders it into the document cache. The bytes fetched are written as an exported site
(server/web/export.py's layout) and served by Debian's nginx with the configuration `mpsc export-site`
generates (server/web/static_config.py), so both peers negotiate and answer the same URLs with the same
bytes. `wrk` (2 threads, CLIENTS keep-alive connections, gzip accepted as browsers do) then goes round robin
through the URLs for SECONDS, interleaved — per kind (HTML, then Turtle) each `mpsc serve`, then nginx — REPS
times, after one such round that is not counted (each granian worker renders a document into its own cache the
first time it is asked for it); the table gives the median of each and the ratio mpsc/nginx.

`mpsc serve` runs twice, side by side: with one worker, its default, and with as many as nginx runs
(`worker_processes auto`: one per core), like for like; --workers names other counts.

    .venv/bin/python benchmarks/documents_throughput.py --releases DIR [--seconds 10] [--clients 32] [--reps 3]
        [--workers 1 2]

Not a test: a measurement to report. The machine is shared, so only ratios from one run mean something.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
from benchmarks.sparql_throughput import UNLIMITED_CLIENT  # noqa: E402
from server.config import Settings  # noqa: E402
from server.web import static_config  # noqa: E402
from server.web.hooks import content_security_policy, gzipped  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.sparql_support import mpsc_serve, running  # noqa: E402

LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
KINDS = {"HTML": ({"Accept": "text/html", "Accept-Language": "de"}, ".de.html"),
         "Turtle": ({"Accept": "text/turtle"}, ".ttl")}
WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def documents(base: str, municipalities: int) -> list[str]:
    """Paths of the first `municipalities` municipality documents in the sitemap (in its parts, in their order,
    where /sitemap.xml is a sitemap index: over 50,000 URLs, as at ×100 in benchmarks/scale.py)."""
    connection, found, sitemaps = load.connect(base), [], ["/sitemap.xml"]
    while sitemaps and len(found) < municipalities:
        connection.request("GET", sitemaps.pop(0))
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, (response.status, body[:300])
        tree = ET.fromstring(body)
        paths = [urlsplit(loc.text).path for loc in tree.iter(LOC)]
        if tree.tag.endswith("sitemapindex"):
            sitemaps += paths
        found += [p for p in paths if p.startswith("/doc/municipality/")]
    return found[:municipalities]


def export(base: str, paths: list[str], folder: Path, upstream: str, listen: str) -> None:
    """Write what `mpsc serve` answers for each path and kind as a static site with nginx's configuration."""
    connection = load.connect(base)
    for path in paths:
        for headers, suffix in KINDS.values():
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200, (path, response.status)
            target = folder / "site" / (path.lstrip("/") + suffix)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            if gzipped(body) is not None:  # the gzip twin nginx's gzip_static sends, as export.py writes it
                target.with_name(target.name + ".gz").write_bytes(gzipped(body))
    connection.close()
    (folder / "nginx" / "tmp").mkdir(parents=True)
    site = static_config.nginx_site(base, listen, (upstream,), "bench", content_security_policy(),
                                    root=str(folder.resolve() / "site"), request_bytes=Settings.from_env().request_bytes)
    (folder / "nginx" / "site.conf").write_text(site)
    (folder / "nginx" / "nginx.conf").write_text(static_config.nginx_main())


def wrk(base: str, paths: list[str], headers: dict, clients: int, seconds: int, folder: Path) -> float:
    """Requests per second by wrk over `paths` round robin; fails on any non-2xx answer."""
    script = folder / "paths.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
    options = [arg for name, value in {**headers, "Accept-Encoding": "gzip"}.items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "-s", str(script), *options, base],
                         capture_output=True, text=True, check=True).stdout
    assert "Non-2xx" not in out, out
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=sorted({1, os.cpu_count() or 1}))
    parser.add_argument("--municipalities", type=int, default=500)
    parser.add_argument("--document-cache-bytes", type=int, help="MPSC_DOCUMENT_CACHE_BYTES (0: every request renders)")
    parser.add_argument("--releases", type=Path, default=Settings.from_env().releases)
    args = parser.parse_args()
    port = free_port()
    nginx_base = f"http://127.0.0.1:{port}/"
    # 32 clients from one address: no per-address limits
    env = {"MPSC_RELEASES": str(args.releases), "MPSC_BASE_URL": nginx_base, **UNLIMITED_CLIENT}
    if args.document_cache_bytes is not None:
        env["MPSC_DOCUMENT_CACHE_BYTES"] = str(args.document_cache_bytes)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as servers:
        peers = {workers: servers.enter_context(mpsc_serve("--workers", str(workers), env=env))
                 for workers in args.workers}
        for base in peers.values():
            load.loaded(base)
        folder, base = Path(tmp), peers[args.workers[0]]
        paths = documents(base, args.municipalities)
        export(base, paths, folder, urlsplit(base).netloc, f"127.0.0.1:{port}")
        as_root = " user root;" if os.geteuid() == 0 else ""
        servers.enter_context(running([NGINX, "-p", tmp, "-c", "nginx/nginx.conf", "-g", "daemon off;" + as_root],
                                      nginx_base + paths[0]))
        figures: dict[tuple[str, int | str], list[float]] = {}
        for rep in range(args.reps + 1):  # the first round warms every worker's cache up
            for kind, (headers, _) in KINDS.items():
                for peer, url in [*peers.items(), ("nginx", nginx_base)]:
                    rate = wrk(url, paths, headers, args.clients, args.seconds, folder)
                    if rep:
                        figures.setdefault((kind, peer), []).append(rate)
    print(f"{len(paths)} municipality documents, {args.clients} connections (wrk -t2), {args.seconds:g} s per run, "
          f"median of {args.reps} interleaved runs after one uncounted; nginx: worker_processes auto "
          f"({os.cpu_count()} here); document cache {env.get('MPSC_DOCUMENT_CACHE_BYTES', 'default')}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'documents':10} {'mpsc serve workers':>18} {'req/s':>8} {'nginx req/s':>12} {'ratio':>7}")
    for kind in KINDS:
        theirs = statistics.median(figures[(kind, "nginx")])
        for workers in peers:
            ours = statistics.median(figures[(kind, workers)])
            print(f"{kind:10} {workers:18d} {ours:8,.0f} {theirs:12,.0f} {ours / theirs:7.3f}")


if __name__ == "__main__":
    main()
