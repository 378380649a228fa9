# Two entry points: `make run` starts the bot, `make test` runs the tests.
# Each creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m bot

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .

bench: $(BIN)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV)
