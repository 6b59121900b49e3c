"""HTML pages: landing page counts, list filters, German and English, resource pages for people and search engines."""
from __future__ import annotations

import gzip
import hashlib
import json
import html
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from flask import Flask

from server.errors import BadSetting
from server.web import per_release
from server.web.i18n import preferred
from tests.conftest import serve_app
from tests.ld_support import fetch, media_type, vary

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def page(url: str, lang: str | None = None) -> str:
    status, headers, body = fetch(url, BROWSER, headers={"Accept-Language": lang} if lang else None)
    assert status == 200 and media_type(headers) == "text/html"
    return body.decode()


def rows(html: str) -> list[str]:
    """The body rows of the first list table."""
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return re.findall(r"<tr>.*?</tr>", body, re.S)


class Text(HTMLParser):
    """The visible text of a page, for checks that must not depend on markup: elements that break the text (blocks,
    cells, list items) part it by a space, those within a line (a `span` marking a title's language) do not."""

    INLINE = {"a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "sup", "sub", "time"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        self.parts.append("" if tag in self.INLINE else " ")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")
        self.parts.append("" if tag in self.INLINE else " ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def text(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def test_landing_page_explains_and_counts(base_url):
    html = page(base_url)
    words = text(html)
    assert "73 Projekte" in words
    for label, count in (("1. Staffel (2019)", 13), ("2. Staffel (2020)", 32), ("3. Staffel (2021)", 28)):
        assert f"{label} {count}" in words
    assert "Bayern 11" in words and "Großstädte 28" in words
    for path in ("sparql", "dumps/", "ontology", "catalog", "projects?round=2020", "projects?state=09"):
        assert f'href="{base_url}{path}"' in html
    assert f'href="{base_url}sparql?example=projects-per-state"' in html


def test_language_follows_accept_language_and_the_switch(base_url):
    assert '<html lang="de">' in page(base_url)
    english = page(base_url, "en-GB,en;q=0.9")
    assert '<html lang="en">' in english and "73 projects" in text(english)
    assert f'href="{base_url}?lang=de"' in english  # the switch names the other language
    chosen = page(base_url + "?lang=en", "de")
    assert '<html lang="en">' in chosen
    assert f'href="{base_url}projects?lang=en"' in chosen  # the choice is carried on
    _, headers, _ = fetch(base_url, BROWSER)
    assert "accept-language" in vary(headers) and headers["Content-Language"] == "de"
    # A regional tag counts for its language at its own quality (an English reader's review: these gave the other)
    for header, lang in (("de-DE,en;q=0.5", "de"), ("de-AT,en-US;q=0.7,en;q=0.3", "de"), ("en-US,de;q=0.5", "en"),
                         ("en-GB,en-US;q=0.9,de;q=0.8", "en"), ("de;q=0, *", "en"), ("fr", "de")):
        assert f'<html lang="{lang}">' in page(base_url, header), header
    for typed in ("EN", "en-GB", " en"):  # as a reader may type it
        assert '<html lang="en">' in page(base_url + "?lang=" + typed.replace(" ", "%20"), "de"), typed


@pytest.mark.parametrize("path", ["", "projects?state=09", "doc/project/bamberg"])
def test_every_page_names_itself_in_each_language_for_search_engines(base_url, path):
    """<link rel="alternate" hreflang>: the page in German (its bare URL, which a crawler reads in German), in
    English, and as Accept-Language picks it."""
    separator = "&" if "?" in path else "?"
    for chosen in ("", f"{separator}lang=en"):
        head = page(base_url + path + chosen).split("</head>")[0]
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))
        assert alternates == {"de": f"{base_url}{path}".replace("&", "&amp;"),
                              "en": f"{base_url}{path}{separator}lang=en".replace("&", "&amp;"),
                              "x-default": f"{base_url}{path}".replace("&", "&amp;")}, head
    long = page(base_url + "search?q=" + "x" * 190 + "&page=1&" + "&".join(f"p{n}=v" for n in range(200)))
    assert 'hreflang="en"' in long and '<link rel="alternate" hreflang' not in long  # the switch only
    # an error page is no page to index (a portal's review: a 404 for a 60,000-character path repeated it five times)
    status, _, body = fetch(base_url + "id/project/" + "a" * 5000, BROWSER)
    assert status == 404 and '<link rel="alternate" hreflang' not in body.decode() and body.count(b"a" * 5000) == 2


@pytest.mark.parametrize("asked, canonical", [
    ("projects?sort=name&order=desc", "projects"), ("projects?utm_source=x&page=999", "projects"),
    ("projects?state=09&sort=grant&lang=de", "projects?state=09"), ("projects?round=2019&lang=en", "projects?round=2019&lang=en"),
    ("municipalities?page=9999", "municipalities"), ("?lang=de", ""), ("doc/project/bamberg.html", "doc/project/bamberg"),
    ("doc/project/bamberg?foo=bar", "doc/project/bamberg"), ("graph/programme.html?lang=en", "graph/programme?lang=en"),
    ("ontology.html", "ontology"), ("dumps/", "dumps/"), ("changes", "changes")])
def test_a_page_names_its_canonical_url_without_what_shows_the_same_page(base_url, asked, canonical):
    """A search-engine review: the lists named no canonical URL, so each of their sort orders (~500 URLs), an
    unknown parameter and ?lang=de were duplicates to index; a page under its suffix or with an unknown parameter
    named that URL in its hreflang alternates, which contradicted its canonical. A page names the URL without its
    order, its format suffix and unknown parameters, and its language versions are built from that."""
    head = page(base_url + asked).split("</head>")[0]
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', head) == [html.escape(base_url + canonical)]
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))
    german = base_url + canonical.replace("?lang=en", "").replace("&lang=en", "")
    english = german + ("&" if "?" in german else "?") + "lang=en"
    assert alternates == {"de": html.escape(german), "en": html.escape(english), "x-default": html.escape(german)}


