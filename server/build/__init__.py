"""The build: ontology/ + data/ -> merged named graphs -> SHACL validation -> metadata -> a release.

The pipeline is `pipeline.py` (`build`, `BuildError`, `load_inputs`, …), the release folders `release.py`.
Its names are offered here on first use, not imported with the package: the server reads releases
(`server.build.release`) at every start, and importing the build (rdflib graphs, SHACL, exports) with it
cost a tenth of a second of each start-up (benchmarks/startup.py).
"""
from __future__ import annotations

import importlib
import importlib.util


def __getattr__(name: str):
    """`from server.build import build` and the like: the pipeline's names, imported when first asked for.

    A module of the build (`from ..build import changes`) is imported by itself: Python asks this hook before
    it imports a submodule, and answering from the pipeline loaded all of it into the web server."""
    if name.isidentifier() and importlib.util.find_spec(f"{__name__}.{name}") is not None:  # "a.b" names none
        return importlib.import_module(f"{__name__}.{name}")
    pipeline = importlib.import_module(f"{__name__}.pipeline")  # not `from . import`: that asks this hook again
    try:
        return getattr(pipeline, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
