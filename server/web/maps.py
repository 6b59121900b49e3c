"""Small offline maps: Germany with its state borders, and a place marked on it.

No tiles, no JavaScript, no network. The states come from `static/map/germany.geojson` (Natural Earth's
outline, borders derived from the municipal register; see sources/maps/germany_map.py and
static/map/README.md), which the query editor's map view uses too. `background()` draws them as one
SVG (served at /map/germany.svg and cached); a page overlays, in inline SVG, its place's state and a dot
for the place, or for a district or municipal association without a point of its own the dots of its
municipalities.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from html import escape

from .. import iris
from ..numbers import number
from .assets import STATIC

GEOJSON = STATIC / "map" / "germany.geojson"
WEST, SOUTH, EAST, NORTH = 5.8, 47.2, 15.1, 55.1  # Germany's bounding box with a small margin (CRS84)
SCALE = 40.0  # SVG units per degree of latitude
X_FACTOR = math.cos(math.radians((SOUTH + NORTH) / 2))  # equirectangular at mid-latitude: shapes look right
_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.IGNORECASE)
_STATE_KEY = re.compile(rf"/id/(?:{'|'.join(map(re.escape, iris.LEVEL_PATHS.values()))})/([0-9]{{2}})[0-9]*$")

WIDTH = round((EAST - WEST) * X_FACTOR * SCALE)
HEIGHT = round((NORTH - SOUTH) * SCALE)


def parse_point(wkt: str) -> tuple[float, float] | None:
    """(longitude, latitude) of a WKT POINT literal, None for other geometries."""
    match = _POINT.search(wkt)
    return (float(match.group(1)), float(match.group(2))) if match else None


def position(lon: float, lat: float) -> tuple[float, float]:
    """SVG coordinates of a point."""
    return round((lon - WEST) * X_FACTOR * SCALE, 1), round((NORTH - lat) * SCALE, 1)


def inside(lon: float, lat: float) -> bool:
    return WEST <= lon <= EAST and SOUTH <= lat <= NORTH


def _path(geometry: dict) -> str:
    """SVG path data of a GeoJSON Polygon or MultiPolygon."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    rings = (ring for polygon in polygons for ring in polygon)
    return "".join("M" + "L".join("{} {}".format(*position(lon, lat)) for lon, lat in ring) + "Z" for ring in rings)


@cache
def _collection() -> dict:
    """The states' GeoJSON FeatureCollection, read once."""
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


@cache
def states() -> dict[str, tuple[str, str]]:
    """{two-digit key: (name, SVG path data)} of the 16 states."""
    return {f["properties"]["ars"]: (f["properties"]["name"], _path(f["geometry"])) for f in _collection()["features"]}


@cache
def background() -> str:
    """The SVG document of Germany with its state borders: no visible text (pages name what they show), but the
    attribution its sources ask for as its description, as the GeoJSON states it (a GIS review: the SVG, a
    published file of its own, named neither)."""
    paths = "".join(f'<path d="{d}"/>' for _, d in states().values())
    credit = escape(_collection()["attribution"])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}"><desc>{credit}</desc><g fill="#e3e8ee" stroke="#7d8896" stroke-width="1.2" '
            f'stroke-linejoin="round">{paths}</g></svg>')


def state_of(iri: str) -> str | None:
    """The two-digit key of the state a register unit lies in (its key begins with it), else None."""
    match = _STATE_KEY.search(iri)
    return match.group(1) if match and match.group(1) in states() else None


def degrees(lat: float, lon: float, lang: str) -> str:
    """Coordinates as a reader writes them: 49,8934° N, 10,8868° O in German; 49.8934° N, 10.8868° E in English."""
    east = "O" if lang == "de" else "E"
    lat, lon = (number(Decimal(f"{value:.4f}"), lang) for value in (lat, lon))
    return f"{lat}° N, {lon}° {east}"


@dataclass(frozen=True)
class Parts:
    """The municipalities of a place without a point of its own: the word for the place in the map's caption
    (i18n `map.whose.*`), how many there are, and the WKT points of those the register places."""
    whole: str
    total: int
    points: list


def place_map(iri: str, point: tuple[float, float] | None, parts: Parts | None, background_url: str) -> dict | None:
    """What a page needs to draw its place: the background, its state highlighted, a dot for its point (with
    a link to OpenStreetMap) or else dots for its `parts`; None with nothing to mark."""
    state = state_of(iri)
    dots = parts.points if parts and point is None else []
    marks = [position(*p) for p in (parse_point(str(w)) for w in dots) if p and inside(*p)]
    if point is not None and not inside(*point):
        point = None
    if point is None and not marks and state is None:
        return None
    found = {"background": background_url, "width": WIDTH, "height": HEIGHT, "dots": marks,
             "state": states()[state][1] if state else None, "point": None, "parts": parts}
    if point is not None:
        lon, lat = point
        found["point"] = {"x": position(lon, lat)[0], "y": position(lon, lat)[1], "lon": lon, "lat": lat,
                          "osm": f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=11/{lat:.5f}/{lon:.5f}"}
    return found