@pytest.mark.parametrize("path", ["search?q=bamberg", "sparql?x=0", "reconcile/preview?id=project/bamberg"])
def test_what_robots_txt_closes_names_no_canonical_url(base_url, path):
    """Answers computed for any text are closed to crawlers (robots.txt): they name no canonical URL to index, and
    no language versions (a review: they carried every parameter, the unknown ones too)."""
    status, _, body = fetch(base_url + path + "&x=1", BROWSER)
    assert status == 200 and 'rel="canonical"' not in body.decode() and 'rel="alternate" hreflang' not in body.decode()
    assert f"Disallow: /{path.split('?')[0].split('/')[0]}" in fetch(base_url + "robots.txt")[2].decode()


@pytest.mark.parametrize("path", ["projects?path=x&self=y", "?path=x", "doc/project/bamberg?self=1&lang=en"])
def test_query_parameters_named_like_python_arguments_are_just_parameters(base_url, path):
    """The language links carry every parameter on: `path` and `self` once reached Linker.url as arguments (500)."""
    assert "path=x" in page(base_url + path) or "self=1" in page(base_url + path)


def test_an_unknown_url_is_the_sites_404_in_the_readers_language(base_url):
    for lang, said in (("de", "Zu dieser Adresse gibt es keine Ressource."), ("en", "There is no resource at this address.")):
        status, headers, body = fetch(base_url + "no/such/page", BROWSER, headers={"Accept-Language": lang})
        assert status == 404 and media_type(headers) == "text/html"
        assert said in body.decode() and "requested URL" not in body.decode()
    status, headers, body = fetch(base_url + "no/such/page", "application/json")
    assert status == 404 and json.loads(body)["detail"] == "There is no resource at this address."


def test_english_labels_where_the_data_has_them(base_url):
    html = page(base_url + "doc/category/grossstadt", "en")
    assert "<h1>Large cities</h1>" in html and "Großstädte" in html  # the other label under the heading


@pytest.mark.parametrize("query, count", [("", 73), ("?round=2020", 32), ("?round=2019&category=grossstadt", None),
                                          ("?state=09", 11), ("?state=02&category=kooperation-landkreis", 1)])
def test_project_list_filters(base_url, query, count):
    html = page(base_url + "projects" + query)
    found = rows(html) if "<tbody>" in html else []
    if count is not None:
        assert len(found) == count
    assert ("1 Eintrag" if len(found) == 1 else f"{len(found)} Einträge") in text(html)


def test_project_list_filter_for_a_state_includes_cooperations_across_states(base_url):
    html = page(base_url + "projects?state=14")
    assert f'href="{base_url}doc/project/connected-urban-twins"' in html


def test_unknown_filter_value_is_404(base_url):
    assert fetch(base_url + "projects?state=99", BROWSER)[0] == 404


@pytest.mark.parametrize("path, expected", [
    ("municipalities", ("doc/municipality/09461000", "doc/municipality/02000000")),
    ("districts", ("doc/district/07232",)),
    ("cooperations", ("doc/cooperation/connected-urban-twins", "doc/municipality/14713000")),
    ("charter", ("doc/charter/guideline-1", "doc/charter/recommendation-1.1")),
])
def test_list_pages_link_their_resources(base_url, path, expected):
    html = page(base_url + path)
    for target in expected:
        assert f'href="{base_url}{target}"' in html


@pytest.mark.parametrize("path, german, english", [("municipalities", "Gemeinden, die", "Municipalities taking"),
                                                    ("districts", "Kreise, die", "Districts taking")])
def test_a_list_of_bodies_says_what_it_lists(base_url, path, german, english):
    """A municipal officer's review: the districts' list introduced itself as "Gemeinden und Kreise, die …"."""
    for lang, words in (("de", german), ("en", english)):
        lead = page(base_url + path, lang).split('<p class="lead">', 1)[1].split("</p>", 1)[0]
        assert lead.startswith(words), lead


def test_an_editorial_lead_says_so_where_it_is_read(base_url):
    """A municipal officer's review: the lead paragraph of a project page is the editors' text, which only a
    section far below said; a council paper would quote it as the project's own words."""
    for lang, anchor, words in (("de", "description-de", "Von der Redaktion"), ("en", "description-en", "Written by")):
        html = page(base_url + "doc/project/bamberg", lang)
        mark = html.split('<p class="lead"', 1)[1].split("</header>", 1)[0]
        assert f'<p class="editorial-mark"><a href="#{anchor}">{words}' in mark
        assert f'id="{anchor}"' in html
    # a description that is no editorial statement (a category's definition, from the calls' bounds) has none
    category = page(base_url + "doc/category/grossstadt", "de")
    assert '<p class="lead"' in category and 'class="editorial-mark"' not in category


def test_a_text_stated_in_both_languages_is_not_said_to_be_in_one_only(base_url):
    """An English-only reader's review: on Bamberg's English page the statement #description-de said "(in German
    only)" although #description-en, in English, follows it. Marked as German, not as the only text."""
    for lang, other, only in (("en", "de", "in German only"), ("de", "en", "nur auf Englisch")):
        html = page(base_url + "doc/project/bamberg", lang)
        section = html.split(f'<section id="description-{other}">', 1)[1].split("</section>", 1)[0]
        assert f'<span lang="{other}">' in section and only not in section, section
    # a text in one language only still says so (the 2020 round's motto is German only)
    html = page(base_url + "doc/round/2020", "en")
    assert ('<span lang="de">Gemeinwohl und Netzwerkstadt / Stadtnetzwerk</span> <small class="note">(in German '
            'only)</small>') in html


def test_english_pages_use_one_english_name_for_the_programme_and_the_licences_own(base_url):
    """An English-only reader's review: the site and the dataset called the programme "Smart Cities Model
    Projects", the programme's data and vocabulary "Model Projects Smart Cities" (both in one citation); and the
    English name of dl-de/by-2-0 was its German one."""
    cite = page(base_url + "doc/programme", "en").split('<section class="card cite">', 1)[1].split("</section>")[0]
    assert "“Model Projects Smart Cities”. In: Model Projects Smart Cities – open knowledge graph" in cite
    assert "<title>Open knowledge graph – Model Projects Smart Cities</title>" in page(base_url, "en")
    html = page(base_url + "doc/distribution/municipalities-csv", "en")
    assert ">Data licence Germany – attribution – version 2.0 (dl-de/by-2-0)<" in html
    assert ">Datenlizenz Deutschland – Namensnennung 2.0 (dl-de/by-2-0)<" in page(
        base_url + "doc/distribution/municipalities-csv", "de")


