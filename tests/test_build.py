"""The build and its release: files, checksums, determinism, and refusal of invalid data."""
from __future__ import annotations

import functools
import gc
import gzip
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF

from server.build import DUMPS, VALIDATION_CACHE, pipeline, validation
from server.build.background import Background, ChildFailed, Claim
from server.build.exports import GROUP, TABLES
from server.build.release import CHANGES, CHECKSUMS, MANIFEST, NOTES, SEARCH_INDEX, Releases, read_checksums
from server.namespaces import METADATA_GRAPH, PROGRAMME_GRAPH
from server.rdfio import canonical, digest, from_ox, nquads_sorted, sorted_triples, triple_order
from server.build.pipeline import (CONTENT, SHARED_PARTS, BuildError, Shared, build, new_release, read_inputs,
                                   release_date, seal)

from .conftest import mpsc
from .sparql_support import make_release, sample_quads

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_FILES = {"mpsc.ttl", "mpsc.nt.gz", "mpsc.jsonld", "void.ttl", "SHA256SUMS"}


@functools.cache
def parse_dump(path: Path) -> Graph:
    """A dump read by rdflib, once per file: the tests only read it."""
    fmt = {".ttl": "turtle", ".jsonld": "json-ld", ".gz": "nt"}[path.suffix]
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return Graph().parse(data=data, format=fmt)


def test_release_has_the_contract_files(release):
    assert CONTRACT_FILES <= {p.name for p in release.path.iterdir()}


def test_sha256sums_verifies_with_coreutils(release):
    result = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=release.path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(list(release.path.iterdir())) - 1


def test_release_notes_list_every_file_of_the_checksums_but_those_about_the_release(release):
    """Found by a review of the dumps: the notes left out the search index and the earlier ontologies."""
    notes = (release.path / NOTES).read_text(encoding="utf-8")
    listed = {line.split("`")[1] for line in notes.splitlines() if line.startswith("| `")}
    expected = set(read_checksums(release.path)) - {NOTES, MANIFEST, CHECKSUMS}
    assert SEARCH_INDEX in expected and any(name.startswith("ontology-1.") for name in expected)
    assert listed >= expected and not (listed - expected) - {g for g in listed if g.startswith("https://")}


def test_release_notes_count_each_resource_citing_a_page_once(release):
    """Found by an offline user's review: a body described in the programme and the register was counted twice."""
    notes = (release.path / NOTES).read_text(encoding="utf-8")
    destatis = "https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/_inhalt.html"
    count = int(next(line for line in notes.splitlines() if line.startswith(f"- <{destatis}>")).rsplit("(", 1)[1][:-1])
    source = ox.NamedNode("http://purl.org/dc/terms/source")
    citing = {q.subject for q in ox.parse(gzip.decompress((release.path / "mpsc-all.nq.gz").read_bytes()),
                                          format=ox.RdfFormat.N_QUADS)
              if q.predicate == source and q.object.value == destatis and isinstance(q.graph_name, ox.NamedNode)}
    assert count == len(citing)


def test_programme_dumps_parse_to_the_same_graph(release):
    graphs = [parse_dump(release.path / name) for name in ("mpsc.ttl", "mpsc.nt.gz", "mpsc.jsonld")]
    assert len(graphs[0]) > 5000
    # No blank nodes anywhere, so isomorphism is set equality.
    assert set(graphs[0]) == set(graphs[1]) == set(graphs[2])


def triples(path: Path) -> set[ox.Triple]:
    """A dump's triples, read by pyoxigraph (the full dumps are too large for rdflib in a fast suite)."""
    fmt = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}[Path(path.stem).suffix or path.suffix]
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return {quad.triple for quad in ox.parse(data, format=fmt)}


