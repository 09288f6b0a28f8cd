r"""PassUntil: sample until success, and what the counts then say.

PassUntil :cite:p:`hu2024passuntil` attempts a problem until ``r``
successes are seen and records the number of attempts ``K``; with a cap,
sampling also stops after ``cap`` attempts, and a problem that did not
reach ``r`` successes by then is a right-censored observation. This
module holds the estimators of the success probability ``p`` from such
observations, their exact moments, and the likelihood of a law of ``p``
across problems.

Every function works on arrays (one entry per problem) and on counts of
any sampling design whose stopping rule looks only at outcomes already
seen: fixed budgets (``r`` = successes, ``K = cap`` = attempts) included.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special, stats

from llmonkeys._validation import as_count_array, as_float_array, broadcast

__all__ = [
    "PassUntilEstimate",
    "pass_until_estimate",
    "pass_until_unbiased",
    "pass_until_mle_mean",
    "pass_until_logpmf",
    "PassUntilBetaFit",
    "fit_pass_until_beta",
]


@dataclass(frozen=True)
class PassUntilEstimate:
    r"""Estimates of success probabilities from PassUntil counts.

    Attributes
    ----------
    estimate : numpy.ndarray
        Maximum-likelihood estimate :math:`r / K`.
    std_error : numpy.ndarray
        :math:`\sqrt{\hat p (1 - \hat p) / K}`, from the observed
        information (0 where ``r = 0`` or ``r = K``: use the interval).
    low, high : numpy.ndarray
        Likelihood-ratio interval at the requested confidence.
    censored : numpy.ndarray of bool
        Observations that stopped at the cap.
    confidence : float
        Confidence level of the interval.
    """

    estimate: NDArray[np.float64]
    std_error: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    censored: NDArray[np.bool_]
    confidence: float


def _check_r_k(
    r: ArrayLike, K: ArrayLike, cap: ArrayLike | None
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    r_arr = as_count_array(r, "r", minimum=0)
    k_arr = as_count_array(K, "K", minimum=1)
    if cap is None:
        r_arr, k_arr = broadcast(r=r_arr, K=k_arr)
        censored = np.zeros(r_arr.shape, dtype=bool)
    else:
        cap_arr = as_count_array(cap, "cap", minimum=1)
        r_arr, k_arr, cap_arr = broadcast(r=r_arr, K=k_arr, cap=cap_arr)
        over = k_arr > cap_arr
        if over.any():
            i = np.flatnonzero(over.ravel())[0]
            raise ValueError(
                "cap must be >= K (no more attempts than the cap allows); got "
                f"cap={cap_arr.ravel()[i]} < K={k_arr.ravel()[i]}"
            )
        censored = k_arr == cap_arr
    above = r_arr > k_arr
    if above.any():
        i = np.flatnonzero(above.ravel())[0]
        raise ValueError(
            "K must be >= r (the r-th success needs at least r attempts); got "
            f"K={k_arr.ravel()[i]} < r={r_arr.ravel()[i]}"
        )
    zero = (r_arr < 1) & ~censored
    if zero.any():
        raise ValueError(
            "r must be >= 1 unless the observation is censored (K == cap): "
            "PassUntil stops at a success, so r = 0 only happens at the cap; "
            "pass cap=K for a fixed budget with no success"
        )
    return r_arr, k_arr, censored


def _loglik(p: NDArray, r: NDArray, k: NDArray) -> NDArray:
    return special.xlogy(r, p) + special.xlog1py(k - r, -p)


def _lr_bound(r: NDArray, k: NDArray, target: NDArray, lower: bool) -> NDArray:
    """Solve loglik(p) = target on one side of the MLE by bisection on logit p."""
    p_hat = r / k
    # Bracket in logit space: [-60, logit p_hat] below, [logit p_hat, 60] above.
    with np.errstate(divide="ignore"):
        mid = special.logit(np.clip(p_hat, 1e-300, 1 - 1e-16))
    lo = np.where(lower, -745.0, mid)
    hi = np.where(lower, mid, 40.0)
    for _ in range(100):
        m = 0.5 * (lo + hi)
        inside = _loglik(special.expit(m), r, k) >= target
        # Below the MLE the log-likelihood increases in p; above it decreases.
        lo, hi = (np.where(inside, lo, m), np.where(inside, m, hi)) if lower else (
            np.where(inside, m, lo), np.where(inside, hi, m))
    return special.expit(0.5 * (lo + hi))


def pass_until_estimate(
    r: ArrayLike,
    K: ArrayLike,
    cap: ArrayLike | None = None,
    *,
    confidence: float = 0.95,
) -> PassUntilEstimate:
    r"""Estimate success probabilities from PassUntil counts.

    Parameters
    ----------
    r : array_like of int
        Successes seen, ``r >= 1`` (``r = 0`` only at the cap).
    K : array_like of int
        Attempts made, ``K >= r``.
    cap : array_like of int, optional
        Largest number of attempts allowed, ``cap >= K``. Observations
        with ``K == cap`` are censored: sampling stopped before the
        ``r``-th success could be awaited. For a fixed budget of ``n``
        attempts with ``c`` successes, pass ``r=c, K=n, cap=n``.
    confidence : float, default 0.95
        Level of the likelihood-ratio interval, in ``(0, 1)``.

    Returns
    -------
    PassUntilEstimate
        Estimate, standard error, interval and censoring flags, each of
        the broadcast shape of the inputs.

    Raises
    ------
    ValueError
        If a count is not a whole number, ``K < 1``, ``K < r``,
        ``cap < K``, ``r = 0`` where ``K < cap`` (or without a cap), or
        ``confidence`` is outside ``(0, 1)``.
    TypeError
        If a count is not numeric.

    Notes
    -----
    Whatever the stopping rule, as long as it looks only at outcomes
    already seen, the likelihood of ``p`` is proportional to
    :math:`p^r (1-p)^{K-r}`, so the maximum-likelihood estimate is
    :math:`\hat p = r/K` (Theorem 1 of :cite:t:`hu2024passuntil` for the
    negative binomial; censored observations included). The interval is

    .. math::

        \{p : 2[\ell(\hat p) - \ell(p)] \le \chi^2_{1, \gamma}\},
        \quad \ell(p) = r \log p + (K - r) \log(1 - p),

    solved by bisection in logit space; for ``r = 0`` its upper end is
    :math:`1 - e^{-\chi^2_{1,\gamma} / (2K)} \approx 1.92 / K`.

    Examples
    --------
    >>> est = pass_until_estimate([1, 5], [1_000_000, 50])
    >>> est.estimate.tolist()
    [1e-06, 0.1]
    >>> bool(est.low[0] < 1e-6 < est.high[0])
    True
    """
    if isinstance(confidence, bool) or not isinstance(confidence, float | int):
        raise TypeError(f"confidence must be a real number; got {confidence!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1); got {confidence!r}")
    r_arr, k_arr, censored = _check_r_k(r, K, cap)
    r_f, k_f = r_arr.astype(np.float64), k_arr.astype(np.float64)
    p_hat = r_f / k_f
    std = np.sqrt(p_hat * (1.0 - p_hat) / k_f)
    target = _loglik(p_hat, r_f, k_f) - 0.5 * stats.chi2.ppf(confidence, 1)
    low = np.where(r_arr == 0, 0.0, _lr_bound(r_f, k_f, target, lower=True))
    high = np.where(r_arr == k_arr, 1.0, _lr_bound(r_f, k_f, target, lower=False))
    # Closed form where the interval touches 0.
    high = np.where(r_arr == 0, -np.expm1(target / np.maximum(k_f, 1.0)), high)
    return PassUntilEstimate(p_hat, std, low, high, censored, float(confidence))


def pass_until_unbiased(r: ArrayLike, K: ArrayLike) -> NDArray[np.float64]:
    r"""Unbiased estimate :math:`(r - 1)/(K - 1)` of PassUntil (no cap).

    Parameters
    ----------
    r : array_like of int
        Successes awaited, ``r >= 2``.
    K : array_like of int
        Attempts until the ``r``-th success, ``K >= r``.

    Returns
    -------
    numpy.ndarray
        The estimate, of the broadcast shape of ``r`` and ``K``.

    Raises
    ------
    ValueError
        If ``r < 2`` (for ``r = 1`` the only unbiased estimator is the
        indicator of ``K = 1``) or ``K < r``.

    Notes
    -----
    :math:`\mathbb{E}[(r-1)/(K-1)] = p` exactly when ``K`` is negative
    binomial (Haldane's estimator); a cap breaks this.

    Examples
    --------
    >>> pass_until_unbiased(2, 11).item()
    0.1
    """
    r_arr = as_count_array(r, "r", minimum=2)
    r_arr, k_arr, _ = _check_r_k(r_arr, K, None)
    return (r_arr - 1.0) / (k_arr - 1.0)


def pass_until_mle_mean(p: ArrayLike, r: ArrayLike) -> NDArray[np.float64]:
    r"""Exact mean of the PassUntil estimate :math:`r / K` (no cap).

    Parameters
    ----------
    p : array_like
        Success probabilities in ``(0, 1]``.
    r : array_like of int
        Successes awaited, ``r >= 1``.

    Returns
    -------
    numpy.ndarray
        :math:`\mathbb{E}[r/K]`, of the broadcast shape of ``p`` and
        ``r``.

    Raises
    ------
    ValueError
        If ``p`` is outside ``(0, 1]`` or ``r < 1``.

    Notes
    -----
    With the probability generating function
    :math:`\mathbb{E}[t^K] = (pt / (1 - (1-p)t))^r` and
    :math:`1/K = \int_0^1 t^{K-1} dt`,

    .. math::

        \mathbb{E}\Bigl[\frac{r}{K}\Bigr]
        = r \int_0^1 \frac{p^r t^{r-1}}{(1 - (1-p)t)^r} \, dt
        = p \,{}_2F_1(1, 1; r + 1; 1 - p),

    the last step by Euler's transformation; for ``r = 1`` this is
    :math:`-p \log p / (1 - p)`.

    Examples
    --------
    >>> round(pass_until_mle_mean(0.5, 1).item(), 6)
    0.693147
    """
    p_arr = as_float_array(p, "p")
    if np.any((p_arr <= 0) | (p_arr > 1)):
        raise ValueError("p must lie in (0, 1]")
    r_arr = as_count_array(r, "r", minimum=1).astype(np.float64)
    p_arr, r_arr = broadcast(p=p_arr, r=r_arr)
    # r = 1 in closed form (hyp2f1 loses digits near z = 1 there).
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = np.where(p_arr < 1, -p_arr * np.log(p_arr) / (1 - p_arr), 1.0)
    return np.where(r_arr == 1, geometric,
                    p_arr * special.hyp2f1(1.0, 1.0, r_arr + 1.0, 1.0 - p_arr))


def pass_until_logpmf(
    p: ArrayLike, r: ArrayLike, K: ArrayLike, censored: ArrayLike
) -> NDArray[np.float64]:
    r"""Log-probability of a PassUntil observation given ``p``.

    Parameters
    ----------
    p : array_like
        Success probabilities in ``[0, 1]``.
    r : array_like of int
        Successes seen.
    K : array_like of int
        Attempts made.
    censored : array_like of bool
        ``True`` where sampling hit the cap after ``K`` attempts with
        ``r`` successes (fewer than awaited); ``False`` where the ``r``-th
        success came at attempt ``K``.

    Returns
    -------
    numpy.ndarray
        :math:`\log\binom{K-1}{r-1} + \ell(p)` (stopped at a success) or
        :math:`\log\binom{K}{r} + \ell(p)` (censored), with
        :math:`\ell(p) = r \log p + (K-r)\log(1-p)`.

    Raises
    ------
    ValueError
        On invalid counts (as :func:`pass_until_estimate`) or ``p``
        outside ``[0, 1]``.

    Notes
    -----
    Both terms share the kernel :math:`p^r (1-p)^{K-r}`: censoring changes
    the constant, not the likelihood of ``p``.

    Examples
    --------
    >>> round(float(np.exp(pass_until_logpmf(0.5, 1, 2, False))), 6)
    0.25
    """
    p_arr = as_float_array(p, "p")
    if np.any((p_arr < 0) | (p_arr > 1)):
        raise ValueError("p must lie in [0, 1]")
    cens = np.asarray(censored)
    if cens.dtype != bool:
        raise TypeError(f"censored must be booleans; got dtype {cens.dtype}")
    r_arr = as_count_array(r, "r", minimum=0)
    k_arr = as_count_array(K, "K", minimum=1)
    r_arr, k_arr, cens, p_arr = broadcast(r=r_arr, K=k_arr, censored=cens, p=p_arr)
    cap = np.where(cens, k_arr, k_arr + 1)
    r_arr, k_arr, _ = _check_r_k(r_arr, k_arr, cap)
    rf, kf = r_arr.astype(np.float64), k_arr.astype(np.float64)
    log_const = np.where(
        cens,
        special.gammaln(kf + 1) - special.gammaln(rf + 1)
        - special.gammaln(kf - rf + 1),
        special.gammaln(kf) - special.gammaln(np.maximum(rf, 1.0))
        - special.gammaln(kf - rf + 1),
    )
    return log_const + _loglik(p_arr, rf, kf)


@dataclass(frozen=True)
class PassUntilBetaFit:
    """Maximum-likelihood Beta law of ``p`` fitted to PassUntil counts.

    Attributes
    ----------
    alpha, beta : float
        Fitted shape parameters.
    nll : float
        Negative log-likelihood at the fit (PassUntil design, constants
        included).
    converged : bool
        Whether the optimiser reported success.
    n_problems : int
        Number of problems.
    """

    alpha: float
    beta: float
    nll: float
    converged: bool
    n_problems: int


def _beta_nll(theta, r, f, const):
    a, b = np.exp(theta)
    ll = special.betaln(a + r, b + f) - special.betaln(a, b)
    ab = special.digamma(a + b)
    full = special.digamma(a + b + r + f)
    ga = np.sum(special.digamma(a + r) - full) - r.size * (special.digamma(a) - ab)
    gb = np.sum(special.digamma(b + f) - full) - r.size * (special.digamma(b) - ab)
    return -(np.sum(ll) + const), -np.array([ga * a, gb * b])


def fit_pass_until_beta(
    r: ArrayLike, K: ArrayLike, censored: ArrayLike
) -> PassUntilBetaFit:
    r"""Fit a Beta law of ``p`` across problems to PassUntil observations.

    Parameters
    ----------
    r, K : array_like of int, shape (P,)
        Successes seen and attempts made per problem.
    censored : array_like of bool, shape (P,)
        Observations that stopped at the cap (see
        :func:`pass_until_logpmf`). For fixed budgets, all ``True``.

    Returns
    -------
    PassUntilBetaFit
        Fitted :math:`(\alpha, \beta)` and the negative log-likelihood.

    Raises
    ------
    ValueError
        On invalid counts, fewer than two problems, or if the maximum-
        likelihood estimate does not exist (every ``r = 0``, or every
        ``r = K``).
    TypeError
        If ``censored`` is not boolean.

    Notes
    -----
    Integrating :func:`pass_until_logpmf` over
    :math:`p \sim \mathrm{Beta}(\alpha, \beta)` gives, per problem,

    .. math::

        g_i \, \frac{B(\alpha + r_i, \beta + K_i - r_i)}{B(\alpha, \beta)},

    with :math:`g_i` the constant of the observation's type (stopped or
    censored), free of :math:`(\alpha, \beta)`. The log-likelihood is
    maximised over :math:`(\log\alpha, \log\beta)` by BFGS with its
    exact gradient (digamma functions), from three starts. It is the
    beta-binomial likelihood up to a constant, so the fit equals
    :func:`~llmonkeys.fit_scaled_beta_binomial` with scale 1.

    Examples
    --------
    >>> fit = fit_pass_until_beta([1, 2, 0, 1], [40, 30, 500, 90],
    ...                           [False, False, True, False])
    >>> bool(fit.converged) and fit.alpha > 0
    True
    """
    cens = np.asarray(censored)
    if cens.dtype != bool:
        raise TypeError(f"censored must be booleans; got dtype {cens.dtype}")
    k_arr = as_count_array(K, "K", minimum=1)
    r_arr = as_count_array(r, "r", minimum=0)
    r_arr, k_arr, cens = broadcast(r=r_arr, K=k_arr, censored=cens)
    _check_r_k(r_arr, k_arr, np.where(cens, k_arr, k_arr + 1))
    if r_arr.ndim != 1 or r_arr.size < 2:
        raise ValueError("r, K and censored must be 1-D with at least two problems; "
                         f"got shape {r_arr.shape}")
    if not r_arr.any() or np.all(r_arr == k_arr):
        raise ValueError("the maximum-likelihood estimate does not exist: every "
                         "r is 0 (or every r equals K)")
    # log g_i: pass_until_logpmf without its kernel, read off at p = 1/2.
    const = float(np.sum(pass_until_logpmf(0.5, r_arr, k_arr, cens)
                         - k_arr * np.log(0.5)))
    rf, ff = r_arr.astype(np.float64), (k_arr - r_arr).astype(np.float64)
    m = float(np.clip(np.mean(rf / k_arr), 1e-9, 1 - 1e-9))
    best = None
    for a0 in (0.1, 0.5, 2.0):
        x0 = np.log([a0, a0 * (1 - m) / m])
        res = optimize.minimize(_beta_nll, x0, args=(rf, ff, const), jac=True,
                                method="BFGS")
        if best is None or res.fun < best.fun:
            best = res
    a, b = np.exp(best.x)
    # BFGS may stop on "precision loss" at the optimum: judge by the gradient.
    grad = _beta_nll(best.x, rf, ff, const)[1]
    converged = bool(best.success or np.max(np.abs(grad)) < 1e-5 * r_arr.size)
    return PassUntilBetaFit(float(a), float(b), float(best.fun), converged,
                            int(r_arr.size))
