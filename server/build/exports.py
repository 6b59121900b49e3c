"""CSV exports with CSV on the Web (CSVW) metadata: tables for spreadsheets that still convert back to our RDF.

Each table is declared once, as columns that say which triple a cell stands for (subject column, property,
IRI or literal with datatype or language); the same declaration writes the CSV from the graph and its
`*.csv-metadata.json` (W3C CSVW: `aboutUrl`, `propertyUrl`, `valueUrl`, datatypes, languages), so a
CSVW-to-RDF converter reproduces exactly the triples the cells were read from. Columns that are derived
for readers rather than read from one triple (the states of a project, a body's projects) are marked
`suppressOutput`: CSVW cannot map a list of IRIs, and they would otherwise produce triples we do not publish. So
is a column of IRIs that a URI template would change (a measure's source: RFC 6570 percent-encodes non-ASCII,
and RDF compares IRIs by their characters); each such column's `dc:description` says why.
"""
from __future__ import annotations

import csv
import functools
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, RDFS

from .. import iris
from ..namespaces import ADMS, GEO, MPSC, PROGRAMME_GRAPH, REFERENCE_GRAPH, SCHEMA, WD

CSVW_CONTEXT = ("http://www.w3.org/ns/csvw", {"@language": "en"})


class Statements:
    """A graph's objects by subject and property, each subject's statements read at once when one of its cells is
    asked for: a table asks for ~15 properties of each of 11,000 municipalities, and a look-up in the graph per
    cell was half of municipalities.csv's time. Keyed by plain strings, which hash in C (rdflib's terms in Python)."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._of: dict[str, dict[str, list]] = {}

    def objects(self, subject: str, prop: URIRef) -> list:
        found = self._of.get(subject)
        if found is None:
            found = self._of[subject] = defaultdict(list)
            for p, o in self.graph.predicate_objects(_node(subject)):
                found[str(p)].append(o)
        return found.get(str(prop), [])

    def value(self, subject: str, prop: URIRef):
        """One value of `prop` (the first), or None."""
        return next(iter(self.objects(subject, prop)), None)


@dataclass(frozen=True)
class Column:
    """One column: the triple (row[about], prop, cell) each cell stands for, or a derived column (`read`)."""

    name: str
    de: str
    en: str
    prop: URIRef | None = None
    about: str = "id"  # the column holding the subject IRI
    iri: bool = False  # the cell is an IRI (written in full, or as the key a `template` completes)
    template: str | None = None  # valueUrl for keys: "https://w3id.org/mpsc/id/round/{round}"
    datatype: str = "string"  # CSVW/XSD datatype of a literal
    lang: str | None = None
    read: Callable[[Statements, dict], str] | None = None  # derived columns: not mapped to RDF
    note: str | None = None  # why a column is not mapped, for its readers
    null: str | None = None  # a cell value meaning "no triple" (the lead flag's "false")
    value_of: str | None = None  # valueUrl from another column (the lead flag names the member)

    def metadata(self) -> dict:
        """The column's CSVW description."""
        # The header row holds the names; a title of undetermined language equal to it makes the header and this
        # description compatible (CSVW Metadata §5.5.1: titles must intersect, `und` matching any language).
        titles = {"und": self.name, "de": self.de, "en": self.en}
        described = {"name": self.name, "titles": titles, "datatype": self.datatype}
        if self.note:
            described["dc:description"] = self.note
        if self.prop is None:
            return {**described, "suppressOutput": True}
        described["propertyUrl"] = str(self.prop)
        if self.about != "id":
            described["aboutUrl"] = "{+%s}" % self.about
        if self.value_of:
            described["valueUrl"] = "{+%s}" % self.value_of
        elif self.iri:
            described["valueUrl"] = self.template or "{+%s}" % self.name
        if self.lang:
            described["lang"] = self.lang
        if self.null is not None:
            described["null"] = self.null
        return described

    def cell(self, statements: Statements, row: dict) -> str:
        """The cell's text for one row, read from the triple it stands for ("" when the graph has none)."""
        if self.read is not None:
            return self.read(statements, row)
        subject = row.get(self.about)
        if not subject:
            return ""
        values = sorted(str(o) for o in statements.objects(subject, self.prop) if self._fits(o))
        if len(values) > 1:
            raise ValueError(f"{subject} has {len(values)} values of {self.prop}; column {self.name} holds one")
        if not values:
            return ""
        return values[0].rsplit("/", 1)[-1] if self.template else values[0]

    def _fits(self, value) -> bool:
        if self.iri:
            return isinstance(value, URIRef) and (not self.template or str(value).startswith(self.template.split("{")[0]))
        return isinstance(value, Literal) and value.language == self.lang