def test_code_list_values_are_named_not_shown_as_iris(base_url):
    """A municipal officer's review: "Sprache http://publications.europa.eu/resource/authority/language/DEU"."""
    html = page(base_url + "doc/dataset", "de")
    for iri, name in (("language/DEU", "Deutsch"), ("frequency/IRREG", "unregelmäßig")):
        assert re.search(rf'href="http://publications\.europa\.eu/resource/authority/{iri}"[^>]*>{name}<', html), iri
    catalogue = page(base_url + "doc/catalog", "de")
    assert 'href="http://dcat-ap.de/def/licenses/cc-by/4.0" rel="external noopener">Creative Commons' in catalogue
    for shown in (html, catalogue):
        assert ">http://publications.europa.eu/" not in shown and ">http://dcat-ap.de/def/licenses/" not in shown
    assert re.search(r'file-type/SPARQLQ"[^>]*>SPARQL<', page(base_url + "doc/distribution/sparql", "de"))


def test_political_geocoding_uris_are_named_by_their_kind_and_key(base_url):
    """A municipal officer's review: "politische Geokodierung http://dcat-ap.de/def/politicalGeocoding/…"."""
    html = page(base_url + "doc/municipality/09461000", "de")
    assert re.search(r'href="http://dcat-ap\.de/def/politicalGeocoding/regionalKey/094610000000"[^>]*>'
                     r'Regionalschlüssel \(ARS\) 094610000000<', html)
    assert ">http://dcat-ap.de/def/politicalGeocoding/" not in html


def test_other_labels_in_the_readers_language_come_first(base_url):
    """A municipal officer's review: sorted by their text, the English "Cooperation of …" came first on German pages."""
    for lang, first in (("de", "Kooperation "), ("en", "Cooperation of ")):
        html = page(base_url + "doc/project/partheland", lang)
        labels = html.split('<p class="other-labels">', 1)[1].split("</p>", 1)[0]
        assert re.sub(r"<[^>]+>", "", labels).startswith(first), labels


def test_the_footer_links_the_licence_texts(base_url):
    """A municipal officer's review: the footer named the licences without linking them, which dl-de/by-2-0 asks."""
    footer = page(base_url, "de").split('<footer class="site">', 1)[1]
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in footer
    assert '<a href="https://www.govdata.de/dl-de/by-2-0">dl-de/by-2-0</a>' in footer
    assert "Kontakt" not in footer and "Impressum" not in footer  # the operator named none


def test_an_accessibility_statement_says_what_is_not_accessible_and_whom_to_tell(settings, real_store, base_url):
    """A German public body's site must have an accessibility statement (BITV 2.0 § 7): none was there. Linked
    from every footer; its reports go to the operator's MPSC_CONTACT, or it says that none is named."""
    for lang, heading, missing in (("de", "Erklärung zur Barrierefreiheit", "hat keine Kontaktadresse angegeben"),
                                   ("en", "Accessibility statement", "has named no contact")):
        statement = page(f"{base_url}accessibility?lang={lang}")
        assert f"<h1>{heading}</h1>" in statement and "BITV 2.0" in statement and "WCAG 2.1" in statement
        assert missing in statement  # the suite's server names no contact
        assert f'href="{base_url}accessibility?lang={lang}">{heading}</a>' in page(f"{base_url}projects?lang={lang}")
    with serve_app(settings.with_(contact="barrieren@example.org"), store=real_store) as url:
        statement = page(url + "accessibility", "de")
    assert re.search(r'Betreiber dieses Servers: <a href="mailto:barrieren@example\.org\?subject=[^"]+">Kontakt',
                     statement)


def test_the_operator_is_named_where_a_reader_looks_for_whom_to_tell(settings, real_store):
    """A municipal officer's review: no page said whom to tell of a wrong amount, and a German public site needs
    an imprint and a privacy notice. MPSC_CONTACT, MPSC_IMPRINT and MPSC_PRIVACY are linked in every footer, and a
    resource's page opens a mail naming itself."""
    named = settings.with_(contact="fehler@example.org", imprint="https://example.org/impressum",
                           privacy="https://example.org/datenschutz")
    with serve_app(named, store=real_store) as url:
        doc = page(url + "doc/project/bamberg", "de")
        tag = fetch(url + "doc/project/bamberg", BROWSER)[1]["ETag"]
    with serve_app(settings, store=real_store, base_url=url) as plain:  # the same page without them
        assert fetch(plain + "doc/project/bamberg", BROWSER)[1]["ETag"] != tag  # (a review: it was the same)
    with serve_app(named, store=real_store, base_url="https://mpsc.example.org/") as based:  # nor was the base named
        assert fetch(based + "doc/project/bamberg", BROWSER)[1]["ETag"] != tag
    footer = doc.split('<footer class="site">', 1)[1]
    assert '<a href="mailto:fehler@example.org">Kontakt und Fehlermeldungen</a> · ' in footer
    assert '<a href="https://example.org/impressum">Impressum</a> · <a href="https://example.org/datenschutz">' in footer
    report = re.search(r'<p class="report"><a href="([^"]+)">Fehler auf dieser Seite melden</a>', doc).group(1)
    assert html.unescape(report).startswith("mailto:fehler@example.org?subject=Fehler%3A%20")
    assert quote(url + "doc/project/bamberg", safe="") in html.unescape(report)
    assert quote("https://w3id.org/mpsc/id/project/bamberg", safe="") in html.unescape(report)


@pytest.mark.parametrize("contact", ["javascript:alert(1)", "fehler at example.org", "mailto:fehler@example.org"])
def test_a_contact_that_is_neither_mail_nor_web_address_is_refused(settings, contact):
    with pytest.raises(BadSetting, match="MPSC_CONTACT"):
        settings.with_(contact=contact)


