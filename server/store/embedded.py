"""The embedded store: pyoxigraph over the current release, in executor processes of this web worker.

The release's dataset file carries the merge of all named graphs as its default graph, so queries
without GRAPH see each triple once; the store's own union mode is not used. By default the fork server
loads that file into memory once and its executors share it (pool.py); with a store path, the release is
written once per version into an on-disk store there, which every executor opens read-only. A new release
takes a new store, that is a restart of the server.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ..formats import Format
from ..build.release import DATASET_FILE, Release, clean_stale
from .base import Store
from .executor import DISK, MEMORY, load_dataset
from .pool import PUBLIC, SITE, ExecutorPool


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
        load_dataset(store, release.path / DATASET_FILE)
        store.flush()
        del store  # closes the database before the rename
        os.rename(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not target.is_dir():  # not "another worker was first": a real failure
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


class EmbeddedStore(Store):
    """`executors` processes answer public queries over `release` and `site_executors` the site's own, each
    stopped after `timeout` seconds or beyond `memory_mb` of memory; relative IRIs in queries resolve against
    `base_iri`, the URL of the endpoint (the protocol leaves the base to the service)."""

    def __init__(self, release: Release, *, executors: int = 2, site_executors: int = 1, timeout: float = 10.0,
                 memory_mb: int = 0, store_path: Path | None = None, base_iri: str | None = None):
        self._release, self._base_iri = release, base_iri
        if store_path:
            source = (DISK, str(disk_store(release, store_path)))
        else:
            source = (MEMORY, str(release.path / DATASET_FILE))
        self._pool = ExecutorPool(*source, lanes={PUBLIC: executors, SITE: site_executors}, timeout=timeout,
                                  memory_mb=memory_mb)

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
