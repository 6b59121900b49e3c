"""The `mpsc` command. Each command is a thin wrapper: parse flags, call one module, print, set the exit status.

Exit status: 0 success, 1 invalid data (or a damaged release), 2 bad usage (click's own convention for
usage errors), 3 a file could not be written or read (full disk, permissions).
"""
from __future__ import annotations

import ipaddress
import logging
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from .config import Settings, bind_url, flag_help, split_bind, unknown_variables
from .errors import BadSetting, ReleaseCorrupt
from .build.release import CURRENT, Release, Releases, repair_advice
from .formats import GRAPH_FORMATS, RESULT_FORMATS

QUERY_FORMATS = [f.key for f in (*RESULT_FORMATS, *GRAPH_FORMATS)] + ["table"]


INVALID, USAGE, IO = 1, 2, 3  # exit statuses besides 0
INTERRUPTED = 128 + 2  # Ctrl-C (SIGINT), as shells report a process it ended
VANISHED_SHOWN = 10  # identifiers a build names of those it no longer describes (`BuildResult.vanished`)


def fail(message: str, status: int = INVALID) -> None:
    """Print a plain-words error to stderr and exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(status)


def io_failure(error: OSError) -> None:
    """Exit with one plain line for a file that could not be written or read, e.g. on a full disk."""
    where = f" ({error.filename})" if error.filename else ""
    fail(f"could not write or read a file{where}: {error.strerror or error}", IO)


class Commands(click.Group):
    """The commands of `mpsc`: an MPSC_* variable that cannot be read, or a file or folder they may not read or
    write or that is not there (an operator's and a packager's review: a traceback where README promises exit 3),
    ends any of them with one plain line."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BadSetting as error:
            fail(str(error), USAGE)
        except ReleaseCorrupt as error:  # a release whose manifest cannot be read, met by any command
            fail(f"{error}. Restore its files or remove its folder (if `current` names it, point `current` at an "
                 "earlier release first).")
        except BrokenPipeError:  # `mpsc query … | head`: click ends it quietly, as a closed reader asks
            raise
        except OSError as error:  # a permission, a full disk, a file of the project folder not there
            io_failure(error)
        except KeyboardInterrupt:  # click's "Aborted!" exits 1, which README keeps for invalid data (an operator's
            fail("interrupted", INTERRUPTED)  # review); the build's children are ended on the way here


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mpsc-graph", prog_name="mpsc")  # the distribution's version (pyproject.toml)
def main():
    """Build, validate, release and serve the Modellprojekte Smart Cities knowledge graph."""
    # rdflib logs a traceback for every literal its datatype does not admit ("2020-02-30"^^xsd:date); the SHACL
    # report names each such value in words (a contributor's review: the tracebacks came first)
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    for line in unknown_variables():
        click.echo(f"warning: {line}", err=True)


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Releases folder [MPSC_RELEASES; default: releases/ in the project folder, MPSC_ROOT, which is the "
                   "checkout the package runs from].")
def build(out):
    """Merge ontology/ and data/, validate with SHACL, and write a new release to OUT/<version>."""
    from .build import BuildError, build as run_build

    settings = Settings.from_env(releases=out)
    try:
        result = run_build(settings.root, settings.releases)
    except BuildError as error:
        if error.report:
            click.echo(error.report, err=True)
        fail(str(error))
    except OSError as error:
        io_failure(error)
    counts = ", ".join(f"{name.rsplit('/', 1)[-1]} {n:,}" for name, n in result.triples.items())
    if result.written:
        click.echo(f"release {result.version} written to {result.path} ({result.seconds:.1f} s)")
    else:
        click.echo(f"release {result.version} in {result.path} is current: the input has not changed "
                   f"({result.seconds:.1f} s)")
    click.echo(f"triples: {counts}")
    if result.validation.warnings:
        click.echo(f"{result.validation.warnings} SHACL warning(s); run `mpsc validate` for the list")
    if result.unversioned:
        click.echo(f"warning: an earlier release published another ontology as version {result.unversioned}, which "
                   "this one still calls itself: raise owl:versionInfo and owl:versionIRI before publishing "
                   "(ontology/versions/README.md)", err=True)
    if result.vanished:
        from .iris import path_of  # rdflib: not imported by every command (`mpsc serve` starts without it)

        shown = ", ".join(path_of(iri) or iri for iri in result.vanished[:VANISHED_SHOWN])
        more = f" and {len(result.vanished) - VANISHED_SHOWN} more" if len(result.vanished) > VANISHED_SHOWN else ""
        click.echo(f"warning: {len(result.vanished)} identifier(s) of the previous release are no longer described "
                   f"and not retired, so they answer 404: {shown}{more}; list each in sources/curation/retired.csv "
                   "(with the one that replaced it, if any) to answer 301 or 410 instead (README, \"Correcting or "
                   "adding a fact\")", err=True)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
