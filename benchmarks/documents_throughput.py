"""Requests per second for resource documents: `mpsc serve` against nginx serving the same bytes, at 32 clients.

Starts `mpsc serve` (granian) on 127.0.0.1 over a release, takes the documents of the first MUNICIPALITIES
municipalities from the sitemap and fetches each once as HTML (German, by Accept-Language) and as Turtle,
which renders it into the document cache. The bytes fetched are written as an exported site
(server/web/export.py's layout) and served by Debian's nginx with the configuration `mpsc export-site`
generates (server/web/static_config.py), so both peers negotiate and answer the same URLs with the same
bytes. `wrk` (2 threads, CLIENTS keep-alive connections, gzip accepted as browsers do) then goes round robin
through the URLs for SECONDS, interleaved — mpsc HTML, nginx HTML, mpsc Turtle, nginx Turtle — REPS times;
the table gives the median of each and the ratio mpsc/nginx.

    .venv/bin/python benchmarks/documents_throughput.py --releases DIR [--seconds 10] [--clients 32] [--reps 3]

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
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
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
    """Paths of the first `municipalities` municipality documents in the sitemap."""
    connection = load.connect(base)
    connection.request("GET", "/sitemap.xml")
    urls = [loc.text for loc in ET.fromstring(connection.getresponse().read()).iter(LOC)]
    return [p for p in (urlsplit(u).path for u in urls) if p.startswith("/doc/municipality/")][:municipalities]


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
    (folder / "nginx" / "site.conf").write_text(static_config.nginx_site(base, listen, (upstream,), "bench", content_security_policy()))
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
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--municipalities", type=int, default=500)
    parser.add_argument("--document-cache-bytes", type=int, help="MPSC_DOCUMENT_CACHE_BYTES (0: every request renders)")
    parser.add_argument("--releases", type=Path, default=Settings.from_env().releases)
    args = parser.parse_args()
    port = free_port()
    nginx_base = f"http://127.0.0.1:{port}/"
    env = {"MPSC_RELEASES": str(args.releases), "MPSC_BASE_URL": nginx_base}
    if args.document_cache_bytes is not None:
        env["MPSC_DOCUMENT_CACHE_BYTES"] = str(args.document_cache_bytes)
    with tempfile.TemporaryDirectory() as tmp, mpsc_serve("--workers", str(args.workers), env=env) as base:
        load.loaded(base)
        folder = Path(tmp)
        paths = documents(base, args.municipalities)
        export(base, paths, folder, urlsplit(base).netloc, f"127.0.0.1:{port}")
        as_root = " user root;" if os.geteuid() == 0 else ""
        with running([NGINX, "-p", tmp, "-c", "nginx/nginx.conf", "-g", "daemon off;" + as_root], nginx_base + paths[0]):
            figures: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.reps):
                for kind, (headers, _) in KINDS.items():
                    for peer, url in (("mpsc serve", base), ("nginx", nginx_base)):
                        rate = wrk(url, paths, headers, args.clients, args.seconds, folder)
                        figures.setdefault((kind, peer), []).append(rate)
    print(f"{len(paths)} municipality documents, {args.clients} connections (wrk -t2), {args.seconds:g} s per run, "
          f"median of {args.reps} interleaved runs; mpsc serve: {args.workers} worker(s), document cache "
          f"{env.get('MPSC_DOCUMENT_CACHE_BYTES', 'default')}; load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'documents':10} {'mpsc serve req/s':>17} {'nginx req/s':>12} {'ratio':>7}")
    for kind in KINDS:
        ours, theirs = (statistics.median(figures[(kind, peer)]) for peer in ("mpsc serve", "nginx"))
        print(f"{kind:10} {ours:17,.0f} {theirs:12,.0f} {ours / theirs:7.3f}")


if __name__ == "__main__":
    main()
