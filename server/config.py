"""Settings: one table of MPSC_* environment variables, overridable by command-line flags and tests.

Each `Settings` field documents itself once (`help` in its metadata): `mpsc serve --help` reads it
(`flag_help`), tests/test_docs.py checks that the README's configuration table lists each variable, and
the limits of the public service (`LIMITS`, the block of fields marked `limit`) are what every enforcement
point reads, and those that hold for the store in use (`applied_limits`) what /limits and the service
description state.
"""
from __future__ import annotations

import difflib
import ipaddress
import math
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .errors import BadSetting

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# How the access log may name a client (MPSC_ACCESS_LOG): an address is personal data (GDPR), and a log that keeps
# it whole needs a reason and a retention period; truncated, it still tells networks apart.
ACCESS_LOG_CHOICES = ("truncated", "full", "off")


def _default_root() -> Path:
    """The project folder (ontology/, data/, shapes/): the checkout the package runs from, else the cwd. A checkout
    has its pyproject.toml: installed from a wheel, the package's parent is site-packages, which any other
    distribution's `ontology/` folder made the project folder (a packager's review)."""
    checkout = (PACKAGE_ROOT / "ontology").is_dir() and (PACKAGE_ROOT / "pyproject.toml").is_file()
    return PACKAGE_ROOT if checkout else Path.cwd()


