"""The reference layer: every state, district, municipal association and municipality of the register."""
from __future__ import annotations

from rdflib import Graph

from .places import PlaceWriter
from .register import Register

LEVEL_FILES = {"state": "states.ttl", "district": "districts.ttl",
               "association": "municipal-associations.ttl", "municipality": "municipalities.ttl"}


def reference_graphs(register: Register, names_en: dict[str, dict]) -> dict[str, Graph]:
    """One graph per level, keyed by the file name it is written to (rdflib's context-free store: 218,000
    triples go in a third faster); `names_en`: our English names of units (sources.unit_names_en)."""
    places = PlaceWriter(register, names_en)
    graphs = {}
    for level, name in LEVEL_FILES.items():
        graph = Graph(store="SimpleMemory")
        for unit in register.of_level(level):
            places.add(graph, unit)
        graphs[name] = graph
    return graphs
