"""CSV on the Web to RDF for the export tests: the csvw package reads and validates, this turns rows into triples.

The `csvw` package (PyPI) parses a table by its metadata (dialect, datatypes, nulls, languages) and expands the
URI templates, but converts to JSON only; the few rules of W3C "Generating RDF from Tabular Data on the Web"
(minimal mode, §4.6.8) that turn a parsed cell into a triple are here: the subject is the cell's `aboutUrl`
(else a blank node), the predicate its `propertyUrl` (else `{table}#{column}`), the object its `valueUrl` as
an IRI, else a literal in the column's language or datatype; null cells and suppressed columns give nothing.
"""
from __future__ import annotations

from pathlib import Path

from csvw import CSVW
from rfc3986 import URIReference
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD


def read_table(metadata: Path) -> CSVW:
    """The table a metadata file describes, validated (`is_valid`, `warnings`)."""
    return CSVW(str(metadata), validate=True)


def row_triples(table, columns: dict, row: dict, number: int) -> dict[str, tuple]:
    """The triple of each mapped, non-null cell of one parsed row (csv2rdf minimal mode), by column name."""
    triples = {}
    for name, value in row.items():
        column = columns[name]
        if column.suppressOutput or value is None or value == "":
            continue
        triples[name] = (subject(table, column, row, number), predicate(table, column, row, number),
                         _object(table, column, row, number, name, value))
    return triples


def subject(table, column, row: dict, number: int):
    """The cell's subject: the column's aboutUrl, else the table's, else a blank node."""
    about = column.aboutUrl or table.tableSchema.inherit("aboutUrl")
    return URIRef(table.expand(about, row, _row=number, _name=column.name)) if about else BNode()


def predicate(table, column, row: dict, number: int) -> URIRef:
    prop = column.inherit("propertyUrl")
    return URIRef(table.expand(prop, row, _row=number, _name=column.name) if prop else f"{table.url}#{column.name}")


def _object(table, column, row, number, name, value):
    value_url = column.inherit("valueUrl")
    if value_url:
        return URIRef(table.expand(value_url, row, _row=number, _name=name))
    text = value if isinstance(value, str) else column.datatype.formatted(value)
    if language(column) and column.datatype.base == "string":
        return Literal(text, lang=language(column))
    base = column.datatype.base
    return Literal(text) if base == "string" else Literal(text, datatype=XSD[base])


def language(column) -> str | None:
    """The column's language; CSVW's default `und` (undetermined) means a plain string."""
    lang = column.inherit("lang")
    return None if lang in (None, "und") else lang


def parsed_rows(metadata: Path):
    """(table, columns by name, [(row number, row)]) of a CSVW-described table, read and typed by csvw. `anyURI`
    cells are given to the URI templates as their text (csvw would expand the parsed object's repr)."""
    csvw = read_table(metadata)
    table = csvw.tables[0]
    columns = {c.name: c for c in table.tableSchema.columns}
    rows = ({k: v.unsplit() if isinstance(v, URIReference) else v for k, v in row.items()}
            for row in table.iterdicts(strict=False))
    return table, columns, list(enumerate(rows, start=1))
