"""What every HTML page shares: the reader's language, the UI texts, links on this deployment, the layout.

`context()` is registered app-wide (also for the SPARQL and error pages, which extend the same layout);
`render_page` answers a page with the headers that say what it depends on, `conditional_page` answers
304 before a view does any work, and `not_found` is the one 404 of the site (`missing` stops a view with it).
"""
from __future__ import annotations

from functools import wraps
from typing import NoReturn
from urllib.parse import quote, urlencode

from flask import Response, abort, g, render_template, request
from markupsafe import Markup, escape

from ..build.licences import LICENCES
from ..config import contact_is_web
from ..dates import spoken_date
from ..numbers import number
from ..formats import HTML, Format, by_extension
from ..rdfio import empty_document
from ..sparql import examples
from . import assets, get_settings, get_store, responses, served_release
from .conneg import wants_html
from .i18n import DEFAULT, LANGUAGES, choose_language, message
from .links import Linker
from .maps import degrees

# What robots.txt closes to crawlers (harvest.robots): answers computed per request for any text, endless URL
# spaces (a web developer's review); their pages name no canonical URL.
UNINDEXED = ("sparql", "q/", "search", "reconcile")
# The programme first: a journalist's review found who runs it and pays linked only from the pages of rounds,
# calls and organisations.
NAVIGATION = (("doc/programme", "nav.programme"), ("projects", "nav.projects"),
              ("municipalities", "nav.municipalities"), ("districts", "nav.districts"),
              ("cooperations", "nav.cooperations"), ("charter", "nav.charter"), ("sparql", "nav.sparql"),
              ("dumps/", "nav.dumps"))


def reader() -> tuple[str, Linker]:
    """The request's language and a linker that keeps an explicit ?lang= choice on every link."""
    if "mpsc_reader" not in g:
        lang, explicit = choose_language()
        g.mpsc_reader = (lang, Linker(get_settings().public_base, explicit))
    return g.mpsc_reader


def lang_attribute(tag: str) -> Markup:
    """` lang="de"` for an element whose text is in another language than the page's (`tag` from i18n.other_tag),
    else nothing."""
    return Markup(' lang="{}"').format(tag) if tag else Markup("")


def context() -> dict:
    """Template globals: `lang`, `t(key, **values)`, `link` (a Linker), the navigation and the language switch;
    no language versions (`language_urls`), which only `render_page` names, for a page to index."""
    lang, link = reader()
    other = next(code for code in LANGUAGES if code != lang)
    here, path = Linker(get_settings().public_base), request.path.lstrip("/")
    # Every value of a repeated parameter: a results page's two default-graph-uri (an attacker's review: the other
    # language's page had only the first, and counted another dataset).
    params = {name: values for name, values in request.args.lists() if name != "lang"}
    # The page in the other language (the switch). Its versions for search engines (hreflang) only a page to index
    # names, from its canonical URL (`render_page`): not an error, a result page or a search (a review: they
    # carried every parameter, a long query three times).
    settings = get_settings()
    return {
        "lang": lang,
        "t": lambda key, **values: message(key, lang).format(**values) if values else message(key, lang),
        "licences": LICENCES,  # the footer links their texts (a municipal officer's review: it named them only)
        "operator_links": [(href, message(key, lang)) for href, key in (
            (settings.contact and contact_link(settings.contact), "footer.contact"),
            (settings.imprint, "footer.imprint"), (settings.privacy, "footer.privacy")) if href],
        "report_link": lambda subject, about: settings.contact and contact_link(settings.contact, subject, about),
        "number": lambda n: number(n, lang),
        "degrees": lambda lat, lon: degrees(lat, lon, lang),
        "lang_of": lang_attribute,
        "file_size": lambda size: file_size(size, lang),
        "date": lambda value: spoken_date(value, lang),  # a release's day, as the data's days are written
        "link": link,
        "asset": lambda path: assets.url(link.base, path),  # a static file, by its version (assets.py)
        "navigation": [(link.url(path), message(key, lang), request.path == "/" + path) for path, key in NAVIGATION],
        "language_urls": {},
        "switch_url": here.url(path, **params, lang=other),
        "switch_lang": other,
    }


def contact_link(contact: str, subject: str = "", about: str = "") -> str:
    """Where a reader writes to the operator (MPSC_CONTACT): for an e-mail address a mailto: link whose subject and
    body name the page the reader is on (`subject`, `about`), so that a report arrives with its place; an http(s)
    URL as it is, since its form's parameters are not known here."""
    if contact_is_web(contact):
        return contact
    about = about.replace("\r\n", "\n").replace("\n", "\r\n")  # a mail's line ends (RFC 6068 §5)
    fields = {name: value for name, value in (("subject", subject), ("body", about)) if value}
    return f"mailto:{contact}" + ("?" + urlencode(fields, quote_via=quote) if fields else "")


class InLanguage(str):
    """A value of a message that is in a language of its own, `tag` (the reason an identifier was withdrawn is
    English): `error_page` marks it with `lang` where the page is in another (WCAG 3.1.2); `str.format`, as for
    problem details and RDF, gives its text alone."""

    def __new__(cls, text: str, tag: str):
        value = super().__new__(cls, text)
        value.tag = tag
        return value

    def __html__(self) -> Markup:
        return Markup('<span lang="{}">{}</span>').format(self.tag, str(self))


def error_page(status: int, key: str, values: dict, headers: dict | None = None, details: dict | None = None) -> Response:
    """The site's error page saying the message `key` (i18n.MESSAGES) in the reader's language, its whole numbers
    grouped as the reader writes them, a value in another language marked so (`InLanguage`), and that it depends on
    that language (`not_found`'s page, an HttpError's `words`)."""
    lang = choose_language()[0]
    shown = {name: number(value, lang) if isinstance(value, int)
             else str(value) if isinstance(value, InLanguage) and value.tag == lang else value
             for name, value in values.items()}
    response = responses.error_response(status, escape(message(key, lang)).format(**shown), headers, page=True,
                                        **(details or {}))
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    return response


