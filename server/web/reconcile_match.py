"""Scoring the candidates of one reconciliation query: identifiers first, then names, then near misses.

An exact identifier (AGS, ARS, Wikidata item given as a property, or typed as the name) identifies, and a namesake
then scores 99 at most; otherwise a name scores 100 when one of the resource's names has the same key
(server/names.py; also the register's name with its designation put first, "Lutherstadt Eisleben", and a
district's with "Kreis" for "Landkreis" or back), 90 when it equals a base form ("Halle" for "Halle (Saale)", "Frankfurt" for "Frankfurt am
Main", "Cottbus" for "Cottbus/Chóśebuz") or when the query without its designation ("Hansestadt Rostock") equals
a name where the query itself is no name (a district named as such then as a near miss: "Stadt Hof" is the
town), and up to 85 by similarity. Types and the state or district (given as a
property: name, key or id) constrain the candidates; one the service cannot read constrains nothing. A candidate
is a `match` – OpenRefine accepts it without asking – when an identifier named it and nothing contradicts that
(another identifier naming another resource, or a name that fits another candidate better than it),
or when its full name matched, no other candidate scores 90 or more, no state or district went unread and no
identifier the query gives names nothing, or only what the types and places rule out.
"""
from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

from .. import names
from .reconcile_index import (BASE_WEIGHT, COMMON_WORD, IDENTIFIERS, NEAR_THRESHOLD, NEAR_WEIGHT, ROLE, Entity,
                              Index, as_id)

PLACE_CONSTRAINTS = {"state": "State", "district": "District"}  # property -> the type of its values
MAX_NEAR = 5000  # resources sharing a word with the query that are compared for near misses, at most
CHECK_EVERY = 32  # near misses compared between two looks at the deadline (about 0.4 ms each on a slow host)


class Overrun(Exception):
    """The deadline of a reconciliation batch has passed (web/reconcile.py answers it as the time limit)."""


@dataclass(frozen=True)
class Query:
    """One query of a batch, as read from the request (web/reconcile.py)."""

    text: str
    types: frozenset[str]
    limit: int
    properties: tuple[tuple[str, tuple], ...]  # (property id, values)


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    match: bool


def candidates(index: Index, query: Query, deadline: float = math.inf) -> list[Candidate]:
    """The best candidates of a query, best first; Overrun once `deadline` (time.monotonic()) has passed."""
    identified, roles, unknown = identify(index, query)
    scores = {ident: 100.0 for ident in identified | roles}
    named = by_name(index, query.text, query.limit + 20, deadline, query.types)
    for ident, score in named.items():
        scores[ident] = max(scores.get(ident, 0.0), score)
    places = [(prop, resolve(index, prop, values)) for prop, values in query.properties if prop in PLACE_CONSTRAINTS]
    kept = [ident for ident in scores if fits(index.entities[ident], query.types, [p for p in places if p[1]])]
    if (identified | roles) & set(kept):  # an identifier settles the query: a namesake scores less than the place
        for ident in set(kept) - identified - roles:  # it names (a wrangler's review: Kirchberg in Bayern scored 100
            scores[ident] = min(scores[ident], 99.0)  # beside the Kirchberg an AGS named)
    # A city's Wikidata item also names the district or state the city is (Bamberg's Q3936 its district role,
    # schema:sameAs): that role is the certain match only where the query keeps no resource an identifier names
    # as itself (with type District; without a type the city is, and the role a candidate at 100).
    by_key = identified | roles
    identified = identified & set(kept) or roles & set(kept)
    # A key that names only resources the types or places rule out contradicts the row as much as a key that names
    # nothing (a wrangler's review: "Landkreis München" with the city's AGS was accepted as the district unasked).
    unknown |= bool(by_key) and not identified
    spelt = names.spelling_key(query.text)
    kept.sort(key=lambda i: (i not in identified, -scores[i], not spelt_alike(index.entities[i], spelt),
                             -index.entities[i].population, index.entities[i].label(), i))
    close = [i for i in kept if scores[i] >= 100 * BASE_WEIGHT]
    # A state or district the service could not read ("BB", "Kreis Oberhavel") constrains nothing, so a namesake in
    # another state is no certain match (a wrangler's review: Fürstenberg in Niedersachsen was accepted unasked).
    unread = any(not allowed for _, allowed in places)
    # An identified resource scores 100 by its identifier, not by its name: whether it is certain is the identifier's
    # rule alone (a misspelt name of another place once made it a full-name match).
    if identified:
        certain = [] if contradicted(identified, named, kept) else list(identified)
    else:
        certain = close[:1] if close and scores[close[0]] == 100 and len(close) == 1 and not (unread or unknown) else []
    return [Candidate(index.entities[i], round(scores[i], 1), i in certain) for i in kept[:query.limit]]


