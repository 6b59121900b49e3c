"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

Tools read it to learn what the endpoint speaks: SPARQL 1.1 Query only, which result formats, that the
default graph is the union of the named graphs, and which named graphs there are with their sizes. It
links the VoID/DCAT description of the dataset, where licences, dumps and the size of the whole are described.
"""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, VOID

from ..formats import Format
from ..namespaces import DATASET, SD

ENTAILMENT_SIMPLE = URIRef("http://www.w3.org/ns/entailment/Simple")


def service_description(endpoint: str, formats: list[Format], version: str, sizes: dict[str, int],
                        federated: bool) -> Graph:
    """The description of `endpoint`; `sizes` counts triples per named graph."""
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
        graph.add((service, SD.resultFormat, URIRef(fmt.ox_format.iri)))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDFS.seeAlso, DATASET))
    graph.add((DATASET, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, OWL.versionInfo, Literal(version)))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    for number, (name, triples) in enumerate(sorted(sizes.items()), 1):
        _named_graph(graph, dataset, endpoint, number, name, triples)
    return graph


def _named_graph(graph: Graph, dataset: URIRef, endpoint: str, number: int, name: str, triples: int) -> None:
    named, described = URIRef(f"{endpoint}#named-graph-{number}"), URIRef(f"{endpoint}#graph-{number}")
    graph.add((dataset, SD.namedGraph, named))
    graph.add((named, RDF.type, SD.NamedGraph))
    graph.add((named, SD.name, URIRef(name)))
    graph.add((named, SD.graph, described))
    graph.add((described, RDF.type, SD.Graph))
    graph.add((described, VOID.triples, Literal(triples)))
