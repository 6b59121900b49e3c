"""Search: name folding (server/names.py), the index built with the release, /search and /search/suggest.

Over the real release (session fixture `base_url`); what is checked is what a reader types: "Koeln",
official register forms, abbreviations, keys and Wikidata ids, and that the ranking puts the exact name
first.
"""
from __future__ import annotations

import csv
import html
import re
import sqlite3
import time

import pytest

from server import names, queries
from server.build.release import SEARCH_INDEX, read_checksums
from server.web.finder import MATCHES, Finder
from tests.sparql_support import fetch

KOELN = "https://w3id.org/mpsc/id/municipality/05315000"
ID = "https://w3id.org/mpsc/id/"


def suggest(base_url, text, **params):
    response = fetch(base_url + "search/suggest", q=text, **params)
    assert response.status == 200, response.body
    assert response.media_type == "application/json"
    return response.json()


def found(base_url, text, **params) -> list[str]:
    return [hit["iri"] for hit in suggest(base_url, text, **params)]


@pytest.mark.parametrize("text, folded", [
    ("Köln", "koeln"), ("KOELN", "koeln"), ("Straße", "strasse"),
    ("Kirchheim b.München", "kirchheim b muenchen"), ("Kirchheim bei München", "kirchheim b muenchen"),
    ("Freiburg i. Br.", "freiburg i br"), ("Halle (Saale)", "halle saale"), ("Mülheim an der Ruhr", "muelheim a d ruhr"),
])
def test_fold_spells_out_umlauts_and_reduces_the_registers_small_words(text, folded):
    assert names.fold(text) == folded


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u200d", "\ufeff", "\u034f", "\ufe0f"])
def test_invisible_characters_inside_a_name_do_not_split_it(base_url, invisible):
    """An attacker's review: a soft hyphen or a zero-width character pasted from a spreadsheet inside
    "Regensburg" found nothing (search) or only the Landkreis, below the certainty of a match (reconciliation)."""
    assert found(base_url, f"Regens{invisible}burg") == found(base_url, "Regensburg") != []
    assert names.fold(f"Regens{invisible}burg") == "regensburg"


def test_a_search_text_that_is_not_utf8_is_refused(base_url):
    """An attacker's review: `q=%ff` was searched for as the three characters "%FF"; /sparql answers such a URL 400."""
    for path in ("search?q=%ff", "search?q=K%f6ln&format=json", "search/suggest?q=%ff"):
        answer = fetch(base_url + path)
        assert answer.status == 400 and "UTF-8" in answer.body.decode(), path


def test_a_request_for_json_gets_its_errors_in_json_whatever_a_browser_accepts(base_url):
    """A web developer's review: `fetch` from a page (a browser's Accept) got an HTML 400 for `format=json`."""
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for path in ("search?q=x&page=0&format=json", "search/suggest?q=x&limit=0"):
        answer = fetch(base_url + path, headers=browser)
        assert answer.status == 400 and answer.media_type == "application/problem+json", path
    assert fetch(base_url + "search?q=x&page=0", headers=browser).media_type == "text/html"  # a page stays a page


def test_name_forms_drop_the_register_qualifier_only_for_official_names():
    assert names.name_forms("Köln, Stadt", official=True) == {"koeln stadt", "koln stadt", "koeln", "koln"}
    assert names.name_forms("Kooperation Hamburg, Leipzig") == {"kooperation hamburg leipzig"}


@pytest.mark.parametrize("name, forms", [
    ("Frankfurt am Main", {"Frankfurt"}), ("Neumarkt i.d.OPf.", {"Neumarkt"}), ("Mülheim an der Ruhr, Stadt",
                                                                             {"Mülheim an der Ruhr", "Mülheim"}),
    ("Amt Am Peenestrom", set()), ("Verbandsgemeinde An der Finne", set()),  # capitals: part of the name
    ("Hamburg in Kooperation mit Leipzig und München", set()), ("Hand in Hand", set()),  # "in" only before an article
    ("Cottbus/Chóśebuz", {"Cottbus"}), ("Mühlhausen/Thüringen, Stadt", {"Mühlhausen/Thüringen", "Mühlhausen"}),
])
def test_base_forms_leave_out_what_a_place_is_named_by(name, forms):
    assert names.base_forms(name) == forms


