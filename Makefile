# Two entry points for a fresh machine: `make run` and `make test`. Both create .venv with pip.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The interface's translations: the texts of digitpad/ui into each resources/*.ts (for
# Qt Linguist or an editor), compiled to the .qm files the app loads.
TRANSLATIONS := $(wildcard resources/digitpad_*.ts)
UI_SOURCES := $(shell find digitpad/ui -name '*.py' | sort)

# Real X11 windows for the tests that need one (fast strokes under a real X server): Xvfb,
# xdotool and the libraries Qt's xcb platform plugin loads; and a CJK font, so that the
# layout tests measure Chinese text in its real metrics. Installed when missing and this
# is a Debian-like machine where we are root; otherwise those tests skip.
XCB_PACKAGES := libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1
X11_PACKAGES := xvfb xdotool fonts-noto-cjk $(XCB_PACKAGES)
XVFB := xvfb-run -a -s "-screen 0 1920x1080x24"

.PHONY: run test test-fast lint fuzz bench translations clean x11-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test,dev]'
	touch $(STAMP)

# Before launching: Qt's xcb plugin must load; if not, the one apt-get line that fixes it.
run: $(STAMP)
	@$(PY) -m digitpad.ui.xcb_check $(XCB_PACKAGES)
	$(VENV)/bin/digitpad

test: $(STAMP) x11-deps
	$(PY) -m pytest
	@if command -v xvfb-run >/dev/null && command -v xdotool >/dev/null; then \
		$(XVFB) env QT_QPA_PLATFORM=xcb $(PY) -m pytest -p no:cacheprovider tests/ui/test_x11_strokes.py; \
	else echo "xvfb-run or xdotool missing: the X11 tests did not run"; fi

x11-deps:
	@if ! command -v xvfb-run >/dev/null || ! command -v xdotool >/dev/null \
			|| ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(X11_PACKAGES) >/dev/null; \
		else echo "to run the X11 tests and measure Chinese text: sudo apt-get install $(X11_PACKAGES)"; fi; \
	fi

# The hostile-input property tests with a long budget (thousands of examples each):
# run before closing work on a parser of outside data.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/hostile -m fuzz -q --hypothesis-show-statistics

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