def test_the_dataset_file_holds_each_graph_and_their_merge_once(release, release_store):
    """mpsc-all.nq.gz is three gzip members (the content graphs' merge, the graphs themselves, then the metadata
    graph: pipeline.merge_part), read as one stream; its default graph is the merge of the four named graphs,
    each triple written once (a line ends in " .\n" and nowhere else: N-Triples escapes line breaks).
    `release_store` is that file loaded."""
    data = gzip.decompress((release.path / "mpsc-all.nq.gz").read_bytes())
    store = release_store
    assert data.count(b" .\n") == data.count(b"\n") == len(store)  # no line twice
    count = "SELECT (COUNT(*) AS ?n) {{ {} }}"
    assert int(next(store.query(count.format("?s ?p ?o")))["n"].value) == release.manifest["default_graph"]
    assert {g.value: int(next(store.query(count.format(f"GRAPH <{g.value}> {{ ?s ?p ?o }}")))["n"].value)
            for g in store.named_graphs()} == release.manifest["graphs"]
    assert not store.query("ASK { { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
                           " UNION { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } }")
    programme = gzip.decompress((release.path / "mpsc.nt.gz").read_bytes())  # the input graph, as tested below
    assert programme.count(b"\n") == release.manifest["graphs"][PROGRAMME_GRAPH]


def test_dumps_hold_exactly_their_input_graph(release):
    programme = set().union(*(triples(path) for path in sorted((ROOT / "data" / "programme").glob("*.ttl"))))
    assert triples(release.path / "mpsc.nt.gz") == programme


@pytest.mark.parametrize("name, licence, attribution", [
    ("reference.ttl", "Datenlizenz Deutschland – Namensnennung 2.0", "© Statistisches Bundesamt (Destatis)"),
    ("mpsc.ttl", "CC BY 4.0", "Projekt Offener Wissensgraph Modellprojekte Smart Cities"),
    # dl-de/by's source note: the licence with a link to its text, and that the data was changed (a harvester's review)
    ("reference.ttl", "Datenlizenz Deutschland – Namensnennung 2.0", "(www.govdata.de/dl-de/by-2-0)"),
    ("mpsc.ttl", "CC BY 4.0", "Daten geändert"),
    ("ontology.ttl", "CC BY 4.0", "Projekt Offener Wissensgraph"), ("void.ttl", "CC BY 4.0", "Projekt Offener Wissensgraph")])
def test_a_turtle_dump_names_its_licence_and_attribution_in_its_first_lines(release, name, licence, attribution):
    """An offline user's review: reference.ttl, downloaded alone, named no licence, and dl-de/by asks for the
    attribution with every copy. The header is comments: the triples stay as they are."""
    head = (release.path / name).read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()
    assert all(line.startswith("# ") for line in head) and licence in head[1] and attribution in "\n".join(head[2:])
    assert triples(release.path / name)  # still Turtle (read by pyoxigraph: rdflib took 12-20 s for reference.ttl)


def test_the_dataset_file_has_the_bytes_of_pyoxigraphs_n_quads_writer():
    """rdfio.nquads_sorted writes N-Triples lines and adds each line's graph: literals that hold " .", line breaks,
    quotes and other escapes, language tags, datatypes and blank nodes must come out as the writer writes them."""
    n = ox.NamedNode
    s, p = n("https://w3id.org/mpsc/id/x"), n("http://www.w3.org/2000/01/rdf-schema#comment")
    objects = [ox.Literal("ends with a dot .\nand a new line .\r\n\t\"quoted\" \\ ."), ox.Literal("Bamberg .", language="de"),
               ox.Literal("1.5", datatype=n("http://www.w3.org/2001/XMLSchema#decimal")), ox.Literal("ä € 𝄞 \u0007"),
               ox.BlankNode("b1"), n("https://w3id.org/mpsc/id/y")]
    graphs = {"https://w3id.org/mpsc/graph/b": sorted((ox.Triple(s, p, o) for o in objects), key=triple_order),
              "https://w3id.org/mpsc/graph/a": sorted([ox.Triple(s, p, objects[1]), ox.Triple(ox.BlankNode("b1"), p, s)],
                                                      key=triple_order)}
    merged = graphs["https://w3id.org/mpsc/graph/a"]  # the merge: each graph in name order, less what came before
    merged = merged + [t for t in graphs["https://w3id.org/mpsc/graph/b"] if t not in merged]
    assert len(merged) == 7
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in merged]
    quads += [ox.Quad(t.subject, t.predicate, t.object, n(g)) for g in sorted(graphs) for t in graphs[g]]
    assert nquads_sorted(graphs, union_default=True) == ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert nquads_sorted(graphs) == ox.serialize(quads[len(merged):], format=ox.RdfFormat.N_QUADS)
    assert nquads_sorted(graphs, named=False, union_default=True) == ox.serialize(quads[:len(merged)],
                                                                                format=ox.RdfFormat.N_QUADS)


