"""The official register of German administrative units, read from `sources/reference/`.

The source table joins Destatis GV100AD (names, keys, types, population, area), the older AuszugGV
extract (coordinates) and Wikidata (QIDs); see `sources/reference/README.md`. This module only reads
it into plain records; `places.py` turns records into RDF.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .sources import REGISTER_FILE, read_table


# Gemeindeverband types that are real associations; "verbandsfreie Gemeinde" is the register's
# placeholder for a municipality that belongs to none.
ASSOCIATION_TYPES = {
    "Amt", "Samtgemeinde", "Verbandsgemeinde", "Verwaltungsgemeinschaft", "Verwaltungsverband",
    "Erfüllende Gemeinde", "Kirchspielslandgemeinde",
}
# Satzart-60 records that are not political municipalities: unincorporated areas, including the
# German-Luxembourg condominium and coastal waters.
NOT_MUNICIPAL = {"Gemeindefreies Gebiet, bewohnt", "Gemeindefreies Gebiet, unbewohnt"}


@dataclass(frozen=True)
class Unit:
    """One state, district, municipal association or municipality as the register gives it."""

    level: str  # "state", "district", "association" or "municipality"
    key: str  # AGS (2, 5 or 8 digits); for associations the 9-digit ARS prefix
    ars: str
    name: str
    register_name: str
    type_label: str
    type_code: str | None  # the Destatis Textkennzeichen of its record (61 for a kreisfreie Stadt's municipality)
    state: str
    district: str | None
    association: str | None
    population: int | None
    area_km2: str | None
    figures_date: str | None
    lat: str | None
    lon: str | None
    qid: str | None


class Register:
    """All units of the register, addressable by level and key."""

    def __init__(self, units: list[Unit]):
        self.units = {(u.level, u.key): u for u in units}

    def get(self, level: str, key: str) -> Unit:
        """Return one unit; a missing key is a data error the caller must see."""
        try:
            return self.units[(level, key)]
        except KeyError:
            raise KeyError(f"{level} {key} is not in the register") from None

    def of_level(self, level: str) -> list[Unit]:
        """All units of one level, in key order."""
        return sorted((u for u in self.units.values() if u.level == level), key=lambda u: u.key)

    def type_codes(self) -> dict[str, list[str]]:
        """The Destatis text codes of each unit type, by its label: one per kind of record it is the type of (a
        kreisfreie Stadt is 41 as a district and 61 as a municipality, a provenance review found)."""
        codes: dict[str, set[str]] = {}
        for unit in self.units.values():
            if unit.type_code:
                codes.setdefault(unit.type_label, set()).add(unit.type_code)
        return {label: sorted(found) for label, found in codes.items()}

    def type_labels(self) -> set[str]:
        """The names of the unit types the register gives its records (`type`) and its associations (`verband_type`)."""
        return {unit.type_label for unit in self.units.values() if unit.type_label}

    def parents(self, unit: Unit) -> list[Unit]:
        """The units a unit lies in, nearest first (association, district, state)."""
        keys = [("association", unit.association), ("district", unit.district), ("state", unit.state)]
        return [self.get(level, key) for level, key in keys if key and key != unit.key]


def _int(value: str) -> int | None:
    return int(value) if value else None


def _row_to_unit(row: dict) -> Unit | None:
    level = {"land": "state", "kreis": "district", "gemeinde": "municipality"}[row["level"]]
    if row["type"] in NOT_MUNICIPAL:
        return None
    association = row["verband_ars"] if row["verband_type"] in ASSOCIATION_TYPES else None
    return Unit(
        level=level,
        key=row["ags"],
        ars=row["ars12"] if level == "municipality" else row["ags"],
        name=row["name"],
        register_name=row["name_official"],
        type_label=row["type"],
        type_code=row["type_code"] or None,
        state=row["land_ags"],
        district=row["kreis_ags"] or None if level == "municipality" else None,
        association=association,
        population=_int(row["population"]),
        area_km2=row["area_km2"] or None,
        figures_date=row["population_date"] or None,
        lat=row["lat"] or None,
        lon=row["lon"] or None,
        qid=row["wikidata_qid"] or None,
    )


def _association(row: dict) -> Unit:
    return Unit(
        level="association", key=row["verband_ars"], ars=row["verband_ars"], name=row["verband_name"],
        register_name=row["verband_name"], type_label=row["verband_type"], type_code=None,
        state=row["land_ags"], district=row["kreis_ags"], association=None, population=None,
        area_km2=None, figures_date=None, lat=None, lon=None, qid=None,
    )


def load_register(folder: Path) -> Register:
    """Read the register table; associations are derived from their member municipalities' rows."""
    units: list[Unit] = []
    associations: dict[str, Unit] = {}
    for row in read_table(folder / REGISTER_FILE):  # a damaged table is refused with its line, as any source is
        unit = _row_to_unit(row)
        if unit is None:
            continue
        units.append(unit)
        if unit.association and unit.association not in associations:
            associations[unit.association] = _association(row)
    return Register(units + list(associations.values()))
