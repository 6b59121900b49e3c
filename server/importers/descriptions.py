"""Short descriptions in German and English, written by us from sourced facts: of every project, of the
three funding rounds and their calls, and of the two documents the programme builds on (the Smart City
Charta, the data strategies).

A project's description says when and in which category the project was selected, how it started (phase
model; hedged with "wohl"/"probably" where the phase is only inferred), what it focuses on and three of its
measures. A round's says when it was announced, how many of how many applications were selected, per
category, and its motto; a call's when it appeared, until when bids were accepted, its jury, criteria,
size categories and funds as far as the sources state them, and the programme's funding rate; a document's
who published it when and how it is built. Nothing is quoted: the sentences are ours, the phrases are
labels of the graph. Each description is an mpsc:EditorialStatement attributed to the publisher, derived
from the facts it names and citing their sources; the resource carries the text as dcterms:description,
which pages and schema.org use as its lead text. The collectors' notes stay skos:note and are never the
lead text.
"""
from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from .. import iris
from ..dates import spoken_date
from ..namespaces import MPSC
from ..numbers import number, quantity
from .concepts import CATEGORIES, PUBLISHERS, criterion_english, month_year
from .course import phase_row
from .governance import CALL_DATES, ORGANISATIONS, THRESHOLDS, leading_date, millions, population_bounds
from .provenance import cite, weakest
from .sources import RANK, Sources, and_list, split_list

SHOWN = 3  # focus terms and measures a description names
PHASE_CLAUSES = {
    "strategy-first": ("begann mit einer Strategiephase vor der Umsetzung",
                       "began with a strategy phase before implementation"),
    "direct-implementation": ("ging ohne eigene Strategiephase direkt in die Umsetzung",
                              "went straight into implementation without a strategy phase of its own"),
}
# Where the phase model is only inferred (confidence uncertain), the description says so.
HEDGED_PHASE_CLAUSES = {
    "strategy-first": ("begann wohl mit einer Strategiephase vor der Umsetzung",
                       "probably began with a strategy phase before implementation"),
    "direct-implementation": ("ging wohl ohne eigene Strategiephase direkt in die Umsetzung",
                              "probably went straight into implementation without a strategy phase of its own"),
}
HEDGE_NOTE = ("the phase model is inferred, not stated by a source (see the project's #phase statement), so the "
              "description says “wohl” / “probably”")
# The subject of programme.csv behind each organisation slug (BBSR, BMUB, BMI publish the documents).
ORGANISATION_SUBJECTS = {slug: subject for subject, slug in ORGANISATIONS.items()}
def abbreviation(sources: Sources, subject: str) -> str:
    """An organisation's short name as programme.csv gives it: its abbreviation row, else "(XYZ)" in its name."""
    rows = {r["field"]: r["value"] for r in sources.programme if r["subject"] == subject}
    if rows.get("abbreviation"):
        return rows["abbreviation"]
    match = re.search(r"\(([A-ZÄÖÜ]{2,})\)", rows.get("name", ""))
    if match is None:
        raise ValueError(f"programme.csv {subject}: no abbreviation to name it by")
    return match.group(1)


def short_german_name(name: str) -> str:
    """The name a cell gives as "(also: …)", which needs no declension after "von der": "Dialogplattform Smart
    Cities" from "Nationale Dialogplattform Smart Cities (also: Dialogplattform Smart Cities)"."""
    match = re.search(r"\(also: ([^()]*)\)$", name)
    return match.group(1) if match else name


def population_span(slug: str, bounds: tuple[int | None, int | None], lang: str) -> str:
    """A size category with its population bounds: 'Mittelstädte mit 20.000 bis 100.000' or 'large cities of
    more than 100,000' (the sentence adds 'Einwohnern' / 'inhabitants')."""
    lower, upper = (None if n is None else number(n, lang) for n in bounds)
    de = lang == "de"
    if lower and upper:
        span = f"{lower} bis {upper}" if de else f"{lower} to {upper}"
    elif lower:
        span = f"mehr als {lower}" if de else f"more than {lower}"
    else:
        span = f"weniger als {upper}" if de else f"fewer than {upper}"
    return f"{CATEGORIES[slug][0]} mit {span}" if de else f"{CATEGORIES[slug][1].lower()} of {span}"