@dataclass(frozen=True)
class Table:
    """One export: its file name, licence, source graph, which resources are its rows, and its columns."""

    name: str
    licence: str
    graph: str
    title_de: str
    title_en: str
    rows: Callable[[Graph], list[dict]]
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("id",)
    references: tuple[tuple[str, str], ...] = ()  # (column, table whose `id` it holds): foreign keys, see `Group`

    @property
    def metadata_name(self) -> str:
        return self.name + "-metadata.json"

    def read(self, graph: Graph) -> list[list[str]]:
        """The table's rows as cell texts, sorted by key so that the bytes only change with the data."""
        table, statements = [], Statements(graph)
        for seed in self.rows(graph):
            row = dict(seed)
            for column in self.columns:
                if column.name not in row:
                    row[column.name] = column.cell(statements, row)
            table.append([row[c.name] for c in self.columns])
        positions = [next(i for i, c in enumerate(self.columns) if c.name == k) for k in self.key]
        return sorted(table, key=lambda cells: [cells[i] for i in positions])

    def csv_bytes(self, graph: Graph) -> tuple[bytes, int]:
        """RFC 4180 CSV in UTF-8 with a header row of the column names, and its number of rows."""
        rows = self.read(graph)
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.name for c in self.columns])
        writer.writerows(rows)
        return out.getvalue().encode("utf-8"), len(rows)

    def metadata_bytes(self, licence_iri: str, rights: list[Literal]) -> bytes:
        """The table's CSVW metadata; `url` is relative, so it holds wherever the pair of files is served."""
        return _json({"@context": CSVW_CONTEXT, **self.description(licence_iri, rights)})

    def description(self, licence_iri: str, rights: list[Literal], keys: bool = False) -> dict:
        """The table's CSVW description, with its licence and the attribution it asks for (`rights`: dl-de/by
        asks to name Destatis with every copy, and the register's tables had named no one: a harvester's review);
        with `keys`, its foreign keys, which only a table group may state (a key's `resource` must be a table of
        the same group, CSVW Metadata §5.5.2.1)."""
        described = {
            "url": self.name,
            "dc:title": [{"@value": self.title_de, "@language": "de"}, {"@value": self.title_en, "@language": "en"}],
            "dc:license": {"@id": licence_iri},
            "dc:rights": [_text(right) for right in rights],
            "dc:source": {"@id": self.graph},
            # A key's cells are never empty, and say so, so that a validator refuses a row without one (an
            # offline user's review: a processor would have made an empty key a blank node's row).
            "tableSchema": {"columns": [{**c.metadata(), "required": True} if c.name in self.key else c.metadata()
                                        for c in self.columns],
                            "primaryKey": list(self.key) if len(self.key) > 1 else self.key[0]},
        }
        if any(c.name == "id" for c in self.columns):  # the row's resource; other tables name it per column
            described["tableSchema"]["aboutUrl"] = "{+id}"
        if keys and self.references:
            described["tableSchema"]["foreignKeys"] = [
                {"columnReference": column, "reference": {"resource": table, "columnReference": "id"}}
                for column, table in self.references]
        return described


