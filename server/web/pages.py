"""The landing page, the list pages (projects, municipalities, districts, cooperations, Charta) and the map.

Lists read the programme graph through `queries`, remembered per release (`per_release.select`); labels are
fetched for the IRIs on the page in one query and picked for the reader's language.
"""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, request

from .. import queries
from ..config import ENVIRONMENT, LONGEST_TARGET, applied_limits
from ..dates import spoken_date
from ..errors import HttpError
from ..formats import HTML
from ..names import sort_key
from ..numbers import euro_amount_parts
from .. import iris
from ..queries import FACETS, facet_key
from ..sparql.examples import examples
from . import get_settings, per_release, responses, served_release
from .documents import link_header, signposts
from .resources import dataset_schema
from .i18n import message, other_tag, preferred
from . import maps
from .site import conditional_page, missing, page_tag, reader, render_page
from .sparql_pages import HTML_ROWS

bp = Blueprint("pages", __name__)


@bp.route("/")
@conditional_page
def home() -> Response:
    """What the graph is, live counts per round, category and state, and the ways to use it."""
    counts = {facet: per_release.select(queries.counts_by(facet)) for facet in FACETS}
    totals = per_release.select(queries.totals())[0]
    names = labels({str(row["value"]) for rows in counts.values() for row in rows})
    facets = {facet: [{"key": facet_key(row["value"]), "label": names(row["value"]), "count": int(row["count"])}
                      for row in rows] for facet, rows in counts.items()}
    release = served_release()
    # the catalogue's landing page (dcat:landingPage) signposts the dataset (a FAIR assessor's review: it named none)
    posts = signposts(str(iris.dataset()), HTML)
    response = render_page("index.html", facets=facets, totals={k: int(v) for k, v in totals.items()},
                           release=release, triples=release.manifest.get("triples") if release else None,
                           examples=examples(get_settings().root / "queries"), signposted=posts,
                           schema=dataset_schema())
    response.headers["Link"] = link_header([], posts)
    return response


@bp.route("/projects")
@conditional_page
def projects() -> Response:
    """Every model project, optionally filtered by round, category and state (?round=2020&state=09)."""
    chosen = {facet: request.args.get(facet) or None for facet in FACETS}
    options = {facet: per_release.select(queries.counts_by(facet)) for facet in FACETS}
    for facet, value in chosen.items():  # only known keys reach a query, so the memo stays bounded
        if value is not None and value not in {facet_key(r["value"]) for r in options[facet]}:
            missing("error.no_facet", facet=facet, value=value)
    order = sort_order()
    rows = per_release.select(queries.projects(chosen["round"], chosen["category"], chosen["state"]))
    entries = queries.group_projects(rows)
    lang = reader()[0]
    names = labels({e[k] for e in entries for k in ("project", "round", "category", "grantee")}
                   | {s for e in entries for s in e["states"]}
                   | {str(r["value"]) for rows in options.values() for r in rows})
    entries = sorted_projects(entries, names, *order)
    for entry in entries:
        titles = entry.pop("titles")
        entry["title"] = preferred(titles, lang) or ""
        entry["title_lang"] = other_tag(titles, entry["title"], lang)
        # what a journalist compares (a review: the list had no amount and no runtime)
        entry["grant"] = euro_amount_parts(*entry["grant"], lang) if entry["grant"] else None
        entry["year"] = facet_key(entry["round"])  # the round by its year: "2. Staffel (2020)" took three lines
        entry["start"], entry["end"] = (spoken_date(entry[k], lang) if entry[k] else "" for k in ("start", "end"))
    choices = {facet: [(facet_key(r["value"]), names(r["value"])) for r in rows] for facet, rows in options.items()}
    # a filtered list names its filters in heading and title ("Projekte: 1. Staffel (2019), Nordrhein-Westfalen")
    filters = [label for facet, pairs in choices.items() for key, label in pairs if key == chosen[facet]]
    heading = message("nav.projects", lang) + (": " + ", ".join(filters) if filters else "")
    return render_page("projects.html", defining={facet: value for facet, value in chosen.items() if value},
                       entries=entries, names=names, chosen=chosen, heading=heading, options=choices, sort=order,
                       sortable=SORTABLE, noindex=not entries)  # a filter that finds nothing: no page to index (a
                                                                # search-engine review: soft 404s)


# The columns /projects sorts by (?sort=…&order=asc|desc), each with the order its header's link first asks
# for: amounts largest first, what a journalist looks for (a review: the list could not be sorted at all).
SORTABLE = {"round": "asc", "name": "asc", "grant": "desc", "start": "asc", "end": "asc"}
ORDERS = ("asc", "desc")


def sort_order() -> tuple[str, bool]:
    """The column and direction (descending?) the query string asks for; round, ascending, by default."""
    column = request.args.get("sort") or "round"
    order = request.args.get("order") or SORTABLE.get(column, "asc")
    if column not in SORTABLE or order not in ORDERS:
        raise HttpError(400, f"sort takes one of {', '.join(SORTABLE)} and order one of {', '.join(ORDERS)}.",
                        words=("error.bad_sort", {"columns": ", ".join(SORTABLE), "orders": ", ".join(ORDERS)}))
    return column, order == "desc"


