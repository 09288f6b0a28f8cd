"""llmonkeys: the companion library of the book on large language monkeys.

Modules, in the direction data flows: :mod:`~llmonkeys.datasets` (fetch,
verify, tidy), :mod:`~llmonkeys.estimators` (pass@k, curves, power-law
fits), :mod:`~llmonkeys.distributions` (laws of success probabilities and
their exact curves), :mod:`~llmonkeys.simulation`,
:mod:`~llmonkeys.asymptotics` (when the power law shows),
:mod:`~llmonkeys.fits` (likelihood fits), :mod:`~llmonkeys.analysis` and
:mod:`~llmonkeys.diagnostics` (per-model tables and checks),
:mod:`~llmonkeys.forecast` and :mod:`~llmonkeys.experiments` (forecasts and
their sweeps), :mod:`~llmonkeys.plotting` (figures).

The public names of each module are re-exported here, except that
:mod:`~llmonkeys.plotting` (and with it matplotlib and seaborn) is imported
only when one of its names is first used, so that worker processes and
command-line tools start fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from llmonkeys import (
    analysis,
    asymptotics,
    cli,
    datasets,
    diagnostics,
    distributions,
    estimators,
    fits,
    forecast,
    paper,
    readers,
    simulation,
)
from llmonkeys.analysis import (
    FIT_FAMILIES,
    Fit,
    TrendFit,
    bootstrap_exponents,
    curve_exponents,
    exponent_summary,
    exponent_trends,
    fit_families_by_model,
    fit_logpmf,
    fit_pdf,
    fit_trend,
    fitted_curves,
    fitted_densities,
    method_differences,
    poisson_binomial_pmf,
    sample_fit,
    zero_count_check,
)
from llmonkeys.asymptotics import (
    CrossoverResult,
    asymptotic_onset_k,
    finite_sample_crossover,
    finite_sample_noise,
    local_exponent,
    log_term_onset_k,
    power_law_window,
    predicted_crossover_k,
    scaled_beta_onset_table,
)
from llmonkeys.diagnostics import (
    BON_BATCH_SIZE,
    BON_MAX_ATTEMPTS,
    CHECKLIST_THRESHOLDS,
    EarlyStoppingStudy,
    ZeroCountCheck,
    bootstrap_stopped_exponents,
    curve_discrepancy,
    decade_slopes,
    early_stopping_study,
    first_success_curve,
    first_success_times,
    log_parameter_covariance,
    power_law_checklist,
    slope_growth,
    slope_growth_table,
    slope_ratio,
    zero_count_table,
)
from llmonkeys.distributions import (
    BetaLogTail,
    LogCorrectedAsymptote,
    PointMass,
    PowerLawAsymptote,
    ScaledBeta,
    ScaledKumaraswamy,
    SuccessDistribution,
    UniformInterval,
    ZeroInflated,
    log_beta_integral,
    scaled_beta_binomial_logpmf,
    scaled_kumaraswamy_binomial_logpmf,
)
from llmonkeys.estimators import (
    PowerLawFit,
    curves_by_model,
    fit_power_law,
    fit_power_laws_by_model,
    local_log_slope,
    log_fail_ratio,
    mean_pass_and_neg_log,
    naive_pass_at_k,
    neg_log_pass_at_k,
    pass_at_k,
    pass_at_k_curve,
)
from llmonkeys.fits import (
    FAMILIES,
    METHODS,
    BootstrapResult,
    DistributionFit,
    ExponentEstimate,
    MixtureFit,
    bootstrap_exponent,
    default_k_grid,
    estimate_exponent,
    fit_beta_binomial_mixture,
    fit_scaled_beta_binomial,
    fit_scaled_kumaraswamy_binomial,
    paper_scale,
)
from llmonkeys.forecast import (
    FORECAST_METHODS,
    TAIL_FRACTION,
    Forecasts,
    fit_tail_prior,
    forecast_all,
    forecast_neg_log_pass_at_k,
    posterior_failure_rate,
    subsample_counts,
    tail_cutoff,
)
from llmonkeys.simulation import (
    SimulatedBenchmark,
    as_generator,
    draw_counts,
    finite_neg_log_pass_at_k,
    simulate_benchmark,
    simulate_early_stopping,
)

#: Seed of every chapter's random generator.
SEED = 20250226

_PLOTTING_NAMES = frozenset(
    [
        "model_palette",
        "plot_curves_against_truth",
        "plot_decade_slopes",
        "plot_error_bands",
        "plot_exponent_trend",
        "plot_exponents",
        "plot_failure_curves",
        "plot_finite_n_grid",
        "plot_fitted_curves",
        "plot_forecast_curves",
        "plot_local_exponents",
        "plot_onset_heatmap",
        "plot_power_law_curves",
        "plot_simulation_grid",
        "plot_success_histograms",
        "plot_tail_curves",
        "set_style",
    ]
)
_LAZY_MODULES = frozenset(["plotting", "experiments"])


def __getattr__(name: str) -> Any:
    """Import :mod:`~llmonkeys.plotting` and :mod:`~llmonkeys.experiments` lazily."""
    if name in _LAZY_MODULES:
        return importlib.import_module(f"llmonkeys.{name}")
    if name in _PLOTTING_NAMES:
        return getattr(importlib.import_module("llmonkeys.plotting"), name)
    raise AttributeError(f"module 'llmonkeys' has no attribute {name!r}")


def __dir__() -> list[str]:
    """List public names, including the lazily imported ones."""
    return sorted(__all__)


__all__ = [
    "SEED",
    "cli",
    "readers",
    "datasets",
    "paper",
    "experiments",
    "plotting",
    "estimators",
    "pass_at_k",
    "log_fail_ratio",
    "pass_at_k_curve",
    "mean_pass_and_neg_log",
    "neg_log_pass_at_k",
    "naive_pass_at_k",
    "PowerLawFit",
    "fit_power_law",
    "local_log_slope",
    "curves_by_model",
    "fit_power_laws_by_model",
    "distributions",
    "log_beta_integral",
    "scaled_beta_binomial_logpmf",
    "scaled_kumaraswamy_binomial_logpmf",
    "PowerLawAsymptote",
    "LogCorrectedAsymptote",
    "SuccessDistribution",
    "ScaledBeta",
    "ScaledKumaraswamy",
    "UniformInterval",
    "PointMass",
    "BetaLogTail",
    "ZeroInflated",
    "simulation",
    "as_generator",
    "SimulatedBenchmark",
    "draw_counts",
    "simulate_benchmark",
    "finite_neg_log_pass_at_k",
    "simulate_early_stopping",
    "asymptotics",
    "local_exponent",
    "asymptotic_onset_k",
    "log_term_onset_k",
    "scaled_beta_onset_table",
    "predicted_crossover_k",
    "CrossoverResult",
    "finite_sample_crossover",
    "finite_sample_noise",
    "power_law_window",
    "fits",
    "DistributionFit",
    "MixtureFit",
    "ExponentEstimate",
    "BootstrapResult",
    "FAMILIES",
    "METHODS",
    "paper_scale",
    "default_k_grid",
    "fit_scaled_beta_binomial",
    "fit_scaled_kumaraswamy_binomial",
    "fit_beta_binomial_mixture",
    "estimate_exponent",
    "bootstrap_exponent",
    "analysis",
    "FIT_FAMILIES",
    "Fit",
    "fit_families_by_model",
    "fit_logpmf",
    "fit_pdf",
    "sample_fit",
    "fitted_curves",
    "fitted_densities",
    "curve_exponents",
    "poisson_binomial_pmf",
    "zero_count_check",
    "bootstrap_exponents",
    "method_differences",
    "exponent_summary",
    "TrendFit",
    "fit_trend",
    "exponent_trends",
    "forecast",
    "FORECAST_METHODS",
    "TAIL_FRACTION",
    "Forecasts",
    "subsample_counts",
    "tail_cutoff",
    "fit_tail_prior",
    "posterior_failure_rate",
    "forecast_all",
    "forecast_neg_log_pass_at_k",
    "diagnostics",
    "BON_BATCH_SIZE",
    "BON_MAX_ATTEMPTS",
    "first_success_times",
    "first_success_curve",
    "decade_slopes",
    "slope_ratio",
    "curve_discrepancy",
    "slope_growth",
    "slope_growth_table",
    "log_parameter_covariance",
    "ZeroCountCheck",
    "zero_count_table",
    "bootstrap_stopped_exponents",
    "CHECKLIST_THRESHOLDS",
    "power_law_checklist",
    "EarlyStoppingStudy",
    "early_stopping_study",
    "model_palette",
    "plot_curves_against_truth",
    "plot_decade_slopes",
    "plot_error_bands",
    "plot_exponent_trend",
    "plot_exponents",
    "plot_failure_curves",
    "plot_finite_n_grid",
    "plot_fitted_curves",
    "plot_forecast_curves",
    "plot_local_exponents",
    "plot_onset_heatmap",
    "plot_power_law_curves",
    "plot_simulation_grid",
    "plot_success_histograms",
    "plot_tail_curves",
    "set_style",
]