def test_a_resource_page_suggests_how_to_cite_it(base_url, release):
    """A municipal officer's review: no page said how to cite it in a council paper, nor which release it shows."""
    cite = page(base_url + "doc/project/bamberg", "de").split('<section class="card cite">', 1)[1].split("</section>")[0]
    assert (f"„Smart City Bamberg“. In: Modellprojekte Smart Cities – offener Wissensgraph, Version {release.version}, "
            "Stand ") in cite
    assert "<code>https://w3id.org/mpsc/id/project/bamberg</code>" in cite
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a> (<span>Projekt' in cite
    # where the cited version's data stay (a citing researcher's review: only the IRI, which shows today's state)
    kept = f"{base_url}dumps/{release.version}/"
    assert f'Die Daten dieser Version bleiben unter <a href="{kept}"><code>{kept}</code></a>.' in cite
    assert fetch(kept, BROWSER)[0] == 200
    place = page(base_url + "doc/municipality/09461000", "en").split('<section class="card cite">', 1)[1]
    place = place.split("</section>", 1)[0]
    assert "“Bamberg (Bavaria)”. In: " in place and f"version {release.version}, " in place
    # the register's facts with the source note dl-de/by-2-0 asks for (a review: the citation left it out), in
    # German and marked so on an English page (an English-only reader's review: screen readers read it as English)
    assert ('<a href="https://www.govdata.de/dl-de/by-2-0" rel="license">dl-de/by-2-0</a> (<span lang="de">© '
            'Statistisches Bundesamt') in place


def test_a_town_names_the_project_of_its_district(base_url):
    """A municipal officer's review: Marktredwitz's page named nothing of the project the Landkreis Wunsiedel, which
    it lies in, carries (no source says the district applied for all its towns, so it is no project "here")."""
    html = page(base_url + "doc/municipality/09479136", "de")
    above = html.split("Modellprojekte des übergeordneten Kreises oder Gemeindeverbands</h2>", 1)[1].split("</section>")[0]
    assert f'href="{base_url}doc/project/landkreis-wunsiedel"' in above
    assert "Modellprojekte in diesem Gebiet" not in html
    # a town in a district whose project covers it names the project once, as a project here (Issigau, Landkreis Hof)
    issigau = page(base_url + "doc/municipality/09475137", "de")
    assert issigau.count(f'href="{base_url}doc/project/landkreis-hof"') == 1
    assert "übergeordneten Kreises" not in issigau


def test_charter_nests_recommendations_under_guidelines(base_url):
    html = page(base_url + "charter")
    guideline = html[html.index(f'href="{base_url}doc/charter/guideline-1"'):html.index(f'href="{base_url}doc/charter/guideline-2"')]
    assert "recommendation-1.1" in guideline and "recommendation-2.1" not in guideline


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_query_for_all_linking_resources_names_them_as_the_page_does(base_url, lang):
    """A third-language probe: "and 2,413 more – all of them as a SPARQL query" on an English state page asked for
    English labels only, and the answer named none of Bavaria's municipalities (the page names them in German)."""
    (link,) = re.findall(r'<li class="more"><a href="([^"]+)"', page(f"{base_url}doc/state/09?lang={lang}"))
    status, _, body = fetch(html.unescape(link), "application/sparql-results+json")
    bindings = json.loads(body)["results"]["bindings"]
    assert status == 200 and len(bindings) > 2000
    assert all("label" in row for row in bindings), [row for row in bindings if "label" not in row][:3]
    assert {row["label"].get("xml:lang") for row in bindings} == {"de"}  # the register names them in German only


def test_resource_page_groups_properties_and_marks_external_links(base_url):
    html = page(base_url + "doc/municipality/09461000")
    words = text(html)
    for heading in ("Angaben", "Verknüpfungen", "Kennungen und externe Verweise", "Quellen", "Projekte"):
        assert heading in words
    assert re.search(r'<a class="external" href="http://www\.wikidata\.org/entity/Q3936" rel="external noopener">', html)
    assert f'href="{base_url}doc/district/09461"' in html  # internal links go to our pages
    assert f'href="{base_url}doc/project/bamberg"' in html  # the project it takes part in (incoming link)
    assert "77.150" in words  # population, German digit grouping


def test_place_pages_have_an_offline_map(base_url):
    html = page(base_url + "doc/municipality/09461000")
    figure = html[html.index('<figure class="map">'):html.index("</figure>")]
    assert f'href="{base_url}map/germany.svg"' in figure and "<circle" in figure
    assert "openstreetmap.org/?mlat=49.89" in figure
    status, headers, body = fetch(base_url + "map/germany.svg")
    assert status == 200 and media_type(headers) == "image/svg+xml" and body.startswith(b"<svg")


def test_resource_page_embeds_schema_org_for_search_engines(base_url, release):
    html = page(base_url + "doc/municipality/09461000")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "AdministrativeArea" and data["name"] == "Bamberg"
    assert data["@id"] == "https://w3id.org/mpsc/id/municipality/09461000"
    assert "http://www.wikidata.org/entity/Q3936" in data["sameAs"]
    assert round(data["geo"]["latitude"], 2) == 49.89
    dataset = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                   page(base_url + "doc/dataset"), re.S).group(1))
    licences = [dataset["license"]] if isinstance(dataset["license"], str) else dataset["license"]
    assert dataset["@type"] == "Dataset" and licences
    # licences by their texts' URLs, which Dataset Search recognises (the data's dcat-ap.de IRIs it does not)
    assert sorted(licences) == ["https://creativecommons.org/licenses/by/4.0/", "https://www.govdata.de/dl-de/by-2-0"]
    assert {d["contentUrl"] for d in dataset["distribution"]} >= {f"https://w3id.org/mpsc/dumps/{release.version}/mpsc.ttl"}
    # found by a portal operator's review: gzipped files declared as what they hold, no period, and "Thing" for
    # organisations, measures, strategies and the programme; an extended project shown as ended
    formats = {d["contentUrl"].rsplit("/", 1)[-1]: d["encodingFormat"] for d in dataset["distribution"]}
    assert formats["mpsc.nt.gz"] == "application/gzip" and formats["mpsc.ttl"] == "text/turtle"
    assert dataset["temporalCoverage"] == "2017-06/.."  # from the Charta on (data/metadata/dataset.ttl)
    # a FAIR assessor's review: each file's licence and size, the dataset's languages
    turtle = next(d for d in dataset["distribution"] if d["contentUrl"].endswith("/mpsc.ttl"))
    reference = next(d for d in dataset["distribution"] if d["contentUrl"].endswith("/reference.ttl"))
    assert turtle["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert reference["license"] == "https://www.govdata.de/dl-de/by-2-0"
    assert turtle["contentSize"] == f"{(release.path / 'mpsc.ttl').stat().st_size} bytes"
    assert dataset["inLanguage"] == ["de", "en"]
    english = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                   page(base_url + "doc/dataset", "en"), re.S).group(1))
    # a search-engine review: 3 English keywords against 7 German ones
    assert len(english["keywords"]) == len(dataset["keywords"]) == 7 and "Smart City Charter" in english["keywords"]
    for path, kind in [("organisation/zebralog-gmbh", "Organization"), ("programme", "FundingScheme"),
                       ("strategy/bamberg", "CreativeWork")]:
        assert embedded(base_url + "doc/" + path)["@type"] == kind, path
    halle = embedded(base_url + "doc/project/halle-saale")
    assert halle["@type"] == "Project" and halle["dissolutionDate"] == "2027-12-31"


