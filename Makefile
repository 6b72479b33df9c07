# Netwerkbord: `make run` to use it, `make test` to test it. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_PY := $(VENV)/.installed
STAMP_JS := web/node_modules/.installed
BUNDLE := web/static/dist/.built
DATA_DIR ?= var
NATIVE := server/native.json
# The modules every keystroke runs through, compiled with mypyc (docs/architecture.md).
NATIVE_MODULES := server/clock.py server/crdt.py server/metrics.py server/policy.py \
	server/store/journal.py server/sync/connection.py server/sync/protocol.py \
	server/sync/room.py server/sync/staging.py

.PHONY: run test check lint fmt bench clean system-test-deps bundle native pure lock

run: $(STAMP_PY) $(BUNDLE) $(NATIVE)
	@mkdir -p $(DATA_DIR)
	$(BIN)/netwerkbord serve --data-dir $(DATA_DIR)

test: $(STAMP_PY) $(BUNDLE) system-test-deps lint $(NATIVE)
	node --test web/test/
	$(BIN)/pytest

# The edit-test loop: the server's source as Python (NETWERKBORD_FROM_SOURCE: nothing is
# compiled), in two processes; everything but the browser, PostgreSQL, Redis and cluster
# tests, and the rules table through Node clients (its in-process twin runs every cell).
CHECK_SKIPS := -m "not browser and not postgres and not redis" --ignore=tests/cluster \
	--ignore=tests/sync/test_rules.py

check: $(STAMP_PY) $(BUNDLE)
	node --test web/test/
	NETWERKBORD_FROM_SOURCE=1 $(BIN)/pytest -n 2 -q $(CHECK_SKIPS)

lint: $(STAMP_PY)
	$(BIN)/ruff check server shared_schema tests docs $(wildcard bench)
	$(BIN)/mypy

fmt: $(STAMP_PY)
	$(BIN)/ruff check --fix server shared_schema tests $(wildcard bench)

bench: $(STAMP_PY) $(BUNDLE) bench/node_modules/.installed $(NATIVE)
	$(BIN)/python -m bench

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund
	@touch $@

# Every Python package at the version, and with the digest, that CI tested (requirements.lock).
$(STAMP_PY): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

# After changing a dependency in pyproject.toml: pins what is new and keeps every other pin
# (`rm requirements.lock; make lock` takes the newest releases within the bounds instead).
lock:
	test -x $(BIN)/uv || { test -d $(VENV) || $(PYTHON) -m venv $(VENV); $(BIN)/pip install --quiet uv; }
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 -o requirements.lock --quiet

$(STAMP_JS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

bundle: $(BUNDLE)

native: $(NATIVE)

$(NATIVE): $(STAMP_PY) $(NATIVE_MODULES) scripts/build-native
	bash scripts/build-native $(NATIVE_MODULES)

# Run the server uncompiled, as Python, until the next `make native` (or run, test, bench).
pure:
	bash scripts/build-native --remove

$(BUNDLE): $(STAMP_JS) $(shell find web/src web/i18n -type f 2>/dev/null) web/build.mjs shared_schema/board.v1.json
	cd web && node build.mjs
	@mkdir -p $(dir $@) && touch $@

# What the browser and integration tests need from Debian: Chromium (driven by Playwright),
# PostgreSQL and Redis servers (the tests start their own on loopback), Pango for PDFs.
system-test-deps:
	@bash scripts/install-system-deps

clean: pure
	rm -rf $(VENV) web/node_modules web/static/dist
