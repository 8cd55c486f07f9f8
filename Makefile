# The two commands in the README are `make demo` and `make test`.
# Both create .venv on first use (and refresh it when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test setup lint typecheck rules-check pytest bench template-check clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

## demo: set up, then run the main job locally on the embedded defaults
demo: $(STAMP)
	@$(BIN)/leadrelay demo

## test: set up, then run every check CI runs
test: $(STAMP) lint typecheck rules-check template-check pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check functions tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

rules-check: $(STAMP)
	$(BIN)/leadrelay rules validate rules
	$(BIN)/leadrelay rules test rules

template-check: $(STAMP)
	$(BIN)/cfn-lint template.yaml
	SAM_CLI_TELEMETRY=0 $(BIN)/sam validate --lint --template template.yaml --region us-east-1

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .aws-sam .mypy_cache .ruff_cache
