"""Synthetic programme data at ×N, and what it costs: build, start-up, memory, queries and documents per scale.

The generator writes a project folder (ontology, shapes, the real reference layer and metadata) whose
programme graph holds the real programme N times: copy j (2 … N) of every project, measure, strategy,
cooperation, organisation, funding round and call gets its own IRIs (slug + `-s<j>`; rounds and calls
3·(j−1) years later, so there are more rounds), a label marked `(S<j>)`, and the same members, places and
sources in the real register; links to the copied rounds and calls from elsewhere in the programme are copied
too.
The data is SYNTHETIC: it exists to measure cost growth and must never be published.

    .venv/bin/python benchmarks/scale.py generate --factor 10 --out DIR
    .venv/bin/python benchmarks/scale.py run --factors 1,10 [--seconds 5] [--out benchmarks/SCALE.md]

`run` generates each scale into a temporary folder, builds it (`mpsc build`, wall time and peak memory),
then runs startup.py, light_queries.py (memory of the server tree), sparql_throughput.py (the query mix at
8 clients) and documents_throughput.py on its release, and prints a table of scale against the figures; the
table, the machine and every output go to benchmarks/SCALE.md.
Not a test: a measurement to report, one run per scale.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run_all import MEMORY, MIX, PYTHON, READY, documents, figure, machine, run, shown  # noqa: E402

ID = "https://w3id.org/mpsc/id/"
SLUGGED = ("project", "strategy", "cooperation", "organisation")  # id/<kind>/<slug>[#fragment]
YEARLY = ("round", "call")  # id/<kind>/<yyyy>[#fragment]
LABELS = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"}
YEAR = "https://w3id.org/mpsc/ontology#year"


def copied_iri(iri: str, j: int) -> str:
    """The IRI of copy j of a programme resource, or the IRI itself where the resource is not copied."""
    if not iri.startswith(ID):
        return iri
    kind, _, rest = iri[len(ID):].partition("/")
    name, hash_, fragment = rest.partition("#")
    if kind in SLUGGED and name:
        name = f"{name}-s{j}"
    elif kind == "measure" and re.fullmatch(r".+-[1-9][0-9]*", name):
        slug, _, number = name.rpartition("-")
        name = f"{slug}-s{j}-{number}"
    elif kind in YEARLY and re.fullmatch(r"[0-9]{4}", name):
        name = str(int(name) + 3 * (j - 1))
    else:
        return iri
    return f"{ID}{kind}/{name}{hash_}{fragment}"


def copied_term(term, j: int):
    return ox.NamedNode(copied_iri(term.value, j)) if isinstance(term, ox.NamedNode) else term


def copy_of(triple: ox.Triple, j: int) -> ox.Triple | None:
    """Copy j of a triple: about a copied resource (its label marked, a round's year moved), or linking to a
    copied round or call from elsewhere (the programme lists its rounds); None for any other triple."""
    subject, obj = copied_term(triple.subject, j), copied_term(triple.object, j)
    if subject == triple.subject and (obj == triple.object or obj.value[len(ID):].split("/")[0] not in YEARLY):
        return None
    predicate = triple.predicate.value
    if subject != triple.subject and isinstance(obj, ox.Literal):
        if predicate in LABELS:
            obj = ox.Literal(f"{obj.value} (S{j})", language=obj.language)
        elif predicate == YEAR:
            obj = ox.Literal(str(int(obj.value) + 3 * (j - 1)), datatype=obj.datatype)
    return ox.Triple(subject, triple.predicate, obj)


def generate(factor: int, out: Path, source: Path = ROOT) -> int:
    """Write the project folder of scale `factor` to `out`, from the project folder `source`; the number of
    programme triples."""
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("ontology", "shapes", "data/reference", "data/metadata", "data/programme"):
        shutil.copytree(source / folder, out / folder, dirs_exist_ok=True)
    programme = [t for path in sorted((source / "data" / "programme").glob("*.ttl"))
                 for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    total = len(set(programme))
    for j in range(2, factor + 1):
        copies = sorted({c for t in programme if (c := copy_of(t, j)) is not None}, key=str)
        ox.serialize(copies, str(out / "data" / "programme" / f"zz-synthetic-{j:03d}.ttl"), format=ox.RdfFormat.N_TRIPLES)
        total += len(copies)
    return total


def measure(factor: int, folder: Path, seconds: str) -> dict:
    """Build scale `factor` in `folder` and run the benchmarks on its release; the figures and the outputs."""
    triples = generate(factor, folder)
    releases = str(folder / "releases")
    built, build_s, peak = run([str(Path(PYTHON).parent / "mpsc"), "build", "--out", releases], {"MPSC_ROOT": str(folder)})
    outputs = {"build": built}
    for name, script, extra in (("startup", "startup.py", ["--reps", "3"]),
                                ("light", "light_queries.py", ["--seconds", seconds]),
                                ("mix", "sparql_throughput.py", ["--clients", "8", "--seconds", seconds,
                                                                 "--peers", "oxigraph"]),
                                ("documents", "documents_throughput.py", ["--seconds", seconds, "--reps", "1",
                                                                          "--municipalities", "500"])):
        outputs[name], _, _ = run([PYTHON, f"benchmarks/{script}", "--releases", releases, *extra])
    return {"factor": factor, "triples": triples, "build": build_s, "peak": peak,
            "ready": figure(READY, outputs["startup"]), "memory": figure(MEMORY, outputs["light"]),
            "mix": figure(MIX, outputs["mix"], 1), "mix_ratio": figure(MIX, outputs["mix"], 3),
            "html": documents("HTML", outputs["documents"]).get(1, (None,))[0],  # one worker, the default
            "turtle": documents("Turtle", outputs["documents"]).get(1, (None,))[0], "outputs": outputs}


def table(rows: list[dict], seconds: str) -> str:
    lines = [f"synthetic programme data (benchmarks/scale.py); query mix at 8 clients and documents at 32, {seconds} s each", "",
             "| scale | programme triples | build s | build peak MiB | ready s (first start) | PSS MiB after the mix | mix q/s (× Oxigraph) "
             "| HTML req/s | Turtle req/s |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        mix = f"{r['mix']} ({r['mix_ratio']}×)" if r["mix"] is not None else "— (see its output)"
        lines.append(f"| ×{r['factor']} | {r['triples']:,} | {r['build']:.1f} | {r['peak']:.0f} | {_or_dash(r['ready'])} "
                     f"| {_or_dash(r['memory'])} | {mix} | {_or_dash(r['html'], ',.0f')} | {_or_dash(r['turtle'], ',.0f')} |")
    return "\n".join(lines)


def _or_dash(value: float | None, spec: str = "") -> str:
    """A figure, or a dash where its benchmark gave none (its output, below the table, says why)."""
    return "—" if value is None else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("generate", help="write the project folder of one scale")
    make.add_argument("--factor", type=int, required=True)
    make.add_argument("--out", type=Path, required=True)
    bench = commands.add_parser("run", help="generate, build and measure each scale")
    bench.add_argument("--factors", default="1,10", help="comma-separated, e.g. 1,10,100")
    bench.add_argument("--seconds", type=float, default=5)
    bench.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "SCALE.md",
                       help="where to write the table, the commands and the outputs (Markdown)")
    args = parser.parse_args()
    if args.command == "generate":
        print(f"{generate(args.factor, args.out):,} programme triples in {args.out}")
        return
    seconds, rows, about = f"{args.seconds:g}", [], machine()
    command = f".venv/bin/python benchmarks/scale.py run --factors {args.factors} --seconds {seconds}"
    with tempfile.TemporaryDirectory() as scratch:
        for factor in (int(f) for f in args.factors.split(",")):
            rows.append(measure(factor, Path(scratch) / f"x{factor}", seconds))
            print(table(rows, seconds), flush=True)
            write(args.out, command, about, rows, seconds)  # after each scale: a larger one may run out of memory


def write(path: Path, command: str, about: list[str], rows: list[dict], seconds: str) -> None:
    details = [f"### ×{r['factor']}: {name}\n\n```\n{shown(text)}\n```" for r in rows for name, text in r["outputs"].items()]
    path.write_text("\n\n".join(["# Cost at scale", f"Written by `{command}` (one run).", "\n".join(about),
                                   table(rows, seconds), *details]) + "\n")


if __name__ == "__main__":
    main()