def test_schema_org_uses_each_property_where_schema_org_defines_it(base_url, release):
    """A search engine's review: projects and the programme (Organization types) had startDate and endDate,
    which schema.org defines for events and series; a round was an Event without the start and place Google
    requires of one; the dataset lacked its identifier, publication date and catalogue (the catalogue named no
    dataset), and a distribution's page no file."""
    bamberg = embedded(base_url + "doc/project/bamberg")
    assert (bamberg["foundingDate"], bamberg["dissolutionDate"]) == ("2020-11", "2027")
    programme = embedded(base_url + "doc/programme")
    assert programme["foundingDate"] == "2019"
    assert not {"startDate", "endDate"} & (bamberg.keys() | programme.keys())
    assert embedded(base_url + "doc/round/2019")["@type"] == "Thing"
    dataset, catalog = embedded(base_url + "doc/dataset"), embedded(base_url + "doc/catalog")
    assert dataset["identifier"] == "https://w3id.org/mpsc/id/dataset" and dataset["datePublished"] == "2026-11-24"
    assert [c["@id"] for c in dataset["includedInDataCatalog"]] == [catalog["@id"]] == ["https://w3id.org/mpsc/id/catalog"]
    assert [d["@id"] for d in catalog["dataset"]] == [dataset["@id"]]
    assert "contentUrl" not in embedded(base_url + "doc/distribution/sparql")  # an access URL only (was "None")
    csv = embedded(base_url + "doc/distribution/bodies-csv")
    assert csv["@type"] == "DataDownload" and csv["encodingFormat"] == "text/csv"
    assert csv["contentUrl"] == f"https://w3id.org/mpsc/dumps/{release.version}/bodies.csv"


def test_pages_of_namesakes_have_titles_and_descriptions_of_their_own(base_url):
    """A search engine's review: 942 municipalities share their name with another, and their pages (with 93 % of
    all pages) had the site's description; three Neuenkirchen pages had one title. A place's title names its
    district and state, a measure's and a strategy's their project, and a page without a description of its own
    says what and where it is."""
    heads = {path: page(base_url + path).split("</head>")[0] for path in (
        "doc/municipality/03358017", "doc/municipality/05566060", "doc/municipality/03459027",
        "doc/measure/kirchheim-bei-muenchen-7", "doc/strategy/einbeck", "doc/strategy/landkreis-hameln-pyrmont")}
    titles = {path: html.unescape(re.search(r"<title>(.*?) – ", head).group(1)) for path, head in heads.items()}
    descriptions = {re.search(r'<meta name="description" content="([^"]*)"', head).group(1) for head in heads.values()}
    assert titles["doc/municipality/03358017"] == "Neuenkirchen (Heidekreis, Niedersachsen)"
    assert titles["doc/measure/kirchheim-bei-muenchen-7"] == "Online-Beteiligungsplattform (Kirchheim b. München)"
    assert titles["doc/strategy/einbeck"] == "Zukunftsstrategie (Einbeck)"
    assert len(set(titles.values())) == len(descriptions) == len(heads), titles
    english = page(base_url + "doc/municipality/03358017?lang=en")
    assert '<meta name="description" content="Municipality: Neuenkirchen (Heidekreis, Lower Saxony). ' in english
    # a review: names were escaped twice ("Rödl &amp;amp; Partner"), descriptions ran to 276 characters, and a
    # district-free city was named with its own district ("Bamberg (Bamberg, Bayern)")
    roedl = page(base_url + "doc/organisation/roedl-partner").split("</head>")[0]
    assert "<title>Rödl &amp; Partner – " in roedl and 'content="Organisation: Rödl &amp; Partner. ' in roedl
    for path in ("doc/measure/muenster-2", "doc/project/bamberg"):
        described = re.search(r'<meta name="description" content="([^"]*)"', page(base_url + path)).group(1)
        assert len(html.unescape(described)) <= 160 and described.endswith("…"), path
    assert "<title>Bamberg (Bayern) – " in page(base_url + "doc/municipality/09461000")
    assert "<title>Berlin (Berlin) – " in page(base_url + "doc/municipality/11000000")  # not titled as the state


