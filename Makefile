# webcare: `make run` starts the whole pipeline on this machine; `make test` runs every test.
# Both set up what is missing (virtualenv, Kafka jars, PostgreSQL for tests) themselves.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run demo stop test test-unit lint format schemas docs venv kafka clean help model

help:
	@echo "make run        start Kafka and every service (Ctrl-C or 'make stop' ends it)"
	@echo "make demo       the same, then replay deploy/demo/mentions.jsonl through it"
	@echo "make stop       stop what 'make run' started"
	@echo "make test       every test: unit, service, end-to-end, ops, hostile, chaos (real Kafka, PostgreSQL)"
	@echo "make test-unit  the unit tests only (no broker)"
	@echo "make lint       ruff (lint and format check) and mypy"
	@echo "make format     ruff format and ruff's fixes, in place"
	@echo "make schemas    regenerate schemas/json/ from the pydantic contracts"
	@echo "make docs       regenerate docs/configuration.md from the settings classes"
	@echo "make model      build the classifier's model when it is missing"
	@echo "make venv       create .venv with the pinned dependencies"
	@echo "make kafka      fetch the Kafka broker jars (checksum-verified, cached)"
	@echo "make clean      remove .venv, .state and the tool caches"

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

kafka:
	bash deploy/kafka/fetch.sh

run: venv kafka model
	bash deploy/run.sh

demo: venv kafka model
	WEBCARE_DEMO=1 bash deploy/run.sh

stop:
	bash deploy/stop.sh

test: venv kafka model
	bash deploy/postgres/ensure.sh
	bash deploy/prometheus/ensure.sh
	$(BIN)/pytest $(PYTEST_ARGS)

test-unit: venv
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy services schemas

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schemas: venv
	$(BIN)/python -m schemas

docs: venv
	$(BIN)/python -m services.common.settings_doc

clean:
	rm -rf $(VENV) .state .pytest_cache .mypy_cache .ruff_cache

# The classifier's model (services/classify/models/): built from the corpus when missing.
model: venv
	$(BIN)/webcare train --if-missing