# validation.ENGINES and ENGINE, written out: importing validation (rdflib) would slow every command's start;
# tests/test_cli.py checks that they agree.
@click.option("--engine", type=click.Choice(["pyshacl-turbo", "pyshacl"]), default="pyshacl-turbo", show_default=True,
              help="SHACL engine: the build's, or pySHACL, the reference implementation (slower; same findings).")
def validate(files, fmt, engine):
    """Validate FILES (Turtle) merged with the ontology and data against the shapes.

    Without FILES, validates the data as it is. Exit status 1 if there is any violation.
    """
    from rdflib import Graph

    from .build import validation
    from .build import PROGRAMME, VALIDATION_CACHE, BuildError, check, load_inputs, read_file

    settings = Settings.from_env()
    try:
        graphs = load_inputs(settings.root)
        contributed = Graph()
        for path in files:
            read_file(path, Path.cwd(), contributed)
    except BuildError as error:
        fail(str(error))
    unknown = validation.untyped(contributed, graphs.values())
    graphs[PROGRAMME] += contributed
    # The turtle report needs the engine's whole report graph, which only a run over everything has.
    cache = None if fmt == "turtle" else settings.releases / VALIDATION_CACHE
    try:
        result = validation.with_findings(check(graphs, settings.root / "shapes", cache, engine=engine), unknown)
    except BuildError as error:  # no shapes to check with
        fail(str(error))
    render = {"text": validation.render_text, "json": validation.render_json, "turtle": validation.render_turtle}[fmt]
    click.echo(render(result))
    sys.exit(0 if result.conforms else INVALID)


@main.command("import")
@click.option("--programme/--no-programme", default=True, help="Regenerate data/programme/ from sources/mpsc and sources/curation.")
@click.option("--reference/--no-reference", default=True, help="Regenerate data/reference/ from sources/reference.")
def import_(programme, reference):
    """Regenerate data/ from the source tables (deterministic; commit the result)."""
    from .importers import SourceError, write_programme, write_reference

    settings = Settings.from_env()
    data = settings.root / "data"
    if not (settings.root / "sources").is_dir():
        fail(f"no sources/ in {settings.root}; set MPSC_ROOT to the project folder")
    if programme:
        try:
            write_programme(settings.root, data)
        except SourceError as error:
            for line in str(error).splitlines():
                click.echo(f"error: {line}", err=True)
            fail("nothing written: data/programme is as it was; mend the sources and run `mpsc import` again")
        click.echo("data/programme written")
    if reference:
        counts = write_reference(settings.root, data)
        click.echo("data/reference written: " + ", ".join(f"{k} {v:,} triples" for k, v in counts.items()))


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Releases folder [MPSC_RELEASES].")
def stats(out):
    """Print the coverage of the current release (shares of bodies with AGS, Wikidata, coordinates, ...)."""
    from .build.stats import coverage, render_table

    release = Releases(Settings.from_env(releases=out).releases).current()
    if release is None:
        fail("no release yet; run `mpsc build` first")
    click.echo(f"release {release.version} ({release.modified}); the same figures are in its void.ttl\n")
    click.echo(render_table(coverage(release)))



@main.command()
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def verify(folder):
    """Check a release's files against its SHA256SUMS (FOLDER: a release, or a releases folder for all of
    them; default: the current release). Exit status 1 if any file is missing or differs."""
    from .build.release import MANIFEST, open_release

    unreadable: list[ReleaseCorrupt] = []  # releases of a folder whose manifest cannot be read (one may be `current`'s)
    if folder is None:
        settings = Settings.from_env()
        no_dangling_current(settings)
        release = Releases(settings.releases).current()
        releases = [release] if release else fail("no release yet; run `mpsc build` first")
    elif (folder / MANIFEST).exists():
        releases = [open_release(folder)]
    else:
        releases, unreadable = Releases(folder).scan()
        if not releases and not unreadable:
            fail(f"no release in {folder}")
    for error in unreadable:
        click.echo(f"error: {error}", err=True)
    damaged = len(unreadable)
    for release in releases:
        try:
            release.verify()
            click.echo(f"release {release.version}: every file matches SHA256SUMS")
        except ReleaseCorrupt as error:
            click.echo(f"error: {error}", err=True)
            damaged += 1
    sys.exit(INVALID if damaged else 0)


