"""IRIs of the graph in one place: the canonical base, the vocabularies it reuses, and its named graphs."""
from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

BASE = "https://w3id.org/mpsc/"
ID = Namespace(BASE + "id/")
MPSC = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = BASE + "ontology"
GRAPH = Namespace(BASE + "graph/")
# The named graphs of every release (docs/model.md); a query without GRAPH sees their merge.
ONTOLOGY_GRAPH, PROGRAMME_GRAPH, REFERENCE_GRAPH, METADATA_GRAPH = (
    str(GRAPH[name]) for name in ("ontology", "programme", "reference", "metadata"))

SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
SPDX = Namespace("http://spdx.org/rdf/terms#")

PREFIXES = {
    "mpsc": MPSC,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "void": VOID,
    "foaf": FOAF,
    "org": ORG,
    "prov": PROV,
    "schema": SCHEMA,
    "geo": GEO,
    "vann": VANN,
    "wd": WD,
    "vcard": VCARD,
    "sd": SD,
    "sh": SH,
    "adms": ADMS,
    "dcatde": DCATDE,
    "spdx": SPDX,
}


# What names a thing, in order of preference: resources, concepts, DCAT records, agents.
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, DCTERMS.title, FOAF.name)


def bind_prefixes(graph):
    """Give every serialisation the same, readable prefixes."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def compact(iri: str, sep: str = ":") -> str | None:
    """`mpsc:Municipality` for an IRI in one of our namespaces (with `sep` between prefix and name), else None."""
    for prefix, namespace in PREFIXES.items():
        local = iri[len(str(namespace)):] if iri.startswith(str(namespace)) else ""
        if local and local.replace("_", "").replace("-", "").isalnum():
            return f"{prefix}{sep}{local}"
    return None
