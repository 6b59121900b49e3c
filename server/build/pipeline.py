"""The build pipeline: ontology/ + data/ -> merged named graphs -> SHACL validation -> metadata -> a release.

Functions over paths and graphs, no web framework; `build()` runs them in three processes (build/background.py),
reads the date from git or SOURCE_DATE_EPOCH, and keeps the input graphs from the garbage collector. `mpsc build`
is a thin wrapper around `build()`.
"""
from __future__ import annotations

import gc
import hashlib
import importlib.metadata
import json
import os
import sqlite3
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .. import formats, iris, rdfio
from . import changes, exports, metadata, notes, ontology_versions, search_index, validation
from .background import Background, Claim
from .licences import LICENCES
from ..errors import ReleaseCorrupt
from ..namespaces import DCATDE, ID, METADATA_GRAPH, ONTOLOGY_GRAPH, PROGRAMME_GRAPH, REFERENCE_GRAPH
from .release import (CHANGES, CHECKSUMS, DATASET_FILE, MANIFEST, NOTES, PROGRAMME_DUMP, SEARCH_INDEX, Release,
                      Releases, checksums_file, repair_advice, sha256, write_release)

ONTOLOGY, PROGRAMME, REFERENCE, METADATA = ONTOLOGY_GRAPH, PROGRAMME_GRAPH, REFERENCE_GRAPH, METADATA_GRAPH
# Which folder feeds which named graph.
SOURCES = {ONTOLOGY: "ontology", PROGRAMME: "data/programme", REFERENCE: "data/reference", METADATA: "data/metadata"}
CONTENT = (ONTOLOGY, PROGRAMME, REFERENCE)  # the graphs of the data, which the metadata graph describes


@dataclass(frozen=True)
class Dump:
    """One downloadable serialisation of one or more named graphs."""

    name: str
    graphs: tuple[str, ...]
    fmt: formats.Format
    licence: str
    title_de: str
    title_en: str

    @property
    def compressed(self) -> bool:
        return self.name.endswith(".gz")


DUMPS = (
    Dump("mpsc.ttl", (PROGRAMME,), formats.TURTLE, "cc-by-4.0",
         "Programmdaten (Turtle)", "Programme data (Turtle)"),
    Dump(PROGRAMME_DUMP, (PROGRAMME,), formats.NTRIPLES, "cc-by-4.0",
         "Programmdaten (N-Triples, gzip)", "Programme data (N-Triples, gzip)"),
    Dump("mpsc.jsonld", (PROGRAMME,), formats.JSONLD, "cc-by-4.0",
         "Programmdaten (JSON-LD)", "Programme data (JSON-LD)"),
    Dump("reference.ttl", (REFERENCE,), formats.TURTLE, "dl-by-de-2.0",
         "Referenzdaten Gemeindeverzeichnis (Turtle)", "Reference data, municipal register (Turtle)"),
    Dump("reference.nt.gz", (REFERENCE,), formats.NTRIPLES, "dl-by-de-2.0",
         "Referenzdaten Gemeindeverzeichnis (N-Triples, gzip)", "Reference data, municipal register (N-Triples, gzip)"),
    Dump(ontology_versions.CURRENT_FILE, (ONTOLOGY,), formats.TURTLE, "cc-by-4.0",
         "Vokabular (OWL, Turtle)", "Vocabulary (OWL, Turtle)"),
)
VOID_FILE = Dump("void.ttl", (METADATA,), formats.TURTLE, "cc-by-4.0",
                 "Beschreibung des Datensatzes (VoID, DCAT)", "Dataset description (VoID, DCAT)")
# The changelog (build/changes.py): a file of the release the catalogue does not list; Turtle with the header, whose
# attribution is the programme graph's, whose licence it has.
CHANGES_FILE = Dump(CHANGES, (PROGRAMME,), formats.TURTLE, "cc-by-4.0", "Änderungen seit dem vorigen Release (Turtle)",
                    "Changes since the previous release (Turtle)")
# Every named graph plus their merge as the default graph: what stores load (see rdfio.nquads_sorted).
ALL_FILE = Dump(DATASET_FILE, (ONTOLOGY, PROGRAMME, REFERENCE, METADATA), formats.NQUADS, "dl-by-de-2.0",
                "Alle Graphen und ihre Vereinigung als Standardgraph (N-Quads, gzip)",
                "All named graphs and their merge as default graph (N-Quads, gzip)")


