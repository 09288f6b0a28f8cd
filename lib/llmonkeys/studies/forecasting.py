r"""Sweeps of the chapter on forecasting with fewer samples.

Defined for :doc:`/chapters/forecasting` (not part of the core API):

:func:`synthetic_study`
    Benchmarks drawn from scaled Beta laws with known parameters: each
    method's exponent is compared with the true asymptotic exponent and
    its forecast of :math:`-\log\mathrm{pass}_D@k` with the exact curve.
:func:`backtest`
    Real counts as the ground truth: each problem's attempts are
    subsampled to a smaller budget, the curve is forecast and scored
    against its full-data value.

Both run on :mod:`llmonkeys.sweeps` (seeded, parallel, cached). From the
command line, with a progress bar::

    python -m llmonkeys.studies.forecasting synthetic --seeds 50 --n-jobs 8
    python -m llmonkeys.studies.forecasting backtest --seeds 200 \
        --n-jobs 8 --output backtest.csv
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from llmonkeys._tidy import in_model_order
from llmonkeys._validation import (
    as_count_array,
    check_confidence,
    check_counts,
    check_int,
    check_n_jobs,
)
from llmonkeys.distributions import ScaledBeta
from llmonkeys.estimators import fit_power_law, neg_log_pass_at_k
from llmonkeys.exponents import default_k_grid
from llmonkeys.forecast import (
    CORE_METHODS,
    FORECAST_METHODS,
    forecast_all,
    subsample_counts,
)
from llmonkeys.report import paired_differences
from llmonkeys.simulation import finite_neg_log_pass_at_k
from llmonkeys.sweeps import SWEEP_CACHE_ENV, code_version, run_tasks, task_seed

__all__ = [
    "BACKTEST_K_MAX",
    "BACKTEST_METHODS",
    "SyntheticResult",
    "synthetic_study",
    "horizon_grid",
    "backtest",
    "unit_scores",
    "summarize_backtest",
    "compare_to_baseline",
    "summarize_synthetic",
    "main",
]

#: Largest budget forecast by the backtest (the attempts of the data).
BACKTEST_K_MAX = 10_000

#: Methods of the backtest: all but ``"tail-index"``, whose asymptotic
#: power law is no forecast at budgets before the asymptote (it is off by
#: orders of magnitude, even overflows, when a small budget gives a poor
#: fit; the synthetic study shows it).
BACKTEST_METHODS: tuple[str, ...] = tuple(
    m for m in CORE_METHODS if m != "tail-index"
)

#: Exponent estimators compared by the synthetic study.




def _check_methods(methods: Sequence[str] | None) -> tuple[str, ...]:
    chosen = CORE_METHODS if methods is None else tuple(methods)
    unknown = [m for m in chosen if m not in FORECAST_METHODS]
    if unknown or not chosen:
        raise ValueError(
            f"methods must be a non-empty subset of {FORECAST_METHODS}; got "
            f"{list(methods) if methods is not None else None}"
        )
    return chosen


def _check_scale_method(scale_method: object) -> float | str:
    if scale_method in ("paper", "fit"):
        return str(scale_method)
    if (isinstance(scale_method, int | float | np.number)
            and not isinstance(scale_method, bool) and 0 < scale_method <= 1):
        return float(scale_method)
    raise ValueError("scale_method must be 'paper', 'fit' or a number in (0, 1]; "
                     f"got {scale_method!r}")


def _rel_error(forecast: NDArray[np.float64], truth: NDArray[np.float64]):
    with np.errstate(all="ignore"):
        return np.abs(forecast - truth) / truth


@dataclass(frozen=True)
class SyntheticResult:
    """Results of :func:`synthetic_study`, one row per estimate.

    Attributes
    ----------
    exponents : pandas.DataFrame
        Columns ``alpha``, ``n_problems``, ``n_attempts``, ``seed``,
        ``method`` (of :data:`~llmonkeys.exponents.METHODS`), ``exponent`` (NaN if
        the method failed), ``truth`` (= ``alpha``), ``abs_error``.
    forecasts : pandas.DataFrame
        Columns ``alpha``, ``n_problems``, ``n_attempts``, ``seed``,
        ``method`` (of :data:`~llmonkeys.forecast.FORECAST_METHODS`),
        ``horizon`` (multiple of the budget), ``k``, ``forecast``,
        ``truth`` (the law's exact curve, the population value),
        ``finite`` (the exact curve of the drawn problems, known ``p``),
        ``rel_error`` (against ``truth``) and ``rel_error_finite``.
    """

    exponents: pd.DataFrame
    forecasts: pd.DataFrame


def _synthetic_task(
    alpha: float,
    beta: float,
    scale: float,
    n_problems: int,
    n_attempts: int,
    horizons: tuple[int, ...],
    methods: tuple[str, ...],
    scale_method: float | str,
    seed_index: int,
    seed_sequence: np.random.SeedSequence,
    version: str,
) -> pd.DataFrame:
    """Run one synthetic benchmark: its exponents and forecasts, long format."""
    del version  # part of the cache key only
    rng = np.random.default_rng(seed_sequence)
    law = ScaledBeta(alpha, beta, scale=scale)
    p = law.sample(n_problems, rng)
    c = rng.binomial(n_attempts, p)
    k = np.asarray(horizons, dtype=np.float64) * n_attempts
    out = forecast_all(n_attempts, c, k, methods, scale=scale_method)
    finite = finite_neg_log_pass_at_k(p, k)
    truth = law.neg_log_pass_at_k(k)
    base = {"alpha": alpha, "n_problems": n_problems, "n_attempts": n_attempts,
            "seed": seed_index}
    rows = []
    for m in methods:
        y = out.values[m]
        rows.append(pd.DataFrame({**base, "kind": "forecast", "method": m,
                                  "horizon": np.asarray(horizons), "k": k,
                                  "value": y, "truth": truth,
                                  "finite": finite}))
    exps = {"least-squares": np.nan, "distributional": np.nan, "tail-index": np.nan}
    if out.least_squares is not None:
        exps["least-squares"] = out.least_squares.exponent
    if out.beta_fit is not None:
        grid = default_k_grid(10_000)
        with np.errstate(all="ignore"):
            curve = out.beta_fit.distribution.neg_log_pass_at_k(grid)
        keep = np.isfinite(curve) & (curve > 0)
        if keep.sum() >= 2:
            exps["distributional"] = fit_power_law(grid[keep], curve[keep]).exponent
        exps["tail-index"] = out.beta_fit.alpha
    rows.append(pd.DataFrame({**base, "kind": "exponent",
                              "method": list(exps), "horizon": 0, "k": np.nan,
                              "value": list(exps.values()), "truth": alpha,
                              "finite": alpha}))
    return pd.concat(rows, ignore_index=True)


def synthetic_study(
    *,
    seed: int,
    n_seeds: int,
    alphas: Sequence[float],
    beta: float,
    scale: float,
    n_problems: Sequence[int],
    n_attempts: Sequence[int],
    horizons: Sequence[int],
    methods: Sequence[str] | None = None,
    scale_method: float | str = "paper",
    n_jobs: int = 1,
    cache: bool = True,
    progress: bool = False,
) -> SyntheticResult:
    r"""Forecast benchmarks drawn from known scaled Beta laws.

    For every cell ``(alpha, P, n)`` of the grid and every seed, draw
    ``P`` success probabilities from ``ScaledBeta(alpha, beta, scale)``
    and ``c_i ~ Binomial(n, p_i)``; estimate the exponent by each of
    :data:`~llmonkeys.exponents.METHODS` and forecast
    :math:`-\log\mathrm{pass}_D@k` at ``k = h n`` for each horizon ``h``
    by each forecasting method.

    Parameters
    ----------
    seed : int
        Root seed (non-negative).
    n_seeds : int
        Benchmarks per cell.
    alphas : sequence of float
        True tail indices (the asymptotic exponents).
    beta, scale : float
        The law's second shape and scale.
    n_problems, n_attempts : sequence of int
        Numbers of problems ``P`` and attempts per problem ``n`` (the
        budget).
    horizons : sequence of int
        Forecast budgets as multiples of ``n``.
    methods : sequence of str, optional
        Forecasting methods; the six of :data:`CORE_METHODS` by default.
    scale_method : {"paper", "fit"} or float, default "paper"
        How the distributional methods set the scale of the fitted law
        (see :func:`~llmonkeys.forecast.forecast_all`).
    n_jobs : int, default 1
        Parallel processes (joblib; ``-1`` for all cores).
    cache : bool, default True
        Cache each task's result in :func:`~llmonkeys.sweeps.sweep_cache_dir`.
    progress : bool, default False
        Show a progress bar (tqdm, on stderr).

    Returns
    -------
    SyntheticResult
        Exponent and forecast tables; see :class:`SyntheticResult`.

    Raises
    ------
    ValueError
        On an empty grid, invalid law parameters, counts or methods,
        ``n_seeds < 1`` or ``n_jobs = 0``.

    Notes
    -----
    The exponents are: least squares on the estimated curve over
    ``k = 1 .. n``; the distributional exponent, the log-log slope of
    the fitted law's exact curve over ``k = 1 .. 10,000`` (as the
    authors' code); and the tail index, the fitted ``alpha``. The
    forecast target ``truth`` is the law's exact curve, the value the
    distributional methods estimate; ``finite``, the curve of the ``P``
    drawn problems, differs from it at large ``k`` when ``P`` is small
    (the hardest of ``P`` problems is solved at last).
    """
    n_seeds = check_int(n_seeds, "n_seeds", 1)
    n_jobs = check_n_jobs(n_jobs)
    scale_method = _check_scale_method(scale_method)
    chosen = _check_methods(methods)
    ScaledBeta(float(min(alphas, default=1.0)), beta, scale=scale)  # validate
    horizons_t = tuple(int(h) for h in as_count_array(horizons, "horizons", 1))
    cells = [(float(a), int(p), int(n)) for a in alphas
             for p in as_count_array(n_problems, "n_problems", 2)
             for n in as_count_array(n_attempts, "n_attempts", 1)]
    if not cells or not horizons_t:
        raise ValueError("the grid is empty: give alphas, n_problems, "
                         "n_attempts and horizons")
    seed = check_int(seed, "seed", 0)
    version = code_version()
    tasks = [(a, float(beta), float(scale), p, n, horizons_t, chosen,
              scale_method, s,
              task_seed(seed, s, round(a * 1e6), round(beta * 1e6),
                         round(scale * 1e6), p, n), version)
             for s in range(n_seeds) for a, p, n in cells]
    df = run_tasks(_synthetic_task, tasks, n_jobs=n_jobs, cache=cache,
              progress=progress, desc="synthetic")
    keys = ["alpha", "n_problems", "n_attempts", "seed", "method"]
    exps = df[df["kind"] == "exponent"].rename(columns={"value": "exponent"})
    exps = exps[keys + ["exponent", "truth"]].reset_index(drop=True)
    exps["abs_error"] = np.abs(exps["exponent"] - exps["truth"])
    fc = df[df["kind"] == "forecast"].rename(columns={"value": "forecast"})
    fc = fc[keys + ["horizon", "k", "forecast", "truth", "finite"]]
    fc = fc.reset_index(drop=True)
    fc["horizon"] = fc["horizon"].astype(np.int64)
    fc["rel_error"] = _rel_error(fc["forecast"].to_numpy(), fc["truth"].to_numpy())
    fc["rel_error_finite"] = _rel_error(fc["forecast"].to_numpy(),
                                        fc["finite"].to_numpy())
    return SyntheticResult(exponents=exps, forecasts=fc)


def horizon_grid(budget: int, k_max: int = BACKTEST_K_MAX, num: int = 20) -> NDArray:
    """Log-spaced integer budgets in ``(budget, k_max]`` to forecast at.

    Parameters
    ----------
    budget : int
        Attempts kept per problem, ``1 <= budget < k_max``.
    k_max : int, default 10,000
        Largest budget (included).
    num : int, default 20
        Number of log-spaced points (fewer after rounding if close).

    Returns
    -------
    numpy.ndarray
        Sorted distinct int64 budgets, all ``> budget``, ending at
        ``k_max``.

    Raises
    ------
    ValueError
        If ``budget >= k_max`` or ``num < 1``.

    Examples
    --------
    >>> horizon_grid(100, num=4).tolist()
    [316, 1000, 3162, 10000]
    """
    budget = check_int(budget, "budget", 1)
    k_max = check_int(k_max, "k_max", 2)
    num = check_int(num, "num", 1)
    if budget >= k_max:
        raise ValueError(f"budget must be < k_max; got {budget} >= {k_max}")
    grid = np.geomspace(budget, k_max, num + 1)[1:]
    grid = np.unique(np.round(grid).astype(np.int64))
    grid[-1] = k_max
    return grid[grid > budget]


def _backtest_task(
    model: str,
    n: NDArray[np.int64],
    c: NDArray[np.int64],
    budget: int,
    k: NDArray[np.int64],
    methods: tuple[str, ...],
    scale_method: float | str,
    replicate: int,
    seed_sequence: np.random.SeedSequence,
    version: str,
) -> pd.DataFrame:
    """Forecast one subsample of one model at one budget, at every ``k``."""
    del version  # part of the cache key only
    rng = np.random.default_rng(seed_sequence)
    sub = subsample_counts(n, c, budget, rng)
    truth = neg_log_pass_at_k(n, c, k)
    out = forecast_all(np.full(sub.shape, budget), sub, k.astype(np.float64),
                       methods, scale=scale_method)
    fit = out.beta_fit
    frames = [
        pd.DataFrame({"model": model, "budget": budget, "replicate": replicate,
                      "method": m, "k": k, "forecast": out.values[m],
                      "truth": truth, "n_solved": int((sub > 0).sum()),
                      "fit_alpha": np.nan if fit is None else fit.alpha,
                      "fit_scale": np.nan if fit is None else fit.scale,
                      "fit_nll": np.nan if fit is None else fit.nll})
        for m in methods
    ]
    return pd.concat(frames, ignore_index=True)


def backtest(
    counts: pd.DataFrame,
    *,
    seed: int,
    n_subsamples: int,
    budgets: Sequence[int],
    k_max: int | None = None,
    n_horizons: int = 20,
    methods: Sequence[str] | None = None,
    scale_method: float | str = "paper",
    n_jobs: int = 1,
    cache: bool = True,
    progress: bool = False,
) -> pd.DataFrame:
    r"""Backtest the forecasts on real counts, subsampled to small budgets.

    For every model, budget and subsample, keep ``budget`` of each
    problem's attempts (:func:`~llmonkeys.forecast.subsample_counts`),
    forecast :math:`-\log\mathrm{pass}_D@k` at :func:`horizon_grid`
    budgets up to ``k_max`` by every method, and score against the
    full-data estimate (:func:`~llmonkeys.estimators.neg_log_pass_at_k`
    of the full counts).

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with columns ``model``, ``n``, ``c`` (one row per
        problem), e.g. :func:`llmonkeys.datasets.load_pythia_math`.
    seed : int
        Root seed (non-negative).
    n_subsamples : int
        Subsamples per model and budget.
    budgets : sequence of int
        Attempts kept per problem; each ``< k_max`` and ``<= min(n)``.
    k_max : int, optional
        Largest forecast budget, ``<= min(n)`` (default ``min(n)``).
    n_horizons : int, default 20
        Log-spaced forecast budgets per budget.
    methods : sequence of str, optional
        Forecasting methods; :data:`BACKTEST_METHODS` by default.
    scale_method : {"paper", "fit"} or float, default "paper"
        How the distributional methods set the scale of the fitted law
        (see :func:`~llmonkeys.forecast.forecast_all`).
    n_jobs : int, default 1
        Parallel processes (joblib; ``-1`` for all cores).
    cache : bool, default True
        Cache each task's result in :func:`~llmonkeys.sweeps.sweep_cache_dir`.
    progress : bool, default False
        Show a progress bar (tqdm, on stderr).

    Returns
    -------
    pandas.DataFrame
        One row per (model, budget, replicate, method, k): ``forecast``
        (NaN where the method could not extrapolate), ``truth``,
        ``rel_error``, ``n_solved`` (problems solved in the subsample)
        and, for the scaled Beta fit of the distributional methods (NaN
        if none), ``fit_alpha``, ``fit_scale`` and ``fit_nll`` (negative
        log-likelihood).

    Raises
    ------
    ValueError
        On missing columns, invalid counts, a budget above ``k_max`` or
        ``min(n)``, ``k_max > min(n)``, unknown methods, or
        ``n_subsamples < 1``.
    """
    missing = {"model", "n", "c"} - set(counts.columns)
    if missing:
        raise ValueError(f"counts must have columns model, n, c; missing "
                         f"{sorted(missing)}")
    n_all, _ = check_counts(counts["n"], counts["c"])
    n_min = int(n_all.min())
    k_top = n_min if k_max is None else check_int(k_max, "k_max", 2)
    if k_top > n_min:
        raise ValueError(f"k_max must be <= min(n) = {n_min} (the truth is "
                         f"estimated from the counts); got {k_top}")
    budgets_t = tuple(int(b) for b in as_count_array(budgets, "budgets", 1))
    too_big = [b for b in budgets_t if b >= k_top]
    if too_big or not budgets_t:
        raise ValueError(f"budgets must be non-empty and < k_max = {k_top}; "
                         f"got {list(budgets_t)}")
    n_subsamples = check_int(n_subsamples, "n_subsamples", 1)
    n_jobs = check_n_jobs(n_jobs)
    scale_method = _check_scale_method(scale_method)
    chosen = _check_methods(BACKTEST_METHODS if methods is None else methods)
    groups = [(str(m), g["n"].to_numpy(np.int64), g["c"].to_numpy(np.int64))
              for m, g in counts.groupby("model", observed=True, sort=True)]
    cells = [(g, b) for g in groups for b in budgets_t]
    seed = check_int(seed, "seed", 0)
    version = code_version()
    position = {g[0]: i for i, g in enumerate(groups)}
    tasks = [(g[0], g[1], g[2], b, horizon_grid(b, k_top, n_horizons), chosen,
              scale_method, r, task_seed(seed, r, position[g[0]], b), version)
             for r in range(n_subsamples) for g, b in cells]
    df = run_tasks(_backtest_task, tasks, n_jobs=n_jobs, cache=cache,
              progress=progress, desc="backtest")
    df["rel_error"] = _rel_error(df["forecast"].to_numpy(), df["truth"].to_numpy())
    in_model_order(df, counts)
    df["method"] = pd.Categorical(df["method"], categories=chosen, ordered=True)
    return df


def unit_scores(results: pd.DataFrame) -> pd.DataFrame:
    """Mean relative error of each forecast curve, one row per unit.

    A *unit* is one model, budget and subsample; its score for a method
    is the mean relative error over the forecast budgets ``k``.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`backtest`.

    Returns
    -------
    pandas.DataFrame
        Columns ``model``, ``budget``, ``replicate``, ``method``,
        ``score`` (NaN where the method could not extrapolate; ``inf``
        for an infinite forecast), ``forecast_made`` and ``complete``
        (every method produced a forecast for the unit).
    """
    keys = ["model", "budget", "replicate"]
    grouped = results.groupby(keys + ["method"], observed=True, sort=True)
    scores = grouped["rel_error"].mean().rename("score").reset_index()
    made = grouped["forecast"].apply(lambda s: bool(s.notna().all()))
    scores["forecast_made"] = made.to_numpy()
    scores["complete"] = scores.groupby(keys, observed=True)[
        "forecast_made"].transform("all").astype(bool)
    return scores


def _stratified_bootstrap(
    groups: list[NDArray[np.float64]], n_boot: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Bootstrap means of the mean over strata, resampling within strata."""
    total = np.zeros(n_boot)
    for g in groups:
        idx = rng.integers(0, g.size, size=(n_boot, g.size))
        total += g[idx].mean(axis=1)
    return total / len(groups)


def _interval(
    groups: list[NDArray[np.float64]], confidence: float, n_boot: int,
    rng: np.random.Generator,
) -> tuple[float, float, float]:
    groups = [g for g in groups if g.size]
    if not groups:
        return np.nan, np.nan, np.nan
    mean = float(np.mean([g.mean() for g in groups]))
    boots = _stratified_bootstrap(groups, n_boot, rng)
    tail = (1 - confidence) / 2
    low, high = np.quantile(boots, [tail, 1 - tail])
    return mean, float(low), float(high)




def summarize_backtest(
    results: pd.DataFrame,
    *,
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Mean relative error by method and budget, with bootstrap intervals.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`backtest`.
    confidence : float, default 0.95
        Coverage of the percentile intervals.
    n_boot : int, default 2000
        Bootstrap replicates.
    seed : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per (budget, method): ``mean`` (mean over models of the
        mean unit score over subsamples, on the units where every
        method produced a forecast), ``low``, ``high`` (bootstrap
        interval, resampling subsamples within each model), ``median``,
        ``n_units`` and ``failed`` (fraction of all units where the
        method could not extrapolate).

    Raises
    ------
    ValueError
        If ``confidence`` is outside ``(0, 1)`` or ``n_boot < 1``.
    """
    confidence = check_confidence(confidence)
    n_boot = check_int(n_boot, "n_boot", 1)
    rng = np.random.default_rng(seed)
    scores = unit_scores(results)
    rows = []
    for (budget, method), g in scores.groupby(["budget", "method"], observed=True,
                                              sort=True):
        done = g[g["complete"]]
        strata = [s["score"].to_numpy() for _, s in
                  done.groupby("model", observed=True)]
        mean, low, high = _interval(strata, confidence, n_boot, rng)
        rows.append({"budget": budget, "method": method, "mean": mean,
                     "low": low, "high": high,
                     "median": float(done["score"].median()) if len(done)
                     else np.nan,
                     "n_units": len(done),
                     "failed": float((~g["forecast_made"]).mean())})
    out = pd.DataFrame(rows)
    if isinstance(scores["method"].dtype, pd.CategoricalDtype):
        out["method"] = out["method"].astype(scores["method"].dtype)
    return out.sort_values(["budget", "method"], ignore_index=True)


def compare_to_baseline(
    results: pd.DataFrame,
    *,
    baseline: str = "least-squares",
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Paired difference of each method's unit scores from a baseline's.

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`backtest`.
    baseline : str, default "least-squares"
        Method to compare with.
    confidence : float, default 0.95
        Coverage of the percentile intervals.
    n_boot : int, default 2000
        Bootstrap replicates.
    seed : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per (budget, method other than the baseline): ``diff``
        (mean of method score minus baseline score, on complete units;
        negative means the method is better), ``low``, ``high``
        (stratified bootstrap interval) and ``win_rate`` (fraction of
        units where the method's score is lower).

    Raises
    ------
    ValueError
        If ``baseline`` is not among the results' methods, or on invalid
        ``confidence`` or ``n_boot``.
    """
    confidence = check_confidence(confidence)
    n_boot = check_int(n_boot, "n_boot", 1)
    scores = unit_scores(results)
    scores = scores[scores["complete"]]
    if baseline not in set(scores["method"].astype(str)):
        raise ValueError(f"baseline {baseline!r} is not among the methods "
                         f"{sorted(set(scores['method'].astype(str)))}")
    diffs = paired_differences(scores, value="score", reference=baseline,
                               units=["budget", "model", "replicate"])
    rng = np.random.default_rng(seed)
    rows = []
    for method, per_method in diffs.groupby("method", observed=True, sort=False):
        for budget, g in per_method.groupby("budget", sort=True):
            strata = [s["difference"].to_numpy() for _, s in
                      g.groupby("model", observed=True)]
            mean, low, high = _interval(strata, confidence, n_boot, rng)
            rows.append({"budget": budget, "method": method, "diff": mean,
                         "low": low, "high": high,
                         "win_rate": float((g["difference"] < 0).mean())})
    out = pd.DataFrame(rows)
    return out.sort_values(["budget", "method"], ignore_index=True)


def summarize_synthetic(
    result: SyntheticResult, *, by: Sequence[str] = ("n_attempts", "method")
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Median and quartiles of the synthetic errors over seeds and cells.

    Parameters
    ----------
    result : SyntheticResult
        Output of :func:`synthetic_study`.
    by : sequence of str, default ("n_attempts", "method")
        Grouping columns (the forecast table is also grouped by
        ``horizon``).

    Returns
    -------
    exponents : pandas.DataFrame
        Per group: ``median``, ``q25``, ``q75`` and ``mean`` of the
        absolute exponent error, and ``failed`` (fraction of NaN).
    forecasts : pandas.DataFrame
        Per group and horizon: the same for the relative forecast error.
    """
    def agg(df: pd.DataFrame, keys: list[str], col: str) -> pd.DataFrame:
        g = df.groupby(keys, observed=True, sort=True)[col]
        out = g.agg(median="median", mean="mean",
                    q25=lambda s: s.quantile(0.25),
                    q75=lambda s: s.quantile(0.75))
        out["failed"] = g.apply(lambda s: float(s.isna().mean()))
        return out.reset_index()

    keys = list(by)
    return (agg(result.exponents, keys, "abs_error"),
            agg(result.forecasts, keys + ["horizon"], "rel_error"))


#: Default design of the command line: the book's design
#: (:doc:`/chapters/forecasting` states it in its own cells).
_CLI_DESIGN: dict[str, tuple] = {
    "alphas": (0.15, 0.3, 0.6),
    "beta": (3.0,),
    "scale": (0.3,),
    "problems": (32, 128, 512),
    "attempts": (10, 100, 1000),
    "horizons": (10, 100, 1000),
    "budgets": (10, 30, 100, 300, 1000),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m llmonkeys.studies.forecasting",
        description="Run the forecasting sweeps of the book at any size.",
    )
    parser.add_argument("study", choices=("synthetic", "backtest"))
    parser.add_argument("--seeds", type=int, default=8,
                        help="benchmarks per cell (synthetic) or subsamples "
                        "per model and budget (backtest); default 8")
    parser.add_argument("--n-jobs", type=int, default=1,
                        help="parallel processes (-1: all cores); default 1")
    parser.add_argument("--seed", type=int, default=20250226,
                        help="root seed; default the book's seed")
    parser.add_argument("--budgets", type=int, nargs="+", default=None,
                        help="budgets (backtest) or attempts per problem "
                        "(synthetic)")
    parser.add_argument("--alphas", type=float, nargs="+",
                        default=list(_CLI_DESIGN["alphas"]))
    parser.add_argument("--problems", type=int, nargs="+",
                        default=list(_CLI_DESIGN["problems"]))
    parser.add_argument("--methods", nargs="+", default=None,
                        choices=FORECAST_METHODS)
    parser.add_argument("--scale", default="paper",
                        help="scale of the fitted law: paper, fit or a number "
                        "in (0, 1]; default paper (the authors' rule)")
    parser.add_argument("--no-cache", action="store_true",
                        help=f"do not read or write the cache ({SWEEP_CACHE_ENV})")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--output", type=Path, default=None,
                        help="write the raw results as CSV")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a sweep from the command line and print its summary.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``); see ``--help``.

    Returns
    -------
    int
        Exit status (0 on success).
    """
    args = _parser().parse_args(argv)
    scale = args.scale if args.scale in ("paper", "fit") else float(args.scale)
    common = {"seed": args.seed, "methods": args.methods, "n_jobs": args.n_jobs,
              "scale_method": scale,
              "cache": not args.no_cache, "progress": not args.no_progress}
    with pd.option_context("display.width", 120, "display.max_rows", 200):
        if args.study == "synthetic":
            res = synthetic_study(
                n_seeds=args.seeds, alphas=args.alphas, n_problems=args.problems,
                n_attempts=args.budgets or _CLI_DESIGN["attempts"],
                beta=_CLI_DESIGN["beta"][0], scale=_CLI_DESIGN["scale"][0],
                horizons=_CLI_DESIGN["horizons"], **common)
            exps, fcs = summarize_synthetic(res)
            print("Absolute exponent error (median over seeds and cells):")
            print(exps.pivot(index="method", columns="n_attempts",
                             values="median").round(3))
            print("\nRelative forecast error (median), by horizon:")
            print(fcs.pivot(index=["horizon", "method"], columns="n_attempts",
                            values="median").round(3))
            raw = pd.concat([res.exponents.assign(kind="exponent"),
                             res.forecasts.assign(kind="forecast")])
        else:
            from llmonkeys.datasets import load_pythia_math

            raw = backtest(load_pythia_math(), n_subsamples=args.seeds,
                           budgets=args.budgets or _CLI_DESIGN["budgets"], **common)
            table = summarize_backtest(raw)
            print("Mean relative error of -log pass_D@k forecasts "
                  "(95% bootstrap interval):")
            print(table.round(3).to_string(index=False))
    if args.output is not None:
        raw.to_csv(args.output, index=False)
        print(f"\nraw results written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
