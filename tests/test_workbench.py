"""The query editor and the result views of /sparql in headless Chromium (tests/cdp.py), over the real release.

The editor runs an example with Ctrl+Enter and the table shows its rows; it completes prefixes and our
vocabulary's terms and marks syntax errors where they are; the map view draws one marker per row of
"municipalities above 100,000"; the chart view draws "projects per round and category"; axe-core finds no
WCAG 2.1 AA violation on the form and the result views at desktop and phone sizes; nothing on the console.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path
from urllib.parse import urlencode, parse_qs, urlsplit
from urllib.request import Request, urlopen

import pytest

from server.sparql.examples import examples
from tests import axe
from tests.cdp import Browser

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {e.key: e for e in examples(ROOT / "queries")}
EDITOR = "document.querySelector('.sparql-editor').shadowRoot"


@pytest.fixture(scope="module")
def browser():
    with Browser(lang="de-DE") as b:
        yield b


@pytest.fixture(scope="module")
def phone():
    with Browser(width=390, height=844, lang="en") as b:  # emulated: headless windows are at least 500 px
        yield b


def page(base_url: str, key: str, **more) -> str:
    """The results page of an example query."""
    return base_url + "sparql?" + urlencode({"query": EXAMPLES[key].query, "format": "html", **more})


def solutions(base_url: str, key: str) -> list[dict]:
    """The example's result as SPARQL JSON, straight from the endpoint."""
    url = base_url + "sparql?" + urlencode({"query": EXAMPLES[key].query})
    with urlopen(Request(url, headers={"Accept": "application/sparql-results+json"})) as answer:
        return json.load(answer)["results"]["bindings"]


def open_editor(browser, url: str) -> None:
    browser.open(url)
    browser.until("!!window.mpscEditor")


def set_query(browser, text: str) -> None:
    browser.evaluate(f"mpscEditor.dispatch({{changes: {{from: 0, to: mpscEditor.state.doc.length, "
                     f"insert: {json.dumps(text)}}}}}); mpscEditor.focus()")


LABELS = f"[...{EDITOR}.querySelectorAll('.cm-completionLabel')].map(e => e.textContent)"


def completions(browser, query: str, typed: str, ready: str) -> list[str]:
    """The completion labels after typing `typed` at the end of `query`, once `ready` (a JS test of the
    array `labels`) holds."""
    set_query(browser, query)
    browser.evaluate("mpscEditor.dispatch({selection: {anchor: mpscEditor.state.doc.length}})")
    browser.type(typed)
    return browser.until(f"(labels => ({ready}) && labels)({LABELS})")


def test_the_editor_runs_an_example_with_ctrl_enter_and_shows_the_table(base_url, browser):
    open_editor(browser, base_url + "sparql")
    assert browser.evaluate("document.getElementById('sparql-query').hidden")  # the editor took its place
    assert browser.evaluate("document.getElementById('sparql-history')") is None  # nothing run in this browser yet
    titles = browser.evaluate("[...document.querySelectorAll('#sparql-example option')].map(o => o.textContent)")
    assert EXAMPLES["projects-per-state"].title_in("de") in titles  # the examples in the reader's language
    index = list(EXAMPLES).index("projects-per-state")
    browser.evaluate(f"(s => {{ s.focus(); s.value = '{index}'; s.dispatchEvent(new Event('change')); }})"
                     "(document.getElementById('sparql-example'))")
    assert browser.evaluate("mpscEditor.state.doc.toString()") == EXAMPLES["projects-per-state"].query
    # a keyboard user steps on through the examples: focus stays on the picker, which shows what is loaded
    assert browser.evaluate("[document.activeElement.id, document.activeElement.value]") == ["sparql-example",
                                                                                             str(index)]
    browser.evaluate("mpscEditor.focus()")
    browser.press("Enter", 13, modifiers=2)  # Ctrl+Enter
    browser.wait_for("Page.loadEventFired")
    location = urlsplit(browser.evaluate("location.href"))
    sent = parse_qs(location.query)["query"][0].replace("\r\n", "\n")  # a form sends lines as CRLF
    assert sent == EXAMPLES["projects-per-state"].query  # the URL carries the query
    rows = browser.evaluate("document.querySelectorAll('table.sparql-results tbody tr').length")
    assert rows == len(solutions(base_url, "projects-per-state")) > 0
    assert browser.evaluate("mpscEditor.state.doc.toString()").replace("\r\n", "\n") == sent  # and the editor
    # the downloads come before the table, in the document and on the screen
    assert browser.evaluate("!!(document.querySelector('.downloads').compareDocumentPosition("
                            "document.querySelector('table.sparql-results')) & Node.DOCUMENT_POSITION_FOLLOWING)")
    top = "document.querySelector('{}').getBoundingClientRect().top"
    assert browser.evaluate(top.format(".downloads")) < browser.evaluate(top.format("table.sparql-results"))
    # the query run is in the history picker now, named by its title
    history = browser.evaluate("[...document.querySelectorAll('#sparql-history option')].map(o => o.textContent)")
    assert len(history) == 2 and history[1].endswith(" – " + EXAMPLES["projects-per-state"].title_in("en"))
    assert browser.errors == []


