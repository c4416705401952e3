# The two commands a new developer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when a requirements file changes.
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-local.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

## Set everything up and run web, worker and beat on http://127.0.0.1:8000 (PORT overrides).
run: venv
	$(BIN)/python scripts/run_local.py

## The whole test suite against the real PostgreSQL and Redis.
test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Query counts, speed and memory of every page on a seeded organisation (see README).
bench: venv
	$(BIN)/python -m bench

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var
