# Two commands for a fresh machine: `make serve` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: setup serve build test browser virtuoso nginx

setup: $(VENV)/.installed

# The venv gets its pip from the host's pip when that can install into another interpreter (pip >= 22.3), else
# from ensurepip and an upgrade: 2.4 s instead of 5.7 s (`time` of each way, 2026-12-04). A current pip then
# resolves and installs the dependencies in about half the time the venv's bundled pip takes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet --upgrade pip 2>/dev/null || \
	  { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet --upgrade pip; }
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

serve: setup
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

# Two workers (pytest-xdist), each taking whole test files, so a file's servers start once; --slow: every test.
# A run starts ~140 Python interpreters (workers, servers, CLI runs, executors). With PYTHONDONTWRITEBYTECODE set,
# a clean clone never caches the bytecode of server/ and tests/: each of them compiled what it imports, and each
# worker's collection took 4.4 s instead of 2.9 s (`time pytest --collect-only` in a clean clone, 2026-12-04).
test: setup browser virtuoso nginx
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --slow
