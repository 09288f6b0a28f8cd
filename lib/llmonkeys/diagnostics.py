r"""Checks to run before trusting a power-law exponent, and early stopping.

Two questions come up with data such as Best-of-N jailbreaking
(:cite:t:`hughes2024bestofn`), where each prompt was attacked in batches
until it was broken:

* **Does the stopping rule spoil the estimates?** The number of attempts
  :math:`n_i` depends on the outcomes. The likelihood of the counts is
  unaffected (the stopping rule is ignorable), but estimators whose
  unbiasedness assumes a fixed :math:`n_i` are not.
  :func:`early_stopping_study` simulates the design with a known law and
  compares the estimated curves with the truth; :func:`first_success_times`
  and :func:`first_success_curve` give the unbiased curve when the
  attempt-by-attempt outcomes are known.
* **Is the curve a power law at all?** :func:`power_law_checklist` runs
  four checks on every model: is the local log-log slope of the data
  curve stable (:func:`decade_slopes`, :func:`slope_ratio`)? does the
  fitted law's curve track the data curve (:func:`curve_discrepancy`)?
  does the fitted law predict the number of never-solved problems
  (:func:`zero_count_check`, a posterior predictive check that respects
  the stopping rule)? and does it predict how much the data curve bends
  (:func:`slope_growth_table`, simulated under the sampling design)?

References
----------
.. [1] J. Hughes et al., "Best-of-N Jailbreaking", 2024.
.. [2] R. Schaeffer et al., "How Do Large Language Monkeys Get Their
   Power (Laws)?", ICML 2025.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from llmonkeys import analysis as _analysis
from llmonkeys._validation import as_count_array, as_float_array, check_counts
from llmonkeys.distributions import (
    SuccessDistribution,
    scaled_beta_binomial_logpmf,
    scaled_kumaraswamy_binomial_logpmf,
)
from llmonkeys.estimators import (
    fit_power_law,
    naive_pass_at_k,
    neg_log_pass_at_k,
    pass_at_k,
)
from llmonkeys.fits import DistributionFit, fit_scaled_beta_binomial
from llmonkeys.simulation import as_generator, simulate_early_stopping

__all__ = [
    "BON_BATCH_SIZE",
    "BON_MAX_ATTEMPTS",
    "first_success_times",
    "first_success_curve",
    "decade_slopes",
    "slope_ratio",
    "curve_discrepancy",
    "slope_growth",
    "slope_growth_table",
    "log_parameter_covariance",
    "ZeroCountCheck",
    "zero_count_check",
    "zero_count_table",
    "bootstrap_stopped_exponents",
    "CHECKLIST_THRESHOLDS",
    "power_law_checklist",
    "EarlyStoppingStudy",
    "early_stopping_study",
]

#: Attempts per batch of the Best-of-N jailbreaking data: every ``n`` of
#: :func:`llmonkeys.datasets.load_bon_jailbreaking` is a multiple of 60.
BON_BATCH_SIZE = 60
#: Largest number of attempts of a prompt in the Best-of-N jailbreaking
#: data (167 batches of 60); prompts never broken stopped there.
BON_MAX_ATTEMPTS = 10_020

#: Default thresholds of :func:`power_law_checklist`.
CHECKLIST_THRESHOLDS: dict[str, float] = {
    "slope_ratio": 2.0,
    "curve_factor": 3.0,
    "p_value": 0.05,
}


# ---------------------------------------------------------------------------
# First-success times (attempt-level data)
# ---------------------------------------------------------------------------


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
    missing = {"problem", "attempt", "success"} - set(attempts.columns)
    if missing:
        raise ValueError(
            "attempts must have columns 'problem', 'attempt', 'success'; "
            f"missing {sorted(missing)}"
        )
    df = attempts.sort_values(["problem", "attempt"], kind="stable")
    g = df.groupby("problem", sort=True)
    n = g.size()
    expected = g.cumcount().to_numpy()
    if not np.array_equal(df["attempt"].to_numpy(), expected):
        raise ValueError(
            "each problem's attempts must be numbered 0, 1, ..., n - 1 "
            "without gaps or duplicates"
        )
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


# ---------------------------------------------------------------------------
# Shape of the data curve
# ---------------------------------------------------------------------------


def decade_slopes(
    k: ArrayLike, y: ArrayLike, *, min_points: int = 3
) -> pd.DataFrame:
    r"""Least-squares log-log slope of a curve in each decade of ``k``.

    Parameters
    ----------
    k : array_like, shape (K,)
        Positive budgets.
    y : array_like, shape (K,)
        Curve values, e.g. :math:`-\log \mathrm{pass}_D@k`; points with
        ``y <= 0`` or non-finite ``y`` are left out.
    min_points : int, default 3
        Decades with fewer usable points are skipped.

    Returns
    -------
    pandas.DataFrame
        One row per decade ``[10^j, 10^(j+1)]`` (both ends included):
        ``k_low``, ``k_high``, ``slope`` (the exponent :math:`b` of
        :math:`a k^{-b}` fitted in that decade) and ``n_points``.

    Raises
    ------
    ValueError
        If shapes differ or ``k <= 0``.

    Notes
    -----
    For a power law every decade has the same slope. A slope that rises
    decade after decade means the curve bends down (towards an
    exponential, or towards 0 when every problem gets solved); one that
    falls means it levels off.

    Examples
    --------
    >>> k = np.geomspace(1, 1000, 31)
    >>> decade_slopes(k, 2 * k**-0.4)["slope"].round(6).tolist()
    [0.4, 0.4, 0.4]
    """
    k_arr = as_float_array(k, "k")
    y_arr = np.asarray(y, dtype=np.float64)
    if k_arr.ndim != 1 or k_arr.shape != y_arr.shape:
        raise ValueError(
            f"k and y must be 1-D of equal length; got {k_arr.shape} and "
            f"{y_arr.shape}"
        )
    if np.any(k_arr <= 0):
        raise ValueError("k must be > 0")
    keep = np.isfinite(y_arr) & (y_arr > 0)
    kk, yy = k_arr[keep], y_arr[keep]
    rows = []
    if kk.size:
        lo_dec = math.floor(math.log10(kk.min()) + 1e-12)
        hi_dec = math.ceil(math.log10(kk.max()) - 1e-12)
        for j in range(lo_dec, max(hi_dec, lo_dec + 1)):
            lo, hi = 10.0**j, 10.0 ** (j + 1)
            sel = (kk >= lo * (1 - 1e-12)) & (kk <= hi * (1 + 1e-12))
            if np.unique(kk[sel]).size >= max(int(min_points), 2):
                fit = fit_power_law(kk[sel], yy[sel])
                rows.append({"k_low": lo, "k_high": hi, "slope": fit.exponent,
                             "n_points": int(sel.sum())})
    return pd.DataFrame(rows, columns=["k_low", "k_high", "slope", "n_points"])


def slope_ratio(k: ArrayLike, y: ArrayLike) -> float:
    r"""Largest over smallest decade slope of a curve (1 for a power law).

    Parameters
    ----------
    k, y : array_like, shape (K,)
        Budgets and curve values, as in :func:`decade_slopes`.

    Returns
    -------
    float
        ``max / min`` of :func:`decade_slopes`; ``inf`` if a slope is
        not positive.

    Raises
    ------
    ValueError
        If fewer than two decades have enough points.

    Examples
    --------
    >>> k = np.geomspace(1, 1000, 31)
    >>> round(slope_ratio(k, k**-0.3), 6)
    1.0
    """
    slopes = decade_slopes(k, y)["slope"].to_numpy()
    if slopes.size < 2:
        raise ValueError(
            "need at least two decades of k with three or more positive points"
        )
    if slopes.min() <= 0:
        return math.inf
    return float(slopes.max() / slopes.min())


def curve_discrepancy(
    k: ArrayLike, y_data: ArrayLike, y_fit: ArrayLike
) -> tuple[float, float]:
    r"""Largest factor between a fitted curve and the data curve.

    Parameters
    ----------
    k : array_like, shape (K,)
        Budgets.
    y_data : array_like, shape (K,)
        Data curve; budgets where it is not positive and finite (e.g.
        :math:`-\log \mathrm{pass}_D@k = 0` once every problem is solved)
        are left out, as in the least-squares fit.
    y_fit : array_like, shape (K,)
        Fitted curve at the same budgets, positive.

    Returns
    -------
    factor : float
        :math:`\max_k \exp|\log(y_\mathrm{fit} / y_\mathrm{data})|`, at
        least 1.
    k_worst : float
        The budget where it is attained.

    Raises
    ------
    ValueError
        If shapes differ, no budget is usable, or ``y_fit`` is not
        positive where ``y_data`` is.

    Examples
    --------
    >>> curve_discrepancy([1, 10, 100], [1.0, 0.5, 0.0], [2.0, 0.5, 0.1])
    (2.0, 1.0)
    """
    k_arr = as_float_array(k, "k")
    yd = np.asarray(y_data, dtype=np.float64)
    yf = np.asarray(y_fit, dtype=np.float64)
    if not (k_arr.ndim == 1 and k_arr.shape == yd.shape == yf.shape):
        raise ValueError(
            "k, y_data and y_fit must be 1-D of equal length; got "
            f"{k_arr.shape}, {yd.shape}, {yf.shape}"
        )
    keep = np.isfinite(yd) & (yd > 0)
    if not keep.any():
        raise ValueError("y_data is positive and finite at no budget")
    if np.any(~np.isfinite(yf[keep]) | (yf[keep] <= 0)):
        raise ValueError("y_fit must be positive and finite where y_data is")
    gap = np.abs(np.log(yf[keep] / yd[keep]))
    i = int(np.argmax(gap))
    return float(np.exp(gap[i])), float(k_arr[keep][i])


def _row_slopes(
    log_k: NDArray[np.float64], y: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Row-wise least-squares exponent of ``y`` over positive finite values."""
    valid = np.isfinite(y) & (y > 0)
    with np.errstate(all="ignore"):
        ly = np.where(valid, np.log(np.where(valid, y, 1.0)), 0.0)
    x = np.where(valid, log_k[None, :], 0.0)
    w = valid.sum(axis=1)
    sx, sy = x.sum(axis=1), ly.sum(axis=1)
    den = w * (x * x).sum(axis=1) - sx * sx
    with np.errstate(all="ignore"):
        slope = (w * (x * ly).sum(axis=1) - sx * sy) / den
    return np.where((w >= 2) & (den > 0), -slope, np.nan)


