"""Parameters read one way on every route: a whole number is ASCII digits within its bounds; the fields of a query
string or form body are UTF-8 or refused (`form_fields`), and a body naming another charset is refused.

`str.isdigit` accepts "²" and "١", which `int` then refuses or reads, and `int` refuses more than 4,300 digits:
both were 500s on a route that checked its number alone (an attacker's review of the results page's `page`).
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import request

from ..errors import HttpError

MOST_DIGITS = 9  # beyond any bound a route has, and far below what int() refuses
MOST_PAGES = 10_000  # the highest `page` of a paged answer (search results, a results table) read as a number


def whole_number(name: str, default: int, highest: int, lowest: int = 1) -> int:
    """The integer parameter `name` from `lowest` to `highest` (`default` when absent); 400 for anything else."""
    value = request.args.get(name, str(default))
    if not (value.isascii() and value.isdigit() and len(value) <= MOST_DIGITS) or not lowest <= int(value) <= highest:
        raise HttpError(400, f"`{name}` must be a whole number from {lowest:,} to {highest:,}.",
                        words=("error.whole_number", {"name": name, "lowest": lowest, "highest": highest}))
    return int(value)


def form_fields(body: bytes) -> list[tuple[str, str]]:
    """The fields of a form-encoded body or query string; 400 if any is not UTF-8 (Werkzeug's parser would drop
    it from a body silently, and a dropped query would be answered as a request without one; in a URL it keeps
    the undecoded text, and another query than the one sent would run)."""
    try:
        return parse_qsl(decode(body), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise HttpError(400, "The request is not valid UTF-8 (its URL, or its form-encoded body).") from None


def refuse_other_charsets() -> None:
    """415 for a body whose Content-Type names a charset other than UTF-8, the only one its fields are read in
    (`/sparql`, `/sparql/links` and `/reconcile` alike: the links took a Latin-1 form and stored another query)."""
    if request.mimetype_params.get("charset", "utf-8").lower().replace("-", "") != "utf8":
        raise HttpError(415, "Queries must be encoded in UTF-8.")


def decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "The query is not valid UTF-8.") from None
