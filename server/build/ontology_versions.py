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


class UnfitVersion(ValueError):
    """An earlier version that does not parse or does not name itself by its version IRI."""


def read(root: Path) -> dict[str, bytes]:
    """The earlier versions under `root`, by version, each checked (UnfitVersion, in words)."""
    found = {}
    for path in sorted((Path(root) / FOLDER).glob("*.ttl")):
        data = path.read_bytes()
        try:
            named = {t.object for t in ox.parse(data, format=ox.RdfFormat.TURTLE) if t.predicate == VERSION_IRI}
        except SyntaxError as error:
            raise UnfitVersion(f"{FOLDER}/{path.name} does not parse: {error}") from None
        if ox.NamedNode(f"{ONTOLOGY_IRI}/{path.stem}") not in named:
            raise UnfitVersion(f"{FOLDER}/{path.name} does not name itself {ONTOLOGY_IRI}/{path.stem} (owl:versionIRI)")
        found[path.stem] = data
    return found


def file_name(version: str) -> str:
    """The release file of an earlier version."""
    return f"ontology-{version}.ttl"
