r"""Forecast intervals for :math:`-\log\mathrm{pass}_D@k` by parametric bootstrap.

A forecast of :math:`y(k) = -\log\mathrm{pass}_D@k` far beyond the
attempts made is only useful with a statement of how wrong it may be.
:func:`forecast_intervals` gives every forecasting method of
:func:`llmonkeys.forecast_all` an interval by a parametric bootstrap of
the whole experiment: draw a benchmark of the same size from the fitted
scaled Beta law (new success probabilities :math:`p_i^*`, then
:math:`c_i^* \sim \mathrm{Binomial}(n_i, p_i^*)`), forecast it by the same
method, and record the log error against that benchmark's own exact curve
:math:`y^*(k) = -\log\bigl(1 - P^{-1}\sum_i (1 - p_i^*)^k\bigr)`. The
interval is the point forecast corrected by the quantiles of those
errors (a basic, or pivotal, bootstrap interval on the log scale):

.. math::

    \bigl[\hat y(k)\, e^{-q_{1-a/2}},\ \hat y(k)\, e^{-q_{a/2}}\bigr],
    \qquad q_u = \text{$u$-quantile of } \log\hat y^*(k) - \log y^*(k).

It resamples both sources of error, which problems the benchmark drew and
which attempts succeeded, and it covers the benchmark's *own* curve (the
target of a backtest), not the population curve. It is exact only when
the scaled Beta law is right; the book measures its coverage on real
data.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

import llmonkeys as lm
from llmonkeys._validation import as_generator, check_problem_counts

__all__ = ["ForecastIntervals", "forecast_intervals"]


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
        (dropped).
    n_boot : int
        Bootstrap replicates drawn.
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


def _check_confidence(confidence: Sequence[float]) -> tuple[float, ...]:
    levels = tuple(float(x) for x in np.atleast_1d(confidence))
    if not levels or not all(0 < x < 1 for x in levels):
        raise ValueError(f"confidence levels must be in (0, 1); got {confidence!r}")
    return levels


def forecast_intervals(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    methods: Sequence[str] = ("least-squares", "distributional", "empirical-bayes"),
    *,
    rng: np.random.Generator | int,
    confidence: Sequence[float] = (0.8, 0.95),
    n_boot: int = 40,
    scale: float | str = "paper",
) -> ForecastIntervals:
    r"""Forecast :math:`-\log\mathrm{pass}_D@k` with parametric-bootstrap intervals.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes per problem, ``P >= 2``.
    k : array_like, shape (K,)
        Budgets to forecast at, ``k >= 1``.
    methods : sequence of str
        Methods of :data:`llmonkeys.FORECAST_METHODS`.
    rng : numpy.random.Generator or int
        Generator or non-negative seed of the bootstrap.
    confidence : sequence of float, default (0.8, 0.95)
        Nominal coverages, each in ``(0, 1)``.
    n_boot : int, default 40
        Bootstrap replicates, ``>= 10``.
    scale : {"paper", "fit"} or float, default "paper"
        Scale of the scaled Beta law, as in :func:`llmonkeys.forecast_all`;
        the same law generates the bootstrap benchmarks.

    Returns
    -------
    ForecastIntervals
        Points and intervals of every method.

    Raises
    ------
    ValueError
        On invalid counts, budgets, methods, confidence levels,
        ``n_boot < 10``, or if the scaled Beta law or a method cannot be
        fitted to the data (the message says why).
    TypeError
        If ``n_boot`` is not an integer.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = rng.binomial(100, 0.3 * rng.beta(0.3, 3.0, 128))
    >>> out = forecast_intervals(100, c, [1_000, 10_000], rng=1, n_boot=20)
    >>> bool(np.all(out.low["distributional"] <= out.point["distributional"]))
    True
    """
    n_arr, c_arr = check_problem_counts(n, c)
    n_arr = np.broadcast_to(n_arr, c_arr.shape)
    k_arr = np.atleast_1d(np.asarray(k, dtype=np.float64))
    levels = _check_confidence(confidence)
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral):
        raise TypeError(f"n_boot must be an integer; got {type(n_boot).__name__}")
    if n_boot < 10:
        raise ValueError(f"n_boot must be >= 10; got {n_boot}")
    methods = tuple(methods)
    fitted = tuple(dict.fromkeys(methods + ("distributional",)))
    out = lm.forecast.forecast_all(n_arr, c_arr, k_arr, fitted, scale=scale)
    failed = {m: e for m, e in out.errors.items() if m in methods}
    if failed or out.beta_fit is None:
        reason = "; ".join(f"{m}: {e}" for m, e in failed.items()) or str(
            out.errors.get("distributional"))
        raise ValueError(f"cannot forecast these counts: {reason}")
    law = out.beta_fit.distribution
    gen = as_generator(rng)
    errors = {m: np.full((int(n_boot), k_arr.size), np.nan) for m in methods}
    for b in range(int(n_boot)):
        p_star = law.sample(c_arr.size, gen)
        c_star = gen.binomial(n_arr, p_star)
        truth = lm.simulation.finite_neg_log_pass_at_k(p_star, k_arr)
        boot = lm.forecast.forecast_all(n_arr, c_star, k_arr, methods, scale=scale)
        with np.errstate(all="ignore"):
            for m in methods:
                errors[m][b] = np.log(boot.values[m]) - np.log(truth)
    low, high, n_failed = {}, {}, {}
    for m in methods:
        e = errors[m]
        ok = np.all(np.isfinite(e), axis=1)
        n_failed[m] = int((~ok).sum())
        if ok.sum() < 10:
            raise ValueError(
                f"method {m!r} failed on {n_failed[m]} of {n_boot} bootstrap "
                "benchmarks: too few to form an interval"
            )
        tails = np.array([[(1 - a) / 2, (1 + a) / 2] for a in levels])
        q = np.quantile(e[ok], tails.ravel(), axis=0).reshape(len(levels), 2, -1)
        point = out.values[m]
        low[m] = point[None, :] * np.exp(-q[:, 1, :])
        high[m] = point[None, :] * np.exp(-q[:, 0, :])
    return ForecastIntervals(
        k=k_arr, confidence=levels, point={m: out.values[m] for m in methods},
        low=low, high=high, n_failed=n_failed, n_boot=int(n_boot),
    )
