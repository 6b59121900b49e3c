"""Reading the programme's fact tables (`sources/mpsc/`) and our curation tables (`sources/curation/`)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .. import iris

CONFIDENCE = {level: iris.confidence(level) for level in ("confirmed", "single-source", "uncertain")}


def read_table(path: Path) -> list[dict]:
    """Rows of a UTF-8 CSV file as dicts with stripped values."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def source_iris(cell: str) -> list[URIRef]:
    """The source URLs of a cell; split only before a new URL, as some URLs contain ';'.

    A `;jsessionid=…` path parameter is somebody's server session, not part of the page's address.
    """
    urls = (re.sub(r";jsessionid=[^?#]*", "", url.strip(), flags=re.I) for url in re.split(r";(?=https?://)", cell))
    return [URIRef(url) for url in urls if url]


def split_list(cell: str) -> list[str]:
    """A ';'-separated list cell as clean items."""
    return [item.strip() for item in cell.split(";") if item.strip()]


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


class Sources:
    """All tables the programme importer reads, loaded once."""

    def __init__(self, root: Path):
        mpsc, curation = root / "sources" / "mpsc", root / "sources" / "curation"
        self.projects = read_table(mpsc / "projects.csv")
        self.entities = {row["name"]: row for row in read_table(mpsc / "entities.csv")}
        self.rounds = [row for row in read_table(mpsc / "rounds.csv") if row["staffel"].isdigit()]
        self.charter = read_table(mpsc / "charter.csv")
        self.criteria = read_table(mpsc / "criteria.csv")
        self.bodies = {row["name"]: row for row in read_table(curation / "bodies.csv")}
        self.project_curation = {row["slug"]: row for row in read_table(curation / "projects.csv")}
        self.topics = read_table(curation / "topics.csv")
        self.unit_types = read_table(curation / "unit-types.csv")
