"""Release folders: atomic switching, replacing stale output, and which names count as versions."""
from __future__ import annotations

import pytest

from server.release import CHECKSUMS, Releases, checksums_file, write_release


def files(text: str) -> dict[str, bytes]:
    data = {"release.json": b'{"version": "abc123", "modified": "2026-01-01", "files": []}', "a.ttl": text.encode()}
    return {**data, CHECKSUMS: checksums_file(data)}


def test_a_release_becomes_current(tmp_path):
    path = write_release(tmp_path, "abc123", files("one"))
    assert Releases(tmp_path).current().path == path.resolve()
    assert (tmp_path / "current").is_symlink()


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
