# Two commands matter: `make demo` and `make test`. Each does all of its own set-up.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# The first interpreter that really runs and is 3.11+ (pyenv shims may exist for versions not selected).
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help demo test lint bench loadtest prod-check docker-check system-deps venv assets clean

help:
	@echo "make demo   set up everything and serve a seeded demo council on http://127.0.0.1:$(PORT)/"
	@echo "make test   set up everything and run the whole suite (PostgreSQL, Redis, real slapd, chromium)"
	@echo "make lint   ruff"
	@echo "make bench  benchmarks, printing figures"
	@echo "make loadtest      locust against the production-style server on 20,000 staff (LOADTEST_USERS, LOADTEST_DURATION)"
	@echo "make prod-check    production settings: 2 gunicorn replicas, worker and beat, checked over HTTP"
	@echo "make docker-check  build docker/Dockerfile and run the same check against compose (needs Docker)"

system-deps:
	@bash scripts/system-deps.sh

$(BIN)/.installed: pyproject.toml | system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip setuptools >/dev/null
	@$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

venv: system-deps $(BIN)/.installed

intranet/static/vendor/.built: package.json package-lock.json intranet/assets/app.scss scripts/build-assets.mjs
	@npm ci --no-audit --no-fund --loglevel=error
	@node scripts/build-assets.mjs
	@touch $@

assets: system-deps intranet/static/vendor/.built

demo: venv assets
	@PORT=$(PORT) bash scripts/demo.sh

test: venv assets
	@eval "$$(bash scripts/test-services.sh)" && \
	  DJANGO_SETTINGS_MODULE=intranet.settings.test $(BIN)/python manage.py check --fail-level WARNING && \
	  DJANGO_SETTINGS_MODULE=intranet.settings.test $(BIN)/python -W ignore::RuntimeWarning manage.py makemigrations --check --dry-run >/dev/null && \
	  $(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check . || true

bench: venv assets
	@eval "$$(bash scripts/test-services.sh)" && $(BIN)/python bench/run.py

loadtest: venv assets
	@bash scripts/loadtest.sh

prod-check: venv assets
	@bash scripts/prod-check.sh

docker-check: venv
	@bash scripts/docker-check.sh

clean:
	rm -rf $(VENV) node_modules intranet/static/vendor static_build demo.sqlite3 .local
