"""Values derived from one release and reused by every request until the store serves another one.

Term labels, the index of #fragment resources (where the release's search index has none), the dots of the map,
the sitemap and the list pages' query results only change with a release, so each is computed once per release
version and web worker.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future

from flask import current_app

from . import get_store

_RUNNING = threading.Lock()  # guards the computations running per name (`value`)


def value(name: str, compute):
    """`compute()` once per release version, remembered under (version, name).

    The values of one version live in their own dict, which a request for a newer version replaces: a
    computation still running for the old version then stores into the dict nobody reads any more, and
    every caller returns the value it looked up or computed itself, so no request can see another
    version's value or find it gone. Concurrent first calls for one name wait for one computation and share its
    value or its error (a failure is not remembered: the next call computes again). OpenRefine's first batch
    and previews arrive together, and four requests that each built the reconciliation index (3.4 s alone)
    took 18–20 s each. Different names compute side by side (one may ask for another).
    """
    version = get_store().version
    remembered = current_app.extensions.get("mpsc.memo")
    if remembered is None or remembered[0] != version:
        remembered = current_app.extensions["mpsc.memo"] = (version, {}, {})
    _, values, running = remembered
    if name in values:
        return values[name]
    with _RUNNING:
        if name in values:  # computed meanwhile
            return values[name]
        pending, mine = running.get(name), False
        if pending is None:
            pending, mine = running.setdefault(name, Future()), True
    if not mine:
        return pending.result()
    try:
        values[name] = result = compute()
        pending.set_result(result)
        return result
    except BaseException as error:
        pending.set_exception(error)
        raise
    finally:
        with _RUNNING:
            running.pop(name, None)


def select(sparql: str) -> list[dict]:
    """The rows of a SELECT query, remembered for the release (for the finite set of list-page queries)."""
    return value(sparql, lambda: get_store().select(sparql))
