"""The example queries in queries/ are competency questions: each has a header and a known answer."""
from __future__ import annotations

import csv
import re
import time
from collections import Counter
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
    # CPU seconds, not wall-clock ones: the query runs in this thread, and on a machine busy with the other test
    # workers and others a wall-clock bound failed a query that is well within it on an idle one
    started = time.process_time()
    run(store, path.stem)
    assert time.process_time() - started < 1.0


def test_projects_per_round_and_category(store):
    rows = {(year, short(cat)): int(n) for year, cat, _, n in run(store, "projects-per-round-and-category")}
    assert rows == {
        ("2019", "grossstadt"): 3, ("2019", "mittelstadt"): 3, ("2019", "kleinstadt-landgemeinde"): 4,
        ("2019", "kooperation-landkreis"): 3, ("2020", "grossstadt"): 13, ("2020", "mittelstadt"): 3,
        ("2020", "kleinstadt-landgemeinde"): 4, ("2020", "kooperation-landkreis"): 12, ("2021", "grossstadt"): 12,
        ("2021", "mittelstadt"): 6, ("2021", "kleinstadt-landgemeinde"): 2, ("2021", "kooperation-landkreis"): 8,
    }


def test_projects_per_state(store):
    rows = {label: (int(projects), int(with_grant))
            for _, label, projects, _, with_grant in run(store, "projects-per-state")}
    # projects whose leading federal grant is an exact amount (course.csv; not "bis zu", "rund", "über", "knapp"):
    # 6 of 17 (Lohmar's is "knapp 3,7 Mio", sources/curation/funding.csv)
    assert rows["Nordrhein-Westfalen"] == (17, 6)
    assert rows["Bayern"][0] == 11
    assert "Bremen" not in rows  # no Bremen body takes part
    assert len(rows) == 15


def test_cooperations_and_members(store):
    rows = run(store, "cooperations-and-members")
    cut = [(label, key, lead) for project, _, _, label, key, lead in rows if project.endswith("/connected-urban-twins")]
    # the AGS, as the description says (it gave the 12-digit ARS, found by a researcher's review)
    assert cut == [("Hamburg", "02000000", "true"), ("Leipzig", "14713000", "false"), ("München", "09162000", "false")]
    keys = {label: key for _, _, _, label, key, _ in rows}
    assert keys["Verbandsgemeinde Arzfeld"] == "072325001"  # a municipal association's ARS, as it has no AGS
    assert len({r[0] for r in rows}) == 19  # 18 from projects.csv, and Rhein-Neckar's from measures.csv


def test_large_municipalities(store):
    rows = run(store, "large-municipalities")
    assert rows[0][1:4] == ("Berlin", "11000000", "3685265")
    assert all(int(r[3]) > 100000 for r in rows) and len(rows) == 35


def test_population_share(store):
    assert run(store, "population-share") == [("20605798", "83577140", "24.7")]


def test_projects_by_topic(store):
    """By the project's own topics, by its measures, and by either: found by a researcher's review, the query had
    counted the project table's topics only, missing Partheland and Rhein-Neckar, which have none of their own."""
    rows = {short(topic): tuple(int(n) for n in counts) for topic, _, *counts in run(store, "projects-by-topic")}
    assert len(rows) == 19
    assert next(iter(rows)) == "data-platforms" and rows["data-platforms"] == (62, 37, 62)
    # 48 by their topics (Regensburg's material and energy cycles and Kempten's mobile makerspace are no mobility,
    # a researcher's review), 50 by their measures
    assert rows["mobility"] == (58, 48, 50)
    assert all(max(by_topics, by_measures) <= either <= by_topics + by_measures
               for either, by_topics, by_measures in rows.values())
    untagged = {short(s["p"].value) for s in store.query("""PREFIX mpsc: <https://w3id.org/mpsc/ontology#>
          SELECT DISTINCT ?p WHERE { ?p a mpsc:ModelProject ; mpsc:measure/mpsc:topic ?t
          FILTER NOT EXISTS { ?p mpsc:topic ?any } }""")}
    assert untagged == {"partheland", "verband-region-rhein-neckar"}  # counted by their measures alone


