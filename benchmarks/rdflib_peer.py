"""rdflib-endpoint over a release: the pure-Python peer of the throughput benchmark (sparql_throughput.py).

rdflib-endpoint (FastAPI under uvicorn) answers SPARQL with rdflib's own engine from an rdflib Dataset held in
memory. The release's dataset file is loaded as it is: its default graph is the merge of the named graphs (as
`mpsc serve` answers queries without GRAPH), and the named graphs come with it.

    .venv/bin/python benchmarks/rdflib_peer.py --releases DIR --port PORT

Needs the `bench` extra (`.venv/bin/pip install -e '.[test,bench]'`). Serves /sparql on 127.0.0.1 until stopped.
"""
from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.build.release import DATASET_FILE, Releases  # noqa: E402


def main() -> None:
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    release = Releases(args.releases).current()
    dataset = Dataset()
    dataset.parse(data=gzip.decompress((release.path / DATASET_FILE).read_bytes()), format="nquads")
    app = SparqlEndpoint(graph=dataset, path="/sparql", title="mpsc release (rdflib-endpoint)")
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
