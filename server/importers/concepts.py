"""SKOS schemes: the Smart City Charta, the 2020 evaluation criteria, fields of action and code lists."""
from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .. import iris
from ..namespaces import MPSC
from .register import slugify
from .sources import CONFIDENCE, Sources, clean_note, source_iris

# The collector wrote reading remarks into some Charta labels; they become editorial notes instead.
LABEL_REMARKS = [
    r"\s*\(Text im Auszug abgeschnitten\)", r"\s*–\s*Thema laut Querverweis, amtliche Überschrift nicht gesehen",
    r"\s*\(Wortlaut in der Charta ggf\. abweichend\)", r"\s*\(topic per cross-reference\)",
]
CHARTER_KINDS = {"aim": "aim", "normative-vision-attribute": "vision", "guideline": "guideline", "recommendation": "recommendation"}
CATEGORIES = {
    "grossstadt": ("Großstädte", "Large cities"),
    "mittelstadt": ("Mittelstädte", "Medium-sized towns"),
    "kleinstadt-landgemeinde": ("Kleinstädte und Landgemeinden", "Small towns and rural municipalities"),
    "kooperation-landkreis": ("Interkommunale Kooperationen und Landkreise", "Inter-municipal cooperations and districts"),
}
CODE_LISTS = {
    "phase": (MPSC.ProjectPhase, "Projektphasen", "Project phases", {
        "direct-implementation": ("direkte Umsetzung", "direct implementation"),
        "strategy-first": ("Strategiephase vor der Umsetzung", "strategy phase before implementation"),
    }),
    "funding-kind": (MPSC.FundingKind, "Arten von Förderbeträgen", "Kinds of funding amounts", {
        "federal-grant": ("Bundeszuwendung", "federal grant"),
        "total-volume": ("Gesamtvolumen des Projekts", "total project volume"),
        "unspecified": ("nicht angegeben, ob Zuwendung oder Volumen", "not stated whether grant or volume"),
    }),
    "confidence": (MPSC.ConfidenceLevel, "Belegstufen", "Confidence levels", {
        "confirmed": ("bestätigt (zwei oder mehr Quellen oder amtliche Quelle)", "confirmed (two or more sources or an official page)"),
        "single-source": ("eine Quelle", "single source"),
        "uncertain": ("unsicher (erschlossen oder nur mittelbar belegt)", "uncertain (inferred or known only at second hand)"),
    }),
}


def concept_triples(iri: URIRef, scheme: URIRef, de: str, en: str | None, *, notation: str | None = None,
                    top: bool = False, broader: URIRef | None = None):
    """The SKOS triples every concept carries: labels in both properties, scheme, place in the hierarchy."""
    yield iri, RDF.type, SKOS.Concept
    yield iri, SKOS.inScheme, scheme
    for lang, text in (("de", de), ("en", en)):
        if text:
            yield iri, RDFS.label, Literal(text, lang=lang)
            yield iri, SKOS.prefLabel, Literal(text, lang=lang)
    if notation:
        yield iri, SKOS.notation, Literal(notation)
    if top:
        yield iri, SKOS.topConceptOf, scheme
        yield scheme, SKOS.hasTopConcept, iri
    if broader is not None:
        yield iri, SKOS.broader, broader
        yield broader, SKOS.narrower, iri


def categories(sources: Sources) -> Graph:
    """The programme's four size groupings as a SKOS scheme, sourced from the round announcements."""
    graph = Graph()
    scheme = _scheme(graph, "category", "Projektkategorien der Modellprojekte Smart Cities",
                     "Project categories of the Smart Cities model projects")
    round_sources = sorted({s for row in sources.rounds for s in source_iris(row["sources"])})
    for slug, (de, en) in CATEGORIES.items():
        iri = iris.category(slug)
        for triple in concept_triples(iri, scheme, de, en, notation=slug, top=True):
            graph.add(triple)
        graph.add((iri, RDF.type, MPSC.ProjectCategory))
        for source in round_sources:
            graph.add((iri, DCTERMS.source, source))
    return graph


def _clean_label(text: str) -> tuple[str, bool]:
    cleaned = text
    for pattern in LABEL_REMARKS:
        cleaned = re.sub(pattern, "", cleaned)
    return cleaned.strip(), cleaned != text


def charter_iri(row: dict) -> URIRef:
    """`guideline-1`, `recommendation-1.1`, `vision-3`, `aim-2` from the source ids L1, 1.1, SCC-V3, SCC-AIM-2."""
    kind = CHARTER_KINDS[row["type"]]
    number = re.sub(r"^(SCC-AIM-|SCC-V|L)", "", row["id"])
    return iris.charter_principle(f"{kind}-{number}")


def charter(sources: Sources) -> Graph:
    """The Charta as a scheme: guidelines on top, recommendations below; aims and vision as collections."""
    graph, scheme = Graph(), iris.scheme("charter")
    document = next(r for r in sources.charter if r["type"] == "document")
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, Literal(document["label_de"], lang="de")))
    graph.add((scheme, RDFS.label, Literal(document["label_en"], lang="en")))
    graph.add((scheme, DCTERMS.issued, Literal("2017-05", datatype=XSD.gYearMonth)))
    graph.add((scheme, RDFS.comment, Literal(clean_note(document["note"]), lang="en")))
    for source in source_iris(document["sources"]):
        graph.add((scheme, DCTERMS.source, source))
    collections = {"aim": _collection(graph, "aims", "Ziele der Charta", "Aims of the Charter"),
                   "vision": _collection(graph, "vision", "Normatives Leitbild", "Normative vision")}
    for row in sources.charter:
        if row["type"] in CHARTER_KINDS:
            _add_principle(graph, scheme, row, collections)
    return graph


