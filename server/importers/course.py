"""A project's course from `sources/mpsc/course.csv`: phase model, runtime, status, homepage, its
strategy document and its funding figures.

course.csv holds one fact per row, conflicting rows side by side. Per project and field the best
supported project-specific row is published (see `sources.best`); rows the collector marks ROUND-LEVEL
(programme-wide statements) only stand in for a planned end no project source gives, and never for an
extension, which the round was only offered. Every fact carries its row's source and confidence.
"""
from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from .. import iris
from ..namespaces import MPSC, SCHEMA
from .figures import KIND_LABELS, add_figure, amount_labels
from .provenance import cite, sourced, weakest
from .sources import Sources, best, clean_note, date_literal, strip_parenthetical

ROUND_LEVEL = "ROUND-LEVEL"
PHASES = {"strategy-first", "direct-implementation"}
GERMAN = URIRef("http://publications.europa.eu/resource/authority/language/DEU")
# Funding fields of course.csv: the kind of figure and the project property that names the leading one.
FIGURES = {"federal_grant_eur": ("federal-grant", MPSC.federalGrant),
           "total_volume_eur": ("total-volume", MPSC.totalVolume)}


def project_rows(rows: list[dict], field: str) -> list[dict]:
    """The rows of one field that come from a project source, not from a programme-wide statement."""
    return [r for r in rows if r["field"] == field and not r["note"].startswith(ROUND_LEVEL)]


def best_date(rows: list[dict]) -> dict | None:
    """The best supported of several rows dating one thing (`best`), or a row as sure as it that dates it more
    precisely within it (2027-08 within 2027): a fact audit found Jena's planned end published as 2027, the first
    listed row's, where the project's own site, as sure, says August 2027."""
    chosen = best(rows)
    finer = [row for row in rows if chosen and row["confidence"] == chosen["confidence"]
             and row["value"].startswith(chosen["value"] + "-")]
    finest = max(finer, key=lambda row: len(row["value"]), default=chosen)
    # only where the finer rows agree with one another (2027-12 and 2027-08 leave it at 2027)
    return finest if all(finest["value"].startswith(row["value"]) for row in finer) else chosen


def round_rows(rows: list[dict], field: str) -> list[dict]:
    return [r for r in rows if r["field"] == field and r["note"].startswith(ROUND_LEVEL)]


def phase_row(sources: Sources, slug: str) -> dict | None:
    """The row of a project's phase model that is published, with our correction of its confidence: the course
    states it and the description hedges by it (a fact audit: two inferred phases were stated plainly)."""
    rows = project_rows(sources.course.get(slug, []), "phase_model")
    return best([sources.corrected("course.csv", slug, row) for row in rows])


