"""`mpsc serve` (granian and --dev) and `mpsc query`, run as a user runs them."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from server.build.release import DATASET_FILE
from tests.conftest import mpsc
from tests.sparql_support import fetch, free_port, make_release, mpsc_serve, running, sample_quads, stop_session

PROJECTS = "SELECT ?p WHERE { ?p a <https://w3id.org/mpsc/ontology#ModelProject> } ORDER BY ?p"


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    make_release(folder, sample_quads("served"), "served")
    return folder


def test_granian_serves_with_one_access_log_line_per_request(releases, tmp_path):
    log = tmp_path / "server.log"
    env = {"MPSC_RELEASES": str(releases), "MPSC_SITE_EXECUTORS": "1"}
    with mpsc_serve("--workers", "2", "--threads", "2", "--executors", "1", env=env, log=log) as url:
        assert fetch(url + "sparql", query=PROJECTS).json()["results"]["bindings"][2]["p"]["value"].endswith("/ulm")
        assert fetch(url + "sparql", query="ASK {", headers={"User-Agent": "probe/2"}).status == 400
        assert fetch(url + "sparql", method="POST", headers={"Content-Type": "application/sparql-query"},
                     data=b"ASK {}" + b" " * 100_000).status == 413
        health = fetch(url + "healthz").json()
        description = fetch(url + "sparql").body.decode()
    lines = log.read_text().splitlines()
    assert health["store"]["version"] == "served" and health["store"]["lanes"] == {"public": 1, "site": 1}
    assert f"sd:endpoint <{url}sparql>" in description  # the base URL follows the port
    assert len([line for line in lines if '"GET /sparql?query=SELECT' in line]) == 1
    assert len([line for line in lines if '"GET /sparql?query=ASK' in line and '400' in line and "probe/2" in line]) == 1
    assert len([line for line in lines if '"GET /sparql HTTP/1.1" 200' in line]) == 1
    # the refusal names its limit; the client is its address truncated (an SRE's review)
    assert len([line for line in lines if '"POST /sparql' in line and line.endswith(" limit=max_query_bytes")]) == 1
    assert all(line.split(" ", 3)[2] == "127.0.0.0" for line in lines if '"GET /' in line)
    assert len([line for line in lines if "Spawning worker-" in line]) == 2  # it really is granian, two workers
    assert [line for line in lines if "Serving release served from embedded: 2 worker(s), 1 public query" in line]
    # granian's warning that the threads we mean "seem quite high" (serve.Intended) came at every start.
    assert not [line for line in lines if "Python threads" in line], lines


def test_granians_prometheus_exporter_answers_where_the_operator_says(releases):
    """An SRE's review: nothing told the request rate, respawned workers or busy and queued threads without parsing
    the log. MPSC_METRICS starts granian's exporter, which counts over all workers."""
    metrics = free_port()
    env = {"MPSC_RELEASES": str(releases), "MPSC_METRICS": f"127.0.0.1:{metrics}"}
    with mpsc_serve("--workers", "2", env=env) as url:
        assert fetch(url + "healthz").status == 200
        exported = fetch(f"http://127.0.0.1:{metrics}/metrics").body.decode()
    assert "granian_workers_spawns 2" in exported.splitlines(), exported
    # the workers' own counts come at granian's first collection, 15 s after the start
    assert "# TYPE granian_requests_handled counter" in exported and "# TYPE granian_blocking_queue gauge" in exported


def test_a_first_start_answers_from_memory_and_then_from_the_copy_it_writes_once_it_answers(tmp_path):
    """A release's first start loads it into memory and writes its on-disk copy only after the worker is ready
    (serve.py: the writer had competed with the landing page for the processor), then answers from the copy."""
    make_release(tmp_path, sample_quads("fresh"), "fresh")
    log = tmp_path / "server.log"
    with mpsc_serve(env={"MPSC_RELEASES": str(tmp_path)}, log=log) as url:
        assert fetch(url + "healthz").json()["store"]["ok"]
        deadline = time.monotonic() + 60
        while fetch(url + "healthz").json()["store"]["source"] != "disk":
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        assert (tmp_path / ".quick-start" / "fresh").is_dir()
        assert fetch(url + "sparql", query=PROJECTS).json()["results"]["bindings"][2]["p"]["value"].endswith("/ulm")


