# The two commands in the README are `make demo` and `make test`.
# Both create .venv on first use (and refresh it when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Keyed by pyproject.toml and the reading dictionary's builder (its file format is part of what setup makes).
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml functions/leadrelay/adapters/reading_dictionary.py | sha1sum | cut -c1-12)

.PHONY: demo test test-fast setup lint typecheck rules-check pytest pythons bench template-check sam-build salesforce-cli salesforce-check clean tools-node screenshots

$(STAMP): pyproject.toml functions/leadrelay/adapters/reading_dictionary.py
	@echo "setup: creating $(VENV) with $(PYTHON) (first run only; pyproject.toml changes refresh it)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "setup: upgrading pip"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "setup: installing leadrelay and its dev tools into $(VENV) (pip install -e '.[dev]'; a minute or two)"
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@$(BIN)/python -P functions/leadrelay/adapters/reading_dictionary.py
	@rm -f $(VENV)/.installed-* && touch $@
	@echo "setup: done"

setup: $(STAMP)

## demo: set up, then run the main job locally on the embedded defaults
demo: $(STAMP)
	@echo "demo: scoring the sample leads in examples/leads with rules/, then through the pipeline on a local org"
	@$(BIN)/leadrelay demo

## test: set up, then run every check CI runs
test: $(STAMP) lint typecheck rules-check template-check sam-build salesforce-check pytest pythons

## test-fast: the inner loop: lint and every test outside the slow tier, on two workers, property tests on
## an eighth of their examples (tests/tiers.py); compiled bytecode is kept between runs even where the
## environment turns it off (PYTHONDONTWRITEBYTECODE), so workers and CLI subprocesses import it
test-fast: $(STAMP)
	$(BIN)/ruff check .
	PYTHONDONTWRITEBYTECODE= LEADRELAY_FAST_TESTS=1 $(BIN)/pytest -n 2 -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check functions tools tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

rules-check: $(STAMP)
	$(BIN)/leadrelay rules validate --strict rules
	$(BIN)/leadrelay rules test rules

template-check: $(STAMP)
	$(BIN)/cfn-lint template.yaml
	SAM_CLI_TELEMETRY=0 $(BIN)/sam validate --lint --template template.yaml --region us-east-1

## sam-build: `sam build` without a container, as a deploy does (python3.13: the template's runtime, found via
## pyenv or on PATH; --cached keeps unchanged functions between runs and pip keeps its downloads), then check
## that the artifact holds the functions' code and runtime dependencies only (no test stand-ins, no tools)
SAM_PYTHON ?= 3.13
sam-build: $(STAMP)
	@bin=$$(ls -d "$$(pyenv root 2>/dev/null)"/versions/$(SAM_PYTHON).*/bin 2>/dev/null | tail -1); \
	if [ -z "$$bin" ] && command -v python$(SAM_PYTHON) >/dev/null; then bin=$$(dirname "$$(command -v python$(SAM_PYTHON))"); fi; \
	if [ -z "$$bin" ]; then echo "sam-build: python$(SAM_PYTHON) not found (pyenv install $(SAM_PYTHON) or put it on PATH)" >&2; exit 1; fi; \
	echo "sam-build: sam build with $$("$$bin/python$(SAM_PYTHON)" --version)"; \
	PATH="$$bin:$$PATH" SAM_CLI_TELEMETRY=0 $(BIN)/sam build --template template.yaml --build-dir .aws-sam/build \
	  --cached --cache-dir .aws-sam/cache && \
	LEADRELAY_REQUIRE_SAM_BUILD=1 LEADRELAY_LAMBDA_PYTHON="$$bin/python$(SAM_PYTHON)" \
	  $(BIN)/pytest -q -p no:xdist tests/infra/test_built_artifact.py

## salesforce-cli: the pinned Salesforce CLI in infra/salesforce/node_modules (npm ci; once per lock file)
SF_DIR   := infra/salesforce
SF_STAMP := $(SF_DIR)/node_modules/.installed-$(shell sha1sum $(SF_DIR)/package-lock.json | cut -c1-12)
NPM_FLAGS ?= --no-audit --no-fund --prefer-offline --loglevel=error --fetch-retries=5 --fetch-timeout=300000

$(SF_STAMP): $(SF_DIR)/package.json $(SF_DIR)/package-lock.json
	@for attempt in 1 2 3; do \
	  (cd $(SF_DIR) && npm ci $(NPM_FLAGS)) && break; \
	  if [ $$attempt = 3 ]; then echo "salesforce-cli: npm ci failed 3 times" >&2; exit 1; fi; \
	  echo "salesforce-cli: npm ci failed (attempt $$attempt), retrying in 10 s" >&2; sleep 10; \
	done
	@rm -f $(SF_DIR)/node_modules/.installed-* && touch $@

salesforce-cli: $(SF_STAMP)

## salesforce-check: convert infra/salesforce (source and templates) with the real CLI, offline
salesforce-check: $(SF_STAMP)
	$(SF_DIR)/check-source.sh

## pytest: every test, the slow tier included, on two workers (the machine's two cores)
pytest: $(STAMP) tools-node
	$(BIN)/pytest -n 2

## tools-node: jsforce in .tools/node_modules for the slow-tier contract test (skipped when npm is absent)
tools-node:
	@if ! command -v npm >/dev/null; then echo "tools-node: npm not found, the jsforce contract test is skipped"; \
	elif [ ! -d .tools/node_modules/jsforce ]; then npm install --prefix .tools --no-audit --no-fund jsforce@3; fi

## pythons: every test outside the slow tier again on each other supported Python (3.12, 3.13) found via pyenv
OTHER_PYTHONS ?= 3.12 3.13
pythons: $(STAMP)
	@for v in $(OTHER_PYTHONS); do \
	  py=$$(ls -d "$$(pyenv root 2>/dev/null)"/versions/$$v.*/bin/python$$v 2>/dev/null | tail -1); \
	  [ -n "$$py" ] || py=$$(command -v python$$v || true); \
	  if [ -z "$$py" ]; then echo "pythons: python$$v not found, skipped"; continue; fi; \
	  venv=.venv-$$v; stamp=$$venv/.installed-$$(sha1sum pyproject.toml | cut -c1-12); \
	  if [ ! -f $$stamp ]; then \
	    echo "pythons: setting up $$venv ($$py)"; \
	    $$py -m venv $$venv && $$venv/bin/python -m pip install --quiet --upgrade pip \
	      && $$venv/bin/python -m pip install --quiet -e '.[dev]' && rm -f $$venv/.installed-* && touch $$stamp \
	      || exit 1; \
	  fi; \
	  echo "pythons: pytest on $$($$venv/bin/python --version)"; \
	  $$venv/bin/pytest -n 2 -m "not slow" || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python -m bench

## screenshots: the README's pictures of the two report pages (docs/images/*.png), made with headless
## Chromium from the benchmarks' seeded data, 500 leads (tools/screenshots.py; without --synthetic it
## photographs the pages `make demo` writes); says so in one sentence when Chromium is missing
screenshots: $(STAMP)
	@$(BIN)/python tools/screenshots.py --synthetic 500

clean:
	rm -rf $(VENV) .venv-3.* .aws-sam .mypy_cache .ruff_cache .tools $(SF_DIR)/node_modules
