"""The README stays true: every setting, command and URL family the code has is documented."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from server import create_app
from server.cli import main
from server.config import ENVIRONMENT, Settings
from server.namespaces import ID, MPSC, PREFIXES
from tests.conftest import NoStore

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of one `## title` section of the README."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def first_cells(text: str) -> list[str]:
    """The backticked values in the first column of every table row of a section."""
    return [value for row in re.findall(r"^\| ((?:[^|\\]|\\.)+) \|", text, re.M) for value in re.findall(r"`([^`]+)`", row)]


def test_plain_pytest_leaves_the_slow_comparisons_out_and_make_test_runs_them():
    """What README's quick start says of `--slow`, for the two files that compare stores over the full release."""
    files = ["tests/test_store_parity.py", "tests/test_store_virtuoso.py"]

    def collected(*options: str) -> str:
        command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:warnings", *options, *files]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True).stdout.strip().splitlines()[-1]

    assert re.match(r"no tests collected \(\d+ deselected\)", collected()), collected()
    assert re.match(r"\d+ tests collected", collected("--slow"))
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^\tenv -u PYTHONDONTWRITEBYTECODE \$\(BIN\)/python -m pytest .*--slow$", makefile, re.M)


def test_every_link_to_a_section_of_readme_finds_its_heading():
    """README's contents and cross-references link to headings by GitHub's anchors (lower case, punctuation
    left out, spaces as hyphens): a heading renamed would leave a link that leads nowhere."""
    anchors = {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
               for heading in re.findall(r"^#{1,4} (.+)$", README, re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", README)
    assert len(links) > 15 and set(links) <= anchors, sorted(set(links) - anchors)


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
    assert missing == [], "\n".join(missing)


# --- docs/model.md stays true -------------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
MODEL = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")


def model_section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", MODEL, re.M | re.S)
    assert match, f"docs/model.md has no section {title!r}"
    return match.group(1)


def iri_patterns() -> list[re.Pattern]:
    """The `id:…` patterns of the IRI table, `{key}` standing for any path segment."""
    cells = [cell for cell in first_cells(model_section("IRIs")) if cell.startswith("id:")]
    return [re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/#]+", re.escape(ID + cell[3:])) + "$") for cell in cells]


def ontology_classes() -> list[str]:
    graph = Graph().parse(ROOT / "ontology" / "mpsc.ttl")
    return sorted(str(c)[len(str(MPSC)):] for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(str(MPSC)))


def examples() -> dict[str, str]:
    return dict(re.findall(r"^#### `([^`]+)`\n\n```turtle\n(.*?)\n```", model_section("Examples"), re.M | re.S))


@pytest.mark.parametrize("name", ontology_classes())
def test_every_class_is_in_the_model_with_an_example(name):
    assert re.search(rf"^\| `mpsc:{name}`[ (]", MODEL, re.M), f"mpsc:{name} missing from the classes table"
    if name == "AdministrativeUnit":
        return  # abstract: never asserted
    turtle = examples().get(f"mpsc:{name}")
    assert turtle, f"docs/model.md has no example of mpsc:{name}"
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())
    graph = Graph().parse(data=header + turtle, format="turtle")
    assert (None, RDF.type, MPSC[name]) in graph


def test_every_iri_of_the_data_follows_a_pattern_of_the_model_and_every_pattern_is_used(release):
    """The IRI table of docs/model.md is complete (nothing minted outside it) and current (no stale row)."""
    graph = Graph()
    for name in ("mpsc.ttl", "void.ttl", "ontology.ttl"):
        graph.parse(release.path / name)
    ours = {str(t) for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(ID)}
    patterns = iri_patterns()
    stray = sorted(iri for iri in ours if not any(p.match(iri) for p in patterns))
    assert stray == [], f"IRIs no pattern of docs/model.md describes: {stray[:10]}"
    assert [p.pattern for p in patterns if not any(p.match(iri) for iri in ours)] == []


def test_every_triple_of_the_examples_is_in_the_release(release_store):
    """The examples are cut from the data, and shortened, never made up: a docs review found Zwönitz's grant
    shown as an exact `mpsc:fundingAmount` a release after the curation made it approximate."""
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())
    missing = []
    for name, turtle in examples().items():
        for s, p, o in Graph().parse(data=header + turtle, format="turtle"):
            if not str(s).startswith(ID):  # a changelog, which is a file of the release of its own
                continue
            if isinstance(o, Literal) and str(o).endswith("…"):  # a long text, cut short in the example
                start = Literal(str(o)[:-1].rstrip()).n3()
                pattern = f"{s.n3()} {p.n3()} ?o FILTER (STRSTARTS(STR(?o), {start}) && LANG(?o) = '{o.language or ''}')"
            else:
                pattern = f"{s.n3()} {p.n3()} {o.n3()}"
            if not release_store.query(f"ASK {{ {pattern} }}"):
                missing.append(f"{name}: {pattern}")
    assert missing == [], "\n".join(missing)


def test_the_funding_guidance_counts_what_the_release_holds(release_store):
    """The counts in "Which amount to use" follow the data (a data audit: two curation changes had left 31, 63/48 and
    35/29 where the release held 30, 62/41 and 33/26)."""
    def count(pattern: str) -> int:
        query = f"PREFIX mpsc: <{MPSC}> SELECT (COUNT(DISTINCT ?p) AS ?n) {{ ?p a mpsc:ModelProject ; {pattern} }}"
        return int(next(iter(release_store.query(query)))["n"].value)

    own = re.search(r"published for (\d+) projects where it is stated exactly", " ".join(MODEL.split()))
    leading = re.search(r"\((\d+) and (\d+) projects; (\d+) and (\d+) of them exact\)", " ".join(MODEL.split()))
    assert own and leading, "docs/model.md no longer says how many projects have each amount"
    assert int(own[1]) == count("mpsc:fundingAmount ?amount")
    assert [int(n) for n in leading.groups()] == [
        count("mpsc:federalGrant ?figure"), count("mpsc:totalVolume ?figure"),
        count("mpsc:federalGrant/mpsc:fundingAmount ?amount"), count("mpsc:totalVolume/mpsc:fundingAmount ?amount")]


README_QUERIES = re.findall(r"```sparql\n(.*?)```", README, re.S)


@pytest.mark.parametrize("query", README_QUERIES, ids=[f"query-{i + 1}" for i in range(len(README_QUERIES))])
def test_every_query_of_the_readme_runs_and_finds_something(release_store, query):
    """A reader copies them first (a researcher's review: the example for funding ended by a day compared a year's
    text with a day's, and went wrong once the day was changed; it compares years now)."""
    declared = set(re.findall(r"PREFIX (\w+):", query))
    used = set(re.findall(r"\b([a-z]+):\w", query)) - declared - {"http", "https"}
    header = "".join(f"PREFIX {prefix}: <{PREFIXES[prefix]}>\n" for prefix in sorted(used) if prefix in PREFIXES)
    answer = release_store.query(header + query, use_default_graph_as_union=False)
    assert bool(answer) if isinstance(answer, bool) else list(answer)
