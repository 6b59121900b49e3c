"""/healthz: whether this replica can answer, for load balancers and operators.

503 when the store cannot answer (`"status": "unavailable"`); 200 otherwise, `"degraded"` when the releases
folder no longer holds the served release's files as its manifest lists them (an SRE's review: with the folder
moved away it said ok while /dumps/ answered 404 and the catalogue's download links led nowhere). A degraded
replica stays in a load balancer's pool: its queries, pages and documents still answer, and over a shared store
every replica is degraded at once while a new release is being copied in; alert on the status instead. The body
names the store, the release version it serves and the current release on disk (they differ after `mpsc build`
until the server restarts), and the worker that answered (its process id: with MPSC_WORKERS > 1 each probe reaches
one of them) with its public work (`queries`: running, waiting, all in flight; `Admission.load`): a full queue
answers 503 to queries while the store is well.
"""
from __future__ import annotations

import os

from flask import Blueprint, current_app, jsonify

from ..build.release import MANIFEST
from . import get_releases, get_store, responses, store_release

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    store = get_store().health()
    files = release_files(store)
    status = "unavailable" if not store["ok"] else "degraded" if files and files["absent"] else "ok"
    body = {"status": status, "store": store, "files": files, "release": get_releases().current_version(),
            "worker": os.getpid(), "queries": current_app.extensions["mpsc.admission"].load()}
    response = jsonify(body)
    response.status_code = 503 if status == "unavailable" else 200
    return responses.uncached(response)


def release_files(store: dict) -> dict | None:
    """Whether the releases folder holds the files of the release the store serves (`absent`: those it lacks or
    holds at another size; the manifest alone when the release's folder or manifest is gone): the release is read
    once per version (`store_release`), a probe stats its files. None while the store names no version, and for a
    replica of a remote store whose releases folder holds no release (README: its files may come from elsewhere)."""
    version = store.get("version")
    if not version or (store["store"] != "embedded" and get_releases().current_version() is None):
        return None
    release = store_release()
    absent = release.absent() if release is not None else [MANIFEST]
    return {"version": version, "whole": not absent, "absent": absent}