def test_the_picker_shows_what_it_loaded_until_the_query_is_edited(base_url, browser):
    """Then it is blank again, so that picking the same example loads it anew (a review of the change that keeps
    the pick shown)."""
    open_editor(browser, base_url + "sparql")
    pick = "(s => { s.focus(); s.value = '1'; s.dispatchEvent(new Event('change', {bubbles: true})); })" \
           "(document.getElementById('sparql-example'))"
    browser.evaluate(pick)
    assert browser.evaluate("document.getElementById('sparql-example').value") == "1"
    browser.evaluate("mpscEditor.focus()")
    browser.type(" ")
    assert browser.until("document.getElementById('sparql-example').value === '' || null") is True
    browser.evaluate(pick)
    assert browser.evaluate("mpscEditor.state.doc.toString()") == list(EXAMPLES.values())[1].query


def test_a_query_too_long_for_a_link_is_posted(base_url, browser):
    """Past LONGEST_LINK (8,000 bytes, what nginx passes on by default), the editor posts the query: a GET would
    end in 414 behind a proxy (here, past 65,534 bytes, at the server itself). A short one keeps its URL."""
    long_query = EXAMPLES["projects-per-state"].query + "\n# " + "x" * 70_000
    open_editor(browser, base_url + "sparql")
    set_query(browser, long_query)
    browser.press("Enter", 13, modifiers=2)  # Ctrl+Enter
    browser.wait_for("Page.loadEventFired")
    assert urlsplit(browser.evaluate("location.href")).query == ""  # posted
    rows = browser.evaluate("document.querySelectorAll('table.sparql-results tbody tr').length")
    assert rows == len(solutions(base_url, "projects-per-state")) > 0
    assert browser.evaluate("document.querySelector('form.sparql-form').method") == "post"  # as the page shows it
    set_query(browser, EXAMPLES["projects-per-state"].query)
    browser.press("Enter", 13, modifiers=2)
    browser.wait_for("Page.loadEventFired")
    assert "query=" in urlsplit(browser.evaluate("location.href")).query  # a short query stays a link
    assert browser.errors == []


def test_the_editor_highlights_the_syntax(base_url, browser):
    open_editor(browser, base_url + "sparql")
    set_query(browser, 'SELECT ?s WHERE { ?s rdfs:label "Köln" } # a comment')
    span = (f"[...{EDITOR}.querySelectorAll('.cm-content span')].find(e => e.textContent === {{}})")
    style = f"(e => e && [e.className, getComputedStyle(e).color])({span})"
    keyword = browser.until(style.format("'SELECT'"))  # each token a span with the highlight style's class
    string, comment = (browser.evaluate(style.format(text)) for text in ("'\"Köln\"'", "'# a comment'"))
    assert len({keyword[0], string[0], comment[0]} - {""}) == 3
    # the colours of theme.js: keywords #7a1fa2, strings #a3180e, comments #5b6675
    assert [keyword[1], string[1], comment[1]] == ["rgb(122, 31, 162)", "rgb(163, 24, 14)", "rgb(91, 102, 117)"]
    assert browser.errors == []


