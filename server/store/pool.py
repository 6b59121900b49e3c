"""The query executors of one web worker: how a query over the time or memory limit is stopped, and how
the site's own queries never wait behind the public endpoint's.

pyoxigraph evaluates a query in Rust without checking for interruption, so a thread running it cannot be
stopped. Each query therefore runs in an executor process; the web thread waits on the executor's socket
until the deadline, and when it passes kills the process, answers 503 and has a successor forked. All
executors are forked from one fork server (forkserver.py), so a successor is ready in milliseconds: it opens
the release's on-disk store, or shares the release the fork server loaded into memory copy-on-write.

Executors are grouped in lanes with their own size: PUBLIC for the SPARQL endpoint, SITE for the queries
behind pages and documents. A crowd of slow public queries fills only its lane, so pages keep being
answered (the hardening issue's "separate capacity"). How many public queries may wait for their lane,
and per client, is decided in front of the store (web/admission.py).
"""
from __future__ import annotations

import collections
import contextlib
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import MemoryLimit, QueryTimeout, StoreDamaged, StoreUnavailable
from . import malloc
from .executor import DISK

log = logging.getLogger(__name__)
START_TIMEOUT = 600.0  # seconds the fork server may take to load a release
PUBLIC, SITE = "public", "site"
# Reading the loaded store writes to the pages an executor shares with its fork server, which the kernel then
# copies: after a query over the whole release an executor holds ~125 MB of its own, and keeps it. One that has
# sat idle this long after its last answer, with at least this much memory of its own, is replaced by a fresh
# fork, which shares everything again (`ExecutorPool._recycle`).
RECYCLE_AFTER = 10.0  # seconds
RECYCLE_BYTES = 32 * 1024 * 1024
WAIT_SLICE = 0.5  # seconds a query waits for an idle executor before it looks again whether any can come
REVIVE_WAIT_MAX = 300.0  # seconds between new fork servers at most, where each is killed again (`_revive`)


class Executor:
    """One executor process (a child of `server`) and the web worker's end of its socket; the pool gives it a lane."""

    def __init__(self, pid: int, conn: Connection, server: "ForkServer"):
        self.pid, self.conn, self.server = pid, conn, server
        self.lane: str | None = None
        self.answered: float | None = None  # time.monotonic() of its last answer; None before its first

    def private_bytes(self) -> int:
        """The memory only this executor holds (Private_Dirty of /proc/PID/smaps_rollup); 0 where there is none."""
        try:
            with open(f"/proc/{self.pid}/smaps_rollup") as rollup:
                return next((int(line.split()[1]) * 1024 for line in rollup if line.startswith("Private_Dirty:")), 0)
        except OSError:
            return 0

    def ended(self) -> bool:
        """Whether this idle executor has ended (killed from outside, say): its end of the socket reads as closed.
        An idle executor sends nothing, so anything to read means it cannot serve."""
        try:
            return self.conn.closed or self.conn.poll(0)
        except OSError:
            return True

    def call(self, request: tuple, timeout: float):
        """Send one request and return the reply; TimeoutError if none comes within `timeout` seconds."""
        self.conn.send(request)
        if not self.conn.poll(timeout):
            raise TimeoutError
        return self.conn.recv()


