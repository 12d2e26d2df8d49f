# The two commands a newcomer needs (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# the CPU build of torch first, so that stanza does not pull a CUDA build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[all]'
	$(PY) cli.py build-gazetteer
	touch $(STAMP)

demo: setup
	$(PY) cli.py extract data/raw -o data/extracted/sample.jsonl --force
	$(PY) cli.py validate data/extracted/sample.jsonl

test: setup
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) data/extracted/*.jsonl
