# The two commands: `make run` and `make test`. Everything else is set up by them.
# Only Python >= 3.11 and make are needed on the machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
# Re-install whenever pyproject.toml changes (the stamp is older than it).
RUN_STAMP  := $(VENV)/.stamp-run
TEST_STAMP := $(VENV)/.stamp-test

.PHONY: run test lint typecheck contracts pytest fuzz bench clean help

help:
	@echo "make run    set up .venv, install, run the default scenario offline"
	@echo "make test   install test extras, then ruff, mypy, the layer contracts and the whole test suite"
	@echo "make fuzz   the fuzz campaign: FUZZ_EXAMPLES random inputs per kind (docs/reliability.md)"
	@echo "make bench  run the benchmarks (figures go to docs/performance.md)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "deportsim needs Python >= 3.11; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): $(BIN)/python pyproject.toml
	$(PIP) install -e .
	@touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(PIP) install -e '.[test]'
	@touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/deportsim run

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

# The layers of docs/architecture.md: every import points down (import-linter, pyproject.toml).
contracts: $(TEST_STAMP)
	$(BIN)/lint-imports --no-cache --no-logo

# The report's tests open it in Debian's Chromium (tests/report/test_report.py): installed once if missing.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium

# pytest exits 5 when it collected nothing: that is a broken suite, never a pass.
pytest: $(TEST_STAMP) $(CHROMIUM)
	@$(BIN)/python -m pytest -n auto --dist loadfile; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

test: lint typecheck contracts pytest

# The fuzz campaign at a large budget (make test runs the same tests on a small fixed set).
FUZZ_EXAMPLES ?= 10000
FUZZ_LOG ?= build/fuzz-log.jsonl
fuzz: $(TEST_STAMP)
	mkdir -p $(dir $(FUZZ_LOG)) && rm -f $(FUZZ_LOG)
	DEPORTSIM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DEPORTSIM_FUZZ_LOG=$(abspath $(FUZZ_LOG)) \
		$(BIN)/python -m pytest tests/fuzz -p no:cacheprovider -q $(FUZZ_ARGS)
	$(BIN)/python tests/fuzz/tally.py $(FUZZ_LOG)

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) out build .mypy_cache .ruff_cache .pytest_cache .hypothesis
