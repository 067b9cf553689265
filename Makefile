# The two commands of the README: `make demo` (set up + main job on the bundled fictional
# sample) and `make test` (set up + the whole test suite, corpus included when it is there).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The real corpus lives beside the repository; tests over it run when this is set.
CABLEGRAPH_CORPUS ?= $(wildcard $(abspath ../shared/corpus))
export CABLEGRAPH_CORPUS

.PHONY: setup demo publish test lint bench clean

$(BIN)/cablegraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

YASGUI := transform/cablegraph/web/static/vendor/yasgui/yasgui.min.js

$(YASGUI): scripts/fetch-yasgui.sh
	bash scripts/fetch-yasgui.sh

setup: $(BIN)/cablegraph $(YASGUI)

demo: setup
	$(BIN)/cablegraph publish --sample --data var/demo --no-progress || test $$? -eq 1
	$(BIN)/cablegraph query count-per-post --data var/demo
	$(BIN)/cablegraph query cables-by-tag -p tag=NATO --data var/demo
	$(BIN)/cablegraph query cables-per-wikidata-country --data var/demo
	$(BIN)/cablegraph search lantern --data var/demo --limit 3
	$(BIN)/cablegraph link --sample --report --no-progress
	@echo "Published to var/demo. Serve it with: $(BIN)/cablegraph serve --data var/demo"

publish: setup
	$(BIN)/cablegraph publish $(CABLEGRAPH_CORPUS)/seed $(CABLEGRAPH_CORPUS)/cables $(CABLEGRAPH_CORPUS)/cables-pdf-text \
		--data var/corpus || test $$? -eq 1  # 1: finished, some cables quarantined (the real corpus always has 2)

lint: setup
	$(BIN)/ruff check .

test: setup lint
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python bench/bench_transform.py

clean:
	rm -rf $(VENV) out var .pytest_cache .ruff_cache
