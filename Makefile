# Two commands from a fresh clone: `make demo` and `make test`; `make docs` builds the site.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test docs bench bench-quick mutation clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -e ".[test,distributed]"
	touch $@

$(VENV)/.installed-docs: $(VENV)/.installed
	$(PY) -m pip install -e ".[docs]"
	touch $@

demo: $(VENV)/.installed
	$(PY) examples/quickstart.py

test: $(VENV)/.installed-test
	$(PY) -m pytest

# Warnings are errors; every example in examples/ runs. Open docs/_build/html/index.html.
docs: $(VENV)/.installed-docs
	$(VENV)/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

bench: $(VENV)/.installed
	$(PY) benchmarks/run.py

bench-quick: $(VENV)/.installed
	$(PY) benchmarks/run.py --quick

# A sampled mutation run: tens of minutes, so not part of `make test` or CI.
# make mutation SAMPLE=120 SEED=0 FILES="sk_ann/_base.py sk_ann/core" JOBS=1 TIMEOUT=600
# (TIMEOUT: seconds per mutant; by default 3 times the unmutated run, plus 60.)
SAMPLE ?= 120
SEED ?= 0
FILES ?= sk_ann
JOBS ?= 1
TIMEOUT ?=
mutation: $(VENV)/.installed-test
	$(PY) mutation/run.py --files $(FILES) --seed $(SEED) --sample $(SAMPLE) --jobs $(JOBS) \
		$(if $(TIMEOUT),--timeout $(TIMEOUT))

clean:
	rm -rf $(VENV) build *.egg-info sk_ann.egg-info .pytest_cache
	rm -rf docs/_build docs/auto_examples docs/generated
