"""Example queries for the query form: the competency queries in the project's queries/ folder.

Each `*.rq` file starts with comment lines `# title: …` and `# description: …`; the file name (without
`.rq`) is the example's key in `/sparql?example=key`. The home page and the query form list them on every
request, so they are read once per process: edits to queries/ show after a restart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HEADER = re.compile(r"^#\s*(title|description):\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Example:
    key: str
    title: str
    description: str
    query: str


def read_example(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    header = dict(m.groups() for m in _HEADER.finditer(text))
    return Example(path.stem, header.get("title", path.stem), header.get("description", ""), text)


@cache
def _by_key(folder: Path) -> dict[str, Example]:
    return {p.stem: read_example(p) for p in sorted(folder.glob("*.rq"))}


def examples(folder: Path) -> list[Example]:
    """Every example in `folder`, by file name; none if the folder does not exist."""
    return list(_by_key(Path(folder)).values())


def example(folder: Path, key: str | None) -> Example | None:
    """The example `key` in `folder`; None for unknown keys, which thus never name a path to read."""
    return _by_key(Path(folder)).get(key)
