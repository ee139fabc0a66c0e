# The index of what a developer does. `make run` and `make test` work on a fresh machine:
# they create the virtualenv, install the locked Python and npm packages, copy the front-end
# assets into static files and compile the translations before doing anything else.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Development commands run with DEBUG on unless the environment says otherwise (a secret key
# is then made once under var/).
MANAGE := DEBUG=$${DEBUG:-true} $(PY) manage.py
PYTEST := $(BIN)/pytest
# Two cores on the reference machine: two pytest-xdist workers.
PYTEST_WORKERS ?= 2
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
# `make bench` measures at national scale and at five times it, each in a database of its own
# (dropped and built again unless BENCH_ARGS=--keep), and compares the two.
BENCH_URL_1X ?= postgres://postgres@127.0.0.1:5432/leerkring_bench
BENCH_URL_5X ?= postgres://postgres@127.0.0.1:5432/leerkring_bench_5x
BENCH_ARGS ?=
HOST_PORT ?= 127.0.0.1:8000

VENV_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
VENDOR := var/frontend/vendor
VENDOR_FILES := $(VENDOR)/utrecht/design-tokens.css \
                $(VENDOR)/utrecht/component-library.css \
                $(VENDOR)/htmx/htmx.min.js
LOCALE_DIR := leerkring/locale
PO_FILES := $(wildcard $(LOCALE_DIR)/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests \
               --ignore=bench --ignore=test-artifacts --ignore=build

.PHONY: help setup run demo totp db worker test test-sqlite test-postgres test-browser lint format \
        bench messages lock check-lock static clean distclean schema

help:
	@echo "make run            set up everything and serve on http://$(HOST_PORT) (with a task worker)"
	@echo "make test           lint, the test suite on SQLite and PostgreSQL, then the browser tests"
	@echo "make lint           ruff check and ruff format --check"
	@echo "make format         ruff format and ruff check --fix"
	@echo "make demo           load the demo data if the database has no programmes"
	@echo "make totp           the current second-step code of a demo account (EMAIL=...)"
	@echo "make bench          run the benchmarks at 1x and 5x national scale and compare (bench/)"
	@echo "make messages       update leerkring/locale/en/LC_MESSAGES/django.po"
	@echo "make schema         regenerate the committed OpenAPI document docs/openapi.yaml"
	@echo "make lock           regenerate requirements.lock after changing pyproject.toml"
	@echo "make clean          remove installed and generated files (keeps var/ data)"
	@echo "make distclean      clean, and remove var/ (database, media, secret key) too"

# --- Setup -------------------------------------------------------------------------------

$(VENV_STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --requirement requirements.lock
	$(BIN)/pip install --quiet --no-deps --editable .
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR)/utrecht/design-tokens.css: $(NPM_STAMP)
	install -D -m 644 node_modules/@utrecht/design-tokens/dist/index.css $@
$(VENDOR)/utrecht/component-library.css: $(NPM_STAMP)
	install -D -m 644 node_modules/@utrecht/component-library-css/dist/index.css $@
$(VENDOR)/htmx/htmx.min.js: $(NPM_STAMP)
	install -D -m 644 node_modules/htmx.org/dist/htmx.min.js $@

# var/static is STATIC_ROOT (collectstatic's target, served by WhiteNoise in production).
static: $(VENDOR_FILES)
	@mkdir -p var/static

$(LOCALE_DIR)/%.mo: $(LOCALE_DIR)/%.po | $(VENV_STAMP)
	@scripts/system-packages.sh gettext
	msgfmt --check-format --output-file=$@ $<

# WeasyPrint (every PDF) needs Pango and a font from the system.
setup: $(VENV_STAMP) $(NPM_STAMP) static $(MO_FILES)
	@scripts/system-packages.sh pango

db: setup
	$(MANAGE) migrate --no-input
	$(MANAGE) createcachetable

# --- Running -----------------------------------------------------------------------------

demo: db
	$(MANAGE) demo --if-empty

worker: db
	$(MANAGE) run_worker

# The code a demo account's authenticator app would show now (coordinator unless EMAIL=...).
EMAIL ?= coordinator@leerkring.test
totp: setup
	@$(MANAGE) totp_code $(EMAIL)

# The worker survives database restarts by itself; the loop around it brings it back should it
# ever exit (a crash, a kill), until `make run` itself stops.
run: db
	$(MANAGE) demo --if-empty
	@echo "Task worker starting in the background; serving on http://$(HOST_PORT)"
	( trap 'kill $$child 2>/dev/null; exit 0' INT TERM; \
	  while true; do $(MANAGE) run_worker --no-startup-delay & child=$$!; wait $$child || true; \
	    echo "Task worker stopped; starting it again in 2 s" >&2; sleep 2; done ) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST_PORT)

bench: db
	$(PY) bench/run.py --scale 1 --database-url $(BENCH_URL_1X) $(BENCH_ARGS)
	$(PY) bench/run.py --scale 5 --database-url $(BENCH_URL_5X) --no-throughput $(BENCH_ARGS)
	$(PY) bench/compare.py var/bench/scale-1.json var/bench/scale-5.json | tee var/bench/compare.txt

# --- Quality -----------------------------------------------------------------------------

lint: $(VENV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-lock: $(VENV_STAMP)
	$(PY) scripts/check_lock.py

test: db check-lock
	$(BIN)/ruff check .
	$(MANAGE) makemigrations --check --dry-run
	@scripts/system-packages.sh poppler-utils
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-browser

test-sqlite: setup
	@echo "== Test suite on SQLite"
	$(PYTEST) -m "not browser" -n $(PYTEST_WORKERS) -q

test-postgres: setup
	@echo "== Test suite on PostgreSQL ($(POSTGRES_TEST_URL))"
	scripts/test-postgres.sh "$(POSTGRES_TEST_URL)" $(PYTEST) -m "not browser" -n $(PYTEST_WORKERS) -q

test-browser: setup
	@echo "== Browser tests (Chromium, Playwright, axe-core) on SQLite"
	@scripts/system-packages.sh chromium
	$(PYTEST) -m browser -n $(PYTEST_WORKERS) -q

# --- Translations and dependencies -------------------------------------------------------

messages: setup
	@scripts/system-packages.sh gettext
	$(MANAGE) makemessages --locale=en --no-obsolete --add-location=file $(I18N_IGNORE)
	@# Guesses from fuzzy matching are wrong more often than right: start those strings empty.
	msgattrib --clear-fuzzy --empty --clear-previous --output-file=$(LOCALE_DIR)/en/LC_MESSAGES/django.po \
	  $(LOCALE_DIR)/en/LC_MESSAGES/django.po

# The OpenAPI document is committed; tests/api/test_schema.py fails when it drifts from the code.
schema: setup
	$(MANAGE) spectacular --validate --fail-on-warn --lang nl --file docs/openapi.yaml

lock: $(VENV_STAMP)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --extra=dev --strip-extras \
	  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
	  --output-file=requirements.lock pyproject.toml

# --- Cleaning ----------------------------------------------------------------------------

clean:
	rm -rf $(VENV) node_modules var/frontend var/static test-artifacts build .ruff_cache *.egg-info
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find $(LOCALE_DIR) -name '*.mo' -delete 2>/dev/null || true

distclean: clean
	rm -rf var
