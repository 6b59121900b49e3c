"""Release folders: atomic switching, replacing stale output, and which names count as versions."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess

import pytest

from server.errors import ReleaseCorrupt
from server.build.release import CHECKSUMS, Releases, checksums_file, write_release


def files(text: str) -> dict[str, bytes]:
    data = {"release.json": b'{"version": "abc123", "modified": "2026-01-01", "files": []}', "a.ttl": text.encode()}
    return {**data, CHECKSUMS: checksums_file(data)}


def test_a_release_becomes_current(tmp_path):
    path = write_release(tmp_path, "abc123", files("one"))
    assert Releases(tmp_path).current().path == path.resolve()
    assert (tmp_path / "current").is_symlink()


def test_the_current_version_is_read_from_the_link_or_a_copied_folder(tmp_path):
    releases = Releases(tmp_path)
    assert releases.current_version() is None
    write_release(tmp_path, "abc123", files("one"))
    assert releases.current_version() == releases.current().version == "abc123"
    (tmp_path / "current").unlink()
    (tmp_path / "latest").symlink_to("abc123")
    (tmp_path / "current").symlink_to("latest")  # a chain of links: the folder at its end
    assert releases.current_version() == "abc123"
    (tmp_path / "current").unlink()
    shutil.copytree(tmp_path / "abc123", tmp_path / "current")  # as a copy without links leaves it
    assert releases.current_version() == "abc123"


def _write_versions(folder, barrier, versions) -> None:
    """One of two builds writing the same releases at the same moments (`test_two_builds_…`)."""
    big = files("x" * 4_000_000)
    for version in versions:
        barrier.wait()
        write_release(folder, version, big)


def test_two_builds_of_the_same_input_at_once_both_end_well(tmp_path):
    """An operator's review: two builds of the same input raced for the rename of the release folder, and the later
    ended with "Directory not empty" (exit 3) though the release it meant was there, whole."""
    context = multiprocessing.get_context("fork")
    barrier, versions = context.Barrier(2), [f"v{n}" for n in range(8)]
    builds = [context.Process(target=_write_versions, args=(tmp_path, barrier, versions)) for _ in range(2)]
    for build in builds:
        build.start()
    for build in builds:
        build.join(60)
    assert [build.exitcode for build in builds] == [0, 0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", *versions]  # no staging left
    for version in versions:
        assert Releases(tmp_path).get(version).verify() is None


def test_rebuilding_a_version_reuses_its_folder(tmp_path):
    first = write_release(tmp_path, "abc123", files("one"))
    assert write_release(tmp_path, "abc123", files("one")) == first


def test_the_same_version_with_other_bytes_is_refused_not_overwritten(tmp_path):
    write_release(tmp_path, "abc123", files("published"))
    with pytest.raises(ValueError, match="not deterministic"):
        write_release(tmp_path, "abc123", files("something else"))
    assert (tmp_path / "abc123" / "a.ttl").read_text() == "published"


def test_the_current_link_is_not_a_version(tmp_path):
    write_release(tmp_path, "abc123", files("one"))
    releases = Releases(tmp_path)
    assert releases.get("abc123") is not None
    assert releases.get("current") is None
    assert releases.get("../abc123") is None
    assert [r.version for r in releases.all()] == ["abc123"]


def test_a_version_name_longer_than_any_file_name_is_no_release(tmp_path):
    write_release(tmp_path, "abc123", files("one"))
    assert Releases(tmp_path).get("a" * 256) is None  # not OSError: File name too long


def test_an_intact_release_verifies(tmp_path):
    write_release(tmp_path, "abc123", files("one"))
    Releases(tmp_path).current().verify()


@pytest.mark.parametrize("damage, named", [
    (lambda path: path.joinpath("a.ttl").write_bytes(b"ona"), "a.ttl does not match its checksum"),
    (lambda path: path.joinpath("a.ttl").unlink(), "a.ttl is missing"),
    (lambda path: path.joinpath(CHECKSUMS).unlink(), "SHA256SUMS is missing"),
    # an operator's review: every command that verifies ended in a traceback
    (lambda path: path.joinpath(CHECKSUMS).write_bytes(b"\xff\xfe x\n"), "SHA256SUMS is no UTF-8 text"),
])
def test_a_damaged_release_names_what_is_wrong(tmp_path, damage, named):
    path = write_release(tmp_path, "abc123", files("one"))
    damage(path)
    with pytest.raises(ReleaseCorrupt, match=named):
        Releases(tmp_path).current().verify()


def test_staging_left_by_a_killed_build_is_removed_by_the_next(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".abc123-{dead.pid}-x1y2"
    stale.mkdir(parents=True)
    (stale / "a.ttl").write_text("half")
    (tmp_path / f".current-{dead.pid}-link").symlink_to("abc123")
    running = tmp_path / f".abc999-{os.getpid()}-z9"  # a build still writing: left alone
    running.mkdir()
    write_release(tmp_path, "abc123", files("one"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [running.name, "abc123", "current"]
