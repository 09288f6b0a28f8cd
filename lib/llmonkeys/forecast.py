r"""Forecast :math:`-\log \mathrm{pass}_D@k` beyond the attempts made.

Given ``c_i`` successes in ``n_i`` attempts at each problem of a benchmark,
predict the benchmark's curve :math:`-\log \mathrm{pass}_D@k` at budgets
``k`` that may far exceed the ``n_i``. Eight methods
(:data:`FORECAST_METHODS`):

``"least-squares"``
    Regress the estimated curve (:func:`~llmonkeys.estimators.pass_at_k`
    averaged over problems) on ``k <= min(n)`` in log-log space and
    extend the line :math:`a k^{-b}`; the aggregate regression of
    :cite:t:`brown2024monkeys`.
``"distributional"``
    The paper's method :cite:p:`schaeffer2025monkeys`: fit a scaled Beta
    law of the success probabilities to the counts by maximum likelihood
    (:func:`~llmonkeys.fits.fit_scaled_beta_binomial`, scale by
    :func:`~llmonkeys.fits.paper_scale`) and return the fitted law's
    exact curve.
``"tail-index"``
    The fitted law's asymptotic power law :math:`A k^{-\alpha}`
    (its left-tail index and prefactor).
``"empirical-bayes"``
    The same fitted law used as a prior: each problem's failure
    probability is forecast by its posterior predictive
    :math:`\mathbb{E}[(1-p_i)^k \mid n_i, c_i]`, so that the forecast is
    for *this* benchmark's problems rather than for the population.
``"tail-eb"``
    Empirical Bayes with a prior fitted to the *tail* only: a Beta law
    (scale 1) fitted by the truncated likelihood of the problems with at
    most :math:`\max(2, \lceil 0.1\, n_i \rceil)` successes. The power law
    comes from the left tail of the law of :math:`p`; the easy problems
    say nothing about it but pull on a single Beta fitted to all of them.
``"ensemble"``
    The geometric mean of the ``"least-squares"`` and
    ``"empirical-bayes"`` forecasts, a forecast combination
    :cite:p:`bates1969combination` of a low-variance, misspecified
    regression and a noisier model-based forecast.
``"beta-binomial"``
    The beta-binomial forecast of :cite:t:`kazdan2025efficient`: a Beta
    law at scale 1 fitted by maximum likelihood, its exact curve
    :math:`-\log \mathbb{E}[1 - (1 - p)^k]`. It ignores the ``scale``
    option.
``"zero-inflated"``
    The same with a point mass of impossible problems
    (:func:`~llmonkeys.zero_inflated.fit_zero_inflated_beta_binomial`,
    scale 1): its curve levels off at :math:`-\log(1 - \hat\pi)`.

The first six share one scaled Beta fit (:data:`CORE_METHODS`, the
methods of the chapter on forecasting); the last two are the
beta-binomial forecasts of the authors' follow-up.

Everything is vectorised over problems and budgets; problems with equal
``(n, c)`` are merged. :func:`subsample_counts` draws the counts that a
smaller budget would have produced, exactly, from the counts alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import betaln, digamma, gammaln, logsumexp

from llmonkeys._validation import (
    as_count_array,
    as_float_array,
    as_generator,
    check_choice,
    check_counts,
    check_int,
    check_positive_scalar,
    check_probability_scalar,
    check_problem_counts,
)
from llmonkeys.distributions import log_beta_integral
from llmonkeys.estimators import check_stopped_counts
from llmonkeys.exponents import ExponentEstimate, estimate_exponent
from llmonkeys.fits import (
    DistributionFit,
    FitError,
    fit_scaled_beta_binomial,
    require_converged,
)
from llmonkeys.zero_inflated import fit_zero_inflated_beta_binomial

__all__ = [
    "FORECAST_METHODS",
    "CORE_METHODS",
    "TAIL_FRACTION",
    "Forecasts",
    "SUBSAMPLE_N_MAX",
    "subsample_counts",
    "truncate_stopped_counts",
    "forecast_horizons",
    "tail_cutoff",
    "fit_tail_prior",
    "posterior_failure_rate",
    "forecast_all",
    "forecast_neg_log_pass_at_k",
]

#: The six methods of the chapter on forecasting, which share one scaled
#: Beta fit at the chosen scale, in the order tables list them.
CORE_METHODS: tuple[str, ...] = (
    "least-squares",
    "distributional",
    "tail-index",
    "empirical-bayes",
    "tail-eb",
    "ensemble",
)
#: Names of all forecasting methods: :data:`CORE_METHODS`, then the
#: beta-binomial (scale 1) and zero-inflated forecasts.
FORECAST_METHODS: tuple[str, ...] = (
    *CORE_METHODS,
    "beta-binomial",
    "zero-inflated",
)
#: Problems with at most ``max(2, ceil(TAIL_FRACTION * n))`` successes
#: form the tail fitted by the ``"tail-eb"`` method.
TAIL_FRACTION = 0.1

_LOG_SHAPE_BOUNDS = (math.log(1e-4), math.log(1e6))

#: Attempts per problem below which :func:`subsample_counts` works
#: (``numpy.random.Generator.hypergeometric`` needs successes and failures
#: below 1e9).
SUBSAMPLE_N_MAX = 10**9
_TAIL_STARTS = np.log(
    np.array([(a, b) for a in (0.05, 0.2, 0.6) for b in (1.0, 10.0, 100.0, 1e3)])
)

# ---------------------------------------------------------------------------
# Input handling
# ---------------------------------------------------------------------------


def _check_k(k: ArrayLike) -> NDArray[np.float64]:
    k_arr = as_float_array(k, "k")
    if np.any(k_arr < 1):
        bad = k_arr[k_arr < 1].ravel()[:3].tolist()
        raise ValueError(f"k must be >= 1 (attempt budgets); got {bad}")
    return k_arr




def _pairs(
    n: NDArray[np.int64], c: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Distinct ``(n, c)`` pairs and their multiplicities."""
    pairs, counts = np.unique(np.stack([n, c], axis=1), axis=0, return_counts=True)
    return (pairs[:, 0].astype(np.float64), pairs[:, 1].astype(np.float64),
            counts.astype(np.float64))


