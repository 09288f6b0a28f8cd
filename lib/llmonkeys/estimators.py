r"""Estimators of pass@k from counts, benchmark curves and power-law fits.

A problem attempted ``n`` times with ``c`` successes has the unbiased
pass@k estimator of :cite:t:`chen2021codex`,

.. math::

    \widehat{\mathrm{pass@}k} = 1 - \binom{n-c}{k} \Big/ \binom{n}{k},

and a benchmark of problems has ``pass_D@k``, the mean over problems.
Everything here is vectorised, broadcasts over ``n``, ``c`` and ``k``, and
is accurate to a relative error of about ``1e-13`` for ``n`` up to
``10**6`` (see :func:`pass_at_k`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from llmonkeys._special import stirling_remainder
from llmonkeys._tidy import check_tidy_counts, in_model_order
from llmonkeys._validation import (
    as_count_array,
    as_float_array,
    broadcast,
    check_aligned,
    check_counts,
    check_k_above_n,
    check_tidy_frame,
)

__all__ = [
    "pass_at_k",
    "log_fail_ratio",
    "pass_at_k_curve",
    "mean_pass_and_neg_log",
    "neg_log_pass_at_k",
    "naive_pass_at_k",
    "check_stopped_counts",
    "stopped_pass_at_k",
    "stopped_neg_log_pass_at_k",
    "PowerLawFit",
    "fit_power_law",
    "local_log_slope",
    "data_power_law_window",
    "row_log_slopes",
    "curves_by_model",
    "fit_power_laws_by_model",
]

#: Names of ``__all__`` reached as ``lm.estimators.<name>`` only (result types
#: and lower-level helpers); ``llmonkeys`` re-exports the others.
_MODULE_ONLY: tuple[str, ...] = (
    "check_stopped_counts",
    "stopped_pass_at_k",
    "stopped_neg_log_pass_at_k",
    "pass_at_k_curve",
    "PowerLawFit",
    "log_fail_ratio",
    "mean_pass_and_neg_log",
    "row_log_slopes",
)


def _log_ratio_closed_form(
    n: NDArray[np.float64], c: NDArray[np.float64], k: NDArray[np.float64]
) -> NDArray[np.float64]:
    r"""Cancellation-free :math:`\log[\binom{n-c}{k} / \binom{n}{k}]`.

    Requires ``1 <= c``, ``1 <= k`` and ``c + k <= n``. With ``a = n + 1``,
    ``x = c / a``, ``y = k / a`` and ``C = 1 - x - y``, Stirling's formula
    splits the log-ratio into a smooth main part and a small remainder,

    .. math::

        a\,[C \log(1 + xy/C) + y \log(1-x) + x \log(1-y)]
        - \tfrac12 \log(1 + xy/C)
        + \delta(a-c) + \delta(a-k) - \delta(a) - \delta(a-c-k),

    whose three main terms have comparable size, so no digits cancel.
    """
    a = n + 1.0
    rest = a - c - k  # a C
    t = np.log1p((c * k) / (a * rest))  # log(1 + xy/C)
    main = (rest - 0.5) * t + k * np.log1p(-c / a) + c * np.log1p(-k / a)
    r = stirling_remainder(np.concatenate([a - c, a - k, a, a - c - k]))
    r = r.reshape(4, -1)
    return main + ((r[0] + r[1]) - (r[2] + r[3]))


def log_fail_ratio(n: ArrayLike, c: ArrayLike, k: ArrayLike) -> NDArray[np.float64]:
    r"""Log of the estimated failure probability after ``k`` attempts.

    Returns :math:`\log[\binom{n-c}{k} / \binom{n}{k}]`, which is
    ``log(1 - pass@k)``; ``-inf`` where ``n - c < k``.

    Parameters
    ----------
    n : array_like of int
        Attempts per problem, ``n >= 1``.
    c : array_like of int
        Successes per problem, ``0 <= c <= n``.
    k : array_like of int
        Attempt budgets, ``1 <= k <= n``.

    Returns
    -------
    numpy.ndarray
        Broadcast shape of the inputs; values in ``[-inf, 0]``.

    Raises
    ------
    ValueError
        On invalid counts (see :func:`pass_at_k`).
    """
    n_arr, c_arr, k_arr = _validated(n, c, k, k_above_n="raise")
    return _log_fail_ratio_unchecked(n_arr, c_arr, k_arr)


def _log_fail_ratio_unchecked(
    n: NDArray[np.int64], c: NDArray[np.int64], k: NDArray[np.int64]
) -> NDArray[np.float64]:
    shape = n.shape
    nf = n.astype(np.float64).ravel()
    cf = c.astype(np.float64).ravel()
    kf = k.astype(np.float64).ravel()
    out = np.zeros(nf.shape)
    impossible = nf - cf < kf
    out[impossible] = -np.inf
    live = (cf > 0) & ~impossible
    # One factor (c = 1 or k = 1): the ratio is exactly 1 - max(c, k) / n.
    single = live & (np.minimum(cf, kf) == 1)
    out[single] = np.log1p(-np.maximum(cf, kf)[single] / nf[single])
    many = live & ~single
    if many.any():
        out[many] = _log_ratio_closed_form(nf[many], cf[many], kf[many])
    return out.reshape(shape)


def _validated(
    n: ArrayLike, c: ArrayLike, k: ArrayLike, k_above_n: str
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    check_aligned(n=n, c=c, k=k)
    n_arr, c_arr = check_counts(n, c)
    k_arr = as_count_array(k, "k", minimum=1)
    n_arr, c_arr, k_arr = broadcast(n=n_arr, c=c_arr, k=k_arr)
    _check_k_above_n(n_arr, c_arr, k_arr, k_above_n)
    return n_arr, c_arr, k_arr


def _check_k_above_n(
    n_arr: NDArray[np.int64],
    c_arr: NDArray[np.int64],
    k_arr: NDArray[np.int64],
    k_above_n: str,
) -> None:
    """Raise where ``k > n`` is not allowed by the ``k_above_n`` rule."""
    check_k_above_n(k_above_n)
    above = k_arr > n_arr
    if above.any():
        bad = above if k_above_n == "raise" else above & (c_arr == 0)
        if bad.any():
            i = np.flatnonzero(bad.ravel())[0]
            why = (
                ""
                if k_above_n == "raise"
                else " with c = 0 (no success was seen, so nothing is known)"
            )
            raise ValueError(
                "k must satisfy 1 <= k <= n: pass@k is undefined for more "
                f"attempts than were made; got k={k_arr.ravel()[i]} > "
                f"n={n_arr.ravel()[i]}{why}"
            )


def pass_at_k(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    *,
    k_above_n: Literal["raise", "success-seen"] = "raise",
) -> NDArray[np.float64]:
    r"""Unbiased estimate of pass@k from ``c`` successes in ``n`` attempts.

    Parameters
    ----------
    n : array_like of int
        Attempts per problem, ``n >= 1``.
    c : array_like of int
        Successes per problem, ``0 <= c <= n``. Whole-valued floats are
        accepted.
    k : array_like of int
        Attempt budgets, ``k >= 1`` and, by default, ``k <= n``.
    k_above_n : {"raise", "success-seen"}, default "raise"
        What to do where ``k > n``, where the estimator is undefined.
        ``"raise"`` refuses. ``"success-seen"`` returns 1 where ``c >= 1``
        (a success was seen among the first ``n < k`` attempts, so one is
        seen among the first ``k``: the rule of the upstream code for
        prompts whose sampling stopped early) and still raises where
        ``c = 0``.

    Returns
    -------
    numpy.ndarray
        pass@k in ``[0, 1]``, of the broadcast shape of ``n``, ``c``, ``k``.

    Raises
    ------
    ValueError
        If a count is negative, NaN or not whole, ``n < 1``, ``c > n``,
        ``k < 1``, ``k > n`` (unless allowed), or the shapes do not
        broadcast.
    TypeError
        If an argument is not numeric.

    Notes
    -----
    The estimator is

    .. math::

        1 - \binom{n-c}{k}\Big/\binom{n}{k}
        = 1 - \prod_{j=0}^{c-1} \Bigl(1 - \frac{k}{n-j}\Bigr),

    evaluated as ``-expm1(L)`` with ``L`` the log of the ratio, computed
    in a cancellation-free Stirling form (see :func:`log_fail_ratio`), so
    the relative error stays below ``1e-13`` for ``n`` up to ``10**6``,
    where differences of ``gammaln`` lose six digits and ``math.comb``
    overflows floats.

    References
    ----------
    .. [1] M. Chen et al., "Evaluating Large Language Models Trained on
       Code", 2021, eq. (1).

    Examples
    --------
    >>> float(pass_at_k(10, 1, 1))
    0.1
    >>> float(pass_at_k(10, 0, 5)), float(pass_at_k(10, 6, 5))
    (0.0, 1.0)
    >>> pass_at_k(100, [0, 1, 50], 10).round(4)
    array([0.    , 0.1   , 0.9994])
    """
    n_arr, c_arr, k_arr = _validated(n, c, k, k_above_n=k_above_n)
    above = k_arr > n_arr
    any_above = bool(above.any())
    safe_k = np.minimum(k_arr, n_arr) if any_above else k_arr
    # 0.0 - x, not -x: c = 0 gives +0.0, never -0.0.
    out = 0.0 - np.expm1(_log_fail_ratio_unchecked(n_arr, c_arr, safe_k))
    return np.where(above, 1.0, out) if any_above else out


def naive_pass_at_k(n: ArrayLike, c: ArrayLike, k: ArrayLike) -> NDArray[np.float64]:
    r"""Plug-in estimate :math:`1 - (1 - c/n)^k` (biased; for comparison).

    Parameters
    ----------
    n : array_like of int
        Attempts per problem, ``n >= 1``.
    c : array_like of int
        Successes per problem, ``0 <= c <= n``.
    k : array_like of int
        Attempt budgets, ``k >= 1`` (any size: the plug-in extrapolates).

    Returns
    -------
    numpy.ndarray
        Values in ``[0, 1]``.

    Raises
    ------
    ValueError
        On invalid counts or ``k < 1``.

    Notes
    -----
    By Jensen's inequality applied to the concave map
    :math:`q \mapsto 1-(1-q)^k`, the plug-in underestimates pass@k on
    average for ``k >= 2``; :func:`pass_at_k` is unbiased.

    Examples
    --------
    >>> float(naive_pass_at_k(10, 1, 2))
    0.19
    """
    check_aligned(n=n, c=c, k=k)
    n_arr, c_arr = check_counts(n, c)
    k_arr = as_count_array(k, "k", minimum=1)
    n_arr, c_arr, k_arr = broadcast(n=n_arr, c=c_arr, k=k_arr)
    # c = n gives log1p(-1) = -inf and the exact answer 1; no warning.
    with np.errstate(divide="ignore"):
        return 0.0 - np.expm1(k_arr * np.log1p(-c_arr / n_arr))


def check_stopped_counts(
    n: ArrayLike, c: ArrayLike, batch_size: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
    """Validate batched stopped counts.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts (a multiple of ``batch_size``) and successes (all in the
        last batch, ``0 <= c <= batch_size``).
    batch_size : int
        Attempts per batch, ``>= 1``.

    Returns
    -------
    n, c : numpy.ndarray
        int64 arrays.
    batch_size : int
        The batch size.

    Raises
    ------
    ValueError
        On invalid counts, arrays that are not non-empty 1-D, ``n`` not a
        multiple of ``batch_size``, or ``c > batch_size``.
    """
    n_arr, c_arr = check_counts(n, c)
    b = int(as_count_array(batch_size, "batch_size", minimum=1))
    if n_arr.ndim != 1 or n_arr.size == 0:
        raise ValueError(f"n and c must be non-empty 1-D; got shape {n_arr.shape}")
    if np.any(n_arr % b):
        i = int(np.flatnonzero(n_arr % b)[0])
        raise ValueError(
            f"n must be a multiple of batch_size = {b} (whole batches); got "
            f"n={n_arr[i]}"
        )
    over = c_arr > b
    if over.any():
        i = int(np.flatnonzero(over)[0])
        raise ValueError(
            "c counts the successes of the last batch only, so c <= "
            f"batch_size = {b}; got c={c_arr[i]}"
        )
    return n_arr, c_arr, b


def stopped_pass_at_k(
    n: ArrayLike, c: ArrayLike, k: ArrayLike, batch_size: int
) -> NDArray[np.float64]:
    r"""Unbiased pass@k of each problem from batched stopped counts.

    Attempts come in batches of ``batch_size``; a problem is sampled batch
    after batch until a batch holds a success (or a cap is reached), so
    every batch but the last has no success and ``c`` counts the
    successes of the last batch.

    Parameters
    ----------
    n : array_like of int, shape (P,)
        Attempts made, a multiple of ``batch_size``.
    c : array_like of int, shape (P,)
        Successes, all in the last batch, ``0 <= c <= batch_size``;
        ``c = 0`` marks a problem never solved (censored at ``n``).
    k : array_like of int, shape (K,)
        Budgets, ``k >= 1``, and ``k <= n`` for every problem with
        ``c = 0`` (beyond its ``n`` nothing is known).
    batch_size : int
        Attempts per batch, ``>= 1``.

    Returns
    -------
    numpy.ndarray, shape (P, K)
        The estimate of :math:`P(T_i \le k)`, :math:`T_i` the first-success
        time of problem :math:`i`.

    Raises
    ------
    ValueError
        On invalid counts, ``n`` not a multiple of ``batch_size``,
        ``c > batch_size``, ``k < 1``, or ``k > n`` for an unsolved
        problem.

    Notes
    -----
    With :math:`b` the batch size and :math:`j = k - (n - b)` the budget's
    position in the last batch, the estimate is 0 for :math:`j \le 0`,
    :math:`\mathbb{1}[c > 0]` for :math:`j \ge b`, and otherwise

    .. math::

        1 - \binom{b - c}{j} \Big/ \binom{b}{j},

    the probability that the first :math:`j` attempts of the last batch
    hold a success given that it holds :math:`c`. It is the conditional
    expectation of the unbiased indicator :math:`\mathbb{1}[T_i \le k]`
    given the record (the attempts of a batch are exchangeable), so it is
    unbiased for :math:`1 - (1 - p_i)^k` whatever the stopping rule. The
    combinatorial estimator applied to all :math:`n` attempts is not.

    Examples
    --------
    >>> stopped_pass_at_k([2, 4, 4], [1, 2, 0], [1, 2, 3, 4], 2).tolist()
    [[0.5, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]]
    """
    n_arr, c_arr, b = check_stopped_counts(n, c, batch_size)
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1))
    if k_arr.ndim != 1:
        raise ValueError(f"k must be a scalar or 1-D; got shape {k_arr.shape}")
    unsolved = c_arr == 0
    if unsolved.any() and k_arr.max() > n_arr[unsolved].min():
        raise ValueError(
            "k must be <= n for every problem never solved (beyond its n "
            f"nothing is known); got k={int(k_arr.max())} > "
            f"n={int(n_arr[unsolved].min())} with c = 0"
        )
    j = k_arr[None, :] - (n_arr - b)[:, None]
    inside = (j > 0) & (j < b)
    jj = np.where(inside, j, 1)
    cc = np.broadcast_to(c_arr[:, None], jj.shape)
    within = pass_at_k(b, cc, jj)
    return np.where(inside, within,
                    np.where(j >= b, (cc > 0).astype(np.float64), 0.0))


def stopped_neg_log_pass_at_k(
    n: ArrayLike, c: ArrayLike, k: ArrayLike, batch_size: int
) -> NDArray[np.float64]:
    r"""Unbiased-pass :math:`-\log \mathrm{pass}_D@k` from stopped counts.

    Parameters
    ----------
    n, c, k, batch_size
        As in :func:`stopped_pass_at_k`.

    Returns
    -------
    numpy.ndarray, shape (K,)
        :math:`-\log` of the mean over problems of
        :func:`stopped_pass_at_k`; ``inf`` where no problem can have been
        solved within ``k``, 0 where every problem was.

    Raises
    ------
    ValueError
        As :func:`stopped_pass_at_k`.

    Examples
    --------
    >>> stopped_neg_log_pass_at_k([2, 4], [2, 0], [2, 4], 2).round(4).tolist()
    [0.6931, 0.6931]
    """
    mean = stopped_pass_at_k(n, c, k, batch_size).mean(axis=0)
    with np.errstate(divide="ignore"):
        return -np.log(mean)


def _problem_grid(
    n: ArrayLike, c: ArrayLike, k: ArrayLike
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    n_arr, c_arr = check_counts(n, c)
    if n_arr.ndim != 1 or n_arr.size == 0:
        raise ValueError(
            "n and c must be 1-D arrays with one entry per problem (at least "
            f"one problem); got shape {n_arr.shape}"
        )
    k_arr = as_count_array(k, "k", minimum=1)
    if k_arr.ndim > 1:
        raise ValueError(f"k must be a scalar or 1-D array; got shape {k_arr.shape}")
    return n_arr, c_arr, np.atleast_1d(k_arr)


def pass_at_k_curve(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    *,
    k_above_n: Literal["raise", "success-seen"] = "raise",
) -> NDArray[np.float64]:
    r"""Benchmark-level pass_D@k: the mean of pass_i@k over problems.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes of each of ``P`` problems.
    k : int or array_like of int, shape (K,)
        Attempt budgets.
    k_above_n : {"raise", "success-seen"}, default "raise"
        Passed to :func:`pass_at_k`.

    Returns
    -------
    numpy.ndarray, shape (K,)
        :math:`\mathrm{pass}_D@k = P^{-1}\sum_i \mathrm{pass}_i@k`.

    Raises
    ------
    ValueError
        On invalid counts, or if ``n``, ``c`` are not 1-D.

    Examples
    --------
    >>> pass_at_k_curve([10, 10], [0, 5], [1, 10]).tolist()
    [0.25, 0.5]
    """
    return _curve_and_neg_log(n, c, k, k_above_n)[0]


def neg_log_pass_at_k(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    *,
    k_above_n: Literal["raise", "success-seen"] = "raise",
) -> NDArray[np.float64]:
    r"""Return :math:`-\log \mathrm{pass}_D@k` for a benchmark of problems.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes of each of ``P`` problems.
    k : int or array_like of int, shape (K,)
        Attempt budgets.
    k_above_n : {"raise", "success-seen"}, default "raise"
        Passed to :func:`pass_at_k`.

    Returns
    -------
    numpy.ndarray, shape (K,)
        Non-negative values; ``inf`` if no problem was ever solved.

    Raises
    ------
    ValueError
        On invalid counts.

    Examples
    --------
    >>> neg_log_pass_at_k([10, 10], [10, 0], 1).round(4).tolist()
    [0.6931]
    """
    return _curve_and_neg_log(n, c, k, k_above_n)[1]


def _curve_and_neg_log(
    n: ArrayLike, c: ArrayLike, k: ArrayLike, k_above_n: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return pass_D@k and -log pass_D@k, the latter accurate near 0.

    Where pass_D@k > 1/2 the log is taken of the mean failure probability,
    ``-log1p(-mean_fail)``, which keeps full relative accuracy when
    pass_D@k is close to 1 (``-log(mean_pass)`` would lose it).
    """
    n_arr, c_arr, k_arr = _problem_grid(n, c, k)
    n2, c2, k2 = np.broadcast_arrays(n_arr[:, None], c_arr[:, None], k_arr[None, :])
    _check_k_above_n(n2, c2, k2, k_above_n)
    above = k2 > n2
    log_fail = _log_fail_ratio_unchecked(n2, c2, np.minimum(k2, n2))
    return mean_pass_and_neg_log(np.where(above, -np.inf, log_fail))