FORMAT_GROUPS = ("[...document.querySelectorAll('#sparql-format optgroup')].map(g => "
                 "[g.dataset.kind, g.disabled, g.hidden, g.querySelectorAll('option').length > 0])")


def test_the_format_list_offers_only_the_formats_that_fit_the_query(base_url, browser):
    open_editor(browser, base_url + "sparql")
    both = [["results", False, False, True], ["rdf", False, False, True]]
    set_query(browser, "")
    assert browser.evaluate(FORMAT_GROUPS) == both  # nothing to go by yet
    set_query(browser, "PREFIX ex: <http://example.org/#>\n# CONSTRUCT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }")
    assert browser.evaluate(FORMAT_GROUPS) == [["results", True, True, True], ["rdf", False, False, True]]
    browser.evaluate("(s => s.value = s.querySelector('optgroup[data-kind=rdf] option').value)"
                     "(document.getElementById('sparql-format'))")
    for query in ("SELECT * WHERE { ?s ?p ?o }", "base <http://example.org/> ask { ?s ?p ?o }"):
        set_query(browser, query)
        assert browser.evaluate(FORMAT_GROUPS) == [["results", False, False, True], ["rdf", True, True, True]]
        assert browser.evaluate("document.getElementById('sparql-format').value") == "html"  # no RDF for a SELECT
    set_query(browser, "DESCRIBE <http://example.org/x>")
    assert browser.evaluate(FORMAT_GROUPS) == [["results", True, True, True], ["rdf", False, False, True]]
    set_query(browser, "# no form yet")
    assert browser.evaluate(FORMAT_GROUPS) == both
    assert browser.errors == []


def test_the_table_sorts_by_a_column(base_url, browser):
    browser.open(page(base_url, "large-municipalities", view="table"))
    column = browser.evaluate("[...document.querySelectorAll('thead th')].findIndex(th => th.textContent === 'population')")
    values = f"[...document.querySelectorAll('tbody tr')].map(tr => Number(tr.cells[{column}].textContent))"
    before = browser.evaluate(values)
    assert before == sorted(before, reverse=True)  # the query's own order
    browser.evaluate(f"document.querySelectorAll('thead th')[{column}].querySelector('button').click()")
    assert browser.evaluate(values) == sorted(before)
    assert browser.evaluate(f"document.querySelectorAll('thead th')[{column}].getAttribute('aria-sort')") == "ascending"
    loaded = browser.evaluate("performance.getEntriesByType('resource').map(r => r.name)")
    assert not [name for name in loaded if "/map-" in name or "/chart-" in name]  # a table needs neither
    assert browser.errors == []


def test_the_editor_completes_prefixes_and_vocabulary_terms(base_url, browser):
    open_editor(browser, base_url + "sparql")
    labels = completions(browser, "SELECT * WHERE { ?m a ", "mpsc:Muni", "labels.filter(t => t.length).length")
    assert "mpsc:Municipality" in labels
    labels = completions(browser, "SELECT * WHERE { ?m a mpsc:Municipality } ", "sko", "labels.includes('skos:')")
    assert "skos:" in labels
    assert browser.errors == []


def test_the_editor_marks_a_syntax_error_at_its_line_and_column(base_url, browser):
    open_editor(browser, base_url + "sparql")
    set_query(browser, "SELECT ?m\nWHERE { ?m a mpsc:Municipality\nFILTER }")
    marked = browser.until(f"{EDITOR}.querySelector('.cm-lintRange-error') && "
                           f"{EDITOR}.querySelector('.cm-lintRange-error').textContent")
    assert marked == "}"  # the token where the parser stopped, not the whole query
    browser.evaluate(f"{EDITOR}.querySelector('.cm-lint-marker-error').dispatchEvent(new MouseEvent('mouseover', {{bubbles: true}}))")
    # an undeclared prefix that is not predefined is named in words; predefined ones count as declared
    set_query(browser, "SELECT * WHERE { ?m a nope:Thing ; rdfs:label ?l }")
    assert browser.until(f"{EDITOR}.querySelector('.cm-lintRange-error') && "
                         f"{EDITOR}.querySelector('.cm-lintRange-error').textContent") == "nope:"
    assert browser.errors == []


