"""The graph's vocabularies as rdflib namespaces, its named graphs and the order of label properties (the base IRI
and the prefixes, as plain strings, are in prefixes.py)."""
from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD  # noqa: F401 (re-exported)

from .prefixes import BASE, GRAPHS, PREFIXES as PREFIX_IRIS

ID = Namespace(BASE + "id/")
MPSC = Namespace(PREFIX_IRIS["mpsc"])
ONTOLOGY_IRI = BASE + "ontology"
GRAPH = Namespace(GRAPHS)
# The named graphs of every release (docs/model.md); a query without GRAPH sees their merge.
ONTOLOGY_GRAPH, PROGRAMME_GRAPH, REFERENCE_GRAPH, METADATA_GRAPH = (
    str(GRAPH[name]) for name in ("ontology", "programme", "reference", "metadata"))

SCHEMA = Namespace(PREFIX_IRIS["schema"])
GEO = Namespace(PREFIX_IRIS["geo"])
WD = Namespace(PREFIX_IRIS["wd"])
VCARD = Namespace(PREFIX_IRIS["vcard"])
SD = Namespace(PREFIX_IRIS["sd"])
SH = Namespace(PREFIX_IRIS["sh"])
ADMS = Namespace(PREFIX_IRIS["adms"])
DCATDE = Namespace(PREFIX_IRIS["dcatde"])
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3's; rdflib's DCAT namespace holds DCAT 2's terms only
VANN = Namespace(PREFIX_IRIS["vann"])
BIBO_STATUS = URIRef("http://purl.org/ontology/bibo/status")  # the ontology's status, as FOOPS! reads it

# The prefixes every serialisation binds (prefixes.py has them as strings).
PREFIXES = {prefix: Namespace(iri) for prefix, iri in PREFIX_IRIS.items()}


# What names a thing, in order of preference: resources, concepts, DCAT records, agents.
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, DCTERMS.title, FOAF.name)
# The property that states a funding figure's amount, by how the source bounds it: exact (""); only a bound ("über",
# "bis zu": schema:minValue, maxValue); a round figure given as such ("rund", "about"; sources/curation/funding.csv).
AMOUNT_BY_BOUND = {"": MPSC.fundingAmount, "min": SCHEMA.minValue, "max": SCHEMA.maxValue,
                   "about": MPSC.approximateAmount}


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