@pytest.mark.parametrize("text, normalised", [("05315000", "05315000"), ("09", "09"), ("Q365", "q365"),
                                              ("wd:Q365", "q365"), ("http://www.wikidata.org/entity/Q365", "q365"),
                                              ("Köln", None), ("1", None), ("Q0", None)])
def test_identifiers_are_recognised(text, normalised):
    assert names.identifier(text) == normalised


@pytest.mark.parametrize("text", ["Koeln", "Köln", "Koln", "köln", "Köln, Stadt", "05315000", "053150000000", "Q365",
                                  "5315000"])  # a key a spreadsheet dropped the zero of
def test_koeln_is_found_however_it_is_written(base_url, text):
    hits = found(base_url, text)
    assert KOELN in hits[:3], hits


@pytest.mark.parametrize("text, iri", [
    ("Kirchheim b. München", "https://w3id.org/mpsc/id/municipality/09184131"),
    ("Kirchheim bei München", "https://w3id.org/mpsc/id/municipality/09184131"),
    ("Freiburg i. Br.", "https://w3id.org/mpsc/id/municipality/08311000"),
    ("Halle (Saale)", "https://w3id.org/mpsc/id/municipality/15002000"),
    ("Connected Urban Twins", "https://w3id.org/mpsc/id/project/connected-urban-twins"),
    ("wd:Q64", "https://w3id.org/mpsc/id/municipality/11000000"),
    ("09", "https://w3id.org/mpsc/id/state/09"),
])
def test_official_forms_abbreviations_titles_and_ids(base_url, text, iri):
    assert iri in found(base_url, text)[:3]


@pytest.mark.parametrize("text, iri", [
    ("Smart City Köln", "https://w3id.org/mpsc/id/project/koeln"),
    ("Smart-City Köln", "https://w3id.org/mpsc/id/project/koeln"),
    ("Modellprojekt Köln", "https://w3id.org/mpsc/id/project/koeln"),
    ("Smart City Würzburg", "https://w3id.org/mpsc/id/municipality/09663000"),
    ("LK Hof", "https://w3id.org/mpsc/id/district/09475"),
])
def test_the_programmes_words_and_district_abbreviations_do_not_keep_a_name_from_being_found(base_url, text, iri):
    """A municipal officer's review: "Smart City Köln", "Modellprojekt Köln" and "LK Hof" found nothing, as no name
    holds those words; a text that finds nothing is searched again without them, and the answer says which text."""
    assert iri in found(base_url, text)[:3]
    answer = fetch(base_url + "search", q=text, format="json").json()
    assert answer["query"] == text and answer["searched"] != text
    page = fetch(base_url + "search", q=text, lang="de", headers={"Accept": "text/html"}).body.decode()
    assert f"Keine Treffer für „{html.escape(text, quote=False)}“." in page
    assert f"Treffer für „{html.escape(answer['searched'], quote=False)}“" in page


def test_suggestions_have_exactly_the_editors_keys_in_the_readers_language(base_url):
    de = suggest(base_url, "Köln", lang="de", limit=2)
    assert len(de) == 2 and all(set(hit) == {"iri", "label", "type", "description"} for hit in de)
    koeln = next(hit for hit in de if hit["iri"] == KOELN)
    assert koeln["type"] == "https://w3id.org/mpsc/ontology#Municipality"
    assert koeln["description"].startswith("Gemeinde")
    en = next(hit for hit in suggest(base_url, "Köln", lang="en") if hit["iri"] == KOELN)
    assert en["description"].startswith("municipality")


def test_ranking_exact_then_prefix_then_words_programme_first(base_url):
    body = fetch(base_url + "search", q="Bamberg", format="json").json()
    tiers = [hit["match"] for hit in body["results"]]
    assert tiers == sorted(tiers, key=MATCHES.index)
    exact = [hit["iri"] for hit in body["results"] if hit["match"] == "exact"]
    # the project and the town taking part come before the district of the same name, which does not
    assert exact.index("https://w3id.org/mpsc/id/municipality/09461000") < exact.index("https://w3id.org/mpsc/id/district/09471")
    assert exact[0] == "https://w3id.org/mpsc/id/project/bamberg"


