"""The languages of the site and the one rule for texts given in several of them, shared by the build (the search
index) and the web layer (pages, search, reconciliation), so that a name is chosen, and said to be in another
language than the reader's, alike everywhere."""
from __future__ import annotations

LANGUAGES = ("de", "en")
DEFAULT = "de"  # the data's own language, always the most complete


def preferred(texts: dict[str, str], lang: str) -> str | None:
    """The one rule for texts in several languages ({language tag: text}, "" for none): the reader's
    language, else German, else any; None for none."""
    return texts.get(lang) or texts.get(DEFAULT) or next(iter(texts.values()), None)


def other_tag(texts: dict[str, str], chosen: str, lang: str) -> str:
    """The language tag of `chosen` among `texts` ({tag: text}) when it is not the reader's `lang`, for a `lang`
    attribute (WCAG 3.1.2); "" when it is the reader's or untagged."""
    if not chosen or texts.get(lang) == chosen:
        return ""
    return next((tag for tag, text in sorted(texts.items()) if text == chosen), "")
