"""/reconcile: the W3C Entity Reconciliation API (0.1 and 0.2), as OpenRefine 3.8/3.9 speaks it.

OpenRefine adds the service by its URL, reads the manifest (GET without parameters), sends batches of
queries (`queries=`, GET or form POST), completes entities, types and properties as the user types
(`/suggest/…`), shows a preview of a candidate in an iframe, proposes properties for a type and fetches their
values for matched rows (`extend=`). Entity ids are the IRI's path under `https://w3id.org/mpsc/id/` (the
identifier space), type and property ids the ontology's local names where it has them (the schema space).
Matching is reconcile_match.py over the per-release index of reconcile_index.py. CORS is web/hooks.py's.
"""
from __future__ import annotations

import json
import math
import time

from flask import Blueprint, Response, current_app, jsonify, request

from ..errors import HttpError, QueryTimeout
from ..formats import FORM_MEDIA_TYPE
from ..namespaces import ID, MPSC
from ..numbers import number
from ..queries import RECONCILED_CLASSES
from .. import queries
from . import get_settings, get_store, hooks, per_release, responses
from .admission import AtOnce, address_of
from .endpoint import requesting_client
from .i18n import LANGUAGES, preferred
from .reconcile_index import Entity, Index, as_id, index
from .reconcile_match import Overrun, Query, candidates, identify
from .params import form_fields, refuse_other_charsets, whole_number
from .site import reader, render_page

bp = Blueprint("reconcile", __name__)

DEFAULT_LIMIT = 5  # candidates of a query that names no limit
# Candidates one query may ask for (OpenRefine asks for 3 to 5), and characters of a name compared for near misses
# (the queries one request may carry are a setting: `reconcile_batch`).
RECONCILE_CANDIDATES, RECONCILE_NAME_CHARS = 100, 200
FORM_TYPES = (FORM_MEDIA_TYPE, "multipart/form-data")  # what a POST may carry its parameters in
SUGGESTIONS = 10  # entities a suggest answer holds; `cursor` pages on, up to MAX_CURSOR
MAX_CURSOR = 1000
# Properties to match by and to fetch: id -> (German name, English name, kind of value).
PROPERTIES = {
    "ags": ("Amtlicher Gemeindeschlüssel (AGS)", "official municipality key (AGS)", "str"),
    "ars": ("Amtlicher Regionalschlüssel (ARS)", "official regional key (ARS)", "str"),
    "wikidata": ("Wikidata-Objekt", "Wikidata item", "str"),
    "population": ("Einwohner", "population", "int"),
    "state": ("Land", "state", "State"),
    "district": ("Kreis", "district", "District"),
    "projects": ("Modellprojekte Smart Cities", "MPSC projects", "ModelProject"),
    "round": ("Staffel", "funding round", "FundingRound"),
    "category": ("Kategorie", "category", "ProjectCategory"),
}


@bp.before_request
def _named_in_the_readers_language() -> None:
    """Every answer here names types and properties in the reader's language (`reader`), which Accept-Language
    may choose: shared caches must keep the languages apart."""
    responses.depends_on("Accept-Language")


@bp.after_request
def _fresh_like_the_rest(response: Response) -> Response:
    """A GET answered here is fresh for MAX_AGE, as documents and query results are: it changes only with a release.
    An operator's review: with no freshness stated, a CDN's own default (an hour at some) decided how long an answer
    outlived its release. A batch stopped at the time limit is a 503, never a partial 200."""
    if request.method in ("GET", "HEAD") and response.status_code == 200 and "Cache-Control" not in response.headers:
        responses.public(response)
    return response


bp.record_once(lambda state: state.app.extensions.setdefault("mpsc.batches", AtOnce(
    state.app.config["MPSC"].address_batches, "Your address has {most} reconciliation batches being matched "
    "already, the most one address may have at once. Send the next when one is answered.", "address_batches")))


