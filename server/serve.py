"""`mpsc serve`: the web app under gunicorn in production, or Flask's reloader for development.

Gunicorn runs `workers` processes with `threads` threads each (gthread workers, so slow clients and
long queries do not block a process); each worker opens its own store, which for the embedded store
means `threads` query executors per worker. The app writes the access log itself (one line per request,
server/web/http.py), so gunicorn's own access log stays off.
"""
from __future__ import annotations

from gunicorn.app.base import BaseApplication

from . import create_app
from .config import Settings
from .release import Releases

GUNICORN_TIMEOUT = 120  # seconds a silent worker may take; gthread workers report while their threads wait


class GunicornServer(BaseApplication):
    """gunicorn configured from Settings instead of its own command line."""

    def __init__(self, settings: Settings):
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options = {"bind": [s.bind], "workers": s.workers, "threads": s.threads, "worker_class": "gthread",
                   "timeout": GUNICORN_TIMEOUT, "keepalive": 5, "proc_name": "mpsc",
                   # GET queries travel in the request line; 8190 is gunicorn's largest bounded setting.
                   "limit_request_line": 8190}
        for key, value in options.items():
            self.cfg.set(key, value)
        # Newer gunicorn opens a control socket at one path per user, which replicas on one host would
        # share; nothing here uses it.
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)

    def load(self):
        return create_app(self.settings)


def needs_build(settings: Settings) -> bool:
    """Whether the embedded store has no release to serve yet (a fresh clone)."""
    return settings.store == "embedded" and Releases(settings.releases).current() is None


def run(settings: Settings, dev: bool = False) -> None:
    """Serve until interrupted."""
    if dev:
        run_dev(settings)
    else:
        GunicornServer(settings).run()


def run_dev(settings: Settings) -> None:
    """Flask's development server with the reloader: code changes restart the serving process."""
    from werkzeug.serving import WSGIRequestHandler, is_running_from_reloader, run_simple

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
