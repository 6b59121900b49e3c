# Two commands for a fresh machine: `make serve` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: setup serve build test browser virtuoso nginx jemalloc

setup: $(VENV)/.installed

# The venv gets its pip from the host's pip when that can install into another interpreter (pip >= 22.3), else
# from ensurepip and an upgrade: 2.4 s instead of 5.7 s (`time` of each way, 2026-12-04). A current pip then
# resolves and installs the dependencies in about half the time the venv's bundled pip takes. setuptools comes
# with it, so that pip builds the editable install in the venv instead of a temporary one of its own; and the
# bytecode is compiled on every core afterwards instead of by pip, one file after another: 15.6-16.3 s instead
# of 18.7-19.4 s (three interleaved `make setup` each way into a new VENV, 2026-12-04).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet --upgrade pip setuptools 2>/dev/null || \
	  { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet --upgrade pip setuptools; }
	$(BIN)/python -m pip install --quiet --no-build-isolation --no-compile -e '.[test]'
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	touch $@

# Build first: after a pull, the data or the code may have changed since the current release (a build of the same
# input keeps that release and takes a few seconds).
serve: build
	$(BIN)/mpsc serve

build: setup
	$(BIN)/mpsc build

# The browser tests drive Debian's chromium; install it where it is missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  { echo "chromium is missing: install Debian's chromium package (apt-get install chromium)" >&2; exit 1; }

# The Virtuoso tests start Debian's virtuoso-opensource (virtuoso-t) themselves; install it the same way.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; } || \
	  { echo "virtuoso-t is missing: install Debian's virtuoso-opensource package (apt-get install virtuoso-opensource)" >&2; exit 1; }

# The static-site test serves an export with Debian's nginx (run as the current user); install it the same way.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; } || \
	  { echo "nginx is missing: install Debian's nginx-light package (apt-get install nginx-light)" >&2; exit 1; }

# The same test serves the export with Debian's caddy too (its generated Caddyfile); install it the same way.
caddy:
	@command -v caddy >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null; } || \
	  { echo "caddy is missing: install Debian's caddy package (apt-get install caddy)" >&2; exit 1; }

# The query executors allocate with jemalloc where it is installed (server/store/malloc.py, found the same way as
# here); the tests check that they do, so install Debian's libjemalloc2 the same way.
jemalloc:
	@$(PYTHON) -c "import ctypes.util, sys; sys.exit(not ctypes.util.find_library('jemalloc'))" || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjemalloc2 >/dev/null; } || \
	  { echo "libjemalloc.so.2 is missing: install Debian's libjemalloc2 package (apt-get install libjemalloc2)" >&2; exit 1; }

# Workers (pytest-xdist) take whole test files, so a file's servers start once; --slow: every test. Three on two
# cores: the suite also waits (for time limits to run out, Virtuoso to load, slow clients), and a third worker
# fills most of that time: 149-159 s of pytest in four runs instead of 160-163 s in five with two, ~6 instead of
# ~23 idle core-seconds (/proc/stat around each run), at a peak of ~5.4 GB of memory in use instead of ~4.4 GB
# (MemAvailable); TEST_WORKERS=2 where memory is short. In the checkout, 2026-12-04.
TEST_WORKERS ?= 3

# A run starts ~140 Python interpreters (workers, servers, CLI runs, the executors' fork servers). With PYTHONDONTWRITEBYTECODE set,
# a clean clone never caches the bytecode of server/ and tests/: each of them compiled what it imports, and each
# worker's collection took 4.4 s instead of 2.9 s (`time pytest --collect-only` in a clean clone, 2026-12-04).
test: setup browser virtuoso nginx caddy jemalloc
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --slow
