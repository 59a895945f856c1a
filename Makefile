# The two commands a newcomer types: `make run` and `make test`. Everything else they need,
# these targets install: a virtualenv from the lock (uv.lock), npm packages, compiled messages.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install install-dev lint format messages worker beat clean

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	DEBUG=true $(BIN)/python manage.py seed_demo
	@echo "The NMI-Q Portal is starting at http://127.0.0.1:8000 (stop it with Ctrl-C)."
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n auto

install: $(VENV)/.runtime node_modules/.installed messages

install-dev: $(VENV)/.dev node_modules/.installed messages

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.runtime: uv.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --quiet
	touch $@

$(VENV)/.dev: uv.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --quiet --extra dev
	touch $@ $(VENV)/.runtime

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages:
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var -v 0

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A nmiq_portal worker --loglevel=info

beat: install
	$(BIN)/celery -A nmiq_portal beat --loglevel=info

clean:
	rm -rf $(VENV) node_modules var/static
