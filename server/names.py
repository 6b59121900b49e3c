"""German place and project names as people type them: folding and name forms, for matching names to IRIs.

The reconciliation service (web/reconcile.py) must find "Köln" for "Koeln", "KÖLN" or the register's
"Köln, Stadt", "Kirchheim b.München" for "Kirchheim bei München", and "Halle (Saale)" for "Halle Saale". So
names are compared by their *keys*: lower case with ß as ss, umlauts written both as ae/oe/ue and without
the dots (people type either), other accents dropped, punctuation as spaces, and the short words the
register abbreviates ("b.", "a.d.", "i.", "St" for Stadt after the comma) left out, since they are spelled
in many ways and seldom tell places apart. A register name's designation after the comma ("Stadt",
"Landeshauptstadt", "GKSt") and a parenthesised qualifier ("(Saale)") are optional: the name without them is
a *base* form, which matches too, but below the full name.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# Words the register abbreviates or people leave out: prepositions and articles of "Frankfurt am Main",
# "Neustadt a.d.Waldnaab", "Kirchheim b.München", "Mühlheim i.OB", "Rothenburg ob der Tauber".
FILLERS = frozenset({"a", "am", "an", "b", "bei", "d", "der", "den", "dem", "die", "das", "i", "im", "in", "ob",
                     "o", "v", "vor", "vd", "ad", "id", "u", "und"})
# "St." before a name is Sankt ("St. Ingbert"); the register writes both.
SPELLINGS = {"st": "sankt"}


def keys(name: str) -> set[str]:
    """The comparable forms of a name: folded with umlauts as ae/oe/ue and with umlauts as plain vowels."""
    lower = unicodedata.normalize("NFC", name).casefold()  # casefold writes ß as ss
    return {_words(lower.translate(UMLAUTS)), _words(lower)} - {""}


def _words(text: str) -> str:
    """Accents dropped, punctuation as spaces, filler words left out, spellings unified."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = re.split(r"[^0-9a-z]+", plain)
    return " ".join(SPELLINGS.get(w, w) for w in words if w and w not in FILLERS)


def base_forms(name: str) -> set[str]:
    """The name without the register's designation after the comma and without a parenthesised qualifier:
    "Halle (Saale), Stadt" -> "Halle (Saale)", "Halle"; empty if the name has neither."""
    forms = set()
    head = name.split(",", 1)[0].strip()
    if head != name.strip():
        forms.add(head)
    unqualified = re.sub(r"\s*\([^)]*\)", " ", head).strip()
    if unqualified and unqualified != head:
        forms.add(unqualified)
    return forms


def similarity(query_key: str, name_key: str) -> float:
    """How alike two keys are, 0 to 1: the share of matching characters, with a whole-word prefix counted
    as close ("Halle" in "Halle Saale")."""
    ratio = SequenceMatcher(None, query_key, name_key, autojunk=False).ratio()
    if name_key.startswith(query_key + " ") or query_key.startswith(name_key + " "):
        ratio = max(ratio, 0.8)
    return ratio