def _collection(graph: Graph, slug: str, de: str, en: str) -> URIRef:
    iri = iris.charter_principle(slug)
    graph.add((iri, RDF.type, SKOS.Collection))
    graph.add((iri, RDFS.label, Literal(de, lang="de")))
    graph.add((iri, RDFS.label, Literal(en, lang="en")))
    return iri


def _add_principle(graph: Graph, scheme: URIRef, row: dict, collections: dict) -> None:
    kind, iri = CHARTER_KINDS[row["type"]], charter_iri(row)
    de, remark_de = _clean_label(row["label_de"])
    en, remark_en = _clean_label(row["label_en"])
    number = {"guideline": row["id"][1:], "recommendation": row["id"]}.get(kind)
    broader = iris.charter_principle(f"guideline-{row['parent'][1:]}") if kind == "recommendation" else None
    for triple in concept_triples(iri, scheme, de, en, notation=number, top=kind == "guideline", broader=broader):
        graph.add(triple)
    graph.add((iri, RDF.type, MPSC.CharterPrinciple))
    graph.add((iri, MPSC.confidence, CONFIDENCE[row["confidence"]]))
    if kind in collections:
        graph.add((collections[kind], SKOS.member, iri))
    if row["note"] or remark_de or remark_en:
        note = clean_note(row["note"]) or "The label paraphrases a cross-reference; the official heading was not read."
        graph.add((iri, SKOS.editorialNote, Literal(note, lang="en")))
    for source in source_iris(row["sources"]):
        graph.add((iri, DCTERMS.source, source))


def criteria(sources: Sources) -> Graph:
    """The evaluation criteria of the 2020 call: four groups with the sub-criteria the sources list."""
    graph, scheme = Graph(), iris.scheme("criterion")
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, Literal("Bewertungskriterien des Förderaufrufs 2020", lang="de")))
    graph.add((scheme, RDFS.label, Literal("Evaluation criteria of the 2020 call", lang="en")))
    for row in sources.criteria:
        if row["type"] not in ("criterion-group", "criterion"):
            continue  # the selection procedure's steps are not criteria
        iri = iris.criterion(row["id"].lower())
        group = row["type"] == "criterion-group"
        broader = None if group else iris.criterion(row["parent"].lower())
        for triple in concept_triples(iri, scheme, row["label_de"], row["label_en"], top=group, broader=broader):
            graph.add(triple)
        graph.add((iri, RDF.type, MPSC.EvaluationCriterion))
        graph.add((iri, MPSC.confidence, CONFIDENCE[row["confidence"]]))
        if group:
            graph.add((iris.round(2020), MPSC.evaluationCriterion, iri))
        note = "; ".join(filter(None, [row["note"], "call year probable, not certain" if "probable" in row["call_year"] else ""]))
        if note:
            graph.add((iri, SKOS.editorialNote, Literal(clean_note(note), lang="en")))
        for source in source_iris(row["sources"]):
            graph.add((iri, DCTERMS.source, source))
    return graph


def fields_of_action(sources: Sources, terms_by_field: dict[str, set[str]]) -> Graph:
    """Our fields of action; each lists as hidden labels the source terms mapped to it."""
    graph, scheme = Graph(), iris.scheme("topic")
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, Literal("Handlungsfelder der Modellprojekte", lang="de")))
    graph.add((scheme, RDFS.label, Literal("Fields of action of the model projects", lang="en")))
    graph.add((scheme, RDFS.comment, Literal(
        "Editorial grouping of the topic terms the sources use; each concept lists the terms mapped to it as "
        "skos:hiddenLabel. The rules are in sources/curation/topics.csv.", lang="en")))
    for row in sources.topics:
        iri = iris.topic(row["slug"])
        for triple in concept_triples(iri, scheme, row["label_de"], row["label_en"], top=True):
            graph.add(triple)
        graph.add((iri, RDF.type, MPSC.FieldOfAction))
        for term in sorted(terms_by_field.get(row["slug"], ())):
            graph.add((iri, SKOS.hiddenLabel, Literal(term, lang="en")))
    return graph


def code_lists(sources: Sources) -> Graph:
    """Small controlled vocabularies: project phases, kinds of funding figure, confidence, unit types."""
    graph = Graph()
    for slug, (cls, de, en, members) in CODE_LISTS.items():
        scheme = _scheme(graph, slug, de, en)
        for member, (mde, men) in members.items():
            for triple in concept_triples(iris.concept(slug, member), scheme, mde, men, top=True):
                graph.add(triple)
            graph.add((iris.concept(slug, member), RDF.type, cls))
    scheme = _scheme(graph, "unit-type", "Gebietstypen des Gemeindeverzeichnisses", "Unit types of the municipal register")
    for row in sources.unit_types:
        iri = iris.unit_type(slugify(row["label_de"]))
        for triple in concept_triples(iri, scheme, row["label_de"], row["label_en"], notation=row["notation"] or None, top=True):
            graph.add(triple)
        graph.add((iri, RDF.type, MPSC.UnitType))
    return graph


def _scheme(graph: Graph, slug: str, de: str, en: str) -> URIRef:
    scheme = iris.scheme(slug)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, Literal(de, lang="de")))
    graph.add((scheme, RDFS.label, Literal(en, lang="en")))
    return scheme
