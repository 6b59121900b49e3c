"""Open knowledge graph of the Modellprojekte Smart Cities: build pipeline, stores and web app.

`create_app` is the Flask application factory (granian: `server:create_app`, factory); build and import code
never imports Flask, so `mpsc build` stays light.
"""
from __future__ import annotations


def create_app(settings=None, store=None):
    """Assemble the web app: settings, the store over the current release, and one blueprint per URL family.

    `store` lets tests inject an already-open store and `mpsc serve` one still opening (a Future); otherwise one
    is opened from `settings`.
    """
    from flask import Flask

    from .config import Settings
    from .web import register

    app = Flask(__name__)
    app.config["MPSC"] = settings or Settings.from_env()
    register(app, store)
    return app
