"""schema.org JSON-LD for a resource page, embedded for search engines (pyLODE and Skosmos do the same).

Search engines read schema.org, not our ontology, so each page gets a small description in schema.org
terms: its type, name, description, identifiers, place and, for the dataset, what Google Dataset Search
asks for. IRIs stay canonical; `url` is the page itself.
"""
from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, RDF, SKOS

from ..build.licences import LICENCES_BY_IRI
from ..namespaces import MPSC, SCHEMA
from .page_model import Namer, Page

TYPES = {
    # A round is typed nothing here, though the ontology makes it a schema:Event: search engines read an Event as
    # one to show, which needs a start and a place (a search engine's review: Search Console reports it invalid).
    MPSC.ModelProject: "Project",
    MPSC.State: "AdministrativeArea", MPSC.District: "AdministrativeArea",
    MPSC.MunicipalAssociation: "AdministrativeArea", MPSC.Municipality: "AdministrativeArea",
    MPSC.Cooperation: "Organization", MPSC.RegionalAssociation: "Organization",
    MPSC.MunicipalCompany: "Organization", MPSC.Organisation: "Organization", ORG.Organization: "Organization",
    FOAF.Organization: "Organization",
    # A measure is a project within a project; a strategy a document; the programme a scheme of grants.
    MPSC.Measure: "Project", MPSC.SmartCityStrategy: "CreativeWork", MPSC.FundingProgramme: "FundingScheme",
    SKOS.Concept: "DefinedTerm", SKOS.ConceptScheme: "DefinedTermSet",
    DCAT.Dataset: "Dataset", DCAT.Distribution: "DataDownload", DCAT.Catalog: "DataCatalog",
    DCAT.DataService: "WebAPI",
}
# schema.org dates an Organization (and its subtypes Project and FundingScheme) by foundingDate and
# dissolutionDate; startDate and endDate belong to events and series, none of our types (validators flagged them).
DATED = ("Project", "Organization", "FundingScheme")
# Dataset Search reads a licence from its text's URL, not from the IRI DCAT-AP.de names it by.
LICENCE_TEXTS = {name: licence.url for name, licence in LICENCES_BY_IRI.items()}
# The EU's language authority (DCAT-AP's dcterms:language) as BCP 47 codes, which schema.org's inLanguage takes.
LANGUAGE_CODES = {"http://publications.europa.eu/resource/authority/language/DEU": "de",
                  "http://publications.europa.eu/resource/authority/language/ENG": "en"}


def schema_org(graph: Graph, page: Page, namer: Namer, url: str) -> dict:
    """The JSON-LD object (a dict, serialised by the template's `tojson`, which escapes `<`)."""
    node = URIRef(page.iri)
    types = [TYPES[t] for t in TYPES if (node, RDF.type, t) in graph]  # in TYPES' order, not the store's
    data = {"@context": "https://schema.org", "@type": types[0] if types else "Thing", "@id": page.iri,
            "name": page.label, "url": url}
    if page.description:
        data["description"] = page.description
    same = sorted(str(o) for p in (OWL.sameAs, SCHEMA.sameAs) for o in graph.objects(node, p))
    if same:
        data["sameAs"] = same
    if page.point:
        data["geo"] = {"@type": "GeoCoordinates", "longitude": page.point[0], "latitude": page.point[1]}
    places = [{"@id": str(o), "name": namer.label(o)} for o in sorted(graph.objects(node, SCHEMA.containedInPlace))]
    if places:
        data["containedInPlace"] = places
    # The end is a decided extension's where there is one: the page shows it, and the planned end has passed.
    dates = (("foundingDate", (SCHEMA.startDate,)), ("dissolutionDate", (MPSC.extendedEndDate, SCHEMA.endDate)))
    for key, props in (("identifier", (MPSC.ags, DCTERMS.identifier)), *(dates if data["@type"] in DATED else ())):
        value = next((v for v in (graph.value(node, prop) for prop in props) if v is not None), None)
        if value is not None:
            data[key] = str(value)
    if data["@type"] == "Dataset":
        data.update(dataset_fields(graph, node, namer))
    elif data["@type"] == "DataCatalog":
        data["dataset"] = [named("Dataset", d, namer) for d in sorted(graph.objects(node, DCAT.dataset))]
    elif data["@type"] == "DataDownload":
        data.update({k: v for k, v in download(graph, node, namer).items() if k not in data})
    return data


