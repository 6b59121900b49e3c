"""The programme graph: rounds, categories, projects, cooperations and the bodies taking part.

Every value comes from a cell of `sources/mpsc/` or a decision in `sources/curation/`; anything that
cannot be resolved is reported, never filled in.
"""
from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, RDF, RDFS, SKOS, XSD

from .. import iris
from ..namespaces import MPSC, SCHEMA
from .places import PlaceWriter
from .register import Register
from .provenance import add_sources, sourced, weakest
from .sources import (CONFIDENCE, Sources, and_list, clean_note, source_iris, split_list, strip_parenthetical,
                      unit_names_en)

OTHER_BODY_CLASS = {"regional-association": MPSC.RegionalAssociation, "municipal-company": MPSC.MunicipalCompany}
LISTED_MEMBERS = 4  # a cooperation's label lists this many members at most, then counts the rest
# How a source states a project's or round's amount (sources/curation/projects.csv and rounds.csv, funding_stated):
# only an "amount" is published as mpsc:fundingAmount (`ProgrammeImporter._stated_amount`).
FUNDING_STATED = ("amount", "approximate", "min", "max", "computed", "expected")
# A project named after several places ("Aalen und Heidenheim an der Brenz") has an English label with the German
# words between the names in English, the names as they are (an English reader's review: seven English names were
# German sentences); a project named after one place has its name in both languages alike, and no English label.
CONNECTIVES = ((" in Kooperation mit ", " in cooperation with "), (" und ", " and "))
CONNECTIVES_NOTE = ("English label: the German words between the places' names put in English by us; the names are "
                    "the places' own")
# No source names a cooperation: its labels are ours, composed from its members' names (a data audit: the 19
# cooperations' labels were the only labels of ours without a note saying so).
COOPERATION_NOTE = ("Labels: composed by us from the names of the members the sources give (lead first where one "
                    "is named); no source names the cooperation itself")