def test_a_store_path_of_its_own_leaves_no_on_disk_copy_beside_it(tmp_path):
    """A review of the change above: called from serve.py for every embedded store, the writer also wrote an unused
    copy into RELEASES/.quick-start when MPSC_STORE_PATH names the store's folder (written before the start)."""
    releases = tmp_path / "releases"
    make_release(releases, sample_quads("own"), "own")
    env = {"MPSC_RELEASES": str(releases), "MPSC_STORE_PATH": str(tmp_path / "stores")}
    with mpsc_serve(env=env) as url:
        assert fetch(url + "healthz").json()["store"]["source"] == "disk"
        time.sleep(1.5)  # the writer, were it started, makes its folder at once
        assert not (releases / ".quick-start").exists() and (tmp_path / "stores" / "own").is_dir()


def test_port_keeps_the_host_of_bind_and_replaces_its_port(releases):
    """Found by an operator's walk through the README: `--bind 127.0.0.1:A --port B` listened on A."""
    with mpsc_serve("--bind", f"127.0.0.1:{free_port()}", env={"MPSC_RELEASES": str(releases)}) as url:
        assert fetch(url + "healthz").status == 200


def test_a_stop_while_the_workers_load_ends_the_server_at_once(releases, tmp_path):
    # The workers inherit granian's master's handlers until their app is loaded: a stop then used to be lost, and the
    # server waited for its workers for ever. Now a worker ends at once (serve.end_on_stop_while_loading); one that
    # misses the stop anyway is killed by granian once its queries could have run to their time limit (1 s here,
    # plus 5), which this test would see.
    log = tmp_path / "server.log"
    env = {**os.environ, "MPSC_RELEASES": str(releases), "MPSC_QUERY_TIMEOUT": "1"}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(free_port()),
                                    "--workers", "2"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            while "Spawning worker-2" not in log.read_text():
                assert process.poll() is None and time.sleep(0.01) is None
            os.killpg(process.pid, signal.SIGTERM)  # the workers are loading their app now
            started = time.monotonic()
            process.wait(timeout=30)
            # Not "Killing worker" absent from the log: granian prints it also for a worker that had just ended, when
            # its watcher thread reaped the worker while the master checked (seen once in a stop after a start).
            assert time.monotonic() - started < 3, log.read_text()
            assert "Traceback" not in log.read_text()  # the fork servers, too, end quietly
        finally:
            stop_session(process)


@pytest.mark.parametrize("damaged", [DATASET_FILE, "release.json"])
def test_a_reload_over_a_damaged_release_keeps_the_workers_serving(tmp_path, damaged):
    """An operator's review: `kill -HUP` (README: after a load; systemd's ExecReload) over a damaged current release
    respawned the workers, which could not serve it; granian saw a crash loop and the whole server ended. A manifest
    that cannot be read ended granian's supervision with a traceback, and then no signal stopped the server."""
    folder, log, port = tmp_path / "releases", tmp_path / "server.log", free_port()
    make_release(folder, sample_quads("reloaded"), "reloaded")
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/healthz", env={"MPSC_RELEASES": str(folder)}, log=log) as process:
        file = folder / "current" / damaged
        file.write_bytes(file.read_bytes()[:-1] + b"x")
        os.kill(process.pid, signal.SIGHUP)
        logged(process, log, "reload refused, the workers serve on", 30)
        time.sleep(1)  # a respawn would have begun by now
        assert process.poll() is None and fetch(f"http://127.0.0.1:{port}/healthz").status == 200
        assert "Spawning worker-1" in log.read_text() and log.read_text().count("Spawning worker-1") == 1
        assert "Traceback" not in log.read_text()
        # with its time and level, as every line of the log (an operator's review: warnings had neither)
        assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[ERROR\] server\.serve: reload refused",
                         log.read_text(), re.M), log.read_text()
        assert re.search(r"^\d{4}-\d\d-\d\d [\d:,]+ \[INFO\] Spawning worker-1", log.read_text(), re.M)
        process.send_signal(signal.SIGTERM)  # the server still stops as it should
        assert process.wait(timeout=30) is not None


