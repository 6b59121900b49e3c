"""Short links to queries: `POST /sparql/links` (query=…) stores a query and answers its short URL, `/q/ID`,
which redirects (303) to the permalink that runs the query (`/sparql?query=…`). A permalink longer than proxies
pass on (config.LONGEST_LINK) would end in 414 there (granian's own limit is 65,534 bytes): such a short link answers
the query itself, as /sparql would, so that every link works for every query the endpoint accepts.

The permalink alone carries the whole query in the URL, which mail and chat programs break or truncate;
the Wikidata Query Service hands such links to a shortener (w.wiki), this service keeps them itself, in one
SQLite file (MPSC_SHORT_LINKS), shared by every worker. The ID is derived from the query's text (SHA-256, in
base 32), so the same query always gets the same link, storing it again changes nothing, and an ID reveals
nothing about other stored queries. The table holds at most MPSC_MAX_SHORT_LINKS queries in at most
MPSC_SHORT_LINKS_BYTES (507 beyond; an attacker's review filled the file at 100 KB a link), each no larger than a
query the endpoint accepts (413) and only a text the endpoint would run: no update, no SERVICE it refuses, nothing
its lexer cannot read (400; any text had been stored); one client address may store MPSC_CLIENT_SHORT_LINKS new ones
per hour (429 beyond, counted per worker like the query budgets).
"""
from __future__ import annotations

import base64
import hashlib
import sqlite3
from contextlib import closing

from flask import Blueprint, current_app, g, jsonify, redirect, request

from ..errors import HttpError
from ..formats import FORM_MEDIA_TYPE
from . import get_settings
from .endpoint import (QueryRequest, answer, as_read, inspected, refuse_unsafe, requested_formats, requesting_client,
                       too_large)
from .params import form_fields, refuse_other_charsets
from .site import not_found
from .sparql_pages import PAGE_PARAMETERS, link_fits, permalink

bp = Blueprint("short_links", __name__)
ID_CHARS = 10  # 50 bits: collisions are out of reach for any number of links this table may hold
SCHEMA = "CREATE TABLE IF NOT EXISTS link (id TEXT PRIMARY KEY, query TEXT NOT NULL, created TEXT NOT NULL)"


def link_id(query: str) -> str:
    digest = hashlib.sha256(query.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii")[:ID_CHARS].lower()


def database(create: bool = True) -> sqlite3.Connection | None:
    """The short links' database, made where it is missing only when a link is stored (`create`): following a
    link is a safe request, which writes nothing; None when there is none to read."""
    settings = get_settings()
    path = settings.short_links or settings.releases / "short-links.sqlite3"
    if not create and not path.exists():
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=5, isolation_level=None)
        if create:
            connection.execute(SCHEMA)
    except (OSError, sqlite3.Error) as error:  # the operator learns why from the log (an operator's review)
        current_app.logger.error("short links cannot be stored in %s: %s", path, error)
        raise HttpError(503, "Short links are not available on this server; the permalink works.") from None
    return connection


@bp.route("/sparql/links", methods=["POST"])
def create():
    """Store the query of a form-encoded body; answer its short URL (201, Location) as JSON."""
    if request.mimetype != FORM_MEDIA_TYPE:
        raise HttpError(415, "Send the query as application/x-www-form-urlencoded (query=…).")
    refuse_other_charsets()
    queries = [value for name, value in form_fields(request.get_data()) if name == "query"]
    if len(queries) != 1 or not queries[0].strip():
        raise HttpError(400, "Send exactly one non-empty query parameter.")
    query = as_read(queries[0])
    size = len(query.encode("utf-8"))
    if size > get_settings().max_query_bytes:
        raise too_large()
    refuse_unsafe(inspected(query))
    key = link_id(query)
    with closing(database()) as db, db:  # one write transaction: workers storing at once keep within the limits
        db.execute("BEGIN IMMEDIATE")
        if db.execute("SELECT 1 FROM link WHERE id = ?", (key,)).fetchone() is None:
            refuse_when_full(db, size)
            current_app.extensions["mpsc.admission"].admit_link(requesting_client(by_agent=False))
            db.execute("INSERT OR IGNORE INTO link VALUES (?, ?, datetime('now'))", (key, query))
    short = get_settings().public_base + "q/" + key
    response = jsonify({"short": short, "permalink": permalink(query)})
    response.status_code, response.headers["Location"] = 201, short
    return response


def refuse_when_full(db: sqlite3.Connection, adding: int) -> None:
    """507 where the table holds MPSC_MAX_SHORT_LINKS links, or `adding` bytes more (and a page for the row's and the
    key's overhead) could take the file beyond MPSC_SHORT_LINKS_BYTES (its pages as SQLite counts them: no reading
    of every row)."""
    settings, page = get_settings(), db.execute("PRAGMA page_size").fetchone()[0]
    links = db.execute("SELECT COUNT(*) FROM link").fetchone()[0]
    used = db.execute("PRAGMA page_count").fetchone()[0] * page
    for limit, reached in (("max_short_links", links >= settings.max_short_links),
                           ("short_links_bytes", used + adding + page > settings.short_links_bytes)):
        if reached:
            raise HttpError(507, "This server keeps no more short links; the permalink works.", limit=limit)


@bp.route("/q/<key>")
def follow(key: str):
    """Redirect a short link to the permalink of its query; 404 for an unknown one."""
    db = database(create=False)
    if db is None:
        return not_found()
    with closing(db):
        try:
            row = db.execute("SELECT query FROM link WHERE id = ?", (key,)).fetchone()
        except sqlite3.OperationalError as error:
            if "no such table" not in str(error):  # locked, damaged: the link may well exist
                raise HttpError(503, "Short links are not available on this server; the permalink works.") from None
            row = None  # a file without the table yet: no link stored
    if row is None:
        return not_found()
    formats = requested_formats(request.args)  # `/q/KEY?format=csv` asks for CSV either way
    shown = [(name, value) for name in PAGE_PARAMETERS for value in request.args.getlist(name)]
    target = permalink(row[0], formats, shown)
    if link_fits(target):
        return redirect(target, code=303)
    g.short_link = get_settings().public_base + "q/" + key  # the page's links to this query go through it
    return answer(QueryRequest(row[0], [], [], formats))
