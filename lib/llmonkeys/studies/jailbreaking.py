r"""Early stopping in Best-of-N jailbreaking.

Defined for :doc:`/chapters/jailbreaking` (not part of the core API):
first-success times from attempt-level data and the unbiased curve they
give (:func:`first_success_times`, :func:`first_success_curve`), and a
simulation of the batched early-stopping design with a known law
(:func:`early_stopping_study`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from llmonkeys._tidy import sorted_attempts
from llmonkeys._validation import as_count_array, as_generator
from llmonkeys.constants import BON_BATCH_SIZE, BON_MAX_ATTEMPTS
from llmonkeys.distributions import SuccessDistribution
from llmonkeys.estimators import fit_power_law, naive_pass_at_k, neg_log_pass_at_k
from llmonkeys.fits import (
    DistributionFit,
    fit_scaled_beta_binomial,
    log_parameter_covariance,
)
from llmonkeys.simulation import simulate_early_stopping

__all__ = [
    "first_success_times",
    "first_success_curve",
    "EarlyStoppingStudy",
    "early_stopping_study",
]


def first_success_times(attempts: pd.DataFrame) -> pd.DataFrame:
    """Per-problem attempts, successes and first-success time.

    Parameters
    ----------
    attempts : pandas.DataFrame
        One row per attempt with columns ``problem``, ``attempt``
        (0-based index) and ``success`` (bool), as returned by
        :func:`llmonkeys.datasets.load_llama3_jailbreaking_attempts`.

    Returns
    -------
    pandas.DataFrame
        One row per problem, sorted: ``problem``, ``n`` (attempts),
        ``c`` (successes) and ``first_success`` (1-based index of the
        first success, 0 if there was none).

    Raises
    ------
    ValueError
        If a column is missing, or a problem's attempts are not numbered
        ``0, 1, ..., n - 1``.

    Examples
    --------
    >>> df = pd.DataFrame({"problem": [0, 0, 0, 1, 1],
    ...                    "attempt": [0, 1, 2, 0, 1],
    ...                    "success": [False, True, True, False, False]})
    >>> first_success_times(df).to_numpy().tolist()
    [[0, 3, 2, 2], [1, 2, 0, 0]]
    """
    df, g = sorted_attempts(attempts)
    n = g.size()
    success = df["success"].astype(bool).to_numpy()
    c = g["success"].sum().astype(np.int64)
    idx = np.where(success, df["attempt"].to_numpy() + 1, np.iinfo(np.int64).max)
    first = pd.Series(idx, index=df["problem"].to_numpy()).groupby(level=0).min()
    first = first.where(first < np.iinfo(np.int64).max, 0).astype(np.int64)
    return pd.DataFrame(
        {"problem": n.index.to_numpy(), "n": n.to_numpy(np.int64),
         "c": c.to_numpy(), "first_success": first.loc[n.index].to_numpy()}
    )


def first_success_curve(
    first_success: ArrayLike, k: ArrayLike, max_attempts: int
) -> NDArray[np.float64]:
    r"""Unbiased :math:`-\log \mathrm{pass}_D@k` from first-success times.

    Parameters
    ----------
    first_success : array_like of int, shape (P,)
        1-based index of each problem's first success, 0 if none was
        seen within ``max_attempts``.
    k : array_like of int, shape (K,)
        Budgets, ``1 <= k <= max_attempts``.
    max_attempts : int
        Attempts made on a problem that was never solved.

    Returns
    -------
    numpy.ndarray, shape (K,)
        :math:`-\log\bigl(P^{-1}\sum_i \mathbb{1}[0 < T_i \le k]\bigr)`;
        ``inf`` where no problem is solved within ``k``.

    Raises
    ------
    ValueError
        If ``first_success`` is not 1-D in ``[0, max_attempts]``, or a
        budget is outside ``[1, max_attempts]``.

    Notes
    -----
    The first-success time of a problem with success probability
    :math:`p` is geometric, so :math:`P(T \le k) = 1 - (1-p)^k`: each
    indicator is an unbiased estimate of :math:`\mathrm{pass}_i@k`
    whatever the stopping rule, as long as the attempts continue at least
    until the first success or ``max_attempts``.

    Examples
    --------
    >>> first_success_curve([1, 3, 0, 2], [1, 2, 4], 4).round(4).tolist()
    [1.3863, 0.6931, 0.2877]
    """
    cap = int(as_count_array(max_attempts, "max_attempts", minimum=1))
    t = as_count_array(first_success, "first_success", minimum=0)
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"first_success must be non-empty 1-D; got {t.shape}")
    if np.any(t > cap):
        raise ValueError(f"first_success must be <= max_attempts = {cap}")
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1))
    if np.any(k_arr > cap):
        raise ValueError(
            f"k must be <= max_attempts = {cap}: beyond it nothing is known "
            f"about the unsolved problems; got max(k) = {k_arr.max()}"
        )
    solved = (t[:, None] > 0) & (t[:, None] <= k_arr[None, :])
    with np.errstate(divide="ignore"):
        return -np.log(solved.mean(axis=0))


@dataclass(frozen=True)
class EarlyStoppingStudy:
    r"""A benchmark simulated under batch early stopping, and its curves.

    Attributes
    ----------
    law : SuccessDistribution
        The true law of success probabilities.
    p : numpy.ndarray
        The problems' success probabilities.
    n, c, first_success : numpy.ndarray
        Attempts, successes and first-success times (0: none).
    k : numpy.ndarray
        Budgets of the curves.
    curves : pandas.DataFrame
        Long format, ``curve``, ``k``, ``y``: ``"true"`` (the law's exact
        curve), ``"estimator"`` (the combinatorial estimator with the
        success-seen rule), ``"plug-in"`` (:math:`1 - (1 - c/n)^k`),
        ``"first success"`` (:func:`first_success_curve`) and
        ``"maximum likelihood"`` (the exact curve of the fitted law).
    fit : DistributionFit
        Scaled Beta fitted to the stopped counts.
    covariance : numpy.ndarray
        :func:`log_parameter_covariance` of the fit.
    errors : pandas.DataFrame
        Per curve: ``max_rel_error`` (largest :math:`|y/y_\mathrm{true} -
        1|` over ``k``), ``k_worst`` and ``lsq_exponent`` (least-squares
        exponent over ``k``).
    """

    law: SuccessDistribution
    p: NDArray[np.float64] = field(repr=False)
    n: NDArray[np.int64] = field(repr=False)
    c: NDArray[np.int64] = field(repr=False)
    first_success: NDArray[np.int64] = field(repr=False)
    k: NDArray[np.int64] = field(repr=False)
    curves: pd.DataFrame = field(repr=False)
    fit: DistributionFit = field(repr=False)
    covariance: NDArray[np.float64] = field(repr=False)
    errors: pd.DataFrame = field(repr=False)


def early_stopping_study(
    law: SuccessDistribution,
    n_problems: int,
    k: ArrayLike,
    rng: np.random.Generator | int,
    *,
    batch_size: int = BON_BATCH_SIZE,
    max_attempts: int = BON_MAX_ATTEMPTS,
) -> EarlyStoppingStudy:
    r"""Simulate batch early stopping from a known scaled Beta law.

    Draws ``n_problems`` success probabilities from ``law``, samples each
    problem in batches until the batch with its first success (or
    ``max_attempts``) with
    :func:`llmonkeys.simulation.simulate_early_stopping`, and compares
    four estimates of :math:`-\log \mathrm{pass}_D@k` with the truth.

    Parameters
    ----------
    law : ScaledBeta
        The true law (its ``scale`` is given to the fit, so that only
        ``alpha`` and ``beta`` are estimated).
    n_problems : int
        Number of problems, ``>= 2``.
    k : array_like of int
        Budgets, ``1 <= k <= max_attempts``.
    rng : numpy.random.Generator or int
        Generator or seed.
    batch_size : int, default :data:`BON_BATCH_SIZE`
        Attempts per batch.
    max_attempts : int, default :data:`BON_MAX_ATTEMPTS`
        Cap on attempts (a multiple of ``batch_size``).

    Returns
    -------
    EarlyStoppingStudy
        Counts, curves, the fit and the errors of every curve.

    Raises
    ------
    ValueError
        If ``law`` has no ``alpha``, ``beta`` and ``scale`` (a scaled
        Beta), ``n_problems < 2``, a budget exceeds ``max_attempts``, or
        as :func:`~llmonkeys.simulation.simulate_early_stopping`.

    Notes
    -----
    The likelihood of the stopped counts is that of fixed-size samples
    (the stopping rule is ignorable), so the maximum-likelihood fit is
    consistent. The combinatorial estimator and the plug-in are not
    unbiased when ``n`` depends on the outcomes.

    Examples
    --------
    >>> from llmonkeys.distributions import ScaledBeta
    >>> study = early_stopping_study(ScaledBeta(0.3, 3.0, 0.5), 500,
    ...                              [1, 10, 100], rng=0, batch_size=10,
    ...                              max_attempts=200)
    >>> sorted(study.curves["curve"].unique())[:2]
    ['estimator', 'first success']
    """
    if not all(hasattr(law, a) for a in ("alpha", "beta", "scale")):
        raise ValueError(
            f"law must be a ScaledBeta (alpha, beta, scale); got {law!r}"
        )
    p_count = int(as_count_array(n_problems, "n_problems", minimum=2))
    cap = int(as_count_array(max_attempts, "max_attempts", minimum=1))
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1))
    if np.any(k_arr > cap):
        raise ValueError(f"k must be <= max_attempts = {cap}; got {k_arr.max()}")
    gen = as_generator(rng)
    p = np.asarray(law.sample(p_count, gen), dtype=np.float64)
    n, c, first = simulate_early_stopping(p, batch_size, cap, gen)
    fit = fit_scaled_beta_binomial(n, c, scale=law.scale)
    with np.errstate(divide="ignore"):
        plug_in = -np.log(naive_pass_at_k(n[:, None], c[:, None],
                                          k_arr[None, :]).mean(axis=0))
    curves = {
        "true": np.asarray(law.neg_log_pass_at_k(k_arr), np.float64),
        "estimator": neg_log_pass_at_k(n, c, k_arr, k_above_n="success-seen"),
        "plug-in": plug_in,
        "first success": first_success_curve(first, k_arr, cap),
        "maximum likelihood": np.asarray(
            fit.distribution.neg_log_pass_at_k(k_arr), np.float64),
    }
    long = pd.concat(
        [pd.DataFrame({"curve": name, "k": k_arr, "y": y})
         for name, y in curves.items()], ignore_index=True)
    long["curve"] = pd.Categorical(long["curve"], categories=list(curves),
                                   ordered=True)
    rows = []
    for name, y in curves.items():
        rel = y / curves["true"] - 1.0
        i = int(np.argmax(np.abs(rel)))
        keep = np.isfinite(y) & (y > 0)
        rows.append({
            "curve": name,
            "max_rel_error": float(abs(rel[i])),
            "k_worst": int(k_arr[i]),
            "lsq_exponent": fit_power_law(k_arr[keep], y[keep]).exponent,
        })
    return EarlyStoppingStudy(
        law=law, p=p, n=n, c=c, first_success=first, k=k_arr, curves=long,
        fit=fit, covariance=log_parameter_covariance(fit, n, c),
        errors=pd.DataFrame(rows).set_index("curve"),
    )
