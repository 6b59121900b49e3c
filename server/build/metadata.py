"""The generated half of the dataset description: VoID statistics and one DCAT distribution per file.

The hand-written half (titles, publisher, licences, provenance of each graph) is `data/metadata/`.
Statistics follow VoID's own pattern for coverage: a class partition per class with one property
partition per property, whose `void:distinctSubjects` over the class's `void:entities` is the share
of resources that have the property. `mpsc stats` prints exactly these numbers.
"""
from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, VOID, XSD

from . import changes
from .licences import LICENCES
from .. import iris
from ..formats import GZIP_MEDIA_TYPE
from ..rdfio import RDF_TYPE, from_ox
from ..namespaces import ADMS, DCAT_VERSION, DCATDE, MPSC, PROGRAMME_GRAPH, REFERENCE_GRAPH, compact
from ..prefixes import PREFIXES

DATASET = iris.dataset()

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "http://www.iana.org/assignments/media-types/"


def add_counts(meta: Graph, part: URIRef, triples: int, counted: tuple[set, set, set, set], space: str) -> None:
    """VoID's counts of `part`, a named graph or the dataset (VoID §4.6), from its number of triples and its
    distinct subjects, objects, properties and classes (`counted`, as `add_statistics` gathers them); its entities
    are its subjects in the dataset's void:uriSpace `space` (a LOD Cloud reviewer's review: only triples and
    subjects were given, and LOD catalogues show the others)."""
    subjects, objects, properties, classes = counted
    entities = sum(1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(space))
    for prop, count in ((VOID.triples, triples), (VOID.distinctSubjects, len(subjects)),
                        (VOID.distinctObjects, len(objects)), (VOID.properties, len(properties)),
                        (VOID.classes, len(classes)), (VOID.entities, entities)):
        meta.add((part, prop, Literal(count)))


def add_statistics(meta: Graph, subset: URIRef, triples: list[ox.Triple], space: str) -> tuple[set, set, set, set]:
    """The counts (`add_counts`) and per-class/per-property counts of one named graph, in one pass over its
    pyoxigraph triples (faster than the same counts through rdflib's indexes; benchmarks/build_parts.py times it);
    returns what it counted, which the dataset's counts unite."""
    predicates, members, objects = defaultdict(set), defaultdict(set), set()
    for s, p, o in triples:
        predicates[s].add(p)
        objects.add(o)
        if p.value == RDF_TYPE:
            members[o].add(s)
    counted = (set(predicates), objects, set().union(*predicates.values()), set(members))
    add_counts(meta, subset, len(triples), counted, space)
    for cls, subjects in sorted(members.items(), key=lambda item: item[0].value):
        name = compact(cls.value, "-")
        if name is None:
            continue
        partition = iris.class_partition(subset, name)
        meta.add((subset, VOID.classPartition, partition))
        _label(meta, partition, subset, {"de": f"Klasse {compact(cls.value)}", "en": f"class {compact(cls.value)}"})
        meta.add((partition, VOID["class"], from_ox(cls)))
        meta.add((partition, VOID.entities, Literal(len(subjects))))
        for prop, count in _property_counts(predicates, subjects):
            prop_name = compact(prop.value, "-")
            if prop_name is None:
                continue
            pp = iris.property_partition(partition, prop_name)
            meta.add((partition, VOID.propertyPartition, pp))
            _label(meta, pp, subset, {"de": f"Klasse {compact(cls.value)}, Eigenschaft {compact(prop.value)}",
                                      "en": f"class {compact(cls.value)}, property {compact(prop.value)}"})
            meta.add((pp, VOID.property, from_ox(prop)))
            meta.add((pp, VOID.distinctSubjects, Literal(count)))
    return counted


def add_linksets(meta: Graph, subset: URIRef, triples: list[ox.Triple], targets: dict[str, tuple[URIRef, str]]) -> None:
    """One VoID linkset (VoID §4) per property by which the graph `subset` links into another dataset: a target
    is described in data/metadata/ with its void:uriSpace (`link_targets`), and a link is a triple whose object
    IRI lies in it."""
    if not targets:
        return
    counts: dict[tuple[str, ox.NamedNode], int] = defaultdict(int)
    names = list(targets)
    # The first target whose space begins the IRI, as one regular expression of the spaces in that order (a Python
    # loop over the targets for each of the reference layer's 180,000 object IRIs was half of the metadata's time).
    space = re.compile("|".join(f"({re.escape(targets[name][1])})" for name in names))
    for _, p, o in triples:
        if isinstance(o, ox.NamedNode):
            found = space.match(o.value)
            if found is not None:
                counts[names[found.lastindex - 1], p] += 1
    for (target, prop), count in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1].value)):
        name = compact(prop.value, "-")
        if name is None:
            continue
        linkset = iris.linkset(subset, target, name)
        meta.add((subset, VOID.subset, linkset))
        meta.add((linkset, RDF.type, VOID.Linkset))
        _label_linkset(meta, linkset, subset, targets[target][0], compact(prop.value))
        meta.add((linkset, VOID.subjectsTarget, subset))
        meta.add((linkset, VOID.objectsTarget, targets[target][0]))
        meta.add((linkset, VOID.linkPredicate, from_ox(prop)))
        meta.add((linkset, VOID.triples, Literal(count)))


