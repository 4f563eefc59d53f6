# The README's two commands: `make demo` and `make test`. Each sets itself up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-data

.PHONY: demo test lint bench install browser clean

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

# The browser tests drive the system's chromium (Playwright never downloads one here).
# As root, install it when it is missing; otherwise the tests say why they skip (under
# CI=true they fail instead).
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

test: lint browser
	$(BIN)/pytest -q -n auto

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.live
	$(BIN)/python -m bench.programme

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache build dist
