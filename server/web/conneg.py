"""Content negotiation for every route: which of the formats a route offers answers a request, or a 406.

Negotiation follows Oxigraph's server. An explicit choice wins: a URL suffix (`/doc/x.ttl`), then the
first `format` parameter that names an offered format (a `format` naming none of them is 406). Then the
Accept header, scored by quality and specificity (`*/*` < `type/*` < exact, RFC 9110 §12.5.1); a header
of wildcards only expresses no preference and gets the route's default; so does a request without
Accept. Nothing acceptable is 406, whose body lists the offered media types. Routes say only what they
offer and their default; the language of pages is negotiated in i18n.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, NamedTuple, Sequence

from flask import g, request

from ..errors import HttpError
from ..jsonld import EXPANDED
from ..formats import HTML, JSONLD, PROBLEM, Format, by_name


class Choice(NamedTuple):
    format: Format
    negotiated: bool  # Accept decided it (so the answer varies on Accept)


def choose(offered: Sequence[Format], default: Format | None = None, *, suffix: Format | None = None,
           requested: Iterable[str] = ()) -> Choice:
    """The format to answer the current request in among `offered` (default: the first), or HttpError 406.
    JSON-LD's form is decided with it and kept for the request (`wants_expanded_jsonld`)."""
    accept = request.headers.get("Accept")
    choice = decide(offered, default, suffix=suffix, requested=requested, accept=accept)
    g.expanded_jsonld = expanded(choice, accept)
    return choice


def decide(offered: Sequence[Format], default: Format | None = None, *, suffix: Format | None = None,
           requested: Iterable[str] = (), accept: str | None = None) -> Choice:
    """`choose` for a request given by its parts, so that code in front of Flask (the document fast path in
    fastpath.py) decides exactly as the views do."""
    if suffix is not None:
        return Choice(suffix, False)
    requested = [value for value in requested if value]
    for value in requested:
        fmt = by_name(value, offered[0].kind)
        if fmt in offered:
            return Choice(fmt, False)
    fmt = None if requested else negotiate(accept, offered, default or offered[0])
    if fmt is None:
        raise not_acceptable(offered, requested)
    return Choice(fmt, True)


def instead(offered: Sequence[Format], failed: Format) -> Format | None:
    """The format the request's Accept header prefers after `failed`, which cannot carry this answer (a character
    XML cannot hold, a predicate RDF/XML cannot write); None where it accepts no other. A 406 is for a request no
    representation fits (RFC 9110 §15.5.7): RDF4J's clients send their format at q=1 and every other at q=0.8,
    and got a 406 where Turtle would have done (a review with other SPARQL clients). Never HTML: whoever asked for
    data gets data."""
    accept = request.headers.get("Accept")
    rest = [fmt for fmt in offered if fmt is not failed and fmt is not HTML]
    return negotiate(accept, rest, rest[0]) if accept and rest else None


def not_acceptable(offered: Sequence[Format], requested: Sequence[str] = ()) -> HttpError:
    """The 406 for a request none of `offered` can answer; its body names the `format` values asked for, if any,
    and lists the media types offered."""
    types = [f.media_type for f in offered]
    asked = (f"format={' or '.join(requested)} names no format offered here" if requested
             else "None of the requested formats is offered here")
    return HttpError(406, f"{asked}; offered are: " + ", ".join(types) + ".",  # another Accept may be answered:
                     {"Vary": "Accept"}, offered=types,  # caches must tell them apart
                     words=("error.unfit_format", {"asked": " or ".join(requested)}) if requested else
                     ("error.no_format", {}))


def wants_html() -> bool:
    """Whether the client prefers HTML over JSON (browsers do; scripts and SPARQL clients do not), unless the request
    asked for JSON itself (`answers_json`)."""
    return not g.get("answers_json") and negotiate(request.headers.get("Accept"), (PROBLEM, HTML),
                                                   default=PROBLEM) is HTML