def contradicted(identified: set[str], named: dict[str, float], kept: list[str]) -> bool:
    """Whether the identifiers of a query leave room for doubt (a wrangler's review: one shifted key column matched
    every row to another place unasked): they name more than one resource, or the query's name fits another
    candidate better than the identified one, which it does not name or name by a base form ("Hürth" with Köln's
    AGS; "Kaiserlautern" with Kassel's: a later review found misspelt names of other places accepted so). A
    misspelt name of the identified place ("Kaiserlautern" with its own AGS) or a base form it shares with
    namesakes ("Frankfurt"; "Halle" with Halle (Saale)'s AGS, though another town is named "Halle") leaves it
    certain."""
    if len(identified) != 1:
        return True
    (ident,) = identified
    own = named.get(ident, 0.0)
    return own < 100 * BASE_WEIGHT and any(named.get(i, 0.0) > own for i in kept if i != ident)


def identify(index: Index, query: Query) -> tuple[set[str], set[str], bool]:
    """The resources an identifier property of the query names exactly, or the query's text when it is an
    identifier itself (an AGS, ARS, Wikidata id or entity id typed as the name: the specification's "A Note on
    Candidate Retrieval"); and apart, those only a city's Wikidata item names, as the role the city also is; and
    whether an identifier property named nothing (a key that does not exist: the row may mean another place)."""
    found: set[str] = set()
    roles: set[str] = set()
    unknown = False

    def look_up(prop: str, value) -> bool:
        """Add what the value names; whether it names anything (an empty value names nothing and counts as none).
        An ARS padded with zeros names its district, state or association; where it is also a place's own (a
        kreisfreie Stadt's, a city-state's), that place is found and the others stand as its roles (a wrangler's
        review: Bamberg's padded ARS with type District named nothing it kept)."""
        texts = [text for text in identifier_texts(prop, value) if text]
        hits = [index.by_identifier.get((prop, text), set()) for text in texts]
        role_hits = [index.by_identifier.get((ROLE, text), set()) for text in texts] if prop == "wikidata" else []
        if prop == "ars":
            padded = [index.by_identifier.get((prop, form), set()) for text in texts for form in names.unpadded(text)]
            hits, role_hits = (hits, role_hits + padded) if any(hits) else (padded, role_hits)
        found.update(*hits)
        roles.update(*role_hits)
        return not texts or any(hits) or any(role_hits)

    for prop, values in query.properties:
        for value in values if prop in IDENTIFIERS else ():
            unknown |= not look_up(prop, value)
    named = as_id(query.text.strip())
    if named in index.entities:
        found.add(named)
    elif names.identifier(query.text):
        for prop in IDENTIFIERS:
            look_up(prop, query.text)
    return found, roles - found, unknown