def test_a_part_of_a_compound_is_found_after_whole_words(base_url):
    """A journalist's review: "Ministerium" found none of the ministries ("Bundesministerium des Innern"), since
    words match from their beginning; the trigram table finds a part within a word, ranked after every other tier."""
    ministries = fetch(base_url + "search", q="Ministerium", format="json").json()["results"]
    assert ministries and all(hit["match"] == "part" and "inisterium" in hit["label"] for hit in ministries)
    assert any(hit["label"].startswith("Bundesministerium") for hit in ministries)
    town = fetch(base_url + "search", q="stadt", format="json").json()
    tiers = [hit["match"] for hit in town["results"]]
    assert tiers == sorted(tiers, key=MATCHES.index) and town["total"] > 2000  # Darmstadt, Neustadt, … too
    assert fetch(base_url + "search", q="ab", format="json").status == 200  # too short for a trigram: no part tier


def test_an_index_without_the_trigram_table_is_searched_without_it(release, tmp_path):
    """A release built before the index had the `parts` table: searched by the other tiers, no error."""
    copy = tmp_path / SEARCH_INDEX
    copy.write_bytes((release.path / SEARCH_INDEX).read_bytes())
    with sqlite3.connect(copy) as db:
        db.execute("DROP TABLE parts")
    assert Finder(copy).search("Ministerium")[1] == 0
    assert KOELN in [hit.iri for hit in Finder(copy).search("Koeln")[0]]


@pytest.mark.parametrize("text, iri", [("Grevesmülen", ID + "municipality/13074026"), ("Hasfurt", ID + "project/hassfurt"),
                                       ("Wunsiedl", ID + "district/09479"), ("Regensbrug", ID + "project/regensburg"),
                                       ("Kaiserlautern", ID + "municipality/07312000")])
def test_a_misspelt_name_that_finds_nothing_offers_names_spelt_alike(base_url, text, iri):
    """A citizen's review: "Grevesmülen", "Hasfurt", "Wunsiedl" found nothing and offered nothing."""
    body = fetch(base_url + "search", q=text, format="json").json()
    assert body["total"] == 0 and iri in [n["iri"] for n in body["near"]], body["near"]
    assert {n["match"] for n in body["near"]} == {"near"} and len(body["near"]) <= 5
    page = fetch(base_url + "search", q=text, headers={"Accept": "text/html"}).body.decode()
    assert ">Ähnlich geschrieben</h2>" in page and f'href="{base_url}doc/{iri[len(ID):]}"' in page


def test_a_name_found_or_alike_to_nothing_offers_nothing(base_url):
    for text in ("Grevesmühlen", "xyzzy qqq"):
        assert fetch(base_url + "search", q=text, format="json").json()["near"] == []


def test_near_misses_are_whole_names_and_cheap_for_any_text(release):
    """A review: a text's first word that ended some entry's names made it "alike" ("Halle Zoo" offered Stadtwerke
    Halle), and a long text of many words cost much time in comparisons."""
    finder = Finder(release.path / SEARCH_INDEX)
    assert finder.near("Halle Zoo") == [] and finder.near('a"b*c NEAR(x y)') == []
    # spelt without umlauts, so that its first 40 characters fold to 40 (ü folds to "ue"): the cut text is compared
    long = " ".join(["Kaiserslautern", "Moenchengladbach", "Grevesmuehlen", "Suederbrarup"] * 3) + " zzqx"
    started = time.process_time()
    assert finder.near(long) == [] and finder.near(long[:39] + "q") == []
    assert time.process_time() - started < 0.5


def test_near_misses_are_found_through_the_trigram_index(release):
    finder = RecordingFinder(release.path / SEARCH_INDEX)
    assert finder.near("Grevesmülen")
    with sqlite3.connect(release.path / SEARCH_INDEX) as db:  # the candidates, then their rows
        plans = [[row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql, parameters)]
                 for sql, parameters in finder.statements[-2:]]
    assert any(step.startswith("SCAN parts VIRTUAL TABLE INDEX") for step in plans[0]), plans[0]
    assert not [step for step in plans[1] if step.startswith("SCAN ") and not step.endswith("INDEX 0:=")], plans[1]
    # rows by their keys: the entries' primary key, the trigram table's rowid (FTS5's index 0 with `=`)


