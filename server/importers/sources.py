"""Reading the programme's fact tables (`sources/mpsc/`) and our curation tables (`sources/curation/`)."""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import iris
from .register import REGISTER_FILE

CONFIDENCE = {level: iris.confidence(level) for level in ("confirmed", "single-source", "uncertain")}
RANK = {"uncertain": 0, "single-source": 1, "confirmed": 2}


def read_table(path: Path) -> list[dict]:
    """Rows of a UTF-8 CSV file as dicts with stripped values."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def read_translations(curation: Path) -> dict[tuple[str, str], dict]:
    """Our English labels (translations.csv), by the table and key of the entry they translate."""
    return {(r["table"], r["id"]): r for r in read_table(curation / "translations.csv")}


def unit_names_en(translations: dict[tuple[str, str], dict]) -> dict[str, dict]:
    """The translations of register units (the states' English names), by the unit's key."""
    return {key: row for (table, key), row in translations.items() if table == REGISTER_FILE}


def source_iris(cell: str) -> list[URIRef]:
    """The source URLs of a cell; split only before a new URL, as some URLs contain ';'.

    A `;jsessionid=…` path parameter is somebody's server session, not part of the page's address.
    """
    urls = (re.sub(r";jsessionid=[^?#]*", "", url.strip(), flags=re.I) for url in re.split(r";(?=https?://)", cell))
    return [URIRef(url) for url in urls if url]


def split_list(cell: str) -> list[str]:
    """A ';'-separated list cell as clean items; a ';' inside brackets belongs to its item ("Stiftung
    Universität Hildesheim (Institut für Informatik; Wirtschaftsinformatik)" is one partner, not two)."""
    return [item.strip() for item in re.split(r";(?![^()]*\))", cell) if item.strip()]


def and_list(items: list[str], conjunction: str) -> str:
    """'A, B und C' for a German, 'A, B and C' for an English sentence."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def strip_parenthetical(text: str) -> str:
    """Drop a trailing '(…)' remark the collector added to a name: 'Landkreis Hof (on behalf …)' -> 'Landkreis Hof'."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", text).strip()


def clean_note(text: str) -> str:
    """Turn the collector's '| 2nd pass:' markers into plain sentences."""
    return re.sub(r"\s*\|\s*(\d)(st|nd|rd|th) pass:\s*", "; ", text).strip(" ;")


def date_literal(text: str) -> Literal | None:
    """A date as precise as the source gives it (year, month or day); remarks like '(planned)' are dropped."""
    value = strip_parenthetical(text)
    for pattern, datatype in ((r"\d{4}", XSD.gYear), (r"\d{4}-\d{2}", XSD.gYearMonth), (r"\d{4}-\d{2}-\d{2}", XSD.date)):
        if re.fullmatch(pattern, value):
            return Literal(value, datatype=datatype)
    return None


def best(rows: list[dict]) -> dict | None:
    """The best supported of several rows stating the same fact: highest confidence, then first listed."""
    return max(rows, key=lambda row: RANK[row["confidence"]], default=None)


def numbered(rows: list[dict], *columns: str) -> list[dict]:
    """Give each row its position (from 1) among the rows with the same values in `columns`.

    Minted IRIs use these numbers (a project's third measure), so they are counted before any row is
    left out: leaving a row out never renumbers the others.
    """
    seen: dict[tuple, int] = defaultdict(int)
    for row in rows:
        key = tuple(row[c] for c in columns)
        seen[key] += 1
        row["number"] = seen[key]
    return rows


def by_slug(rows: list[dict]) -> dict[str, list[dict]]:
    """Rows grouped by their project slug, in table order."""
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["slug"]].append(row)
    return grouped


