"""Where a build's time goes: each part of `mpsc build` timed on its own over the repository's data, in the
order the build runs them (validation aside, but for what each of its two runs takes in from the other layer:
`mpsc validate` and benchmarks/run_all.py time the rest).

    .venv/bin/python benchmarks/build_parts.py [--root DIR] [--reps 3]

Prints the best of REPS runs per part, in seconds. The parts that write a release run in the build's
writer process while the main one validates, and the search index and the dataset file's first two members in
whichever of the two is free first (server/build/pipeline.py, `Shared`), so their sum is not the build's
time. Then whole builds into new folders, validated as `mpsc build` does, REPS times alternating: as built, with
the input graphs kept out of the garbage collector's sight (`pipeline.long_lived`), and with the collector
seeing them throughout. Not a test: a measurement to read before optimising a part.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import rdfio  # noqa: E402
from server.build import metadata, pipeline, search_index, validation  # noqa: E402


def best(reps: int, work) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    graphs, held = pipeline.read_inputs(args.root)
    ordered = {name: rdfio.canonical(triples) for name, triples in held.items()}
    content = {g: graphs[g] for g in pipeline.CONTENT}
    parts = {
        "read the inputs": lambda: read_as_built(args.root),
        "canonical order": lambda: {name: rdfio.canonical(triples) for name, triples in held.items()},
        "digests": lambda: {name: rdfio.digest(triples) for name, triples in ordered.items()},
        "dumps": lambda: [pipeline.serialize_dump(dump, ordered, graphs[pipeline.METADATA]) for dump in pipeline.DUMPS],
        "CSV tables": lambda: pipeline.export_files(graphs),
        "metadata (VoID statistics)": lambda: metadata.release_metadata(
            graphs[pipeline.METADATA], content, {g: ordered[g] for g in content}, "x", "2026-01-01", []),
        "dataset file, merge member": lambda: pipeline.merge_part(ordered),
        "dataset file, graphs member": lambda: pipeline.graphs_part(ordered),
        "search index": lambda: search_index.build_index(graphs),
        "base run's reach": lambda: validation._reached_triples(held[pipeline.REFERENCE], held[pipeline.PROGRAMME]),
        "programme run's reach": lambda: validation._reached(graphs[pipeline.PROGRAMME], graphs[pipeline.REFERENCE]),
    }
    print(f"best of {args.reps}, seconds, {args.root}")
    for name, work in parts.items():
        print(f"  {name:28} {best(args.reps, work):6.2f}")
    with tempfile.TemporaryDirectory() as scratch:
        print(f"  {'a whole build, unvalidated':28} "
              f"{best(1, lambda: pipeline.build(args.root, Path(scratch) / 'releases', validate=False)):6.2f}")
    del graphs, held, ordered, content, parts  # the whole builds start with nothing of the parts held
    whole_builds(args.root, args.reps)


def read_as_built(root: Path) -> None:
    """`pipeline.read_inputs` as the build runs it: out of the garbage collector's sight (`pipeline.long_lived`)."""
    try:
        with pipeline.long_lived():
            pipeline.read_inputs(root)
    finally:
        gc.unfreeze()


def whole_builds(root: Path, reps: int) -> None:
    """Validated builds into new folders, alternating which goes first: as built, and with the collector seeing the
    input graphs. Each starts after a full collection, with nothing of the parts above still held."""
    as_built, times = pipeline.long_lived, {"as built": [], "collector on": []}
    variants = [("as built", as_built), ("collector on", lambda freeze=True: contextlib.nullcontext())]
    try:
        for rep in range(reps):
            for name, block in variants[::1 if rep % 2 == 0 else -1]:
                pipeline.long_lived = block
                gc.collect()
                with tempfile.TemporaryDirectory() as scratch:
                    times[name].append(best(1, lambda: pipeline.build(root, Path(scratch) / "releases")))
    finally:
        pipeline.long_lived = as_built
    for name, each in times.items():
        print(f"  {'a whole build, ' + name:28} {min(each):6.2f}   (each: {', '.join(f'{t:.2f}' for t in each)})")

if __name__ == "__main__":
    main()
