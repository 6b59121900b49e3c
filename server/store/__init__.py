"""Stores answer SPARQL over the current release: embedded (pyoxigraph) or a remote SPARQL 1.1 server."""
from .base import QueryFailed, QueryTimeout, Store, StoreFailed, StoreUnavailable, TooManyRows

__all__ = ["QueryFailed", "QueryTimeout", "Store", "StoreFailed", "StoreUnavailable", "TooManyRows", "open_store"]


def open_store(settings, releases) -> Store:
    """The store the settings ask for: MPSC_STORE "embedded" over the current release, else a SPARQL endpoint URL."""
    if settings.store != "embedded":
        from .remote import RemoteStore

        return RemoteStore.from_settings(settings)
    from .embedded import EmbeddedStore

    release = releases.current()
    if release is None:
        raise RuntimeError(f"no release in {settings.releases}; run `mpsc build` first")
    return EmbeddedStore(release, executors=settings.threads, timeout=settings.query_timeout,
                         store_path=settings.store_path, base_iri=settings.public_base + "sparql")