def test_manifest_lists_every_file_with_its_checksum(release):
    listed = {entry["name"]: entry for entry in release.files}
    tables = {name for t in TABLES for name in (t.name, t.metadata_name)} | {GROUP.name}
    assert set(listed) == {d.name for d in DUMPS} | {"void.ttl", "mpsc-all.nq.gz"} | tables
    for name, entry in listed.items():
        assert entry["bytes"] == (release.path / name).stat().st_size


def test_void_counts_the_programme_triples(release):
    void = parse_dump(release.path / "void.ttl")
    rows = list(void.query("""
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?n WHERE { <https://w3id.org/mpsc/graph/programme> void:triples ?n }"""))
    assert int(rows[0][0]) == len(parse_dump(release.path / "mpsc.ttl"))


def test_two_builds_of_the_same_input_are_byte_identical(small_root, tmp_path):
    # Two processes with other hash seeds, each building a release and one that follows it (so the
    # changelog is compared too): set or dict ordering must not leak into the files. The small data set
    # has every class and property of docs/model.md; the full release is built once per run (conftest.py).
    valid = small_root / "data" / "programme" / "valid.ttl"
    first_input = valid.read_text(encoding="utf-8")
    releases = []
    for seed in ("1", "12345"):
        out, env = tmp_path / f"seed-{seed}", {"MPSC_ROOT": str(small_root), "PYTHONHASHSEED": seed}
        valid.write_text(first_input, encoding="utf-8")
        assert mpsc("build", "--out", str(out), env={**env, "SOURCE_DATE_EPOCH": "1790000000"}).returncode == 0
        valid.write_text(first_input.replace('"Funding round 2020"@en', '"The funding round 2020"@en'), encoding="utf-8")
        result = mpsc("build", "--out", str(out), env={**env, "SOURCE_DATE_EPOCH": "1800000000"})
        assert result.returncode == 0, result.stderr
        releases.append(Releases(out).current())
    first, second = releases
    assert first.version == second.version and first.manifest["changes"]["resources"] == 1
    names = [entry["name"] for entry in first.files] + [CHANGES, MANIFEST, CHECKSUMS, NOTES, SEARCH_INDEX]
    for name in names:
        assert (second.path / name).read_bytes() == (first.path / name).read_bytes(), name


