PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build
# Two workers: the suite runs on both cores; an idle worker takes tests queued for the other (worksteal),
# so a long browser journey near the end does not leave one core waiting.
PYTEST_ARGS ?= -n 2 --dist worksteal

.PHONY: help setup setup-dev catalogues messages run test lint test-sqlite test-postgres bench fixtures clean serve backup restore loadtest scaleout \
	deps-test deps-serve deps-loadtest deps-scaleout

help:
	@echo "make run    set up what running needs, a demonstration year (DEMO_ACTIVITY=0: none), serve http://127.0.0.1:8000"
	@echo "make test   set up what the tests need too, run the whole suite on SQLite, then PostgreSQL"
	@echo "make lint   ruff (pyflakes, isort, pyupgrade, bugbear, Django rules) and mypy (django-stubs), as make test runs them"
	@echo "make messages   refresh the translation catalogues (locale/) from the source"
	@echo "make serve  production settings: nginx + gunicorn + PostgreSQL on http://127.0.0.1:8000 (SERVE_PORT)"
	@echo "make backup / make restore BACKUP=build/backups/<file>.tar.gz   database and media files"
	@echo "make loadtest   wrk against make serve's setup; figures in docs/performance.md"
	@echo "make scaleout   two app servers behind nginx, with PostgreSQL, Redis and the task worker, proven to agree"

# The virtualenv is rebuilt whenever requirements.txt changes. The system packages running needs come
# first (Pango and fonts for PDF reports, gettext); those of the tests, make serve and the load tests
# are installed by the targets that use them (deps-*).
$(VENV)/.installed: requirements.txt
	scripts/system-deps.sh run
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The checks' and tests' packages (requirements-dev.txt), which running never imports.
$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

deps-test deps-serve deps-loadtest deps-scaleout:
	scripts/system-deps.sh $(@:deps-%=%)

# Translations: locale/<lang>/LC_MESSAGES/django.po are the sources; the compiled .mo files are
# built here (never committed), again whenever a .po file changes.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
catalogues: $(CATALOGUES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(VENV)/.installed
	$(PY) manage.py compilemessages -l $* --ignore=.venv --ignore=build -v0

# For maintainers after changing texts: new and changed messages into the catalogues (then
# translate them: scripts/i18n_check.py lists what is left; the test suite fails until none is).
messages: setup-dev
	$(PY) manage.py makemessages -l fr -l pt -l vi --ignore=.venv --ignore=build --no-obsolete --add-location=file
	$(PY) scripts/i18n_check.py

run: setup catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	@echo "Serving on http://127.0.0.1:8000 (admin at /admin/), with the task worker. Ctrl+C stops both."
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:8000

test: lint test-sqlite test-postgres

# The linter and the type checker, configured in pyproject.toml.
lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test-sqlite: setup-dev catalogues deps-test
	@echo "== Test suite on SQLite =="
	DATABASE_URL= $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: setup-dev catalogues deps-test
	@echo "== Test suite on PostgreSQL (the tests that use the database for what they check) =="
	@echo "   then alone on the same cluster: the database outage (stops and restarts it), and two app servers"
	@echo "   behind nginx with Redis and the task worker (make scaleout, with a 3 s wrk run) =="
	SCALEOUT_WRK_SECONDS=3 scripts/with-postgres.sh sh -c '\
		DATABASE_TESTS_ONLY=1 $(PY) -m pytest $(PYTEST_ARGS) -m "not db_outage and not scaleout and not browser and not nginx" && \
		$(PY) -m pytest -p no:xdist -m "db_outage or scaleout" core/tests/test_database_outage.py reporting/tests/test_scaleout.py'

# Production settings on loopback: nginx in front of gunicorn, the task worker, the persistent PostgreSQL
# of scripts/local-postgres.sh (build/pg-serve), stopped again with Ctrl+C.
serve: setup catalogues deps-serve
	scripts/serve.sh

# The database named by DATABASE_URL (SQLite build/db.sqlite3 without it) and the media files.
backup: setup
	$(PY) manage.py backup

# Into an EMPTY database only; then migrations newer than the backup.
restore: setup
	@test -n "$(BACKUP)" || { echo "Name the backup: make restore BACKUP=build/backups/tracker-....tar.gz"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)"
	$(PY) manage.py migrate --noinput

# wrk on loopback against make serve's setup plus a generated 50-country programme.
loadtest: setup catalogues deps-loadtest
	scripts/serve.sh $(PY) scripts/loadtest.py

# Two gunicorn servers behind nginx round-robin, PostgreSQL, Redis and one task worker on loopback
# (reporting/tests/test_scaleout.py): what one server does, the other sees; a 30 s wrk run across both.
scaleout: setup-dev catalogues deps-scaleout
	SCALEOUT_WRK_SECONDS=$${SCALEOUT_WRK_SECONDS:-30} scripts/with-postgres.sh $(PY) -m pytest -p no:xdist -m scaleout -v \
		reporting/tests/test_scaleout.py

# Median server time of the reporting pages on a 50-country programme, as ratios to the admin.
bench: setup
	DJANGO_DEBUG=0 $(PY) scripts/bench.py
	DJANGO_DEBUG=0 $(PY) scripts/bench_exports.py

# Regenerate fixtures/ from the shipped country table and the published outputs page.
fixtures: setup
	rm -f $(BUILD)/fixtures.sqlite3
	DATABASE_URL=sqlite:///$(BUILD)/fixtures.sqlite3 $(PY) manage.py migrate -v0
	DATABASE_URL=sqlite:///$(BUILD)/fixtures.sqlite3 $(PY) manage.py load_country_table
	DATABASE_URL=sqlite:///$(BUILD)/fixtures.sqlite3 $(PY) manage.py import_outputs \
		fixtures/glo-22-31-irl-outputs.txt --code GLO/22/31/IRL --partner Ireland
	DATABASE_URL=sqlite:///$(BUILD)/fixtures.sqlite3 $(PY) manage.py dumpdata \
		programme.region programme.country --natural-foreign --natural-primary --indent 1 \
		-o fixtures/ilo_regions_countries.json
	DATABASE_URL=sqlite:///$(BUILD)/fixtures.sqlite3 $(PY) manage.py dumpdata \
		programme.programme programme.outcome outputs.output --natural-foreign --natural-primary \
		--indent 1 -o fixtures/glo-22-31-irl.json

clean:
	rm -rf $(BUILD) $(VENV)