@main.command()
@click.option("--port", type=int, help="Port to listen on, keeping the host of --bind [MPSC_BIND].")
@click.option("--bind", help=flag_help("bind"))
@click.option("--workers", type=int, help=flag_help("workers"))
@click.option("--threads", type=int, help=flag_help("threads"))
@click.option("--executors", type=int, help=flag_help("executors"))
@click.option("--store", help=flag_help("store"))
@click.option("--store-path", type=click.Path(file_okay=False, path_type=Path), help=flag_help("store_path"))
@click.option("--store-engine", metavar="NAME", help=flag_help("store_engine"))
@click.option("--base-url", help=flag_help("base_url") + "; default http://BIND/")
@click.option("--timeout", type=float, help=flag_help("query_timeout"))
@click.option("--max-rows", type=int, help=flag_help("max_rows"))
@click.option("--cache-bytes", type=int, help=flag_help("cache_bytes"))
@click.option("--dev", is_flag=True, help="Flask's development server with reloader instead of granian.")
def serve(port, bind, workers, threads, executors, store, store_path, store_engine, base_url, timeout, max_rows,
          cache_bytes, dev):
    """Serve the site and the SPARQL endpoint (granian; builds a release first if there is none)."""
    from . import serve as server

    settings = Settings.from_env(bind=bind, workers=workers, threads=threads, executors=executors, store=store,
                                 store_path=store_path, store_engine=store_engine, query_timeout=timeout,
                                 max_rows=max_rows, cache_bytes=cache_bytes)
    if port is not None:  # the host of MPSC_BIND (checked by from_env), with this port
        settings = settings.with_(bind=f"{settings.bind.rpartition(':')[0]}:{port}")
    known_engine(settings.store_engine)
    if base_url is None and "MPSC_BASE_URL" not in os.environ:
        base_url = bind_url(settings.bind)
        if ipaddress.ip_address(split_bind(settings.bind)[0]).is_unspecified:  # an operator's review
            click.echo(f"warning: links, redirects and the service description will name {base_url}, which no "
                       "client can open; set MPSC_BASE_URL to the address clients use", err=True)
    settings = settings.with_(base_url=base_url)
    without_examples(settings)
    no_dangling_current(settings)
    if not dev:
        server.refuse_a_taken_address(settings.bind)
        if settings.metrics:
            server.refuse_a_taken_address(settings.metrics, "MPSC_METRICS")
    server.refuse_unwritable_folders(settings)
    if server.needs_build(settings):
        build_first(settings)
    checked = current_release(settings, required=False)  # over a remote store, /dumps still serves its files
    server.run(settings, dev=dev, release=checked)


def without_examples(settings: Settings) -> None:
    """Warn when the project folder holds no example queries: they are read from it, not from the release, and a
    server run from an installed package without MPSC_ROOT showed none, with no word said (a packager's review)."""
    from .sparql.examples import examples

    folder = settings.root / "queries"
    if not examples(folder):
        click.echo(f"warning: no example queries in {folder}: the landing page and /sparql offer none; set MPSC_ROOT "
                   "to the project folder", err=True)


def no_dangling_current(settings: Settings) -> None:
    """End the command with one line when `current` is a link to no release."""
    target = Releases(settings.releases).dangling()
    if target is not None:
        fail(f"{settings.releases / CURRENT} points to {target}, which holds no release; point it at a release "
             f"folder (`ln -sfn VERSION current` in {settings.releases}) or remove the link to build one")


def current_release(settings: Settings, required: bool = True) -> Release | None:
    """The current release, its files checked against SHA256SUMS; ends the command with one line when it is
    damaged, or missing where the command needs one."""
    no_dangling_current(settings)
    try:
        release = Releases(settings.releases).current()
        if release is None and required:
            fail(f"no release in {settings.releases}; run `mpsc build` first")
        if release is not None:
            release.verify()
    except ReleaseCorrupt as error:
        advice = repair_advice(settings.releases)  # not .capitalize(), which lowers the folder's capitals
        fail(f"{error}. {advice[0].upper()}{advice[1:]}; `mpsc verify` lists what is damaged.")
    return release


def known_engine(engine: str) -> None:
    """Stop with one line before anything starts when MPSC_STORE_ENGINE names no engine the store knows (the
    workers would each fail on it)."""
    from .store.dialects import dialect

    try:
        dialect(engine)
    except ValueError as error:
        fail(str(error), USAGE)


def build_first(settings: Settings) -> None:
    """The release a fresh clone serves. The build is imported only here, not on every start of `mpsc serve`
    (`python -X importtime -c "from server.build import BuildError"`: a quarter of a second more than the CLI)."""
    from .build import BuildError, build as run_build

    click.echo(f"no release in {settings.releases} yet; building one first", err=True)
    try:
        run_build(settings.root, settings.releases)
    except BuildError as error:
        fail(str(error))
    except OSError as error:
        io_failure(error)


