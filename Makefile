# ViCP: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Local commands run with DEBUG on; production sets its own environment.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: install run test lint typecheck migrations-check worker beat bench clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# axe-core, for the accessibility checks of the browser tests (never served).
node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "ViCP is at http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# The services, selectors and policies ([tool.mypy] in pyproject.toml lists them).
typecheck: install
	$(DEV_ENV) $(BIN)/mypy

migrations-check: install
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Two pytest processes (pytest-xdist), one a core; tests marked `worker` stay together.
PYTEST_PROCESSES ?= 2

test: lint migrations-check
	$(BIN)/pytest -n $(PYTEST_PROCESSES) --dist loadgroup

worker: install
	$(BIN)/celery -A vicp worker --loglevel=INFO

beat: install
	$(BIN)/celery -A vicp beat --loglevel=INFO

# Needs DATABASE_URL of a PostgreSQL database filled by seed_scale: see README, Benchmarks.
bench: install
	@test -n "$$DATABASE_URL" || { echo "make bench needs DATABASE_URL (PostgreSQL, seeded): see README, Benchmarks"; exit 2; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles
