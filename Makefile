# Two entry points for a fresh machine: `make run` and `make test`. Both create .venv with pip.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The interface's translations: the texts of digitpad/ui into each resources/*.ts (for
# Qt Linguist or an editor), compiled to the .qm files the app loads.
TRANSLATIONS := $(wildcard resources/digitpad_*.ts)
UI_SOURCES := $(shell find digitpad/ui -name '*.py' | sort)

.PHONY: run test test-fast lint bench translations clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/digitpad

test: $(STAMP)
	$(PY) -m pytest

# The inner loop: every test not marked slow, in under a minute.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

# ruff (pyflakes, pycodestyle, isort, bugbear, pyupgrade) on the code, mypy on the core.
lint: $(STAMP)
	$(VENV)/bin/ruff check digitpad tests benchmarks
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate -no-obsolete -locations none $(UI_SOURCES) -ts $(TRANSLATIONS)
	$(VENV)/bin/pyside6-lrelease $(TRANSLATIONS)

clean:
	rm -rf $(VENV) build *.egg-info
