"""Short descriptions of every project in German and English, written by us from its sourced facts.

A description says when and in which category the project was selected, how it started (phase model),
what it focuses on and three of its measures. Nothing is quoted: the sentences are ours, the phrases are
the measures' and focus terms' labels. Each description is an mpsc:EditorialStatement attributed to the
publisher, derived from the facts it names and citing their sources; the project carries the text as
dcterms:description, which pages and schema.org use as its lead text.
"""
from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF

from .. import iris
from ..namespaces import MPSC
from .concepts import CATEGORIES
from .course import project_rows
from .provenance import cite, weakest
from .sources import RANK, Sources, and_list, best, split_list

SHOWN = 3  # focus terms and measures a description names
PHASE_CLAUSES = {
    "strategy-first": ("begann mit einer Strategiephase vor der Umsetzung",
                       "began with a strategy phase before implementation"),
    "direct-implementation": ("ging ohne eigene Strategiephase direkt in die Umsetzung",
                              "went straight into implementation without a strategy phase of its own"),
}


class DescriptionWriter:
    """Writes descriptions.ttl."""

    def __init__(self, sources: Sources):
        self.sources = sources

    def graph(self) -> Graph:
        graph = Graph()
        for project in self.sources.projects:
            self._describe(graph, project)
        return graph

    def _describe(self, graph: Graph, project: dict) -> None:
        slug, iri = project["slug"], iris.project(project["slug"])
        phase = best(project_rows(self.sources.course.get(slug, []), "phase_model"))
        rows = self.sources.measures.get(slug, [])
        measures = sorted((r for r in rows if r["kind"] == "measure" and r["confidence"] != "uncertain"),
                          key=lambda r: (-RANK[r["confidence"]], r["number"]))[:SHOWN]
        focus = next((r for r in rows if r["kind"] == "focus"), None)
        texts = {lang: self._text(project, phase["value"], focus, measures, lang) for lang in ("de", "en")}
        facts = [iris.round(project["year"]), iris.category(project["category"]), iris.fragment(iri, "phase"),
                 *(iris.measure(slug, m["number"]) for m in measures)]
        for lang, text in texts.items():
            literal = Literal(text, lang=lang)
            graph.add((iri, DCTERMS.description, literal))
            statement = iris.fragment(iri, f"description-{lang}")
            graph.add((statement, RDF.type, MPSC.EditorialStatement))
            graph.add((statement, RDF.subject, iri))
            graph.add((statement, RDF.predicate, DCTERMS.description))
            graph.add((statement, RDF.object, literal))
            graph.add((statement, PROV.wasAttributedTo, iris.publisher()))
            for fact in facts:
                graph.add((statement, PROV.wasDerivedFrom, fact))
            cite(graph, statement, [phase, *measures, *([focus] if focus else [])], note="",
                 confidence=weakest([phase, *measures]))

    def _text(self, project: dict, phase: str, focus: dict | None, measures: list[dict], lang: str) -> str:
        de = lang == "de"
        name = self._name(project, lang)
        category = CATEGORIES[project["category"]][0 if de else 1]
        clause = PHASE_CLAUSES[phase][0 if de else 1]
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
