"""Reading the programme's fact tables (`sources/mpsc/`) and our curation tables (`sources/curation/`)."""
from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import iris

REGISTER_FILE = "de_admin_units_merged.csv"  # the official register (sources/reference/README.md)

CONFIDENCE = {level: iris.confidence(level) for level in ("confirmed", "single-source", "uncertain")}
RANK = {"uncertain": 0, "single-source": 1, "confirmed": 2}


class SourceError(Exception):
    """Source tables that cannot be imported as they stand; the message names each file and line."""


class Row(dict):
    """A row of a table as {column: stripped cell}; `where` names its file and first line for messages, and
    `left_out` is set for a row left-out.csv keeps from the graph (its cells are not checked: they may be what
    the source wrote, a day without its year)."""

    where = ""
    left_out = False

    def __missing__(self, column: str):
        """A column the importer reads that the table lacks: its header was renamed or lost (a reviewer's
        finding: `confidnce` for `confidence` was a KeyError traceback)."""
        raise SourceError(f"{self.where}: the table has no column {column!r}; its header names "
                          f"{', '.join(self)}")


def read_table(path: Path) -> list[Row]:
    """The rows of a CSV file. What a spreadsheet may save instead of plain comma-separated UTF-8 is refused with
    its file and line (SourceError), where it had been a traceback or a fact silently lost (a contributor's
    review): another encoding, ';' between columns, a row of more or fewer cells than the header (a comma in an
    unquoted value), a row repeated. A byte-order mark (Excel's "CSV UTF-8") is read past."""
    name = "/".join(path.parts[-3:])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"{name}: not UTF-8 (byte {error.start}); save it as UTF-8 (\"CSV UTF-8\" in Excel)") from None
    return _rows(csv.reader(io.StringIO(text, newline=""), strict=True), name)


def _records(reader, name: str):
    """(first line, cells) of each record; a quote left open (it takes in every line after it) is named at the line
    its record begins on."""
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise SourceError(f"{name}:{start}: {error} in the row beginning here; a double quote inside a value is "
                              "written twice (\"\"), and a quoted value ends with one") from None
        yield start, cells
        start = reader.line_num + 1


def _rows(reader, name: str) -> list[Row]:
    header = [cell.strip() for cell in next(reader, [])]
    if len(header) == 1 and ";" in header[0]:
        raise SourceError(f"{name}:1: the columns are separated by ';'; save the file with ',' between them")
    rows, first = [], {}
    for line, cells in _records(reader, name):
        if not cells:
            continue
        if len(cells) != len(header):
            hint = ("a value that contains a comma must be in double quotes" if len(cells) > len(header) else
                    "a row has a cell for every column, an empty one too (a comma at the end)")
            raise SourceError(f"{name}:{line}: {len(cells)} cells, but the header names {len(header)} columns; {hint}")
        if tuple(cells) in first:
            raise SourceError(f"{name}:{line}: repeats line {first[tuple(cells)]}")
        first[tuple(cells)] = line
        row = Row(zip(header, (cell.strip() for cell in cells)))
        row.where = f"{name}:{line}"
        rows.append(row)
    return rows


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
    urls = (re.sub(r";jsessionid=[^?#]*", "", url.strip(), flags=re.I) for url in re.split(r";\s*(?=https?://)", cell))
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
    """Turn the collector's '| 2nd pass:' markers into plain sentences, and drop '(second pass)', which says when
    the collector wrote a note, not what it says (a review found it on the bodies' notes)."""
    text = re.sub(r"\s*\((first|second|third|fourth) pass\)", "", text)
    return re.sub(r"\s*\|\s*(\d)(st|nd|rd|th) pass:\s*", "; ", text).strip(" ;")