@dataclass(frozen=True)
class Group:
    """Tables in one CSVW table group (`csv-metadata.json`), so that a validating processor checks the foreign keys
    between them; one licence and graph, as the group file is one distribution."""

    name: str
    licence: str
    graph: str
    title_de: str
    title_en: str
    tables: tuple[Table, ...]

    def __post_init__(self):
        if any((t.licence, t.graph) != (self.licence, self.graph) for t in self.tables):
            raise ValueError(f"the tables of {self.name} must share its licence and graph")

    def metadata_bytes(self, licence_iri: str, rights: list[Literal]) -> bytes:
        """The group's CSVW metadata: each table's description, with its foreign keys."""
        return _json({"@context": CSVW_CONTEXT,
                      "dc:title": [{"@value": self.title_de, "@language": "de"},
                                   {"@value": self.title_en, "@language": "en"}],
                      "tables": [t.description(licence_iri, rights, keys=True) for t in self.tables]})


def _text(literal: Literal) -> dict | str:
    """A literal as a CSVW common property's value: with its language (the context's default is English, and the
    attributions are German: an English-only reader's review), or a plain string when it has none."""
    return {"@value": str(literal), "@language": literal.language} if literal.language else str(literal)


def _json(described: dict) -> bytes:
    return (json.dumps(described, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# A row's resource as an rdflib term, made once for all its cells: making a URIRef checks its characters, a quarter
# of the time of reading the tables.
_node = functools.lru_cache(maxsize=1 << 16)(URIRef)


# --- rows -----------------------------------------------------------------------------------------------

def _of_classes(*classes: URIRef) -> Callable[[Graph], list[dict]]:
    return lambda graph: [{"id": str(s)} for cls in classes for s in set(graph.subjects(RDF.type, cls))]


def _bodies(graph: Graph) -> list[dict]:
    """Grantees and cooperation members that are not themselves cooperations."""
    found = set(graph.objects(None, MPSC.grantee)) | {m for _, m in _cooperation_members(graph)}
    return [{"id": str(b)} for b in found if (b, RDF.type, MPSC.Cooperation) not in graph]


def _memberships(graph: Graph) -> list[dict]:
    return [{"cooperation": str(c), "member": str(m)} for c, m in _cooperation_members(graph)]


def _cooperation_members(graph: Graph) -> list[tuple[URIRef, URIRef]]:
    """(cooperation, member) pairs: org:hasMember of cooperations only, not of the coordination office's
    consortium (an mpsc:Organisation whose members are firms and institutes, not participating bodies)."""
    return [(c, m) for c, m in graph.subject_objects(ORG.hasMember) if (c, RDF.type, MPSC.Cooperation) in graph]


def _measures(graph: Graph) -> list[dict]:
    return [{"id": str(m), "project": str(p)} for p, m in graph.subject_objects(MPSC.measure)]


# --- derived columns ------------------------------------------------------------------------------------

def _states(statements: Statements, row: dict) -> str:
    """The states a project lies in: its grantee's, or its cooperation members'."""
    graph, grantee = statements.graph, URIRef(row["grantee"])
    places = [grantee, *graph.objects(grantee, ORG.hasMember)]
    found = {str(s) for p in places for s in graph.objects(p, SCHEMA.containedInPlace)
             if (s, RDF.type, MPSC.State) in graph}
    found |= {str(p) for p in places if (p, RDF.type, MPSC.State) in graph}
    return " ".join(sorted(key.rsplit("/", 1)[-1] for key in found))


def _keys(prop: URIRef) -> Callable[[Statements, dict], str]:
    """The last path segments of a property's IRI values, space-separated (topics of a project)."""
    return lambda statements, row: " ".join(sorted(str(o).rsplit("/", 1)[-1]
                                                   for o in statements.objects(row["id"], prop)))


def _projects(statements: Statements, row: dict) -> str:
    """The projects a body takes part in, as grantee or as member of the cooperation that is."""
    graph, body = statements.graph, URIRef(row["id"])
    carriers = {body, *graph.subjects(ORG.hasMember, body)}
    return " ".join(sorted(str(p).rsplit("/", 1)[-1] for c in carriers for p in graph.subjects(MPSC.grantee, c)))


def _all(prop: URIRef) -> Callable[[Statements, dict], str]:
    """Every value of a property as written, space-separated, for a column not mapped to RDF (a date as precise as
    the sources give it: a year, a year and month, or a day; a web page's IRI)."""
    return lambda statements, row: " ".join(sorted(str(o) for o in statements.objects(row["id"], prop)))


# Why the date columns are not mapped to RDF: CSVW gives a column one datatype, the data three precisions.
DATE_NOTE = ("Year (2021), month (2021-03) or day (2021-03-15), as precise as the sources; in RDF typed "
             "xsd:gYear, xsd:gYearMonth or xsd:date, which one CSVW column cannot say, so not mapped to RDF.")

# A mapped column whose cells do not all give a triple (an offline user's review: read as null, unexplained).
LEAD_NOTE = ("True for the cooperation's lead member: the cell stands for mpsc:leadMember with the member as its "
             "value. \"false\" is this column's null, so a CSVW processor reads the other members' cells as empty and "
             "writes no triple for them.")


# A journalist's review: the column's total for a round differed from the example query's, which sums the course's
# figures, and nothing said why.
FUNDING_NOTE = ("The project's headline amount as the project table states it (mpsc:fundingAmount), its kind in "
                "funding_kind, how sure in funding_confidence; empty where no source states one exact amount. The "
                "figures of the project's course, each with its source (federal grant, total volume, mpsc:funding in "
                "the graph), are what queries/funding-by-round.rq sums, and are the columns federal_grant and "
                "total_volume: sums should use those; this one can differ.")


LEADING_NOTE = ("The exact amount of the project's leading {0} figure ({1}), as queries/funding-by-round.rq sums it; "
                "empty where the sources give that figure only as a bound or approximately (see the figure's "
                "document) or give none. Not mapped to RDF: the amount is the figure's (the one {1} names, such as "
                "…#{2}-1), not the project's.")


def _leading(prop: URIRef, attribute: URIRef) -> Callable[[Statements, dict], str]:
    """A value of the project's leading figure `prop`: its exact amount (mpsc:fundingAmount; a data wrangler's
    review: the project table's headline amounts, of mixed kinds, did not add up to the course figures per round),
    or the key of its confidence (mpsc:confidence; a researcher's review)."""
    def read(statements: Statements, row: dict) -> str:
        figure = statements.value(row["id"], prop)
        value = statements.value(str(figure), attribute) if figure is not None else None
        return "" if value is None else _key_of(value) if attribute == MPSC.confidence else str(value)
    return read


def _statement_confidence(key: str) -> Callable[[Statements, dict], str]:
    """The confidence (its key: confirmed, single-source, uncertain) of the statement `#key` about the row's resource,
    for a column not mapped to RDF; empty where there is no such statement."""
    def read(statements: Statements, row: dict) -> str:
        confidence = statements.value(f"{row['id']}#{key}", MPSC.confidence)
        return _key_of(confidence) if confidence is not None else ""
    return read


def _key_of(confidence) -> str:
    """A confidence level's key (confirmed, single-source, uncertain): its IRI's last segment (iris.confidence)."""
    return str(confidence).rsplit("/", 1)[-1]


def _confidence_column(name: str, de: str, en: str, key: str) -> Column:
    """A column with the confidence of the statement `#key` about the row's project (`de`: its German title)."""
    return Column(name, de, f"confidence of the {en}", read=_statement_confidence(key),
                  note=STATEMENT_CONFIDENCE_NOTE.format(en, key))


def _lead_confidence(statements: Statements, row: dict) -> str:
    """On the lead member's row, the confidence of the statement {cooperation}#lead (a fact-checker's finding: a lead
    one source names had been as certain as the selection); empty on the other members' rows."""
    if row["lead"] != "true":
        return ""
    return _statement_confidence("lead")(statements, {"id": row["cooperation"]})


LEAD_CONFIDENCE_NOTE = ("How sure the sources make the lead, on the lead member's row: confirmed, single-source or "
                        "uncertain (the statement {cooperation}#lead's mpsc:confidence, "
                        "https://w3id.org/mpsc/id/confidence/{key}); not mapped to RDF here, as the statement is a "
                        "resource of its own.")
# Why the other columns give no triple of their own (README: every suppressOutput column says why).
STATEMENT_CONFIDENCE_NOTE = ("How sure the sources make the {0}: confirmed, single-source or uncertain (the statement "
                             "{{project}}#{1}'s mpsc:confidence, https://w3id.org/mpsc/id/confidence/{{key}}); not "
                             "mapped to RDF here, as the statement is a resource of its own; empty where there is "
                             "no {0}.")
# A researcher's review: uncertain dates, phases and figures were in the table with nothing to tell them apart.
FIGURE_CONFIDENCE_NOTE = ("How sure the sources make the leading {0} figure: confirmed, single-source or uncertain "
                          "(the figure's mpsc:confidence, https://w3id.org/mpsc/id/confidence/{{key}}), whether its "
                          "amount is exact or not; not mapped to RDF here, as the confidence is the figure's; empty "
                          "where there is none.")
SUBJECT_NOTE = "The row's resource: the subject of the row's triples (aboutUrl), not a triple of its own."
TOPICS_NOTE = ("Keys of the fields of action (mpsc:topic, https://w3id.org/mpsc/id/topic/{key}), space-separated. Not "
               "mapped to RDF: a CSVW cell gives one IRI at most.")
STATES_NOTE = ("Keys of the states the project lies in (its grantee's, or its cooperation members'), space-separated; "
               "derived for readers from where the bodies lie, not a triple of the graph.")
PROJECTS_NOTE = ("Keys of the projects the body takes part in, as grantee or as member of a cooperation that is one, "
                 "space-separated; derived for readers from mpsc:grantee and org:hasMember, not a triple of the graph.")
POINT_NOTE = ("{0} of the unit's point (WGS 84), read from its geometry's WKT (geo:hasGeometry/geo:asWKT); the graph "
              "holds the point as one WKT literal, not this number, so not mapped to RDF.")


# Why a measure's source is not mapped: `{+source}` would change some of the graph's IRIs (RFC 6570, RFC 3987 §3.1).
SOURCE_NOTE = ("Web page the measure is described on (dcterms:source), as the IRI the graph holds. Not mapped to RDF: "
               "some of these IRIs hold non-ASCII characters, which a CSVW processor percent-encodes when it expands a "
               "URI template, and so would make other IRIs than the graph's.")


def _point(index: int) -> Callable[[Statements, dict], str]:
    """Longitude (0) or latitude (1) from the unit's WKT point, for spreadsheets and maps."""
    def read(statements: Statements, row: dict) -> str:
        point = statements.value(row["id"], GEO.hasGeometry)
        wkt = statements.value(str(point), GEO.asWKT) if point else None
        return str(wkt).removeprefix("POINT(").rstrip(")").split()[index] if wkt else ""
    return read


# --- the tables -----------------------------------------------------------------------------------------

ID = Column("id", "IRI", "IRI", datatype="anyURI", note=SUBJECT_NOTE)
LABEL_DE = Column("label_de", "Bezeichnung (deutsch)", "label (German)", RDFS.label, lang="de")
LABEL_EN = Column("label_en", "Bezeichnung (englisch)", "label (English)", RDFS.label, lang="en")
SLOT = "KEY"  # stands for a column's value while a URI template is made from the IRI pattern that mints it


def _key_template(mint: Callable[[str], URIRef], column: str) -> str:
    """The CSVW URI template of a column whose cells are keys, from the function of `server/iris.py` that mints
    the IRIs (the one place of each pattern): `iris.round` gives `…/id/round/{round}`."""
    return str(mint(SLOT)).replace(SLOT, "{" + column + "}")


# The political-geocoding lists of DCAT-AP.de a register unit has an entry in (iris.GEOCODING_LISTS), by their
# level, the column's suffix: (de, en) of the column's title.
GEOCODINGS = {"state": ("Landesschlüssel", "state key"), "district": ("Kreisschlüssel", "district key"),
              "association": ("Gemeindeverbandsschlüssel", "municipal association key"),
              "municipality": ("Gemeindeschlüssel", "municipality key"),
              "regional": ("Regionalschlüssel", "regional key")}


def _geocodings(*kinds: str) -> tuple[Column, ...]:
    """A column per list (`GEOCODINGS`): the unit's entry there, by its key."""
    return tuple(Column(f"geocoding_{kind}", f"{de} (DCAT-AP.de)", f"{en} (DCAT-AP.de)", MPSC.politicalGeocoding,
                        iri=True, template=f"{iris.political_geocoding(kind, '')}{{geocoding_{kind}}}")
                 for kind in kinds for de, en in [GEOCODINGS[kind]])


def _register_columns(roles: bool) -> tuple[Column, ...]:
    """What every register unit has: names, keys, type, figures, Wikidata; with `roles`, also the Wikidata item a
    district or state shares with its city (schema:sameAs, see README)."""
    shared = (Column("wikidata_city", "Wikidata-Objekt der Stadt (andere Rolle)", "Wikidata item of the city (other role)",
                     SCHEMA.sameAs, iri=True, template=f"{WD}{{wikidata_city}}"),) if roles else ()
    return (
        Column("register_name", "Name im Gemeindeverzeichnis", "register name", MPSC.registerName),
        Column("ags", "Amtlicher Gemeindeschlüssel", "official municipality key (AGS)", MPSC.ags),
        Column("ars", "Amtlicher Regionalschlüssel", "official regional key (ARS)", MPSC.ars),
        Column("unit_type", "Art", "type of unit", DCTERMS.type, iri=True, template=_key_template(iris.unit_type, "unit_type")),
        Column("population", "Einwohner", "population", MPSC.population, datatype="integer"),
        Column("population_date", "Stichtag Einwohner", "population as of", MPSC.populationDate, datatype="date"),
        Column("area_km2", "Fläche (km²)", "area (km²)", MPSC.area, datatype="decimal"),
        Column("wikidata", "Wikidata-Objekt", "Wikidata item", OWL.sameAs, iri=True,
               template=f"{WD}{{wikidata}}"),
        *shared,
    )


def _within(level: str, de: str, en: str) -> Column:
    return Column(level, de, en, SCHEMA.containedInPlace, iri=True,
                  template=_key_template(functools.partial(iris.unit, level), level))


# Where a register unit lies, for bodies and municipalities alike (a municipality may lie in a municipal association).
STATE, DISTRICT = _within("state", "Land", "state"), _within("district", "Kreis", "district")
PLACES = (STATE, DISTRICT, _within("association", "Gemeindeverband", "municipal association"))


TABLES = (
    Table("projects.csv", "cc-by-4.0", PROGRAMME_GRAPH, "Modellprojekte", "Model projects",
          _of_classes(MPSC.ModelProject), (
              ID, LABEL_DE, LABEL_EN,
              Column("title_de", "Projekttitel (deutsch)", "project title (German)", MPSC.title, lang="de"),
              Column("title_en", "Projekttitel (englisch)", "project title (English)", MPSC.title, lang="en"),
              Column("round", "Staffel", "funding round", MPSC.fundingRound, iri=True, template=_key_template(iris.round, "round")),
              Column("category", "Kategorie", "category", MPSC.category, iri=True, template=_key_template(iris.category, "category")),
              Column("grantee", "Zuwendungsempfänger", "grantee", MPSC.grantee, iri=True),
              Column("grantee_label", "Name des Zuwendungsempfängers", "grantee's name", RDFS.label, about="grantee", lang="de"),
              Column("states", "Länder (Schlüssel)", "states (keys)", read=_states, note=STATES_NOTE),
              Column("phase", "Phasenmodell", "phase model", MPSC.phase, iri=True, template=_key_template(iris.phase, "phase")),
              _confidence_column("phase_confidence", "Beleglage des Phasenmodells", "phase model", "phase"),
              Column("start", "Beginn", "start", read=_all(SCHEMA.startDate), note=DATE_NOTE),
              _confidence_column("start_confidence", "Beleglage des Beginns", "start", "start-date"),
              Column("end", "Geplantes Ende", "planned end", read=_all(SCHEMA.endDate), note=DATE_NOTE),
              _confidence_column("end_confidence", "Beleglage des geplanten Endes", "planned end", "end-date"),
              Column("extended_end", "Verlängert bis", "extended until", read=_all(MPSC.extendedEndDate),
                     note=DATE_NOTE),
              _confidence_column("extended_end_confidence", "Beleglage der Verlängerung", "extension",
                                 "extended-end-date"),
              Column("funding_amount", "Fördersumme (EUR)", "funding amount (EUR)", MPSC.fundingAmount,
                     datatype="decimal", note=FUNDING_NOTE),
              Column("funding_confidence", "Beleglage der Fördersumme", "confidence of the funding amount",
                     read=_statement_confidence("funding-amount"),
                     note=STATEMENT_CONFIDENCE_NOTE.format("amount", "funding-amount")),
              Column("funding_kind", "Art der Fördersumme", "kind of funding amount", MPSC.fundingKind, iri=True,
                     template=_key_template(iris.funding_kind, "funding_kind")),
              Column("federal_grant", "Bundeszuwendung (EUR)", "federal grant (EUR)", datatype="decimal",
                     read=_leading(MPSC.federalGrant, MPSC.fundingAmount), note=LEADING_NOTE.format("federal grant",
                                                                                       "mpsc:federalGrant",
                                                                                       "federal-grant")),
              Column("federal_grant_confidence", "Beleglage der Bundeszuwendung", "confidence of the federal grant",
                     read=_leading(MPSC.federalGrant, MPSC.confidence),
                     note=FIGURE_CONFIDENCE_NOTE.format("federal grant")),
              Column("total_volume", "Gesamtvolumen (EUR)", "total volume (EUR)", datatype="decimal",
                     read=_leading(MPSC.totalVolume, MPSC.fundingAmount), note=LEADING_NOTE.format("total volume",
                                                                                      "mpsc:totalVolume",
                                                                                      "total-volume")),
              Column("total_volume_confidence", "Beleglage des Gesamtvolumens", "confidence of the total volume",
                     read=_leading(MPSC.totalVolume, MPSC.confidence),
                     note=FIGURE_CONFIDENCE_NOTE.format("total volume")),
              Column("topics", "Handlungsfelder", "fields of action", read=_keys(MPSC.topic), note=TOPICS_NOTE),
              Column("homepage", "Website", "website", FOAF.homepage, iri=True),
          )),
    Table("bodies.csv", "cc-by-4.0", PROGRAMME_GRAPH, "Beteiligte Körperschaften", "Participating bodies",
          _bodies, (
              # no district that shares its city's Wikidata item takes part as a body: its municipality does
              ID, Column("class", "Klasse", "class", RDF.type, iri=True), LABEL_DE, *_register_columns(False),
              *PLACES, *_geocodings("district", "association", "municipality", "regional"),
              Column("projects", "Projekte", "projects", read=_projects, note=PROJECTS_NOTE),
          )),
    Table("memberships.csv", "cc-by-4.0", PROGRAMME_GRAPH, "Mitglieder der Kooperationen",
          "Cooperation memberships", _memberships, (
              Column("cooperation", "Kooperation", "cooperation", datatype="anyURI", note=SUBJECT_NOTE),
              Column("cooperation_label", "Name der Kooperation", "cooperation's name", RDFS.label, about="cooperation", lang="de"),
              Column("member", "Mitglied", "member", ORG.hasMember, about="cooperation", iri=True, datatype="anyURI"),
              Column("member_label", "Name des Mitglieds", "member's name", RDFS.label, about="member", lang="de"),
              Column("lead", "federführend", "lead member", MPSC.leadMember, about="cooperation", datatype="boolean",
                     null="false", value_of="member", note=LEAD_NOTE,
                     read=lambda statements, row: "true" if URIRef(row["member"]) in statements.objects(
                         row["cooperation"], MPSC.leadMember) else "false"),
              Column("lead_confidence", "Beleglage der Federführung", "confidence of the lead",
                     read=_lead_confidence, note=LEAD_CONFIDENCE_NOTE),
          ), key=("cooperation", "member"), references=(("member", "bodies.csv"),)),
    Table("measures.csv", "cc-by-4.0", PROGRAMME_GRAPH, "Maßnahmen der Projekte", "Measures of the projects",
          _measures, (
              ID, Column("project", "Projekt", "project", MPSC.measure, about="project", value_of="id",
                         datatype="anyURI"),
              LABEL_DE, LABEL_EN,
              Column("product_name", "Produktname", "product name", MPSC.productName),
              Column("status", "Stand", "status", ADMS.status, iri=True, template=_key_template(iris.measure_status, "status")),
              Column("confidence", "Beleglage", "confidence", MPSC.confidence, iri=True,
                     template=_key_template(iris.confidence, "confidence")),
              Column("topics", "Handlungsfelder", "fields of action", read=_keys(MPSC.topic), note=TOPICS_NOTE),
              Column("source", "Quelle", "source", read=_all(DCTERMS.source), note=SOURCE_NOTE),
          ), references=(("project", "projects.csv"),)),
    Table("municipalities.csv", "dl-by-de-2.0", REFERENCE_GRAPH, "Gemeinden des Gemeindeverzeichnisses",
          "Municipalities of the official register", _of_classes(MPSC.Municipality), (
              ID, LABEL_DE, *_register_columns(False),
              *PLACES, *_geocodings("municipality", "regional"),
              Column("longitude", "Längengrad", "longitude", datatype="decimal", read=_point(0),
                     note=POINT_NOTE.format("Longitude")),
              Column("latitude", "Breitengrad", "latitude", datatype="decimal", read=_point(1),
                     note=POINT_NOTE.format("Latitude")),
          )),
    # Every identifier of the register that is no municipality, for those who link to them (a linker's review:
    # Wikidata's Mix'n'match and a property proposal want identifier, name and description of each).
    Table("places.csv", "dl-by-de-2.0", REFERENCE_GRAPH, "Länder, Kreise und Gemeindeverbände des Gemeindeverzeichnisses",
          "States, districts and municipal associations of the official register",
          _of_classes(MPSC.State, MPSC.District, MPSC.MunicipalAssociation), (
              ID, Column("class", "Klasse", "class", RDF.type, iri=True), LABEL_DE, LABEL_EN, *_register_columns(True),
              # none lies in a municipal association; a regional key is a municipality's only (the register's), a
              # state key a state's
              STATE, DISTRICT, *_geocodings("state", "district", "association"),
              Column("longitude", "Längengrad", "longitude", datatype="decimal", read=_point(0),
                     note=POINT_NOTE.format("Longitude")),
              Column("latitude", "Breitengrad", "latitude", datatype="decimal", read=_point(1),
                     note=POINT_NOTE.format("Latitude")),
          )),
)

# The foreign keys that hold in the data: a member is a body, a measure's project a project. A grantee is not always
# a body of bodies.csv (it may be a cooperation, which has no table), nor a body a municipality (bodies.csv also holds
# districts, associations and companies), so neither is a key.
GROUP = Group("csv-metadata.json", "cc-by-4.0", PROGRAMME_GRAPH, "Tabellen des Programms", "The programme's tables",
              tuple(t for t in TABLES if t.graph == PROGRAMME_GRAPH))
