# The two commands a new developer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when a requirements file changes.
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench clean venv

$(BIN)/python:
	@echo "==> Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-local.txt requirements-dev.txt
	@echo "==> Installing the pinned requirements into $(VENV)"
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# First a clear sentence if PYTHON is older than 3.11, and away with a .venv made by a
# Python of another version; only then (a second make, which sees the files as they are
# now) build or update .venv.
venv:
	@$(PYTHON) scripts/check_python.py $(VENV)
	@$(MAKE) --silent --no-print-directory $(STAMP)

## Set everything up and run web, worker and beat on http://127.0.0.1:8000 (PORT overrides).
run: venv
	$(BIN)/python scripts/run_local.py

## The whole test suite against the real PostgreSQL and Redis.
test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Query counts, speed and memory of every page, and pages, generation and the sweep
## against their floors, on a seeded organisation (see README, "Benchmarks").
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
