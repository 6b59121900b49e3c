"""The prefixes of the vocabularies the graph uses, as plain strings, and which of them a text needs.

namespaces.py makes rdflib namespaces of them. This module imports nothing but pyoxigraph, so that the query
executors (store/executor.py), which write CONSTRUCT and DESCRIBE results with these prefixes, run without rdflib:
it doubled the fork server's import time, spent before the release can load
(`python -X importtime -c "import server.store.forkserver"`).
"""
from __future__ import annotations

import pyoxigraph as ox

BASE = "https://w3id.org/mpsc/"
GRAPHS = BASE + "graph/"  # the named graphs' IRIs: GRAPHS + "programme", …

PREFIXES: dict[str, str] = {
    "mpsc": BASE + "ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "vann": "http://purl.org/vocab/vann/",
    "wd": "http://www.wikidata.org/entity/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "adms": "http://www.w3.org/ns/adms#",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "spdx": "http://spdx.org/rdf/terms#",
}


def prefixes_used(triples: list[ox.Triple]) -> dict[str, str]:
    """The prefixes every RDF writer declares: only those the triples need, so files stay short and diff-friendly.
    The triples are looked through as N-Triples that pyoxigraph writes: joining each one's `str` took ten times as
    long (1.4 s of a build's CPU, for its dumps)."""
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return {prefix: iri for prefix, iri in PREFIXES.items() if iri.encode() in text}
