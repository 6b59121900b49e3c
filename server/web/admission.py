"""Who may run a public query now: a budget per client and a bounded queue in front of the executors.

Modelled on the Wikidata Query Service's limits. A client is its address plus its User-Agent (so that
people behind one NAT with different tools are told apart, as there); behind a proxy listed in
MPSC_TRUSTED_PROXIES, the address is the one the proxy forwards. An IPv6 address counts as its /64: one host
or home is given a whole /64 and may send from any address in it, which would be as many budgets. Each client may have
MPSC_CLIENT_QUERIES queries running or queued at once and may use MPSC_CLIENT_SECONDS of query time per
minute; beyond either it gets 429 with Retry-After and a problem+json body naming the limit. The clients of
one address share MPSC_ADDRESS_QUERIES at once and MPSC_ADDRESS_SECONDS per minute besides, so that a new
User-Agent per request, which costs nothing to send, buys no more than that. At most
MPSC_EXECUTORS queries run at once; MPSC_QUEUE more may wait for one (their wait counts against the time
limit); beyond that the answer is 503 with Retry-After. Only the time a query runs is charged to its
client, not its wait in the queue, which others caused.

Budgets cannot tell twenty clients with one runaway query each from twenty people. So that none of them can
hold every executor for the whole time limit, the last free executor is kept for short work: a query that
takes it (or that was waiting for one) may run MPSC_BUSY_TIMEOUT seconds. A freed executor goes to the query
that has waited longest; but one freed because its query ran into that short limit goes to the newest
waiting query (last in, first out, as load-shedding servers do under overload: behind runaway queries the
longest waiters are runaway queries too, or closest to their time limit anyway). A newcomer thus gets in
within about MPSC_BUSY_TIMEOUT seconds however many runaway queries arrived before it, while ordinary
traffic, whose queries end by themselves, is served in order.

The state is per web worker process, like the executors it guards.
"""
from __future__ import annotations

import collections
import functools
import ipaddress
import math
import threading
import time
from collections import OrderedDict, defaultdict, deque
from contextlib import contextmanager

from ..config import Settings
from ..errors import BusyTimeout, HttpError, QueryTimeout

WINDOW = 60.0  # seconds over which a client's query time is summed
LINK_WINDOW = 3600.0  # seconds over which a client's new short links are counted
MAX_CLIENTS = 10_000  # clients remembered; beyond, those without recent queries are forgotten first


def client_of(remote_addr: str | None, forwarded_for: str | None, user_agent: str, trusted: tuple[str, ...]) -> str:
    """The client a request counts for: "ADDRESS USER-AGENT", its address (behind trusted proxies, the nearest
    untrusted address they forward; an IPv6 one as its /64), a space, and its User-Agent (`address_of` reads the
    address back as what comes before the first space)."""
    return f"{_network(forwarded_address(remote_addr, forwarded_for, trusted))} {user_agent}"


def client_in(environ: dict, trusted: tuple[str, ...], by_agent: bool = False) -> str:
    """The client key of a WSGI request (`client_of`): the one place that reads it from the request, for the
    query budgets (by address and User-Agent), the pages and bodies in hand (by address alone)."""
    agent = environ.get("HTTP_USER_AGENT", "") if by_agent else ""
    return client_of(environ.get("REMOTE_ADDR"), environ.get("HTTP_X_FORWARDED_FOR"), agent, trusted)


def forwarded_address(remote_addr: str | None, forwarded_for: str | None, trusted: tuple[str, ...]) -> str:
    """The address a request comes from: the connection's, or behind `trusted` proxies the nearest untrusted
    address they forward (X-Forwarded-For, read from its right end)."""
    address = remote_addr or "-"
    if forwarded_for and _trusted(address, trusted):
        for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
            address = hop
            if not _trusted(hop, trusted):
                break
    return address


def address_of(client: str) -> str:
    """The key under which the clients of one address share MPSC_ADDRESS_QUERIES and MPSC_ADDRESS_SECONDS: the
    client key's address part, marked so that it is no client key (those always have a space after the address)."""
    return client.partition(" ")[0] + "*"


@functools.lru_cache(maxsize=MAX_CLIENTS)
def _network(address: str) -> str:
    """The client key of an address: a global IPv6 address as its /64 (`2001:db8::/64`), any other address as
    itself (IPv4, loopback, link-local; an IPv4-mapped one as IPv4), text that is no address as it is.

    Remembered: reading an address is a tenth of the web worker's own time for a small query, and requests of
    one client come in runs."""
    ip = ip_of(address)
    if ip is None:
        return address
    if ip.version == 6 and not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _trusted(address: str, trusted: tuple[str, ...]) -> bool:
    ip = ip_of(address)
    return ip is not None and any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in trusted)


