"""The changelog of a release: what changed in each content graph since the release served before it.

A resource is an IRI subject, under /id/ together with its #fragment resources (they live in its document). Per named
graph, a resource is added (no statements before), removed (none now) or modified (some statements added or
removed); a modified resource names the properties whose statements changed. The comparison reads back, from
the previous release's dumps, only the graphs whose digest differs from its manifest's (`since`).

Written here: `changes.ttl` in the release (mpsc: terms of ontology 1.3.0), the table of RELEASE-NOTES.md and
the words of adms:versionNotes on the dataset (build/metadata.py); `read` gives web/changelog.py the changelog
back for /changes.
"""
from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from .. import iris, rdfio
from ..namespaces import ID, MPSC, ONTOLOGY_GRAPH, PROGRAMME_GRAPH, REFERENCE_GRAPH
from .release import CHANGES, Release

CONTENT_GRAPHS = (ONTOLOGY_GRAPH, PROGRAMME_GRAPH, REFERENCE_GRAPH)  # the metadata graph changes every release
KINDS = ("added", "removed", "modified")


@dataclass(frozen=True)
class ResourceChange:
    """One resource's change in one graph."""

    resource: str
    graph: str
    kind: str  # one of KINDS
    triples_added: int
    triples_removed: int
    properties: tuple[str, ...]  # whose statements changed, sorted


@dataclass
class Changes:
    """Release `version` compared with release `previous`."""

    previous: str
    version: str
    resources: list[ResourceChange] = field(default_factory=list)

    def count(self, graph: str, kind: str) -> int:
        """How many resources of `graph` were added, removed or modified."""
        return sum(1 for c in self.resources if c.graph == graph and c.kind == kind)

    def triples(self, graph: str) -> tuple[int, int]:
        """Triples added to and removed from `graph`."""
        changes = [c for c in self.resources if c.graph == graph]
        return sum(c.triples_added for c in changes), sum(c.triples_removed for c in changes)


def since(previous: Release, version: str, new: dict[str, list[ox.Triple]], digests: dict[str, str]) -> Changes:
    """The changes from release `previous` to release `version` (`new`: its content graphs' sorted triples,
    `digests`: their `rdfio.digest`). A graph whose digest the previous release's manifest names unchanged is
    neither read nor compared: after an edit of the programme, the reference layer (nine tenths of the triples)
    is skipped."""
    known = previous.manifest.get("digests", {})
    changed = [g for g in CONTENT_GRAPHS if known.get(g) != digests[g]]
    return compare(previous.version, previous_triples(previous, changed), version, {g: new[g] for g in changed})


READABLE = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE)  # the dump formats read back, in this order (JSON-LD is slower)


def previous_triples(release: Release, graphs=CONTENT_GRAPHS) -> dict[str, set[ox.Triple]]:
    """Content graphs of an earlier release, each read from a dump that holds it alone (every release has one
    per content graph, DUMPS), which is smaller than the N-Quads file of everything."""
    found = {}
    for graph in graphs:
        entry = _dump_of(release, graph)
        with (gzip.open if entry.get("compressed") else open)(release.path / entry["name"], "rb") as stream:
            found[graph] = {quad.triple for quad in ox.parse(stream, format=_format(entry))}
    return found


def _dump_of(release: Release, graph: str) -> dict:
    """The manifest entry of the dump that holds `graph` alone, in the first of READABLE's formats it has."""
    dumps = [e for e in release.files if e.get("dump") and e.get("graphs") == [graph] and _format(e) in READABLE]
    if not dumps:
        raise ValueError(f"release {release.version} has no dump of {graph} alone to compare with")
    return min(dumps, key=lambda e: READABLE.index(_format(e)))


def _format(entry: dict) -> ox.RdfFormat | None:
    return ox.RdfFormat.from_media_type(entry.get("content_type") or entry["media_type"])


def compare(previous: str, old: dict[str, set[ox.Triple]], version: str, new: dict[str, list[ox.Triple]]) -> Changes:
    """The changes from the `old` graphs (release `previous`) to the `new` ones (release `version`)."""
    changes = Changes(previous, version)
    for graph in CONTENT_GRAPHS:
        before, after = old.get(graph, set()), set(new.get(graph, ()))
        had, has = ({resource_of(t.subject) for t in triples} for triples in (before, after))
        gone, came = _by_resource(before - after), _by_resource(after - before)
        for resource in sorted(gone.keys() | came.keys()):
            kind = "added" if resource not in had else "removed" if resource not in has else "modified"
            lost, won = gone.get(resource, []), came.get(resource, [])
            properties = sorted({t.predicate.value for t in lost + won}) if kind == "modified" else []
            changes.resources.append(ResourceChange(resource, graph, kind, len(won), len(lost), tuple(properties)))
    return changes


def resource_of(subject: ox.NamedNode) -> str:
    """The resource a subject's statements belong to: a #fragment under /id/ lives in its base's document (as
    the web layer serves it); other hash IRIs, such as the ontology's terms, are resources of their own."""
    iri = subject.value
    return iri.partition("#")[0] if iri.startswith(str(ID)) else iri


def _by_resource(triples) -> dict[str, list[ox.Triple]]:
    grouped: dict[str, list[ox.Triple]] = defaultdict(list)
    for triple in triples:
        grouped[resource_of(triple.subject)].append(triple)
    return grouped