def test_charter_guidelines(store):
    rows = run(store, "charter-guidelines")
    assert {r[0] for r in rows} == {"1", "2", "3", "4"}
    assert [r[2] for r in rows] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "4.1", "4.3"]


def test_municipalities_without_wikidata(store):
    assert run(store, "municipalities-without-wikidata") == []


def test_funding_by_round(store):
    """Found by a researcher's review: the query summed the project table's amounts (31 projects, of three kinds)
    while funding-by-category-and-state summed the leading figures, and it showed no funds for 2019 and 2020, whose
    figures are "about" and "more than" ones."""
    rows = run(store, "funding-by-round")
    sums = {(year, kind): (int(n), int(float(total))) for year, _, _, _, kind, n, total in rows}
    # the leading figures' exact amounts (sources/mpsc/course.csv); bounds and approximations are not summed
    assert sums[("2019", "federal grant")] == (5, 46_517_000)
    # Lohmar's "knapp 3,7 Mio" is approximate; Jena's lead is the 15.7 Mio grant of 2020, not the 17.5 Mio the
    # sources do not call grant or volume (sources/curation/funding.csv, a journalist's review)
    # Rostock's 12 Mio is not stated as grant or volume (a fact audit), nor its 11.6 Mio
    assert sums[("2020", "federal grant")] == (18, 198_269_775)
    # Pforzheim's 9.1 Mio is its total volume, no grant (funding.csv); Konstanz's grant is the 6 Mio of its council's
    # cut in December 2025, not the 9.5 Mio it superseded (a researcher's review)
    # Guben's 2.6 Mio is not stated as grant or volume either (a fact audit)
    assert sums[("2021", "federal grant")] == (8, 61_022_000)
    funds = {year: (int(float(amount)), stated, int(selected)) for year, amount, stated, selected, *_ in rows}
    assert funds == {"2019": (170_000_000, "about", 13), "2020": (350_000_000, "more than", 32),  # raised after the
                     "2021": (300_000_000, "exactly", 28)}                                        # call's "über 150"


# --- the programme's course and content (ontology 1.1.0) ----------------------------------------

def programme_fact(field: str) -> str:
    """A value of sources/mpsc/programme.csv: what the programme itself publishes."""
    rows = csv.DictReader((QUERIES.parent / "sources" / "mpsc" / "programme.csv").open(encoding="utf-8"))
    return next(r["value"] for r in rows if r["subject"] == "programme" and r["field"] == field)


def test_every_query_also_has_a_german_title_and_description():
    for path in sorted(QUERIES.glob("*.rq")):
        header = path.read_text(encoding="utf-8")
        assert re.search(r"^# title@de: \S", header, re.M) and re.search(r"^# description@de: \S", header, re.M), path


def test_an_example_in_another_language_than_the_page_says_so(tmp_path):
    """A code review: the examples chose their language by a rule of their own, and only the landing page's list
    marked an English title on a German page (not the description, nor the query form's list). They follow the one
    rule of languages.py now, and say where it gives another language than the reader's."""
    from server.sparql.examples import read_example

    (tmp_path / "only-english.rq").write_text("# title: Projects\n# description: Every project.\nASK {}\n")
    (tmp_path / "both.rq").write_text("# title: Projects\n# title@de: Projekte\n# description: Every project.\n"
                                      "# description@de: Jedes Projekt.\nASK {}\n")
    english, both = read_example(tmp_path / "only-english.rq"), read_example(tmp_path / "both.rq")
    assert (english.title_in("de"), english.title_tag("de"), english.description_tag("de")) == ("Projects", "en", "en")
    assert (english.title_tag("en"), english.description_tag("en")) == ("", "")
    assert (both.title_in("de"), both.title_tag("de"), both.description_in("de"), both.description_tag("de")) == (
        "Projekte", "", "Jedes Projekt.", "")
    assert (both.title_in("en"), both.title_tag("en")) == ("Projects", "")


