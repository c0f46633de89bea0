# Cœur de Valence — `make run` and `make test` are all a new developer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM_PATH ?= /usr/bin/chromium
ZBARIMG := /usr/bin/zbarimg
PWA_SOURCES := $(shell find pwa/src pwa/icons pwa/build pwa/public -type f 2>/dev/null) pwa/index.html pwa/vite.config.js

.PHONY: install run test lint typecheck pwa-check pytest clean constraints

install: $(VENV)/.installed pwa/dist/index.html

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

pwa/node_modules/.package-lock.json: pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund
	touch $@

pwa/dist/index.html: pwa/node_modules/.package-lock.json pwa/package.json $(PWA_SOURCES)
	cd pwa && npm run build

run: install
	$(BIN)/valence demo load
	$(BIN)/valence serve --host 127.0.0.1 --port 8000

$(CHROMIUM_PATH):
	@echo "Chromium is missing: installing Debian's package for the browser tests"
	apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium

# The student card's browser test reads the QR code on the student's screen with a real decoder.
$(ZBARIMG):
	@echo "zbarimg is missing: installing Debian's zbar-tools for the browser tests"
	apt-get update -qq && apt-get install -y -qq --no-install-recommends zbar-tools

lint: $(VENV)/.installed
	$(BIN)/ruff check api tests bench migrations
	$(BIN)/ruff format --check api tests bench migrations

typecheck: $(VENV)/.installed
	$(BIN)/mypy

pwa-check: pwa/node_modules/.package-lock.json
	cd pwa && npm run check

pytest: install $(CHROMIUM_PATH) $(ZBARIMG)
	CHROMIUM_PATH=$(CHROMIUM_PATH) $(BIN)/pytest --durations=15

test: lint typecheck pwa-check pytest

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist var test-results .mypy_cache .ruff_cache .pytest_cache

constraints: $(VENV)/.installed
	(echo "# Every Python package the project installs, pinned (regenerate: make constraints)."; \
	 $(BIN)/pip freeze --exclude-editable) > constraints.txt
