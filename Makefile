# Two jobs: `make run` (install, load the sample portfolio into the embedded store, serve
# the web app and print its login URL) and `make test` (install, lint, run every test).
# Both install what they need into .venv and tools/cypher-lint/node_modules first.
# `make reviews` writes every sample account's analysis, boards and review to out/;
# `make test-neo4j` runs the tests' Neo4j variants against a real Neo4j 5; `make bench`
# runs every benchmark into one table.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= embedded:./kamgraph-data
OUT ?= out
LINTER := tools/cypher-lint

.PHONY: run reviews test test-neo4j bench install browser clean

# The sample portfolio is dated: analyse it on the day its data describes.
SAMPLE_ACCOUNTS := northwind helix orbital baltic
SAMPLE_AS_OF := 2026-11-25
KAMGRAPH := $(BIN)/kamgraph --store $(STORE)
PORT ?= 8000

run: $(BIN)/.installed
	$(KAMGRAPH) serve --demo --port $(PORT)

reviews: $(BIN)/.installed
	$(KAMGRAPH) demo
	mkdir -p $(OUT)
	set -e; for account in $(SAMPLE_ACCOUNTS); do \
	  $(KAMGRAPH) analyze $$account --as-of $(SAMPLE_AS_OF); \
	  $(KAMGRAPH) map $$account --as-of $(SAMPLE_AS_OF) -o $(OUT)/$$account-board.html; \
	  $(KAMGRAPH) map $$account --as-of $(SAMPLE_AS_OF) -o $(OUT)/$$account-board.svg; \
	  $(KAMGRAPH) review $$account --as-of $(SAMPLE_AS_OF) -o $(OUT)/$$account-review.html; \
	done
	@echo "account reviews and boards written to $(OUT)/ (open $(OUT)/orbital-review.html)"

test: $(BIN)/.installed $(LINTER)/node_modules/.installed browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# The tests that have a Neo4j variant, against a throwaway Neo4j 5 started from Maven
# Central (tools/neo4j; needs Java 17 and Maven). CI=true makes a missing Neo4j an error.
test-neo4j: $(BIN)/.installed $(LINTER)/node_modules/.installed
	tools/neo4j/with-neo4j $(BIN)/pytest -m neo4j

# Every bench in bench/, one table and bench/results.json (an hour or more at full size;
# BENCH_ARGS=--quick tries it out in minutes). Beside a throwaway Neo4j when Java and Maven
# are there, so the benches that can print the Neo4j figures too.
bench: $(BIN)/.installed
	@if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then \
	  tools/neo4j/with-neo4j $(BIN)/python bench/suite.py $(BENCH_ARGS); \
	else $(BIN)/python bench/suite.py $(BENCH_ARGS); fi

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

$(LINTER)/node_modules/.installed: $(LINTER)/package-lock.json
	npm ci --prefix $(LINTER) --no-audit --no-fund --loglevel=error
	touch $@

# Headless Chromium for the browser tests, pdftotext to read what the review prints (the
# tests skip, saying so, without them).
browser:
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else echo "note: chromium or pdftotext is missing; browser tests will be skipped"; fi; }

clean:
	rm -rf $(VENV) $(LINTER)/node_modules tools/neo4j/lib kamgraph-data $(OUT)
