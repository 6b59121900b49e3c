"""Predefined prefixes: a query may use the graph's well-known prefixes (`mpsc:`, `rdfs:`, `schema:`, …, the
list is server/prefixes.py) without declaring them, as on the Wikidata and DBpedia endpoints.

Before a query runs, a declaration is prepended for each predefined prefix it uses but does not declare itself,
one per line, and nothing else: a query's own PREFIX wins, a query that declares everything runs as sent, and
the text still reads well in a store's log. The engine then counts lines from the first declaration, so a syntax
error it reports is moved up by as many lines as were prepended and points at the reader's own line and column.

The endpoint, the HTML results and `mpsc query` all run queries through `run`.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from ..errors import QueryFailed, moved_up
from ..prefixes import PREFIXES as PREDEFINED
from .inspection import tokens

T = TypeVar("T")


def undeclared(query: str) -> list[str]:
    """The predefined prefixes `query` uses without declaring them, in the order of PREDEFINED."""
    declared, used, previous = set(), set(), None
    for kind, value, _ in tokens(query):
        if kind == "pname":
            prefix = value.partition(":")[0]
            (declared if previous == "PREFIX" else used).add(prefix)
        previous = value.upper() if kind == "word" else None
    return [prefix for prefix in PREDEFINED if prefix in used and prefix not in declared]


def completed(query: str) -> tuple[str, int]:
    """`query` with a declaration prepended for each predefined prefix it needs, and how many lines that added."""
    missing = undeclared(query)
    return "".join(f"PREFIX {prefix}: <{PREDEFINED[prefix]}>\n" for prefix in missing) + query, len(missing)


def run(query: str, execute: Callable[[str], T]) -> T:
    """`execute(text)` on the completed query; a syntax error it raises names the line in `query`."""
    text, added = completed(query)
    try:
        return execute(text)
    except QueryFailed as error:
        raise moved_up(error, added) from None
