r"""Per-model analyses of tidy counts: fits, exponents, checks and trends.

The chapters on real data repeat the same steps for every model of a
dataset: fit laws of success probabilities to the counts, estimate power-
law exponents with bootstrap intervals, check the fits against the data,
and relate the exponents to a property of the models. This module does
each step for all models at once and returns tidy
:class:`pandas.DataFrame` tables.

Every function takes *tidy counts*: a data frame with one row per
(model, problem) and columns ``model``, ``n`` (attempts) and ``c``
(successes), as returned by :mod:`llmonkeys.datasets`. A ``problem``
column is optional; when present, rows are ordered by it within each
model, so that models sharing their problems are resampled jointly by
:func:`bootstrap_exponents`. ``n`` may vary from problem to problem.

A *fit* is a :class:`~llmonkeys.fits.DistributionFit` (scaled Beta or
scaled Kumaraswamy) or a :class:`~llmonkeys.fits.MixtureFit` (mixture of
Beta laws). :func:`fit_families_by_model` returns them keyed by
``(model, family)`` with the family names of :data:`FIT_FAMILIES`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats
from scipy.special import logsumexp

from llmonkeys import fits as _fits
from llmonkeys._validation import as_count_array, as_float_array, check_counts
from llmonkeys.estimators import fit_power_law
from llmonkeys.fits import DistributionFit, MixtureFit
from llmonkeys.simulation import draw_counts

__all__ = [
    "FIT_FAMILIES",
    "Fit",
    "fit_families_by_model",
    "fit_logpmf",
    "fit_pdf",
    "sample_fit",
    "fitted_curves",
    "fitted_densities",
    "curve_exponents",
    "poisson_binomial_pmf",
    "zero_count_check",
    "bootstrap_exponents",
    "method_differences",
    "exponent_summary",
    "TrendFit",
    "fit_trend",
    "exponent_trends",
]

#: Families fitted by :func:`fit_families_by_model`: the paper's scaled
#: Beta and scaled Kumaraswamy laws, and a mixture of Beta laws.
FIT_FAMILIES: tuple[str, ...] = (
    "scaled-beta",
    "scaled-kumaraswamy",
    "beta-mixture",
)

#: A fitted law of success probabilities.
Fit = DistributionFit | MixtureFit


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _check_frame(counts: object) -> pd.DataFrame:
    if not isinstance(counts, pd.DataFrame):
        raise ValueError(
            "counts must be a pandas DataFrame with columns 'model', 'n', 'c'; "
            f"got {type(counts).__name__}"
        )
    missing = {"model", "n", "c"} - set(counts.columns)
    if missing:
        raise ValueError(
            f"counts must have columns 'model', 'n', 'c'; missing {sorted(missing)}"
        )
    if counts.empty:
        raise ValueError("counts is empty; need at least one model with problems")
    check_counts(counts["n"].to_numpy(), counts["c"].to_numpy())
    return counts


def _groups(counts: pd.DataFrame) -> list[tuple[str, NDArray, NDArray]]:
    """``(model, n, c)`` per model, in model order, rows sorted by problem."""
    out = []
    for model, sub in counts.groupby("model", observed=True, sort=True):
        if "problem" in sub.columns:
            sub = sub.sort_values("problem", kind="stable")
        n, c = check_counts(sub["n"].to_numpy(), sub["c"].to_numpy())
        if n.size < 2:
            raise ValueError(
                f"model {model!r} has {n.size} problem(s); at least two are "
                "needed to fit a law of success probabilities"
            )
        out.append((str(model), n, c))
    return out


def _ordered(frame: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Give ``frame['model']`` the categorical dtype of ``counts`` if any."""
    if isinstance(counts["model"].dtype, pd.CategoricalDtype):
        frame["model"] = frame["model"].astype(counts["model"].dtype)
    return frame


