"""/changes and /changes/{version}: what changed in a release since the one before it.

The build compares each release with its predecessor and writes the result into the release as changes.ttl
(build/changes.py, which also reads it back); this module only shows it: as a page in the reader's language,
and as RDF in every graph format. /changes is the served release's changelog, /changes/{version} that of any
release in the releases folder. A first release has no changelog: its page says so, its RDF is a 404.
"""
from __future__ import annotations

from flask import Blueprint, Response

from ..build import changes
from ..build.release import Release
from ..formats import GRAPH_FORMATS, HTML
from ..namespaces import compact
from . import per_release, responses, served_release
from .conneg import choose, form_tag
from .documents import document_headers, rdf_response
from .dumps import release_of
from .site import missing, not_found, page_tag, reader, render_page, suffix_format

bp = Blueprint("changelog", __name__)
OFFERED = (HTML, *GRAPH_FORMATS)
SHOWN = 500  # resources listed per graph and kind on the page; the RDF lists all


@bp.route("/changes")
def latest() -> Response:
    """The changelog of the release being served."""
    return answer(served_release() or missing("error.no_release"), None)


@bp.route("/changes/<name>")
def of_version(name: str) -> Response:
    """The changelog of one release; `{version}.ttl` (or another graph format's extension) picks the format."""
    version, _, extension = name.partition(".")
    suffix = suffix_format(extension, GRAPH_FORMATS)
    return answer(release_of(version) or missing("error.no_version", version=version), suffix)


def answer(release: Release, suffix) -> Response:
    fmt, negotiated = choose(OFFERED, HTML, suffix=suffix)
    found = per_release.value(f"changes {release.version}", lambda: changes.read(release))
    if fmt is HTML:
        response = responses.conditional(page_tag(release.version), lambda: page(release, found))
    elif found is None:
        return not_found("error.no_changes", fmt, version=release.version)
    else:
        response = responses.conditional(responses.etag(release.version, "changes", fmt.key, form_tag()),
                                         lambda: rdf_response(found[1], fmt))
    _, link = reader()
    url = {f: link.url(f"changes/{release.version}" + ("" if f is HTML else f".{f.extension}")) for f in OFFERED}
    return document_headers(response, negotiated=negotiated, location=url[fmt],
                            alternates=[(f, url[f]) for f in OFFERED if f is not fmt and found])


def page(release: Release, found) -> Response:
    """The page: per graph the counts, then the resources added, removed and modified (with their properties)."""
    _, link = reader()
    log = found[0] if found else None
    sections = []
    for graph in changes.CONTENT_GRAPHS if log else ():
        added, removed = log.triples(graph)
        kinds = {kind: [c for c in log.resources if c.graph == graph and c.kind == kind] for kind in changes.KINDS}
        sections.append({"graph": graph, "name": changes.GRAPH_NAMES[graph], "triples": (added, removed),
                         "kinds": {kind: (items[:SHOWN], len(items)) for kind, items in kinds.items()}})
    rdf = [(fmt, link.url(f"changes/{release.version}.{fmt.extension}")) for fmt in GRAPH_FORMATS] if log else []
    return render_page("changes.html", release=release, log=log, sections=sections, rdf=rdf,
                       compact=lambda iri: compact(iri) or iri, shown=SHOWN)
