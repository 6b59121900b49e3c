"""An in-process LRU cache of response bodies, bounded by total bytes (and `Recent`, one of small values by count).

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

INSPECTIONS = 4096  # query texts whose inspection a web worker keeps (web/endpoint.py `inspected`)


class ResponseCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if self.max_bytes <= 0 or len(body) > self.max_bytes // 10:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted)


class Recent:
    """The last `size` values put, by key (least recently used first out): for small values, counted not sized."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
