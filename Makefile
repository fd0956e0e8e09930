# Redress: `make run` starts everything, `make test` runs the whole suite on SQLite and on PostgreSQL.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# Test processes per round (pytest-xdist): most tests wait on the broker rather than the CPU, so more processes
# than cores pay off; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 3

.PHONY: install run test test-sqlite test-postgres scale-test bench chaos lint docs clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Redress needs Python 3.11; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/redress run

test: install
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	REDRESS_TEST_DB=sqlite $(BIN)/pytest -n $(TEST_WORKERS) --durations=15 $(PYTEST_ARGS)

# Unit and contract tests need no database: the PostgreSQL round runs what touches one.
test-postgres: install
	REDRESS_TEST_DB=postgres $(BIN)/pytest -n $(TEST_WORKERS) --durations=15 tests/integration tests/e2e tests/examples tests/scale $(PYTEST_ARGS)

# Two replicas of each service as processes on PostgreSQL, 5,000 complaints through the lifecycle.
scale-test: install
	REDRESS_TEST_DB=postgres REDRESS_SCALE_COMPLAINTS=$${REDRESS_SCALE_COMPLAINTS:-5000} $(BIN)/pytest tests/scale -s $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

# Kill -9 each service and the broker once under load, then check every database (PostgreSQL: CHAOS_ARGS=--database postgres).
CHAOS_ARGS ?=
chaos: install
	$(BIN)/python -m bench.chaos --complaints 10000 $(CHAOS_ARGS)

lint: install
	$(BIN)/ruff check .

docs: install
	$(BIN)/redress docs asyncapi --out docs/asyncapi.yaml
	$(BIN)/redress docs events --out docs/events.md

clean:
	rm -rf var .pytest_cache .ruff_cache