def date_literal(text: str) -> Literal | None:
    """A date as precise as the source gives it (year, month or day); remarks like '(planned)' are dropped. None
    for anything else, a month or day that no calendar has (2020-13, 2020-02-30) too."""
    value = strip_parenthetical(text)
    for pattern, datatype in ((r"\d{4}", XSD.gYear), (r"\d{4}-\d{2}", XSD.gYearMonth), (r"\d{4}-\d{2}-\d{2}", XSD.date)):
        if re.fullmatch(pattern, value):
            try:
                datetime.date.fromisoformat((value + "-01-01")[:10])
            except ValueError:
                return None
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
    """All tables the programme importer reads, loaded once; `tables` keeps each as read, by its folder and name
    (`mpsc/course.csv`), for the checks of their cells (checks.py)."""

    def __init__(self, root: Path):
        mpsc, curation = root / "sources" / "mpsc", root / "sources" / "curation"
        self.tables: dict[str, list[Row]] = {}
        self.left_out = LeftOut(self._read(curation / "left-out.csv"))
        self.projects = self._read(mpsc / "projects.csv")
        self.entities = {row["name"]: row for row in self._read(mpsc / "entities.csv")}
        self.rounds = [row for row in self._read(mpsc / "rounds.csv") if row["staffel"].isdigit()]
        self.charter = self._read(mpsc / "charter.csv")
        self.charter2 = self.left_out.kept("charter-2.csv", self._read(mpsc / "charter-2.csv"), "id", "kind", "number")
        self.criteria = self._read(mpsc / "criteria.csv")
        self.programme = self.left_out.kept("programme.csv", self._read(mpsc / "programme.csv"), "subject")
        course = numbered(self._read(mpsc / "course.csv"), "slug", "field")
        measures = numbered(self._read(mpsc / "measures.csv"), "slug", "kind")
        self.stated_elsewhere = StatedElsewhere(self._read(curation / "stated-elsewhere.csv"), mpsc)
        self.course = by_slug(self.left_out.kept("course.csv", course) + self.stated_elsewhere.rows(course))
        self.measures = by_slug(self.left_out.kept("measures.csv", measures, field="kind", value="value_de"))
        self.bodies = {row["name"]: row for row in self._read(curation / "bodies.csv")}
        self.project_curation = {row["slug"]: row for row in self._read(curation / "projects.csv")}
        self.round_curation = {row["staffel"]: row for row in self._read(curation / "rounds.csv")}
        self.topics = self._read(curation / "topics.csv")
        self.unit_types = self._read(curation / "unit-types.csv")
        self.funding = {(r["slug"], r["field"], r["value"]): r for r in self._read(curation / "funding.csv")}
        self.partners = {(r["slug"], r["name"]): r for r in self._read(curation / "partners.csv")}
        self.reuse = self._read(curation / "reuse.csv")
        self.coverage = self._read(curation / "coverage.csv")
        self.translations = read_translations(curation)
        self.corrections = {(r["table"], r["key"], r["field"]): r for r in self._read(curation / "corrections.csv")}
        self.organisation_names = {r["name"]: r["slug"] for r in self._read(curation / "organisations.csv")}
        self.retired = self._read(curation / "retired.csv")
        self.applied: set[tuple] = set()

    def _read(self, path: Path) -> list[Row]:
        self.tables[f"{path.parent.name}/{path.name}"] = read_table(path)
        return self.tables[f"{path.parent.name}/{path.name}"]

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

    def reworded(self, subject: str, field: str) -> dict | None:
        """Our wording (translations.csv) of the collector's English phrase in programme.csv's `field` of `subject`,
        if there is one."""
        key = ("programme.csv", f"{subject}/{field}")
        if key in self.translations:
            self.applied.add(key)
        return self.translations.get(key)

    def unused_curation(self) -> list[str]:
        """Curation entries that name no source row: a changed source must not silently void a decision."""
        rewordings = {key for key in self.translations if key[0] == "programme.csv"}
        return (self.left_out.unmatched() + self.stated_elsewhere.problems
                + [f"corrections.csv names no source row: {key}" for key in sorted(set(self.corrections) - self.applied)]
                + [f"translations.csv rewords no phrase the graph uses: {key}"
                   for key in sorted(rewordings - self.applied)])


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
            if self.drops(table, row[slug], row[field], row[value]):
                row.left_out = True
            else:
                kept.append(row)
        return kept

    def drops(self, table: str, key: str, field: str, value: str) -> bool:
        """Whether an entry leaves out this row, or this one cell of a row (a note about a source, not a fact)."""
        entry = (table, key, field, value)
        if entry in self.entries:
            self.used.add(entry)
        return entry in self.entries

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
