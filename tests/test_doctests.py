"""The Examples sections of the library's docstrings run as written.

Every module of ``llmonkeys`` (the studies included) is searched for
doctests, so an example that drifts from the code fails ``make unit``.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import llmonkeys

matplotlib.use("Agg")

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(llmonkeys.__path__, prefix="llmonkeys.")
)


def test_every_module_is_searched():
    expected = {"llmonkeys.fits", "llmonkeys.report", "llmonkeys.studies.jailbreaking"}
    assert expected <= set(MODULES)
    examples = sum(
        len(t.examples)
        for name in MODULES
        for t in doctest.DocTestFinder().find(importlib.import_module(name))
    )
    assert examples > 100


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