def test_the_checks_findings_reach_a_keyboard_and_the_editor_speaks_the_pages_language(base_url, browser):
    """A keyboard and screen-reader user's review: the check's message showed only as a tooltip under the mouse
    (CodeMirror's F8 and Ctrl+Shift+M were not bound), a word the lexer could not read was marked by its first
    letter at the place of the token before it ("“1” passt hier nicht" for `LIMIT 10 FOO`), and CodeMirror's own
    words (its search panel, its lists) were English on German pages."""
    open_editor(browser, base_url + "sparql")
    marked = f"{EDITOR}.querySelector('.cm-lintRange-error') && {EDITOR}.querySelector('.cm-lintRange-error').textContent"
    for query, word in (("SELECT * WHERE { ?s ?p ?o } LIMIT 10 FOO", "FOO"), ("SELEKT * WHERE { ?s ?p ?o }", "SELEKT")):
        set_query(browser, query)
        assert browser.until(f"{marked} === {json.dumps(word)} && {marked}") == word
    browser.press("M", 77, modifiers=2 | 8)  # Ctrl+Shift+M: the list of what the check found
    listed = browser.until(f"{EDITOR}.querySelector('.cm-panel-lint ul') && "
                           f"[{EDITOR}.querySelector('.cm-panel-lint ul').getAttribute('aria-label'), "
                           f"{EDITOR}.querySelector('.cm-panel-lint ul').textContent]")
    assert listed[0] == "Fehler der Prüfung" and "SELEKT" in listed[1], listed
    browser.press("Escape", 27)
    browser.evaluate("mpscEditor.focus()")
    browser.press("f", 70, modifiers=2)  # Ctrl+F: the search panel, in German
    assert browser.until(f"{EDITOR}.querySelector('.cm-search input[name=search]') && "
                         f"{EDITOR}.querySelector('.cm-search input[name=search]').placeholder") == "Suchen"
    assert browser.errors == []


def test_a_refused_query_opens_with_the_cursor_at_the_error(base_url, browser):
    query = "SELECT ?m\nWHERE { ?m a mpsc:Municipality .\n  FILTER(?m = ) }"  # line 3, column 15: ")"
    browser.open(base_url + "sparql?" + urlencode({"query": query, "format": "html"}))
    browser.until("!!window.mpscEditor")
    assert browser.evaluate("document.querySelector('.error-message').dataset.line") == "3"
    column = int(browser.evaluate("document.querySelector('.error-message').dataset.column"))
    cursor = browser.evaluate("(() => { const at = mpscEditor.state.selection.main.head; "
                              "const line = mpscEditor.state.doc.lineAt(at); return [line.number, at - line.from + 1]; })()")
    assert cursor == [3, column]
    # the page itself is the 400 answer, which the browser reports; nothing else may be
    assert len(browser.errors) == 1 and "status of 400" in browser.errors[0]
    browser.errors.clear()


def test_the_permalink_and_the_short_link_run_the_query(base_url, browser):
    query = "SELECT ?s WHERE { ?s a mpsc:ModelProject } LIMIT 3"
    open_editor(browser, base_url + "sparql")
    set_query(browser, query)
    browser.evaluate("document.querySelector('.sparql-tools button[data-link=permalink]').click()")
    link = browser.until("document.querySelector('input.permalink').value")
    assert parse_qs(urlsplit(link).query)["query"] == [query]
    browser.evaluate("document.querySelector('.sparql-tools button[data-link=shortlink]').click()")
    short = browser.until(f"document.querySelector('input.permalink').value.includes('/q/') && "
                          "document.querySelector('input.permalink').value")
    assert short.startswith(base_url + "q/")
    browser.open(short)
    assert browser.evaluate("location.href") == link
    assert browser.evaluate("document.querySelectorAll('table.sparql-results tbody tr').length") == 3
    assert browser.errors == []