def write_editorial(graph: Graph, subject: URIRef, texts: dict[str, str], facts: list[URIRef], rows: list[dict],
                    note: str = "", confidence: str | None = None) -> None:
    """`subject` dcterms:description each text, each described as the publisher's mpsc:EditorialStatement
    `subject#description-{lang}`, derived from `facts` and citing the sources of `rows`; its confidence is
    the weakest of the rows' unless given."""
    for lang, text in texts.items():
        literal = Literal(text, lang=lang)
        graph.add((subject, DCTERMS.description, literal))
        statement = iris.fragment(subject, f"description-{lang}")
        graph.add((statement, RDF.type, MPSC.EditorialStatement))
        graph.add((statement, RDF.subject, subject))
        graph.add((statement, RDF.predicate, DCTERMS.description))
        graph.add((statement, RDF.object, literal))
        graph.add((statement, PROV.wasAttributedTo, iris.publisher()))
        for fact in facts:
            graph.add((statement, PROV.wasDerivedFrom, fact))
        cite(graph, statement, rows, note=note, confidence=confidence or weakest(rows))


class DescriptionWriter:
    """Writes descriptions.ttl."""

    def __init__(self, sources: Sources):
        self.sources = sources

    def graph(self) -> Graph:
        graph = Graph()
        for project in self.sources.projects:
            self._describe(graph, project)
        for row in self.sources.rounds:
            self._describe_round(graph, row)
            self._describe_call(graph, row)
        self._describe_charter(graph)
        self._describe_data_strategies(graph)
        return graph

    def _describe(self, graph: Graph, project: dict) -> None:
        slug, iri = project["slug"], iris.project(project["slug"])
        phase = phase_row(self.sources, slug)
        rows = self.sources.measures.get(slug, [])
        measures = sorted((r for r in rows if r["kind"] == "measure" and r["confidence"] != "uncertain"),
                          key=lambda r: (-RANK[r["confidence"]], r["number"]))[:SHOWN]
        focus = next((r for r in rows if r["kind"] == "focus"), None)
        hedged = phase["confidence"] == "uncertain"
        texts = {lang: self._text(project, phase["value"], hedged, focus, measures, lang) for lang in ("de", "en")}
        facts = [iris.round(project["year"]), iris.category(project["category"]), iris.fragment(iri, "phase"),
                 *(iris.measure(slug, m["number"]) for m in measures)]
        # The confidence is the weakest of the facts named (the focus terms are a listing, not a claim). The project's
        # own row names its title, round and category: its pages are cited too (a provenance review found 15
        # descriptions citing none of them).
        write_editorial(graph, iri, texts, facts, [project, phase, *measures, *([focus] if focus else [])],
                        note=HEDGE_NOTE if hedged else "", confidence=weakest([phase, *measures]))

    # --- rounds and documents -------------------------------------------------------------------
    def _programme_rows(self, subject: str) -> dict[str, dict]:
        return {r["field"]: self.sources.corrected("programme.csv", subject, r)
                for r in self.sources.programme if r["subject"] == subject}

    def _describe_round(self, graph: Graph, row: dict) -> None:
        """When the round was announced, how many of how many applications were selected, per category, motto."""
        year, iri = row["year"], iris.round(row["year"])
        facts = self._programme_rows(f"round-{year}")
        names = self._programme_rows("programme")
        per_category = {slug: sum(1 for p in self.sources.projects if p["year"] == year and p["category"] == slug)
                        for slug in CATEGORIES}
        applications = facts["applications"]["value"]
        announced = row["announcement_date"] or facts["announcement_date"]["value"]
        used = [self.sources.corrected("rounds.csv", row["staffel"], row), facts["applications"],
                facts["announcement_date"]]
        texts = {}
        for lang in ("de", "en"):
            de = lang == "de"
            counts = ", ".join(f"{CATEGORIES[slug][0] if de else CATEGORIES[slug][1].lower()} {n}"
                               for slug, n in per_category.items())
            if de:
                text = (f"Die {row['staffel']}. Staffel der {names['name']['value']} wurde am "
                        f"{spoken_date(announced, lang)} bekannt gegeben: Von {applications} Bewerbungen wurden "
                        f"{row['selected']} ausgewählt. Nach Kategorien: {counts}.")
            else:
                text = (f"Round {row['staffel']} of the {names['name_en']['value']} was announced on "
                        f"{spoken_date(announced, lang)}: {row['selected']} of {applications} applications were "
                        f"selected. By category: {counts}.")
            if row["motto_de"]:
                text += (f" Leitthema der Staffel: „{row['motto_de']}“." if de
                         else f" The round's motto: “{row['motto_de']}”.")
            texts[lang] = text
        # Derived from facts, not from the programme, whose name it uses: PROV-O makes the programme an activity,
        # which no entity is (an ontology review ran OWL-RL: prov:wasDerivedFrom's range made it both).
        write_editorial(graph, iri, texts, [iris.fragment(iri, "announcement-date"),
                                            *(iris.category(slug) for slug, n in per_category.items() if n)], used)

    def _describe_call(self, graph: Graph, row: dict) -> None:
        """When the call appeared and until when bids were accepted, its jury, the criterion groups bids were
        assessed under, the size categories (2019) and funds it names, and the programme's funding rate."""
        year, iri = row["year"], iris.call(row["year"])
        facts, programme = self._programme_rows(f"round-{year}"), self._programme_rows("programme")
        dates = {key: facts[field] for field, _, key in CALL_DATES
                 if field in facts and leading_date(facts[field]["value"]) is not None}
        jury = facts.get("jury") if re.match(r"\d+ members", facts.get("jury", {}).get("value", "")) else None
        groups = [{**c, "label_en": criterion_english(self.sources, c)[0]} for c in self.sources.criteria
                  if c["type"] == "criterion-group" and c["call_year"] == year]
        sizes = {slug: programme[field] for slug, field in THRESHOLDS.items()} if year == "2019" else {}
        funds, rate = facts.get("budget_at_call"), programme["grant_rate"]
        call = {"staffel": row["staffel"], "dates": dates, "jury": jury, "groups": groups, "funds": funds,
                "sizes": {slug: population_bounds(r["value"]) for slug, r in sizes.items()},
                "rates": re.findall(r"(\d+) %", rate["value"])}
        texts = {lang: self._call_text(call, programme["name" if lang == "de" else "name_en"]["value"], lang)
                 for lang in ("de", "en")}
        derived = [*(iris.fragment(iri, key) for key in dates), *([iris.fragment(iri, "jury-size")] if jury else []),
                   *(iris.criterion(c["id"].lower()) for c in groups), *(iris.category(slug) for slug in sizes),
                   *([iris.fragment(iris.round(year), "budget-at-call")] if funds else []),
                   iris.fragment(iris.programme(), "rate"),
                   iris.fragment(iris.programme(), "rate-budget-emergency")]
        used = [*dates.values(), *filter(None, [jury, funds]), *groups, *sizes.values(), rate]
        write_editorial(graph, iri, texts, derived, used)

    @staticmethod
    def _call_text(call: dict, programme: str, lang: str) -> str:
        """The sentences of a call's description in one language; what the sources do not state is not said."""
        de, staffel = lang == "de", call["staffel"]
        day = {key: spoken_date(str(leading_date(r["value"])), lang) for key, r in call["dates"].items()}
        issued, deadline, extended = day.get("issued"), day["deadline"], day.get("extended-deadline")
        if de:
            text = (f"Der Förderaufruf zur {staffel}. Staffel der {programme} erschien am {issued}; "
                    f"Bewerbungsschluss war der {deadline}" if issued else
                    f"Im Förderaufruf zur {staffel}. Staffel der {programme} war Bewerbungsschluss der {deadline}")
        else:
            text = (f"The call for round {staffel} of the {programme} was published on {issued}, with an "
                    f"application deadline of {deadline}" if issued else
                    f"The call for round {staffel} of the {programme} set an application deadline of {deadline}")
        if extended:
            text += (", verlängert bis zum " if de else ", later extended to ") + extended
        sentences = [text + "."]
        size = re.match(r"\d+", call["jury"]["value"]).group(0) if call["jury"] else None
        if "jury-date" in day:
            jury = (f"Die Jury mit {size} Mitgliedern" if size else "Die Jury") if de else \
                (f"The jury of {size} members" if size else "The jury")
            # A date its source gives only as planned ("planned date of the comparative jury evaluation") is said so.
            planned = call["dates"]["jury-date"]["note"].startswith("planned")
            met = ("sollte am {} tagen" if planned else "tagte am {}") if de else \
                ("was to meet on {}" if planned else "met on {}")
            sentences.append(f"{jury} {met.format(day['jury-date'])}.")
        elif size:
            sentences.append(f"Die Jury hatte {size} Mitglieder." if de else f"The jury had {size} members.")
        if call["groups"]:
            names = and_list([f"„{c['label_de']}“" if de else f"“{c['label_en']}”" for c in call["groups"]],
                             "und" if de else "and")
            sentences.append(f"Bewertet wurde nach den Kriteriengruppen {names}." if de
                             else f"Bids were assessed under the criterion groups {names}.")
        if call["sizes"]:
            parts = and_list([population_span(slug, bounds, lang) for slug, bounds in call["sizes"].items()],
                             "und" if de else "and")
            sentences.append(f"Nach Einwohnerzahl unterschied der Aufruf {parts} Einwohnern." if de
                             else f"By population the call distinguished {parts} inhabitants.")
        if call["funds"] is not None and millions(call["funds"]["value"]) is not None:
            bound, amount = millions(call["funds"]["value"])
            figure = f"{int(amount) / 1_000_000:g}".replace(".", "," if de else ".")
            more = ("mehr als " if de else "more than ") if bound == "min" else ""
            sentences.append(f"Der Aufruf nannte Mittel von {more}{figure} Mio. Euro." if de
                             else f"The call announced funds of {more}{figure} million euros.")
        general, emergency = call["rates"]
        general, emergency = (quantity(int(rate), "%", lang) for rate in (general, emergency))
        sentences.append(f"Der Fördersatz des Programms beträgt {general} der förderfähigen Kosten, bei "
                         f"Haushaltsnotlage {emergency}." if de else
                         f"The programme's funding rate is {general} of eligible costs, {emergency} in a "
                         f"budgetary emergency.")
        return " ".join(sentences)

    def _document(self, subject: str, key: str, kind: str) -> dict:
        """What a document's description names: its programme.csv facts (subject), its charter-2.csv row (key),
        its guidelines (rows of `kind`), its publishers by their short names and the Dialogplattform's names."""
        platform = self._programme_rows("dialogplattform")
        return {"facts": self._programme_rows(subject),
                "row": next(r for r in self.sources.charter2 if r["id"] == key),
                "guidelines": [r for r in self.sources.charter2 if r["kind"] == kind],
                "publishers": [abbreviation(self.sources, ORGANISATION_SUBJECTS[o]) for o in PUBLISHERS[subject]],
                "platform": {"de": short_german_name(platform["name"]["value"]), "en": platform["name_en"]["value"]},
                "publisher_iris": [*(iris.organisation(o) for o in PUBLISHERS[subject]),
                                   iris.organisation("dialogplattform")]}

    def _describe_charter(self, graph: Graph) -> None:
        """Who published the Charta when and who drew it up, how it is built, and its revised edition."""
        doc = self._document("smart-city-charta", "SCC", "guideline")
        facts, guidelines, publishers, platform = doc["facts"], doc["guidelines"], doc["publishers"], doc["platform"]
        issued, edition = (str(month_year(facts[f]["value"])) for f in ("published", "second_edition"))
        texts = {
            "de": (f"Die Smart City Charta erschien im {spoken_date(issued, 'de')}, herausgegeben von "
                   f"{and_list(publishers, 'und')} und erarbeitet von der {platform['de']}. Sie verbindet ein "
                   f"normatives Leitbild mit {len(guidelines)} Leitlinien, zu denen jeweils Handlungsempfehlungen "
                   f"gehören. Im {spoken_date(edition, 'de')} folgte eine überarbeitete Neuauflage."),
            "en": (f"The Smart City Charter appeared in {spoken_date(issued, 'en')}, published by "
                   f"{and_list(publishers, 'and')} and drawn up by the {platform['en']}. It combines a normative "
                   f"vision with {len(guidelines)} guidelines, each with recommendations for action. A revised "
                   f"edition followed in {spoken_date(edition, 'en')}."),
        }
        used = [doc["row"], *(facts[f] for f in ("published", "publishers", "author_body", "structure",
                                                 "second_edition")), *guidelines]
        write_editorial(graph, iris.scheme("charter"), texts,
                        [*doc["publisher_iris"], iris.document("smart-city-charta-2021"),
                         *(iris.charter_principle(f"guideline-{r['number']}") for r in guidelines)], used)

    def _describe_data_strategies(self, graph: Graph) -> None:
        """Who adopted and published the data strategies when, and how many guidelines they hold."""
        doc = self._document("datenstrategien", "DS", "data-guideline")
        facts, guidelines, publishers, platform = doc["facts"], doc["guidelines"], doc["publishers"], doc["platform"]
        year, title = facts["adopted_by"]["value"][-4:], doc["row"]
        texts = {
            "de": (f"Die „{title['title_de']}“ wurden {year} von der {platform['de']} verabschiedet und von "
                   f"{and_list(publishers, 'und')} herausgegeben. Sie ergänzen die Smart City Charta um "
                   f"{len(guidelines)} Leitlinien."),
            "en": (f"The “{title['title_en']}” were adopted by the {platform['en']} in {year} and published by "
                   f"{and_list(publishers, 'and')}. They add {len(guidelines)} guidelines to the Smart City Charter."),
        }
        used = [doc["row"], *(facts[f] for f in ("adopted_by", "publishers", "guideline_count"))]
        write_editorial(graph, iris.scheme("data-strategies"), texts,
                        [*doc["publisher_iris"], iris.scheme("charter"),
                         *(iris.data_guideline(r["number"]) for r in guidelines)], used)

    def _text(self, project: dict, phase: str, hedged: bool, focus: dict | None, measures: list[dict],
              lang: str) -> str:
        de = lang == "de"
        name = self._name(project, lang)
        category = CATEGORIES[project["category"]][0 if de else 1]
        clause = (HEDGED_PHASE_CLAUSES if hedged else PHASE_CLAUSES)[phase][0 if de else 1]
        if de:
            sentences = [f"Das Modellprojekt {name} wurde {project['year']} in der {project['staffel']}. Staffel "
                         f"in der Kategorie „{category}“ ausgewählt und {clause}."]
        else:
            sentences = [f"The model project {name} was selected in {project['year']}, in round {project['staffel']} "
                         f"and the category “{category.lower()}”, and {clause}."]
        terms = self._focus(project, focus, lang)
        if terms:  # focus terms are nouns or adjectives, so they are listed rather than built into a clause
            sentences.append(("Schwerpunkte: " if de else "Focus: ") + and_list(terms, "und" if de else "and") + ".")
        phrases = [m["value_de" if de else "value_en"] for m in measures]
        if phrases:  # measure phrases contain commas themselves
            sentences.append(("Maßnahmen sind unter anderem: " if de else "Measures include: ") + "; ".join(phrases) + ".")
        return " ".join(sentences)

    def _name(self, project: dict, lang: str) -> str:
        """The project's own title in quotes (the English one where a source gives it), else its label."""
        title = self.sources.project_curation[project["slug"]]["title_de"]
        english = next((r["value_en"] for r in self.sources.measures.get(project["slug"], []) if r["kind"] == "title_en"),
                       None)
        if lang == "en" and english:
            return f"“{english}”"
        if title:
            return f"„{title}“" if lang == "de" else f"“{title}”"
        return project["name_de"]

    def _focus(self, project: dict, focus: dict | None, lang: str) -> list[str]:
        """The first focus terms a source names; without any, the project's fields of action."""
        if focus is not None:
            return split_list(focus["value_de" if lang == "de" else "value_en"])[:SHOWN]
        labels = {t["slug"]: (t["label_de"], t["label_en"].lower()) for t in self.sources.topics}
        named = dict.fromkeys(f for term in split_list(project["topics"]) for f in self.sources.fields_of(term))
        return [labels[f][0 if lang == "de" else 1] for f in list(named)[:SHOWN]]
