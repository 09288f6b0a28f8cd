r"""Maximum-likelihood fits of success-probability laws to per-problem counts.

The distributional method of :cite:t:`schaeffer2025monkeys` does not
regress the aggregate curve :math:`-\log \mathrm{pass}_D@k` on ``k``.
It models the single-attempt success probability :math:`p_i` of each
problem as a draw from a law :math:`F`, so that the ``c_i`` successes in
``n_i`` attempts follow the mixed binomial law

.. math::

    P(c_i \mid n_i) = \binom{n_i}{c_i}
        \int_0^1 p^{c_i} (1 - p)^{n_i - c_i} \, \mathrm{d}F(p),

fits :math:`F` by maximum likelihood over all problems (unsolved ones
included) and reads the power law off the fitted law: the left tail
:math:`F(p) \propto p^{b}` near 0 gives
:math:`-\log \mathrm{pass}_D@k \sim a k^{-b}` (see
:mod:`llmonkeys.distributions`). :math:`F` is a scaled Beta or a scaled
Kumaraswamy law, :math:`p = s X` with :math:`X` on ``[0, 1]``.

The likelihood is evaluated by :mod:`llmonkeys.distributions` in double
precision, vectorised over problems and parameter vectors; the authors'
code evaluated it with ``mpmath`` hypergeometric functions, one problem
at a time. Problems with equal ``(n, c)`` are merged and weighted, so a
bootstrap replicate costs no more likelihood terms than the full data.

Notes
-----
What the upstream code does, read from ``src/analyze.py`` of
``RylanSchaeffer/KoyejoLab-Large-How-Do-Language-Monkey-Power-Get-Their-Power``
(commit ``b9116a8``, the last version stored; below, ``..._counts``
abbreviates the suffix ``_to_num_samples_and_num_successes``):

* ``fit_beta_binomial_three_parameters..._counts`` fits the scaled
  ("three-parameter") Beta-binomial. The scale is *not* fitted: it is
  fixed at ``scale = (P + 1) / P * max_i(c_i / n_i)``, capped at 1, with
  ``P`` the number of problems (a comment calls this an inflation "to
  correct for bias" and leaves it as a TODO). Only ``alpha`` and
  ``beta`` are optimised, by L-BFGS-B with bounds ``[0.01, 100]``,
  started from ``scipy.stats.beta.fit`` of the clipped ``c / n`` with the
  scale fixed, on the *mean* negative log-likelihood over problems,
  evaluated with ``mpmath.hyp2f1`` one problem at a time. All problems
  enter the likelihood, unsolved ones (``c = 0``) included; if every
  ``c`` is 0 the fit returns NaN ("Failure (Num Successes All Zeros)").
* ``fit_kumaraswamy_binomial_three_parameters..._counts`` is the same
  with a scaled Kumaraswamy law (likelihood by ``scipy.integrate.quad``
  per problem).
* ``compute_scaling_exponent_from_distributional_fit`` evaluates the
  fitted law's exact curve :math:`-\log(1 - E[(1 - p)^k])` with
  ``mpmath.quad`` on ``k = np.unique(np.logspace(0, 4, 20, dtype=int))``
  (1 to 10,000) and regresses it on ``k`` in log-log space. That slope
  is the "Beta-Binomial" and "Kumaraswamy-Binomial" exponent of
  ``cross_validate_power_law_coefficient_estimators_from_individual_``
  ``outcomes_helper``; its "Discretized Beta/Kumaraswamy" methods report
  the fitted ``alpha`` itself (the tail index).
* The least-squares exponent of that helper regresses
  :math:`-\log \mathrm{pass}_D@k` on
  ``k = np.unique(np.logspace(0, np.log10(n), 100).astype(int))``, ``n``
  the number of attempts per problem; unsolved problems enter with
  pass@k = 0.
* ``src/better_optimiation.py`` fits ``n_distr``-component mixtures of
  *unscaled* Beta-binomials by direct L-BFGS-B (several starts, bounds
  ``[0.01, 100]``); ``src/scaled_beta_binomial.py`` does the same by EM
  with k-means starts.

This module follows that procedure by default (scale from the rule
above, see :func:`paper_scale`; distributional exponent regressed from
the exact curve) and differs where noted: the negative log-likelihood is
reported as a *sum* over problems (so that the AIC is meaningful), the
shapes are optimised in log space within ``[1e-4, 1e6]``, ``k`` defaults
to the least-squares grid (for ``n = 10,000`` the same range as
upstream's 20 points), and the scale can be fitted as a third parameter
(``fit_scale=True``). On the Pythia MATH data the fitted scale runs to 1
for six of the seven models, with a log-likelihood higher by 2 to 6 than
at the rule's scale, and the distributional exponent moves towards the
least-squares one (``benchmarks/bench_fits.py``). The paper's own
distributional exponents are plotted, not tabulated, in the text we
could search, so no reference values are quoted.

The modules built on this one (:mod:`llmonkeys.exponents`,
:mod:`llmonkeys.checks`) fit through a small documented interface that
is not in ``__all__`` (not re-exported by ``llmonkeys``):
:class:`CountTable` and :func:`count_table` (distinct weighted ``(n, c)``
pairs), :func:`fit_count_table` (one fit, warm-startable, with its log
parameters), :func:`fit_family`, :class:`MeanNegLogLikelihood`,
:func:`family_logpmf`, :func:`on_shape_bound`, :func:`scale_from_log`,
and the validators :func:`check_family`, :func:`check_fits` and
:func:`check_distribution_fit`.

References
----------
.. [1] R. Schaeffer et al., "How Do Large Language Monkeys Get Their
   Power (Laws)?", ICML 2025, arXiv:2502.17578.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import gammaln, logsumexp, xlog1py, xlogy

from llmonkeys._tidy import (
    check_tidy_counts,
    groups_by_model,
    in_model_order,
    ordered_categories,
)
from llmonkeys._validation import (
    as_count_array,
    as_float_array,
    check_confidence,
    check_counts,
    check_int,
    check_probability_scalar,
    check_problem_counts,
)
from llmonkeys.distributions import (
    Mixture,
    ScaledBeta,
    ScaledKumaraswamy,
    inflate_at_zero,
    scaled_beta_binomial_logpmf,
    scaled_kumaraswamy_binomial_logpmf,
)

__all__ = [
    "FAMILIES",
    "FitError",
    "require_converged",
    "paper_scale",
    "DistributionFit",
    "fit_scaled_beta_binomial",
    "fit_scaled_kumaraswamy_binomial",
    "MixtureFit",
    "fit_beta_binomial_mixture",
    "log_parameter_covariance",
    "Fit",
    "fit_families_by_model",
    "fitted_curves",
    "fitted_densities",
    "ZeroInflationTest",
    "profile_scale",
    "zero_inflation_test",
]

#: Names of ``__all__`` reached as ``lm.fits.<name>`` only (result types
#: and lower-level helpers); ``llmonkeys`` re-exports the others.
_MODULE_ONLY: tuple[str, ...] = (
    "fit_scaled_kumaraswamy_binomial",
    "fit_beta_binomial_mixture",
    "require_converged",
    "DistributionFit",
    "MixtureFit",
    "Fit",
    "ZeroInflationTest",
    "FAMILIES",
    "log_parameter_covariance",
)

Family = Literal["scaled-beta", "scaled-kumaraswamy"]

#: Families of laws of success probabilities that can be fitted: the
#: paper's scaled Beta and scaled Kumaraswamy laws (one law,
#: :class:`DistributionFit`) and a mixture of Beta laws
#: (:class:`MixtureFit`).
FAMILIES: tuple[str, ...] = ("scaled-beta", "scaled-kumaraswamy", "beta-mixture")
# The families of a single scaled law (fit_scaled_*; DistributionFit).
_SCALED_FAMILIES: tuple[str, ...] = FAMILIES[:2]

# Bounds of the shape parameters, generous on purpose: a fit that ends on
# one is reported as not converged rather than silently clipped.
_LOG_SHAPE_MIN = math.log(1e-4)

_LOG_SHAPE_MAX = math.log(1e6)

# A shape within this distance (in log) of a bound counts as on it: on a
# flat likelihood the optimiser stops short of the bound it is heading to
# (e.g. alpha = 1.3e-4 when the maximum lies at alpha -> 0).
_BOUND_MARGIN = math.log(2.0)

# Bounds of log(scale): scale in [1e-6, 1].
_LOG_SCALE_MIN = math.log(1e-6)

_LOG_SCALE_MAX = 0.0

# Bounds of the mixture's weight logits (weights of about 6e-6 .. 1).
_WEIGHT_LOGIT_MAX = 12.0

# Central-difference step in the (log) parameters.
_FD_STEP = 1e-5

# Value returned for non-finite objectives, so that line searches back off.
_BAD = 1e10

# Start grid of the shape parameters (alpha, beta) or (a, b).
_START_ALPHA = (0.1, 0.6)

_START_BETA = (1.0, 8.0, 64.0)


# ---------------------------------------------------------------------------
# Fitting interface of the modules built on fits (exponents, checks):
# documented, reached as ``llmonkeys.fits.<name>``, not in ``__all__`` and
# so not re-exported at the top level.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CountTable:
    """Distinct ``(n, c)`` pairs of a benchmark with their weights.

    Problems with equal counts share one likelihood term, so a weighted
    table (a bootstrap replicate) costs no more evaluations than the data.
    Build one with :func:`count_table`.

    Attributes
    ----------
    n, c : numpy.ndarray of float, shape (U,)
        The ``U`` distinct pairs of attempts and successes.
    weight : numpy.ndarray of float, shape (U,)
        How many problems each pair stands for (a multiplicity, or a
        bootstrap weight).
    inverse : numpy.ndarray of int, shape (P,)
        Index of each problem's pair (empty for a :meth:`subset`).
    n_problems : int
        Number of problems ``P`` (the total weight).
    """

    n: NDArray[np.float64]
    c: NDArray[np.float64]
    weight: NDArray[np.float64]
    inverse: NDArray[np.int64]
    n_problems: int

    def subset(self, weight: NDArray[np.float64]) -> CountTable:
        """Return the table reweighted by ``weight``, zero-weight pairs dropped.

        Parameters
        ----------
        weight : numpy.ndarray of float, shape (U,)
            New weight of every pair (e.g. a bootstrap replicate's).

        Returns
        -------
        CountTable
            The pairs of positive weight; ``inverse`` is empty.
        """
        keep = weight > 0
        return CountTable(
            n=self.n[keep],
            c=self.c[keep],
            weight=weight[keep].astype(np.float64),
            inverse=np.empty(0, dtype=np.int64),
            n_problems=int(round(weight.sum())),
        )


def count_table(n: NDArray[np.int64], c: NDArray[np.int64]) -> CountTable:
    """Merge validated per-problem counts into distinct weighted pairs.

    Parameters
    ----------
    n, c : numpy.ndarray of int, shape (P,)
        Attempts and successes per problem, already validated (as by
        ``check_problem_counts``).

    Returns
    -------
    CountTable
        The distinct pairs, each weighted by how many problems share it.

    Examples
    --------
    >>> table = count_table(np.array([10, 10, 10]), np.array([0, 2, 0]))
    >>> table.c.tolist(), table.weight.tolist(), table.inverse.tolist()
    ([0.0, 2.0], [2.0, 1.0], [0, 1, 0])
    """
    pairs, inverse, counts = np.unique(
        np.stack([n, c], axis=1), axis=0, return_inverse=True, return_counts=True
    )
    return CountTable(
        n=pairs[:, 0].astype(np.float64),
        c=pairs[:, 1].astype(np.float64),
        weight=counts.astype(np.float64),
        inverse=inverse.ravel().astype(np.int64),
        n_problems=int(n.size),
    )


def _degenerate_reason(counts: CountTable) -> str | None:
    if np.all(counts.c == 0):
        return (
            "every c is 0 (no problem was ever solved), so the likelihood "
            "increases without bound as the law's mass moves to p = 0: the "
            "maximum-likelihood estimate does not exist"
        )
    if np.all(counts.c == counts.n):
        return (
            "every c equals n (every attempt succeeded), so the likelihood "
            "increases without bound as the law's mass moves to p = scale: "
            "the maximum-likelihood estimate does not exist"
        )
    return None


def _check_not_degenerate(counts: CountTable) -> None:
    reason = _degenerate_reason(counts)
    if reason is not None:
        raise ValueError(f"cannot fit a law to these counts: {reason}")


def _rule_scale(counts: CountTable) -> float:
    p_max = float(np.max(counts.c / counts.n))
    m = counts.n_problems
    return min((m + 1.0) / m * p_max, 1.0)


def paper_scale(n: ArrayLike, c: ArrayLike) -> float:
    r"""Scale chosen from the data as in the authors' code.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes of each of ``P >= 2`` problems.

    Returns
    -------
    float
        :math:`\min\{(P + 1)/P \cdot \max_i c_i / n_i,\ 1\}`.

    Raises
    ------
    ValueError
        On invalid counts, fewer than two problems, or if every ``c`` is 0
        (the scale would be 0).

    Notes
    -----
    ``fit_beta_binomial_three_parameters_to_num_samples_and_num_successes``
    in the upstream ``src/analyze.py`` fixes the scale of the scaled Beta
    at this value, the largest observed success rate inflated by a factor
    :math:`(P + 1)/P`, and fits only the two shape parameters.

    Examples
    --------
    >>> paper_scale([100, 100, 100, 100], [0, 1, 4, 20])
    0.25
    """
    counts = count_table(*check_problem_counts(n, c))
    if np.all(counts.c == 0):
        raise ValueError(
            "every c is 0, so the largest success rate and the scale are 0; "
            "at least one success is needed"
        )
    return _rule_scale(counts)


@dataclass(frozen=True)
class DistributionFit:
    r"""Maximum-likelihood fit of a scaled law to per-problem counts.

    Attributes
    ----------
    family : {"scaled-beta", "scaled-kumaraswamy"}
        The law of :math:`p = s X`: :math:`X \sim \mathrm{Beta}(\alpha,
        \beta)` or :math:`X \sim \mathrm{Kumaraswamy}(a, b)`.
    alpha, beta : float
        Shape parameters. For the Kumaraswamy family these are ``a`` and
        ``b`` (``alpha`` is always the left-tail index, the asymptotic
        power-law exponent); :attr:`params` gives family-specific names.
    scale : float
        :math:`s`, the upper end of the law's support.
    scale_source : {"given", "paper-rule", "fitted"}
        Whether the scale was passed in, set by :func:`paper_scale`, or
        fitted by maximum likelihood.
    nll : float
        Negative log-likelihood at the fit, summed over problems.
    n_problems : int
        Number of problems ``P``.
    n_params : int
        Number of fitted parameters: 2, or 3 when the scale is fitted
        (the data-dependent scale of the paper's rule is not counted).
    aic : float
        Akaike information criterion, ``2 * n_params + 2 * nll``.
    converged : bool
        Whether the optimiser reported convergence, no shape parameter
        ended on (or within a factor of 2 of) a bound of ``[1e-4, 1e6]``,
        and the fit beats a single
        common success probability (otherwise the maximum lies at the
        boundary ``alpha, beta -> infinity``: no overdispersion).
    message : str
        The optimiser's message, with notes on bounds or fallbacks.
    n_evaluations : int
        Number of parameter vectors at which the likelihood was evaluated
        (a gradient costs ``2 d + 1`` of them, ``d`` the number of fitted
        parameters).
    distribution : ScaledBeta or ScaledKumaraswamy
        The fitted law.
    """

    family: str
    alpha: float
    beta: float
    scale: float
    scale_source: str
    nll: float
    n_problems: int
    n_params: int
    aic: float
    converged: bool
    message: str
    n_evaluations: int
    distribution: ScaledBeta | ScaledKumaraswamy = field(repr=False, compare=False)

    @property
    def params(self) -> dict[str, float]:
        """Fitted parameters under their family's names.

        Returns
        -------
        dict
            ``{"alpha", "beta", "scale"}`` for the scaled Beta,
            ``{"a", "b", "scale"}`` for the scaled Kumaraswamy.
        """
        if self.family == "scaled-beta":
            return {"alpha": self.alpha, "beta": self.beta, "scale": self.scale}
        return {"a": self.alpha, "b": self.beta, "scale": self.scale}

    @property
    def exponent(self) -> float:
        """Left-tail index of the fitted law (its asymptotic exponent).

        Returns
        -------
        float
            ``alpha`` (scaled Beta) or ``a`` (scaled Kumaraswamy).
        """
        return self.alpha


def family_logpmf(family: str) -> Callable[..., NDArray[np.float64]]:
    """Return the vectorised log-pmf of a scaled family's binomial mixture.

    Parameters
    ----------
    family : {"scaled-beta", "scaled-kumaraswamy"}
        A validated family (:func:`check_family`).

    Returns
    -------
    callable
        ``logpmf(c, n, alpha, beta, scale)`` from
        :mod:`llmonkeys.distributions`, broadcasting over its arguments.
    """
    if family == "scaled-beta":
        return scaled_beta_binomial_logpmf
    return scaled_kumaraswamy_binomial_logpmf


def _make_distribution(
    family: str, alpha: float, beta: float, scale: float
) -> ScaledBeta | ScaledKumaraswamy:
    if family == "scaled-beta":
        return ScaledBeta(alpha, beta, scale=scale)
    return ScaledKumaraswamy(alpha, beta, scale=scale)


class MeanNegLogLikelihood:
    """Mean negative log-likelihood over problems, in log parameters.

    ``MeanNegLogLikelihood(family, counts, scale)`` with a
    :class:`CountTable`; ``scale=None`` fits the scale as a third
    parameter.

    ``theta`` holds ``(log alpha, log beta)`` and, when the scale is
    fitted, ``log(scale) <= 0``. Evaluations are batched: a ``(m, d)``
    array of parameter vectors costs one call of the vectorised log-pmf.
    """

    def __init__(self, family: str, counts: CountTable, scale: float | None) -> None:
        self.logpmf = family_logpmf(family)
        self.counts = counts
        self.scale = scale
        self.n_evaluations = 0

    def values(self, theta: NDArray[np.float64]) -> NDArray[np.float64]:
        theta = np.atleast_2d(theta)
        self.n_evaluations += theta.shape[0]
        alpha = np.exp(theta[:, :1])
        beta = np.exp(theta[:, 1:2])
        if self.scale is None:
            scale = scale_from_log(theta[:, 2:3])
        else:
            scale = self.scale
        cnt = self.counts
        with np.errstate(all="ignore"):
            lp = self.logpmf(cnt.c[None, :], cnt.n[None, :], alpha, beta, scale)
            nll = -(lp @ cnt.weight) / cnt.n_problems
        return np.where(np.isfinite(nll), nll, _BAD)

    def value_and_grad(
        self, theta: NDArray[np.float64]
    ) -> tuple[float, NDArray[np.float64]]:
        d = theta.size
        upper = np.full(d, np.inf)
        if self.scale is None:
            upper[2] = _LOG_SCALE_MAX
        # Central differences, one-sided at the upper bound of log(scale).
        plus = np.minimum(theta + _FD_STEP, upper)
        minus = theta - _FD_STEP
        stencil = np.vstack(
            [theta, theta + np.diag(plus - theta), theta - np.diag(theta - minus)]
        )
        vals = self.values(stencil)
        grad = (vals[1 : d + 1] - vals[d + 1 :]) / (plus - minus)
        if not np.all(np.isfinite(grad)) or np.any(vals >= _BAD):
            grad = np.where(vals[1 : d + 1] >= _BAD, 0.0, grad)
        return float(vals[0]), grad


def _moment_start(counts: CountTable, scale: float) -> tuple[float, float]:
    """Method-of-moments Beta shapes of ``p / scale`` (binomial noise off)."""
    p_hat = counts.c / counts.n
    w = counts.weight / counts.weight.sum()
    mean = float(w @ p_hat)
    var = float(w @ (p_hat - mean) ** 2)
    noise = float(w @ (p_hat * (1 - p_hat) / np.maximum(counts.n - 1, 1)))
    mu = min(max(mean / scale, 1e-6), 1 - 1e-6)
    v = max(var - noise, 1e-12) / scale**2
    phi = min(max(mu * (1 - mu) / v - 1.0, 1e-2), 1e4)
    return mu * phi, (1 - mu) * phi


def _start_grid(
    family: str, counts: CountTable, scale: float, fit_scale: bool
) -> NDArray[np.float64]:
    """Return starting points: moment shapes, a shape grid, scale grid."""

    def shape_starts(s: float) -> NDArray[np.float64]:
        a0, b0 = _moment_start(counts, s)
        shapes = [(a0, b0)] + [(a, b) for a in _START_ALPHA for b in _START_BETA]
        return np.log(np.clip(np.array(shapes), 1e-3, 1e5))

    if not fit_scale:
        return shape_starts(scale)
    # The profile likelihood of the scale can be flat over a wide range:
    # start from several scales, the boundary s = 1 included.
    rule = _rule_scale(counts)
    s_grid = np.unique(
        np.clip([scale, rule, np.sqrt(rule), 0.5 * (rule + 1.0), 1.0], 1e-6, 1.0)
    )
    starts = []
    for s in s_grid:
        shapes = shape_starts(float(s))
        starts.append(np.column_stack([shapes, np.full(len(shapes), np.log(s))]))
    return np.vstack(starts)


def on_shape_bound(log_shape: ArrayLike) -> NDArray[np.bool_]:
    """Whether log shapes lie on, or within a factor of 2 of, a bound.

    Parameters
    ----------
    log_shape : array_like of float
        Logarithms of shape parameters.

    Returns
    -------
    numpy.ndarray of bool
        True where the shape is at most ``2e-4`` or at least ``5e5``
        (bounds ``[1e-4, 1e6]``): a fit ending there has not converged.
    """
    log_shape = np.asarray(log_shape)
    return (log_shape <= _LOG_SHAPE_MIN + _BOUND_MARGIN) | (
        log_shape >= _LOG_SHAPE_MAX - _BOUND_MARGIN
    )


def scale_from_log(log_scale: ArrayLike) -> NDArray[np.float64]:
    """Return the scale of a log parameter, capped at its bound 1.

    Parameters
    ----------
    log_scale : array_like of float
        ``log(scale)`` as fitted (it may overshoot 0 in a line search).

    Returns
    -------
    numpy.ndarray of float
        ``exp(min(log_scale, 0))``.
    """
    return np.exp(np.minimum(log_scale, _LOG_SCALE_MAX))


def _bounds(fit_scale: bool) -> list[tuple[float, float]]:
    b = [(_LOG_SHAPE_MIN, _LOG_SHAPE_MAX), (_LOG_SHAPE_MIN, _LOG_SHAPE_MAX)]
    if fit_scale:
        b.append((_LOG_SCALE_MIN, _LOG_SCALE_MAX))
    return b


def _minimise(
    objective: Callable[[NDArray[np.float64]], tuple[float, NDArray[np.float64]]],
    values: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    theta0: NDArray[np.float64],
    bounds: list[tuple[float, float]],
) -> tuple[NDArray[np.float64], float, bool, str]:
    """L-BFGS-B with a Nelder-Mead polish if it stops abnormally."""
    res = minimize(
        objective,
        theta0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-11, "gtol": 1e-7, "maxls": 30},
    )
    x, fun, ok = np.asarray(res.x, dtype=np.float64), float(res.fun), bool(res.success)
    message = f"L-BFGS-B: {res.message}"
    if not ok:
        _, grad = objective(x)
        lo = np.array([b[0] for b in bounds])
        hi = np.array([b[1] for b in bounds])
        free = (x > lo + 1e-9) & (x < hi - 1e-9)
        if np.max(np.abs(grad[free]), initial=0.0) < 1e-6:
            ok = True
            message += " (projected gradient below 1e-6: accepted)"
        else:
            nm = minimize(
                lambda t: float(values(t)[0]),
                x,
                method="Nelder-Mead",
                bounds=bounds,
                options={"xatol": 1e-9, "fatol": 1e-14, "maxiter": 4000},
            )
            if nm.fun <= fun:
                x, fun = np.asarray(nm.x, dtype=np.float64), float(nm.fun)
            ok = bool(nm.success)
            message += f"; Nelder-Mead polish: {nm.message}"
    return x, fun, ok, message


def _at_binomial_limit(counts: CountTable, nll: float, scale: float) -> bool:
    """Whether a single success probability fits the counts as well.

    As ``alpha, beta -> infinity`` at a fixed mean the law tends to a
    point mass, whose best likelihood is the pooled binomial one; a fit
    that does not beat it lies at that boundary.
    """
    p0 = float(counts.weight @ counts.c / (counts.weight @ counts.n))
    if not 0.0 < p0 < 1.0 or p0 > scale:
        return False
    log_comb = (
        gammaln(counts.n + 1) - gammaln(counts.c + 1) - gammaln(counts.n - counts.c + 1)
    )
    ll = log_comb + xlogy(counts.c, p0) + xlog1py(counts.n - counts.c, -p0)
    return bool(nll >= -(counts.weight @ ll) - 1e-6)


def fit_count_table(
    family: str,
    counts: CountTable,
    scale: float | None,
    fit_scale: bool,
    theta0: NDArray[np.float64] | None = None,
) -> tuple[DistributionFit, NDArray[np.float64]]:
    """Fit a scaled family to a count table by maximum likelihood.

    Parameters
    ----------
    family : {"scaled-beta", "scaled-kumaraswamy"}
        A validated family (:func:`check_family`).
    counts : CountTable
        The (weighted) counts; not all ``c = 0`` nor all ``c = n``.
    scale : float or None
        Fixed scale, or ``None`` for :func:`paper_scale`'s rule (the start
        of the search when ``fit_scale``).
    fit_scale : bool
        Fit the scale as a third parameter.
    theta0 : numpy.ndarray, optional
        Start in log parameters (a warm start, clipped to the bounds);
        by default the best point of a start grid.

    Returns
    -------
    fit : DistributionFit
        The fit; ``converged`` says whether it may be used.
    theta : numpy.ndarray, shape (2,) or (3,)
        Its log parameters ``(log alpha, log beta[, log scale])``.
    """
    if scale is None:
        scale_value, source = _rule_scale(counts), "paper-rule"
    else:
        scale_value, source = float(scale), "given"
    if fit_scale:
        source = "fitted"
    obj = MeanNegLogLikelihood(family, counts, None if fit_scale else scale_value)
    bounds = _bounds(fit_scale)
    if theta0 is None:
        starts = _start_grid(family, counts, scale_value, fit_scale)
        theta0 = starts[int(np.argmin(obj.values(starts)))]
    else:
        theta0 = np.clip(theta0, [b[0] for b in bounds], [b[1] for b in bounds])
    theta, fun, ok, message = _minimise(obj.value_and_grad, obj.values, theta0, bounds)
    at_bound = [
        name
        for name, t in zip(("alpha", "beta"), theta[:2], strict=True)
        if on_shape_bound(t)
    ]
    if at_bound:
        ok = False
        message += (
            f"; {' and '.join(at_bound)} ended on (or within a factor of 2 of) "
            "a bound of [1e-4, 1e6] (the maximum may lie at the boundary, "
            "e.g. no overdispersion)"
        )
    alpha, beta = float(np.exp(theta[0])), float(np.exp(theta[1]))
    if fit_scale:
        scale_value = float(scale_from_log(theta[2]))
    nll = fun * counts.n_problems
    if ok and _at_binomial_limit(counts, nll, 1.0 if fit_scale else scale_value):
        ok = False
        message += (
            "; no overdispersion: one common success probability fits as "
            "well, so the maximum lies at alpha, beta -> infinity"
        )
    n_params = 3 if fit_scale else 2
    fit = DistributionFit(
        family=family,
        alpha=alpha,
        beta=beta,
        scale=scale_value,
        scale_source=source,
        nll=float(nll),
        n_problems=counts.n_problems,
        n_params=n_params,
        aic=float(2 * n_params + 2 * nll),
        converged=ok,
        message=message,
        n_evaluations=obj.n_evaluations,
        distribution=_make_distribution(family, alpha, beta, scale_value),
    )
    return fit, theta


class FitError(ValueError):
    """A fit did not converge, or a shape parameter ended on a bound.

    Raised by single-fit entry points (:func:`require_converged`) instead
    of returning the parameters of such a fit as an estimate. Replicate
    loops (bootstraps) record such replicates as NaN and count them.

    Attributes
    ----------
    fit : DistributionFit or None
        The fit that failed, for inspection.
    """

    def __init__(self, message: str, fit: DistributionFit | None = None) -> None:
        super().__init__(message)
        self.fit = fit


def require_converged(fit: DistributionFit, what: str) -> DistributionFit:
    """Return ``fit`` if it converged, else raise :class:`FitError`.

    Parameters
    ----------
    fit : DistributionFit
        A maximum-likelihood fit.
    what : str
        What needed the fit, named in the message.

    Returns
    -------
    DistributionFit
        ``fit``, unchanged.

    Raises
    ------
    FitError
        If ``fit.converged`` is False: the optimiser failed, a shape
        parameter ended on a bound of ``[1e-4, 1e6]``, or the counts show
        no overdispersion.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = rng.binomial(100, rng.beta(0.5, 3.0, 200))
    >>> fit = require_converged(fit_scaled_beta_binomial(100, c), "test")
    >>> fit.converged
    True
    """
    if not fit.converged:
        raise FitError(
            f"{what}: the {fit.family} fit did not converge, so it gives no "
            f"estimate (alpha={fit.alpha:.4g}, beta={fit.beta:.4g}; "
            f"{fit.message}). More attempts per problem or more problems may "
            "help; a law with another scale or family may fit",
            fit,
        )
    return fit


def check_family(family: object) -> str:
    """Return ``family`` if it names a scaled family, else raise ValueError."""
    if family not in _SCALED_FAMILIES:
        raise ValueError(
            f"family must be one of {', '.join(map(repr, _SCALED_FAMILIES))}; "
            f"got {family!r}"
        )
    return str(family)


def _check_scale_args(scale: object, fit_scale: object) -> float | None:
    if not isinstance(fit_scale, bool | np.bool_):
        raise ValueError(f"fit_scale must be True or False; got {fit_scale!r}")
    if scale is None:
        return None
    return check_probability_scalar(scale, "scale")


def fit_family(
    family: str, n: ArrayLike, c: ArrayLike, scale: float | None, fit_scale: bool
) -> DistributionFit:
    """Validate per-problem counts and fit a scaled family to them.

    What :func:`fit_scaled_beta_binomial` and
    :func:`fit_scaled_kumaraswamy_binomial` do, with the family as an
    argument; the fit is returned even if it did not converge.
    """
    family = check_family(family)
    scale_value = _check_scale_args(scale, fit_scale)
    counts = count_table(*check_problem_counts(n, c))
    _check_not_degenerate(counts)
    fit, _ = fit_count_table(family, counts, scale_value, bool(fit_scale))
    return fit


def fit_scaled_beta_binomial(
    n: ArrayLike,
    c: ArrayLike,
    scale: float | None = None,
    *,
    fit_scale: bool = False,
) -> DistributionFit:
    r"""Fit a scaled Beta law of success probabilities to counts by MLE.

    Each problem's success probability is :math:`p_i = s X_i` with
    :math:`X_i \sim \mathrm{Beta}(\alpha, \beta)`, and its ``c_i``
    successes in ``n_i`` attempts are binomial given :math:`p_i`.

    Parameters
    ----------
    n : array_like of int, shape (P,) or scalar
        Attempts per problem (a scalar is broadcast), ``n >= 1``.
    c : array_like of int, shape (P,)
        Successes per problem, ``0 <= c <= n``; ``P >= 2``.
    scale : float, optional
        The scale :math:`s` in ``(0, 1]``. By default it is set from the
        data by :func:`paper_scale`, as the authors' code does. With
        ``fit_scale=True`` it is the starting value.
    fit_scale : bool, default False
        Fit :math:`s` by maximum likelihood too (as :math:`\log s` in
        ``[log 1e-6, 0]``, several starting scales).

    Returns
    -------
    DistributionFit
        The fitted ``alpha``, ``beta``, ``scale``, the negative
        log-likelihood (summed over problems), AIC, convergence flag and
        the fitted :class:`~llmonkeys.distributions.ScaledBeta`.

    Raises
    ------
    ValueError
        On invalid counts (see :func:`~llmonkeys.estimators.pass_at_k`),
        if ``n`` and ``c`` are not 1-D with at least two problems, if
        ``scale`` is outside ``(0, 1]``, or if the maximum-likelihood
        estimate does not exist because every ``c`` is 0 or every ``c``
        equals ``n``.
    TypeError
        If ``scale`` is not a real number.

    Notes
    -----
    The log-likelihood is

    .. math::

        \ell(\alpha, \beta) = \sum_i \log \binom{n_i}{c_i}
        + c_i \log s + \log \int_0^1 x^{\alpha + c_i - 1}
        (1 - x)^{\beta - 1} (1 - s x)^{n_i - c_i} \, \mathrm{d}x
        - \log B(\alpha, \beta),

    evaluated by
    :func:`~llmonkeys.distributions.scaled_beta_binomial_logpmf`
    (problems with equal ``(n, c)`` merged). It is maximised over
    :math:`(\log\alpha, \log\beta)` in ``[1e-4, 1e6]`` by L-BFGS-B with
    central-difference gradients, from the best of a method-of-moments
    start and a grid of six starts, with a Nelder-Mead polish if the line
    search stops abnormally. At :math:`s = 1` this is the ordinary
    Beta-binomial MLE. Counts with no overdispersion (a single common
    success probability fits as well) have their maximum at the boundary
    :math:`\alpha, \beta \to \infty`; the fit is then returned with
    ``converged=False`` and a message saying so.

    Examples
    --------
    >>> import llmonkeys.distributions as dist
    >>> rng = np.random.default_rng(0)
    >>> p = dist.ScaledBeta(0.3, 3.0, scale=0.5).sample(400, rng)
    >>> c = rng.binomial(1000, p)
    >>> fit = fit_scaled_beta_binomial(1000, c, scale=0.5)
    >>> fit.converged, round(fit.alpha, 1)
    (True, 0.3)
    """
    return fit_family("scaled-beta", n, c, scale, fit_scale)


def fit_scaled_kumaraswamy_binomial(
    n: ArrayLike,
    c: ArrayLike,
    scale: float | None = None,
    *,
    fit_scale: bool = False,
) -> DistributionFit:
    r"""Fit a scaled Kumaraswamy law of success probabilities by MLE.

    The twin of :func:`fit_scaled_beta_binomial` with
    :math:`X_i \sim \mathrm{Kumaraswamy}(a, b)`, density
    :math:`a b x^{a-1} (1 - x^a)^{b-1}` on ``[0, 1]``.

    Parameters
    ----------
    n : array_like of int, shape (P,) or scalar
        Attempts per problem (a scalar is broadcast), ``n >= 1``.
    c : array_like of int, shape (P,)
        Successes per problem, ``0 <= c <= n``; ``P >= 2``.
    scale : float, optional
        The scale in ``(0, 1]``; by default :func:`paper_scale` (the
        upstream Kumaraswamy fit uses the same rule).
    fit_scale : bool, default False
        Fit the scale by maximum likelihood too.

    Returns
    -------
    DistributionFit
        With ``family="scaled-kumaraswamy"``, ``alpha = a``,
        ``beta = b`` (see :attr:`DistributionFit.params`) and the fitted
        :class:`~llmonkeys.distributions.ScaledKumaraswamy`.

    Raises
    ------
    ValueError
        As :func:`fit_scaled_beta_binomial`.
    TypeError
        If ``scale`` is not a real number.

    Notes
    -----
    Near 0 the density behaves as :math:`a b\, x^{a-1}`, so ``a`` is the
    tail index, the asymptotic power-law exponent, as ``alpha`` is for
    the Beta. The optimiser is that of :func:`fit_scaled_beta_binomial`.

    Examples
    --------
    >>> import llmonkeys.distributions as dist
    >>> rng = np.random.default_rng(1)
    >>> p = dist.ScaledKumaraswamy(0.3, 3.0).sample(400, rng)
    >>> c = rng.binomial(1000, p)
    >>> fit = fit_scaled_kumaraswamy_binomial(1000, c, scale=1.0)
    >>> fit.converged, round(fit.params["a"], 1)
    (True, 0.3)
    """
    return fit_family("scaled-kumaraswamy", n, c, scale, fit_scale)


@dataclass(frozen=True)
class MixtureFit:
    r"""Maximum-likelihood fit of a mixture of scaled Beta laws.

    Attributes
    ----------
    weights : tuple of float
        Mixing weights (summing to 1), components sorted by ``alpha``.
    alphas, betas : tuple of float
        Shape parameters of the components.
    scale : float
        Common scale of the components (1 by default).
    nll : float
        Negative log-likelihood, summed over problems.
    n_problems : int
        Number of problems ``P``.
    n_params : int
        ``3 m - 1`` for ``m`` components.
    aic : float
        ``2 * n_params + 2 * nll``.
    converged : bool
        Whether the optimiser converged with no shape parameter on a bound.
    message : str
        The optimiser's message.
    n_evaluations : int
        Number of parameter vectors at which the likelihood was evaluated.
    min_weight : float
        Components with a smaller weight are negligible for
        :attr:`exponent`.
    components : tuple of ScaledBeta
        The component laws.
    """

    weights: tuple[float, ...]
    alphas: tuple[float, ...]
    betas: tuple[float, ...]
    scale: float
    nll: float
    n_problems: int
    n_params: int
    aic: float
    converged: bool
    message: str
    n_evaluations: int
    min_weight: float
    components: tuple[ScaledBeta, ...] = field(repr=False, compare=False)

    @property
    def exponent(self) -> float:
        r"""Smallest ``alpha`` among components of non-negligible weight.

        Returns
        -------
        float
            The mixture's left-tail index: as :math:`k \to \infty` the
            component with the smallest ``alpha`` dominates the failure
            rate.
        """
        return self.alphas[self._tail_index()]

    def _tail_index(self) -> int:
        live = [i for i, w in enumerate(self.weights) if w >= self.min_weight]
        return min(live, key=lambda i: self.alphas[i])

    @property
    def distribution(self) -> Mixture:
        """The fitted law, a :class:`~llmonkeys.distributions.Mixture`.

        Returns
        -------
        Mixture
            Weights and component laws of the fit.
        """
        return Mixture(self.weights, self.components)

    def asymptotic(self) -> tuple[float, float]:
        """Leading power law ``(prefactor, exponent)`` as ``k`` grows.

        Returns
        -------
        tuple of float
            The tail component's weight times its asymptotic prefactor,
            and its ``alpha``.
        """
        i = self._tail_index()
        prefactor, exponent = self.components[i].asymptotic()
        return float(self.weights[i] * prefactor), float(exponent)


class _MixtureObjective:
    """Mean mixture NLL in ``(log alphas, log betas, weight logits)``."""

    def __init__(self, counts: CountTable, m: int, scale: float) -> None:
        self.counts, self.m, self.scale = counts, m, scale
        self.n_evaluations = 0

    def unpack(
        self, theta: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        theta = np.atleast_2d(theta)
        m = self.m
        alphas = np.exp(theta[:, :m])
        betas = np.exp(theta[:, m : 2 * m])
        logits = np.concatenate([theta[:, 2 * m :], np.zeros((len(theta), 1))], 1)
        log_w = logits - logsumexp(logits, axis=1, keepdims=True)
        return alphas, betas, log_w

    def values(self, theta: NDArray[np.float64]) -> NDArray[np.float64]:
        alphas, betas, log_w = self.unpack(theta)
        s, m = alphas.shape[0], self.m
        self.n_evaluations += s
        cnt = self.counts
        with np.errstate(all="ignore"):
            lp = scaled_beta_binomial_logpmf(
                cnt.c[None, :],
                cnt.n[None, :],
                alphas.reshape(-1, 1),
                betas.reshape(-1, 1),
                self.scale,
            ).reshape(s, m, -1)
            mix = logsumexp(lp + log_w[:, :, None], axis=1)
            nll = -(mix @ cnt.weight) / cnt.n_problems
        return np.where(np.isfinite(nll), nll, _BAD)

    def value_and_grad(
        self, theta: NDArray[np.float64]
    ) -> tuple[float, NDArray[np.float64]]:
        d = theta.size
        steps = _FD_STEP * np.eye(d)
        vals = self.values(np.vstack([theta, theta + steps, theta - steps]))
        grad = (vals[1 : d + 1] - vals[d + 1 :]) / (2 * _FD_STEP)
        grad = np.where(vals[1 : d + 1] >= _BAD, 0.0, grad)
        return float(vals[0]), grad


def _mixture_starts(
    counts: CountTable, m: int, scale: float, single: tuple[float, float]
) -> NDArray[np.float64]:
    p_hat = counts.c / counts.n
    order = np.argsort(p_hat, kind="stable")
    cum = np.cumsum(counts.weight[order]) / counts.weight.sum()
    starts = []
    # Split the problems at quantiles of c / n into m groups.
    for shift in (0.0, -0.5, 0.5):
        cuts = (np.arange(1, m) + shift / 2) / m
        cuts = np.clip(cuts, 0.05, 0.95)
        groups = np.searchsorted(cuts, cum, side="left")
        shapes, weights = [], []
        for g in range(m):
            idx = order[groups == g]
            if idx.size == 0 or counts.weight[idx].sum() == 0:
                shapes.append(single)
                weights.append(1e-3)
                continue
            sub = CountTable(
                counts.n[idx],
                counts.c[idx],
                counts.weight[idx],
                np.empty(0, np.int64),
                int(counts.weight[idx].sum()),
            )
            shapes.append(_moment_start(sub, scale))
            weights.append(counts.weight[idx].sum())
        starts.append((shapes, np.asarray(weights) / np.sum(weights)))
    # Spread the single-law fit.
    factors = np.geomspace(0.5, 2.0, m) if m > 1 else np.ones(1)
    starts.append(([(single[0] * f, single[1]) for f in factors], np.full(m, 1.0 / m)))
    out = []
    for shapes, weights in starts:
        arr = np.clip(np.asarray(shapes, dtype=np.float64), 1e-3, 1e5)
        logits = np.log(np.clip(weights, 1e-4, None))
        logits = np.clip(
            logits[:-1] - logits[-1], -_WEIGHT_LOGIT_MAX, _WEIGHT_LOGIT_MAX
        )
        out.append(np.concatenate([np.log(arr[:, 0]), np.log(arr[:, 1]), logits]))
    return np.asarray(out)


def fit_beta_binomial_mixture(
    n: ArrayLike,
    c: ArrayLike,
    n_components: int = 2,
    *,
    scale: float | None = 1.0,
    min_weight: float | None = None,
) -> MixtureFit:
    r"""Fit a mixture of (scaled) Beta laws to counts by direct MLE.

    Each problem's success probability is drawn from
    :math:`\sum_j w_j\, s \cdot \mathrm{Beta}(\alpha_j, \beta_j)`; the
    likelihood of the counts is the matching mixture of scaled
    Beta-binomials. Meant for goodness-of-fit comparisons by AIC against
    :func:`fit_scaled_beta_binomial` and
    :func:`fit_scaled_kumaraswamy_binomial`.

    Parameters
    ----------
    n : array_like of int, shape (P,) or scalar
        Attempts per problem, ``n >= 1``.
    c : array_like of int, shape (P,)
        Successes per problem, ``0 <= c <= n``; ``P >= 2``.
    n_components : int, default 2
        Number of components ``m >= 1``.
    scale : float or None, default 1.0
        Common scale of the components in ``(0, 1]``; 1 gives plain
        Beta-binomial components, as the upstream mixture code uses.
        ``None`` uses :func:`paper_scale`.
    min_weight : float, optional
        Weight below which a component is negligible for the exponent;
        by default ``1 / P`` (less than one problem's worth).

    Returns
    -------
    MixtureFit
        Components sorted by ``alpha``; :attr:`MixtureFit.exponent` is the
        smallest ``alpha`` among components of weight ``>= min_weight``.

    Raises
    ------
    ValueError
        On invalid counts, fewer than two problems, ``n_components < 1``,
        ``scale`` outside ``(0, 1]``, ``min_weight`` outside ``(0, 1]``,
        or degenerate counts (every ``c`` 0, or every ``c`` equal to
        ``n``).
    TypeError
        If ``n_components`` is not an integer.

    Notes
    -----
    The ``3 m - 1`` parameters (log shapes and ``m - 1`` weight logits)
    are fitted jointly by L-BFGS-B with central-difference gradients,
    from the best two of several starts (splits of the problems at
    quantiles of ``c / n`` with method-of-moments shapes, and the
    single-law fit spread over ``m`` components). Mixture likelihoods can
    be multimodal; the result is the best optimum found, not a
    certificate. With ``m = 1`` this is :func:`fit_scaled_beta_binomial`
    at the given scale.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> p = np.concatenate([rng.beta(0.2, 5.0, 150), rng.beta(8.0, 2.0, 50)])
    >>> c = rng.binomial(500, p)
    >>> mix = fit_beta_binomial_mixture(500, c)
    >>> [round(w, 1) for w in mix.weights]
    [0.8, 0.2]
    """
    if isinstance(n_components, bool) or not isinstance(n_components, numbers.Integral):
        raise TypeError(
            f"n_components must be an integer; got {type(n_components).__name__}"
        )
    m = int(n_components)
    if m < 1:
        raise ValueError(f"n_components must be >= 1; got {m}")
    counts = count_table(*check_problem_counts(n, c))
    _check_not_degenerate(counts)
    s = (
        _rule_scale(counts)
        if scale is None
        else check_probability_scalar(scale, "scale")
    )
    if min_weight is None:
        min_w = 1.0 / counts.n_problems
    else:
        min_w = check_probability_scalar(min_weight, "min_weight")

    single, _ = fit_count_table("scaled-beta", counts, s, False)
    obj = _MixtureObjective(counts, m, s)
    bounds = [(_LOG_SHAPE_MIN, _LOG_SHAPE_MAX)] * (2 * m) + [
        (-_WEIGHT_LOGIT_MAX, _WEIGHT_LOGIT_MAX)
    ] * (m - 1)
    starts = _mixture_starts(counts, m, s, (single.alpha, single.beta))
    order = np.argsort(obj.values(starts))
    results = [
        _minimise(obj.value_and_grad, obj.values, starts[i], bounds) for i in order[:2]
    ]
    theta, fun, ok, message = min(results, key=lambda r: r[1])
    alphas, betas, log_w = (a[0] for a in obj.unpack(theta))
    on_bound = np.any(
        (theta[: 2 * m] <= _LOG_SHAPE_MIN + 1e-6)
        | (theta[: 2 * m] >= _LOG_SHAPE_MAX - 1e-6)
    )
    if on_bound:
        ok = False
        message += "; a shape parameter ended on a bound of [1e-4, 1e6]"
    srt = np.lexsort((betas, alphas))
    weights = np.exp(log_w)[srt]
    alphas, betas = alphas[srt], betas[srt]
    nll = fun * counts.n_problems
    n_params = 3 * m - 1
    return MixtureFit(
        weights=tuple(float(w) for w in weights),
        alphas=tuple(float(a) for a in alphas),
        betas=tuple(float(b) for b in betas),
        scale=float(s),
        nll=float(nll),
        n_problems=counts.n_problems,
        n_params=n_params,
        aic=float(2 * n_params + 2 * nll),
        converged=bool(ok),
        message=message,
        n_evaluations=obj.n_evaluations + single.n_evaluations,
        min_weight=float(min_w),
        components=tuple(
            ScaledBeta(float(a), float(b), scale=float(s))
            for a, b in zip(alphas, betas, strict=True)
        ),
    )


def check_distribution_fit(fit: object) -> DistributionFit:
    """Return ``fit`` if it is a :class:`DistributionFit`, else raise."""
    if not isinstance(fit, DistributionFit):
        raise ValueError(
            "fit must be a DistributionFit (scaled Beta or scaled "
            f"Kumaraswamy) from llmonkeys.fits; got {type(fit).__name__}"
        )
    return fit


def log_parameter_covariance(
    fit: DistributionFit, n: ArrayLike, c: ArrayLike, *, step: float = 1e-3
) -> NDArray[np.float64]:
    r"""Inverse observed information of ``(log alpha, log beta)`` at a fit.

    Parameters
    ----------
    fit : DistributionFit
        A scaled Beta or scaled Kumaraswamy fit to the counts ``n``, ``c``.
    n, c : array_like of int, shape (P,)
        The counts the law was fitted to.
    step : float, default 1e-3
        Central-difference step in the log parameters.

    Returns
    -------
    numpy.ndarray, shape (2, 2)
        Covariance of the maximum-likelihood estimate of
        :math:`(\log\alpha, \log\beta)` in the normal approximation, the
        scale held fixed (as the paper's rule fixes it).

    Raises
    ------
    ValueError
        If ``fit`` is not a :class:`~llmonkeys.fits.DistributionFit`, on
        invalid counts, or if the observed information is not positive
        definite (the fit is not at an interior maximum).

    Notes
    -----
    The Hessian of the log-likelihood
    :math:`\ell(\theta) = \sum_i \log P(c_i \mid n_i, \theta)` is taken by
    central differences on a 3 x 3 stencil, evaluated in one vectorised
    call of the family's log-pmf. The standard error of ``alpha`` is then
    about ``alpha * sqrt(cov[0, 0])``.

    Examples
    --------
    >>> import llmonkeys.fits as fits
    >>> rng = np.random.default_rng(0)
    >>> c = rng.binomial(500, rng.beta(0.4, 3.0, 300))
    >>> fit = fits.fit_scaled_beta_binomial(500, c, scale=1.0)
    >>> cov = log_parameter_covariance(fit, 500, c)
    >>> bool(0.03 < np.sqrt(cov[0, 0]) < 0.2)
    True
    """
    fit = check_distribution_fit(fit)
    n_arr, c_arr = check_counts(n, c)
    n_arr, c_arr = np.broadcast_arrays(n_arr, c_arr)
    pairs, weight = np.unique(np.stack([n_arr.ravel(), c_arr.ravel()], 1),
                              axis=0, return_counts=True)
    h = float(step)
    offsets = np.array([(i, j) for i in (-1, 0, 1) for j in (-1, 0, 1)], float)
    theta = np.log([fit.alpha, fit.beta]) + h * offsets
    with np.errstate(all="ignore"):
        lp = family_logpmf(fit.family)(
            pairs[None, :, 1], pairs[None, :, 0], np.exp(theta[:, :1]),
            np.exp(theta[:, 1:]), fit.scale,
        )
    ll = (lp @ weight).reshape(3, 3)
    h_aa = (ll[2, 1] - 2 * ll[1, 1] + ll[0, 1]) / h**2
    h_bb = (ll[1, 2] - 2 * ll[1, 1] + ll[1, 0]) / h**2
    h_ab = (ll[2, 2] - ll[2, 0] - ll[0, 2] + ll[0, 0]) / (4 * h**2)
    info = -np.array([[h_aa, h_ab], [h_ab, h_bb]])
    if not np.all(np.isfinite(info)) or np.any(np.linalg.eigvalsh(info) <= 0):
        raise ValueError(
            "the observed information is not positive definite: the fit is "
            "not at an interior maximum of the likelihood"
        )
    return np.linalg.inv(info)




#: A fitted law of success probabilities.
Fit = DistributionFit | MixtureFit


def _check_fit(fit: object) -> Fit:
    if not isinstance(fit, DistributionFit | MixtureFit):
        raise ValueError(
            "fit must be a DistributionFit or MixtureFit from llmonkeys.fits; "
            f"got {type(fit).__name__}"
        )
    return fit


def _fit_one(
    family: str,
    n: NDArray,
    c: NDArray,
    scale: float | None,
    n_components: int,
    mixture_scale: float | None,
) -> Fit:
    if family == "scaled-beta":
        return fit_scaled_beta_binomial(n, c, scale)
    if family == "scaled-kumaraswamy":
        return fit_scaled_kumaraswamy_binomial(n, c, scale)
    return fit_beta_binomial_mixture(
        n, c, n_components, scale=mixture_scale
    )


def fit_families_by_model(
    counts: pd.DataFrame,
    families: Sequence[str] = FAMILIES,
    *,
    scale: float | None = None,
    n_components: int = 2,
    mixture_scale: float | None = 1.0,
) -> tuple[pd.DataFrame, dict[tuple[str, str], Fit]]:
    r"""Fit every family of success-probability laws to every model.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with columns ``model``, ``n``, ``c`` (see the module
        docstring).
    families : sequence of str, default :data:`FAMILIES`
        Any of ``"scaled-beta"``, ``"scaled-kumaraswamy"`` (fitted by
        :func:`~llmonkeys.fits.fit_scaled_beta_binomial` and
        :func:`~llmonkeys.fits.fit_scaled_kumaraswamy_binomial`) and
        ``"beta-mixture"``
        (:func:`~llmonkeys.fits.fit_beta_binomial_mixture`).
    scale : float, optional
        Scale of the two scaled families; by default the paper's rule
        (:func:`~llmonkeys.fits.paper_scale`) for each model.
    n_components : int, default 2
        Components of the mixture.
    mixture_scale : float or None, default 1.0
        Common scale of the mixture's components (1: plain Beta laws, as
        the upstream mixture code; ``None``: the paper's rule).

    Returns
    -------
    table : pandas.DataFrame
        One row per (model, family), in order (``model`` and ``family``
        are ordered categoricals): ``model``, ``family``, ``n_params``,
        ``log_likelihood``, ``aic``, ``delta_aic`` (AIC minus the
        model's smallest AIC), ``tail_index``
        (the fitted law's left-tail index, its asymptotic exponent),
        ``scale`` and ``converged``.
    fits : dict
        ``(model, family)`` to the fit.

    Raises
    ------
    ValueError
        On missing columns, invalid counts, an unknown family, a model
        with fewer than two problems, or counts whose maximum-likelihood
        fit does not exist (every ``c`` 0, or every ``c = n``).

    Notes
    -----
    The Akaike information criterion of a fit with :math:`d` free
    parameters and maximised log-likelihood :math:`\hat\ell` is
    :math:`2d - 2\hat\ell`; lower is better, and differences of a few
    units are meaningful. The scale set by the paper's rule depends on
    the data but is not counted in :math:`d`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = rng.binomial(1000, rng.beta(0.3, 3.0, size=(2, 100)))
    >>> counts = pd.DataFrame({"model": np.repeat(["A", "B"], 100),
    ...                        "n": 1000, "c": c.ravel()})
    >>> table, fits = fit_families_by_model(counts, ["scaled-beta"])
    >>> table[["model", "family", "n_params"]].to_numpy().tolist()
    [['A', 'scaled-beta', 2], ['B', 'scaled-beta', 2]]
    """
    counts = check_tidy_counts(counts)
    if isinstance(families, str):
        families = [families]
    families = list(families)
    if not families:
        raise ValueError("families must name at least one family")
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise ValueError(
            f"unknown families {unknown}; allowed: {', '.join(FAMILIES)}"
        )
    n_components = check_int(n_components, "n_components")
    rows, out = [], {}
    for model, n, c in groups_by_model(counts):
        for family in families:
            fit = _fit_one(family, n, c, scale, n_components, mixture_scale)
            out[(model, family)] = fit
            rows.append(
                {
                    "model": model,
                    "family": family,
                    "n_params": fit.n_params,
                    "log_likelihood": -fit.nll,
                    "aic": fit.aic,
                    "tail_index": fit.exponent,
                    "scale": fit.scale,
                    "converged": fit.converged,
                }
            )
    table = pd.DataFrame(rows)
    table.insert(
        5, "delta_aic", table["aic"] - table.groupby("model")["aic"].transform("min")
    )
    return ordered_categories(in_model_order(table, counts), "model", "family"), out


def check_fits(fits: object) -> Mapping[tuple[str, str], Fit]:
    """Return ``fits`` if it maps ``(model, family)`` to fits, else raise."""
    if not isinstance(fits, Mapping) or not fits:
        raise ValueError(
            "fits must be a non-empty mapping (model, family) -> fit, as "
            "returned by fit_families_by_model"
        )
    for key, fit in fits.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"fits keys must be (model, family) pairs; got {key!r}")
        _check_fit(fit)
    return fits


def fitted_curves(
    fits: Mapping[tuple[str, str], Fit], k: ArrayLike
) -> pd.DataFrame:
    r"""Exact curves :math:`-\log \mathrm{pass}_D@k` of fitted laws.

    Parameters
    ----------
    fits : mapping
        ``(model, family)`` to fit, as from :func:`fit_families_by_model`.
    k : array_like of int
        Attempt budgets, ``>= 1``.

    Returns
    -------
    pandas.DataFrame
        Long format: ``model``, ``family`` (ordered categoricals, in the
        order of ``fits``), ``k``, ``y``.

    Raises
    ------
    ValueError
        If ``fits`` is not such a mapping or ``k`` holds non-counts.
    """
    fits = check_fits(fits)
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1)).ravel()
    frames = [
        pd.DataFrame({"model": model, "family": family, "k": k_arr,
                      "y": fit.distribution.neg_log_pass_at_k(k_arr)})
        for (model, family), fit in fits.items()
    ]
    return ordered_categories(pd.concat(frames, ignore_index=True), "model", "family")


def fitted_densities(
    fits: Mapping[tuple[str, str], Fit], p: ArrayLike
) -> pd.DataFrame:
    r"""Fitted densities of success probabilities, per decade of ``p``.

    Parameters
    ----------
    fits : mapping
        ``(model, family)`` to fit.
    p : array_like
        Points in ``(0, 1]``, e.g. ``np.geomspace(1e-5, 1, 200)``.

    Returns
    -------
    pandas.DataFrame
        Long format: ``model``, ``family`` (ordered categoricals, in the
        order of ``fits``), ``p``, ``density`` (of
        :math:`p`) and ``per_decade``, the expected number of problems
        per unit of :math:`\log_{10} p`,
        :math:`P \cdot p \ln 10 \cdot f(p)` with :math:`P` the fit's
        number of problems. Multiplied by a histogram's bin width in
        decades it is the expected count in the bin.

    Raises
    ------
    ValueError
        If ``fits`` is not such a mapping or ``p`` is outside ``(0, 1]``.
    """
    fits = check_fits(fits)
    p_arr = np.atleast_1d(as_float_array(p, "p")).ravel()
    if np.any((p_arr <= 0) | (p_arr > 1)):
        raise ValueError("p must lie in (0, 1] (densities per decade of p)")
    frames = []
    for (model, family), fit in fits.items():
        dens = fit.distribution.pdf(p_arr)
        frames.append(pd.DataFrame({
            "model": model, "family": family, "p": p_arr, "density": dens,
            "per_decade": fit.n_problems * p_arr * math.log(10.0) * dens,
        }))
    return ordered_categories(pd.concat(frames, ignore_index=True), "model", "family")


@dataclass(frozen=True)
class ZeroInflationTest:
    r"""Result of :func:`zero_inflation_test`.

    Attributes
    ----------
    scale : float
        The scale shared by all three fits.
    loglik_heavy : float
        Scaled Beta (no point mass), :math:`(\alpha, \beta)` free.
    loglik_zero_inflated : float
        Point mass :math:`\pi` at 0 plus a scaled Beta,
        :math:`(\pi, \alpha, \beta)` free.
    loglik_zero_light : float
        Point mass at 0 plus a scaled Beta without a heavy left tail
        (:math:`\alpha \ge 1`).
    zero_fraction : float
        :math:`\hat\pi` of the zero-inflated fit.
    alpha_heavy, alpha_zero_inflated : float
        :math:`\hat\alpha` of the first two fits.
    lr_statistic, p_value : float
        Likelihood ratio of :math:`\pi = 0` against :math:`\pi > 0` and its
        p-value from the boundary law :math:`\tfrac12\chi^2_0 +
        \tfrac12\chi^2_1`.
    n_zero : int
        Problems with ``c = 0``.
    """

    scale: float
    loglik_heavy: float
    loglik_zero_inflated: float
    loglik_zero_light: float
    zero_fraction: float
    alpha_heavy: float
    alpha_zero_inflated: float
    lr_statistic: float
    p_value: float
    n_zero: int


def _zi_loglik(theta: NDArray, n: NDArray, c: NDArray, scale: float) -> float:
    pi = 1.0 / (1.0 + math.exp(-theta[0]))
    logp = scaled_beta_binomial_logpmf(c, n, math.exp(theta[1]),
                                       math.exp(theta[2]), scale)
    return float(inflate_at_zero(logp, c, math.log(pi), math.log1p(-pi)).sum())


def _best(fun: Callable, starts: list, bounds: list) -> tuple[float, NDArray]:
    best = None
    for x0 in starts:
        res = minimize(fun, x0=np.asarray(x0, float), method="L-BFGS-B",
                       bounds=bounds)
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise ValueError("no zero-inflated fit converged")
    return float(-best.fun), best.x


def zero_inflation_test(
    n: ArrayLike, c: ArrayLike, scale: float | None = None
) -> ZeroInflationTest:
    r"""Point mass at zero or heavy left tail? A boundary-aware LR test.

    Fits, with the same scale :math:`s`, (1) a scaled Beta law, (2) a
    zero-inflated scaled Beta, :math:`\pi\,\delta_0 + (1-\pi)\,
    s\,\mathrm{Beta}(\alpha, \beta)`, and (3) the same with
    :math:`\alpha \ge 1` (never-solved problems explained by the point
    mass alone, no heavy tail). The likelihood ratio of (1) within (2)
    tests :math:`\pi = 0`, a value on the boundary of the parameter
    space, so its null law is :math:`\tfrac12\chi^2_0 + \tfrac12\chi^2_1`
    (Self and Liang 1987) and the p-value is half that of
    :math:`\chi^2_1`.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes, ``P >= 2``, some ``c > 0``.
    scale : float, optional
        Scale :math:`s`; :func:`paper_scale` by default.

    Returns
    -------
    ZeroInflationTest

    Raises
    ------
    ValueError
        On invalid counts, or if no fit converges.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = 0.5 * rng.beta(0.4, 2.0, size=300)
    >>> res = zero_inflation_test(np.full(300, 1000), rng.binomial(1000, p))
    >>> res.p_value > 0.01
    True
    """
    from scipy import stats

    fit = fit_scaled_beta_binomial(n, c, scale)
    n_arr = np.asarray(n, dtype=np.float64) * np.ones(np.shape(c))
    c_arr = np.asarray(c, dtype=np.float64)
    s = fit.distribution.scale
    a0, b0 = math.log(fit.alpha), math.log(fit.beta)
    heavy = float(np.sum(scaled_beta_binomial_logpmf(c_arr, n_arr, fit.alpha,
                                                     fit.beta, s)))
    zero_frac = float(np.mean(c_arr == 0))
    half = min(max(0.5 * zero_frac, 1e-3), 0.5)
    logits = [-6.0, math.log(half / (1 - half))]
    starts = [(logits[0], a0, b0), (logits[1], 0.0, b0)]
    box = [(-12.0, 6.0), (math.log(1e-3), math.log(1e3)), (math.log(1e-3),
                                                            math.log(1e4))]
    zi, theta = _best(lambda q: -_zi_loglik(q, n_arr, c_arr, s), starts, box)
    zi = max(zi, heavy)  # the nested model is a limit of the larger one
    light_box = [box[0], (0.0, math.log(1e3)), box[2]]
    light, _ = _best(lambda q: -_zi_loglik(q, n_arr, c_arr, s),
                     [(logits[1], 0.0, b0), (logits[1], 1.0, b0)],
                     light_box)
    lr = max(2.0 * (zi - heavy), 0.0)
    return ZeroInflationTest(
        scale=s, loglik_heavy=heavy, loglik_zero_inflated=zi,
        loglik_zero_light=light,
        zero_fraction=float(1.0 / (1.0 + math.exp(-theta[0]))),
        alpha_heavy=fit.alpha, alpha_zero_inflated=float(math.exp(theta[1])),
        lr_statistic=lr, p_value=float(0.5 * stats.chi2.sf(lr, 1)) if lr > 0 else 1.0,
        n_zero=int(np.sum(c_arr == 0)))


def profile_scale(
    n: ArrayLike, c: ArrayLike, scales: ArrayLike, *, confidence: float = 0.95
) -> pd.DataFrame:
    r"""Profile likelihood of the scaled Beta law over its scale.

    For every scale :math:`s` on the grid, :math:`(\alpha, \beta)` are
    fitted by maximum likelihood; the profile
    :math:`\ell_p(s) = \max_{\alpha,\beta} \ell(\alpha, \beta, s)` and
    its likelihood-ratio confidence set
    :math:`\{s : 2[\max \ell_p - \ell_p(s)] \le \chi^2_{1,\gamma}\}`
    show how well the data pin the scale down, and the fitted
    :math:`\hat\alpha(s)` over that set how much the exponent depends on it.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes, ``P >= 2``, some ``c > 0``.
    scales : array_like of float
        Grid of scales in ``(0, 1]``, each at least ``max(c / n)``.
    confidence : float, default 0.95
        Level :math:`\gamma` of the confidence set.

    Returns
    -------
    pandas.DataFrame
        One row per scale: ``scale``, ``log_likelihood``, ``alpha``,
        ``beta`` and ``in_set`` (inside the confidence set).

    Raises
    ------
    ValueError
        On invalid counts, a scale outside ``[max(c / n), 1]``, or an
        invalid ``confidence``.
    """
    from scipy import stats

    level = check_confidence(confidence)
    grid = np.atleast_1d(np.asarray(scales, dtype=np.float64))
    frac = np.asarray(c, dtype=np.float64) / np.asarray(n, dtype=np.float64)
    if grid.size == 0 or np.any(grid < frac.max()) or np.any(grid > 1):
        raise ValueError(f"scales must lie in [max(c / n), 1] = "
                         f"[{frac.max():.4g}, 1]; got {grid}")
    rows = []
    for s in grid:
        fit = fit_scaled_beta_binomial(n, c, float(s))
        rows.append({"scale": float(s), "log_likelihood": -fit.nll,
                     "alpha": fit.alpha, "beta": fit.beta})
    out = pd.DataFrame(rows)
    cut = stats.chi2.ppf(level, 1) / 2
    out["in_set"] = out["log_likelihood"] >= out["log_likelihood"].max() - cut
    return out
