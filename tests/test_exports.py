"""CSV exports with CSVW metadata: the metadata validates with the csvw package, and its RDF equals the graph's.

For every table, rows are read back by `csvw` (PyPI) through their metadata and turned into triples by the
csv2rdf rules (tests/csvw_support.py); for each mapped cell, the triples the graph holds for the same subject,
property and kind of value (language, datatype, IRI space) must be exactly the one the cell gives, and an
empty cell means the graph holds none. Small tables are checked whole, the register's municipalities by sample.
"""
from __future__ import annotations

import collections
import csv
import functools
import gzip
import html
import io
import json
import re
import shutil
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from server.build.exports import GROUP, TABLES
from server.build.release import DATASET_FILE, read_checksums
from server.namespaces import DCATDE
from server.rdfio import to_ox
from tests.csvw_support import cell_object, language, parsed_rows, predicate, read_table, subject
import pyoxigraph as ox

rows_of = functools.cache(parsed_rows)  # read once per module: csvw takes 6 s for the municipalities
SAMPLE_EVERY = 97  # rows of the large municipalities table checked: every 97th (111 of 10,751)


@pytest.fixture(scope="module")
def graph_values(release):
    """(graph, subject, predicate) -> objects, as the release's dataset file writes them. Not the store: it keeps a
    decimal's value, not its lexical form (`"4.00"` comes back as `"4"`), and the tables must give the graph's."""
    graphs = {ox.NamedNode(t.graph) for t in TABLES}
    index = collections.defaultdict(set)
    with gzip.open(release.path / DATASET_FILE) as handle:
        for quad in ox.parse(handle, format=ox.RdfFormat.N_QUADS):
            if quad.graph_name in graphs:
                index[quad.graph_name.value, quad.subject.value, quad.predicate.value].add(quad.object)

    def values(graph: str, s: URIRef, p: URIRef) -> set:
        return index.get((graph, str(s), str(p)), set())
    return values


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_metadata_validates_with_csvw(release, table):
    csvw = read_table(release.path / table.metadata_name)
    assert csvw.is_valid, [str(w.message) for w in csvw.warnings]
    assert not csvw.warnings, [str(w.message) for w in csvw.warnings]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_metadata_names_the_licence_and_the_attribution_of_its_graph(release, table):
    """A harvester's review: the register's tables (dl-de/by, which asks to name the provider with every copy)
    named no one; each table's metadata, and the group's, carry the attribution its graph asks for, in its
    language (an English-only reader's review: the German text took the context's English)."""
    meta = Graph().parse(release.path / "void.ttl")
    asked = sorted((str(t), t.language) for t in meta.objects(URIRef(table.graph), DCATDE.licenseAttributionByText))
    described = json.loads((release.path / table.metadata_name).read_text(encoding="utf-8"))
    group = json.loads((release.path / GROUP.name).read_text(encoding="utf-8"))
    in_group = [t for t in group["tables"] if t["url"] == table.name]
    assert asked and all(language == "de" for _, language in asked)
    for rights in [described["dc:rights"], *(t["dc:rights"] for t in in_group)]:
        assert sorted((right["@value"], right["@language"]) for right in rights) == asked
    if table.licence == "dl-by-de-2.0":
        assert all("Destatis" in text for text, _ in asked)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_each_header_cell_is_a_title_of_its_column(release, table):
    """CSVW Metadata §5.5.1: the header row's column descriptions (titles, no name) are compatible with the
    metadata's only where their titles intersect (an `und` title matching any language); a validator reports
    every other column as an error."""
    header = next(csv.reader(io.StringIO((release.path / table.name).read_text(encoding="utf-8"))))
    described = json.loads((release.path / table.metadata_name).read_text(encoding="utf-8"))
    columns = [column for column in described["tableSchema"]["columns"] if not column.get("virtual")]
    assert [column["titles"]["und"] for column in columns] == header


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_each_column_not_mapped_to_rdf_says_why(release, table):
    """README: a `suppressOutput` column's `dc:description` says why it gives no triples, in every table."""
    described = json.loads((release.path / table.metadata_name).read_text(encoding="utf-8"))
    columns = described["tableSchema"]["columns"]
    unsaid = [c["name"] for c in columns if c.get("suppressOutput") and not c.get("dc:description")]
    assert not unsaid


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_each_column_with_a_null_value_says_what_it_means(release, table):
    """Found by an offline user's review: `lead` is read as empty for every member but the lead, unexplained."""
    described = json.loads((release.path / table.metadata_name).read_text(encoding="utf-8"))
    unsaid = [c["name"] for c in described["tableSchema"]["columns"] if "null" in c and not c.get("dc:description")]
    assert not unsaid


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_no_column_is_empty_in_every_row(release, table):
    """A harvester's review: places.csv had a regional-key column no row of it can fill (only municipalities have
    a regional key in DCAT-AP.de's lists), and none for the states' key, which its states have."""
    with open(release.path / table.name, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [name for name in rows[0] if not any(row[name] for row in rows)] == []


def test_the_group_validates_with_its_foreign_keys(release):
    """csv-metadata.json: every programme table, a member naming a row of bodies.csv and a measure's project a row of
    projects.csv; csvw checks each reference against the referenced table's primary key."""
    described = json.loads((release.path / GROUP.name).read_text(encoding="utf-8"))
    keys = {(t["url"], k["columnReference"], k["reference"]["resource"], k["reference"]["columnReference"])
            for t in described["tables"] for k in t["tableSchema"].get("foreignKeys", [])}
    assert keys == {("memberships.csv", "member", "bodies.csv", "id"),
                    ("measures.csv", "project", "projects.csv", "id")}
    assert [t["url"] for t in described["tables"]] == [t.name for t in TABLES if t.graph == GROUP.graph]
    csvw = read_table(release.path / GROUP.name)
    assert csvw.is_valid and not csvw.warnings, [str(w.message) for w in csvw.warnings]


def test_a_reference_to_no_row_fails_the_groups_validation(release, tmp_path):
    for table in GROUP.tables:
        shutil.copy(release.path / table.name, tmp_path / table.name)
    shutil.copy(release.path / GROUP.name, tmp_path / GROUP.name)
    measures = (tmp_path / "measures.csv").read_text(encoding="utf-8")
    project = ",https://w3id.org/mpsc/id/project/"  # the first row's project, made one that projects.csv lacks
    (tmp_path / "measures.csv").write_text(measures.replace(project, project + "no-", 1), encoding="utf-8", newline="")
    with pytest.raises(ValueError, match="not found in table projects.csv"):
        read_table(tmp_path / GROUP.name).is_valid


def test_a_row_without_its_key_fails_validation(release, tmp_path):
    """An offline user's review: no column was `required`, so a row with an empty id validated (and a processor made
    its statements about a blank node)."""
    for name in ("projects.csv", "projects.csv-metadata.json"):
        shutil.copy(release.path / name, tmp_path / name)
    described = json.loads((tmp_path / "projects.csv-metadata.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in described["tableSchema"]["columns"] if c.get("required")] == ["id"]
    header, first, rest = (tmp_path / "projects.csv").read_bytes().decode("utf-8").split("\r\n", 2)
    first = "," + first.split(",", 1)[1]  # the first project without its id
    (tmp_path / "projects.csv").write_text("\r\n".join((header, first, rest)), encoding="utf-8", newline="")
    csvw = read_table(tmp_path / "projects.csv-metadata.json")
    assert not csvw.is_valid and any("required column value is missing" in str(w.message) for w in csvw.warnings)


def term(value) -> str:
    """A term (rdflib's or pyoxigraph's) as RDF compares it, in N-Triples: an IRI by its characters (`lübeck` and
    `l%C3%BCbeck` are two IRIs), a literal by lexical form, datatype and language (`"4.00"` and `"4"` are two)."""
    return str(value if isinstance(value, (ox.NamedNode, ox.Literal)) else to_ox(value))


def _fits(column, value, row_values: dict) -> bool:
    """Whether a graph object is of the kind a column holds (so de and en labels, or the state and the district a
    place lies in, are told apart)."""
    value_url = column.inherit("valueUrl")
    if value_url is not None:
        template = value_url.uri
        named = template[2:-1] if template.startswith("{+") and template.endswith("}") else None
        if named and (named != column.name or column.aboutUrl):  # one of several values: the one the row names
            return isinstance(value, ox.NamedNode) and value.value == row_values.get(named)
        return isinstance(value, ox.NamedNode) and value.value.startswith(template.split("{")[0])
    return isinstance(value, ox.Literal) and value.language == language(column)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_csvw_rdf_of_the_rows_equals_the_graph(release, graph_values, table):
    parsed, columns, rows = rows_of(release.path / table.metadata_name)
    sample = sampled(rows)
    mapped = [c for c in columns.values() if not c.suppressOutput]
    checked = 0
    for number, row, strings in sample:
        texts = {k: (None if v is None else str(v)) for k, v in row.items()}
        for column in mapped:
            s, p = subject(parsed, column, row, number), predicate(parsed, column, row, number)
            expected = {term(o) for o in graph_values(table.graph, s, p) if _fits(column, o, texts)}
            value = row[column.name]
            given = set() if value in (None, "") else {term(cell_object(parsed, column, row, number, strings[column.name]))}
            assert given == expected, f"{table.name} row {number} column {column.name}: {given} != {expected}"
            checked += len(given)
    assert checked > len(sample)  # the tables do map cells to RDF


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_a_property_the_rows_give_iris_of_has_no_other_iri(release, graph_values, table):
    """Where a row's columns give IRIs of one subject and property, they give all the graph has: the check above
    takes each column's own kind (a body's state, its district), so an IRI of a kind no column has went unseen."""
    parsed, columns, rows = rows_of(release.path / table.metadata_name)
    given = collections.defaultdict(set)
    for number, row, strings in sampled(rows):
        for column in (c for c in columns.values() if c.inherit("valueUrl") is not None and strings[c.name]):
            s, p = subject(parsed, column, row, number), predicate(parsed, column, row, number)
            given[s, p].add(term(cell_object(parsed, column, row, number, strings[column.name])))
    for (s, p), iris in given.items():
        left_out = {term(o) for o in graph_values(table.graph, s, p) if isinstance(o, ox.NamedNode)} - iris
        assert not left_out, f"{table.name}: {s} {p}"


def sampled(rows: list) -> list:
    """All rows of a small table; of the large municipalities table, every 97th and the last."""
    return rows if len(rows) < 1000 else rows[::SAMPLE_EVERY] + rows[-1:]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_uri_templates_give_the_cells_iris_unchanged(release, table):
    """Every row, also those the sample above leaves out: a template expands to its text with the cell put in
    as written. RFC 6570 percent-encodes what a URI may not hold (non-ASCII; with `{x}`, also `/` or `:`), and
    RDF compares IRIs by their characters, so such a cell would give another IRI than the graph's."""
    parsed, columns, rows = rows_of(release.path / table.metadata_name)
    templates = {name: [t for t in (c.aboutUrl or parsed.tableSchema.aboutUrl, c.valueUrl) if t is not None]
                 for name, c in columns.items() if not c.suppressOutput}
    expansions = {}  # each template and text once: the 10,751 municipalities share their keys
    for number, row, strings in rows:
        for template in (t for name, ts in templates.items() if strings[name] for t in ts):
            written = re.sub(r"\{\+?(\w+)\}", lambda m: strings[m[1]], template.uri)
            expansions.setdefault((template.uri, written), (template, number, row))
    for (_, written), (template, number, row) in expansions.items():
        assert parsed.expand(template, row, _row=number) == written, f"{table.name} row {number}: {written}"


def test_every_table_is_in_the_release_checksums_and_manifest(release):
    sums = read_checksums(release.path)
    names = {entry["name"] for entry in release.files}
    for table in TABLES:
        assert {table.name, table.metadata_name} <= names and {table.name, table.metadata_name} <= set(sums)
    assert GROUP.name in names and GROUP.name in sums


def test_exports_are_served_with_their_metadata_next_to_them(base_url):
    with urllib.request.urlopen(base_url + "exports/projects.csv") as answer:
        assert answer.headers.get_content_type() == "text/csv"
        assert answer.read().startswith(b"id,label_de,")
    for metadata in ("projects.csv-metadata.json", GROUP.name):
        with urllib.request.urlopen(base_url + "exports/" + metadata) as answer:
            assert answer.headers.get_content_type() == "application/csvm+json"
    with urllib.request.urlopen(base_url + "exports/") as answer:
        page = answer.read().decode()
    assert all(f'href="{base_url}exports/{t.name}"' in page for t in TABLES)
    with pytest.raises(urllib.error.HTTPError) as refused:  # the RDF dumps stay under /dumps/ only
        urllib.request.urlopen(base_url + "exports/mpsc.ttl")
    assert refused.value.code == 404


def test_the_tables_page_explains_every_column_and_how_to_open_the_files_in_a_spreadsheet(base_url):
    """A spreadsheet user's review: a spreadsheet shows only the header names, and what each column means (which
    amount to sum, which columns hold keys with leading zeros) was said only in the CSVW JSON; a German
    spreadsheet opens the files wrongly by a double click, which no page said; and no page linked /exports/."""
    for lang, other in (("de", "en"), ("en", "de")):
        with urllib.request.urlopen(f"{base_url}exports/?lang={lang}") as answer:
            page = answer.read().decode()
        assert 'id="spreadsheets"' in page and "65001" in page and "UTF-8" in page
        for table in TABLES:
            section = html.unescape(page.split(f'id="columns-{table.name}"', 1)[1].split("</details>", 1)[0])
            for column in table.columns:
                assert f"<code>{column.name}</code></th><td>{getattr(column, lang)}</td>" in section
                if column.note:  # written in English: so marked on a German page
                    marked = ' lang="en"' if lang == "de" else ""
                    assert f"{marked}>{column.note}</td>" in section, column.name
    for path in ("", "dumps/"):  # the landing page's tiles and the downloads link to it, as every footer does
        with urllib.request.urlopen(base_url + path) as answer:
            assert answer.read().decode().count(f'href="{base_url}exports/"') == 2, path


def test_memberships_are_of_cooperations_and_every_body_takes_part_in_a_project(release, release_store):
    """Found by a review of the dumps: the coordination office's consortium (an organisation with firms as members)
    gave memberships.csv a cooperation "KTS" and bodies.csv eleven rows that take part in no project."""
    with open(release.path / "memberships.csv", encoding="utf-8", newline="") as handle:
        memberships = list(csv.DictReader(handle))
    cooperations = {s["c"].value for s in release_store.query(
        "SELECT ?c WHERE { ?c a <https://w3id.org/mpsc/ontology#Cooperation> }")}
    assert memberships and {row["cooperation"] for row in memberships} == cooperations
    asked = release_store.query("""SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/mpsc/ontology#Cooperation> ;
        <http://www.w3.org/ns/org#hasMember> ?m }""")
    assert len(memberships) == int(next(asked)["n"].value)
    # the lead's confidence beside it (the graph's {cooperation}#lead statement), on the lead member's row only
    leads = {(row["cooperation"].rsplit("/", 1)[-1], row["member"].rsplit("/", 1)[-1]): row["lead_confidence"]
             for row in memberships if row["lead"] == "true"}
    assert leads[("5-fuer-suedwestfalen", "05958004")] == "single-source"  # Arnsberg: one source names it
    assert leads[("connected-urban-twins", "02000000")] == "confirmed"
    assert all(row["lead_confidence"] == "" for row in memberships if row["lead"] != "true")
    with open(release.path / "bodies.csv", encoding="utf-8", newline="") as handle:
        assert all(row["projects"] for row in csv.DictReader(handle))


def test_the_projects_leading_figures_add_up_as_funding_by_round_sums_them(release, release_store):
    """A data wrangler's review: summing projects.csv's headline amounts per round (of mixed kinds, 43 projects
    without one) gave 196.6 Mio for 2020 where the example query gives 212.1 Mio of federal grants."""
    with open(release.path / "projects.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = collections.defaultdict(float)
    for row in rows:
        for column, kind in (("federal_grant", "federal grant"), ("total_volume", "total project volume")):
            if row[column]:
                table[(row["round"].rsplit("/", 1)[-1], kind)] += float(row[column])
    query = Path(__file__).resolve().parent.parent / "queries" / "funding-by-round.rq"
    sums = {(s["year"].value, s["kind"].value): float(s["sum"].value)
            for s in release_store.query(query.read_text(encoding="utf-8"))}
    assert sums and {key: round(value) for key, value in table.items()} == {k: round(v) for k, v in sums.items()}


def test_projects_carry_their_english_labels(release, release_store):
    """An offline user's review: the graph's English labels of projects (26 of them) had no column."""
    with open(release.path / "projects.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    english = {row["id"]: row["label_en"] for row in rows if row["label_en"]}
    stated = {s["p"].value: s["l"].value for s in release_store.query(
        "SELECT ?p ?l WHERE { GRAPH <https://w3id.org/mpsc/graph/programme> { "
        "?p a <https://w3id.org/mpsc/ontology#ModelProject> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        "FILTER(LANG(?l) = 'en') } }")}
    assert english == stated and english["https://w3id.org/mpsc/id/project/connected-urban-twins"].startswith("Hamburg")


def test_the_tables_say_how_sure_each_phase_date_figure_and_measure_is(release, release_store):
    """A researcher's review: 12 uncertain starts, 8 ends, 10 phases, Jena's uncertain grant (summed with the rest)
    and 36 uncertain measures stood in the tables with nothing to tell them apart. Each confidence column gives the
    key of what the graph says: the statement's, the leading figure's, the measure's."""
    prefixes = "PREFIX mpsc: <https://w3id.org/mpsc/ontology#>\n"
    def confidences(pattern: str) -> dict[str, str]:
        return {s["r"].value: s["c"].value.rsplit("/", 1)[-1]
                for s in release_store.query(prefixes + f"SELECT ?r ?c WHERE {{ {pattern} }}")}

    statement = "?r a mpsc:ModelProject BIND(IRI(CONCAT(STR(?r), '#{0}')) AS ?s) ?s mpsc:confidence ?c"
    expected = {column: confidences(statement.format(key)) for column, key in (
        ("phase_confidence", "phase"), ("start_confidence", "start-date"), ("end_confidence", "end-date"),
        ("extended_end_confidence", "extended-end-date"), ("funding_confidence", "funding-amount"))}
    expected["federal_grant_confidence"] = confidences("?r mpsc:federalGrant/mpsc:confidence ?c")
    expected["total_volume_confidence"] = confidences("?r mpsc:totalVolume/mpsc:confidence ?c")
    with open(release.path / "projects.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for column, graph in expected.items():
        assert {row["id"]: row[column] for row in rows if row[column]} == graph, column
    assert "uncertain" in expected["start_confidence"].values() and "uncertain" in expected["federal_grant_confidence"].values()
    with open(release.path / "measures.csv", encoding="utf-8", newline="") as handle:
        measures = {row["id"]: row["confidence"] for row in csv.DictReader(handle)}
    graph = confidences("?r a mpsc:Measure ; mpsc:confidence ?c")
    assert measures == graph and list(graph.values()).count("uncertain") > 10
