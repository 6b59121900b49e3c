"""Look at a query before it runs: its form, whether it is an update, which SERVICEs it calls.

The endpoint needs these answers before execution: the form decides which formats are offered (and so the
406), and updates and unlisted SERVICE calls are refused without touching the store. A full parse would be
overkill; a small lexer is enough because comments, strings and IRIs are the only places where keywords can
hide, and it strips exactly those. Keywords are case-insensitive (SPARQL 1.1 §19.1).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
# Every keyword that starts an update operation (SPARQL 1.1 Update §3); none of them occurs in a query.
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

_STRING = "|".join((
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\\n\r]|\\.)*"',
    r"'(?:[^'\\\n\r]|\\.)*'",
))
_TOKEN = re.compile(rf"""
    (?P<gap>(?:\s+|\#[^\n\r]*)+)
  | (?P<string>{_STRING})
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:[\w.\-:%\\]*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Inspection:
    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK; None if the text starts with none of them
    update: bool  # an update keyword occurs outside comments, strings and IRIs
    services: tuple[str, ...]  # SERVICE endpoints as full IRIs; "?var" where the endpoint is a variable
    normalised: str  # the text with comments dropped and each run of white space made one space


def _tokens(text: str):
    """(kind, text) pairs, white space and comments included as 'gap'."""
    for match in _TOKEN.finditer(text):
        yield match.lastgroup, match.group()


def _expand(kind: str, value: str, prefixes: dict[str, str]) -> str:
    """A SERVICE target as written, made a full IRI where possible (prefixed names use the prologue)."""
    if kind == "iri":
        return value[1:-1]
    if kind == "pname":
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else value
    return value


def inspect(text: str) -> Inspection:
    """Form, update keywords, SERVICE targets and the normalised text of a query."""
    form, update, services, prefixes = None, False, [], {}
    significant = [(kind, value) for kind, value in _tokens(text) if kind != "gap"]
    in_prologue = True
    for i, (kind, value) in enumerate(significant):
        word = value.upper() if kind == "word" else None
        if in_prologue and word == "PREFIX" and i + 2 < len(significant):
            prefixes[significant[i + 1][1].rstrip(":")] = significant[i + 2][1][1:-1]
        elif in_prologue and word not in (None, "PREFIX", "BASE"):
            in_prologue = False
            form = word if word in FORMS else None
        update = update or word in UPDATE_KEYWORDS
        if word == "SERVICE":
            target = next(((k, v) for k, v in significant[i + 1:] if v.upper() != "SILENT"), ("other", ""))
            services.append(_expand(*target, prefixes))
    return Inspection(form, update, tuple(services), normalise(text))


def normalise(text: str) -> str:
    """The query with comments removed and white space collapsed, everywhere outside strings and IRIs.

    Two queries that differ only in layout normalise to the same text, so they share cache entries and ETags.
    """
    return "".join(" " if kind == "gap" else value for kind, value in _tokens(text)).strip()
