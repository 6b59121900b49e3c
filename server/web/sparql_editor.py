"""What the query editor (server/static/workbench/editor.js) is given: the predefined prefixes, the vocabulary's
terms with their labels and comments in the reader's language, the example queries, where to look up resources
by label and to store short links, and its words in the reader's language.

It travels in the page as a JSON data block (`<script type="application/json">`, which the Content-Security-
Policy allows because it does not run), so the editor needs no further request to start. The terms come from the
release (every property and class the graph uses or the ontology defines that has a predefined prefix) and are
computed once per release.
"""
from __future__ import annotations

from flask import current_app

from .. import queries
from ..config import LONGEST_LINK
from ..namespaces import compact
from ..sparql.examples import Example
from ..sparql.prefixes import PREDEFINED
from . import get_store, per_release
from .i18n import EDITOR_PHRASES, message, preferred, term_label

SUGGEST_PATH = "search/suggest"  # the search's completion route (issue 12, part B); used where the app has it
STRINGS = ("query", "examples", "history", "choose", "permalink", "shortlink", "copied", "shortcut", "check.unexpected",
           "check.prefix", "check.end", "check.iri", "check.pname", "check.variable", "check.string", "check.number")


def config(lang: str, link, endpoint: str, examples: list[Example]) -> dict:
    """The editor's configuration for a reader of `lang`."""
    return {
        "lang": lang,
        "endpoint": endpoint,
        "links": endpoint + "/links",  # short links (short_links.py)
        "longestLink": LONGEST_LINK,  # a query with a longer link is posted (editor.js)
        "suggest": link.url(SUGGEST_PATH) if has_suggest() else None,
        "prefixes": PREDEFINED,
        "terms": per_release.value(f"editor-terms-{lang}", lambda: terms(lang)),
        "examples": [{"key": e.key, "title": e.title_in(lang), "query": e.query} for e in examples],
        "strings": {key: message(f"editor.{key}", lang) for key in STRINGS},
        "phrases": EDITOR_PHRASES.get(lang, {}),  # CodeMirror's own words (EditorState.phrases)
    }


def has_suggest() -> bool:
    return any(rule.rule == "/" + SUGGEST_PATH for rule in current_app.url_map.iter_rules())


def terms(lang: str) -> list[dict]:
    """The terms a query can name with a predefined prefix, by prefixed name, labelled in `lang`."""
    store = get_store()
    labels = queries.labels_by_language(store.select(queries.term_labels()))
    comments = queries.labels_by_language(store.select(queries.term_comments()))
    found = {}
    for row in store.select(queries.vocabulary_terms()):
        iri, name = str(row["term"]), compact(str(row["term"]))
        if name and (name not in found or str(row["kind"]) == "class"):
            found[name] = {"name": name, "kind": str(row["kind"]),
                           "label": preferred(labels.get(iri, {}), lang) or term_label(iri, lang) or "",
                           "comment": preferred(comments.get(iri, {}), lang) or ""}
    return [found[name] for name in sorted(found, key=lambda name: (name.lower(), name))]  # dcat:Dataset, dcat:dataset