@pytest.mark.parametrize("lang", ["de", "en"])
def test_each_site_page_describes_itself(base_url, lang):
    """Same review: the lists, the dumps, the changes and the limits had the site's description (the landing page
    keeps it: it is the site's)."""
    from server.web.harvest import PAGES
    paths = [path for path in PAGES if path] + ["projects?round=2019"]
    found = {path: re.search(r'<meta name="description" content="([^"]*)"', page(f"{base_url}{path}", lang)).group(1)
             for path in paths}
    site = re.search(r'<meta name="description" content="([^"]*)"', page(base_url, lang)).group(1)
    assert len(set(found.values()) | {site}) == len(paths) + 1, found
    assert all(len(text) <= 161 for text in found.values()), found


def test_every_link_of_the_footer_answers_a_browser_without_a_redirect(base_url):
    """A search engine's review: the footer of every page linked /catalog and /.well-known/void, which answer a
    browser with a 303 to their pages; it links those pages."""
    footer = page(base_url).split('<footer class="site">')[1].split("</footer>")[0]
    links = [url for url in re.findall(r'href="([^"]+)"', footer) if url.startswith(base_url)]  # not the licences'
    assert len(links) >= 6
    for url in links:
        status, _, _ = fetch(html.unescape(url), BROWSER, follow=False)
        assert status == 200, url


def embedded(url: str) -> dict:
    """The schema.org JSON-LD a page embeds."""
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page(url), re.S).group(1))


def test_long_backlink_lists_are_sampled_with_a_count(base_url):
    html = page(base_url + "doc/state/09")
    assert "und 2.413 weitere" in text(html)


def test_error_pages_use_the_layout(base_url):
    status, headers, body = fetch(base_url + "doc/project/none", BROWSER)
    assert status == 404 and "Nicht gefunden" in body.decode() and 'href="' + base_url + 'projects"' in body.decode()


def test_one_rule_picks_the_text_for_the_reader():
    assert preferred({"de": "Staffel", "en": "Round"}, "en") == "Round"
    assert preferred({"de": "Staffel", "": "untagged"}, "en") == "Staffel"
    assert preferred({"fr": "Tour"}, "en") == "Tour" and preferred({}, "en") is None


def test_per_release_values_never_mix_releases_under_concurrent_requests():
    """A slow computation started for one release must not answer later requests for the next one."""
    store = SimpleNamespace(version="v1")
    app = Flask(__name__)
    app.extensions["mpsc.store"] = store
    started, release_slow = threading.Event(), threading.Event()
    results = {}

    def slow():
        started.set()
        release_slow.wait(10)
        return "computed for v1"

    def first_request():
        with app.app_context():
            results["first"] = per_release.value("name", slow)

    thread = threading.Thread(target=first_request)
    thread.start()
    assert started.wait(10)
    store.version = "v2"  # the store switches releases while the first request still computes
    with app.app_context():
        assert per_release.value("name", lambda: "computed for v2") == "computed for v2"
    release_slow.set()
    thread.join(10)
    assert results["first"] == "computed for v1"  # its own value, not another's, and no KeyError
    with app.app_context():
        assert per_release.value("name", lambda: "computed again") == "computed for v2"


@pytest.mark.parametrize("lang, lead", [
    ("de", "Das Modellprojekt „Digitale Stadt Cottbus / Chóśebuz“ wurde 2019 in der 1. Staffel"),
    ("en", "The model project “Digitale Stadt Cottbus / Chóśebuz” was selected in 2019, in round 1"),
])
def test_a_project_page_leads_with_its_description_in_the_readers_language(base_url, lang, lead):
    """The editorial description is the lead text and the schema.org description; the collector's curation
    note stays on the page as a note, not as the introduction."""
    html = page(base_url + "doc/project/cottbus", lang)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["description"].startswith(lead)
    words = text(html)
    assert words.index(lead) < words.index("Angaben" if lang == "de" else "Facts")
    assert 'existing strategy "Digitale Stadt Cottbus"' in words.split(lead, 1)[1]  # the note, below the lead


@pytest.mark.parametrize("path, lang, lead, note", [
    ("doc/round/2019", "de", "Die 1. Staffel der Modellprojekte Smart Cities wurde am 10. Juli 2019", "Städtetag item"),
    ("doc/round/2019", "en", "Round 1 of the Model Projects Smart Cities was announced on 10 July 2019", "Städtetag item"),
    ("doc/charter", "de", "Die Smart City Charta erschien im Juni 2017", "details in programme.csv"),
    ("doc/charter", "en", "The Smart City Charter appeared in June 2017", "details in programme.csv"),
    ("doc/call/2019", "de", "Der Förderaufruf zur 1. Staffel der Modellprojekte Smart Cities erschien am 29. März 2019",
     "formally complete bids assessed"),
    ("doc/call/2020", "en", "The call for round 2 of the Model Projects Smart Cities set an application deadline",
     "two expert reviewers per bid"),
    ("doc/call/2021", "en", "The call for round 3 of the Model Projects Smart Cities was published on 16 December 2020",
     "external expert reviewers"),
])
def test_round_and_charta_pages_lead_with_our_description_not_the_collectors_note(base_url, path, lang, lead, note):
    """Rounds, their calls and the Charta open with our editorial description, in the reader's language, as
    lead text and schema.org description; the collector's note stays on the page below it (issue 10, audit)."""
    html = page(base_url + path, lang)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["description"].startswith(lead) and note not in data["description"]
    words = text(html)
    assert words.index(lead) < words.index("Angaben" if lang == "de" else "Facts")
    assert note in words.split(lead, 1)[1]


def test_a_measure_page_names_its_project_status_and_what_it_reuses(base_url):
    words = text(page(base_url + "doc/measure/hagenow-1", "en"))
    assert "in operation" in words and "HageNOW" in words
    assert "interactive municipal app (further development of the Smart Village App)" in words  # reuses
    assert "Hagenow" in words.split("Links to this resource", 1)[1]


def test_a_replica_without_the_release_folder_states_no_count_it_cannot_know(settings, real_store, tmp_path):
    """Found by an operator's review: over a store without the release folder the home page said "0 triples in the
    dataset" (the count is in the release manifest) and linked the missing /dumps/."""
    with serve_app(settings.with_(releases=tmp_path), store=real_store) as base:
        html = page(base, "en")
    assert "73" in html and "triples in the dataset" not in html and "dumps/#counts" not in html