def _label_linkset(meta: Graph, linkset: URIRef, subset: URIRef, target: URIRef, prop: str) -> None:
    """A linkset's label in both languages, from the labels of its graph and its target."""
    into = {lang: next((str(v) for v in meta.objects(target, DCTERMS.title) if v.language == lang), str(target))
            for lang in ("de", "en")}
    _label(meta, linkset, subset, {"de": f"Verknüpfungen: {into['de']} ({prop})", "en": f"links: {into['en']} ({prop})"})


def _label(meta: Graph, part: URIRef, subset: URIRef, words: dict[str, str]) -> None:
    """The label of a part of the graph `subset` (a linkset, a class or property partition) in both languages: the
    graph's label, a comma, `words` (docs/contract.md: every resource with an IRI of its own has one; a linkset's
    page was titled by its IRI, an accessibility review, and so were the partitions')."""
    for lang, text in words.items():
        graph = next((str(v) for v in meta.objects(subset, RDFS.label) if v.language == lang), str(subset))
        meta.add((part, RDFS.label, Literal(f"{graph}, {text}", lang=lang)))


def link_targets(static: Graph) -> dict[str, tuple[URIRef, str]]:
    """The other datasets the graphs link into, by their dcterms:identifier: (IRI, void:uriSpace) of each."""
    return {str(name): (target, str(space)) for target, space in static.subject_objects(VOID.uriSpace)
            if target != DATASET for name in static.objects(target, DCTERMS.identifier)}


def add_vocabularies(meta: Graph, ordered: dict[str, list[ox.Triple]]) -> None:
    """void:vocabulary for each well-known vocabulary (server/prefixes.py) whose properties or classes the
    content graphs use."""
    used = {t.predicate.value for triples in ordered.values() for t in triples}
    used |= {t.object.value for triples in ordered.values() for t in triples if t.predicate.value == RDF_TYPE}
    for namespace in sorted({ns for ns in PREFIXES.values() for term in used if term.startswith(ns)}):
        meta.add((DATASET, VOID.vocabulary, URIRef(namespace)))


def _property_counts(predicates: dict, subjects: set) -> list[tuple[ox.NamedNode, int]]:
    """How many of `subjects` have each predicate (`predicates`: subject → its predicates)."""
    counts = defaultdict(int)
    for s in subjects:
        for p in predicates[s]:
            counts[p] += 1
    return sorted(counts.items(), key=lambda item: item[0].value)


def add_distribution(meta: Graph, entry: dict, version: str, modified: str) -> None:
    """One release file as dcat:Distribution (DCAT-AP.de) and as void:dataDump.

    The download URL names the version, because size and date describe that version's file;
    the access URL is the dumps page, which always offers the current release.
    """
    dist = iris.distribution(entry["name"])
    url = iris.download(version, entry["name"])
    meta.add((DATASET, DCAT.distribution, dist))
    if entry.get("dump"):
        meta.add((DATASET, VOID.dataDump, url))
    meta.add((dist, RDF.type, DCAT.Distribution))
    for lang in ("de", "en"):  # the label, as every resource has one (docs/contract.md), is the title
        for prop in (DCTERMS.title, RDFS.label):
            meta.add((dist, prop, Literal(entry[f"title_{lang}"], lang=lang)))
    meta.add((dist, DCAT.accessURL, iris.downloads()))
    meta.add((dist, DCAT.downloadURL, url))
    # DCAT: the media type of the payload; a gzip wrapper is stated by dcat:compressFormat.
    meta.add((dist, DCAT.mediaType, URIRef(IANA + entry.get("content_type", entry["media_type"]))))
    meta.add((dist, DCTERMS.format, URIRef(EU_FILE_TYPE + entry["file_type"])))
    meta.add((dist, DCTERMS.license, URIRef(LICENCES[entry["licence"]].dcat_ap_de)))
    meta.add((dist, DCTERMS.modified, Literal(entry.get("modified", modified), datatype=XSD.date)))  # its file's
    add_attributions(meta, dist, map(URIRef, entry["graphs"]))
    if entry.get("compressed"):
        meta.add((dist, DCAT.compressFormat, URIRef(IANA + GZIP_MEDIA_TYPE)))
    if "bytes" in entry:
        meta.add((dist, DCAT.byteSize, Literal(entry["bytes"], datatype=XSD.decimal)))