class CourseImporter:
    """Writes course.ttl (facts on the projects), strategies.ttl and funding.ttl."""

    def __init__(self, sources: Sources, problems: list[str]):
        self.sources = sources
        self.problems = problems

    def graphs(self) -> dict[str, Graph]:
        course, strategies, funding = Graph(), Graph(), Graph()
        offers: dict[str, list[dict]] = {}  # the round-level extension rows of each round's projects
        for project in self.sources.projects:
            slug = project["slug"]
            # each row with our correction of its confidence (sources/curation/corrections.csv)
            rows = [self.sources.corrected("course.csv", slug, row) for row in self.sources.course.get(slug, [])]
            iri = iris.project(slug)
            self._phase(course, iri, slug)
            self._runtime(course, iri, rows, project)
            self._status_and_homepage(course, iri, rows, project)
            self._strategy(strategies, iri, project, rows)
            self._figures(funding, iri, slug, rows)
            offers.setdefault(project["year"], []).extend(round_rows(rows, "end_date_extended"))
        for year, rows in sorted(offers.items()):
            self._extension_offer(course, year, rows)
        self._check_curation()
        return {"course.ttl": course, "strategies.ttl": strategies, "funding.ttl": funding}

    # --- phase, runtime, status -----------------------------------------------------------------
    def _phase(self, graph: Graph, project: URIRef, slug: str) -> None:
        row = phase_row(self.sources, slug)
        if row is None or row["value"] not in PHASES:
            self.problems.append(f"{project}: no phase model in course.csv")
            return
        sourced(graph, project, MPSC.phase, iris.phase(row["value"]), "phase", [row])

    def _runtime(self, graph: Graph, project: URIRef, rows: list[dict], table_row: dict) -> None:
        """Start and planned end (project sources, then projects.csv, then the round), and a decided extension."""
        def from_table(field: str) -> dict | None:
            """The project table's cell, with our correction of its confidence where there is one."""
            if not table_row[field]:
                return None
            row = {"sources": table_row["sources"], "confidence": table_row["confidence"], "field": field,
                   "note": "from the project table (sources/mpsc/projects.csv)", "value": table_row[field]}
            return self.sources.corrected("projects.csv", table_row["slug"], row)

        start = best_date(project_rows(rows, "start_date")) or from_table("start_date")
        end = (best_date(project_rows(rows, "end_date")) or from_table("end_date")
               or best_date(round_rows(rows, "end_date")))
        extended = best_date(project_rows(rows, "end_date_extended"))
        for prop, key, row in ((SCHEMA.startDate, "start-date", start), (SCHEMA.endDate, "end-date", end),
                               (MPSC.extendedEndDate, "extended-end-date", extended)):
            if row is not None:
                self._dated(graph, project, prop, key, row)

    def _extension_offer(self, graph: Graph, year: str, rows: list[dict]) -> None:
        """An extension the programme offered every project of a round (the ROUND-LEVEL rows of `end_date_extended`),
        on the round, in our words: no project's extension, and so on none (a reverse fact audit found the offer
        itself nowhere). Rows that disagree on the date are reported, not chosen among."""
        if not rows:
            return
        dates = sorted({row["value"] for row in rows})
        if len(dates) > 1:
            self.problems.append(f"round {year}: its round-level extension rows disagree: {', '.join(dates)}")
            return
        text = (f"The programme offered every project of this round an extension of its runtime to {dates[0]}; a "
                f"project's own extension, where a source states one, is on the project.")
        said = "; ".join(dict.fromkeys(clean_note(row["note"]).removeprefix(ROUND_LEVEL + ":").split(";")[0].strip()
                                       for row in rows))
        sourced(graph, iris.round(year), SKOS.note, Literal(text, lang="en"), "extension-offer", rows,
                note=f"our wording of the course table's round-level rows, which say: {said}")

    def _dated(self, graph: Graph, subject: URIRef, prop: URIRef, key: str, row: dict) -> None:
        value = date_literal(row["value"])
        if value is None:
            self.problems.append(f"{subject}: {key} {row['value']!r} is not a year, month or date")
        else:
            sourced(graph, subject, prop, value, key, [row])

    def _status_and_homepage(self, graph: Graph, project: URIRef, rows: list[dict], table_row: dict) -> None:
        status = best(project_rows(rows, "status"))
        if status is not None:
            sourced(graph, project, MPSC.statusNote, Literal(status["value"], lang="en"), "status", [status])
        homepage = best(project_rows(rows, "homepage"))
        if homepage is None or same_site(homepage["value"], table_row["website"]):
            return
        if not table_row["website"]:
            sourced(graph, project, FOAF.homepage, URIRef(homepage["value"]), "homepage", [homepage])
        else:  # the project table's site stays the homepage; another site a source names is a page of the project
            sourced(graph, project, FOAF.page, URIRef(homepage["value"]), "page", [homepage])

    # --- strategy -------------------------------------------------------------------------------
    def _strategy(self, graph: Graph, project: URIRef, table_row: dict, rows: list[dict]) -> None:
        """The strategy document with title, year, date of adoption, addresses and language. The collector's remark
        in brackets after the title goes from the title, but not brackets of the project's own name: "Halle (Saale)"
        (a data audit found "Smart-City-Strategie Halle"); the cell as the collector wrote it stays as a note, since
        the remark mixes other names of the document ("HI 2030: …", "hoferLand.digital") with the collector's
        words (a reverse fact audit found 21 of the 29 remarks nowhere else in the graph)."""
        title = best(project_rows(rows, "strategy_title"))
        if title is None:
            return
        iri = iris.strategy(table_row["slug"])
        kept = title["value"].endswith(table_row["name_de"]) and table_row["name_de"].endswith(")")
        name = Literal(title["value"] if kept else strip_parenthetical(title["value"]), lang="de")
        graph.add((project, MPSC.strategy, iri))
        graph.add((iri, RDF.type, MPSC.SmartCityStrategy))
        graph.add((iri, RDFS.label, name))
        graph.add((iri, DCTERMS.title, name))
        if str(name) != title["value"]:
            graph.add((iri, SKOS.note, Literal(f"the title as the collector wrote it, remark included: {title['value']}",
                                               lang="en")))
        graph.add((iri, DCTERMS.language, GERMAN))  # the language of the title the source gives
        used = [("title", title)]
        year = best(project_rows(rows, "strategy_year"))
        if year is not None:
            graph.add((iri, DCTERMS.issued, date_literal(year["value"])))
            used.append(("year", year))
        adopted = best(project_rows(rows, "strategy_decision_date"))
        if adopted is not None and date_literal(adopted["value"]) is not None:
            graph.add((iri, DCTERMS.dateAccepted, date_literal(adopted["value"])))
            used.append(("adopted", adopted))
        elif adopted is not None:
            self.problems.append(f"{project}: strategy decision date {adopted['value']!r} is not a date")
        for page in project_rows(rows, "strategy_url"):
            graph.add((iri, FOAF.page, URIRef(page["value"])))
            used.append(("address", page))
        notes = "; ".join(f"{what} ({row['confidence']}): {row['note']}" for what, row in used if row["note"])
        cite(graph, iri, [row for _, row in used], confidence=weakest([row for _, row in used]), note=notes)

    # --- funding figures ------------------------------------------------------------------------
    def _figures(self, graph: Graph, project: URIRef, slug: str, rows: list[dict]) -> None:
        """Every published figure with its source; the best supported one per kind leads (federalGrant, totalVolume).

        A figure whose source does not say whether it is the grant or the total volume is of neither kind
        (funding.csv `kind`), whatever column the collector filed it under, and cannot lead: a fact audit found
        Guben's, Rostock's and Iserlohn's typed and summed as federal grants while their projects said
        "unspecified". Its IRI keeps the column's name (`#federal-grant-1`), as published before."""
        for field, (kind, leading) in FIGURES.items():
            figures = project_rows(rows, field)
            for row in figures:
                curated = self.sources.funding.get((slug, field, row["value"]), {})
                bound, stated = curated.get("bound", ""), curated.get("kind") or kind
                add_figure(graph, project, iris.fragment(project, f"{kind}-{row['number']}"), stated, row,
                           amount_labels(KIND_LABELS[stated], bound, row["value"]), amount=row["value"], bound=bound,
                           rate=curated.get("rate"))
            candidates = [r for r in figures if self._may_lead(slug, field, r)]
            chosen = best(candidates)
            if chosen is not None:
                graph.add((project, leading, iris.fragment(project, f"{kind}-{chosen['number']}")))

    def _may_lead(self, slug: str, field: str, row: dict) -> bool:
        """Whether a figure may lead: funding.csv neither says it cannot nor gives it another kind."""
        curated = self.sources.funding.get((slug, field, row["value"]), {})
        return curated.get("preferred") != "no" and not curated.get("kind")

    def _check_curation(self) -> None:
        """Every decision in funding.csv must name a figure of course.csv."""
        stated = {(slug, r["field"], r["value"]) for slug, rows in self.sources.course.items() for r in rows}
        for key in sorted(set(self.sources.funding) - stated):
            self.problems.append(f"funding.csv names no figure of course.csv: {key}")


def same_site(one: str, other: str) -> bool:
    """Whether two addresses name the same site, whatever their scheme, `www.` or trailing slash."""
    def bare(url: str) -> str:
        return re.sub(r"^https?://(?:www\.)?", "", url.strip()).rstrip("/").lower()
    return bool(one) and bool(other) and bare(one) == bare(other)
