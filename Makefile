# Two commands on a fresh machine:
#   make book   set up .venv, fetch and verify the data, build the HTML book
#   make test   set up .venv, fetch the data, run lint, unit tests and nbval
# Set LLMONKEYS_DATA_MIRROR to a local copy of the data to work offline.
# More (README, "Run a chapter yourself" and "Teaching with it"):
#   make pagetest       every page of _build/html in headless Chromium (1280, 390 px)
#   make student        the book without solutions, in _build/student/_build/html
#   make notebooks      executed .ipynb per chapter, numbers in the prose, in
#                       _build/notebooks (STUDENT=1: without solutions)
#   make pdf            the whole book as one PDF, _build/pdf/book.pdf

VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Run chapters in the project's kernel, with quiet debuggers.
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter
export PYDEVD_DISABLE_FILE_VALIDATION := 1

JB     := $(VENV)/bin/jupyter-book
JBFLAGS := -W -n --keep-going
# All builds share one execution cache (_build/.jupyter_cache), which nbval
# fills too: a chapter is executed once, whatever is built after it.
CACHE  := _build/.jupyter_cache

.PHONY: book test venv data lint unit nbval bench clean clean-all \
	pagetest chromium student notebooks pdf

book: data
	$(JB) build . $(JBFLAGS)

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
	$(VENV)/bin/ruff check lib tests benchmarks scripts _ext
	$(PY) scripts/lint_chapters.py

unit: venv
	$(VENV)/bin/pytest tests

nbval: data
	$(PY) scripts/nbval_chapters.py --cache=$(CACHE)

# Headless Chromium from Debian (apt-get, as root) when it is missing.
chromium:
	@bash scripts/ensure_chromium.sh

# Builds nothing: checks the site that `make book` built.
pagetest: venv chromium
	LLMONKEYS_PAGETEST=1 $(VENV)/bin/pytest tests/browser

# The student edition: every solution removed (_ext/llmonkeys_site.py).
student: data
	LLMONKEYS_EDITION=student $(JB) build . $(JBFLAGS) --path-output _build/student

# Executed notebooks with the glued numbers in their prose.
notebooks: book
	$(PY) scripts/make_notebooks.py --out _build/notebooks$(if $(STUDENT),-student) \
		$(if $(STUDENT),--student)

# One PDF of the whole book: a single-page HTML build printed by headless
# Chromium (Debian packages only; no LaTeX).
pdf: data chromium
	$(JB) build . $(JBFLAGS) --builder singlehtml
	$(PY) scripts/make_pdf.py _build/singlehtml _build/pdf/book.pdf

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
