"""Serialise query results in the requested format while enforcing the row limit, in Rust throughout.

Both stores get results in a line-based form first (SELECT as TSV, graphs as a triple stream), so rows can
be counted as they arrive, without running the query twice: the writer stops the engine (or the download
from a remote store) with TooManyRows at the first row over the limit, so neither time nor memory grows
beyond what `max_rows` rows need, however large the full result would be. Only then is the requested
format written, by pyoxigraph. A TSV line is one solution because TSV escapes newlines inside terms
(SPARQL 1.1 CSV/TSV §3).
"""
from __future__ import annotations

import io
import operator
import re
from typing import IO, Callable, Iterable, Iterator
from xml.parsers import expat

import pyoxigraph as ox

from ..formats import GRAPH_FORMATS, RDFXML, RESULT_FORMATS, TSV, Format
from ..prefixes import prefixes_used
from ..errors import NotInRdfXml, NotInXml, QueryFailed, TooManyRows

# What XML 1.0 cannot carry (§2.2 Char), as UTF-8: C0 controls but tab, newline and return; U+FFFE, U+FFFF.
NOT_IN_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


class _RowLimit(io.BytesIO):
    """A buffer for TSV results that stops whoever writes to it once it holds more than `max_rows` rows."""

    def __init__(self, max_rows: int | None):
        super().__init__()
        self.max_rows, self.lines = max_rows, 0

    def write(self, data) -> int:
        self.lines += bytes(data).count(b"\n")
        if self.max_rows is not None and self.lines - 1 > self.max_rows:  # the first line is the header
            raise TooManyRows(self.max_rows)
        return super().write(data)


def solutions(write_tsv: Callable[[IO[bytes]], object], fmt: Format, max_rows: int | None, *,
              reencode: bool = False, order: tuple[str, ...] = ()) -> bytes:
    """SELECT results in `fmt`; `write_tsv(output)` writes them as TSV, and is stopped beyond `max_rows`.

    TSV written by pyoxigraph is passed on as it is; other TSV (`reencode`, from `write_tsv` below) is
    rewritten by pyoxigraph too, so that every store's TSV abbreviates numbers the same way. `order` names the
    variables in the order their columns should have (a `SELECT *`'s, `Inspection.star`).
    """
    _expect(fmt, "results")
    buffer = _RowLimit(max_rows)
    write_tsv(buffer)
    tsv = reordered(buffer.getvalue(), order) if order else buffer.getvalue()
    if fmt is TSV and not reencode:
        return tsv
    return xml_checked(ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
                       .serialize(format=fmt.ox_format), fmt)


def reordered(tsv: bytes, order: tuple[str, ...]) -> bytes:
    """TSV results with their columns in `order` (variable names), those it does not name after them as they
    were. A TSV field holds no tab (§3 escapes it), so a line splits into its fields at tabs."""
    lines = tsv.rstrip(b"\n").split(b"\n")  # every line ends in a newline, the last one too
    header = [name.decode("utf-8").lstrip("?$") for name in lines[0].split(b"\t")] if lines[0] else []
    ranked = {name: n for n, name in enumerate(order)}
    columns = sorted(range(len(header)), key=lambda i: (ranked.get(header[i], len(order)), i))
    if len(columns) < 2 or columns == list(range(len(header))):
        return tsv
    pick = operator.itemgetter(*columns)
    return b"".join(b"\t".join(pick(line.split(b"\t"))) + b"\n" for line in lines)


def write_tsv(answer: ox.QuerySolutions, output: IO[bytes], convert: Callable = lambda term: term) -> None:
    """Parsed solutions as TSV, one write per row so that `solutions` can stop at the row limit; `convert` is
    applied to each term first.

    Terms are written in their N-Triples form (str() of a pyoxigraph term), which escapes tabs and newlines
    inside literals as TSV requires (SPARQL 1.1 CSV/TSV §3); an unbound variable is an empty field.
    """
    names = answer.variables
    output.write(("\t".join(str(v) for v in names) + "\n").encode("utf-8"))
    for solution in answer:
        terms = (solution[v] for v in names)
        output.write(("\t".join("" if t is None else str(convert(t)) for t in terms) + "\n").encode("utf-8"))


def boolean(result, fmt: Format) -> bytes:
    """An ASK answer (a pyoxigraph QueryBoolean) in `fmt`."""
    _expect(fmt, "results")
    return result.serialize(format=fmt.ox_format)


def triples(stream: Iterable[ox.Triple], fmt: Format, max_rows: int | None) -> bytes:
    """A CONSTRUCT/DESCRIBE result in `fmt`, stopping with TooManyRows as soon as it exceeds `max_rows`."""
    _expect(fmt, "rdf")
    triples = list(_counted(stream, max_rows))
    return xml_checked(ox.serialize(triples, format=fmt.ox_format, prefixes=prefixes_used(triples)), fmt)


def xml_checked(data: bytes, fmt: Format) -> bytes:
    """`data`, as XML with its carriage returns as character references, unless it holds a character XML cannot
    carry (NotInXml, 406), or is RDF/XML that is not well-formed (NotInRdfXml, 406): pyoxigraph writes such
    characters of literals as they are, and a predicate with no XML name at its end as an element no parser
    reads. SPARQL results XML has no element named by the data, so only RDF/XML is parsed (by expat, in C)."""
    if not fmt.media_type.endswith("xml"):
        return data
    found = NOT_IN_XML.search(data)
    if found:
        raise NotInXml(ord(found.group().decode("utf-8")), _other_formats(fmt))
    if fmt is RDFXML:
        try:
            expat.ParserCreate(namespace_separator=" ").Parse(data, True)  # names checked as namespaced ones
        except expat.ExpatError:
            raise NotInRdfXml(_other_formats(fmt)) from None
    # A carriage return written as it is reaches a reader as a newline (XML 1.0 §2.11 normalises line ends): as a
    # character reference it stays one. pyoxigraph's markup has none, so each is a literal's (a SPARQL client
    # developer's review: "x\r\ny" came back as "x\n\ny" through SPARQLWrapper's and rdflib's default format).
    return data.replace(b"\r", b"&#13;")


def _other_formats(fmt: Format) -> str:
    """The formats of `fmt`'s kind that are no XML, in words: what a refused XML answer can be asked for in."""
    return " or ".join(f.label for f in (RESULT_FORMATS if fmt.kind == "results" else GRAPH_FORMATS)
                       if not f.media_type.endswith("xml"))


def _counted(stream: Iterable[ox.Triple], max_rows: int | None) -> Iterator[ox.Triple]:
    for n, triple in enumerate(stream, 1):
        if max_rows is not None and n > max_rows:
            raise TooManyRows(max_rows, "triples")
        yield triple


def _expect(fmt: Format, kind: str) -> None:
    if fmt.kind != kind:
        raise QueryFailed(f"This query form cannot be answered as {fmt.label}.")
