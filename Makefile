# rusqa — `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CODE := rusqa ui tests bench tools

# Nothing leaves the machine at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test setup browser index lint typecheck pytest eval bench bench-scale layouts clean

run: setup index            ## start the chat app on http://127.0.0.1:7860 (builds the index if missing)
	$(BIN)/rusqa serve

test: setup browser index lint typecheck pytest eval   ## lint, types, tests, and the evaluation gate

# torch first, from the CPU wheel on disk: otherwise sentence-transformers pulls a CUDA build of several GB.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install -q --disable-pip-version-check -e '.[st,dev]'
	touch $(STAMP)

setup: $(STAMP)

AXE := .axe/node_modules/axe-core/axe.min.js

browser: $(AXE)             ## Debian's chromium (Playwright cannot download one here), axe-core, and poppler's pdftotext for the ingest tests
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; fi; }

# axe-core from the npm registry, into a local folder; the browser tests inject it from this file.
$(AXE):
	@command -v npm >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; fi; }
	npm install --silent --no-audit --no-fund --prefix .axe axe-core@4.14.1

index: setup                ## build the index if the plans, settings or code changed
	$(BIN)/rusqa index

lint: setup
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest

eval: setup index           ## strict gate on evals/dev/, report evals/test/, and show which answers moved
	$(BIN)/rusqa eval
	@echo "— answers that moved since the committed snapshot (evals/snapshot.jsonl):"
	@git --no-pager diff --no-color --stat -- evals/snapshot.jsonl 2>/dev/null || true
	@git --no-pager diff --no-color -U0 -- evals/snapshot.jsonl 2>/dev/null | grep '^[-+]{' | head -200 || true

bench: setup index          ## side-by-side benchmark against naive llama-index pipelines
	$(BIN)/python -m bench.compare

bench-scale: setup          ## cost against the number of plans: synthetic corpora of 5 and 50 plans (--large: 200, 1,000)
	$(BIN)/python -m bench.scale

layouts: setup              ## leave-one-layout-out: PDF, Word and generic text readers against the hand parsers
	$(BIN)/python -m tools.layouts

clean:
	rm -rf $(VENV) index/builds index/CURRENT index/cache reports screenshots
