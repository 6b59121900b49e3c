"""Predefined prefixes: a query may use the graph's well-known prefixes (`mpsc:`, `rdfs:`, `schema:`, …, the
list is server/prefixes.py) without declaring them, as on the Wikidata and DBpedia endpoints.

Before a query runs, a declaration is prepended for each predefined prefix it uses but does not declare itself,
one per line, and nothing else: a query's own PREFIX wins, a query that declares everything runs as sent, and
the text still reads well in a store's log. The engine then counts lines from the first declaration, so a syntax
error it reports is moved up by as many lines as were prepended and points at the reader's own line and column.

The endpoint, the HTML results and `mpsc query` all run queries through `run`, with the query's inspection
(server/sparql/inspection.py), which lists the prefixes it uses undeclared: the query is lexed once.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from ..errors import QueryFailed, moved_up
from ..prefixes import PREFIXES as PREDEFINED
from .inspection import Inspection

T = TypeVar("T")


def completed(query: str, info: Inspection) -> tuple[str, int]:
    """`query` with a declaration prepended for each predefined prefix it needs (`info.undeclared`, which the
    inspection found: server/sparql/inspection.py), and how many lines that added."""
    declarations = "".join(f"PREFIX {prefix}: <{PREDEFINED[prefix]}>\n" for prefix in info.undeclared)
    return declarations + query, len(info.undeclared)


def run(query: str, info: Inspection, execute: Callable[[str], T]) -> T:
    """`execute(text)` on the completed query (`info` is its inspection); a syntax error it raises names the
    line in `query`."""
    text, added = completed(query, info)
    try:
        return execute(text)
    except QueryFailed as error:
        raise moved_up(error, added) from None
