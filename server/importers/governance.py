"""The programme as a whole, from `sources/mpsc/programme.csv`: the programme with the bodies that run it
over time, its budget figures, the call of each round, and the size thresholds of the categories.

Who runs the programme is said with PROV's qualified association: the programme (a prov:Activity) has
one prov:Association per body and role (responsible ministry, paying agency, coordination office,
evaluator), dated with schema:startDate and schema:endDate where a source dates it.
"""
from __future__ import annotations

import re
from collections import defaultdict

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, XSD

from .. import iris
from ..namespaces import MPSC, SCHEMA
from .figures import add_figure, amount_labels
from .organisations import Organisations
from .provenance import add_sources, cite, sourced, weakest
from .sources import Sources, date_literal

# Bodies of programme.csv that are organisations of the graph: subject -> slug of id:organisation/{slug}.
ORGANISATIONS = {"ministry-bmi": "bmi", "ministry-bmwsb": "bmwsb", "ministry-bmub": "bmub", "kts": "kts",
                 "bbsr": "bbsr", "dialogplattform": "dialogplattform"}
# Who the programme is associated with: fragment of id:programme -> (subject in programme.csv, role).
ASSOCIATIONS = {
    "bmi": ("ministry-bmi", "responsible-ministry"), "bmwsb": ("ministry-bmwsb", "responsible-ministry"),
    "kfw": ("kfw", "paying-agency"), "kts": ("kts", "coordination-office"), "evaluation": ("evaluation", "evaluator"),
}
# Budget rows of the programme and the rounds: (subject, field) -> (figure key, year the figure is for).
BUDGETS = {
    ("programme", "budget_total_eur"): ("budget-total", None),
    ("programme", "budget_plan_2019"): ("budget-plan-2019", "2019"),
    ("programme", "budget_2019"): ("budget-2019", "2019"),
    ("programme", "budget_2022_draft"): ("budget-2022-draft", "2022"),
    ("programme", "budget_2023"): ("budget-2023", "2023"),
    ("round-2019", "budget_eur"): ("budget", "2019"),
    ("round-2020", "budget_at_call"): ("budget-at-call", "2020"),
    ("round-2020", "budget_final"): ("budget-final", "2020"),
    ("round-2021", "budget_eur"): ("budget", "2021"),
}
THRESHOLDS = {"grossstadt": "category_grossstadt", "mittelstadt": "category_mittelstadt",
              "kleinstadt-landgemeinde": "category_kleinstadt"}
ALSO_CALLED = re.compile(r"^(.*?)\s*\(also: ([^()]+)\)$")  # "Nationale Dialogplattform … (also: Dialogplattform …)"
CALL_DATES = (("call_published", DCTERMS.issued, "issued"), ("deadline", SCHEMA.applicationDeadline, "deadline"),
              ("deadline_original", SCHEMA.applicationDeadline, "deadline"),
              ("deadline_extended", MPSC.extendedApplicationDeadline, "extended-deadline"),
              ("jury_date", MPSC.juryDate, "jury-date"))


def leading_date(text: str) -> Literal | None:
    """The date a cell starts with ('2021-03-14 24:00', '2020-05-20 (extended …)'); None for 'by 2020-02-11'."""
    match = re.match(r"(\d{4}-\d{2}-\d{2})\b", text)
    return Literal(match.group(1), datatype=XSD.date) if match else None


def millions(text: str) -> tuple[str, str] | None:
    """('min' for 'more than', 'about' for 'about', or '') and the euros of the first 'N Mio EUR' in a cell, as
    written there: a bound or an approximation is no amount (add_figure publishes it as such)."""
    match = re.search(r"(\d+(?:[.,]\d+)?) Mio EUR", text)
    if match is None:
        return None
    amount, before = int(round(float(match.group(1).replace(",", ".")) * 1_000_000)), text[:match.start()]
    kind = "min" if re.search(r"more than|über", before) else "about" if re.search(r"\b(?:about|rund|ca\.)", before) else ""
    return kind, str(amount)


def population_bounds(text: str) -> tuple[int | None, int | None] | None:
    """Lower and upper bound of '> 100,000', '20,000–100,000' or '< 20,000 inhabitants'; None if neither."""
    numbers = [int(n.replace(",", "")) for n in re.findall(r"\d{1,3}(?:,\d{3})+", text)]
    if "–" in text and len(numbers) == 2:
        return numbers[0], numbers[1]
    if ">" in text and len(numbers) == 1:
        return numbers[0], None
    if "<" in text and len(numbers) == 1:
        return None, numbers[0]
    return None