def test_the_modification_date_is_the_last_commit_of_the_data_not_of_the_docs(small_root, monkeypatch):
    """A harvester's review: a README edit made every distribution "modified" (GovData tells updates by
    dcterms:modified). The date is that of the last commit changing the build's input folders."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def commit(date: str, *paths: str) -> None:
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "t",
               "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
        subprocess.run(["git", "add", *paths], cwd=small_root, check=True, env=env)
        subprocess.run(["git", "commit", "-qm", date], cwd=small_root, check=True, env=env)

    subprocess.run(["git", "init", "-q"], cwd=small_root, check=True)
    commit("2026-01-02T10:00:00Z", "data", "ontology")
    (small_root / "README.md").write_text("changed\n")
    commit("2026-03-04T10:00:00Z", "README.md")
    static = read_inputs(small_root)[0][METADATA_GRAPH]
    assert release_date(small_root, static) == "2026-01-02"
    (small_root / "data" / "programme" / "valid.ttl").write_text(
        (small_root / "data" / "programme" / "valid.ttl").read_text() + "\n")
    commit("2026-05-06T10:00:00Z", "data")
    assert release_date(small_root, static) == "2026-05-06"
    writer = small_root / "server" / "build" / "exports.py"  # the code that writes the tables changes their bytes
    writer.parent.mkdir(parents=True)
    writer.write_text("# changed\n")
    commit("2026-07-08T10:00:00Z", "server")
    assert release_date(small_root, static) == "2026-07-08"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every release file and link in a releases folder; not the validation cache, which is no release (a
    failed build keeps its findings there, so `mpsc validate` lists them without validating again)."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else os.readlink(p).encode())
            for p in sorted(folder.rglob("*"))
            if (p.is_file() or p.is_symlink()) and p.relative_to(folder).parts[0] != VALIDATION_CACHE}


def test_a_current_release_whose_manifest_cannot_be_read_is_refused_before_any_work(tmp_path, monkeypatch):
    """The build said so only after ~8 s of parsing and validating (a review: `mpsc build` over such a folder)."""
    release = make_release(tmp_path, sample_quads("garbled"), "garbled")
    (release.path / "release.json").write_bytes(b"X" + (release.path / "release.json").read_bytes()[1:])

    def parse_inputs(root):
        raise AssertionError("the build parsed its input before it looked at the current release")

    monkeypatch.setattr(pipeline, "parse_inputs", parse_inputs)
    with pytest.raises(BuildError, match="release garbled is damaged: release.json cannot be read"):
        build(ROOT, tmp_path)


def test_invalid_data_fails_the_build_and_keeps_the_previous_release(small_root, tmp_path):
    out = tmp_path / "releases"
    env = {"MPSC_ROOT": str(small_root)}
    first = mpsc("build", "--out", str(out), env=env)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    bad = small_root / "data" / "programme" / "broken.ttl"
    bad.write_text('<https://w3id.org/mpsc/id/municipality/09461000> <https://w3id.org/mpsc/ontology#ags> "0946100" .\n')
    second = mpsc("build", "--out", str(out), env=env)
    assert second.returncode == 1
    assert "https://w3id.org/mpsc/id/municipality/09461000" in second.stderr
    assert "no release written" in second.stderr
    assert snapshot(out) == before


def test_a_syntax_error_names_file_line_and_column(small_root, tmp_path):
    (small_root / "data" / "programme" / "broken.ttl").write_text('@prefix ex: <http://ex.org/> .\nex:a ex:b "open .\n')
    result = mpsc("build", "--out", str(tmp_path / "r"), env={"MPSC_ROOT": str(small_root)})
    assert result.returncode == 1
    assert "data/programme/broken.ttl:2:" in result.stderr
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_an_earlier_ontology_version_that_is_not_what_its_name_says_fails_the_build(small_root, tmp_path):
    """The release keeps the earlier versions so that /ontology/{version} answers them: a file that names another
    version (or none) would answer for the wrong one, so the build stops and says which file."""
    versions = small_root / "ontology" / "versions"
    (versions / "1.3.0.ttl").rename(versions / "1.3.1.ttl")
    result = mpsc("build", "--out", str(tmp_path / "r"), env={"MPSC_ROOT": str(small_root)})
    assert result.returncode == 1
    assert "ontology/versions/1.3.1.ttl does not name itself https://w3id.org/mpsc/ontology/1.3.1" in result.stderr


def test_a_prior_version_without_its_file_fails_the_build(small_root, tmp_path):
    """Every owl:priorVersion reached from the current ontology must dereference, so it needs its file."""
    (small_root / "ontology" / "versions" / "1.2.0.ttl").unlink()
    result = mpsc("build", "--out", str(tmp_path / "r"), env={"MPSC_ROOT": str(small_root)})
    assert result.returncode == 1
    assert "owl:priorVersion https://w3id.org/mpsc/ontology/1.2.0 has no file ontology/versions/1.2.0.ttl" in result.stderr


# The ontology's content (without dcterms:modified) as published under each version: a version IRI must not name two
# contents (an offline user's review: 1.4.0 had gained a label and a new comment after it was published). On a
# change to ontology/mpsc.ttl, raise its version as ontology/versions/README.md says and add the new fingerprint.
PUBLISHED_ONTOLOGY = {"1.4.1": "cd2d7dfbdabdeefa", "1.4.2": "b0dc4966d9bde6eb", "1.5.0": "317f5e540229d754",
                      "1.6.0": "183abbba00636b92", "1.6.1": "809368d4f117b46b",
                      "1.6.2": "713fcb895cadc619"}


def test_the_ontology_changes_only_with_its_version():
    triples = list(ox.parse((ROOT / "ontology" / "mpsc.ttl").read_bytes(), format=ox.RdfFormat.TURTLE))
    version = next(t.object.value for t in triples if t.predicate.value == str(OWL.versionInfo))
    content = [t for t in triples if t.predicate.value != str(DCTERMS.modified)]
    assert PUBLISHED_ONTOLOGY.get(version) == digest(canonical(content))[:16], (
        f"ontology/mpsc.ttl changed but still says version {version}: raise owl:versionInfo and owl:versionIRI, keep "
        "the old file in ontology/versions/ (its README) and record the new fingerprint here")


def test_unknown_option_is_a_usage_error():
    assert mpsc("build", "--no-such-option").returncode == 2


def test_void_counts_each_triple_of_the_dataset_once(release):
    void = parse_dump(release.path / "void.ttl")
    stated = int(void.value(URIRef("https://w3id.org/mpsc/id/dataset"), URIRef("http://rdfs.org/ns/void#triples")))
    graphs = [triples(release.path / name) for name in ("mpsc.nt.gz", "reference.nt.gz", "ontology.ttl")]
    assert stated == len(set().union(*graphs)) < sum(len(g) for g in graphs)


def test_a_build_outside_a_project_folder_refuses_to_publish(tmp_path):
    result = mpsc("build", "--out", str(tmp_path / "releases"), env={"MPSC_ROOT": str(tmp_path)})
    assert result.returncode == 1
    assert "MPSC_ROOT" in result.stderr
    assert not (tmp_path / "releases").exists()


def test_a_rebuild_on_a_later_day_is_a_new_version(small_root, tmp_path):
    out = tmp_path / "releases"
    env = {"MPSC_ROOT": str(small_root)}
    first = mpsc("build", "--out", str(out), env={**env, "SOURCE_DATE_EPOCH": "1790000000"})
    second = mpsc("build", "--out", str(out), env={**env, "SOURCE_DATE_EPOCH": "1800000000"})
    assert first.returncode == second.returncode == 0, second.stderr
    releases = Releases(out).all()
    assert len({r.version for r in releases}) == 2
    assert Releases(out).current().modified == "2027-01-15"


def test_a_file_keeps_the_date_it_last_changed(small_root, tmp_path):
    """A harvester's review: every distribution was `dct:modified` with every release, so harvesters fetched
    files again that had not changed. A file with the bytes of the previous release's keeps its date, in the
    manifest and in the catalogue; a changed one, the dataset file and void.ttl take the release's."""
    out, env = tmp_path / "releases", {"MPSC_ROOT": str(small_root)}
    assert mpsc("build", "--out", str(out), env={**env, "SOURCE_DATE_EPOCH": "1790000000"}).returncode == 0
    data = small_root / "data" / "programme" / "valid.ttl"
    data.write_text(data.read_text(encoding="utf-8").replace('"Smart City Bamberg"@de', '"Smart City Bamberg!"@de'),
                    encoding="utf-8")
    later = mpsc("build", "--out", str(out), env={**env, "SOURCE_DATE_EPOCH": "1800000000"})
    assert later.returncode == 0, later.stderr
    first, current = (datetime.fromtimestamp(t, timezone.utc).date().isoformat() for t in (1790000000, 1800000000))
    release = Releases(out).current()
    dates = {entry["name"]: entry["modified"] for entry in release.manifest["files"]}
    assert dates["mpsc.ttl"] == dates["mpsc-all.nq.gz"] == dates["void.ttl"] == current
    assert dates["reference.ttl"] == dates["ontology.ttl"] == first
    void = Graph().parse(release.path / "void.ttl")
    catalogued = {str(void.value(d, DCAT.downloadURL)).rsplit("/", 1)[1]: str(void.value(d, DCTERMS.modified))
                  for d in void.subjects(RDF.type, DCAT.Distribution) if void.value(d, DCAT.downloadURL)}
    assert catalogued == dates