def mean_pass_and_neg_log(
    log_fail: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Benchmark pass@k and its negative log from per-problem log failures.

    Parameters
    ----------
    log_fail : numpy.ndarray, shape (P, K)
        :math:`\log(1 - \mathrm{pass}_i@k)` of each problem (rows) at each
        budget (columns), in ``[-inf, 0]``.

    Returns
    -------
    mean_pass, neg_log : numpy.ndarray, shape (K,)
        :math:`\mathrm{pass}_D@k` and :math:`-\log \mathrm{pass}_D@k`;
        where :math:`\mathrm{pass}_D@k > 1/2` the latter is
        ``-log1p(-mean_fail)``, which keeps full relative accuracy near 0
        (``-log(mean_pass)`` would lose it).
    """
    mean_fail = np.exp(log_fail).mean(axis=0)
    # 0.0 - x, not -x: a zero stays +0.0.
    mean_pass = (0.0 - np.expm1(log_fail)).mean(axis=0)
    with np.errstate(divide="ignore"):
        y = np.where(mean_pass > 0.5, -np.log1p(-mean_fail), -np.log(mean_pass))
    return mean_pass, y


@dataclass(frozen=True)
class PowerLawFit:
    r"""Least-squares power law :math:`y = a k^{-b}` fitted in log-log space.

    Attributes
    ----------
    prefactor : float
        :math:`a`.
    exponent : float
        :math:`b` (positive for a decaying curve).
    r_squared : float
        Coefficient of determination in log-log space.
    log_residual_std : float
        Standard deviation of the log residuals.
    k_min, k_max : float
        Range of ``k`` used.
    n_points : int
        Number of points used.
    n_dropped : int
        Points in the ``k`` range left out because ``y`` was not positive
        and finite (e.g. :math:`-\log \mathrm{pass}_D@k = 0` once every
        problem is solved, or ``inf`` when none is).
    """

    prefactor: float
    exponent: float
    r_squared: float
    log_residual_std: float
    k_min: float
    k_max: float
    n_points: int
    n_dropped: int = 0

    def predict(self, k: ArrayLike) -> NDArray[np.float64]:
        """Evaluate :math:`a k^{-b}` at ``k``.

        Parameters
        ----------
        k : array_like
            Positive attempt budgets.

        Returns
        -------
        numpy.ndarray
            Fitted values.
        """
        k_arr = as_float_array(k, "k")
        if np.any(k_arr <= 0):
            raise ValueError("k must be > 0 to evaluate a power law")
        return self.prefactor * k_arr ** (-self.exponent)


def fit_power_law(
    k: ArrayLike,
    y: ArrayLike,
    *,
    k_min: float | None = None,
    k_max: float | None = None,
) -> PowerLawFit:
    r"""Fit :math:`y = a k^{-b}` by least squares on ``log y`` vs ``log k``.

    Parameters
    ----------
    k : array_like, shape (K,)
        Positive attempt budgets.
    y : array_like, shape (K,)
        Values, e.g. :math:`-\log \mathrm{pass}_D@k`. Points where ``y``
        is not positive and finite cannot enter a log-log fit: they are
        left out and counted in :attr:`PowerLawFit.n_dropped`.
    k_min, k_max : float, optional
        Inclusive range of ``k`` to fit; all points by default.

    Returns
    -------
    PowerLawFit
        With ``prefactor`` :math:`a` and ``exponent`` :math:`b`.

    Raises
    ------
    ValueError
        If ``k`` and ``y`` differ in shape or are not 1-D, ``k`` holds
        NaN, inf or values ``<= 0``, or fewer than two distinct ``k`` with
        usable ``y`` lie in the range.

    Notes
    -----
    Ordinary least squares of :math:`\log y = \log a - b \log k`, the
    regression used by :cite:t:`schaeffer2025monkeys` for their
    least-squares exponents.

    Examples
    --------
    >>> k = np.array([1.0, 10.0, 100.0])
    >>> fit = fit_power_law(k, 3.0 * k**-0.5)
    >>> round(fit.prefactor, 6), round(fit.exponent, 6)
    (3.0, 0.5)
    """
    check_aligned(k=k, y=y)
    k_arr = as_float_array(k, "k")
    y_arr = as_float_array(y, "y", finite=False)
    if k_arr.ndim != 1 or k_arr.shape != y_arr.shape:
        raise ValueError(
            "k and y must be 1-D arrays of equal length; got shapes "
            f"{k_arr.shape} and {y_arr.shape}"
        )
    if np.any(k_arr <= 0):
        raise ValueError("k must be > 0 for a log-log fit")
    lo = -np.inf if k_min is None else float(k_min)
    hi = np.inf if k_max is None else float(k_max)
    if lo > hi:
        raise ValueError(f"k_min must be <= k_max; got {k_min} > {k_max}")
    in_range = (k_arr >= lo) & (k_arr <= hi)
    with np.errstate(invalid="ignore"):
        usable = np.isfinite(y_arr) & (y_arr > 0)
    keep = in_range & usable
    kk, yy = k_arr[keep], y_arr[keep]
    if np.unique(kk).size < 2:
        raise ValueError(
            "need at least two distinct k with positive, finite y in the fit "
            f"range; got {np.unique(kk).size} in [{lo}, {hi}] "
            f"({int(np.sum(in_range & ~usable))} points with y <= 0, NaN or inf "
            "left out)"
        )
    lx, ly = np.log(kk), np.log(yy)
    slope, intercept = np.polyfit(lx, ly, 1)
    resid = ly - (intercept + slope * lx)
    ss_tot = np.sum((ly - ly.mean()) ** 2)
    r2 = 1.0 - np.sum(resid**2) / ss_tot if ss_tot > 0 else 1.0
    return PowerLawFit(
        prefactor=float(np.exp(intercept)),
        exponent=float(-slope),
        r_squared=float(r2),
        log_residual_std=float(resid.std()),
        k_min=float(kk.min()),
        k_max=float(kk.max()),
        n_points=int(kk.size),
        n_dropped=int(np.sum(in_range & ~usable)),
    )


def row_log_slopes(
    log_k: ArrayLike, y: ArrayLike
) -> NDArray[np.float64]:
    r"""Least-squares slope of :math:`\log y` on :math:`\log k`, row by row.

    Parameters
    ----------
    log_k : array_like, shape (K,)
        Logs of the budgets.
    y : array_like, shape (B, K)
        ``B`` curves; in each row only positive, finite values enter.

    Returns
    -------
    numpy.ndarray, shape (B,)
        The slope of each row (negative for a decaying curve: the
        exponent is its negative), NaN where a row has fewer than two
        usable points or they share one ``k``.

    Notes
    -----
    The ordinary least-squares slope
    :math:`(w S_{xy} - S_x S_y) / (w S_{xx} - S_x^2)` over the usable
    points of each row, vectorised over rows (one pass, no Python loop):
    the bootstrap refits thousands of curves at once.

    Examples
    --------
    >>> k = np.array([1.0, 10.0, 100.0])
    >>> y = np.array([2 * k**-0.5, [1.0, 0.0, 0.01]])
    >>> row_log_slopes(np.log(k), y).round(6).tolist()
    [-0.5, -1.0]
    """
    log_k = np.asarray(log_k, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    valid = np.isfinite(y) & (y > 0)
    with np.errstate(all="ignore"):
        ly = np.where(valid, np.log(np.where(valid, y, 1.0)), 0.0)
    x = np.where(valid, log_k[None, :], 0.0)
    w = valid.sum(axis=1)
    sx, sy = x.sum(axis=1), ly.sum(axis=1)
    sxx, sxy = (x * x).sum(axis=1), (x * ly).sum(axis=1)
    den = w * sxx - sx * sx
    with np.errstate(all="ignore"):
        slope = np.where(
            (w >= 2) & (den > 1e-12 * np.maximum(w, 1) ** 2),
            (w * sxy - sx * sy) / den,
            np.nan,
        )
    return slope


def data_power_law_window(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    *,
    noise: float = 0.05,
    decades: float = 1.0,
) -> tuple[float, float]:
    r"""Fitting window for a power law, chosen from the counts alone.

    The upper end is the last budget before the estimated curve's relative
    standard error first exceeds ``noise``; the window spans ``decades``
    decades below it. Unlike
    :func:`llmonkeys.asymptotics.power_law_window`, it needs no knowledge
    of the true law.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes of each of ``P >= 2`` problems.
    k : array_like of int, shape (K,)
        Increasing budgets, ``1 <= k <= min(n)``.
    noise : float, default 0.05
        Largest relative standard error of :math:`-\log\mathrm{pass}_D@k`.
    decades : float, default 1
        Width of the window in decades of ``k``.

    Returns
    -------
    k_lo, k_hi : float
        ``k_hi / 10**decades`` and ``k_hi``.

    Raises
    ------
    ValueError
        On invalid counts or budgets, ``P < 2``, ``noise <= 0``,
        ``decades <= 0``, or if the curve is too noisy at the first
        budget.

    Notes
    -----
    With :math:`\bar\pi(k)` the mean of the per-problem estimates
    :math:`\hat\pi_i(k)` and :math:`y = -\log\bar\pi`, the delta method
    gives the relative standard error
    :math:`\mathrm{sd}_i(\hat\pi_i(k)) / (\sqrt{P}\,\bar\pi\,y)`,
    which grows with ``k`` as fewer problems remain unsolved.

    Examples
    --------
    >>> n = np.full(400, 1000)
    >>> c = np.arange(400) % 50
    >>> lo, hi = data_power_law_window(n, c, [1, 10, 100, 1000])
    >>> lo < hi
    True
    """
    n_arr = np.atleast_1d(np.asarray(n))
    c_arr = np.atleast_1d(np.asarray(c))
    if n_arr.ndim != 1 or n_arr.shape != c_arr.shape or n_arr.size < 2:
        raise ValueError("n and c must be 1-D arrays of equal length >= 2; got "
                         f"shapes {n_arr.shape} and {c_arr.shape}")
    k_arr = np.atleast_1d(np.asarray(k))
    if k_arr.ndim != 1 or np.any(np.diff(k_arr) <= 0):
        raise ValueError("k must be a 1-D increasing array of budgets")
    if not noise > 0:
        raise ValueError(f"noise must be > 0; got {noise}")
    if not decades > 0:
        raise ValueError(f"decades must be > 0; got {decades}")
    grid = pass_at_k(n_arr[:, None], c_arr[:, None], k_arr[None, :])
    mean = grid.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = -np.log(mean)
        rel = grid.std(axis=0, ddof=1) / np.sqrt(n_arr.size) / (mean * y)
    too_noisy = np.flatnonzero(~(rel <= noise))
    if too_noisy.size and too_noisy[0] == 0:
        raise ValueError("the curve is too noisy already at the first budget")
    k_hi = float(k_arr[too_noisy[0] - 1] if too_noisy.size else k_arr[-1])
    return k_hi / 10.0**decades, k_hi


def local_log_slope(k: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    r"""Local exponent :math:`-\mathrm{d}\log y / \mathrm{d}\log k`.

    Parameters
    ----------
    k : array_like, shape (K,)
        Increasing positive budgets (at least two).
    y : array_like, shape (K,)
        Positive values.

    Returns
    -------
    numpy.ndarray, shape (K,)
        Second-order finite differences (``numpy.gradient``) on the log
        grid; for a pure power law :math:`a k^{-b}` every entry is ``b``.

    Raises
    ------
    ValueError
        If shapes differ, fewer than two points, ``k`` is not increasing
        and positive, or ``y <= 0``.

    Examples
    --------
    >>> k = np.array([1.0, 2.0, 4.0, 8.0])
    >>> local_log_slope(k, k**-0.3).round(12).tolist()
    [0.3, 0.3, 0.3, 0.3]
    """
    check_aligned(k=k, y=y)
    k_arr = as_float_array(k, "k")
    y_arr = as_float_array(y, "y")
    if k_arr.ndim != 1 or k_arr.shape != y_arr.shape or k_arr.size < 2:
        raise ValueError(
            "k and y must be 1-D of equal length >= 2; got shapes "
            f"{k_arr.shape} and {y_arr.shape}"
        )
    # Compare the logs: k one ulp apart are increasing but share a log.
    if np.any(k_arr <= 0) or np.any(np.diff(np.log(k_arr)) <= 0):
        raise ValueError(
            "k must be positive and strictly increasing (with distinct logs)"
        )
    if np.any(y_arr <= 0):
        raise ValueError("y must be > 0")
    return -np.gradient(np.log(y_arr), np.log(k_arr))


def curves_by_model(
    counts: pd.DataFrame,
    k: ArrayLike,
    *,
    k_above_n: Literal["raise", "success-seen"] = "raise",
) -> pd.DataFrame:
    r"""Benchmark curves :math:`-\log \mathrm{pass}_D@k` of every model.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with columns ``model``, ``problem``, ``n``, ``c``, one
        row per (model, problem), as returned by
        :mod:`llmonkeys.datasets`.
    k : array_like of int
        Attempt budgets.
    k_above_n : {"raise", "success-seen"}, default "raise"
        Passed to :func:`pass_at_k`.

    Returns
    -------
    pandas.DataFrame
        Long format: ``model`` (order kept), ``k``, ``pass_at_k``
        (:math:`\mathrm{pass}_D@k`) and ``y``
        (:math:`-\log \mathrm{pass}_D@k`).

    Raises
    ------
    TypeError
        If ``counts`` is not a DataFrame.
    ValueError
        On a missing column, a row whose ``model`` or ``problem`` is
        missing (NaN, None), duplicate (model, problem) rows (each named),
        or invalid counts (the message names the model).

    Examples
    --------
    >>> counts = pd.DataFrame({"model": ["a", "a"], "problem": [0, 1],
    ...                        "n": [10, 10], "c": [0, 5]})
    >>> curves_by_model(counts, [1, 10])["pass_at_k"].tolist()
    [0.25, 0.5]
    """
    check_tidy_counts(counts, require_problem=True)
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1))
    frames = []
    for model, sub in counts.groupby("model", observed=True, sort=True):
        try:
            curve, y = _curve_and_neg_log(sub["n"].to_numpy(),
                                          sub["c"].to_numpy(), k_arr, k_above_n)
        except (ValueError, TypeError) as err:
            raise type(err)(f"model {model!r}: {err}") from None
        frames.append(pd.DataFrame({"model": model, "k": k_arr, "pass_at_k": curve,
                                    "y": y}))
    out = pd.concat(frames, ignore_index=True)
    in_model_order(out, counts)
    return out


def fit_power_laws_by_model(
    curves: pd.DataFrame,
    *,
    k_min: float | None = None,
    k_max: float | None = None,
) -> tuple[pd.DataFrame, dict[str, PowerLawFit]]:
    """Least-squares power law of each model's curve.

    Points where ``y`` is 0 (every problem solved) are left out: a power
    law cannot reach 0, and the chapters flag such curves separately.

    Parameters
    ----------
    curves : pandas.DataFrame
        Output of :func:`curves_by_model`.
    k_min, k_max : float, optional
        Inclusive fit range.

    Returns
    -------
    table : pandas.DataFrame
        One row per model: ``model``, ``prefactor``, ``exponent``,
        ``r_squared``, ``k_min``, ``k_max``, ``n_points``.
    fits : dict of str to PowerLawFit
        The fits by model name.

    Raises
    ------
    TypeError
        If ``curves`` is not a DataFrame.
    ValueError
        On a missing column, a missing ``model`` or ``k``, duplicate
        (model, k) rows, or a model whose curve cannot be fitted (fewer
        than two usable points, NaN); the message names the model.
    """
    check_tidy_frame(curves, "curves", ("model", "k", "y"), key=("model", "k"))
    fits: dict[str, PowerLawFit] = {}
    for model, sub in curves.groupby("model", observed=True, sort=True):
        y = sub["y"].to_numpy()
        keep = ~(y == 0)  # NaN kept, so that fit_power_law refuses it
        try:
            fits[str(model)] = fit_power_law(sub["k"].to_numpy()[keep], y[keep],
                                             k_min=k_min, k_max=k_max)
        except (ValueError, TypeError) as err:
            raise type(err)(f"model {model!r}: {err}") from None
    table = pd.DataFrame(
        [{"model": m, "prefactor": f.prefactor, "exponent": f.exponent,
          "r_squared": f.r_squared, "k_min": f.k_min, "k_max": f.k_max,
          "n_points": f.n_points} for m, f in fits.items()]
    )
    in_model_order(table, curves)
    return table, fits
