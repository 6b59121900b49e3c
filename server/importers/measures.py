"""What the projects do, from `sources/mpsc/measures.csv`: measures and products, focus, named partners,
official English titles, and reuse of one project's product by another.

Each measure is a resource of its own (id:measure/{project}-{n}, n counting the project's measure rows in
table order) with the source's German phrase, our English phrase, its status at the source's date, its
product name and the fields of action its English phrase falls into.
"""
from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from .. import iris
from ..namespaces import ADMS, MPSC, SCHEMA
from .organisations import Organisations
from .provenance import add_sources, cite, sourced
from .sources import Sources, split_list

STATUS = {"planned": "planned", "in implementation": "in-implementation", "in operation": "in-operation"}
KINDS = ("measure", "focus", "title_en", "partner")  # of measures.csv's rows (checks.py refuses others)
# What a measure's labels are (measures-README.md: short German noun phrases read from the sources, `value_en` the
# collector's translation); a page headed by one says so (an English reader's review: it looked like a name).
LABELS_NOTE = ("Labels: the collector's short phrase for what the source describes, and its English translation; "
               "not the project's name for it, which is the product name where a source gives one")


class MeasureImporter:
    """Writes measures.ttl (measures, focus, English titles, reuse) and partners.ttl (who takes part how)."""

    def __init__(self, sources: Sources, organisations: Organisations, body_iri: Callable[[str], URIRef | None],
                 problems: list[str]):
        self.sources = sources
        self.organisations = organisations
        self.body_iri = body_iri
        self.problems = problems

    def graphs(self) -> dict[str, Graph]:
        measures, partners = Graph(), Graph()
        for slug, rows in self.sources.measures.items():
            project = iris.project(slug)
            for row in rows:
                if row["kind"] == "measure":
                    self._measure(measures, project, slug, row)
                elif row["kind"] == "focus":
                    self._focus(measures, project, row)
                elif row["kind"] == "title_en":
                    self._titles(measures, project, slug, row)
                elif row["kind"] == "partner":
                    self._partners(partners, project, slug, row)
        self._reuse(measures)
        return {"measures.ttl": measures, "partners.ttl": partners}

    def _titles(self, graph: Graph, project: URIRef, slug: str, row: dict) -> None:
        """The project's English title, and the row's German where it is another name than the English one and the
        curated title: Berlin's full title ("… – Die Stadt lebenswert und menschengerecht digitalisieren") and
        Dresden's "IQ Dresden" were read by no importer (a reverse fact audit)."""
        sourced(graph, project, MPSC.title, Literal(row["value_en"], lang="en"), "title-en", [row])
        german = row["value_de"]
        if german and german not in (row["value_en"], self.sources.project_curation[slug]["title_de"]):
            sourced(graph, project, SCHEMA.alternateName, Literal(german, lang="de"), "alternate-name-de", [row])

    def _measure(self, graph: Graph, project: URIRef, slug: str, row: dict) -> None:
        iri = iris.measure(slug, row["number"])
        graph.add((project, MPSC.measure, iri))
        graph.add((iri, RDF.type, MPSC.Measure))
        graph.add((iri, RDFS.label, Literal(row["value_de"], lang="de")))
        graph.add((iri, RDFS.label, Literal(row["value_en"], lang="en")))
        graph.add((iri, SKOS.editorialNote, Literal(LABELS_NOTE, lang="en")))
        if row["product_name"]:
            graph.add((iri, MPSC.productName, Literal(row["product_name"])))
        if row["status"]:
            graph.add((iri, ADMS.status, iris.measure_status(STATUS[row["status"]])))
        for field in self.sources.fields_of(row["value_en"]):
            graph.add((iri, MPSC.topic, iris.topic(field)))
        cite(graph, iri, [row], confidence=row["confidence"])

    @staticmethod
    def _focus(graph: Graph, project: URIRef, row: dict) -> None:
        """The guiding ideas a source names, German as written there and English in our words."""
        for lang, column in (("de", "value_de"), ("en", "value_en")):
            for term in split_list(row[column]):
                graph.add((project, MPSC.focus, Literal(term, lang=lang)))
        add_sources(graph, project, [row])

    def _partners(self, graph: Graph, project: URIRef, slug: str, row: dict) -> None:
        """Each organisation a partner row names, associated with the project in the role of partner."""
        names, english = split_list(row["value_de"]), split_list(row["value_en"])
        english = english if len(english) == len(names) else [""] * len(names)
        for index, (name, name_en) in enumerate(zip(names, english), 1):
            curated = self.sources.partners.get((slug, name), {})
            if curated.get("member") == "yes":
                continue  # a member of the project's cooperation (programme.py), not a partner beside it
            agent = self.body_iri(curated["body"]) if curated else self.organisations.add(name, name_en, [row])
            suffix = f"-{index}" if len(names) > 1 else ""
            association = iris.fragment(project, f"partner-{row['number']}{suffix}")
            graph.add((project, PROV.wasAssociatedWith, agent))
            graph.add((project, PROV.qualifiedAssociation, association))
            graph.add((association, RDF.type, PROV.Association))
            graph.add((association, PROV.agent, agent))
            graph.add((association, PROV.hadRole, iris.role("project-partner")))
            cite(graph, association, [row], confidence=row["confidence"])

    def _reuse(self, graph: Graph) -> None:
        """One project's measure taking up another's product, where the measure rows say so (reuse.csv)."""
        for link in self.sources.reuse:
            taker = self._find(link["slug"], link["measure"])
            given = self._find(link["reuses_slug"], link["reuses_measure"])
            if taker is None or given is None:
                self.problems.append(f"reuse.csv names a measure measures.csv does not have: {link}")
                continue
            sourced(graph, iris.measure(link["slug"], taker["number"]), MPSC.reuses,
                    iris.measure(link["reuses_slug"], given["number"]), "reuses", [taker, given], note=link["reason"])

    def _find(self, slug: str, phrase: str) -> dict | None:
        return next((r for r in self.sources.measures.get(slug, []) if r["kind"] == "measure" and r["value_de"] == phrase),
                    None)
