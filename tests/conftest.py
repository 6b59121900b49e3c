"""Shared fixtures: one real release built from the repository's data, and real HTTP servers on 127.0.0.1.

The release is built once per test session (it is the slow part); servers are cheap and started per
module or per test where a test needs its own settings.
"""
from __future__ import annotations

import collections
import gzip
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from filelock import FileLock
from werkzeug.serving import make_server

from server import create_app
from server.build import build
from server.config import Settings
from server.build.release import DATASET_FILE, Releases
from server.store import Store, open_store
from tests.sparql_support import ROOT, free_port, mpsc  # noqa: F401  (fixtures' helpers, shared with benchmarks)


class NoStore(Store):
    """A store for apps whose tests run no query (listing URL rules): nothing to load, and a query fails loudly."""

    @property
    def version(self) -> str:
        return "none"

    def query(self, sparql, fmt, **options) -> bytes:
        raise AssertionError(f"this test runs no query, but asked: {sparql[:80]}")

    def graph_sizes(self) -> dict[str, int]:
        return {}

    def health(self) -> dict:
        return {"store": "none", "version": None, "ok": True}


def make_small_root(folder: Path) -> Path:
    """A project folder in `folder` with the real ontology and shapes but a tiny valid data set, so builds take
    seconds."""
    root = folder / "project"
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "shapes", root / "shapes")
    shutil.copytree(ROOT / "data" / "metadata", root / "data" / "metadata")
    (root / "data" / "reference").mkdir(parents=True)
    (root / "data" / "programme").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "shapes" / "valid.ttl", root / "data" / "programme" / "valid.ttl")
    return root


@pytest.fixture
def small_root(tmp_path) -> Path:
    """A project folder with the real ontology and shapes but a tiny valid data set (`make_small_root`)."""
    return make_small_root(tmp_path)


BUILD_LOG, BUILD_DONE = "release-build.log", "release-build.done"  # in the run's shared temporary folder
_BUILDER = pytest.StashKey[subprocess.Popen]()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Under pytest-xdist (`make test`), the controller starts the run's one build of the real release
    before the workers exist, as `mpsc build` in a subprocess: the workers run the tests that need no
    release meanwhile (`pytest_collection_modifyitems` puts them first) instead of waiting for it."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    shared = config._tmp_path_factory.getbasetemp()  # what tmp_path_factory is; no fixture runs here
    log = open(shared / BUILD_LOG, "wb")  # noqa: SIM115 (the subprocess writes it until it ends)
    process = subprocess.Popen([sys.executable, "-m", "server.cli", "build", "--out", str(shared / "releases")],
                               cwd=ROOT, env={**os.environ, "MPSC_ROOT": str(ROOT)}, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)  # a group: see sessionfinish
    config.stash[_BUILDER] = process

    def report() -> None:
        status = process.wait()
        log.close()
        (shared / "build.tmp").write_text(str(status))
        (shared / "build.tmp").replace(shared / BUILD_DONE)  # whole or not there

    threading.Thread(target=report, daemon=True).start()


def pytest_sessionfinish(session):
    """A run that ends early (a failure with -x, Ctrl-C) stops the build it started, with the child process
    that writes the files (build/background.py)."""
    process = session.config.stash.get(_BUILDER, None)
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true",
                     help="also run the tests marked slow (other stores compared over the full release); make test does")


def pytest_collection_modifyitems(config, items):
    """Tests marked slow are left out unless --slow asks for them (`make test`, and so CI, does). Test files that
    need no release of the real data run first, while it is built; in each group, files with more tests first
    (`make test` turns xdist's own reordering off, which would ignore the groups). Two tests with one node id
    end the run: pytest-xdist runs one of them and says nothing (schemathesis's per-operation tests did that)."""
    twice = sorted(nodeid for nodeid, n in collections.Counter(item.nodeid for item in items).items() if n > 1)
    if twice:
        raise pytest.UsageError("tests collected more than once under one node id: " + ", ".join(twice))
    if not config.getoption("slow"):
        slow = [item for item in items if item.get_closest_marker("slow")]
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]
    needs = {item.path for item in items if "releases_dir" in item.fixturenames}
    sizes = collections.Counter(item.path for item in items)
    items.sort(key=lambda item: (item.path in needs, -sizes[item.path]))


@pytest.fixture(scope="session")
def releases_dir(tmp_path_factory, worker_id) -> Path:
    """A releases folder holding one release of the real data, validated as `mpsc build` does it.

    It is built once per run: under pytest-xdist the controller has started the build
    (`pytest_sessionstart`) and the workers wait for it; in a run without workers, the first test that
    needs it builds it.
    """
    shared = tmp_path_factory.getbasetemp()
    shared = shared if worker_id == "master" else shared.parent
    out = shared / "releases"
    if (shared / BUILD_LOG).exists():
        _wait_for_build(shared)
    else:
        with FileLock(shared / "releases.lock"):
            if not (out / "current").exists():
                build(ROOT, out)
    return out


def _wait_for_build(shared: Path, timeout: float = 900) -> None:
    """Wait for the build the controller started; fail every test that needs it with its report."""
    deadline = time.monotonic() + timeout
    while not (shared / BUILD_DONE).exists():
        if time.monotonic() > deadline:
            pytest.fail(f"the release build did not end within {timeout:.0f} s")
        time.sleep(0.2)
    if (shared / BUILD_DONE).read_text() != "0":
        pytest.fail("mpsc build failed:\n" + (shared / BUILD_LOG).read_text(encoding="utf-8", errors="replace"))


@pytest.fixture(scope="session")
def release(releases_dir):
    return Releases(releases_dir).current()


@pytest.fixture(scope="session")
def release_store(release):
    """The whole release in an in-process pyoxigraph store, as the endpoint's engine holds it."""
    store = ox.Store()
    with gzip.open(release.path / DATASET_FILE) as handle:
        store.bulk_load(handle, format=ox.RdfFormat.N_QUADS)
    return store


@contextmanager
def serve_app(settings: Settings, store=None, base_url: str | None = None, port: int | None = None):
    """Serve the app on 127.0.0.1 in a background thread, on `port` or a free one; yields the URL it listens on
    (with trailing slash). Its pages name that URL as their base, or `base_url` (another server's, to compare pages
    byte for byte). A `store` given stays open (its owner closes it); one the app opened is closed with the server."""
    port = port or free_port()
    settings = settings.with_(base_url=base_url or f"http://127.0.0.1:{port}/", bind=f"127.0.0.1:{port}")
    app = create_app(settings, store=store)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        if store is None:
            app.extensions["mpsc.store"].close()


@pytest.fixture(scope="session")
def settings(releases_dir) -> Settings:
    return Settings.from_env(root=ROOT, releases=releases_dir)


SESSION_PORT = pytest.StashKey[int]()


@pytest.fixture(scope="session")
def real_store(settings, request):
    """The embedded store over the real release, opened once per worker for the session's server (`base_url`),
    whose endpoint URL it resolves relative IRIs against. Apps that differ from that server only in web settings
    (the document cache off, the pages' base URL, the time limit of a reconciliation batch) share it, since each
    store an app opens loads the release again (~2 s of CPU)."""
    port = request.config.stash[SESSION_PORT] = free_port()
    store = open_store(settings.with_(base_url=f"http://127.0.0.1:{port}/"), Releases(settings.releases))
    yield store
    store.close()


@pytest.fixture(scope="session")
def base_url(settings, real_store, request):
    """A live server over the real release, shared by the whole session."""
    with serve_app(settings, store=real_store, port=request.config.stash[SESSION_PORT]) as url:
        yield url
