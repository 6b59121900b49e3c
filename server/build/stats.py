"""Coverage of the graph, read from the release's VoID description (the numbers published with the data).

Coverage of a property for a class is the class partition's property partition `void:distinctSubjects`
over the partition's `void:entities`. VoID does not count per language, so the columns that do (projects'
descriptions in German and in English, English labels of the programme-level classes) are counted from
the release's programme dump, `mpsc.nt.gz`, in one streaming pass.
"""
from __future__ import annotations

import gzip
from collections import defaultdict
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SKOS

from ..namespaces import ADMS, DCTERMS, FOAF, GEO, GRAPH, MPSC, ORG, OWL, PROV, SCHEMA, VOID
from .release import PROGRAMME_DUMP, Release
from ..tables import aligned


class InLanguage(NamedTuple):
    """A column that counts the resources with a literal of `prop` in `language` (from the dump, not VoID)."""
    prop: str
    language: str


# What we report per class: column name -> properties (a resource counts if it has any of them; the
# Wikidata link is owl:sameAs on one role of a territory and schema:sameAs on the others, never both), or a
# property in one language (InLanguage).
COLUMNS = {
    "bodies": {
        "AGS": (MPSC.ags,), "ARS": (MPSC.ars,), "Wikidata": (OWL.sameAs, SCHEMA.sameAs),
        "coordinates": (GEO.hasGeometry,), "population": (MPSC.population,), "source": (DCTERMS.source,),
    },
    "projects": {
        "title": (MPSC.title,), "description": (DCTERMS.description,),
        "description de": InLanguage(DCTERMS.description, "de"), "description en": InLanguage(DCTERMS.description, "en"),
        "topics": (MPSC.topic,),
        "focus": (MPSC.focus,), "measures": (MPSC.measure,), "partners": (PROV.qualifiedAssociation,),
        "phase": (MPSC.phase,), "start": (SCHEMA.startDate,), "end": (SCHEMA.endDate,),
        "extended": (MPSC.extendedEndDate,), "status": (MPSC.statusNote,), "strategy": (MPSC.strategy,),
        "funding": (MPSC.fundingAmount,), "grant": (MPSC.federalGrant,), "volume": (MPSC.totalVolume,),
        "homepage": (FOAF.homepage,), "area": (DCTERMS.spatial,),
    },
    "cooperations": {"members": (ORG.hasMember,), "lead": (MPSC.leadMember,)},
    "measures": {"status": (ADMS.status,), "product": (MPSC.productName,), "topics": (MPSC.topic,),
                 "reuses": (MPSC.reuses,), "source": (DCTERMS.source,)},
    "strategies": {"year": (DCTERMS.issued,), "adopted": (DCTERMS.dateAccepted,), "address": (FOAF.page,),
                   "language": (DCTERMS.language,)},
    "funding figures": {"amount": (MPSC.fundingAmount,), "about": (MPSC.approximateAmount,),
                        "at least": (SCHEMA.minValue,), "up to": (SCHEMA.maxValue,), "rate": (MPSC.fundingRate,),
                        "year": (DCTERMS.date,)},
    "calls": {"published": (DCTERMS.issued,), "deadline": (SCHEMA.applicationDeadline,),
              "extended": (MPSC.extendedApplicationDeadline,), "jury date": (MPSC.juryDate,),
              "jury size": (MPSC.jurySize,), "criteria": (MPSC.evaluationCriterion,)},
    # Programme-level resources should have an English label (shapes: "English label wanted").
    "labels": {"English label": InLanguage(RDFS.label, "en")},
}
# The classes of the "labels" table: the programme-level resources that should have an English label (the
# shapes' "English label wanted"), the code lists' unit types and the concept schemes.
LABELLED = (MPSC.FundingProgramme, MPSC.FundingRound, MPSC.Call, MPSC.ProjectCategory, MPSC.FieldOfAction,
            MPSC.ProjectPhase, MPSC.FundingKind, MPSC.ConfidenceLevel, MPSC.MeasureStatus, MPSC.Role, MPSC.UnitType,
            MPSC.EvaluationCriterion, MPSC.CharterPrinciple, MPSC.DataStrategyGuideline, MPSC.Publication,
            MPSC.Measure, MPSC.FundingFigure, SKOS.ConceptScheme)
