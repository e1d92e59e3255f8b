# The README's two commands: `make demo` (factbot on its embedded defaults) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= How does factbot cache answers?
QUALITY_ARGS ?=

.PHONY: demo chat test lint bench quality install

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# setuptools warns that a folder named like a package may shadow it: here that is the point.
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/factbot ask "$(QUESTION)"

chat: $(BIN)/.installed
	$(BIN)/factbot chat

test: $(BIN)/.installed
	bash .ci/ensure-redis
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(BIN)/.installed
	bash .ci/ensure-redis
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_research.py
	$(BIN)/python bench/bench_slack.py
	$(BIN)/python bench/bench_api.py

# Answer quality on real documentation beside a plain BM25 baseline (downloads the corpora once).
quality: $(BIN)/.installed
	$(BIN)/python -m bench.quality $(QUALITY_ARGS)