def slope_growth(
    k: ArrayLike,
    y: ArrayLike,
    *,
    low: tuple[float, float] = (1.0, 10.0),
    high: tuple[float, float] = (100.0, 1000.0),
) -> NDArray[np.float64] | float:
    r"""Growth of the log-log slope between two ranges of ``k``.

    Parameters
    ----------
    k : array_like, shape (K,)
        Positive budgets.
    y : array_like, shape (K,) or (B, K)
        One curve or ``B`` curves (rows); non-positive values are left
        out of the fits.
    low, high : tuple of float
        Inclusive ``k`` ranges of the two least-squares fits.

    Returns
    -------
    float or numpy.ndarray, shape (B,)
        Exponent fitted over ``high`` divided by the exponent over
        ``low``: 1 for a power law, above 1 for a curve that bends down,
        below 1 for one that levels off. NaN where a range has fewer than
        two usable points.

    Raises
    ------
    ValueError
        If shapes disagree, ``k <= 0``, or a range holds fewer than two
        budgets.

    Notes
    -----
    The default ranges are the first and third decades of budgets, where
    every prompt of a benchmark like Best-of-N jailbreaking still
    contributes; the fourth decade rests on the few prompts left unsolved
    and is too noisy to compare.

    Examples
    --------
    >>> k = np.geomspace(1, 1000, 31)
    >>> round(float(slope_growth(k, 3 * k**-0.4)), 6)
    1.0
    """
    k_arr = as_float_array(k, "k")
    y_arr = np.asarray(y, dtype=np.float64)
    one = y_arr.ndim == 1
    y2 = np.atleast_2d(y_arr)
    if k_arr.ndim != 1 or y2.ndim != 2 or y2.shape[1] != k_arr.size:
        raise ValueError(
            f"y must have shape (K,) or (B, K) with K = {k_arr.size}; got "
            f"{y_arr.shape}"
        )
    if np.any(k_arr <= 0):
        raise ValueError("k must be > 0")
    out = []
    for lo, hi in (low, high):
        sel = (k_arr >= lo) & (k_arr <= hi)
        if np.unique(k_arr[sel]).size < 2:
            raise ValueError(f"the range [{lo}, {hi}] holds fewer than two budgets")
        out.append(_row_slopes(np.log(k_arr[sel]), y2[:, sel]))
    with np.errstate(all="ignore"):
        ratio = out[1] / out[0]
    return float(ratio[0]) if one else ratio


