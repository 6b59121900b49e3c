"""Small offline maps: Germany drawn from the graph's own municipality points, and a dot for a place.

No tiles, no JavaScript, no network: the background is an SVG in which every occupied cell of a coarse
grid over the municipalities' coordinates is a grey square, which draws the country's shape well enough
to show where a place lies. Pages overlay their point in inline SVG.
"""
from __future__ import annotations

import math
import re

WEST, SOUTH, EAST, NORTH = 5.8, 47.2, 15.1, 55.1  # Germany's bounding box with a small margin (CRS84)
SCALE = 40.0  # SVG units per degree of latitude
X_FACTOR = math.cos(math.radians((SOUTH + NORTH) / 2))  # equirectangular at mid-latitude: shapes look right
CELL = 0.1  # degrees of latitude per grid cell
_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.IGNORECASE)

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


def background(wkts) -> str:
    """The SVG document of Germany's shape from municipality points (WKT literals)."""
    cells = set()
    for wkt in wkts:
        found = parse_point(str(wkt))
        if found and inside(*found):
            lon, lat = found
            cells.add((int((lon - WEST) * X_FACTOR / CELL), int((NORTH - lat) / CELL)))
    step, size = CELL * SCALE, CELL * SCALE * 1.6  # squares overlap, so sparse rural areas still read as land
    squares = "".join(f"M{x * step - 0.3 * step:.1f} {y * step - 0.3 * step:.1f}h{size:.1f}v{size:.1f}h-{size:.1f}z"
                      for x, y in sorted(cells))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}"><path fill="#d5dbe1" d="{squares}"/></svg>')


def marker(point: tuple[float, float] | None, background_url: str) -> dict | None:
    """What a page needs to draw its place on the map, with a link to OpenStreetMap; None off the map."""
    if point is None or not inside(*point):
        return None
    lon, lat = point
    x, y = position(lon, lat)
    return {"background": background_url, "width": WIDTH, "height": HEIGHT, "x": x, "y": y, "lon": lon, "lat": lat,
            "osm": f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=11/{lat:.5f}/{lon:.5f}"}
