# The two quick-start commands (see README): `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

STORE ?= store/scraper.db

.PHONY: setup demo test bench lint clean-store

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# The main job on the bundled fixtures: serve fixtures/site/ on loopback, crawl it into
# the default store (store/scraper.db), then search it. Run it twice: the second crawl
# finds every page unchanged (304). The site has three broken links on purpose, so the
# crawl exits 1 ("some pages failed"); that is accepted here, anything else is not.
demo: setup
	$(BIN)/python fixtures/site/serve.py --config store/demo-sites.toml -- \
		$(BIN)/scraper crawl store/demo-sites.toml || test $$? -eq 1
	$(BIN)/scraper search 疫情防控 --limit 5

test: setup
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python tests/benchmarks/bench_clean.py

# Bug-finding lint rules (pyproject.toml [tool.ruff]); exits non-zero on any finding.
lint: setup
	$(BIN)/ruff check .

# Delete the default store (or STORE=path/to.db) with its WAL, shared-memory and lock
# files, and the demo's generated crawl config: the next `make demo` starts afresh.
# Refused while a crawl holds the store's lock.
clean-store:
	@if [ -e "$(STORE).lock" ] && ! flock -n "$(STORE).lock" true; then \
		echo "clean-store: a crawl is running on $(STORE) (lock held): not deleting it" >&2; exit 1; fi
	@for f in $(STORE) $(STORE)-wal $(STORE)-shm $(STORE).lock $(dir $(STORE))demo-sites.toml; do \
		if [ -e "$$f" ]; then rm -f -- "$$f" && echo "removed $$f"; fi; \
	done