def _model_curves(counts: pd.DataFrame, curves: pd.DataFrame):
    """Yield ``(model, counts of the model, k, y)`` in model order."""
    for model, sub in counts.groupby("model", observed=True, sort=True):
        name = str(model)
        cur = curves[curves["model"].astype(str) == name]
        if cur.empty:
            raise ValueError(f"no curve for model {name!r}")
        yield (name, sub, cur["k"].to_numpy(np.int64),
               cur["y"].to_numpy(np.float64))


def _growth_check(
    fit: object,
    n_problems: int,
    k: NDArray[np.int64],
    y: NDArray[np.float64],
    gen: np.random.Generator,
    sims: int,
    batch_size: int,
    max_attempts: int,
    low: tuple[float, float],
    high: tuple[float, float],
) -> dict[str, float]:
    observed = slope_growth(k, y, low=low, high=high)
    # Only the budgets of the two ranges enter the statistic.
    k = k[((k >= low[0]) & (k <= low[1])) | ((k >= high[0]) & (k <= high[1]))]
    p = _analysis.sample_fit(fit, (sims, n_problems), gen).ravel()
    n, c, _ = simulate_early_stopping(p, batch_size, max_attempts, gen)
    grid = pass_at_k(n[:, None], c[:, None], k[None, :], k_above_n="success-seen")
    with np.errstate(divide="ignore"):
        y_sim = -np.log(grid.reshape(sims, n_problems, k.size).mean(axis=1))
    growth = slope_growth(k, y_sim, low=low, high=high)
    growth = growth[np.isfinite(growth)]
    lo, med, hi = np.quantile(growth, [0.025, 0.5, 0.975])
    return {
        "observed": observed, "median": float(med), "low": float(lo),
        "high": float(hi),
        "p_value": min(1.0, 2.0 * min(float(np.mean(growth >= observed)),
                                      float(np.mean(growth <= observed)))),
    }


