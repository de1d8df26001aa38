# The two commands a newcomer needs: `make run` and `make test`.
# Both create the virtual environment and install what they need on first use: `make run`
# the package and its runtime dependencies, `make test` the pinned test environment of
# requirements/test.lock on top (so one .venv serves both, in either order).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/test.lock
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
# The lock is resolved for every platform and Python that pyproject.toml accepts.
LOCK_PYTHON := 3.10

.PHONY: run test bench lint lock lock-upgrade dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# Exactly the lock's versions, each checked against its hash, then the package itself
# without resolving again: a new release of a dependency changes nothing here until
# `make lock-upgrade` takes it.
$(TEST_STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/mesop sample/main.py

test: $(TEST_STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	QUICK=$(QUICK) $(BIN)/python -m bench

lint: $(TEST_STAMP)
	$(BIN)/ruff check mesop_cli tests bench sample
	$(BIN)/lint-imports --no-cache

# After a change to pyproject.toml's dependencies or its dev extra (tests/test_packaging.py
# fails until then). Keeps every pin it can; `make lock-upgrade` moves them all to the newest.
# uv resolves for all platforms and Pythons at once, from PyPI, in seconds.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet 'uv>=0.5,<1'
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version $(LOCK_PYTHON) \
		--generate-hashes --custom-compile-command 'make lock' --quiet --output-file $(LOCK) \
		$(UV_ARGS)

lock-upgrade:
	$(MAKE) lock UV_ARGS=--upgrade

# The sdist and the wheel in dist/, checked as PyPI would (metadata, README rendering).
dist: $(TEST_STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
