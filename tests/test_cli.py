"""The `mpsc` commands as a contributor uses them: validate, stats, import."""
from __future__ import annotations

import fcntl
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from server.build import VALIDATION_CACHE
from server.build.release import DATASET_FILE, Releases
from server.build.validation import ENGINE, ENGINES
from server.config import Settings, bind_url, split_bind
from tests.sparql_support import ROOT, make_release, sample_quads, stop_session

from .conftest import free_port, mpsc

BAD_AGS = '<https://w3id.org/mpsc/id/municipality/09461000> <https://w3id.org/mpsc/ontology#ags> "0946100" .\n'


def test_validate_without_files_checks_the_data(small_root):
    result = mpsc("validate", env={"MPSC_ROOT": str(small_root)})
    assert result.returncode == 0, result.stdout
    assert "Conforms" in result.stdout


def test_validate_takes_the_builds_results_from_the_validation_cache(small_root, tmp_path):
    env = {"MPSC_ROOT": str(small_root), "MPSC_RELEASES": str(tmp_path / "releases")}
    assert mpsc("build", env=env).returncode == 0
    cache = tmp_path / "releases" / VALIDATION_CACHE
    built = {path.name: path.read_text() for path in cache.glob("*.json")}
    for entry in cache.glob("*.json"):  # a finding only the cache knows proves the cache was read
        planted = {"severity": "Warning", "focus": "urn:x-test:planted", "focus_label": None, "path": None,
                   "message": "from the cache", "value": None, "shape": None}
        entry.write_text(json.dumps(json.loads(entry.read_text()) + [planted]))
    result = mpsc("validate", "--format", "json", env=env)
    assert len(built) == 2 and {path.name for path in cache.glob("*.json")} == set(built)
    assert [f["message"] for f in json.loads(result.stdout)["findings"]] == ["from the cache"]
    # an entry cut short (a crash, a full disk) is validated again and rewritten (an operator's review: every
    # build and validation ended in a traceback until the folder was removed by hand)
    for entry in cache.glob("*.json"):
        entry.write_text("")
    result = mpsc("validate", "--format", "json", env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert json.loads(result.stdout)["findings"] == []
    assert {path.name: json.loads(path.read_text()) for path in cache.glob("*.json")} == {
        name: json.loads(text) for name, text in built.items()}


def test_a_build_that_cannot_write_its_releases_folder_says_so_before_the_work(small_root, tmp_path):
    """An operator's review: a releases folder the build could not write was found out after its work (41 s on the
    real data), when the validation cache was to be written."""
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "releases"
    result = mpsc("build", "--out", str(out), env={"MPSC_ROOT": str(small_root)})
    assert (result.returncode, result.stderr) == (3, f"error: could not write or read a file ({out}): Not a directory\n")


def test_an_interrupted_command_exits_as_a_shell_counts_an_interrupt(tmp_path):
    """An operator's review: Ctrl-C ended a command with click's "Aborted!" and exit status 1, which README keeps for
    invalid data. One line and 130 (128 + SIGINT), as a shell reports a process the signal ended."""
    process = subprocess.Popen([sys.executable, "-m", "server.cli", "query", "-"], cwd=ROOT, stdin=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, "MPSC_RELEASES": str(tmp_path)},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # not ignored, as
    # a shell's `cmd &` would leave it (a review)
    try:
        deadline = time.monotonic() + 60
        while "pipe" not in Path(f"/proc/{process.pid}/wchan").read_text():  # reading the query from stdin
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, errors.decode()) == (130, "error: interrupted\n")


def test_validate_reports_a_contributed_file_in_words(small_root, tmp_path):
    contribution = tmp_path / "contribution.ttl"
    contribution.write_text(BAD_AGS)
    result = mpsc("validate", str(contribution), env={"MPSC_ROOT": str(small_root)})
    assert result.returncode == 1
    assert "https://w3id.org/mpsc/id/municipality/09461000" in result.stdout
    assert "mpsc:ags" in result.stdout and "0946100" in result.stdout


