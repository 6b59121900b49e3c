"""CSV exports with CSVW metadata: the metadata validates with the csvw package, and its RDF equals the graph's.

For every table, rows are read back by `csvw` (PyPI) through their metadata and turned into triples by the
csv2rdf rules (tests/csvw_support.py); for each mapped cell, the triples the graph holds for the same subject,
property and kind of value (language, datatype, IRI space) must be exactly the one the cell gives, and an
empty cell means the graph holds none. Small tables are checked whole, the register's municipalities by sample.
"""
from __future__ import annotations

import csv
import io
import json
import urllib.request

import pytest
from rdflib import Literal, URIRef

from server.build.exports import TABLES
from server.build.release import read_checksums
from server.rdfio import from_ox
from server.web.links import to_uri
from tests.csvw_support import _object, language, parsed_rows, predicate, read_table, subject
import pyoxigraph as ox

SAMPLE_EVERY = 97  # rows of the large municipalities table checked: every 97th (111 of 10,751)


@pytest.fixture(scope="module")
def graph_values(release_store):
    """(graph, subject, predicate) -> objects, answered by the release's store."""
    def values(graph: str, s: URIRef, p: URIRef) -> set:
        quads = release_store.quads_for_pattern(ox.NamedNode(str(s)), ox.NamedNode(str(p)), None, ox.NamedNode(graph))
        return {from_ox(q.object) for q in quads}
    return values


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_metadata_validates_with_csvw(release, table):
    csvw = read_table(release.path / table.metadata_name)
    assert csvw.is_valid, [str(w.message) for w in csvw.warnings]
    assert not csvw.warnings, [str(w.message) for w in csvw.warnings]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_each_header_cell_is_a_title_of_its_column(release, table):
    """CSVW Metadata §5.5.1: the header row's column descriptions (titles, no name) are compatible with the
    metadata's only where their titles intersect (an `und` title matching any language); a validator reports
    every other column as an error."""
    header = next(csv.reader(io.StringIO((release.path / table.name).read_text(encoding="utf-8"))))
    described = json.loads((release.path / table.metadata_name).read_text(encoding="utf-8"))
    columns = [column for column in described["tableSchema"]["columns"] if not column.get("virtual")]
    assert [column["titles"]["und"] for column in columns] == header


def term(value):
    """A term as CSVW can reproduce it: an IRI as its URI (RFC 6570 templates percent-encode non-ASCII, RFC 3987
    §3.1), a literal by its value (`204.30` and `204.3` are the same decimal)."""
    if isinstance(value, URIRef):
        return URIRef(to_uri(str(value)))
    return (value.datatype, value.language, value.value if value.value is not None else str(value))


def _fits(column, value, row_values: dict) -> bool:
    """Whether a graph object is of the kind a column holds (so de and en labels, or the state and the district a
    place lies in, are told apart)."""
    value_url = column.inherit("valueUrl")
    if value_url is not None:
        template = value_url.uri
        named = template[2:-1] if template.startswith("{+") and template.endswith("}") else None
        if named and (named != column.name or column.aboutUrl):  # one of several values: the one the row names
            return str(value) == row_values.get(named)
        return isinstance(value, URIRef) and str(value).startswith(template.split("{")[0])
    if not isinstance(value, Literal):
        return False
    return value.language == language(column)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_csvw_rdf_of_the_rows_equals_the_graph(release, graph_values, table):
    parsed, columns, rows = parsed_rows(release.path / table.metadata_name)
    sample = rows if len(rows) < 1000 else rows[::SAMPLE_EVERY] + rows[-1:]
    mapped = [c for c in columns.values() if not c.suppressOutput]
    checked = 0
    for number, row in sample:
        texts = {k: (None if v is None else str(v)) for k, v in row.items()}
        for column in mapped:
            s, p = subject(parsed, column, row, number), predicate(parsed, column, row, number)
            expected = {term(o) for o in graph_values(table.graph, s, p) if _fits(column, o, texts)}
            value = row[column.name]
            given = set() if value in (None, "") else {term(_object(parsed, column, row, number, column.name, value))}
            assert given == expected, f"{table.name} row {number} column {column.name}: {given} != {expected}"
            checked += len(given)
    assert checked > len(sample)  # the tables do map cells to RDF


def test_every_table_is_in_the_release_checksums_and_manifest(release):
    sums = read_checksums(release.path)
    names = {entry["name"] for entry in release.files}
    for table in TABLES:
        assert {table.name, table.metadata_name} <= names and {table.name, table.metadata_name} <= set(sums)


def test_exports_are_served_with_their_metadata_next_to_them(base_url):
    with urllib.request.urlopen(base_url + "exports/projects.csv") as answer:
        assert answer.headers.get_content_type() == "text/csv"
        assert answer.read().startswith(b"id,label_de,")
    with urllib.request.urlopen(base_url + "exports/projects.csv-metadata.json") as answer:
        assert answer.headers.get_content_type() == "application/csvm+json"
    with urllib.request.urlopen(base_url + "exports/") as answer:
        page = answer.read().decode()
    assert all(f'href="{base_url}exports/{t.name}"' in page for t in TABLES)
    with pytest.raises(urllib.error.HTTPError) as refused:  # the RDF dumps stay under /dumps/ only
        urllib.request.urlopen(base_url + "exports/mpsc.ttl")
    assert refused.value.code == 404
