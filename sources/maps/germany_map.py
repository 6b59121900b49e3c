"""Build server/static/map/germany.geojson: Germany's outline with the 16 states as polygons.

Why derived: no openly licensed state-border file is installable from the registries this project uses,
but we have the two halves. The outline is Natural Earth's (public domain, sources/maps/); the borders
between states are drawn from the municipal register (sources/reference/de_admin_units_merged.csv):
every municipality's point owns the land nearer to it than to any other point (a Voronoi cell), and a
state is the union of its municipalities' cells, clipped to the outline. Borders are so accurate to a
few kilometres, enough for an overview map; the result is simplified to ~1 km and 3 decimals, the
states together (one border between two neighbours), with rings wound as RFC 7946 asks.

Run from the repository root (needs shapely 2.1 or later, `pip install 'shapely>=2.1'`; 2.2.0 wrote the file):

    .venv/bin/python sources/maps/germany_map.py

The output is committed, so serving and testing need neither shapely nor this script.
"""
from __future__ import annotations

import csv
import math
import json
from pathlib import Path

from shapely import MultiPoint, Point, coverage_simplify, make_valid, set_precision, unary_union, voronoi_polygons
from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient

ROOT = Path(__file__).resolve().parents[2]
OUTLINE = ROOT / "sources" / "maps" / "natural-earth-germany.geojson"
REGISTER = ROOT / "sources" / "reference" / "de_admin_units_merged.csv"
TARGET = ROOT / "server" / "static" / "map" / "germany.geojson"
TOLERANCE = 0.01  # degrees (~1 km): what a map 300-600 px wide can show
GRID = 0.001  # coordinates rounded to 3 decimals (~100 m)
RING, MIN_RING_KM, KM_PER_DEGREE = 0.6, 5.0, 111.2  # large municipalities: a ring at 0.6 of their radius


def register() -> tuple[dict[str, str], list[tuple[Point, str]]]:
    """The states' names by key, and every municipality's point with its state's key."""
    rows = list(csv.DictReader(REGISTER.open(encoding="utf-8")))
    states = {row["ags"]: row["name"] for row in rows if row["level"] == "land"}
    points = [point for row in rows if row["level"] == "gemeinde" and row["lat"] and row["lon"]
              for point in spread(float(row["lon"]), float(row["lat"]), float(row["area_km2"] or 0), row["land_ags"])]
    return states, points


def spread(lon: float, lat: float, area: float, key: str) -> list[tuple[Point, str]]:
    """A municipality's point, and for a large one (Berlin, Hamburg) a ring of points around it, so that its
    Voronoi cells cover about its area rather than only the land nearer its centre than its neighbours'."""
    radius = math.sqrt(area / math.pi) * RING  # km
    points = [(Point(lon, lat), key)]
    if radius >= MIN_RING_KM:
        dy, dx = radius / KM_PER_DEGREE, radius / (KM_PER_DEGREE * math.cos(math.radians(lat)))
        points += [(Point(lon + dx * math.cos(a), lat + dy * math.sin(a)), key)
                   for a in (i * math.pi / 4 for i in range(8))]
    return points


def state_shapes(outline, points: list[tuple[Point, str]]) -> dict[str, object]:
    """Each state's area: the union of its municipalities' Voronoi cells, clipped to the outline."""
    cells = voronoi_polygons(MultiPoint([p for p, _ in points]), extend_to=outline.envelope.buffer(1), ordered=True)
    by_state: dict[str, list] = {}
    for cell, (_, key) in zip(cells.geoms, points):  # ordered: the cells come in the points' order
        by_state.setdefault(key, []).append(cell)
    return {key: make_valid(unary_union(parts).intersection(outline)) for key, parts in by_state.items()}


def simplified(areas: dict[str, object]) -> dict[str, object]:
    """The states simplified together, so that neighbours keep one shared border (simplified one by one, 13
    pairs overlapped, by up to ~7 km², a GIS review), on the grid, and wound as RFC 7946 §3.1.6 asks:
    exterior rings counterclockwise, holes clockwise (shapely keeps the input's winding, clockwise here)."""
    keys = sorted(areas)
    shapes = coverage_simplify([areas[key] for key in keys], TOLERANCE)
    return {key: _oriented(set_precision(shape_, GRID)) for key, shape_ in zip(keys, shapes)}


def _oriented(area):
    """A Polygon or MultiPolygon with its rings wound counterclockwise outside and clockwise inside."""
    if area.geom_type == "MultiPolygon":
        return type(area)([orient(part, 1.0) for part in area.geoms])
    return orient(area, 1.0)


def feature(key: str, name: str, area) -> dict:
    return {"type": "Feature", "properties": {"ars": key, "name": name}, "geometry": mapping(area)}


def main() -> None:
    outline = shape(json.loads(OUTLINE.read_text(encoding="utf-8"))["geometry"])
    states, points = register()
    areas = simplified(state_shapes(outline, points))
    collection = {"type": "FeatureCollection",
                  "attribution": "Outline: Natural Earth (public domain). State borders derived from the "
                                 "municipal register, © Statistisches Bundesamt (Destatis), dl-de/by-2-0.",
                  "features": [feature(key, states[key], areas[key]) for key in sorted(areas)]}
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(areas)} states, {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