def test_a_date_no_calendar_has_is_reported_in_words_without_a_traceback(small_root, tmp_path):
    """A contributor's review: rdflib's tracebacks for "2020-02-30"^^xsd:date came before the report."""
    contribution = tmp_path / "contribution.ttl"
    contribution.write_text('<https://w3id.org/mpsc/id/project/x> a <https://w3id.org/mpsc/ontology#ModelProject> ; '
                            '<https://schema.org/startDate> "2020-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .\n')
    result = mpsc("validate", str(contribution), env={"MPSC_ROOT": str(small_root)})
    assert "Traceback" not in result.stderr + result.stdout and "2020-02-30" in result.stdout, result.stderr


def test_statements_about_a_resource_nobody_declares_are_a_violation(small_root, tmp_path):
    """A contributor's review: a start date for `project/bambreg` (a misspelt slug) conformed, since no shape
    targets a node without a class."""
    contribution = tmp_path / "contribution.ttl"
    contribution.write_text('<https://w3id.org/mpsc/id/project/bambreg> <https://schema.org/startDate> "2020" .\n')
    result = mpsc("validate", "--format", "json", str(contribution), env={"MPSC_ROOT": str(small_root)})
    report = json.loads(result.stdout)
    assert result.returncode == 1 and [f["focus"] for f in report["findings"] if f["severity"] == "Violation"] == [
        "https://w3id.org/mpsc/id/project/bambreg"]


def test_validate_json_is_machine_readable(small_root, tmp_path):
    contribution = tmp_path / "contribution.ttl"
    contribution.write_text(BAD_AGS)
    result = mpsc("validate", "--format", "json", str(contribution), env={"MPSC_ROOT": str(small_root)})
    report = json.loads(result.stdout)
    assert report["conforms"] is False and report["violations"] >= 1
    assert any(f["focus"] == "https://w3id.org/mpsc/id/municipality/09461000" for f in report["findings"])


def test_validate_with_the_reference_engine_finds_the_same(small_root, tmp_path):
    """`--engine pyshacl` runs pySHACL over everything (the cache holds the build's engine's findings)."""
    contribution = tmp_path / "contribution.ttl"
    contribution.write_text(BAD_AGS)
    env = {"MPSC_ROOT": str(small_root), "MPSC_RELEASES": str(tmp_path / "releases")}
    reports = [mpsc("validate", "--format", "json", "--engine", engine, str(contribution), env=env)
               for engine in ENGINES]
    assert [r.returncode for r in reports] == [1, 1] and reports[0].stdout == reports[1].stdout
    usage = " ".join(mpsc("validate", "--help").stdout.split())
    assert f"[{'|'.join(ENGINES)}]" in usage and f"[default: {ENGINE}]" in usage


def test_validate_turtle_report_parses(small_root, tmp_path):
    from rdflib import Graph, Literal, URIRef

    from server.namespaces import SH

    contribution = tmp_path / "contribution.ttl"
    contribution.write_text(BAD_AGS)
    result = mpsc("validate", "--format", "turtle", str(contribution), env={"MPSC_ROOT": str(small_root)})
    assert result.returncode == 1, result.stderr
    report = Graph().parse(data=result.stdout, format="turtle")
    focus = URIRef("https://w3id.org/mpsc/id/municipality/09461000")
    assert (None, SH.conforms, Literal(False)) in report and (None, SH.focusNode, focus) in report


def test_validate_names_line_and_column_of_a_syntax_error(small_root, tmp_path):
    contribution = tmp_path / "broken.ttl"
    contribution.write_text("@prefix ex: <http://ex.org/> .\nex:a ex:b .\n")
    result = mpsc("validate", str(contribution), env={"MPSC_ROOT": str(small_root)}, cwd=tmp_path)
    assert result.returncode == 1
    assert "broken.ttl:2:" in result.stderr


def test_stats_prints_coverage_of_the_current_release(releases_dir):
    result = mpsc("stats", "--out", str(releases_dir))
    assert result.returncode == 0, result.stderr
    assert "Municipality" in result.stdout and "10,751" in result.stdout
    assert "ModelProject" in result.stdout
    # descriptions per language, counted from the programme dump (VoID counts properties, not languages)
    projects = next(t for t in result.stdout.split("\n\n") if "ModelProject" in t).splitlines()
    header, row = projects[0].split(), projects[1]
    assert "de" in header and "en" in header and row.count("73 (100 %)") >= 4
    # English labels of the programme-level classes, one row per class
    labels = next(t for t in result.stdout.split("\n\n") if "English label" in t).splitlines()
    rows = {cells[1]: (cells[2], cells[3]) for cells in (line.split() for line in labels[1:])}
    for cls in ("FundingRound", "CharterPrinciple", "Measure", "ProjectPhase", "Role", "FundingProgramme"):
        entities, english = rows[cls]
        assert english == entities, cls  # every one of them has an English label


