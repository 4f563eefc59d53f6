# The README's two commands: `make demo` and `make test`. Each sets itself up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-data

.PHONY: demo test lint bench install clean

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

test: lint
	$(BIN)/pytest -q -n auto

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.programme

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache build dist