def changes_graph(changes: Changes, modified: str) -> Graph:
    """The changelog as RDF: the changelog, one summary per graph, one node per changed resource."""
    log = iris.changelog(changes.version)
    out = Graph()
    out.add((log, RDF.type, MPSC.Changelog))
    out.add((log, MPSC.fromVersion, Literal(changes.previous)))
    out.add((log, MPSC.toVersion, Literal(changes.version)))
    out.add((log, DCTERMS.created, Literal(modified, datatype=XSD.date)))
    out.add((log, DCTERMS.subject, iris.dataset()))
    out.add((log, RDFS.label, Literal(f"Änderungen in Release {changes.version} seit {changes.previous}", lang="de")))
    out.add((log, RDFS.label, Literal(f"Changes in release {changes.version} since {changes.previous}", lang="en")))
    for graph in CONTENT_GRAPHS:
        node = iris.fragment(log, f"graph-{graph.rsplit('/', 1)[-1]}")
        added, removed = changes.triples(graph)
        out.add((log, MPSC.graphChange, node))
        for p, o in ((RDF.type, MPSC.GraphChange), (MPSC.inGraph, URIRef(graph)),
                     (MPSC.triplesAdded, Literal(added)), (MPSC.triplesRemoved, Literal(removed)),
                     *((MPSC[f"resources{kind.capitalize()}"], Literal(changes.count(graph, kind))) for kind in KINDS)):
            out.add((node, p, o))
    for number, change in enumerate(changes.resources, 1):
        node = iris.fragment(log, f"change-{number}")
        out.add((log, MPSC.change, node))
        for p, o in ((RDF.type, MPSC[f"Resource{change.kind.capitalize()}"]),
                     (MPSC.changedResource, URIRef(change.resource)), (MPSC.inGraph, URIRef(change.graph)),
                     (MPSC.triplesAdded, Literal(change.triples_added)),
                     (MPSC.triplesRemoved, Literal(change.triples_removed)),
                     *((MPSC.changedProperty, URIRef(prop)) for prop in change.properties)):
            out.add((node, p, o))
    return out


def read(release: Release) -> tuple[Changes, list[ox.Triple]] | None:
    """A release's changelog as written by `changes_graph`, and its triples in canonical order; None for a
    first release."""
    path = release.file(CHANGES)
    if path is None or not path.is_file():
        return None
    triples = rdfio.parse_sorted(path.read_bytes(), ox.RdfFormat.TURTLE)
    about: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        about[t.subject.value][t.predicate.value].append(t.object.value)
    log = about[str(iris.changelog(release.version))]
    found = Changes(log[str(MPSC.fromVersion)][0], log[str(MPSC.toVersion)][0])
    kinds = {str(MPSC[f"Resource{kind.capitalize()}"]): kind for kind in KINDS}
    for node in sorted(log[str(MPSC.change)], key=lambda n: int(n.rsplit("-", 1)[1])):
        facts = about[node]
        found.resources.append(ResourceChange(
            facts[str(MPSC.changedResource)][0], facts[str(MPSC.inGraph)][0], kinds[facts[str(RDF.type)][0]],
            int(facts[str(MPSC.triplesAdded)][0]), int(facts[str(MPSC.triplesRemoved)][0]),
            tuple(sorted(facts[str(MPSC.changedProperty)]))))
    return found, triples


GRAPH_NAMES = {ONTOLOGY_GRAPH: ("Ontologie", "ontology"), PROGRAMME_GRAPH: ("Programmdaten", "programme"),
               REFERENCE_GRAPH: ("Referenzdaten", "reference")}
_WORDS = {"de": ("Seit Release {previous}", "{added} neu, {removed} entfernt, {modified} geändert",
                 "keine Änderungen"),
          "en": ("Since release {previous}", "{added} added, {removed} removed, {modified} modified", "no changes")}


def summary(changes: Changes, lang: str) -> str:
    """One sentence per language: per graph, how many resources were added, removed and modified."""
    since, counts, none = _WORDS[lang]
    parts = [f"{GRAPH_NAMES[g][0 if lang == 'de' else 1]}: "
             + counts.format(**{kind: changes.count(g, kind) for kind in KINDS})
             for g in CONTENT_GRAPHS if any(changes.count(g, kind) for kind in KINDS)]
    return since.format(previous=changes.previous) + ": " + ("; ".join(parts) or none) + "."


def notes_section(changes: Changes | None) -> list[str]:
    """The RELEASE-NOTES.md section: a table per graph, or the words for a first release."""
    if changes is None:
        return ["## Changes", "", "The first release in its folder: there is nothing to compare it with.", ""]
    lines = ["## Changes", "", f"Compared with release {changes.previous} (full list: `changes.ttl`, "
             f"and the page /changes/{changes.version}).", "",
             "| graph | resources added | removed | modified | triples added | removed |", "|---|---|---|---|---|---|"]
    for graph in CONTENT_GRAPHS:
        added, removed = changes.triples(graph)
        lines.append(f"| `{graph}` | " + " | ".join(str(changes.count(graph, k)) for k in KINDS)
                     + f" | {added:,} | {removed:,} |")
    return lines + [""]
