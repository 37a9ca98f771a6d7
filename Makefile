# Tase: `make run` serves the demo, `make test` runs every test. Python 3.13 is needed.
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat constraints.txt pyproject.toml | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat constraints.txt pyproject.toml | sha1sum | cut -c1-12)
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install install-dev messages test e2e lint format bench lock chromium harfbuzz hledger clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	rm -f $(VENV)/.installed-*; touch $@

$(DEV_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*; touch $@ $(STAMP)

install: $(STAMP) messages
install-dev: $(DEV_STAMP) messages

# Each catalogue is compiled when its .po is newer than its .mo, so that two `make test` runs side
# by side (.ci/run) never write the same .mo at once. msgfmt is what Django's compilemessages runs.
PO_FILES := $(shell find src/tase -path '*/locale/*/LC_MESSAGES/*.po')
messages: $(PO_FILES:.po=.mo)  ## compile the translations (.po → .mo)

%.mo: %.po
	@msgfmt --check-format -o $@ $<

# On PostgreSQL with two roles (docs/deployment.md): export DATABASE_URL (the app's role) and
# MIGRATION_DATABASE_URL (the owner's); migrate then runs as the owner, the demo and the server as the app.
run: install  ## migrate the embedded SQLite database, load the demo once, serve
	$(BIN)/tase migrate --no-input -v 0
	$(BIN)/tase demo
	@echo "Tase is at http://$(HOST):$(PORT)/  (API: http://$(HOST):$(PORT)/api/v1/docs)"
	$(BIN)/tase runserver $(HOST):$(PORT)

test: install-dev chromium harfbuzz  ## every test; DATABASE_URL=postgres://… runs them on PostgreSQL
	$(BIN)/pytest $(PYTEST_ARGS)

e2e: install-dev chromium  ## only the browser tests
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

chromium:  ## the browser tests drive Debian's Chromium; install it when missing and possible
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "Chromium is missing: the browser tests will be skipped. Install the 'chromium' package."; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev hledger harfbuzz  ## speed tables (bench/)
	$(BIN)/python -m bench

harfbuzz:  ## WeasyPrint subsets fonts fast with HarfBuzz-Subset (PDFs several times faster); install it when missing and possible
	@ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libharfbuzz-subset0 >/dev/null) || \
	  echo "libharfbuzz-subset0 is missing: PDFs are slower. Install the 'libharfbuzz-subset0' package."; }

hledger:  ## the ledger bench checks its trial balance against hledger; install it when missing and possible
	@command -v hledger >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hledger >/dev/null) || \
	  echo "hledger is missing: the ledger bench will not compare with it. Install the 'hledger' package."; }

lock:  ## refresh constraints.txt from a clean resolve of pyproject.toml
	rm -rf /tmp/tase-lock && $(PYTHON) -m venv /tmp/tase-lock
	/tmp/tase-lock/bin/pip install --quiet --upgrade pip
	/tmp/tase-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/tase-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) var/static
