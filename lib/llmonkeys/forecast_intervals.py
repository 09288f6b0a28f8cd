r"""Forecast intervals for :math:`-\log\mathrm{pass}_D@k` by parametric bootstrap.

A forecast of :math:`y(k) = -\log\mathrm{pass}_D@k` far beyond the
attempts made is only useful with a statement of how wrong it may be.
:func:`forecast_intervals` gives every method of
:data:`llmonkeys.forecast.FORECAST_METHODS` an interval by a parametric
bootstrap of the whole experiment: draw a benchmark of the same size from
a scaled Beta law fitted to the counts (new success probabilities
:math:`p_i^*`, then :math:`c_i^* \sim \mathrm{Binomial}(n_i, p_i^*)`),
forecast it by the same method, and record the log error against that
benchmark's own exact curve
:math:`y^*(k) = -\log\bigl(1 - P^{-1}\sum_i (1 - p_i^*)^k\bigr)`. The
interval is the point forecast corrected by the quantiles of those
errors (a basic, or pivotal, bootstrap interval on the log scale):

.. math::

    \bigl[\hat y(k)\, e^{-q_{1-a/2}},\ \hat y(k)\, e^{-q_{a/2}}\bigr],
    \qquad q_u = \text{$u$-quantile of } \log\hat y^*(k) - \log y^*(k).

It resamples both sources of error, which problems the benchmark drew and
which attempts succeeded, and it covers the benchmark's *own* curve (the
target of a backtest), not the population curve.

Two choices make it calibrated when the scaled Beta model is right (the
book measures this, and its failure on real data, in chapter
"Forecasting, second pass"):

* The bootstrap law has its scale fitted by maximum likelihood
  (``law="fitted-scale"``), even when the method sets the scale by the
  authors' rule. The rule puts the scale at the largest observed success
  rate, below the truth; a world drawn at that scale is one in which the
  rule is nearly right, so the bootstrap saw almost none of the
  forecast's bias and its intervals were centred in the wrong place.
  Each replicate still applies the method's own rule to its own counts.
* The quantiles are order statistics at positions :math:`u (B + 1)`
  (``numpy.quantile(..., method="weibull")``): with :math:`B` replicates,
  the interval between the :math:`r`-th and :math:`s`-th smallest errors
  holds a new error with probability :math:`(s - r) / (B + 1)`. The
  linear interpolation used before made a nominal 80% interval from 20
  replicates an interval of about 72%; a 95% interval needs
  :math:`B \ge 39`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from llmonkeys._validation import as_generator, check_choice, check_problem_counts
from llmonkeys.fits import fit_scaled_beta_binomial, require_converged
from llmonkeys.forecast import forecast_all
from llmonkeys.simulation import finite_neg_log_pass_at_k

__all__ = ["BOOTSTRAP_LAWS", "ForecastIntervals", "forecast_intervals",
           "forecast_interval"]

#: Laws the bootstrap may draw its benchmarks from: the scaled Beta law
#: with its scale fitted by maximum likelihood, or the forecast's own
#: fitted law (scale by the method's rule; the book's first version).
BOOTSTRAP_LAWS: tuple[str, ...] = ("fitted-scale", "forecast")


@dataclass(frozen=True)
class ForecastIntervals:
    """Point forecasts and bootstrap intervals of several methods.

    Attributes
    ----------
    k : numpy.ndarray, shape (K,)
        Budgets.
    confidence : tuple of float
        Nominal coverages of the intervals.
    point : dict of str to numpy.ndarray, shape (K,)
        Point forecast of each method.
    low, high : dict of str to numpy.ndarray, shape (C, K)
        Interval ends, one row per confidence level.
    n_failed : dict of str to int
        Bootstrap replicates in which the method could not forecast
        (dropped and redrawn).
    n_boot : int
        Bootstrap replicates per method (failed ones redrawn).
    """

    k: NDArray[np.float64]
    confidence: tuple[float, ...]
    point: dict[str, NDArray[np.float64]]
    low: dict[str, NDArray[np.float64]]
    high: dict[str, NDArray[np.float64]]
    n_failed: dict[str, int]
    n_boot: int

    def covers(self, truth: ArrayLike) -> dict[str, NDArray[np.bool_]]:
        """Whether each interval contains ``truth``.

        Parameters
        ----------
        truth : array_like, shape (K,)
            The values to cover.

        Returns
        -------
        dict of str to numpy.ndarray of bool, shape (C, K)
            One entry per method.
        """
        t = np.asarray(truth, dtype=np.float64)[None, :]
        return {m: (self.low[m] <= t) & (t <= self.high[m]) for m in self.point}


def _check_confidence(confidence: float | Sequence[float]) -> tuple[float, ...]:
    levels = tuple(float(x) for x in np.atleast_1d(confidence))
    if not levels or not all(0 < x < 1 for x in levels):
        raise ValueError(f"confidence levels must be in (0, 1); got {confidence!r}")
    return levels


def _min_boot(levels: Sequence[float]) -> int:
    """Fewest replicates whose order statistics give every level."""
    return max(9, *(math.ceil(2 / (1 - a) - 1 - 1e-9) for a in levels))


def _basic_interval(
    point: NDArray[np.float64], errors: NDArray[np.float64],
    levels: Sequence[float],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the basic bootstrap interval from log errors, shape (B, K).

    The lower and upper ends have shape (C, K), for C levels. The
    quantiles are order statistics at positions u (B + 1).
    """
    tails = np.array([[(1 - a) / 2, (1 + a) / 2] for a in levels])
    q = np.quantile(errors, tails.ravel(), axis=0, method="weibull")
    q = q.reshape(len(levels), 2, -1)
    return point[None, :] * np.exp(-q[:, 1, :]), point[None, :] * np.exp(-q[:, 0, :])


