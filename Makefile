# Two commands on a machine with only Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` serves the embedded defaults: SQLite under var/, Celery on the file system,
# e-mail to the console (printed by the worker).
RUN_ENV := DEBUG=true

.PHONY: install run test stack-test lint migrate demo clean

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(INSTALLED)

install: $(INSTALLED)

migrate: install
	mkdir -p var
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) $(BIN)/python manage.py load_demo

run: demo
	$(RUN_ENV) $(BIN)/python manage.py ensure_admin
	@echo "Serving on http://$(HOST):$(PORT)/ (the admin at /admin/) with a Celery worker and beat; Ctrl-C stops all three."
	$(RUN_ENV) BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) bin/run-stack

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The compose file's services as local processes, driven over HTTP and SMTP, with faults.
stack-test: install
	$(BIN)/pytest -m stack tests/stack -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var staticfiles
