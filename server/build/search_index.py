"""The search index of a release: a SQLite file (FTS5) over every named resource of the graph.

Built with the release from the same graphs (`build.release_files`), listed in its manifest
(`"search"`) and in SHA256SUMS, and opened read-only by the web layer (`web/finder.py`), so search
needs no store and answers in milliseconds. Names are folded by `server.names`, the one rule for
comparing names.

What is indexed: every resource under `…/id/` (no #fragments) of the programme and reference graphs
that has a label: projects (by label and title), measures, strategies, organisations, concepts, and
every register place (by label and official register name, e.g. "Köln, Stadt").

Tables (the API of the file, read by `web/finder.py` and by anything else that matches names):

* `entry(id, iri, type, label_de, label_en, description_de, description_en, participant, population,
  kind, label_de_lang, label_en_lang)` – one row per resource; `type` is the class IRI, `participant` 1 for
  resources of the programme graph (projects and what belongs to them, and the bodies taking part), `kind` the
  order in which kinds are listed when all else is equal (projects first), `population` for register places,
  `label_{lang}_lang` the language tag of `label_{lang}` where it is another (an English reader gets the German
  name where there is no English one: "de"), else "" (releases before 2026-12-06 lack these two columns).
* `name(entry, form)` – every folded form of every name (`names.name_forms`), indexed: exact and
  prefix matches are index lookups.
* `ident(entry, id)` – identifiers (AGS, ARS, Wikidata id in lower case `q365`), indexed.
* `words(text)` – FTS5 table whose rowid is the entry's id: all names in both foldings, for matches
  by words (each query word a prefix of a word of the name).
* `parts(text)` – the same texts in an FTS5 table of trigrams, for matches within a word: German compounds
  ("ministerium" in "Bundesministerium", "stadt" in "Darmstadt"), which `words` cannot find.
* `fragment(base, iri)` – every #fragment resource under `…/id/` that some graph says something about, by the
  IRI of the document it belongs to (`…/id/municipality/05315000#geometry` under `…/id/municipality/05315000`),
  keyed by base (a table without rowid: the key is the table, 1.3 MB for the real data's 11,664). A document
  shows its fragments (web/resources.py), and a store can only list them by reading every statement: 15 s over
  the ×100 synthetic data (benchmarks/scale.py), beyond the query time limit.
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

from .. import names
from ..languages import LANGUAGES, other_tag, preferred
from ..namespaces import ID, MPSC, ONTOLOGY_GRAPH, PROGRAMME_GRAPH, REFERENCE_GRAPH, SCHEMA

NAME_PROPERTIES = (MPSC.title, RDFS.label, SKOS.prefLabel, DCTERMS.title, FOAF.name, SKOS.altLabel,
                   SCHEMA.alternateName, MPSC.registerName)
# What a hit is called: its title in any language before a label in the reader's, as its page's heading
# (web/page_model.build_page); else the first of the labels per language.
TITLE, LABEL_ORDER = (MPSC.title,), (RDFS.label, SKOS.prefLabel, DCTERMS.title, FOAF.name)
IDENTIFIERS = (MPSC.ags, MPSC.ars)
# Module constants, not attributes looked up in the loop over 12,000 entries (rdflib's Namespace makes its term anew).
REGISTER_NAME, POPULATION, LABEL_ONLY = MPSC.registerName, MPSC.population, (RDFS.label,)
SAME_AS = (OWL.sameAs, SCHEMA.sameAs)
# Where a hit lies or belongs, named in its description: outgoing, and incoming (project → measure).
CONTEXT_OUT = (SCHEMA.containedInPlace, MPSC.fundingRound)
CONTEXT_IN = (MPSC.measure, MPSC.strategy)
KINDS = (MPSC.ModelProject, MPSC.Municipality, MPSC.District, MPSC.State, MPSC.Cooperation,
         MPSC.MunicipalAssociation, MPSC.RegionalAssociation, MPSC.Measure, MPSC.SmartCityStrategy)
KIND_RANK = {str(kind): rank for rank, kind in enumerate(KINDS)}  # by plain string: rdflib compares in Python
SCHEMA_SQL = """
CREATE TABLE entry (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, type TEXT, label_de TEXT, label_en TEXT,
                    description_de TEXT, description_en TEXT, participant INTEGER, population INTEGER, kind INTEGER,
                    label_de_lang TEXT, label_en_lang TEXT);
