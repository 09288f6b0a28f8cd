"""llmonkeys: the companion library of the book on large language monkeys.

Modules, in the direction data flows: :mod:`~llmonkeys.datasets`,
:mod:`~llmonkeys.estimators`, :mod:`~llmonkeys.distributions`,
:mod:`~llmonkeys.simulation`, :mod:`~llmonkeys.fits`,
:mod:`~llmonkeys.forecast`, :mod:`~llmonkeys.plotting`.
"""

from llmonkeys import datasets, paper
from llmonkeys.estimators import (
    PowerLawFit,
    curves_by_model,
    fit_power_law,
    fit_power_laws_by_model,
    local_log_slope,
    log_fail_ratio,
    naive_pass_at_k,
    neg_log_pass_at_k,
    pass_at_k,
    pass_at_k_curve,
)
from llmonkeys.plotting import (
    model_palette,
    plot_exponents,
    plot_failure_curves,
    plot_power_law_curves,
    set_style,
)

#: Seed of every chapter's random generator.
SEED = 20250226

__all__ = [
    "SEED",
    "datasets",
    "paper",
    "PowerLawFit",
    "curves_by_model",
    "fit_power_laws_by_model",
    "fit_power_law",
    "local_log_slope",
    "log_fail_ratio",
    "naive_pass_at_k",
    "neg_log_pass_at_k",
    "pass_at_k",
    "pass_at_k_curve",
    "model_palette",
    "plot_exponents",
    "plot_failure_curves",
    "plot_power_law_curves",
    "set_style",
]