class ForkServer:
    """The fork server process and requests to it (one at a time: the protocol is request, reply).

    It is ready once constructed, unless `wait` is False: then `wait_ready` waits for it."""

    def __init__(self, kind: str, path: str, memory_bytes: int, allocator: str = "", wait: bool = True):
        ours, theirs = socket.socketpair()
        # An executor over the memory limit aborts. With RUST_BACKTRACE set, Rust would first symbolise a
        # backtrace (0.5 s, seconds on a busy machine), and the answer could come after the time limit.
        environment = {**os.environ, "RUST_BACKTRACE": "0", **malloc.preloading(allocator)}
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server.store.forkserver", str(theirs.fileno()), kind, path, str(memory_bytes)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=environment)
        self.kind, self.path, self.ready, self.closed, self.malloc = kind, path, False, False, ""
        self._socket, self._lock = ours, threading.Lock()
        self._lines = ours.makefile("r", encoding="utf-8")
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until the fork server has its store; RuntimeError with the reason if it has none."""
        self._socket.settimeout(START_TIMEOUT)
        try:
            status, _, detail = self._read().partition(" ")
        except OSError:
            status, detail = "failed", "did not start in time"
        if status != "ready":
            self.close()
            raise RuntimeError(f"query executor failed to start: {detail or f'exited with status {self.process.wait()}'}")
        self._socket.settimeout(30.0)
        self.malloc = detail.partition(" ")[2]  # `ready PID MALLOC`: where its malloc comes from (malloc.py)
        self.ready = True

    def _read(self) -> str:
        line = self._lines.readline()
        if not line:
            raise OSError("the fork server stopped")
        return line.strip()

    def gone(self) -> bool:
        """Whether the process ended without being closed: killed from outside (the kernel's OOM killer, an
        operator), it forks nothing any more, and the pool starts another (`ExecutorPool._revive`)."""
        return not self.closed and self.process.poll() is not None

    def spawn(self) -> Executor:
        """A new executor, ready to answer; RuntimeError with its reason if it could not start."""
        ours, theirs = socket.socketpair()
        with theirs, self._lock:
            if self.closed or self.gone():
                ours.close()
                raise RuntimeError("query executor failed to start: its fork server has ended")
            socket.send_fds(self._socket, [b"spawn\n"], [theirs.fileno()])
            reply, _, answer = self._read().partition(" ")  # "spawned PID" or "failed REASON"
        if reply != "spawned":  # the fork failed (forkserver.py)
            ours.close()
            raise RuntimeError(f"query executor failed to start: {answer}")
        pid = int(answer)
        conn = Connection(ours.detach())
        try:
            status, detail = conn.recv() if conn.poll(START_TIMEOUT) else ("failed", "did not start in time")
        except (EOFError, OSError):  # it died before it was ready (its fork server ended meanwhile, say)
            status, detail = "failed", "it ended before it was ready"
        if status != "ready":
            conn.close()
            self.end(pid)
            raise RuntimeError(f"query executor failed to start: {detail}")
        return Executor(pid, conn, self)

    def end(self, pid: int) -> int:
        """Kill an executor (if it still runs) and return how it ended (negative: the signal; 0 when the fork
        server has ended, which ended its executors)."""
        with self._lock:
            if self.closed or self.gone():  # its executor ends on its own once its socket is closed (executor.py)
                return 0
            self._socket.sendall(f"end {pid}\n".encode())
            reply = self._read()
        return int(reply.rpartition(" ")[2]) if reply.startswith("ended ") else 0

    def close(self) -> None:
        """End the fork server; it kills its executors as it goes (closing the socket is its signal: both
        the socket and the reader made from it hold the descriptor). Shutting the socket down first wakes a
        thread still waiting for the server to be ready (pool.py's take-over), whose read holds the reader. One
        still loading its store has no executors and would notice only once loaded: it is killed."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._lines.close()
        self._socket.close()
        if not self.ready:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def damage_marker(store: str | Path) -> Path:
    """The file beside an on-disk store that says a query found its files damaged: every web worker's /healthz
    reads it (each has a pool of its own), and the next start writes the store anew (embedded.py) instead of
    answering from it until a query reads the damaged block again (a review: a restart repaired nothing)."""
    store = Path(store)
    return store.parent / f".{store.name}.damaged"


def mark_damaged(server: "ForkServer") -> None:
    """Leave the damage marker of `server`'s on-disk store (nothing for a store in memory, whose files are the
    release's, checked at the start)."""
    if server.kind == DISK:
        try:
            damage_marker(server.path).touch()
        except OSError as error:  # a read-only folder: the log line is all that is left to say it
            log.error("the on-disk store %s is damaged, and no marker could be written: %s", server.path, error)


class ExecutorPool:
    """Executors over one store source, in lanes of given sizes; `run` sends a request to an idle one of a lane.

    With a `bridge` (an on-disk copy of the same release, which opens at once), the executors first answer from
    the copy while the fork server loads `path`; once it has, each executor is replaced by one forked from it, an
    idle one at once and a busy one when its query is answered (`_take_over`). A copy that cannot be opened is
    passed over: then the start waits for the load, as without one. `switch_to` takes over the same way later,
    from a source written meanwhile (embedded.py: the on-disk copy a first start writes).

    An executor left idle after answering, with memory of its own, is replaced by a fresh fork (`_recycle`).
    """

    def __init__(self, kind: str, path: str, lanes: dict[str, int], timeout: float, memory_mb: int = 0,
                 allocator: str = "", bridge: tuple[str, str] | None = None,
                 recycle: tuple[float, int] = (RECYCLE_AFTER, RECYCLE_BYTES)):
        self.timeout, self.memory_mb, self.allocator = timeout, memory_mb, allocator
        self._recycle_after, self._recycle_bytes = recycle
        self._ended = threading.Event()
        self._memory_bytes = memory_mb * 1024 * 1024  # what each fork server caps its executors at
        # The executor that answered last answers next (last in, first out): its store's block cache and pages are
        # the warmest, and under light load the others stay idle, so what a burst left them is given back
        # (`_recycle`, which looks at every idle one: `_sweep`). Taken in turn, one client's light queries were
        # slower: DESCRIBE 390 against 536 answers/s (benchmarks/light_queries.py).
        self._idle = {lane: queue.LifoQueue() for lane in lanes}
        self._sizes = {lane: max(1, size) for lane, size in lanes.items()}
        self._alive: dict[int, Executor] = {}
        self._members: collections.Counter[str] = collections.Counter()  # executors alive or forking, by lane
        self._spawning: dict[ForkServer, int] = collections.Counter()  # forks under way, by fork server
        self._lock = threading.Lock()
        self._closed = False
        self._loading: ForkServer | None = None  # the fork server of the source about to take over
        self._switching = threading.Lock()  # one hand-over at a time (`switch_to`, `_revive`)
        self._revivals = 0  # fork servers started in a row to replace one killed from outside (`_revive`)
        self._revive_at = 0.0  # time.monotonic() before which no other is started
        loading = self._server = self._fork_server(kind, path, wait=False)
        self._servers = [loading]
        self.bridged = False  # whether the executors started on the copy
        try:
            if bridge is not None and self._start_from(bridge):
                self.bridged, self._loading = True, loading
                threading.Thread(target=self._take_over, args=(loading,), name="store-load", daemon=True).start()
                return
            loading.wait_ready()
            self._fill()
        except (OSError, RuntimeError):
            self.close()
            raise
        finally:
            if not self._closed:
                threading.Thread(target=self._recycle, name="store-recycle", daemon=True).start()

    def _fork_server(self, kind: str, path: str, wait: bool = True) -> ForkServer:
        """A fork server over `path` whose executors keep this pool's memory limit and allocator (malloc.py)."""
        return ForkServer(kind, path, self._memory_bytes, self.allocator, wait=wait)

    def _fill(self) -> None:
        for lane, size in self._sizes.items():
            for _ in range(size):
                self._add(lane)

    def _start_from(self, bridge: tuple[str, str]) -> bool:
        """Fill the lanes with executors of the on-disk copy; False, with nothing of it left, if it cannot serve
        (another owner's folder, a damaged copy, another storage format)."""
        loading = self._server
        try:
            self._server = self._fork_server(*bridge)
            self._servers.append(self._server)
            self._fill()
            return True
        except (OSError, RuntimeError) as error:
            log.warning("the on-disk copy %s cannot serve (%s); the release loads first", bridge[1], error)
            for server in self._servers[1:]:
                server.close()  # its executors end with it
            self._servers, self._server, self._alive, self._members = [loading], loading, {}, collections.Counter()
            self._idle = {lane: queue.LifoQueue() for lane in self._idle}
            return False

    def _add(self, lane: str, counted: bool = False) -> None:
        """Fork an executor into `lane`; `counted`: its place there is already counted (a successor's, `_replace`)."""
        with self._lock:
            if self._closed:
                return
            server = self._server
            self._spawning[server] += 1  # keeps it from being retired while the fork is under way
            self._members[lane] += 0 if counted else 1
        try:
            executor = server.spawn()
        except BaseException:
            with self._lock:
                self._members[lane] -= 1
            raise
        finally:
            with self._lock:
                self._spawning[server] -= 1
        executor.lane = lane
        with self._lock:
            self._alive[executor.pid] = executor
        self._idle[lane].put(executor)

    def switch_to(self, kind: str, path: str) -> bool:
        """Answer from another source of the same release from now on (`_take_over`); False, with the executors
        answering as before, if it cannot serve. One hand-over at a time: the on-disk copy a first start writes
        and a fork server killed meanwhile (`_revive`) would each have taken over from the other."""
        with self._switching:
            return self._switch(kind, path)

    def _switch(self, kind: str, path: str) -> bool:
        try:
            source = self._fork_server(kind, path, wait=False)
        except OSError as error:  # no process to be had (too many open files, no memory)
            log.error("the executors answer from %s as before: %s", self._server.kind, error)
            return False
        with self._lock:
            if self._closed:
                source.close()
                return False
            self._servers.append(source)
            self._loading = source
        return self._take_over(source)

    def _take_over(self, loading: ForkServer) -> bool:
        """Once `loading` is ready and one executor of it has started (an on-disk store opens in its executors
        only), replace the executors of the current source by its own; False if it cannot serve."""
        try:
            loading.wait_ready()
            probe = loading.spawn()
            probe.conn.close()
            loading.end(probe.pid)
        except (OSError, RuntimeError) as error:  # the current source answers on (unless the pool was closed)
            with self._lock:
                self._loading = None
                closed, current = self._closed, self._server.kind
            loading.close()
            self._retire()
            if not closed:
                log.error("the release could not be opened from %s (%s); the executors answer from %s as before",
                          loading.kind, error, current)
            return False
        with self._lock:
            if self._closed:
                return False
            self._server, self._loading = loading, None
        self._sweep(lambda executor: executor.server is not loading)
        self._retire()  # the previous source's fork server, if no executor of it is left to replace
        return True

    def run(self, request: tuple, lane: str = SITE, deadline: float | None = None) -> bytes:
        """The answer of an executor of `lane` to `request`, by `deadline` (time.monotonic(); default: the
        time limit from now). Raises its QueryFailed, QueryTimeout, MemoryLimit or StoreUnavailable.

        Waiting for an idle executor counts against the deadline.
        """
        deadline = deadline or time.monotonic() + self.timeout
        while True:
            executor = self._idle_executor(lane, deadline)
            if not executor.ended():
                break
            log.warning("an idle query executor had ended (status %s); replaced", self._replace(executor, lane))
        if deadline <= time.monotonic():  # the wait used the whole limit: do not start (and kill) a run
            self._idle[lane].put(executor)
            raise QueryTimeout(self._stopped())
        started = time.monotonic()
        try:
            status, payload = executor.call(request, deadline - started)
        except TimeoutError:
            self._replace(executor, lane)
            log.warning("a query ran %.1f s into the time limit of %g s; its executor was ended",
                        time.monotonic() - started, self.timeout)
            stopped = QueryTimeout(self._stopped())
            # It ran for most of the time limit rather than wait for an executor: sent again, it is stopped again.
            stopped.retry = deadline - started < self.timeout / 2
            raise stopped from None
        except (EOFError, OSError):
            raise self._crashed(self._replace(executor, lane)) from None
        executor.answered = time.monotonic()
        with self._lock:  # either before the take-over, which then finds it idle, or after, and replaced here
            current = executor.server is self._server
            if current:
                self._idle[lane].put(executor)
        if not current:  # one of the previous source's, whose successor now comes from the one that took over
            self._replace(executor, lane)
        if status == "error":
            if isinstance(payload, StoreDamaged):
                mark_damaged(executor.server)
            raise payload
        return payload

    def _idle_executor(self, lane: str, deadline: float) -> Executor:
        """An idle executor of `lane`, waited for until `deadline`: QueryTimeout then, and StoreUnavailable as soon
        as the lane has none left that could be forked (its on-disk store gone): nothing would come to wait for.
        Waited for in slices of WAIT_SLICE seconds, so that a query already waiting learns that too."""
        while True:
            with self._lock:
                if not self._members.get(lane):
                    raise StoreUnavailable("The query engine is not available; please try again shortly.")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeout(self._stopped())
            try:
                return self._idle[lane].get(timeout=min(WAIT_SLICE, remaining))
            except queue.Empty:
                continue

    def _recycle(self) -> None:
        """Replace each idle executor that has answered nothing for RECYCLE_AFTER seconds and holds RECYCLE_BYTES
        of its own (see there): memory after a burst of queries returns to what the idle pool holds. Under steady
        load no executor sits idle that long, so none is replaced then. An idle one of a fork server that no longer
        forks (the previous source's, which the take-over did not find idle) is replaced too. And a lane that lost
        executors which could not be replaced is filled up again (`_refill`), after a fork server killed from outside
        is replaced (`_revive`)."""
        while not self._ended.wait(self._recycle_after / 2):
            try:
                self._revive()
                self._sweep(self._stale)
                self._refill()
            except Exception:  # an unforeseen failure must not end recycling and refilling for good
                log.exception("the executor recycler failed; it tries again")

    def _revive(self) -> None:
        """Start a new fork server over the same source if the current one was killed from outside, and hand over
        to it (`switch_to`): without one no executor could be forked again, and the worker answered 503 until a
        reload (an operator's review, with the fork server killed as the OOM killer would)."""
        with self._switching:
            with self._lock:
                current = None if self._closed or self._loading is not None else self._server
            if current is None or not current.gone():
                self._revivals = 0
                return
            if time.monotonic() < self._revive_at:
                return
            log.error("the fork server of the query executors ended (status %s); a new one starts over %s",
                      current.process.returncode, current.path)
            self._switch(current.kind, current.path)
            # One killed again at once (the OOM killer, while the machine is short of memory) is replaced after
            # twice the wait of the last time, up to REVIVE_WAIT_MAX, not every round of the recycler.
            self._revivals += 1
            self._revive_at = time.monotonic() + min(REVIVE_WAIT_MAX, self._recycle_after * 2 ** (self._revivals - 1))

    def _refill(self) -> None:
        """Fork the executors a lane lacks: a successor that could not start (`_replace`; say its on-disk store
        was being written anew, or no process could be had) is tried again here, so a lane does not stay short."""
        for lane, size in self._sizes.items():
            with self._lock:
                missing = 0 if self._closed else size - self._members[lane]
            for _ in range(missing):
                try:
                    self._add(lane)
                except (OSError, RuntimeError) as error:
                    log.warning("the %s lane still lacks %d executor(s): %s", lane, missing, error)
                    break

    def _sweep(self, outworn) -> None:
        """Replace each idle executor for which `outworn(executor)` is true.

        A lane's idle executors are all taken out and looked at, and the others put back in their order before any
        is replaced: put back one by one, the last one in would be the next one out, and only it would be looked
        at again and again (the idle executors are a stack, `__init__`). A query that comes meanwhile waits the
        moment this takes (reading each one's memory, `_stale`), and none waits for a successor's fork; the
        successors come on top, to be used next."""
        for lane, idle in self._idle.items():
            taken = []  # the most recently used first
            while True:
                try:
                    taken.append(idle.get_nowait())
                except queue.Empty:
                    break
            kept = [executor for executor in taken if not outworn(executor)]
            for executor in reversed(kept):  # the most recently used on top again
                idle.put(executor)
            for executor in taken:
                if executor not in kept:
                    self._replace(executor, lane)

    def _stale(self, executor: Executor) -> bool:
        if executor.ended() or executor.server is not self._server and executor.server is not self._loading:
            return True
        return (executor.answered is not None and time.monotonic() - executor.answered >= self._recycle_after
                and executor.private_bytes() >= self._recycle_bytes)

    def _stopped(self) -> str:
        return (f"The query was stopped after {self.timeout:g} seconds, the time limit of this endpoint. "
                "Narrow it down, or download the dumps at /dumps/.")

    def _crashed(self, status: int) -> Exception:
        """What to answer for an executor that died under a query: SIGABRT is a failed allocation under the
        memory cap (Rust aborts then); anything else is reported as a failure of the engine."""
        if status == -signal.SIGABRT:
            log.warning("a query ran out of the %d MB one query may use; its executor ended", self.memory_mb)
            return MemoryLimit(self.memory_mb)
        log.warning("a query executor ended with status %s", status)
        return StoreUnavailable("The query engine stopped unexpectedly; please try again.")

    def _replace(self, executor: Executor, lane: str) -> int:
        """End an executor and fork its successor; return how the ended one exited."""
        # One whose fork server was killed from outside is ended here: it would notice its closed socket only after
        # the query it may still run (a reviewer's finding: a query past the time limit ran on). It was alive a
        # moment ago, unreaped, so the pid is still its own.
        orphan = executor.server.gone() and not executor.ended()
        executor.conn.close()
        with self._lock:
            counted = self._alive.pop(executor.pid, None) is not None  # its successor takes its place in the lane
        status = 0
        try:
            if orphan:
                os.kill(executor.pid, signal.SIGKILL)
            else:
                status = executor.server.end(executor.pid)
        except ProcessLookupError:
            pass
        except (OSError, RuntimeError):
            log.exception("could not end a query executor")
        self._retire()
        try:
            self._add(lane, counted)
        except (OSError, RuntimeError) as error:  # `_refill` tries again
            log.warning("could not replace a query executor of the %s lane: %s", lane, error)
        return status

    def _retire(self) -> None:
        """End the fork servers that fork no more (the previous source's, after a take-over) and have no executors."""
        with self._lock:
            busy = {e.server for e in self._alive.values()} | {s for s, n in self._spawning.items() if n}
            retired = [s for s in self._servers if s not in (self._server, self._loading) and s not in busy]
            self._servers = [s for s in self._servers if s not in retired]
        for server in retired:
            server.close()

    def health(self) -> dict:
        """What /healthz shows; `missing` names the executors a lane lacks because none could be forked (the on-disk
        copy removed under a running server, say): a lane with none left answers nothing (`answers`), nor does a
        source whose files were found damaged (`damaged`, by the marker every worker sees; an operator's review:
        /healthz said ok meanwhile). Idle executors that have ended count as missing until the recycler or a query
        replaces them (an operator's review: executors killed from outside were counted as idle, and /healthz said
        ok while no query could be answered); a probe forks nothing itself."""
        ended = {lane: self._ended_idle(idle) for lane, idle in self._idle.items()}
        with self._lock:
            alive, server = len(self._alive), self._server
            members = {lane: n - ended.get(lane, 0) for lane, n in self._members.items()}
        missing = {lane: size - members.get(lane, 0) for lane, size in self._sizes.items()
                   if members.get(lane, 0) < size}
        dead, damaged = sum(ended.values()), server.kind == DISK and damage_marker(server.path).exists()
        return {"executors": alive - dead, "idle": sum(q.qsize() for q in self._idle.values()) - dead,
                "lanes": dict(self._sizes), "missing": missing, "source": server.kind, "malloc": server.malloc,
                "damaged": damaged, "answers": not damaged and all(members.get(lane, 0) > 0 for lane in self._sizes)}

    @staticmethod
    def _ended_idle(idle: queue.LifoQueue) -> int:
        """How many of the idle executors in `idle` have ended (looked at in place)."""
        with idle.mutex:
            return sum(executor.ended() for executor in idle.queue)

    def close(self) -> None:
        """End every executor, busy or idle, and the fork servers."""
        self._ended.set()
        with self._lock:
            self._closed = True
            self._alive.clear()
            servers = list(self._servers)
        for server in servers:
            server.close()