class ProgrammeImporter:
    """Builds the programme graph file by file; `problems` collects what could not be resolved."""

    def __init__(self, sources: Sources, register: Register):
        self.sources = sources
        self.register = register
        self.places = PlaceWriter(register, unit_names_en(sources.translations))
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
            # the collector's notes on its part ("represents Kreis Olpe"): a note, unless it is about a source
            if entity.get("notes") and not self.sources.left_out.drops("entities.csv", name, "notes", entity["notes"]):
                graph.add((iri, SKOS.note, Literal(clean_note(entity["notes"]), lang="en")))
        joined = defaultdict(list)  # members that only a partner row names cite that row, and are as sure as it
        for project in self.sources.projects:
            for name, row in self.joined_members(project["slug"]):
                joined[self.body_iri(name)].append(row)
        for body, rows in joined.items():
            add_sources(graph, body, rows)
            if (body, MPSC.confidence, None) not in graph:  # a reverse fact audit: Heidelberg's had none
                graph.add((body, MPSC.confidence, CONFIDENCE[weakest(rows)]))
        return graph

    def _add_register_body(self, graph: Graph, name: str, row: dict) -> None:
        level = {"municipal-association": "association"}.get(row["kind"], row["kind"])
        try:
            unit = self.register.get(level, row["key"])
        except KeyError as missing:
            self.problems.append(f"{row.where}: {name}: {missing.args[0]}; the key must be its AGS (its ARS for a "
                                 "municipal association)")
            return
        if unit.register_name != row["register_name"]:
            self.problems.append(f"{row.where}: {name}: the register names {row['key']} {unit.register_name!r}, "
                                 f"this row {row['register_name']!r}; is the key right?")
        state = self.register.get("state", unit.state).name
        if row["register_state"] != state:  # the curation README: repeated so that the importer checks the match
            self.problems.append(f"{row.where}: {name}: the register puts {row['key']} in {state}, this row in "
                                 f"{row['register_state']!r}")
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
            names = [*split_list(row["members"]), *(body for body, _ in self.joined_members(row["slug"]))]
            members = [m for m in (self.body_iri(name) for name in names) if m]
            grantee = members[0] if len(members) == 1 else self._cooperation(cooperations, row, names, members)
            self._add_project(projects, iri, row, grantee)
            self._add_coverage(projects, iri, row["slug"])
        return projects, cooperations

    def joined_members(self, slug: str) -> list[tuple[str, dict]]:
        """Members a partner row of measures.csv adds to a project (partners.csv: member = yes), with the row."""
        return [(curated["body"], row) for row in self.sources.measures.get(slug, []) if row["kind"] == "partner"
                for curated in [self.sources.partners.get((slug, row["value_de"]), {})] if curated.get("member") == "yes"]

    def _add_project(self, graph: Graph, iri: URIRef, row: dict, grantee: URIRef) -> None:
        curated = self.sources.project_curation[row["slug"]]
        add = graph.add
        add((iri, RDF.type, MPSC.ModelProject))
        add((iri, RDFS.label, Literal(row["name_de"], lang="de")))
        english = in_english(row["name_de"])
        if english != row["name_de"]:
            add((iri, RDFS.label, Literal(english, lang="en")))
            add((iri, SKOS.editorialNote, Literal(CONNECTIVES_NOTE, lang="en")))
        add((iri, MPSC.fundingRound, iris.round(row["year"])))
        add((iri, MPSC.category, iris.category(row["category"])))
        add((iri, MPSC.grantee, grantee))
        add((iri, MPSC.confidence, CONFIDENCE[row["confidence"]]))
        if curated["title_de"]:
            add((iri, MPSC.title, Literal(curated["title_de"], lang="de")))
        for source in source_iris(curated["title_source"]):  # a title the project table does not have
            add((iri, DCTERMS.source, source))
        for name in split_list(curated["alternate_names"]):
            add((iri, SCHEMA.alternateName, Literal(name, lang="de")))
        if curated["slogan_de"]:
            add((iri, SCHEMA.slogan, Literal(curated["slogan_de"], lang="de")))
        self._add_funding(graph, iri, row, curated)
        self._add_topics(graph, iri, row)
        if row["website"]:
            add((iri, FOAF.homepage, URIRef(row["website"])))
        if row["phase_note"]:  # the collector's notes on the course: a note, not a description of the project
            add((iri, SKOS.note, Literal(clean_note(row["phase_note"]), lang="en")))
        for source in source_iris(row["sources"]):
            add((iri, DCTERMS.source, source))

    def _add_funding(self, graph: Graph, iri: URIRef, row: dict, curated: dict) -> None:
        """The project's headline amount, as the statement `#funding-amount`: the row's confidence rates the
        selection of the project as a whole, so an amount whose sources conflict (the collector lists them in
        sources/mpsc/README.md) is lowered by sources/curation/corrections.csv, and says why."""
        if self._stated_amount(row["slug"], row["funding_eur"], curated["funding_stated"]):
            fact = self.sources.corrected("projects.csv", row["slug"], {
                "sources": row["sources"], "confidence": row["confidence"], "field": "funding_eur", "note": ""})
            sourced(graph, iri, MPSC.fundingAmount, Literal(row["funding_eur"], datatype=XSD.decimal),
                    "funding-amount", [fact])
            graph.add((iri, MPSC.fundingKind, iris.funding_kind(curated["funding_kind"])))
        if row["funding_note"]:
            graph.add((iri, MPSC.fundingNote, Literal(clean_note(row["funding_note"]), lang="en")))

    def _stated_amount(self, what: str, amount: str, stated: str) -> bool:
        """Whether `amount` is published as an amount: only where the curation says the source states it as one
        (FUNDING_STATED). A bound ("bis zu", "über"), an approximation ("rund", "~"), an amount computed by the
        collector or one only applied for or expected is no published amount; the note keeps what the source says,
        and the funding figures (mpsc:funding) carry bounds and approximations."""
        if not amount and not stated:
            return False
        if not amount or stated not in FUNDING_STATED:
            self.problems.append(f"{what}: funding_stated {stated!r} does not fit the amount {amount!r} "
                                 f"(one of {', '.join(FUNDING_STATED)} where there is an amount, else empty)")
            return False
        return stated == "amount"

    def _add_topics(self, graph: Graph, iri: URIRef, row: dict) -> None:
        for term in split_list(row["topics"]):
            graph.add((iri, SCHEMA.keywords, Literal(term, lang="en")))  # the collector's English words
            fields = self.sources.fields_of(term)
            if not fields:
                self.problems.append(f"{row['slug']}: topic term matches no field of action: {term!r}")
            for field in fields:
                graph.add((iri, MPSC.topic, iris.topic(field)))

    def terms_by_field(self) -> dict[str, set[str]]:
        """The source terms each field of action was matched from, for the fields' hidden labels."""
        result: dict[str, set[str]] = {}
        for row in self.sources.projects:
            for term in split_list(row["topics"]):
                for field in self.sources.fields_of(term):
                    result.setdefault(field, set()).add(term)
        return result

    def _cooperation(self, graph: Graph, row: dict, names: list[str], members: list[URIRef]) -> URIRef:
        """The cooperation carrying a project, named after its members (lead first where one is named)."""
        iri = iris.cooperation(row["slug"])
        graph.add((iri, RDF.type, MPSC.Cooperation))
        names = [strip_parenthetical(n) for n in names]
        if row["lead"] in names:
            names.insert(0, names.pop(names.index(row["lead"])))
        graph.add((iri, RDFS.label, Literal(f"Kooperation {listing(names, 'und', 'weitere')}", lang="de")))
        graph.add((iri, RDFS.label, Literal(f"Cooperation of {listing(names, 'and', 'more')}", lang="en")))
        graph.add((iri, SKOS.editorialNote, Literal(COOPERATION_NOTE, lang="en")))
        for member in members:
            graph.add((iri, ORG.hasMember, member))
        lead = self.body_iri(row["lead"]) if row["lead"] else None
        if lead in members:  # the statement `#lead`: a source may name the lead less surely than the members
            fact = self.sources.corrected("projects.csv", row["slug"], {
                "sources": row["sources"], "confidence": row["confidence"], "field": "lead", "note": ""})
            sourced(graph, iri, MPSC.leadMember, lead, "lead", [fact])
        elif row["lead"]:
            self.problems.append(f"{row['slug']}: lead {row['lead']!r} is not among the members")
        joined = [partner for _, partner in self.joined_members(row["slug"])]
        member_rows = [self.sources.entities[n] for n in split_list(row["members"]) if n in self.sources.entities]
        graph.add((iri, MPSC.confidence, CONFIDENCE[weakest([row, *member_rows, *joined])]))
        add_sources(graph, iri, [row, *joined])
        return iri

    def _add_coverage(self, graph: Graph, project: URIRef, slug: str) -> None:
        """The district whose whole area a project covers, where a source says the district applied for all
        its municipalities; checked against the register's count (coverage.csv)."""
        for area in (a for a in self.sources.coverage if a["slug"] == slug):
            district = self.body_iri(area["district"])
            unit = self.register.get("district", str(district).rsplit("/", 1)[1])
            inside = [u for u in self.register.of_level("municipality") if u.district == unit.key]
            if len(inside) != int(area["municipalities"]):
                self.problems.append(f"{slug}: the sources name {area['municipalities']} municipalities, "
                                     f"the register has {len(inside)} in {unit.name}")
            sourced(graph, project, DCTERMS.spatial, district, "spatial", [area], note=area["reason"])

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
            rated = self.sources.corrected("rounds.csv", row["staffel"], row)["confidence"]
            add((iri, MPSC.confidence, CONFIDENCE[rated]))
            if row["motto_de"]:
                add((iri, MPSC.motto, Literal(row["motto_de"], lang="de")))
            if row["announcement_date"]:
                add((iri, MPSC.announcementDate, Literal(row["announcement_date"], datatype=XSD.date)))
            if row["applications"].isdigit():  # "~100" (2019) is an estimate, not a count
                add((iri, MPSC.applicationCount, Literal(int(row["applications"]))))
            stated = self.sources.round_curation.get(row["staffel"], {}).get("funding_stated", "")
            if self._stated_amount(f"round {row['staffel']}", row["funding_volume_eur"], stated):
                # As a project's, the statement `#funding-amount`: its sources may conflict where the round's other
                # facts agree (a reverse fact audit: 2021's 300 Mio stood as sure as the round, rated uncertain
                # only as the programme table's figure).
                fact = self.sources.corrected("rounds.csv", row["staffel"], {
                    "sources": row["sources"], "confidence": rated, "field": "funding_volume_eur", "note": ""})
                sourced(graph, iri, MPSC.fundingAmount, Literal(row["funding_volume_eur"], datatype=XSD.decimal),
                        "funding-amount", [fact])
                add((iri, MPSC.fundingKind, iris.funding_kind("federal-budget")))  # the programme's funds for the round
            if row["funding_note"]:
                add((iri, MPSC.fundingNote, Literal(clean_note(row["funding_note"]), lang="en")))
            if row["selection_note"]:  # the collector's notes on the selection: a note, not a description
                add((iri, SKOS.note, Literal(clean_note(row["selection_note"]), lang="en")))
            for source in source_iris(row["sources"]):
                add((iri, DCTERMS.source, source))
        return graph


def listing(names: list[str], conjunction: str, rest: str) -> str:
    """'A, B und C'; beyond LISTED_MEMBERS names 'A, B, C und 5 weitere' ('… and 5 more')."""
    if len(names) > LISTED_MEMBERS:
        shown = LISTED_MEMBERS - 1
        return and_list([*names[:shown], f"{len(names) - shown} {rest}"], conjunction)
    return and_list(names, conjunction)


def in_english(name: str) -> str:
    """A project's name with the German words between places' names in English (CONNECTIVES), and a leading
    "Kooperation" as "Cooperation of"."""
    if name.startswith("Kooperation "):
        name = "Cooperation of " + name.removeprefix("Kooperation ")
    for german, english in CONNECTIVES:
        name = name.replace(german, english)
    return name