def test_a_replica_whose_folder_lacks_the_stores_release_tags_its_pages_apart_and_says_so(settings, real_store,
                                                                                           base_url, tmp_path, caplog):
    """A Virtuoso operator's review: a replica whose releases folder lagged behind `mpsc load` showed the older
    release on its pages under the ETag of the replica that shows the store's own, so a CDN or client kept either
    for both; and nothing said why its /dumps/ listed files the catalogue does not name."""
    def tagged(base: str) -> str:
        status, headers, _ = fetch(base, BROWSER, headers={"Accept-Language": "en"})
        assert status == 200
        return headers["ETag"]
    # under the same public base, as replicas behind one name are (a page's ETag names its base)
    with caplog.at_level("WARNING", logger="server.web"), serve_app(settings.with_(releases=tmp_path),
                                                                     store=real_store, base_url=base_url) as lagging:
        assert tagged(lagging) != tagged(base_url)  # the pages differ: one names the release's counts and dumps
        assert tagged(lagging + "projects") != tagged(base_url + "projects")
        # as the log says, the folder copied in: the replica shows the store's release from then on
        shutil.copytree(settings.releases / real_store.version, tmp_path / real_store.version)
        assert tagged(lagging) == tagged(base_url)
    assert caplog.text.count(f"the store serves release {real_store.version}, which {tmp_path} lacks") == 1


def test_healthz_says_degraded_while_the_folder_lacks_the_served_releases_files(settings, real_store, tmp_path):
    """An SRE's review: with the releases folder moved away, /healthz said ok while /dumps/ answered 404 and the
    catalogue's download links led nowhere. The store still answers, so the replica stays 200, degraded, naming
    what it lacks: the release (its manifest), then a file emptied and one removed."""
    def health(base: str) -> dict:
        status, headers, body = fetch(base + "healthz")
        assert status == 200 and headers["Cache-Control"] == "no-store"
        return json.loads(body)
    with serve_app(settings.with_(releases=tmp_path), store=real_store) as base:
        lacking = health(base)
        assert lacking["status"] == "degraded" and lacking["store"]["ok"]
        assert lacking["files"] == {"version": real_store.version, "whole": False, "absent": ["release.json"]}
        folder = shutil.copytree(settings.releases / real_store.version, tmp_path / real_store.version)
        assert health(base)["status"] == "ok" and health(base)["files"]["whole"]
        (folder / "mpsc.ttl").write_bytes(b"")
        (folder / "places.csv").unlink()
        with open(folder / "search.sqlite", "r+b") as index:  # the search index's size is the manifest's too
            index.truncate(10)
        assert health(base)["status"] == "degraded"
        assert health(base)["files"]["absent"] == ["mpsc.ttl", "places.csv", "search.sqlite"]


def test_a_release_file_the_manifest_gives_no_size_is_absent_only_when_gone(tmp_path, release):
    """A review of the check: an entry without `bytes` (the manifest makes it optional) counted as a file of
    another size, so such a release was degraded for good."""
    from server.build.release import open_release

    folder = shutil.copytree(release.path, tmp_path / release.version)
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    unsized = open_release(folder).__class__(folder, {**manifest, "files": [
        {k: v for k, v in entry.items() if k != "bytes"} for entry in manifest["files"]]})
    assert unsized.absent() == []
    (folder / "mpsc.ttl").unlink()
    assert unsized.absent() == ["mpsc.ttl"]


def test_every_page_describes_itself_for_search_engines_and_link_previews(base_url):
    """An English reader's review: no page had a <meta name="description">. A resource's is the start of its own
    description in the reader's language, the query form's the site's (the lists' their own: the next test)."""
    descriptions = {}
    for path, lang in (("", "de"), ("", "en"), ("sparql", "en"), ("doc/project/bamberg", "de"),
                       ("doc/project/bamberg", "en")):
        found = re.findall(r'<meta name="description" content="([^"]+)">', page(base_url + path, lang))
        assert len(found) == 1 and len(found[0]) > 40, (path, lang, found)
        descriptions[path, lang] = html.unescape(found[0])
    assert descriptions["", "de"] != descriptions["", "en"] == descriptions["sparql", "en"]
    assert descriptions["doc/project/bamberg", "en"].startswith("The model project “Smart City Bamberg”")
    assert descriptions["doc/project/bamberg", "de"] != descriptions["doc/project/bamberg", "en"]


def test_titles_name_the_site_once_and_previews_know_the_other_language(base_url):
    """A search-engine review: the programme's page was titled "Modellprojekte Smart Cities – Modellprojekte Smart
    Cities" (its label is the site's name), the dataset's repeated it after "… – offener Wissensgraph"; no page
    named its other language's locale for link previews (`og:locale:alternate`) nor a card type."""
    for path, lang, title in (("doc/programme", "de", "Modellprojekte Smart Cities"),
                              ("doc/programme", "en", "Model Projects Smart Cities"),
                              ("doc/dataset", "de", "Modellprojekte Smart Cities – offener Wissensgraph"),
                              ("doc/project/bamberg", "en", "Smart City Bamberg – Model Projects Smart Cities")):
        found = page(base_url + path, lang)
        assert re.findall(r"<title>(.*?)</title>", found) == [title], (path, lang)
        other = "en_GB" if lang == "de" else "de_DE"
        assert f'<meta property="og:locale:alternate" content="{other}">' in found
        assert '<meta name="twitter:card" content="summary">' in found and 'name="robots"' not in found


def test_a_filter_that_finds_no_project_is_not_indexed(base_url):
    """A search-engine review: a combination of filters without projects ("0 Modellprojekte") was an indexable page,
    which a search engine counts as a soft 404; one with projects stays indexable."""
    empty, some = page(base_url + "projects?round=2019&state=02"), page(base_url + "projects?round=2019")
    assert "project/ulm" not in empty and '<meta name="robots" content="noindex">' in empty
    assert "project/ulm" in some and 'name="robots"' not in some


STATIC = Path(__file__).resolve().parent.parent / "server" / "static"
FOR_A_YEAR = "public, max-age=31536000, immutable"


