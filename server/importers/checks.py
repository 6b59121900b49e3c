"""What the cells of the source tables must hold, checked before anything is imported from them.

A cell outside its column's rule had been dropped without a word (a start date written 01.11.2020, a slug or a
field misspelt), taken for something else (a measure of the kind "Measure" became a partner organisation) or
ended the import in a traceback (a confidence "Confirmed", an amount "15.750.000"); a second row with the key
of another silently replaced it (a contributor's review). `source_errors` names each such cell by file, line and
column with what the column takes, and `mpsc import` then writes nothing.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from ..iris import LEVEL_PATHS
from ..namespaces import AMOUNT_BY_BOUND
from .concepts import CATEGORIES, CODE_LISTS
from .course import FIGURES, PHASES
from .governance import BUDGETS, CALL_DATES, ORGANISATIONS, THRESHOLDS, leading_date, millions, population_bounds
from .measures import KINDS, STATUS
from .programme import FUNDING_STATED, OTHER_BODY_CLASS
from .sources import CONFIDENCE, Row, Sources, date_literal, source_iris

Rule = tuple[Callable[[str], bool], str]  # whether a cell is right, and what its column takes

_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def one_of(values, empty: bool = False) -> Rule:
    return (lambda cell: cell in values or (empty and not cell),
            ("empty or " if empty else "") + "one of " + ", ".join(sorted(values)))


def _addresses(cell: str) -> bool:
    found = source_iris(cell)
    return bool(found) and all(_URL.fullmatch(str(url)) for url in found)


ADDRESSES: Rule = (_addresses, "one or more web addresses (https://…), separated by ';'")
ADDRESS: Rule = (lambda cell: bool(_URL.fullmatch(cell)), "one web address (https://…)")
DATE: Rule = (lambda cell: date_literal(cell) is not None, "a year, year-month or date, such as 2020, 2020-11 or "
                                                           "2020-11-01 (a remark in brackets may follow)")
AMOUNT: Rule = (lambda cell: cell.isascii() and cell.isdigit(), "a whole number of euros in digits, without points "
                                                                  "or spaces: 15750000")
IDENTIFIER: Rule = (lambda cell: bool(re.fullmatch(r"[a-z-]+(?:/[^\s#?<>\"/]+)+", cell)),
                    "an identifier's path under https://w3id.org/mpsc/id/, such as organisation/zebralog")
DAY: Rule = (lambda cell: bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell)) and date_literal(cell) is not None,
             "a date: 2026-12-06")
NUMBER: Rule = (lambda cell: bool(re.fullmatch(r"\d+(?:\.\d+)?", cell)), "a number in digits, a point before "
                                                                         "decimals: 65 or 7.5")
TEXT: Rule = (bool, "a text")


def empty_or(rule: Rule) -> Rule:
    return (lambda cell: not cell or rule[0](cell), "empty or " + rule[1])


def _pattern(cell: str) -> bool:
    try:
        re.compile(cell)
    except re.error:
        return False
    return bool(cell)


# The rule of the `value` of a course fact, by its `field` (course.csv, stated-elsewhere.csv, funding.csv).
COURSE_VALUES: dict[str, Rule] = {
    **{field: DATE for field in ("start_date", "end_date", "end_date_extended", "strategy_decision_date",
                                 "strategy_year")},
    **{field: AMOUNT for field in FIGURES},
    "phase_model": one_of(PHASES), "homepage": ADDRESS, "strategy_url": ADDRESS, "status": TEXT, "strategy_title": TEXT,
}
# What the import reads from programme.csv, whose rows are facts of one subject each: (subject, field) -> the rule
# of its value. Each must be there, once (a contributor's review: "94 (BMI)" applications, a deadline "14.03.2021"
# or a misspelt field had ended the import in a traceback; "300.000.000 EUR" had dropped the round's budget).
LEADING_DAY: Rule = (lambda cell: leading_date(cell) is not None, "a date first, such as 2021-03-14 (a time or a "
                                                                  "remark may follow)")
MILLIONS: Rule = (lambda cell: millions(cell) is not None, "text with the amount written 'N Mio EUR', such as "
                                                           "'about 170 Mio EUR (…)'")
BUDGET: Rule = (lambda cell: AMOUNT[0](cell) or MILLIONS[0](cell), f"{AMOUNT[1]}, or {MILLIONS[1]}")
RATES: Rule = (lambda cell: len(re.findall(r"(\d+) %", cell)) == 2, "the two rates written 'N %': the general one, "
                                                                      "then the one in a budgetary emergency")
BOUNDS: Rule = (lambda cell: population_bounds(cell) is not None, "population bounds: '> 100,000', "
                                                                  "'20,000–100,000' or '< 20,000 inhabitants'")
PROGRAMME_VALUES: dict[tuple[str, str], Rule] = {
    **{("programme", field): TEXT for field in ("name", "name_en", "abbreviation", "name_long", "condition_charta",
                                                "call_brand")},
    ("programme", "start_year"): (lambda cell: bool(re.fullmatch(r"\d{4}", cell)), "a year: 2019"),
    ("programme", "official_website"): ADDRESS, ("programme", "call_website"): ADDRESS,
    ("programme", "grant_rate"): RATES, ("programme", "grant_cap_phase_a"): MILLIONS,
    ("programme", "grant_cap_phase_b"): MILLIONS, **{key: BUDGET for key in BUDGETS},
    **{("programme", field): BOUNDS for field in THRESHOLDS.values()},
    **{(f"round-{year}", field): rule for year in (2019, 2020, 2021)
       for field, rule in (("applications", (AMOUNT[0], "a whole number in digits")),
                           ("announcement_date", LEADING_DAY), ("selection_procedure", TEXT))},
    ("kfw", "programme_number"): TEXT, ("evaluation", "name_en"): TEXT, ("evaluation", "evaluator"): TEXT,
    ("kts", "lead"): TEXT, **{(subject, field): TEXT for subject in ORGANISATIONS for field in ("name", "name_en")},
}
PROGRAMME_FILE = "sources/mpsc/programme.csv"
CALL_DATE_FIELDS = tuple(field for field, _, _ in CALL_DATES)  # optional, but a date first where given
REGISTER_KINDS = tuple(LEVEL_PATHS.values())  # bodies.csv's kinds of the register, named as their IRIs' paths
VALUE_TABLES = ("mpsc/course.csv", "curation/stated-elsewhere.csv", "curation/funding.csv")  # facts of course.csv
PROJECT_COLUMNS = {"mpsc/course.csv": ("slug",), "mpsc/measures.csv": ("slug",), "curation/projects.csv": ("slug",),
                   "curation/funding.csv": ("slug",), "curation/partners.csv": ("slug",),
                   "curation/coverage.csv": ("slug",), "curation/reuse.csv": ("slug", "reuses_slug"),
                   "curation/stated-elsewhere.csv": ("slug",)}
# The columns whose values the importer looks rows up by: two rows with one key, and the second replaced the first.
KEYS = {"mpsc/projects.csv": ("slug",), "mpsc/entities.csv": ("name",), "curation/bodies.csv": ("name",),
        "curation/projects.csv": ("slug",), "curation/rounds.csv": ("staffel",), "curation/topics.csv": ("slug",),
        "curation/funding.csv": ("slug", "field", "value"), "curation/partners.csv": ("slug", "name"),
        "curation/corrections.csv": ("table", "key", "field"), "curation/organisations.csv": ("name",),
        "curation/retired.csv": ("id",)}


# The rules of the columns only one table has (a contributor's re-test: each of these had been a traceback, or
# a value silently ignored or published as it was).
TABLE_RULES: dict[str, dict[str, Rule]] = {
    "curation/retired.csv": {"id": IDENTIFIER, "date": DAY, "reason": TEXT, "replaced_by": empty_or(IDENTIFIER)},
    "curation/bodies.csv": {"kind": one_of({*REGISTER_KINDS, *OTHER_BODY_CLASS})},
    "mpsc/measures.csv": {"kind": one_of(KINDS), "status": one_of(STATUS, empty=True), "value_de": TEXT},
    "mpsc/projects.csv": {"category": one_of(CATEGORIES), "funding_eur": empty_or(AMOUNT)},
    "curation/projects.csv": {"funding_kind": one_of(CODE_LISTS["funding-kind"][3], empty=True),
                              "funding_stated": one_of(FUNDING_STATED, empty=True)},
    "curation/funding.csv": {"bound": one_of(set(AMOUNT_BY_BOUND) - {""}, empty=True), "preferred": one_of({"no"}, empty=True),
                             "rate": empty_or(NUMBER), "kind": one_of({"unspecified"}, empty=True)},
    "curation/partners.csv": {"member": one_of({"yes"}, empty=True)},
    "curation/coverage.csv": {"municipalities": (AMOUNT[0], "a whole number in digits")},
    "curation/topics.csv": {"pattern": (_pattern, "a regular expression (Python's)")},
}


def column_rules(name: str, shared: dict[str, Rule]) -> dict[str, Rule]:
    """The rule of each checked column of the table `name` (`mpsc/course.csv`); `shared` has the rules that the
    other tables decide: project slugs, rounds, body names."""
    rules = {"confidence": one_of(CONFIDENCE), "source_url": ADDRESSES, "sources": ADDRESSES,
             **{column: shared["projects"] for column in PROJECT_COLUMNS.get(name, ())}, **TABLE_RULES.get(name, {})}
    if name == "mpsc/projects.csv":
        rules |= {"year": shared["years"], "staffel": shared["rounds"]}
    if name == "curation/partners.csv":
        rules["body"] = empty_or(shared["bodies"])
    if name in VALUE_TABLES:  # a fact of course.csv, or a decision about one of its funding figures
        rules["field"] = one_of(FIGURES if name == "curation/funding.csv" else COURSE_VALUES)
    return rules


def source_errors(sources: Sources) -> list[str]:
    """`file:line: …` for every cell of `sources.tables` that breaks its column's rule, and every repeated key."""
    tables, rounds = sources.tables, sources.rounds
    shared = {"projects": ({row["slug"] for row in sources.projects}.__contains__,
                           "the slug of a project of sources/mpsc/projects.csv"),
              "years": one_of({row["year"] for row in rounds}), "rounds": one_of({row["staffel"] for row in rounds}),
              "bodies": (sources.bodies.__contains__, "a name of sources/curation/bodies.csv")}
    errors = []
    for name, rows in tables.items():
        rules = column_rules(name, shared)
        for row in (row for row in rows if not row.left_out):
            errors += [broken(row, column, rule) for column, rule in rules.items()
                       if column in row and not rule[0](row[column])]
            if name in VALUE_TABLES and row["field"] in COURSE_VALUES:
                rule = COURSE_VALUES[row["field"]]
                errors += [] if rule[0](row["value"]) else [broken(row, "value", rule, f" ({row['field']})")]
        errors += repeated_keys(rows, KEYS.get(name, ()))
    errors += programme_errors([row for row in tables["mpsc/programme.csv"] if not row.left_out])
    return sorted(errors, key=_file_and_line)


