"""The earlier versions of the ontology, kept in the release so that every owl:priorVersion dereferences.

`ontology/versions/{version}.ttl` holds each version as it was last published (README there names the commits);
the build checks that each parses and names itself by its version IRI, and puts it into the release as
`ontology-{version}.ttl`, listed in the manifest under `ontology_versions` and in SHA256SUMS. The web app answers
`/ontology/{version}` with it (web/resources.py); only the current version is in the ontology graph.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_IRI

FOLDER = "ontology/versions"  # under the project folder
VERSION_IRI = ox.NamedNode("http://www.w3.org/2002/07/owl#versionIRI")
PRIOR_VERSION = ox.NamedNode("http://www.w3.org/2002/07/owl#priorVersion")
VERSION_INFO = ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
CURRENT_FILE = "ontology.ttl"  # the release's copy of the current version (pipeline.DUMPS)
ONTOLOGY = ox.NamedNode(ONTOLOGY_IRI)


class UnfitVersion(ValueError):
    """An earlier version that does not parse or does not name itself by its version IRI."""


def read(root: Path, ontology: list) -> dict[str, bytes]:
    """The earlier versions under `root`, by version, each checked, and every owl:priorVersion reached from the
    current `ontology` (its triples) among them (UnfitVersion, in words)."""
    found, prior = {}, {}
    for path in sorted((Path(root) / FOLDER).glob("*.ttl")):
        data = path.read_bytes()
        try:
            triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
        except SyntaxError as error:
            raise UnfitVersion(f"{FOLDER}/{path.name} does not parse: {error}") from None
        if ox.NamedNode(f"{ONTOLOGY_IRI}/{path.stem}") not in {t.object for t in triples if t.predicate == VERSION_IRI}:
            raise UnfitVersion(f"{FOLDER}/{path.name} does not name itself {ONTOLOGY_IRI}/{path.stem} (owl:versionIRI)")
        found[path.stem], prior[path.stem] = data, _prior_version(triples)
    version = _prior_version(ontology)
    while version is not None:
        if version not in found:
            raise UnfitVersion(f"owl:priorVersion {ONTOLOGY_IRI}/{version} has no file {FOLDER}/{version}.ttl")
        version = prior.pop(version, None)  # popped: a chain that comes back to a version ends there
    return found


def unchanged_version(releases: list, ontology: list, digest: str, graph: str) -> str | None:
    """The version the ontology (its triples, `digest` its graph's `rdfio.digest`) still calls itself by although
    one of the `releases` published another ontology under it; else None. Each release publishes its ontology under
    its version IRI, and a changed ontology under an old one made that version's earlier content unreachable (a
    citing researcher's review: two releases' "1.6.2" differed). All releases, not the previous one only: after
    one build the change was the previous release's too, and the next build said nothing (a review)."""
    mine = _named(ontology, VERSION_INFO)
    others = {r.manifest.get("digests", {}).get(graph): r for r in releases} if mine else {}
    for other, release in others.items():
        if other not in (None, digest) and _version_in(release) == mine:
            return mine
    return None


def _version_in(release) -> str | None:
    """The owl:versionInfo of the ontology a release holds, or None (an earlier layout, or damaged)."""
    try:
        return _named(list(ox.parse(path=str(release.path / CURRENT_FILE), format=ox.RdfFormat.TURTLE)), VERSION_INFO)
    except (OSError, SyntaxError):
        return None


def _named(triples: list, predicate: ox.NamedNode) -> str | None:
    """The value the ontology among `triples` gives `predicate`, or None."""
    values = [t.object.value for t in triples if t.predicate == predicate and t.subject == ONTOLOGY]
    return values[0] if values else None


def _prior_version(triples: list) -> str | None:
    """The version the ontology among `triples` names as its owl:priorVersion (`1.3.0`), or None."""
    named = _named(triples, PRIOR_VERSION)
    return named.removeprefix(ONTOLOGY_IRI + "/") if named else None


def file_name(version: str) -> str:
    """The release file of an earlier version."""
    return f"ontology-{version}.ttl"
