r"""Checks to run before trusting a power-law exponent.

* Is the curve a power law at all? The local log-log slope of the data
  curve by decade (:func:`decade_slopes`, :func:`slope_ratio`) and its
  growth between two ranges of ``k`` (:func:`slope_growth`), against what
  the fitted law predicts under the sampling design
  (:func:`slope_growth_table`).
* Does the fitted law track the data? The largest factor between the
  two curves (:func:`curve_discrepancy`) and a predictive check of the
  number of never-solved problems (:func:`zero_count_check`; with
  ``max_attempts`` it respects an early-stopping rule).
* :func:`power_law_checklist` runs them all for every model, with every
  threshold and range as a parameter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from llmonkeys._tidy import (
    check_tidy_counts,
    groups_by_model,
    in_model_order,
    ordered_categories,
    sorted_attempts,
)
from llmonkeys._validation import (
    as_count_array,
    as_float_array,
    as_generator,
    check_confidence,
    check_counts,
    check_int,
)
from llmonkeys.constants import BON_BATCH_SIZE, BON_MAX_ATTEMPTS
from llmonkeys.estimators import fit_power_law, pass_at_k, row_log_slopes
from llmonkeys.fits import (
    DistributionFit,
    Fit,
    check_distribution_fit,
    check_fits,
    family_logpmf,
    log_parameter_covariance,
)
from llmonkeys.simulation import draw_counts, simulate_early_stopping

__all__ = [
    "poisson_binomial_pmf",
    "zero_count_check",
    "CHECKLIST_THRESHOLDS",
    "decade_slopes",
    "slope_ratio",
    "curve_discrepancy",
    "slope_growth",
    "slope_growth_table",
    "GROWTH_LOW",
    "GROWTH_HIGH",
    "power_law_checklist",
    "final_batches",
    "ExchangeabilityTest",
    "exchangeability_test",
    "simulate_final_batches",
]


def poisson_binomial_pmf(q: ArrayLike) -> NDArray[np.float64]:
    r"""Distribution of the number of successes of independent Bernoullis.

    Parameters
    ----------
    q : array_like, shape (P,)
        Success probabilities of ``P >= 1`` independent events, in
        ``[0, 1]``.

    Returns
    -------
    numpy.ndarray, shape (P + 1,)
        :math:`P(T = t)`, :math:`t = 0, \dots, P`, for
        :math:`T = \sum_i B_i`, :math:`B_i \sim \mathrm{Bernoulli}(q_i)`.

    Raises
    ------
    ValueError
        If ``q`` is empty, not 1-D, or outside ``[0, 1]``.

    Notes
    -----
    The probability generating function
    :math:`\prod_i (1 - q_i + q_i z)` is evaluated at the ``P + 1``
    roots of unity :math:`z_l = e^{2\pi i l/(P+1)}` (products as sums of
    complex logarithms) and inverted by a discrete Fourier transform,

    .. math::

        P(T = t) = \frac{1}{P+1} \sum_{l=0}^{P} z_l^{-t}
        \prod_i (1 - q_i + q_i z_l),

    which is exact up to rounding (absolute error about
    :math:`10^{-16} P`); tiny negative values are set to 0.

    Examples
    --------
    >>> poisson_binomial_pmf([0.5, 0.5]).round(12).tolist()
    [0.25, 0.5, 0.25]
    """
    q_arr = as_float_array(q, "q")
    if q_arr.ndim != 1 or q_arr.size == 0:
        raise ValueError(f"q must be a non-empty 1-D array; got shape {q_arr.shape}")
    if np.any((q_arr < 0) | (q_arr > 1)):
        raise ValueError("q must lie in [0, 1]")
    m = q_arr.size + 1
    z = np.exp(2j * np.pi * np.arange(m) / m)
    log_terms = np.log((1.0 - q_arr)[None, :] + q_arr[None, :] * z[:, None]
                       + 0j)
    pgf = np.exp(log_terms.sum(axis=1))
    pmf = np.fft.fft(pgf).real / m
    pmf = np.clip(pmf, 0.0, None)
    return pmf / pmf.sum()


def zero_count_check(
    counts: pd.DataFrame,
    fits: Mapping[tuple[str, str], Fit],
    *,
    seed: int | np.random.Generator,
    max_attempts: int | None = None,
    n_sim: int = 2000,
    n_draws: int = 1000,
    confidence: float = 0.95,
) -> pd.DataFrame:
    r"""Predictive check of the number of problems never solved.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts (columns ``model``, ``n``, ``c``).
    fits : mapping
        ``(model, family)`` to fit, as from
        :func:`~llmonkeys.fits.fit_families_by_model`.
    seed : int or numpy.random.Generator
        Seed or generator of the simulations (or parameter draws).
    max_attempts : int, optional
        ``None`` (default): the numbers of attempts were fixed in advance;
        the check conditions on the observed ``n_i`` and plugs in the
        fit (every fit, mixtures included). An int: sampling stopped
        early, but only after a success, and never went beyond
        ``max_attempts``; the check is the stopping-aware posterior
        predictive check below (scaled Beta and Kumaraswamy fits only;
        mixtures are skipped).
    n_sim : int, default 2000
        Replicate benchmarks per fit (fixed design).
    n_draws : int, default 1000
        Draws of the parameters from their approximate posterior
        (stopping-aware check).
    confidence : float, default 0.95
        Coverage of the predictive interval, in ``(0, 1)``.

    Returns
    -------
    pandas.DataFrame
        One row per fit: ``model``, ``family``, ``observed``,
        ``expected``, ``low`` and ``high`` (central predictive interval)
        and ``p_value`` (two-sided: twice the smaller tail, at most 1).
        The fixed-design check adds ``sim_mean`` and ``p_value_exact``
        (from the exact law; ``p_value`` is from the simulations); the
        stopping-aware check adds ``plug_in_p_value`` (at the
        maximum-likelihood fit, ignoring its uncertainty).

    Raises
    ------
    ValueError
        On invalid counts or fits, a fit whose model is not in
        ``counts``, ``n_sim < 1``, ``n_draws < 1``, ``confidence``
        outside ``(0, 1)``; with ``max_attempts``, ``n > max_attempts``
        or a problem with ``c = 0`` that stopped before it.

    Notes
    -----
    *Fixed design.* Given the fitted law :math:`F`, problem :math:`i` is
    unsolved with probability :math:`q_i = \mathbb{E}_F[(1-p)^{n_i}]`,
    independently of the others, so the count of unsolved problems is
    Poisson-binomial with parameters :math:`q_i`;
    :func:`poisson_binomial_pmf` gives its exact law, and ``n_sim``
    replicate benchmarks (fresh :math:`p_i`, then
    :math:`c_i \sim \mathrm{Binomial}(n_i, p_i)`) its simulated one.

    *Early stopping.* Whatever the stopping rule, a problem ends with
    ``c = 0`` exactly when its first ``max_attempts`` attempts all fail,
    with probability :math:`q = \mathbb{E}_F[(1-p)^{N}]`, :math:`N` =
    ``max_attempts``, so the count is :math:`\mathrm{Binomial}(P, q)`.
    Conditioning on the observed :math:`n_i` would be wrong here: a
    problem that stopped early cannot have ``c = 0``. Parameter
    uncertainty is propagated by drawing :math:`(\log\alpha, \log\beta)`
    from the normal approximation of
    :func:`~llmonkeys.fits.log_parameter_covariance` (a flat prior; the
    scale fixed), so the predictive law is a mixture of binomials,
    evaluated exactly.
    """
    counts = check_tidy_counts(counts)
    fits = check_fits(fits)
    conf = check_confidence(confidence)
    if max_attempts is None:
        return _fixed_zero_counts(counts, fits, check_int(n_sim, "n_sim"),
                                  as_generator(seed, "seed"), conf)
    return _stopped_zero_counts(counts, fits, max_attempts,
                                as_generator(seed, "seed"),
                                check_int(n_draws, "n_draws"), conf)


def _fixed_zero_counts(
    counts: pd.DataFrame,
    fits: Mapping[tuple[str, str], Fit],
    n_sim: int,
    rng: np.random.Generator,
    conf: float,
) -> pd.DataFrame:
    """Zero-count check of a fixed design (see :func:`zero_count_check`)."""
    groups = {model: (n, c) for model, n, c in groups_by_model(counts)}
    tail = (1.0 - conf) / 2.0
    rows = []
    for (model, family), fit in fits.items():
        if model not in groups:
            raise ValueError(f"fit for model {model!r} but no such model in counts")
        n, c = groups[model]
        observed = int(np.sum(c == 0))
        q = fit.distribution.failure_rate(n.astype(np.float64))
        p = fit.distribution.sample((n_sim, n.size), rng)
        zeros = (draw_counts(p, n[None, :], rng) == 0).sum(axis=1)
        pmf = poisson_binomial_pmf(np.clip(q, 0.0, 1.0))
        lower_exact = float(pmf[: observed + 1].sum())
        upper_exact = float(pmf[observed:].sum())
        lo, hi = np.quantile(zeros, [tail, 1.0 - tail])
        rows.append({
            "model": model,
            "family": family,
            "observed": observed,
            "expected": float(q.sum()),
            "sim_mean": float(zeros.mean()),
            "low": float(lo),
            "high": float(hi),
            "p_value": min(1.0, 2.0 * min(float(np.mean(zeros <= observed)),
                                          float(np.mean(zeros >= observed)))),
            "p_value_exact": min(1.0, 2.0 * min(lower_exact, upper_exact)),
        })
    table = in_model_order(pd.DataFrame(rows), counts)
    return ordered_categories(table, "model", "family")


#: Default ranges of ``k`` of :func:`slope_growth`: the first and third
#: decades of budgets.
GROWTH_LOW: tuple[float, float] = (1.0, 10.0)
GROWTH_HIGH: tuple[float, float] = (100.0, 1000.0)

#: Default thresholds of :func:`power_law_checklist`.
CHECKLIST_THRESHOLDS: dict[str, float] = {
    "slope_ratio": 2.0,
    "curve_factor": 3.0,
    "p_value": 0.05,
}


def decade_slopes(
    k: ArrayLike, y: ArrayLike, *, min_points: int = 3
) -> pd.DataFrame:
    r"""Least-squares log-log slope of a curve in each decade of ``k``.

    Parameters
    ----------
    k : array_like, shape (K,)
        Positive budgets.
    y : array_like, shape (K,)
        Curve values, e.g. :math:`-\log \mathrm{pass}_D@k`; points with
        ``y <= 0`` or non-finite ``y`` are left out.
    min_points : int, default 3
        Decades with fewer usable points are skipped.

    Returns
    -------
    pandas.DataFrame
        One row per decade ``[10^j, 10^(j+1)]`` (both ends included):
        ``k_low``, ``k_high``, ``slope`` (the exponent :math:`b` of
        :math:`a k^{-b}` fitted in that decade) and ``n_points``.

    Raises
    ------
    ValueError
        If shapes differ or ``k <= 0``.

    Notes
    -----
    For a power law every decade has the same slope. A slope that rises
    decade after decade means the curve bends down (towards an
    exponential, or towards 0 when every problem gets solved); one that
    falls means it levels off.

    Examples
    --------
    >>> k = np.geomspace(1, 1000, 31)
    >>> decade_slopes(k, 2 * k**-0.4)["slope"].round(6).tolist()
    [0.4, 0.4, 0.4]
    """
    k_arr = as_float_array(k, "k")
    y_arr = np.asarray(y, dtype=np.float64)
    if k_arr.ndim != 1 or k_arr.shape != y_arr.shape:
        raise ValueError(
            f"k and y must be 1-D of equal length; got {k_arr.shape} and "
            f"{y_arr.shape}"
        )
    if np.any(k_arr <= 0):
        raise ValueError("k must be > 0")
    keep = np.isfinite(y_arr) & (y_arr > 0)
    kk, yy = k_arr[keep], y_arr[keep]
    rows = []
    if kk.size:
        lo_dec = math.floor(math.log10(kk.min()) + 1e-12)
        hi_dec = math.ceil(math.log10(kk.max()) - 1e-12)
        for j in range(lo_dec, max(hi_dec, lo_dec + 1)):
            lo, hi = 10.0**j, 10.0 ** (j + 1)
            sel = (kk >= lo * (1 - 1e-12)) & (kk <= hi * (1 + 1e-12))
            if np.unique(kk[sel]).size >= max(int(min_points), 2):
                fit = fit_power_law(kk[sel], yy[sel])
                rows.append({"k_low": lo, "k_high": hi, "slope": fit.exponent,
                             "n_points": int(sel.sum())})
    return pd.DataFrame(rows, columns=["k_low", "k_high", "slope", "n_points"])


def slope_ratio(k: ArrayLike, y: ArrayLike) -> float:
    r"""Largest over smallest decade slope of a curve (1 for a power law).

    Parameters
    ----------
    k, y : array_like, shape (K,)
        Budgets and curve values, as in :func:`decade_slopes`.

    Returns
    -------
    float
        ``max / min`` of :func:`decade_slopes`; ``inf`` if a slope is
        not positive.

    Raises
    ------
    ValueError
        If fewer than two decades have enough points.

    Examples
    --------
    >>> k = np.geomspace(1, 1000, 31)
    >>> round(slope_ratio(k, k**-0.3), 6)
    1.0
    """
    slopes = decade_slopes(k, y)["slope"].to_numpy()
    if slopes.size < 2:
        raise ValueError(
            "need at least two decades of k with three or more positive points"
        )
    if slopes.min() <= 0:
        return math.inf
    return float(slopes.max() / slopes.min())


def curve_discrepancy(
    k: ArrayLike, y_data: ArrayLike, y_fit: ArrayLike
) -> tuple[float, float]:
    r"""Largest factor between a fitted curve and the data curve.

    Parameters
    ----------
    k : array_like, shape (K,)
        Budgets.
    y_data : array_like, shape (K,)
        Data curve; budgets where it is not positive and finite (e.g.
        :math:`-\log \mathrm{pass}_D@k = 0` once every problem is solved)
        are left out, as in the least-squares fit.
    y_fit : array_like, shape (K,)
        Fitted curve at the same budgets, positive.

    Returns
    -------
    factor : float
        :math:`\max_k \exp|\log(y_\mathrm{fit} / y_\mathrm{data})|`, at
        least 1.
    k_worst : float
        The budget where it is attained.

    Raises
    ------
    ValueError
        If shapes differ, no budget is usable, or ``y_fit`` is not
        positive where ``y_data`` is.

    Examples
    --------
    >>> curve_discrepancy([1, 10, 100], [1.0, 0.5, 0.0], [2.0, 0.5, 0.1])
    (2.0, 1.0)
    """
    k_arr = as_float_array(k, "k")
    yd = np.asarray(y_data, dtype=np.float64)
    yf = np.asarray(y_fit, dtype=np.float64)
    if not (k_arr.ndim == 1 and k_arr.shape == yd.shape == yf.shape):
        raise ValueError(
            "k, y_data and y_fit must be 1-D of equal length; got "
            f"{k_arr.shape}, {yd.shape}, {yf.shape}"
        )
    keep = np.isfinite(yd) & (yd > 0)
    if not keep.any():
        raise ValueError("y_data is positive and finite at no budget")
    if np.any(~np.isfinite(yf[keep]) | (yf[keep] <= 0)):
        raise ValueError("y_fit must be positive and finite where y_data is")
    gap = np.abs(np.log(yf[keep] / yd[keep]))
    i = int(np.argmax(gap))
    return float(np.exp(gap[i])), float(k_arr[keep][i])




def slope_growth(
    k: ArrayLike,
    y: ArrayLike,
    *,
    low: tuple[float, float] = GROWTH_LOW,
    high: tuple[float, float] = GROWTH_HIGH,
) -> NDArray[np.float64] | float:
    r"""Growth of the log-log slope between two ranges of ``k``.

    Parameters
    ----------
    k : array_like, shape (K,)
        Positive budgets.
    y : array_like, shape (K,) or (B, K)
        One curve or ``B`` curves (rows); non-positive values are left
        out of the fits.
    low, high : tuple of float
        Inclusive ``k`` ranges of the two least-squares fits.

    Returns
    -------
    float or numpy.ndarray, shape (B,)
        Exponent fitted over ``high`` divided by the exponent over
        ``low``: 1 for a power law, above 1 for a curve that bends down,
        below 1 for one that levels off. NaN where a range has fewer than
        two usable points.

    Raises
    ------
    ValueError
        If shapes disagree, ``k <= 0``, or a range holds fewer than two
        budgets.

    Notes
    -----
    The default ranges are the first and third decades of budgets, where
    every prompt of a benchmark like Best-of-N jailbreaking still
    contributes; the fourth decade rests on the few prompts left unsolved
    and is too noisy to compare.

    Examples
    --------
    >>> k = np.geomspace(1, 1000, 31)
    >>> round(float(slope_growth(k, 3 * k**-0.4)), 6)
    1.0
    """
    k_arr = as_float_array(k, "k")
    y_arr = np.asarray(y, dtype=np.float64)
    one = y_arr.ndim == 1
    y2 = np.atleast_2d(y_arr)
    if k_arr.ndim != 1 or y2.ndim != 2 or y2.shape[1] != k_arr.size:
        raise ValueError(
            f"y must have shape (K,) or (B, K) with K = {k_arr.size}; got "
            f"{y_arr.shape}"
        )
    if np.any(k_arr <= 0):
        raise ValueError("k must be > 0")
    out = []
    for lo, hi in (low, high):
        sel = (k_arr >= lo) & (k_arr <= hi)
        if np.unique(k_arr[sel]).size < 2:
            raise ValueError(f"the range [{lo}, {hi}] holds fewer than two budgets")
        out.append(-row_log_slopes(np.log(k_arr[sel]), y2[:, sel]))
    with np.errstate(all="ignore"):
        ratio = out[1] / out[0]
    return float(ratio[0]) if one else ratio


def _model_curves(counts: pd.DataFrame, curves: pd.DataFrame):
    """Yield ``(model, counts of the model, k, y)`` in model order."""
    for model, sub in counts.groupby("model", observed=True, sort=True):
        name = str(model)
        cur = curves[curves["model"].astype(str) == name]
        if cur.empty:
            raise ValueError(f"no curve for model {name!r}")
        yield (name, sub, cur["k"].to_numpy(np.int64),
               cur["y"].to_numpy(np.float64))


def _growth_check(
    fit: object,
    n_problems: int,
    k: NDArray[np.int64],
    y: NDArray[np.float64],
    gen: np.random.Generator,
    sims: int,
    batch_size: int,
    max_attempts: int,
    low: tuple[float, float],
    high: tuple[float, float],
) -> dict[str, float]:
    observed = slope_growth(k, y, low=low, high=high)
    # Only the budgets of the two ranges enter the statistic.
    k = k[((k >= low[0]) & (k <= low[1])) | ((k >= high[0]) & (k <= high[1]))]
    p = fit.distribution.sample((sims, n_problems), gen).ravel()
    n, c, _ = simulate_early_stopping(p, batch_size, max_attempts, gen)
    grid = pass_at_k(n[:, None], c[:, None], k[None, :], k_above_n="success-seen")
    with np.errstate(divide="ignore"):
        y_sim = -np.log(grid.reshape(sims, n_problems, k.size).mean(axis=1))
    growth = slope_growth(k, y_sim, low=low, high=high)
    growth = growth[np.isfinite(growth)]
    lo, med, hi = np.quantile(growth, [0.025, 0.5, 0.975])
    return {
        "observed": observed, "median": float(med), "low": float(lo),
        "high": float(hi),
        "p_value": min(1.0, 2.0 * min(float(np.mean(growth >= observed)),
                                      float(np.mean(growth <= observed)))),
    }


def slope_growth_table(
    counts: pd.DataFrame,
    curves: pd.DataFrame,
    fits: Mapping[str, DistributionFit],
    rng: np.random.Generator | int,
    *,
    n_sim: int = 200,
    batch_size: int = BON_BATCH_SIZE,
    max_attempts: int = BON_MAX_ATTEMPTS,
    low: tuple[float, float] = GROWTH_LOW,
    high: tuple[float, float] = GROWTH_HIGH,
) -> pd.DataFrame:
    r"""Predictive check of the slope growth under the sampling design.

    For every model, simulates ``n_sim`` benchmarks of the same number of
    problems from its fitted law, samples them in batches with early
    stopping as the data were, and compares the observed
    :func:`slope_growth` of the data curve with its predictive
    distribution.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with columns ``model``, ``n``, ``c``.
    curves : pandas.DataFrame
        Data curves with columns ``model``, ``k``, ``y`` (from
        :func:`llmonkeys.estimators.curves_by_model` with the
        success-seen rule).
    fits : mapping of str to DistributionFit or MixtureFit
        The fitted law of each model.
    rng : numpy.random.Generator or int
        Generator or seed.
    n_sim : int, default 200
        Simulated benchmarks per model.
    batch_size, max_attempts : int
        The design (see
        :func:`llmonkeys.simulation.simulate_early_stopping`).
    low, high : tuple of float
        Ranges of :func:`slope_growth`.

    Returns
    -------
    pandas.DataFrame
        One row per model: ``observed``, ``median``, ``low`` and ``high``
        (central 95% of the simulated growths) and ``p_value``
        (two-sided: twice the smaller tail, at most 1).

    Raises
    ------
    ValueError
        If a model lacks a fit or a curve, or ``n_sim < 1``.

    Notes
    -----
    The fitted law is plugged in (not refitted to each simulated
    benchmark), so the predictive spread is, if anything, too wide and
    the check errs towards passing. Each simulated curve is the
    combinatorial estimator with the success-seen rule, computed exactly
    as for the data, so the bias the stopping rule puts into the curve
    is part of the prediction.
    """
    sims = int(as_count_array(n_sim, "n_sim", minimum=1))
    gen = as_generator(rng)
    rows = []
    for name, sub, k, y in _model_curves(counts, curves):
        if name not in fits:
            raise ValueError(f"no fit for model {name!r}")
        rows.append({"model": name, **_growth_check(
            fits[name], len(sub), k, y, gen, sims, batch_size, max_attempts,
            low, high)})
    table = pd.DataFrame(rows)
    in_model_order(table, counts)
    return table


@dataclass(frozen=True)
class _StoppedZeroCount:
    r"""Predictive check of the number of problems never solved.

    Attributes
    ----------
    observed : int
        Problems with ``c = 0``.
    expected : float
        Their expected number at the maximum-likelihood fit,
        :math:`P\,\mathbb{E}[(1-p)^{N}]` with :math:`N` = ``max_attempts``.
    low, high : float
        Central 95% interval of the posterior predictive distribution.
    p_value : float
        Two-sided posterior predictive p-value (twice the smaller tail,
        at most 1).
    plug_in_p_value : float
        The same from the binomial law at the maximum-likelihood fit
        (ignoring the fit's own uncertainty: smaller).
    pmf : numpy.ndarray
        Posterior predictive probabilities of ``0 .. P`` unsolved
        problems.
    """

    observed: int
    expected: float
    low: float
    high: float
    p_value: float
    plug_in_p_value: float
    pmf: NDArray[np.float64] = field(repr=False, compare=False)


def _two_sided(pmf: NDArray[np.float64], observed: int) -> float:
    return min(1.0, 2.0 * min(float(pmf[: observed + 1].sum()),
                              float(pmf[observed:].sum())))


def _stopped_zero_count(
    fit: DistributionFit,
    n: ArrayLike,
    c: ArrayLike,
    max_attempts: int,
    rng: np.random.Generator | int,
    *,
    n_draws: int = 1000,
    confidence: float = 0.95,
) -> _StoppedZeroCount:
    r"""Posterior predictive check of the count of never-solved problems.

    Parameters
    ----------
    fit : DistributionFit
        Scaled Beta or scaled Kumaraswamy fit to ``n``, ``c``.
    n, c : array_like of int, shape (P,)
        Counts. Sampling may have stopped early, but only after a
        success: every problem with ``c = 0`` must have
        ``n = max_attempts``.
    max_attempts : int
        The cap on attempts (for a fixed design, the common ``n``).
    rng : numpy.random.Generator or int
        Generator or seed for the parameter draws.
    n_draws : int, default 1000
        Draws of the parameters from their approximate posterior.

    Returns
    -------
    _StoppedZeroCount
        Observed and expected counts, predictive interval and p-values.

    Raises
    ------
    ValueError
        If ``fit`` is not a :class:`~llmonkeys.fits.DistributionFit`, on
        invalid counts, ``n > max_attempts``, or a problem with ``c = 0``
        that stopped before ``max_attempts``.

    Notes
    -----
    Whatever the stopping rule, a problem ends with ``c = 0`` exactly
    when its first ``max_attempts`` attempts all fail, which has
    probability :math:`q = \mathbb{E}_F[(1-p)^{N}]`, :math:`N` =
    ``max_attempts``; problems are independent, so the count is
    :math:`\mathrm{Binomial}(P, q)`. Conditioning on the observed
    :math:`n_i` instead (:math:`q_i = \mathbb{E}_F[(1-p)^{n_i}]`) would
    be wrong here: a problem that stopped early cannot have ``c = 0``.
    Parameter uncertainty is propagated by drawing
    :math:`(\log\alpha, \log\beta)` from the normal approximation of
    :func:`log_parameter_covariance` (a flat prior; the scale fixed), so
    the predictive law is a mixture of binomials, evaluated exactly.

    Examples
    --------
    >>> import llmonkeys.fits as fits
    >>> rng = np.random.default_rng(1)
    >>> c = rng.binomial(1000, rng.beta(0.3, 3.0, 200))
    >>> fit = fits.fit_scaled_beta_binomial(1000, c, scale=1.0)
    >>> chk = _stopped_zero_count(fit, 1000, c, 1000, rng=0)
    >>> bool(chk.low <= chk.observed <= chk.high)
    True
    """
    fit = check_distribution_fit(fit)
    n_arr, c_arr = check_counts(n, c)
    n_arr, c_arr = np.broadcast_arrays(n_arr, c_arr)
    cap = int(as_count_array(max_attempts, "max_attempts", minimum=1))
    if np.any(n_arr > cap):
        raise ValueError(f"n must be <= max_attempts = {cap}; got {n_arr.max()}")
    if np.any((c_arr == 0) & (n_arr < cap)):
        raise ValueError(
            "a problem with c = 0 stopped before max_attempts; the check "
            "assumes sampling stops early only after a success"
        )
    draws = int(as_count_array(n_draws, "n_draws", minimum=1))
    gen = as_generator(rng)
    p_count = int(n_arr.size)
    observed = int(np.sum(c_arr == 0))
    logpmf = family_logpmf(fit.family)
    q_hat = float(np.exp(logpmf(0, cap, fit.alpha, fit.beta, fit.scale)))
    cov = log_parameter_covariance(fit, n_arr, c_arr)
    theta = gen.multivariate_normal(np.log([fit.alpha, fit.beta]), cov, draws)
    with np.errstate(all="ignore"):
        q = np.exp(logpmf(0, cap, np.exp(theta[:, 0]), np.exp(theta[:, 1]),
                          fit.scale))
    q = np.clip(np.nan_to_num(q, nan=q_hat), 0.0, 1.0)
    support = np.arange(p_count + 1)
    pmf = stats.binom.pmf(support[None, :], p_count, q[:, None]).mean(axis=0)
    pmf = pmf / pmf.sum()
    cdf = np.cumsum(pmf)
    tail = (1.0 - confidence) / 2.0
    low = float(support[np.searchsorted(cdf, tail)])
    high = float(support[min(np.searchsorted(cdf, 1.0 - tail), p_count)])
    plug = stats.binom.pmf(support, p_count, q_hat)
    return _StoppedZeroCount(
        observed=observed,
        expected=p_count * q_hat,
        low=low,
        high=high,
        p_value=_two_sided(pmf, observed),
        plug_in_p_value=_two_sided(plug, observed),
        pmf=pmf,
    )




def _stopped_zero_counts(
    counts: pd.DataFrame,
    fits: Mapping[tuple[str, str], Fit],
    max_attempts: int,
    gen: np.random.Generator,
    n_draws: int,
    conf: float,
) -> pd.DataFrame:
    """Stopping-aware zero-count check (see :func:`zero_count_check`)."""
    rows = []
    for (model, family), fit in fits.items():
        if not isinstance(fit, DistributionFit):
            continue
        sub = counts[counts["model"].astype(str) == str(model)]
        if sub.empty:
            raise ValueError(f"fit for model {model!r} but no such model in counts")
        chk = _stopped_zero_count(fit, sub["n"].to_numpy(), sub["c"].to_numpy(),
                                  max_attempts, gen, n_draws=n_draws,
                                  confidence=conf)
        rows.append({"model": str(model), "family": family,
                     "observed": chk.observed, "expected": chk.expected,
                     "low": chk.low, "high": chk.high, "p_value": chk.p_value,
                     "plug_in_p_value": chk.plug_in_p_value})
    table = pd.DataFrame(rows)
    in_model_order(table, counts)
    return table


def power_law_checklist(
    counts: pd.DataFrame,
    curves: pd.DataFrame,
    fits: Mapping[str, DistributionFit],
    rng: np.random.Generator | int,
    *,
    batch_size: int = BON_BATCH_SIZE,
    max_attempts: int = BON_MAX_ATTEMPTS,
    n_sim: int = 200,
    thresholds: Mapping[str, float] | None = None,
    growth_low: tuple[float, float] = GROWTH_LOW,
    growth_high: tuple[float, float] = GROWTH_HIGH,
) -> pd.DataFrame:
    r"""Run four checks of a power-law fit on every model.

    1. *Straight data curve*: :func:`slope_ratio` of the data curve.
    2. *Fitted curve tracks the data*: :func:`curve_discrepancy` of the
       fitted law's exact curve.
    3. *Never-solved problems as predicted*: :func:`zero_count_check`.
    4. *Curvature as predicted*: the :func:`slope_growth` of the data
       curve against its predictive distribution under the fitted law and
       the sampling design (:func:`slope_growth_table`).

    The first check is about the data alone and guards the
    least-squares exponent; the other three compare the data with the
    fitted law and guard the distributional exponent and tail index.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with columns ``model``, ``n``, ``c``.
    curves : pandas.DataFrame
        Data curves with columns ``model``, ``k``, ``y``, as returned by
        :func:`llmonkeys.estimators.curves_by_model` (with the
        success-seen rule for early-stopped data).
    fits : mapping of str to DistributionFit
        The fitted law of each model.
    rng : numpy.random.Generator or int
        Generator or seed of the predictive simulations.
    batch_size, max_attempts : int
        The sampling design: batches of ``batch_size`` attempts until
        the batch with the first success, at most ``max_attempts``. For
        a fixed design of ``n`` attempts, ``batch_size = max_attempts =
        n``.
    n_sim : int, default 200
        Simulated benchmarks per model for check 4.
    thresholds : mapping, optional
        Overrides of :data:`CHECKLIST_THRESHOLDS`.
    growth_low, growth_high : tuple of float
        The two ranges of ``k`` of check 4 (:func:`slope_growth`).

    Returns
    -------
    pandas.DataFrame
        One row per model: ``slope_ratio``, ``slope_ok``;
        ``curve_factor``, ``k_worst``, ``curve_ok``; ``zero_observed``,
        ``zero_expected``, ``zero_low``, ``zero_high``, ``zero_p_value``,
        ``zero_ok``; ``growth_observed``, ``growth_low``,
        ``growth_high``, ``growth_p_value``, ``growth_ok``; and
        ``screen_ok`` (checks 1 to 3, which need no simulation) and
        ``passes`` (all four).

    Raises
    ------
    ValueError
        If a model lacks a curve or a fit, on an unknown threshold, or as
        the individual checks.

    Notes
    -----
    The defaults of :data:`CHECKLIST_THRESHOLDS`: the decade slopes of a
    curve that a power law describes agree within a factor of 2; the
    fitted curve stays within a factor of 3 of the data curve (more than
    the sampling noise of a curve set by a handful of unsolved problems);
    the predictive checks are not rejected at the 5% level. They are
    screens, not tests with a known error rate: run over many models,
    some will fail by chance.
    """
    limits = dict(CHECKLIST_THRESHOLDS)
    if thresholds is not None:
        unknown = set(thresholds) - set(limits)
        if unknown:
            raise ValueError(
                f"unknown thresholds {sorted(unknown)}; allowed: {sorted(limits)}"
            )
        limits.update({key: float(v) for key, v in thresholds.items()})
    sims = int(as_count_array(n_sim, "n_sim", minimum=1))
    gen = as_generator(rng)
    rows = []
    for name, sub, k, y in _model_curves(counts, curves):
        if name not in fits:
            raise ValueError(f"no fit for model {name!r}")
        fit = check_distribution_fit(fits[name])
        ratio = slope_ratio(k, y)
        factor, k_worst = curve_discrepancy(
            k, y, fit.distribution.neg_log_pass_at_k(k))
        zero = _stopped_zero_count(fit, sub["n"].to_numpy(), sub["c"].to_numpy(),
                                   max_attempts, gen)
        growth = _growth_check(fit, len(sub), k, y, gen, sims, batch_size,
                               max_attempts, growth_low, growth_high)
        row = {
            "model": name,
            "slope_ratio": ratio,
            "slope_ok": ratio <= limits["slope_ratio"],
            "curve_factor": factor,
            "k_worst": k_worst,
            "curve_ok": factor <= limits["curve_factor"],
            "zero_observed": zero.observed,
            "zero_expected": zero.expected,
            "zero_low": zero.low,
            "zero_high": zero.high,
            "zero_p_value": zero.p_value,
            "zero_ok": zero.p_value >= limits["p_value"],
            "growth_observed": growth["observed"],
            "growth_low": growth["low"],
            "growth_high": growth["high"],
            "growth_p_value": growth["p_value"],
            "growth_ok": growth["p_value"] >= limits["p_value"],
        }
        row["screen_ok"] = row["slope_ok"] and row["curve_ok"] and row["zero_ok"]
        row["passes"] = row["screen_ok"] and row["growth_ok"]
        rows.append(row)
    table = pd.DataFrame(rows)
    in_model_order(table, counts)
    return table


# ---------------------------------------------------------------------------
# Are the attempts of a problem independent with a constant success rate?


def final_batches(attempts: pd.DataFrame, batch_size: int) -> NDArray[np.bool_]:
    r"""Outcomes of the last batch of every problem sampled until a success.

    Under the design "draw batches of ``batch_size`` attempts until a
    batch holds a success", every batch before the last is all failures;
    the last batch is the only one whose pattern carries information.

    Parameters
    ----------
    attempts : pandas.DataFrame
        One row per attempt: ``problem``, ``attempt`` (0-based index,
        ``0 .. n - 1`` per problem) and ``success`` (bool).
    batch_size : int
        Attempts per batch.

    Returns
    -------
    numpy.ndarray
        Boolean array of shape ``(problems with a success, batch_size)``,
        the last batch of each problem that had a success, in problem
        order. Problems without a success are left out.

    Raises
    ------
    ValueError
        If a column is missing, a problem's attempts are not numbered
        ``0 .. n - 1``, ``n`` is not a multiple of ``batch_size``, or a
        batch before the last holds a success (not this design).
    """
    size = check_int(batch_size, "batch_size")
    df, g = sorted_attempts(attempts)
    n = g.size().to_numpy()
    if (n % size).any():
        raise ValueError(f"every problem's attempts must be a multiple of "
                         f"batch_size = {size}; got n = {sorted(set(n % size))}")
    batch = df["attempt"].to_numpy() // size
    last = batch == np.repeat(n // size - 1, n)
    success = df["success"].to_numpy(bool)
    if success[~last].any():
        raise ValueError("a batch before the last holds a success: the data "
                         "were not sampled until the first successful batch")
    out = success[last].reshape(-1, size)
    return out[out.any(axis=1)]


def _position_moments(c: NDArray[np.int64], b: int):
    """Null mean and variance of the position sum and the adjacent pairs."""
    c = c.astype(np.float64)
    var_pos = c * (b - c) * (b + 1) / 12.0

    def falling(m: int) -> NDArray[np.float64]:
        num = np.ones_like(c)
        for j in range(m):
            num = num * np.maximum(c - j, 0.0) / (b - j)
        return num

    pi2, pi3, pi4 = falling(2), falling(3), falling(4)
    mean_adj = (b - 1) * pi2
    second = (b - 1) * pi2 + 2 * (b - 2) * pi3 + (b - 2) * (b - 3) * pi4
    return var_pos, mean_adj, second - mean_adj**2


@dataclass(frozen=True)
class ExchangeabilityTest:
    r"""Result of :func:`exchangeability_test`.

    Attributes
    ----------
    trend_z, trend_p_value : float
        Standardised sum of the centred success positions and its
        two-sided p-value (a success rate that drifts within a batch).
    clustering_z, clustering_p_value : float
        Standardised number of adjacent success pairs and its two-sided
        p-value (dependent attempts: successes in runs, or spread out).
    p_value : float
        Bonferroni combination of the two, ``min(1, 2 min(p1, p2))``.
    adjacent_observed, adjacent_expected : float
        Observed and null-expected adjacent success pairs.
    n_batches : int
        Batches (problems) used.
    """

    trend_z: float
    trend_p_value: float
    clustering_z: float
    clustering_p_value: float
    p_value: float
    adjacent_observed: float
    adjacent_expected: float
    n_batches: int


def exchangeability_test(batches: ArrayLike) -> ExchangeabilityTest:
    r"""Test that the attempts within a batch are exchangeable.

    If the attempts at a problem are independent with a constant success
    probability :math:`p`, then, given that a batch of :math:`b`
    attempts holds :math:`c` successes, their positions are a uniformly
    random :math:`c`-subset of :math:`1, \dots, b`, whatever :math:`p`
    and whatever the stopping rule between batches (the probability of
    each outcome sequence is :math:`p^c (1-p)^{b-c}` times a factor
    that does not depend on the positions). Two statistics summed over
    batches have exact null moments:

    .. math::

        S = \sum_{\text{successes}} \Bigl(j - \tfrac{b+1}{2}\Bigr),
        \quad \operatorname{Var} S = \sum_i \frac{c_i (b - c_i)(b+1)}{12},

    sensitive to a drift of the success rate within the batch, and the
    number :math:`A` of adjacent success pairs, sensitive to dependence
    between consecutive attempts, with
    :math:`\mathbb{E} A = \sum_i c_i (c_i - 1)/b`. Each is referred to a
    normal law (a sum over many independent batches).

    Parameters
    ----------
    batches : array_like of bool, shape (batches, b)
        Outcomes of one batch per problem, e.g. from
        :func:`final_batches`.

    Returns
    -------
    ExchangeabilityTest

    Raises
    ------
    ValueError
        If ``batches`` is not a 2-d boolean array with ``b >= 4``, or no
        batch holds two successes and a failure (then a statistic has
        zero variance).

    Notes
    -----
    The test conditions on the success count of each batch, so it is
    exact under early stopping. It cannot see a success rate that
    changes *between* batches: with one first-success time per problem
    and success rates that differ between problems, such a drift is
    confounded with that heterogeneity.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((500, 60)) < 0.1
    >>> exchangeability_test(x).p_value > 0.01
    True
    """
    x = np.asarray(batches)
    if x.ndim != 2 or x.dtype != np.bool_:
        raise ValueError(f"batches must be a 2-d boolean array; got dtype "
                         f"{x.dtype} and shape {x.shape}")
    b = x.shape[1]
    if b < 4:
        raise ValueError(f"batches must have at least 4 attempts; got {b}")
    c = x.sum(axis=1)
    var_pos, mean_adj, var_adj = _position_moments(c, b)
    if var_pos.sum() <= 0 or var_adj.sum() <= 0:
        raise ValueError("batches carry no information: every batch is all "
                         "successes or all failures, or no batch holds two "
                         "successes")
    position = np.arange(1, b + 1) - (b + 1) / 2
    z_trend = float((x * position).sum() / np.sqrt(var_pos.sum()))
    adjacent = float((x[:, 1:] & x[:, :-1]).sum())
    z_adj = float((adjacent - mean_adj.sum()) / np.sqrt(var_adj.sum()))
    p_trend = float(2 * stats.norm.sf(abs(z_trend)))
    p_adj = float(2 * stats.norm.sf(abs(z_adj)))
    return ExchangeabilityTest(
        trend_z=z_trend, trend_p_value=p_trend, clustering_z=z_adj,
        clustering_p_value=p_adj, p_value=min(1.0, 2 * min(p_trend, p_adj)),
        adjacent_observed=adjacent, adjacent_expected=float(mean_adj.sum()),
        n_batches=int(x.shape[0]))


def simulate_final_batches(
    p: ArrayLike,
    batch_size: int,
    rng: np.random.Generator | int,
    *,
    size: int = 1,
    trend: float = 0.0,
    correlation: float = 0.0,
) -> NDArray[np.bool_]:
    r"""Draw the first batch with a success, under an alternative.

    Sampling runs in batches until one holds a success. Two departures
    from independent attempts with a constant rate are available (one at
    a time):

    * ``trend`` :math:`\delta`: attempts are independent, attempt
      :math:`j = 0, \dots, b-1` of every batch succeeds with probability
      :math:`p\,(1 + \delta (2j/(b-1) - 1))`;
    * ``correlation`` :math:`\rho`: attempts form a Markov chain with
      stationary success rate :math:`p` and lag-one correlation
      :math:`\rho` (success after success :math:`p + \rho(1-p)`,
      after failure :math:`p(1-\rho)`), continuing across batches.

    Parameters
    ----------
    p : array_like of float
        Per-problem success rate, in (0, 1).
    batch_size : int
        Attempts per batch.
    rng : numpy.random.Generator or int
        Generator or seed.
    size : int, default 1
        Replicates.
    trend, correlation : float, default 0
        The alternative; both 0 is the null hypothesis.

    Returns
    -------
    numpy.ndarray
        Boolean array of shape ``(size, len(p), batch_size)``.

    Raises
    ------
    ValueError
        If ``p`` is outside (0, 1), both alternatives are set,
        ``|trend| > 1``, ``correlation`` outside [0, 1), or a rate
        exceeds 1.
    """
    prob = as_float_array(p, "p").ravel()
    if prob.size == 0 or ((prob <= 0) | (prob >= 1)).any():
        raise ValueError("p must be a non-empty array of rates in (0, 1)")
    b = check_int(batch_size, "batch_size", minimum=2)
    reps = check_int(size, "size")
    gen = as_generator(rng)
    if trend != 0 and correlation != 0:
        raise ValueError("set trend or correlation, not both")
    if not -1 <= trend <= 1:
        raise ValueError(f"trend must lie in [-1, 1]; got {trend}")
    if not 0 <= correlation < 1:
        raise ValueError(f"correlation must lie in [0, 1); got {correlation}")
    j = np.arange(b)
    if correlation == 0:
        q = prob[:, None] * (1 + trend * (2 * j / (b - 1) - 1))  # (P, b)
        if (q > 1).any():
            raise ValueError("trend pushes a success probability above 1")
        after_success = after_failure = q
    else:
        q = np.broadcast_to((prob * (1 - correlation))[:, None], (prob.size, b))
        after_failure = q
        after_success = np.broadcast_to(
            (prob + correlation * (1 - prob))[:, None], (prob.size, b))
    # First success at j: the batch (from a failure state) fails before j.
    log_none = np.cumsum(np.log1p(-q), axis=1)
    log_first = np.log(q) + np.concatenate(
        [np.zeros((prob.size, 1)), log_none[:, :-1]], axis=1)
    weights = np.exp(log_first - log_first.max(axis=1, keepdims=True))
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    u = gen.random((reps, prob.size, 1))
    first = (u > cdf[None]).sum(axis=2)  # (reps, P)
    out = np.zeros((reps, prob.size, b), dtype=bool)
    prev = np.zeros((reps, prob.size), dtype=bool)
    for col in range(b):
        rate = np.where(prev, after_success[:, col], after_failure[:, col])
        draw = gen.random((reps, prob.size)) < rate
        now = np.where(col < first, False, np.where(col == first, True, draw))
        out[:, :, col] = now
        prev = now
    return out