class Sources:
    """All tables the programme importer reads, loaded once."""

    def __init__(self, root: Path):
        mpsc, curation = root / "sources" / "mpsc", root / "sources" / "curation"
        self.left_out = LeftOut(read_table(curation / "left-out.csv"))
        self.projects = read_table(mpsc / "projects.csv")
        self.entities = {row["name"]: row for row in read_table(mpsc / "entities.csv")}
        self.rounds = [row for row in read_table(mpsc / "rounds.csv") if row["staffel"].isdigit()]
        self.charter = read_table(mpsc / "charter.csv")
        self.charter2 = self.left_out.kept("charter-2.csv", read_table(mpsc / "charter-2.csv"), "id", "kind", "number")
        self.criteria = read_table(mpsc / "criteria.csv")
        self.programme = self.left_out.kept("programme.csv", read_table(mpsc / "programme.csv"), "subject")
        course = numbered(read_table(mpsc / "course.csv"), "slug", "field")
        measures = numbered(read_table(mpsc / "measures.csv"), "slug", "kind")
        self.stated_elsewhere = StatedElsewhere(read_table(curation / "stated-elsewhere.csv"), mpsc)
        self.course = by_slug(self.left_out.kept("course.csv", course) + self.stated_elsewhere.rows(course))
        self.measures = by_slug(self.left_out.kept("measures.csv", measures, field="kind", value="value_de"))
        self.bodies = {row["name"]: row for row in read_table(curation / "bodies.csv")}
        self.project_curation = {row["slug"]: row for row in read_table(curation / "projects.csv")}
        self.round_curation = {row["staffel"]: row for row in read_table(curation / "rounds.csv")}
        self.topics = read_table(curation / "topics.csv")
        self.unit_types = read_table(curation / "unit-types.csv")
        self.funding = {(r["slug"], r["field"], r["value"]): r for r in read_table(curation / "funding.csv")}
        self.partners = {(r["slug"], r["name"]): r for r in read_table(curation / "partners.csv")}
        self.reuse = read_table(curation / "reuse.csv")
        self.coverage = read_table(curation / "coverage.csv")
        self.translations = read_translations(curation)
        self.corrections = {(r["table"], r["key"], r["field"]): r for r in read_table(curation / "corrections.csv")}
        self.applied: set[tuple] = set()

    def fields_of(self, term: str) -> list[str]:
        """The fields of action whose curated pattern (topics.csv) matches an English term or phrase."""
        return [t["slug"] for t in self.topics if re.search(t["pattern"], term, re.I)]

    def corrected(self, table: str, key: str, row: dict) -> dict:
        """A source row with our correction of its confidence applied (sources/curation/corrections.csv)."""
        fix = self.corrections.get((table, key, row.get("field", "")))
        if fix is None:
            return row
        self.applied.add((table, key, row.get("field", "")))
        return {**row, "confidence": fix["confidence"], "note": "; ".join(filter(None, [row.get("note"), fix["reason"]]))}

    def unused_curation(self) -> list[str]:
        """Curation entries that name no source row: a changed source must not silently void a decision."""
        return (self.left_out.unmatched() + self.stated_elsewhere.problems
                + [f"corrections.csv names no source row: {key}" for key in sorted(set(self.corrections) - self.applied)])


class LeftOut:
    """Rows of the fact tables we deliberately do not publish, each with the reason (left-out.csv).

    Every entry must name exactly one source row, so a changed source cannot silently publish what we
    decided to leave out; `unmatched` lists entries that name none.
    """

    def __init__(self, entries: list[dict]):
        self.entries = {(e["table"], e["slug"], e["field"], e["value"]): e for e in entries}
        self.used: set[tuple] = set()

    def kept(self, table: str, rows: list[dict], slug: str = "slug", field: str = "field",
             value: str = "value") -> list[dict]:
        """The rows of `table` that are not left out; `slug`, `field` and `value` name the columns entries match."""
        kept = []
        for row in rows:
            key = (table, row[slug], row[field], row[value])
            if key in self.entries:
                self.used.add(key)
            else:
                kept.append(row)
        return kept

    def unmatched(self) -> list[str]:
        return [f"left-out.csv names no source row: {key}" for key in sorted(set(self.entries) - self.used)]


class StatedElsewhere:
    """Course facts a source states only in a note of another row or in a table's README
    (stated-elsewhere.csv), added as rows of course.csv with the page, confidence and words that state them.

    Each entry quotes the words that state the fact; the quote must still stand in the named file (in a row
    of the project, for a table), so a changed source cannot keep a fact it no longer states. Added rows are
    numbered after the table's own rows of the same project and field.
    """

    def __init__(self, entries: list[dict], folder: Path):
        self.entries = entries
        self.folder = folder
        self.problems: list[str] = []

    def rows(self, course: list[dict]) -> list[dict]:
        counts: dict[tuple, int] = defaultdict(int)
        for row in course:
            counts[(row["slug"], row["field"])] += 1
        added = []
        for entry in self.entries:
            if not self._still_stated(entry):
                self.problems.append(f"stated-elsewhere.csv: {entry['stated_in']} no longer says "
                                     f"{entry['quote']!r} for {entry['slug']}")
                continue
            counts[(entry["slug"], entry["field"])] += 1
            added.append({"slug": entry["slug"], "field": entry["field"], "value": entry["value"],
                          "source_url": entry["source_url"], "confidence": entry["confidence"],
                          "note": entry["reason"], "number": counts[(entry["slug"], entry["field"])]})
        return added

    def _still_stated(self, entry: dict) -> bool:
        path = self.folder / entry["stated_in"]
        if not path.exists():
            return False
        if path.suffix == ".csv":
            return any(entry["quote"] in " ".join(row.values()) for row in read_table(path)
                       if entry["slug"] in (row.get("slug"), row.get("id")))
        return entry["quote"] in path.read_text(encoding="utf-8")