def test_names_sort_as_written_in_german_order():
    """names.sort_key: ä as a (a code review: "Öhringen" after "Zweiflingen"), and the words as written, not the
    register's abbreviations `loose` applies for matching ("Sankt Augustin" had come after "Speyer")."""
    shuffled = ["Speyer", "Zweiflingen", "Sankt Augustin", "Öhringen", "Neustadt an der Aisch", "Kupferzell",
                "Neustadt am Rübenberge", "Künzelsau"]
    assert sorted(shuffled, key=names.sort_key) == ["Künzelsau", "Kupferzell", "Neustadt am Rübenberge",
                                                   "Neustadt an der Aisch", "Öhringen", "Sankt Augustin", "Speyer",
                                                   "Zweiflingen"]


def test_a_name_becomes_a_slug_as_the_names_rules_spell_it():
    """names.slug, the IRIs' slugs of organisations and unit types: umlauts spelled out as everywhere else; an
    accent dropped, not the letter (the importers' own table had made "Évry" "vry"); the register's small words
    kept as written."""
    assert names.slug("Große Kreisstadt") == "grosse-kreisstadt"
    assert names.slug("Zebralog GmbH & Co. KG") == "zebralog-gmbh-co-kg"
    assert names.slug("Évry-Courcouronnes") == "evry-courcouronnes"
    assert names.slug("Mülheim an der Ruhr, Stadt") == "muelheim-an-der-ruhr-stadt"


def test_search_pages_through_many_results(base_url):
    first = fetch(base_url + "search", q="stadt", format="json").json()
    second = fetch(base_url + "search", q="stadt", format="json", page=2).json()
    assert first["total"] > 1000 and len(first["results"]) == first["pageSize"] == 20
    assert not {h["iri"] for h in first["results"]} & {h["iri"] for h in second["results"]}
    page = fetch(base_url + "search", q="stadt", page=2).body.decode()
    assert 'rel="next"' in page and 'rel="prev"' in page and "Seite 2 von" in page
    # each page its own title (an accessibility review, WCAG 2.4.2: page 2 was titled as page 1)
    assert re.search(r"<title>[^<]*„stadt“[^<]*\(Seite 2 von [0-9.]+\)", page), re.search(r"<title>.*</title>", page)


def test_a_page_beyond_the_last_is_404(base_url):
    """Found by a crawl: page 999 of four hits was 200 with "4 results" and none shown."""
    total = fetch(base_url + "search", q="Köln", format="json").json()["total"]
    assert 0 < total <= 20
    for params in ({"format": "json"}, {}):
        beyond = fetch(base_url + "search", q="Köln", page=2, **params)
        assert beyond.status == 404 and "1 page of results" in beyond.body.decode()
    assert fetch(base_url + "search", q="xyzzyqq", format="json").json()["total"] == 0  # nothing found: page 1


def test_search_page_answers_json_by_accept_and_links_resources(base_url):
    response = fetch(base_url + "search?q=Koeln", headers={"Accept": "application/json"})
    assert response.media_type == "application/json"
    # as axios asks by default (a JavaScript developer's review: the page came, offered first and matched by */*)
    assert fetch(base_url + "search?q=Koeln", headers={"Accept": "application/json, text/plain, */*"}).json() == \
        response.json()
    hit = next(h for h in response.json()["results"] if h["iri"] == KOELN)
    assert hit["page"] == base_url + "doc/municipality/05315000"
    html = fetch(base_url + "search?q=Koeln", headers={"Accept": "text/html"})
    assert html.media_type == "text/html"
    assert f'href="{base_url}doc/municipality/05315000"' in html.body.decode()
    for answer in (response, html):  # one URL, two forms by Accept: a shared cache must keep them apart
        assert "Accept" in {v.strip() for v in answer.headers.get("Vary", "").split(",")}, answer.headers


@pytest.mark.parametrize("path", ["search?q=" + "x" * 201, "search?q=a&page=0", "search/suggest?q=a&limit=51",
                                  "search/suggest?q=a&limit=x", "search/suggest?q=a&limit=%C2%B2",  # "²": int() refuses
                                  "search?q=a&page=" + "9" * 5000])
