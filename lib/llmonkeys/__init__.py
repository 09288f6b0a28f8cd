"""llmonkeys: the companion library of the book on large language monkeys.

Data flow from left to right; a module imports only from modules to its
left (``constants`` and ``report``, which formats tables, import none):

``datasets`` (fetch, verify, tidy counts) -> ``estimators`` (pass@k,
curves, power-law regressions) -> ``distributions`` (laws of success
probabilities and their exact curves) -> ``simulation`` ->
``asymptotics`` (when the power law shows) -> ``fits`` (likelihood fits
of laws to counts) -> ``exponents`` (exponent estimators, bootstrap) ->
``checks`` (is it a power law? does the fit track the data?) ->
``forecast`` (extrapolation) -> ``sweeps`` (seeded, parallel, cached
runs) -> ``plotting`` (figures).
``constants`` holds the seed and the numbers quoted from the papers;
``llmonkeys.studies.<chapter>`` holds code that serves one chapter.

The top level re-exports the ``__all__`` of the modules in
:data:`_REEXPORTED` (the everyday API), less the names a module keeps in
its ``_MODULE_ONLY`` (result types and lower-level helpers, reached as
``lm.fits.DistributionFit``); every module is also an attribute
(``lm.checks.power_law_checklist``, ``lm.passuntil.pass_until_estimate``).
Modules are imported on first use, so that worker processes and
command-line tools start fast and matplotlib is loaded only for figures.
Adding a module is a one-line change to :data:`_REEXPORTED` or
:data:`_SUBMODULES`.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Modules whose ``__all__`` is re-exported at the top level.
_REEXPORTED: tuple[str, ...] = (
    "constants",
    "estimators",
    "distributions",
    "fits",
    "exponents",
)
#: Modules reached as attributes only (``lm.forecast.forecast_all``).
_SUBMODULES: tuple[str, ...] = (
    "datasets",
    "readers",
    "passuntil",
    "cli",
    "simulation",
    "asymptotics",
    "checks",
    "forecast",
    "forecast_intervals",
    "allocation",
    "binned_likelihood",
    "zero_inflated",
    "power",
    "sweeps",
    "report",
    "plotting",
    "studies",
)
#: Single names re-exported from a module that is otherwise reached as an
#: attribute (the style call of every chapter's setup cell).
_EXTRA: dict[str, str] = {"set_style": "plotting"}


def _owners() -> dict[str, str]:
    owners: dict[str, str] = {}
    for module in _REEXPORTED:
        mod = importlib.import_module(f"llmonkeys.{module}")
        module_only = set(getattr(mod, "_MODULE_ONLY", ()))
        if not module_only <= set(mod.__all__):
            raise ImportError(
                f"llmonkeys.{module}._MODULE_ONLY names "
                f"{sorted(module_only - set(mod.__all__))}, not in its __all__"
            )
        for name in mod.__all__:
            if name in module_only:
                continue
            if name in owners:
                raise ImportError(
                    f"llmonkeys.{name} is exported by both {owners[name]} and "
                    f"{module}: one name per concept"
                )
            owners[name] = module
    owners.update(_EXTRA)
    return owners


_OWNER = _owners()

__all__ = sorted([*_OWNER, *_SUBMODULES, *_REEXPORTED])


def __getattr__(name: str) -> Any:
    """Import a module or the module owning a public name on first use."""
    if name in _SUBMODULES or name in _REEXPORTED:
        return importlib.import_module(f"llmonkeys.{name}")
    if name in _OWNER:
        value = getattr(importlib.import_module(f"llmonkeys.{_OWNER[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'llmonkeys' has no attribute {name!r}")


def __dir__() -> list[str]:
    """List the public names, including those not imported yet."""
    return list(__all__)