def test_stats_says_100_and_0_percent_only_for_all_and_nothing():
    """Found by an operator's review: 10,743 of 10,751 showed as "(100 %)", 2 of 503 as "(0 %)"."""
    from server.build.stats import share

    assert [share(10_743, 10_751), share(2, 503), share(10_751, 10_751), share(0, 503), share(1, 2)] == [
        "99.9", "0.4", "100", "0", "50"]
    assert share(1, 100_000) == "0.1" and share(99_999, 100_000) == "99.9"


def test_stats_without_a_release_says_so(tmp_path):
    result = mpsc("stats", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "mpsc build" in result.stderr


def test_a_full_disk_ends_the_build_with_one_plain_line(small_root, tmp_path):
    def small_disk():  # files beyond 8 KB cannot be written: what a full disk does to the release's dumps
        resource.setrlimit(resource.RLIMIT_FSIZE, (8_000, 8_000))

    out = tmp_path / "releases"
    result = mpsc("build", "--out", str(out), env={"MPSC_ROOT": str(small_root)}, preexec_fn=small_disk)
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("error: could not write or read a file") and result.stderr.count("\n") == 1
    debris = [p.name for p in out.iterdir() if p.name != VALIDATION_CACHE]  # the cache is no release
    assert Releases(out).current() is None and debris == []


def test_verify_names_a_damaged_file_and_fails(tmp_path):
    release = make_release(tmp_path, sample_quads("checked"), "checked")
    assert mpsc("verify", str(release.path)).returncode == 0
    damaged = bytearray((release.path / DATASET_FILE).read_bytes())
    damaged[100] ^= 0x01
    (release.path / DATASET_FILE).write_bytes(bytes(damaged))
    result = mpsc("verify", env={"MPSC_RELEASES": str(tmp_path)})
    assert result.returncode == 1
    assert f"{DATASET_FILE} does not match its checksum" in result.stderr and "disagree" not in result.stderr


def test_serve_and_load_refuse_a_damaged_release(tmp_path):
    """Over a remote store too: /dumps serves the local release's files there. The advice names the folder as it is
    written (an operator's review: `.capitalize()` lowered its capitals)."""
    folder = tmp_path / "Releases"
    release = make_release(folder, sample_quads("flipped"), "flipped")
    (release.path / DATASET_FILE).write_bytes((release.path / DATASET_FILE).read_bytes()[:-1])
    env = {"MPSC_RELEASES": str(folder)}
    store = "http://127.0.0.1:9/query"
    for command in (["serve", "--port", str(free_port())], ["serve", "--port", str(free_port()), "--store", store],
                    ["load", "--endpoint", store], ["export-site", str(tmp_path / "export")], ["query", "ASK {}"]):
        result = mpsc(*command, env=env, timeout=60)
        assert result.returncode == 1, result.stderr
        assert "release flipped is damaged" in result.stderr and "Traceback" not in result.stderr
        assert f"Point `current` at an earlier release (ln -sfn VERSION {folder / 'current'})" in result.stderr


@pytest.mark.parametrize("command", [["verify"], ["verify", "{releases}"], ["query", "ASK {}"], ["stats"],
                                     ["export-site", "{releases}/../export"], ["serve", "--port", "{port}"],
                                     ["build", "--out", "{releases}"]])
def test_a_manifest_that_cannot_be_read_ends_a_command_in_one_line(tmp_path, command):
    """An operator's review: one byte changed in release.json gave every command a traceback, `mpsc build` (the
    repair advice) included."""
    releases = tmp_path / "releases"
    make_release(releases, sample_quads("older"), "older")
    release = make_release(releases, sample_quads("garbled"), "garbled")
    manifest = release.path / "release.json"
    manifest.write_bytes(b"X" + manifest.read_bytes()[1:])
    command = [part.replace("{releases}", str(releases)).replace("{port}", str(free_port())) for part in command]
    result = mpsc(*command, env={"MPSC_RELEASES": str(releases)}, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "release garbled is damaged: release.json cannot be read" in result.stderr
    if command == ["verify", str(releases)]:  # the other release is checked all the same
        assert "release older: every file matches SHA256SUMS" in result.stdout


@pytest.mark.parametrize("damage", ["edited", "folder"])
def test_a_manifest_edited_or_replaced_by_a_folder_ends_a_command_in_one_line(tmp_path, damage):
    """An attacker's review: valid JSON with a wrong entry ("files": [1]) and a folder in its place gave tracebacks
    (TypeError, IsADirectoryError)."""
    release = make_release(tmp_path, sample_quads("mended"), "mended")
    manifest = release.path / "release.json"
    if damage == "edited":
        manifest.write_text(json.dumps({**release.manifest, "files": [1]}))
    else:
        manifest.unlink()
        manifest.mkdir()
    for command in (["verify"], ["query", "ASK {}"], ["verify", str(release.path)]):
        result = mpsc(*command, env={"MPSC_RELEASES": str(tmp_path)}, timeout=60)
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert "release mended is damaged: release.json" in result.stderr


@pytest.mark.parametrize("command", [["verify"], ["query", "ASK {}"], ["serve"]])
def test_a_release_file_it_may_not_read_ends_a_command_with_exit_3(tmp_path, command):
    """An operator's review: a release file without read permission gave a PermissionError traceback and exit 1.
    As root, the command runs without the capabilities that override file permissions (util-linux's setpriv)."""
    release = make_release(tmp_path, sample_quads("locked"), "locked")
    (release.path / DATASET_FILE).chmod(0)
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps",
            "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    if command == ["serve"]:
        command = ["serve", "--port", str(free_port())]
    env = {**os.environ, "MPSC_RELEASES": str(tmp_path)}
    result = subprocess.run([*drop, sys.executable, "-m", "server.cli", *command], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: could not write or read a file") and DATASET_FILE in result.stderr


@pytest.mark.parametrize("variable, place", [("MPSC_STORE_PATH", "/proc/no-such-folder"), ("MPSC_STORE_PATH", "file"),
                                             ("MPSC_SHORT_LINKS", "/proc/links.sqlite3")])
def test_serve_refuses_a_folder_it_cannot_write_in_one_line(tmp_path, variable, place):
    """An operator's review: MPSC_STORE_PATH=/proc/nope (or a file) passed the checks, and each worker ended in a
    traceback after "Listening"; with MPSC_SHORT_LINKS=/proc/x.sqlite every new short link was a 503, unlogged."""
    make_release(tmp_path, sample_quads("stored"), "stored")
    (tmp_path / "file").write_text("not a folder")
    path = place if place.startswith("/") else str(tmp_path / place)
    result = mpsc("serve", "--port", str(free_port()), env={"MPSC_RELEASES": str(tmp_path), variable: path},
                  timeout=60)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: {variable}='{path}': ")


def test_serve_refuses_an_unknown_store_engine_in_one_line(tmp_path):
    """Found by an operator: over a remote store each worker failed with a traceback; the embedded store took it."""
    make_release(tmp_path, sample_quads("engine"), "engine")
    for store in ([], ["--store", "http://127.0.0.1:9/query"]):
        result = mpsc("serve", "--port", str(free_port()), "--store-engine", "bogus", *store,
                      env={"MPSC_RELEASES": str(tmp_path)}, timeout=60)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("error: unknown store engine 'bogus'; known: '', 'virtuoso'")


def test_query_gives_a_select_stars_columns_in_the_order_they_occur(tmp_path):
    make_release(tmp_path, sample_quads("star"), "star")
    answer = mpsc("query", "SELECT * { ?s ?p ?o } LIMIT 1", env={"MPSC_RELEASES": str(tmp_path)})
    assert answer.returncode == 0 and answer.stdout.startswith("?s\t?p\t?o\n"), answer.stderr


def test_query_from_a_file_that_cannot_be_read_ends_in_one_plain_line(tmp_path):
    make_release(tmp_path, sample_quads("read"), "read")
    env = {"MPSC_RELEASES": str(tmp_path)}
    missing = mpsc("query", f"@{tmp_path / 'missing.rq'}", env=env)
    assert missing.returncode == 3 and missing.stderr.startswith("error: could not write or read a file")
    latin1 = tmp_path / "latin1.rq"
    latin1.write_bytes("SELECT * { ?s ?p 'Köln' }".encode("latin-1"))
    with open(latin1, "rb") as stdin:
        for wrong in (mpsc("query", f"@{latin1}", env=env), mpsc("query", "-", env=env, stdin=stdin)):
            assert wrong.returncode == 2 and "not UTF-8" in wrong.stderr and wrong.stderr.count("\n") == 1, wrong.stderr


@pytest.mark.parametrize("command, variable, value", [
    (("query", "ASK {}"), "MPSC_QUERY_TIMEOUT", "soon"),
    (("serve", "--port", "1"), "MPSC_WORKERS", "two"),
    (("query", "ASK {}"), "MPSC_STORE_IN_MEMORY", "maybe"),
])
def test_a_setting_that_cannot_be_read_ends_any_command_in_one_plain_line(command, variable, value):
    result = mpsc(*command, env={variable: value})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {variable}={value!r} cannot be read:"), result.stderr


@pytest.mark.parametrize("variable, value, words", [
    ("MPSC_QUERY_TIMEOUT", "-5", "must be a finite number of seconds above 0"),  # every page and query: 503
    ("MPSC_HEADER_TIMEOUT", "inf", "must be a finite number of seconds above 0"),  # an OverflowError in granian
    ("MPSC_MAX_ROWS", "-1", "must be from 1 to"),
    ("MPSC_CLIENT_QUERIES", "0", "must be from 1 to"),  # every query 429
    ("MPSC_THREADS", "-100", "must be from 1 to 1,024"),  # a traceback and a crash loop of the workers
    # too much (an operator's review): workers respawned forever, or ended in a traceback
    ("MPSC_EXECUTORS", "500", "must be from 1 to 256"),
    ("MPSC_QUERY_TIMEOUT", "1e18", "at most 86,400 (a day)"),
    ("MPSC_MAX_QUERY_BYTES", "99999999999999999999", "must be from 1 to 1,099,511,627,776"),
    ("MPSC_BIND", "foo", "must be IP:port"),
    ("MPSC_BIND", "localhost:8080", "must be IP:port"),  # granian takes no name: a traceback after the build
    ("MPSC_BIND", "127.0.0.1:99999", "the port from 1 to 65535"),
    ("MPSC_STORE", "bogus", 'must be "embedded" or an http:// or https:// URL'),
    ("MPSC_TRUSTED_PROXIES", "10.0.0.1,localhost", "'localhost' is no IP address or network"),  # every request 500
    ("MPSC_BASE_URL", "mpsc.example.org/", "must be an http:// or https:// URL"),  # every page 400
])
def test_a_setting_a_server_would_fail_on_ends_serve_in_one_plain_line(tmp_path, variable, value, words):
    """Found by an operator's review: these started a server that failed every request (or crashed its workers)."""
    result = mpsc("serve", "--port", str(free_port()), env={variable: value, "MPSC_RELEASES": str(tmp_path)},
                  timeout=60)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: {variable}=") and words in result.stderr, result.stderr
    assert not list(tmp_path.iterdir())  # refused before anything was built


def test_an_empty_folder_or_file_setting_is_no_setting(monkeypatch):
    """An operator's review: `MPSC_STORE_PATH=` (as env files write an unset one) wrote an on-disk store into the
    working directory, `MPSC_RELEASES=` took it for the releases folder. Other empty settings keep their meaning
    (`MPSC_EXECUTOR_MALLOC=` is the C library's allocator)."""
    for variable in ("MPSC_STORE_PATH", "MPSC_RELEASES", "MPSC_SHORT_LINKS", "MPSC_EXECUTOR_MALLOC"):
        monkeypatch.setenv(variable, "")
    settings = Settings.from_env()
    assert settings.store_path is None and settings.short_links is None
    assert settings.releases == settings.root / "releases" and settings.executor_malloc == ""


def test_settings_that_turn_something_off_at_0_take_0():
    """README: MPSC_QUERY_MEMORY=0 is no memory cap, MPSC_CACHE_BYTES=0 no response cache (the review of the checks
    found the first refused)."""
    settings = Settings.from_env(query_memory=0, cache_bytes=0, queue=0, bind="[::1]:8080")
    assert (settings.query_memory, settings.cache_bytes, settings.queue) == (0, 0, 0)
    assert split_bind(settings.bind) == ("::1", 8080) and bind_url(settings.bind) == "http://[::1]:8080/"


def test_a_store_url_with_a_password_is_refused_without_showing_it(tmp_path):
    """It was logged on every request, and urllib took the user part for the host."""
    result = mpsc("serve", "--port", str(free_port()), env={"MPSC_STORE": "http://loader:s3cret@127.0.0.1:9/query",
                                                            "MPSC_RELEASES": str(tmp_path)}, timeout=60)
    assert result.returncode == 2 and "must not carry a user name or password" in result.stderr, result.stderr
    assert "s3cret" not in result.stderr and "loader:***@" in result.stderr


def test_serve_refuses_a_port_another_program_listens_on(tmp_path):
    """Granian binds with SO_REUSEPORT: a second server on a taken port started silently and the kernel shared the
    requests between the two (an operator's review)."""
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as a running granian holds its port
        other.bind(("127.0.0.1", port))
        other.listen()
        result = mpsc("serve", "--port", str(port), env={"MPSC_RELEASES": str(tmp_path)}, timeout=60)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: cannot listen at 127.0.0.1:{port}: Address already in use")


def test_serve_refuses_a_taken_port_for_its_metrics_too(tmp_path):
    """Granian's exporter at a taken port ended in a backtrace while the server went on without it."""
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", port))
        other.listen()
        result = mpsc("serve", "--port", str(free_port()),
                      env={"MPSC_RELEASES": str(tmp_path), "MPSC_METRICS": f"127.0.0.1:{port}"}, timeout=60)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: cannot listen at 127.0.0.1:{port}: Address already in use")
    assert "MPSC_METRICS" in result.stderr
    # the site's own port (a review: it was refused as "another mpsc serve")
    result = mpsc("serve", "--port", str(port),
                  env={"MPSC_RELEASES": str(tmp_path), "MPSC_METRICS": f"127.0.0.1:{port}"}, timeout=60)
    assert result.returncode == 2 and "must name another port than MPSC_BIND's" in result.stderr, result.stderr


def test_a_second_serve_started_while_the_first_starts_is_refused(small_root, tmp_path):
    """An operator's review: two `mpsc serve` started together both passed the port check (the first did not listen
    yet: it was checking or building its release) and then both listened, sharing the port."""
    port = free_port()
    env = {**os.environ, "MPSC_ROOT": str(small_root), "MPSC_RELEASES": str(tmp_path / "releases")}
    first = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", "1",
                              "--executors", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        lock, deadline = Path(tempfile.gettempdir()) / f"mpsc-serve-{port}.lock", time.monotonic() + 60
        while not _held(lock):  # the first has taken the port's lock and is building its release
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        result = mpsc("serve", "--port", str(port), env={"MPSC_RELEASES": str(tmp_path / "releases")}, timeout=60)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert f"another `mpsc serve` is starting or serving on port {port}" in result.stderr
    finally:
        stop_session(first)


def _held(path: Path) -> bool:
    """Whether another process holds the lock of `path`."""
    if not path.exists():
        return False
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def test_a_current_link_to_no_release_is_named_not_built_over(tmp_path):
    """A mistyped version in a rollback (`ln -sfn c09a6ef00f1 current`) had `mpsc serve` build and serve a new
    release."""
    (tmp_path / "current").symlink_to("c09a6ef00f1")
    for command in (["serve", "--port", str(free_port())], ["verify"]):
        result = mpsc(*command, env={"MPSC_RELEASES": str(tmp_path)}, timeout=60)
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert "points to c09a6ef00f1, which holds no release" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["current"]


@pytest.mark.parametrize("options, words", [
    (["--listen", "foo"], "'foo' is no PORT or HOST:PORT"), (["--listen", "0.0.0.0:99999"], "is no PORT or HOST:PORT"),
    (["--listen", "127.0.0.1:8109;evil"], "is no PORT or HOST:PORT"), (["--upstream", "foo"], "'foo' is no HOST:PORT"),
    (["--listen", "[1.2.3.4]:80"], "is no PORT"), (["--listen", "[:::]:80"], "is no PORT"),
    (["--upstream", "999.999.999.999:80"], "is no HOST:PORT"), (["--upstream", "a..b:80"], "is no HOST:PORT"),
    (["--only", "nosuch/"], "--only nosuch/: no document's path under /id/ starts so"),
])
def test_export_site_refuses_an_address_or_prefix_nginx_or_the_data_cannot_take(releases_dir, tmp_path, options, words):
    """An operator's review: these were written into a configuration nginx refused, or exported no document, with
    exit status 0."""
    result = mpsc("export-site", str(tmp_path / "export"), *options, env={"MPSC_RELEASES": str(releases_dir)},
                  timeout=120)
    assert result.returncode == 2 and words in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_an_export_without_a_base_url_names_the_address_its_configuration_listens_on(releases_dir, tmp_path):
    """An operator's review: without --base-url, the export's links, style sheets and nginx's 303s named the app's
    address (MPSC_BIND's, http://127.0.0.1:8080/), so a visitor of a trial export left the static site with the
    first click. On every address, the export says that no client can open what its pages name."""
    assert "MPSC_BASE_URL" not in os.environ  # the default is what this tests
    folder = tmp_path / "export"
    result = mpsc("export-site", str(folder), "--listen", "127.0.0.1:8123", "--only", "state/01",
                  env={"MPSC_RELEASES": str(releases_dir)}, timeout=300)
    assert result.returncode == 0 and not result.stderr, result.stderr
    page = (folder / "site" / "doc" / "state" / "01.de.html").read_text(encoding="utf-8")
    assert 'href="http://127.0.0.1:8123/' in page and "127.0.0.1:8080" not in page
    assert '"http://127.0.0.1:8123/doc/$mpsc_id' in (folder / "nginx" / "site.conf").read_text(encoding="utf-8")  # 303s
    # The warnings come before the release is read: a folder without one ends these runs at once.
    none = {"MPSC_RELEASES": str(tmp_path / "no-releases")}
    everywhere = mpsc("export-site", str(folder), "--listen", "0.0.0.0:8123", env=none, timeout=300)
    assert everywhere.stderr.startswith("warning: pages and redirects will name http://0.0.0.0:8123/, which clients "
                                        "elsewhere cannot open; pass --base-url"), everywhere.stderr
    port_alone = mpsc("export-site", str(folder), "--listen", "80", env=none, timeout=300)  # nginx: every address
    assert port_alone.stderr.startswith("warning: pages and redirects will name http://127.0.0.1/,")
    assert everywhere.returncode == port_alone.returncode == 1 and "no release" in port_alone.stderr
    odd = mpsc("export-site", str(tmp_path / "a$b"), env={"MPSC_RELEASES": str(releases_dir)}, timeout=300)
    assert odd.returncode == 2 and "nginx or Caddy would read otherwise" in odd.stderr, odd.stderr


def test_serve_on_every_address_without_a_base_url_warns_that_links_name_it(tmp_path):
    """An operator's review: with MPSC_BIND=0.0.0.0:… the pages' links, redirects and sd:endpoint named
    http://0.0.0.0:…/, silently. (The folder check after the warning ends the command before it serves.)"""
    env = {"MPSC_BIND": f"0.0.0.0:{free_port()}", "MPSC_RELEASES": str(tmp_path), "MPSC_STORE_PATH": "/proc/nope"}
    result = mpsc("serve", env=env, timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("warning: links, redirects and the service "
                                                               "description will name http://0.0.0.0:"), result.stderr
    assert "MPSC_BASE_URL" in result.stderr.splitlines()[0]
    quiet = mpsc("serve", env={**env, "MPSC_BASE_URL": "https://mpsc.example.org/"}, timeout=60)
    assert quiet.returncode == 2 and not quiet.stderr.startswith("warning")


def test_a_project_folder_without_shapes_is_refused_not_published_unchecked(small_root, tmp_path):
    """A packager's review: with no shapes/ (an installed package run beside a folder of data only), every graph
    conformed to the empty shapes graph and `mpsc build` published a release no shape had checked, with exit 0."""
    for shape in (small_root / "shapes").glob("*.ttl"):
        shape.unlink()
    env = {"MPSC_ROOT": str(small_root), "MPSC_RELEASES": str(tmp_path / "releases")}
    for command in (("build",), ("validate",)):
        result = mpsc(*command, env=env, timeout=300)
        assert result.returncode == 1, (command, result.stderr)
        assert result.stderr == (f"error: no SHACL shapes (*.ttl) in {small_root / 'shapes'}; set MPSC_ROOT to the "
                                 "project folder\n"), result.stderr
    assert not (tmp_path / "releases" / "current").exists()


def test_import_outside_a_project_folder_says_so_in_one_line(tmp_path):
    """A packager's review: `mpsc import` where there is no sources/ ended in a traceback (FileNotFoundError)."""
    result = mpsc("import", env={"MPSC_ROOT": str(tmp_path)}, cwd=tmp_path, timeout=120)
    assert result.returncode == 1 and result.stderr == (f"error: no sources/ in {tmp_path}; set MPSC_ROOT to the "
                                                        "project folder\n"), result.stderr
    (tmp_path / "sources").mkdir()  # a project folder that lacks a file: one line, exit 3, nothing written
    result = mpsc("import", "--no-programme", env={"MPSC_ROOT": str(tmp_path)}, cwd=tmp_path, timeout=120)
    assert result.returncode == 3 and result.stderr.startswith("error: could not write or read a file (")
    assert "Traceback" not in result.stderr and not (tmp_path / "data").exists(), result.stderr


def test_a_variable_that_names_no_setting_is_reported_and_the_version_is_told(tmp_path):
    """A packager's review: `MPSC_PORT` (another server's name) was ignored without a word, and the server ran on
    the default port; `mpsc --version` was an unknown option."""
    result = mpsc("--version", timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("mpsc, version "), result.stdout
    result = mpsc("stats", "--out", str(tmp_path), env={"MPSC_PORT": "9000", "MPSC_QUERY_TIMOUT": "5"}, timeout=60)
    assert result.returncode == 1 and result.stderr.startswith("warning: MPSC_PORT is no setting and is ignored (did you mean MPSC_BIND?)\n"
                             "warning: MPSC_QUERY_TIMOUT is no setting and is ignored (did you mean "
                             "MPSC_QUERY_TIMEOUT?)\nerror: no release yet"), result.stderr


def test_serve_warns_when_the_project_folder_has_no_example_queries(tmp_path):
    """A packager's review: the example queries are read from the project folder, and an installed package served
    without MPSC_ROOT showed none on the landing page and /sparql, with no word said. (A taken port ends the command
    right after the warning.)"""
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", port))
        other.listen()
        result = mpsc("serve", "--port", str(port), env={"MPSC_ROOT": str(tmp_path), "MPSC_RELEASES": str(tmp_path)},
                      timeout=60)
    assert result.stderr.startswith(f"warning: no example queries in {tmp_path / 'queries'}: the landing page and "
                                    "/sparql offer none; set MPSC_ROOT to the project folder\n"), result.stderr


def test_a_changed_ontology_under_its_old_version_is_warned_of(small_root, tmp_path):
    """A citing researcher's review: two releases both called their ontology 1.6.2 and differed, and the version
    IRI answers only the newer; the build accepted it without a word. It says so (a warning: a contributor
    rebuilds many times before publishing), and not when only the data changed."""
    env = {"MPSC_ROOT": str(small_root), "MPSC_RELEASES": str(tmp_path / "releases")}
    assert mpsc("build", env=env, timeout=300).returncode == 0
    (small_root / "data" / "programme" / "more.ttl").write_text(
        '<https://w3id.org/mpsc/id/project/bamberg> <http://www.w3.org/2000/01/rdf-schema#comment> "changed"@de .\n',
        encoding="utf-8")
    result = mpsc("build", env=env, timeout=300)
    assert "written to" in result.stdout and "ontology" not in result.stderr, result.stderr
    ontology = small_root / "ontology" / "mpsc.ttl"
    text = ontology.read_text(encoding="utf-8")
    ontology.write_text(text.replace('rdfs:label "Modellprojekt"@de', 'rdfs:label "Modellprojekt (neu)"@de', 1),
                        encoding="utf-8")
    version = re.search(r'owl:versionInfo "([^"]+)"', text).group(1)
    warning = f"warning: an earlier release published another ontology as version {version}, which this one still"
    result = mpsc("build", env=env, timeout=300)
    assert result.returncode == 0 and "written to" in result.stdout and warning in result.stderr, result.stderr
    # and still after another build, when the changed ontology is the previous release's too (a review)
    (small_root / "data" / "programme" / "more.ttl").write_text(
        '<https://w3id.org/mpsc/id/project/bamberg> <http://www.w3.org/2000/01/rdf-schema#comment> "again"@de .\n',
        encoding="utf-8")
    result = mpsc("build", env=env, timeout=300)
    assert "written to" in result.stdout and warning in result.stderr, result.stderr
