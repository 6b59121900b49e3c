"""Settings: one table of MPSC_* environment variables, overridable by command-line flags and tests.

The `Settings` fields, with their comments, document every setting once: `mpsc serve --help` reads
them (`flag_help`), and tests/test_docs.py checks that the README's configuration table lists each
variable.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def _default_root() -> Path:
    """The project folder (ontology/, data/, shapes/): the checkout the package runs from, else the cwd."""
    return PACKAGE_ROOT if (PACKAGE_ROOT / "ontology").is_dir() else Path.cwd()



def _names(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


@dataclass(frozen=True)
class Settings:
    root: Path  # MPSC_ROOT: project folder with ontology/, data/, shapes/
    releases: Path  # MPSC_RELEASES: releases folder (default ROOT/releases)
    base_url: str = "http://127.0.0.1:8080/"  # MPSC_BASE_URL: public base URL the server answers under
    store: str = "embedded"  # MPSC_STORE: "embedded" or the query URL of a SPARQL 1.1 server
    store_path: Path | None = None  # MPSC_STORE_PATH: folder for on-disk stores, one per release version (default: in memory)
    query_timeout: float = 10.0  # MPSC_QUERY_TIMEOUT: seconds before a query is stopped (503)
    max_query_bytes: int = 100_000  # MPSC_MAX_QUERY_BYTES: larger queries get 413
    max_rows: int = 100_000  # MPSC_MAX_ROWS: larger results get 400 with a hint to page
    service_allow: tuple[str, ...] = ()  # MPSC_SERVICE_ALLOW: comma-separated endpoints SERVICE may call
    bind: str = "127.0.0.1:8080"  # MPSC_BIND: host:port to listen on
    workers: int = 2  # MPSC_WORKERS: gunicorn worker processes
    threads: int = 4  # MPSC_THREADS: threads per worker (also query executors per worker)
    cache_bytes: int = 32_000_000  # MPSC_CACHE_BYTES: in-process SPARQL response cache per worker (0: off)
    update_endpoint: str = ""  # MPSC_UPDATE_ENDPOINT: `mpsc load`: SPARQL Update URL (default: STORE's /update)
    store_endpoint: str = ""  # MPSC_STORE_ENDPOINT: `mpsc load`: Graph Store Protocol URL (default: STORE's /store)
    store_engine: str = ""  # MPSC_STORE_ENGINE: `virtuoso` makes up for Virtuoso's departures from SPARQL 1.1 (see README); empty for any other store
    store_user: str = ""  # MPSC_STORE_USER: `mpsc load`: user name for the update and Graph Store URLs (Digest or Basic auth)
    store_password: str = field(default="", repr=False)  # MPSC_STORE_PASSWORD: `mpsc load`: that user's password (environment only)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Settings from MPSC_* variables, then explicit overrides (flags, tests) where not None."""
        env = os.environ
        root = Path(overrides.get("root") or env.get("MPSC_ROOT", _default_root()))
        values: dict = {"root": root, "releases": Path(env.get("MPSC_RELEASES", root / "releases"))}
        for f in fields(cls):
            name = "MPSC_" + f.name.upper()
            if f.name not in values and name in env:
                values[f.name] = _PARSERS.get(f.name, str)(env[name])
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["root"], values["releases"] = Path(values["root"]), Path(values["releases"])
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        """A copy with the given non-None values changed."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def public_base(self) -> str:
        """The base URL with exactly one trailing slash."""
        return self.base_url.rstrip("/") + "/"


_PARSERS = {"store_path": Path, "query_timeout": float, "max_query_bytes": int, "max_rows": int,
            "service_allow": _names, "workers": int, "threads": int, "cache_bytes": int}
ENVIRONMENT = {f.name: "MPSC_" + f.name.upper() for f in fields(Settings)}


def _documentation() -> dict[str, str]:
    """Each field's trailing comment after its variable name, so flags and docs reuse the table above."""
    source = Path(__file__).read_text(encoding="utf-8")
    return {m[1]: m[2] for m in re.finditer(r"^    (\w+): .*?# MPSC_\w+: (.*)$", source, re.MULTILINE)}


DOCUMENTATION = _documentation()


def flag_help(name: str) -> str:
    """Help text for the command-line flag of setting `name`: its description and variable."""
    return f"{DOCUMENTATION[name]} [{ENVIRONMENT[name]}]"
