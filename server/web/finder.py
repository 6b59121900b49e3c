"""Searching the release's search index (`build/search_index.py`): names, official name forms and ids.

API, for the search pages and anything else that matches names against the graph (a reconciliation
service, say):

    finder = Finder(path_to_search_sqlite)
    hits, total = finder.search("Koeln", lang="de", limit=10, offset=0)
    hits, total, searched = finder.find("Smart City Köln", lang="de")  # searched "Köln": the text itself finds nothing
    hits[0].iri, hits[0].label, hits[0].type, hits[0].description, hits[0].match  # "exact", …

`finder.fragments(iri)` lists the #fragment resources of a resource's document (`…#geometry`), which the build
indexed so that no store has to read every statement to find them.

`search` ranks, best first: an identifier (AGS, ARS, state or district key, Wikidata id such as
`Q365`), then a name equal to the query (`names.fold`: "koeln" = "Köln" = "Köln, Stadt"), then names
beginning with it, then names containing each of its words at the start of a word ("Freiburg i. Br."
finds "Freiburg im Breisgau"), then names holding each of its words somewhere, also within a word ("ministerium"
finds "Bundesministerium", "stadt" finds "Darmstadt"; words of three letters or more, as the index is of
trigrams); within each of these, resources of the programme (projects and the
bodies taking part) before other register places, then projects, municipalities, districts, states,
…, then by population, then by label. `total` counts every match. The file is opened read-only per
call (SQLite opens in microseconds), so one Finder serves every thread.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import NamedTuple

from .. import names
from ..errors import HttpError
from .i18n import DEFAULT, LANGUAGES

log = logging.getLogger(__name__)
_UNREADABLE: set[Path] = set()  # index files whose fragment list could not be read, already logged
MATCHES = ("id", "exact", "prefix", "words", "part")  # the tiers of the ranking, best first
_HITS = """
WITH hits(entry, tier) AS (
  SELECT entry, 0 FROM ident WHERE id IN (:id, :padded)
    OR id IN (:short1, :short2, :short3) AND NOT EXISTS (SELECT 1 FROM ident WHERE id IN (:id, :padded))
  UNION ALL SELECT entry, 1 FROM name WHERE form IN (:fold, :loose)
  UNION ALL SELECT entry, 2 FROM name WHERE (form >= :fold AND form < :fold_end) OR (form >= :loose AND form < :loose_end)
  UNION ALL SELECT rowid, 3 FROM words WHERE words MATCH :words{parts}
), best AS (SELECT entry, MIN(tier) AS tier FROM hits GROUP BY entry)
"""
_PARTS = "\n  UNION ALL SELECT rowid, 4 FROM parts WHERE parts MATCH :parts"
PART_LENGTH = 3  # a trigram index finds no shorter part of a word
_PAGE = """SELECT e.iri, e.type, e.label_{lang}, e.description_{lang}, best.tier, e.participant, e.population, {tag}
FROM best JOIN entry e ON e.id = best.entry
ORDER BY best.tier, e.participant DESC, e.kind, e.population DESC NULLS LAST, e.label_{lang}, e.iri
LIMIT :limit OFFSET :offset"""
_TOTAL = "SELECT COUNT(*) FROM best"
# A search that found nothing offers names spelt like it (`Finder.near`): the entries FTS5 ranks best by the
# trigrams they share with it, compared by spelling, and kept from this similarity on (names.similarity).
NEAR = "near"  # the `match` of such a hit
NEAR_CANDIDATES = 30
NEAR_SIMILARITY = 0.8
# Names are short; the comparison grows with the square of a text's length (a review: a long text of many words
# took much of a second), so longer texts are offered nothing.
NEAR_CHARS, NEAR_WORDS = 40, 4
# In two steps, the candidates and then their rows: as one query (the first as a subquery) SQLite was far slower.
_NEAR_IDS = "SELECT rowid FROM parts WHERE parts MATCH :grams ORDER BY rank LIMIT :candidates"
_NEAR = """SELECT p.text, e.iri, e.type, e.label_{lang}, e.description_{lang}, e.participant, e.population, {tag}, e.kind
FROM entry e JOIN parts p ON p.rowid = e.id WHERE e.id IN ({ids})"""


@dataclass(frozen=True)
class Hit:
    iri: str
    type: str  # the class IRI
    label: str
    description: str
    match: str  # one of MATCHES
    participant: bool
    population: int | None
    # the label's language where it is not the reader's ("de" for an English reader shown the German name, which a
    # screen reader should read as German: an accessibility review); "" from an index without the column
    label_lang: str = ""

    def suggestion(self) -> dict:
        """The hit as /search/suggest answers it (the editor's completion reads these four keys)."""
        return {"iri": self.iri, "label": self.label, "type": self.type, "description": self.description}


# Words that name the programme rather than a project or a place, which readers add to a name ("Smart City Köln",
# "Modellprojekt Würzburg", folded), and abbreviations of district words ("LK Hof"): a municipal officer's review
# found those searches empty, as no name holds the words.
PROGRAMME_WORDS = frozenset({"smart", "city", "cities", "smartcity", "modellprojekt", "modellprojekte", "projekt",
                             "model", "project", "mpsc"})
ABBREVIATIONS = {"lk": "Landkreis", "lkr": "Landkreis", "kr": "Kreis"}


def plainer(text: str) -> str:
    """`text` without the programme's words, written apart or joined ("Smart-City", "SmartCity"), and with district
    words written out, its other words as written: what `Finder.find` asks for when the text itself finds nothing
    ("" when nothing but the programme's words is left)."""
    kept = []
    for word in re.split(r"[\s\-–/]+", text):
        folded = names.fold(word)
        if folded and not all(part in PROGRAMME_WORDS for part in folded.split()):
            kept.append(ABBREVIATIONS.get(folded, word))
    return " ".join(kept)


class Found(NamedTuple):
    """What `Finder.find` found: the hits on the page asked for, how many in all, and the text it searched."""
    hits: list
    total: int
    searched: str


def _after(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (for an index range scan)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else prefix


def _words(text: str) -> str:
    """An FTS5 query: every word as a prefix, in either folding."""
    alternatives = {" ".join(f'"{word}"*' for word in form.split()) for form in (names.fold(text), names.loose(text))}
    return " OR ".join(f"({a})" for a in sorted(alternatives) if a)


def _parts(text: str) -> str:
    """An FTS5 query of the trigram table: every word somewhere in a name, in either folding; empty when a word is
    too short for trigrams (the other tiers find it as a word's beginning)."""
    forms = sorted({names.fold(text), names.loose(text)} - {""})
    if not forms or any(len(word) < PART_LENGTH for form in forms for word in form.split()):
        return ""
    return " OR ".join("(" + " ".join(f'"{word}"' for word in form.split()) + ")" for form in forms)


def _likeness(fold: str, text: str) -> float:
    """How alike a folded query is to the closest run of as many words of an entry's indexed names (`text`, its
    name forms joined), or of one word more written as one ("moenchen gladbach", "moenchengladbach"). Only whole
    runs: a shorter one at the end of the text was "alike" to any query beginning with it ("Halle Zoo" found
    "Stadtwerke Halle"). Runs that cannot reach NEAR_SIMILARITY are passed over before the costly comparison."""
    words, size = text.split(), len(fold.split())
    runs = {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}
    runs |= {"".join(words[i:i + size + 1]) for i in range(len(words) - size)}
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(fold)
    best = 0.0
    for run in runs:
        matcher.set_seq1(run)
        if matcher.real_quick_ratio() >= NEAR_SIMILARITY and matcher.quick_ratio() >= NEAR_SIMILARITY:
            best = max(best, names.similarity(fold, run))
    return best


def _has_parts(db) -> bool:
    """Whether the index has the trigram table (`build/search_index.py`; releases built before it had none)."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'parts'").fetchone() is not None


def _has_label_tags(db) -> bool:
    """Whether the index says which language each label is in (`label_de_lang`; since 2026-12-06)."""
    return any(row[1] == "label_de_lang" for row in db.execute("PRAGMA table_info(entry)"))


class Finder:
    """Search over one release's index file, and the #fragments it lists per document."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._parts: bool | None = None  # whether the index has the trigram table, once asked (`_has_parts`)
        self._tags: bool | None = None  # and the labels' languages (`_has_label_tags`)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True)

    def find(self, text: str, lang: str = DEFAULT, limit: int = 20, offset: int = 0) -> Found:
        """`search` for `text`, and where that finds nothing, for the text without the programme's words and with
        district words written out (`plainer`), saying which text it searched."""
        hits, total = self.search(text, lang, limit, offset)
        plain = plainer(text)
        if total or not plain or names.fold(plain) == names.fold(text):
            return Found(hits, total, text)
        return Found(*self.search(plain, lang, limit, offset), plain)

    def search(self, text: str, lang: str = DEFAULT, limit: int = 20, offset: int = 0) -> tuple[list[Hit], int]:
        """The hits for `text` from `offset`, at most `limit`, best first, and how many there are in all."""
        words = _words(text)
        if not words:
            return [], 0
        fold, loose = names.fold(text), names.loose(text)
        ident = names.identifier(text) or ""
        key, padded, *_ = names.key_forms(ident) + [""]  # "9461000" is found as 09461000 too
        short = dict(zip(("short1", "short2", "short3"), [*names.unpadded(ident), "", "", ""]))  # "094750000000": 09475
        params = {"id": key, "padded": padded, **short, "fold": fold, "loose": loose, "fold_end": _after(fold),
                  "loose_end": _after(loose), "words": words, "limit": limit, "offset": offset, "parts": _parts(text)}
        with self._opened(lang) as (db, column, tag):
            hits = _HITS.format(parts=_PARTS if params["parts"] and self._parts else "")
            rows = db.execute(hits + _PAGE.format(lang=column, tag=tag), params).fetchall()
            total = db.execute(hits + _TOTAL, params).fetchone()[0]
        return [Hit(iri, cls, label, description, MATCHES[tier], bool(participant), population, label_lang)
                for iri, cls, label, description, tier, participant, population, label_lang in rows], total

    @contextmanager
    def _opened(self, lang: str):
        """The index opened, the label column for `lang` and the expression of its labels' language tag; whether the
        index has the trigram table and the tag columns (an older release's has neither) is learnt at the first."""
        column = lang if lang in LANGUAGES else DEFAULT  # the index has a label column per language
        try:
            with closing(self._connect()) as db:
                if self._parts is None:
                    self._parts, self._tags = _has_parts(db), _has_label_tags(db)
                yield db, column, f"e.label_{column}_lang" if self._tags else "''"
        except sqlite3.DatabaseError as error:  # damaged on this server (an operator's review: a 500 and a traceback)
            log.error("the search index %s cannot be read: %s", self.path, error)
            raise HttpError(503, "Search is not available: the search index of the served release is damaged on "
                                 "this server; the operator is told.") from None

    def near(self, text: str, lang: str = DEFAULT, limit: int = 5) -> list[Hit]:
        """Names spelt like `text`, best first, for a search that found nothing (a citizen's review: "Grevesmülen",
        "Hasfurt", "Wunsiedl" found nothing): the NEAR_CANDIDATES entries sharing most of its trigrams, kept where
        one of their names is at least NEAR_SIMILARITY alike; then ranked as `search` ranks. Nothing from an index
        without the trigram table."""
        fold = names.fold(text)
        grams = sorted({w[i:i + PART_LENGTH] for w in fold.split() for i in range(len(w) - PART_LENGTH + 1)})
        if not grams or len(fold) > NEAR_CHARS or len(fold.split()) > NEAR_WORDS:
            return []
        with self._opened(lang) as (db, column, tag):
            if not self._parts:
                return []
            ids = [row[0] for row in db.execute(_NEAR_IDS, {"grams": " OR ".join(f'"{gram}"' for gram in grams),
                                                            "candidates": NEAR_CANDIDATES})]
            rows = db.execute(_NEAR.format(lang=column, tag=tag, ids=",".join("?" * len(ids))), ids).fetchall()
        alike = []
        for text, iri, cls, label, description, participant, population, label_lang, kind in rows:
            similarity = _likeness(fold, text)
            if similarity >= NEAR_SIMILARITY:  # ranked: most alike, then as `search` ranks within a tier
                rank = (-round(similarity, 2), -participant, kind, -(population or 0), label or "", iri)
                alike.append((rank, Hit(iri, cls, label, description, NEAR, bool(participant), population, label_lang)))
        return [hit for _, hit in sorted(alike, key=lambda pair: pair[0])[:limit]]

    def fragments(self, base: str) -> list[str] | None:
        """The #fragment resources that belong to the document about `base`, sorted (the index's `fragment`
        table); None if the index cannot say: it has no such table (a release built before it had one), or the
        file cannot be read (damaged: logged), so that the caller finds them another way."""
        try:
            with closing(self._connect()) as db:
                rows = db.execute("SELECT iri FROM fragment WHERE base = ? ORDER BY iri", (base,)).fetchall()
        except sqlite3.DatabaseError as error:
            if "no such table" not in str(error) and self.path not in _UNREADABLE:
                _UNREADABLE.add(self.path)  # said once: every document rendered from this release asks again
                log.warning("the search index %s cannot list fragments: %s", self.path, error)
            return None
        return [iri for (iri,) in rows]
