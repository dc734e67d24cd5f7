# The two commands of the README: `make digest` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
WEEK   ?= 2025-W46

.PHONY: setup system digest test lint bench bench-collect bench-render clean

setup: system $(STAMP)
	@# Bytecode once, here: where PYTHONDONTWRITEBYTECODE is set, every command would compile it anew.
	@$(BIN)/python -m compileall -q src

system:
	@bash scripts/setup-system.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

digest: setup
	@$(BIN)/weeklydigest build --week $(WEEK)

test: setup
	@$(BIN)/python -m pytest -q

lint: setup
	@$(BIN)/ruff check .

bench: setup
	@$(BIN)/python bench/build_sample.py

bench-collect: setup
	@$(BIN)/python bench/collect.py

bench-render: setup
	@$(BIN)/python bench/render.py

clean:
	rm -rf output/20* $(VENV)
