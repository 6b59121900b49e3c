"""The pipeline's shape in the code: stages import only from earlier stages, and no import cycles.

Data flows sources → import → build (and release) → store → HTTP. A module of one stage may import the
shared modules and modules of its own or an earlier stage, never a later one; shared modules import no
stage at all. Imports are read from the source (ast), including those inside functions, so a lazy import
cannot hide a dependency.
"""
from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "server"
# Stage packages in pipeline order.
STAGES = ("importers", "build", "store", "web")
# Modules that hold what several stages share (settings, vocabularies, formats, errors, SPARQL text and
# inspection); they belong to no stage. The entry points (cli, serve, the app factory) may import anything.
SHARED = {"config", "errors", "namespaces", "prefixes", "iris", "formats", "rdfio", "tables", "queries", "sparql", "names",
          "jsonld", "dates", "numbers", "languages"}
ENTRY_POINTS = {"__init__", "cli", "serve"}


def part_of(module: str) -> str:
    """The top-level part of the package a dotted module name (relative to `server`) belongs to."""
    return module.split(".", 1)[0]


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name relative to `server` (packages by their own name)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)
        found[name] = path
    return found


def imports(name: str, path: Path) -> set[str]:
    """The modules of the package that `name` imports, as dotted names relative to `server`."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1] if node.level > 1 else package
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [f"{target}.{alias.name}" if target else alias.name for alias in node.names]
            found |= {n for n in names if n in MODULES} or {target}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("server."):
            found.add(node.module[len("server."):])
        elif isinstance(node, ast.Import):
            found |= {a.name[len("server."):] for a in node.names if a.name.startswith("server.")}
    return {f for f in found if f and f != name}


MODULES = modules()


@functools.cache
def graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports; read when a test asks, not at collection (every pytest-xdist
    worker collects every file, and parsing the package cost each a tenth of its collection)."""
    return {name: imports(name, path) for name, path in MODULES.items()}


def test_every_top_level_part_is_a_stage_shared_or_an_entry_point():
    parts = {part_of(name) for name in MODULES} - {"static", "templates"}
    assert parts <= set(STAGES) | SHARED | ENTRY_POINTS, sorted(parts - set(STAGES) - SHARED - ENTRY_POINTS)


@pytest.mark.parametrize("name", sorted(n for n in MODULES if part_of(n) not in ENTRY_POINTS))
def test_no_import_from_a_later_stage(name):
    part = part_of(name)
    allowed = SHARED | set(STAGES[:STAGES.index(part) + 1]) if part in STAGES else SHARED
    wrong = sorted(target for target in graph()[name] if part_of(target) not in allowed)
    assert wrong == [], f"{name} ({'shared' if part in SHARED else 'stage ' + part}) imports {wrong}"


@pytest.mark.parametrize("modules", ["server.store.forkserver", "server.cli, server.serve, server.store.dialects, "
                                                                "server.store.embedded"])
def test_what_comes_before_the_release_loads_imports_no_rdflib(modules):
    """The fork server starts before the release can load (store/forkserver.py): rdflib there cost a tenth of a
    second of every start of `mpsc serve` (server/prefixes.py holds the writers' prefixes as plain strings). So did
    rdflib in `mpsc serve` before it starts its workers (the engine's check) and in the worker's import of the
    embedded store, which comes before it starts the fork server (store/base.py)."""
    code = f"import sys, {modules}; print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'rdflib', 'flask'}}))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent)
    assert found.stdout.strip() == "[]"


def test_the_builds_names_come_on_first_use_and_unknown_ones_are_attribute_errors():
    """server.build offers its pipeline's names and submodules lazily (its __getattr__); a name it does not have,
    dotted ones included, is an AttributeError as for any module, which getattr(module, name, default) needs."""
    import server.build

    assert server.build.BuildError.__module__ == "server.build.pipeline"
    assert server.build.release.__name__ == "server.build.release"
    for name in ("no_such_name", "a.b", "pipeline.BuildError"):
        assert getattr(server.build, name, None) is None


def test_no_cycle_between_parts():
    parts: dict[str, set[str]] = {}
    for name, targets in graph().items():
        parts.setdefault(part_of(name), set()).update(part_of(t) for t in targets if part_of(t) != part_of(name))
    assert find_cycle(parts) is None


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in a directed graph as the list of its nodes, or None (depth-first search)."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for succ in sorted(graph.get(node, ())):
            if state.get(succ) == "open":
                return path[path.index(succ):] + [succ] if succ in path else [node, succ]
            if succ not in state and (cycle := visit(succ, [*path, succ])):
                return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None


# Modules the release writers import that decide no byte of a release: the child processes, validation (its findings
# are not in the release), errors.
NOT_WRITING = {"build.background", "build.validation", "build.shacl_sparql", "errors"}


def test_every_module_the_release_writers_import_keys_the_release_version():
    """A release's version is a function of its input and of the code that writes its bytes (pipeline.GENERATORS):
    a module the writers import but the list lacks changes bytes under an unchanged version, which caches keep
    for a year (a code review: server/languages.py decides the search index's labels and was not listed)."""
    from server.build.pipeline import GENERATORS
    listed = {name.removesuffix(".py").replace("/", ".") for name in GENERATORS}
    reached, todo = set(), list(listed)
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(graph().get(name, ()))
    assert sorted(reached - listed - NOT_WRITING) == []

