"""`mpsc serve`: the web app under granian in production, or Flask's reloader for development.

Granian, chosen by measurement (docs/deployment.md, "Choice of HTTP server"): its HTTP layer is Rust with
asynchronous I/O, so a request reaches a Python thread only once it has fully arrived. Slow or stalled
clients (one header line every few seconds, a chunked body that never comes) hold a socket, not a thread:
with 64 such clients a normal request still answers in milliseconds, where gunicorn's gthread workers
stopped answering. It runs `workers` processes with `http_threads` threads each; each worker opens its own
store, which for the embedded store means its own fork server and executors. The app writes the access log
itself (one line per request, server/web/access_log.py), so granian's own access log stays off.

A worker opens its socket only once its app factory (`serving_app`) has returned, so nothing connects
before it can be answered (benchmarks/startup.py: the first connection and the first answer come together).
The factory therefore makes the app complete: the release loads in the fork server while the web layer is
imported, and the landing page's per-release values are computed before the first visitor asks.
"""
from __future__ import annotations

import itertools
import logging
import math
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .config import Settings, environment
from .build.release import Releases
from .errors import QueryFailed
from .store import open_store

STOP_GRACE = 5  # seconds a stopping worker has beyond the time limit of the queries it still answers


def needs_build(settings: Settings) -> bool:
    """Whether the embedded store has no release to serve yet (a fresh clone)."""
    return settings.store == "embedded" and Releases(settings.releases).current() is None


def run(settings: Settings, dev: bool = False) -> None:
    """Serve until interrupted. The workers build their app from MPSC_* variables, set here from `settings`."""
    os.environ.update(environment(settings))
    if dev:
        run_dev(settings)
    else:
        run_granian(settings)


def run_granian(settings: Settings) -> None:
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    host, _, port = settings.bind.rpartition(":")
    # The buffer takes headers as large as the largest request body; a GET's request target itself stops at
    # 65,534 bytes, granian's own limit (414 beyond), so longer queries come by POST (docs/deployment.md).
    http1 = HTTP1Settings(header_read_timeout=round(settings.header_timeout * 1000),
                          max_buffer_size=max(HTTP1Settings.max_buffer_size, settings.request_bytes + 16_384))
    # A worker that does not stop (granian waits for ever by default) is killed once the queries it still answered
    # could have run to their time limit; a stop during loading is handed over (StopWhileLoading).
    server = Server("server.serve:serving_app", factory=True, interface=Interfaces.WSGI, address=host or "127.0.0.1",
                    port=int(port), workers=settings.workers, blocking_threads=settings.http_threads,
                    http1_settings=http1, log_access=False, respawn_failed_workers=True,
                    workers_kill_timeout=math.ceil(settings.query_timeout) + STOP_GRACE)
    server.serve()


def serving_app():
    """The app a granian worker serves, from the MPSC_* variables, ready to answer every request at once."""
    stop = StopWhileLoading()
    try:
        return _loaded_app()
    finally:
        stop.hand_over()


class StopWhileLoading:
    """Keeps a stop signal that arrives while a granian worker loads its app, and delivers it again once granian
    listens for it.

    Until granian installs a worker's own handlers (a moment after this factory returns), the worker has the
    master's, inherited through fork, which only mark the worker's copy of the master as stopping: a SIGTERM then is
    lost, and the worker would wait for one until granian kills it (seen in about one of three stops right after a
    start). Our handler stays until granian replaces it, so a stop in the moment between the two is kept as well."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self):
        inherited = getattr(signal.getsignal(signal.SIGTERM), "__self__", None)  # granian's master, if any
        self.received: int | None = None
        self.loaded = False
        self.deliveries = itertools.count()
        self.ours = self._note
        for number in self.SIGNALS:
            signal.signal(number, self.ours)
        # A stop in the moments before this factory ran went to that handler, which marks the master object.
        if getattr(inherited, "interrupt_signal", False):
            self.received = signal.SIGTERM

    def _note(self, number, frame) -> None:
        self.received = number
        if self.loaded:  # granian is about to install its handlers: hand this stop over now
            self._start_delivery()

    def hand_over(self) -> None:
        self.loaded = True
        if self.received is not None:
            self._start_delivery()

    def _start_delivery(self) -> None:
        """Once, even if our handler interrupts hand_over() here: next() on a counter is one step for Python."""
        if next(self.deliveries) == 0:
            threading.Thread(target=self._deliver, daemon=True).start()

    def _deliver(self) -> None:
        """Wait (ten seconds at most) for granian's handler in place of ours, then (one second at most) until
        granian listens for the stop, and send it again.

        Granian's worker installs its handler a moment before it starts the server that acts on what the handler
        records: a stop in between was lost (once in about 60 stops right after a start, under load). Once that
        server runs, the worker's main thread waits for the stop in threading.Event.wait (granian 2.8), which is
        what this looks for; a granian that waits elsewhere gets the stop after the second."""
        main = threading.main_thread().ident
        _until(lambda: signal.getsignal(self.received) is not self.ours, seconds=10)
        _until(lambda: _waits_for_an_event(sys._current_frames().get(main)), seconds=1)
        os.kill(os.getpid(), self.received)


def _until(condition, seconds: float) -> None:
    """Poll `condition` every 10 ms until it holds or `seconds` have passed."""
    for _ in range(round(seconds * 100)):
        if condition():
            return
        time.sleep(0.01)


def _waits_for_an_event(frame) -> bool:
    """Whether a thread whose current frame is `frame` waits in threading.Event.wait."""
    while frame is not None:
        if frame.f_code is threading.Event.wait.__code__:
            return True
        frame = frame.f_back
    return False


def _loaded_app():
    """The app over the store of the settings' release, with the landing page prepared."""
    settings = Settings.from_env()
    with ThreadPoolExecutor(1) as opening:  # the fork server loads the release while the web layer imports
        store = opening.submit(open_store, settings, Releases(settings.releases), quick_start=True)
        from . import create_app
        from .web import pages

        app = create_app(settings, store=store.result())
    try:
        with app.test_request_context("/"):
            pages.home()
    except QueryFailed as error:  # an external store that is away: the first visitor will see it answered
        logging.getLogger(__name__).warning("the landing page could not be prepared: %s", error)
    return app


def run_dev(settings: Settings) -> None:
    """Flask's development server with the reloader: code changes restart the serving process."""
    from werkzeug.serving import WSGIRequestHandler, is_running_from_reloader, run_simple

    from . import create_app

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args) -> None:
            """The app's access log has the line already."""

    host, _, port = settings.bind.rpartition(":")
    # The reloader's parent process only watches files; opening the store there would start executors twice.
    app = create_app(settings) if is_running_from_reloader() else _not_serving
    run_simple(host or "127.0.0.1", int(port), app, use_reloader=True, use_debugger=False, threaded=True,
               request_handler=QuietHandler)


def _not_serving(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting\n"]