def test_a_worker_respawned_after_a_crash_serves_the_release_its_master_checked(tmp_path):
    """An operator's review: a worker killed from outside was respawned over whatever `current` named by then,
    unchecked: another release without a reload, or, that one damaged, a crash loop that ended the whole server.
    It serves the release its master checked at the start; only a reload (checked) moves the workers on."""
    folder, log, port = tmp_path / "releases", tmp_path / "server.log", free_port()
    make_release(folder, sample_quads("checked"), "checked")
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/healthz", env={"MPSC_RELEASES": str(folder)}, log=log) as process:
        newer = make_release(folder, sample_quads("newer"), "newer")  # `current` now names it, damaged
        (newer.path / DATASET_FILE).write_bytes((newer.path / DATASET_FILE).read_bytes()[:-1])
        (worker,) = children(process.pid)
        os.kill(worker, signal.SIGKILL)
        logged(process, log, "Spawning worker-1", 30)
        deadline = time.monotonic() + 60
        while log.read_text().count("Spawning worker-1") < 2 or not responds(f"http://127.0.0.1:{port}/healthz"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        assert fetch(f"http://127.0.0.1:{port}/healthz").json()["store"]["version"] == "checked"
        assert process.poll() is None and "Traceback" not in log.read_text()


def test_a_current_copied_without_links_is_served_and_reloaded(tmp_path):
    """A `current` that is a folder of its own (`cp -rL`, an image layer), with no folder named by its version
    beside it: the workers were pinned to the version and could not find it, a crash loop that ended the server
    (a review of the pin). They serve the folder the master checked, also after a reload."""
    folder, log, port = tmp_path / "releases", tmp_path / "server.log", free_port()
    release = make_release(folder, sample_quads("copied"), "copied")
    (folder / "current").unlink()
    release.path.rename(folder / "current")
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/healthz", env={"MPSC_RELEASES": str(folder)}, log=log) as process:
        assert fetch(f"http://127.0.0.1:{port}/healthz").json()["store"]["version"] == "copied"
        # no folder named by its version: no address under it is named (a review: they were 404s)
        answer = fetch(f"http://127.0.0.1:{port}/dumps/release.json")
        assert answer.status == 200 and "Content-Location" not in answer.headers
        assert fetch(f"http://127.0.0.1:{port}/dumps/copied/").status == 404
        os.kill(process.pid, signal.SIGHUP)
        logged(process, log, "Stopped old worker-1", 60)
        assert responds(f"http://127.0.0.1:{port}/healthz") and process.poll() is None, log.read_text()
        assert "Traceback" not in log.read_text()


def test_a_target_sent_in_utf_8_unencoded_is_logged_as_written(tmp_path):
    """An operator's review: a query string sent as raw UTF-8 (curl sends what it is given) was logged "KÃ¶ln"
    (granian gives it as Latin-1, as WSGI asks; the path was decoded, the query not)."""
    folder, log, port = tmp_path / "releases", tmp_path / "server.log", free_port()
    make_release(folder, sample_quads("logged"), "logged")
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/healthz", env={"MPSC_RELEASES": str(folder)}, log=log) as process:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
            client.sendall("GET /healthz?q=Köln HTTP/1.1\r\nHost: x\r\nUser-Agent: raw-utf8\r\n"
                           "Connection: close\r\n\r\n".encode())
            while client.recv(65536):
                pass
        logged(process, log, "raw-utf8", 30)
        assert '"GET /healthz?q=Köln HTTP/1.1" 200' in log.read_text(encoding="utf-8"), log.read_text()


def test_the_workers_stop_when_their_master_is_killed(tmp_path):
    """An SRE's review: after `kill -9` of the master, its worker served on with the port and its lock, and a new
    `mpsc serve` was refused. The worker now stops, and the port is free again."""
    folder, port = tmp_path / "releases", free_port()
    make_release(folder, sample_quads("orphan"), "orphan")
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/healthz", env={"MPSC_RELEASES": str(folder)}) as process:
        [worker] = children(process.pid)
        process.kill()
        process.wait()
        deadline = time.monotonic() + 30
        while alive(worker):
            assert time.monotonic() < deadline, "the worker serves on"
            time.sleep(0.2)
        assert not responds(f"http://127.0.0.1:{port}/healthz")


def alive(pid: int) -> bool:
    """Whether process `pid` runs (not ended, nor a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (granian's master: its workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def responds(url: str) -> bool:
    """Whether `url` answers 200 (a respawning worker may refuse or drop the connection meanwhile)."""
    try:
        return fetch(url).status == 200
    except OSError:
        return False


# A busy machine, where a worker takes seconds to load its app: imported at the start of every Python process the
# test's server runs (Python's `sitecustomize`), it makes each granian worker's app take 5 s longer.
# A worker that starts slowly once SLOW exists (the reload's, not the first: that would only cost the test time).
SLOW_START = """
import os, time
import server.serve

loaded = server.serve._loaded_app
server.serve._loaded_app = lambda: (time.sleep(5) if os.path.exists({slow!r}) else None, loaded())[1]
"""


def logged(process, log, text: str, seconds: float) -> None:
    """Wait until the server's log has `text`; fail if the server ends or `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while text not in log.read_text():
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


@contextmanager
def hooked_server(hook: str, releases, port: int, tmp_path, log):
    """`mpsc serve` (one worker) whose every Python process first runs `hook` as its `sitecustomize`."""
    folder = tmp_path / "hook"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(hook)
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", "1", "--executors", "1"]
    env = {"MPSC_RELEASES": str(releases), "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", ".")])}
    with running(command, f"http://127.0.0.1:{port}/healthz", env=env, log=log) as process:
        yield process


