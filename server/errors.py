"""Every error the server answers with in words, in one place: what the store refuses and what HTTP refuses.

Each carries the HTTP status to answer with and a message for people; web/http.py turns them into problem
details (RFC 9457) or an error page. Store errors travel pickled from query executors, so all their
fields are in `args`.
"""
from __future__ import annotations

import re


class HttpError(Exception):
    """An error answer: status, a message in plain words, and details for the JSON body (line, column, …).
    `words` names the message in the site's languages (a key of web/i18n.py's MESSAGES and its values) for an
    error a reader meets on a page: the error page says it in the page's language, programs get `message`."""

    def __init__(self, status: int, message: str, headers: dict | None = None, *,
                 words: tuple[str, dict] | None = None, **details):
        super().__init__(message)
        self.status, self.message, self.headers, self.details = status, message, headers or {}, details
        self.words = words


class QueryFailed(Exception):
    """A query the store rejected; `status` is the HTTP status to answer with, the message is for users.

    `line` and `column` locate syntax errors. All fields travel in `args`, so the error pickles across the
    pipe from a query executor unchanged.
    """

    status = 400
    limit: str | None = None  # the setting (server/config.py LIMITS) a refusal is due to, named in problem details
    # Whether the same query may succeed if sent again later: a 503 says when in Retry-After (web/hooks.py), one
    # that would only be stopped again says nothing (a researcher's review: a query past its time limit came with
    # `Retry-After: 5`, and a client that honours it sends the doomed query every 5 seconds).
    retry = True
    words: str | None = None  # for a text that is its class's own: how the query form says it (web/i18n.py)

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message, line, column)
        self.message, self.line, self.column = message, line, column

    def __str__(self) -> str:
        return self.message


class QueryTimeout(QueryFailed):
    """A query stopped at its time limit. `retry` is False where it ran for most of that time in an executor
    (store/pool.py), rather than wait for one."""

    status = 503
    limit = "query_timeout"


class StoreTimeout(QueryTimeout):
    """An external store stopped the query at a time limit of its own, which is none of this endpoint's."""

    limit = None


class BusyTimeout(QueryTimeout):
    """A query stopped on the last free executor (MPSC_BUSY_TIMEOUT), before its own time limit."""

    limit = "busy_timeout"


class StoreUnavailable(QueryFailed):
    """The store could not answer (unreachable, restarting); trying again later may work."""

    status = 503


class StoreDamaged(StoreUnavailable):
    """The on-disk store's files fail their checksums (RocksDB's "Corruption"): the server's fault, not the query's;
    the pool marks the store so (pool.mark_damaged): /healthz says so, and the next start writes it anew."""


class StoreFailed(QueryFailed):
    """A remote store answered, but with an error of its own or with bytes that do not parse (502)."""

    status = 502


class EvaluationFailed(QueryFailed):
    """The engine failed while evaluating a query it had parsed; the endpoint answers ServiceFailed instead where
    the query calls SERVICE (web/endpoint.py `execute`)."""

    words = "evaluation_failed"


class ServiceFailed(StoreFailed):
    """A SERVICE endpoint the query calls could not be reached or gave no usable answer (502: SPARQL 1.1 Protocol
    §2.1.4 keeps 400 for a query that is malformed, and clients such as RDF4J read it so). One status and one text
    whatever went wrong there, which do not tell whether anything listens at the endpoint."""

    words = "service_failed"

    def __init__(self):
        super().__init__("The query calls SERVICE, and an endpoint it calls could not be reached or gave no usable "
                         "answer.")
        self.args = ()


class MemoryLimit(QueryFailed):
    """A query that needed more memory than an executor may use (MPSC_QUERY_MEMORY)."""

    status = 503
    limit = "query_memory"
    retry = False  # the same query needs the same memory

    def __init__(self, limit_mb: int | None = None):
        amount = f" ({limit_mb:,} MB)" if limit_mb else ""
        super().__init__(f"The query needed more memory than this endpoint allows per query{amount} and was "
                         "stopped. Narrow it down, or download the dumps at /dumps/.")
        self.args = (limit_mb,)


class TooManyRows(QueryFailed):
    limit = "max_rows"

    def __init__(self, most: int, items: str = "rows"):
        """`items`: what the result holds, rows (SELECT) or triples (CONSTRUCT, DESCRIBE)."""
        super().__init__(f"The result has more than {most:,} {items}. Narrow it down, or page through it with LIMIT "
                         "and OFFSET (ORDER BY keeps the pages apart, but each page then sorts the whole result, which "
                         "can outlast the time limit), or download the dumps at /dumps/.")
        self.args = (most, items)