@bp.route("/reconcile", methods=["GET", "POST"])
def service() -> Response:
    """The manifest, or the answer to a batch of queries (`queries`) or to a data extension (`extend`). Both
    parameters are checked when both are given (queries are answered), so a malformed one is never ignored."""
    if request.method == "POST" and request.mimetype and request.mimetype not in FORM_TYPES:  # parameters in the URL
        raise HttpError(415, "Send `queries` or `extend` as a form (application/x-www-form-urlencoded), as OpenRefine "
                             "does: queries={\"q0\": {\"query\": \"Köln\"}}.")
    values = parameters()
    batch = read_batch(parse_json(values["queries"], "queries")) if "queries" in values else None
    extension = read_extension(parse_json(values["extend"], "extend")) if "extend" in values else None
    sent = request.content_length or "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if batch is None and extension is None and sent:  # a body: a form that did not parse, or a file
        raise HttpError(400, "A POST to /reconcile carries `queries` or `extend` as form fields (not as files); "
                             "its body has neither. The manifest is at GET /reconcile.")
    if batch is None and extension is None:
        return jsonify(manifest())
    # Matching names takes this process's time, up to seconds per batch: it counts as a query in the client's
    # budget and the queue (web/admission.py), and a batch is stopped at the time limit. Pure Python, it holds the
    # worker's interpreter while it runs, so one address may have MPSC_ADDRESS_BATCHES matched at once (eight
    # from one address slowed everyone's queries from 3 ms to 200 ms and documents to a second; an attack).
    found = index()  # built once per release and worker (about 2 s): not charged to the first client's batch
    client = requesting_client()
    with current_app.extensions["mpsc.batches"].holding(address_of(client)), \
            current_app.extensions["mpsc.admission"].charge(client) as deadline:
        return jsonify(reconcile_batch(found, batch, deadline) if batch is not None else extend(found, *extension))


def parameters() -> dict[str, str]:
    """`queries` and `extend` from the URL and a form body, each at most once, read as /sparql reads its fields
    (params.form_fields): an attacker's review found text that is not UTF-8 replaced, and the first of two
    `queries` answered, where /sparql answers 400."""
    fields = form_fields(request.query_string)
    if request.method == "POST":
        refuse_other_charsets()
    if request.method == "POST" and request.mimetype == "multipart/form-data":
        fields += list(request.form.items(multi=True))
    elif request.method == "POST":
        fields += form_fields(request.get_data(cache=True))
    found: dict[str, str] = {}
    for name, value in fields:
        if name in ("queries", "extend"):
            if name in found:
                raise HttpError(400, f"`{name}` is given more than once; send one.")
            found[name] = value
    return found


def parse_json(text: str, name: str):
    try:
        return json.loads(text)
    except ValueError as error:
        if "int_max_str_digits" in str(error):  # Python's own advice on raising its limit, not the client's
            raise HttpError(400, f"The parameter `{name}` holds a number of more than 4,300 digits.") from None
        raise HttpError(400, f"The parameter `{name}` is not JSON: {error}") from None
    except RecursionError:
        raise HttpError(400, f"The parameter `{name}` nests arrays or objects too deeply.") from None


def service_url() -> str:
    return reader()[1].base + "reconcile"


def manifest() -> dict:
    base = reader()[1].base
    suggest = {kind: {"service_url": service_url(), "service_path": f"/suggest/{kind}"}
               for kind in ("entity", "type", "property")}
    # 0.2 only: 0.1 asks for JSONP, which this service does not speak (CORS instead, as 0.2 and OpenRefine 3.3 on
    # use it; a wrangler's review found the manifest claimed 0.1 all the same)
    return {"versions": ["0.2"], "name": "Modellprojekte Smart Cities (MPSC) Knowledge Graph",
            "identifierSpace": str(ID), "schemaSpace": str(MPSC), "documentation": base + "openapi.json",
            "view": {"url": base + "id/{{id}}"},
            "preview": {"url": base + "reconcile/preview?id={{id}}", "width": 400, "height": 140},
            "defaultTypes": [type_of(c) for c in RECONCILED_CLASSES], "suggest": suggest,
            "extend": {"propose_properties": {"service_url": service_url(), "service_path": "/extend/propose"},
                       "property_settings": []}}