def _neg_log_pass(
    log_fail: NDArray[np.float64], weight: NDArray[np.float64]
) -> NDArray[np.float64]:
    r"""``-log(1 - mean_i F_i)`` from per-pair log failure rates, in log space.

    ``log_fail`` has shape ``(Q, K)`` and ``weight`` shape ``(Q,)``.
    """
    log_mean = logsumexp(log_fail, axis=0, b=weight[:, None]) - math.log(
        weight.sum()
    )
    log_mean = np.minimum(log_mean, 0.0)
    with np.errstate(divide="ignore"):
        return np.where(
            log_mean < -math.log(2.0),
            -np.log1p(-np.exp(log_mean)),
            -np.log(-np.expm1(log_mean)),
        )


# ---------------------------------------------------------------------------
# Subsampling
# ---------------------------------------------------------------------------


def subsample_counts(
    n: ArrayLike,
    c: ArrayLike,
    budget: int | ArrayLike,
    rng: np.random.Generator | int,
) -> NDArray[np.int64]:
    r"""Successes among ``budget`` attempts drawn without replacement.

    Parameters
    ----------
    n : array_like of int
        Attempts made at each problem, ``n >= 1``.
    c : array_like of int
        Successes among them, ``0 <= c <= n``.
    budget : int or array_like of int
        Attempts to keep per problem, ``1 <= budget <= n`` (broadcast
        against ``n`` and ``c``).
    rng : numpy.random.Generator or int
        Generator or non-negative seed.

    Returns
    -------
    numpy.ndarray
        int64 successes among the kept attempts, of the broadcast shape.

    Raises
    ------
    ValueError
        On invalid counts, ``n >= 1e9`` (numpy's sampler), ``budget < 1``,
        ``budget > n`` for some problem
        (one cannot keep more attempts than were made), or shapes that do
        not broadcast.
    TypeError
        If ``rng`` is neither a generator nor a non-negative int.

    Notes
    -----
    Keeping a uniformly random subset of ``budget`` of the ``n`` attempts
    (the order of the attempts is exchangeable), the number of successes
    kept is hypergeometric,

    .. math::

        P(C' = j) = \binom{c}{j}\binom{n-c}{b-j} \Big/ \binom{n}{b},

    with mean :math:`bc/n` and variance
    :math:`b \frac{c}{n} \frac{n-c}{n} \frac{n-b}{n-1}`. It is drawn for
    all problems at once by ``Generator.hypergeometric``; the counts are
    all that is needed.

    Examples
    --------
    >>> subsample_counts([10, 10, 10], [0, 10, 4], 10, rng=0).tolist()
    [0, 10, 4]
    >>> int(subsample_counts(10_000, 2_500, 100, rng=0)) in range(101)
    True
    """
    n_arr, c_arr = check_counts(n, c)
    b_arr = as_count_array(budget, "budget", minimum=1)
    try:
        n_arr, c_arr, b_arr = np.broadcast_arrays(n_arr, c_arr, b_arr)
    except ValueError:
        raise ValueError(
            f"shapes do not broadcast together: n {n_arr.shape}, c "
            f"{c_arr.shape}, budget {b_arr.shape}"
        ) from None
    if np.any(n_arr >= SUBSAMPLE_N_MAX):
        raise ValueError(
            f"n must be < {SUBSAMPLE_N_MAX:.0e} attempts per problem for "
            "subsample_counts (the limit of numpy's hypergeometric sampler); "
            f"got n={int(n_arr.max())}"
        )
    over = b_arr > n_arr
    if over.any():
        i = np.flatnonzero(over.ravel())[0]
        raise ValueError(
            "budget must be <= n (cannot keep more attempts than were made); "
            f"got budget={b_arr.ravel()[i]} > n={n_arr.ravel()[i]}"
        )
    gen = as_generator(rng)
    out = gen.hypergeometric(c_arr, n_arr - c_arr, b_arr)
    return np.asarray(out, dtype=np.int64).reshape(n_arr.shape)