def sorted_projects(entries: list[dict], names: "Names", column: str, descending: bool) -> list[dict]:
    """The entries by `column`, ties and the projects without a value (listed last either way) by name."""
    def value(entry: dict):
        if column == "grant":
            return Decimal(entry["grant"][0]) if entry["grant"] else None
        if column == "name":
            return by_letters(entry)
        return entry[column] or None  # a round's IRI, a date in ISO form

    def by_letters(entry: dict) -> tuple[str, str]:  # as German lists sort: Köln before Konstanz (a review)
        return sort_key(names(entry["project"]))

    by_name = sorted(entries, key=by_letters)
    known = sorted((e for e in by_name if value(e) is not None), key=value, reverse=descending)  # stable: ties by name
    return known + [e for e in by_name if value(e) is None]


@bp.route("/municipalities", defaults={"cls": "Municipality"})
@bp.route("/districts", defaults={"cls": "District"})
@conditional_page
def bodies(cls: str) -> Response:
    """Municipalities or districts taking part in the programme, by state."""
    rows = per_release.select(queries.participants(cls))
    names = labels({str(r["body"]) for r in rows} | {str(r["state"]) for r in rows if "state" in r})
    entries = sorted(rows, key=lambda r: (sort_key(names(r["state"]) if "state" in r else ""),
                                          sort_key(names(r["body"]))))
    title = "nav.municipalities" if cls == "Municipality" else "nav.districts"
    return render_page("bodies.html", entries=entries, names=names, title=title)


@bp.route("/cooperations")
@conditional_page
def cooperations() -> Response:
    """The cooperations that carry a project, with their members (lead member first)."""
    entries = queries.group_cooperations(per_release.select(queries.cooperations()))
    names = labels({e["coop"] for e in entries} | {e["project"] for e in entries if e["project"]}
                   | {m for e in entries for m, _ in e["members"]})
    entries.sort(key=lambda e: sort_key(names(e["coop"])))
    return render_page("cooperations.html", entries=entries, names=names)


@bp.route("/charter")
@conditional_page
def charter() -> Response:
    """The Smart City Charta's principles: guidelines with their recommendations, aims, vision."""
    rows = per_release.select(queries.charter())
    scheme = str(iris.scheme("charter"))
    names = labels({str(r["concept"]) for r in rows} | {scheme})
    return render_page("charter.html", tree=queries.charter_tree(rows), names=names, scheme=scheme)


@bp.route("/accessibility")
@conditional_page
def accessibility() -> Response:
    """The accessibility statement a German public body's site must have (BITV 2.0 § 7, after the EU's model in
    2018/1523): how far the pages conform, what does not and why, how they are checked, whom to tell of a barrier
    (the operator's MPSC_CONTACT, which the page's tag names)."""
    return render_page("accessibility.html")


@bp.route("/limits")
def limits() -> Response:
    """Every limit of the public service, its value here, what happens beyond it, and its setting."""
    settings = get_settings()
    rows = [{"key": name, "value": getattr(settings, name), "unit": unit, "status": status,
             "variable": ENVIRONMENT[name]} for name, (unit, status) in applied_limits(settings).items()]
    tag = page_tag(*(str(row["value"]) for row in rows), str(settings.workers))  # a restart may change them
    return responses.conditional(tag, lambda: render_page(
        "limits.html", limits=rows, html_rows=HTML_ROWS, request_bytes=settings.request_bytes,
        longest_target=LONGEST_TARGET, workers=settings.workers))


@bp.route("/map/germany.svg")
def germany() -> Response:
    """The map background: Germany with its states (see maps.py); the same for every release, kept as long as any
    file (the exported site's server says the same: an operator's review found a day here, five minutes there)."""
    return responses.conditional(responses.etag("germany.svg", maps.background()),
                                 lambda: Response(maps.background(), content_type="image/svg+xml"))


def labels(iris: set[str]) -> "Names":
    """Names for each of `iris` in the reader's language (one query for the whole page)."""
    iris = {i for i in iris if i}
    return Names(queries.labels_by_language(per_release.select(queries.labels(iris))) if iris else {}, reader()[0])


class Names:
    """`names(iri)` is the name of `iri` for the reader; `names.lang(iri)` its language where that is not the
    page's, for a `lang` attribute (WCAG 3.1.2: projects have German names only, also on English pages)."""

    def __init__(self, table: dict[str, dict[str, str]], lang: str):
        self.table, self.reader = table, lang

    def __call__(self, iri) -> str:
        return preferred(self.table.get(str(iri), {}), self.reader) or str(iri)

    def lang(self, iri) -> str:
        texts = self.table.get(str(iri), {})
        return other_tag(texts, self(iri), self.reader)
