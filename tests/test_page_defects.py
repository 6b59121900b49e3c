"""The page defects found by trying the site as a new reader would (issue 12, item 5), one test each.

Over the real release (`base_url`); HTML is read as text where the markup decides, and in headless
chromium where only CSS decides (a computed style).
"""
from __future__ import annotations

import re

import pytest

from tests.cdp import Browser, chromium_path
from tests.sparql_support import fetch


def page(base_url, path, lang="de", **params) -> str:
    response = fetch(base_url + path, lang=lang, **params)
    assert response.status == 200, path
    return response.body.decode()


def main(html: str) -> str:
    return html.split('<main id="content">', 1)[1].split("</main>", 1)[0]


def test_counts_say_1_entry_not_1_results(base_url):
    assert "1 Eintrag</p>" in page(base_url, "projects", state="02")
    assert "1 entry</p>" in page(base_url, "projects", lang="en", state="02")
    assert "1 results" not in page(base_url, "projects", lang="en", state="02")


def test_every_project_is_listed_under_a_state_and_the_landing_page_says_why_bars_add_up_to_more(base_url):
    listed = set()
    for key in set(re.findall(r"projects\?state=(\d\d)", page(base_url, ""))):  # the states with projects
        listed |= set(re.findall(r'<th scope="row"><a href="[^"]*/doc/project/([^"?]+)', page(base_url, "projects", state=key)))
    assert len(listed) == 73 and "verband-region-rhein-neckar" in listed
    home = page(base_url, "", lang="en")
    state_bars = home.split("By state</h2>", 1)[1].split("</section>", 1)[0]
    total = sum(int(n) for n in re.findall(r'bar-count">(\d+)<', state_bars))
    assert total > 73
    assert f"so the bars add up to {total} for 73 projects" in home


def test_cooperations_list_the_lead_first_and_say_so_in_words(base_url):
    html = main(page(base_url, "cooperations"))
    cards = html.split('<li class="card">')[1:]
    with_lead = [card for card in cards if 'class="lead"' in card]
    assert len(with_lead) > 10
    for card in with_lead:
        chips = card.split('<ul class="chips">', 1)[1]
        assert chips.lstrip().startswith('<li class="lead">')
        assert '<span class="role">federführend</span>' in chips.split("</li>", 1)[0]
    for card in cards:
        if 'class="lead"' not in card:
            assert "Die Quellen nennen kein federführendes Mitglied." in card


def test_charter_numbers_once_marks_the_gap_and_uncertain_entries_and_has_a_plain_h1(base_url):
    html = main(page(base_url, "charter"))
    h1 = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert "<a " not in h1 and h1.startswith("Smart City Charta")
    assert re.search(r'<li class="gap"><span class="num">4\.2</span> – von keiner unserer Quellen genannt', html)
    assert html.index("recommendation-4.1") < html.index(">4.2<") < html.index("recommendation-4.3")
    assert html.count('<span class="uncertain">(unsicher)</span>') >= 5


@pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium (make browser)")
def test_list_markers_and_ontology_iri_in_the_browser(base_url):
    with Browser() as browser:
        browser.open(base_url + "charter")
        # no list numbers besides the Charta's own ("1. 1 Digital…")
        assert browser.evaluate("getComputedStyle(document.querySelector('ol.principles > li')).listStyleType") == "none"
        browser.open(base_url + "ontology")
        code = "document.querySelector('.kicker code')"
        assert browser.evaluate(f"getComputedStyle({code}).textTransform") == "none"
        assert browser.evaluate(f"{code}.innerText") == browser.evaluate(f"{code}.textContent")  # as written
        assert browser.errors == []
