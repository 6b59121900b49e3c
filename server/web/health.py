"""/healthz: whether this replica can answer, for load balancers and operators.

200 when the store answers, else 503; the body names the store, the release version it serves and the
current release on disk (they differ after `mpsc build` until the server restarts), and the worker that answered
(its process id: with MPSC_WORKERS > 1 each probe reaches one of them) with its public work (`queries`:
running, waiting, all in flight; `Admission.load`): a full queue answers 503 to queries while the store is well.
"""
from __future__ import annotations

import os

from flask import Blueprint, current_app, jsonify

from . import get_releases, get_store, responses

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    store = get_store().health()
    body = {"status": "ok" if store["ok"] else "unavailable", "store": store,
            "release": get_releases().current_version(), "worker": os.getpid(),
            "queries": current_app.extensions["mpsc.admission"].load()}
    response = jsonify(body)
    response.status_code = 200 if store["ok"] else 503
    return responses.uncached(response)
