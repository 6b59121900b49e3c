"""Values derived from one release and reused by every request until the store serves another one.

Term labels, the index of #fragment resources, the dots of the map, the sitemap and the list pages'
query results only change with a release, so each is computed once per release version and web worker.
"""
from __future__ import annotations

from flask import current_app

from . import get_store


def per_release(name: str, compute):
    """`compute()` once per release version; concurrent first calls may both compute, which is harmless."""
    version = get_store().version
    memo = current_app.extensions.setdefault("mpsc.memo", {})
    if memo.get("version") != version:
        memo.clear()
        memo["version"] = version
    if name not in memo:
        memo[name] = compute()
    return memo[name]


def select(sparql: str) -> list[dict]:
    """The rows of a SELECT query, remembered for the release (for the finite set of list-page queries)."""
    return per_release(sparql, lambda: get_store().select(sparql))
