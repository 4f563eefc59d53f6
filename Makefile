# The README's two commands: `make demo` and `make test`. Each sets itself up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-data

.PHONY: demo test check lint bench install browser clean i18n i18n-template

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(BIN)/.installed

demo: install
	KIOSK_DATA_DIR=$${KIOSK_DATA_DIR:-$(DEMO_DIR)} $(BIN)/kiosk demo

lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check kiosk screens db tests bench
	$(BIN)/ruff format --check kiosk screens db tests bench
	$(BIN)/mypy

# Catalogues (kiosk/locales/<lang>/LC_MESSAGES/<domain>.po): the templates from the code's keys
# (babel.cfg), every language brought up to date with them, then the check that each language
# has every message, plural form and placeholder (it fails with the list).
I18N_BUILD := build/i18n
i18n-template: install
	mkdir -p $(I18N_BUILD)
	$(BIN)/pybabel -q extract -F babel.cfg --no-wrap --no-location -o $(I18N_BUILD)/keys.pot kiosk screens
	$(BIN)/python -m kiosk.i18n.check template $(I18N_BUILD)/keys.pot

i18n: i18n-template
	for domain in visitor librarian scout; do \
		$(BIN)/pybabel -q update --no-wrap --no-fuzzy-matching --ignore-obsolete \
			-D $$domain -i kiosk/locales/$$domain.pot -d kiosk/locales || exit 1; \
	done
	$(BIN)/python -m kiosk.i18n.check

# The browser tests drive the system's chromium (Playwright never downloads one here), and
# the deploy smoke test runs it under cage on a virtual screen; the export tests open the
# files in LibreOffice; the speech tests have espeak-ng write WAV files. As root, install
# what is missing; otherwise the tests say why they skip (under CI=true they fail instead).
BROWSER_PACKAGES := chromium cage grim xvfb xdotool x11-utils xwayland fonts-dejavu-core \
	libreoffice-calc-nogui espeak-ng
browser:
	@missing=$$(for p in $(BROWSER_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing for the browser, smoke and export tests:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Every test, six workers on the two cores: a Pilot test spends much of its time waiting
# for the app to go quiet, so three workers a core keep both busy (7.6 min against 10.1
# with four, 12.2 with two). --dist loadgroup keeps each xdist_group on one worker: the multi-process and browser
# tests are collected first (tests/conftest.py), so the longest start first.
test: lint browser
	$(BIN)/pytest -q -n 6 --dist loadgroup

# The quick loop while changing code: lint, types, import layers and the unit tests.
check: lint
	$(BIN)/pytest -q -n 4 --dist loadgroup tests/unit

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.live
	$(BIN)/python -m bench.programme
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache build dist