def ip_of(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a peer or X-Forwarded-For hop names: an IPv4-mapped IPv6 address as IPv4 (a server
    listening on `[::]` sees IPv4 peers so), without a port (`1.2.3.4:5`, `[2001:db8::1]:443`, as some proxies
    forward) or zone id (`fe80::1%eth0`); None for text that names none."""
    text = address.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port; an IPv6 address has at least two colons
        text = text.partition(":")[0]
    try:
        ip = ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return None
    return ip.ipv4_mapped if ip.version == 6 and ip.ipv4_mapped else ip


class AtOnce:
    """How many requests of one kind each client address has in hand at once, in this worker: at most `most`;
    the next gets 429 at once (`refusal` says why, `limit` names the setting) instead of a thread to wait in."""

    def __init__(self, most: int, refusal: str, limit: str):
        self.most, self.refusal, self.limit = most, refusal, limit
        self._lock, self._held = threading.Lock(), collections.Counter()

    def enter(self, address: str) -> None:
        with self._lock:
            if self._held[address] >= self.most:
                raise HttpError(429, self.refusal.format(most=self.most), {"Retry-After": "1"}, limit=self.limit)
            self._held[address] += 1

    def leave(self, address: str) -> None:
        with self._lock:
            self._held[address] -= 1
            if not self._held[address]:
                del self._held[address]

    @contextmanager
    def holding(self, address: str):
        self.enter(address)
        try:
            yield
        finally:
            self.leave(address)


class Admission:
    """The gate every public query passes: `admit(client)` is a context manager around running it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._free = settings.executors  # executors no admitted query holds
        self._waiting: list[threading.Event] = []  # queries waiting for an executor, the newest last
        self._lock = threading.Lock()
        self._in_flight = 0  # running or waiting
        self._active: dict[str, int] = defaultdict(int)
        self._spent: OrderedDict[str, Window] = OrderedDict()  # client -> (ended at, seconds) per query
        self._links: OrderedDict[str, Window] = OrderedDict()  # client -> (stored at, 1) per new short link

    def load(self) -> dict:
        """The public work of this worker now, for /healthz (an SRE's review: with the queue full and 503s going
        out, /healthz said `"idle": 2`, the site's own executors): queries running (holding an executor) and waiting
        for one, of at most MPSC_EXECUTORS and MPSC_QUEUE; and all work admitted (`in_flight`: those, the queries
        being checked and the reconciliation batches, `charge`), which gets 503 `queue` at executors + queue."""
        with self._lock:
            return {"running": self.settings.executors - self._free, "waiting": len(self._waiting),
                    "in_flight": self._in_flight, "executors": self.settings.executors, "queue": self.settings.queue}

    @contextmanager
    def admit(self, client: str):
        """Admit one query of `client`: yields its deadline (time.monotonic()) once an executor is free."""
        deadline = time.monotonic() + self.settings.query_timeout
        self._enter(client)
        started = None
        try:
            took = self._take(deadline)
            if took is None:
                yield deadline  # no executor in time: the store reports the time limit as it would
                return
            started = time.monotonic()
            short = took == "last" and self.settings.executors > 1
            cut = False  # stopped by MPSC_BUSY_TIMEOUT: runaway queries hold the other executors
            try:
                yield min(deadline, started + self.settings.busy_timeout) if short else deadline
            except QueryTimeout as error:
                cut = short and time.monotonic() < deadline
                raise (BusyTimeout(self._busy_stop()) if cut else error) from None
            finally:
                self._give_back(newest=cut)
        finally:
            self._leave(client, time.monotonic() - started if started else 0.0)

    @contextmanager
    def charge(self, client: str):
        """Admit work of `client` that runs in the web worker itself, not in an executor (a reconciliation batch,
        the lexing of a query): the client's budget and the bound on work in flight apply as to a query, the time
        limit too, but it takes no executor, so the shorter limit of the last free one does not apply. Yields its
        deadline."""
        deadline = time.monotonic() + self.settings.query_timeout
        self._enter(client)
        started = time.monotonic()
        try:
            yield deadline
        finally:
            self._leave(client, time.monotonic() - started)

    def _enter(self, client: str) -> None:
        """Count one query (or batch) of `client` in flight; 429 over its budget, 503 over the queue."""
        with self._lock:
            self._check_budget(client)
            if self._in_flight >= self.settings.queue + self.settings.executors:
                raise HttpError(503, f"The endpoint is busy: {self.settings.executors} queries are running and "
                                f"{self.settings.queue} waiting, the most it takes. Please try again shortly.",
                                limit="queue")  # Retry-After: hooks.py gives every 503 a retry may help one
            self._in_flight += 1
            for key in (client, address_of(client)):
                self._active[key] += 1

    def admit_link(self, client: str) -> None:
        """Count a new short link of `client`; 429 when it stored MPSC_CLIENT_SHORT_LINKS within the hour (each is
        kept on disk, up to a query's size: without a budget one client could fill the table and the disk). The
        caller names the client by its address alone: a new User-Agent per request is free to send."""
        now, allowed = time.monotonic(), self.settings.client_short_links
        with self._lock:
            stored = _within(self._links, client, now - LINK_WINDOW)
            if stored.total >= allowed:
                oldest = stored.records[0][0] if stored.records else now  # MPSC_CLIENT_SHORT_LINKS=0: none at all
                # At most a whole window: `now + window - now` may round above it.
                wait = min(math.ceil(LINK_WINDOW), max(1, math.ceil(oldest + LINK_WINDOW - now)))
                raise HttpError(429, f"You stored {allowed} new short links within the hour, the most one client may. "
                                f"Try again in {wait} seconds; the permalink works meanwhile.", {"Retry-After": str(wait)},
                                limit="client_short_links")
            _remember(self._links, client, (now, 1), now - LINK_WINDOW)

    def _take(self, deadline: float) -> str | None:
        """Take an executor by `deadline`: "free" when others are left free, "last" when it was the last one
        (or came from the queue); None when none came in time."""
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return "free" if self._free else "last"
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout=max(0.0, deadline - time.monotonic())):
            return "last"
        with self._lock:
            if turn in self._waiting:
                self._waiting.remove(turn)
                return None
        return "last"  # handed over just as the wait ran out

    def _give_back(self, newest: bool) -> None:
        """Hand the executor to the query waiting longest, or to the newest one (see the module docstring),
        or leave it free."""
        with self._lock:
            if self._waiting:
                self._waiting.pop(-1 if newest else 0).set()
            else:
                self._free += 1

    def _busy_stop(self) -> str:
        s = self.settings
        return (f"The query was stopped after {s.busy_timeout:g} seconds, the time limit of this endpoint while all "
                f"its executors are busy (else {s.query_timeout:g} seconds). Try again later, narrow it down, or "
                "download the dumps at /dumps/.")

    def _check_budget(self, client: str) -> None:
        """429 when `client` already has its share of queries in flight or of query time this minute."""
        s = self.settings
        for key, allowed, limit, who in ((client, s.client_queries, "client_queries", "one client"),
                                         (address_of(client), s.address_queries, "address_queries",
                                          "the clients of one address together, whatever their User-Agents,")):
            if self._active.get(key, 0) >= allowed:
                queries = "query" if allowed == 1 else "queries"  # a federation review: "1 queries"
                raise HttpError(429, f"You have {allowed} {queries} running or waiting, the most {who} may have at "
                                "once. Wait for them to finish.", {"Retry-After": "1"}, limit=limit)
        for key, allowed, limit, who in ((client, s.client_seconds, "client_seconds", "one client"),
                                         (address_of(client), s.address_seconds, "address_seconds",
                                          "the clients of one address together, whatever their User-Agents,")):
            spent = _within(self._spent, key, time.monotonic() - WINDOW)
            if spent.total >= allowed:
                wait = self._recovery(spent.records, spent.total - allowed)
                raise HttpError(429, f"Your queries took {spent.total:.0f} seconds in the last minute; {who} may "
                                f"use {allowed:g} seconds per minute. Try again in {wait} seconds.",
                                {"Retry-After": str(wait)}, limit=limit)

    @staticmethod
    def _recovery(spent, excess: float) -> int:
        """Seconds until enough of a client's recent query time leaves the window to bring it under budget."""
        freed, now = 0.0, time.monotonic()
        for ended, seconds in spent:
            freed += seconds
            if freed > excess:
                return max(1, math.ceil(ended + WINDOW - now))
        return math.ceil(WINDOW)

    def _leave(self, client: str, seconds: float) -> None:
        now = time.monotonic()
        with self._lock:
            self._in_flight -= 1
            for key in (client, address_of(client)):
                self._active[key] -= 1
                if not self._active[key]:
                    del self._active[key]
                _remember(self._spent, key, (now, seconds), now - WINDOW)