# An address the exported site's configuration names (`--listen`, `--upstream`): HOST:PORT, with a name, an IPv4
# address or an IPv6 one in brackets (`--listen` also a port alone); nginx refused what these options took before
# (an operator's review: "foo", "0.0.0.0:99999", "127.0.0.1:8109;evil", "[1.2.3.4]:80").
_NAME = re.compile(r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$")


def _host_ok(host: str) -> bool:
    """Whether nginx and Caddy take `host`: an IPv6 address in brackets, an IPv4 address, or a DNS name."""
    try:
        if host.startswith("[") and host.endswith("]"):
            return isinstance(ipaddress.ip_address(host[1:-1]), ipaddress.IPv6Address)
        if re.fullmatch(r"[0-9.]+", host):
            return isinstance(ipaddress.ip_address(host), ipaddress.IPv4Address)
    except ValueError:
        return False
    return bool(_NAME.match(host))


def listen_url(listen: str) -> str:
    """The URL of the static server that listens on `listen` (a port alone: on this machine; port 80 unnamed), which
    the export's pages name when no base URL is given: they had named the app's own address (MPSC_BIND's), so a
    visitor of a trial export left the static site with the first link (an operator's review)."""
    host, colon, port = listen.rpartition(":")
    return f"http://{host if colon else '127.0.0.1'}{'' if port == '80' else ':' + port}/"


def host_and_port(ctx, param, value):
    """`value` (or each of them) if it is an address as above; else the command ends with one line (exit 2)."""
    for address in (value if isinstance(value, tuple) else (value,)):
        host, colon, port = address.rpartition(":")
        if not ((_host_ok(host) if colon else param.name == "listen")
                and port.isascii() and port.isdigit() and 0 < int(port) < 65536):
            shape = "PORT or HOST:PORT" if param.name == "listen" else "HOST:PORT"
            fail(f"--{param.name} {address!r} is no {shape} (a port from 1 to 65535)", USAGE)
    return value


@main.command("export-site")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", help="Public base URL the static server will answer under [MPSC_BASE_URL; default "
              "http://LISTEN/].")
@click.option("--listen", default="127.0.0.1:8081", show_default=True, callback=host_and_port,
              help="Address the generated nginx and Caddy configurations listen on.")
@click.option("--upstream", "upstreams", multiple=True, metavar="HOST:PORT", callback=host_and_port,
              help="An `mpsc serve` replica for /sparql and whatever was not exported (repeatable) [default: MPSC_BIND].")
@click.option("--only", multiple=True, metavar="PREFIX", help="Export only the documents whose path under /id/ starts "
              "with PREFIX, e.g. project/ (repeatable); the replicas answer the others.")
def export_site(folder, base_url, listen, upstreams, only):
    """Write the current release's site into FOLDER/site as static files, with nginx and Caddy configuration
    (FOLDER/nginx/, FOLDER/Caddyfile) that negotiates formats and languages and forwards /sparql."""
    from . import create_app
    from .web.export import export_site as run_export, write_configs
    from .web.static_config import quoted

    try:  # the configurations name the folder by its absolute path (static_config.nginx_site)
        quoted(str(folder.resolve()))
    except ValueError as error:
        fail(f"export-site: the folder {error}", USAGE)
    if base_url is None and "MPSC_BASE_URL" not in os.environ:
        base_url = listen_url(listen)
        if ":" not in listen or urlsplit(base_url).hostname in ("0.0.0.0", "::"):  # nginx listens on every address
            click.echo(f"warning: pages and redirects will name {base_url}, which clients elsewhere cannot open; pass "
                       "--base-url with the address they use", err=True)
    settings = Settings.from_env(base_url=base_url)
    release = current_release(settings)
    app = create_app(settings)
    try:
        exported = run_export(app, release, folder, only)
        write_configs(app, folder, listen, upstreams or (settings.bind,), release.version)
    except OSError as error:
        io_failure(error)
    finally:
        app.extensions["mpsc.store"].close()
    click.echo(f"{exported.files:,} files ({exported.bytes / 1e6:,.1f} MB) written to {folder}/site, "
               f"{exported.missing} URLs not answered with 200 left to the replicas, "
               f"{exported.removed:,} files of an earlier export removed; "
               f"nginx: nginx -p {folder} -c nginx/nginx.conf; Caddy: {folder}/Caddyfile")


@main.command()
@click.option("--endpoint", help="Query URL of the SPARQL 1.1 server, e.g. http://127.0.0.1:7878/query [MPSC_STORE].")
@click.option("--update-endpoint", help=flag_help("update_endpoint"))
@click.option("--store-endpoint", help=flag_help("store_endpoint"))
@click.option("--engine", metavar="NAME", help=flag_help("store_engine"))
@click.option("--user", help=flag_help("store_user") + "; the password only from MPSC_STORE_PASSWORD")
@click.option("--graph", "graphs", multiple=True, metavar="IRI",
              help="Load only this named graph (repeatable); the default graph (the merge) and the metadata graph "
                   "(the version) are always replaced.")
def load(endpoint, update_endpoint, store_endpoint, engine, user, graphs):
    """Push the current release into a SPARQL 1.1 triplestore; readers switch over in one transaction."""
    import time

    from .namespaces import METADATA_GRAPH
    from .store.remote import RemoteStore

    settings = Settings.from_env(store=endpoint, update_endpoint=update_endpoint, store_endpoint=store_endpoint,
                                 store_engine=engine, store_user=user)
    if settings.store == "embedded":
        fail("name the triplestore with --endpoint URL (its SPARQL query URL)", USAGE)
    release = current_release(settings)
    unknown = set(graphs) - set(release.manifest["graphs"])
    if unknown:
        fail(f"the release has no graph {', '.join(sorted(unknown))}", USAGE)
    try:
        store = RemoteStore.from_settings(settings)
    except ValueError as error:
        fail(str(error), USAGE)
    started = time.perf_counter()
    try:
        store.load(release, set(graphs) or None)
    except Exception as error:  # network and server errors of every kind end the same way: a message
        fail("; ".join([f"could not load into {settings.store}: {error}", *getattr(error, "__notes__", ())]))
    click.echo(f"release {release.version} loaded into {settings.store} ({time.perf_counter() - started:.1f} s)")
    sizes = {name: n for name, n in release.manifest["graphs"].items() if not graphs or name in graphs or name == METADATA_GRAPH}
    merge = f"in {store.dialect.merge_graph}" if store.dialect.merge_graph else "as the default graph"
    click.echo("triples: " + ", ".join(f"{name.rsplit('/', 1)[-1]} {n:,}" for name, n in sizes.items())
               + f", and their merge {merge}")


@main.command()
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), help="Output format [default: tsv for SELECT "
              "and ASK, turtle for CONSTRUCT and DESCRIBE; json and xml mean JSON-LD and RDF/XML for graphs]; "
              "`table` aligns SELECT results in columns.")
