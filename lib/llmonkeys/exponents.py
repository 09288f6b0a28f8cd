r"""Power-law exponents of a benchmark's curve, with bootstrap intervals.

Three estimators of the exponent :math:`b` of
:math:`-\log \mathrm{pass}_D@k \approx a k^{-b}` from per-problem
counts (:cite:t:`schaeffer2025monkeys`): ``least-squares`` regresses the
unbiased curve on ``k`` in log-log space; ``distributional`` regresses
the exact curve of a fitted law (:mod:`llmonkeys.fits`);
``tail-index`` reads the fitted law's left-tail index. The bootstrap
resamples problems, jointly across models that share them, so that
differences between methods or models get paired intervals.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from llmonkeys._tidy import (
    check_tidy_counts,
    groups_by_model,
    in_model_order,
    ordered_categories,
)
from llmonkeys._validation import (
    as_count_array,
    as_generator,
    check_choice,
    check_confidence,
    check_int,
    check_k_above_n,
    check_n_jobs,
    check_problem_counts,
)
from llmonkeys.estimators import PowerLawFit, fit_power_law, pass_at_k, row_log_slopes
from llmonkeys.fits import (
    CountTable,
    DistributionFit,
    Family,
    Fit,
    MeanNegLogLikelihood,
    check_family,
    check_fits,
    count_table,
    family_logpmf,
    fit_count_table,
    fit_family,
    fit_scaled_beta_binomial,
    on_shape_bound,
    require_converged,
    scale_from_log,
)
from llmonkeys.report import paired_differences

__all__ = [
    "METHODS",
    "FailedReplicatesWarning",
    "default_k_grid",
    "ExponentEstimate",
    "estimate_exponent",
    "BootstrapResult",
    "bootstrap_exponent",
    "bootstrap_exponents",
    "method_differences",
    "curve_exponents",
    "bootstrap_stopped_exponents",
    "UPSTREAM_VARIANTS",
    "interval_monte_carlo_error",
    "distributional_exponent_variants",
]

#: Names of ``__all__`` reached as ``lm.exponents.<name>`` only (result types
#: and lower-level helpers); ``llmonkeys`` re-exports the others.
_MODULE_ONLY: tuple[str, ...] = (
    "ExponentEstimate",
    "BootstrapResult",
    "METHODS",
    "UPSTREAM_VARIANTS",
    "default_k_grid",
)

class FailedReplicatesWarning(RuntimeWarning):
    """Some replicates (or fits of a table) failed; NaN, and counted."""


Method = Literal["least-squares", "distributional", "tail-index"]

#: Exponent estimators of :func:`estimate_exponent`.
METHODS: tuple[str, ...] = ("least-squares", "distributional", "tail-index")

# Bootstrap surrogate: Chebyshev degree per axis, box half-width in
# standard errors, interpolation tolerance (mean log-likelihood per
# problem), random probes of that tolerance, edge beyond which a replicate
# is refitted exactly, and smallest group of replicates worth a surrogate.
_CHEB_DEGREES = (10, 16)
# Largest standard error of a log shape for which the surrogate is used.
_SURROGATE_MAX_SD = 1.0

_CHEB_RADIUS = 5.0

_CHEB_TOL = 1e-6

_CHEB_PROBES = 6

_CHEB_EDGE = 0.9

_SURROGATE_MIN_GROUP = 3


def default_k_grid(k_max: int, num: int = 100) -> NDArray[np.int64]:
    r"""Log-spaced integer budgets from 1 to ``k_max``, as upstream.

    Parameters
    ----------
    k_max : int
        Largest budget, ``>= 2``.
    num : int, default 100
        Number of log-spaced points before rounding down and removing
        duplicates.

    Returns
    -------
    numpy.ndarray
        ``np.unique(np.logspace(0, log10(k_max), num).astype(int))``, the
        grid of the least-squares fits in the upstream code, with the end
        point guarded against rounding below ``k_max``.

    Raises
    ------
    ValueError
        If ``k_max < 2`` or ``num < 2``.

    Examples
    --------
    >>> default_k_grid(10, num=4).tolist()
    [1, 2, 4, 10]
    """
    k_max = int(k_max)
    if k_max < 2:
        raise ValueError(f"k_max must be >= 2 for a power-law fit; got {k_max}")
    if int(num) < 2:
        raise ValueError(f"num must be >= 2; got {num}")
    grid = np.floor(np.logspace(0.0, math.log10(k_max), int(num)) * (1 + 1e-12))
    return np.unique(np.clip(grid, 1, k_max).astype(np.int64))


@dataclass(frozen=True)
class ExponentEstimate:
    r"""A power-law estimate :math:`-\log \mathrm{pass}_D@k \approx a k^{-b}`.

    Attributes
    ----------
    method : {"least-squares", "distributional", "tail-index"}
        How it was estimated (see :func:`estimate_exponent`).
    prefactor : float
        :math:`a`.
    exponent : float
        :math:`b`.
    k_min, k_max : float
        Range of ``k`` regressed on; NaN for ``"tail-index"``, which is
        asymptotic.
    fit : DistributionFit or None
        The fitted law (``None`` for ``"least-squares"``).
    power_law : PowerLawFit or None
        The log-log regression (``None`` for ``"tail-index"``).
    """

    method: str
    prefactor: float
    exponent: float
    k_min: float
    k_max: float
    fit: DistributionFit | None = field(repr=False)
    power_law: PowerLawFit | None = field(repr=False)






def _k_grid(
    k: ArrayLike | None,
    n: NDArray[np.int64],
    method: str,
    k_above_n: str,
) -> NDArray[np.int64]:
    k_cap = int(n.min()) if k_above_n == "raise" else int(n.max())
    if k is None:
        if k_cap < 2:
            raise ValueError(
                f"the default k grid runs from 1 to min(n) = {k_cap}, which "
                "is too short for a power-law fit; pass k explicitly"
            )
        return default_k_grid(k_cap)
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1))
    if k_arr.ndim != 1:
        raise ValueError(f"k must be a scalar or 1-D array; got shape {k_arr.shape}")
    if np.unique(k_arr).size < 2:
        raise ValueError(
            "k must hold at least two distinct budgets for a power-law fit; "
            f"got {np.unique(k_arr).tolist()}"
        )
    if method == "least-squares" and k_arr.max() > k_cap:
        if k_above_n == "raise":
            raise ValueError(
                f"k must be <= min(n) = {k_cap} for the least-squares method: "
                "pass_D@k is estimated from the counts, and pass_i@k is "
                "undefined for more attempts than were made on problem i; "
                f"got max(k) = {k_arr.max()}. Use a smaller k, or "
                "k_above_n='success-seen' for prompts whose sampling stopped "
                "at the first success"
            )
        raise ValueError(
            f"k must be <= max(n) = {k_cap}: pass@k is undefined beyond the "
            f"attempts made; got max(k) = {k_arr.max()}"
        )
    return k_arr


def _regress(k: NDArray[np.int64], y: NDArray[np.float64]) -> PowerLawFit:
    keep = np.isfinite(y) & (y > 0)
    if np.unique(k[keep]).size < 2:
        raise ValueError(
            "-log pass_D@k is positive and finite at fewer than two k "
            "(pass_D@k is 1 or 0 almost everywhere), so no power law can be "
            "fitted; use a k range where 0 < pass_D@k < 1"
        )
    return fit_power_law(k[keep].astype(np.float64), y[keep])


def estimate_exponent(
    n: ArrayLike,
    c: ArrayLike,
    method: Method = "least-squares",
    *,
    k: ArrayLike | None = None,
    family: Family = "scaled-beta",
    scale: float | None = None,
    fit_scale: bool = False,
    k_above_n: Literal["raise", "success-seen"] = "raise",
) -> ExponentEstimate:
    r"""Estimate the power law of :math:`-\log \mathrm{pass}_D@k` from counts.

    Parameters
    ----------
    n : array_like of int, shape (P,) or scalar
        Attempts per problem, ``n >= 1``.
    c : array_like of int, shape (P,)
        Successes per problem, ``0 <= c <= n``; ``P >= 2``.
    method : {"least-squares", "distributional", "tail-index"}
        ``"least-squares"`` regresses the estimated
        :math:`-\log \mathrm{pass}_D@k` (from
        :func:`~llmonkeys.estimators.neg_log_pass_at_k`) on ``k`` in
        log-log space. ``"distributional"`` (the paper's) fits the law of
        success probabilities and regresses its exact curve on the same
        ``k``. ``"tail-index"`` returns the fitted law's left-tail index
        and asymptotic prefactor.
    k : array_like of int, optional
        Budgets to regress on, at least two distinct. Default:
        :func:`default_k_grid` up to ``min(n)`` (``max(n)`` with
        ``k_above_n="success-seen"``), the upstream least-squares grid.
    family : {"scaled-beta", "scaled-kumaraswamy"}, default "scaled-beta"
        Law fitted by the distributional methods.
    scale : float, optional
        Scale of the law, by default :func:`paper_scale`.
    fit_scale : bool, default False
        Fit the scale too.
    k_above_n : {"raise", "success-seen"}, default "raise"
        Passed to :func:`~llmonkeys.estimators.pass_at_k` by the
        least-squares method, for data such as best-of-n jailbreaking
        where sampling stopped at the first success.

    Returns
    -------
    ExponentEstimate
        ``prefactor``, ``exponent``, the ``k`` range and the underlying
        fits.

    Raises
    ------
    ValueError
        On invalid counts or fewer than two problems; an unknown
        ``method`` or ``family`` (the message lists the allowed ones);
        ``k`` with fewer than two distinct budgets; ``k > min(n)`` for
        the least-squares method (pass@k is undefined for more attempts
        than were made); degenerate counts for the distributional
        methods; or a curve that is 0 or infinite almost everywhere.
    FitError
        (a ``ValueError``) If the fit of a distributional method did not
        converge or ended with a shape on (or within a factor of 2 of) a
        bound of ``[1e-4, 1e6]``: such a fit gives no estimate.

    Notes
    -----
    For a law with density :math:`\propto p^{b - 1}` near 0 the exact
    curve behaves as :math:`a k^{-b}` for large ``k`` (Schaeffer et al.,
    2025), so on well-specified data the three methods agree up to the
    curvature of the curve over the ``k`` range and sampling error.

    Examples
    --------
    >>> import llmonkeys.distributions as dist
    >>> rng = np.random.default_rng(3)
    >>> p = dist.ScaledBeta(0.3, 3.0).sample(500, rng)
    >>> c = rng.binomial(2000, p)
    >>> est = estimate_exponent(2000, c, "tail-index", scale=1.0)
    >>> round(est.exponent, 1)
    0.3
    """
    method = check_choice(method, "method", METHODS)
    family = check_family(family)
    k_above_n = check_k_above_n(k_above_n)
    n_arr, c_arr = check_problem_counts(n, c)
    k_arr = _k_grid(k, n_arr, method, k_above_n)
    if method == "least-squares":
        if np.all(c_arr == 0):
            raise ValueError(
                "every c is 0 (no problem was ever solved), so pass_D@k = 0 "
                "and -log pass_D@k is infinite at every k"
            )
        grid = pass_at_k(
            n_arr[:, None], c_arr[:, None], k_arr[None, :], k_above_n=k_above_n
        )
        with np.errstate(divide="ignore"):
            y = -np.log(grid.mean(axis=0))
        pl = _regress(k_arr, y)
        return ExponentEstimate(
            method, pl.prefactor, pl.exponent, pl.k_min, pl.k_max, None, pl
        )
    fit = fit_family(family, n_arr, c_arr, scale, fit_scale)
    require_converged(fit, f"estimate_exponent(method={method!r})")
    return _from_fit(fit, method, k_arr)


def _from_fit(
    fit: DistributionFit, method: str, k: NDArray[np.int64]
) -> ExponentEstimate:
    if method == "tail-index":
        prefactor, exponent = fit.distribution.asymptotic()
        return ExponentEstimate(
            method, float(prefactor), float(exponent), math.nan, math.nan, fit, None
        )
    with np.errstate(all="ignore"):
        y = np.asarray(fit.distribution.neg_log_pass_at_k(k), dtype=np.float64)
    pl = _regress(k, y)
    return ExponentEstimate(
        method, pl.prefactor, pl.exponent, pl.k_min, pl.k_max, fit, pl
    )


@dataclass(frozen=True)
class BootstrapResult:
    """Problem-level bootstrap of a power-law exponent.

    Attributes
    ----------
    method : str
        Estimator bootstrapped (see :func:`estimate_exponent`).
    estimate : float
        Exponent on the full data.
    low, high : float
        Percentile interval of the replicate exponents.
    confidence : float
        Nominal coverage of ``[low, high]``.
    samples : numpy.ndarray, shape (n_boot,)
        Replicate exponents; NaN where a replicate could not be fitted
        (e.g. no resampled problem was solved).
    n_failed : int
        Number of NaN replicates (left out of the interval).
    full : ExponentEstimate
        The full-data estimate.
    """

    method: str
    estimate: float
    low: float
    high: float
    confidence: float
    samples: NDArray[np.float64] = field(repr=False, compare=False)
    n_failed: int
    full: ExponentEstimate = field(repr=False, compare=False)




def _boot_weights(
    rng: np.random.Generator, n_boot: int, n_problems: int
) -> NDArray[np.int64]:
    """Problem multiplicities of ``n_boot`` resamples with replacement."""
    idx = rng.integers(0, n_problems, size=(n_boot, n_problems))
    flat = (idx + n_problems * np.arange(n_boot)[:, None]).ravel()
    return np.bincount(flat, minlength=n_boot * n_problems).reshape(n_boot, n_problems)


def _exact_thetas(
    pair_weights: NDArray[np.float64],
    scales: NDArray[np.float64],
    counts: CountTable,
    family: str,
    fit_scale: bool,
    theta0: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Warm-started exact fits of weighted replicates (joblib-friendly)."""
    out = np.empty((len(pair_weights), theta0.size))
    for b, (w, s) in enumerate(zip(pair_weights, scales, strict=True)):
        fit, out[b] = fit_count_table(family, counts.subset(w), float(s), fit_scale,
                                  theta0)
        if not fit.converged:  # failed replicate: NaN, counted by the caller
            out[b] = np.nan
    return out


def _chebyshev_basis(
    x: NDArray[np.float64], degree: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Chebyshev polynomials T_0..T_degree and two derivatives at ``x``."""
    t = np.zeros((x.size, degree + 1))
    d1, d2 = np.zeros_like(t), np.zeros_like(t)
    t[:, 0] = 1.0
    if degree >= 1:
        t[:, 1], d1[:, 1] = x, 1.0
    for j in range(1, degree):
        t[:, j + 1] = 2 * x * t[:, j] - t[:, j - 1]
        d1[:, j + 1] = 2 * t[:, j] + 2 * x * d1[:, j] - d1[:, j - 1]
        d2[:, j + 1] = 4 * d1[:, j] + 2 * x * d2[:, j] - d2[:, j - 1]
    return t, d1, d2


def _series(
    coef: NDArray[np.float64], x: NDArray[np.float64], degree: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Value, gradient and Hessian of 2-D Chebyshev series, one per row."""
    tx, dx, ddx = _chebyshev_basis(x[:, 0], degree)
    ty, dy, ddy = _chebyshev_basis(x[:, 1], degree)

    def ev(u: NDArray[np.float64], v: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.einsum("bk,bkl,bl->b", u, coef, v)

    value = ev(tx, ty)
    grad = np.stack([ev(dx, ty), ev(tx, dy)], axis=1)
    hxy = ev(dx, dy)
    hess = np.stack(
        [np.stack([ev(ddx, ty), hxy], 1), np.stack([hxy, ev(tx, ddy)], 1)], 1
    )
    return value, grad, hess


def _series_value(
    coef: NDArray[np.float64], x: NDArray[np.float64], degree: int
) -> NDArray[np.float64]:
    """Value of 2-D Chebyshev series, one per row."""
    tx, _, _ = _chebyshev_basis(x[:, 0], degree)
    ty, _, _ = _chebyshev_basis(x[:, 1], degree)
    return np.einsum("bk,bkl,bl->b", tx, coef, ty)


def _interpolate_pairs(
    counts: CountTable,
    family: str,
    scale: float,
    center: NDArray[np.float64],
    radius: NDArray[np.float64],
    deg: int,
) -> NDArray[np.float64] | None:
    """Chebyshev coefficients of every pair's log-pmf on a box, or None.

    Returns ``None`` when a value is not finite or the interpolant of the
    mean log-likelihood misses the truth by more than ``_CHEB_TOL`` at
    ``_CHEB_PROBES`` random points of the box.
    """
    logpmf = family_logpmf(family)

    def true_values(x: NDArray[np.float64]) -> NDArray[np.float64]:
        theta = center + x * radius
        with np.errstate(all="ignore"):
            return logpmf(
                counts.c[None, :],
                counts.n[None, :],
                np.exp(theta[:, :1]),
                np.exp(theta[:, 1:]),
                scale,
            )

    nodes = np.cos(np.pi * (np.arange(deg + 1) + 0.5) / (deg + 1))
    grid = np.stack(np.meshgrid(nodes, nodes, indexing="ij"), -1).reshape(-1, 2)
    vals = true_values(grid)
    if not np.all(np.isfinite(vals)):
        return None
    basis = np.cos(
        np.outer(np.arange(deg + 1), np.pi * (np.arange(deg + 1) + 0.5) / (deg + 1))
    )
    a = 2.0 / (deg + 1) * basis
    a[0] /= 2.0
    coef = np.einsum("ki,lj,iju->klu", a, a, vals.reshape(deg + 1, deg + 1, -1))
    probe = np.random.default_rng(0).uniform(-1, 1, size=(_CHEB_PROBES, 2))
    tx, _, _ = _chebyshev_basis(probe[:, 0], deg)
    ty, _, _ = _chebyshev_basis(probe[:, 1], deg)
    approx = np.einsum("pk,klu,pl->pu", tx, coef, ty)
    err = np.abs(approx - true_values(probe)) @ counts.weight / counts.weight.sum()
    if not np.all(np.isfinite(err)) or err.max() > _CHEB_TOL:
        return None
    return coef


def _surrogate_thetas(
    pair_weights: NDArray[np.float64],
    counts: CountTable,
    family: str,
    scale: float,
    center: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Optimise many weighted replicates at one fixed scale at once.

    Every replicate's mean NLL is a weighted sum of the same per-pair
    log-pmfs. Each log-pmf is interpolated once, on a tensor Chebyshev
    grid of ``(deg + 1)**2`` points (``deg`` from ``_CHEB_DEGREES``, the
    first that passes the error check of :func:`_interpolate_pairs`) over
    a box of ``_CHEB_RADIUS`` standard errors (from the observed
    information) around ``center`` moved by one Newton step, so each
    replicate's objective becomes a Chebyshev series, minimised by damped
    Newton steps without further likelihood evaluations. Replicates whose
    optimum is near the box edge, or all replicates if no degree passes
    the check, are flagged for an exact fit.
    """
    m = counts.n_problems
    # Gradient and observed information of the pooled replicates at
    # ``center`` by central differences; one Newton step recentres the box.
    pooled = CountTable(
        counts.n, counts.c, pair_weights.mean(axis=0), counts.inverse, m
    )
    obj = MeanNegLogLikelihood(family, pooled, scale)
    h = 1e-3
    e = np.eye(2) * h
    stencil = np.array(
        [
            center,
            center + e[0],
            center - e[0],
            center + e[1],
            center - e[1],
            center + e[0] + e[1],
            center - e[0] - e[1],
        ]
    )
    v = obj.values(stencil)
    grad = np.array([v[1] - v[2], v[3] - v[4]]) / (2 * h)
    hess = np.empty((2, 2))
    hess[0, 0] = (v[1] + v[2] - 2 * v[0]) / h**2
    hess[1, 1] = (v[3] + v[4] - 2 * v[0]) / h**2
    hess[0, 1] = hess[1, 0] = (v[5] + v[6] - v[1] - v[2] - v[3] - v[4] + 2 * v[0]) / (
        2 * h**2
    )
    n_rep = len(pair_weights)
    bad = np.ones(n_rep, dtype=bool)
    try:
        cov = np.linalg.inv(hess) / m
        shift = -np.linalg.solve(hess, grad)
    except np.linalg.LinAlgError:
        return np.full((n_rep, 2), np.nan), bad
    diag = np.diag(cov)
    if not (np.all(np.isfinite(diag)) and np.all(diag > 0)):
        return np.full((n_rep, 2), np.nan), bad
    sd = np.sqrt(diag)
    if np.any(sd > _SURROGATE_MAX_SD) or np.any(np.abs(shift) > 3 * sd):
        # A flat or far-off likelihood: a box around the full-data estimate
        # would hold a spurious optimum, so every replicate is fitted exactly.
        return np.full((n_rep, 2), np.nan), bad
    center = center + shift
    radius = np.clip(_CHEB_RADIUS * sd, 0.02, 3.0)
    for deg in _CHEB_DEGREES:
        coef_pairs = _interpolate_pairs(counts, family, scale, center, radius, deg)
        if coef_pairs is not None:
            break
    else:
        return np.full((n_rep, 2), np.nan), bad
    # Replicate objectives: minus the weighted mean log-pmf.
    coef = -np.einsum("klu,bu->bkl", coef_pairs, pair_weights) / m
    x = np.zeros((n_rep, 2))
    fx, gx, hx = _series(coef, x, deg)
    active = np.ones(n_rep, dtype=bool)
    for _ in range(60):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        g, hh = gx[idx], hx[idx]
        # Newton step, or a scaled gradient step where not convex.
        det = hh[:, 0, 0] * hh[:, 1, 1] - hh[:, 0, 1] ** 2
        convex = (hh[:, 0, 0] > 0) & (det > 0)
        newton = (
            -np.stack(
                [
                    hh[:, 1, 1] * g[:, 0] - hh[:, 0, 1] * g[:, 1],
                    hh[:, 0, 0] * g[:, 1] - hh[:, 0, 1] * g[:, 0],
                ],
                1,
            )
            / np.where(convex, det, 1.0)[:, None]
        )
        step = np.where(convex[:, None], newton, -0.1 * g)
        norm = np.linalg.norm(step, axis=1, keepdims=True)
        step *= np.minimum(1.0, 0.5 / np.maximum(norm, 1e-300))
        t = np.ones(idx.size)
        for _ in range(30):
            trial = np.clip(x[idx] + t[:, None] * step, -1.0, 1.0)
            worse = _series_value(coef[idx], trial, deg) > fx[idx] + 1e-15
            if not worse.any():
                break
            t = np.where(worse, t / 2, t)
        trial = np.clip(x[idx] + t[:, None] * step, -1.0, 1.0)
        moved = np.abs(trial - x[idx]).max(axis=1)
        x[idx] = trial
        fx[idx], gx[idx], hx[idx] = _series(coef[idx], trial, deg)
        done = (np.abs(gx[idx] / radius).max(axis=1) < 1e-10) | (moved < 1e-12)
        active[idx[done]] = False
    theta = center + x * radius
    # Near a shape bound: refit exactly, where the bound check applies.
    near_bound = np.any(on_shape_bound(theta), axis=1)
    bad = (np.abs(x).max(axis=1) > _CHEB_EDGE) | (
        np.abs(gx / radius).max(axis=1) > 1e-6
    ) | near_bound
    return theta, bad


def _replicate_thetas(
    pair_weights: NDArray[np.float64],
    scales: NDArray[np.float64],
    counts: CountTable,
    family: str,
    fit_scale: bool,
    theta_hat: NDArray[np.float64],
    n_jobs: int,
) -> NDArray[np.float64]:
    """Fitted log-parameters of every replicate (fixed or fitted scale)."""
    n_rep = len(pair_weights)
    thetas = np.full((n_rep, theta_hat.size), np.nan)
    exact = np.ones(n_rep, dtype=bool)
    if not fit_scale:
        # Replicates sharing a scale share a surrogate; small groups are
        # cheaper to fit exactly.
        values, group = np.unique(scales, return_inverse=True)
        for g, s in enumerate(values):
            members = np.flatnonzero(group == g)
            if members.size < _SURROGATE_MIN_GROUP:
                continue
            th, bad = _surrogate_thetas(
                pair_weights[members], counts, family, float(s), theta_hat
            )
            thetas[members] = th
            exact[members] = bad
    todo = np.flatnonzero(exact)
    if todo.size:
        if n_jobs == 1 or todo.size < 2:
            thetas[todo] = _exact_thetas(
                pair_weights[todo],
                scales[todo],
                counts,
                family,
                fit_scale,
                theta_hat,
            )
        else:
            from joblib import Parallel, delayed, effective_n_jobs

            n_chunks = min(effective_n_jobs(n_jobs) * 4, todo.size)
            parts = Parallel(n_jobs=n_jobs)(
                delayed(_exact_thetas)(
                    pair_weights[idx],
                    scales[idx],
                    counts,
                    family,
                    fit_scale,
                    theta_hat,
                )
                for idx in np.array_split(todo, n_chunks)
            )
            thetas[todo] = np.concatenate(parts)
    return thetas


def _replicate_curves(
    family: str,
    thetas: NDArray[np.float64],
    scales: NDArray[np.float64],
    k: NDArray[np.int64],
) -> NDArray[np.float64]:
    r"""Exact :math:`-\log \mathrm{pass}_D@k` of many fitted laws at once.

    The failure rate :math:`E[(1 - p)^k]` is the probability of 0
    successes in ``k`` attempts, so one call of the vectorised log-pmf
    gives every replicate's curve.
    """
    logpmf = family_logpmf(family)
    with np.errstate(all="ignore"):
        log_fail = logpmf(
            np.zeros((1, k.size)),
            k[None, :].astype(np.float64),
            np.exp(thetas[:, :1]),
            np.exp(thetas[:, 1:2]),
            scales[:, None],
        )
        return -np.log(-np.expm1(log_fail))


def _fitted_samples(
    weights: NDArray[np.int64],
    n: NDArray[np.int64],
    c: NDArray[np.int64],
    full: DistributionFit,
    method: str,
    scale: float | None,
    fit_scale: bool,
    k: NDArray[np.int64],
    n_jobs: int,
) -> NDArray[np.float64]:
    """Replicate exponents of the distributional methods."""
    counts = count_table(n, c)
    onehot = np.zeros((n.size, counts.n.size))
    onehot[np.arange(n.size), counts.inverse] = 1.0
    pair_w = weights @ onehot
    n_rep = len(pair_w)
    # Replicates with no success (or no failure) have no estimate.
    solved = pair_w @ (counts.c > 0) > 0
    failed = pair_w @ (counts.c < counts.n) > 0
    live = np.flatnonzero(solved & failed)
    samples = np.full(n_rep, np.nan)
    if live.size == 0:
        return samples
    pw = pair_w[live]
    if fit_scale:
        scales = np.full(live.size, full.scale)
        theta_hat = np.array(
            [np.log(full.alpha), np.log(full.beta), np.log(full.scale)]
        )
    else:
        theta_hat = np.log([full.alpha, full.beta])
        if scale is None:
            p_max = np.max(np.where(pw > 0, counts.c / counts.n, 0.0), axis=1)
            scales = np.minimum((n.size + 1.0) / n.size * p_max, 1.0)
        else:
            scales = np.full(live.size, float(scale))
    thetas = _replicate_thetas(
        pw, scales, counts, full.family, fit_scale, theta_hat, n_jobs
    )
    if fit_scale:
        scales = scale_from_log(thetas[:, 2])
    if method == "tail-index":
        samples[live] = np.exp(thetas[:, 0])
    else:
        y = _replicate_curves(full.family, thetas, scales, k)
        samples[live] = -row_log_slopes(np.log(k.astype(np.float64)), y)
    return samples


def bootstrap_exponent(
    n: ArrayLike,
    c: ArrayLike,
    method: Method = "least-squares",
    *,
    n_boot: int = 200,
    seed: int | np.random.Generator | None = None,
    k: ArrayLike | None = None,
    confidence: float = 0.95,
    n_jobs: int = 1,
    family: Family = "scaled-beta",
    scale: float | None = None,
    fit_scale: bool = False,
    k_above_n: Literal["raise", "success-seen"] = "raise",
) -> BootstrapResult:
    r"""Percentile bootstrap of an exponent, resampling problems.

    Parameters
    ----------
    n : array_like of int, shape (P,) or scalar
        Attempts per problem, ``n >= 1``.
    c : array_like of int, shape (P,)
        Successes per problem, ``0 <= c <= n``; ``P >= 2``.
    method : {"least-squares", "distributional", "tail-index"}
        Estimator, as in :func:`estimate_exponent`.
    n_boot : int, default 200
        Number of replicates, ``>= 1``.
    seed : int, numpy.random.Generator or None
        Seed of ``numpy.random.default_rng`` (or a generator, which is
        advanced). The same seed gives the same result for any
        ``n_jobs``.
    k : array_like of int, optional
        Budgets, as in :func:`estimate_exponent`.
    confidence : float, default 0.95
        Coverage of the percentile interval, in ``(0, 1)``.
    n_jobs : int, default 1
        Parallel workers (``joblib``) for the fitted methods; ``-1`` uses
        all cores.
    family, scale, fit_scale, k_above_n
        As in :func:`estimate_exponent`. With ``scale=None`` the paper's
        scale rule is re-applied to every replicate.

    Returns
    -------
    BootstrapResult
        Full-data ``estimate``, interval ``[low, high]`` and the
        replicate exponents ``samples``.

    Raises
    ------
    ValueError
        As :func:`estimate_exponent` (a full-data fit that did not
        converge raises :class:`~llmonkeys.fits.FitError`), or if
        ``n_boot < 1``, ``confidence`` is outside ``(0, 1)``, ``n_jobs``
        is 0 or ``seed`` is a negative integer.
    TypeError
        If ``n_boot`` or ``n_jobs`` is not an integer, or ``seed`` is
        neither an integer, a generator nor None.

    Warns
    -----
    FailedReplicatesWarning
        If some replicates failed: their fit did not converge or ended
        with a shape on a bound, or the resample had no solved (or no
        unsolved) problem. They are NaN in ``samples``, left out of the
        interval and counted in ``n_failed``.

    Notes
    -----
    Problems are resampled with replacement, ``P`` at a time. For least
    squares the per-problem pass@k matrix is computed once and every
    replicate curve is a weighted mean of its rows, so all replicates
    cost one matrix product and a row-wise regression.

    For the fitted methods each replicate's likelihood is a weighted sum
    of the log-pmfs of the distinct ``(n, c)`` pairs of the data, and the
    paper's scale rule (``scale=None``) is re-applied to each replicate,
    so replicates fall into a few groups sharing a scale. Within a group
    of at least three, every pair's log-pmf is interpolated once in
    :math:`(\log\alpha, \log\beta)` by a tensor Chebyshev series
    (degree 10, or 16 if needed) on a box of 5 standard errors around the
    full-data estimate (one Newton step recentres it), the interpolation
    error of the mean log-likelihood is checked below ``1e-6`` at random
    points, and every replicate's series is minimised by vectorised
    damped Newton steps: a group costs about 135 likelihood evaluations
    in all, and replicate estimates agree with cold fits to about
    ``1e-6`` or better. Replicates in
    smaller groups, near the box edge, or failing the check, and every
    replicate when ``fit_scale=True``, are fitted exactly by L-BFGS-B
    warm-started at the full-data estimate (in parallel with ``n_jobs``;
    results do not depend on ``n_jobs``). For the distributional method
    all replicate curves come from one vectorised call. A 200-replicate
    bootstrap of a 128-problem model with ``n = 10,000`` takes seconds
    (``benchmarks/bench_fits.py``).

    Replicates in which every resampled ``c`` is 0 (or every ``c = n``),
    or whose fit does not converge or ends with a shape on a bound, have
    no estimate: they are NaN and counted in ``n_failed``. Where the
    full-data likelihood is flat (a standard error of a log shape above
    1) or the recentring step is large, the surrogate is not used, since
    its box could hold a spurious optimum.

    Examples
    --------
    >>> rng = np.random.default_rng(4)
    >>> c = rng.binomial(1000, rng.beta(0.3, 3.0, 200))
    >>> boot = bootstrap_exponent(1000, c, n_boot=50, seed=0)
    >>> bool(boot.low < boot.estimate < boot.high)
    True
    """
    method = check_choice(method, "method", METHODS)
    n_boot = check_int(n_boot, "n_boot")
    conf = check_confidence(confidence)
    n_jobs = check_n_jobs(n_jobs)

    full = estimate_exponent(
        n,
        c,
        method,
        k=k,
        family=family,
        scale=scale,
        fit_scale=fit_scale,
        k_above_n=k_above_n,
    )
    n_arr, c_arr = check_problem_counts(n, c)
    k_arr = _k_grid(k, n_arr, method, check_k_above_n(k_above_n))
    rng = np.random.default_rng() if seed is None else as_generator(seed, "seed")
    weights = _boot_weights(rng, int(n_boot), n_arr.size)

    if method == "least-squares":
        grid = pass_at_k(
            n_arr[:, None], c_arr[:, None], k_arr[None, :], k_above_n=k_above_n
        )
        curves = weights @ grid / n_arr.size
        with np.errstate(divide="ignore"):
            y = -np.log(curves)
        samples = -row_log_slopes(np.log(k_arr.astype(np.float64)), y)
    elif full.fit is not None:
        samples = _fitted_samples(
            weights,
            n_arr,
            c_arr,
            full.fit,
            method,
            scale,
            bool(fit_scale),
            k_arr,
            int(n_jobs),
        )
    else:  # pragma: no cover - the fitted methods always carry a fit
        samples = np.full(int(n_boot), np.nan)

    samples = np.asarray(samples, dtype=np.float64)
    n_failed = int(np.isnan(samples).sum())
    if n_failed:
        warnings.warn(
            f"bootstrap_exponent(method={method!r}): {n_failed} of "
            f"{samples.size} replicates failed (a fit that did not converge "
            "or ended with a shape on a bound, or a resample without a solved "
            "or without an unsolved problem); they are NaN, left out of the "
            "interval and counted in n_failed",
            FailedReplicatesWarning, stacklevel=2,
        )
    if n_failed == samples.size:
        low = high = math.nan
    else:
        tail = (1.0 - conf) / 2.0
        low, high = (float(q) for q in np.nanquantile(samples, [tail, 1 - tail]))
    return BootstrapResult(
        method=method,
        estimate=float(full.exponent),
        low=low,
        high=high,
        confidence=conf,
        samples=samples,
        n_failed=n_failed,
        full=full,
    )


def _boot_sizes(n_boot: object, methods: Sequence[str]) -> dict[str, int]:
    if isinstance(n_boot, Mapping):
        missing = [m for m in methods if m not in n_boot]
        if missing:
            raise ValueError(f"n_boot has no entry for methods {missing}")
        return {m: check_int(n_boot[m], f"n_boot[{m!r}]") for m in methods}
    size = check_int(n_boot, "n_boot")
    return dict.fromkeys(methods, size)


def bootstrap_exponents(
    counts: pd.DataFrame,
    k: ArrayLike | None = None,
    *,
    methods: Sequence[str] = METHODS,
    n_boot: int | Mapping[str, int] = 200,
    seed: int | np.random.Generator,
    confidence: float = 0.95,
    family: Literal["scaled-beta", "scaled-kumaraswamy"] = "scaled-beta",
    scale: float | None = None,
    k_above_n: Literal["raise", "success-seen"] = "raise",
    n_jobs: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    r"""Power-law exponents of every model by several methods, bootstrapped.

    Calls :func:`~llmonkeys.fits.bootstrap_exponent` for every model and
    method with *one* seed, so that replicate ``b`` resamples the same
    problem positions for every model and method.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts (columns ``model``, ``n``, ``c``, optionally
        ``problem``).
    k : array_like of int, optional
        Budgets of the log-log regressions (see
        :func:`~llmonkeys.fits.estimate_exponent`).
    methods : sequence of str, default all of
        :data:`~llmonkeys.fits.METHODS`
        ``"least-squares"``, ``"distributional"``, ``"tail-index"``.
    n_boot : int or mapping of str to int, default 200
        Replicates, for all methods or per method (the fitted methods
        cost one maximum-likelihood fit per replicate; least squares is
        almost free).
    seed : int or numpy.random.Generator
        Seed used for every model and method; from a generator, one
        integer seed is drawn.
    confidence : float, default 0.95
        Coverage of the percentile intervals.
    family, scale, k_above_n, n_jobs
        Passed to :func:`~llmonkeys.fits.bootstrap_exponent`.

    Returns
    -------
    table : pandas.DataFrame
        One row per (model, method): ``model``, ``method``, ``estimate``,
        ``low``, ``high``, ``n_boot`` and ``n_failed`` (replicates that
        could not be fitted).
    samples : pandas.DataFrame
        Long format: ``model``, ``method``, ``replicate``, ``exponent``
        (NaN for failed replicates).

    Raises
    ------
    ValueError
        On invalid counts, an unknown method, an invalid ``n_boot``,
        ``seed`` or ``confidence``, or as
        :func:`~llmonkeys.fits.bootstrap_exponent`.

    Notes
    -----
    Rows are ordered by ``problem`` within each model when that column
    exists. If the models share the same problems, replicate ``b`` then
    draws the same problems for all of them (a joint bootstrap), so
    replicate-wise differences between methods or models, and trends
    across models (:func:`exponent_trends`), carry the right
    correlation. With different ``n_boot`` per method, the first
    ``min(n_boot)`` replicates are shared.
    """
    counts = check_tidy_counts(counts)
    methods = list(methods)
    bad = [m for m in methods if m not in METHODS]
    if bad or not methods:
        raise ValueError(
            f"methods must be a non-empty subset of {METHODS}; got {methods}"
        )
    sizes = _boot_sizes(n_boot, methods)
    conf = check_confidence(confidence)
    if isinstance(seed, np.random.Generator):
        base_seed = int(seed.integers(0, 2**63 - 1))
    else:
        base_seed = int(as_generator(seed, "seed").bit_generator.seed_seq.entropy)
    rows, frames = [], []
    for model, n, c in groups_by_model(counts):
        for method in methods:
            try:
                res = bootstrap_exponent(
                    n, c, method, n_boot=sizes[method], seed=base_seed, k=k,
                    confidence=conf, n_jobs=n_jobs, family=family, scale=scale,
                    k_above_n=k_above_n,
                )
            except ValueError as err:  # FitError included: name the model
                raise type(err)(f"model {model!r}: {err}") from None
            rows.append({
                "model": model, "method": method, "estimate": res.estimate,
                "low": res.low, "high": res.high, "n_boot": sizes[method],
                "n_failed": res.n_failed,
            })
            frames.append(pd.DataFrame({
                "model": model, "method": method,
                "replicate": np.arange(res.samples.size),
                "exponent": res.samples,
            }))
    table = ordered_categories(in_model_order(pd.DataFrame(rows), counts),
                               "model", "method")
    samples = ordered_categories(
        in_model_order(pd.concat(frames, ignore_index=True), counts),
        "model", "method")
    return table, samples


def _check_tables(table: object, samples: object) -> None:
    if not isinstance(table, pd.DataFrame) or not {
        "model", "method", "estimate"
    } <= set(table.columns):
        raise ValueError(
            "table must be the first output of bootstrap_exponents (columns "
            "model, method, estimate, ...)"
        )
    if not isinstance(samples, pd.DataFrame) or not {
        "model", "method", "replicate", "exponent"
    } <= set(samples.columns):
        raise ValueError(
            "samples must be the second output of bootstrap_exponents "
            "(columns model, method, replicate, exponent)"
        )


def method_differences(
    table: pd.DataFrame,
    samples: pd.DataFrame,
    method: str,
    reference: str,
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    r"""Paired bootstrap intervals of the difference between two methods.

    Parameters
    ----------
    table, samples : pandas.DataFrame
        Outputs of :func:`bootstrap_exponents` (one seed, so replicates
        are paired).
    method, reference : str
        Methods compared: ``method - reference``.
    confidence : float, default 0.95
        Coverage of the percentile intervals.

    Returns
    -------
    pandas.DataFrame
        One row per model: ``model``, ``difference`` (full data),
        ``low``, ``high`` (percentile interval of the replicate-wise
        differences) and ``n_pairs`` (replicates where both are finite).

    Raises
    ------
    ValueError
        If the tables are not those of :func:`bootstrap_exponents`, a
        method is absent, the two methods are equal, or
        ``confidence`` is outside ``(0, 1)``.
    """
    _check_tables(table, samples)
    conf = check_confidence(confidence)
    present = set(table["method"])
    for name in (method, reference):
        if name not in present:
            raise ValueError(
                f"method {name!r} is not in the table; got {sorted(present)}"
            )
    if method == reference:
        raise ValueError("method and reference must differ")
    est = table.pivot_table(index="model", columns="method", values="estimate",
                            observed=True)
    pair = samples[samples["method"].astype(str).isin([method, reference])]
    diffs = paired_differences(pair, value="exponent", reference=reference,
                               units=["model", "replicate"])
    tail = (1.0 - conf) / 2.0
    rows = []
    for model in est.index:
        d = diffs.loc[diffs["model"] == model, "difference"].to_numpy()
        d = d[np.isfinite(d)]
        lo, hi = (np.quantile(d, [tail, 1 - tail]) if d.size else (np.nan, np.nan))
        rows.append({
            "model": model,
            "difference": float(est.loc[model, method] - est.loc[model, reference]),
            "low": float(lo), "high": float(hi), "n_pairs": int(d.size),
        })
    out = pd.DataFrame(rows)
    in_model_order(out, table)
    return out


def curve_exponents(
    fits: Mapping[tuple[str, str], Fit], k: ArrayLike
) -> pd.DataFrame:
    r"""Distributional exponents of fitted laws: slopes of their exact curves.

    Parameters
    ----------
    fits : mapping
        ``(model, family)`` to fit, as from :func:`fit_families_by_model`.
    k : array_like of int
        Budgets of the log-log regression, at least two distinct.

    Returns
    -------
    pandas.DataFrame
        One row per fit: ``model``, ``family`` (ordered categoricals, in
        the order of ``fits``), ``prefactor`` and
        ``exponent`` of the least-squares power law of the fitted law's
        exact curve :math:`-\log \mathrm{pass}_D@k` over ``k`` (the
        paper's distributional estimate), ``tail_index``, the law's
        asymptotic exponent, and ``converged``. A fit that did not
        converge gives NaN there, with a
        :class:`FailedReplicatesWarning`.

    Raises
    ------
    ValueError
        If ``fits`` is not such a mapping, or ``k`` has fewer than two
        distinct budgets.

    Notes
    -----
    For a scaled family this equals
    :func:`~llmonkeys.fits.estimate_exponent` with
    ``method="distributional"`` at the same fit, without refitting.
    """
    fits = check_fits(fits)
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1)).ravel()
    if np.unique(k_arr).size < 2:
        raise ValueError("k must hold at least two distinct budgets")
    rows = []
    for (model, family), fit in fits.items():
        if not fit.converged:  # no estimate: NaN, flagged and warned
            rows.append({"model": model, "family": family, "prefactor": np.nan,
                         "exponent": np.nan, "tail_index": np.nan,
                         "converged": False})
            continue
        y = fit.distribution.neg_log_pass_at_k(k_arr)
        keep = np.isfinite(y) & (y > 0)
        pl = fit_power_law(k_arr[keep].astype(np.float64), y[keep])
        rows.append({"model": model, "family": family,
                     "prefactor": pl.prefactor, "exponent": pl.exponent,
                     "tail_index": fit.exponent, "converged": True})
    table = pd.DataFrame(rows)
    n_failed = int((~table["converged"]).sum())
    if n_failed:
        warnings.warn(
            f"curve_exponents: {n_failed} of {len(table)} fits did not "
            "converge; their exponents are NaN (converged=False)",
            FailedReplicatesWarning, stacklevel=2,
        )
    return ordered_categories(table, "model", "family")


def bootstrap_stopped_exponents(
    counts: pd.DataFrame,
    k: ArrayLike,
    *,
    n_boot: int | Mapping[str, int],
    seed: int,
    methods: tuple[str, ...] = ("least-squares", "distributional", "tail-index"),
    confidence: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    r"""Bootstrapped exponents of every model of an early-stopped dataset.

    :func:`llmonkeys.exponents.bootstrap_exponents` for each model, with
    the least-squares curve taken over the budgets ``k <= max(n)`` of that
    model (with the success-seen rule for ``k > n_i``), and the fitted
    laws' curves over all of ``k``.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts (columns ``model``, ``n``, ``c``, optionally
        ``problem``); every problem with ``n_i`` below its model's
        largest ``n`` must have ``c_i >= 1``.
    k : array_like of int
        Budgets of the log-log regressions.
    n_boot : int or mapping of str to int
        Replicates, for all methods or per method.
    seed : int
        One seed for every model and method (paired replicates).
    methods : tuple of str, default all three
        Methods of :func:`llmonkeys.fits.estimate_exponent`.
    confidence : float, default 0.95
        Coverage of the percentile intervals.

    Returns
    -------
    table, samples : pandas.DataFrame
        As :func:`llmonkeys.exponents.bootstrap_exponents`, with the rows
        of all models.

    Raises
    ------
    ValueError
        As :func:`llmonkeys.exponents.bootstrap_exponents`.

    Notes
    -----
    :func:`llmonkeys.fits.estimate_exponent` refuses least-squares
    budgets beyond ``max(n)``, even where the success-seen rule defines
    pass@k (every prompt solved). Beyond the last ``n`` every prompt of
    such a model is solved, :math:`-\log \mathrm{pass}_D@k = 0`, and the
    least-squares fit leaves those budgets out anyway, so clipping ``k``
    at ``max(n)`` changes nothing.
    """
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1))
    lsq = [m for m in methods if m == "least-squares"]
    fitted = [m for m in methods if m != "least-squares"]
    tables, samples = [], []
    for model in counts["model"].drop_duplicates():
        sub = counts[counts["model"] == model]
        calls = []
        if lsq:
            calls.append((k_arr[k_arr <= sub["n"].max()], lsq))
        if fitted:
            calls.append((k_arr, fitted))
        for k_use, meths in calls:
            sizes = ({m: n_boot[m] for m in meths} if isinstance(n_boot, Mapping)
                     else n_boot)
            table, samp = bootstrap_exponents(
                sub, k_use, methods=meths, n_boot=sizes, seed=seed,
                confidence=confidence, k_above_n="success-seen",
            )
            tables.append(table)
            samples.append(samp)
    table = pd.concat(tables, ignore_index=True)
    samp = pd.concat(samples, ignore_index=True)
    order = {m: i for i, m in enumerate(methods)}
    table = table.sort_values(
        ["model", "method"], key=lambda s: s.map(order) if s.name == "method"
        else s, kind="stable", ignore_index=True)
    return table, samp


#: Variants of the distributional exponent compared by
#: :func:`distributional_exponent_variants`, in order.
UPSTREAM_VARIANTS: tuple[str, ...] = (
    "book",
    "20-point grid",
    "scale without (P+1)/P",
    "upstream optimiser",
    "binned likelihood",
)


def _nelder_mead_exponent(k: NDArray, y: NDArray) -> float:
    """Exponent of a log-log line fitted by Nelder-Mead from OLS's slope."""
    from scipy import optimize

    lx, ly = np.log(k), np.log(y)
    b0 = -np.polyfit(lx, ly, 1)[0]
    start = [-(ly.mean() - b0 * lx.mean()), b0]  # the intercept start of upstream
    res = optimize.minimize(lambda q: np.sum((ly - (q[0] - q[1] * lx)) ** 2),
                            x0=start, method="Nelder-Mead")
    return float(res.x[1])


def distributional_exponent_variants(
    n: ArrayLike, c: ArrayLike, k: ArrayLike
) -> dict[str, float]:
    r"""Distributional exponent of a scaled Beta fit, five ways.

    Re-implements, from their description, the choices in which the code
    release of :cite:t:`schaeffer2025monkeys` differs from this book, to
    see which of them moves the exponent:

    * ``"book"``: exact beta-binomial likelihood, scale
      :func:`~llmonkeys.fits.paper_scale`, least-squares slope of the fitted
      curve on ``k``;
    * ``"20-point grid"``: the same fit, slope on the 20 integer budgets
      ``unique(int(logspace(0, 4, 20)))`` (upstream's default grid);
    * ``"scale without (P+1)/P"``: scale :math:`\max_i c_i/n_i`, slope on
      ``k``;
    * ``"upstream optimiser"``: start at a Beta fit to the clipped
      :math:`c_i/n_i`, L-BFGS-B on :math:`(\alpha, \beta)` in
      :math:`[0.01, 100]^2` with tolerances :math:`10^{-6}` on the mean
      negative log-likelihood, slope by Nelder-Mead on the 20-point grid;
    * ``"binned likelihood"``: a Beta law with scale
      :math:`\max_i c_i/n_i` fitted to the histogram of :math:`c_i/n_i` on
      1,000 log-spaced bins from :math:`10^{-4}` to 1 (plus
      :math:`[0, 10^{-4}]`), slope by Nelder-Mead on the 20-point grid.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes, ``P >= 2``, some ``c > 0``.
    k : array_like of int
        The book's budgets.

    Returns
    -------
    dict of str to float
        Exponent per variant, keys :data:`UPSTREAM_VARIANTS`.

    Raises
    ------
    ValueError
        On invalid counts (as :func:`~llmonkeys.fits.fit_scaled_beta_binomial`).
    """
    from scipy import optimize, stats

    from llmonkeys.distributions import ScaledBeta, scaled_beta_binomial_logpmf

    n_arr = np.asarray(n, dtype=np.float64)
    c_arr = np.asarray(c, dtype=np.float64)
    k_arr = np.asarray(k)
    k20 = np.unique(np.logspace(0, 4, 20).astype(int))
    fit = fit_scaled_beta_binomial(n_arr, c_arr).distribution
    frac = c_arr / n_arr
    rule = min((frac.size + 1.0) / frac.size * frac.max(), 1.0)
    start = stats.beta.fit(np.clip(frac, 1e-6, 1 - 1e-6), floc=0.0, fscale=rule)[:2]
    options = {"maxiter": 5000, "maxls": 400, "gtol": 1e-6, "ftol": 1e-6}
    bounds = [(0.01, 100.0), (0.01, 100.0)]
    up = optimize.minimize(
        lambda q: -np.mean(scaled_beta_binomial_logpmf(c_arr, n_arr, q[0], q[1], rule)),
        x0=start, bounds=bounds, method="L-BFGS-B", options=options)
    bins = np.concatenate(([0.0], np.logspace(-4, 0, 1000)))
    hist = np.histogram(frac, bins)[0]

    def binned_nll(q: NDArray) -> float:
        mass = np.diff(stats.beta.cdf(bins, q[0], q[1], scale=frac.max())) + 1e-16
        return float(-np.mean(hist * np.log(mass)))

    binned = optimize.minimize(binned_nll, x0=start, bounds=bounds,
                               method="L-BFGS-B", options=options)
    no_factor = fit_scaled_beta_binomial(n_arr, c_arr, scale=float(frac.max()))

    def slope(law: object, grid: NDArray) -> float:
        return fit_power_law(grid, law.neg_log_pass_at_k(grid)).exponent

    up_law = ScaledBeta(*up.x, rule)
    binned_law = ScaledBeta(*binned.x, float(frac.max()))
    return {
        "book": slope(fit, k_arr),
        "20-point grid": slope(fit, k20),
        "scale without (P+1)/P": slope(no_factor.distribution, k_arr),
        "upstream optimiser": _nelder_mead_exponent(k20, up_law.neg_log_pass_at_k(k20)),
        "binned likelihood": _nelder_mead_exponent(
            k20, binned_law.neg_log_pass_at_k(k20)),
    }


def interval_monte_carlo_error(
    samples: pd.DataFrame,
    rng: np.random.Generator | int,
    *,
    confidence: float = 0.95,
    n_resample: int = 1000,
) -> pd.DataFrame:
    r"""Monte Carlo standard error of percentile-interval endpoints.

    A percentile interval computed from ``B`` bootstrap replicates is
    itself random: another run with another seed moves its endpoints.
    Resampling the ``B`` replicates with replacement and recomputing the
    endpoints estimates that spread.

    Parameters
    ----------
    samples : pandas.DataFrame
        Long format with columns ``model``, ``method`` and ``exponent``
        (the ``samples`` of :func:`bootstrap_exponents`); NaN replicates
        are left out.
    rng : numpy.random.Generator or int
        Generator or seed.
    confidence : float, default 0.95
        Nominal coverage of the interval.
    n_resample : int, default 1000
        Resamples of the replicates.

    Returns
    -------
    pandas.DataFrame
        One row per (model, method): ``n_boot`` (usable replicates),
        ``se_low`` and ``se_high``.

    Raises
    ------
    ValueError
        If a column is missing, or on an invalid ``confidence`` or
        ``n_resample``.

    Examples
    --------
    >>> df = pd.DataFrame({"model": "m", "method": "x",
    ...                    "exponent": np.linspace(0, 1, 30)})
    >>> float(interval_monte_carlo_error(df, 0)["se_low"].iloc[0]) > 0
    True
    """
    missing = {"model", "method", "exponent"} - set(samples.columns)
    if missing:
        raise ValueError(f"samples lacks columns {sorted(missing)}")
    level = check_confidence(confidence)
    reps = check_int(n_resample, "n_resample")
    gen = as_generator(rng)
    q = [(1 - level) / 2, (1 + level) / 2]
    rows = []
    for (model, method), sub in samples.groupby(["model", "method"], observed=True,
                                                 sort=False):
        x = sub["exponent"].to_numpy(np.float64)
        x = x[np.isfinite(x)]
        draws = x[gen.integers(0, x.size, (reps, x.size))]
        ends = np.quantile(draws, q, axis=1)
        rows.append({"model": model, "method": method, "n_boot": x.size,
                     "se_low": float(ends[0].std(ddof=1)),
                     "se_high": float(ends[1].std(ddof=1))})
    return pd.DataFrame(rows)
