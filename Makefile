# The two quick-start commands (see README): `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench lint clean-store

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# The main job on the bundled fixtures: clean every fixture page into the default
# store (store/scraper.db), then search it.
demo: setup
	$(BIN)/scraper clean --save fixtures/pages/ --format json > /dev/null
	$(BIN)/scraper search 疫情防控 --limit 5

test: setup
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python tests/benchmarks/bench_clean.py