def query(sparql, fmt):
    """Run SPARQL (the query text, @FILE, or - for stdin) against the current release and print the result."""
    from .formats import TSV, TURTLE, by_name
    from .build.release import DATASET_FILE
    from .errors import QueryFailed
    from .sparql import prefixes
    from .sparql.inspection import inspect, unknown_prefix
    from .store.executor import MEMORY, Engine
    from .tables import aligned

    text = read_query_text(sparql)
    settings = Settings.from_env()
    release = current_release(settings)  # checked whole: a damaged one had ended in a gzip traceback
    try:
        info = inspect(text, settings.max_query_depth)
        if info.update:
            fail("queries only; SPARQL Update is not accepted", USAGE)
        undeclared = unknown_prefix(info)
        if undeclared is not None:  # the embedded engine knows no prefixes of its own
            raise undeclared
        kind = "rdf" if info.form in ("CONSTRUCT", "DESCRIBE") else "results"
        if fmt == "table":
            chosen = TSV
        else:
            chosen = by_name(fmt, kind) if fmt else TURTLE if kind == "rdf" else TSV
        engine = Engine.open(MEMORY, str(release.path / DATASET_FILE))
        data = prefixes.run(text, info, lambda completed: engine.run(completed, chosen.key, order=info.star))
        data = data.decode("utf-8")
    except QueryFailed as error:
        fail(str(error), USAGE)
    output = aligned([line.split("\t") for line in data.splitlines()]) if fmt == "table" else data
    click.echo(output, nl=not output.endswith("\n"))


def read_query_text(argument: str) -> str:
    """The query an argument names: itself, the file after '@', or stdin for '-'; a file that cannot be read
    or is not UTF-8 ends the command with one plain line."""
    try:
        if argument == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        if argument.startswith("@"):
            return Path(argument[1:]).read_text(encoding="utf-8")
    except OSError as error:
        io_failure(error)
    except UnicodeDecodeError as error:
        fail(f"the query is not UTF-8 text (byte {error.start})", USAGE)
    return argument


if __name__ == "__main__":
    main()
