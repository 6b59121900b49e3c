"""Start-up of `mpsc serve`: from launch to the first TCP connection accepted, to the first answer of /healthz
and of /, over a built release (median of REPS starts), for the first start of a release (no on-disk copy
yet: the release loads into memory first) and for later ones (the copy the first start writes is in place,
server/store/embedded.py). The copy is written beforehand if there is none, as `mpsc serve` writes it, and
set aside for each first start.

A connection accepted long before the first answer is a server listening "into a void": clients connect and
hang. Polls every 10 ms; each poll is one connection with a 0.2 s budget, so a hanging accept shows up as
a connection time well before the answer time.

    .venv/bin/python benchmarks/startup.py --releases DIR [--reps 3] [--code CHECKOUT --code CHECKOUT]

Not a test: a measurement to report, with the machine's load average.
"""
from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.build.release import Releases  # noqa: E402
from server.config import Settings  # noqa: E402
from server.store.embedded import QUICK_START, quick_start_copy, write_quick_start_copy  # noqa: E402
from tests.conftest import free_port  # noqa: E402

CASES = {"first": "first start of the release (no on-disk copy yet)", "later": "later starts (on-disk copy in place)"}


def answers(port: int, path: str) -> bool:
    """Whether GET `path` answers 200 within 0.2 s."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=0.2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def start(releases: Path, code: Path, timeout: float = 120) -> dict[str, float]:
    """Seconds from launch to: TCP accepted, /healthz 200, / 200."""
    port = free_port()
    env = {**os.environ, "MPSC_RELEASES": str(releases)}
    launched = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, cwd=code)
    seen: dict[str, float] = {}
    try:
        while len(seen) < 3 and time.perf_counter() - launched < timeout:
            if "connect" not in seen and accepts(port):
                seen["connect"] = time.perf_counter() - launched
            for path in ("/healthz", "/"):
                if "connect" in seen and path not in seen and answers(port, path):
                    seen[path] = time.perf_counter() - launched
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return seen


def first_start(releases: Path, code: Path) -> dict[str, float]:
    """A start without the release's on-disk copy (set aside meanwhile; what the server began to write goes)."""
    copies, aside = releases / QUICK_START, releases / f"{QUICK_START}-aside"
    copies.rename(aside)
    try:
        return start(releases, code)
    finally:
        shutil.rmtree(copies, ignore_errors=True)
        aside.rename(copies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--releases", type=Path, default=Settings.from_env().releases)
    parser.add_argument("--code", type=Path, action="append", help="checkout whose `mpsc serve` to start "
                        "(repeat to compare, e.g. with an export of another commit: starts alternate); default this one")
    args = parser.parse_args()
    codes = args.code or [ROOT]
    release = Releases(args.releases).current()
    if release is None:
        parser.error(f"no current release in {args.releases}")
    if quick_start_copy(release) is None:
        write_quick_start_copy(release)
    runs: dict[tuple[Path, str], list[dict]] = {(code, case): [] for code in codes for case in CASES}
    for _ in range(args.reps):
        for code in codes:
            runs[code, "first"].append(first_start(args.releases, code))
            runs[code, "later"].append(start(args.releases, code))
    print(f"median of {args.reps} starts each, alternating; load average {os.getloadavg()[0]:.1f}")
    for (code, case), starts in runs.items():
        print(f"mpsc serve of {code}, {CASES[case]}")
        for what in ("connect", "/healthz", "/"):
            values = [run[what] for run in starts if what in run]
            print(f"  {what:10} {statistics.median(values):6.2f} s   (each: {', '.join(f'{v:.2f}' for v in values)})")

if __name__ == "__main__":
    main()