CREATE TABLE name (entry INTEGER NOT NULL, form TEXT NOT NULL);
CREATE INDEX name_form ON name (form, entry);
CREATE TABLE ident (entry INTEGER NOT NULL, id TEXT NOT NULL);
CREATE INDEX ident_id ON ident (id, entry);
CREATE VIRTUAL TABLE words USING fts5 (text, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE parts USING fts5 (text, tokenize = 'trigram');
CREATE TABLE fragment (base TEXT NOT NULL, iri TEXT NOT NULL, PRIMARY KEY (base, iri)) WITHOUT ROWID;
"""


@dataclass
class Entry:
    """One resource as the index holds it."""

    iri: str
    type: str
    labels: dict[str, str]  # by language tag ("" for none), as `texts` gives them
    descriptions: dict[str, str]
    forms: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    participant: bool = False
    population: int | None = None
    kind: int = len(KINDS)

    def label(self, lang: str) -> str:
        """The label a `lang` reader sees (`pick`)."""
        return pick(self.labels, lang)

    def label_tag(self, lang: str) -> str:
        """The language of the label a `lang` reader sees, where it is not `lang` (`languages.other_tag`)."""
        return other_tag(self.labels, self.label(lang), lang)


def pick(texts: dict[str, str], lang: str) -> str:
    """`languages.preferred`, "" for none."""
    return preferred(texts, lang) or ""


class Facts:
    """Graphs as plain dicts for the index's many small look-ups: subject → property → sorted objects, and for
    the properties of CONTEXT_IN object → property → sorted subjects. Over the real data the index builds in
    2.2 s this way, against 4.6 s when the two graphs were merged into one rdflib graph and asked. Properties are
    keyed by their IRI as a plain string: rdflib compares its terms in Python, and a property named by a module's
    constant is another object than the graph's (a fifth of the index's time went into those comparisons)."""

    def __init__(self, *graphs: Graph):
        out: dict = defaultdict(lambda: defaultdict(set))
        into: dict = defaultdict(lambda: defaultdict(set))
        incoming = {str(p) for p in CONTEXT_IN}
        for graph in graphs:
            for (s, p, o), _ in graph.store.triples((None, None, None), graph):  # Graph's own iterator: a layer more
                key = str(p)
                out[s][key].add(o)
                if key in incoming:
                    into[o][key].add(s)
        self.out = {s: {p: sorted(os) if len(os) > 1 else list(os) for p, os in by.items()} for s, by in out.items()}
        self.into = {o: {p: sorted(ss) for p, ss in by.items()} for o, by in into.items()}
        self._labels: dict = {}

    def labels(self, node) -> dict[str, str]:
        """What the node is called (TITLE, else LABEL_ORDER), kept: thousands of municipalities name the same
        district and state as context. A review: an English search named the seven projects with an English label
        by it ("Hamburg in cooperation with Leipzig and München"), their pages by their German title."""
        if node not in self._labels:
            self._labels[node] = texts(self, node, TITLE) or texts(self, node, LABEL_ORDER)
        return self._labels[node]

    def objects(self, node, prop) -> list:
        return self.out.get(node, {}).get(str(prop), [])

    def subjects(self, prop, node) -> list:
        return self.into.get(node, {}).get(str(prop), [])

    def value(self, node, prop):
        found = self.objects(node, prop)
        return found[0] if found else None


def texts(facts: Facts, node, props) -> dict[str, str]:
    """{language: text} of the first of `props` that has a value per language (smallest text wins)."""
    found: dict[str, str] = {}
    for prop in props:
        for value in facts.objects(node, prop):
            if isinstance(value, Literal):
                found.setdefault(value.language or "", str(value))
    return found


def main_type(facts: Facts, node) -> str:
    """The class a hit is shown as: ours first (in the order of KINDS), else any."""
    types = [str(t) for t in facts.objects(node, RDF.type)]
    ours = [t for t in types if t in KIND_RANK] or [t for t in types if t.startswith(MPSC)] or types
    return min(ours, key=lambda t: (KIND_RANK.get(t, len(KINDS)), t)) if ours else ""


def entries(graphs: dict[str, Graph], data: Facts) -> list[Entry]:
    """Every named resource of the programme and reference graphs (`data`), with names, ids and a description."""
    ontology = Facts(graphs[ONTOLOGY_GRAPH])
    programme = {s for s in graphs[PROGRAMME_GRAPH].subjects() if isinstance(s, URIRef)}
    found = []
    for node in sorted(s for s in data.out if isinstance(s, URIRef)):
        if not str(node).startswith(ID) or "#" in str(node):
            continue
        labels = data.labels(node)
        if labels:
            found.append(entry(data, ontology, node, labels, node in programme))
    return found


def entry(data: Facts, ontology: Facts, node: URIRef, labels: dict[str, str], participant: bool) -> Entry:
    """One resource's row of the index: its labels, the name of its class and the names of its neighbours, which a
    search for "Smart City Köln" or a district's name must find it by."""
    cls = main_type(data, node)
    kind_names = texts(ontology, URIRef(cls), LABEL_ONLY) if cls else {}
    context = [o for p in CONTEXT_OUT for o in data.objects(node, p)]
    context += [s for p in CONTEXT_IN for s in data.subjects(p, node)]
    descriptions = {}
    for lang in LANGUAGES:
        where = ", ".join(pick(data.labels(c), lang) for c in context)
        # A project is shown by its title; its label (the grantee's name) says why "Köln" finds it.
        label = pick(texts(data, node, LABEL_ONLY), lang)
        also = label if label and label != pick(labels, lang) else ""
        descriptions[lang] = " · ".join(part for part in (pick(kind_names, lang), also, where) if part)
    found = Entry(str(node), cls, labels, descriptions, participant=participant, kind=KIND_RANK.get(cls, len(KINDS)))
    for prop in NAME_PROPERTIES:
        for value in data.objects(node, prop):
            found.forms |= names.name_forms(str(value), official=prop == REGISTER_NAME)
    found.ids = {str(v) for p in IDENTIFIERS for v in data.objects(node, p)}
    found.ids |= {names.identifier(str(v)) for p in SAME_AS for v in data.objects(node, p)} - {None}
    population = data.value(node, POPULATION)
    found.population = int(population) if population is not None else None
    return found