class UndeclaredPrefix(QueryFailed):
    """A prefixed name whose prefix the query does not declare and the endpoint does not predefine
    (sparql/inspection.py); `prefix` names it (without its colon) for the query form's words."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, prefix: str = ""):
        super().__init__(message, line, column)
        self.args, self.prefix = (message, line, column, prefix), prefix


class MisspeltKeyword(QueryFailed):
    """A syntax error at a bare word that is no word of SPARQL but resembles one (sparql/inspection.py,
    `misspelt_keyword`); `word` and `keyword` for the query form's words."""

    def __init__(self, word: str, keyword: str, line: int, column: int):
        super().__init__(f"Syntax error at line {line}, column {column}: {word} is no word of SPARQL; did you mean "
                         f"{keyword}?", line, column)
        self.args, self.word, self.keyword = (word, keyword, line, column), word, keyword


class TooDeep(QueryFailed):
    """A query whose brackets nest deeper than MPSC_MAX_QUERY_DEPTH (sparql/inspection.py)."""

    limit = "max_query_depth"


READ_ONLY = "This endpoint is read-only; SPARQL Update is not accepted."


class ReadOnly(QueryFailed):
    """An update sent to the read-only endpoint (READ_ONLY); the query form says so in the reader's language."""

    words = "read_only"


class NotInXml(QueryFailed):
    """A result holding a character that XML 1.0 cannot carry, not even as a character reference (XML 1.0
    §2.2), asked for in an XML format: refused in words rather than sent as XML that no parser reads."""

    status = 406

    def __init__(self, code_point: int, instead: str):
        super().__init__(f"The result holds the character U+{code_point:04X}, which XML cannot carry; ask for it "
                         f"in {instead} instead.")
        self.args = (code_point, instead)


class NotInRdfXml(QueryFailed):
    """A graph RDF/XML cannot write: a predicate whose IRI ends in no XML name (`http://a/p/`, `http://a/1`),
    which RDF/XML must write as an element name (RDF 1.1 XML Syntax §2.1)."""

    status = 406

    def __init__(self, instead: str):
        super().__init__("The result has a predicate RDF/XML cannot write (an IRI that does not end in an XML name, "
                         f"such as http://example.org/p/ or http://example.org/1); ask for it in {instead} instead.")
        self.args = (instead,)


_SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_MAX_MESSAGE = 300  # pyoxigraph lists every expected token; beyond this the list helps nobody


def syntax_error(text: str) -> QueryFailed:
    """A QueryFailed from a parser message such as 'error at 1:25: expected …', with line and column."""
    match = _SYNTAX.match(text)
    message = broken_rule(match.group(3) if match else text)
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE].rsplit(",", 1)[0] + ", …"
    if not match:
        return QueryFailed(f"Syntax error: {message}")
    line, column = int(match.group(1)), int(match.group(2))
    return QueryFailed(_located(line, column) + f": {message}", line, column)


def broken_rule(message: str) -> str:
    """The rule of SPARQL a query breaks, where Oxigraph's parser names one among the tokens it expected ("expected
    one of "$", "(", …, The SELECT contains a variable that is unbound, [...]"): that sentence alone, as the reason
    (a researcher's review: a GROUP BY's projection rule read as a typo in a list of tokens). Else `message`."""
    if not message.startswith("expected one of "):
        return message
    rules = [item for item in message[len("expected one of "):].split(", ")
             if item.count(" ") >= 2 and not set(item) & set("\"'[]|")]
    return f"{rules[0]} (a rule of SPARQL, not a typo)" if rules else message


def _located(line: int, column: int) -> str:
    return f"Syntax error at line {line}, column {column}"


def moved_up(error: QueryFailed, lines: int) -> QueryFailed:
    """A syntax error in a text that had `lines` lines prepended, located in the text without them (the
    predefined prefixes); other errors, and errors without a place after the prepended lines, as they are."""
    if not lines or error.line is None or error.line <= lines or type(error) is not QueryFailed:
        return error
    where = _located(error.line, error.column)
    if not error.message.startswith(where):
        return error
    line = error.line - lines
    return QueryFailed(_located(line, error.column) + error.message[len(where):], line, error.column)


class ReleaseCorrupt(Exception):
    """A release whose files do not match its checksums; the message names each file."""


class BadSetting(ValueError):
    """An MPSC_* variable whose value cannot be read; the message names the variable, its value and why."""
