"""An in-process LRU cache of response bodies, bounded by total bytes: `ResponseCache`, a `Recent` of bodies weighed
by their length.

Data changes only with a release, and every key (the answer's ETag) includes the release version the store
reports, so an entry answers only while that version is served: the embedded store's until the server
restarts, a remote store's until the replica reads a new one (remote.VERSION_TTL seconds at most after
`mpsc load`). Entries are evicted least recently used first when the cache exceeds its size, including
those of versions no longer served. One cache per web worker (MPSC_CACHE_BYTES each; 0 turns it off).
Bodies larger than a tenth of the cache are not kept, so one large result cannot flush everything else.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

# What a web worker keeps of the inspections of query texts it saw (web/endpoint.py `inspected`), in bytes of memory
# (`Recent` weighs each): an attacker's review sent 85 KB of `SELECT * … ?aaa ?aab …`, whose inspection holds every
# variable name, and with 4,096 entries kept by count one address could grow a worker by ~4.7 GB with 400s.
INSPECTION_BYTES = 4 * 2**20


class Recent:
    """The values put last, by key, as long as their weights (as `put` gives them) add up to at most `budget`
    (least recently used first out); a value heavier than a tenth of it is not kept."""

    def __init__(self, budget: int):
        self.budget = budget
        self._entries: OrderedDict = OrderedDict()  # key → (value, weight)
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key, value, weight: int) -> None:
        if weight > self.budget // 10:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            self._weight += weight - (previous[1] if previous else 0)
            self._entries[key] = (value, weight)
            while self._weight > self.budget:
                _, (_, evicted) = self._entries.popitem(last=False)
                self._weight -= evicted


class ResponseCache(Recent):
    """The SPARQL endpoint's cache of answers by ETag (the module docstring); a budget of 0 keeps nothing."""

    def put(self, key: str, body: bytes) -> None:
        if self.budget > 0:
            super().put(key, body, len(body))
