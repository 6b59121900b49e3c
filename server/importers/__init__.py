"""Importers: regenerate `data/programme/` and `data/reference/` from the tables in `sources/`.

The generated Turtle is committed, so a reviewer reads data changes as diffs; a test re-runs the
importers and fails if a file in `data/` no longer matches its sources.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from ..rdfio import write_turtle
from . import concepts
from .course import CourseImporter
from .descriptions import DescriptionWriter
from .governance import GovernanceImporter
from .measures import MeasureImporter
from .organisations import Organisations
from .programme import ProgrammeImporter
from .reference import reference_graphs
from .register import load_register
from .sources import Sources, read_translations, unit_names_en


def programme_graphs(root: Path) -> tuple[dict[str, Graph], list[str]]:
    """The programme graph's files and the problems met while resolving the sources."""
    sources = Sources(root)
    importer = ProgrammeImporter(sources, load_register(root / "sources" / "reference"))
    problems = importer.problems
    organisations = Organisations()
    projects, cooperations = importer.projects()
    graphs = {
        "programme.ttl": GovernanceImporter(sources, organisations, problems).graph(),
        "rounds.ttl": importer.rounds(),
        "projects.ttl": projects,
        "cooperations.ttl": cooperations,
        "bodies.ttl": importer.bodies(),
        **CourseImporter(sources, problems).graphs(),
        **MeasureImporter(sources, organisations, importer.body_iri, problems).graphs(),
        "descriptions.ttl": DescriptionWriter(sources).graph(),
        "organisations.ttl": organisations.graph,
        "categories.ttl": concepts.categories(sources),
        "charter.ttl": concepts.charter(sources),
        "data-strategies.ttl": concepts.data_strategies(sources),
        "criteria.ttl": concepts.criteria(sources),
        "topics.ttl": concepts.fields_of_action(sources, importer.terms_by_field()),
        "codelists.ttl": concepts.code_lists(sources),
    }
    problems += sources.unused_curation()
    problems += [f"translations.csv names no state of the register: {key}"  # only states are translated
                 for key in unit_names_en(sources.translations) if ("state", key) not in importer.register.units]
    return graphs, sorted(set(problems))


def write_programme(root: Path, data_dir: Path) -> list[str]:
    """Regenerate `data/programme/*.ttl`; returns the problems to report."""
    graphs, problems = programme_graphs(root)
    for name, graph in graphs.items():
        write_turtle(graph, data_dir / "programme" / name)
    return problems


def reference_layer(root: Path) -> dict[str, Graph]:
    """The graphs of `data/reference/`: the register, with our English names of its states."""
    names_en = unit_names_en(read_translations(root / "sources" / "curation"))
    return reference_graphs(load_register(root / "sources" / "reference"), names_en)


def write_reference(root: Path, data_dir: Path) -> dict[str, int]:
    """Regenerate `data/reference/*.ttl`; returns the triple count per file."""
    graphs = reference_layer(root)
    for name, graph in graphs.items():
        write_turtle(graph, data_dir / "reference" / name)
    return {name: len(graph) for name, graph in graphs.items()}
