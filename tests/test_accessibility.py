"""Every kind of page passes axe-core (WCAG 2.1 A and AA rules) with no violation, on a desktop and a
phone screen, and logs nothing to the console.

axe-core comes from npm and is committed as tests/vendor/axe.min.js (MPL-2.0, tests/vendor/axe-core.LICENSE;
see tests/vendor/package.json, rebuild with `cd tests/vendor && npm ci && npm run build`), so the test
needs no network; tests/axe.py injects it over the DevTools protocol, which the pages' Content-Security-Policy
does not govern. The phone is emulated at 320 px, the width WCAG 1.4.10 (reflow) names (tests/cdp.py; headless Chromium's
windows are at least 500).
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.axe import violations
from tests.cdp import Browser
from tests.sparql_support import ROOT

pytestmark = pytest.mark.browser

# One page of every kind the site has, in German (the default) and one in English.
PAGES = ["", "projects", "projects?state=02", "municipalities", "districts", "cooperations", "charter", "ontology",
         "ontology/1.3.0", "sparql", "dumps/", "limits", "search?q=Koeln", "search?q=stadt&page=2",
         "doc/project/connected-urban-twins", "doc/municipality/09461000", "doc/district/09471", "doc/state/09", "doc/charter/recommendation-1.1",
         "doc/dataset", "doc/round/2020", "changes", "doc/no/such/thing", "projects?lang=en", "doc/project/bamberg?lang=en",
         "sparql?query=" + quote("PREFIX mpsc: <https://w3id.org/mpsc/ontology#> "
                                 "SELECT ?p ?title ?round WHERE { ?p mpsc:title ?title ; mpsc:fundingRound ?round }")
         + "&format=html", "sparql?query=" + quote("SELECT * WHERE { ?s a foo:Bar }") + "&format=html",
         # an accessibility review: long German compounds in headings, the bar chart and its prefixes overflowed a phone
         "doc/municipal-association/160675007", "doc/criterion/k-zi-1", "accessibility",
         "sparql?query=" + quote((ROOT / "queries" / "projects-per-state.rq").read_text()) + "&format=html&view=bar",
         # a second page of a result: its page links above and below the rows, two landmarks each named
         "sparql?query=" + quote("PREFIX mpsc: <https://w3id.org/mpsc/ontology#> SELECT ?m WHERE "
                                 "{ ?m a mpsc:Municipality } ORDER BY ?m LIMIT 1001") + "&format=html&page=2"]
REFUSED = ("no/such", "foo%3ABar")  # pages answered with an error status, which the console reports
SIZES = {"desktop": (1280, 900), "phone": (320, 640)}  # 320 CSS px: the width WCAG 1.4.10 (reflow) names


@pytest.fixture(scope="module", params=list(SIZES))
def browser(request):
    width, height = SIZES[request.param]
    with Browser(width=width, height=height) as b:
        yield b


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_accessibility_violation(base_url, browser, path):
    browser.errors.clear()
    browser.open(base_url + path)  # on the phone, open() checks that the page lays out at 390 px
    assert violations(browser) == []
    refused = any(part in path for part in REFUSED)
    assert [e for e in browser.errors if not (refused and "status of 4" in e)] == []
