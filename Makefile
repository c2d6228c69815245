# Two commands for a newcomer: `make demo` and `make test`.
# Set-up is incremental: the venv and node_modules are rebuilt only when
# pyproject.toml or package-lock.json change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
PYTEST_ARGS ?=

.PHONY: setup demo demo-rebuild test audit serve clean

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

# Known vulnerabilities in the installed dependencies (tools/audit_dependencies.py). pip-audit lives
# in its own virtualenv so that its own dependencies are not mixed into the audited set. Without
# network the audit says NOT AUDITED and does not fail; a found vulnerability fails.
AUDIT_VENV := .venv-audit
PIP_AUDIT := pip-audit==2.10.1
audit: setup
	test -x $(AUDIT_VENV)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_VENV) && \
	  $(AUDIT_VENV)/bin/pip install --quiet --disable-pip-version-check '$(PIP_AUDIT)'; } || \
	  echo "could not install $(PIP_AUDIT)"
	$(BIN)/python tools/audit_dependencies.py --pip-audit $(AUDIT_VENV)/bin/pip-audit --python $(BIN)/python

clean:
	rm -rf $(VENV) $(AUDIT_VENV) node_modules var
