"""The query executors of one web worker: how a query over the time or memory limit is stopped, and how
the site's own queries never wait behind the public endpoint's.

pyoxigraph evaluates a query in Rust without checking for interruption, so a thread running it cannot be
stopped. Each query therefore runs in an executor process; the web thread waits on the executor's socket
until the deadline, and when it passes kills the process, answers 503 and has a successor forked. All
executors are forked from one fork server that holds the loaded release (forkserver.py), so a successor is
ready in milliseconds and shares the release's memory copy-on-write instead of loading its own copy.

Executors are grouped in lanes with their own size: PUBLIC for the SPARQL endpoint, SITE for the queries
behind pages and documents. A crowd of slow public queries fills only its lane, so pages keep being
answered (the hardening issue's "separate capacity"). How many public queries may wait for their lane,
and per client, is decided in front of the store (web/admission.py).
"""
from __future__ import annotations

import logging
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection

from ..errors import MemoryLimit, QueryTimeout, StoreUnavailable

log = logging.getLogger(__name__)
START_TIMEOUT = 600.0  # seconds the fork server may take to load a release
PUBLIC, SITE = "public", "site"


class Executor:
    """One executor process (a child of the fork server) and the web worker's end of its socket."""

    def __init__(self, pid: int, conn: Connection):
        self.pid, self.conn = pid, conn

    def call(self, request: tuple, timeout: float):
        """Send one request and return the reply; TimeoutError if none comes within `timeout` seconds."""
        self.conn.send(request)
        if not self.conn.poll(timeout):
            raise TimeoutError
        return self.conn.recv()


class ForkServer:
    """The fork server process and requests to it (one at a time: the protocol is request, reply)."""

    def __init__(self, kind: str, path: str, memory_bytes: int):
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server.store.forkserver", str(theirs.fileno()), kind, path, str(memory_bytes)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        self._socket, self._lock = ours, threading.Lock()
        self._lines = ours.makefile("r", encoding="utf-8")
        self._socket.settimeout(START_TIMEOUT)
        try:
            status, _, detail = self._read().partition(" ")
        except OSError:
            status, detail = "failed", "did not start in time"
        if status != "ready":
            self.close()
            raise RuntimeError(f"query executor failed to start: {detail or f'exited with status {self.process.wait()}'}")
        self._socket.settimeout(30.0)

    def _read(self) -> str:
        line = self._lines.readline()
        if not line:
            raise OSError("the fork server stopped")
        return line.strip()

    def spawn(self) -> Executor:
        """A new executor, ready to answer; RuntimeError with its reason if it could not start."""
        ours, theirs = socket.socketpair()
        with theirs, self._lock:
            socket.send_fds(self._socket, [b"spawn\n"], [theirs.fileno()])
            _, _, pid = self._read().partition(" ")
        conn = Connection(ours.detach())
        status, detail = conn.recv() if conn.poll(START_TIMEOUT) else ("failed", "did not start in time")
        if status != "ready":
            conn.close()
            self.end(int(pid))
            raise RuntimeError(f"query executor failed to start: {detail}")
        return Executor(int(pid), conn)

    def end(self, pid: int) -> int:
        """Kill an executor (if it still runs) and return how it ended (negative: the signal)."""
        with self._lock:
            self._socket.sendall(f"end {pid}\n".encode())
            reply = self._read()
        return int(reply.rpartition(" ")[2]) if reply.startswith("ended ") else 0

    def close(self) -> None:
        """End the fork server; it kills its executors as it goes (closing the socket is its signal: both
        the socket and the reader made from it hold the descriptor)."""
        self._lines.close()
        self._socket.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ExecutorPool:
    """Executors over one store source, in lanes of given sizes; `run` sends a request to an idle one of a lane."""

    def __init__(self, kind: str, path: str, lanes: dict[str, int], timeout: float, memory_mb: int = 0):
        self.timeout, self.memory_mb = timeout, memory_mb
        self._server = ForkServer(kind, path, memory_mb * 1024 * 1024)
        self._idle = {lane: queue.Queue() for lane in lanes}
        self._sizes = {lane: max(1, size) for lane, size in lanes.items()}
        self._alive: dict[int, str] = {}  # pid -> lane
        self._lock = threading.Lock()
        self._closed = False
        try:
            for lane, size in self._sizes.items():
                for _ in range(size):
                    self._add(lane)
        except (OSError, RuntimeError):
            self.close()
            raise

    def _add(self, lane: str) -> None:
        executor = self._server.spawn()
        with self._lock:
            self._alive[executor.pid] = lane
        self._idle[lane].put(executor)

    def run(self, request: tuple, lane: str = SITE, deadline: float | None = None) -> bytes:
        """The answer of an executor of `lane` to `request`, by `deadline` (time.monotonic(); default: the
        time limit from now). Raises its QueryFailed, QueryTimeout, MemoryLimit or StoreUnavailable.

        Waiting for an idle executor counts against the deadline.
        """
        deadline = deadline or time.monotonic() + self.timeout
        try:
            executor = self._idle[lane].get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryTimeout(self._stopped()) from None
        if deadline <= time.monotonic():  # the wait used the whole limit: do not start (and kill) a run
            self._idle[lane].put(executor)
            raise QueryTimeout(self._stopped())
        try:
            status, payload = executor.call(request, deadline - time.monotonic())
        except TimeoutError:
            self._replace(executor, lane)
            raise QueryTimeout(self._stopped()) from None
        except (EOFError, OSError):
            raise self._crashed(self._replace(executor, lane)) from None
        self._idle[lane].put(executor)
        if status == "error":
            raise payload
        return payload

    def _stopped(self) -> str:
        return (f"The query was stopped after {self.timeout:g} seconds, the time limit of this endpoint. "
                "Narrow it down, or download the dumps at /dumps/.")

    def _crashed(self, status: int) -> Exception:
        """What to answer for an executor that died under a query: SIGABRT is a failed allocation under the
        memory cap (Rust aborts then); anything else is reported as a failure of the engine."""
        if status == -signal.SIGABRT:
            return MemoryLimit(self.memory_mb)
        log.warning("a query executor ended with status %s", status)
        return StoreUnavailable("The query engine stopped unexpectedly; please try again.")

    def _replace(self, executor: Executor, lane: str) -> int:
        """End an executor and fork its successor; return how the ended one exited."""
        executor.conn.close()
        with self._lock:
            self._alive.pop(executor.pid, None)
        try:
            status = self._server.end(executor.pid)
            if not self._closed:
                self._add(lane)
        except (OSError, RuntimeError):
            log.exception("could not replace a query executor")
            return 0
        return status

    def health(self) -> dict:
        with self._lock:
            alive = len(self._alive)
        return {"executors": alive, "idle": sum(q.qsize() for q in self._idle.values()),
                "lanes": dict(self._sizes)}

    def close(self) -> None:
        """End every executor, busy or idle, and the fork server."""
        self._closed = True
        with self._lock:
            self._alive.clear()
        self._server.close()
