"""The changelog between releases: two consecutive builds of modified data, compared by the build
(changes.ttl, RELEASE-NOTES.md, adms:versionNotes in the metadata graph) and shown at /changes."""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from server.build import build
from server.build.changes import CONTENT_GRAPHS, compare, previous_triples, since
from server.build.pipeline import vanished
from server.build.release import Releases, open_release
from server.config import Settings
from server.namespaces import ADMS, MPSC, ONTOLOGY_GRAPH, PROGRAMME_GRAPH, REFERENCE_GRAPH
from server.rdfio import triple_order
from tests.axe import violations
from tests.cdp import Browser
from tests.conftest import make_small_root, serve_app
from tests.sparql_support import fetch
from tests.test_catalog import dcat_ap_de, violations as dcat_violations  # noqa: F401 - dcat_ap_de is a fixture

ID = "https://w3id.org/mpsc/id/"
PROJECT = URIRef(ID + "project/bamberg")
TOPIC = '<https://w3id.org/mpsc/id/topic/{name}> a <http://www.w3.org/2004/02/skos/core#Concept> ; ' \
        '<http://www.w3.org/2004/02/skos/core#prefLabel> "{name}"@de ; <https://w3id.org/mpsc/id/topic/{name}#note> "x" .\n'


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """Release A, then B: Bamberg's English label changed, topic `old` removed, topic `new` added."""
    folder = tmp_path_factory.mktemp("changes")
    root, out = make_small_root(folder), folder / "releases"
    extra, data = root / "data" / "programme" / "extra.ttl", root / "data" / "programme" / "valid.ttl"
    extra.write_text(TOPIC.format(name="old"), encoding="utf-8")
    a = build(root, out)
    data.write_text(data.read_text(encoding="utf-8").replace('"Bamberg"@en', '"Bamberg model project"@en'), encoding="utf-8")
    extra.write_text(TOPIC.format(name="new"), encoding="utf-8")
    b = build(root, out)
    releases = Releases(out)
    return root, out, releases.get(a.version), releases.get(b.version)


def programme(release) -> set:
    """The programme graph of a release, read from its N-Triples dump (not from changes.ttl)."""
    return set(Graph().parse(data=gzip.decompress((release.path / "mpsc.nt.gz").read_bytes()), format="nt"))


def changelog(release) -> Graph:
    return Graph().parse(release.path / "changes.ttl", format="turtle")


def change_of(log: Graph, resource: str):
    node = log.value(None, MPSC.changedResource, URIRef(resource))
    return log.value(node, RDF.type), set(log.objects(node, MPSC.changedProperty))


def test_a_first_release_has_no_changelog(two):
    _, _, a, _ = two
    assert "previous" not in a.manifest and not (a.path / "changes.ttl").exists()
    assert "The first release in its folder" in (a.path / "RELEASE-NOTES.md").read_text(encoding="utf-8")


def test_the_changelog_names_each_resource_added_removed_and_modified(two):
    _, _, a, b = two
    log = changelog(b)
    assert b.manifest["previous"] == a.version and b.version != a.version
    assert change_of(log, ID + "topic/new") == (MPSC.ResourceAdded, set())
    assert change_of(log, ID + "topic/old") == (MPSC.ResourceRemoved, set())
    assert change_of(log, str(PROJECT)) == (MPSC.ResourceModified, {RDFS.label})
    assert len(set(log.subjects(MPSC.changedResource, None))) == 3  # #note fragments belong to their topic


def test_the_build_names_identifiers_it_no_longer_describes(two, tmp_path):
    """Cool URIs don't change: an identifier removed without an entry in retired.csv answers 404, and the build
    says so (topic/new, which B describes, gone in the next). One retired instead stays described, deprecated,
    and is not named."""
    root, out, _, _ = two
    extra = root / "data" / "programme" / "extra.ttl"
    kept = extra.read_text(encoding="utf-8")
    renamed = kept.replace("topic/new>", "topic/newer>")
    try:
        for name, text in (("gone", renamed), ("retired", renamed + f"<{ID}topic/new> <{OWL.deprecated}> true .\n")):
            shutil.copytree(out, tmp_path / name, symlinks=True)
            extra.write_text(text, encoding="utf-8")
            result = subprocess.run([sys.executable, "-m", "server.cli", "build", "--out", str(tmp_path / name)],
                                    capture_output=True, text=True, env={**os.environ, "MPSC_ROOT": str(root)})
            assert result.returncode == 0, result.stderr
            said = "warning: 1 identifier(s) of the previous release are no longer described and not retired"
            if name == "gone":
                assert said in result.stderr and "answer 404: topic/new;" in result.stderr, result.stderr
                assert "retired.csv" in result.stderr
            else:
                assert "warning" not in result.stderr, result.stderr
    finally:
        extra.write_text(kept, encoding="utf-8")


