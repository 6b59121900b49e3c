"""Coverage of the graph, read from the release's VoID description (the numbers published with the data).

Coverage of a property for a class is the class partition's property partition `void:distinctSubjects`
over the partition's `void:entities`.
"""
from __future__ import annotations

from rdflib import Graph

from ..namespaces import ADMS, DCTERMS, FOAF, GEO, GRAPH, MPSC, ORG, OWL, PROV, SCHEMA, VOID
from .release import Release
from ..tables import aligned

# What we report per class: column name -> properties (a resource counts if it has any of them; the
# Wikidata link is owl:sameAs on one role of a territory and schema:sameAs on the others, never both).
COLUMNS = {
    "bodies": {
        "AGS": (MPSC.ags,), "ARS": (MPSC.ars,), "Wikidata": (OWL.sameAs, SCHEMA.sameAs),
        "coordinates": (GEO.hasGeometry,), "population": (MPSC.population,), "source": (DCTERMS.source,),
    },
    "projects": {
        "title": (MPSC.title,), "description": (DCTERMS.description,), "topics": (MPSC.topic,),
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
    "funding figures": {"amount": (MPSC.fundingAmount,), "at least": (SCHEMA.minValue,),
                        "up to": (SCHEMA.maxValue,), "rate": (MPSC.fundingRate,), "year": (DCTERMS.date,)},
    "calls": {"published": (DCTERMS.issued,), "deadline": (SCHEMA.applicationDeadline,),
              "extended": (MPSC.extendedApplicationDeadline,), "jury date": (MPSC.juryDate,),
              "jury size": (MPSC.jurySize,), "criteria": (MPSC.evaluationCriterion,)},
}
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
    rows = []
    for graph in GRAPHS:
        subset = GRAPH[graph]
        for partition in void.objects(subset, VOID.classPartition):
            cls = void.value(partition, VOID["class"])
            if cls not in CLASSES:
                continue
            counts = {void.value(pp, VOID.property): int(void.value(pp, VOID.distinctSubjects))
                      for pp in void.objects(partition, VOID.propertyPartition)}
            columns = COLUMNS[CLASSES[cls]]
            rows.append({"graph": graph, "class": cls.split("#")[-1], "group": CLASSES[cls],
                         "entities": int(void.value(partition, VOID.entities)),
                         "covered": {name: sum(counts.get(p, 0) for p in props) for name, props in columns.items()}})
    return sorted(rows, key=lambda r: (list(COLUMNS).index(r["group"]), GRAPHS.index(r["graph"]), r["class"]))


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
            cells = [f"{r['covered'][c]:,} ({100 * r['covered'][c] / r['entities']:.0f} %)" for c in columns]
            lines.append([r["graph"], r["class"], f"{r['entities']:,}", *cells])
        out.append(aligned(lines))
    return "\n\n".join(out)
