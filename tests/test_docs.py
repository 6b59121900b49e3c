"""The README stays true: every setting, command and URL family the code has is documented."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from server import create_app
from server.cli import main
from server.config import ENVIRONMENT, Settings
from tests.conftest import NoStore

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of one `## title` section of the README."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def first_cells(text: str) -> list[str]:
    """The backticked values in the first column of every table row of a section."""
    return [value for row in re.findall(r"^\| ((?:[^|\\]|\\.)+) \|", text, re.M) for value in re.findall(r"`([^`]+)`", row)]


@pytest.mark.parametrize("variable", sorted(ENVIRONMENT.values()))
def test_every_setting_is_in_the_configuration_table(variable):
    assert re.search(rf"^\| `{variable}` \|", README, re.M), f"{variable} missing from README's configuration table"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_command_table(command):
    documented = {cell.split()[1] for cell in first_cells(section("Command line")) if cell.startswith("mpsc ")}
    assert command in documented, f"`mpsc {command}` missing from README's command table"


def test_every_url_family_is_in_the_url_table(tmp_path):
    app = create_app(Settings.from_env(releases=tmp_path), store=NoStore())
    prefixes = {re.sub(r"<[^>]+>.*", "", rule.rule).rstrip("/") or "/" for rule in app.url_map.iter_rules()
                if rule.endpoint != "static"}
    documented = [re.sub(r"\{[^}]*\}.*", "", cell) for cell in first_cells(section("URLs and pages"))]
    missing = [p for p in sorted(prefixes) if not any(d.rstrip("/") == p.rstrip("/") or (p != "/" and d.startswith(p))
                                                       for d in documented)]
    assert missing == []