def test_a_reload_stops_an_old_worker_only_once_its_successor_answers(releases, tmp_path):
    """An operator's review: after `kill -HUP` every connection was refused for 3 to 10 s, since granian stopped the
    old worker 3.5 s after starting the new one, which opens its socket only once its app is whole (at a release's
    first start, once it has loaded the release). Requests go on through a reload whose workers take 5 s to start."""
    log, port, slow = tmp_path / "server.log", free_port(), tmp_path / "slow"
    with hooked_server(SLOW_START.format(slow=str(slow)), releases, port, tmp_path, log) as process:
        slow.touch()
        refused, answered, stop = [], [], threading.Event()

        def ask() -> None:
            while not stop.is_set():
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
                        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        answered.append(connection.recv(12))
                except ConnectionRefusedError:
                    refused.append(time.monotonic())
                time.sleep(0.01)

        asking = threading.Thread(target=ask)
        asking.start()
        try:
            os.kill(process.pid, signal.SIGHUP)
            logged(process, log, "Stopped old worker-1", 120)
            time.sleep(0.5)
        finally:
            stop.set()
            asking.join()
    assert refused == [] and answered and all(a.startswith(b"HTTP/1.1 200") for a in answered), log.read_text()[-2000:]


# A new worker that fails to start (a release that loads in the check but not in the worker, memory short):
# imported at the start of every Python process of the test's server, it ends a worker's app once FAIL exists.
FAILING_START = """
import os, server.serve

loaded = server.serve._loaded_app
server.serve._loaded_app = lambda: os._exit(3) if os.path.exists({fail!r}) else loaded()
"""


def test_a_reload_whose_new_worker_cannot_start_leaves_the_old_one_serving(releases, tmp_path):
    """A review: granian then stopped the healthy old workers all the same, saw a crash loop and ended the server."""
    log, port, fail = tmp_path / "server.log", free_port(), tmp_path / "fail"
    with hooked_server(FAILING_START.format(fail=str(fail)), releases, port, tmp_path, log) as process:
        fail.touch()
        os.kill(process.pid, signal.SIGHUP)
        logged(process, log, "worker-1 could not start; the old one serves on", 60)
        time.sleep(1)
        assert process.poll() is None and fetch(f"http://127.0.0.1:{port}/healthz").status == 200


STOPPED = """
import os, signal, sys, threading

class Master:  # granian's master: a worker inherits its handler through fork
    interrupt_signal = False

    def signal_handler_interrupt(self, *args):
        self.interrupt_signal = True

signal.signal(signal.SIGTERM, Master().signal_handler_interrupt)
{before}
from server.serve import end_on_stop_while_loading
end_on_stop_while_loading()
{during}
threading.Event().wait(5)  # the app would load on
sys.exit(0)
"""


@pytest.mark.parametrize("moment", ["before", "during"])
def test_a_stop_before_or_while_a_worker_loads_its_app_ends_the_worker_at_once(moment):
    send = "os.kill(os.getpid(), signal.SIGTERM)"
    code = STOPPED.format(before=send if moment == "before" else "", during=send if moment == "during" else "")
    started = time.monotonic()
    assert subprocess.run([sys.executable, "-c", code], timeout=20).returncode == 128 + signal.SIGTERM
    assert time.monotonic() - started < 4


