"""The HTTP layer: one blueprint per URL family, sharing the store and the settings on the app.

`register` is the one place where the app is put together: the store, the gate in front of it, the
response cache, the request size limit, the app-wide hooks and template globals, and every blueprint.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future
from pathlib import Path

from flask import Flask, current_app

from .. import store as stores
from ..config import Settings
from ..errors import QueryFailed
from ..build.release import MANIFEST, SEARCH_INDEX, Release, Releases
from ..store import Store
from . import assets, hooks, page_limit
from .access_log import AccessLog
from .admission import Admission
from .body_limit import BodyLimit
from .cache import INSPECTION_BYTES, Recent, ResponseCache
from .fastpath import DocumentCache, FastPath


def register(app: Flask, store: Store | Future | None) -> None:
    """Set up what every request shares, register every blueprint, and then take the store: the given one,
    one still opening (a Future: serve.py has the app put together meanwhile), or one opened here."""
    from .site import context

    settings: Settings = app.config["MPSC"]
    releases = Releases(settings.releases)
    app.extensions["mpsc.releases"] = releases
    app.extensions["mpsc.admission"] = Admission(settings)
    app.extensions["mpsc.sparql_cache"] = ResponseCache(settings.cache_bytes)
    app.extensions["mpsc.inspections"] = Recent(INSPECTION_BYTES)  # endpoint.inspected
    app.extensions["mpsc.documents"] = DocumentCache(settings.document_cache_bytes)
    # Werkzeug refuses larger bodies while reading them; every body is read whole first, counted per client
    # address (body_limit.py).
    app.config.update(MAX_CONTENT_LENGTH=settings.request_bytes, MAX_FORM_MEMORY_SIZE=settings.request_bytes)
    app.wsgi_app = BodyLimit(app.wsgi_app, settings.request_bytes, settings.client_bodies, settings.trusted_proxies)
    app.wsgi_app = FastPath(app, app.extensions["mpsc.documents"])
    app.context_processor(context)  # every template extends the layout, which needs it
    hooks.init_app(app, settings.map_tiles, AccessLog(trusted=settings.trusted_proxies, addresses=settings.access_log),
                   public_base=settings.public_base)
    assets.init_app(app)
    page_limit.init_app(app, settings.address_pages)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    if isinstance(store, Future):
        compile_templates(app, until=store)
    opened = store.result() if isinstance(store, Future) else store
    app.extensions["mpsc.store"] = opened or stores.open_store(settings, releases)


LANDING_PAGE = ("base.html", "index.html")  # serve.py prepares it as soon as the store is open


def compile_templates(app: Flask, until: Future) -> None:
    """Compile the page templates, the landing page's first, for as long as the store is still opening (at a
    release's first start it loads for a second or more, on another processor), so that the landing page and the
    first page of each other kind need not wait for their compilation (all: 0.14 s; the landing page: 47 instead
    of 27 ms). Only meanwhile: compiled at once, they delayed a start from the on-disk copy by 0.08 s."""
    others = sorted(set(app.jinja_env.list_templates(extensions=["html"])) - set(LANDING_PAGE))
    for name in (*LANDING_PAGE, *others):
        if until.done():
            return
        app.jinja_env.get_template(name)


def blueprints():
    """Every blueprint of the app; each URL family lives in its own module."""
    from . import (changelog, dumps, endpoint, harvest, health, openapi, pages, reconcile, resources, search,
                   short_links)

    return [endpoint.bp, short_links.bp, health.bp, pages.bp, resources.bp, dumps.bp, changelog.bp, harvest.bp,
            openapi.bp, search.bp, reconcile.bp]


def get_store() -> Store:
    """The store of the running app."""
    return current_app.extensions["mpsc.store"]


def get_settings() -> Settings:
    return current_app.config["MPSC"]


def get_releases() -> Releases:
    return current_app.extensions["mpsc.releases"]


def current_release() -> Release | None:
    return get_releases().current()


def served_release() -> Release | None:
    """The release the store serves, so that pages and /dumps/ agree with the catalogue and documents (which
    the store answers) even after `mpsc build` switched `current` on disk; the current release when the
    served one is not in the releases folder (deleted, or loaded into a remote store from elsewhere), or while a
    remote store does not answer.

    The served release is remembered per version, since a release never changes (several calls per /dumps/
    request would otherwise each re-read its manifest); only whether its folder still exists is checked on
    every call. The fallback is looked up each time, since a build may switch `current` at any moment.
    """
    return store_release() or current_release()


def store_release() -> Release | None:
    """The releases folder's release of the version the store serves; None while a remote store is away or the
    folder lacks that release (`served_release` then shows the current one)."""
    from . import per_release

    try:
        served = per_release.value("served_release", lambda: _release_of(get_store().version))
    except (QueryFailed, _Lacking):  # a remote store away (its files on disk are still there), or a folder behind
        return None
    return served if (served.path / MANIFEST).exists() else None


class _Lacking(LookupError):
    """The releases folder lacks the release the store serves (raised, so that per_release does not remember it:
    the folder may be copied in at any moment)."""


def _release_of(version: str) -> Release:
    """The folder's release of the version the store serves; its absence is logged once per version, since pages
    and /dumps/ then show another release than the documents and the catalogue (an operator's review: a replica
    whose folder lagged behind `mpsc load` listed dumps it could not send)."""
    release = get_releases().get(version)
    if release is not None:
        return release
    warned = current_app.extensions.setdefault("mpsc.lacking", set())
    if version and version not in warned:
        warned.add(version)
        current = current_release()
        logging.getLogger(__name__).warning(
            "the store serves release %s, which %s lacks: pages and /dumps/ show %s until its folder is copied "
            "there", version, get_settings().releases, current.version if current else "no release")
    raise _Lacking(version)


def served_index(release: Release | None = None) -> Path | None:
    """The search index file of `release` (by default the served one, `served_release`), if it has one."""
    release = release or served_release()
    index = release.path / SEARCH_INDEX if release else None
    return index if index is not None and index.is_file() else None
