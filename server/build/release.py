"""Release directories: writing one atomically, and finding the current and earlier ones.

Layout of a releases folder (`mpsc build --out DIR`):

    DIR/<version>/    one folder per release: dumps, void.ttl, release.json, SHA256SUMS, search.sqlite
    DIR/current       symlink to the release being served

A release is written into a hidden temporary folder, renamed into place, and only then is `current`
switched, by renaming a new symlink over the old one. A failed or interrupted build therefore never
touches what is being served, and earlier releases stay downloadable. Hidden names carry the writing
process's id, so the next build removes what a killed one left behind (`clean_stale`).

A release is checked against its SHA256SUMS before it is served or loaded (`verify`): a flipped byte
in a dump would otherwise be served under the checksum and ETag of the intact file.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReleaseCorrupt

CURRENT = "current"
MANIFEST = "release.json"
CHECKSUMS = "SHA256SUMS"
NOTES = "RELEASE-NOTES.md"
SEARCH_INDEX = "search.sqlite"  # the search index (build/search_index.py), which the web layer reads
CHANGES = "changes.ttl"  # the changelog since the previous release (build/changes.py); a first release has none
# Every named graph plus their merge as the default graph, in N-Quads: the file stores load.
DATASET_FILE = "mpsc-all.nq.gz"
PROGRAMME_DUMP = "mpsc.nt.gz"  # the programme graph alone, one line per triple, which `mpsc stats` counts
MAX_VERSION_CHARS = 64  # build versions have 12; longer names are no version (and may exceed NAME_MAX)
_HIDDEN = re.compile(r"^\.(?:.+-)?(\d+)-")  # `.{version}-{pid}-…` staging folders, `.current-{pid}-…` links


def sha256(data: bytes) -> str:
    """Hex SHA-256 of a byte string."""
    return hashlib.sha256(data).hexdigest()


def checksums_file(files: dict[str, bytes]) -> bytes:
    """`sha256sum -c`-compatible checksum list, sorted by file name."""
    return "".join(f"{sha256(data)}  {name}\n" for name, data in sorted(files.items())).encode()


def write_release(out_dir: Path, version: str, files: dict[str, bytes]) -> Path:
    """Write the files as release `version` under `out_dir` and make it current; return its folder.

    A version names input and generator (see build.content_version), so an existing folder of that
    version already holds these bytes and is reused; other bytes would mean a non-deterministic
    build, which must not silently replace files that clients may cache as immutable.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    clean_stale(out_dir)
    target = out_dir / version
    if not target.exists():
        staging = Path(tempfile.mkdtemp(prefix=f".{version}-{os.getpid()}-", dir=out_dir))
        try:
            for name, data in files.items():
                (staging / name).write_bytes(data)
            os.chmod(staging, 0o755)
            os.rename(staging, target)
        except BaseException as error:
            shutil.rmtree(staging, ignore_errors=True)
            # unless another build of the same input renamed its copy first (an operator's review: the later one
            # ended with "Directory not empty"): compared below
            if not (isinstance(error, OSError) and target.is_dir()):
                raise
    if (target / CHECKSUMS).read_bytes() != files[CHECKSUMS]:
        raise ValueError(f"release {version} exists with other bytes: the build is not deterministic")
    _point_current(out_dir, version)
    return target


def clean_stale(folder: Path) -> list[Path]:
    """Remove the hidden staging folders and links of writers that no longer run; return what was removed.

    Each hidden name carries its writer's process id; a live process's are left alone, since it may be
    writing right now.
    """
    removed = []
    for path in Path(folder).glob(".*"):
        match = _HIDDEN.match(path.name)
        if match is None or _alive(int(match.group(1))):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _point_current(out_dir: Path, version: str) -> None:
    link = out_dir / f".{CURRENT}-{os.getpid()}-link"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(version)
    os.replace(link, out_dir / CURRENT)