def _names(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def setting(default, help: str, limit: str = "", status: int | None = None):
    """A field of Settings: its default and help text; for a limit of the endpoint also the unit it counts
    and the status of the answer beyond it."""
    return field(default=default, metadata={"help": help, "limit": limit, "status": status})


@dataclass(frozen=True)
class Settings:
    """Every setting of the server and the commands, each read from its MPSC_* variable (`from_env`) and checked
    against its bounds before anything starts; `setting` gives each its help text and, for the public limits,
    the unit and status pages and the service description state (LIMITS)."""
    root: Path = setting(None, "project folder with ontology/, data/, shapes/")
    releases: Path = setting(None, "releases folder (default ROOT/releases)")
    base_url: str = setting("http://127.0.0.1:8080/", "public base URL the server answers under")
    store: str = setting("embedded", '"embedded" or the query URL of a SPARQL 1.1 server')
    store_path: Path | None = setting(None, "folder for on-disk stores, one per release version, written before the "
                                      "start (unset: the copy in RELEASES/.quick-start, written after a first start)")
    store_in_memory: bool = setting(False, "1: answer from the release loaded into memory, not from its on-disk copy "
                                    "(small queries faster, about three times the memory under load)")
    bind: str = setting("127.0.0.1:8080", "host:port to listen on")
    workers: int = setting(1, "HTTP worker processes (each with its own query executors)")
    threads: int = setting(16, "HTTP threads per worker for pages, documents and dumps, beyond executors + queue")
    executor_malloc: str = setting("jemalloc", "memory allocator of the query executors when installed (Debian: "
                                   "libjemalloc2), named as `cc -l` takes it or by path; empty: the C library's")
    site_executors: int = setting(2, "query executors per worker for the site's own pages and documents")
    cache_bytes: int = setting(32_000_000, "in-process SPARQL response cache per worker (0: off)")
    document_cache_bytes: int = setting(64_000_000, "in-process cache of rendered documents (/doc/, /id/) per worker "
                                        "(0: off)")
    service_allow: tuple[str, ...] = setting((), "comma-separated endpoints SERVICE may call")
    trusted_proxies: tuple[str, ...] = setting((), "comma-separated proxy addresses whose X-Forwarded-For is believed")
    metrics: str = setting("", "host:port of granian's Prometheus exporter (workers, connections, requests, busy "
                           "and queued threads); empty: none")
    access_log: str = setting("truncated", "how the access log names a client: `truncated` (an IPv4 address's last "
                              "byte zeroed, an IPv6 address's bits after its /48), `full`, or `off` (no access log)")
    short_links: Path | None = setting(None, "SQLite file of the query editor's short links (default: "
                                       "RELEASES/short-links.sqlite3)")
    map_tiles: str = setting("", "URL template of a tile layer under the result map, e.g. "
                             "https://tile.openstreetmap.org/{z}/{x}/{y}.png (empty: the shipped outline only, offline)")
    map_attribution: str = setting("", "attribution the tile layer's licence asks for, shown on the map")
    contact: str = setting("", "where readers report an error or ask: an e-mail address or an http(s) URL, linked in "
                           "every page's footer and as \"report an error\" on every resource's page (empty: none)")
    imprint: str = setting("", "URL of the operator's imprint (Impressum, § 5 DDG), linked in every page's footer")
    privacy: str = setting("", "URL of the privacy notice (Datenschutzerklärung), linked in every page's footer")
    update_endpoint: str = setting("", "`mpsc load`: SPARQL Update URL (default: STORE's /update)")
    store_endpoint: str = setting("", "`mpsc load`: Graph Store Protocol URL (default: STORE's /store)")
    store_engine: str = setting("", "`virtuoso` makes up for Virtuoso's departures from SPARQL 1.1 (see README); "
                                "empty for any other store")
    store_user: str = setting("", "`mpsc load`: user name for the update and Graph Store URLs (Digest or Basic auth)")
    store_password: str = field(default="", repr=False, metadata={
        "help": "`mpsc load`: that user's password (environment only)", "limit": "", "status": None})
    # Limits of the public service, each stated on /limits and in the service description. Executors, queue and
    # client budgets are kept by each web worker (MPSC_WORKERS) for itself.
    query_timeout: float = setting(10.0, "seconds a query may take, waiting in the queue included (503)", "s", 503)
    max_query_bytes: int = setting(100_000, "larger queries get 413", "bytes", 413)
    max_query_depth: int = setting(256, "deeper nesting of { ( [ << gets 400", "levels", 400)
    max_rows: int = setting(100_000, "larger results get 400 with a hint to page", "rows", 400)
    query_memory: int = setting(512, "megabytes of memory one query may use (503)", "MB", 503)
    executors: int = setting(4, "queries run at once per worker; more wait in the queue", "queries")
    busy_timeout: float = setting(1.5, "seconds a query may run on the last free executor (with two or more), so "
                                  "that someone new gets in within that time even when the others are held (503)",
                                  "s", 503)
    queue: int = setting(64, "queries that may wait for an executor per worker; more get 503", "queries", 503)
    client_queries: int = setting(2, "queries one client may run or queue at once per worker; more get 429", "queries",
                                  429)
    client_seconds: float = setting(60.0, "seconds of query time one client may use per minute per worker; more get "
                                    "429", "s", 429)
    address_queries: int = setting(8, "queries the clients of one address may run or queue at once per worker, "
                                   "whatever User-Agents they send; more get 429", "queries", 429)
    address_seconds: float = setting(120.0, "seconds of query time the clients of one address may use together per "
                                     "minute per worker, whatever User-Agents they send; more get 429", "s", 429)
    client_bodies: int = setting(4, "request bodies one client address may be sending at once per worker; more get "
                                 "429 (a body still on its way holds an HTTP thread)", "bodies", 429)
    address_pages: int = setting(8, "pages and documents the clients of one address may be waiting for at once per "
                                 "worker, whatever User-Agents they send (answers from the document cache are not "
                                 "counted); more get 429", "requests", 429)
    address_batches: int = setting(2, "reconciliation batches the clients of one address may have matched at once "
                                   "per worker, whatever User-Agents they send (matching runs in the web worker and "
                                   "holds its interpreter); more get 429", "batches", 429)
    header_timeout: float = setting(10.0, "seconds a client has to send a request's headers; then the connection is "
                                    "closed (mpsc serve)", "s")
    reconcile_batch: int = setting(100, "queries one /reconcile request may carry (OpenRefine sends 10), and ids one "
                                   "data extension may ask for; more get 400", "queries", 400)
    max_short_links: int = setting(100_000, "short links kept; beyond, new ones get 507", "links", 507)
    short_links_bytes: int = setting(256 * 2**20, "bytes the short links' file may hold; beyond, new links get 507",
                                     "bytes", 507)
    client_short_links: int = setting(100, "new short links one client address may store per hour per worker; more get 429",
                                      "links", 429)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Settings from MPSC_* variables, then explicit overrides (flags, tests) where not None."""
        # An empty folder or file is none (an operator's review: `MPSC_STORE_PATH=` in an env file wrote a store
        # into the working directory, as Path("") is "."), as env files and compose files write unset ones.
        paths = {"MPSC_" + f.name.upper() for f in fields(cls) if f.type.startswith("Path")}
        env = {name: value for name, value in os.environ.items() if value.strip() or name not in paths}
        root = Path(overrides.get("root") or env.get("MPSC_ROOT", _default_root()))
        values: dict = {"root": root, "releases": Path(env.get("MPSC_RELEASES", root / "releases"))}
        for f in fields(cls):
            name = "MPSC_" + f.name.upper()
            if f.name not in values and name in env:
                try:
                    values[f.name] = _PARSERS.get(f.type, str)(env[name])
                except ValueError as error:
                    raise BadSetting(f"{name}={env[name]!r} cannot be read: {error}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["root"], values["releases"] = Path(values["root"]), Path(values["releases"])
        return cls(**values).checked()

    def checked(self) -> "Settings":
        """These settings, or BadSetting naming the first value a server would start with and then fail every
        request on, or crash over (an operator's review: a negative time limit answered every query with 503, a
        proxy named `localhost` made every request a 500, a base URL without a scheme every page a 400)."""
        for f in fields(self):
            value = getattr(self, f.name)
            numeric = f.type in ("int", "float")
            problem = _number_problem(f.name, value) if numeric else _CHECKS.get(f.name, _fine)(value)
            if problem:
                raise BadSetting(f"{ENVIRONMENT[f.name]}={_shown(value)}: {problem}")
        if self.metrics and split_bind(self.metrics)[1] == split_bind(self.bind)[1]:
            raise BadSetting(f"MPSC_METRICS={_shown(self.metrics)}: must name another port than MPSC_BIND's, where "
                             "the site answers")
        return self

    def with_(self, **changes) -> "Settings":
        """A copy with the given non-None values changed."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None}).checked()

    @property
    def public_base(self) -> str:
        """The base URL with exactly one trailing slash."""
        return self.base_url.rstrip("/") + "/"

    @property
    def request_bytes(self) -> int:
        """The largest request body or URL accepted: form encoding triples a query's bytes at most (%XX),
        and the other parameters (dataset IRIs, format) get 16 KB."""
        return 3 * self.max_query_bytes + 16_384

    @property
    def http_threads(self) -> int:
        """HTTP threads per worker: one for every public query that may run or wait, and `threads` more, so
        that queued queries never keep pages from a thread."""
        return self.executors + self.queue + self.threads


def _flag(value: str) -> bool:
    """1/true/yes/on or 0/false/no/off (empty); anything else is a mistake to report, not to read as off."""
    word = value.strip().lower()
    if word not in ("1", "true", "yes", "on", "0", "false", "no", "off", ""):
        raise ValueError(f"{value!r} is neither 1 nor 0")
    return word in ("1", "true", "yes", "on")


_PARSERS = {"Path | None": Path, "float": float, "int": int, "tuple[str, ...]": _names, "bool": _flag}
# Numbers a setting may be 0 for, where 0 turns something off (no cache, no queue, no new short links, no memory
# cap: README); every other number must be positive.
OFF_AT_ZERO = {"cache_bytes", "document_cache_bytes", "queue", "max_short_links", "short_links_bytes",
               "client_short_links", "query_memory"}


# The most each number may be (an operator's review): processes and threads beyond these fork the machine to a
# halt (MPSC_EXECUTORS=500 respawned the workers forever), and beyond a day of seconds or 2**40 of anything the
# clocks and C integers beneath overflow (MPSC_QUERY_TIMEOUT=1e18 ended a worker in a traceback).
MOST = {"workers": 64, "executors": 256, "site_executors": 64, "threads": 1024, "queue": 10_000}
MOST_SECONDS, MOST_OTHERWISE = 86_400, 2**40


def _number_problem(name: str, value: float) -> str:
    """Why a number is no value for setting `name` ("" if it is one): below 1 (or 0, OFF_AT_ZERO) a limit refuses
    every request, seconds that are not finite crash granian's setup (math.ceil, round), and above MOST too many
    processes start or a clock overflows."""
    least = 0 if name in OFF_AT_ZERO else 1
    if isinstance(value, float):
        fits = math.isfinite(value) and (value > 0 or least == 0 and value == 0) and value <= MOST_SECONDS
        return "" if fits else f"must be a finite number of seconds above 0 and at most {MOST_SECONDS:,} (a day)"
    most = MOST.get(name, MOST_OTHERWISE)
    return "" if least <= value <= most else f"must be from {least} to {most:,}"


def split_bind(bind: str) -> tuple[str, int]:
    """The IP address and port of `host:port` (IPv6 as `[::1]:8080`); ValueError for anything else. The one
    reading of MPSC_BIND: granian takes an IP address only, not a name."""
    host, _, port = bind.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    ipaddress.ip_address(host)  # ValueError for a name, or an IPv6 address without its brackets
    if not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(port)
    return host, int(port)


def bind_url(bind: str) -> str:
    """The http:// URL of an address to listen on, an IPv6 one in brackets."""
    host, port = split_bind(bind)
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _url_problem(url: str) -> str:
    """Why `url` is no http(s) URL a server can be reached at ("" if it is one)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// URL with a host"
    try:
        parts.port
    except ValueError:
        return "has a port that is no number from 1 to 65535"
    if parts.username is not None:  # urllib would take it for the host, and every log line would show it
        return ("must not carry a user name or password (for a store MPSC_STORE_USER and MPSC_STORE_PASSWORD give "
                "them to `mpsc load`)")
    return ""


def _bind_problem(bind: str) -> str:
    """Why MPSC_BIND is no address granian can listen at ("" if it is one)."""
    try:
        split_bind(bind)
    except ValueError:
        return "must be IP:port (such as 127.0.0.1:8080 or [::1]:8080), the port from 1 to 65535"
    return ""


def _metrics_problem(metrics: str) -> str:
    """Why MPSC_METRICS is neither empty nor an address the exporter can listen at."""
    return metrics and _bind_problem(metrics)


def _proxies_problem(proxies: tuple[str, ...]) -> str:
    """Why MPSC_TRUSTED_PROXIES is unusable: each request compares its address with every entry, and a name
    there made each one a 500."""
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            return f"{proxy!r} is no IP address or network (such as 127.0.0.1 or 10.0.0.0/8); names are not resolved"
    return ""


def _access_log_problem(value: str) -> str:
    """Why MPSC_ACCESS_LOG is none of the ways the access log may name a client."""
    return "" if value in ACCESS_LOG_CHOICES else f"must be one of {', '.join(ACCESS_LOG_CHOICES)}"


def _store_problem(store: str) -> str:
    """Why MPSC_STORE is neither "embedded" nor a store's URL ("" if it is either)."""
    return "" if store == "embedded" else _url_problem(store).replace("must be", 'must be "embedded" or', 1)


def _optional_url_problem(url: str) -> str:
    """Why a URL that may be left empty is no usable one."""
    return url and _url_problem(url)


# An e-mail address as a mailto: link may carry it unquoted: no characters that end it or start its query (RFC 6068).
_MAILBOX = re.compile(r"[^@\s<>\"(),;:\\\[\]?#%&/]+@[^@\s<>\"(),;:\\\[\]?#%&/]+\.[A-Za-z0-9-]+")


def contact_is_web(contact: str) -> bool:
    """Whether MPSC_CONTACT is a web address (else an e-mail address), read as its check reads one, scheme in any
    case (a review: `HTTPS://…` passed the check as a URL and was linked as `mailto:HTTPS://…`)."""
    return urlsplit(contact).scheme.lower() in ("http", "https")


def _contact_problem(contact: str) -> str:
    """Why MPSC_CONTACT is neither an e-mail address nor an http(s) URL ("" if it is one, or empty): pages link it,
    and a `javascript:` address there would run in every reader's browser."""
    if not contact or _MAILBOX.fullmatch(contact):  # no scheme: `:` is no character of an address here
        return ""
    return _url_problem(contact).replace("must be", "must be an e-mail address or", 1)


def _fine(value) -> str:
    """For the settings no value of which can keep a server from answering."""
    return ""


def _folder_problem(path: Path | None) -> str | None:
    """A folder a server writes into (MPSC_STORE_PATH, MPSC_SHORT_LINKS's) that is a file. Whether it can be written
    is asked only where a server starts (serve.py, `refuse_unwritable_folders`): every command reads the settings."""
    try:
        return "is a file, not a folder" if path is not None and path.is_file() else None
    except OSError as error:  # a parent that may not be read
        return f"cannot be read ({error.strerror or error})"


def folders_written(settings: "Settings") -> dict[str, tuple[Path, Path]]:
    """The folders a server writes into besides the releases folder: variable -> (its value, the folder)."""
    named = {"store_path": (settings.store_path, settings.store_path),
             "short_links": (settings.short_links, settings.short_links.parent if settings.short_links else None)}
    return {ENVIRONMENT[name]: pair for name, pair in named.items() if pair[0] is not None}


_CHECKS = {"base_url": _url_problem, "bind": _bind_problem, "trusted_proxies": _proxies_problem,
           "access_log": _access_log_problem, "metrics": _metrics_problem,
           "store": _store_problem, "update_endpoint": _optional_url_problem, "store_endpoint": _optional_url_problem,
           "store_path": _folder_problem, "contact": _contact_problem, "imprint": _optional_url_problem,
           "privacy": _optional_url_problem,
           "short_links": lambda path: path and _folder_problem(path.parent)}  # the file is made in that folder


def _shown(value) -> str:
    """A setting's value as the operator wrote it, without a password a URL may carry."""
    text = ",".join(value) if isinstance(value, tuple) else str(value)
    return repr(redacted(text))


def redacted(url: str) -> str:
    """`url` with the password of its user part replaced by ***, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)))
ENVIRONMENT = {f.name: "MPSC_" + f.name.upper() for f in fields(Settings)}
# Variables `mpsc serve` sets for the processes it starts (serve.py), which no operator sets.
SERVED_RELEASE = "MPSC_SERVED_RELEASE"  # the folder of the release the master checked, which its workers serve
READY_DIR = "MPSC_READY_DIR"  # where a granian worker notes that its app is whole (`Readiness`)
DOCUMENTATION = {f.name: f.metadata["help"] for f in fields(Settings)}
# The limits of the public service: setting name -> (unit, status beyond it or None), in the order pages list them.
LIMITS = {f.name: (f.metadata["limit"], f.metadata["status"]) for f in fields(Settings) if f.metadata["limit"]}
EMBEDDED_ONLY = {"query_memory"}  # limits the embedded store's executors apply; a remote store runs queries itself


def applied_limits(settings: Settings) -> dict[str, tuple[str, int | None]]:
    """The limits that hold for this server, as /limits and the service description state them: over a remote
    store not those only the embedded store applies (a Virtuoso operator's review: /limits promised 512 MB per
    query over Virtuoso, which nothing applied)."""
    return {name: limit for name, limit in LIMITS.items() if settings.store == "embedded" or name not in EMBEDDED_ONLY}


# The longest request target (path and query) granian reads: 414 beyond, before the app (granian 2.8; not a setting).
LONGEST_TARGET = 65_534
# The longest URL (path and query) a link to a query may be: nginx's default buffer for a request line is 8 KB,
# and links longer than that end in 414 behind it (granian's own limit is LONGEST_TARGET). Longer queries are posted
# (web/sparql_pages.py, the editor) and their short links answer in place (web/short_links.py).
LONGEST_LINK = 8000


def environment(settings: Settings) -> dict[str, str]:
    """The MPSC_* variables that make `Settings.from_env()` give `settings` again (for server workers)."""
    values = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value is not None:
            values[ENVIRONMENT[f.name]] = ",".join(value) if isinstance(value, tuple) else str(value)
    return values


def flag_help(name: str) -> str:
    """Help text for the command-line flag of setting `name`: its description and variable."""
    return f"{DOCUMENTATION[name]} [{ENVIRONMENT[name]}]"


BIND_NAMES = {"MPSC_PORT": "MPSC_BIND", "MPSC_HOST": "MPSC_BIND"}  # other servers' names for the address


def unknown_variables(env=os.environ) -> list[str]:
    """A line for each MPSC_* variable that names no setting, with the setting it may have meant: a misspelt one
    (`MPSC_PORT`, `MPSC_TIMEOUT`) was ignored without a word, and the server ran with the default (a packager's
    review)."""
    known = {*ENVIRONMENT.values(), SERVED_RELEASE, READY_DIR}
    lines = []
    for name in sorted(n for n in env if n.startswith("MPSC_") and n not in known):
        meant = [BIND_NAMES[name]] if name in BIND_NAMES else difflib.get_close_matches(name, sorted(known), n=1)
        lines.append(f"{name} is no setting and is ignored" + (f" (did you mean {meant[0]}?)" if meant else ""))
    return lines