def test_bad_parameters_are_400(base_url, path):
    response = fetch(base_url + path)
    assert response.status == 400
    assert response.media_type == "application/problem+json"


def test_empty_text_finds_nothing_without_error(base_url):
    assert suggest(base_url, "") == []
    assert suggest(base_url, "!!!") == []
    assert fetch(base_url + "search", format="json").json()["total"] == 0


def test_answers_are_cached_like_pages(base_url):
    first = fetch(base_url + "search/suggest?q=Bamberg")
    again = fetch(base_url + "search/suggest?q=Bamberg", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304


@pytest.mark.parametrize("path", ["", "projects", "doc/project/bamberg", "sparql", "dumps/", "no/such/page"])
def test_every_page_has_the_search_box_in_its_header(base_url, path):
    html = fetch(base_url + path, headers={"Accept": "text/html"}).body.decode()
    header = html.split('<header class="site">', 1)[1].split("</header>", 1)[0]
    assert f'action="{base_url}search"' in header and 'name="q"' in header and 'for="site-search"' in header


def test_the_index_is_a_release_file_with_a_checksum(release):
    assert read_checksums(release.path)[SEARCH_INDEX] == release.manifest["search"]["sha256"]
    assert release.manifest["search"]["entries"] > 10_000  # every register place and programme resource


class RecordingFinder(Finder):
    """A Finder that keeps every statement it runs, with its parameters."""

    def __init__(self, path):
        super().__init__(path)
        self.statements: list[tuple[str, dict]] = []

    def _connect(self):
        finder, db = self, super()._connect()

        class Recording:
            def execute(self, sql, parameters=()):
                finder.statements.append((sql, parameters))
                return db.execute(sql, parameters)

            def close(self):
                db.close()

        return Recording()


def test_the_index_is_searched_through_its_indexes_not_scanned(release):
    finder = RecordingFinder(release.path / SEARCH_INDEX)
    finder.search("Bamberg", "de", limit=5)  # the first search also asks whether the index has the trigram table
    finder.statements.clear()
    hits, _ = finder.search("Koeln", "de", limit=5)
    assert KOELN in [hit.iri for hit in hits] and len(finder.statements) == 2  # the page and the total
    with sqlite3.connect(release.path / SEARCH_INDEX) as db:
        for sql, parameters in finder.statements:  # the search's own SQL, as it ran
            plan = [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql, parameters)]
            assert "SEARCH ident USING COVERING INDEX ident_id (id=?)" in plan
            assert "SEARCH name USING COVERING INDEX name_form (form=?)" in plan
            assert "SEARCH name USING COVERING INDEX name_form (form>? AND form<?)" in plan
            assert any(step.startswith("SCAN words VIRTUAL TABLE INDEX") for step in plan)  # FTS5's own index
            assert any(step.startswith("SCAN parts VIRTUAL TABLE INDEX") for step in plan)  # its trigrams
            scans = [step for step in plan if step.startswith("SCAN ") and "VIRTUAL TABLE" not in step]
            assert all(step.split()[1] in ("best", "hits") for step in scans), plan  # only the few hits are scanned


def test_a_measure_is_found_by_its_title(base_url, release):
    with open(release.path / "measures.csv", encoding="utf-8", newline="") as table:
        measures = list(csv.DictReader(table))
    for measure in measures[::100]:  # a few of some 500, spread over the projects
        for lang in ("de", "en"):
            answer = fetch(base_url + "search", q=measure[f"label_{lang}"][:200], lang=lang, format="json").json()
            assert measure["id"] in [hit["iri"] for hit in answer["results"]], (lang, measure[f"label_{lang}"])


def test_a_hit_is_called_what_its_page_is_headed(base_url, release):
    """A cross-view review: an English search named the seven projects with an English label by it ("Hamburg in
    cooperation with Leipzig and München"), while their pages are headed by their (German) title."""
    with open(release.path / "projects.csv", encoding="utf-8", newline="") as table:
        projects = list(csv.DictReader(table))
    named = [p for p in projects if p["label_en"] and p["label_en"] != p["label_de"]]
    assert len(named) >= 7
    with sqlite3.connect(f"file:{release.path / SEARCH_INDEX}?mode=ro", uri=True) as index:
        for project in named + projects[::10]:
            for lang in ("de", "en"):
                hit = index.execute(f"SELECT label_{lang} FROM entry WHERE iri = ?", (project["id"],)).fetchone()[0]
                page = fetch(base_url + "doc/" + project["id"].partition("/id/")[2], headers={"Accept": "text/html"},
                             lang=lang).body.decode()
                heading = html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip())
                assert hit == heading, (project["id"], lang)


