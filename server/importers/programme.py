"""The programme graph: rounds, categories, projects, cooperations and the bodies taking part.

Every value comes from a cell of `sources/mpsc/` or a decision in `sources/curation/`; anything that
cannot be resolved is reported, never filled in.
"""
from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, RDF, RDFS, XSD

from .. import iris
from ..namespaces import MPSC, SCHEMA
from .places import PlaceWriter
from .register import Register
from .sources import CONFIDENCE, Sources, clean_note, date_literal, source_iris, split_list, strip_parenthetical

OTHER_BODY_CLASS = {"regional-association": MPSC.RegionalAssociation, "municipal-company": MPSC.MunicipalCompany}
RANK = {"uncertain": 0, "single-source": 1, "confirmed": 2}


class ProgrammeImporter:
    """Builds the programme graph file by file; `problems` collects what could not be resolved."""

    def __init__(self, sources: Sources, register: Register):
        self.sources = sources
        self.register = register
        self.places = PlaceWriter(register)
        self.problems: list[str] = []

    # --- bodies -------------------------------------------------------------------------------
    def body_iri(self, name: str) -> URIRef | None:
        """Resolve a body named in a project row to its IRI via the curated table."""
        row = self.sources.bodies.get(name) or self.sources.bodies.get(strip_parenthetical(name))
        if row is None:
            self.problems.append(f"body not in sources/curation/bodies.csv: {name!r}")
            return None
        if row["kind"] in OTHER_BODY_CLASS:
            return iris.association(row["key"])
        level = {"municipal-association": "association"}.get(row["kind"], row["kind"])
        return iris.unit(level, row["key"])

    def bodies(self) -> Graph:
        """Every participating body, with the register units it lies in so the graph stands alone."""
        graph = Graph()
        for name, row in sorted(self.sources.bodies.items()):
            entity = self.sources.entities.get(name, {})
            iri = self.body_iri(name)
            if row["kind"] in OTHER_BODY_CLASS:
                graph.add((iri, RDF.type, OTHER_BODY_CLASS[row["kind"]]))
                graph.add((iri, RDFS.label, Literal(name, lang="de")))
            else:
                self._add_register_body(graph, name, row)
            for source in source_iris(entity.get("sources", "")):
                graph.add((iri, DCTERMS.source, source))
            if entity.get("confidence"):
                graph.add((iri, MPSC.confidence, CONFIDENCE[entity["confidence"]]))
        return graph

    def _add_register_body(self, graph: Graph, name: str, row: dict) -> None:
        level = {"municipal-association": "association"}.get(row["kind"], row["kind"])
        unit = self.register.get(level, row["key"])
        if unit.register_name != row["register_name"]:
            self.problems.append(f"{name}: register name is {unit.register_name!r}, curation says {row['register_name']!r}")
        state = self.register.get("state", unit.state).name
        stated = self.sources.entities.get(name, {}).get("bundesland")
        if stated and stated != state:
            self.problems.append(f"{name}: the sources say {stated}, the register says {state}")
        for place in [unit, *self.register.parents(unit)]:
            self.places.add(graph, place)

    # --- projects -----------------------------------------------------------------------------
    def projects(self) -> tuple[Graph, Graph]:
        """The projects and, for projects with several bodies, their cooperations."""
        projects, cooperations = Graph(), Graph()
        for row in self.sources.projects:
            iri = iris.project(row["slug"])
            members = [m for m in (self.body_iri(name) for name in split_list(row["members"])) if m]
            grantee = members[0] if len(members) == 1 else self._cooperation(cooperations, row, members)
            self._add_project(projects, iri, row, grantee)
        return projects, cooperations

    def _add_project(self, graph: Graph, iri: URIRef, row: dict, grantee: URIRef) -> None:
        curated = self.sources.project_curation[row["slug"]]
        add = graph.add
        add((iri, RDF.type, MPSC.ModelProject))
        add((iri, RDFS.label, Literal(row["name_de"], lang="de")))
        add((iri, MPSC.fundingRound, iris.round(row["year"])))
        add((iri, MPSC.category, iris.category(row["category"])))
        add((iri, MPSC.grantee, grantee))
        add((iri, MPSC.confidence, CONFIDENCE[row["confidence"]]))
        if curated["title_de"]:
            add((iri, MPSC.title, Literal(curated["title_de"], lang="de")))
        for name in split_list(curated["alternate_names"]):
            add((iri, SCHEMA.alternateName, Literal(name, lang="de")))
        if curated["slogan_de"]:
            add((iri, SCHEMA.slogan, Literal(curated["slogan_de"], lang="de")))
        if curated["phase"]:
            add((iri, MPSC.phase, iris.phase(curated["phase"])))
        self._add_funding(graph, iri, row, curated)
        self._add_topics(graph, iri, row)
        for prop, column in ((SCHEMA.startDate, "start_date"), (SCHEMA.endDate, "end_date")):
            value = date_literal(row[column]) if row[column] else None
            if value is not None:
                add((iri, prop, value))
            elif row[column]:
                self.problems.append(f"{row['slug']}: {column} {row[column]!r} is not a year, month or date")
        if row["website"]:
            add((iri, FOAF.homepage, URIRef(row["website"])))
        if row["phase_note"]:
            add((iri, RDFS.comment, Literal(clean_note(row["phase_note"]), lang="en")))
        for source in source_iris(row["sources"]):
            add((iri, DCTERMS.source, source))

    def _add_funding(self, graph: Graph, iri: URIRef, row: dict, curated: dict) -> None:
        if row["funding_eur"]:
            graph.add((iri, MPSC.fundingAmount, Literal(row["funding_eur"], datatype=XSD.decimal)))
            graph.add((iri, MPSC.fundingKind, iris.funding_kind(curated["funding_kind"])))
        if row["funding_note"]:
            graph.add((iri, MPSC.fundingNote, Literal(clean_note(row["funding_note"]), lang="en")))

    def _add_topics(self, graph: Graph, iri: URIRef, row: dict) -> None:
        for term in split_list(row["topics"]):
            graph.add((iri, SCHEMA.keywords, Literal(term)))
            fields = self.fields_of(term)
            if not fields:
                self.problems.append(f"{row['slug']}: topic term matches no field of action: {term!r}")
            for field in fields:
                graph.add((iri, MPSC.topic, iris.topic(field)))

    def terms_by_field(self) -> dict[str, set[str]]:
        """The source terms each field of action was matched from, for the fields' hidden labels."""
        result: dict[str, set[str]] = {}
        for row in self.sources.projects:
            for term in split_list(row["topics"]):
                for field in self.fields_of(term):
                    result.setdefault(field, set()).add(term)
        return result

    def fields_of(self, term: str) -> list[str]:
        """The fields of action whose curated pattern matches a source term."""
        return [t["slug"] for t in self.sources.topics if re.search(t["pattern"], term, re.I)]

    def _cooperation(self, graph: Graph, row: dict, members: list[URIRef]) -> URIRef:
        iri = iris.cooperation(row["slug"])
        name = row["name_de"]
        label = name if "Kooperation" in name else f"Kooperationsverbund {name}"
        graph.add((iri, RDF.type, MPSC.Cooperation))
        graph.add((iri, RDFS.label, Literal(label, lang="de")))
        graph.add((iri, RDFS.label, Literal(f"Cooperation of the model project {name}", lang="en")))
        for member in members:
            graph.add((iri, ORG.hasMember, member))
        lead = self.body_iri(row["lead"]) if row["lead"] else None
        if lead in members:
            graph.add((iri, MPSC.leadMember, lead))
        elif row["lead"]:
            self.problems.append(f"{row['slug']}: lead {row['lead']!r} is not among the members")
        graph.add((iri, MPSC.confidence, CONFIDENCE[self._weakest(row)]))
        for source in source_iris(row["sources"]):
            graph.add((iri, DCTERMS.source, source))
        return iri

    def _weakest(self, row: dict) -> str:
        """A cooperation is only as certain as the least certain of its members' sources."""
        levels = [row["confidence"]] + [
            self.sources.entities[n]["confidence"] for n in split_list(row["members"]) if n in self.sources.entities
        ]
        return min(levels, key=RANK.__getitem__)

    # --- rounds and categories ----------------------------------------------------------------
    def rounds(self) -> Graph:
        """The three funding rounds with the figures the sources publish."""
        graph = Graph()
        for row in self.sources.rounds:
            iri = iris.round(row["year"])
            add = graph.add
            add((iri, RDF.type, MPSC.FundingRound))
            add((iri, RDFS.label, Literal(f"{row['staffel']}. Staffel ({row['year']})", lang="de")))
            add((iri, RDFS.label, Literal(f"Round {row['staffel']} ({row['year']})", lang="en")))
            add((iri, MPSC.year, Literal(row["year"], datatype=XSD.gYear)))
            add((iri, MPSC.selectedCount, Literal(int(row["selected"]))))
            add((iri, MPSC.confidence, CONFIDENCE[row["confidence"]]))
            if row["motto_de"]:
                add((iri, MPSC.motto, Literal(row["motto_de"], lang="de")))
            if row["announcement_date"]:
                add((iri, MPSC.announcementDate, Literal(row["announcement_date"], datatype=XSD.date)))
            if row["applications"].isdigit():  # "~100" (2019) is an estimate, not a count
                add((iri, MPSC.applicationCount, Literal(int(row["applications"]))))
            if row["funding_volume_eur"]:
                add((iri, MPSC.fundingAmount, Literal(row["funding_volume_eur"], datatype=XSD.decimal)))
                add((iri, MPSC.fundingKind, iris.funding_kind("federal-grant")))
            if row["funding_note"]:
                add((iri, MPSC.fundingNote, Literal(clean_note(row["funding_note"]), lang="en")))
            if row["selection_note"]:
                add((iri, RDFS.comment, Literal(clean_note(row["selection_note"]), lang="en")))
            for source in source_iris(row["sources"]):
                add((iri, DCTERMS.source, source))
        return graph