def type_of(local_name: str) -> dict:
    """A type as the protocol names it: the class's local name and its label."""
    labels = per_release.value("reconcile.type_labels", class_labels).get(local_name, {})
    return {"id": local_name, "name": preferred(labels, reader()[0]) or local_name}


def class_labels() -> dict[str, dict[str, str]]:
    rows = get_store().select(queries.term_labels())
    labels: dict[str, dict[str, str]] = {}
    for row in rows:
        labels.setdefault(str(row["s"])[len(str(MPSC)):], {})[getattr(row["label"], "language", "") or ""] = str(row["label"])
    return labels


# --- reconciliation ------------------------------------------------------------------------------------

def read_batch(batch) -> dict[str, Query]:
    """The queries of a batch, each checked (400 for the first one the specification's schema refuses)."""
    if not isinstance(batch, dict):
        raise HttpError(400, "`queries` must be a JSON object of queries, e.g. {\"q0\": {\"query\": \"Köln\"}}.")
    most = get_settings().reconcile_batch
    if len(batch) > most:
        raise HttpError(400, f"A request may carry at most {most} queries; this one has {len(batch)}.",
                        limit="reconcile_batch")
    return {name: read_query(name, query) for name, query in batch.items()}


def reconcile_batch(found: Index, batch: dict[str, Query], deadline: float) -> dict:
    """The candidates of each query; QueryTimeout (503) once the batch runs past `deadline` (time.monotonic())."""
    answers = {}
    try:
        for name, query in batch.items():
            if time.monotonic() > deadline:
                raise Overrun
            answers[name] = {"result": [candidate_json(found, c) for c in candidates(found, query, deadline)]}
    except Overrun:
        stopped = QueryTimeout(f"The batch was stopped after {get_settings().query_timeout:g} seconds, the time limit "
                               f"of this service, with {len(answers)} of its {len(batch)} queries answered. Send "
                               "fewer queries per request.")
        stopped.retry = False  # it ran for its whole time (it waits for no executor): sent again, it is stopped again
        raise stopped from None
    return answers


QUERY_FIELDS = {"query", "type", "limit", "properties", "type_strict"}


def read_query(name: str, query) -> Query:
    """One query of a batch; one that the specification's schema refuses is refused with the reason (400)."""
    if not well_formed(query):
        raise HttpError(400, f"Query {name!r} does not follow the reconciliation API: an object with `query` (text) "
                             "or `properties` (a list of {pid, v}), optionally `type` (a type id or a list of them), "
                             "`limit` (a number) and `type_strict` (any, should, all), and nothing else.")
    types = query.get("type", [])
    types = [types] if isinstance(types, str) else types
    props = tuple((p["pid"], tuple(p["v"] if isinstance(p["v"], list) else [p["v"]])) for p in query.get("properties", []))
    limit = query.get("limit", DEFAULT_LIMIT)
    return Query(query.get("query", "")[:RECONCILE_NAME_CHARS], frozenset(t.removeprefix(str(MPSC)) for t in types),
                 max(1, min(int(limit), RECONCILE_CANDIDATES)), props)


def well_formed(query) -> bool:
    """Whether a query is one the specification's `reconciliation-query-batch` schema accepts."""
    if not isinstance(query, dict) or not set(query) <= QUERY_FIELDS:
        return False
    types, properties = query.get("type", []), query.get("properties", [])
    limit = query.get("limit", 1)
    return (isinstance(query.get("query", ""), str)
            and (isinstance(types, str) or isinstance(types, list) and all(isinstance(t, str) for t in types))
            and isinstance(limit, (int, float)) and not isinstance(limit, bool)
            and (isinstance(limit, int) or math.isfinite(limit))  # isfinite cannot take an int beyond a float's range
            and query.get("type_strict", "any") in ("any", "should", "all")
            and isinstance(properties, list) and all(property_condition(p) for p in properties)
            and ("query" in query or bool(properties)))


