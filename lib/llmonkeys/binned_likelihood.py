r"""Binned-histogram ("discretized") likelihoods of the success rates.

The authors' code release of :cite:t:`schaeffer2025monkeys` fits the law
of the per-problem success probabilities in a second way besides the
beta-binomial likelihood: it bins the estimated rates
:math:`\hat p_i = c_i / n_i` into a histogram and maximises the
multinomial likelihood of the bin counts under a Beta or Kumaraswamy
law. The fitted first shape is reported as the power-law exponent (the
"Discretized Beta" and "Discretized Kumaraswamy" estimators of its
synthetic study). This module reimplements that recipe, read from
``fit_discretized_beta_three_parameters_to_num_samples_and_num_successes``,
``fit_discretized_kumaraswamy_three_parameters_to_num_samples_and_num_successes``
and ``compute_discretized_neg_log_likelihood`` in upstream
``src/analyze.py`` (commit ``cd078ae``):

Beta
    Resolution :math:`r = 1/n`; bin edges ``0`` followed by
    ``max(2, int(1 / r / 10))`` log-spaced points from :math:`r` to 1;
    the law is :math:`\hat s\,\mathrm{Beta}(\alpha, \beta)` with
    :math:`\hat s = \max_i \hat p_i` (not inflated).
Kumaraswamy
    The rates are divided by :math:`\max_i \hat p_i + 10^{-6}`; bin
    edges ``0``, :math:`r/2`, then five log-spaced points per decade
    from :math:`r` to 1; the law is the unscaled
    :math:`\mathrm{Kumaraswamy}(a, b)`.

The probability of each bin is the difference of the distribution
function at its edges plus :math:`10^{-16}` (upstream's guard against
empty bins), both shapes are bounded to ``[0.01, 100]`` as upstream, and
the fit is by L-BFGS-B (here in log-shape coordinates, from the best of
a grid of starts rather than upstream's moment start). Unlike the
beta-binomial likelihood of :mod:`llmonkeys.fits`, the binned likelihood
treats :math:`\hat p_i` as if it were :math:`p_i`: every unsolved problem
lands in the first bin, whatever its true :math:`p_i`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import betainc

from llmonkeys._validation import check_problem_counts

__all__ = [
    "BINNED_FAMILIES",
    "BinnedFit",
    "binned_edges",
    "binned_neg_log_likelihood",
    "fit_binned_law",
]

#: Laws the binned likelihood can fit.
BINNED_FAMILIES: tuple[str, ...] = ("beta", "kumaraswamy")

_BOUNDS = (math.log(0.01), math.log(100.0))
_EMPTY_BIN = 1e-16
_KUMARASWAMY_EPS = 1e-6
_STARTS = np.log(np.array([(a, b) for a in (0.05, 0.2, 0.8) for b in (0.5, 3.0, 20.0)]))


@dataclass(frozen=True)
class BinnedFit:
    r"""Maximum binned-histogram likelihood fit of a law of ``p``.

    Attributes
    ----------
    family : {"beta", "kumaraswamy"}
        The law.
    alpha, beta : float
        Its shapes (``a`` and ``b`` for the Kumaraswamy law); ``alpha``
        is the left-tail index, the reported exponent.
    scale : float
        :math:`\max_i c_i / n_i`, the scale the rates are referred to.
    nll : float
        Negative log-likelihood of the bin counts at the fit (a sum).
    on_bound : bool
        Whether a shape ended on a bound of ``[0.01, 100]``.
    converged : bool
        Whether the optimiser reported success.
    """

    family: str
    alpha: float
    beta: float
    scale: float
    nll: float
    on_bound: bool
    converged: bool


def _check_family(family: object) -> str:
    if family not in BINNED_FAMILIES:
        raise ValueError(
            f"family must be one of {BINNED_FAMILIES}; got {family!r}"
        )
    return str(family)


def binned_edges(n_attempts: int, family: str = "beta") -> NDArray[np.float64]:
    r"""Bin edges of the upstream histogram for ``n_attempts`` per problem.

    Parameters
    ----------
    n_attempts : int
        Attempts per problem, ``>= 2``; the resolution is its inverse.
    family : {"beta", "kumaraswamy"}
        Which of upstream's two binnings.

    Returns
    -------
    numpy.ndarray
        Increasing edges from 0 to 1.

    Raises
    ------
    ValueError
        If ``n_attempts < 2`` or the family is unknown.

    Examples
    --------
    >>> binned_edges(100).round(3).tolist()[:4]
    [0.0, 0.01, 0.017, 0.028]
    >>> binned_edges(100, "kumaraswamy").size
    13
    """
    family = _check_family(family)
    if isinstance(n_attempts, bool) or not isinstance(n_attempts, int | np.integer):
        raise ValueError(f"n_attempts must be an integer >= 2; got {n_attempts!r}")
    if n_attempts < 2:
        raise ValueError(f"n_attempts must be >= 2; got {n_attempts}")
    r = 1.0 / float(n_attempts)
    if family == "beta":
        num = max(2, int(1.0 / r / 10.0))
        return np.concatenate([[0.0], np.logspace(math.log10(r), 0.0, num)])
    decades = -int(math.log10(r))
    log_bins = np.logspace(math.log10(r), 0.0, max(2, decades * 5 + 1))
    return np.concatenate([[0.0, r / 2.0], log_bins])


def _rates(
    n: ArrayLike, c: ArrayLike
) -> tuple[NDArray[np.float64], int]:
    n_arr, c_arr = check_problem_counts(n, c)
    if np.all(c_arr == 0):
        raise ValueError(
            "every c is 0: the rates are all 0, the scale max(c/n) is 0 and "
            "the binned likelihood is undefined"
        )
    if int(n_arr.min()) < 2:
        raise ValueError(f"every n must be >= 2; got min(n) = {int(n_arr.min())}")
    return c_arr / n_arr, int(n_arr.max())


def _bin_data(
    rates: NDArray[np.float64], n_max: int, family: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Lower and upper edges of the non-empty bins, their counts, the scale.

    Empty bins add nothing to the likelihood, so only the distribution
    function at the edges of occupied bins is needed.
    """
    edges = binned_edges(n_max, family)
    scale = float(rates.max())
    x = rates if family == "beta" else rates / (scale + _KUMARASWAMY_EPS)
    counts = np.histogram(x, edges)[0].astype(np.float64)
    used = np.flatnonzero(counts)
    return np.stack([edges[used], edges[used + 1]]), counts[used], scale


