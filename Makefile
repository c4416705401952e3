# The two commands a new developer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when a requirements file changes.
STAMP := $(VENV)/.installed

.PHONY: run test test-dates lint format bench clean venv

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

## The scheduling, office hours, reminder, wellbeing and report tests again, each time with the
## clock pinned to a hard date (PIN_TODAY, see README): the end of a 31-day month,
## the days before the Europe/London clock changes, a leap day, New Year's Eve late
## in the evening, a Tuesday morning inside the starting-soon hour of the tests'
## 09:30 series. Every date is run; the target fails if any did. The browser tests
## and the demo's own tests are left out to keep CI short: what depends on the date is
## decided on the server, and those tests run on today's date in `make test`.
TEST_DATES ?= 2027-01-31 2027-03-27 2027-10-30T22:30+00:00 2028-02-29 2026-12-31T23:30+00:00 2027-06-15T07:45+00:00
DATED_TESTS ?= meetings notifications wellbeing reports officehours mentoring --ignore-glob="*/test_demo.py" -m "not browser"
test-dates: venv
	@failed=""; for day in $(TEST_DATES); do \
	  echo "== PIN_TODAY=$$day"; \
	  PIN_TODAY=$$day $(BIN)/python -m pytest $(DATED_TESTS) $(PYTEST_ARGS) || failed="$$failed $$day"; \
	done; \
	if [ -n "$$failed" ]; then echo "Failed with the clock pinned to:$$failed"; exit 1; fi

## Query counts, speed and memory of every page, and pages, generation and the sweep
## against their floors, on a seeded organisation (see README, "Benchmarks").
bench: venv
	$(BIN)/python -m bench

## ruff, the layering of the apps (.importlinter) and the types (mypy, pyproject.toml).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	SECRET_KEY=lint $(BIN)/mypy

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var
