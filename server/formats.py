"""Every format the server speaks, defined once, as data: media types, URL suffixes, `format` names.

Content negotiation (web/conneg.py), URL suffixes, the `format` parameter, SPARQL result writers and dump
media types all look formats up here. This module is data only, because the release version hashes it
(the dumps' media types come from here): how a format is chosen for a request lives in web/conneg.py.
"""
from __future__ import annotations

from dataclasses import dataclass

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
        return f"{self.media_type}; charset=utf-8" if textual(self.media_type) else self.media_type

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def iri(self) -> str:
        """The format's IRI in W3C's "Unique URIs for File Formats" (what sd:resultFormat names)."""
        return _W3C_IRIS.get(self.key) or self.ox_format.iri


def textual(media_type: str) -> bool:
    """Whether a media type is text: it gets a charset, and is worth compressing."""
    return media_type.startswith("text/") or media_type.endswith(("json", "xml"))


# pyoxigraph 0.5 gives JSON-LD's IRI as https://www.w3.org/ns/formats/data/JSON-LD, which is not W3C's.
_W3C_IRIS = {"jsonld": "http://www.w3.org/ns/formats/JSON-LD"}


# Turtle is a subset of N3, so a client asking for N3 (older clients and SPARQLWrapper's N3 do) can read it.
TURTLE = Format("turtle", "text/turtle", "ttl", "rdf", "Turtle",
                ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
                ox.RdfFormat.TURTLE, "RDF_TURTLE", names=("n3",))
NTRIPLES = Format("ntriples", "application/n-triples", "nt", "rdf", "N-Triples", ("text/plain",), ox.RdfFormat.N_TRIPLES,
                  "RDF_N_TRIPLES")
# application/json and application/xml also select JSON-LD and RDF/XML where RDF is offered (a client asking a
# document for JSON or XML gets RDF it can read, not HTML or 406); where results are offered, SRJ and SRX win.
JSONLD = Format("jsonld", "application/ld+json", "jsonld", "rdf", "JSON-LD", ("application/json",), ox.RdfFormat.JSON_LD, "JSON_LD",
                names=("json-ld", "json"))
RDFXML = Format("rdfxml", "application/rdf+xml", "rdf", "rdf", "RDF/XML", ("application/xml",), ox.RdfFormat.RDF_XML, "RDF_XML",
                names=("rdf+xml", "xml"))
NQUADS = Format("nquads", "application/n-quads", "nq", "rdf", "N-Quads", (), ox.RdfFormat.N_QUADS, "RDF_N_QUADS")
SRJ = Format("json", "application/sparql-results+json", "srj", "results", "SPARQL Results JSON",
             ("application/json",), ox.QueryResultsFormat.JSON)
SRX = Format("xml", "application/sparql-results+xml", "srx", "results", "SPARQL Results XML",
             ("application/xml", "text/xml"), ox.QueryResultsFormat.XML)
CSV = Format("csv", "text/csv", "csv", "results", "CSV", (), ox.QueryResultsFormat.CSV)
TSV = Format("tsv", "text/tab-separated-values", "tsv", "results", "TSV", (), ox.QueryResultsFormat.TSV)
# A POST's parameters: the SPARQL Protocol's, short links', reconciliation's.
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
HTML = Format("html", "text/html", "html", "html", "HTML", ("application/xhtml+xml",))

# Error bodies (RFC 9457 problem details); not a data format, so not in FORMATS (no `format` key or suffix).
PROBLEM = Format("problem", "application/problem+json", "json", "error", "Problem details (JSON)", ("application/json",))

# Search results (web/search.py); plain JSON, not a data format, so not in FORMATS either.
JSON = Format("json", "application/json", "json", "json", "JSON")

# Media types of release files that are no format the server negotiates: a gzipped dump is a download
# (dcat:compressFormat), a CSV table's CSVW metadata (W3C Metadata Vocabulary for Tabular Data, §A).
GZIP_MEDIA_TYPE, CSVW_MEDIA_TYPE = "application/gzip", "application/csvm+json"

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
    name = name.partition(";")[0].strip().lower()  # a media type's parameters ("text/csv; charset=utf-8") aside
    # a "+" written into a URL by hand arrives as a space ("application/sparql-results json": a client developer's
    # review); no name has a space of its own
    name = name.replace(" ", "+")
    matches = [f for f in FORMATS if name in (f.key, f.extension, *f.media_types, *f.names)]
    return (next((f for f in matches if f.kind == kind), None) or next((f for f in matches if f.key == name), None)
            or next(iter(matches), None))


def by_extension(extension: str) -> Format | None:
    """A format by URL suffix ('ttl', 'jsonld', ...)."""
    return next((f for f in FORMATS if f.extension == extension.lower()), None)
