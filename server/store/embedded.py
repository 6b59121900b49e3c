"""The embedded store: pyoxigraph over the current release, in executor processes of this web worker.

The release's dataset file carries the merge of all named graphs as its default graph, so queries
without GRAPH see each triple once; the store's own union mode is not used. A new release takes a new store,
that is a restart of the server. Where the executors read the release from:

- `mpsc serve` answers from an on-disk copy of the release (QUICK_START), which every executor opens
  read-only: the copy's pages are the kernel's page cache, shared by all. The first start of a release has no
  copy yet: it answers from the release loaded into memory, writes the copy in the background once the release
  is checked whole, and then hands over to it (pool.py, `switch_to`). An executor reading the in-memory store
  copies what it reads into memory of its own (copy-on-write): after the query mix from 8 clients the server held
  677 MiB in memory, 188 MiB on disk, at the same throughput (benchmarks/light_queries.py).
- With `in_memory` (MPSC_STORE_IN_MEMORY) the fork server loads the release into memory and its executors
  share it (pool.py), which answers small queries faster; a start with a copy answers from it while the release
  loads, then hands over to memory (pool.py, `bridge`).
- With a store path (MPSC_STORE_PATH), the release is written there once per version before the start.
- Elsewhere (`mpsc query`, the tests), the release is loaded into memory.
"""
from __future__ import annotations

import fcntl
import functools
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox

from ..formats import Format
from ..build.release import DATASET_FILE, Release, clean_stale, open_release
from .base import Store
from .executor import DISK, MEMORY, Engine, load_dataset
from .pool import PUBLIC, SITE, ExecutorPool, damage_marker

log = logging.getLogger(__name__)
GEOF = "http://www.opengis.net/def/function/geosparql/"
# The GeoSPARQL functions pyoxigraph 0.5 evaluates (the service description names them; tests/test_sparql_endpoint.py
# calls each): relations of two geometries, geof:relate with a DE-9IM pattern, functions of one, and geof:distance
# between points with a unit.
RELATIONS = (*(f"sf{n}" for n in ("Equals", "Disjoint", "Intersects", "Touches", "Crosses", "Within", "Contains",
                                  "Overlaps")),
             *(f"eh{n}" for n in ("Equals", "Disjoint", "Meet", "Overlap", "Covers", "CoveredBy", "Inside", "Contains")),
             *(f"rcc8{n}" for n in ("eq", "dc", "ec", "po", "tppi", "tpp", "ntpp", "ntppi")))
OF_ONE = ("asGeoJSON", "centroid", "convexHull", "coordinateDimension", "dimension", "envelope", "getSRID", "isEmpty",
          "isSimple", "spatialDimension")
QUICK_START = ".quick-start"  # in the releases folder: an on-disk copy of each release that has been served


def disk_store(release: Release, root: Path, check: bool = False) -> Path:
    """The on-disk store of `release` under `root`, written on first use; with `check`, also written anew if the
    one there cannot be opened and asked (damaged, or written by a pyoxigraph with another storage format).

    The store is built in a temporary folder and renamed into place, so a folder named after a version is
    always complete; web workers starting together may both build it, and the first rename wins.
    """
    target = Path(root) / release.version
    marker = damage_marker(target)  # a query found its files damaged (pool.py): written anew, as if `check` failed
    marked = marker.exists()
    if target.is_dir() and not marked and (not check or _answers(target)):
        return target
    check = check or marked
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{release.version}-{os.getpid()}-", dir=target.parent))
    try:
        store = ox.Store(str(staging))
        load_dataset(store, release.path / DATASET_FILE, bulk=True)
        store.flush()
        del store  # closes the database before the rename
        os.chmod(staging, 0o755)  # as a release folder: a server running as another user may read it
        if check and target.is_dir():  # the one that cannot serve: out of the way only now its successor is whole
            _replace_folder(target, staging)
        else:
            os.rename(staging, target)
        marker.unlink(missing_ok=True)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not target.is_dir():  # not "another worker was first": a real failure
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _replace_folder(target: Path, successor: Path) -> None:
    """Put `successor` in the place of `target`: `target` is renamed aside (a hidden name with this process's id,
    which `clean_stale` removes should this process end first), `successor` renamed in, and the old one removed."""
    aside = target.with_name(f".{target.name}-{os.getpid()}-old")
    os.rename(target, aside)
    os.rename(successor, target)
    shutil.rmtree(aside, ignore_errors=True)


def _answers(path: Path) -> bool:
    """Whether an on-disk store serves: opened and asked as an executor does at its start (executor.py)."""
    try:
        Engine.open(DISK, str(path)).run("ASK {}", "json")
        return True
    except Exception as error:  # any failure to open or to answer: the executors would fail the same way
        log.warning("the on-disk store %s cannot serve: %s", path, error)
        return False


def quick_start_copy(release: Release) -> Path | None:
    """The on-disk copy of `release` (the module docstring), if one was written and no query found it damaged."""
    copy = release.path.parent / QUICK_START / release.version
    return copy if copy.is_dir() and not damage_marker(copy).exists() else None


