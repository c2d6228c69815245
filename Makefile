# Two commands for a newcomer: `make demo` and `make test`.
# Set-up is incremental: the venv and node_modules are rebuilt only when
# pyproject.toml or package-lock.json change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
PYTEST_ARGS ?=

.PHONY: setup demo demo-rebuild test serve clean

setup: $(PY_STAMP) $(NPM_STAMP)

$(PY_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Builds the demo world only if the database does not have it yet;
# `make demo-rebuild` (or REBUILD=1) builds it again from scratch.
demo: setup
	$(BIN)/gongzhi migrate --noinput
	$(BIN)/gongzhi demo $(if $(REBUILD),--rebuild,)
	@echo "http://127.0.0.1:8000"
	$(BIN)/gongzhi serve --bind 127.0.0.1:8000

demo-rebuild:
	$(MAKE) demo REBUILD=1

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules var
