"""Every format the server speaks, defined once, and content negotiation over them.

Conneg, URL suffixes, the `format` parameter, SPARQL result writers and dump media types all look formats
up here. Negotiation follows Oxigraph's server: an explicit choice (suffix or `format`) wins, then the
Accept header scored by quality and specificity (`*/*` < `type/*` < exact), then the default; nothing
acceptable means 406 with the list of offered types.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    key: str  # value of the `format` parameter
    media_type: str
    extension: str  # URL suffix without the dot
    kind: str  # "rdf" (graphs), "results" (SELECT/ASK), "html"
    label: str
    aliases: tuple[str, ...] = ()  # further media types that select this format
    ox_format: object = None  # pyoxigraph RdfFormat or QueryResultsFormat
    eu_file_type: str | None = None  # code in the EU file-type authority table (DCAT-AP dcterms:format)
    names: tuple[str, ...] = ()  # further `format` values other endpoints and SPARQLWrapper use for it

    @property
    def content_type(self) -> str:
        """Media type with charset for textual formats, as sent in Content-Type."""
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


TURTLE = Format("turtle", "text/turtle", "ttl", "rdf", "Turtle", ("application/x-turtle",), ox.RdfFormat.TURTLE,
                "RDF_TURTLE", names=("n3",))
NTRIPLES = Format("ntriples", "application/n-triples", "nt", "rdf", "N-Triples", ("text/plain",), ox.RdfFormat.N_TRIPLES,
                  "RDF_N_TRIPLES")
JSONLD = Format("jsonld", "application/ld+json", "jsonld", "rdf", "JSON-LD", (), ox.RdfFormat.JSON_LD, "JSON_LD",
                names=("json-ld", "json"))
RDFXML = Format("rdfxml", "application/rdf+xml", "rdf", "rdf", "RDF/XML", (), ox.RdfFormat.RDF_XML, "RDF_XML",
                names=("rdf+xml", "xml"))
NQUADS = Format("nquads", "application/n-quads", "nq", "rdf", "N-Quads", (), ox.RdfFormat.N_QUADS, "RDF_N_QUADS")
SRJ = Format("json", "application/sparql-results+json", "srj", "results", "SPARQL Results JSON",
             ("application/json",), ox.QueryResultsFormat.JSON)
SRX = Format("xml", "application/sparql-results+xml", "srx", "results", "SPARQL Results XML",
             ("application/xml", "text/xml"), ox.QueryResultsFormat.XML)
CSV = Format("csv", "text/csv", "csv", "results", "CSV", (), ox.QueryResultsFormat.CSV)
TSV = Format("tsv", "text/tab-separated-values", "tsv", "results", "TSV", (), ox.QueryResultsFormat.TSV)
HTML = Format("html", "text/html", "html", "html", "HTML", ("application/xhtml+xml",))

# Error bodies (RFC 9457 problem details); not a data format, so not in FORMATS (no `format` key or suffix).
PROBLEM = Format("problem", "application/problem+json", "json", "error", "Problem details (JSON)", ("application/json",))

FORMATS = (HTML, TURTLE, JSONLD, RDFXML, NTRIPLES, NQUADS, SRJ, SRX, CSV, TSV)
# What a graph document (resource description, CONSTRUCT/DESCRIBE result) can be rendered as, in
# server preference order; N-Quads is for datasets and appears only in dumps.
GRAPH_FORMATS = (TURTLE, JSONLD, RDFXML, NTRIPLES)
RESULT_FORMATS = (SRJ, SRX, CSV, TSV)


def by_name(name: str, kind: str | None = None) -> Format | None:
    """The format a `format` value names: a key, media type, file extension or one of its other `names`.

    A name that fits a format of `kind` means that one: for graphs ("rdf") "json" is JSON-LD and "xml"
    RDF/XML, as on Virtuoso and in SPARQLWrapper; otherwise a key wins ("json": SPARQL Results JSON).
    """
    name = name.strip().lower()
    matches = [f for f in FORMATS if name in (f.key, f.extension, *f.media_types, *f.names)]
    return (next((f for f in matches if f.kind == kind), None) or next((f for f in matches if f.key == name), None)
            or next(iter(matches), None))


def by_extension(extension: str) -> Format | None:
    """A format by URL suffix ('ttl', 'jsonld', ...)."""
    return next((f for f in FORMATS if f.extension == extension.lower()), None)


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """How closely this range matches a media type: 2 exact, 1 type/*, 0 */*, None no match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != main:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def parse_accept(header: str | None) -> list[_Range]:
    """Media ranges of an Accept header; parameters other than q are ignored (they never select a format here)."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        main, _, sub = media.partition("/")
        ranges.append(_Range(main, sub, q))
    return ranges


def quality(ranges: Iterable[_Range], fmt: Format) -> float:
    """The q a client gives a format: the most specific matching range decides (RFC 9110 §12.5.1)."""
    best_spec, best_q = -1, 0.0
    for media_type in fmt.media_types:
        for r in ranges:
            spec = r.specificity(media_type)
            if spec is not None and (spec > best_spec or (spec == best_spec and r.q > best_q)):
                best_spec, best_q = spec, r.q
    return best_q if best_spec >= 0 else 0.0


def negotiate(accept: str | None, offered: Sequence[Format], default: Format | None = None) -> Format | None:
    """The offered format the Accept header prefers; the default (or the first offered) when there is no header."""
    ranges = parse_accept(accept)
    if not ranges:
        return default or offered[0]
    scored = [(quality(ranges, f), -i, f) for i, f in enumerate(offered)]
    # A wildcard-only header expresses no preference: keep the server's default.
    if default in offered and all(r.type == "*" for r in ranges) and quality(ranges, default) > 0:
        return default
    q, _, fmt = max(scored, key=lambda t: (t[0], t[1]))
    return fmt if q > 0 else None


def offered_types(offered: Sequence[Format]) -> list[str]:
    """The media types to name in a 406 response."""
    return [f.media_type for f in offered]