def write_quick_start_copy(release: Release, check: bool = False) -> Path | None:
    """Write the on-disk copy of a release checked whole if there is none, or with `check` if the one there cannot
    serve (`_write_apart`), remove the copies of releases that are gone, and return the copy. One writer at a time:
    the other web workers starting with this one wait for the first. A folder where nothing may be written leaves
    the server in memory (None)."""
    root = release.path.parent / QUICK_START
    try:
        root.mkdir(parents=True, exist_ok=True)
        with open(root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be writing it: then it is there afterwards
            if check or quick_start_copy(release) is None:
                _write_apart(release, root, check)
            for other in root.iterdir():
                if not other.name.startswith(".") and not (release.path.parent / other.name).is_dir():
                    shutil.rmtree(other, ignore_errors=True)
        return root / release.version
    except OSError as error:
        log.warning("no on-disk copy of release %s: %s", release.version, error)
        return None


def _write_apart(release: Release, root: Path, check: bool) -> None:
    """`disk_store(release, root, check)` in a process of its own (`_writer`): the memory of the bulk loader, which
    the allocator would keep, goes with it instead of staying in the web worker; so does the store that `check`
    opens, with the threads RocksDB starts."""
    command = [sys.executable, "-m", __name__, str(release.path), str(root), *(["--check"] if check else [])]
    writer = subprocess.run(command, stdin=subprocess.DEVNULL)
    if writer.returncode:
        raise OSError(f"the writer ended with status {writer.returncode}")


def _writer(argv: list[str]) -> None:
    """The writer process: at nice 10 or lower priority, so that queries go first, and deaf to Ctrl-C in a
    terminal, which reaches the whole process group (the web server decides when its children end)."""
    os.setpriority(os.PRIO_PROCESS, 0, max(10, os.getpriority(os.PRIO_PROCESS, 0)))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        disk_store(open_release(Path(argv[0])), Path(argv[1]), check="--check" in argv[2:])
    except Exception as error:  # noqa: BLE001 -- one line in the server's log, not a traceback (a release file
        # damaged after it was checked: an operator's review); the server answers on from memory
        print(f"error: no on-disk copy of {argv[0]}: {error}", file=sys.stderr)
        sys.exit(1)


class EmbeddedStore(Store):
    """`executors` processes answer public queries over `release` and `site_executors` the site's own, each
    stopped after `timeout` seconds or beyond `memory_mb` of memory, with `allocator` as malloc (malloc.py);
    relative IRIs in queries resolve against `base_iri`, the URL of the endpoint (the protocol leaves the base to
    the service). Where they read the release from: the module docstring (`quick_start`: `mpsc serve`;
    `in_memory`: MPSC_STORE_IN_MEMORY)."""

    extension_functions = tuple(GEOF + name for name in (*RELATIONS, "relate", *OF_ONE, "distance"))

    def __init__(self, release: Release, *, executors: int = 2, site_executors: int = 1, timeout: float = 10.0,
                 memory_mb: int = 0, allocator: str = "", store_path: Path | None = None,
                 base_iri: str | None = None, quick_start: bool = False, in_memory: bool = False):
        self._release, self._base_iri = release, base_iri
        self._copies = quick_start and not store_path  # whether it keeps an on-disk copy (`keep_quick_start_copy`)
        self._to_disk = self._copies and not in_memory  # answers from the on-disk copy once it is written
        self._recheck = False  # whether the copy failed to serve here (`_from_copy`)
        pool = functools.partial(ExecutorPool, lanes={PUBLIC: executors, SITE: site_executors}, timeout=timeout,
                                 memory_mb=memory_mb, allocator=allocator)
        loaded = (MEMORY, str(release.path / DATASET_FILE))
        copy = quick_start_copy(release) if quick_start else None
        if store_path:
            self._pool = pool(DISK, str(disk_store(release, store_path)))
        elif copy and self._to_disk:
            self._pool = self._from_copy(pool, copy, loaded)
        else:
            self._pool = pool(*loaded, bridge=(DISK, str(copy)) if copy else None)
            self._recheck = bool(copy) and not self._pool.bridged

    def _from_copy(self, pool, copy: Path, loaded: tuple[str, str]) -> ExecutorPool:
        """A pool over the on-disk copy; over the release in memory if the copy cannot serve here.

        Not removed on the spot: another web worker may be answering from it, and the cause may be this worker's
        alone (no file descriptors left, say). `keep_quick_start_copy` has it checked apart, and written anew only
        if it cannot serve there either (`write_quick_start_copy`)."""
        try:
            return pool(DISK, str(copy))
        except (OSError, RuntimeError) as error:
            log.warning("the on-disk copy %s cannot serve (%s); the release loads into memory", copy, error)
            self._recheck = True
            return pool(*loaded)

    def keep_quick_start_copy(self) -> None:
        """Once the release is known to be whole: write its on-disk copy if there is none, or check the one that
        could not serve here (and write it anew if it cannot serve at all), and answer from it once written
        (unless the release is to stay in memory). Nothing for a store without a quick start, or with a store path
        of its own (MPSC_STORE_PATH: that store is written before the start, and a copy would go unused)."""
        if self._copies and (self._recheck or quick_start_copy(self._release) is None):
            threading.Thread(target=self._write_copy, name="quick-start-copy", daemon=True).start()

    def _write_copy(self) -> None:
        copy = write_quick_start_copy(self._release, check=self._recheck)
        if copy is not None and self._to_disk:
            self._pool.switch_to(DISK, str(copy))

    @property
    def version(self) -> str:
        return self._release.version

    def query(self, sparql, fmt: Format, *, default_graphs=None, named_graphs=None, max_rows=None,
              public=False, deadline=None, order=()) -> bytes:
        request = (sparql, fmt.key, default_graphs, named_graphs, max_rows, self._base_iri, tuple(order))
        return self._pool.run(request, PUBLIC if public else SITE, deadline)

    def graph_sizes(self) -> dict[str, int]:
        """The counts the release's manifest gives (the build counted them)."""
        return self._release.manifest["graphs"]

    def health(self) -> dict:
        pool = self._pool.health()
        return {"store": "embedded", "version": self.version, "ok": pool.pop("answers"), **pool}

    def close(self) -> None:
        self._pool.close()


if __name__ == "__main__":  # python -m server.store.embedded RELEASE_FOLDER ROOT (`_write_apart`)
    _writer(sys.argv[1:])
