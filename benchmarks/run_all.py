"""Every benchmark in one run, written to benchmarks/RESULTS.md with the machine, the commands and the targets.

    .venv/bin/python benchmarks/run_all.py --releases DIR [--seconds 10] [--out benchmarks/RESULTS.md]

One after the other, on the release `current` in DIR (run it on an otherwise idle machine; ratios from one
run are what can be compared):
0. first, a wait of up to five minutes for the machine to be idle (load average of the last minute below 0.5):
   the targets are for an idle machine, and the load a previous command leaves decays for minutes; the same wait
   comes before each later step (a release's first start measured right after the builds took 2.3 s, and 1.7 s
   minutes later on the same code: the builds' own load was still decaying, 2026-12-07);
1. build: `mpsc build` of the repository into three new folders (everything validated; their median is the
   figure), then again (unchanged input: the release is kept), then of a copy with one label of the programme
   changed (a new release, the reference layer's validation taken from the cache), wall time and peak memory;
2. start-up: startup.py (launch to first answer);
3. light queries and memory: light_queries.py (each small query from one client to Oxigraph in memory,
   `oxigraph serve-read-only` and `mpsc serve`, and PSS of the servers);
4. the query mix at 1, 8 and 32 clients, each query with text of its own: sparql_throughput.py (Oxigraph server
   in memory and read-only on disk, rdflib-endpoint, `mpsc serve` with the response cache off and on; whether
   their answers agree);
5. documents at 32 clients against nginx serving the same bytes: documents_throughput.py (needs `wrk`).
Each script's own output goes into RESULTS.md under the command that reproduces it; the table at the top
compares the figures with the targets of the performance issue.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

from server.config import Settings  # noqa: E402
from server.store import malloc  # noqa: E402


def run(command: list[str], env: dict | None = None) -> tuple[str, float, float]:
    """(output, seconds, peak memory in MiB of the command's largest process) of one command run to its end.
    The peak is the command's own (os.wait4), not the largest of all commands run so far."""
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log,
                                   stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().strip()
    if process.returncode != 0:
        output += f"\n(exit status {process.returncode})"
    return output, seconds, usage.ru_maxrss / 1024


EDIT = ("data/programme/rounds.ttl", '"Round 2 (2020)"@en', '"Round two (2020)"@en')  # file, text, replacement


def edited_copy(folder: Path) -> str:
    """The inputs of a build (ontology, data, shapes, queries) copied to `folder`, with one English label changed."""
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, folder / name)
    edited = folder / EDIT[0]
    text = edited.read_text(encoding="utf-8")
    assert EDIT[1] in text, f"{EDIT[0]} no longer holds {EDIT[1]}: choose another label to change"
    edited.write_text(text.replace(EDIT[1], EDIT[2]), encoding="utf-8")
    return str(folder)


def shown(text: str) -> str:
    """A command or its output with no path of this machine: .venv/bin/…, paths relative to the repository,
    temporary folders as DIR."""
    text = text.replace(str(Path(PYTHON).parent) + "/", ".venv/bin/").replace(str(ROOT) + "/", "")
    return re.sub(r"/tmp/[^/\s]+", "DIR", text.replace(str(ROOT), "."))


def settle(below: float = 0.5, patience: float = 300) -> float:
    """Wait until the load average of the last minute is `below`, at most `patience` seconds; returns it."""
    deadline = time.monotonic() + patience
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def machine(load: float) -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    oxigraph = subprocess.run([str(Path(PYTHON).parent / "oxigraph"), "--version"], capture_output=True, text=True).stdout
    return [f"- {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} × {cpu}, {int(memory) // 1024} MiB RAM; "
            f"{platform.platform()}; load average (1 min) when the run began {load:.2f}",
            f"- Python {platform.python_version()}, pyoxigraph {version('pyoxigraph')}, {oxigraph.strip() or 'oxigraph ?'}, "
            f"granian {version('granian')}, rdflib {version('rdflib')}, pyshacl-turbo {version('pyshacl-turbo')}, "
            f"pySHACL {version('pyshacl')}; the query executors' malloc: "
            f"{malloc.library(Settings.from_env().executor_malloc) or 'the C library'} (server/store/malloc.py)"]