def test_an_identifier_that_leaves_one_graph_but_stays_in_another_has_not_vanished():
    """A review: a body that stops taking part leaves the programme graph but stays in the register's; it answers
    200 still, and retiring it, as the warning would have advised, would make a live page answer 301 or 410."""
    district, gone = ox.NamedNode(ID + "district/01001"), ox.NamedNode(ID + "topic/gone")
    label, part = ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(MPSC.ags))
    kept = ox.Triple(district, label, ox.Literal("Flensburg"))
    old = {PROGRAMME_GRAPH: {ox.Triple(district, part, ox.Literal("x")), ox.Triple(gone, label, ox.Literal("g"))},
           REFERENCE_GRAPH: {kept}}
    new = {PROGRAMME_GRAPH: [], REFERENCE_GRAPH: [kept], ONTOLOGY_GRAPH: []}
    assert vanished(compare("a", old, "b", new), new) == [ID + "topic/gone"]


def test_the_changelog_names_its_licence_in_its_first_lines(two):
    """As every Turtle file of a release (a newcomer's review: changes.ttl was the one without)."""
    _, _, _, b = two
    head = (b.path / "changes.ttl").read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()
    assert len(head) >= 2 and all(line.startswith("# ") for line in head) and "CC BY 4.0" in head[1]
    assert len(changelog(b)) > 0  # still Turtle


def test_the_counts_are_the_differences_of_the_dumps(two):
    _, _, a, b = two
    before, after = programme(a), programme(b)
    log = changelog(b)
    summary = next(s for s in log.subjects(MPSC.inGraph, URIRef(PROGRAMME_GRAPH)) if (s, RDF.type, MPSC.GraphChange) in log)
    assert log.value(summary, MPSC.triplesAdded).toPython() == len(after - before) == 4  # a label, a topic's three
    assert log.value(summary, MPSC.triplesRemoved).toPython() == len(before - after) == 4
    assert [log.value(summary, MPSC[f"resources{k}"]).toPython() for k in ("Added", "Removed", "Modified")] == [1, 1, 1]


def test_notes_and_metadata_sum_the_changes_up(two):
    _, _, a, b = two
    notes = (b.path / "RELEASE-NOTES.md").read_text(encoding="utf-8")
    assert f"Compared with release {a.version}" in notes
    assert f"| `{PROGRAMME_GRAPH}` | 1 | 1 | 1 | 4 | 4 |" in notes
    assert "| `changes.ttl` |" in notes  # the file table names every file of SHA256SUMS (an offline user's review)
    void = Graph().parse(b.path / "void.ttl", format="turtle")
    dataset = URIRef(ID + "dataset")
    assert (dataset, MPSC.changelog, URIRef(f"https://w3id.org/mpsc/changes/{b.version}")) in void
    assert Literal(f"Since release {a.version}: programme: 1 added, 1 removed, 1 modified.", lang="en") \
        in set(void.objects(dataset, ADMS.versionNotes))


def test_a_rebuild_of_the_same_input_is_the_same_release(two):
    root, out, _, b = two
    again = build(root, out)
    assert not again.written and again.version == b.version and Releases(out).current().manifest["previous"] == b.manifest["previous"]


def test_only_the_graphs_whose_digest_changed_are_read_back(two, tmp_path):
    """release.json names each content graph's digest; the next build reads back only the graphs whose digest
    changed, each from the dump that holds it alone: here the previous release keeps nothing else, not even the
    dataset file, and the changes are those found by comparing everything."""
    _, _, a, b = two
    digests = b.manifest["digests"]
    assert set(digests) == set(CONTENT_GRAPHS)
    assert [g for g in CONTENT_GRAPHS if a.manifest["digests"][g] != digests[g]] == [PROGRAMME_GRAPH]
    new = {g: sorted(triples, key=triple_order) for g, triples in previous_triples(b).items()}
    everything = compare(a.version, previous_triples(a), b.version, new)
    shutil.copytree(a.path, tmp_path / "a")
    for entry in a.files:
        if entry.get("graphs") != [PROGRAMME_GRAPH]:
            (tmp_path / "a" / entry["name"]).unlink()
    assert not (tmp_path / "a" / "mpsc-all.nq.gz").exists()
    found = since(open_release(tmp_path / "a"), b.version, new, digests)
    assert found.resources == everything.resources and len(found.resources) == 3
    unnamed = open_release(a.path)
    del unnamed.manifest["digests"]  # a release built before `digests`: every graph is read and compared
    assert since(unnamed, b.version, new, digests).resources == everything.resources