def _nll(
    theta: NDArray[np.float64], edges: NDArray[np.float64],
    counts: NDArray[np.float64], scale: float, family: str,
) -> NDArray[np.float64]:
    """Binned negative log-likelihood, batched over rows of ``theta``."""
    theta = np.atleast_2d(theta)
    a = np.exp(theta[:, :1, None])
    b = np.exp(theta[:, 1:2, None])
    if family == "beta":
        cdf = betainc(a, b, np.minimum(edges[None] / scale, 1.0))
    else:
        with np.errstate(divide="ignore"):  # log1p(-1) at the last edge
            cdf = -np.expm1(b * np.log1p(-np.minimum(edges[None], 1.0) ** a))
    mass = cdf[:, 1] - cdf[:, 0]
    return -(np.log(np.maximum(mass, 0.0) + _EMPTY_BIN) @ counts)


def binned_neg_log_likelihood(
    n: ArrayLike,
    c: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    family: str = "beta",
) -> NDArray[np.float64]:
    r"""Upstream's binned negative log-likelihood at given shapes.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes per problem; ``P >= 2``, ``n >= 2``, at
        least one success. The resolution is ``1 / max(n)``.
    alpha, beta : array_like
        Shapes, positive; broadcast together.
    family : {"beta", "kumaraswamy"}
        The law.

    Returns
    -------
    numpy.ndarray
        :math:`-\sum_j N_j \log(F(e_{j+1}) - F(e_j) + 10^{-16})`, with
        :math:`N_j` the number of rates in bin :math:`j`, of the broadcast
        shape of ``alpha`` and ``beta``. Upstream returns the mean of the
        summands over bins; the minimiser is the same.

    Raises
    ------
    ValueError
        On invalid counts, every ``c = 0``, ``n < 2``, non-positive
        shapes or an unknown family.

    Examples
    --------
    >>> nll = binned_neg_log_likelihood([100] * 4, [0, 1, 5, 20], 0.5, 2.0)
    >>> bool(nll > 0)
    True
    """
    family = _check_family(family)
    rates, n_max = _rates(n, c)
    a, b = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(beta, float))
    if not (np.all(np.isfinite(a)) and np.all(a > 0) and np.all(np.isfinite(b))
            and np.all(b > 0)):
        raise ValueError("alpha and beta must be finite and > 0")
    edges, counts, scale = _bin_data(rates, n_max, family)
    theta = np.stack([np.log(a.ravel()), np.log(b.ravel())], axis=1)
    return _nll(theta, edges, counts, scale, family).reshape(a.shape)


def fit_binned_law(n: ArrayLike, c: ArrayLike, family: str = "beta") -> BinnedFit:
    r"""Fit a Beta or Kumaraswamy law to binned success rates, as upstream.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes per problem; ``P >= 2``, ``n >= 2``, at
        least one success.
    family : {"beta", "kumaraswamy"}
        The law (see the module docstring for each binning).

    Returns
    -------
    BinnedFit
        The shapes maximising :func:`binned_neg_log_likelihood` within
        ``[0.01, 100]``.

    Raises
    ------
    ValueError
        On invalid counts, every ``c = 0``, ``n < 2`` or an unknown
        family.

    Notes
    -----
    The fitted ``alpha`` is the "Discretized" exponent of upstream's
    synthetic study. An unsolved problem counts as a rate in
    :math:`[0, 1/n)` (Beta) or :math:`[0, 1/(2n))` (Kumaraswamy), so the
    fit sees only the *fraction* of unsolved problems, not how hard they
    are.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = rng.binomial(10_000, 0.1 * rng.beta(0.3, 3.0, 2_000))
    >>> fit = fit_binned_law(10_000, c)
    >>> bool(0.15 < fit.alpha < 0.6)
    True
    """
    family = _check_family(family)
    rates, n_max = _rates(n, c)
    edges, counts, scale = _bin_data(rates, n_max, family)
    start = _STARTS[int(np.argmin(_nll(_STARTS, edges, counts, scale, family)))]
    with np.errstate(all="ignore"):
        res = minimize(
            lambda th: float(_nll(th, edges, counts, scale, family)[0]),
            start, method="L-BFGS-B", bounds=[_BOUNDS, _BOUNDS],
            options={"ftol": 1e-12, "gtol": 1e-8, "maxiter": 1000},
        )
    x = np.clip(res.x, *_BOUNDS)
    on_bound = bool(np.any((x <= _BOUNDS[0] + 1e-6) | (x >= _BOUNDS[1] - 1e-6)))
    return BinnedFit(
        family=family, alpha=float(np.exp(x[0])), beta=float(np.exp(x[1])),
        scale=scale, nll=float(res.fun), on_bound=on_bound,
        converged=bool(res.success),
    )
