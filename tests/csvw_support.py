"""CSV on the Web to RDF for the export tests: the csvw package reads and validates, this turns rows into triples.

The `csvw` package (PyPI) parses a table by its metadata (dialect, datatypes, nulls, languages) and expands the
URI templates, but converts to JSON only; the few rules of W3C "Generating RDF from Tabular Data on the Web"
(minimal mode, §4.6.8) that turn a parsed cell into a triple are here: the subject is the cell's `aboutUrl`
(else a blank node), the predicate its `propertyUrl` (else `{table}#{column}`), the object its `valueUrl` as
an IRI, else a literal in the column's language or datatype, whose lexical form is the cell's string value (the
text as written, not csvw's parsed value: `4.00` stays `4.00`); null cells and suppressed columns give nothing.
"""
from __future__ import annotations

import csv
from pathlib import Path

from csvw import CSVW
from rfc3986 import URIReference
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD


def read_table(metadata: Path) -> CSVW:
    """The table a metadata file describes, validated (`is_valid`, `warnings`)."""
    return CSVW(str(metadata), validate=True)


def subject(table, column, row: dict, number: int):
    """The cell's subject: the column's aboutUrl, else the table's, else a blank node."""
    about = column.aboutUrl or table.tableSchema.inherit("aboutUrl")
    return URIRef(table.expand(about, row, _row=number, _name=column.name)) if about else BNode()


def predicate(table, column, row: dict, number: int) -> URIRef:
    prop = column.inherit("propertyUrl")
    return URIRef(table.expand(prop, row, _row=number, _name=column.name) if prop else f"{table.url}#{column.name}")


def cell_object(table, column, row: dict, number: int, text: str):
    """The cell's object: its valueUrl expanded, else a literal of the cell's string value `text`."""
    value_url = column.inherit("valueUrl")
    if value_url:
        return URIRef(table.expand(value_url, row, _row=number, _name=column.name))
    if language(column) and column.datatype.base == "string":
        return Literal(text, lang=language(column))
    base = column.datatype.base  # normalize=False: rdflib would write `007` as `7`
    return Literal(text) if base == "string" else Literal(text, datatype=XSD[base], normalize=False)


def language(column) -> str | None:
    """The column's language; CSVW's default `und` (undetermined) means a plain string."""
    lang = column.inherit("lang")
    return None if lang in (None, "und") else lang


def parsed_rows(metadata: Path):
    """(table, columns by name, [(row number, row, cell strings)]) of a CSVW-described table, read and typed by
    csvw. `anyURI` cells are given to the URI templates as their text (csvw would expand the parsed object's repr).
    The cell strings are the CSV's own text, trimmed as CSVW's default dialect does, because csvw hands back only
    parsed values, whose text may differ from the cell's (`Decimal("+4.0")` is `4.0`)."""
    csvw = read_table(metadata)
    table = csvw.tables[0]
    columns = {c.name: c for c in table.tableSchema.columns}
    rows = ({k: v.unsplit() if isinstance(v, URIReference) else v for k, v in row.items()}
            for row in table.iterdicts(strict=False))
    with open(metadata.parent / table.url.string, encoding="utf-8", newline="") as handle:
        strings = [{k: v.strip() for k, v in cells.items()} for cells in csv.DictReader(handle)]
    return table, columns, [(n, row, text) for n, (row, text) in enumerate(zip(rows, strings, strict=True), start=1)]
