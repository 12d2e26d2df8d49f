# The two commands a newcomer needs (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup browser demo test clean

setup: $(STAMP)

$(STAMP): pyproject.toml package.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# the CPU build of torch first, so that stanza does not pull a CUDA build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[all]'
	$(PY) cli.py build-gazetteer
	# country outlines for the report's map (npm package world-atlas, see package.json)
	npm ci --no-audit --no-fund --silent
	$(MAKE) browser
	touch $(STAMP)

# Headless Chromium (Debian's package) for the report's browser test; the test is skipped, with
# this reason, only where it cannot be installed.
browser:
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium could not be installed: the report's browser test will be skipped"

demo: setup
	$(PY) cli.py extract data/raw -o data/extracted/sample.jsonl --force
	$(PY) cli.py validate data/extracted/sample.jsonl

test: setup
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) data/extracted/*.jsonl