def file_size(size: int, lang: str) -> str:
    """A file's size in decimal units (as Jinja's filesizeformat, which writes "1.8 MB" also in German)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        scaled = round(size / scale, 1)
        if scaled >= 1:  # 999,960,000 bytes are "1,0 GB", not "1.000,0 MB"
            return f"{number(scaled, lang)} {unit}"
    unit = "Byte" if lang == DEFAULT else "byte"
    return f"{number(size, lang)} {unit}{'' if size == 1 else 's'}"


def language_versions(path: str, params: dict) -> dict[str, str]:
    """The page at `path` with `params` in each language (its canonical URL there) and as Accept-Language picks
    it: the hreflang alternates, "x-default" the last."""
    here = Linker(get_settings().public_base)
    return {**{code: canonical_url(path, code, **params) for code in LANGUAGES}, "x-default": here.url(path, **params)}


def page_versions(defining: dict | None = None) -> dict[str, str] | None:
    """This page's canonical URL in each language (`language_versions`): its path without a format suffix
    (`/doc/x.html` shows what `/doc/x` does), with only the query parameters that make it another page
    (`defining`: a list's filters) — its order, `?lang=` and unknown parameters show the same page, and a search
    engine would otherwise index each spelling as a duplicate (a search-engine review: 500 sort variants of the
    lists). None for what robots.txt closes to crawlers (`UNINDEXED`)."""
    path = request.path.lstrip("/")
    if path.startswith(UNINDEXED):
        return None
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix.lower() == HTML.extension:  # in any case, as suffixes are read (a search-engine review:
        path = stem                               # `/doc/x.HTML` was a page canonical under its own spelling)
    return language_versions(path, defining or {})


def canonical_url(path: str, lang: str, /, **params) -> str:
    """The URL search engines should index for a page in `lang`: without ?lang= for German, which is what the
    bare URL answers a crawler (it sends no Accept-Language), so that the sitemap's URLs are canonical too;
    with ?lang= for the other language."""
    return Linker(get_settings().public_base).url(path, **params, **({} if lang == DEFAULT else {"lang": lang}))


def render_page(template: str, code: int = 200, defining: dict | None = None, **values) -> Response:
    """An HTML page with status `code`; one answered 200 names its canonical URL and its versions in each
    language from `page_versions(defining)`. It says `Vary: Accept-Language` even where ?lang= chose the
    language, as its 304 does (`page_tag`): one rule for every page, and a cache keys each URL on its own anyway."""
    lang, _ = reader()
    versions = page_versions(defining) if code == 200 else None
    if versions:
        values.update(language_urls=versions, canonical=versions[lang])
    values.setdefault("signposted", [])
    response = Response(render_template(template, **values), status=code, content_type=HTML.content_type)
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    return response


# Settings a page shows (the base its links start with, its footer's and report links, the result map's tiles): a
# page's ETag names them, so that a server restarted with others answers no 304 for a page cached under the old ones
# (reviews: it did).
PAGE_SETTINGS = ("base_url", "contact", "imprint", "privacy", "map_tiles", "map_attribution")


def page_tag(*parts: str) -> str:
    """The ETag of an HTML page: the release the store serves, the release whose files the page shows (another one
    where the releases folder lacks the store's: `served_release`), the full URL, the language, the settings it
    shows (PAGE_SETTINGS) and the example queries read from the project folder (the start page and the form list
    them) decide its bytes (so its 304 too says Vary: Accept-Language)."""
    lang, _ = reader()
    responses.depends_on("Accept-Language")
    shown, settings = served_release(), get_settings()
    return responses.etag(get_store().version, shown.version if shown else "", request.full_path, lang,
                          *(getattr(settings, name) for name in PAGE_SETTINGS),
                          examples.digest(settings.root / "queries"), *parts)


def conditional_page(view):
    """A page view answered through responses.conditional under its page_tag: 304 before the view does any
    work when the reader's copy is current."""
    @wraps(view)
    def answer(**values) -> Response:
        return responses.conditional(page_tag(), lambda: view(**values))
    return answer


def not_found(key: str = "error.404.text", fmt: Format | None = None, details: dict | None = None,
              status: int = 404, **values) -> Response:
    """The 404 of an unknown URL or resource (and 410 for an identifier withdrawn), never cached; a page beyond
    a result's last, or an id the reconciliation service never gave, is an HttpError's (hooks.py). An empty but
    well-formed RDF document when an RDF format was negotiated (its comment says why); the page in the reader's
    language for browsers (Werkzeug's own texts are English); else problem details in English, as every API error
    is. `key` names the message, `values` fill it in."""
    if fmt is not None and fmt.kind == "rdf":
        text = message(key, "en").format(**values)
        response = Response(empty_document(fmt.ox_format, text), status=status, content_type=fmt.content_type)
    elif fmt is HTML or (fmt is None and wants_html()):
        response = error_page(status, key, values, details=details)
    else:
        response = responses.error_response(status, message(key, "en").format(**values), **(details or {}))
    return responses.uncached(response)


def missing(key: str, **values) -> NoReturn:
    """Stop a view with the site's 404 (see `not_found`)."""
    abort(not_found(key, **values))


def suffix_format(extension: str | None, offered) -> Format | None:
    """The format a URL's suffix names (`/catalog.ttl`), None without one; the site's 404 for a suffix that names
    none of the `offered` formats."""
    suffix = by_extension(extension) if extension else None
    if extension and suffix not in offered:
        missing("error.404.text")
    return suffix
