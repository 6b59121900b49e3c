"""The package as a distributor builds it: a wheel with everything the server reads at run time and the licences
that must travel with it (a packager's review: the code's MIT licence was in no file)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

from tests.conftest import ROOT


def test_the_wheel_holds_the_templates_assets_and_licences(tmp_path):
    """Built from a copy of what the wheel is made of, as setuptools writes its build/ folder beside the sources."""
    source = tmp_path / "source"
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "server", source / "server", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path), str(source)], check=True, timeout=300, capture_output=True)
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        headers = Parser().parsestr(archive.read(metadata).decode())
    info = metadata.rsplit("/", 1)[0]
    assert {f"{info}/licenses/LICENSE", f"{info}/licenses/server/static/workbench/LICENSES.txt"} <= names
    assert sorted(headers.get_all("License-File")) == ["LICENSE", "server/static/workbench/LICENSES.txt"]
    assert "MIT" in headers["License-Expression"] and "BSD-2-Clause" in headers["License-Expression"]  # Leaflet
    tracked = {name for name in project_files() if name.startswith(("server/templates/", "server/static/"))}
    assert tracked and tracked <= names, tracked - names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
    # the package's own requirements: the SPARQL client is the tests' (a packager's review: it was the package's)
    required = headers.get_all("Requires-Dist")
    assert not any(r.lower().startswith("sparqlwrapper") and "extra ==" not in r for r in required)
    # installed, the package is no checkout, even beside another distribution's ontology/ folder
    site = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile", "--target",
                    str(site), str(wheel)], check=True, timeout=300, capture_output=True)
    (site / "ontology").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**{name: value for name, value in os.environ.items() if name != "MPSC_ROOT"}, "PYTHONPATH": str(site)}
    root = subprocess.run([sys.executable, "-c", "from server.config import Settings; print(Settings.from_env().root)"],
                          cwd=elsewhere, env=env, check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    assert Path(root).resolve() == elsewhere.resolve()


def test_the_source_distribution_is_the_whole_project(tmp_path):
    """A packager or a reader of PyPI who builds from the sdist needs the data, ontology, shapes, sources, front-end
    sources and the tests' support files (it held the package and the test modules alone): every tracked file,
    and no other, but what setuptools adds to describe it."""
    tracked = project_files()
    source = tmp_path / "source"
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    (source / "tests" / "__pycache__").mkdir(exist_ok=True)
    (source / "tests" / "__pycache__" / "conftest.cpython-311.pyc").write_bytes(b"")  # a checkout's leftovers
    (source / "frontend" / "node_modules" / "x").mkdir(parents=True)
    (source / "frontend" / "node_modules" / "x" / "index.js").write_text("")
    build = f"from setuptools import build_meta; build_meta.build_sdist({str(tmp_path)!r})"
    subprocess.run([sys.executable, "-c", build], cwd=source, check=True, timeout=300, capture_output=True)
    (sdist,) = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {member.name.split("/", 1)[1] for member in archive.getmembers() if member.isfile()}
    names -= described(names)
    assert names == tracked, (sorted(tracked - names)[:20], sorted(names - tracked)[:20])


def project_files() -> set[str]:
    """The project's files: `git ls-files` in a checkout; in an unpacked source distribution, the files its
    SOURCES.txt lists but those setuptools wrote to describe it."""
    if (ROOT / ".git").exists():
        listed = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    else:
        listed = (ROOT / "mpsc_graph.egg-info" / "SOURCES.txt").read_text()
    names = set(listed.splitlines()) - {""}
    return names - described(names)


def described(names: set[str]) -> set[str]:
    """The files setuptools adds to a source distribution to describe it."""
    return {"PKG-INFO", "setup.cfg"} & names | {name for name in names if name.startswith("mpsc_graph.egg-info/")}