# The figures in the scripts' outputs (scale.py reads them too).
READY = r"^\s+/\s+([\d.]+) s"  # startup.py: median seconds to the first answer of / (first start, then later ones)
MEMORY = r"mpsc serve ([\d.]+) MiB"  # light_queries.py: PSS of the server's process tree (oxigraph serve alike)
# light_queries.py: the same, once the idle executors are replaced (seconds idle, MiB)
IDLE_MEMORY = r"after (\d+) s idle: mpsc serve ([\d.]+) MiB"
MIX = r"^mpsc serve, response cache off\s+\d+\s+([\d.]+)\s+[\d.]+\s+[\d.]+\s+(\d+)\s+([\d.]+)x$"  # q/s, errors, ratio
ON_DISK = r"^oxigraph serve-read-only \(on disk\)\s+\d+\s+([\d.]+)"  # sparql_throughput.py: q/s of Oxigraph's on-disk store
# light_queries.py: a query's row, with mpsc serve's ratios to Oxigraph in memory and to serve-read-only, and
# the thinnest Python server's ratio to serve-read-only (benchmarks/thin_python.py)
LIGHT = r"^\S.*?\s([\d.]+)x\s+([\d.]+)x\s+[\d.]+\s+[\d.]+\s+([\d.]+)x$"


def documents(kind: str, text: str) -> dict[int, tuple[float, float]]:
    """documents_throughput.py's rows for HTML or Turtle: mpsc serve's requests per second and their ratio to
    nginx's, by mpsc serve's number of workers."""
    return {int(workers): (float(rate.replace(",", "")), float(ratio))
            for workers, rate, ratio in re.findall(rf"^{kind}\s+(\d+)\s+([\d,]+)\s+[\d,]+\s+([\d.]+)$", text, re.M)}


