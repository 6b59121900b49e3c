"""Maps: the states' GeoJSON the pages and the editor share, the SVG background, and places marked on it.

Over the real release (`base_url`). Whether the derived borders are right enough is checked where it is
known: the register's own points of well-known towns lie in their states' polygons.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.sparql_support import fetch

ROOT = Path(__file__).resolve().parent.parent
REGISTER = ROOT / "sources" / "reference" / "de_admin_units_merged.csv"


def inside_ring(lon: float, lat: float, ring: list) -> bool:
    """Ray casting: whether the point lies inside one closed ring."""
    crossings = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def contains(geometry: dict, lon: float, lat: float) -> bool:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return any(inside_ring(lon, lat, rings[0]) and not any(inside_ring(lon, lat, hole) for hole in rings[1:])
               for rings in polygons)


@pytest.fixture(scope="module")
def states(base_url) -> dict[str, dict]:
    response = fetch(base_url + "static/map/germany.geojson")
    assert response.status == 200
    return {f["properties"]["ars"]: f for f in response.json()["features"]}


def test_the_states_are_sixteen_named_polygons_of_a_sensible_size(base_url, states):
    assert sorted(states) == [f"{n:02d}" for n in range(1, 17)]
    assert states["09"]["properties"]["name"] == "Bayern" and states["11"]["properties"]["name"] == "Berlin"
    assert {f["geometry"]["type"] for f in states.values()} <= {"Polygon", "MultiPolygon"}
    assert 20_000 < len(fetch(base_url + "static/map/germany.geojson").body) < 150_000


@pytest.mark.parametrize("ags", ["05315000", "11000000", "02000000", "09162000", "04012000", "14713000", "08311000"])
def test_a_towns_register_point_lies_in_its_states_polygon(states, ags):
    row = next(r for r in csv.DictReader(REGISTER.open(encoding="utf-8")) if r["ags"] == ags and r["level"] == "gemeinde")
    lon, lat = float(row["lon"]), float(row["lat"])
    assert contains(states[ags[:2]]["geometry"], lon, lat)
    assert not any(contains(f["geometry"], lon, lat) for key, f in states.items() if key != ags[:2])


def test_the_background_draws_every_state(base_url):
    response = fetch(base_url + "map/germany.svg")
    assert response.media_type == "image/svg+xml"
    assert response.body.decode().count("<path ") == 16
    # the attribution its sources ask for (a GIS review: the published SVG named none)
    assert re.search(r"<desc>[^<]*Natural Earth[^<]*Destatis[^<]*dl-de/by-2-0[^<]*</desc>", response.body.decode())


def signed_area(ring: list) -> float:
    """Twice the ring's signed area (shoelace): positive when it runs counterclockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))


def test_rings_are_wound_as_rfc_7946_asks(states):
    """Exterior rings counterclockwise, holes clockwise (RFC 7946 §3.1.6; a GIS review: all were clockwise)."""
    for feature in states.values():
        geometry = feature["geometry"]
        for rings in geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]:
            assert signed_area(rings[0]) > 0 and all(signed_area(hole) < 0 for hole in rings[1:])


# Points in the largest overlaps of the states simplified one by one: Niedersachsen/Sachsen-Anhalt,
# Hessen/Rheinland-Pfalz, Niedersachsen/Bremen, Hessen/Thüringen, Baden-Württemberg/Bayern.
@pytest.mark.parametrize("lon, lat", [(10.6753, 52.013), (8.0189, 50.522), (8.7361, 53.0232), (9.9272, 51.3828),
                                      (9.8346, 49.642)])
def test_neighbouring_states_do_not_overlap(states, lon, lat):
    """Simplified one by one, 13 pairs of neighbours overlapped, by up to ~7 km² (a GIS review); simplified
    together, a point lies in one state at most."""
    assert sum(contains(f["geometry"], lon, lat) for f in states.values()) <= 1


def map_of(base_url, path, lang="de") -> str:
    html = fetch(base_url + path, lang=lang).body.decode()
    return html.split('<figure class="map">', 1)[1].split("</figure>", 1)[0]


def test_a_municipality_is_a_dot_in_its_highlighted_state_with_coordinates_in_the_readers_language(base_url):
    figure = map_of(base_url, "doc/municipality/09461000")
    assert figure.count('class="state"') == 1 and figure.count('class="dot"') == 1
    assert "49,8934° N, 10,8868° O" in figure  # German decimal comma and "Ost"
    assert "49.8934° N, 10.8868° E" in map_of(base_url, "doc/municipality/09461000", lang="en")
    assert "Natural Earth" in figure
    # sized and coloured without the style sheet too (an accessibility review: a page-wide black block)
    assert re.search(r'<svg viewBox="0 0 (\d+) (\d+)" width="\1" height="\2"', figure)
    assert re.search(r'<circle class="dot" [^>]*fill="#', figure)


def municipalities_in(base_url, place: str) -> tuple[int, int]:
    """How many municipalities the place has, and how many of them have a point."""
    rows = fetch(base_url + "sparql", query=f"""PREFIX schema: <https://schema.org/> PREFIX mpsc: <https://w3id.org/mpsc/ontology#>
        PREFIX geo: <http://www.opengis.net/ont/geosparql#>
        SELECT (COUNT(?m) AS ?n) (COUNT(?w) AS ?placed) WHERE {{ ?m a mpsc:Municipality ;
          schema:containedInPlace <https://w3id.org/mpsc/id/{place}> OPTIONAL {{ ?m geo:hasGeometry ?w }} }}""",
                 headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    return int(rows[0]["n"]["value"]), int(rows[0]["placed"]["value"])


def test_a_district_shows_its_municipalities(base_url):
    expected, _ = municipalities_in(base_url, "district/09471")
    figure = map_of(base_url, "doc/district/09471")
    assert expected > 30 and figure.count('class="part"') == expected
    assert figure.count('class="state"') == 1
    assert re.search(r"Die 3\d Gemeinden des Kreises", figure)


def test_a_caption_counts_the_municipalities_the_register_gives_no_point(base_url):
    """A GIS review: the caption counted the dots, "Die 29 Gemeinden des Kreises" for the Wartburgkreis's 30
    (Eisenach, merged into it in 2021, has no point in the register)."""
    total, placed = municipalities_in(base_url, "district/16063")
    assert placed == total - 1
    figure = map_of(base_url, "doc/district/16063")
    assert figure.count('class="part"') == placed
    assert f"{placed} der {total} Gemeinden des Kreises (1 ohne Punkt im Register)" in figure
    assert f"{placed} of the {total} municipalities of the district" in map_of(base_url, "doc/district/16063", "en")


def test_a_municipal_association_shows_its_municipalities(base_url):
    """A GIS review: an association's map highlighted its state alone (districts had their dots)."""
    total, placed = municipalities_in(base_url, "municipal-association/072325007")
    figure = map_of(base_url, "doc/municipal-association/072325007")
    assert total == placed > 5 and figure.count('class="part"') == total
    assert f"Die {total} Gemeinden des Gemeindeverbands" in figure