def _in_order(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Make ``columns`` ordered categoricals, in order of first appearance."""
    for col in columns:
        if not isinstance(frame[col].dtype, pd.CategoricalDtype):
            cats = list(dict.fromkeys(frame[col].astype(str)))
            frame[col] = pd.Categorical(frame[col].astype(str), categories=cats,
                                        ordered=True)
    return frame


def _check_confidence(confidence: object) -> float:
    if isinstance(confidence, bool) or not isinstance(
        confidence, numbers.Real | np.number
    ):
        raise ValueError(f"confidence must be a number in (0, 1); got {confidence!r}")
    value = float(confidence)
    if not 0.0 < value < 1.0:
        raise ValueError(f"confidence must be in (0, 1); got {confidence!r}")
    return value


def _check_count(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if int(value) < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return int(value)


def _generator(seed: object) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0:
        return np.random.default_rng(int(seed))
    raise ValueError(
        "seed must be a non-negative int or a numpy.random.Generator; "
        f"got {seed!r}"
    )


def _check_fit(fit: object) -> Fit:
    if not isinstance(fit, DistributionFit | MixtureFit):
        raise ValueError(
            "fit must be a DistributionFit or MixtureFit from llmonkeys.fits; "
            f"got {type(fit).__name__}"
        )
    return fit


# ---------------------------------------------------------------------------
# Fitting every family to every model
# ---------------------------------------------------------------------------


def _fit_one(
    family: str,
    n: NDArray,
    c: NDArray,
    scale: float | None,
    n_components: int,
    mixture_scale: float | None,
) -> Fit:
    if family == "scaled-beta":
        return _fits.fit_scaled_beta_binomial(n, c, scale)
    if family == "scaled-kumaraswamy":
        return _fits.fit_scaled_kumaraswamy_binomial(n, c, scale)
    return _fits.fit_beta_binomial_mixture(
        n, c, n_components, scale=mixture_scale
    )


def fit_families_by_model(
    counts: pd.DataFrame,
    families: Sequence[str] = FIT_FAMILIES,
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
    families : sequence of str, default :data:`FIT_FAMILIES`
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
    counts = _check_frame(counts)
    if isinstance(families, str):
        families = [families]
    families = list(families)
    if not families:
        raise ValueError("families must name at least one family")
    unknown = [f for f in families if f not in FIT_FAMILIES]
    if unknown:
        raise ValueError(
            f"unknown families {unknown}; allowed: {', '.join(FIT_FAMILIES)}"
        )
    n_components = _check_count(n_components, "n_components")
    rows, out = [], {}
    for model, n, c in _groups(counts):
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
    return _in_order(_ordered(table, counts), "model", "family"), out


# ---------------------------------------------------------------------------
# What a fit predicts
# ---------------------------------------------------------------------------


def fit_logpmf(fit: Fit, c: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
    r"""Log-probability of ``c`` successes in ``n`` attempts under a fit.

    Parameters
    ----------
    fit : DistributionFit or MixtureFit
        A fitted law of success probabilities.
    c, n : array_like of int
        Successes and attempts, ``0 <= c <= n``, ``n >= 1``, broadcast.

    Returns
    -------
    numpy.ndarray
        :math:`\log P(c \mid n)` under the mixed binomial law of the fit.

    Raises
    ------
    ValueError
        If ``fit`` is not a fit, or on invalid counts.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> c = rng.binomial(100, rng.beta(0.5, 5.0, 200))
    >>> fit = _fits.fit_scaled_beta_binomial(100, c, scale=1.0)
    >>> total = np.exp(fit_logpmf(fit, np.arange(101), 100)).sum()
    >>> bool(abs(total - 1) < 1e-9)
    True
    """
    fit = _check_fit(fit)
    n_arr, c_arr = check_counts(n, c)
    if isinstance(fit, DistributionFit):
        return np.asarray(fit.distribution.binomial_logpmf(c_arr, n_arr), np.float64)
    parts = [
        math.log(w) + np.asarray(comp.binomial_logpmf(c_arr, n_arr), np.float64)
        for w, comp in zip(fit.weights, fit.components, strict=True)
        if w > 0
    ]
    return logsumexp(np.stack(parts), axis=0)


def fit_pdf(fit: Fit, p: ArrayLike) -> NDArray[np.float64]:
    """Density of the success probability under a fit.

    Parameters
    ----------
    fit : DistributionFit or MixtureFit
        A fitted law.
    p : array_like
        Points in ``[0, 1]``.

    Returns
    -------
    numpy.ndarray
        The density (0 outside the support), shape of ``p``.

    Raises
    ------
    ValueError
        If ``fit`` is not a fit or ``p`` is not finite.
    """
    fit = _check_fit(fit)
    p_arr = as_float_array(p, "p")
    if isinstance(fit, DistributionFit):
        return np.asarray(fit.distribution.pdf(p_arr), np.float64)
    return sum(
        w * np.asarray(comp.pdf(p_arr), np.float64)
        for w, comp in zip(fit.weights, fit.components, strict=True)
    )


def sample_fit(
    fit: Fit, size: int | tuple[int, ...], rng: np.random.Generator
) -> NDArray[np.float64]:
    """Draw success probabilities from a fitted law.

    Parameters
    ----------
    fit : DistributionFit or MixtureFit
        A fitted law.
    size : int or tuple of int
        Output shape.
    rng : numpy.random.Generator
        Generator, advanced in place.

    Returns
    -------
    numpy.ndarray
        Draws of ``p`` in ``[0, 1]``.

    Raises
    ------
    ValueError
        If ``fit`` is not a fit or ``rng`` is not a generator.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> c = rng.binomial(100, rng.beta(0.5, 5.0, 200))
    >>> fit = _fits.fit_beta_binomial_mixture(100, c)
    >>> sample_fit(fit, (3, 4), np.random.default_rng(0)).shape
    (3, 4)
    """
    fit = _check_fit(fit)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator; got {rng!r}")
    if isinstance(fit, DistributionFit):
        return fit.distribution.sample(size, rng)
    shape = (size,) if isinstance(size, numbers.Integral) else tuple(size)
    which = rng.choice(len(fit.weights), size=shape, p=np.asarray(fit.weights))
    out = np.empty(shape, dtype=np.float64)
    for j, comp in enumerate(fit.components):
        mask = which == j
        out[mask] = comp.sample(int(mask.sum()), rng)
    return out


def _curve(fit: Fit, k: NDArray) -> NDArray[np.float64]:
    if isinstance(fit, DistributionFit):
        return np.asarray(fit.distribution.neg_log_pass_at_k(k), np.float64)
    return np.asarray(fit.neg_log_pass_at_k(k), np.float64)


def _failure(fit: Fit, k: NDArray) -> NDArray[np.float64]:
    if isinstance(fit, DistributionFit):
        return np.asarray(fit.distribution.failure_rate(k), np.float64)
    return np.asarray(fit.failure_rate(k), np.float64)


def _check_fits(fits: object) -> Mapping[tuple[str, str], Fit]:
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
    fits = _check_fits(fits)
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1)).ravel()
    frames = [
        pd.DataFrame({"model": model, "family": family, "k": k_arr,
                      "y": _curve(fit, k_arr)})
        for (model, family), fit in fits.items()
    ]
    return _in_order(pd.concat(frames, ignore_index=True), "model", "family")


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
    fits = _check_fits(fits)
    p_arr = np.atleast_1d(as_float_array(p, "p")).ravel()
    if np.any((p_arr <= 0) | (p_arr > 1)):
        raise ValueError("p must lie in (0, 1] (densities per decade of p)")
    frames = []
    for (model, family), fit in fits.items():
        dens = fit_pdf(fit, p_arr)
        frames.append(pd.DataFrame({
            "model": model, "family": family, "p": p_arr, "density": dens,
            "per_decade": fit.n_problems * p_arr * math.log(10.0) * dens,
        }))
    return _in_order(pd.concat(frames, ignore_index=True), "model", "family")


# ---------------------------------------------------------------------------
# Predictive check of the number of unsolved problems
# ---------------------------------------------------------------------------


def poisson_binomial_pmf(q: ArrayLike) -> NDArray[np.float64]:
    r"""Distribution of the number of successes of independent Bernoullis.

    Parameters
    ----------
    q : array_like, shape (P,)
        Success probabilities of ``P >= 1`` independent events, in
        ``[0, 1]``.

    Returns
    -------
    numpy.ndarray, shape (P + 1,)
        :math:`P(T = t)`, :math:`t = 0, \dots, P`, for
        :math:`T = \sum_i B_i`, :math:`B_i \sim \mathrm{Bernoulli}(q_i)`.

    Raises
    ------
    ValueError
        If ``q`` is empty, not 1-D, or outside ``[0, 1]``.

    Notes
    -----
    The probability generating function
    :math:`\prod_i (1 - q_i + q_i z)` is evaluated at the ``P + 1``
    roots of unity :math:`z_l = e^{2\pi i l/(P+1)}` (products as sums of
    complex logarithms) and inverted by a discrete Fourier transform,

    .. math::

        P(T = t) = \frac{1}{P+1} \sum_{l=0}^{P} z_l^{-t}
        \prod_i (1 - q_i + q_i z_l),

    which is exact up to rounding (absolute error about
    :math:`10^{-16} P`); tiny negative values are set to 0.

    Examples
    --------
    >>> poisson_binomial_pmf([0.5, 0.5]).round(12).tolist()
    [0.25, 0.5, 0.25]
    """
    q_arr = as_float_array(q, "q")
    if q_arr.ndim != 1 or q_arr.size == 0:
        raise ValueError(f"q must be a non-empty 1-D array; got shape {q_arr.shape}")
    if np.any((q_arr < 0) | (q_arr > 1)):
        raise ValueError("q must lie in [0, 1]")
    m = q_arr.size + 1
    z = np.exp(2j * np.pi * np.arange(m) / m)
    log_terms = np.log((1.0 - q_arr)[None, :] + q_arr[None, :] * z[:, None]
                       + 0j)
    pgf = np.exp(log_terms.sum(axis=1))
    pmf = np.fft.fft(pgf).real / m
    pmf = np.clip(pmf, 0.0, None)
    return pmf / pmf.sum()


def zero_count_check(
    counts: pd.DataFrame,
    fits: Mapping[tuple[str, str], Fit],
    *,
    n_sim: int = 2000,
    seed: int | np.random.Generator,
    confidence: float = 0.95,
) -> pd.DataFrame:
    r"""Predictive check of the number of problems never solved.

    For each fit, simulates ``n_sim`` replicate benchmarks from the
    fitted law (fresh success probabilities for every problem, then
    ``c_i ~ Binomial(n_i, p_i)`` with the observed ``n_i``), counts the
    problems with ``c = 0`` in each, and compares the observed count with
    this predictive distribution and with its exact law.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts (columns ``model``, ``n``, ``c``).
    fits : mapping
        ``(model, family)`` to fit, as from :func:`fit_families_by_model`.
    n_sim : int, default 2000
        Replicate benchmarks per fit, ``>= 1``.
    seed : int or numpy.random.Generator
        Seed or generator of the simulations.
    confidence : float, default 0.95
        Coverage of the predictive interval, in ``(0, 1)``.

    Returns
    -------
    pandas.DataFrame
        One row per fit: ``model``, ``family`` (ordered categoricals),
        ``observed``,
        ``expected`` (exact, :math:`\sum_i F(n_i)`), ``sim_mean``,
        ``low`` and ``high`` (central predictive interval of the
        simulated counts), ``p_value`` (two-sided, from the simulations:
        twice the smaller tail probability, at most 1) and
        ``p_value_exact`` (the same from the exact law).

    Raises
    ------
    ValueError
        On invalid counts or fits, a fit whose model is not in
        ``counts``, ``n_sim < 1`` or ``confidence`` outside ``(0, 1)``.

    Notes
    -----
    Given the fitted law :math:`F`, problem :math:`i` is unsolved with
    probability :math:`q_i = \mathbb{E}_F[(1-p)^{n_i}]`, independently
    of the others, so the count of unsolved problems is Poisson-binomial
    with parameters :math:`q_i` (binomial when every :math:`n_i` is the
    same); :func:`poisson_binomial_pmf` gives its exact law. The check
    plugs in the maximum-likelihood fit (it ignores the fit's own
    uncertainty), and it conditions on the observed :math:`n_i`, which is
    exact only when the numbers of attempts were fixed in advance.
    """
    counts = _check_frame(counts)
    fits = _check_fits(fits)
    n_sim = _check_count(n_sim, "n_sim")
    conf = _check_confidence(confidence)
    rng = _generator(seed)
    groups = {model: (n, c) for model, n, c in _groups(counts)}
    tail = (1.0 - conf) / 2.0
    rows = []
    for (model, family), fit in fits.items():
        if model not in groups:
            raise ValueError(f"fit for model {model!r} but no such model in counts")
        n, c = groups[model]
        observed = int(np.sum(c == 0))
        q = _failure(fit, n.astype(np.float64))
        p = sample_fit(fit, (n_sim, n.size), rng)
        zeros = (draw_counts(p, n[None, :], rng) == 0).sum(axis=1)
        pmf = poisson_binomial_pmf(np.clip(q, 0.0, 1.0))
        lower_exact = float(pmf[: observed + 1].sum())
        upper_exact = float(pmf[observed:].sum())
        lo, hi = np.quantile(zeros, [tail, 1.0 - tail])
        rows.append({
            "model": model,
            "family": family,
            "observed": observed,
            "expected": float(q.sum()),
            "sim_mean": float(zeros.mean()),
            "low": float(lo),
            "high": float(hi),
            "p_value": min(1.0, 2.0 * min(float(np.mean(zeros <= observed)),
                                          float(np.mean(zeros >= observed)))),
            "p_value_exact": min(1.0, 2.0 * min(lower_exact, upper_exact)),
        })
    return _in_order(_ordered(pd.DataFrame(rows), counts), "model", "family")


# ---------------------------------------------------------------------------
# Exponents with bootstrap intervals
# ---------------------------------------------------------------------------


def _boot_sizes(n_boot: object, methods: Sequence[str]) -> dict[str, int]:
    if isinstance(n_boot, Mapping):
        missing = [m for m in methods if m not in n_boot]
        if missing:
            raise ValueError(f"n_boot has no entry for methods {missing}")
        return {m: _check_count(n_boot[m], f"n_boot[{m!r}]") for m in methods}
    size = _check_count(n_boot, "n_boot")
    return dict.fromkeys(methods, size)


def bootstrap_exponents(
    counts: pd.DataFrame,
    k: ArrayLike | None = None,
    *,
    methods: Sequence[str] = _fits.METHODS,
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
    counts = _check_frame(counts)
    methods = list(methods)
    bad = [m for m in methods if m not in _fits.METHODS]
    if bad or not methods:
        raise ValueError(
            f"methods must be a non-empty subset of {_fits.METHODS}; got {methods}"
        )
    sizes = _boot_sizes(n_boot, methods)
    conf = _check_confidence(confidence)
    if isinstance(seed, np.random.Generator):
        base_seed = int(seed.integers(0, 2**63 - 1))
    else:
        base_seed = int(_generator(seed).bit_generator.seed_seq.entropy)
    rows, frames = [], []
    for model, n, c in _groups(counts):
        for method in methods:
            res = _fits.bootstrap_exponent(
                n, c, method, n_boot=sizes[method], seed=base_seed, k=k,
                confidence=conf, n_jobs=n_jobs, family=family, scale=scale,
                k_above_n=k_above_n,
            )
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
    table = _in_order(_ordered(pd.DataFrame(rows), counts), "model", "method")
    samples = _in_order(_ordered(pd.concat(frames, ignore_index=True), counts),
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
    conf = _check_confidence(confidence)
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
    wide = samples.pivot_table(index=["model", "replicate"], columns="method",
                               values="exponent", observed=True, dropna=False)
    tail = (1.0 - conf) / 2.0
    rows = []
    for model in est.index:
        d = (wide.loc[model, method] - wide.loc[model, reference]).to_numpy()
        d = d[np.isfinite(d)]
        lo, hi = (np.quantile(d, [tail, 1 - tail]) if d.size else (np.nan, np.nan))
        rows.append({
            "model": model,
            "difference": float(est.loc[model, method] - est.loc[model, reference]),
            "low": float(lo), "high": float(hi), "n_pairs": int(d.size),
        })
    out = pd.DataFrame(rows)
    if isinstance(table["model"].dtype, pd.CategoricalDtype):
        out["model"] = out["model"].astype(table["model"].dtype)
    return out


def exponent_summary(
    table: pd.DataFrame,
    *,
    reference: Mapping[str, float] | None = None,
    reference_name: str = "paper",
    digits: int = 3,
) -> pd.DataFrame:
    """Display table: one row per model, ``estimate [low, high]`` by method.

    Parameters
    ----------
    table : pandas.DataFrame
        First output of :func:`bootstrap_exponents`.
    reference : mapping of str to float, optional
        Model to a quoted value (e.g. a paper's), shown in an extra
        column; models without one show an em dash.
    reference_name : str, default "paper"
        Header of that column.
    digits : int, default 3
        Decimals shown.

    Returns
    -------
    pandas.DataFrame
        Indexed by model, one string column per method (in the table's
        order) and optionally the reference column.

    Raises
    ------
    ValueError
        If ``table`` lacks the columns of :func:`bootstrap_exponents` or
        ``digits`` is negative.
    """
    if not isinstance(table, pd.DataFrame) or not {
        "model", "method", "estimate", "low", "high"
    } <= set(table.columns):
        raise ValueError(
            "table must be the first output of bootstrap_exponents (columns "
            "model, method, estimate, low, high)"
        )
    digits = _check_count(digits, "digits", minimum=0)
    f = f"{{:.{digits}f}}"
    cells = table.assign(
        text=[f"{f.format(e)} [{f.format(lo)}, {f.format(hi)}]"
              for e, lo, hi in zip(table["estimate"], table["low"], table["high"],
                                   strict=True)]
    )
    methods = list(dict.fromkeys(table["method"]))
    wide = cells.pivot(index="model", columns="method", values="text")[methods]
    wide.columns.name = None
    if reference is not None:
        wide[reference_name] = [
            f.format(reference[str(m)]) if str(m) in reference else "\u2014"
            for m in wide.index
        ]
    return wide


# ---------------------------------------------------------------------------
# Trends of exponents across models
# ---------------------------------------------------------------------------


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
    conf = _check_confidence(confidence)
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
        paper's distributional estimate), and ``tail_index``, the law's
        asymptotic exponent.

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
    fits = _check_fits(fits)
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1)).ravel()
    if np.unique(k_arr).size < 2:
        raise ValueError("k must hold at least two distinct budgets")
    rows = []
    for (model, family), fit in fits.items():
        y = _curve(fit, k_arr)
        keep = np.isfinite(y) & (y > 0)
        pl = fit_power_law(k_arr[keep].astype(np.float64), y[keep])
        rows.append({"model": model, "family": family,
                     "prefactor": pl.prefactor, "exponent": pl.exponent,
                     "tail_index": fit.exponent})
    return _in_order(pd.DataFrame(rows), "model", "family")
