"""The access log: one line per request, written straight to a file descriptor (standard error by default).

Not through Python's `logging`: making a LogRecord (thread and process names, the caller's frame), formatting
its time and passing it down the logger hierarchy took more time than answering a cached document did, and
halved what the document fast path served (benchmarks/documents_throughput.py). The line looks as it did
then: `logging`'s default time stamp, then client, request line, status, bytes sent, milliseconds, user agent;
and, where a limit refused the request, `limit=` and its setting (an SRE's review: a full queue and a query past
its time limit were both a bare 503). The client's address is truncated (`truncated`) unless MPSC_ACCESS_LOG
says `full`: it is personal data, and the operator's privacy notice has to account for every copy kept.

Each line is one write(2) and takes no lock: a line of at most PIPE_BUF bytes is written whole, so lines of
granian's many request threads do not interleave; longer ones are cut to that.
"""
from __future__ import annotations

import functools
import ipaddress
import os
import time

from .admission import forwarded_address, ip_of

LINE_BYTES = 4096  # PIPE_BUF on Linux: the longest log line one write(2) keeps whole
# Everything a reader of the log could take for a line break or a terminal command: C0, DEL, C1 (NEL is one),
# and the Unicode line and paragraph separators (Python's splitlines() breaks on them).
# Control characters, and the quote and backslash that would end or escape a quoted field (as nginx writes them: a
# User-Agent `evil" 200 0 "x` had forged the fields after it, an operator's review).
# And the bidirectional controls, which reorder what a terminal shows (a review: a raw UTF-8 query string brings
# them in as themselves, no longer as C1 bytes).
CONTROL_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
                   for code in (*range(0x20), 0x22, 0x5C, *range(0x7F, 0xA0), 0x2028, 0x2029,
                                *range(0x200E, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


class AccessLog:
    """Writes access-log lines to `fd`, naming clients as `addresses` says (config.ACCESS_LOG_CHOICES)."""

    def __init__(self, fd: int = 2, trusted: tuple[str, ...] = (), addresses: str = "truncated"):
        self.fd, self.trusted = fd, trusted  # behind these proxies the client is the one they forward
        self.writes, self.truncates = addresses != "off", addresses == "truncated"
        self._second: tuple[int, str] = (-1, "")  # the last second stamped, and its text

    def request(self, environ: dict, status: int, length: int | None, started: float | None,
                limit: str | None = None) -> None:
        """The line of one request (also of answers the document fast path gives without Flask); `limit` names the
        setting that refused it."""
        if not self.writes:
            return
        took = (time.perf_counter() - (started or time.perf_counter())) * 1000
        # WSGI gives both as Latin-1; a client may send UTF-8 unencoded (an operator's review: "KÃ¶ln" in the log)
        path, query = (environ.get(key, "").encode("latin-1").decode("utf-8", "replace")
                       for key in ("PATH_INFO", "QUERY_STRING"))
        target = _text(f"{path}?{query}" if query else path, 1000)
        agent = _text(environ.get("HTTP_USER_AGENT", ""), 500)
        size = "-" if length is None else length
        client = forwarded_address(environ.get("REMOTE_ADDR"), environ.get("HTTP_X_FORWARDED_FOR"), self.trusted)
        client = _text(truncated(client) if self.truncates else client, 100)
        refused = f" limit={limit}" if limit else ""
        self.line(f'{client} "{environ.get("REQUEST_METHOD")} {target} '
                  f'{environ.get("SERVER_PROTOCOL", "HTTP/1.1")}" {status} {size} {took:.1f}ms "{agent}"{refused}')

    def line(self, text: str) -> None:
        """Write `text` after the time stamp as one line, with one write(2) when it fits PIPE_BUF."""
        line = f"{self._stamp()} {text}".encode("utf-8", "replace")
        if len(line) >= LINE_BYTES:  # cut at a character boundary, marked
            line = line[:LINE_BYTES - 4].decode("utf-8", "ignore").encode("utf-8") + "…".encode("utf-8")
        line += b"\n"
        try:
            while line:
                line = line[os.write(self.fd, line):]
        except OSError:  # a closed or full standard error must not fail the request
            pass

    def _stamp(self) -> str:
        """Local time as `logging` writes it (2026-12-03 21:40:05,123); the date part is formatted once a second."""
        now = time.time()
        second, text = self._second
        if int(now) != second:
            second, text = int(now), time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
            self._second = (second, text)  # one assignment: other threads see the old pair or the new one
        return f"{text},{int((now - second) * 1000):03d}"


@functools.lru_cache(maxsize=1024)
def truncated(address: str) -> str:
    """`address` as a truncated log names it: an IPv4 address with its last byte zeroed, an IPv6 address with every
    bit after its /48 (the site, not the host, as web analytics tools truncate it), read as the budgets read it (a
    port, brackets or a zone id left out, an IPv4-mapped one as IPv4: a forwarded `198.51.100.17:4711` was logged
    whole, a review found); `-` for text that names no address, which may hold anything. Remembered: requests of
    one client come in runs."""
    ip = ip_of(address)
    if ip is None:
        return "-"
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False).network_address)


def _text(text: str, most: int) -> str:
    """`text` as one line of the log: control characters escaped (a %0A in a URL must not start a line of its
    own), shortened to `most` characters with an ellipsis (a line per request, not a copy of what was sent)."""
    text = text.translate(CONTROL_ESCAPES)
    return text if len(text) <= most else text[:most] + "…"
