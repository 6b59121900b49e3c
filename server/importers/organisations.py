"""Organisations outside the register: ministries, agencies, offices and the partners projects name.

Several importers name the same organisation (Fraunhofer IESE is in the coordination office and a
project partner), so they all add it here and it is written once, to organisations.ttl, with the German
label of its first mention, the English one of the first mention that gives one, and the sources of every
mention.
"""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .. import iris, names
from ..namespaces import MPSC
from .provenance import add_sources
from .sources import strip_parenthetical


# Where an organisation's English label differs from its name, it is the collector's translation (the README of
# sources/mpsc/measures.csv: `value_en` is "our own translation"), which the data says, as of states' English names.
TRANSLATED = "English label: translated by the collector of the source table, not a name the organisation uses"


class Organisations:
    """Collects organisations by IRI; `graph` holds each once. `aliases` maps a name the sources give an
    organisation besides its own to the slug of that organisation (sources/curation/organisations.csv): the
    name is then an alternative label (skos:altLabel) of it, not an organisation of its own."""

    def __init__(self, aliases: dict[str, str] | None = None):
        self.graph = Graph()
        self.labelled: set[URIRef] = set()
        self.english: set[URIRef] = set()
        self.aliases = aliases or {}
        self.aliased: set[str] = set()  # the aliases met, to report those of no organisation (`unused_aliases`)

    def add(self, name_de: str, name_en: str, rows: list[dict], slug: str | None = None,
            translated: bool = True) -> URIRef:
        """The organisation called `name_de` (English name `name_en`, the collector's translation where it differs
        unless not `translated`: a name English pages use), citing `rows`. The slug is the German name's without a
        trailing remark unless given, so "Creative Climate Cities (CCC)" and "Creative Climate Cities" are one
        organisation."""
        if name_de in self.aliases:
            self.aliased.add(name_de)
            iri = iris.organisation(self.aliases[name_de])
            self.graph.add((iri, SKOS.altLabel, Literal(strip_parenthetical(name_de), lang="de")))
            add_sources(self.graph, iri, rows)
            return iri
        iri = iris.organisation(slug or names.slug(strip_parenthetical(name_de)))
        if iri not in self.labelled:
            self.labelled.add(iri)
            self.graph.add((iri, RDF.type, MPSC.Organisation))
            self.graph.add((iri, RDFS.label, Literal(name_de, lang="de")))
        # our role remarks ("Arup (planning firm)") are no name; a name the same in both languages is labelled
        # in both, so that a query for English labels finds every organisation that has an English name
        english = strip_parenthetical(name_en)
        if english and iri not in self.english:
            self.english.add(iri)
            self.graph.add((iri, RDFS.label, Literal(english, lang="en")))
            if translated and english != strip_parenthetical(name_de):  # not a name the organisation is known by
                self.graph.add((iri, SKOS.editorialNote, Literal(TRANSLATED, lang="en")))
        add_sources(self.graph, iri, rows)
        return iri

    def unused_aliases(self) -> list[str]:
        """Aliases no source row named, and those naming an organisation no row names by its own name."""
        return ([f"organisations.csv names no partner of the sources: {name!r}"
                 for name in sorted(set(self.aliases) - self.aliased)]
                + [f"organisations.csv: {name!r} is to be {slug}, which no source names by its own name"
                   for name, slug in sorted(self.aliases.items()) if iris.organisation(slug) not in self.labelled])
