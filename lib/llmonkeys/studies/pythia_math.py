r"""Trends of exponents with model size.

Defined for :doc:`/chapters/pythia_math` (not part of the core API):
a log-linear trend of an exponent against a model property, with a
t interval for its slope (:func:`fit_trend`), for every method and
bootstrap replicate (:func:`exponent_trends`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from llmonkeys._validation import as_float_array, check_confidence
from llmonkeys.exponents import _check_tables

__all__ = [
    "TrendFit",
    "fit_trend",
    "exponent_trends",
]


@dataclass(frozen=True)
class TrendFit:
    r"""Least-squares line :math:`y = a + b\,x` through a few points.

    Attributes
    ----------
    slope, intercept : float
        :math:`b` and :math:`a` (per unit of :math:`\log_{10} x` when
        ``log_x``).
    slope_se : float
        Standard error of the slope from the residual scatter.
    slope_low, slope_high : float
        Student-t interval of the slope (``n_points - 2`` degrees of
        freedom).
    boot_low, boot_high : float
        Percentile interval of the slope over bootstrap replicates (NaN
        without replicates).
    r_squared : float
        Coefficient of determination.
    n_points : int
        Number of points.
    confidence : float
        Coverage of the intervals.
    log_x : bool
        Whether :math:`x` enters as :math:`\log_{10} x`.
    boot_slopes : numpy.ndarray
        Slopes of the bootstrap replicates (empty without replicates).
    """

    slope: float
    intercept: float
    slope_se: float
    slope_low: float
    slope_high: float
    boot_low: float
    boot_high: float
    r_squared: float
    n_points: int
    confidence: float
    log_x: bool
    boot_slopes: NDArray[np.float64] = field(repr=False, compare=False)

    def predict(self, x: ArrayLike) -> NDArray[np.float64]:
        """Evaluate the line at ``x`` (on the original scale of ``x``).

        Parameters
        ----------
        x : array_like
            Covariate values (``> 0`` when ``log_x``).

        Returns
        -------
        numpy.ndarray
            Fitted values.

        Raises
        ------
        ValueError
            If ``x`` is not finite, or not positive when ``log_x``.
        """
        x_arr = as_float_array(x, "x")
        if self.log_x:
            if np.any(x_arr <= 0):
                raise ValueError("x must be > 0 when the trend is in log10(x)")
            x_arr = np.log10(x_arr)
        return self.intercept + self.slope * x_arr


def fit_trend(
    x: ArrayLike,
    y: ArrayLike,
    *,
    log_x: bool = True,
    confidence: float = 0.95,
    replicates: ArrayLike | None = None,
) -> TrendFit:
    r"""Fit a straight line to a few points, with honest slope intervals.

    Parameters
    ----------
    x : array_like, shape (m,)
        Covariate (e.g. parameter counts), ``> 0`` when ``log_x``.
    y : array_like, shape (m,)
        Responses (e.g. exponents), ``m >= 3``.
    log_x : bool, default True
        Regress on :math:`\log_{10} x`.
    confidence : float, default 0.95
        Coverage of the intervals.
    replicates : array_like, shape (B, m), optional
        Bootstrap replicates of ``y`` (rows with a NaN are dropped); the
        slope is refitted to each row for a percentile interval.

    Returns
    -------
    TrendFit
        Slope, intercept, Student-t and bootstrap intervals of the slope,
        and :math:`R^2`.

    Raises
    ------
    ValueError
        If shapes disagree, fewer than three points are given, ``x`` is
        constant or not positive (with ``log_x``), or ``confidence`` is
        outside ``(0, 1)``.

    Notes
    -----
    With :math:`m` points the slope's Student-t interval has
    :math:`m - 2` degrees of freedom: with 7 points, :math:`t_{0.975,5}
    \approx 2.57`. It treats the residual scatter as independent noise;
    the bootstrap interval instead propagates the sampling error of each
    ``y`` (and their correlation, if the replicates are joint) but not
    any misfit of the line.

    Examples
    --------
    >>> tr = fit_trend([1, 10, 100, 1000], [0.1, 0.2, 0.3, 0.4])
    >>> round(tr.slope, 6), round(tr.r_squared, 6)
    (0.1, 1.0)
    """
    x_arr = as_float_array(x, "x")
    y_arr = as_float_array(y, "y")
    if x_arr.ndim != 1 or x_arr.shape != y_arr.shape:
        raise ValueError(
            f"x and y must be 1-D of equal length; got {x_arr.shape} and {y_arr.shape}"
        )
    if x_arr.size < 3:
        raise ValueError(
            f"need at least three points for a slope interval; got {x_arr.size}"
        )
    if log_x:
        if np.any(x_arr <= 0):
            raise ValueError("x must be > 0 with log_x=True")
        x_arr = np.log10(x_arr)
    if np.ptp(x_arr) == 0:
        raise ValueError("x must not be constant")
    conf = check_confidence(confidence)
    m = x_arr.size
    xc = x_arr - x_arr.mean()
    sxx = float(xc @ xc)
    slope = float(xc @ (y_arr - y_arr.mean()) / sxx)
    intercept = float(y_arr.mean() - slope * x_arr.mean())
    resid = y_arr - intercept - slope * x_arr
    ss_tot = float(((y_arr - y_arr.mean()) ** 2).sum())
    r2 = 1.0 - float(resid @ resid) / ss_tot if ss_tot > 0 else 1.0
    se = math.sqrt(float(resid @ resid) / (m - 2) / sxx)
    t = float(stats.t.ppf(0.5 + conf / 2.0, m - 2))
    boot = np.empty(0)
    b_lo = b_hi = math.nan
    if replicates is not None:
        reps = np.asarray(replicates, dtype=np.float64)
        if reps.ndim != 2 or reps.shape[1] != m:
            raise ValueError(
                f"replicates must have shape (B, {m}); got {reps.shape}"
            )
        reps = reps[np.all(np.isfinite(reps), axis=1)]
        if reps.shape[0]:
            boot = (reps - reps.mean(axis=1, keepdims=True)) @ xc / sxx
            tail = (1.0 - conf) / 2.0
            b_lo, b_hi = (float(v) for v in np.quantile(boot, [tail, 1 - tail]))
    return TrendFit(
        slope=slope, intercept=intercept, slope_se=se,
        slope_low=slope - t * se, slope_high=slope + t * se,
        boot_low=b_lo, boot_high=b_hi, r_squared=r2, n_points=m,
        confidence=conf, log_x=bool(log_x), boot_slopes=boot,
    )


def exponent_trends(
    table: pd.DataFrame,
    samples: pd.DataFrame | None,
    covariate: Mapping[str, float],
    *,
    methods: Sequence[str] | None = None,
    log_x: bool = True,
    confidence: float = 0.95,
) -> tuple[pd.DataFrame, dict[str, TrendFit]]:
    r"""Fit each method's exponents as a straight line in a covariate.

    Parameters
    ----------
    table : pandas.DataFrame
        First output of :func:`bootstrap_exponents`.
    samples : pandas.DataFrame or None
        Its second output, for bootstrap intervals of the slopes (joint
        replicates when the models share their problems).
    covariate : mapping of str to float
        Model to covariate, e.g.
        :data:`llmonkeys.datasets.PYTHIA_PARAMETERS`.
    methods : sequence of str, optional
        Methods to fit; all in ``table`` by default.
    log_x : bool, default True
        Regress on :math:`\log_{10}` of the covariate.
    confidence : float, default 0.95
        Coverage of the intervals.

    Returns
    -------
    table : pandas.DataFrame
        One row per method: ``method``, ``slope``, ``slope_low``,
        ``slope_high`` (Student-t), ``boot_low``, ``boot_high``,
        ``intercept``, ``r_squared``, ``n_points`` and ``monotone``
        (whether the exponents increase strictly with the covariate).
    trends : dict of str to TrendFit
        The fits by method.

    Raises
    ------
    ValueError
        If a model lacks a covariate, a method is absent, or as
        :func:`fit_trend`.
    """
    if samples is not None:
        _check_tables(table, samples)
    elif not isinstance(table, pd.DataFrame) or not {
        "model", "method", "estimate"
    } <= set(table.columns):
        raise ValueError("table must be the first output of bootstrap_exponents")
    methods = list(dict.fromkeys(table["method"])) if methods is None else list(methods)
    absent = [m for m in methods if m not in set(table["method"])]
    if absent:
        raise ValueError(f"methods {absent} are not in the table")
    models = [str(m) for m in dict.fromkeys(table["model"])]
    missing = [m for m in models if m not in covariate]
    if missing:
        raise ValueError(f"covariate has no value for models {missing}")
    x = np.array([covariate[m] for m in models], dtype=np.float64)
    order = np.argsort(x, kind="stable")
    rows, trends = [], {}
    for method in methods:
        sub = table[table["method"] == method].assign(
            model=lambda d: d["model"].astype(str))
        y = sub.set_index("model").loc[models, "estimate"].to_numpy(np.float64)
        reps = None
        if samples is not None:
            s = samples[samples["method"] == method].assign(
                model=lambda d: d["model"].astype(str))
            reps = s.pivot(index="replicate", columns="model",
                           values="exponent")[models].to_numpy(np.float64)
        tr = fit_trend(x, y, log_x=log_x, confidence=confidence, replicates=reps)
        trends[method] = tr
        rows.append({
            "method": method, "slope": tr.slope, "slope_low": tr.slope_low,
            "slope_high": tr.slope_high, "boot_low": tr.boot_low,
            "boot_high": tr.boot_high, "intercept": tr.intercept,
            "r_squared": tr.r_squared, "n_points": tr.n_points,
            "monotone": bool(np.all(np.diff(y[order]) > 0)),
        })
    return pd.DataFrame(rows), trends
