# Archipel: `make run` serves the site, `make test` runs every test.
# Needs only Python 3.11+ and make: the virtualenv, the dependencies (from the lock
# files) and, without DATABASE_URL, an embedded PostgreSQL are set up on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 4
LOCK := $(PYTHON) scripts/locked.py .data/setup.lock
MANAGE := $(BIN)/python manage.py
WORKER := $(MANAGE) procrastinate worker

.PHONY: help run serve worker test test-fast lint setup install db compilemessages messages superuser benchmark benchmark-scale cluster screenshots stop-db lock clean

help:
	@echo "make run        set up and serve http://$(HOST):$(PORT) (development server) with a worker"
	@echo "make serve      set up and serve with gunicorn, DEBUG off (production-like), with a worker"
	@echo "make worker     a worker alone (e-mail and periodic jobs); start as many as you like"
	@echo "make test       set up and run the whole test suite, browser tests included"
	@echo "make lint       ruff (lint and format), missing migrations, Django's system checks"
	@echo "make superuser  create an administrator account for /admin/"
	@echo "make messages   update the English catalogue (locale/en) after changing a string"
	@echo "make benchmark  requests per second of the main pages under make serve (wrk), CPU per request"
	@echo "make benchmark-scale  the catalogue pages on 30,000 partnerships (server time, SQL queries)"
	@echo "make cluster    the reference deployment (deploy/) on this machine, under load and kills"
	@echo "make stop-db    stop the embedded PostgreSQL (when DATABASE_URL is unset)"

# A second `make run` or a `make test` started meanwhile waits for the first set-up
# to finish instead of installing or migrating at the same time. Setting up is
# development work (DEBUG on unless said otherwise): a server's DATABASE_URL without
# SECRET_KEY is fine here; serving with DEBUG off still refuses to start without one.
setup:
	@DEBUG=$${DEBUG:-1} $(LOCK) $(MAKE) --no-print-directory db

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		-r requirements.lock -r requirements-dev.lock
	@touch $@

db: install compilemessages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_catalogue

# The compiled catalogue (locale/*/LC_MESSAGES/django.mo) is committed: without GNU
# gettext (msgfmt) the committed one is used as it is.
compilemessages: install
	@if command -v msgfmt >/dev/null 2>&1; then $(MANAGE) compilemessages --ignore=$(VENV) --ignore=.data --ignore=node_modules -v 0; \
	else echo "msgfmt not found (GNU gettext): using the committed locale/*/LC_MESSAGES/django.mo"; fi

# For maintainers, after changing a translatable string (needs GNU gettext): update
# locale/en/LC_MESSAGES/django.po, translate the new entries, then `make compilemessages`.
messages: install
	$(MANAGE) makemessages -l en --ignore=$(VENV) --ignore=node_modules --ignore=.data --no-obsolete

# The web server and a worker as one command: Ctrl-C stops both.
run: setup
	DEBUG=$${DEBUG:-1} $(BIN)/python scripts/together.py \
		"$(MANAGE) runserver $(HOST):$(PORT)" "$(WORKER)"

serve: setup
	DEBUG=0 $(MANAGE) collectstatic --noinput -v 0
	DEBUG=0 $(BIN)/python scripts/together.py \
		"$(BIN)/gunicorn archipel.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS)" "$(WORKER)"

# A worker alone: sends e-mail, runs the periodic jobs. Any number of them, on any
# number of machines, share the queue (PostgreSQL).
worker: setup
	$(WORKER)

test: setup
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# Before the tests in CI: ruff's rules (pyproject.toml), the formatting, a model change
# without its migration, and Django's system checks.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=$${DEBUG:-1} $(MANAGE) makemigrations --check --dry-run
	DEBUG=$${DEBUG:-1} $(MANAGE) check --fail-level WARNING

test-fast: setup
	$(BIN)/python -m pytest -n 2 -m "not e2e" $(PYTEST_ARGS)

superuser: setup
	$(MANAGE) createsuperuser

# Throughput: wrk against `make serve` itself (on a free port, in its own database
# archipel_benchmark_http), anonymous and signed-in pages, as ratios to /sante/. Needs wrk.
benchmark: install compilemessages
	$(BIN)/python scripts/benchmark_http.py

# Scale: the catalogue pages on 30,000 partnerships, through Django's request path.
benchmark-scale: setup
	$(BIN)/python scripts/benchmark.py

# The reference deployment (deploy/: nginx, two gunicorn instances, two workers) on this
# machine, with a web instance and a worker killed under load (scripts/cluster.py). Needs
# Debian's nginx and the PostgreSQL server on 127.0.0.1:5432; its database is archipel_cluster.
cluster: install
	$(BIN)/python scripts/cluster.py

# Main pages at phone and desktop widths, in screenshots/ (git-ignored), for review.
screenshots: setup
	$(BIN)/python scripts/screenshots.py

stop-db:
	@test -x $(BIN)/python && $(BIN)/python -c "from pathlib import Path; \
		from archipel.embedded_postgres import stop; stop(Path('.').resolve())" || true

# Re-pin the dependencies after editing requirements*.in (needs pip-tools).
lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe -o requirements.lock requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe -o requirements-dev.lock requirements-dev.in

clean:
	rm -rf $(VENV) .data/staticfiles .pytest_cache
