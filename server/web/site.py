"""What every HTML page shares: the reader's language, the UI texts, links on this deployment, the layout.

`context()` is registered app-wide (also for the SPARQL and error pages, which extend the same layout);
`render_page` answers a page with the headers that say what it depends on, `conditional_page` answers
304 before a view does any work, and `missing` stops a view with a 404 in the reader's language.
"""
from __future__ import annotations

from functools import wraps
from typing import NoReturn

from flask import Response, abort, g, render_template, request

from ..errors import HttpError
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
    """The ETag of an HTML page: the release, the full URL and the language decide its bytes (so its 304 too
    says Vary: Accept-Language)."""
    lang, _ = reader()
    http.depends_on("Accept-Language")
    return http.etag(get_store().version, request.full_path, lang, *parts)


def conditional_page(view):
    """A page view that answers 304 before doing any work when the reader's copy is current; the view
    gets the page's ETag as `tag` (for `render_page`)."""
    @wraps(view)
    def answer(**values) -> Response:
        tag = page_tag()
        response = http.not_modified(tag)
        return view(tag=tag, **values) if response is None else response
    return answer


def not_found_page(text: str, details: dict | None = None) -> Response:
    """The 404 page in the reader's language (Werkzeug's own error texts are English), never cached."""
    lang, _ = reader()
    response = render_page("error.html", code=404, status=404, title=message("error.404", lang), message=text,
                           details=details or {})
    response.cache_control.no_store = True
    return response


def missing(key: str, **values) -> NoReturn:
    """Stop with 404: the page in the reader's language for browsers, else problem details in English (as every
    API error is). `key` names the message, `values` fill it in."""
    if http.wants_html():
        abort(not_found_page(message(key, reader()[0]).format(**values)))
    raise HttpError(404, message(key, "en").format(**values))
