"""Example queries for the query form: the competency queries in the project's queries/ folder.

Each `*.rq` file starts with comment lines `# title: …` and `# description: …` (English), optionally
followed by `# title@de: …` and `# description@de: …`; the file name (without `.rq`) is the example's key
in `/sparql?example=key`. The home page and the query form list them on every
request, so they are read once per process: edits to queries/ show after a restart.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..languages import other_tag, preferred

_HEADER = re.compile(r"^#\s*(title|description)(?:@(de|en))?:\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Example:
    key: str
    titles: dict[str, str]  # {language tag: text}; the header's lines without a tag are English
    descriptions: dict[str, str]
    query: str

    def title_in(self, lang: str) -> str:
        """The title for a reader of `lang`, by the one rule for texts in several languages (languages.py)."""
        return preferred(self.titles, lang) or self.key

    def title_tag(self, lang: str) -> str:
        """The language tag of `title_in(lang)` where it is not `lang`, for a `lang` attribute (WCAG 3.1.2)."""
        return other_tag(self.titles, self.title_in(lang), lang)

    def description_in(self, lang: str) -> str:
        return preferred(self.descriptions, lang) or ""

    def description_tag(self, lang: str) -> str:
        return other_tag(self.descriptions, self.description_in(lang), lang)


def read_example(path: Path) -> Example:
    return headed(path.stem, path.read_text(encoding="utf-8"))


def headed(key: str, text: str) -> Example:
    """A query with the title and description its header comments give (none: empty), as `key`; the results page
    of any query takes its title from there."""
    header = {(field, lang or "en"): value for field, lang, value in _HEADER.findall(text)}
    return Example(key, *({lang: value for (name, lang), value in header.items() if name == field}
                          for field in ("title", "description")), text)


@cache
def digest(folder: Path) -> str:
    """The examples in `folder` as one value, for the ETags of the pages that list or link them (`site.page_tag`):
    their keys and texts, since a page links each by its key (a review: the form's tag named the texts alone)."""
    pairs = sorted((key, example.query) for key, example in _by_key(Path(folder)).items())
    return hashlib.sha256(json.dumps(pairs).encode("utf-8")).hexdigest()[:16]


@cache
def _by_key(folder: Path) -> dict[str, Example]:
    return {p.stem: read_example(p) for p in sorted(folder.glob("*.rq"))}


def examples(folder: Path) -> list[Example]:
    """Every example in `folder`, by file name; none if the folder does not exist."""
    return list(_by_key(Path(folder)).values())


def example(folder: Path, key: str | None) -> Example | None:
    """The example `key` in `folder`; None for unknown keys, which thus never name a path to read."""
    return _by_key(Path(folder)).get(key)
