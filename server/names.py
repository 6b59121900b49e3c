"""How names are compared: folding, tokens, the official register's name forms, and identifiers.

Shared by the search index (built with the release, `build/search_index.py`), the search it answers
(`web/finder.py`) and anything else that matches names against the graph, such as a reconciliation
service. One rule everywhere, so that a name found by one finds the same thing in the other.

API:

* `fold(text) -> str` – lower case, umlauts and ß spelled out (Köln → koeln, Straße → strasse), other
  accents dropped (Évry → evry), punctuation to spaces, and the small words the register abbreviates
  reduced to their abbreviation (bei → b, im/in → i, am/an → a, der → d, Sankt → st), so that either
  spelling finds the other. "Köln", "koeln", "KOELN" all fold to "koeln"; "Kirchheim b.München" and
  "Kirchheim bei München" both to "kirchheim b muenchen"; "Freiburg i. Br." to "freiburg i br", whose
  words begin those of "Freiburg im Breisgau" ("freiburg i breisgau").
* `loose(text) -> str` – `fold` with umlauts reduced to their vowel (Köln → koln), for readers who
  type "Koln"; the index stores both forms.
* `sort_key(text)` – the order of names in lists: as `loose` folds, but the words as written (no abbreviations),
  then the text itself.
* `slug(text) -> str` – a name as a slug in an IRI ("Große Kreisstadt" → "grosse-kreisstadt").
* `name_forms(name, official=False) -> set[str]` – the folded forms a name is found under: the name
  in both foldings, and for an official register name ("Köln, Stadt", "Kiel, Landeshauptstadt") also
  the name without the qualifier after its last comma.
* `keys(name) -> set[str]` – for matching rather than finding (the reconciliation service): both foldings
  with the filler words left out ("Frankfurt am Main" ~ "Frankfurt a. Main" ~ "Frankfurt Main").
* `base_forms(name)` – the name without the register's designation after the comma, without a
  parenthesised qualifier and without what it is named by ("Halle (Saale), Stadt" → "Halle (Saale)", "Halle";
  "Frankfurt am Main" → "Frankfurt"); `without_designation(text)` – a query without "Stadt", "Hansestadt",
  "Landeshauptstadt" … before the name; `abbreviates(a, b)`, whether key `a` is `b` with later words cut short
  ("frankfurt m" for "frankfurt main"); `similarity(a, b)` of keys.
* `identifier(text) -> str | None` – the normalised identifier when the text is one: an AGS, ARS or
  state/district key (digits, 2 to 12 of them) or a Wikidata id (`Q365`, `wd:Q365`, or the entity
  IRI); None for ordinary text.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# Letters that are spelled out rather than stripped of their accent (German convention).
_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "œ": "oe"})
_LOOSE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe"})
# Small words the official register (GV100AD) abbreviates ("Kirchheim b.München", "Mülheim a.d.Ruhr"),
# as whole words, and their abbreviation.
ABBREVIATIONS = {"bei": "b", "im": "i", "in": "i", "am": "a", "an": "a", "der": "d", "sankt": "st"}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_WIKIDATA = re.compile(r"^(?:https?://www\.wikidata\.org/(?:entity|wiki)/|wd:)?(q[1-9][0-9]*)$", re.IGNORECASE)
_KEY = re.compile(r"^[0-9]{2,12}$")
# The register appends the kind of a town after a comma: "Köln, Stadt", "Kiel, Landeshauptstadt".
_QUALIFIER = re.compile(r",[^,]*$")


def _fold(text: str, table: dict, abbreviate: bool = True) -> str:
    text = unicodedata.normalize("NFC", text).lower().translate(table)
    if not text.isascii():  # accents left after the table's letters (Évry): most names have none by now
        # and invisible characters left out (format characters, Cf; marks without a combining class, Mn, such as the
        # grapheme joiner and variation selectors): a soft hyphen or zero-width space pasted from a spreadsheet had
        # split "Regens\u00adburg" in two words (an attacker's review)
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c) and unicodedata.category(c) not in ("Cf", "Mn"))
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(ABBREVIATIONS.get(word, word) if abbreviate else word for word in words)


def fold(text: str) -> str:
    """The form names are compared in (see the module's docstring)."""
    return _fold(text, _SPELLED)


def loose(text: str) -> str:
    """`fold`, but ä, ö, ü become a, o, u: what a reader without umlauts on the keyboard types."""
    return _fold(text, _LOOSE)


def sort_key(text: str) -> tuple[str, str]:
    """How lists of names are ordered: as German lists are (DIN 5007-1: ä as a, ß as ss), whatever the case and
    punctuation; the text itself breaks ties, so that the order is always the same. Sorted by `str.lower`,
    "Öhringen" came after "Zweiflingen" and "Künzelsau" after "Kupferzell" (a code review). The words as written:
    the register's abbreviations, which `loose` applies for matching, would put "Sankt Augustin" after "Speyer"."""
    return _fold(text, _LOOSE, abbreviate=False), text


def slug(text: str) -> str:
    """The slug of a name in an IRI: its words in lower case, umlauts and ß spelled out, other accents dropped (a
    letter that is no base letter with an accent, such as ł, parts the words, as in `fold`), joined by hyphens
    ("Große Kreisstadt" -> "grosse-kreisstadt")."""
    return "-".join(_fold(text, _SPELLED, abbreviate=False).split())


def name_forms(name: str, official: bool = False) -> set[str]:
    """The folded forms under which `name` is found exactly (empty forms left out); `official` for names
    of the register, whose qualifier after the last comma may be left out."""
    bare = _QUALIFIER.sub("", name) if official else name
    return {form for text in {name, bare} for form in (fold(text), loose(text)) if form}


def key_forms(key: str) -> list[str]:
    """A key as written and, when it is all digits, with the leading zero a spreadsheet may have dropped
    (`5315000` for `05315000`): search and reconciliation look up both. Within AGS or ARS two forms never name two
    places, as their lengths (2, 5, 8; 2, 5, 9, 12 digits) never differ by one."""
    return [key, "0" + key] if key.isascii() and key.isdigit() else [key]


def unpadded(key: str) -> list[str]:
    """The state's, district's or association's ARS a 12-digit key padded with zeros stands for (`094750000000` for
    `09475`: the register table's `ars12` column, and BKG's VG250, write them so; a wrangler's review), also with
    its leading zero back. Looked up only where the key as written names nothing: `091620000000` is München the
    city's own ARS, and padded that of its district role."""
    return [padded[:n] for padded in key_forms(key) if len(padded) == 12 and padded.isdigit()
            for n in (9, 5, 2) if padded[n:] == "0" * (12 - n)]


def identifier(text: str) -> str | None:
    """The identifier `text` is, normalised (`05315000`, `q365`), or None."""
    text = text.strip()
    if _KEY.match(text):
        return text
    match = _WIKIDATA.match(text)
    return match.group(1).lower() if match else None


# Words the register abbreviates or people leave out, after folding: prepositions and articles of
# "Frankfurt am Main", "Neustadt a.d.Waldnaab", "Kirchheim b.München", "Rothenburg ob der Tauber".
FILLERS = frozenset({"a", "b", "d", "i", "den", "dem", "die", "das", "ob", "o", "v", "vor", "vd", "ad", "id", "u", "und"})


def keys(name: str) -> set[str]:
    """The forms two names are matched in: `fold` and `loose`, without filler words (they are spelled in
    many ways and seldom tell places apart)."""
    return {_unfilled(form) for form in (fold(name), loose(name))} - {""}


def spelling_key(name: str) -> str:
    """The `fold` key alone: two names with it in common are spelt alike but for case, ß and punctuation, where
    their `loose` keys also match "Munster" with "Münster"."""
    return _unfilled(fold(name))


def _unfilled(form: str) -> str:
    return " ".join(w for w in form.split() if w not in FILLERS)


# What a place is named by after its name: "Frankfurt am Main", "Freiburg im Breisgau", "Mülheim an der Ruhr",
# "Neumarkt in der Oberpfalz", "Kirchheim b.München", "Bad Homburg v.d.Höhe": small words in lower case (so not
# "Amt Am Peenestrom"), "in" only before an article (not "Hamburg in Kooperation mit …").
_LOCATED = re.compile(r"^(.+?)\s+(?:(?:am|an|im|ob|bei|auf|vor)\s+(?:(?:der|dem|den)\s+)?|in\s+(?:der|dem|den)\s+|"
                      r"[abiov]\.\s*(?:d\.\s*)?)\S.*$")
# What a table may write before a town's name ("Landeshauptstadt München", "Hansestadt Rostock"), longest first,
# and before a state's ("Freistaat Bayern", "Freie Hansestadt Bremen", "Land Brandenburg": a wrangler's review found
# none of them). Also as tables spell them without ä and ß ("Universitaetsstadt", "Grosse Kreisstadt").
_DESIGNATION = re.compile(r"^(?:freie und hansestadt|freie hansestadt|freistaat|landeshauptstadt|hansestadt|"
                          r"universit(?:ä|ae)tsstadt|hochschulstadt|gro(?:ß|ss)e kreisstadt|kreisfreie stadt|kreisstadt|"
                          r"stadt|gemeinde|markt|land)\s+(?=\S)", re.IGNORECASE)


def base_forms(name: str) -> set[str]:
    """The name without the register's designation after the comma, without a parenthesised qualifier, without
    what it is named by, without what follows a slash and without a project title's subtitle after a dash:
    "Halle (Saale), Stadt" -> "Halle (Saale)", "Halle"; "Frankfurt am Main" -> "Frankfurt"; "Cottbus/Chóśebuz"
    -> "Cottbus"; "Connected Urban Twins – Urbane Datenplattformen …" -> "Connected Urban Twins"; empty if the
    name has none of these."""
    forms = set()
    head = name.split(",", 1)[0].strip()
    if head != name.strip():
        forms.add(head)
    unqualified = re.sub(r"\s*\([^)]*\)", " ", head).strip()
    if unqualified and unqualified != head:
        forms.add(unqualified)
    located = _LOCATED.match(unqualified)
    if located:
        forms.add(located.group(1))
    german = unqualified.split("/", 1)[0].strip()  # "Cottbus/Chóśebuz", "Mühlhausen/Thüringen": the German name first
    if german and german != unqualified:
        forms.add(german)
    short = re.split(r"\s+[–—-]\s+", unqualified, maxsplit=1)[0].strip()  # a title before its dash: "CUDA", "DOS 2030"
    if short and short != unqualified:
        forms.add(short)
    return forms


# How the register writes a district before its name: "Kreis Steinfurt" in Nordrhein-Westfalen and Schleswig-Holstein,
# "Landkreis Hof" elsewhere; tables write either for any district (a wrangler's review: none of 243 districts
# written the other way matched).
_DISTRICT = re.compile(r"^(land)?kreis\s+(?=\S)", re.IGNORECASE)


def district_variants(text: str) -> set[str]:
    """The query with the other of the two district designations: "Landkreis Steinfurt" -> {"Kreis Steinfurt"},
    "Kreis Hof" -> {"Landkreis Hof"}; empty for a text without one."""
    found = _DISTRICT.match(text.strip())
    return {("Kreis " if found.group(1) else "Landkreis ") + text.strip()[found.end():]} if found else set()


def without_district(name: str) -> str:
    """A district's name without the designation it begins with ("Landkreis Rostock" -> "Rostock"), as tables
    write the district; the name itself if it has none."""
    return _DISTRICT.sub("", name.strip())


def named_as_district(name: str) -> bool:
    """Whether a name says it is a district's ("Landkreis Hof", "Kreis Steinfurt"): a query that names a town
    ("Stadt Hof") does not mean it."""
    return bool(_DISTRICT.match(name.strip()))


def reordered(name: str) -> set[str]:
    """A register name with the designation it writes after the comma put before, as people write it:
    "Eisleben, Lutherstadt" -> "Lutherstadt Eisleben", "Köln, Stadt" -> "Stadt Köln"; abbreviations ("M", "GKSt",
    "gemfr. Gebiet") left out (a wrangler's review: "Lutherstadt Eisleben" found nothing)."""
    head, *designations = (part.strip() for part in name.split(","))
    return {f"{d} {head}" for d in designations if head and len(d) > 4 and "." not in d}


def without_designation(text: str) -> str:
    """A query without the designation a table writes before a town's name ("Hansestadt Rostock" -> "Rostock");
    the text itself if it has none."""
    return _DESIGNATION.sub("", text.strip())


def abbreviates(query_key: str, name_key: str) -> bool:
    """Whether a key is a name's key with some of its later words cut short, as tables write what a place is named
    by ("Frankfurt a.M." for "Frankfurt am Main", "Freiburg i.Br." for "Freiburg im Breisgau", "Rothenburg o.d.T."
    for "Rothenburg ob der Tauber"; a wrangler's review: these tied with namesakes): as many words, the first one
    whole, each other one whole or its first one to three letters, and at least one cut."""
    query, name = query_key.split(), name_key.split()
    if len(query) < 2 or len(query) != len(name) or query[0] != name[0]:
        return False
    cut = [q != n for q, n in zip(query, name)]
    return any(cut) and all(not c or len(q) <= 3 and n.startswith(q) for q, n, c in zip(query, name, cut))


def similarity(query_key: str, name_key: str) -> float:
    """How alike two keys are, 0 to 1: the share of matching characters, with a whole-word prefix counted
    as close ("Halle" in "Halle Saale")."""
    ratio = SequenceMatcher(None, query_key, name_key, autojunk=False).ratio()
    if name_key.startswith(query_key + " ") or query_key.startswith(name_key + " "):
        ratio = max(ratio, 0.8)
    return ratio