def _bootstrap_law(n, c, fitted, law: str):
    if law == "forecast":
        return fitted.distribution
    try:
        fit = fit_scaled_beta_binomial(n, c, fit_scale=True)
        return require_converged(fit, "the bootstrap's scaled Beta fit").distribution
    except ValueError as err:
        raise ValueError(
            f"cannot forecast these counts: the bootstrap law: {err}") from None


def forecast_intervals(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    methods: Sequence[str] = ("least-squares", "distributional", "empirical-bayes"),
    *,
    rng: np.random.Generator | int,
    confidence: Sequence[float] = (0.8, 0.95),
    n_boot: int = 39,
    scale: float | str = "paper",
    law: str = "fitted-scale",
) -> ForecastIntervals:
    r"""Forecast :math:`-\log\mathrm{pass}_D@k` with parametric-bootstrap intervals.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes per problem, ``P >= 2``.
    k : array_like, shape (K,)
        Budgets to forecast at, ``k >= 1``.
    methods : sequence of str
        Methods of :data:`llmonkeys.forecast.FORECAST_METHODS`.
    rng : numpy.random.Generator or int
        Generator or non-negative seed of the bootstrap.
    confidence : sequence of float, default (0.8, 0.95)
        Nominal coverages, each in ``(0, 1)``.
    n_boot : int, default 39
        Bootstrap replicates: at least :math:`2/(1 - a) - 1` for the
        highest level :math:`a` (39 for 95%, 9 for 80%), so that each
        quantile is an order statistic of the replicates.
    scale : {"paper", "fit"} or float, default "paper"
        Scale of the methods' scaled Beta law, as in
        :func:`llmonkeys.forecast.forecast_all`.
    law : {"fitted-scale", "forecast"}, default "fitted-scale"
        Law of the bootstrap benchmarks (:data:`BOOTSTRAP_LAWS`): the
        scaled Beta law with its scale fitted by maximum likelihood, or
        the methods' own fitted law.

    Returns
    -------
    ForecastIntervals
        Points and intervals of every method.

    Raises
    ------
    ValueError
        On invalid counts, budgets, methods, confidence levels or
        ``law``, too few replicates for a level, or if the bootstrap law
        or a method cannot be fitted to the data (the message says
        why), or if a method fails on so many replicates that too few
        are left.
    TypeError
        If ``n_boot`` is not an integer.

    Notes
    -----
    The interval is the basic bootstrap interval of the module
    docstring. It is exact only when the scaled Beta law is right and
    the log error is pivotal. A replicate in which a method cannot
    forecast is dropped, counted in ``n_failed`` and redrawn (at most
    ``n_boot`` extra draws in all), so the interval is conditional on
    the method succeeding.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = rng.binomial(100, 0.3 * rng.beta(0.3, 3.0, 128))
    >>> out = forecast_intervals(100, c, [1_000, 10_000], rng=1)
    >>> bool(np.all(out.low["distributional"] < out.high["distributional"]))
    True
    """
    n_arr, c_arr = check_problem_counts(n, c)
    n_arr = np.broadcast_to(n_arr, c_arr.shape)
    k_arr = np.atleast_1d(np.asarray(k, dtype=np.float64))
    levels = _check_confidence(confidence)
    law = check_choice(law, "law", BOOTSTRAP_LAWS)
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral):
        raise TypeError(f"n_boot must be an integer; got {type(n_boot).__name__}")
    need = _min_boot(levels)
    if n_boot < need:
        raise ValueError(
            f"n_boot must be >= {need} for confidence {max(levels):g} (the "
            f"interval's ends are order statistics of the replicates); got {n_boot}"
        )
    methods = tuple(methods)
    fitted = tuple(dict.fromkeys(methods + ("distributional",)))
    out = forecast_all(n_arr, c_arr, k_arr, fitted, scale=scale)
    failed = {m: e for m, e in out.errors.items() if m in methods}
    if failed or out.beta_fit is None:
        reason = "; ".join(f"{m}: {e}" for m, e in failed.items()) or str(
            out.errors.get("distributional"))
        raise ValueError(f"cannot forecast these counts: {reason}")
    boot_law = _bootstrap_law(n_arr, c_arr, out.beta_fit, law)
    gen = as_generator(rng)
    errors: dict[str, list[NDArray[np.float64]]] = {m: [] for m in methods}
    n_failed = dict.fromkeys(methods, 0)
    # A replicate in which a method cannot forecast is redrawn (up to
    # n_boot extra draws), so that every method gets n_boot replicates.
    for _ in range(2 * int(n_boot)):
        if min(len(e) for e in errors.values()) >= n_boot:
            break
        p_star = boot_law.sample(c_arr.size, gen)
        c_star = gen.binomial(n_arr, p_star)
        truth = finite_neg_log_pass_at_k(p_star, k_arr)
        boot = forecast_all(n_arr, c_star, k_arr, methods, scale=scale)
        with np.errstate(all="ignore"):
            for m in methods:
                e = np.log(boot.values[m]) - np.log(truth)
                if np.all(np.isfinite(e)):
                    errors[m].append(e)
                else:
                    n_failed[m] += 1
    low, high = {}, {}
    for m in methods:
        if len(errors[m]) < need:
            raise ValueError(
                f"method {m!r} failed on {n_failed[m]} bootstrap benchmarks: "
                f"fewer than {need} replicates to form an interval"
            )
        low[m], high[m] = _basic_interval(out.values[m], np.array(errors[m]), levels)
    return ForecastIntervals(
        k=k_arr, confidence=levels, point={m: out.values[m] for m in methods},
        low=low, high=high, n_failed=n_failed, n_boot=int(n_boot),
    )