def test_the_editor_completes_resources_by_label(base_url, browser):
    open_editor(browser, base_url + "sparql")
    labels = completions(browser, "SELECT * WHERE { ", "Koeln", "labels.some(t => t.startsWith('Köln'))")
    assert any(label.startswith("Köln") for label in labels)
    with urlopen(base_url + "search/suggest?" + urlencode({"q": "Koeln", "lang": "de", "limit": 10})) as answer:
        hits = json.load(answer)
    assert [hit["label"] for hit in hits] == labels  # the search's ranking, unfiltered
    time.sleep(0.2)  # CodeMirror ignores Enter for 75 ms after a list updates (interactionDelay), against mistakes
    browser.press("Enter", 13)  # takes the first: inserted as its IRI
    assert browser.evaluate("mpscEditor.state.doc.toString()") == f"SELECT * WHERE {{ <{hits[0]['iri']}>"
    assert browser.errors == []


def test_the_map_view_shows_one_marker_per_row(base_url, browser):
    rows = solutions(base_url, "large-municipalities")
    browser.open(page(base_url, "large-municipalities"))  # the query asks for #defaultView:Map
    assert browser.evaluate("document.querySelector('.view-switch a[aria-current]').dataset.view") == "map"
    assert browser.evaluate("document.getElementById('result-map').hidden") is False
    # Leaflet is loaded when the map is shown; then each row gets its marker
    assert browser.until("document.querySelectorAll('#result-map .result-marker').length") == len(rows) > 10
    assert browser.evaluate("performance.getEntriesByType('resource').some(r => /chart-/.test(r.name))") is False
    # the base layer is the shipped outline of Germany where the package has one, else a plain background
    outline = ROOT / "server" / "static" / "map" / "germany.geojson"
    if outline.exists():
        assert browser.until("document.querySelectorAll('#result-map .leaflet-overlay-pane path').length") > 0
        # named by its version, so the browser keeps it (server/web/assets.py)
        assert browser.evaluate("document.getElementById('result-map').dataset.outline").endswith(
            "static/map/germany.geojson?v=" + hashlib.sha256(outline.read_bytes()).hexdigest()[:12])
        credit = browser.until("document.querySelector('#result-map .leaflet-control-attribution').textContent")
        assert credit.startswith("Karte: Natural Earth")  # in the page's language
    else:
        assert browser.evaluate("document.getElementById('result-map').dataset.outline") == ""
    titles = browser.evaluate("[...document.querySelectorAll('#result-map .result-marker')].map(m => m.title)")
    assert sorted(titles) == sorted(row["label"]["value"] for row in rows)  # each marker names its row
    browser.evaluate("document.querySelector('#result-map .result-marker').click()")
    assert browser.until("!!document.querySelector('.leaflet-popup-content a')")  # the popup links the row's place
    assert browser.errors == []


def test_a_markers_popup_takes_the_keyboards_focus_and_gives_it_back(base_url, browser):
    """A keyboard and screen-reader user's review: Enter on a marker opened its popup, but its link came 35 Tabs
    later (the popup follows every marker), Escape did not close it, its button was named "Close popup" on a German
    page, and the map faded and zoomed for a reader who asked for less motion."""
    browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-reduced-motion", "value": "reduce"}])
    try:
        browser.open(page(base_url, "large-municipalities"))
        assert browser.until("document.querySelectorAll('#result-map .result-marker').length") > 10
        assert browser.evaluate("document.getElementById('result-map').classList.contains('leaflet-fade-anim')") is False
        for marker in (0, 1):  # the second opened while the first's popup is open, which closes it
            browser.evaluate(f"document.querySelectorAll('#result-map .result-marker')[{marker}].focus()")
            for kind in ("keyDown", "keyUp"):  # with its text, as a keyboard sends it: Leaflet opens on the keypress
                browser.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                             text="\r")
            assert browser.until("document.activeElement && document.activeElement.closest('.leaflet-popup-content') "
                                 "&& document.activeElement.tagName") == "A"
        assert browser.evaluate("document.querySelector('.leaflet-popup-close-button').getAttribute('aria-label')") == "Schließen"
        browser.press("Escape", 27)
        assert browser.until("!document.querySelector('.leaflet-popup') && document.activeElement === "
                             "document.querySelectorAll('#result-map .result-marker')[1]") is True
    finally:
        browser.call("Emulation.setEmulatedMedia", features=[])
    assert browser.errors == []


