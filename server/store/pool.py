"""A pool of query executor processes per web worker: how a query over the time limit is stopped.

pyoxigraph evaluates a query in Rust without checking for interruption, so a thread running it cannot be
stopped. Each query therefore runs in an executor process (executor.py) that holds its own copy of the
store; the web thread waits on the executor's socket with the time limit, and when it expires kills the
process (SIGKILL), answers 503, and starts a replacement in the background. The pool has one executor per
web thread, so other requests do not queue behind a slow query; only while a replacement loads does the
worker have one executor fewer.

Executors are started with fork+exec (`python -m server.store.executor`) rather than forked from the web
worker, which has threads and must not fork. benchmarks/executor_footprint.py measures an executor's
start-up time, memory and query time, in memory and on disk. Forking a loaded parent would start faster,
but pyoxigraph touches its in-memory indexes when reading, so a forked child soon holds its own copy of
most pages: little memory saved for the cost of a fork server, and a respawn happens only after a
timeout while the pool serves on. With MPSC_STORE_PATH, executors open one on-disk store read-only
instead: faster start and a shared page cache, at the price of slower queries (see the benchmark).
"""
from __future__ import annotations

import logging
import queue
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection

from .base import QueryTimeout, StoreUnavailable

log = logging.getLogger(__name__)
START_TIMEOUT = 600.0  # seconds an executor may take to load a release


class Executor:
    """One executor process and the web worker's end of its socket."""

    def __init__(self, kind: str, path: str):
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server.store.executor", str(theirs.fileno()), kind, path],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        self.conn = Connection(ours.detach())

    def wait_ready(self) -> None:
        """Block until the executor has loaded its store; RuntimeError with its reason if it could not."""
        try:
            ready = self.conn.poll(START_TIMEOUT)
            status, detail = self.conn.recv() if ready else ("failed", "did not start in time")
        except (EOFError, OSError):
            status, detail = "failed", f"exited with status {self.process.wait()}"
        if status != "ready":
            self.kill()
            raise RuntimeError(f"query executor failed to start: {detail}")

    def call(self, request: tuple, timeout: float):
        """Send one request and return the reply; TimeoutError if none comes within `timeout` seconds."""
        self.conn.send(request)
        if not self.conn.poll(timeout):
            raise TimeoutError
        return self.conn.recv()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()


class ExecutorPool:
    """`size` executors over one store source; `run` sends a request to an idle one, within `timeout`."""

    def __init__(self, kind: str, path: str, size: int, timeout: float):
        self.source, self.timeout = (kind, path), timeout
        self._idle: queue.Queue[Executor] = queue.Queue()
        self._alive: set[Executor] = set()
        self._lock = threading.Lock()
        self._closed = False
        try:
            starting = [self._start() for _ in range(max(1, size))]  # load in parallel, then wait for all
            for executor in starting:
                executor.wait_ready()
                self._idle.put(executor)
        except (OSError, RuntimeError):
            self.close()
            raise

    def _start(self) -> Executor:
        executor = Executor(*self.source)
        with self._lock:
            self._alive.add(executor)
        return executor

    def _stopped(self) -> str:
        return (f"The query was stopped after {self.timeout:g} seconds, the time limit of this endpoint. "
                "Narrow it down, or download the dumps at /dumps/.")

    def run(self, request: tuple) -> bytes:
        """The executor's answer to `request`; raises its QueryFailed, QueryTimeout or StoreUnavailable.

        The time limit bounds the whole request: waiting for an idle executor counts against it.
        """
        deadline = time.monotonic() + self.timeout
        try:
            executor = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise StoreUnavailable("All query executors are busy; please try again shortly.") from None
        if deadline <= time.monotonic():  # the wait used the whole limit: do not start (and kill) a run
            self._idle.put(executor)
            raise QueryTimeout(self._stopped())
        try:
            status, payload = executor.call(request, deadline - time.monotonic())
        except TimeoutError:
            self._replace(executor)
            raise QueryTimeout(self._stopped()) from None
        except (EOFError, OSError):
            self._replace(executor)
            raise StoreUnavailable("The query engine stopped unexpectedly; please try again.") from None
        self._idle.put(executor)
        if status == "error":
            raise payload
        return payload

    def _replace(self, executor: Executor) -> None:
        """Kill an executor now and start its successor in the background."""
        executor.kill()
        with self._lock:
            self._alive.discard(executor)
        threading.Thread(target=self._respawn, name="executor-respawn", daemon=True).start()

    def _respawn(self) -> None:
        if self._closed:
            return
        try:
            successor = self._start()
        except OSError:
            log.exception("could not start a query executor")
            return
        try:
            successor.wait_ready()
        except RuntimeError:
            log.exception("could not replace a query executor")
            with self._lock:
                self._alive.discard(successor)
            return
        if self._closed:
            successor.kill()
        else:
            self._idle.put(successor)

    def health(self) -> dict:
        with self._lock:
            alive = len(self._alive)
        return {"executors": alive, "idle": self._idle.qsize()}

    def close(self) -> None:
        """Kill every executor, busy or idle."""
        self._closed = True
        with self._lock:
            executors, self._alive = list(self._alive), set()
        for executor in executors:
            executor.kill()