def test_projects_by_phase_match_the_programmes_own_totals(store):
    rows = run(store, "projects-by-phase-and-runtime")
    assert len(rows) == 73
    phases = Counter(phase for _, _, phase, *_ in rows)
    assert phases == {"strategy phase before implementation": int(programme_fact("projects_strategy_first")),
                      "direct implementation": int(programme_fact("projects_direct_implementation"))}
    by_project = {short(r[0]): r[2:] for r in rows}
    assert by_project["cottbus"] == ("direct implementation", "confirmed", "2019", "2025", None)
    assert by_project["kassel"] == ("strategy phase before implementation", "confirmed", "2021-04-01", "2028-03", None)
    assert by_project["halle-saale"][4] == "2027-12-31"  # the one-year extension BMWSB and KfW approved


def test_funding_ended_by_the_end_of_2025(store):
    rows = run(store, "funding-ended-by")
    assert {short(r[0]): r[3] for r in rows} == {
        "hagenow": "2025-09-30", "solingen": "2025-09-30", "iserlohn": "2025-10-31", "cottbus": "2025-12-31",
        "connected-urban-twins": "2025-12-31", "kreis-hoexter": "2025-12-31", "paderborn": "2025-12-31"}


def test_funding_ended_by_reads_a_month_as_its_last_day(store):
    query = (QUERIES / "funding-ended-by.rq").read_text(encoding="utf-8").replace('"2025-12-31"', '"2025-09-30"')
    results = store.query(query)
    assert sorted(short(s["project"].value) for s in results) == ["hagenow", "solingen"]


def test_measures_by_field_of_action_across_rounds(store):
    rows = {(short(topic), year): (int(measures), int(projects)) for topic, _, year, measures, projects
            in run(store, "measures-by-field-of-action")}
    # counted from measures.csv with the patterns of sources/curation/topics.csv
    # a mobile participation vehicle or mobile jetty is no mobility ("mobilit", "\bmobil\b", "e-mobil"), nor a
    # cycle of water or material, nor recycling (a researcher's review: Darmstadt's, Regensburg's, Wuppertal's)
    assert [rows[("mobility", year)] for year in ("2019", "2020", "2021")] == [(16, 10), (39, 23), (26, 17)]
    assert [rows[("data-platforms", year)] for year in ("2019", "2020", "2021")] == [(17, 9), (63, 30), (44, 23)]
    assert len({topic for topic, _ in rows}) == 19


def test_federal_grant_and_total_volume_by_category_and_state(store):
    rows = {(short(category), state): tuple(int(float(v)) for v in rest)
            for category, state, *rest in run(store, "funding-by-category-and-state")}
    # Darmstadt 13,274,775 + Kassel 11,000,000 federal; 14,749,750 + 16,800,000 total (course.csv)
    assert rows[("grossstadt", "Hessen")] == (2, 2, 2, 24274775, 2, 2, 31549750)
    # Connected Urban Twins: 21 Mio federal; "~32.4 Mio" in all is approximate (sources/curation/funding.csv)
    assert rows[("kooperation-landkreis", "Hamburg")] == (1, 1, 1, 21000000, 1, 0, 0)
    assert rows[("grossstadt", "Berlin")] == (1, 1, 0, 0, 0, 0, 0)  # only "more than 11 Mio": counted, not summed
    # "Up to" figures (schema:maxValue) are counted, not summed: Wolfsburg's "bis zu 11,3 Mio" (Niedersachsen),
    # Würzburg's "bis zu 10 Mio" (Bayern), Wuppertal's "up to 15.75 / 17.5 Mio" and Oberhausen's "up to 13.6 Mio"
    # (Nordrhein-Westfalen; sources/curation/funding.csv)
    assert rows[("grossstadt", "Niedersachsen")] == (3, 3, 2, 24212000, 2, 2, 30656000)
    # Regensburg's federal grant is "etwa 11 Millionen" (approximate) of an exact 17 Mio
    assert rows[("grossstadt", "Bayern")] == (2, 2, 0, 0, 1, 1, 17000000)
    # exact in NRW: Gelsenkirchen 11.5, Mönchengladbach 15 and Paderborn 10 Mio federal; Bochum 15.2, Gütersloh 13 and
    # Paderborn 15 Mio in all. Solingen's "rund 9", Münster's "rund 9,5" and Gütersloh's "~8.5" count only; Münster's
    # "knapp 15" and Wuppertal's "up to 17.5 Mio" were applied for and lead no total (funding.csv, preferred = no)
    assert rows[("grossstadt", "Nordrhein-Westfalen")] == (10, 9, 3, 36500000, 4, 3, 43200000)
    # ... and so are "about" figures (mpsc:approximateAmount): Rhein-Neckar's about 11 of about 17 Mio, next to
    # Aalen/Heidenheim's "über elf Millionen" federal and 17.5 Mio total
    assert rows[("kooperation-landkreis", "Baden-Württemberg")] == (2, 2, 0, 0, 2, 1, 17500000)