def test_an_embedded_maps_popup_opens_its_link_beside_the_frame(base_url, browser):
    """A web developer's review: in a portal's frame, a link to a page (which may not be framed) broke the frame."""
    browser.open(page(base_url, "large-municipalities", embed="1"))
    assert browser.until("document.querySelectorAll('#result-map .result-marker').length") > 10
    browser.evaluate("document.querySelector('#result-map .result-marker').click()")
    link = browser.until("(a => a && [a.target, a.rel])(document.querySelector('.leaflet-popup-content a'))")
    assert link == ["_blank", "noopener"]


def test_the_chart_view_draws_projects_per_round_and_category(base_url, browser):
    rows = solutions(base_url, "projects-per-round-and-category")
    browser.open(page(base_url, "projects-per-round-and-category", view="bar"))
    chart = browser.until("window.mpscViews && window.mpscViews.chart && "
                          "{type: mpscViews.chart.config.type, labels: mpscViews.chart.data.labels, "
                          "datasets: mpscViews.chart.data.datasets.map(d => ({label: d.label, data: d.data}))}")
    assert chart["type"] == "bar"
    assert sorted(chart["labels"]) == sorted({row["year"]["value"] for row in rows})  # one bar group per round
    assert sorted(d["label"] for d in chart["datasets"]) == sorted({row["categoryLabel"]["value"] for row in rows})
    drawn = sum(value or 0 for dataset in chart["datasets"] for value in dataset["data"])
    assert drawn == sum(int(row["projects"]["value"]) for row in rows) == 73
    assert browser.evaluate("document.querySelector('#result-chart canvas').width") > 0
    browser.evaluate("document.querySelector('.view-switch a[data-view=line]').click()")  # the line chart
    line = browser.until("mpscViews.chartKind === 'line' && {type: mpscViews.chart.config.type, "
                         "series: mpscViews.chart.data.datasets.length, canvas: document.querySelector('#result-chart canvas').width}")
    assert line == {"type": "line", "series": len(chart["datasets"]), "canvas": line["canvas"]} and line["canvas"] > 0

    assert parse_qs(urlsplit(browser.evaluate("location.href")).query)["view"] == ["line"]
    assert browser.errors == []


def test_a_chart_writes_numbers_as_its_page_does(base_url, browser):
    """An accessibility review: in a German browser an English page's chart read "2.000.000" (Chart.js formats by
    the browser's locale unless told)."""
    browser.open(page(base_url, "projects-per-round-and-category", view="bar", lang="en"))
    assert browser.until("window.mpscViews && window.mpscViews.chart && mpscViews.chart.options.locale") == "en"
    assert browser.evaluate("mpscViews.chart.scales.y.getLabelForValue(2000000)") == "2,000,000"


def test_the_licences_name_every_bundled_dependency():
    licences = (ROOT / "server" / "static" / "workbench" / "LICENSES.txt").read_text(encoding="utf-8")
    dependencies = json.loads((ROOT / "frontend" / "package.json").read_text(encoding="utf-8"))["dependencies"]
    missing = [f"{name} {version}" for name, version in dependencies.items()
               if not re.search(rf"^{re.escape(name)} {re.escape(version)} \(\S+\)$", licences, re.M)]
    assert missing == []


@pytest.mark.parametrize("size", ["browser", "phone"])
def test_the_form_and_the_result_views_pass_axe(base_url, size, request):
    tab = request.getfixturevalue(size)
    for url in (base_url + "sparql", page(base_url, "projects-per-state"),
                page(base_url, "large-municipalities"),
                page(base_url, "projects-per-round-and-category", view="bar"),
                page(base_url, "large-municipalities", embed="1")):
        tab.open(url)
        assert tab.evaluate("window.innerWidth") == tab.width == (390 if size == "phone" else 1280)
        assert axe.violations(tab) == [], url
        assert tab.evaluate("document.documentElement.scrollWidth") <= tab.width, url
    assert tab.errors == []