def add_endpoint_distribution(meta: Graph, modified: str) -> None:
    """The SPARQL endpoint's distribution (data/metadata/dataset.ttl) gets the release date and, since it
    serves every graph, the attribution of each (dl-de/by asks for it wherever the data goes)."""
    dist = iris.distribution("sparql")
    meta.add((dist, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    add_attributions(meta, dist, list(meta.objects(DATASET, VOID.subset)))


def add_attributions(meta: Graph, dist: URIRef, graphs) -> None:
    """The attributions of `graphs` on a distribution of them: dl-de/by asks for it with every copy. One that
    another of its language already says is left out: the publisher's alone and the reference graph's Destatis
    line are both within the programme graph's."""
    texts = {text for graph in graphs for text in meta.objects(graph, DCATDE.licenseAttributionByText)}
    for text in texts:
        if not any(text != other and text.language == other.language and str(text) in str(other) for other in texts):
            meta.add((dist, DCATDE.licenseAttributionByText, text))


def add_spatial(meta: Graph, graphs: dict[str, Graph]) -> None:
    """The dataset's spatial coverage as GovData's spatial facets read it (dcatde:politicalGeocodingURI): every
    state, since the register covers all of Germany, and every body the programme graph describes (grantees,
    cooperation members and the places they lie in), each by its entries in the political geocoding lists."""
    reference, programme = graphs.get(REFERENCE_GRAPH, Graph()), graphs.get(PROGRAMME_GRAPH, Graph())
    states = {s for s in reference.subjects(RDF.type, MPSC.State)}
    for place in states:
        for entry in reference.objects(place, MPSC.politicalGeocoding):
            meta.add((DATASET, DCATDE.politicalGeocodingURI, entry))
    for entry in programme.objects(None, MPSC.politicalGeocoding):
        meta.add((DATASET, DCATDE.politicalGeocodingURI, entry))


def add_changes(meta: Graph, found: changes.Changes) -> None:
    """The changes since the previous release: a summary in words (DCAT-AP's adms:versionNotes) and the
    changelog document with every changed resource (mpsc:changelog, a kind of rdfs:seeAlso)."""
    for lang in ("de", "en"):
        meta.add((DATASET, ADMS.versionNotes, Literal(changes.summary(found, lang), lang=lang)))
    meta.add((DATASET, MPSC.changelog, iris.changelog(found.version)))


def release_metadata(static: Graph, graphs: dict[str, Graph], ordered: dict[str, list[ox.Triple]], version: str,
                     modified: str, files: list[dict], found: changes.Changes | None = None) -> Graph:
    """The metadata graph of a release: the static description plus version, dates, counts, files, changes.
    `graphs` are the content graphs and `ordered` their triples in canonical order (rdfio.sorted_triples)."""
    meta = Graph()
    for triple in static:
        meta.add(triple)
    meta.add((DATASET, OWL.versionInfo, Literal(version)))  # what replicas read, and DCAT-AP.de 2.0's version
    meta.add((DATASET, DCAT_VERSION, Literal(version)))  # DCAT 3's, which DCAT-AP.de 3.0 asks for instead
    meta.add((DATASET, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    meta.add((iris.catalog(), DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    # The dataset is the merge of its graphs: triples held by two graphs count once.
    space, targets, counted = str(static.value(DATASET, VOID.uriSpace)), link_targets(static), []
    for name, triples in sorted(ordered.items()):
        counted.append(add_statistics(meta, URIRef(name), triples, space))
        add_linksets(meta, URIRef(name), triples, targets)
    merged = len(set().union(*ordered.values()))
    add_counts(meta, DATASET, merged, tuple(set().union(*column) for column in zip(*counted)), space)
    add_vocabularies(meta, ordered)
    add_spatial(meta, graphs)
    for entry in files:
        add_distribution(meta, entry, version, modified)
    add_endpoint_distribution(meta, modified)
    if found is not None:
        add_changes(meta, found)
    return meta