class Window:
    """A client's (at, amount) records from some moment on, oldest first, and the sum of their amounts.

    The sum is kept as records come and go: a busy client has tens of thousands of queries a minute, and
    summing them again for each query took a quarter of a light query's time in the web worker (py-spy)."""

    __slots__ = ("records", "total")

    def __init__(self):
        self.records: deque[tuple[float, float]] = deque()
        self.total = 0.0

    def add(self, at: float, amount: float) -> None:
        self.records.append((at, amount))
        self.total += amount

    def drop_before(self, since: float) -> "Window":
        """Forget the records older than `since`; returns the window."""
        while self.records and self.records[0][0] < since:
            self.total -= self.records.popleft()[1]
        if not self.records:
            self.total = 0.0  # rounding of the sums and differences does not outlive the records
        return self


def _within(table: OrderedDict[str, Window], client: str, since: float) -> Window:
    """The client's records in `table` from `since` on; older ones are dropped."""
    window = table.get(client)
    return window.drop_before(since) if window else Window()


def _remember(table: OrderedDict[str, Window], client: str, record: tuple[float, float], since: float) -> None:
    """Add the client's record; beyond MAX_CLIENTS, forget the clients with none from `since` on.

    The table is ordered by each client's latest record, so the idle ones are at its front and forgetting them
    never looks at the others (a client is an address and a User-Agent: one host can be thousands)."""
    table.setdefault(client, Window()).add(*record)
    table.move_to_end(client)
    while len(table) > MAX_CLIENTS:
        oldest, window = next(iter(table.items()))
        if window.drop_before(since).records:
            break
        del table[oldest]