def _file_and_line(error: str) -> tuple[str, int]:
    """The file and line an error names (line 0 where it names the file only), to list errors in that order."""
    file, _, rest = error.partition(":")
    line = rest.partition(":")[0]
    return file, int(line) if line.isdigit() else 0


def programme_errors(rows: list[Row]) -> list[str]:
    """The rows of programme.csv the import reads that break PROGRAMME_VALUES or a call's date, come twice or are
    missing; a round needs an application deadline."""
    found: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        found.setdefault((row["subject"], row["field"]), []).append(row)
    errors = []
    for (subject, field), rule in PROGRAMME_VALUES.items():
        given = found.get((subject, field), [])
        if not given:
            errors.append(f"{PROGRAMME_FILE}: no row of subject {subject}, field {field}; the import needs one, "
                          f"whose value is {rule[1]}")
            continue
        if not rule[0](given[0]["value"]):
            errors.append(broken(given[0], "value", rule, f" ({subject} {field})"))
        errors += [f"{row.where}: subject {subject}, field {field} as on line {given[0].where.rpartition(':')[2]}; "
                   "keep one of the two rows" for row in given[1:]]
    errors += [broken(row, "value", LEADING_DAY, f" ({row['subject']} {row['field']})") for row in rows
               if row["field"] in CALL_DATE_FIELDS and not LEADING_DAY[0](row["value"])]
    errors += [f"{PROGRAMME_FILE}: no row of subject round-{year}, field deadline or deadline_original; "
               "the call of each round has an application deadline" for year in (2019, 2020, 2021)
               if not any((f"round-{year}", field) in found for field in ("deadline", "deadline_original"))]
    return errors


def broken(row: Row, column: str, rule: Rule, what: str = "") -> str:
    return f"{row.where}: {column}{what} is {row[column]!r}; it must be {rule[1]}"


def repeated_keys(rows: list[Row], columns: tuple[str, ...]) -> list[str]:
    first: dict[tuple, str] = {}
    errors = []
    for row in rows if columns else ():
        key = tuple(row[c] for c in columns)
        if key in first:
            errors.append(f"{row.where}: {', '.join(columns)} {', '.join(key)} as on line {first[key]}; "
                          "merge the two rows")
        first.setdefault(key, row.where.rpartition(":")[2])
    return errors
