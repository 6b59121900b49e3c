"""What sorting costs from the release's on-disk copy against the release in memory (README, "How it is built").

`mpsc serve` answers from an on-disk copy of the release (server/store/embedded.py) to keep its memory low. A
sort compares terms by their text, and from the copy each IRI or longer string is looked up in RocksDB for every
comparison, so ORDER BY costs far more there than in memory. This opens the current release of RELEASES both
ways in pyoxigraph (its copy, or one written the same way into a temporary folder) and times a few queries,
best of REPS each, with the ratio; the last one exceeds the endpoint's time limit from the copy.

    .venv/bin/python benchmarks/sorting.py --releases DIR [--reps 3]

Not a test: a measurement to report, one run. Times depend on the machine and what else it runs.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.build_parts import best  # noqa: E402
from server.build.release import DATASET_FILE, Releases  # noqa: E402
from server.store.embedded import disk_store, quick_start_copy  # noqa: E402
from server.store.executor import load_dataset  # noqa: E402

PREFIXES = "PREFIX mpsc: <https://w3id.org/mpsc/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
QUERIES = {
    "municipalities, no order": "SELECT ?m ?l { ?m a mpsc:Municipality ; rdfs:label ?l }",
    "municipalities by label": "SELECT ?m ?l { ?m a mpsc:Municipality ; rdfs:label ?l } ORDER BY ?l",
    "municipalities by IRI": "SELECT ?m { ?m a mpsc:Municipality } ORDER BY ?m",
    "their statements by subject": "SELECT ?m ?p ?o { ?m a mpsc:Municipality ; ?p ?o } ORDER BY ?m LIMIT 10",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=Path, default=ROOT / "releases")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    release = Releases(args.releases).current()
    if release is None:
        sys.exit(f"no release in {args.releases}; run `mpsc build` first")
    memory = ox.Store()
    load_dataset(memory, release.path / DATASET_FILE)
    with tempfile.TemporaryDirectory() as folder:
        copy = ox.Store.read_only(str(quick_start_copy(release) or disk_store(release, Path(folder))))
        print(f"release {release.version}, pyoxigraph {ox.__version__}, best of {args.reps}")
        print(f"{'query':30} {'in memory s':>12} {'on-disk copy s':>15} {'ratio':>7}")
        for name, query in QUERIES.items():
            fast, slow = (best(args.reps, lambda: list(store.query(PREFIXES + query))) for store in (memory, copy))
            print(f"{name:30} {fast:12.2f} {slow:15.2f} {slow / fast:6.1f}x")


if __name__ == "__main__":
    main()
