# 校安 Xiao'an — two commands: `make demo` and `make test`. See README.md and docs/operations.md.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# `uv` on PATH, else the one `pip install uv` put in this Python (re-evaluated after install).
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PYTEST_ARGS ?=
NPM_STAMP := node_modules/.xiaoan-npm-ci
VENDOR_STAMP := build/vendor/.xiaoan-vendor

# Browser tests drive Chromium through Playwright, whose event loop trips Django's async check.
export DJANGO_ALLOW_ASYNC_UNSAFE := true

.PHONY: help install system-packages uv python-deps messages demo test test-sqlite test-postgres guide-images lint format serve worker clean bench

help:
	@echo "make demo          install, then run the demo (http://127.0.0.1:8000/, accounts printed)"
	@echo "make test          install, lint, whole test suite on SQLite and on PostgreSQL"
	@echo "make install       Debian packages (as root), uv, Python and npm packages (idempotent)"
	@echo "make lint          ruff, ruff format --check, mypy, manage.py check, makemigrations --check"
	@echo "make test-sqlite   test suite on SQLite only     (PYTEST_ARGS=\"-k name\" to narrow)"
	@echo "make test-postgres test suite on PostgreSQL only"
	@echo "make guide-images  browser tests on SQLite, saving their screenshots into docs/guide/img/"
	@echo "make format        ruff format + ruff check --fix"
	@echo "make serve         web server (gunicorn) on 127.0.0.1:8000"
	@echo "make worker        background task worker (django-q2)"
	@echo "make bench         benchmarks on a throwaway PostgreSQL (SCALE=small|city); writes docs/performance.md"
	@echo "make clean         remove build/ (vendor copy, stamps, test reports)"

# --- set-up -------------------------------------------------------------------------------------

install: system-packages uv python-deps $(VENDOR_STAMP) messages

system-packages:
	@scripts/install_system.sh

uv:
	@command -v uv >/dev/null || python3 -m uv --version >/dev/null 2>&1 || { \
	  echo "install: installing uv"; \
	  python3 -m pip install --quiet uv || python3 -m pip install --quiet --break-system-packages uv; }

python-deps: uv
	@$(UV) sync --frozen --quiet

# npm ci only when node_modules/ is missing or the lockfile changed.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

# Copy the few files the pages use out of node_modules/ (collected as static/vendor/...).
$(VENDOR_STAMP): $(NPM_STAMP) scripts/vendor_static.py
	@python3 scripts/vendor_static.py
	@touch $@

# Compile translations (.po -> .mo) when a catalogue is newer than its compiled file.
messages: python-deps
	@stale=; for po in $$(find src -path '*/locale/*' -name '*.po'); do \
	  [ "$$po" -nt "$${po%.po}.mo" ] && stale=1; done; \
	if [ -n "$$stale" ]; then \
	  DEBUG=1 $(UV) run python manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=build --ignore=var; fi

# --- run ----------------------------------------------------------------------------------------

demo: install
	$(UV) run xiaoan demo

serve: install
	$(UV) run xiaoan serve

worker: install
	$(UV) run xiaoan worker

# --- checks -------------------------------------------------------------------------------------

test: install
	@$(UV) run python scripts/run_tests.py $(PYTEST_ARGS)

test-sqlite: install
	@$(UV) run python scripts/run_tests.py --skip-lint --only sqlite $(PYTEST_ARGS)

test-postgres: install
	@$(UV) run python scripts/run_tests.py --skip-lint --only postgres $(PYTEST_ARGS)

# The guide's screenshots: a plain test run keeps them in build/guide-img/ (tests/e2e/guide.py).
guide-images: install
	@XIAOAN_GUIDE_IMG=docs/guide/img $(UV) run python scripts/run_tests.py --skip-lint --only sqlite tests/e2e

lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy src/xiaoan
	DEBUG=1 $(UV) run python manage.py check
	DEBUG=1 $(UV) run python manage.py makemigrations --check --dry-run

SCALE ?= small
bench: install
	$(UV) run python -m bench.run --scale $(SCALE)

format:
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

clean:
	rm -rf build/