def test_pages_name_assets_by_version_which_caches_keep_for_a_year(base_url):
    """An operator's review: every page view asked again for the style sheet and the editor's half megabyte of
    script (`no-cache`). Pages name each asset by its content's version; that answer never changes."""
    named = set()
    for path in ("", "sparql", "sparql?query=ASK%7B%7D&format=html"):
        html_page = fetch(base_url + path, "text/html")[2].decode()
        named |= set(re.findall(r'(?:href|src)="' + re.escape(base_url) + r'static/([\w./-]+)\?v=(\w+)"', html_page))
    assert {path for path, _ in named} == {"style.css", "workbench/workbench.css", "workbench/editor.js",
                                           "workbench/views.js"}
    for path, version in named:
        assert version == hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:12], path
        status, headers, _ = fetch(f"{base_url}static/{path}?v={version}")
        assert status == 200 and headers["Cache-Control"] == FOR_A_YEAR, path
        again = fetch(f"{base_url}static/{path}?v={version}", headers={"If-None-Match": headers["ETag"]})
        assert again[0] == 304 and again[1]["Cache-Control"] == FOR_A_YEAR, path
        for other in ("", "?v=" + "0" * 12):  # no version, or one the file no longer has: asked again each time
            status, headers, _ = fetch(f"{base_url}static/{path}{other}")
            assert status == 200 and headers["Cache-Control"] == "no-cache", (path, other)
    chunk = next(STATIC.glob("workbench/chunk-*.js")).relative_to(STATIC).as_posix()  # named by esbuild by content
    assert fetch(f"{base_url}static/{chunk}")[1]["Cache-Control"] == FOR_A_YEAR


def test_the_landing_page_describes_the_dataset_for_dataset_search(base_url):
    """An F-UJI review: the catalogue names the start page the dataset's landing page, and it had no schema.org
    JSON-LD (the dataset's page had), where dataset search engines read it. Both pages mark the dataset up alike,
    with the start page as its `url` (a search-engine review: with two `url`s, Dataset Search may see two)."""
    for query, lang in (("", "de"), ("?lang=en", "en")):
        page = fetch(base_url + query, "text/html")[2].decode()
        found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert len(found) == 1, query
        dataset = json.loads(found[0])
        own = json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>',
                                    fetch(f"{base_url}doc/dataset{query}", "text/html")[2].decode(), re.S)[0])
        assert dataset == own and dataset["url"] == base_url + query, query
        assert dataset["@type"] == "Dataset" and dataset["@id"] == "https://w3id.org/mpsc/id/dataset"
        assert dataset["distribution"] and dataset["license"] and dataset["inLanguage"]


def test_the_query_form_is_cached_and_validated_as_pages_are(base_url):
    """A review over a slow mobile network: the form (119 KB, 68 KB of it the editor's vocabulary and examples)
    carried no validator and went again at every visit."""
    status, headers, _ = fetch(base_url + "sparql", "text/html")
    assert status == 200 and headers["Cache-Control"] == "public, max-age=300" and headers["ETag"]
    assert {"accept", "accept-language"} <= vary(headers)
    assert fetch(base_url + "sparql", "text/html", headers={"If-None-Match": headers["ETag"]})[0] == 304
    example = fetch(base_url + "sparql?example=large-municipalities", "text/html")[1]["ETag"]
    english = fetch(base_url + "sparql", "text/html", headers={"Accept-Language": "en"})[1]["ETag"]
    assert len({headers["ETag"], example, english}) == 3


def test_a_results_page_runs_its_tables_script_before_the_editors(base_url):
    """A review over a slow mobile network: module scripts run in document order, and the results' sortable table
    and map (views.js, 2 KB) waited for the editor's 500 KB: table sorting was ready after 16 s."""
    page = fetch(base_url + "sparql?query=ASK%7B%7D&format=html", "text/html")[2].decode()
    scripts = re.findall(r'<script type="module" src="[^"]*/static/workbench/(\w+)\.js', page)
    assert scripts == ["views", "editor"]


@pytest.mark.parametrize("path", ["workbench/editor.js", "style.css", "map/germany.geojson"])
def test_assets_are_gzipped_for_a_client_that_takes_gzip(base_url, path):
    """A review over a slow mobile network: the editor's 500 KB of script were sent as they are (157 KB gzipped,
    ten seconds at 50 KB/s). Gzipped for a client that takes it, with a tag of its own; both answers vary."""
    url = f"{base_url}static/{path}?v={hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:12]}"
    status, headers, body = fetch(url, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and "accept-encoding" in vary(headers)
    assert gzip.decompress(body) == (STATIC / path).read_bytes() and len(body) < (STATIC / path).stat().st_size / 2
    assert headers["Cache-Control"] == FOR_A_YEAR
    plain = fetch(url, headers={"Accept-Encoding": "gzip;q=0"})
    assert plain[0] == 200 and "Content-Encoding" not in plain[1] and "accept-encoding" in vary(plain[1])
    assert plain[2] == (STATIC / path).read_bytes() and plain[1]["ETag"] != headers["ETag"]
    again = fetch(url, headers={"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})
    assert again[0] == 304 and again[2] == b""
    part = fetch(url, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert part[0] == 206 and part[2] == body[:100] and part[1]["Content-Encoding"] == "gzip"
    # a range beyond the gzip bytes but within the file's, for the file's tag: the whole twin (a review: 416)
    beyond = fetch(url, headers={"Accept-Encoding": "gzip", "Range": f"bytes={len(body) + 1}-",
                                 "If-Range": plain[1]["ETag"]})
    assert beyond[0] == 200 and beyond[2] == body


def test_the_examples_keys_and_texts_are_part_of_a_pages_tag(tmp_path):
    """A review: the form's tag named the examples' texts, not their keys, which its links use."""
    from server.sparql import examples
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.rq").write_text("ASK {}", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.rq").write_text("ASK {}", encoding="utf-8")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "one.rq").write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert len({examples.digest(tmp_path / name) for name in "abc"}) == 3