@dataclass(frozen=True)
class Release:
    """A release folder on disk and its manifest."""

    path: Path
    manifest: dict

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def modified(self) -> str:
        return self.manifest["modified"]

    @property
    def files(self) -> list[dict]:
        """The manifest's file entries: name, bytes, sha256, media type, title, licence."""
        return self.manifest["files"]

    def verify(self) -> None:
        """Raise ReleaseCorrupt unless every file SHA256SUMS lists is there with its checksum, and every
        file the manifest lists is among them with the same checksum."""
        problems = verify_folder(self.path)
        if (self.path / CHECKSUMS).is_file() and UNREADABLE_SUMS not in problems:  # else verify_folder said so
            sums = read_checksums(self.path)
            problems += [f"{entry['name']}: release.json and {CHECKSUMS} disagree" for entry in self.files
                         if "sha256" in entry and sums.get(entry["name"]) != entry["sha256"]]
        if problems:
            raise ReleaseCorrupt(f"release {self.path.name} is damaged: " + "; ".join(problems))

    def ontology_version(self, version: str) -> Path | None:
        """The file of an earlier version of the ontology the release keeps (build/ontology_versions.py), or None."""
        name = self.manifest.get("ontology_versions", {}).get(version)
        return self.path / name if name else None

    @property
    def ontology_files(self) -> list[str]:
        """The files of the earlier versions of the ontology (Turtle), in version order."""
        return list(self.manifest.get("ontology_versions", {}).values())

    @property
    def names(self) -> set[str]:
        """Every file of the release: the manifest's, the manifest itself, its checksums, notes, search index,
        changelog and earlier ontologies."""
        listed = ({entry["name"] for entry in self.files} | {CHECKSUMS, MANIFEST, NOTES, SEARCH_INDEX}
                  | set(self.ontology_files))
        if "changes" in self.manifest:
            listed.add(CHANGES)
        return listed

    def file(self, name: str) -> Path | None:
        """The path of a listed release file, or None for names the release does not have."""
        return self.path / name if name in self.names else None

    def absent(self) -> list[str]:
        """The files the manifest lists (its own, its checksums, the earlier ontologies, the search index and
        changelog where it names them) that the folder no longer holds as listed, sorted: gone, or of another size
        than the manifest gives (a copy cut short, a file emptied). A stat each, so that /healthz can ask at every
        probe (`verify` reads every byte)."""
        entries = [*self.files, *(self.manifest[k] for k in ("search", "changes") if isinstance(self.manifest.get(k), dict))]
        sizes = {entry["name"]: entry["bytes"] for entry in entries if "bytes" in entry}
        problems = []
        for name in sorted({entry["name"] for entry in entries} | {MANIFEST, CHECKSUMS, *self.ontology_files}):
            try:
                found = os.stat(self.path / name)
            except OSError:
                problems.append(name)
                continue
            if not stat.S_ISREG(found.st_mode) or sizes.get(name, found.st_size) != found.st_size:
                problems.append(name)
        return problems


UNREADABLE_SUMS = f"{CHECKSUMS} is no UTF-8 text"  # what `verify_folder` says of one


def read_checksums(folder: Path) -> dict[str, str]:
    """File name -> SHA-256 from a release's SHA256SUMS (UnicodeDecodeError, a ValueError, for one that is no
    text)."""
    lines = (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, _, name in (line.partition("  ") for line in lines if line)}


