"""RDF for register units: one function per level, shared by the programme and the reference importer.

Both graphs describe a participating body identically, so the programme graph stands alone and the
union of both graphs holds no contradictions.
"""
from __future__ import annotations

import re
from collections import Counter

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from .. import iris, names
from ..namespaces import GEO, MPSC, SCHEMA, WD
from .register import Register, Unit

DESTATIS_GV = URIRef("https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/_inhalt.html")

LEVEL_CLASS = {"state": MPSC.State, "district": MPSC.District, "association": MPSC.MunicipalAssociation, "municipality": MPSC.Municipality}
# Territories that are the same area in several roles: a kreisfreie Stadt is municipality and district;
# Berlin and Hamburg are also a state.
CITY_DISTRICT_TYPES = {"Kreisfreie Stadt", "Stadtkreis"}
CITY_STATES = {"11", "02"}


def unit_label(unit: Unit) -> str:
    """A German label that tells the roles of one territory apart ('Bamberg' vs 'Landkreis Bamberg'), its spaces
    as a reader writes them (the register has "Nortorfer  Land"; `mpsc:registerName` keeps its text verbatim)."""
    name = " ".join(unit.name.split())
    if unit.level == "district" and not re.search(r"kreis|region", name, re.I):
        return f"{unit.type_label} {name}"
    if unit.level == "association" and not re.search(r"(?i)\b(VG|VVG|GVV|Amt|Verband|gemeinde|Verwaltungs)", name):
        return f"{unit.type_label} {name}"
    return name


class PlaceWriter:
    """Adds register units to a graph; knows which roles share a Wikidata item, and our English names of some
    (`names_en`: translations.csv rows by unit key, sources.unit_names_en)."""

    def __init__(self, register: Register, names_en: dict[str, dict]):
        self.register = register
        self.names_en = names_en
        self.qid_uses = Counter(u.qid for u in register.units.values() if u.qid)

    def add(self, graph: Graph, unit: Unit) -> URIRef:
        """Describe one unit (keys, type, containment, figures, point, Wikidata link) and return its IRI."""
        iri = iris.unit(unit.level, unit.key)
        graph.add((iri, RDF.type, LEVEL_CLASS[unit.level]))
        graph.add((iri, RDFS.label, Literal(unit_label(unit), lang="de")))
        self._add_name_en(graph, iri, unit)
        graph.add((iri, MPSC.registerName, Literal(unit.register_name)))
        graph.add((iri, DCTERMS.type, iris.unit_type(names.slug(unit.type_label))))
        graph.add((iri, DCTERMS.source, DESTATIS_GV))
        if unit.level != "association":
            graph.add((iri, MPSC.ags, Literal(unit.key)))
        graph.add((iri, MPSC.ars, Literal(unit.ars)))
        self._add_geocoding(graph, iri, unit)
        for parent in self.register.parents(unit):
            graph.add((iri, SCHEMA.containedInPlace, iris.unit(parent.level, parent.key)))
        self._add_figures(graph, iri, unit)
        self._add_point(graph, iri, unit)
        self._add_wikidata(graph, iri, unit)
        for twin in self.same_territory(unit):
            graph.add((iri, GEO.sfEquals, twin))
        return iri

    def same_territory(self, unit: Unit) -> list[URIRef]:
        """The other roles of the same territory (city as district, city-state as state)."""
        keys = []
        if unit.level == "municipality" and unit.type_label in CITY_DISTRICT_TYPES:
            keys.append(("district", unit.key[:5]))
        if unit.level == "district" and unit.type_label in CITY_DISTRICT_TYPES:
            keys.append(("municipality", unit.key + "000"))
        if unit.state in CITY_STATES and unit.key in (unit.state, unit.state + "000", unit.state + "000000"):
            keys += [("state", unit.state), ("district", unit.state + "000"), ("municipality", unit.state + "000000")]
        return sorted({iris.unit(level, key) for level, key in keys if key != unit.key})

    def _add_name_en(self, graph: Graph, iri: URIRef, unit: Unit) -> None:
        """Our English name of a state (the register gives German ones only), marked as ours by a note."""
        translation = self.names_en.get(unit.key) if unit.level == "state" else None
        if translation:
            graph.add((iri, RDFS.label, Literal(translation["label_en"], lang="en")))
            graph.add((iri, SKOS.editorialNote, Literal(f"English label: {translation['reason']}", lang="en")))

    @staticmethod
    def _add_geocoding(graph: Graph, iri: URIRef, unit: Unit) -> None:
        """The unit's entries in DCAT-AP.de's political geocoding lists, which portals such as GovData use for
        their spatial facets: its own key's list, and for a municipality also the regional key's (ARS)."""
        graph.add((iri, MPSC.politicalGeocoding, iris.political_geocoding(unit.level, unit.key)))
        if unit.level == "municipality" and len(unit.ars) == 12:
            graph.add((iri, MPSC.politicalGeocoding, iris.political_geocoding("regional", unit.ars)))

    @staticmethod
    def _add_figures(graph: Graph, iri: URIRef, unit: Unit) -> None:
        if unit.population is None:
            return
        graph.add((iri, MPSC.population, Literal(unit.population, datatype=XSD.integer)))
        graph.add((iri, MPSC.populationDate, Literal(unit.figures_date, datatype=XSD.date)))
        if unit.area_km2:
            graph.add((iri, MPSC.area, Literal(unit.area_km2, datatype=XSD.decimal)))

    @staticmethod
    def _add_point(graph: Graph, iri: URIRef, unit: Unit) -> None:
        if not (unit.lat and unit.lon):
            return
        point = iris.geometry(iri)
        graph.add((iri, GEO.hasGeometry, point))
        graph.add((point, RDF.type, GEO.Geometry))
        graph.add((point, GEO.asWKT, Literal(f"POINT({unit.lon} {unit.lat})", datatype=GEO.wktLiteral)))

    def _add_wikidata(self, graph: Graph, iri: URIRef, unit: Unit) -> None:
        # A Wikidata item shared by several roles (kreisfreie Stadt, Berlin, Hamburg) is the city: owl:sameAs
        # on the municipality only, so OWL reasoners do not merge the roles; the others get schema:sameAs.
        if not unit.qid:
            return
        shared = self.qid_uses[unit.qid] > 1
        predicate = SCHEMA.sameAs if shared and unit.level != "municipality" else OWL.sameAs
        graph.add((iri, predicate, WD[unit.qid]))
