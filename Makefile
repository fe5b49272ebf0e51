# The two commands of the README, and the helpers they stand on.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := DEBUG=1

.PHONY: install demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	TESTING=1 $(BIN)/mypy kartbild
	TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

# axe-core for the accessibility audit (test-only), pinned in package.json; skipped without npm.
node_modules/axe-core/axe.min.js: package.json
	if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --loglevel=error; fi

test: lint node_modules/axe-core/axe.min.js
	$(BIN)/pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) staticfiles kartbild.sqlite3* .pytest_cache .mypy_cache .ruff_cache