def forecast_interval(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    method: str = "empirical-bayes",
    *,
    rng: np.random.Generator | int,
    confidence: float = 0.8,
    n_boot: int = 39,
    scale: float | str = "paper",
    law: str = "fitted-scale",
) -> pd.DataFrame:
    r"""One method's forecast with its interval, one row per budget.

    The interval-returning counterpart of
    :func:`llmonkeys.forecast.forecast_neg_log_pass_at_k`: the same
    point (bit for bit), and the parametric-bootstrap interval of
    :func:`forecast_intervals`.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes per problem, ``P >= 2``.
    k : array_like, shape (K,)
        Budgets to forecast at, ``k >= 1``.
    method : str, default "empirical-bayes"
        One of :data:`llmonkeys.forecast.FORECAST_METHODS`.
    rng : numpy.random.Generator or int
        Generator or non-negative seed of the bootstrap.
    confidence : float, default 0.8
        Nominal coverage in ``(0, 1)``.
    n_boot, scale, law
        As in :func:`forecast_intervals`.

    Returns
    -------
    pandas.DataFrame
        Index ``k``; columns ``point``, ``lower`` and ``upper``.

    Raises
    ------
    ValueError, TypeError
        As :func:`forecast_intervals`; a ``ValueError`` also if
        ``confidence`` is not a single level.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = rng.binomial(100, 0.3 * rng.beta(0.3, 3.0, 128))
    >>> iv = forecast_interval(100, c, [1_000, 10_000], "distributional",
    ...                        rng=1, n_boot=19)
    >>> list(iv.columns)
    ['point', 'lower', 'upper']
    """
    if np.ndim(confidence) != 0:
        raise ValueError(f"confidence must be one level in (0, 1); got {confidence!r}")
    out = forecast_intervals(n, c, k, (method,), rng=rng, confidence=(confidence,),
                             n_boot=n_boot, scale=scale, law=law)
    return pd.DataFrame(
        {"point": out.point[method], "lower": out.low[method][0],
         "upper": out.high[method][0]},
        index=pd.Index(out.k, name="k"),
    )
