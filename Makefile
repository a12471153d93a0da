# xjma — make demo (set-up + the main job on samples/) and make test are all a fresh clone needs.
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
PYTHON ?= python3
DEMO   := .demo

.PHONY: install test lint demo bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,pg]'
	touch $@

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff format --check xjma tests benchmarks
	$(BIN)/ruff check xjma tests benchmarks
	$(BIN)/mypy xjma

demo: install
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@bash samples/demo.sh $(BIN)/xjma $(DEMO)

bench: install
	$(PY) benchmarks/bench.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
