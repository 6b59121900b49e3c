"""The embedded store: pyoxigraph over the current release, in executor processes of this web worker.

The release's dataset file carries the merge of all named graphs as its default graph, so queries
without GRAPH see each triple once; the store's own union mode is not used. By default the fork server
loads that file into memory once and its executors share it (pool.py); with a store path, the release is
written once per version into an on-disk store there, which every executor opens read-only. A new release
takes a new store, that is a restart of the server.

`mpsc serve` starts quickly: loading the release into memory takes about 1.5 s, opening an on-disk store a
few milliseconds. So the first start of a release writes an on-disk copy of it beside the releases
(QUICK_START), in the background once the release is checked whole; every later start answers from that copy
at once while the fork server loads the release into memory, and then hands over to it (pool.py, `bridge`).
"""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox

from ..formats import Format
from ..build.release import DATASET_FILE, Release, clean_stale
from .base import Store
from .executor import DISK, MEMORY, load_dataset
from .pool import PUBLIC, SITE, ExecutorPool

log = logging.getLogger(__name__)
QUICK_START = ".quick-start"  # in the releases folder: an on-disk copy of each release that has been served


def disk_store(release: Release, root: Path) -> Path:
    """The on-disk store of `release` under `root`, written on first use.

    The store is built in a temporary folder and renamed into place, so a folder named after a version is
    always complete; web workers starting together may both build it, and the first rename wins.
    """
    target = Path(root) / release.version
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{release.version}-{os.getpid()}-", dir=target.parent))
    try:
        store = ox.Store(str(staging))
        load_dataset(store, release.path / DATASET_FILE, bulk=True)
        store.flush()
        del store  # closes the database before the rename
        os.chmod(staging, 0o755)  # as a release folder: a server running as another user may read it
        os.rename(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not target.is_dir():  # not "another worker was first": a real failure
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def quick_start_copy(release: Release) -> Path | None:
    """The on-disk copy of `release` a start may answer from while the release loads, if one was written."""
    copy = release.path.parent / QUICK_START / release.version
    return copy if copy.is_dir() else None


def write_quick_start_copy(release: Release) -> None:
    """Write the on-disk copy of a release checked whole (in the background, at low priority), and remove the
    copies of releases that are gone. One writer at a time: the other web workers starting with this one leave
    it to the first. A folder where nothing may be written only costs the quick start."""
    root = release.path.parent / QUICK_START
    try:
        tid = threading.get_native_id()  # this thread's priority, which the loader's threads inherit
        os.setpriority(os.PRIO_PROCESS, tid, max(10, os.getpriority(os.PRIO_PROCESS, tid)))
        root.mkdir(parents=True, exist_ok=True)
        with open(root / ".lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another worker writes it
                return
            disk_store(release, root)
            for copy in root.iterdir():
                if not copy.name.startswith(".") and not (release.path.parent / copy.name).is_dir():
                    shutil.rmtree(copy, ignore_errors=True)
    except OSError as error:
        log.warning("no on-disk copy of release %s for quick starts: %s", release.version, error)


class EmbeddedStore(Store):
    """`executors` processes answer public queries over `release` and `site_executors` the site's own, each
    stopped after `timeout` seconds or beyond `memory_mb` of memory; relative IRIs in queries resolve against
    `base_iri`, the URL of the endpoint (the protocol leaves the base to the service)."""

    def __init__(self, release: Release, *, executors: int = 2, site_executors: int = 1, timeout: float = 10.0,
                 memory_mb: int = 0, store_path: Path | None = None, base_iri: str | None = None,
                 quick_start: bool = False):
        self._release, self._base_iri = release, base_iri
        bridge = None
        if store_path:
            source = (DISK, str(disk_store(release, store_path)))
        else:
            source = (MEMORY, str(release.path / DATASET_FILE))
            copy = quick_start_copy(release) if quick_start else None
            bridge = (DISK, str(copy)) if copy else None
        self._pool = ExecutorPool(*source, lanes={PUBLIC: executors, SITE: site_executors}, timeout=timeout,
                                  memory_mb=memory_mb, bridge=bridge)
        if bridge and not self._pool.bridged:  # a damaged copy, or one of another pyoxigraph: written anew
            shutil.rmtree(bridge[1], ignore_errors=True)

    def keep_quick_start_copy(self) -> None:
        """Once the release is known to be whole: write its on-disk copy for the next start, if there is none."""
        if quick_start_copy(self._release) is None:
            threading.Thread(target=write_quick_start_copy, args=(self._release,), name="quick-start-copy",
                             daemon=True).start()

    @property
    def version(self) -> str:
        return self._release.version

    def query(self, sparql, fmt: Format, *, default_graphs=None, named_graphs=None, max_rows=None,
              public=False, deadline=None) -> bytes:
        request = (sparql, fmt.key, default_graphs, named_graphs, max_rows, self._base_iri)
        return self._pool.run(request, PUBLIC if public else SITE, deadline)

    def graph_sizes(self) -> dict[str, int]:
        """The counts the release's manifest gives (the build counted them)."""
        return self._release.manifest["graphs"]

    def health(self) -> dict:
        pool = self._pool.health()
        return {"store": "embedded", "version": self.version, "ok": pool["executors"] > 0, **pool}

    def close(self) -> None:
        self._pool.close()
