"""RELEASE-NOTES.md: what a release holds, under which licence, and every source it was built from."""
from __future__ import annotations

from collections import Counter

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV

from . import changes
from .licences import LICENCES


def release_notes(version: str, modified: str, graphs: dict[str, Graph], metadata: Graph, files: list[dict],
                  found: changes.Changes | None = None) -> str:
    """Markdown notes: graphs with counts and provenance, changes since the previous release, files with
    licences, then all cited sources."""
    lines = [f"# Release {version}", "", f"Modified: {modified}", "", "## Named graphs", "",
             "| graph | triples | licence | derived from |", "|---|---|---|---|"]
    for name, graph in sorted(graphs.items()):
        licence = metadata.value(URIRef(name), DCTERMS.license)
        derived = ", ".join(sorted(str(s) for s in metadata.objects(URIRef(name), PROV.wasDerivedFrom)))
        lines.append(f"| `{name}` | {len(graph):,} | {licence or ''} | {derived} |")
    lines += ["", *changes.notes_section(found), "## Files", "", "| file | bytes | licence | SHA-256 |", "|---|---|---|---|"]
    for entry in files:
        licence = LICENCES[entry["licence"]].named("en")
        lines.append(f"| `{entry['name']}` | {entry.get('bytes', '')} | {licence} | `{entry.get('sha256', '')}` |")
    lines += ["", "Attribution for the reference data: © Statistisches Bundesamt (Destatis); Wikidata identifiers CC0 1.0.",
              "", "## Sources", "", "Every page a published fact was read from, with the number of resources citing it.", ""]
    # A resource described in two graphs (a body in the programme and the register) cites a page once.
    citing = {(str(page), s) for g in graphs.values() for s, page in g.subject_objects(DCTERMS.source)}
    cited = Counter(page for page, _ in citing)
    lines += [f"- <{url}> ({count})" for url, count in sorted(cited.items())]
    return "\n".join(lines) + "\n"
