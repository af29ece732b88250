# Two commands for a newcomer: `make demo` (set up + run on the sandbox) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo test bench-smoke lint dev clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/kpi-pipeline prepare

demo: setup
	$(BIN)/kpi-pipeline run --sandbox

test: setup
	$(BIN)/pytest

# Every scale benchmark once at size S in a scratch folder (CI runs it after the tests): checks
# that each runs and that floor, marts and exports agree; no timing assertions. About 6 minutes.
bench-smoke: setup
	PYTHONPATH=$(CURDIR) $(BIN)/python benchmarks/run_all.py --quick --sizes S

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/tests

dev: setup
	mkdir -p .dagster_home && cp dagster.yaml .dagster_home/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dagster dev

clean:
	rm -rf data dbt_project/target dbt_project/logs
