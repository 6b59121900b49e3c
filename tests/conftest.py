"""Shared fixtures: one real release built from the repository's data, and real HTTP servers on 127.0.0.1.

The release is built once per test session (it is the slow part); servers are cheap and started per
module or per test where a test needs its own settings.
"""
from __future__ import annotations

import gzip
import shutil
import threading
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
from server.store import Store
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


@pytest.fixture(scope="session")
def releases_dir(tmp_path_factory, worker_id) -> Path:
    """A releases folder holding one release of the real data, validated as `mpsc build` does it.

    It is built once per run: under pytest-xdist (`make test` runs two workers) the workers share the
    run's temporary folder, the first one builds and the others wait for it (the build uses both cores).
    """
    shared = tmp_path_factory.getbasetemp()
    shared = shared if worker_id == "master" else shared.parent
    out = shared / "releases"
    with FileLock(shared / "releases.lock"):
        if not (out / "current").exists():
            build(ROOT, out)
    return out


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
def serve_app(settings: Settings, store=None, base_url: str | None = None):
    """Serve the app on 127.0.0.1 in a background thread; yields the URL it listens on (with trailing slash).
    Its pages name that URL as their base, or `base_url` (another server's, to compare pages byte for byte)."""
    port = free_port()
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
        app.extensions["mpsc.store"].close()


@pytest.fixture(scope="session")
def settings(releases_dir) -> Settings:
    return Settings.from_env(root=ROOT, releases=releases_dir)


@pytest.fixture(scope="session")
def base_url(settings):
    """A live server over the real release, shared by the whole session."""
    with serve_app(settings) as url:
        yield url
