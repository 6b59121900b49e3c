"""Pages and documents: the clients of one address may be waiting for MPSC_ADDRESS_PAGES of them at once.

Queries (/sparql, /q/) and reconciliation batches (/reconcile) have budgets of their own (admission.py); pages
and documents had none, so one address sending uncached requests in parallel took every HTTP thread and the
site's executors, and everyone else waited seconds for a page (a helper's attack, 2026-12-06: 32 loops from one
address asking for a document with a new junk parameter each time, which no cache holds, kept another address's
document 4-9 s from its usual 0.02 s).
The next request of an address that is waiting for as many gets 429 at once. Answers the document cache holds
never reach the app (fastpath.py), so they count for nothing; nor do static files, /healthz and CORS preflights. Behind a proxy
or CDN, MPSC_TRUSTED_PROXIES must name it, or all its visitors are one address.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request

from .admission import AtOnce, address_of, client_in

# Counted elsewhere (a query's or a batch's budget, admission.py), or cheap: by path prefix, and /reconcile itself
# (its suggestions, previews and proposals are counted here).
OWN_BUDGETS, OWN_BUDGET = ("/sparql", "/q/", "/static/", "/healthz"), "/reconcile"


def counted(method: str, path: str) -> bool:
    """Whether a request for `path` counts among its address's pages and documents. A CORS preflight (OPTIONS)
    does not: it computes nothing, and a browser turns any answer to it but a 2xx into a network error, so the
    script behind it could read neither the 429 nor its Retry-After (a JavaScript developer's review)."""
    return method != "OPTIONS" and not path.startswith(OWN_BUDGETS) and path != OWN_BUDGET


def init_app(app: Flask, most: int) -> None:
    app.extensions["mpsc.pages"] = AtOnce(most, "Your address is waiting for {most} pages or documents already, the "
                                                "most one address may wait for at once. Ask again when those are "
                                                "answered.", "address_pages")
    app.before_request(_enter)
    app.teardown_request(_leave)


def _enter() -> None:
    if not counted(request.method, request.path):
        return
    address = address_of(client_in(request.environ, current_app.config["MPSC"].trusted_proxies))
    current_app.extensions["mpsc.pages"].enter(address)
    g.page_address = address


def _leave(error: BaseException | None = None) -> None:
    address = g.pop("page_address", None)
    if address is not None:
        current_app.extensions["mpsc.pages"].leave(address)