def slope_growth_table(
    counts: pd.DataFrame,
    curves: pd.DataFrame,
    fits: Mapping[str, DistributionFit],
    rng: np.random.Generator | int,
    *,
    n_sim: int = 200,
    batch_size: int = BON_BATCH_SIZE,
    max_attempts: int = BON_MAX_ATTEMPTS,
    low: tuple[float, float] = (1.0, 10.0),
    high: tuple[float, float] = (100.0, 1000.0),
) -> pd.DataFrame:
    r"""Predictive check of the slope growth under the sampling design.

    For every model, simulates ``n_sim`` benchmarks of the same number of
    problems from its fitted law, samples them in batches with early
    stopping as the data were, and compares the observed
    :func:`slope_growth` of the data curve with its predictive
    distribution.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with columns ``model``, ``n``, ``c``.
    curves : pandas.DataFrame
        Data curves with columns ``model``, ``k``, ``y`` (from
        :func:`llmonkeys.estimators.curves_by_model` with the
        success-seen rule).
    fits : mapping of str to DistributionFit or MixtureFit
        The fitted law of each model.
    rng : numpy.random.Generator or int
        Generator or seed.
    n_sim : int, default 200
        Simulated benchmarks per model.
    batch_size, max_attempts : int
        The design (see
        :func:`llmonkeys.simulation.simulate_early_stopping`).
    low, high : tuple of float
        Ranges of :func:`slope_growth`.

    Returns
    -------
    pandas.DataFrame
        One row per model: ``observed``, ``median``, ``low`` and ``high``
        (central 95% of the simulated growths) and ``p_value``
        (two-sided: twice the smaller tail, at most 1).

    Raises
    ------
    ValueError
        If a model lacks a fit or a curve, or ``n_sim < 1``.

    Notes
    -----
    The fitted law is plugged in (not refitted to each simulated
    benchmark), so the predictive spread is, if anything, too wide and
    the check errs towards passing. Each simulated curve is the
    combinatorial estimator with the success-seen rule, computed exactly
    as for the data, so the bias the stopping rule puts into the curve
    is part of the prediction.
    """
    sims = int(as_count_array(n_sim, "n_sim", minimum=1))
    gen = as_generator(rng)
    rows = []
    for name, sub, k, y in _model_curves(counts, curves):
        if name not in fits:
            raise ValueError(f"no fit for model {name!r}")
        rows.append({"model": name, **_growth_check(
            fits[name], len(sub), k, y, gen, sims, batch_size, max_attempts,
            low, high)})
    table = pd.DataFrame(rows)
    if isinstance(counts["model"].dtype, pd.CategoricalDtype):
        table["model"] = table["model"].astype(counts["model"].dtype)
    return table