def fragments(graphs: dict[str, Graph], data: Facts) -> list[tuple[str, str]]:
    """(base, fragment) for every #fragment IRI under …/id/ that is the subject of a statement in any of `graphs`
    (the programme and reference graphs' subjects are the keys of `data`), sorted. These are the input graphs: the
    metadata the build generates on top has no such IRIs (tests/test_search.py compares with the released store)."""
    subjects = set(data.out)
    for name, graph in graphs.items():
        if name not in (PROGRAMME_GRAPH, REFERENCE_GRAPH):
            subjects.update(graph.subjects(unique=True))
    found = {str(s) for s in subjects if isinstance(s, URIRef) and "#" in s and s.startswith(ID)}
    return sorted((iri.partition("#")[0], iri) for iri in found)


def write(found: list[Entry], fragmented: list[tuple[str, str]]) -> bytes:
    """The index file's bytes; the same entries always give the same bytes (for reproducible releases).
    Built in memory and serialised, so only the release writer touches the disk (and reports a full one)."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(SCHEMA_SQL)
        for number, e in enumerate(found, start=1):
            db.execute("INSERT INTO entry VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                       (number, e.iri, e.type, e.label("de"), e.label("en"), e.descriptions["de"],
                        e.descriptions["en"], int(e.participant), e.population, e.kind, e.label_tag("de"),
                        e.label_tag("en")))
            db.executemany("INSERT INTO name VALUES (?,?)", [(number, form) for form in sorted(e.forms)])
            db.executemany("INSERT INTO ident VALUES (?,?)", [(number, i) for i in sorted(e.ids)])
            text = " ".join(sorted(e.forms))
            db.execute("INSERT INTO words (rowid, text) VALUES (?,?)", (number, text))
            db.execute("INSERT INTO parts (rowid, text) VALUES (?,?)", (number, text))
        db.executemany("INSERT INTO fragment VALUES (?,?)", fragmented)
        db.execute("INSERT INTO words (words) VALUES ('optimize')")
        db.execute("INSERT INTO parts (parts) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")
        return db.serialize()
    finally:
        db.close()


def build_index(graphs: dict[str, Graph]) -> tuple[bytes, int]:
    """The search index of a release's graphs, and how many resources it holds."""
    data = Facts(graphs[PROGRAMME_GRAPH], graphs[REFERENCE_GRAPH])
    found = entries(graphs, data)
    return write(found, fragments(graphs, data)), len(found)