def test_finder_is_usable_without_the_web_app(release):
    hits, total = Finder(release.path / SEARCH_INDEX).search("Koeln", "en", limit=5)
    assert total >= 3 and KOELN in [hit.iri for hit in hits]
    assert {hit.match for hit in hits} <= set(MATCHES)


def test_the_index_lists_every_fragment_the_store_holds(release, release_store):
    """Documents take their #fragment resources from the index (web/resources.py): exactly those a query over
    every statement finds, each under the document it belongs to."""
    scanned = {solution["s"].value for solution in release_store.query(queries.fragment_resources())}
    with sqlite3.connect(release.path / SEARCH_INDEX) as db:
        listed = db.execute("SELECT base, iri FROM fragment").fetchall()
    assert len(scanned) > 10_000 and {iri for _, iri in listed} == scanned and len(listed) == len(scanned)
    assert all(iri.startswith(base + "#") for base, iri in listed)
    assert Finder(release.path / SEARCH_INDEX).fragments(KOELN) == [KOELN + "#geometry"]
    assert Finder(release.path / SEARCH_INDEX).fragments(KOELN + "0") == []


def test_fragments_are_looked_up_through_the_index(release):
    finder = RecordingFinder(release.path / SEARCH_INDEX)
    finder.fragments(KOELN)
    with sqlite3.connect(release.path / SEARCH_INDEX) as db:
        (sql, parameters), = finder.statements
        plan = [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql, parameters)]
    assert plan == ["SEARCH fragment USING PRIMARY KEY (base=?)"], plan


def test_a_damaged_index_says_it_cannot_list_fragments_once(tmp_path, caplog):
    """None (documents then find them by a query), and one warning, not one per document rendered."""
    (tmp_path / SEARCH_INDEX).write_bytes(b"not a database at all" * 100)
    assert [Finder(tmp_path / SEARCH_INDEX).fragments(KOELN) for _ in range(3)] == [None] * 3
    assert [r.getMessage() for r in caplog.records if "cannot list fragments" in r.getMessage()] == [
        f"the search index {tmp_path / SEARCH_INDEX} cannot list fragments: file is not a database"]


def test_an_index_without_fragments_says_so(tmp_path):
    """A release built before the index listed fragments: None, and its documents find them by a query."""
    with sqlite3.connect(tmp_path / SEARCH_INDEX) as db:
        db.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY)")
    assert Finder(tmp_path / SEARCH_INDEX).fragments(KOELN) is None


@pytest.mark.parametrize("path, german, english", [
    ("search?q=x&page=0", "`page` muss eine ganze Zahl von 1 bis 10.000 sein.",
     "`page` must be a whole number from 1 to 10,000."),
    ("search?q=Bamberg&page=999", "eine Seite 999 gibt es nicht.", "there is no page 999."),
    ("search?q=x&format=xml", "Keines der verlangten Formate wird hier angeboten.",
     "None of the requested formats is offered here"),
    ("reconcile/preview?id=nothing", "Zu dieser Kennung gibt es keine abgeglichene Ressource.",
     "No reconciled resource has this id."),
])
def test_an_error_a_reader_meets_is_said_in_the_pages_language(base_url, path, german, english):
    """An English reader's review, the other way round: German error pages said these in English."""
    for lang, words in (("de", german), ("en", english)):
        answer = fetch(f"{base_url}{path}&lang={lang}", headers={"Accept": "text/html"})
        assert answer.status in (400, 404, 406) and words in answer.body.decode(), (lang, answer.body[:300])
    assert english in fetch(f"{base_url}{path}&lang=de").json()["detail"]  # programs get English, as before
    page = fetch(f"{base_url}{path}", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert page.headers["Content-Language"] == "en" and {"accept", "accept-language"} <= {
        v.strip().lower() for v in page.headers["Vary"].split(",")}  # an attacker's review: neither was said
