"""What every HTML page shares: the reader's language, the UI texts, links on this deployment, the layout.

`context()` is registered app-wide (also for the SPARQL and error pages, which extend the same layout);
`render_page` answers a page with the headers that say what it depends on.
"""
from __future__ import annotations

from flask import Response, g, render_template, request

from ..formats import HTML
from . import get_settings, get_store, http
from .i18n import LANGUAGES, choose_language, message
from .links import Linker

NAVIGATION = (("projects", "nav.projects"), ("municipalities", "nav.municipalities"),
              ("districts", "nav.districts"), ("cooperations", "nav.cooperations"), ("charter", "nav.charter"),
              ("sparql", "nav.sparql"), ("dumps/", "nav.dumps"))


def reader() -> tuple[str, Linker]:
    """The request's language and a linker that keeps an explicit ?lang= choice on every link."""
    if "mpsc_reader" not in g:
        lang, explicit = choose_language()
        g.mpsc_reader = (lang, Linker(get_settings().public_base, explicit))
    return g.mpsc_reader


def context() -> dict:
    """Template globals: `lang`, `t(key, **values)`, `link` (a Linker), the navigation and the language switch."""
    lang, link = reader()
    other = next(code for code in LANGUAGES if code != lang)
    params = {**request.args.to_dict(), "lang": other}
    return {
        "lang": lang,
        "t": lambda key, **values: message(key, lang).format(**values) if values else message(key, lang),
        "number": lambda n: number(n, lang),
        "link": link,
        "navigation": [(link.url(path), message(key, lang), request.path == "/" + path) for path, key in NAVIGATION],
        "switch_url": Linker(get_settings().public_base).url(request.path.lstrip("/"), **params),
        "switch_lang": other,
    }


def number(value, lang: str) -> str:
    """A number with the reader's digit grouping: 77.150 in German, 77,150 in English."""
    grouped = f"{value:,}"
    return grouped.translate(str.maketrans(",.", ".,")) if lang == "de" else grouped


def render_page(template: str, code: int = 200, tag: str | None = None, **values) -> Response:
    """An HTML page with status `code`; it depends on Accept-Language (unless ?lang= chose it)."""
    lang, _ = reader()
    response = Response(render_template(template, **values), status=code, content_type=HTML.content_type)
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    if tag and code == 200:
        http.cacheable(response, tag)
    return response


def page_tag(*parts: str) -> str:
    """The ETag of an HTML page: the release, the full URL and the language decide its bytes."""
    lang, _ = reader()
    return http.etag(get_store().version, request.full_path, lang, *parts)