def answers_json() -> None:
    """Mark the request as one answered in JSON (`format=json`, or a route that answers nothing else), so that its
    errors are problem details too, whatever Accept a browser sends (a web developer's review: `fetch` from a page
    got an HTML 400)."""
    g.answers_json = True


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """How closely this range matches a media type: 2 exact, 1 type/*, 0 */*, None no match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != main:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def parse_accept(header: str | None) -> list[_Range]:
    """Media ranges of an Accept header; parameters other than q are ignored (they never select a format here)."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        weights = [_weight(value) for name, _, value in (p.partition("=") for p in fields[1:])
                   if name.strip().lower() == "q"]
        if None in weights:
            continue
        main, _, sub = media.partition("/")
        ranges.append(_Range(main, sub, weights[-1] if weights else 1.0))
    return ranges


def _weight(value: str) -> float | None:
    """A q parameter's weight, within 0 to 1; None for one that is no number (`q=abc`, `q=nan`), whose range is
    left out as werkzeug leaves it out (a malformed part of the header, RFC 9110 §12.4.2). A header left with no
    range is no header: `application/sparql-results+xml;q=abc` alone had been a 406 (a protocol review)."""
    try:
        q = float(value)
    except ValueError:
        return None
    return max(0.0, min(1.0, q)) if q == q else None


def quality(ranges: Iterable[_Range], fmt: Format) -> float:
    """The q a client gives a format: the most specific matching range decides (RFC 9110 §12.5.1)."""
    return _match(ranges, fmt)[0]


def _match(ranges: Iterable[_Range], fmt: Format) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching a format (specificity as `_Range.specificity`; -1
    for none). Aliases count only when named exactly: `application/*` asks for an application type, not for HTML
    as XHTML."""
    best_spec, best_q = -1, 0.0
    for media_type in fmt.media_types:
        for r in ranges:
            spec = r.specificity(media_type)
            if media_type != fmt.media_type and spec != 2:
                continue
            if spec is not None and (spec > best_spec or (spec == best_spec and r.q > best_q)):
                best_spec, best_q = spec, r.q
    return (best_q, best_spec) if best_spec >= 0 else (0.0, -1)


def negotiate(accept: str | None, offered: Sequence[Format], default: Format) -> Format | None:
    """The offered format the Accept header prefers; `default` when there is no header or only wildcards. Among
    formats of one q, one the header names beats one only a wildcard matches, then the order offered: axios's
    `application/json, text/plain, */*` got a page's HTML (offered first, by `*/*`) instead of its JSON-LD (a
    JavaScript developer's review; the exported site's nginx and Caddy already took the named type)."""
    ranges = parse_accept(accept)
    if not ranges:
        return default
    if default in offered and all(r.type == "*" for r in ranges) and quality(ranges, default) > 0:
        return default
    (q, _), _, fmt = max(((_match(ranges, f), -i, f) for i, f in enumerate(offered)), key=lambda t: t[:2])
    return fmt if q > 0 else None


def wants_expanded_jsonld() -> bool:
    """Whether the current request is answered in JSON-LD's expanded form, as `choose` decided."""
    return g.get("expanded_jsonld", False)


def form_tag() -> str | None:
    """What an ETag adds for JSON-LD's form: "expanded" for the expanded one, nothing for any other answer."""
    return "expanded" if wants_expanded_jsonld() else None


def expanded(choice: Choice, accept: str | None) -> bool:
    """Whether `choice` is JSON-LD's expanded form: where Accept chose JSON-LD and asks for it (`Accept:
    application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"`); compacted otherwise. A suffix or
    `format=` names the compacted document whatever Accept says: the URL alone decides, as for the format,
    so that a `.jsonld` URL has one representation (what a cache or a static export of it holds)."""
    return choice.negotiated and choice.format is JSONLD and _asks_expanded(accept)


def _asks_expanded(accept: str | None) -> bool:
    """Whether an Accept header asks for JSON-LD's expanded profile."""
    for part in (accept or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        if fields[0].lower() == JSONLD.media_type:
            for param in fields[1:]:
                name, _, value = param.partition("=")
                if name.strip().lower() == "profile" and EXPANDED in value.strip('"').split():
                    return True
    return False
