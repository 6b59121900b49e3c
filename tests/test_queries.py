"""The example queries in queries/ are competency questions: each has a header and a known answer."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

QUERIES = Path(__file__).resolve().parent.parent / "queries"


@pytest.fixture(scope="module")
def store(release_store):
    return release_store


def run(store, name: str) -> list[tuple]:
    results = store.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))
    return [tuple(s[v].value if s[v] is not None else None for v in results.variables) for s in results]


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_has_a_title_and_description_and_answers_within_a_second(store, path):
    header = path.read_text(encoding="utf-8")
    assert re.search(r"^# title: \S", header, re.M) and re.search(r"^# description: \S", header, re.M)
    started = time.perf_counter()
    run(store, path.stem)
    assert time.perf_counter() - started < 1.0


def test_projects_per_round_and_category(store):
    rows = {(year, short(cat)): int(n) for year, cat, _, n in run(store, "projects-per-round-and-category")}
    assert rows == {
        ("2019", "grossstadt"): 3, ("2019", "mittelstadt"): 3, ("2019", "kleinstadt-landgemeinde"): 4,
        ("2019", "kooperation-landkreis"): 3, ("2020", "grossstadt"): 13, ("2020", "mittelstadt"): 3,
        ("2020", "kleinstadt-landgemeinde"): 4, ("2020", "kooperation-landkreis"): 12, ("2021", "grossstadt"): 12,
        ("2021", "mittelstadt"): 6, ("2021", "kleinstadt-landgemeinde"): 2, ("2021", "kooperation-landkreis"): 8,
    }


def test_projects_per_state(store):
    rows = {label: (int(projects), int(with_figure)) for _, label, projects, _, with_figure in run(store, "projects-per-state")}
    assert rows["Nordrhein-Westfalen"] == (17, 17)
    assert rows["Bayern"][0] == 11
    assert "Bremen" not in rows  # no Bremen body takes part
    assert len(rows) == 15


def test_cooperations_and_members(store):
    rows = run(store, "cooperations-and-members")
    cut = [(label, lead) for project, _, _, label, _, lead in rows if project.endswith("/connected-urban-twins")]
    assert cut == [("Hamburg", "true"), ("Leipzig", "false"), ("München", "false")]
    assert len({r[0] for r in rows}) == 19  # 18 from projects.csv, and Rhein-Neckar's from measures.csv


def test_large_municipalities(store):
    rows = run(store, "large-municipalities")
    assert rows[0][1:4] == ("Berlin", "11000000", "3685265")
    assert all(int(r[3]) > 100000 for r in rows) and len(rows) == 35


def test_population_share(store):
    assert run(store, "population-share") == [("20605798", "83577140", "24.7")]


def test_projects_by_topic(store):
    rows = run(store, "projects-by-topic")
    assert (short(rows[0][0]), rows[0][2]) == ("mobility", "50")
    assert len(rows) == 19


def test_charter_guidelines(store):
    rows = run(store, "charter-guidelines")
    assert {r[0] for r in rows} == {"1", "2", "3", "4"}
    assert [r[2] for r in rows] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "4.1", "4.3"]


def test_municipalities_without_wikidata(store):
    assert run(store, "municipalities-without-wikidata") == []


def test_funding_by_round(store):
    rows = {(year, kind): int(n) for year, _, kind, n, _ in run(store, "funding-by-round")}
    assert rows[("2020", "federal grant")] == 19  # Kassel's 11 Mio EUR is the federal grant (course.csv)
    assert sum(rows.values()) == 64
