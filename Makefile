# Two entry points, both self-installing into a local .venv:
#   make run    extract the bundled samples into out/samples.jsonl and print them
#   make test   run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install install-test run test lint docs eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	@mkdir -p out
	$(BIN)/odr extract $(sort $(wildcard samples/*.txt samples/*.pdf samples/*.html samples/*.docx)) -o out/samples.jsonl
	@cat out/samples.jsonl
	@echo "wrote out/samples.jsonl ($$(wc -l < out/samples.jsonl) records)" >&2

test: install-test
	$(BIN)/python -m pytest

docs: install-test
	$(BIN)/python tests/test_docs.py

ODR_CORPUS ?= ../shared/corpus

eval: install
	$(BIN)/odr eval $(ODR_CORPUS) --by-council

bench: install-test
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) out build *.egg-info

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy
