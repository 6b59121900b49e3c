"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

Tools read it to learn what the endpoint speaks: SPARQL 1.1 Query only, which result formats, that the
default graph is the union of the named graphs, and which named graphs there are with their sizes, the
limits every query and client is held to (`mpsc:limit`, each a schema:QuantitativeValue, and the page
that explains them), and the prefixes a query may use without declaring them (sparql.prefixes), each
as SHACL declares prefixes (`sh:declare` with `sh:prefix` and `sh:namespace`; the service description
vocabulary has no term for them). It links the VoID/DCAT description of the dataset, where licences, dumps and the
size of the whole are described.
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, VOID, XSD

from ..formats import Format
from ..iris import dataset as dataset_iri
from ..namespaces import MPSC, SCHEMA, SD, SH
from .prefixes import PREDEFINED

ENTAILMENT_SIMPLE = URIRef("http://www.w3.org/ns/entailment/Simple")


@dataclass(frozen=True)
class Limit:
    key: str  # the setting's name, also the fragment of its node
    variable: str  # the environment variable that sets it
    value: float
    unit: str
    names: dict[str, str]  # language -> what it limits


def service_description(endpoint: str, formats: list[Format], version: str, sizes: dict[str, int],
                        federated: bool, limits: list[Limit] = (), limits_page: str | None = None,
                        functions: tuple[str, ...] = ()) -> Graph:
    """The description of `endpoint`; `sizes` counts triples per named graph, `functions` are the IRIs of the
    extension functions the store evaluates (GeoSPARQL's on the embedded store)."""
    service, dataset, default = (URIRef(f"{endpoint}#{part}") for part in ("service", "dataset", "default-graph"))
    graph = Graph()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if federated:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT_SIMPLE))
    for fmt in formats:
        graph.add((service, SD.resultFormat, URIRef(fmt.iri)))
    for function in functions:
        graph.add((service, SD.extensionFunction, URIRef(function)))
        graph.add((URIRef(function), RDF.type, SD.Function))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDFS.seeAlso, dataset_iri()))
    graph.add((dataset_iri(), VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, OWL.versionInfo, Literal(version)))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    for number, (name, triples) in enumerate(sorted(sizes.items()), 1):
        _named_graph(graph, dataset, endpoint, number, name, triples)
    for limit in limits:
        _limit(graph, service, endpoint, limit)
    if limits_page:
        graph.add((service, RDFS.seeAlso, URIRef(limits_page)))
    for prefix, namespace in PREDEFINED.items():
        declaration = URIRef(f"{endpoint}#prefix-{prefix}")
        graph.add((service, SH.declare, declaration))
        graph.add((declaration, SH.prefix, Literal(prefix)))
        graph.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    return graph


def _limit(graph: Graph, service: URIRef, endpoint: str, limit: Limit) -> None:
    node = URIRef(f"{endpoint}#limit-{limit.key.replace('_', '-')}")
    graph.add((service, MPSC.limit, node))
    graph.add((node, RDF.type, SCHEMA.QuantitativeValue))
    graph.add((node, SCHEMA.value, Literal(limit.value)))
    graph.add((node, SCHEMA.unitText, Literal(limit.unit)))
    graph.add((node, SCHEMA.identifier, Literal(limit.variable)))
    for lang, name in limit.names.items():
        graph.add((node, SCHEMA.name, Literal(name, lang=lang)))


def _named_graph(graph: Graph, dataset: URIRef, endpoint: str, number: int, name: str, triples: int) -> None:
    named, described = URIRef(f"{endpoint}#named-graph-{number}"), URIRef(f"{endpoint}#graph-{number}")
    graph.add((dataset, SD.namedGraph, named))
    graph.add((named, RDF.type, SD.NamedGraph))
    graph.add((named, SD.name, URIRef(name)))
    graph.add((named, SD.graph, described))
    graph.add((described, RDF.type, SD.Graph))
    graph.add((described, VOID.triples, Literal(triples)))
