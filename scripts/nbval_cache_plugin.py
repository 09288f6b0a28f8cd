"""pytest plugin: store each chapter that nbval ran cleanly in the book's cache.

nbval executes every code cell of a chapter in one kernel and keeps each
cell's outputs (``IPyNbCell.test_outputs``). When every cell of a chapter
passed, this plugin writes the chapter with those outputs into the
jupyter-cache that the book build reads (``execute_notebooks: cache``), so
``make book`` after ``make test`` renders the chapters without executing
them a second time. The cache matches a notebook on its code and kernel
only, so an edited chapter is executed again by the book build; a chapter
with a failing cell is never stored.

Enabled by ``scripts/nbval_chapters.py --cache DIR`` (CI does this).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path

import pytest

CACHE_ENV = "LLMONKEYS_NBVAL_CACHE"
SOURCE_KEY = "llmonkeys_source"


class _Recorder:
    def __init__(self, cache: Path):
        self.cache = cache
        self.failed: set[str] = set()
        self.cells: dict[str, list] = defaultdict(list)
        self.started: dict[str, float] = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        self.started.setdefault(str(item.fspath), time.monotonic())
        yield

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.failed.add(report.nodeid.split("::")[0])

    def pytest_sessionfinish(self, session):
        import jupytext
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn

        files = defaultdict(list)
        for item in session.items:
            if hasattr(item, "test_outputs") and hasattr(item.parent, "nb"):
                files[item.parent].append(item)
        cache = get_cache(str(self.cache))
        for parent, items in files.items():
            nodeid = parent.nodeid
            source = parent.nb.metadata.get(SOURCE_KEY)
            ran = all(i.test_outputs is not None for i in items)
            if not source or nodeid in self.failed or not ran:
                continue
            nb = jupytext.read(source)
            code = [c for c in nb.cells if c.cell_type == "code"]
            if len(code) != len(items):
                continue  # the chapter changed under us: let the book run it
            for count, (cell, item) in enumerate(zip(code, items, strict=True), 1):
                cell.outputs = item.test_outputs
                cell.execution_count = count
            seconds = time.monotonic() - self.started.get(str(parent.fspath), 0)
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, uri=str(Path(source).resolve()),
                           data={"execution_seconds": seconds}),
                check_validity=False,
                overwrite=True,
            )
            print(f"\nnbval: stored {Path(source).name} in the book's execution cache")


def pytest_configure(config):
    cache = os.environ.get(CACHE_ENV)
    if cache:
        config.pluginmanager.register(_Recorder(Path(cache)), "llmonkeys-nbval-cache")