def forecast_horizons(budget: int, k_max: int, num: int = 12) -> NDArray[np.int64]:
    """Log-spaced whole budgets beyond ``budget``, ending at ``k_max``.

    The horizons at which the backtests score a forecast made from
    ``budget`` attempts per problem: ``num`` points geometrically spaced
    from ``budget`` (excluded) to ``k_max``, rounded, without repeats.

    Parameters
    ----------
    budget : int
        Attempts the forecast is made from, ``>= 1``.
    k_max : int
        The farthest horizon, ``> budget``.
    num : int, default 12
        Points of the geometric grid, ``>= 1`` (fewer remain if rounding
        merges some).

    Returns
    -------
    numpy.ndarray of int64
        Increasing budgets in ``(budget, k_max]``, the last ``k_max``.

    Raises
    ------
    ValueError
        If an argument is not a whole number in its range, or
        ``k_max <= budget``.

    Examples
    --------
    >>> forecast_horizons(100, 10_000, num=4).tolist()
    [316, 1000, 3162, 10000]
    """
    b = check_int(budget, "budget", minimum=1)
    top = check_int(k_max, "k_max", minimum=1)
    m = check_int(num, "num", minimum=1)
    if top <= b:
        raise ValueError(f"k_max must be > budget; got k_max={top}, budget={b}")
    grid = np.unique(np.round(np.geomspace(b, top, m + 1)[1:]))
    return grid[grid > b].astype(np.int64)