def test_serve_builds_a_release_on_a_fresh_clone(small_root, tmp_path):
    releases = tmp_path / "releases"
    env = {"MPSC_ROOT": str(small_root), "MPSC_RELEASES": str(releases)}
    with mpsc_serve("--workers", "1", "--executors", "1", env=env) as url:
        assert fetch(url + "healthz").json()["status"] == "ok"
    assert (releases / "current" / DATASET_FILE).exists()


def test_dev_mode_serves_with_the_reloader(releases, tmp_path):
    log = tmp_path / "dev.log"
    with mpsc_serve("--dev", "--threads", "1", env={"MPSC_RELEASES": str(releases)}, log=log) as url:
        assert fetch(url + "sparql", query="ASK {}").json()["boolean"] is True
    text = log.read_text()
    assert "Restarting with stat" in text and "development server" in text  # werkzeug's reloader, not granian
    assert len([line for line in text.splitlines() if "/sparql?query=ASK" in line]) == 1  # one access-log line


@pytest.mark.parametrize("fmt, expected", [
    (None, "?p\n<https://w3id.org/mpsc/id/project/bamberg>\n"),
    ("table", "?p\n<https://w3id.org/mpsc/id/project/bamberg>\n"),
    ("csv", "p\nhttps://w3id.org/mpsc/id/project/bamberg\n"),  # text mode reads CRLF as LF
    ("json", '{"head":{"vars":["p"]},"results":{"bindings":[{"p":{"type":"uri","value":"https://w3id.org/mpsc/id/project/bamberg"}}]}}'),
])
def test_mpsc_query_prints_results(releases, fmt, expected):
    result = mpsc("query", PROJECTS + " LIMIT 1", *(["--format", fmt] if fmt else []), env={"MPSC_RELEASES": str(releases)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip("\n") == expected.rstrip("\n")


def test_mpsc_query_table_aligns_columns(releases):
    query = "SELECT ?year ?r WHERE { ?r <https://w3id.org/mpsc/ontology#year> ?year } ORDER BY ?year"
    result = mpsc("query", query, "--format", "table", env={"MPSC_RELEASES": str(releases)})
    lines = result.stdout.splitlines()
    assert re.match(r"\?year {3,}\?r$", lines[0])
    assert lines[1].index("<https://w3id.org/mpsc/id/round/2019>") == lines[0].index("?r")


def test_mpsc_query_reads_a_file_and_prints_graphs_as_turtle(releases, tmp_path):
    (tmp_path / "q.rq").write_text("CONSTRUCT WHERE { ?r <https://w3id.org/mpsc/ontology#year> ?y }")
    result = mpsc("query", f"@{tmp_path / 'q.rq'}", env={"MPSC_RELEASES": str(releases)})
    assert result.returncode == 0 and "@prefix mpsc: <https://w3id.org/mpsc/ontology#> ." in result.stdout


@pytest.mark.parametrize("query, message", [("CLEAR ALL", "SPARQL Update is not accepted"),
                                             ("SELECT * {", "Syntax error at line 1")])
def test_mpsc_query_refuses_in_plain_words(releases, query, message):
    result = mpsc("query", query, env={"MPSC_RELEASES": str(releases)})
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_templates_compile_while_the_store_opens_the_landing_pages_first(tmp_path):
    """serve.py puts the app together while the store opens (a Future): the page templates compile meanwhile, the
    landing page's first, and no longer once it is open (compiled before, they delayed a start from the on-disk
    copy by 0.08 s)."""
    from concurrent.futures import Future

    from server import create_app
    from server.config import Settings
    from server.web import LANDING_PAGE, compile_templates
    from tests.conftest import NoStore

    def compiled(app) -> list[str]:
        return [key[1] for key in app.jinja_env.cache.keys()]

    settings = Settings.from_env(releases=tmp_path)
    opened = Future()
    opened.set_result(NoStore())
    app = create_app(settings, store=opened)
    assert compiled(app) == []
    compile_templates(app, until=Future())  # one that never opens: every template
    assert sorted(compiled(app)) == sorted(app.jinja_env.list_templates(extensions=["html"]))

    class OpensAfter(Future):
        def __init__(self, looks: int):
            super().__init__()
            self.looks = looks

        def done(self) -> bool:
            self.looks -= 1
            return self.looks < 0

    app = create_app(settings, store=NoStore())
    compile_templates(app, until=OpensAfter(len(LANDING_PAGE)))
    assert sorted(compiled(app)) == sorted(LANDING_PAGE)
