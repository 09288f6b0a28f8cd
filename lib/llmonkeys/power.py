r"""Power of likelihood-ratio tests for count designs, from an exact KL.

A design gives each of ``P`` problems ``n`` attempts. Under a law of the
success probabilities, one problem's count has an exactly computable pmf
:math:`g(c)`, :math:`c = 0, \dots, n`. To test a null family
:math:`\{f_\theta\}` against a larger family that contains the truth, the
likelihood-ratio statistic for ``P`` problems is approximately noncentral
:math:`\chi^2` with noncentrality

.. math::

    \lambda = 2P\,\min_\theta \mathrm{KL}(g \,\|\, f_\theta)
    = 2P \min_\theta \sum_{c=0}^{n} g(c)\log\frac{g(c)}{f_\theta(c)},

the expected log-likelihood ratio of the truth against its best null
approximation, per problem, times ``2P``. The minimum is one weighted
maximum-likelihood fit (weights :math:`g(c)` over all counts): no
simulation. When the null value of the extra parameter lies on the
boundary of the larger family (a point mass :math:`\pi = 0`, a mixing
weight :math:`w = 0`), the statistic's null law is
:math:`\tfrac12\chi^2_0 + \tfrac12\chi^2_1` (Self and Liang 1987): the
level-:math:`a` test rejects above the :math:`\chi^2_1` quantile at
:math:`1 - 2a` (2.71 at 5%), and the power is
:math:`\Phi(\sqrt\lambda - z_{1-a})`.

The module provides the fits (:func:`fit_count_model`,
:func:`kl_projection`), the power and design size (:func:`lr_power`,
:func:`problems_for_power`), a seeded simulation to check them
(:func:`simulate_lr_test`), and the count models compared in the book
(:func:`beta_binomial_model`, :func:`zero_inflated_model`,
:func:`log_corrected_mixture_model`), all at scale 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, stats
from scipy.special import betaln, gammaln, log_expit, xlogy

from llmonkeys._validation import (
    as_generator,
    check_int,
    check_positive_scalar,
)
from llmonkeys.distributions import (
    inflate_at_zero,
    log_corrected_beta_binomial_logpmf,
)

__all__ = [
    "CountModel",
    "CountFit",
    "LRTestSimulation",
    "beta_binomial_model",
    "zero_inflated_model",
    "log_corrected_mixture_model",
    "fit_count_model",
    "count_grid",
    "kl_projection",
    "critical_value",
    "lr_power",
    "problems_for_power",
    "simulate_lr_test",
]

_F = NDArray[np.float64]
LogPmf = Callable[[_F, _F, float], _F]


@dataclass(frozen=True)
class CountModel:
    r"""A parametric family of count laws for one design size ``n``.

    Attributes
    ----------
    name : str
        Reader's name of the family.
    logpmf : callable
        ``logpmf(theta, c, n)``: log-probabilities of the counts ``c``
        (float array) in ``n`` attempts at the parameter vector ``theta``
        (in the optimiser's coordinates, e.g. log-shapes).
    bounds : tuple of (float, float)
        Box for ``theta``.
    starts : tuple of tuple of float
        Starting points of the fit; the best of them is kept.
    """

    name: str
    logpmf: LogPmf
    bounds: tuple[tuple[float, float], ...]
    starts: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class CountFit:
    r"""Maximum of a weighted log-likelihood over a :class:`CountModel`.

    Attributes
    ----------
    log_likelihood : float
        :math:`\sum_j w_j \log f_{\hat\theta}(c_j)`.
    theta : numpy.ndarray
        The maximiser, in the model's coordinates.
    """

    log_likelihood: float
    theta: NDArray[np.float64]


_LOG_SHAPE = (math.log(1e-3), math.log(1e3))


def _bb(theta: NDArray, c: NDArray, n: float) -> NDArray:
    a, b = math.exp(theta[0]), math.exp(theta[1])
    return _log_choose(n, c) + betaln(a + c, b + n - c) - betaln(a, b)


def _log_choose(n: float, c: NDArray) -> NDArray:
    return gammaln(n + 1.0) - gammaln(c + 1.0) - gammaln(n - c + 1.0)


def beta_binomial_model() -> CountModel:
    r"""Beta law of :math:`p` (scale 1): the pure power-law tail.

    Returns
    -------
    CountModel
        ``theta = (log alpha, log beta)``, shapes in ``[1e-3, 1e3]``.
    """
    starts = ((math.log(0.3), math.log(3.0)), (0.0, 0.0))
    return CountModel("Beta", _bb, (_LOG_SHAPE, _LOG_SHAPE), starts)


def zero_inflated_model(*, light: bool = False) -> CountModel:
    r"""Point mass :math:`\pi` at :math:`p = 0` plus a Beta law (scale 1).

    Parameters
    ----------
    light : bool, default False
        Restrict the Beta law to :math:`\alpha \ge 1` (no heavy left
        tail: the never-solved problems are explained by the point mass).

    Returns
    -------
    CountModel
        ``theta = (log alpha, log beta, logit pi)``.
    """
    def logpmf(theta: NDArray, c: NDArray, n: float) -> NDArray:
        return inflate_at_zero(_bb(theta, c, n), c, log_expit(theta[2]),
                               log_expit(-theta[2]))

    alpha_box = (0.0, _LOG_SHAPE[1]) if light else _LOG_SHAPE
    a0 = (0.0, 0.7) if light else (math.log(0.3), 0.0)
    starts = ((a0[0], math.log(3.0), -4.0), (a0[1], math.log(3.0), -1.0))
    name = "zero-inflated Beta, alpha >= 1" if light else "zero-inflated Beta"
    return CountModel(name, logpmf, (alpha_box, _LOG_SHAPE, (-15.0, 8.0)), starts)


def log_corrected_mixture_model(log_power: float) -> CountModel:
    r"""Mixture :math:`(1-w)\,\mathrm{Beta} + w\,\mathrm{LogCorrected}_\gamma`.

    Both components share :math:`(\alpha, \beta)`; the second has density
    :math:`\propto p^{\alpha-1}(1-p)^{\beta-1}(1 + \log(1/p))^\gamma`
    (:func:`llmonkeys.log_corrected_beta_binomial_logpmf`). The Beta law
    is :math:`w = 0`, a boundary value; the log-corrected law is
    :math:`w = 1`.

    Parameters
    ----------
    log_power : float
        :math:`\gamma`: ``1`` or a negative number.

    Returns
    -------
    CountModel
        ``theta = (log alpha, log beta, w)``, ``w`` in ``[0, 1]``.

    Raises
    ------
    ValueError
        If ``log_power`` is not ``1`` or negative.
    """
    g = float(log_power)
    if not (g == 1.0 or g < 0.0):
        raise ValueError(f"log_power must be 1 or negative; got {log_power!r}")

    def logpmf(theta: NDArray, c: NDArray, n: float) -> NDArray:
        a, b, w = math.exp(theta[0]), math.exp(theta[1]), float(theta[2])
        base = _bb(theta, c, n)
        if w <= 0.0:
            return base
        lc = log_corrected_beta_binomial_logpmf(c, n, a, b, g)
        if w >= 1.0:
            return lc
        return np.logaddexp(math.log1p(-w) + base, math.log(w) + lc)

    starts = tuple((a, math.log(3.0), w) for a in (math.log(0.3), math.log(0.15))
                   for w in (0.0, 0.9))
    return CountModel(f"Beta + log-corrected (gamma = {g:g})", logpmf,
                      (_LOG_SHAPE, _LOG_SHAPE, (0.0, 1.0)), starts)


def _check_model(model: object) -> CountModel:
    if not isinstance(model, CountModel):
        raise TypeError(f"model must be a CountModel; got {type(model).__name__}")
    return model


def fit_count_model(
    model: CountModel, n: int, c: ArrayLike, weights: ArrayLike | None = None
) -> CountFit:
    r"""Maximise a weighted log-likelihood of counts over a model.

    Parameters
    ----------
    model : CountModel
        The family.
    n : int
        Attempts per problem, ``>= 1``.
    c : array_like of int
        Counts, ``0 <= c <= n``.
    weights : array_like, optional
        Non-negative weight of each count (default 1 each): the number of
        problems with that count, or its probability under another law
        (then the maximum is minus the cross-entropy).

    Returns
    -------
    CountFit
        The best of the model's starts (SLSQP in its box).

    Raises
    ------
    ValueError
        On invalid ``n``, counts or weights, or if no start gives a finite
        log-likelihood.
    TypeError
        If ``model`` is not a :class:`CountModel`.
    """
    model = _check_model(model)
    n_int = check_int(n, "n", minimum=1)
    c_arr = np.asarray(c, dtype=np.float64).ravel()
    if c_arr.size == 0 or np.any((c_arr < 0) | (c_arr > n_int) | (c_arr % 1 != 0)):
        raise ValueError(f"c must be whole numbers in [0, n = {n_int}], not empty")
    w = np.ones_like(c_arr) if weights is None else np.asarray(weights, float).ravel()
    if w.shape != c_arr.shape or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite, >= 0 and one per count")
    values, inverse = np.unique(c_arr, return_inverse=True)
    wq = np.bincount(inverse, weights=w)
    keep = wq > 0
    values, wq = values[keep], wq[keep]
    nf = float(n_int)

    def nll(theta: NDArray) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = -float(wq @ model.logpmf(theta, values, nf))
        return value if math.isfinite(value) else 1e300

    best = None
    for x0 in model.starts:
        # SLSQP, not L-BFGS-B: as fast and as accurate on these 2-3
        # parameter fits, and free of the multithreaded-BLAS stalls that
        # make L-BFGS-B ten times slower on a loaded machine.
        res = optimize.minimize(nll, np.asarray(x0, float), method="SLSQP",
                                bounds=model.bounds,
                                options={"ftol": 1e-12, "maxiter": 500})
        if best is None or res.fun < best.fun:
            best = res
    if best is None or best.fun >= 1e300:
        raise ValueError(f"no start gave a finite log-likelihood for {model.name}")
    return CountFit(log_likelihood=-float(best.fun), theta=np.asarray(best.x))


def count_grid(
    n: int, *, exact_below: int = 256, ratio: float = 1.01
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Return counts and weights for sums over :math:`c = 0, \dots, n`.

    Every count below ``exact_below`` has weight 1; above it, a geometric
    grid of whole counts (step ratio ``ratio``) up to ``n``, weighted so
    that :math:`\sum_c h(c) \approx \sum_j w_j h(c_j)` for a summand smooth
    in :math:`\log c` (trapezoid rule in :math:`\log c`, plus the
    Euler--Maclaurin end terms). With ``n < exact_below`` the sum is exact.

    Parameters
    ----------
    n : int
        Attempts, ``>= 1``.
    exact_below : int, default 256
        Counts summed one by one, ``>= 2``.
    ratio : float, default 1.01
        Ratio of successive grid counts above ``exact_below``, ``> 1``.

    Returns
    -------
    c, weights : numpy.ndarray
        Grid counts and their weights (summing to about ``n + 1``).

    Raises
    ------
    ValueError
        On ``n < 1``, ``exact_below < 2`` or ``ratio <= 1``.

    Examples
    --------
    >>> c, w = count_grid(10_000)
    >>> round(float(w.sum())), int(c.size) < 700
    (10001, True)
    """
    n_int = check_int(n, "n", minimum=1)
    m = check_int(exact_below, "exact_below", minimum=2)
    r = check_positive_scalar(ratio, "ratio")
    if r <= 1.0:
        raise ValueError(f"ratio must be > 1; got {ratio!r}")
    if n_int < m:
        c = np.arange(n_int + 1, dtype=np.float64)
        return c, np.ones_like(c)
    steps = math.ceil(math.log(n_int / m) / math.log(r)) + 1
    tail = np.unique(np.round(np.geomspace(m, n_int, steps)))
    # Trapezoid rule in u = log c, where a power-law summand is smooth:
    # sum_c h(c) ~ int h(e^u) e^u du, plus the Euler-Maclaurin end terms.
    inner = np.diff(np.log(tail)) / 2.0
    w_tail = np.zeros_like(tail)
    w_tail[:-1] += inner
    w_tail[1:] += inner
    w_tail = w_tail * tail
    w_tail[[0, -1]] += 0.5
    c = np.concatenate([np.arange(m, dtype=np.float64), tail])
    return c, np.concatenate([np.ones(m), w_tail])


def kl_projection(
    model: CountModel, n: int, c: ArrayLike, alt_logpmf: ArrayLike,
    weights: ArrayLike | None = None,
) -> tuple[float, CountFit]:
    r"""Smallest KL divergence from an exact count law to a model.

    Parameters
    ----------
    model : CountModel
        The null family.
    n : int
        Attempts per problem.
    c : array_like
        Counts at which the law is given: all of ``0..n``, or a
        :func:`count_grid`.
    alt_logpmf : array_like
        :math:`\log g(c)` at ``c``.
    weights : array_like, optional
        Weights of the sum over counts (:func:`count_grid`); 1 by default.

    Returns
    -------
    kl : float
        :math:`\min_\theta \sum_c g(c)\log[g(c)/f_\theta(c)] \ge 0`.
    fit : CountFit
        The minimiser (the model's law closest to ``g``).

    Raises
    ------
    ValueError
        If the shapes differ, ``alt_logpmf`` is not a log-probability, or
        the weighted probabilities do not sum to 1 within ``1e-5``.

    Examples
    --------
    >>> from scipy.stats import betabinom
    >>> c = np.arange(21)
    >>> kl, fit = kl_projection(beta_binomial_model(), 20, c,
    ...                         betabinom.logpmf(c, 20, 0.4, 2.0))
    >>> kl < 1e-9, np.exp(fit.theta).round(3).tolist()
    (True, [0.4, 2.0])
    """
    c_arr = np.asarray(c, dtype=np.float64).ravel()
    lg = np.asarray(alt_logpmf, dtype=np.float64).ravel()
    w = np.ones_like(c_arr) if weights is None else np.asarray(weights, float).ravel()
    if not (lg.shape == c_arr.shape == w.shape) or c_arr.size < 2:
        raise ValueError("c, alt_logpmf and weights must have one entry per count")
    if np.any(np.isnan(lg)) or np.any(lg > 1e-12):
        raise ValueError("alt_logpmf must hold log-probabilities (<= 0, not NaN)")
    g = np.exp(lg)
    total = float(w @ g)
    if abs(total - 1.0) > 1e-5:
        raise ValueError(f"the weighted pmf must sum to 1; got {total:.10g}")
    fit = fit_count_model(model, n, c_arr, weights=w * g)
    neg_entropy = float(w @ xlogy(g, g))
    return max(neg_entropy - fit.log_likelihood, 0.0), fit


def critical_value(
    level: float = 0.05, *, df: int = 1, boundary: bool = False
) -> float:
    r"""Critical value of the likelihood-ratio test.

    Parameters
    ----------
    level : float, default 0.05
        Size of the test, in ``(0, 0.5)``.
    df : int, default 1
        Extra parameters of the larger family.
    boundary : bool, default False
        The null value is on the boundary (``df = 1``): the null law is
        :math:`\tfrac12\chi^2_0 + \tfrac12\chi^2_1`.

    Returns
    -------
    float
        :math:`\chi^2_{df}` quantile at ``1 - level``, or the
        :math:`\chi^2_1` quantile at ``1 - 2 level`` on the boundary.

    Raises
    ------
    ValueError
        On a level outside ``(0, 0.5)``, ``df < 1``, or ``boundary`` with
        ``df != 1``.
    """
    a, d = _check_test(level, df, boundary)
    return float(stats.chi2.isf(2 * a if boundary else a, d))


def _check_test(level: object, df: object, boundary: object) -> tuple[float, int]:
    a = check_positive_scalar(level, "level", upper=0.5)
    if a >= 0.5:
        raise ValueError(f"level must be in (0, 0.5); got {level!r}")
    d = check_int(df, "df", minimum=1)
    if not isinstance(boundary, bool):
        raise TypeError(f"boundary must be a bool; got {boundary!r}")
    if boundary and d != 1:
        raise ValueError(f"boundary tests have df = 1; got df={d}")
    return a, d


def lr_power(
    noncentrality: ArrayLike, *, level: float = 0.05, df: int = 1,
    boundary: bool = False,
) -> NDArray[np.float64]:
    r"""Power of the likelihood-ratio test at noncentrality :math:`\lambda`.

    Parameters
    ----------
    noncentrality : array_like
        :math:`\lambda = 2P\,\mathrm{KL} \ge 0`.
    level, df, boundary
        As in :func:`critical_value`.

    Returns
    -------
    numpy.ndarray
        :math:`P(\chi^2_{df}(\lambda) > \text{critical value})`; on the
        boundary :math:`\Phi(\sqrt\lambda - z_{1-\text{level}})`.

    Raises
    ------
    ValueError
        On a negative or non-finite ``noncentrality``, or as
        :func:`critical_value`.

    Examples
    --------
    >>> float(lr_power(0.0).round(6))
    0.05
    >>> float(lr_power(6.18, boundary=True).round(2))
    0.8
    """
    a, d = _check_test(level, df, boundary)
    lam = np.asarray(noncentrality, dtype=np.float64)
    if not np.all(np.isfinite(lam)) or np.any(lam < 0):
        raise ValueError("noncentrality must be finite and >= 0")
    if boundary:
        return stats.norm.sf(stats.norm.isf(a) - np.sqrt(lam))
    return stats.ncx2.sf(stats.chi2.isf(a, d), d, lam)


def problems_for_power(
    kl: ArrayLike, *, power: float = 0.8, level: float = 0.05, df: int = 1,
    boundary: bool = False,
) -> NDArray[np.float64]:
    r"""Return the number of problems ``P`` at which the test has a power.

    Parameters
    ----------
    kl : array_like
        Per-problem KL divergence of the truth from the null, ``> 0``
        (:func:`kl_projection`).
    power : float, default 0.8
        Target power, in ``(level, 1)``.
    level, df, boundary
        As in :func:`critical_value`.

    Returns
    -------
    numpy.ndarray
        :math:`\lambda^*/(2\,\mathrm{KL})` with :math:`\lambda^*` solving
        ``lr_power(lambda) = power`` (not rounded up).

    Raises
    ------
    ValueError
        On ``kl <= 0`` or a power outside ``(level, 1)``.
    """
    a, d = _check_test(level, df, boundary)
    target = check_positive_scalar(power, "power", upper=1.0)
    if not a < target < 1:
        raise ValueError(f"power must be in (level, 1); got {power!r}")
    k = np.asarray(kl, dtype=np.float64)
    if not np.all(np.isfinite(k)) or np.any(k <= 0):
        raise ValueError("kl must be finite and > 0")
    if boundary:
        lam = (stats.norm.isf(a) + stats.norm.ppf(target)) ** 2
    else:
        lam = optimize.brentq(
            lambda x: float(lr_power(x, level=a, df=d)) - target, 0.0, 1e4)
    return lam / (2.0 * k)


@dataclass(frozen=True)
class LRTestSimulation:
    """Result of :func:`simulate_lr_test`.

    Attributes
    ----------
    statistics : numpy.ndarray
        The likelihood-ratio statistic of each replicate (``>= 0``).
    power : float
        Share of replicates above the critical value.
    standard_error : float
        Its binomial Monte Carlo standard error.
    """

    statistics: NDArray[np.float64]
    power: float
    standard_error: float


def simulate_lr_test(
    null: CountModel, full: CountModel, alt_logpmf: ArrayLike, problems: int,
    replicates: int, rng: object, *, level: float = 0.05, boundary: bool = False,
) -> LRTestSimulation:
    r"""Simulate the likelihood-ratio test on designs drawn from a count law.

    Each replicate draws ``problems`` counts from the exact pmf
    :math:`g` and computes :math:`2[\hat\ell_\text{full} -
    \hat\ell_\text{null}]` (floored at 0), with one extra parameter.

    Parameters
    ----------
    null, full : CountModel
        Nested families (``full`` one parameter larger).
    alt_logpmf : array_like, shape (n + 1,)
        :math:`\log g(c)`, :math:`c = 0, \dots, n`.
    problems, replicates : int
        ``P >= 2`` and the number of simulated designs, ``>= 1``.
    rng : numpy.random.Generator or int
        Seed or generator.
    level, boundary
        As in :func:`critical_value` (``df = 1``).

    Returns
    -------
    LRTestSimulation

    Raises
    ------
    ValueError
        On invalid sizes or pmf.
    """
    gen = as_generator(rng)
    p_count = check_int(problems, "problems", minimum=2)
    reps = check_int(replicates, "replicates", minimum=1)
    g = np.exp(np.asarray(alt_logpmf, dtype=np.float64).ravel())
    if g.size < 2 or abs(g.sum() - 1) > 1e-8:
        raise ValueError("alt_logpmf must hold log-probabilities of c = 0..n")
    n = g.size - 1
    crit = critical_value(level, boundary=boundary)
    draws = gen.choice(n + 1, size=(reps, p_count), p=g / g.sum())
    stat = np.empty(reps)
    for r, c in enumerate(draws):
        lr = 2.0 * (fit_count_model(full, n, c).log_likelihood
                    - fit_count_model(null, n, c).log_likelihood)
        stat[r] = max(lr, 0.0)
    share = float(np.mean(stat > crit))
    se = math.sqrt(max(share * (1 - share), 1e-12) / reps)
    return LRTestSimulation(stat, share, se)

