"""The one mapping between canonical IRIs (https://w3id.org/mpsc/…) and this deployment's URLs.

The data always names things by their canonical IRI; the server answers the same paths under its own
public base (`Settings.base_url`). Resource IRIs `…/id/{path}` are described by documents
`/doc/{path}`; hash IRIs (`…/municipality/09461000#geometry`) belong to their base resource's document
and become anchors in it; the ontology and its `#Term`s are the document `/ontology`, the catalogue the
document `/catalog`. Every other IRI under the canonical base (site pages, dumps, the endpoint, the
ontology's version IRIs) keeps its path.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode

from .. import iris
from ..formats import GRAPH_FORMATS, HTML, Format, by_extension
from ..namespaces import BASE, GRAPH, ID, ONTOLOGY_IRI

# Documents at their own path instead of under /doc/, with the same format suffixes (/ontology.ttl).
NAMED_DOCUMENTS = {ONTOLOGY_IRI: "ontology", str(iris.catalog_document()): "catalog"}
SITE_PATHS = ("", "sparql", "dumps/", "ontology/")  # other canonical paths this server answers itself
DOCUMENT_FORMATS = (HTML, *GRAPH_FORMATS)  # what a resource or the ontology can be shown as


# Characters an IRI may carry that a URI may not are percent-encoded (RFC 3987 §3.1); these stay as they are.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"


def to_uri(iri: str) -> str:
    """The URI of an IRI: non-ASCII and other characters not allowed in URIs percent-encoded, so the value
    fits into HTTP headers (Location, Link, Content-Location), which carry ASCII only."""
    return quote(iri, safe=_URI_SAFE)


def web_link(iri: str) -> str | None:
    """`iri` as a link target if it is an http(s) IRI, else None.

    Only web IRIs may become links anywhere on the site: an IRI from the data or a query result may use any
    scheme, and `javascript:`, `data:` or `vbscript:` links run script when clicked, so they are shown as text.
    """
    return iri if iri[:8].lower().startswith(("http://", "https://")) else None


def iri_for(path: str) -> str:
    """The canonical IRI of the resource `/id/{path}` or `/doc/{path}` names."""
    return ID + path


def graph_iri_for(path: str) -> str:
    """The canonical IRI of the named graph or VoID partition `/graph/{path}` names."""
    return GRAPH + path


def split_suffix(path: str) -> tuple[str, Format | None]:
    """`project/bamberg.ttl` -> (`project/bamberg`, TURTLE); a dot that names no format stays (`recommendation-1.1`)."""
    stem, dot, extension = path.rpartition(".")
    fmt = by_extension(extension) if dot else None
    return (stem, fmt) if fmt in DOCUMENT_FORMATS else (path, None)


def document_path(iri: str, fmt: Format | None = None) -> str | None:
    """The site path (no leading slash) of the document about a canonical IRI; None for IRIs we don't serve.

    With `fmt`, the path of that concrete representation (`doc/project/bamberg.ttl`); fragments
    survive as anchors of the HTML document only.
    """
    if not iri.startswith(BASE):
        return None
    base, hash_, fragment = iri.partition("#")
    suffix = f".{fmt.extension}" if fmt else ""
    if base in NAMED_DOCUMENTS:
        path = NAMED_DOCUMENTS[base] + suffix
    elif base.startswith(ID):
        path = "doc/" + iris.path_of(base) + suffix
    elif base.startswith((GRAPH, ONTOLOGY_IRI + "/")):  # named graphs, their VoID partitions and the ontology's
        path = base[len(BASE):] + suffix                    # versions answer under their own IRI
    elif _is_site_path(base[len(BASE):]):
        path = base[len(BASE):]
    else:
        return None
    return path + (hash_ + fragment if fmt in (None, HTML) else "")


def _is_site_path(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in SITE_PATHS)


class Linker:
    """Turns canonical IRIs into absolute links on this deployment, keeping the reader's language choice."""

    def __init__(self, public_base: str, lang_param: str | None = None):
        self.base = public_base
        self.lang_param = lang_param  # "en" when the reader chose it with ?lang=, carried to every page

    def url(self, path: str, /, **params) -> str:
        """An absolute URL of a site path, with the language switch and any query parameters (a list: the
        parameter repeated)."""
        path, hash_, fragment = path.partition("#")
        params = {k: v for k, v in params.items() if v not in (None, "", [])}
        if self.lang_param and "lang" not in params:
            params["lang"] = self.lang_param
        query = "?" + urlencode(params, doseq=True) if params else ""
        return to_uri(self.base + path) + query + hash_ + to_uri(fragment)

    def resource(self, iri: str) -> str | None:
        """Where a canonical IRI is answered here (a resource's HTML page, a dump file), or None when it is not ours."""
        path = document_path(str(iri))
        return None if path is None else self.url(path)

    def document(self, iri: str, fmt: Format, lang: str | None = None) -> str:
        """The absolute URL of one concrete representation: for a page with `lang`, the page in that language
        (`?lang=`), which is what a Content-Location names; RDF is multilingual and has no language parameter."""
        path, hash_, fragment = document_path(str(iri), fmt).partition("#")
        query = f"?lang={lang}" if lang and fmt is HTML else ""
        return to_uri(self.base + path) + query + (hash_ + to_uri(fragment) if hash_ else "")
