# Two entry points for a fresh machine: `make run` and `make test`. Both create .venv with pip.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The interface's translations: the texts of digitpad/ui into each resources/*.ts (for
# Qt Linguist or an editor), compiled to the .qm files the app loads.
TRANSLATIONS := $(wildcard resources/digitpad_*.ts)
UI_SOURCES := $(shell find digitpad/ui -name '*.py' | sort)

.PHONY: run test fuzz bench translations clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/digitpad

test: $(STAMP)
	$(PY) -m pytest

# The hostile-input property tests with a long budget (thousands of examples each):
# run before closing work on a parser of outside data.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/hostile -m fuzz -q --hypothesis-show-statistics

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate -no-obsolete -locations none $(UI_SOURCES) -ts $(TRANSLATIONS)
	$(VENV)/bin/pyside6-lrelease $(TRANSLATIONS)

clean:
	rm -rf $(VENV) build *.egg-info
