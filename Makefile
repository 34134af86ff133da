# The two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEMO_YEAR ?= 2024
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=bondowoso.settings.test

.PHONY: run test bench install install-dev migrate seed lint

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo --year $(DEMO_YEAR)

run: seed
	@echo "Portal: http://127.0.0.1:8000  (API docs: http://127.0.0.1:8000/api/docs/)"
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(VENV)/bin/ruff check .

test: install-dev lint
	$(TEST_SETTINGS) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_SETTINGS) $(VENV)/bin/pytest

bench: install-dev
	$(TEST_SETTINGS) $(PY) -m benchmarks