def test_a_releases_folder_that_cannot_be_written_is_named_itself():
    """A review: where no file may be made in the releases folder (permissions, a read-only file system; here
    /proc), the error named the random name of the build's probe file, not the folder."""
    with pytest.raises(OSError) as refused:
        pipeline.writable(Path("/proc/self"))
    assert refused.value.filename == "/proc/self"


def test_a_build_ended_by_sigterm_leaves_no_child_working():
    """An operator's review: `kill` (SIGTERM, which runs no cleanup) of `mpsc build` left its forked children
    computing for ~20 s. The kernel ends them with their parent."""
    script = ("import time; from server.build.background import Background; "
              "work = Background(lambda: time.sleep(60)); print(work._pid, flush=True); time.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    child = int(parent.stdout.readline())
    parent.terminate()
    parent.wait(timeout=30)
    parent.stdout.close()
    deadline = time.monotonic() + 10
    while _running(child):
        assert time.monotonic() < deadline, "the child outlived its parent"
        time.sleep(0.05)


def _running(pid: int) -> bool:
    """Whether process `pid` exists and has not ended (a zombie waiting for init to reap it has)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def test_background_work_returns_its_result_and_its_exception():
    assert Background(lambda: {"files": b"\x00" * 3_000_000}).result() == {"files": b"\x00" * 3_000_000}
    with pytest.raises(ZeroDivisionError):
        Background(lambda: 1 / 0).result()
    with pytest.raises(ChildFailed, match="without a result"):
        Background(lambda: os._exit(3)).result()


def test_a_claim_is_taken_by_the_first_process_that_asks():
    """A Claim the child took is not the parent's to take, and the other way round; a child killed after it
    took one leaves nothing locked."""
    claim = Claim()
    assert Background(claim.take).result() is True and claim.take() is False
    claim = Claim()
    assert claim.take() is True and Background(claim.take).result() is False
    claim = Claim()
    with pytest.raises(ChildFailed):
        Background(lambda: claim.take() and os._exit(3)).result()
    assert claim.take() is False


def test_the_shared_parts_are_the_same_whichever_process_computes_them(small_root, tmp_path):
    """The search index and the dataset file's first members (pipeline.Shared) come from the child when the
    parent is busy, from the parent when it is free, or from both: the release is the same either way."""
    graphs, held = read_inputs(small_root)
    ordered = {name: canonical(triples) for name, triples in held.items()}
    digests = {name: digest(ordered[name]) for name in CONTENT}
    sealed = []
    for parent_takes in ((), tuple(SHARED_PARTS), ("index",)):
        shared = Shared()
        for name in parent_takes:  # what the parent is free for first
            assert shared.claims[name].take()
        own = {name: SHARED_PARTS[name](graphs, ordered) for name in parent_takes}
        version, written, theirs = Background(
            lambda: new_release(tmp_path, graphs, ordered, "2026-01-01", "key", digests, shared)).result()
        assert set(theirs) == set(SHARED_PARTS) - set(parent_takes) and shared.take(graphs, ordered) == {}
        sealed.append(seal(written, graphs, {**own, **theirs}))
    assert sealed[0] == sealed[1] == sealed[2]


def test_the_files_hold_literals_as_validation_saw_them(small_root, tmp_path):
    """rdflib reads "01"^^xsd:integer as "1": the sorted triples, and so the dumps, must say the same."""
    extra = small_root / "data" / "programme" / "numbers.ttl"
    extra.write_text('<https://w3id.org/mpsc/id/x> <https://w3id.org/mpsc/ontology#n> "01"^^'
                     '<http://www.w3.org/2001/XMLSchema#integer> , "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    graphs, held = read_inputs(small_root)
    numbers = [t for t in held[PROGRAMME_GRAPH] if t.predicate.value.endswith("#n")]
    assert {t.object.value for t in numbers} == {"1"} and len(canonical(numbers)) == 1 == len(
        list(graphs[PROGRAMME_GRAPH].objects(None, URIRef("https://w3id.org/mpsc/ontology#n"))))


def test_cancelled_background_work_stops_at_once():
    started = time.perf_counter()
    work = Background(lambda: time.sleep(30))
    work.cancel()
    assert time.perf_counter() - started < 5
    work.cancel()  # a second cancel finds nothing to stop


def test_a_build_leaves_the_garbage_collector_as_it_found_it(small_root, tmp_path):
    """The build keeps its input graphs out of the collector's sight (pipeline.long_lived); in a process that goes on
    (these tests, a server that builds) the collector must see everything again afterwards, or what the build left
    in reference cycles would never be freed. Also when the build fails; a collector that was off stays off, and
    objects the process froze itself stay frozen."""
    assert gc.isenabled() and gc.get_freeze_count() == 0
    build(small_root, tmp_path / "releases")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with pytest.raises(BuildError):
        build(small_root / "data", tmp_path / "none")  # no input folders there
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        build(small_root, tmp_path / "off")
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        build(small_root, tmp_path / "frozen")
        assert gc.isenabled() and 0 < gc.get_freeze_count() <= frozen  # not unfrozen, nothing more frozen
    finally:
        gc.unfreeze()


def test_the_statements_reached_are_the_same_from_either_side():
    """The base run finds the programme's statements the reference layer reaches from the programme's side, over
    pyoxigraph triples (validation._reached_triples; the reference layer names 230,000 nodes, the programme's
    subjects are a few thousand); the programme's run the reference layer's from the other side, over rdflib
    graphs (validation._reached). Both must find the same statements."""
    base = Graph().parse(format="turtle", data="""@prefix : <http://example.org/> .
        :a :p :b . :c :p "c" . :p2 :p :k .""")
    source = Graph().parse(format="turtle", data="""@prefix : <http://example.org/> .
        :b :q :d . :d :q :e . :e :q :f .           # two hops from :b, not three
        :a :q [ :q :x ] . :b :q :c . :c :r :g .    # a blank node; :c is named in base, so not a hop of its own
        :z :q :b . :p :q :y . :k :q :m .""")
    reached = set(validation._reached(base, source))
    from_source = validation._reached_triples(sorted_triples(base), sorted_triples(source))
    assert {tuple(from_ox(term) for term in triple) for triple in from_source} == reached
    named = {str(s).rsplit("/", 1)[-1] for s, _, _ in reached if isinstance(s, URIRef)}
    assert named == {"a", "b", "c", "d", "k"}  # not :e (three hops), :z (points at :b), :p (a predicate in base)


def test_the_reference_layers_findings_name_the_triples_the_release_would_hold(small_root, tmp_path):
    """The reference layer is validated in a child process from the triples as parsed, while the graphs are made
    (validation.base_layer); where rdflib gives a literal its canonical form ("-01"^^xsd:integer as "-1"), the run
    is repeated on the triples the release would hold. Its findings name each node by its label."""
    (small_root / "data" / "reference" / "states.ttl").write_text(
        '@prefix mpsc: <https://w3id.org/mpsc/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
        '<https://w3id.org/mpsc/id/state/98> a mpsc:State ; <http://www.w3.org/2000/01/rdf-schema#label> '
        '"Testland"@de ; mpsc:ags "98" ; mpsc:ars "98" ; mpsc:population "-01"^^xsd:integer .\n', encoding="utf-8")
    failed = mpsc("build", "--out", str(tmp_path / "releases"), env={"MPSC_ROOT": str(small_root)})
    assert failed.returncode == 1 and "no release written" in failed.stderr
    assert '<https://w3id.org/mpsc/id/state/98> "Testland"' in failed.stderr
    assert 'value: "-1"^^xsd:integer' in failed.stderr and '"-01"' not in failed.stderr, failed.stderr


def test_the_build_and_mpsc_validate_share_the_validation_cache(small_root, tmp_path):
    """The build keys the reference layer's run by its triples in the order of the files, `mpsc validate` by the
    same triples in canonical order: the key must not depend on the order, or each would validate it again."""
    out = tmp_path / "releases"
    build(small_root, out)
    entries = sorted(p.name for p in (out / VALIDATION_CACHE).glob("*.json"))
    assert len(entries) == 2  # the base run's and the programme's
    graphs = read_inputs(small_root)[0]
    validation.validate_layers(*(graphs[g] for g in CONTENT), small_root / "shapes", out / VALIDATION_CACHE)
    assert sorted(p.name for p in (out / VALIDATION_CACHE).glob("*.json")) == entries


def test_the_canonical_order_is_by_subject_type_first_then_predicate_and_object():
    """rdfio.triple_order sorts by one string per triple; it must order as the tuple of the terms' N-Triples forms
    (subject, not rdf:type, predicate, object) would, also where one blank node's label is a prefix of another's
    and for literals with quotes, languages and datatypes."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    subjects = [ox.BlankNode("b1"), ox.BlankNode("b10"), ox.BlankNode("b1a"), ox.NamedNode("http://example.org/a"),
                ox.NamedNode("http://example.org/a-b"), ox.NamedNode("http://example.org/a/b")]
    predicates = [rdf_type, ox.NamedNode("http://example.org/p"), ox.NamedNode("http://example.org/p2"),
                  ox.NamedNode("http://example.org/"), ox.NamedNode("http://a.example/z")]
    objects = [*subjects, ox.Literal("x"), ox.Literal('x "quoted"'), ox.Literal("x", language="de"),
               ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), ox.Literal("")]
    triples = [ox.Triple(s, p, o) for s in subjects for p in predicates for o in objects]
    spec = sorted(triples, key=lambda t: (str(t.subject), t.predicate != rdf_type, str(t.predicate), str(t.object)))
    assert sorted(reversed(triples), key=triple_order) == spec
