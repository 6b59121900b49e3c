"""`mpsc serve`: the web app under granian in production, or Flask's reloader for development.

Granian, chosen by measurement (docs/deployment.md, "Choice of HTTP server"): its HTTP layer is Rust with
asynchronous I/O, so a request reaches a Python thread only once its headers have arrived. Slow clients (one
header line every few seconds) hold a socket, not a thread: with 64 such clients a normal request still
answers in milliseconds, where gunicorn's gthread workers stopped answering. A body is read when the app reads
it, on its thread; server/web/body_limit.py bounds how many of those one client address may hold. It runs
`workers` processes with `http_threads` threads each; each worker opens its own store, which for the embedded
store means its own fork server and executors. The app writes the access log
itself (one line per request, server/web/access_log.py), so granian's own access log stays off.

A worker opens its socket only once its app factory (`serving_app`) has returned, so nothing connects
before it can be answered (benchmarks/startup.py: the first connection and the first answer come together).
The factory therefore makes the app complete: the store opens (its executors start, at a release's first start
on the release loaded into memory) while the web layer is imported, and the landing page's per-release values
are computed before the first visitor asks.
"""
from __future__ import annotations

import atexit
import fcntl
import logging
import math
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .config import READY_DIR, SERVED_RELEASE, Settings, environment, folders_written, redacted, split_bind
from .build.release import Release, ReleaseCorrupt, Releases
from .errors import BadSetting, QueryFailed
from .store import open_store

STOP_GRACE = 5  # seconds a stopping worker has beyond the time limit of the queries it still answers


def needs_build(settings: Settings) -> bool:
    """Whether the embedded store has no release to serve yet (a fresh clone)."""
    return settings.store == "embedded" and Releases(settings.releases).current() is None


def run(settings: Settings, dev: bool = False, release: Release | None = None) -> None:
    """Serve until interrupted. The workers build their app from MPSC_* variables, set here from `settings`, over
    `release`, the one the command checked (the current one)."""
    os.environ.update(environment(settings))
    if dev:
        run_dev(settings)
    else:
        run_granian(settings, release)


