# Concord: `make demo` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONCORD_MIRROR ?= ../shared/data/raw
export CONCORD_MIRROR

.PHONY: demo test lint typecheck layers unit bench clean

$(BIN)/concord: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/concord
	$(BIN)/concord ingest "$(CONCORD_MIRROR)"
	$(BIN)/concord sources
	$(BIN)/concord report --out var/report.html --xlsx var/report.xlsx
	@echo "Next: $(BIN)/concord serve   ->  http://127.0.0.1:8000/  (web pages; JSON API under /api/)"

test: $(BIN)/concord lint typecheck layers unit

lint: $(BIN)/concord
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(BIN)/concord
	$(BIN)/mypy --strict src/concord

layers: $(BIN)/concord
	$(BIN)/lint-imports

unit: $(BIN)/concord
	$(BIN)/pytest -q

bench: $(BIN)/concord
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) var build src/*.egg-info