# ---------------------------------------------------------------------------
# Exponents of stopped data
# ---------------------------------------------------------------------------


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

    :func:`llmonkeys.analysis.bootstrap_exponents` for each model, with
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
        As :func:`llmonkeys.analysis.bootstrap_exponents`, with the rows
        of all models.

    Raises
    ------
    ValueError
        As :func:`llmonkeys.analysis.bootstrap_exponents`.

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
            table, samp = _analysis.bootstrap_exponents(
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


# ---------------------------------------------------------------------------
# Posterior predictive check of the never-solved problems
# ---------------------------------------------------------------------------


def _logpmf(family: str):
    if family == "scaled-beta":
        return scaled_beta_binomial_logpmf
    return scaled_kumaraswamy_binomial_logpmf


def _check_distribution_fit(fit: object) -> DistributionFit:
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
    fit = _check_distribution_fit(fit)
    n_arr, c_arr = check_counts(n, c)
    n_arr, c_arr = np.broadcast_arrays(n_arr, c_arr)
    pairs, weight = np.unique(np.stack([n_arr.ravel(), c_arr.ravel()], 1),
                              axis=0, return_counts=True)
    h = float(step)
    offsets = np.array([(i, j) for i in (-1, 0, 1) for j in (-1, 0, 1)], float)
    theta = np.log([fit.alpha, fit.beta]) + h * offsets
    with np.errstate(all="ignore"):
        lp = _logpmf(fit.family)(
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


@dataclass(frozen=True)
class ZeroCountCheck:
    r"""Predictive check of the number of problems never solved.

    Attributes
    ----------
    observed : int
        Problems with ``c = 0``.
    expected : float
        Their expected number at the maximum-likelihood fit,
        :math:`P\,\mathbb{E}[(1-p)^{N}]` with :math:`N` = ``max_attempts``.
    low, high : float
        Central 95% interval of the posterior predictive distribution.
    p_value : float
        Two-sided posterior predictive p-value (twice the smaller tail,
        at most 1).
    plug_in_p_value : float
        The same from the binomial law at the maximum-likelihood fit
        (ignoring the fit's own uncertainty: smaller).
    pmf : numpy.ndarray
        Posterior predictive probabilities of ``0 .. P`` unsolved
        problems.
    """

    observed: int
    expected: float
    low: float
    high: float
    p_value: float
    plug_in_p_value: float
    pmf: NDArray[np.float64] = field(repr=False, compare=False)


def _two_sided(pmf: NDArray[np.float64], observed: int) -> float:
    return min(1.0, 2.0 * min(float(pmf[: observed + 1].sum()),
                              float(pmf[observed:].sum())))


def zero_count_check(
    fit: DistributionFit,
    n: ArrayLike,
    c: ArrayLike,
    max_attempts: int,
    rng: np.random.Generator | int,
    *,
    n_draws: int = 1000,
) -> ZeroCountCheck:
    r"""Posterior predictive check of the count of never-solved problems.

    Parameters
    ----------
    fit : DistributionFit
        Scaled Beta or scaled Kumaraswamy fit to ``n``, ``c``.
    n, c : array_like of int, shape (P,)
        Counts. Sampling may have stopped early, but only after a
        success: every problem with ``c = 0`` must have
        ``n = max_attempts``.
    max_attempts : int
        The cap on attempts (for a fixed design, the common ``n``).
    rng : numpy.random.Generator or int
        Generator or seed for the parameter draws.
    n_draws : int, default 1000
        Draws of the parameters from their approximate posterior.

    Returns
    -------
    ZeroCountCheck
        Observed and expected counts, predictive interval and p-values.

    Raises
    ------
    ValueError
        If ``fit`` is not a :class:`~llmonkeys.fits.DistributionFit`, on
        invalid counts, ``n > max_attempts``, or a problem with ``c = 0``
        that stopped before ``max_attempts``.

    Notes
    -----
    Whatever the stopping rule, a problem ends with ``c = 0`` exactly
    when its first ``max_attempts`` attempts all fail, which has
    probability :math:`q = \mathbb{E}_F[(1-p)^{N}]`, :math:`N` =
    ``max_attempts``; problems are independent, so the count is
    :math:`\mathrm{Binomial}(P, q)`. Conditioning on the observed
    :math:`n_i` instead (:math:`q_i = \mathbb{E}_F[(1-p)^{n_i}]`) would
    be wrong here: a problem that stopped early cannot have ``c = 0``.
    Parameter uncertainty is propagated by drawing
    :math:`(\log\alpha, \log\beta)` from the normal approximation of
    :func:`log_parameter_covariance` (a flat prior; the scale fixed), so
    the predictive law is a mixture of binomials, evaluated exactly.

    Examples
    --------
    >>> import llmonkeys.fits as fits
    >>> rng = np.random.default_rng(1)
    >>> c = rng.binomial(1000, rng.beta(0.3, 3.0, 200))
    >>> fit = fits.fit_scaled_beta_binomial(1000, c, scale=1.0)
    >>> chk = zero_count_check(fit, 1000, c, 1000, rng=0)
    >>> bool(chk.low <= chk.observed <= chk.high)
    True
    """
    fit = _check_distribution_fit(fit)
    n_arr, c_arr = check_counts(n, c)
    n_arr, c_arr = np.broadcast_arrays(n_arr, c_arr)
    cap = int(as_count_array(max_attempts, "max_attempts", minimum=1))
    if np.any(n_arr > cap):
        raise ValueError(f"n must be <= max_attempts = {cap}; got {n_arr.max()}")
    if np.any((c_arr == 0) & (n_arr < cap)):
        raise ValueError(
            "a problem with c = 0 stopped before max_attempts; the check "
            "assumes sampling stops early only after a success"
        )
    draws = int(as_count_array(n_draws, "n_draws", minimum=1))
    gen = as_generator(rng)
    p_count = int(n_arr.size)
    observed = int(np.sum(c_arr == 0))
    logpmf = _logpmf(fit.family)
    q_hat = float(np.exp(logpmf(0, cap, fit.alpha, fit.beta, fit.scale)))
    cov = log_parameter_covariance(fit, n_arr, c_arr)
    theta = gen.multivariate_normal(np.log([fit.alpha, fit.beta]), cov, draws)
    with np.errstate(all="ignore"):
        q = np.exp(logpmf(0, cap, np.exp(theta[:, 0]), np.exp(theta[:, 1]),
                          fit.scale))
    q = np.clip(np.nan_to_num(q, nan=q_hat), 0.0, 1.0)
    support = np.arange(p_count + 1)
    pmf = stats.binom.pmf(support[None, :], p_count, q[:, None]).mean(axis=0)
    pmf = pmf / pmf.sum()
    cdf = np.cumsum(pmf)
    low = float(support[np.searchsorted(cdf, 0.025)])
    high = float(support[min(np.searchsorted(cdf, 0.975), p_count)])
    plug = stats.binom.pmf(support, p_count, q_hat)
    return ZeroCountCheck(
        observed=observed,
        expected=p_count * q_hat,
        low=low,
        high=high,
        p_value=_two_sided(pmf, observed),
        plug_in_p_value=_two_sided(plug, observed),
        pmf=pmf,
    )


def zero_count_table(
    counts: pd.DataFrame,
    fits: Mapping[tuple[str, str], object],
    max_attempts: int,
    rng: np.random.Generator | int,
    *,
    n_draws: int = 1000,
) -> pd.DataFrame:
    """Run :func:`zero_count_check` for every ``(model, family)`` fit.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with columns ``model``, ``n``, ``c``.
    fits : mapping
        ``(model, family)`` to a :class:`~llmonkeys.fits.DistributionFit`,
        as from :func:`llmonkeys.analysis.fit_families_by_model` (mixture
        fits are skipped: the check needs two shape parameters).
    max_attempts : int
        Cap on attempts per problem.
    rng : numpy.random.Generator or int
        Generator or seed.
    n_draws : int, default 1000
        Parameter draws per fit.

    Returns
    -------
    pandas.DataFrame
        One row per fit: ``model``, ``family``, ``observed``,
        ``expected``, ``low``, ``high``, ``p_value`` and
        ``plug_in_p_value``.

    Raises
    ------
    ValueError
        If a fit's model is not in ``counts``, or as
        :func:`zero_count_check`.
    """
    gen = as_generator(rng)
    rows = []
    for (model, family), fit in fits.items():
        if not isinstance(fit, DistributionFit):
            continue
        sub = counts[counts["model"].astype(str) == str(model)]
        if sub.empty:
            raise ValueError(f"fit for model {model!r} but no such model in counts")
        chk = zero_count_check(fit, sub["n"].to_numpy(), sub["c"].to_numpy(),
                               max_attempts, gen, n_draws=n_draws)
        rows.append({"model": str(model), "family": family,
                     "observed": chk.observed, "expected": chk.expected,
                     "low": chk.low, "high": chk.high, "p_value": chk.p_value,
                     "plug_in_p_value": chk.plug_in_p_value})
    table = pd.DataFrame(rows)
    if isinstance(counts["model"].dtype, pd.CategoricalDtype):
        table["model"] = table["model"].astype(counts["model"].dtype)
    return table


# ---------------------------------------------------------------------------
# The checklist
# ---------------------------------------------------------------------------


def power_law_checklist(
    counts: pd.DataFrame,
    curves: pd.DataFrame,
    fits: Mapping[str, DistributionFit],
    rng: np.random.Generator | int,
    *,
    batch_size: int = BON_BATCH_SIZE,
    max_attempts: int = BON_MAX_ATTEMPTS,
    n_sim: int = 200,
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    r"""Run four checks of a power-law fit on every model.

    1. *Straight data curve*: :func:`slope_ratio` of the data curve.
    2. *Fitted curve tracks the data*: :func:`curve_discrepancy` of the
       fitted law's exact curve.
    3. *Never-solved problems as predicted*: :func:`zero_count_check`.
    4. *Curvature as predicted*: the :func:`slope_growth` of the data
       curve against its predictive distribution under the fitted law and
       the sampling design (:func:`slope_growth_table`).

    The first check is about the data alone and guards the
    least-squares exponent; the other three compare the data with the
    fitted law and guard the distributional exponent and tail index.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with columns ``model``, ``n``, ``c``.
    curves : pandas.DataFrame
        Data curves with columns ``model``, ``k``, ``y``, as returned by
        :func:`llmonkeys.estimators.curves_by_model` (with the
        success-seen rule for early-stopped data).
    fits : mapping of str to DistributionFit
        The fitted law of each model.
    rng : numpy.random.Generator or int
        Generator or seed of the predictive simulations.
    batch_size, max_attempts : int
        The sampling design: batches of ``batch_size`` attempts until
        the batch with the first success, at most ``max_attempts``. For
        a fixed design of ``n`` attempts, ``batch_size = max_attempts =
        n``.
    n_sim : int, default 200
        Simulated benchmarks per model for check 4.
    thresholds : mapping, optional
        Overrides of :data:`CHECKLIST_THRESHOLDS`.

    Returns
    -------
    pandas.DataFrame
        One row per model: ``slope_ratio``, ``slope_ok``;
        ``curve_factor``, ``k_worst``, ``curve_ok``; ``zero_observed``,
        ``zero_expected``, ``zero_low``, ``zero_high``, ``zero_p_value``,
        ``zero_ok``; ``growth_observed``, ``growth_low``,
        ``growth_high``, ``growth_p_value``, ``growth_ok``; and
        ``screen_ok`` (checks 1 to 3, which need no simulation) and
        ``passes`` (all four).

    Raises
    ------
    ValueError
        If a model lacks a curve or a fit, on an unknown threshold, or as
        the individual checks.

    Notes
    -----
    The defaults of :data:`CHECKLIST_THRESHOLDS`: the decade slopes of a
    curve that a power law describes agree within a factor of 2; the
    fitted curve stays within a factor of 3 of the data curve (more than
    the sampling noise of a curve set by a handful of unsolved problems);
    the predictive checks are not rejected at the 5% level. They are
    screens, not tests with a known error rate: run over many models,
    some will fail by chance.
    """
    limits = dict(CHECKLIST_THRESHOLDS)
    if thresholds is not None:
        unknown = set(thresholds) - set(limits)
        if unknown:
            raise ValueError(
                f"unknown thresholds {sorted(unknown)}; allowed: {sorted(limits)}"
            )
        limits.update({key: float(v) for key, v in thresholds.items()})
    sims = int(as_count_array(n_sim, "n_sim", minimum=1))
    gen = as_generator(rng)
    rows = []
    for name, sub, k, y in _model_curves(counts, curves):
        if name not in fits:
            raise ValueError(f"no fit for model {name!r}")
        fit = _check_distribution_fit(fits[name])
        ratio = slope_ratio(k, y)
        factor, k_worst = curve_discrepancy(
            k, y, fit.distribution.neg_log_pass_at_k(k))
        zero = zero_count_check(fit, sub["n"].to_numpy(), sub["c"].to_numpy(),
                                max_attempts, gen)
        growth = _growth_check(fit, len(sub), k, y, gen, sims, batch_size,
                               max_attempts, (1.0, 10.0), (100.0, 1000.0))
        row = {
            "model": name,
            "slope_ratio": ratio,
            "slope_ok": ratio <= limits["slope_ratio"],
            "curve_factor": factor,
            "k_worst": k_worst,
            "curve_ok": factor <= limits["curve_factor"],
            "zero_observed": zero.observed,
            "zero_expected": zero.expected,
            "zero_low": zero.low,
            "zero_high": zero.high,
            "zero_p_value": zero.p_value,
            "zero_ok": zero.p_value >= limits["p_value"],
            "growth_observed": growth["observed"],
            "growth_low": growth["low"],
            "growth_high": growth["high"],
            "growth_p_value": growth["p_value"],
            "growth_ok": growth["p_value"] >= limits["p_value"],
        }
        row["screen_ok"] = row["slope_ok"] and row["curve_ok"] and row["zero_ok"]
        row["passes"] = row["screen_ok"] and row["growth_ok"]
        rows.append(row)
    table = pd.DataFrame(rows)
    if isinstance(counts["model"].dtype, pd.CategoricalDtype):
        table["model"] = table["model"].astype(counts["model"].dtype)
    return table


# ---------------------------------------------------------------------------
# Simulation study of the stopping rule
# ---------------------------------------------------------------------------


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