def run_granian(settings: Settings, release: Release | None) -> None:
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import logger as said  # granian's own log, for the lines of a respawn
    from granian.server import Server

    host, port = split_bind(settings.bind)
    # The buffer takes headers as large as the largest request body; a GET's request target itself stops at
    # config.LONGEST_TARGET, granian's own limit (414 beyond), so longer queries come by POST (docs/deployment.md).
    http1 = HTTP1Settings(header_read_timeout=round(settings.header_timeout * 1000),
                          max_buffer_size=max(HTTP1Settings.max_buffer_size, settings.request_bytes + 16_384))

    class Checked(Server):
        def _reload(self, spawn_target, target_loader):
            """A reload (SIGHUP) respawns the workers over the current release only if it could serve it: a new
            worker over a damaged release failed, granian saw a crash loop and the whole server ended (an
            operator's review). Otherwise the workers serve on, and the log says why. (granian's own method.)"""
            refused = None
            try:
                if settings.store == "embedded":
                    pin_the_served_release(Releases(settings.releases).checked_current())
            except ReleaseCorrupt as error:
                refused = str(error)
            except Exception as error:  # noqa: BLE001 -- anything raised here would end granian's supervising loop
                refused = f"the release could not be checked: {error}"
            if refused is None:
                return super()._reload(spawn_target, target_loader)
            logging.getLogger(__name__).error("reload refused, the workers serve on: %s", refused)
            self.reload_signal = False
            self.main_loop_interrupt.clear()

        def _respawn_workers(self, workers, spawn_target, target_loader, delay: float = 0):
            """granian's, but an old worker is stopped only once its successor is ready (`Readiness`), not after a
            fixed 3.5 s: a worker opens its socket only when its app is whole, which at a release's first start
            takes longer, and meanwhile every connection was refused (an operator's review: 3 to 10 s after a
            SIGHUP). A successor that ends before it is ready leaves its predecessor serving, and the log says
            so: granian had stopped the healthy workers, seen a crash loop and ended. (granian's own method.)"""
            for idx in workers:
                self.respawned_wrks[idx] = time.monotonic()
                said.info("Respawning worker-%d", idx + 1)
                new = self._spawn_worker(idx=idx, target=spawn_target, callback_loader=target_loader)
                new.interrupt_by_parent = True  # an end before it is ready is handled here, not as granian's crash
                new.start()
                old = self.wrks[idx]
                if not ready.wait(new, lambda: self.interrupt_signal) and old.is_alive():
                    if not self.interrupt_signal:
                        logging.getLogger(__name__).error("worker-%d could not start; the old one serves on", idx + 1)
                    new.terminate()
                    new.join(self.workers_kill_timeout)
                    continue
                new.interrupt_by_parent = False
                if not new.is_alive():  # its predecessor had crashed too: granian's rule for crash loops decides
                    self.interrupt_children.append(idx)
                    self.main_loop_interrupt.set()
                self.wrks[idx] = new
                said.info("Stopping old worker-%d", idx + 1)
                old.terminate()
                old.join(self.workers_kill_timeout)
                if old.is_alive():
                    old.kill()
                    old.join()
                said.info("Stopped old worker-%d", idx + 1)
            self._metrics.incr_spawn(len(workers))

    # A worker that does not stop (granian waits for ever by default) is killed once the queries it still answered
    # could have run to their time limit; a stop during loading ends the worker at once (end_on_stop_while_loading).
    server = Checked("server.serve:serving_app", factory=True, interface=Interfaces.WSGI, address=host,
                     port=port, workers=settings.workers, blocking_threads=settings.http_threads,
                     http1_settings=http1, log_access=False, respawn_failed_workers=True, log_dictconfig=LOGGING,
                     workers_kill_timeout=kill_timeout(settings), **metrics(settings))
    if settings.store == "embedded":  # the release the command checked, not what `current` names a moment later
        pin_the_served_release(release)
    # what an operator reading the log needs first (an SRE's review: the start named no release and no settings)
    said.info("Serving release %s from %s: %d worker(s), %d public query executor(s) each, %s s per query",
              release.version if release else "(the store's)", redacted(settings.store), settings.workers,
              settings.executors, f"{settings.query_timeout:g}")
    with Readiness() as ready:
        server.serve()


def kill_timeout(settings: Settings) -> int:
    """Seconds a stopping worker has before it is killed: its queries could have run to their time limit."""
    return math.ceil(settings.query_timeout) + STOP_GRACE


def metrics(settings: Settings) -> dict:
    """Granian's options for its Prometheus exporter at MPSC_METRICS (an SRE's review: nothing told the request
    rate, a worker's respawns or the busy and queued threads without parsing the log)."""
    if not settings.metrics:
        return {}
    host, port = split_bind(settings.metrics)
    return {"metrics_enabled": True, "metrics_address": host, "metrics_port": port}


def pin_the_served_release(release: Release | None) -> None:
    """Name the release the master has just checked, by its folder, as the one its workers serve, now and when
    granian respawns one that crashed: a respawned worker read `current` and so served (or, damaged, crashed the
    whole server over) a release no one had checked or reloaded (an operator's review). Only a reload (SIGHUP),
    checked first, moves the workers to another. By folder, not version: a `current` that is a copy without
    links has no folder named by its version."""
    os.environ[SERVED_RELEASE] = str(release.path) if release else ""


