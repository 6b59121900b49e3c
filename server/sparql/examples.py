"""Example queries for the query form: the competency queries in the project's queries/ folder.

Each `*.rq` file starts with comment lines `# title: …` and `# description: …` (English), optionally
followed by `# title@de: …` and `# description@de: …`; the file name (without `.rq`) is the example's key
in `/sparql?example=key`. The home page and the query form list them on every
request, so they are read once per process: edits to queries/ show after a restart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HEADER = re.compile(r"^#\s*(title|description)(?:@(de|en))?:\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Example:
    key: str
    title: str  # English, as the header without a language tag
    description: str
    query: str
    title_de: str = ""
    description_de: str = ""

    def title_in(self, lang: str) -> str:
        """The title in the reader's language where the header gives it, else the English one."""
        return (self.title_de if lang == "de" else "") or self.title

    def description_in(self, lang: str) -> str:
        return (self.description_de if lang == "de" else "") or self.description


def read_example(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    header = {(field, lang or "en"): value for field, lang, value in _HEADER.findall(text)}
    return Example(path.stem, header.get(("title", "en"), path.stem), header.get(("description", "en"), ""), text,
                   header.get(("title", "de"), ""), header.get(("description", "de"), ""))


@cache
def _by_key(folder: Path) -> dict[str, Example]:
    return {p.stem: read_example(p) for p in sorted(folder.glob("*.rq"))}


def examples(folder: Path) -> list[Example]:
    """Every example in `folder`, by file name; none if the folder does not exist."""
    return list(_by_key(Path(folder)).values())


def example(folder: Path, key: str | None) -> Example | None:
    """The example `key` in `folder`; None for unknown keys, which thus never name a path to read."""
    return _by_key(Path(folder)).get(key)