CLASSES = {
    MPSC.ModelProject: "projects", MPSC.Cooperation: "cooperations", MPSC.Measure: "measures",
    MPSC.SmartCityStrategy: "strategies", MPSC.FundingFigure: "funding figures", MPSC.Call: "calls",
    MPSC.Municipality: "bodies", MPSC.MunicipalAssociation: "bodies", MPSC.District: "bodies", MPSC.State: "bodies",
    MPSC.RegionalAssociation: "bodies", MPSC.MunicipalCompany: "bodies",
}
GRAPHS = ("programme", "reference")


def coverage(release: Release) -> list[dict]:
    """One row per graph and class: entity count and, per column, the number of resources covered."""
    void = Graph().parse(release.path / "void.ttl", format="turtle")
    tagged = tagged_subjects(release)
    rows = []
    for graph in GRAPHS:
        subset = GRAPH[graph]
        for partition in void.objects(subset, VOID.classPartition):
            cls = void.value(partition, VOID["class"])
            groups = [CLASSES[cls]] if cls in CLASSES else []
            groups += ["labels"] if graph == "programme" and cls in LABELLED else []
            counts = {void.value(pp, VOID.property): int(void.value(pp, VOID.distinctSubjects))
                      for pp in void.objects(partition, VOID.propertyPartition)}
            for group in groups:
                covered = {name: (len(tagged.get((str(cls), str(props.prop), props.language), ()))
                                  if isinstance(props, InLanguage) else sum(counts.get(p, 0) for p in props))
                           for name, props in COLUMNS[group].items()}
                rows.append({"graph": graph, "class": cls.split("#")[-1],
                             "group": group, "entities": int(void.value(partition, VOID.entities)),
                             "covered": covered})
    return sorted(rows, key=lambda r: (list(COLUMNS).index(r["group"]), GRAPHS.index(r["graph"]), r["class"]))


def tagged_subjects(release: Release) -> dict[tuple[str, str, str], set[str]]:
    """(class, property, language) -> the resources of the programme dump with such a literal, for the
    language columns of COLUMNS."""
    wanted = {str(props.prop) for columns in COLUMNS.values() for props in columns.values()
              if isinstance(props, InLanguage)}
    types: dict[str, set[str]] = defaultdict(set)
    literals: dict[tuple[str, str], set[str]] = defaultdict(set)
    with gzip.open(release.path / PROGRAMME_DUMP) as dump:
        for triple in ox.parse(dump, format=ox.RdfFormat.N_TRIPLES):
            predicate = triple.predicate.value
            if predicate == str(RDF.type):
                types[triple.subject.value].add(triple.object.value)
            elif predicate in wanted and isinstance(triple.object, ox.Literal) and triple.object.language:
                literals[(predicate, triple.object.language)].add(triple.subject.value)
    found: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for (predicate, language), subjects in literals.items():
        for subject in subjects:
            for cls in types.get(subject, ()):
                found[(cls, predicate, language)].add(subject)
    return found


def share(part: int, whole: int) -> str:
    """A percentage that says 100 and 0 only when it is all or nothing: 10,743 of 10,751 is "99.9", not "100" (an
    operator's review: the rounding hid the gaps the table is for)."""
    percent = 100 * part / whole
    if 0 < part < whole and (round(percent) in (0, 100)):
        return f"{min(max(percent, 0.1), 99.9):.1f}"
    return f"{percent:.0f}"


def render_table(rows: list[dict]) -> str:
    """Plain-text tables, one per group, with counts and percentages."""
    out = []
    for group, columns in COLUMNS.items():
        selected = [r for r in rows if r["group"] == group]
        if not selected:
            continue
        header = ["graph", "class", "entities", *columns]
        lines = [header]
        for r in selected:
            cells = [f"{r['covered'][c]:,} ({share(r['covered'][c], r['entities'])} %)" for c in columns]
            lines.append([r["graph"], r["class"], f"{r['entities']:,}", *cells])
        out.append(aligned(lines))
    languages = ", ".join(name for columns in COLUMNS.values() for name, props in columns.items()
                          if isinstance(props, InLanguage))
    out.append(f"({languages}: counted per language from {PROGRAMME_DUMP}; VoID counts properties, not languages)")
    return "\n\n".join(out)
