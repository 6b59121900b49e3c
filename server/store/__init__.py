"""Stores answer SPARQL over the current release: embedded (pyoxigraph) or a remote SPARQL 1.1 server."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Store

__all__ = ["Store", "open_store"]


def __getattr__(name: str):
    """`Store` on first use: the fork server imports this package too (store/forkserver.py) and must not import
    rdflib, which the base class needs for its rdflib conveniences."""
    if name == "Store":
        from .base import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(settings, releases, quick_start: bool = False, folder: str | None = None) -> Store:
    """The store the settings ask for: MPSC_STORE "embedded" over the current release (or the release in `folder`,
    which `mpsc serve` pins for its workers), else a SPARQL endpoint URL.

    An embedded store serves only a release that matches its checksums (ReleaseCorrupt otherwise). With
    `quick_start` (`mpsc serve`), it answers from the release's on-disk copy if there is one; the caller has it
    written when there is none (`keep_quick_start_copy`, embedded.py) once the store is returned, that is once
    the release is checked whole.
    """
    if settings.store != "embedded":
        from .remote import RemoteStore

        return RemoteStore.from_settings(settings)
    from .embedded import EmbeddedStore

    release = releases.current() if folder is None else releases.at(Path(folder))
    if release is None:
        raise RuntimeError(f"no release in {folder or settings.releases}; run `mpsc build` first")

    def embedded() -> EmbeddedStore:
        return EmbeddedStore(release, executors=settings.executors, site_executors=settings.site_executors,
                             timeout=settings.query_timeout, memory_mb=settings.query_memory,
                             allocator=settings.executor_malloc,
                             store_path=settings.store_path, base_iri=settings.public_base + "sparql",
                             quick_start=quick_start, in_memory=settings.store_in_memory)

    if settings.store_path:  # an on-disk store outlives this start: it is written only from a release checked whole
        release.verify()
        return embedded()
    with ThreadPoolExecutor(1) as checking:  # the checksums are computed while the fork server loads the release
        verified = checking.submit(release.verify)
        try:
            store = embedded()
        except BaseException:
            verified.result()  # a damaged release explains a failed start best
            raise
    try:
        verified.result()
    except BaseException:
        store.close()
        raise
    return store