class BuildError(Exception):
    """A build that must not produce a release; `report` is the text to show the user."""

    def __init__(self, summary: str, report: str = ""):
        super().__init__(summary)
        self.report = report


@dataclass
class BuildResult:
    version: str
    path: Path
    triples: dict[str, int]
    seconds: float
    validation: validation.ValidationResult
    written: bool = True  # False: the current release was built from the same input and is kept as it is
    vanished: list[str] = field(default_factory=list)  # `vanished`: identifiers the previous release had, unretired
    unversioned: str | None = None  # the version a changed ontology still calls itself by (`unchanged_version`)


def parse_file(path: Path, root: Path) -> list[ox.Triple]:
    """One Turtle file's triples (pyoxigraph); a syntax error names file, line and column."""
    try:
        return [quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    except SyntaxError as error:
        name = os.path.relpath(path, root)
        where = f"{name}:{error.lineno}:{error.offset}" if error.lineno else name
        raise BuildError(f"{where}: {error.msg}") from None


def add_triples(graph: Graph, triples: list[ox.Triple]) -> list[ox.Triple]:
    """Add pyoxigraph triples to an rdflib graph, each term converted once (`rdfio.converting`), straight into its
    store (Graph.add's checks are for terms of any origin: a sixth of the time for the reference layer). Returns
    the triples as the graph holds them: rdflib keeps some typed literals in canonical form ("01"^^xsd:integer as
    "1"), and the files must say what was validated."""
    term, add, held = rdfio.converting(rdfio.from_ox), graph.store.add, []
    for triple in triples:
        s, p, o = term(triple.subject), term(triple.predicate), term(triple.object)
        add((s, p, o), graph, False)
        if isinstance(o, Literal) and str(o) != triple.object.value:
            triple = ox.Triple(triple.subject, triple.predicate, rdfio.to_ox(o))
        held.append(triple)
    return held


def read_file(path: Path, root: Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file into `graph` (rdflib's context-free store by default: a third faster here)."""
    graph = Graph(store="SimpleMemory") if graph is None else graph
    add_triples(graph, parse_file(path, root))
    return graph


def parse_inputs(root: Path) -> dict[str, list[ox.Triple]]:
    """The input files' triples keyed by named-graph IRI, in the order of the files (pyoxigraph). A missing or empty
    input folder is an error, so a build run outside a checkout cannot publish an empty release."""
    parsed = {name: [t for path in sorted((root / folder).glob("*.ttl")) for t in parse_file(path, root)]
              for name, folder in SOURCES.items()}
    empty = [SOURCES[name] for name, triples in parsed.items() if not triples and name != REFERENCE]
    if empty:
        raise BuildError(f"no data in {', '.join(empty)} under {root}; set MPSC_ROOT to the project folder")
    return parsed


def to_graphs(parsed: dict[str, list[ox.Triple]]) -> tuple[dict[str, Graph], dict[str, list[ox.Triple]]]:
    """Parsed triples (`parse_inputs`) as rdflib graphs and as the pyoxigraph triples these hold (`add_triples`;
    sorting these is half the time of converting the rdflib graphs back)."""
    graphs, held = {}, {}
    for name, triples in parsed.items():
        graphs[name] = Graph(store="SimpleMemory")
        held[name] = add_triples(graphs[name], triples)
    return graphs, held


def read_inputs(root: Path) -> tuple[dict[str, Graph], dict[str, list[ox.Triple]]]:
    """The input graphs keyed by named-graph IRI, and the triples they hold (`parse_inputs`, `to_graphs`)."""
    return to_graphs(parse_inputs(root))


def load_inputs(root: Path) -> dict[str, Graph]:
    """The input graphs keyed by named-graph IRI (`read_inputs`)."""
    return read_inputs(root)[0]


VALIDATION_CACHE = ".validation"  # in the releases folder: findings of unchanged input layers (validation.py)
# The modules (paths relative to the package) whose code decides the bytes of a release.
GENERATORS = ("build/pipeline.py", "build/changes.py", "build/metadata.py", "build/notes.py", "build/release.py",
              "build/licences.py", "build/search_index.py", "build/exports.py", "build/ontology_versions.py",
              "names.py", "rdfio.py", "jsonld.py", "formats.py", "namespaces.py", "prefixes.py", "iris.py",
              "languages.py")
LIBRARIES = ("pyoxigraph", "rdflib")


def generator_fingerprint() -> bytes:
    """What, besides the data, decides a release's bytes: our writer code and the libraries' versions."""
    package = Path(__file__).parent.parent
    code = b"".join((package / name).read_bytes() for name in GENERATORS)
    versions = [importlib.metadata.version(lib) for lib in LIBRARIES] + [sqlite3.sqlite_version]  # sqlite: the index
    return code + " ".join(versions).encode()


def input_key(digests: dict[str, str], modified: str) -> str:
    """The SHA-256 of the input (each graph's `rdfio.digest`, and each earlier version of the ontology's), the date
    and the generator: what decides the data files."""
    digest = hashlib.sha256("".join(f"{name} {digests[name]}\n" for name in sorted(digests)).encode())
    digest.update(modified.encode())
    digest.update(generator_fingerprint())
    return digest.hexdigest()


def content_version(key: str, previous: str | None) -> str:
    """The release version: the first 12 hex digits of the input key, mixed with the previous release's
    version when there is one, since the changelog (changes.ttl) compares with it.

    Same version, same bytes: files under /dumps/{version}/ can be cached as immutable. The date is in
    the files (void.ttl, release.json), so a rebuild on a later day is a new version.
    """
    if previous is None:
        return key[:12]
    return hashlib.sha256(f"{key} {previous}".encode()).hexdigest()[:12]


def damaged(error: ReleaseCorrupt, out_dir: Path) -> BuildError:
    """The build's error for a damaged current release: what is wrong, and how to repair it."""
    return BuildError(f"{error}; {repair_advice(out_dir)}")


def current_release(out_dir: Path) -> Release | None:
    """The current release in `out_dir` (None before the first), one whose manifest cannot be read a BuildError with
    the repair advice. The build asks first: the error had come after ~8 s of work."""
    try:
        return Releases(out_dir).current()
    except ReleaseCorrupt as error:
        raise damaged(error, out_dir) from None


def unchanged(out_dir: Path, key: str) -> Release | None:
    """The current release if it was built from this very input (data, date and generator, `input_key`):
    building again would write the same bytes, so the build stops there. A damaged one is an error."""
    current = current_release(out_dir)
    if current is None or current.manifest.get("input") != key:
        return None
    try:
        current.verify()
    except ReleaseCorrupt as error:
        raise damaged(error, out_dir) from None
    return current


def release_date(root: Path, static: Graph) -> str:
    """The release's modification date, reproducible for the same input.

    SOURCE_DATE_EPOCH (the reproducible-builds convention) wins; else the date of the last commit that changed
    what decides the release's bytes: the input folders (SOURCES; the ontology's earlier versions lie under its
    folder) and the writer code (GENERATORS); else the dataset's hand-written issue date. Not any commit: the
    catalogue's dcterms:modified is the date of the last change of the data and its files, and GovData compares it
    to tell an update (a harvester's review: an edit of README made every distribution "modified").
    """
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), timezone.utc).date().isoformat()
    deciding = sorted({*SOURCES.values(), *(f"server/{name}" for name in GENERATORS)})
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", *deciding], cwd=root,
                             capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    issued = static.value(iris.dataset(), DCTERMS.issued)
    if issued is None:
        raise BuildError("data/metadata/ gives the dataset no dcterms:issued date to fall back on")
    return str(issued)


def shapes_in(folder: Path) -> Path:
    """`folder`, if it holds shapes: without any, every graph conformed to the empty shapes graph, and a build
    outside a checkout published a release no shape had checked, with no word said (a packager's review)."""
    if not any(Path(folder).glob("*.ttl")):
        raise BuildError(f"no SHACL shapes (*.ttl) in {folder}; set MPSC_ROOT to the project folder")
    return folder


def check(graphs: dict[str, Graph], shapes_dir: Path, cache: Path | None = None,
          engine: str = validation.ENGINE) -> validation.ValidationResult:
    """Validate ontology, programme and reference graphs against the shapes, as one graph with `engine`; with a
    cache folder and the build's engine, in layers whose unchanged parts are not checked again (the cache holds
    that engine's findings: validation.validate_layers). `mpsc validate` calls this; the build runs the layers
    apart (`_validated`)."""
    shapes_dir = shapes_in(shapes_dir)
    if cache is not None and engine == validation.ENGINE:
        return validation.validate_layers(graphs[ONTOLOGY], graphs[PROGRAMME], graphs[REFERENCE], shapes_dir, cache)
    union = validation.joined(*(graphs[name] for name in CONTENT))
    return validation.validate(union, validation.load_shapes(shapes_dir), engine)


def _entry(dump: Dump, data: bytes | None, counts: dict[str, int]) -> dict:
    entry = {"name": dump.name, "media_type": dump.fmt.media_type, "file_type": dump.fmt.eu_file_type,
             "licence": dump.licence, "title_de": dump.title_de, "title_en": dump.title_en,
             "graphs": list(dump.graphs), "triples": sum(counts[g] for g in dump.graphs),
             "compressed": dump.compressed, "dump": dump is not VOID_FILE}
    if dump.compressed:
        entry["media_type"] = formats.GZIP_MEDIA_TYPE
        entry["content_type"] = dump.fmt.media_type
    if data is not None:  # files that cannot list their own size: void.ttl and the file containing it
        entry.update(bytes=len(data), sha256=sha256(data))
    return entry


def serialize_dump(dump: Dump, ordered: dict[str, list], meta: Graph) -> bytes:
    """The bytes of one dump file, from each graph's triples in canonical order (Turtle under `terms_header`)."""
    data = dump_content(dump, ordered)
    if dump.fmt is formats.TURTLE:
        data = terms_header(dump, meta) + data
    return rdfio.gzip_bytes(data) if dump.compressed else data


def terms_header(dump: Dump, meta: Graph) -> bytes:
    """Comment lines that open a Turtle dump: what it holds, its licence and the attribution its graphs ask for
    (`meta`, the metadata graph), so that the terms travel with a file downloaded alone (an offline user's review:
    reference.ttl named no licence, and dl-de/by asks for the attribution with every copy). Turtle only: an
    N-Triples dump keeps one line per triple (`zcat mpsc.nt.gz | wc -l`), and JSON-LD has no comments."""
    licence = LICENCES[dump.licence]
    names = " / ".join(dict.fromkeys(licence.named(lang) for lang in ("de", "en")))
    lines = [f"{dump.title_de} / {dump.title_en}", f"Lizenz / Licence: {names}, {licence.url}",
             *(f"Namensnennung / Attribution: {text}" for text in attributions(meta, dump.graphs))]
    return "".join(f"# {line}\n" for line in lines).encode("utf-8") + b"\n"


def attributions(meta: Graph, graphs) -> list[Literal]:
    """The attribution texts the metadata graph `meta` asks for with the data of `graphs`
    (dcatde:licenseAttributionByText), with their languages, sorted."""
    texts = {text for graph in graphs for text in meta.objects(URIRef(graph), DCATDE.licenseAttributionByText)}
    return sorted(texts, key=lambda text: (str(text), text.language or ""))


def dump_content(dump: Dump, ordered: dict[str, list]) -> bytes:
    """A dump's serialisation before any compression (not the dataset file's: `merge_part`, `graphs_part`,
    `metadata_part`)."""
    return rdfio.serialize_sorted(rdfio.merge_sorted(*(ordered[g] for g in dump.graphs)), dump.fmt.ox_format)


def merge_part(ordered: dict[str, list]) -> bytes:
    """The dataset file's first gzip member: the merge of the content graphs (CONTENT), each triple once, as its
    default graph (`rdfio.nquads_sorted` writes that first).

    The dataset file (ALL_FILE) is three gzip members, which every gzip reader reads as one stream (RFC 1952
    §2.2): the first two need no metadata, so they are computed while the metadata is (each by whichever process
    is free first, `Shared`), and only the small third one (`metadata_part`) waits for the metadata."""
    return rdfio.gzip_bytes(rdfio.nquads_sorted({g: ordered[g] for g in CONTENT}, named=False, union_default=True))


def graphs_part(ordered: dict[str, list]) -> bytes:
    """The dataset file's second gzip member: the content graphs as named graphs (see `merge_part`)."""
    return rdfio.gzip_bytes(rdfio.nquads_sorted({g: ordered[g] for g in CONTENT}))


def metadata_part(meta: list, content: set) -> bytes:
    """The dataset file's third gzip member: the metadata graph, and its triples the content graphs do not hold
    (`content`, their merge) added to the default graph, which so stays the merge of all four graphs."""
    data = rdfio.nquads_sorted({METADATA: meta}, union_default=True, exclude=content)
    return rdfio.gzip_bytes(data)


def export_files(graphs: dict[str, Graph]) -> tuple[dict[str, bytes], list[dict]]:
    """The CSV exports and their CSVW metadata (build/exports.py), each table's and the group's that states the
    foreign keys between them, with their manifest entries; the metadata carry the licence and the attribution
    of the table's graph, as a Turtle dump's header does (`terms_header`)."""
    files, entries = {}, []
    for table in exports.TABLES:
        data, rows = table.csv_bytes(graphs[table.graph])
        files[table.name] = data
        files[table.metadata_name] = table.metadata_bytes(LICENCES[table.licence].dcat_ap_de,
                                                          attributions(graphs[METADATA], [table.graph]))
        entries.append({"name": table.name, "media_type": formats.CSV.media_type, "file_type": "CSV",
                        "title_de": f"{table.title_de} (CSV)", "title_en": f"{table.title_en} (CSV)",
                        "licence": table.licence, "graphs": [table.graph], "compressed": False, "dump": False,
                        "rows": rows, "bytes": len(data), "sha256": sha256(data)})
        entries.append(_metadata_entry(table.metadata_name, files[table.metadata_name], table, table.name))
    group = exports.GROUP
    files[group.name] = group.metadata_bytes(LICENCES[group.licence].dcat_ap_de,
                                             attributions(graphs[METADATA], [group.graph]))
    entries.append(_metadata_entry(group.name, files[group.name], group, [t.name for t in group.tables]))
    return files, entries


def _metadata_entry(name: str, data: bytes, owner: exports.Table | exports.Group, describes: str | list) -> dict:
    """The manifest entry of a CSVW metadata file; `owner`, a table or the group, gives titles, licence and graph."""
    return {"name": name, "media_type": formats.CSVW_MEDIA_TYPE, "file_type": "JSON",
            "title_de": f"{owner.title_de} (CSVW-Metadaten)", "title_en": f"{owner.title_en} (CSVW metadata)",
            "licence": owner.licence, "graphs": [owner.graph], "compressed": False, "dump": False,
            "describes": describes, "bytes": len(data), "sha256": sha256(data)}


@dataclass(frozen=True)
class Revision:
    """What names a release besides its data: version, date, input key and the changes since its predecessor."""

    version: str
    modified: str
    key: str
    digests: dict[str, str]  # each content graph's rdfio.digest, for the next release's changelog (changes.since)
    changes: changes.Changes | None
    earlier: dict[str, dict] = field(default_factory=dict)  # the previous release's file entries by name (`dated`)


@dataclass
class Written:
    """What the writer child hands back (`release_files`): its files, the manifest without the dataset file's and
    the search index's entries, the dataset file's metadata member, the metadata graph and the changes."""

    files: dict[str, bytes]
    manifest: dict
    metadata_part: bytes
    meta: Graph
    changes: changes.Changes | None


def dated(entry: dict, earlier: dict[str, dict], modified: str) -> dict:
    """A file's manifest entry with the date its file last changed (`modified`): that of the previous release's
    file of the same name if it had the same bytes, else this release's. The catalogue states it as the
    distribution's dct:modified (a harvester's review: every file was "modified" with every release, and
    harvesters fetched the unchanged 20 MB of the register again each time)."""
    before = earlier.get(entry["name"], {})
    same = "sha256" in entry and before.get("sha256") == entry["sha256"]
    return {**entry, "modified": before.get("modified", modified) if same else modified}


def release_files(graphs: dict[str, Graph], ordered: dict[str, list], revision: Revision) -> Written:
    """The files of a release that the metadata graph describes (dumps, tables, void.ttl) and the changelog; the
    metadata graph is computed from the data files before it is written. `seal` adds the rest."""
    version, modified = revision.version, revision.modified
    counts = {g: len(t) for g, t in ordered.items()}
    files = {dump.name: serialize_dump(dump, ordered, graphs[METADATA]) for dump in DUMPS}
    tables, table_entries = export_files(graphs)
    files.update(tables)
    listed = [dated(entry, revision.earlier, modified)
              for entry in [*(_entry(d, files[d.name], counts) for d in DUMPS), *table_entries]]
    entries = listed + [dated(_entry(d, None, counts), {}, modified) for d in (VOID_FILE, ALL_FILE)]
    content = {g: graphs[g] for g in CONTENT}
    meta = metadata.release_metadata(graphs[METADATA], content, {g: ordered[g] for g in content}, version,
                                     modified, entries, revision.changes)
    ordered = {**ordered, METADATA: rdfio.sorted_triples(meta)}
    counts[METADATA] = len(ordered[METADATA])
    files[VOID_FILE.name] = serialize_dump(VOID_FILE, ordered, graphs[METADATA])
    merged = set().union(*(ordered[g] for g in CONTENT))
    # Three counts, each named where it is shown: the dataset (content graphs, each triple once; VoID's
    # void:triples), the endpoint's default graph (the merge of all four graphs, metadata included), and
    # per file the triples of its graphs (mpsc-all.nq.gz: one quad per triple and named graph).
    manifest = {"version": version, "modified": modified, "triples": len(merged),
                "default_graph": len(merged.union(ordered[METADATA])), "graphs": dict(sorted(counts.items())),
                "files": [*listed, dated(_entry(VOID_FILE, files[VOID_FILE.name], counts), {}, modified)],
                # `seal` adds ALL_FILE
                "search": None,  # `seal`
                "input": revision.key, "digests": revision.digests}
    if revision.changes is not None:
        files[CHANGES] = terms_header(CHANGES_FILE, graphs[METADATA]) + rdfio.serialize_sorted(
            rdfio.sorted_triples(changes.changes_graph(revision.changes, modified)), formats.TURTLE.ox_format)
        manifest.update(previous=revision.changes.previous,
                        changes={"name": CHANGES, "resources": len(revision.changes.resources),
                                 "bytes": len(files[CHANGES]), "sha256": sha256(files[CHANGES])})
    return Written(files, manifest, metadata_part(ordered[METADATA], merged), meta, revision.changes)


SHARED_PARTS = {  # name: what computes it from (graphs, ordered); taken in this order
    "index": lambda graphs, ordered: search_index.build_index(graphs),
    "merge": lambda graphs, ordered: merge_part(ordered),
    "graphs": lambda graphs, ordered: graphs_part(ordered),
}


@dataclass
class Shared:
    """The parts of a release that either process may compute, whichever is free first (background.Claim): the
    search index (~2 s) and the dataset file's first two members (~1 s each). Small parts let both processes end
    at about the same time."""

    claims: dict[str, Claim] = field(default_factory=lambda: {name: Claim() for name in SHARED_PARTS})

    def close(self) -> None:
        for claim in self.claims.values():
            claim.close()

    def take(self, graphs: dict[str, Graph], ordered: dict[str, list]) -> dict:
        """The parts this process claimed, by name."""
        return {name: SHARED_PARTS[name](graphs, ordered) for name, claim in self.claims.items() if claim.take()}


def dataset_file_entry(data: bytes, manifest: dict) -> dict:
    """The dataset file's entry: it counts `quads`, not triples, each triple once per named graph and once more in
    the default graph (the merge), which is what `zcat mpsc-all.nq.gz | wc -l` shows its reader."""
    entry = _entry(ALL_FILE, data, manifest["graphs"])
    triples = entry.pop("triples")
    return dated({**entry, "quads": triples + manifest["default_graph"]}, {}, manifest["modified"])


def seal(written: Written, graphs: dict[str, Graph], parts: dict, earlier: dict[str, bytes] | None = None
         ) -> dict[str, bytes]:
    """A release's files: the writer's, the dataset file (its three members), the search index (`parts`, see
    SHARED_PARTS; `search_index.build_index` gives its bytes and entries), the `earlier` versions of the ontology
    (build/ontology_versions.py), RELEASE-NOTES.md, the manifest naming them all, and SHA256SUMS over all."""
    manifest, (data, indexed) = written.manifest, parts["index"]
    earlier = earlier or {}
    files = {**written.files, ALL_FILE.name: parts["merge"] + parts["graphs"] + written.metadata_part,
             SEARCH_INDEX: data, **{ontology_versions.file_name(v): d for v, d in earlier.items()}}
    manifest = {**manifest, "files": [*manifest["files"], dataset_file_entry(files[ALL_FILE.name], manifest)],
                "ontology_versions": {v: ontology_versions.file_name(v) for v in sorted(earlier)},
                "search": {"name": SEARCH_INDEX, "entries": indexed, "bytes": len(data), "sha256": sha256(data)}}
    # The notes list every file SHA256SUMS lists but those about the release: the search index holds register
    # names (dl-de/by), the changelog names resources and counts (CC BY), earlier ontologies are our vocabulary.
    changelog = [{**manifest["changes"], "licence": "cc-by-4.0"}] if "changes" in manifest else []
    listed = [*manifest["files"], {**manifest["search"], "licence": "dl-by-de-2.0"}, *changelog,
              *({"name": ontology_versions.file_name(v), "bytes": len(d), "sha256": sha256(d), "licence": "cc-by-4.0"}
                for v, d in sorted(earlier.items()))]
    files[NOTES] = notes.release_notes(manifest["version"], manifest["modified"], {g: graphs[g] for g in CONTENT},
                                       written.meta, listed, written.changes).encode()
    files[MANIFEST] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    files[CHECKSUMS] = checksums_file(files)
    return files


@contextmanager
def long_lived(freeze: bool = True):
    """Make the objects that live as long as the build (the input graphs) without Python's cyclic garbage
    collector, and then, with `freeze`, keep everything the process holds out of its sight (`gc.freeze`). Its full
    collections walked the graphs' millions of objects again and again, while they were made and after: 1.5 to
    2.5 s of CPU in a fresh build (`benchmarks/build_parts.py` times whole builds with and without). Frozen objects
    are still freed once nothing refers to them; `build` lets the collector see them again at its end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def writable(out_dir: Path) -> None:
    """OSError unless a release can be written under `out_dir` (made if missing): the same the release's writing
    would raise, before the work."""
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as error:  # named by the folder, not by the random name of the probe (a review)
        raise type(error)(error.errno, error.strerror, str(out_dir)) from None


def build(root: Path, out_dir: Path, shapes_dir: Path | None = None, validate: bool = True) -> BuildResult:
    """`_build`, with the input graphs out of the garbage collector's sight (`long_lived`) until it ends. A process
    that has frozen objects of its own (`gc.freeze`, for copy-on-write) keeps them so: then nothing is frozen here,
    since unfreezing would be for all."""
    ours = gc.get_freeze_count() == 0
    try:
        return _build(root, out_dir, shapes_dir, validate, ours)
    finally:
        if ours:
            gc.unfreeze()


def _build(root: Path, out_dir: Path, shapes_dir: Path | None, validate: bool, freeze: bool) -> BuildResult:
    """Build, validate and release; raises BuildError (and writes nothing) on invalid input.

    The base validation run (the reference layer's) starts in a child process as soon as the files are parsed, the
    release files in another once the graphs are made (build/background.py); this one validates the programme and
    computes whichever of the search index and the dataset file's first two members it claims first (`Shared`).
    `validate=False` is for a caller that checks the same input on its own.
    """
    started = time.perf_counter()
    current_release(out_dir)  # a damaged one is refused before the work
    shapes_dir, cache = shapes_dir or root / "shapes", out_dir / VALIDATION_CACHE
    with long_lived(freeze):
        parsed = parse_inputs(root)
    writable(out_dir)  # once the input is a project's, before the work (an operator's review: after 41 s of it)
    if validate:
        shapes_in(shapes_dir)
    try:
        earlier = ontology_versions.read(root, parsed[ONTOLOGY])
    except ontology_versions.UnfitVersion as error:
        raise BuildError(str(error)) from None
    base = writing = None
    shared = Shared()
    try:
        base = _base_run(parsed, shapes_dir, cache) if validate else None
        with long_lived(freeze):
            graphs, held = to_graphs(parsed)
            ordered = {name: rdfio.canonical(triples) for name, triples in held.items()}
        if base is not None and any(held[name] != parsed[name] for name in CONTENT):
            base.cancel()  # rdflib gave a literal its canonical form: validate the triples the release holds
            base = _base_run(held, shapes_dir, cache)
        modified = release_date(root, graphs[METADATA])
        ntriples = {name: rdfio.ntriples(triples) for name, triples in ordered.items()}
        digests = {name: rdfio.fingerprint(text) for name, text in ntriples.items()}
        key = input_key({**digests, **{f"ontology {v}": sha256(d) for v, d in earlier.items()}}, modified)
        same = unchanged(out_dir, key)
        content_digests = {g: digests[g] for g in CONTENT}
        writing = None if same else Background(lambda: new_release(out_dir, graphs, ordered, modified, key,
                                                                    content_digests, shared))
        result, mine = _validated(graphs, base, shapes_dir, cache, ntriples,
                                  (lambda: {}) if same else lambda: shared.take(graphs, ordered))
        if not result.conforms:
            raise BuildError(f"{result.violations} SHACL violation(s); no release written",
                             validation.render_text(result))
        if same is not None:
            return BuildResult(same.version, same.path, same.manifest["graphs"], time.perf_counter() - started,
                               result, written=False)
        version, written, theirs = writing.result()
    finally:
        for child in (writing, base):
            if child is not None:
                child.cancel()
        shared.close()
    files = seal(written, graphs, {**theirs, **mine}, earlier)
    try:
        path = write_release(out_dir, version, files)
    except ValueError as error:  # an existing version with other bytes: refuse rather than overwrite
        raise BuildError(str(error)) from None
    counts = json.loads(files[MANIFEST])["graphs"]
    unversioned = ontology_versions.unchanged_version(Releases(out_dir).all(), ordered[ONTOLOGY], digests[ONTOLOGY],
                                                     ONTOLOGY)
    return BuildResult(version, path, counts, time.perf_counter() - started, result,
                       vanished=vanished(written.changes, ordered), unversioned=unversioned)


def vanished(found: changes.Changes | None, ordered: dict[str, list]) -> list[str]:
    """The identifiers (under /id/) the previous release described and this one (its content graphs, `ordered`)
    does not, sorted. A retired one stays described (deprecated, sources/curation/retired.csv) and answers 301 or
    410, so these are identifiers that would answer 404 without a word: Cool URIs don't change, and a linker's IRI
    would lead nowhere. The build writes the release all the same (a register unit can end with the official
    register) and says so. Removed from one graph is not gone: a body that stops taking part leaves the programme
    graph and stays in the register's (a review: such a district would have been named)."""
    removed = {c.resource for c in (found.resources if found else ())
               if c.kind == "removed" and c.resource.startswith(ID)}
    if not removed:
        return []
    return sorted(removed - {changes.resource_of(t.subject) for g in CONTENT for t in ordered[g]})


def _base_run(triples: dict[str, list[ox.Triple]], shapes_dir: Path, cache: Path) -> Background:
    """The base validation run (`validation.base_layer`) in a child process."""
    return Background(lambda: validation.base_layer(triples[ONTOLOGY], triples[PROGRAMME], triples[REFERENCE],
                                                    shapes_dir, cache))


def _validated(graphs: dict[str, Graph], base: Background | None, shapes_dir: Path, cache: Path,
               ntriples: dict[str, bytes], meanwhile) -> tuple[validation.ValidationResult, dict]:
    """The findings of both validation runs (none without `base`) and what `meanwhile()` returns. That runs while
    the base run may still be going on, once the programme's run has found no violation: a contributor's mistake in
    the programme is reported without first doing work that would be thrown away."""
    if base is None:
        return validation.ValidationResult(conforms=True, findings=[], report=Graph()), meanwhile()
    known = {id(graphs[name]): text for name, text in ntriples.items()}
    recent = validation.programme_layer(graphs[ONTOLOGY], graphs[PROGRAMME], graphs[REFERENCE], shapes_dir, cache,
                                        known)
    done = {} if any(f.severity == "Violation" for f in recent) else meanwhile()
    return validation.layered(base.result(), recent, graphs[ONTOLOGY], graphs[PROGRAMME]), done


def new_release(out_dir: Path, graphs: dict[str, Graph], ordered: dict[str, list], modified: str,
                key: str, digests: dict[str, str], shared: Shared) -> tuple[str, Written, dict]:
    """The version and the writer's part (`release_files`) of the release that follows the current one in
    `out_dir` (if any), and the parts of `shared` the parent has not taken.

    The parent validates the programme in about a second and then computes the shared parts while this child
    writes the rest; the reference layer's validation runs in a third process meanwhile (`_base_run`).
    """
    previous = Releases(out_dir).current()  # what the changelog compares with
    version = content_version(key, previous.version if previous else None)
    found = changes.since(previous, version, ordered, digests) if previous else None
    earlier = {entry["name"]: {"modified": previous.manifest["modified"], **entry}
               for entry in previous.manifest.get("files", [])} if previous else {}  # older manifests date no file
    written = release_files(graphs, ordered, Revision(version, modified, key, digests, found, earlier))
    return version, written, shared.take(graphs, ordered)
