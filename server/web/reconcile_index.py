"""The names and facts the reconciliation service matches against, held in memory once per release.

Two queries (queries.reconcile_names, queries.reconcile_facts) give every reconciled resource's names and
the facts it is matched and extended by; `Index` keeps them by folded name key (server/names.py), by word (for
near misses) and by identifier (AGS, ARS, Wikidata item), so a batch of OpenRefine queries needs no SPARQL.
"""
from __future__ import annotations

import bisect
import functools
import math
from collections import Counter
from dataclasses import dataclass, field

from rdflib.namespace import RDFS

from .. import iris, names, queries
from ..namespaces import MPSC, WD
from . import get_store, per_release
from .i18n import DEFAULT, preferred

WIKIDATA = str(WD)
IDENTIFIERS = ("ags", "ars", "wikidata")  # properties whose exact value identifies a resource
ROLE = "wikidata-role"  # `by_identifier`'s key for the Wikidata item of the city a district or state also is
BASE_WEIGHT = 0.9  # a base form ("Halle" for "Halle (Saale)", "Frankfurt" for "Frankfurt am Main"; names.base_forms)
NEAR_WEIGHT = 0.85  # a near miss scores at most this share of an exact name
NEAR_THRESHOLD = 0.6  # below this similarity a name is no candidate
COMMON_WORD = 500  # a word in more names than this ("stadt", "landkreis", "bad") finds no near misses
SHARED_TRIGRAMS = 0.5  # a misspelt word ("kaiserlautern") finds the words sharing this share of their trigrams
PREFIX_SCAN = 5000  # name keys a prefix completion looks at, at most (`Index.with_prefix`)


@dataclass
class Entity:
    """A reconciled resource: its id (the IRI's path under /id/), classes, labels, name keys and facts."""

    id: str
    types: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # rdfs:label by language
    names: set[str] = field(default_factory=set)  # every name, labels included
    keys: dict[str, float] = field(default_factory=dict)  # folded name -> weight (1 full, 0.9 base form)
    facts: dict[str, set[str]] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)  # Wikidata items of the city this district or state also is

    def label(self, lang: str = DEFAULT) -> str:
        """The label a `lang` reader sees (`languages.preferred`), else its smallest name."""
        return preferred(self.labels, lang) or min(self.names)

    @functools.cached_property
    def label_keys(self) -> set[str]:
        """The name keys of its German label, computed once (after the index is built): suggestions sort by them
        on every keystroke."""
        return names.keys(self.label())

    def values(self, key: str) -> set[str]:
        return self.facts.get(key, set())

    @property
    def population(self) -> int:
        """Of namesakes, the larger place comes first (in candidates and suggestions): it is the one more tables
        mean."""
        return max((int(p) for p in self.values("population")), default=0)


MPSC_SPACE, LABEL, REGISTER_NAME = str(MPSC), str(RDFS.label), str(MPSC.registerName)


def as_id(text: str) -> str:
    """The id `text` names: the id of a full IRI under /id/ (as the CSV tables' `id` columns write them), else the
    text itself."""
    return iris.path_of(text) or text


