"""Which views of a SELECT result fit its columns, how its columns fill them, and which view a page opens with.

As on the Wikidata Query Service, a view is offered only where the columns fit: the table always; a map when a
column holds geo:wktLiteral points; a bar and a line chart when a column holds numbers and another one names
them. A page opens with the view the reader picked (`?view=`), else the one a comment in the query asks for
(`#defaultView:Map`, WDQS's names: Table, Map, BarChart, LineChart), else the table. The browser draws the views
from the table itself (server/static/workbench/views.js); the roles decided here travel as data attributes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import GEO, XSD

WDQS_NAMES = {"table": "table", "map": "map", "barchart": "bar", "linechart": "line"}
_DEFAULT_VIEW = re.compile(r"^\s*#\s*defaultView\s*:\s*(\w+)", re.IGNORECASE | re.MULTILINE)
# A point the map can draw: in CRS84, WKT's default (longitude, latitude), named or not. Other reference systems
# order or scale their numbers otherwise (EPSG:4326: latitude first), and the map drew them elsewhere (a GIS
# review: Berlin in the Arabian Sea); such a column is text.
_POINT = re.compile(r"^\s*(?:<http://www\.opengis\.net/def/crs/OGC/1\.3/CRS84>\s*)?POINT\s*\(", re.IGNORECASE)
NUMERIC = {str(XSD[name]) for name in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                        "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                        "nonPositiveInteger", "unsignedInt", "unsignedLong")}
WKT = str(GEO.wktLiteral)


@dataclass(frozen=True)
class Views:
    offered: tuple[str, ...]
    chosen: str
    kinds: tuple[str, ...]  # per column: iri, number, point, text or empty
    map: dict = field(default_factory=dict)  # column indexes: point, label
    chart: dict = field(default_factory=dict)  # column indexes: x, y, series (or -1)


def kind(term) -> str:
    """What a value is for the views: an IRI, a number, a WKT point, or text."""
    if isinstance(term, ox.NamedNode):
        return "iri"
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in NUMERIC:
            return "number"
        if datatype == WKT and _POINT.match(term.value):
            return "point"
    return "text"


def column_kinds(rows: list[list], width: int) -> tuple[str, ...]:
    """The kind every bound value of a column shares ("text" when they differ, "empty" when none is bound)."""
    kinds = []
    for column in range(width):
        seen = {kind(row[column]) for row in rows if row[column] is not None}
        kinds.append(seen.pop() if len(seen) == 1 else "text" if seen else "empty")
    return tuple(kinds)


def default_view(query: str) -> str | None:
    """The view a `#defaultView:Name` comment asks for, if it names one."""
    match = _DEFAULT_VIEW.search(query)
    return WDQS_NAMES.get(match.group(1).lower()) if match else None


def choose(query: str, rows: list[list], width: int, requested: str | None) -> Views:
    """The views `rows` fit, the one to open with, and the columns each view draws from."""
    kinds = column_kinds(rows, width)
    roles_map, roles_chart = map_roles(kinds), chart_roles(kinds, rows)
    offered = ("table",) + (("map",) if roles_map else ()) + (("bar", "line") if roles_chart else ())
    chosen = next((v for v in (requested, default_view(query)) if v in offered), "table")
    return Views(offered, chosen, kinds, roles_map, roles_chart)


def map_roles(kinds: tuple[str, ...]) -> dict:
    """The point column, and the column naming each marker (text, else an IRI's label; -1 for none)."""
    if "point" not in kinds:
        return {}
    return {"point": kinds.index("point"), "label": _first(kinds, ("text", "iri"))}


def chart_roles(kinds: tuple[str, ...], rows: list[list]) -> dict:
    """The number to draw (the last number column), what names it on the x axis (the first text column,
    else an IRI's label, else another number) and, when x repeats, the column that splits it into series."""
    numbers = [i for i, k in enumerate(kinds) if k == "number"]
    if not numbers or not rows:
        return {}
    y = numbers[-1]
    candidates = [i for i in range(len(kinds)) if i != y and kinds[i] != "point" and kinds[i] != "empty"]
    ordered = sorted(candidates, key=lambda i: ("text", "iri", "number").index(kinds[i]))
    if not ordered:
        return {}
    x = ordered[0]
    xs = [row[x] for row in rows]
    series = -1
    if len(set(xs)) < len(xs):
        series = next((i for i in ordered[1:] if kinds[i] != "number"
                       and len({(row[x], row[i]) for row in rows}) == len(rows)), -1)
    return {"x": x, "y": y, "series": series}


def _first(kinds: tuple[str, ...], wanted: tuple[str, ...]) -> int:
    for want in wanted:
        if want in kinds:
            return kinds.index(want)
    return -1