def property_condition(condition) -> bool:
    """A {pid, v} pair whose value is text, a number, a boolean, an entity {id, …} or a list of these."""
    def value(v) -> bool:
        return isinstance(v, (str, int, float)) or isinstance(v, dict) and isinstance(v.get("id"), str)
    if not isinstance(condition, dict) or not isinstance(condition.get("pid"), str) or "v" not in condition:
        return False
    given = condition["v"]
    return all(value(v) for v in given) if isinstance(given, list) else value(given)


def candidate_json(found: Index, candidate) -> dict:
    entity = candidate.entity
    return {"id": entity.id, "name": entity.label(reader()[0]), "description": description(found, entity),
            "score": candidate.score, "match": candidate.match, "type": [type_of(t) for t in sorted(entity.types)]}


def description(found: Index, entity: Entity) -> str:
    """What tells namesakes apart: the type, and the district and state a place lies in."""
    parts = [type_of(t)["name"] for t in sorted(entity.types)]
    for prop in ("district", "state"):
        parts += sorted(found.entities[i].label(reader()[0]) for i in entity.values(prop) if i in found.entities)
    return " · ".join(parts)


# --- suggest, preview --------------------------------------------------------------------------------

@bp.route("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    """Entities whose name begins with `prefix`, of the wanted `type`s, SUGGESTIONS at a time after skipping `cursor`
    (Reconciliation API 0.2, "Suggest Services"); first those the prefix names as an identifier (an AGS, ARS,
    Wikidata item or id: the specification expects them found, and a wrangler's review found none)."""
    found, prefix = index(), request.args.get("prefix", "")
    wanted = {t.removeprefix(str(MPSC)) for t in request.args.getlist("type")}
    skip = whole_number("cursor", 0, MAX_CURSOR, lowest=0)

    def keep(ident: str) -> bool:
        return not wanted or bool(wanted & found.entities[ident].types)

    identified, roles, _ = identify(found, Query(prefix, frozenset(), SUGGESTIONS, ()))
    named = [*sorted(i for i in identified if keep(i)), *sorted(i for i in roles if keep(i))]  # a city's item: its roles
    ids = [*named, *(i for i in found.with_prefix(prefix, skip + SUGGESTIONS, keep) if i not in named)]
    ids = ids[skip:skip + SUGGESTIONS]
    lang, entities = reader()[0], [found.entities[i] for i in ids]
    return jsonify({"result": [{"id": e.id, "name": e.label(lang), "description": description(found, e),
                                "notable": [type_of(t) for t in sorted(e.types)]} for e in entities]})


@bp.route("/reconcile/suggest/type")
def suggest_type() -> Response:
    prefix = request.args.get("prefix", "").casefold()
    types = [type_of(c) for c in RECONCILED_CLASSES]
    return jsonify({"result": [t for t in types if prefix in t["name"].casefold() or prefix in t["id"].casefold()]})


@bp.route("/reconcile/suggest/property")
def suggest_property() -> Response:
    prefix = request.args.get("prefix", "").casefold()
    return jsonify({"result": [p for p in property_list() if prefix in p["name"].casefold() or prefix in p["id"]]})


def property_list(kind: str = "") -> list[dict]:
    """The properties a data extension may ask for; for a type, only those that at least one of its entities has
    a value of, so that OpenRefine offers no column that would stay empty (a project has no AGS)."""
    lang = reader()[0]
    wanted = PROPERTIES
    if kind:
        wanted = per_release.value("reconcile.properties_by_type", lambda: properties_by_type(index())).get(
            kind.removeprefix(str(MPSC)), set())
    return [{"id": pid, "name": names[LANGUAGES.index(lang)]}
            for pid, (*names, _) in PROPERTIES.items() if pid in wanted]


def properties_by_type(found: Index) -> dict[str, set[str]]:
    """For each type, the properties with a value (as `values` gives them) for at least one of its entities."""
    held: dict[str, set[str]] = {}
    for entity in found.entities.values():
        have = {pid for pid in PROPERTIES if values(found, entity, pid)}
        for kind in entity.types:
            held.setdefault(kind, set()).update(have)
    return held


@bp.route("/reconcile/preview")
def preview() -> Response:
    """A small page about one entity, for OpenRefine's preview iframe (which any site may show it in)."""
    hooks.allow_framing()
    found = index()
    ident = as_id(request.args.get("id", ""))
    entity = found.entities.get(ident)
    if entity is None:
        if found.label_of(ident) == ident:
            raise HttpError(404, "No reconciled resource has this id.", words=("error.not_reconciled", {}))
        # a round or category, as a data extension names them: its name links to its page
        return render_page("reconcile_preview.html", ident=ident, name=found.label_of(ident, reader()[0]),
                           description="", keys=[])
    lang = reader()[0]
    keys = [(PROPERTIES[p][LANGUAGES.index(lang)], number(int(v), lang) if p == "population" else v)
            for p in ("ags", "ars", "wikidata", "population") for v in sorted(entity.values(p))]
    return render_page("reconcile_preview.html", ident=entity.id, name=entity.label(reader()[0]),
                       description=description(found, entity), keys=keys)


# --- data extension ----------------------------------------------------------------------------------

PROPOSALS_LIMIT = 1000  # the highest `limit` a property proposal takes (400 beyond); one above their count gets all


@bp.route("/reconcile/extend/propose")
def propose() -> Response:
    """The properties a data extension may ask for; with `limit`, at most that many (Reconciliation API 0.2,
    "Property proposals")."""
    properties = property_list(request.args.get("type", ""))
    answer = {"type": request.args.get("type", "")}
    if "limit" in request.args:
        answer["limit"] = whole_number("limit", len(properties), PROPOSALS_LIMIT)
    return jsonify({**answer, "properties": properties[:answer.get("limit")]})


def read_extension(query) -> tuple[list[str], list[str]]:
    """(ids, property ids) of a data extension query; 400 unless it follows the specification's schema with
    properties this service offers."""
    if (not isinstance(query, dict) or not isinstance(query.get("ids"), list) or not isinstance(query.get("properties"), list)
            or not all(isinstance(i, str) for i in query["ids"])
            or not all(isinstance(p, dict) and isinstance(p.get("id"), str) and p["id"] in PROPERTIES
                       for p in query["properties"])):
        raise HttpError(400, "`extend` must be {\"ids\": [...], \"properties\": [{\"id\": ...}]} with properties from "
                             "/reconcile/extend/propose: " + ", ".join(PROPERTIES) + ".")
    most = get_settings().reconcile_batch
    if len(query["ids"]) > most:
        raise HttpError(400, f"A data extension may ask for at most {most} ids; this one asks for {len(query['ids'])}.",
                        limit="reconcile_batch")
    return list(dict.fromkeys(query["ids"])), list(dict.fromkeys(p["id"] for p in query["properties"]))


def extend(found: Index, ids: list[str], asked: list[str]) -> dict:
    """The values of the asked properties for each asked id (an unknown id gets empty values). An id may be the
    full IRI too, as the CSV tables' `id` columns write it (a wrangler's review: OpenRefine's "use values as
    identifiers" on such a column got empty columns); the answer keys each row by the id as asked."""
    rows = {i: {p: values(found, found.entities.get(as_id(i)), p) for p in asked} for i in ids}
    return {"meta": [property_meta(p) for p in asked], "rows": rows}


def property_meta(pid: str) -> dict:
    described = next(p for p in property_list() if p["id"] == pid)
    kind = PROPERTIES[pid][2]
    return {**described, "type": type_of(kind)} if kind[0].isupper() else described


def values(found: Index, entity: Entity | None, pid: str) -> list[dict]:
    """A property's values in the protocol's forms: text, integer, or an entity with its name."""
    if entity is None:
        return []
    raw = entity.values(pid)
    if pid in ("round", "category") and "ModelProject" not in entity.types:  # a body's: those of its projects
        raw = {v for p in entity.values("projects") if p in found.entities for v in found.entities[p].values(pid)}
    kind = PROPERTIES[pid][2]
    if kind == "str":
        return [{"str": v} for v in sorted(raw)]
    if kind == "int":
        return [{"int": int(v)} for v in sorted(raw)]
    return [{"id": v, "name": found.label_of(v, reader()[0])} for v in sorted(raw)]