@pytest.fixture(scope="module")
def site(two):
    root, out, _, _ = two
    with serve_app(Settings.from_env(root=root, releases=out)) as url:
        yield url


def test_the_page_lists_the_changes_in_both_languages(two, site):
    _, _, a, b = two
    german = fetch(site + "changes", headers={"Accept": "text/html", "Accept-Language": "de"})
    assert german.status == 200 and german.headers["Content-Language"] == "de"
    page = german.body.decode()
    assert f"gegenüber {a.version}" in page and "Neu (1)" in page and "Entfernt (1)" in page
    assert f'href="{site}doc/project/bamberg"' in page and "<code>rdfs:label</code>" in page
    assert f"<code>{ID}topic/old</code>" in page  # removed: named, not linked
    english = fetch(site + f"changes/{b.version}", headers={"Accept": "text/html"}, lang="en").body.decode()
    assert f"since {a.version}" in english and "Modified (1)" in english
    first = fetch(site + f"changes/{a.version}", headers={"Accept": "text/html"}, lang="en").body.decode()
    assert "the first in its folder" in first


def test_the_changelog_is_rdf_in_every_format(two, site):
    _, _, a, b = two
    expected = changelog(b)
    turtle = fetch(site + "changes", headers={"Accept": "text/turtle"})
    assert turtle.status == 200 and "Accept" in turtle.headers["Vary"]
    assert set(Graph().parse(data=turtle.body, format="turtle")) == set(expected)
    for extension, parser in (("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")):
        answer = fetch(site + f"changes/{b.version}.{extension}")
        assert answer.status == 200, extension
        assert len(Graph().parse(data=answer.body, format=parser)) == len(expected), extension
    assert turtle.headers["Content-Location"] == f"{site}changes/{b.version}.ttl"
    assert fetch(site + "dumps/changes.ttl").body == (b.path / "changes.ttl").read_bytes()
    assert fetch(site + f"changes/{a.version}.ttl").status == 404  # a first release has no changelog
    assert fetch(site + "changes/000000000000", headers={"Accept": "text/html"}).status == 404
    assert fetch(site + f"changes/{b.version}.exe").status == 404


def test_the_catalogue_with_version_notes_passes_govdatas_shapes(site, dcat_ap_de):
    catalog = Graph().parse(data=fetch(site + "catalog", headers={"Accept": "text/turtle"}).body, format="turtle")
    assert set(catalog.objects(URIRef(ID + "dataset"), ADMS.versionNotes))
    assert dcat_violations(catalog, dcat_ap_de) == []


@pytest.mark.browser
def test_the_page_passes_axe(site):
    with Browser(width=1280, height=900) as browser:
        browser.open(site + "changes?lang=en")
        assert violations(browser) == [] and browser.errors == []


def test_a_mirror_reaches_the_next_release_by_the_changelog_as_readme_says(two, site):
    """A mirror operator's review: README said what the changelog holds, not how to apply it. The procedure it now
    gives (README, "Keeping a copy in sync"): per resource the changelog names in a graph, that graph's triples about
    it and its `#` parts, replaced by what a CONSTRUCT over that graph returns; the result is the next release's
    graph, and its digest the one release.json names."""
    _, _, a, b = two
    mirror = programme(a)
    log = changelog(b)
    for node in log.subjects(MPSC.changedResource, None):
        if str(log.value(node, MPSC.inGraph)) != str(PROGRAMME_GRAPH):
            continue
        resource = str(log.value(node, MPSC.changedResource))
        mirror = {t for t in mirror if t[0] != URIRef(resource) and not str(t[0]).startswith(resource + "#")}
        query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{PROGRAMME_GRAPH}> {{ ?s ?p ?o "
                 f'FILTER(?s = <{resource}> || STRSTARTS(STR(?s), "{resource}#")) }} }}')
        answer = fetch(site + "sparql", query=query, headers={"Accept": "application/n-triples"})
        mirror |= set(Graph().parse(data=answer.body, format="nt"))
    assert mirror == programme(b)
    written = gzip.decompress((b.path / "mpsc.nt.gz").read_bytes())
    assert hashlib.sha256(written).hexdigest() == b.manifest["digests"][str(PROGRAMME_GRAPH)]