def test_strategies_by_year_of_adoption(store):
    rows = run(store, "strategies-by-year")
    # Berlin's 2021 was a strategic framework and Halle's June 2024 perhaps the measures' decision (left-out.csv):
    # Berlin's strategy stands in its year 2022, Halle's, which no source dates, is left out; so are the years
    # strategies were only planned for (Potsdam's and Bad Belzig/Wiesenburg's 2023, Kaiserslautern's 2019: a fact
    # audit)
    assert Counter(year for year, *_ in rows) == {"2018": 1, "2019": 4, "2020": 3, "2021": 3, "2022": 10, "2023": 23}
    assert rows[0][1:4] == ("https://w3id.org/mpsc/id/project/solingen", "https://w3id.org/mpsc/id/strategy/solingen",
                            "Digitalisierungsstrategie der Stadt Solingen")
    # Zwönitz's council adopted its strategy on 12 July 2022 (course.csv)
    assert ("2022", "Digitalstrategie der Stadt Zwönitz", "2022-07-12") in {(r[0], r[3], r[4]) for r in rows}


def test_population_in_mpsc_areas_by_state(store):
    rows = {label: (int(n), int(people), int(state)) for _, label, n, people, state, _ in
            run(store, "population-in-mpsc-areas-by-state")}
    assert rows["Berlin"] == (1, 3685265, 3685265) and rows["Hamburg"] == (1, 1862565, 1862565)
    assert rows["Bayern"][:2] == (48, 2093519) and rows["Nordrhein-Westfalen"][:2] == (32, 4477802)
    # No body from Bremen takes part; Saarland's one project is the district St. Wendel's, and no source
    # says it applied for all its municipalities.
    assert len(rows) == 14 and "Saarland" not in rows


def test_a_district_project_covers_every_municipality_of_the_district(store):
    """Landkreis Hof and Kreis Höxter applied for all their municipalities: the area counts them through
    the register's containment, and their inhabitants add up to the district's (GV100AD)."""
    rows = store.query("""PREFIX mpsc: <https://w3id.org/mpsc/ontology#> PREFIX schema: <https://schema.org/>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?area (COUNT(DISTINCT ?m) AS ?n) (SUM(?p) AS ?people) ?districtPeople WHERE {
          ?project dcterms:spatial ?area . ?area mpsc:population ?districtPeople .
          ?m schema:containedInPlace ?area ; a mpsc:Municipality ; mpsc:population ?p } GROUP BY ?area ?districtPeople""")
    found = {short(r["area"].value): (int(r["n"].value), int(r["people"].value), int(r["districtPeople"].value))
             for r in rows}
    assert found == {"09475": (27, 92191, 92191), "05762": (10, 139252, 139252)}


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda path: path.stem)
def test_sparqlwrapper_sends_each_example_as_a_query(path):
    """SPARQLWrapper guesses a query's form from its first keyword, after removing every other comment line (its
    pattern eats the line break the next comment starts with): a description holding "addiert" was sent as an
    update (ADD) and refused. Researchers copy these queries into it."""
    from SPARQLWrapper import SPARQLWrapper

    assert SPARQLWrapper("http://localhost/sparql")._parseQueryType(path.read_text(encoding="utf-8")) in (
        "SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
