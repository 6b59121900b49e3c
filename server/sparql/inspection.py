"""Look at a query before it runs: its form, whether it is an update, which endpoints SERVICE calls, and which
predefined prefixes it uses without declaring them (for server/sparql/prefixes.py, so that a query is lexed once).

The endpoint needs these answers before execution: the form decides which formats are offered (and so the
406), and updates and unlisted SERVICE calls are refused without touching the store. The lexer follows the
terminals of the SPARQL 1.1 grammar (§19.8) as Oxigraph reads them: IRIs and all four string forms with
their escapes (\\u and \\U in both, ECHAR in strings), prefixed names with %-escapes and \\-escapes,
comments. Text that none of them accounts for is refused rather than skipped: a lexer that ends a token
where the engine does not could overlook a SERVICE call.

Oxigraph's parser is a PEG that matches keywords without word boundaries (`SERVICESILENT<…>` is
`SERVICE SILENT <…>`, `SERVICE:x` may be `SERVICE :x`), so two more rules keep the SERVICE check sound:
a word or a prefix that contains "service" without being the keyword SERVICE is refused, and so is a
SERVICE endpoint not written as an IRI `<…>` — a variable can be bound to any IRI at run time, and a
prefixed name may be split differently by the engine. Keywords are case-insensitive (SPARQL 1.1 §19.1).

The lexer also measures how deeply `{`, `(`, `[` and the quoted triples `<< >>` nest: the engine parses
recursively and crashes its process on nesting about a thousand levels deep (a thread with an 8 MB stack), so
queries nested deeper than `max_depth` are refused before any store sees them. The limit guards against that
crash, not against time: what makes deep terms slow (blank nodes, collections, quoted triples in one another:
seconds at 128 levels) is the planning and evaluation of the triple patterns they stand for, and a flat query
of as many patterns takes as long (a review: 256 chained patterns, 4 KB, over 40 s; each timed in-process as
`pyoxigraph.Store().query(text)` on an empty store, pyoxigraph 0.5.13), so the time limit bounds both. A federating engine nests deeply what its author wrote flat: Oxigraph sends `?a IN (v1, …, v63)` as 63
nested `||`, n `UNION`s as n nested groups, a path `:p0|…|:p69` as 69 nested parentheses (a federation review:
at the old limit of 64 such queries were refused, quoting a text their author never wrote).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..errors import MisspeltKeyword, QueryFailed, TooDeep, UndeclaredPrefix
from ..prefixes import PREFIXES as PREDEFINED

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
# Functions whose value is new at each run (SPARQL 1.1 §17.4.5.1 NOW, §17.4.4.5 RAND, §17.4.2.8–9 UUID, STRUUID): a
# query that calls one is answered fresh, never from a cache (web/endpoint.py). BNODE() is not among them: fresh
# blank nodes give the same answer under other labels.
VOLATILE = ("NOW", "RAND", "UUID", "STRUUID")
# Every keyword that starts an update operation (SPARQL 1.1 Update §3); none of them occurs in a query.
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

# Terminals of the SPARQL 1.1 grammar (§19.8), as regular expressions.
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                  "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"
_EXPONENT = r"[eE][+-]?[0-9]+"
_STRINGS = (  # the long forms first: ''' is not the empty string followed by a quote
    rf"'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''",
    rf'"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""',
    rf"'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'",
    rf'"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*"',
)
_TERMINALS = (
    r"(?P<gap>(?:[ \t\r\n]+|\#[^\r\n]*)+)",
    rf"(?P<string>{'|'.join(_STRINGS)})",
    rf"""(?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)""",
    rf"(?P<var>[?$]{_VARNAME})",
    r"(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
    rf"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
    rf"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
    rf"(?P<number>[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}|[0-9]*\.[0-9]+|[0-9]+)",
    r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
    r"(?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*/+\-=!<>^|?])",
)
_TOKEN = re.compile("|".join(_TERMINALS))
_NO_PNAME = re.compile("|".join(t for t in _TERMINALS if not t.startswith("(?P<pname>")))
_PN_START = re.compile(f"[{_PN_CHARS_BASE}]")
_PN_RUN = re.compile(f"[{_PN_CHARS}.]*")  # what a prefix may hold before its colon
_UCHAR_RE = re.compile(_UCHAR)


@dataclass(frozen=True)
class Inspection:
    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK; None if the text starts with none of them
    update: bool  # an update keyword occurs outside comments, strings and IRIs
    services: tuple[str, ...]  # the IRI of each SERVICE endpoint, escapes decoded
    dataset: bool = False  # FROM or FROM NAMED occurs: the query names its own dataset
    undeclared: tuple[str, ...] = ()  # predefined prefixes (server/prefixes.py) used but not declared, in its order
    # SELECT *: the variables in the order they first occur, which is the order of the result's columns (the engine
    # would sort them by name: "o, p, s" for `?s ?p ?o`); empty for any other projection
    star: tuple[str, ...] = ()
    volatile: bool = False  # NOW(), RAND(), UUID() or STRUUID() occurs: each run answers anew (VOLATILE)
    # (prefix, line, column) of the first prefix neither declared nor predefined: an error where the engine knows no
    # prefixes of its own (`unknown_prefix`), not for an external one that may (Virtuoso's bif:)
    unknown_prefix: tuple[str, int, int] | None = None


def tokens(text: str):
    """(kind, text, position) triples of the significant tokens; QueryFailed where no terminal of the grammar matches.

    In linear time: where a prefixed name could start but none does ("a-a-a-…"), the prefix failed because of
    how the run of name characters after it ends (no colon, or a dot before it), so one starting later in the
    same run fails too, and is not looked for again; else every token would scan the run to its end."""
    position, plain_until, end = 0, 0, len(text)
    while position < end:
        match = (_TOKEN if position >= plain_until else _NO_PNAME).match(text, position)
        if match is None:
            raise _unreadable(text, position, f"{text[position]!r} starts no SPARQL token here")
        kind = match.lastgroup
        # Of the other tokens only a word starts with a letter, where a prefixed name could have started.
        if kind == "word" and position >= plain_until and _PN_START.match(text, position):
            plain_until = _PN_RUN.match(text, position).end()
        if kind != "gap":
            yield kind, match.group(), position
        position = match.end()


def _unreadable(text: str, position: int, reason: str) -> QueryFailed:
    """A syntax error at `position`."""
    line, column = _location(text, position)
    return QueryFailed(f"Syntax error at line {line}, column {column}: {reason}.", line, column)


def _location(text: str, position: int) -> tuple[int, int]:
    """Line and column of `position`, counted as the engine counts them (from 1)."""
    return text.count("\n", 0, position) + 1, position - text.rfind("\n", 0, position)


def _decoded_iri(token: str) -> str:
    """The IRI an IRIREF token names: without its brackets, \\u and \\U escapes replaced."""
    return _UCHAR_RE.sub(lambda m: chr(int(m.group()[2:], 16)), token[1:-1])


OPENING, CLOSING = frozenset(("{", "(", "[", "<<")), frozenset(("}", ")", "]", ">>"))


def inspect(text: str, max_depth: int | None = None) -> Inspection:
    """Form, update keywords and SERVICE endpoints of a query; QueryFailed (400) where the lexer cannot vouch
    for the SERVICE calls the engine would make, or where brackets nest deeper than `max_depth`."""
    found = list(tokens(text))
    if max_depth is not None:
        _check_depth(text, found, max_depth)
    form, update, services, dataset, volatile, in_prologue = None, False, [], False, False, True
    for i, (kind, value, position) in enumerate(found):
        if kind == "pname" and "SERVICE" in value.partition(":")[0].upper():
            raise _not_keyword(text, position, value)
        if kind != "word":
            continue
        word = value.upper()
        if in_prologue and word not in ("PREFIX", "BASE"):
            in_prologue = False
            form = next((f for f in FORMS if word.startswith(f)), None)
        update = update or word in UPDATE_KEYWORDS
        dataset = dataset or word.startswith("FROM")  # FROMNAMED too: the engine needs no space
        # as the engine reads keywords, with no word boundary on either side: `ORDER BYRAND()` calls RAND too (an
        # operator's review: it was answered from the cache)
        volatile = volatile or any(function in word for function in VOLATILE)
        if word == "SERVICE":
            services.append(_service_target(text, found[i + 1:]))
        elif "SERVICE" in word:
            raise _not_keyword(text, position, value)
    undeclared, unknown = _undeclared(found)
    return Inspection(form, update, tuple(services), dataset, undeclared,
                      _star_variables(found) if form == "SELECT" else (), volatile,
                      (unknown[0], *_location(text, unknown[1])) if unknown else None)


# The words of SPARQL 1.1 (its grammar's keywords and built-in functions, §19.8, §17.4) and of SPARQL 1.2 as Oxigraph
# reads them; bare words outside strings, IRIs and comments are nothing else. Only for rewording a syntax error
# (`misspelt_keyword`): a word missing here never makes a query fail.
KEYWORDS = frozenset("""BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS FROM NAMED WHERE GROUP BY HAVING
    ORDER ASC DESC LIMIT OFFSET VALUES LOAD SILENT INTO CLEAR DROP CREATE ADD TO MOVE COPY INSERT DATA DELETE WITH
    USING DEFAULT GRAPH ALL OPTIONAL SERVICE BIND UNDEF MINUS UNION FILTER A TRUE FALSE NOT IN EXISTS STR LANG
    LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI
    CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5
    SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR
    REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR TRIPLE ISTRIPLE SUBJECT PREDICATE OBJECT LANGDIR
    HASLANG HASLANGDIR STRLANGDIR LATERAL ADJUST VERSION""".split())
_RESEMBLING = 0.75  # how alike a word and a keyword must be (difflib's ratio) to name the keyword
# Bounds on that work, done in the web worker for any query the engine refused: words longer than a keyword could
# resemble are passed over, and only so many words that are no keywords are compared at all.
_LONGEST_WORD, _WORDS_COMPARED = 40, 50


def misspelt_keyword(text: str, error: QueryFailed) -> QueryFailed:
    """A syntax error reworded where a bare word before the engine's position is no keyword but resembles one
    (`SELEC`, `LIMT`, `OPTINAL`): the engine named what it expected where its parse ended, "expected CONSTRUCT" after
    `SELEC *`, the end of the text after `LIMT 3` (a review with other SPARQL clients). Else `error` itself. A word
    made of keywords (`ORDERBY`: the engine needs no space between them) is none."""
    if error.line is None or not error.message.startswith("Syntax error"):
        return error
    lines = text.split("\n")
    where = sum(len(line) + 1 for line in lines[:error.line - 1]) + error.column - 1  # the engine's, as an offset
    looked_at = set()
    try:
        for kind, word, position in tokens(text):  # lexed only as far as the engine's place
            if position > where or len(looked_at) == _WORDS_COMPARED:
                break
            whole = word.upper()
            upper = whole.rstrip("0123456789")  # `LIMIT10`: the engine needs no space before a number
            if kind != "word" or KEYWORDS & {whole, upper} or upper in looked_at or len(upper) > _LONGEST_WORD:
                continue
            looked_at.add(upper)
            like = None if _of_keywords(upper) else difflib.get_close_matches(upper, KEYWORDS, n=1, cutoff=_RESEMBLING)
            if like:
                return MisspeltKeyword(word, like[0], *_location(text, position))
    except QueryFailed:  # text the lexer cannot read before the engine's place: the engine's words stand
        pass
    return error


def _of_keywords(word: str) -> bool:
    """Whether a word is keywords written together (`ORDERBY`, `SELECTDISTINCT`)."""
    ends = {0}
    for end in range(1, len(word) + 1):
        if any(word[start:end] in KEYWORDS for start in ends if start < end):
            ends.add(end)
    return len(word) in ends


def unknown_prefix(info: Inspection) -> UndeclaredPrefix | None:
    """The error of a prefix neither declared nor predefined (`info.unknown_prefix`), in words: the engine's own
    message listed the tokens it expected and did not name the prefix (a researcher's review)."""
    if info.unknown_prefix is None:
        return None
    prefix, line, column = info.unknown_prefix
    return UndeclaredPrefix(f"Syntax error at line {line}, column {column}: the prefix {prefix}: is not declared. "
                            f"Declare it at the start of the query (PREFIX {prefix}: <…>) or write the full IRI in "
                            f"<…>. Predefined here (no PREFIX needed): {', '.join(p + ':' for p in PREDEFINED)}.",
                            line, column, prefix)


def _not_keyword(text: str, position: int, value: str) -> QueryFailed:
    """A word or prefix that holds "service" without being the keyword SERVICE (the module docstring)."""
    return _unreadable(text, position, f"{value} is not a keyword; write SERVICE apart from other words")


def _star_variables(found: list) -> tuple[str, ...]:
    """For `SELECT *` (or `SELECT DISTINCT *`, `REDUCED *`), the names of the variables after it in the order of
    their first occurrence; () for a query that projects its own list. A variable a subquery uses but does not
    project counts where it first occurs too (an order only: columns the result lacks are not added)."""
    start = next(i for i, (kind, value, _) in enumerate(found) if kind == "word" and value.upper().startswith("SELECT"))
    rest = [(kind, value) for kind, value, _ in found[start + 1:]]
    while rest and rest[0][0] == "word" and rest[0][1].upper() in ("DISTINCT", "REDUCED"):
        rest = rest[1:]
    if not rest or rest[0] != ("punct", "*"):
        return ()
    return tuple(dict.fromkeys(value[1:] for kind, value in rest if kind == "var"))


def _undeclared(found: list) -> tuple[tuple[str, ...], tuple[str, int] | None]:
    """The predefined prefixes the tokens use without declaring them, for server/sparql/prefixes.py, which
    declares them before the query runs (found here so that a query is lexed once); and the first prefix used that
    is neither declared nor predefined, with its position (None if there is none)."""
    declared, used, previous = set(), {}, None
    for kind, value, position in found:
        if kind == "pname":
            prefix = value.partition(":")[0]
            if previous == "PREFIX":
                declared.add(prefix)
            else:
                used.setdefault(prefix, position)
        previous = value.upper() if kind == "word" else None
    unknown = next(((prefix, at) for prefix, at in used.items() if prefix not in declared and prefix not in PREDEFINED),
                   None)
    return tuple(prefix for prefix in PREDEFINED if prefix in used and prefix not in declared), unknown


def _check_depth(text: str, found: list, max_depth: int) -> None:
    """QueryFailed at the first bracket that opens level `max_depth + 1`."""
    depth = 0
    for value, position in _brackets(found):
        if value in OPENING:
            depth += 1
            if depth > max_depth:
                line, column = _location(text, position)
                raise TooDeep(f"The query nests brackets more than {max_depth} levels deep (line {line}, "
                                  f"column {column}); this endpoint allows at most {max_depth}.", line, column)
        elif value in CLOSING:
            depth -= 1


def _brackets(found: list):
    """(bracket, position) of every bracket among the tokens. The lexer reads a quoted triple's `<<` and `>>`
    as two adjacent `<` or `>` (an IRI `<…>` is one token, a comparison one `<` or `>` alone), and the engine
    takes them as brackets only when written without a space, as they are paired here. A triple term
    `<<( … )>>` counts two levels, its `<<` and its `(`, so its brackets balance however it is spaced."""
    pending = None  # a `<` or `>` that may be the first half of `<<` or `>>`
    for kind, value, position in found:
        if kind != "punct":
            pending = None
        elif pending and value == pending[0] and position == pending[1] + 1:
            yield value * 2, pending[1]
            pending = None
        elif value in ("<", ">"):
            pending = (value, position)
        else:
            pending = None
            if value in OPENING or value in CLOSING:
                yield value, position


def _service_target(text: str, following: list) -> str:
    """The endpoint IRI after SERVICE (and SILENT); QueryFailed for any other way of naming it."""
    if following and following[0][0] == "word" and following[0][1].upper() == "SILENT":
        following = following[1:]
    if not following:
        raise _unreadable(text, len(text), "SERVICE needs an endpoint")
    kind, value, position = following[0]
    if kind != "iri":
        raise _unreadable(text, position, f"SERVICE endpoints must be written as IRIs <…>, not as {value}")
    return _decoded_iri(value)