def truncate_stopped_counts(
    n: ArrayLike,
    c: ArrayLike,
    budget: int,
    batch_size: int,
    rng: np.random.Generator | int | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    r"""Cut stopped records at a smaller cap, as a shorter run would.

    Problems were sampled in batches of ``batch_size`` until the batch with
    their first success, or a cap. This returns, for each problem, the
    attempts and successes that the same run, capped at ``budget``
    attempts, would have recorded.

    Parameters
    ----------
    n : array_like of int, shape (P,)
        Attempts made, a multiple of ``batch_size``.
    c : array_like of int, shape (P,)
        Successes, all in the last batch (``0``: never solved).
    budget : int
        The smaller cap, ``1 <= budget``.
    batch_size : int
        Attempts per batch.
    rng : numpy.random.Generator or int, optional
        Needed only if ``budget`` is not a multiple of ``batch_size``.

    Returns
    -------
    n, c : numpy.ndarray
        The truncated record: ``(n_i, c_i)`` if ``n_i <= budget``,
        otherwise ``(budget, s_i)`` with ``s_i`` the successes among the
        attempts of the last batch made before the cap (0 if the cap
        falls before the last batch).

    Raises
    ------
    ValueError
        On invalid counts (as
        :func:`~llmonkeys.estimators.stopped_pass_at_k`), ``budget < 1``,
        ``budget`` above the attempts of an unsolved problem, or a
        ``budget`` that cuts a batch without ``rng``.
    TypeError
        If ``rng`` is not a generator or seed.

    Notes
    -----
    If the cap ``budget`` is a whole number of batches the truncation is
    a prefix of the record and exact: a problem first solved in a batch
    ending at or before the cap keeps its record; any other stops at the
    cap with no success. If the cap cuts the last batch after :math:`j`
    of its :math:`b` attempts, the successes among those :math:`j` are
    :math:`\mathrm{Hypergeometric}(b, c_i, j)` given the record (the
    attempts of a batch are exchangeable), drawn from ``rng``. Either way
    the truncated record has the law of a run capped at ``budget``;
    nothing is resampled across problems.

    Examples
    --------
    >>> n, c = truncate_stopped_counts([60, 180, 600], [3, 1, 0], 120, 60)
    >>> n.tolist(), c.tolist()
    ([60, 120, 120], [3, 0, 0])
    """
    n_arr, c_arr, b = check_stopped_counts(n, c, batch_size)
    cap = int(as_count_array(budget, "budget", minimum=1))
    unsolved = c_arr == 0
    if unsolved.any() and cap > n_arr[unsolved].min():
        raise ValueError(
            "budget must be <= n of every problem never solved (a run was "
            f"not observed beyond its cap); got budget={cap} > "
            f"n={int(n_arr[unsolved].min())}"
        )
    keep = n_arr <= cap
    j = cap - (n_arr - b)  # attempts of the last batch made before the cap
    cut = ~keep & (j > 0) & (c_arr > 0)
    c_out = np.where(keep, c_arr, 0)
    if cut.any():
        if rng is None:
            raise ValueError(
                f"budget = {cap} cuts a batch of {b} attempts: pass rng to "
                "draw the successes before the cap"
            )
        gen = as_generator(rng)
        c_out[cut] = gen.hypergeometric(c_arr[cut], b - c_arr[cut], j[cut])
    n_out = np.where(keep, n_arr, cap)
    return n_out.astype(np.int64), c_out.astype(np.int64)


# ---------------------------------------------------------------------------
# Posterior predictive failure rates
# ---------------------------------------------------------------------------


def posterior_failure_rate(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    alpha: float,
    beta: float,
    scale: float = 1.0,
) -> NDArray[np.float64]:
    r"""Posterior predictive failure probability of each problem.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes of each problem.
    k : array_like, shape (K,)
        New attempt budgets, ``k >= 1`` (any size).
    alpha, beta : float
        Shapes of the scaled Beta prior, ``> 0``.
    scale : float, default 1.0
        Its scale :math:`s` in ``(0, 1]``.

    Returns
    -------
    numpy.ndarray, shape (P, K)
        :math:`\mathbb{E}[(1 - p_i)^k \mid n_i, c_i]`, the probability that
        ``k`` fresh attempts at problem ``i`` all fail.

    Raises
    ------
    ValueError
        On invalid counts, ``k < 1``, ``alpha`` or ``beta`` not a finite
        number > 0, or ``scale`` outside ``(0, 1]`` (named in the message).
    TypeError
        If a prior parameter is not a real number.

    Notes
    -----
    With :math:`p = sX` and :math:`X \sim \mathrm{Beta}(\alpha, \beta)`
    the posterior density of :math:`X` is proportional to
    :math:`x^{\alpha+c-1}(1-x)^{\beta-1}(1-sx)^{n-c}`, so

    .. math::

        \mathbb{E}[(1-sX)^k \mid n, c]
        = \exp\bigl[L(\alpha+c, \beta, n-c+k, s)
        - L(\alpha+c, \beta, n-c, s)\bigr],

    exactly, with :math:`L` the
    :func:`~llmonkeys.distributions.log_beta_integral`.

    Examples
    --------
    >>> f = posterior_failure_rate([10, 10], [0, 10], [1, 100], 1.0, 1.0)
    >>> f.round(4).tolist()  # Beta(1, 11) and Beta(11, 1) posteriors
    [[0.9167, 0.0991], [0.0833, 0.0]]
    """
    n_arr, c_arr = check_counts(n, c)
    n_arr, c_arr = np.atleast_1d(n_arr), np.atleast_1d(c_arr)
    k_arr = np.atleast_1d(_check_k(k))
    alpha = check_positive_scalar(alpha, "alpha")
    beta = check_positive_scalar(beta, "beta")
    scale = check_probability_scalar(scale, "scale")
    if n_arr.ndim != 1 or k_arr.ndim != 1:
        raise ValueError("n, c and k must be scalars or 1-D arrays")
    nq, cq, _ = _pairs(n_arr, c_arr)
    log_fail = _log_posterior_failure(nq, cq, k_arr, alpha, beta, scale)
    index = {(a, b): i for i, (a, b) in enumerate(zip(nq, cq, strict=True))}
    rows = [index[(float(a), float(b))] for a, b in zip(n_arr, c_arr, strict=True)]
    return np.exp(log_fail[rows])


def _log_posterior_failure(
    n: NDArray[np.float64],
    c: NDArray[np.float64],
    k: NDArray[np.float64],
    alpha: float,
    beta: float,
    scale: float,
) -> NDArray[np.float64]:
    """Log posterior predictive failure rates, shape ``(Q, K)``."""
    a = alpha + c[:, None]
    rest = (n - c)[:, None]
    num = log_beta_integral(a, beta, rest + k[None, :], scale)
    den = log_beta_integral(a, beta, rest, scale)
    return np.minimum(num - den, 0.0)


# ---------------------------------------------------------------------------
# The tail prior
# ---------------------------------------------------------------------------


def tail_cutoff(n: ArrayLike) -> NDArray[np.int64]:
    r"""Largest success count of a problem in the tail, per problem.

    Parameters
    ----------
    n : array_like of int
        Attempts per problem, ``n >= 1``.

    Returns
    -------
    numpy.ndarray
        :math:`\min(n, \max(2, \lceil 0.1\,n \rceil))` (see
        :data:`TAIL_FRACTION`).

    Examples
    --------
    >>> tail_cutoff([1, 10, 100, 10_000]).tolist()
    [1, 2, 10, 1000]
    """
    n_arr = as_count_array(n, "n", minimum=1)
    cut = np.maximum(2, np.ceil(TAIL_FRACTION * n_arr - 1e-9)).astype(np.int64)
    return np.minimum(cut, n_arr)


@dataclass(frozen=True)
class _TailData:
    n: NDArray[np.float64]  # tail pairs (n, c) and their multiplicities
    c: NDArray[np.float64]
    weight: NDArray[np.float64]
    log_comb: NDArray[np.float64]
    n_unique: NDArray[np.float64]
    n_index: NDArray[np.int64]
    j: NDArray[np.float64]
    j_mask: NDArray[np.bool_]
    grid_comb: NDArray[np.float64]


def _log_comb(n: ArrayLike, j: ArrayLike) -> NDArray[np.float64]:
    n, j = np.asarray(n, dtype=np.float64), np.asarray(j, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return gammaln(n + 1) - gammaln(j + 1) - gammaln(np.maximum(n - j, 0) + 1)


def _tail_data(n: NDArray[np.int64], c: NDArray[np.int64]) -> _TailData:
    cut = tail_cutoff(n)
    tail = c <= cut
    if not np.any(tail & (c >= 1)):
        raise ValueError(
            "the tail-eb method needs at least one problem with between 1 and "
            "max(2, ceil(0.1 n)) successes: no such problem was seen, so the "
            "left tail of the law of p is not observed"
        )
    nq, cq, wq = _pairs(n[tail], c[tail])
    n_unique, n_index = np.unique(nq, return_inverse=True)
    cut_u = tail_cutoff(n_unique.astype(np.int64))
    j = np.arange(int(cut_u.max()) + 1, dtype=np.float64)
    mask = j[None, :] <= cut_u[:, None]
    return _TailData(
        n=nq, c=cq, weight=wq, log_comb=_log_comb(nq, cq), n_unique=n_unique,
        n_index=n_index.ravel(), j=j, j_mask=mask,
        grid_comb=np.where(mask, _log_comb(n_unique[:, None], j[None, :]), 0.0),
    )


def _tail_nll(theta: NDArray[np.float64], data: _TailData) -> NDArray[np.float64]:
    """Return the truncated negative log-likelihood, batched over ``theta``.

    At scale 1 the Beta-binomial log-pmf is
    ``log C(n, j) + betaln(a + j, b + n - j) - betaln(a, b)``; the
    binomial coefficient and ``betaln(a, b)`` cancel in the truncated
    likelihood, and ``n <= 10**5`` keeps ``betaln`` accurate to about
    ``1e-11`` (ample for a likelihood).
    """
    theta = np.atleast_2d(theta)
    a = np.exp(theta[:, :1])
    b = np.exp(theta[:, 1:2])
    with np.errstate(all="ignore"):
        lp = (data.log_comb[None, :]
              + betaln(a + data.c[None, :], b + (data.n - data.c)[None, :]))
        grid = (data.grid_comb[None]
                + betaln(a[:, :, None] + data.j[None, None, :],
                         b[:, :, None] + data.n_unique[None, :, None]
                         - data.j[None, None, :]))
        grid = np.where(data.j_mask[None], grid, -np.inf)
        log_z = logsumexp(grid, axis=2)
        nll = -((lp - log_z[:, data.n_index]) @ data.weight)
    return np.where(np.isfinite(nll), nll, 1e300)


def _tail_nll_grad(
    theta: NDArray[np.float64], data: _TailData
) -> tuple[float, NDArray[np.float64]]:
    """Return the truncated negative log-likelihood and its log-shape gradient."""
    a, b = np.exp(theta)
    with np.errstate(all="ignore"):
        n_q, c_q = data.n, data.c
        lp = betaln(a + c_q, b + n_q - c_q)
        dlp_a = digamma(a + c_q) - digamma(a + b + n_q)
        dlp_b = digamma(b + n_q - c_q) - digamma(a + b + n_q)
        jj, nn = data.j[None, :], data.n_unique[:, None]
        grid = data.grid_comb + betaln(a + jj, b + nn - jj)
        grid = np.where(data.j_mask, grid, -np.inf)
        log_z = logsumexp(grid, axis=1)
        prob = np.exp(grid - log_z[:, None])
        psi_ab = digamma(a + b + nn)
        dz_a = (prob * (digamma(a + jj) - psi_ab)).sum(axis=1)
        dz_b = (prob * np.where(data.j_mask, digamma(b + nn - jj) - psi_ab,
                                0.0)).sum(axis=1)
        idx = data.n_index
        w = data.weight
        nll = -float(w @ (lp - log_z[idx]))
        grad = -np.array([a * (w @ (dlp_a - dz_a[idx])),
                          b * (w @ (dlp_b - dz_b[idx]))])
    if not (np.isfinite(nll) and np.all(np.isfinite(grad))):
        return 1e300, np.zeros(2)
    return nll, grad


def fit_tail_prior(n: ArrayLike, c: ArrayLike) -> tuple[float, float]:
    r"""Beta prior fitted to the problems in the tail, by truncated MLE.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes of each of ``P >= 2`` problems.

    Returns
    -------
    alpha, beta : float
        Shapes of the Beta law (scale 1) maximising the likelihood of the
        tail problems' counts given that they are in the tail.

    Raises
    ------
    ValueError
        On invalid counts, fewer than two problems, or if no problem has
        between 1 and :func:`tail_cutoff` successes.
    FitError
        If the fitted ``alpha`` ends on a bound (no estimate).

    Notes
    -----
    A problem is in the tail if :math:`c_i \le m_i`, with :math:`m_i` the
    :func:`tail_cutoff` of :math:`n_i`. The fitted log-likelihood is

    .. math::

        \sum_{i:\, c_i \le m_i} \Bigl[\log P(c_i \mid n_i; \alpha, \beta)
        - \log \sum_{j=0}^{m_i} P(j \mid n_i; \alpha, \beta)\Bigr],

    the Beta-binomial law conditioned on the tail. Any law with density
    :math:`\propto p^{\alpha-1}` near 0 looks, on the tail, like a Beta
    law with the same :math:`\alpha`, so the fit estimates the tail index
    without modelling the easy problems. The shapes are optimised in log
    space within ``[1e-4, 1e6]`` (a ``beta`` on the upper bound means the
    tail looks like a Gamma law) by L-BFGS-B from the best of 12 starts.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = rng.binomial(1000, rng.beta(0.3, 5.0, 2000))
    >>> alpha, beta = fit_tail_prior(1000, c)
    >>> round(alpha, 1)
    0.3
    """
    n_arr, c_arr = check_problem_counts(n, c)
    data = _tail_data(n_arr, c_arr)
    start = _TAIL_STARTS[int(np.argmin(_tail_nll(_TAIL_STARTS, data)))]
    res = minimize(
        _tail_nll_grad,
        start,
        args=(data,),
        jac=True,
        method="L-BFGS-B",
        bounds=[_LOG_SHAPE_BOUNDS, _LOG_SHAPE_BOUNDS],
        options={"ftol": 1e-12, "gtol": 1e-8, "maxiter": 500},
    )
    lo, hi = _LOG_SHAPE_BOUNDS
    if not np.all(np.isfinite(res.x)) or not lo + 1e-6 < res.x[0] < hi - 1e-6:
        raise FitError(
            "fit_tail_prior: the tail index alpha ended on a bound of "
            f"[1e-4, 1e6] (alpha = {np.exp(res.x[0]):.4g}; {res.message}), so "
            "the tail gives no estimate; more tail problems or attempts may help"
        )
    return float(np.exp(res.x[0])), float(np.exp(res.x[1]))


# ---------------------------------------------------------------------------
# Forecasts
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecasts:
    r"""Forecasts of :math:`-\log \mathrm{pass}_D@k` by several methods.

    Attributes
    ----------
    k : numpy.ndarray
        The budgets (as given).
    values : dict of str to numpy.ndarray
        Forecast of each method, of the shape of ``k``; all NaN for a
        method that could not extrapolate from the data.
    errors : dict of str to str
        Why each failed method could not extrapolate.
    beta_fit : DistributionFit or None
        The scaled Beta fit shared by the distributional methods.
    least_squares : ExponentEstimate or None
        The least-squares power law.
    tail_prior : tuple of float or None
        ``(alpha, beta)`` of the ``"tail-eb"`` prior.
    """

    k: NDArray[np.float64]
    values: dict[str, NDArray[np.float64]]
    errors: dict[str, str]
    beta_fit: DistributionFit | None = field(default=None, repr=False)
    least_squares: ExponentEstimate | None = field(default=None, repr=False)
    tail_prior: tuple[float, float] | None = None


_NEEDS = {
    "least-squares": ("least-squares",),
    "distributional": ("beta",),
    "tail-index": ("beta",),
    "empirical-bayes": ("beta",),
    "tail-eb": ("tail",),
    "ensemble": ("least-squares", "beta"),
    "beta-binomial": ("beta-1",),
    "zero-inflated": ("zero-inflated",),
}


def forecast_all(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    methods: Sequence[str] | None = None,
    *,
    scale: float | str = "paper",
) -> Forecasts:
    r"""Forecast :math:`-\log \mathrm{pass}_D@k` by several methods at once.

    The scaled Beta fit is shared by the methods that use it, so the six
    of :data:`CORE_METHODS` cost little more than one.

    Parameters
    ----------
    n : array_like of int, shape (P,) or scalar
        Attempts per problem, ``n >= 1``.
    c : array_like of int, shape (P,)
        Successes per problem, ``0 <= c <= n``; ``P >= 2``.
    k : array_like
        Budgets to forecast at, ``k >= 1``, of any size and shape.
    methods : sequence of str, optional
        Methods of :data:`FORECAST_METHODS`; the six of
        :data:`CORE_METHODS` by default (the zero-inflated fit is slower).
    scale : {"paper", "fit"} or float, default "paper"
        Scale of the scaled Beta law of the distributional methods:
        :func:`~llmonkeys.fits.paper_scale` (the authors' rule), fitted
        by maximum likelihood with the shapes, or a given value in
        ``(0, 1]``.

    Returns
    -------
    Forecasts
        ``values[method]`` of the shape of ``k`` (NaN where a method could
        not extrapolate, with the reason in ``errors[method]``).

    Raises
    ------
    ValueError
        On invalid counts, fewer than two problems, ``k < 1``, an
        unknown method or an invalid ``scale``.

    See Also
    --------
    forecast_neg_log_pass_at_k : One method; raises where it cannot
        extrapolate.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> c = rng.binomial(100, rng.beta(0.3, 3.0, 200))
    >>> out = forecast_all(100, c, [1_000, 10_000])
    >>> sorted(out.values) == sorted(CORE_METHODS), out.errors
    (True, {})
    """
    n_arr, c_arr = check_problem_counts(n, c)
    k_arr = _check_k(k)
    chosen = CORE_METHODS if methods is None else tuple(methods)
    for m in chosen:
        check_choice(m, "method", FORECAST_METHODS)
    scale_kw = _scale_options(scale)
    k_flat = k_arr.ravel()
    needs = {need for m in chosen for need in _NEEDS[m]}
    parts: dict[str, object] = {}
    errors: dict[str, str] = {}

    if "least-squares" in needs:
        try:
            parts["least-squares"] = _least_squares(n_arr, c_arr)
        except ValueError as err:
            errors["least-squares"] = str(err)
    if "beta" in needs:
        try:
            parts["beta"] = _beta_fit(n_arr, c_arr, scale_kw)
        except ValueError as err:
            errors["beta"] = str(err)
    if "tail" in needs:
        try:
            parts["tail"] = fit_tail_prior(n_arr, c_arr)
        except ValueError as err:
            errors["tail"] = str(err)
    if "beta-1" in needs:
        try:
            parts["beta-1"] = _beta_fit(n_arr, c_arr, {"scale": 1.0})
        except ValueError as err:
            errors["beta-1"] = str(err)
    if "zero-inflated" in needs:
        try:
            parts["zero-inflated"] = _zero_inflated_fit(n_arr, c_arr)
        except ValueError as err:
            errors["zero-inflated"] = str(err)

    values: dict[str, NDArray[np.float64]] = {}
    failed: dict[str, str] = {}
    for m in chosen:
        missing = [need for need in _NEEDS[m] if need not in parts]
        if missing:
            failed[m] = errors[missing[0]]
            values[m] = np.full(k_arr.shape, np.nan)
            continue
        try:
            y = _evaluate(m, parts, n_arr, c_arr, k_flat, values)
        except ValueError as err:
            failed[m] = str(err)
            values[m] = np.full(k_arr.shape, np.nan)
            continue
        values[m] = y.reshape(k_arr.shape)
    fit = parts.get("beta")
    ls = parts.get("least-squares")
    tail = parts.get("tail")
    return Forecasts(
        k=k_arr,
        values=values,
        errors=failed,
        beta_fit=fit if isinstance(fit, DistributionFit) else None,
        least_squares=ls if isinstance(ls, ExponentEstimate) else None,
        tail_prior=tail if isinstance(tail, tuple) else None,
    )


def _least_squares(n: NDArray[np.int64], c: NDArray[np.int64]) -> ExponentEstimate:
    if np.all(c == 0):
        raise ValueError(
            "every c is 0 (no problem was solved within the budget), so the "
            "estimated -log pass_D@k is infinite at every k <= n and there "
            "is no curve to regress"
        )
    if int(n.min()) < 2:
        raise ValueError(
            "least squares needs budgets k = 1 .. min(n) with min(n) >= 2 to "
            f"fit a line; got min(n) = {int(n.min())}"
        )
    try:
        return estimate_exponent(n, c, "least-squares")
    except ValueError as err:
        raise ValueError(
            f"least squares cannot extrapolate from these counts: {err}"
        ) from None


def _scale_options(scale: object) -> dict[str, object]:
    if isinstance(scale, str):
        if scale == "paper":
            return {}
        if scale == "fit":
            return {"fit_scale": True}
        raise ValueError(
            f"scale must be 'paper', 'fit' or a number in (0, 1]; got {scale!r}"
        )
    if isinstance(scale, bool) or not isinstance(scale, int | float | np.number):
        raise ValueError(
            f"scale must be 'paper', 'fit' or a number in (0, 1]; got {scale!r}"
        )
    if not 0 < float(scale) <= 1:
        raise ValueError(f"scale must be in (0, 1]; got {scale!r}")
    return {"scale": float(scale)}


def _beta_fit(
    n: NDArray[np.int64], c: NDArray[np.int64], options: dict[str, object]
) -> DistributionFit:
    try:
        fit = fit_scaled_beta_binomial(n, c, **options)  # type: ignore[arg-type]
        return require_converged(fit, "the forecast's scaled Beta fit")
    except ValueError as err:
        raise ValueError(
            f"the scaled Beta law cannot be fitted to these counts: {err}"
        ) from None


def _zero_inflated_fit(n: NDArray[np.int64], c: NDArray[np.int64]) -> object:
    try:
        fit = fit_zero_inflated_beta_binomial(n, c, scale=1.0)
    except ValueError as err:
        raise ValueError(
            f"the zero-inflated law cannot be fitted to these counts: {err}"
        ) from None
    if not fit.converged:
        raise FitError("the forecast's zero-inflated fit did not converge")
    return fit.distribution


def _evaluate(
    method: str,
    parts: dict[str, object],
    n: NDArray[np.int64],
    c: NDArray[np.int64],
    k: NDArray[np.float64],
    done: dict[str, NDArray[np.float64]],
) -> NDArray[np.float64]:
    if method == "least-squares":
        est = parts["least-squares"]
        assert isinstance(est, ExponentEstimate)
        return est.prefactor * k ** (-est.exponent)
    if method == "tail-eb":
        alpha, beta = parts["tail"]  # type: ignore[misc]
        nq, cq, wq = _pairs(n, c)
        return _neg_log_pass(
            _log_posterior_failure(nq, cq, k, alpha, beta, 1.0), wq
        )
    if method == "beta-binomial":
        fit1 = parts["beta-1"]
        assert isinstance(fit1, DistributionFit)
        return np.asarray(fit1.distribution.neg_log_pass_at_k(k), dtype=np.float64)
    if method == "zero-inflated":
        law = parts["zero-inflated"]
        return np.asarray(law.neg_log_pass_at_k(k), dtype=np.float64)  # type: ignore[attr-defined]
    fit = parts["beta"]
    assert isinstance(fit, DistributionFit)
    if method == "distributional":
        return np.asarray(fit.distribution.neg_log_pass_at_k(k), dtype=np.float64)
    if method == "tail-index":
        # A k^-alpha with A = Gamma(alpha + beta) / (Gamma(beta) s^alpha),
        # in log space (A overflows for the large alpha of a poor fit).
        a, b = fit.alpha, fit.beta
        with np.errstate(over="ignore"):
            y = np.exp(gammaln(a + b) - gammaln(b) - a * np.log(fit.scale * k))
        if not np.all(np.isfinite(y)):
            raise ValueError(
                f"the tail-index power law A k^-alpha overflows at the smallest "
                f"k (alpha = {a:.4g}, beta = {b:.4g}): the fitted law's tail "
                "index is too large for its asymptote to describe these budgets"
            )
        return y
    if method == "empirical-bayes":
        nq, cq, wq = _pairs(n, c)
        return _neg_log_pass(
            _log_posterior_failure(nq, cq, k, fit.alpha, fit.beta, fit.scale), wq
        )
    # ensemble
    ls = done.get("least-squares")
    ls = (_evaluate("least-squares", parts, n, c, k, done) if ls is None
          else ls.ravel())
    eb = done.get("empirical-bayes")
    eb = (_evaluate("empirical-bayes", parts, n, c, k, done) if eb is None
          else eb.ravel())
    return np.sqrt(ls * eb)


def forecast_neg_log_pass_at_k(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    method: str = "empirical-bayes",
    *,
    scale: float | str = "paper",
) -> NDArray[np.float64]:
    r"""Forecast :math:`-\log \mathrm{pass}_D@k` at any budget from counts.

    Parameters
    ----------
    n : array_like of int, shape (P,) or scalar
        Attempts per problem, ``n >= 1``.
    c : array_like of int, shape (P,)
        Successes per problem, ``0 <= c <= n``; ``P >= 2``.
    k : array_like
        Budgets to forecast at, real ``k >= 1``, below or far above
        ``n``.
    method : str, default "empirical-bayes"
        One of :data:`FORECAST_METHODS` (see the module docstring).
    scale : {"paper", "fit"} or float, default "paper"
        Scale of the scaled Beta law (see :func:`forecast_all`).

    Returns
    -------
    numpy.ndarray
        The forecast, of the shape of ``k``; positive.

    Raises
    ------
    ValueError
        On invalid counts, fewer than two problems, ``k < 1``, an unknown
        method, an invalid ``scale``, or data the method cannot
        extrapolate from: every
        ``c = 0`` (no problem solved: every method), every ``c = n``
        (nothing left to forecast: the fitted methods), ``min(n) < 2`` or
        fewer than two budgets with ``0 < pass_D@k < 1`` (least squares),
        or no problem with between 1 and :func:`tail_cutoff` successes
        (``"tail-eb"``), or a scaled Beta fit that did not converge or
        ended with a shape on a bound (the fitted methods), or a tail-index
        prefactor that overflows. The message says why.

    Notes
    -----
    With :math:`F_i(k)` the forecast failure probability of problem
    :math:`i`, the empirical-Bayes methods return
    :math:`-\log\bigl(1 - P^{-1}\sum_i F_i(k)\bigr)`, computed in log
    space; see :func:`posterior_failure_rate`.

    Examples
    --------
    >>> import llmonkeys.distributions as dist
    >>> rng = np.random.default_rng(2)
    >>> law = dist.ScaledBeta(0.3, 3.0)
    >>> c = rng.binomial(100, law.sample(500, rng))
    >>> y = forecast_neg_log_pass_at_k(100, c, 10_000, "distributional")
    >>> bool(abs(y / law.neg_log_pass_at_k(10_000) - 1) < 0.2)
    True
    """
    method = check_choice(method, "method", FORECAST_METHODS)
    out = forecast_all(n, c, k, methods=(method,), scale=scale)
    if method in out.errors:
        raise ValueError(
            f"method {method!r} cannot extrapolate from these counts: "
            f"{out.errors[method]}"
        )
    return out.values[method]