def named(kind: str, node, namer: Namer) -> dict:
    return {"@type": kind, "@id": str(node), "name": namer.label(node)}


def download(graph: Graph, node, namer: Namer) -> dict:
    """A distribution as schema.org's DataDownload: where to get it (none for the endpoint, which has an access
    URL only: a review found "None") and in what format. The file's own type: a gzipped file's is gzip (DCAT
    states the payload's as dcat:mediaType)."""
    url, size = graph.value(node, DCAT.downloadURL), graph.value(node, DCAT.byteSize)
    found = {"@type": "DataDownload", "name": namer.label(node), "contentUrl": str(url) if url else "",
            "encodingFormat": str(graph.value(node, DCAT.compressFormat) or graph.value(node, DCAT.mediaType) or ""
                                  ).rsplit("media-types/", 1)[-1],
            # each file's own licence and size (a FAIR assessor's review: the dataset listed its licences only)
            "license": LICENCE_TEXTS.get(str(graph.value(node, DCTERMS.license)), ""),
            "contentSize": f"{int(size.toPython())} bytes" if size is not None else ""}
    return {key: value for key, value in found.items() if value}


def dataset_fields(graph: Graph, node, namer: Namer) -> dict:
    """Licence, publisher, keywords, dates, catalogue and downloads: the fields Google Dataset Search reads."""
    downloads = [download(graph, d, namer) for d in sorted(graph.objects(node, DCAT.distribution))
                 if graph.value(d, DCAT.downloadURL)]
    period = graph.value(node, DCTERMS.temporal)
    start, end = (graph.value(period, DCAT.startDate), graph.value(period, DCAT.endDate)) if period else (None, None)
    publisher = graph.value(node, DCTERMS.publisher)
    # The dataset's licence, else those of its files (the programme and the register are licensed differently).
    licences = sorted({str(o) for o in graph.objects(node, DCTERMS.license)}
                      or {str(o) for d in graph.objects(node, DCAT.distribution) for o in graph.objects(d, DCTERMS.license)})
    licences = [LICENCE_TEXTS.get(licence, licence) for licence in licences]
    fields = {
        "license": licences[0] if len(licences) == 1 else licences,
        "datePublished": str(graph.value(node, DCTERMS.issued) or ""),
        "includedInDataCatalog": [named("DataCatalog", c, namer) for c in sorted(graph.subjects(DCAT.dataset, node))],
        "keywords": sorted({str(k) for k in graph.objects(node, DCAT.keyword) if k.language == namer.lang}),
        "dateModified": str(graph.value(node, DCTERMS.modified) or ""),
        "version": str(graph.value(node, OWL.versionInfo) or ""),
        "isAccessibleForFree": True,
        "inLanguage": sorted(LANGUAGE_CODES[str(o)] for o in graph.objects(node, DCTERMS.language)
                             if str(o) in LANGUAGE_CODES),
        "spatialCoverage": "Deutschland" if namer.lang == "de" else "Germany",
        "temporalCoverage": f"{start}/{end or '..'}" if start else "",  # ISO 8601, open at the end
        "distribution": downloads,
    }
    if publisher is not None:
        fields["publisher"] = fields["creator"] = {"@type": "Organization", "@id": str(publisher),
                                                   "name": namer.label(publisher)}
    return {k: v for k, v in fields.items() if v not in ("", [])}