def identifier_texts(prop: str, value) -> list[str]:
    """How an identifier may be written in the index. A key that has lost its leading zero (OpenRefine sends the
    cells of a column it has read as numbers so, and spreadsheets drop it from text) is looked up in both readings
    (`names.key_forms`), also as a spreadsheet writes a number ("5315000.0"). A Wikidata item may be written `Q365`,
    `q365`, `wd:Q365` or as its IRI."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        whole = isinstance(value, int) or math.isfinite(value) and value.is_integer()  # isfinite takes no huge int
        if prop == "wikidata" or value < 0 or not whole:
            return []
        value = str(int(value))
    text = str(value.get("id", "") if isinstance(value, dict) else value).strip()
    text = re.sub(r"^(\d+)\.0*$", r"\1", text)  # a key a spreadsheet wrote as a number: "5315000.0"
    normal = names.identifier(text) or (text if len(text) == 1 and text.isdigit() else None)  # a state's 9 for 09
    if prop == "wikidata":
        return [normal.upper()] if normal and normal.startswith("q") else [text]
    return names.key_forms(normal) if normal and normal.isdigit() else [text]


def by_name(index: Index, text: str, wanted: int, deadline: float = math.inf,
            types: frozenset[str] = frozenset()) -> dict[str, float]:
    """Scores by name: exact and base-form keys (without the designation a table writes before a town's or a
    state's name where the text is no full name of a resource of the wanted `types`), then, while fewer than
    `wanted` were found, near misses among the resources sharing a word that is not common (searching all of "stadt"
    finds nothing), or a word spelt like one the query has that no name has (`Index.spelt_like`). Comparing
    thousands of near misses with a long query takes up to seconds: past `deadline`, Overrun."""
    # The designation after a comma put first, as the register's names are also keyed: "München, Landkreis" and
    # "Bamberg, Kreisfreie Stadt", as GENESIS tables write them (a wrangler's review: neither was found).
    forms = {text, *names.reordered(text)}
    query_keys = set().union(*map(names.keys, forms))
    scores: dict[str, float] = {}
    variants = {variant for form in forms for variant in names.district_variants(form)}  # (Land)kreis
    keyed(index, query_keys.union(*map(names.keys, variants)), 100, scores)
    abbreviated(index, query_keys, scores)
    # "Hansestadt Rostock": Rostock, at 90; "Markt Erlbach" is a name. "Kreisfreie Stadt Bamberg" is the name of
    # a district, not of a municipality (a wrangler's review: with type Municipality it found nothing).
    wanted_types = [score for ident, score in scores.items() if not types or types & index.entities[ident].types]
    if max(wanted_types, default=0.0) < 100:
        before = set(scores)
        keyed(index, names.keys(names.without_designation(text)) - query_keys, 100 * BASE_WEIGHT, scores)
        for ident in set(scores) - before:  # "Stadt Hof" names a town: the district named "Landkreis Hof" scores as
            if names.named_as_district(index.entities[ident].label()):  # a near miss (a wrangler's review)
                scores[ident] *= NEAR_WEIGHT
    if len(scores) >= wanted:
        return scores
    words = {word for key in query_keys for word in key.split()}
    # A word no name has may be a misspelling: the words spelt like it stand in for it; two that a name writes as
    # one ("Mönchen Gladbach") stand for that one.
    words |= {alike for word in words if word not in index.by_word for alike in index.spelt_like(word)}
    words |= {first + second for key in query_keys for first, second in zip(key.split(), key.split()[1:])
              if first + second in index.by_word}
    sharing = [index.by_word.get(word, set()) for word in words]
    pool = set().union(*(ids for ids in sharing if len(ids) <= COMMON_WORD)) - set(scores)
    for n, ident in enumerate(sorted(pool)[:MAX_NEAR]):
        if n % CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise Overrun
        entity = index.entities[ident]
        similarity = max(names.similarity(q, k) for q in query_keys for k in entity.keys)
        if similarity >= NEAR_THRESHOLD:
            scores[ident] = 100 * NEAR_WEIGHT * similarity
    return scores


def abbreviated(index: Index, query_keys: set[str], scores: dict[str, float]) -> None:
    """Raise `scores` of the names a query key abbreviates (`names.abbreviates`: "Frankfurt a.M.") to what their
    full form scores, among the resources whose names begin with the query's first word (if it is not common)."""
    for query in query_keys:
        words = query.split()
        if len(words) < 2 or all(len(word) > 3 for word in words[1:]):
            continue
        sharing = index.by_word.get(words[0], set())
        for ident in sharing if len(sharing) <= COMMON_WORD else ():
            weight = max((w for key, w in index.entities[ident].keys.items() if names.abbreviates(query, key)),
                         default=0.0)
            if weight:
                scores[ident] = max(scores.get(ident, 0.0), 100 * weight)


def keyed(index: Index, keys: set[str], top: float, scores: dict[str, float]) -> None:
    """Raise `scores` to what the resources with one of `keys` score: `top` for a name, less for a base form."""
    for key in keys:
        for ident, weight in index.by_key.get(key, {}).items():
            scores[ident] = max(scores.get(ident, 0.0), top * weight)


def resolve(index: Index, prop: str, values) -> set[str]:
    """The states (or districts) a constraint names, by id, IRI, key (AGS or ARS, also sent as a number that lost
    its leading zero: 9 for Bayern's 09) or name; empty if none is known, so an unknown value does not hide every
    candidate (but keeps them from being a certain `match`, `candidates`)."""
    wanted = PLACE_CONSTRAINTS[prop]
    found: set[str] = set()
    for value in values:
        text = str(value.get("id", "") if isinstance(value, dict) else value).strip()
        text = as_id(text)
        if text in index.entities:
            found.add(text)
        for key in {text, *identifier_texts("ars", value)}:
            found |= index.by_identifier.get(("ags", key), set()) | index.by_identifier.get(("ars", key), set())
        for key in names.keys(text):
            found |= set(index.by_key.get(key, {}))
    return {i for i in found if wanted in index.entities[i].types}


def fits(entity: Entity, types: frozenset[str], places: list[tuple[str, set[str]]]) -> bool:
    """Whether a candidate is of a wanted type and lies in (or is) each named state or district."""
    if types and not types & entity.types:
        return False
    return all(entity.id in allowed or entity.values(prop) & allowed for prop, allowed in places)


def spelt_alike(entity: Entity, spelling: str) -> bool:
    """Whether one of the entity's names is spelt as the query, umlauts included: of namesakes at one score,
    "Munster" puts Munster before Münster (a wrangler's review: the larger Münster came first). No more than
    order: a table that drops umlauts may mean Münster, so neither is a certain match."""
    return any(names.spelling_key(name) == spelling for name in entity.names)