# The log's lines as granian's logging configuration writes them (granian.log.LOGGING_CONFIG, which this replaces
# whole), each with its time as the access log has it: granian's own on standard output, the server's warnings
# and errors on standard error with their level and module (an operator's review: they had neither time nor
# level, and Flask's errors a format of their own).
LOGGING = {
    "version": 1, "disable_existing_loggers": False,
    "formatters": {"generic": {"format": "%(asctime)s [%(levelname)s] %(message)s"},
                   "ours": {"format": "%(asctime)s [%(levelname)s] %(name)s: %(message)s"},
                   "access": {"format": "%(message)s"}},
    "filters": {"intended": {"()": "server.serve.Intended"}},
    "handlers": {"console": {"formatter": "generic", "class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                             "filters": ["intended"]},
                 "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
                 "ours": {"formatter": "ours", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
    "loggers": {"_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
                "granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["ours"], "level": "WARNING"},
}


class Intended(logging.Filter):
    """Leaves out granian's warning, at every start, that more threads than twice the cores "seems quite high": ours
    are so by design (`Settings.http_threads`: a thread for each public query that may run or wait, so that queued
    queries keep no page waiting), and a warning at every start read as a fault to an operator."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "seems quite high compared to the number of CPU cores" not in record.getMessage()


READY_WAIT = 300  # seconds a respawned worker may take to be ready before its predecessor is stopped all the same


class Readiness:
    """A folder in which each granian worker leaves a file named by its process id once its app is whole
    (`serving_app`), so that the master stops an old worker only when its successor can answer."""

    def __enter__(self) -> "Readiness":
        self.folder = tempfile.mkdtemp(prefix="mpsc-ready-")
        os.environ[READY_DIR] = self.folder  # the workers are forked from this process
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def wait(self, worker, stopping) -> bool:
        """Whether `worker` (granian's) became ready; waits until it is, has ended, the server is `stopping()`
        (a SIGTERM to the master), or READY_WAIT has passed."""
        mark, deadline = os.path.join(self.folder, str(worker._id())), time.monotonic() + READY_WAIT
        while not os.path.exists(mark) and worker.is_alive() and not stopping() and time.monotonic() < deadline:
            time.sleep(0.05)
        return os.path.exists(mark)


def note_ready() -> None:
    """Tell the master that this worker's app is whole (`Readiness`)."""
    folder = os.environ.get(READY_DIR)
    if folder:
        try:
            open(os.path.join(folder, str(os.getpid())), "x").close()
        except OSError:  # a folder gone (a stopping master): nobody waits
            pass


def refuse_a_taken_address(bind: str, setting: str = "--port or MPSC_BIND") -> None:
    """BadSetting if another program listens at `bind` (host:port), naming the `setting` to change (MPSC_METRICS's
    exporter too: granian's ended in a backtrace at a taken port). Granian binds with SO_REUSEPORT, so a second
    server on a port a first one held started without a word and the kernel shared the requests between the two
    (an operator's review); a port another program held ended in a backtrace. A plain bind fails on either.
    Another `mpsc serve` that is still starting does not listen yet (it checks its release, may build one first):
    each holds a lock named by its port for as long as it runs, and a second one refuses while the first holds it
    (an operator's review: two started together both listened)."""
    host, port = split_bind(bind)
    _hold_the_port(bind, port, setting)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # connections of an earlier run do not count
        try:
            probe.bind((host, port))
        except OSError as error:
            raise BadSetting(f"cannot listen at {bind}: {error.strerror or error} (another server, or an earlier "
                             f"one still running, holds it; stop it or choose another {setting})") from None


def _hold_the_port(bind: str, port: int, setting: str) -> None:
    """Take the lock of `port` (a file in the temporary folder, removed again at the end) or refuse; where the file
    cannot be opened (made by another user), the plain bind alone decides. By port, whatever the host: 0.0.0.0
    and 127.0.0.1 share a port, and two servers on one port of two loopback addresses are no deployment."""
    path = os.path.join(tempfile.gettempdir(), f"mpsc-serve-{port}.lock")
    try:
        handle = open(path, "a")
    except OSError:
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise BadSetting(f"cannot listen at {bind}: another `mpsc serve` is starting or serving on port {port} "
                         f"(stop it or choose another {setting})") from None
    atexit.register(_release, path, handle)  # which also keeps the handle, and so the lock, for as long as it runs


def _release(path: str, handle) -> None:
    """Remove a port's lock file while still holding it (a server started meanwhile makes its own), then let go."""
    try:
        os.unlink(path)
    except OSError:
        pass
    handle.close()


def refuse_unwritable_folders(settings: Settings) -> None:
    """BadSetting if a folder the server will write into cannot be made or written (an operator's review:
    MPSC_STORE_PATH=/proc/nope passed, and each worker ended in a traceback after "Listening"; short links failed
    unlogged). Asked by creating and removing a temporary folder in the nearest folder that exists."""
    for variable, (value, folder) in folders_written(settings).items():
        try:
            existing = next(p for p in (folder, *folder.parents) if p.exists())
            os.rmdir(tempfile.mkdtemp(prefix=".mpsc-check-", dir=existing))
        except OSError as error:
            raise BadSetting(f"{variable}={str(value)!r}: cannot be written ({error.strerror or error})") from None


def serving_app():
    """The app a granian worker serves, from the MPSC_* variables, ready to answer every request at once."""
    end_on_stop_while_loading()
    stop_with_the_master()
    app = _loaded_app()
    note_ready()
    return app


def stop_with_the_master() -> None:
    """Stop this worker as its master's stop would (SIGTERM: requests in flight finish, its executors end with it)
    once granian's master is gone, and end it as the master would have once its queries could have run to their
    time limit: a master killed from outside (SIGKILL, the OOM killer) left its workers serving on, holding the port
    and its lock, and a new `mpsc serve` was refused (an SRE's review). A thread looks at the parent once a second;
    not the kernel's parent-death signal, which follows the thread that forked the worker."""
    parent = multiprocessing.parent_process()  # the master as it forked this worker, even if it is gone already
    master = parent.pid if parent is not None else os.getppid()
    grace = kill_timeout(Settings.from_env())

    def watch() -> None:
        while os.getppid() == master:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        _end_at_once(signal.SIGKILL, None)

    threading.Thread(target=watch, name="mpsc-master-watch", daemon=True).start()


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def end_on_stop_while_loading() -> None:
    """Have a stop signal end this granian worker at once until granian's own handlers replace ours.

    Until then (a moment after this factory returns) a worker has its master's handlers, inherited through fork,
    which only mark the worker's copy of the master as stopping: such a stop was lost, and the worker loaded on
    and then waited until granian killed it. A worker that has not served has nothing to finish, so it ends at
    once (loading can take seconds on a busy machine); its fork server and executors end with it when their
    socket closes. A stop in the moment between granian's handler and its server reaches granian before it
    listens and is lost: granian kills that worker once its queries could have run to their time limit."""
    inherited = getattr(signal.getsignal(signal.SIGTERM), "__self__", None)  # granian's master, if any
    for number in STOP_SIGNALS:
        signal.signal(number, _end_at_once)
    # A stop in the moments before this factory ran went to that handler, which marks the master object.
    if getattr(inherited, "interrupt_signal", False):
        _end_at_once(signal.SIGTERM, None)


def _end_at_once(number: int, frame) -> None:
    os._exit(128 + number)  # what a shell reports for a process ended by that signal; nothing to clean up


def _loaded_app():
    """The app over the store of the settings' release, with the landing page prepared."""
    settings = Settings.from_env()
    with ThreadPoolExecutor(1) as opening:  # the store opens while the web app is imported and put together
        store = opening.submit(open_store, settings, Releases(settings.releases), quick_start=True,
                               folder=os.environ.get(SERVED_RELEASE) or None)
        from . import create_app
        from .web import pages

        app = create_app(settings, store=store)
    try:
        with app.test_request_context("/"):
            pages.home()
    except QueryFailed as error:  # an external store that is away: the first visitor will see it answered
        logging.getLogger(__name__).warning("the landing page could not be prepared: %s", error)
    if settings.store == "embedded":  # only now: its writer had competed with the landing page for the processor
        store.result().keep_quick_start_copy()
    return app


def run_dev(settings: Settings) -> None:
    """Flask's development server with the reloader: code changes restart the serving process."""
    from werkzeug.serving import WSGIRequestHandler, is_running_from_reloader, run_simple

    from . import create_app

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args) -> None:
            """The app's access log has the line already."""

    host, port = split_bind(settings.bind)
    # The reloader's parent process only watches files; opening the store there would start executors twice.
    app = create_app(settings) if is_running_from_reloader() else _not_serving
    run_simple(host, port, app, use_reloader=True, use_debugger=False, threaded=True,
               request_handler=QuietHandler)


def _not_serving(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting\n"]