class GovernanceImporter:
    """Writes programme.ttl: the programme, its associations, budgets, calls and category thresholds."""

    def __init__(self, sources: Sources, organisations: Organisations, problems: list[str]):
        self.sources = sources
        self.organisations = organisations
        self.problems = problems
        self.facts: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in sources.programme:
            self.facts[(row["subject"], row["field"])].append(sources.corrected("programme.csv", row["subject"], row))

    def rows(self, subject: str, field: str) -> list[dict]:
        return self.facts.get((subject, field), [])

    def one(self, subject: str, field: str) -> dict | None:
        found = self.rows(subject, field)
        return found[0] if found else None

    def graph(self) -> Graph:
        graph = Graph()
        self._programme(graph)
        for slug, (subject, role) in ASSOCIATIONS.items():
            self._association(graph, slug, subject, role)
        self._kfw_number(graph)
        self._evaluation_name(graph)
        self._coordination_office(graph)
        for subject in ("bbsr", "ministry-bmub", "dialogplattform"):  # publishers and author of the Charta
            self._organisation(subject)
        for (subject, field), (key, year) in BUDGETS.items():
            self._budget(graph, subject, field, key, year)
        for year in (2019, 2020, 2021):
            self._call(graph, year)
        for slug, field in THRESHOLDS.items():
            self._threshold(graph, slug, self.one("programme", field))
        return graph

    # --- the programme --------------------------------------------------------------------------
    def _programme(self, graph: Graph) -> None:
        iri = iris.programme()
        names = [self.one("programme", f) for f in ("name", "name_en", "abbreviation", "name_long")]
        variants = self.rows("programme", "name_en_variant")
        graph.add((iri, RDF.type, MPSC.FundingProgramme))
        graph.add((iri, RDFS.label, Literal(names[0]["value"], lang="de")))
        graph.add((iri, RDFS.label, Literal(names[1]["value"], lang="en")))
        for row in [names[2], names[3], *variants]:
            graph.add((iri, SCHEMA.alternateName, Literal(row["value"], lang=row["lang"] or "de")))
        add_sources(graph, iri, variants)  # cited, not rating the programme (a reverse fact audit: uncited)
        start, homepage = self.one("programme", "start_year"), self.one("programme", "official_website")
        graph.add((iri, SCHEMA.startDate, Literal(start["value"], datatype=XSD.gYear)))
        graph.add((iri, FOAF.homepage, URIRef(homepage["value"])))
        charta = self.one("programme", "condition_charta")  # projects must observe the Charta's guidelines
        graph.add((iri, DCTERMS.conformsTo, iris.scheme("charter")))
        for year in (2019, 2020, 2021):
            graph.add((iris.round(year), DCTERMS.isPartOf, iri))
        rate = self.one("programme", "grant_rate")  # "65 % of eligible costs; 90 % for … budgetary emergency"
        for key, value in zip(("rate", "rate-budget-emergency"), re.findall(r"(\d+) %", rate["value"]), strict=True):
            self._figure(graph, iri, key, "federal-grant", rate, rate=value)
        for key, field in (("cap-phase-a", "grant_cap_phase_a"), ("cap-phase-b", "grant_cap_phase_b")):
            row = self.one("programme", field)
            self._figure(graph, iri, key, "federal-grant", row, bound=("max", millions(row["value"])[1]))
        cite(graph, iri, [*names, start, homepage, charta], confidence=weakest([*names, start, homepage, charta]),
             note="")

    def _association(self, graph: Graph, slug: str, subject: str, role: str) -> None:
        """The programme associated with a body in a role, dated where a source dates it."""
        agent = self._agent(subject)
        iri = iris.fragment(iris.programme(), slug)
        graph.add((iris.programme(), PROV.wasAssociatedWith, agent))
        graph.add((iris.programme(), PROV.qualifiedAssociation, iri))
        graph.add((iri, RDF.type, PROV.Association))
        graph.add((iri, PROV.agent, agent))
        graph.add((iri, PROV.hadRole, iris.role(role)))
        used = [r for f in ("responsible_for_mpsc", "start", "since", "runtime_end") for r in self.rows(subject, f)]
        for row in used:
            self._period(graph, iri, row)
        described = self.one(subject, "role") or self.one(subject, "tasks")
        ours = described and self.sources.reworded(subject, described["field"])
        if described is not None:  # in our words where the collector's followed a source's (translations.csv)
            graph.add((iri, RDFS.comment, Literal(ours["label_en"] if ours else described["value"], lang="en")))
            if ours and ours.get("label_de"):  # and in German, ours too (a data-quality audit: English only)
                graph.add((iri, RDFS.comment, Literal(ours["label_de"], lang="de")))
            used.append(described)
        cite(graph, iri, used, confidence=weakest(used), note=ours["reason"] if ours else "")

    def _kfw_number(self, graph: Graph) -> None:
        """The number under which KfW runs the programme (Programmnummer 436)."""
        row = self.one("kfw", "programme_number")
        graph.add((iris.fragment(iris.programme(), "kfw"), DCTERMS.identifier, Literal(row["value"])))
        add_sources(graph, iris.fragment(iris.programme(), "kfw"), [row])

    def _evaluation_name(self, graph: Graph) -> None:
        """The evaluation is named by its evaluator's project title; the German name is its role row's."""
        iri, row = iris.fragment(iris.programme(), "evaluation"), self.one("evaluation", "name_en")
        graph.add((iri, RDFS.label, Literal("Programmbegleitende Evaluation", lang="de")))
        graph.add((iri, RDFS.label, Literal(row["value"], lang="en")))
        add_sources(graph, iri, [row])

    def _period(self, graph: Graph, association: URIRef, row: dict) -> None:
        """'2019 – 2021-12-08', 'from 2021-12-08', '2021-09', 'mid-2021', 'end of 2030' as start and end."""
        text = row["value"]
        dates = re.findall(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", text)
        if row["field"] == "runtime_end":
            end = "2030-12" if text == "end of 2030" else None
            if end:
                graph.add((association, SCHEMA.endDate, date_literal(end)))
            return
        if dates:
            graph.add((association, SCHEMA.startDate, date_literal(dates[0])))
        if len(dates) > 1:
            graph.add((association, SCHEMA.endDate, date_literal(dates[1])))

    def _agent(self, subject: str) -> URIRef:
        """The organisation behind an association: the evaluation's is its evaluator, Prognos."""
        if subject == "evaluation":
            row = self.one("evaluation", "evaluator")
            return self.organisations.add(row["value"], "", [row])
        if subject == "kfw":  # programme.csv names KfW in its rows but has no name row for it
            return self.organisations.add("KfW", "", self.rows("kfw", "role"), slug="kfw")
        return self._organisation(subject)

    def _organisation(self, subject: str) -> URIRef:
        """A body of programme.csv with its German and English name; its abbreviation is an alternative name,
        and a second name the cell gives as "(also: …)" is a skos:altLabel, not part of the label."""
        name, name_en, abbreviation = (self.one(subject, f) for f in ("name", "name_en", "abbreviation"))
        rows = [r for r in (name, name_en, abbreviation) if r]
        also = ALSO_CALLED.match(name["value"])
        german = also.group(1) if also else name["value"]
        # its English name is the one English pages use (the row cites them), not the collector's translation
        iri = self.organisations.add(german, name_en["value"], rows, slug=ORGANISATIONS[subject], translated=False)
        if also:
            self.organisations.graph.add((iri, SKOS.altLabel, Literal(also.group(2), lang=name["lang"] or "de")))
        if abbreviation is not None:
            self.organisations.graph.add((iri, SCHEMA.alternateName, Literal(abbreviation["value"])))
        return iri

    def _coordination_office(self, graph: Graph) -> None:
        """The KTS consortium: its lead and partners as members, each membership with its own source."""
        kts = iris.organisation("kts")
        for row in [self.one("kts", "lead"), *self.rows("kts", "partner")]:
            for name in (n.strip() for n in row["value"].split(";")):
                name = re.sub(r",.*$", "", name) if row["field"] == "lead" else name
                member = self.organisations.add(name, "", [row])
                sourced(graph, kts, ORG.hasMember, member, "member-" + str(member).rsplit("/", 1)[1], [row])

    # --- budgets and figures --------------------------------------------------------------------
    def _budget(self, graph: Graph, subject: str, field: str, key: str, year: str | None) -> None:
        row = self.one(subject, field)
        owner = iris.programme() if subject == "programme" else iris.round(subject.split("-")[1])
        if row["value"].isdigit():
            bound = ("", row["value"])
        else:
            bound = millions(row["value"])
        figure = self._figure(graph, owner, key, "federal-budget", row, bound=bound)
        if year:
            graph.add((figure, DCTERMS.date, Literal(year, datatype=XSD.gYear)))
        if subject != "programme":
            add_sources(graph, owner, [row])

    def _figure(self, graph: Graph, owner: URIRef, key: str, kind: str, row: dict, *,
                bound: tuple[str, str] | None = None, rate: str | None = None) -> URIRef:
        """A figure of the programme or a round; a cell that is text ("about 170 Mio EUR …") stays in its note."""
        prefix, amount = bound or ("", None)
        note = "; ".join(filter(None, [row["value"] if not row["value"].isdigit() else "", row["note"]]))
        names = FIGURE_LABELS[key]
        labels = amount_labels(names, prefix, amount) if amount is not None else names
        return add_figure(graph, owner, iris.fragment(owner, key), kind, row, labels, amount=amount, bound=prefix,
                          rate=rate, note=note)

    # --- calls ----------------------------------------------------------------------------------
    def _call(self, graph: Graph, year: int) -> None:
        """The call of a round: publication, deadlines, jury, criteria; the collector's summary of the selection
        procedure is a skos:note (descriptions.py writes the call's description)."""
        subject, call = f"round-{year}", iris.call(year)
        graph.add((iris.round(year), MPSC.call, call))
        graph.add((call, RDF.type, MPSC.Call))
        graph.add((call, RDFS.label, Literal(f"Förderaufruf {year} der Modellprojekte Smart Cities", lang="de")))
        graph.add((call, RDFS.label, Literal(f"Call for proposals {year}, Model Projects Smart Cities", lang="en")))
        brand, website = self.one("programme", "call_brand"), self.one("programme", "call_website")
        graph.add((call, SCHEMA.alternateName, Literal(brand["value"], lang="en")))
        graph.add((call, FOAF.page, URIRef(website["value"])))
        used = [brand, website]
        for field, prop, key in CALL_DATES:
            for row in self.rows(subject, field):
                value = leading_date(row["value"])
                if value is None:
                    self.problems.append(f"{subject} {field}: {row['value']!r} is no date (left out)")
                    continue
                sourced(graph, call, prop, value, key, [row])
        jury = self.one(subject, "jury")
        if jury is not None and re.match(r"(\d+) members", jury["value"]):
            size = int(re.match(r"(\d+) members", jury["value"]).group(1))
            sourced(graph, call, MPSC.jurySize, Literal(size), "jury-size", [jury])
        procedure = self.one(subject, "selection_procedure")  # the collector's words: a note, not a description
        graph.add((call, SKOS.note, Literal(procedure["value"], lang="en")))
        used.append(procedure)
        for criterion in self.sources.criteria:
            if criterion["type"] == "criterion-group" and criterion["call_year"] == str(year):
                graph.add((call, MPSC.evaluationCriterion, iris.criterion(criterion["id"].lower())))
        applications, announced = self.one(subject, "applications"), self.one(subject, "announcement_date")
        graph.add((iris.round(year), MPSC.applicationCount, Literal(int(applications["value"]))))
        add_sources(graph, iris.round(year), [applications])
        sourced(graph, iris.round(year), MPSC.announcementDate, leading_date(announced["value"]), "announcement-date",
                [announced])
        cite(graph, call, used, confidence=weakest(used), note="")

    # --- categories -----------------------------------------------------------------------------
    def _threshold(self, graph: Graph, slug: str, row: dict) -> None:
        """The population bounds of a size category as the 2019 call states them."""
        category = iris.category(slug)
        bounds = population_bounds(row["value"])
        if bounds is None:
            self.problems.append(f"programme.csv {row['field']}: no population bounds in {row['value']!r}")
            return
        lower, upper = bounds
        for prop, value in ((MPSC.populationLowerBound, lower), (MPSC.populationUpperBound, upper)):
            if value is not None:
                graph.add((category, prop, Literal(value)))
        definition_de, definition_en = THRESHOLD_DEFINITIONS[slug]
        graph.add((category, SKOS.definition, Literal(definition_de, lang="de")))
        graph.add((category, SKOS.definition, Literal(definition_en, lang="en")))
        add_sources(graph, category, [row])


FIGURE_LABELS = {
    "rate": ("Fördersatz", "funding rate"),
    "rate-budget-emergency": ("Fördersatz bei Haushaltsnotlage", "funding rate in a budgetary emergency"),
    "cap-phase-a": ("Höchstzuwendung Phase A (Strategie)", "maximum grant, phase A (strategy)"),
    "cap-phase-b": ("Höchstzuwendung Phase B (Umsetzung)", "maximum grant, phase B (implementation)"),
    "budget-total": ("Programmvolumen", "programme volume"),
    "budget-plan-2019": ("Programmplanung 2019", "programme plan of 2019"),
    "budget-2019": ("Haushaltsansatz 2019", "federal budget 2019"),
    "budget-2022-draft": ("Haushaltsentwurf 2022", "draft federal budget 2022"),
    "budget-2023": ("Haushaltsentwurf 2023", "draft federal budget 2023"),  # the source: "draft budget 2023"
    "budget": ("Mittel der Staffel", "funds of the round"),
    "budget-at-call": ("Mittel laut Aufruf", "funds announced with the call"),
    "budget-final": ("Mittel nach Aufstockung", "funds after the increase"),
}
THRESHOLD_DEFINITIONS = {
    "grossstadt": ("Städte mit mehr als 100.000 Einwohnern (Aufruf 2019)",
                   "Cities of more than 100,000 inhabitants (2019 call)"),
    "mittelstadt": ("Städte mit 20.000 bis 100.000 Einwohnern (Aufruf 2019)",
                    "Towns of 20,000 to 100,000 inhabitants (2019 call)"),
    "kleinstadt-landgemeinde": ("Städte und Gemeinden mit weniger als 20.000 Einwohnern (Aufruf 2019)",
                                "Towns and municipalities of fewer than 20,000 inhabitants (2019 call)"),
}