class Index:
    """Every reconciled resource, findable by name key, by word, by identifier and by key prefix."""

    def __init__(self, name_rows: list[dict], fact_rows: list[dict]):
        """From the bindings (SPARQL JSON, `Store.bindings`) of queries.reconcile_names and reconcile_facts."""
        self.entities: dict[str, Entity] = {}
        for row in name_rows:
            self._add_name(row)
        for row in fact_rows:
            self._add_fact(row)
        self.by_key: dict[str, dict[str, float]] = {}
        self.by_word: dict[str, set[str]] = {}
        self.by_identifier: dict[tuple[str, str], set[str]] = {}
        for entity in self.entities.values():
            self._register(entity)
        self.sorted_keys = sorted(self.by_key)
        self.by_trigram: dict[str, set[str]] = {}
        self.trigram_counts: dict[str, int] = {}
        for word in self.by_word:
            grams = trigrams(word)
            self.trigram_counts[word] = len(grams)
            for trigram in grams:
                self.by_trigram.setdefault(trigram, set()).add(word)
        self.other_labels: dict[str, dict[str, str]] = {}

    def _add_name(self, row: dict) -> None:
        ident = iris.path_of(row["s"]["value"])
        if ident is None:
            return
        entity = self.entities.setdefault(ident, Entity(ident))
        entity.types.add(row["class"]["value"][len(MPSC_SPACE):])
        name = row["name"]["value"]
        if row["p"]["value"] == LABEL:  # the display name; of several, the smallest, whatever the row order
            lang = row["name"].get("xml:lang", "")
            entity.labels[lang] = min(name, entity.labels.get(lang, name))
        entity.names.add(name)
        register = row["p"]["value"] == REGISTER_NAME  # "Eisleben, Lutherstadt" is also "Lutherstadt Eisleben"
        for key in set().union(*map(names.keys, (name, *(names.reordered(name) if register else ())))):
            entity.keys[key] = 1.0
        forms = names.base_forms(name)
        if row["class"]["value"].endswith("#District"):  # "Landkreis Rostock" is "Rostock" in a table of districts,
            forms.add(names.without_district(name))  # beside the city's district role (a wrangler's review)
        for form in forms - {name}:
            for key in names.keys(form):
                entity.keys.setdefault(key, BASE_WEIGHT)

    def _add_fact(self, row: dict) -> None:
        entity = self.entities.get(iris.path_of(row["s"]["value"]) or "")
        if entity is None:
            return
        key, value = row["key"]["value"], row["o"]["value"]
        if key in ("wikidata", ROLE):
            if not value.startswith(WIKIDATA):
                return
            value = value[len(WIKIDATA):]
            if key == ROLE:  # the item identifies this role too (`by_identifier`), and data extension gives it
                key = "wikidata"
                entity.roles.add(value)
        elif key not in ("ags", "ars", "population"):
            value = as_id(value)
        entity.facts.setdefault(key, set()).add(value)

    def _register(self, entity: Entity) -> None:
        for key, weight in entity.keys.items():
            hits = self.by_key.setdefault(key, {})
            hits[entity.id] = max(weight, hits.get(entity.id, 0))
            for word in key.split():
                self.by_word.setdefault(word, set()).add(entity.id)
        for prop in IDENTIFIERS:
            for value in entity.values(prop):
                key = ROLE if prop == "wikidata" and value in entity.roles else prop
                self.by_identifier.setdefault((key, value), set()).add(entity.id)

    def spelt_like(self, word: str) -> set[str]:
        """The words of names that share SHARED_TRIGRAMS of the trigrams of the longer of the two with `word`: for a
        word no name has, the words it may misspell (a wrangler's review: "Kaiserlautern", "Regensbrug",
        "Heidelburg" found no candidate). Of the longer one: a short word's two trigrams are in hundreds of longer
        words ("stadx" in every "…stadt")."""
        own = trigrams(word)
        counts = Counter(other for trigram in own for other in self.by_trigram.get(trigram, ()))
        return {other for other, shared in counts.items()
                if shared >= max(2, math.ceil(SHARED_TRIGRAMS * max(len(own), self.trigram_counts[other])))}

    def label_of(self, ident: str, lang: str = DEFAULT) -> str:
        """The label of a resource named in the facts: an entity's, else one fetched for it (rounds,
        categories), else its id."""
        if ident in self.entities:
            return self.entities[ident].label(lang)
        return preferred(self.other_labels.get(ident, {}), lang) or ident

    def unnamed(self) -> set[str]:
        """The resources named in facts that are not reconciled themselves (rounds, categories)."""
        return {v for e in self.entities.values() for k in ("round", "category") for v in e.values(k)} - set(self.entities)

    def with_prefix(self, prefix: str, limit: int, keep=lambda ident: True) -> list[str]:
        """Ids whose name key starts with the folded prefix and that `keep` keeps, shortest key first (the closest
        completion), then those whose label itself begins so, then the larger place (a wrangler's review: "Köl"
        gave "Kreisfreie Stadt Köln" before Köln, "Hof" the village before the town). Kept before the cut, so that
        a type's entities are found behind those of others; at most PREFIX_SCAN keys are looked at (a one-letter
        prefix begins thousands)."""
        found: dict[str, int] = {}
        forms = names.keys(prefix)
        for key_form in forms:
            start = bisect.bisect_left(self.sorted_keys, key_form)
            for key in self.sorted_keys[start:start + PREFIX_SCAN]:
                if not key.startswith(key_form):
                    break
                for ident in self.by_key[key]:
                    if ident in found or keep(ident):
                        found[ident] = min(found.get(ident, len(key)), len(key))
        def labelled(ident: str) -> bool:
            return any(key.startswith(form) for key in self.entities[ident].label_keys for form in forms)

        return sorted(found, key=lambda i: (found[i], not labelled(i), -self.entities[i].population,
                                            self.entities[i].label(), i))[:limit]


def trigrams(word: str) -> set[str]:
    """The three-letter runs of a word."""
    return {word[i:i + 3] for i in range(len(word) - 2)}


def index() -> Index:
    """The index of the served release, built on first use by each worker."""
    def build() -> Index:
        store = get_store()
        built = Index(store.bindings(queries.reconcile_names()), store.bindings(queries.reconcile_facts()))
        unnamed = sorted(str(iris.identifier(i)) for i in built.unnamed())
        if unnamed:
            labels = queries.labels_by_language(store.select(queries.labels(unnamed)))
            built.other_labels = {as_id(iri): texts for iri, texts in labels.items()}
        return built
    return per_release.value("reconcile.index", build)
