"""The README stays true: every setting, command and URL family the code has is documented."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from server import create_app
from server.cli import main
from server.config import ENVIRONMENT

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("variable", sorted(ENVIRONMENT.values()))
def test_every_setting_is_in_the_configuration_table(variable):
    assert re.search(rf"^\| `{variable}` \|", README, re.M), f"{variable} missing from README's configuration table"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_command_table(command):
    assert f"`mpsc {command}" in README, f"`mpsc {command}` missing from README's command table"


def test_every_url_family_is_in_the_url_table(settings, release):
    app = create_app(settings)
    try:
        prefixes = {re.sub(r"<[^>]+>.*", "", rule.rule).rstrip("/") or "/" for rule in app.url_map.iter_rules()
                    if rule.endpoint != "static"}
    finally:
        app.extensions["mpsc.store"].close()
    missing = [p for p in sorted(prefixes) if f"`{p}" not in README]
    assert missing == []
