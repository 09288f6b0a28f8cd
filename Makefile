# Two commands on a fresh machine:
#   make book   set up .venv, fetch and verify the data, build the HTML book
#   make test   set up .venv, fetch the data, run lint, unit tests and nbval
# Set LLMONKEYS_DATA_MIRROR to a local copy of the data to work offline.

VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Run chapters in the project's kernel, with quiet debuggers.
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book test venv data lint unit nbval bench clean clean-all

book: data
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

test: data lint unit nbval

# (Re)create the environment when requirements.txt or pyproject.toml change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (llmonkeys)"
	touch $(STAMP)

venv: $(STAMP)

data: venv
	$(PY) -m llmonkeys fetch

lint: venv
	$(VENV)/bin/ruff check lib tests benchmarks scripts
	$(PY) scripts/lint_chapters.py

unit: venv
	$(VENV)/bin/pytest tests

nbval: data
	$(PY) scripts/nbval_chapters.py

# Speed and accuracy benchmarks (several minutes; not part of `make test`).
bench: data
	$(PY) benchmarks/bench_pass_at_k.py
	$(PY) benchmarks/bench_distributions.py $(BENCH_ARGS)
	$(PY) benchmarks/bench_fits.py
	$(PY) benchmarks/bench_forecast.py

clean:
	$(VENV)/bin/jupyter-book clean .

clean-all:
	$(VENV)/bin/jupyter-book clean --all .