def verify_folder(folder: Path) -> list[str]:
    """What is wrong with the files of a release folder, in words; empty when all match SHA256SUMS."""
    if not (folder / CHECKSUMS).is_file():
        return [f"{CHECKSUMS} is missing"]
    try:
        listed = read_checksums(folder)
    except ValueError:  # an operator's review: every command that verifies ended in a traceback
        return [UNREADABLE_SUMS]
    problems = []
    for name, digest in listed.items():
        path = folder / name
        if "/" in name or not path.is_file():
            problems.append(f"{name} is missing")
        elif _file_sha256(path) != digest:
            problems.append(f"{name} does not match its checksum")
    return problems


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_release(path: Path) -> Release:
    """Read a release folder's manifest; ReleaseCorrupt when it is no manifest (an operator's review: one byte
    changed in release.json gave every command a traceback, and a reload left a server no signal would stop)."""
    name = Path(path).resolve().name
    try:
        data = (path / MANIFEST).read_bytes()
        manifest = json.loads(data.decode("utf-8"))
    except (ValueError, IsADirectoryError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ReleaseCorrupt(f"release {name} is damaged: {MANIFEST} cannot be read ({error})") from None
    # Readable is not whole: an entry edited by hand ("files": [1], a date that is none) failed wherever it was read
    # (an attacker's review). The manifest is listed in SHA256SUMS, as the build wrote it.
    try:
        listed = read_checksums(path).get(MANIFEST) if (path / CHECKSUMS).is_file() else None
    except ValueError:  # SHA256SUMS itself damaged: `verify` says so
        listed = None
    if listed is not None and sha256(data) != listed:
        raise ReleaseCorrupt(f"release {name} is damaged: {MANIFEST} does not match its checksum")
    if not (isinstance(manifest, dict) and all(isinstance(manifest.get(k), str) for k in ("version", "modified"))
            and isinstance(manifest.get("files"), list)):
        raise ReleaseCorrupt(f"release {name} is damaged: {MANIFEST} lacks its version, date or files")
    return Release(path.resolve(), manifest)


def repair_advice(root: Path) -> str:
    """What to do about a damaged current release, as `mpsc build` and the commands that refuse one say it: pointing
    `current` back first keeps the next release's changelog comparing with a release that is there."""
    return (f"point `current` at an earlier release (ln -sfn VERSION {Path(root) / CURRENT}), remove this one's "
            "folder and run `mpsc build`")


class Releases:
    """The releases under one folder."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def current(self) -> Release | None:
        """The release `current` points to, or None before the first build."""
        return self.at(self.root / CURRENT)

    @staticmethod
    def at(folder: Path) -> Release | None:
        """The release in a folder, or None if it holds none; ReleaseCorrupt if its manifest cannot be read."""
        return open_release(folder) if (folder / MANIFEST).exists() else None

    def checked_current(self) -> Release:
        """The current release with its files checked against SHA256SUMS, or ReleaseCorrupt saying why no server
        could serve it (`current` names no release, there is none, its files do not match). `mpsc serve` asks
        before its workers reload and pins the very release it checked (serve.py), not what `current` names a
        moment later; the commands ask the same three questions at their start, each with advice of its own
        (cli.py)."""
        target = self.dangling()
        if target is not None:
            raise ReleaseCorrupt(f"{self.root / CURRENT} points to {target}, which holds no release")
        release = self.current()
        if release is None:
            raise ReleaseCorrupt(f"no release in {self.root}")
        release.verify()
        return release

    def dangling(self) -> Path | None:
        """Where `current` points if it is a link to no release (a mistyped version in a rollback), else None: such a
        link is a mistake to report, not "no release yet" (a new release was built and served over it)."""
        link = self.root / CURRENT
        return Path(os.readlink(link)) if link.is_symlink() and not (link / MANIFEST).exists() else None

    def current_version(self) -> str | None:
        """The version of `current`: the name of the folder it points to (`_point_current`), without reading
        the manifest, which took a third of each /healthz answer; None before the first build. A `current`
        that is a folder itself (a copy made without links) is read."""
        link = self.root / CURRENT
        if not (link / MANIFEST).exists():
            return None
        target = link.resolve()  # through chains of links; one pointing elsewhere is read
        if link.is_symlink() and target.parent == self.root.resolve():
            return target.name
        try:
            return open_release(link).version
        except ReleaseCorrupt:
            return None

    def get(self, version: str) -> Release | None:
        """One release by version; None for unknown or malformed versions, for the `current` link, which names no
        fixed release, and for a release whose manifest cannot be read (`scan` names it)."""
        if not (len(version) <= MAX_VERSION_CHARS and version.isalnum()) or version == CURRENT:
            return None
        try:
            return self.at(self.root / version)
        except ReleaseCorrupt:
            return None

    def all(self) -> list[Release]:
        """Every release whose manifest can be read, newest first."""
        return self.scan()[0]

    def scan(self) -> tuple[list[Release], list[ReleaseCorrupt]]:
        """Every release whose manifest can be read, newest first, and why each other one cannot be (an operator's
        review: one damaged release made /dumps/ answer 500 for all)."""
        found, damaged = [], []
        folders = sorted(self.root.iterdir()) if self.root.exists() else []
        for folder in folders:
            if folder.name != CURRENT and not folder.name.startswith(".") and (folder / MANIFEST).exists():
                try:
                    found.append(open_release(folder))
                except ReleaseCorrupt as error:
                    damaged.append(error)
        # Several releases can share a day; the folder's age orders them within it.
        return sorted(found, key=lambda r: (r.modified, r.path.stat().st_mtime), reverse=True), damaged
