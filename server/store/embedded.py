"""The embedded store: pyoxigraph over the current release, in executor processes of this web worker.

The release's dataset file carries the merge of all named graphs as its default graph, so queries
without GRAPH see each triple once; the store's own union mode is not used. By default each executor
loads that file into memory; with a store path, the release is written once per version into an on-disk
store there, which every executor opens read-only (see pool.py for the trade-off).
"""
from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ..formats import Format
from ..release import Release
from .base import Store
from .executor import DISK, MEMORY
from .pool import ExecutorPool

DATASET_FILE = "mpsc-all.nq.gz"


def load_release(store: ox.Store, release: Release) -> None:
    """Bulk-load a release's all-graphs N-Quads dump into a store."""
    with gzip.open(release.path / DATASET_FILE, "rb") as handle:
        store.bulk_load(handle, format=ox.RdfFormat.N_QUADS)


def disk_store(release: Release, root: Path) -> Path:
    """The on-disk store of `release` under `root`, written on first use.

    The store is built in a temporary folder and renamed into place, so a folder named after a version is
    always complete; web workers starting together may both build it, and the first rename wins.
    """
    target = Path(root) / release.version
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{release.version}-", dir=target.parent))
    store = ox.Store(str(staging))
    load_release(store, release)
    store.flush()
    del store  # closes the database before the rename
    try:
        os.rename(staging, target)
    except OSError:  # another worker was first
        shutil.rmtree(staging, ignore_errors=True)
    return target


class EmbeddedStore(Store):
    """`executors` processes answer queries, each stopped after `timeout` seconds."""

    def __init__(self, release: Release, *, executors: int = 2, timeout: float = 10.0,
                 store_path: Path | None = None):
        self._executors, self._timeout, self._store_path = executors, timeout, store_path
        self._pool: ExecutorPool | None = None
        self.load(release)

    @property
    def version(self) -> str:
        return self._release.version

    def load(self, release: Release) -> None:
        """Start executors over `release`, then retire the old ones (their running queries fail with 503)."""
        if self._store_path:
            source = (DISK, str(disk_store(release, self._store_path)))
        else:
            source = (MEMORY, str(release.path / DATASET_FILE))
        pool = ExecutorPool(*source, size=self._executors, timeout=self._timeout)
        old, self._pool, self._release = self._pool, pool, release
        if old:
            old.close()

    def query(self, sparql, fmt: Format, *, default_graphs=None, named_graphs=None, max_rows=None,
              base_iri=None) -> bytes:
        return self._pool.run((sparql, fmt.key, default_graphs, named_graphs, max_rows, base_iri))

    def health(self) -> dict:
        pool = self._pool.health()
        return {"store": "embedded", "version": self.version, "ok": pool["executors"] > 0, **pool}

    def close(self) -> None:
        self._pool.close()
