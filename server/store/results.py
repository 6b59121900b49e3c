"""Serialise query results in the requested format while enforcing the row limit, in Rust throughout.

Both stores get results in a line-based format first (SELECT as TSV, graphs as a triple stream), so rows
can be counted without running the query twice; only then is the requested format written, by pyoxigraph.
A TSV line is one solution because TSV escapes newlines inside terms (SPARQL 1.1 CSV/TSV §3).
"""
from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox

from ..formats import TSV, Format
from ..rdfio import prefixes_used
from .base import QueryFailed, TooManyRows


def solutions(tsv: bytes, fmt: Format, max_rows: int | None) -> bytes:
    """SELECT results given as TSV, in `fmt`; TooManyRows beyond `max_rows`."""
    if max_rows is not None and tsv.count(b"\n") - 1 > max_rows:
        raise TooManyRows(max_rows)
    _expect(fmt, "results")
    if fmt is TSV:
        return tsv
    return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=fmt.ox_format)


def boolean(result, fmt: Format) -> bytes:
    """An ASK answer (a pyoxigraph QueryBoolean) in `fmt`."""
    _expect(fmt, "results")
    return result.serialize(format=fmt.ox_format)


def triples(stream: Iterable[ox.Triple], fmt: Format, max_rows: int | None) -> bytes:
    """A CONSTRUCT/DESCRIBE result in `fmt`, stopping with TooManyRows as soon as it exceeds `max_rows`."""
    _expect(fmt, "rdf")
    triples = list(_counted(stream, max_rows))
    return ox.serialize(triples, format=fmt.ox_format, prefixes=prefixes_used(triples))


def _counted(stream: Iterable[ox.Triple], max_rows: int | None) -> Iterator[ox.Triple]:
    for n, triple in enumerate(stream, 1):
        if max_rows is not None and n > max_rows:
            raise TooManyRows(max_rows)
        yield triple


def _expect(fmt: Format, kind: str) -> None:
    if fmt.kind != kind:
        raise QueryFailed(f"This query form cannot be answered as {fmt.label}.")
