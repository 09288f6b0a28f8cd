"""Code that serves one chapter each: ``llmonkeys.studies.<chapter>``.

Not re-exported by :mod:`llmonkeys`: a chapter names its study module in
its setup cell (``study = lm.studies.forecasting``; the module loads on
first use). Each module's docstring names the chapter it is defined for.
Code that two chapters need belongs in the core modules instead.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: The study modules, one per chapter that needs one.
__all__ = [
    "forecasting",
    "forecasting_bon",
    "forecasting_protocol",
    "infinite_resolution",
    "jailbreaking",
    "pythia_math",
]


def __getattr__(name: str) -> ModuleType:
    """Import a study module on first use (``lm.studies.forecasting``)."""
    if name in __all__:
        return importlib.import_module(f"llmonkeys.studies.{name}")
    raise AttributeError(f"module 'llmonkeys.studies' has no attribute {name!r}")
