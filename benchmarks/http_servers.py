"""Which HTTP server `mpsc serve` runs on: granian, gunicorn (gthread) and waitress, measured side by side.

The same tiny WSGI app (below) is served by each, with the same number of Python threads, and two things
are measured in one run:
- slow clients: 64 connections that send one header line every 3 s, plus one chunked body announced as
  2^64 bytes and never sent; meanwhile `GET /` is timed five times (worst of five, timeout 20 s);
- throughput: requests per second at 32 keep-alive connections, with `wrk` (Debian's package) for 10 s,
  the fastest client at hand, so that the server, not the load generator, is the limit.
gunicorn and waitress are not dependencies of the project: `pip install gunicorn waitress` to include them
(missing ones are reported and skipped).

    .venv/bin/python benchmarks/http_servers.py [--threads 8] [--seconds 10]

Not a test: a measurement to report, one run each. Times depend on the machine and what else it runs.
"""
from __future__ import annotations

import argparse
import http.client
import importlib.util
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sparql_support import free_port, wait_until_responds  # noqa: E402

APP = "benchmarks.http_servers:hello"


def hello(environ, start_response):
    """The app every server runs: reads the body (if any) as a real app would, answers three bytes."""
    if environ.get("REQUEST_METHOD") == "POST":
        environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
    return [b"ok\n"]


def servers(threads: int) -> dict[str, tuple[str, list[str], int]]:
    """Server name -> (its Python package, the command serving APP, its port)."""
    bin_dir, ports = Path(sys.executable).parent, [free_port() for _ in range(3)]
    return {
        "granian": ("granian", [str(bin_dir / "granian"), "--interface", "wsgi", "--port", str(ports[0]), "--no-log",
                                "--blocking-threads", str(threads), APP], ports[0]),
        "gunicorn gthread": ("gunicorn", [str(bin_dir / "gunicorn"), "-k", "gthread", "-w", "1", "--threads",
                                          str(threads), "-b", f"127.0.0.1:{ports[1]}", APP], ports[1]),
        "waitress": ("waitress", [str(bin_dir / "waitress-serve"), "--port", str(ports[2]), "--threads", str(threads),
                                  APP], ports[2]),
    }


def slow_clients(port: int, count: int = 64) -> float:
    """The worst time of five `GET /` while `count` slow clients and one stalled body hold connections."""
    stop, sockets = threading.Event(), []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        sockets.append(sock)
    stalled = socket.create_connection(("127.0.0.1", port))
    stalled.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n")

    def trickle():
        n = 0
        while not stop.wait(3):
            for sock in sockets:
                try:
                    sock.sendall(f"X-Slow-{n}: 1\r\n".encode())
                except OSError:
                    pass
            n += 1

    feeder = threading.Thread(target=trickle)
    feeder.start()
    worst = 0.0
    try:
        time.sleep(4)
        for _ in range(5):
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
                connection.request("GET", "/")
                connection.getresponse().read()
                seconds = time.perf_counter() - started
            except OSError:
                seconds = float("inf")
            worst = max(worst, seconds)
            time.sleep(0.5)
    finally:
        stop.set()
        feeder.join()
        for sock in (*sockets, stalled):
            sock.close()
    return worst


def throughput(port: int, seconds: int) -> float:
    """Requests per second at 32 connections, by wrk."""
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", f"http://127.0.0.1:{port}/"],
                         capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    print(f"{'server':18} {'GET / with 64 slow clients':>28} {'req/s at 32 connections':>26}")
    for name, (module, command, port) in servers(args.threads).items():
        if importlib.util.find_spec(module) is None:
            print(f"{name:18} not installed (pip install {module})")
            continue
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_responds(f"http://127.0.0.1:{port}/", timeout=30, process=process)
            worst = slow_clients(port)
            rate = throughput(port, args.seconds)
        finally:
            process.terminate()
            process.wait(timeout=30)
        shown = "no answer in 20 s" if worst == float("inf") else f"{worst * 1000:,.0f} ms"
        print(f"{name:18} {shown:>28} {rate:>26,.0f}")


if __name__ == "__main__":
    main()