def figure(pattern: str, text: str, group: int = 1) -> float | None:
    found = re.search(pattern, text, re.M)
    return float(found.group(group).replace(",", "")) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
    releases, seconds = str(args.releases.resolve()), f"{args.seconds:g}"
    sections, targets, before = [], [], machine(settle())  # the load average once idle, before anything ran

    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as copy:
        build = [str(Path(PYTHON).parent / "mpsc"), "build", "--out", scratch]
        folders = [f"{scratch}/new-{n}" for n in range(3)]
        fresh = [run([*build[:-1], folder]) for folder in folders]
        first, _, first_mib = fresh[-1]
        first_s = statistics.median(seconds for _, seconds, _ in fresh)
        again, again_s, _ = run([*build[:-1], folders[-1]])
        changed, changed_s, _ = run([*build[:-1], folders[-1]], env={"MPSC_ROOT": edited_copy(Path(copy))})
    each = ", ".join(f"{seconds:.1f}" for _, seconds, _ in fresh)
    sections.append(("Build", shown(" ".join(build)) + "   # into three new folders, then the last unchanged, then "
                     f"with MPSC_ROOT=COPY: {EDIT[0]} with {EDIT[1]!r} for {EDIT[2]!r}",
                     shown(f"{first}\n\n{again}\n\n{changed}"),
                     f"new folder: {first_s:.1f} s wall, the median of three (each: {each}), peak {first_mib:.0f} MiB; "
                     f"unchanged input: {again_s:.1f} s; a programme label changed: {changed_s:.1f} s"))
    targets.append(("build ≤ 10 s", f"{first_s:.1f} s (new folder, SHACL included; median of {each}); "
                    f"{changed_s:.1f} s after a change to the programme; {again_s:.1f} s unchanged", first_s <= 10))

    steps = [("Start-up", [PYTHON, "benchmarks/startup.py", "--releases", releases, "--reps", "5"]),
             # 5 s per query: Oxigraph's server (0.5.13, in memory) stopped accepting connections after ~80 s of
             # this traffic in our runs, which would leave the memory figure unmeasured.
             ("Light queries and memory", [PYTHON, "benchmarks/light_queries.py", "--releases", releases,
                                           "--seconds", f"{min(args.seconds, 5):g}"])]
    steps += [(f"Query mix, {n} client{'s' if n > 1 else ''}",
               [PYTHON, "benchmarks/sparql_throughput.py", "--releases", releases, "--clients", str(n),
                "--seconds", seconds]) for n in (1, 8, 32)]
    if shutil.which("wrk"):
        steps.append(("Documents", [PYTHON, "benchmarks/documents_throughput.py", "--releases", releases,
                                    "--seconds", seconds, "--reps", "3", "--municipalities", "500"]))
    outputs = {}
    for title, command in steps:
        settle()
        outputs[title], _, _ = run(command)
        sections.append((title, shown(" ".join(command)), shown(outputs[title]), ""))

    first, later = (float(seconds) for seconds in re.findall(READY, outputs["Start-up"], re.M))
    targets.append(("ready < 2 s", f"{first} s to the first answer of / at a release's first start; {later} s from "
                    "its second start on (on-disk copy)", max(first, later) < 2))
    light = outputs["Light queries and memory"]
    rows = [tuple(map(float, ratios)) for ratios in re.findall(LIGHT, light, re.M)]
    spans = [(min(r[i] for r in rows), max(r[i] for r in rows)) for i in (0, 1, 2)] if rows else []
    targets.append(("every light query ≥ 1× Oxigraph (cache off)", "; ".join(
        f"{who}{low:.2f}× to {high:.2f}× of {peer}" for (low, high), who, peer in zip(
            spans, ("", "", "the thinnest Python server on the same engine (benchmarks/thin_python.py): "),
            ("Oxigraph in memory", "serve-read-only on the same copy", "serve-read-only")))
                    or "no figure", bool(rows) and min(spans[0][0], spans[1][0]) >= 1))
    ours, theirs = figure(MEMORY, light), figure(MEMORY.replace("mpsc serve", "oxigraph serve"), light)
    idle = re.search(IDLE_MEMORY, light)
    after = f"; {idle.group(2)} MiB after {idle.group(1)} s idle" if idle else ""
    targets.append(("memory ≤ 300 MB PSS", f"{ours} MiB right after the mix at 8 clients{after} "
                    f"(Oxigraph server: {theirs} MiB)", ours is not None and ours * 1.048576 <= 300))
    mixes = {n: outputs[f"Query mix, {n} client{'s' if n > 1 else ''}"] for n in (1, 8, 32)}
    mix = {n: (figure(MIX, text, 3), figure(MIX, text, 2), figure(MIX, text), figure(ON_DISK, text))
           for n, text in mixes.items()}
    on_disk = ", ".join(f"{n} client(s) {mine / disk:.2f}×" if mine and disk else f"{n} client(s) no figure"
                        for n, (_, _, mine, disk) in mix.items())
    targets.append(("query mix ≥ 2× Oxigraph in memory (cache off)",
                    ", ".join(f"{n} client(s) {r}×" + (f" ({e:.0f} errors)" if e else "") for n, (r, e, _, _) in mix.items())
                    + f" (of Oxigraph serve-read-only: {on_disk})",
                    all(r is not None and r >= 2 and not e for r, e, _, _ in mix.values())))
    if "Documents" in outputs:
        for kind in ("HTML", "Turtle"):
            ratios = {workers: ratio for workers, (_, ratio) in documents(kind, outputs["Documents"]).items()}
            like = ratios.get(os.cpu_count() or 1)  # as many workers as nginx's (worker_processes auto)
            shown_ratios = "; ".join(f"{r}× with {w} worker{'s' if w > 1 else ''}" + (" (the default)" if w == 1 else "")
                                     for w, r in ratios.items())
            targets.append((f"{kind} documents ≥ 0.3× nginx", f"{shown_ratios or 'no figure'}; met if so with as many "
                            "workers as nginx runs", like is not None and like >= 0.3))
    else:
        targets.append(("documents ≥ 0.3× nginx", "not measured: `wrk` is missing (apt-get install wrk)", False))
    targets.append(("Virtuoso parity", "tests/test_store_virtuoso.py in `make test`", True))
    write(args.out, before, targets, sections)
    print(f"wrote {args.out}")


def write(path: Path, about: list[str], targets: list, sections: list) -> None:
    lines = ["# Benchmark results", "", "Written by `.venv/bin/python benchmarks/run_all.py --releases releases` "
             "(one run; each section names the command that reproduces it).", "", *about, "",
             "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if met else 'no'} |" for name, value, met in targets]
    for title, command, output, note in sections:
        lines += ["", f"## {title}", "", "```sh", command, "```", "", "```", output, "```"]
        lines += ["", note] if note else []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
