r"""Backtest of forecasts on Best-of-N jailbreaking, and the Gumbel tail.

Defined for :doc:`/chapters/forecasting_bon` (not part of the core API):
the backtest of curve forecasts from stopped counts truncated at a
smaller cap (:func:`bon_backtest`), the Gumbel-tail forecast of the
largest elicitation probability of :cite:t:`jones2025forecasting`
(:func:`fit_gumbel_tail`, :func:`gumbel_tail_max`) and its backtest on
its own target (:func:`gumbel_backtest`), and the chapter's figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

import llmonkeys as lm
from llmonkeys._tidy import in_model_order
from llmonkeys._validation import as_float_array, check_int

__all__ = [
    "CURVE_METHODS",
    "LABELS",
    "least_squares_stopped",
    "curve_forecasts",
    "bon_backtest",
    "paired_summary",
    "gumbel_summary",
    "fit_gumbel_tail",
    "gumbel_tail_max",
    "gumbel_backtest",
    "plot_bon_forecasts",
]

#: Reader names of the methods, for tables and legends.
LABELS = {"least-squares": "least squares", "distributional": "distributional",
           "tail-index": "tail index", "empirical-bayes": "empirical Bayes"}

#: Forecasts compared on the curve: least squares on the stopped curve,
#: then three of :data:`llmonkeys.forecast.FORECAST_METHODS`.
CURVE_METHODS: tuple[str, ...] = (
    "least-squares", "distributional", "tail-index", "empirical-bayes")


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(lm.sweeps.task_seed(seed, *key))


def least_squares_stopped(
    n: NDArray, c: NDArray, budget: int, batch_size: int
) -> lm.PowerLawFit:
    """Power law regressed on the unbiased stopped curve at ``k <= budget``.

    The curve is :func:`llmonkeys.estimators.stopped_neg_log_pass_at_k` on
    20 log-spaced budgets from 1 to ``budget``; budgets where it is
    infinite (nothing solved yet) or 0 (everything solved) are dropped.
    """
    k = np.unique(np.round(np.geomspace(1, budget, 20))).astype(np.int64)
    y = lm.estimators.stopped_neg_log_pass_at_k(n, c, k, batch_size)
    keep = np.isfinite(y) & (y > 0)
    return lm.fit_power_law(k[keep], y[keep])


def curve_forecasts(
    n: NDArray, c: NDArray, budget: int, k: NDArray, batch_size: int,
    methods: Sequence[str] = CURVE_METHODS,
) -> dict[str, NDArray[np.float64]]:
    r"""Forecasts of :math:`-\log \mathrm{pass}_D@k` from a capped run.

    The stopped record ``(n, c)`` is first truncated at ``budget``
    (:func:`llmonkeys.forecast.truncate_stopped_counts`), so every method
    sees only what a run capped at ``budget`` would have recorded. NaN
    where a method cannot extrapolate.
    """
    n_t, c_t = lm.forecast.truncate_stopped_counts(n, c, budget, batch_size)
    out: dict[str, NDArray[np.float64]] = {}
    if "least-squares" in methods:
        try:
            out["least-squares"] = least_squares_stopped(
                n_t, c_t, budget, batch_size).predict(k)
        except ValueError:
            out["least-squares"] = np.full(k.shape, np.nan)
    book = [m for m in methods if m != "least-squares"]
    if book:
        fc = lm.forecast.forecast_all(n_t, c_t, k.astype(float), book)
        out.update(fc.values)
    return {m: out[m] for m in methods}


def _scores(forecast: NDArray, truth: NDArray) -> tuple[float, float]:
    ok = np.isfinite(truth) & (truth > 0)
    f, t = forecast[ok], truth[ok]
    with np.errstate(all="ignore"):
        rel = float(np.mean(np.abs(f - t) / t))
        ratio = f / t
        within = float(np.mean((ratio >= 0.1) & (ratio <= 10)))
    if not np.all(np.isfinite(f)):
        return math.nan, math.nan
    return rel, within


def _backtest_task(
    model: str, mi: int, n0: NDArray, c0: NDArray, rep: int,
    budgets: tuple[int, ...], seed: int, batch_size: int, cap: int,
    methods: tuple[str, ...], version: str,
) -> pd.DataFrame:
    """One model and replicate of :func:`bon_backtest` (``version``: cache key)."""
    if rep == 0:
        n, c = n0, c0
    else:
        idx = _rng(seed, mi, rep).integers(0, n0.size, n0.size)
        n, c = n0[idx], c0[idx]
    rows = []
    for budget in budgets:
        k = lm.forecast.forecast_horizons(budget, cap)
        truth = lm.estimators.stopped_neg_log_pass_at_k(n, c, k, batch_size)
        values = curve_forecasts(n, c, budget, k, batch_size, methods)
        for method, f in values.items():
            score, within = _scores(f, truth)
            rows.append({"model": model, "budget": budget, "rep": rep,
                         "method": method, "score": score, "within": within})
    return pd.DataFrame(rows)


def bon_backtest(
    counts: pd.DataFrame,
    budgets: Sequence[int],
    *,
    n_boot: int,
    seed: int,
    batch_size: int = lm.BON_BATCH_SIZE,
    cap: int = lm.BON_MAX_ATTEMPTS,
    methods: Sequence[str] = CURVE_METHODS,
    cache: bool = True,
) -> pd.DataFrame:
    r"""Backtest the curve forecasts on stopped counts, per model.

    Replicate 0 is the data itself; replicates ``1 .. n_boot`` resample
    the prompts of each model with replacement (a bootstrap over prompts
    within model, seeded by ``(seed, model, replicate)``). In each, the
    record truncated at each budget forecasts the curve at
    :func:`llmonkeys.forecast.forecast_horizons` in ``(budget, cap]``, and
    the truth is the unbiased stopped curve of the same prompts' full records
    (:func:`llmonkeys.estimators.stopped_neg_log_pass_at_k`). Horizons
    where the truth is 0 (every prompt broken) are not scored. Each
    (model, replicate) is a task of :func:`llmonkeys.sweeps.run_tasks`,
    cached when ``cache``.

    Returns
    -------
    pandas.DataFrame
        Columns ``model``, ``budget``, ``rep``, ``method``, ``score``
        (mean relative error over horizons) and ``within`` (fraction of
        horizons with forecast/truth in ``[0.1, 10]``).
    """
    version = lm.sweeps.code_version()
    tasks = [
        (str(model), mi, g["n"].to_numpy(np.int64), g["c"].to_numpy(np.int64),
         rep, tuple(int(b) for b in budgets), int(seed), int(batch_size),
         int(cap), tuple(methods), version)
        for mi, (model, g) in enumerate(counts.groupby("model", observed=True))
        for rep in range(n_boot + 1)
    ]
    df = lm.sweeps.run_tasks(_backtest_task, tasks, cache=cache)
    return in_model_order(df, counts)


def paired_summary(
    scores: pd.DataFrame, models: Sequence[str], *,
    reference: str = "least-squares", confidence: float = 0.95,
) -> pd.DataFrame:
    """Each method's error minus the reference's, averaged over ``models``.

    The point is replicate 0 (the data); the interval is the percentile
    interval of the same average over the bootstrap replicates (each a
    resample of the prompts within every model).

    Returns
    -------
    pandas.DataFrame
        ``budget``, ``method``, ``difference``, ``low``, ``high``.
    """
    sel = scores[scores["model"].isin(list(models))]
    d = lm.report.paired_differences(sel, value="score", reference=reference,
                                     units=["model", "budget", "rep"])
    pooled = (d.groupby(["budget", "method", "rep"], observed=True)
              ["difference"].mean().reset_index())
    point = pooled[pooled["rep"] == 0].set_index(["budget", "method"])
    boots = pooled[pooled["rep"] > 0]
    tail = (1 - confidence) / 2
    q = (boots.groupby(["budget", "method"])["difference"]
         .quantile([tail, 1 - tail]).unstack())
    q.columns = ["low", "high"]
    return point[["difference"]].join(q).reset_index()


def gumbel_summary(
    runs: pd.DataFrame, *, n_boot: int = 2000, seed: int = 0,
) -> pd.DataFrame:
    """Errors of the Gumbel tail and of the largest seen, per subset size.

    Per ``m``: the fraction of forecasts within a factor 10 of the truth
    and the mean absolute log10 ratio, for the Gumbel-tail forecast and
    for the largest probability seen in the subset (no extrapolation),
    and their paired difference (Gumbel minus largest seen) with a
    percentile interval from a bootstrap over subsets within models.
    """
    df = runs.assign(
        gumbel=np.abs(np.log10(runs["ratio"])),
        seen=np.abs(np.log10(runs["largest_seen"] / runs["truth"])),
        within=runs["ratio"].between(0.1, 10),
        seen_within=(runs["largest_seen"] / runs["truth"]).between(0.1, 10),
    )
    df["d"] = df["gumbel"] - df["seen"]
    rows = []
    for m, g in df.groupby("m"):
        rng = np.random.default_rng(seed)
        groups = [x["d"].to_numpy() for _, x in g.groupby("model", observed=True)]
        boots = np.mean([x[rng.integers(0, x.size, (n_boot, x.size))].mean(1)
                         for x in groups], axis=0)
        low, high = np.quantile(boots, [0.025, 0.975])
        rows.append({"m": m, "within (Gumbel tail)": g["within"].mean(),
                     "within (largest seen)": g["seen_within"].mean(),
                     "log10 error (Gumbel tail)": g["gumbel"].mean(),
                     "log10 error (largest seen)": g["seen"].mean(),
                     "difference": float(np.mean([x.mean() for x in groups])),
                     "low": float(low), "high": float(high)})
    return pd.DataFrame(rows).set_index("m")


def fit_gumbel_tail(p: ArrayLike, top: int) -> tuple[float, float]:
    r"""Fit the Gumbel tail of :cite:t:`jones2025forecasting` to the top ranks.

    Parameters
    ----------
    p : array_like of float, shape (m,)
        Elicitation probabilities of ``m`` queries, in ``(0, 1)``.
    top : int
        Number of largest ones fitted, ``2 <= top <= m``.

    Returns
    -------
    mu, beta : float
        Intercept and slope of the least-squares line
        :math:`-\log(-\log p_{(j)}) = \mu + \beta \log(m / j)`,
        :math:`p_{(1)} \ge p_{(2)} \ge \dots` the ordered probabilities.

    Raises
    ------
    ValueError
        If ``p`` is not 1-D in ``(0, 1)``, or ``top`` is out of range.

    Notes
    -----
    If the score :math:`s = -\log(-\log p)` of a random query has a
    Gumbel (exponential) upper tail, :math:`P(s > t) \approx e^{-(t-\mu)/\beta}`,
    its upper :math:`1/N` quantile is :math:`\mu + \beta \log N`: the
    largest elicitation probability among :math:`N` queries satisfies
    :math:`-\log p_{\max}(N) \approx e^{-\mu} N^{-\beta}`, a power law in
    the number of queries. The :math:`j`-th largest of :math:`m` queries
    estimates the upper :math:`j/m` quantile.

    Examples
    --------
    >>> m = 100
    >>> j = np.arange(1, m + 1)
    >>> p = np.exp(-np.exp(-(0.5 + 0.3 * np.log(m / j))))
    >>> [round(v, 6) for v in fit_gumbel_tail(p, 10)]
    [0.5, 0.3]
    """
    arr = as_float_array(p, "p")
    if arr.ndim != 1 or np.any((arr <= 0) | (arr >= 1)):
        raise ValueError("p must be 1-D with every value in (0, 1)")
    top = check_int(top, "top", minimum=2)
    if top > arr.size:
        raise ValueError(f"top must be <= the number of queries {arr.size}; "
                         f"got {top}")
    s = -np.log(-np.log(np.sort(arr)[::-1][:top]))
    x = np.log(arr.size / np.arange(1, top + 1))
    beta, mu = np.polyfit(x, s, 1)
    return float(mu), float(beta)


def gumbel_tail_max(mu: float, beta: float, n_queries: ArrayLike) -> NDArray:
    r"""Forecast largest elicitation probability among ``n_queries``.

    :math:`\exp(-\exp(-(\mu + \beta \log N)))`; see :func:`fit_gumbel_tail`.

    Examples
    --------
    >>> round(float(gumbel_tail_max(0.0, 1.0, 1)), 4)
    0.3679
    """
    n_arr = as_float_array(n_queries, "n_queries")
    if np.any(n_arr < 1):
        raise ValueError("n_queries must be >= 1")
    return np.exp(-np.exp(-(mu + beta * np.log(n_arr))))


def _smoothed_p(n: NDArray, c: NDArray) -> NDArray[np.float64]:
    return (c + 0.5) / (n + 1.0)


def gumbel_backtest(
    counts: pd.DataFrame, sizes: Sequence[int], *, top: int, n_reps: int,
    seed: int,
) -> pd.DataFrame:
    r"""Backtest the Gumbel tail on its own target: the worst prompt.

    Each prompt is a query whose elicitation probability is its
    per-attempt success probability, estimated from its whole record as
    :math:`(c + 1/2)/(n + 1)` (stopping is ignorable, so :math:`c/n` is
    the maximum-likelihood estimate; the half keeps it inside (0, 1)).
    From ``n_reps`` random subsets of ``m`` prompts (each size in
    ``sizes``) the tail fitted to the ``top`` largest forecasts the largest
    probability among all the model's prompts; the truth is the largest
    estimate among them.

    Returns
    -------
    pandas.DataFrame
        ``model``, ``m``, ``rep``, ``forecast``, ``truth``, ``ratio``
        (forecast / truth) and ``largest_seen`` (the subset's largest).
    """
    rows = []
    for mi, (model, g) in enumerate(counts.groupby("model", observed=True)):
        p = _smoothed_p(g["n"].to_numpy(), g["c"].to_numpy())
        truth = float(p.max())
        for m in sizes:
            for rep in range(n_reps):
                sub = _rng(seed, mi, m, rep).choice(p, size=m, replace=False)
                mu, beta = fit_gumbel_tail(sub, top)
                f = float(gumbel_tail_max(mu, beta, p.size))
                rows.append({"model": model, "m": m, "rep": rep, "forecast": f,
                             "truth": truth, "ratio": f / truth,
                             "largest_seen": float(sub.max())})
    return pd.DataFrame(rows)


def plot_bon_forecasts(
    counts: pd.DataFrame, models: Sequence[str], budget: int,
    *, batch_size: int = lm.BON_BATCH_SIZE, cap: int = lm.BON_MAX_ATTEMPTS,
    methods: Sequence[str] = CURVE_METHODS,
):
    """Truth and forecasts from a run capped at ``budget``, one panel a model."""
    fig, axes = plt.subplots(1, len(models), figsize=(6.5, 3.0), sharey=True,
                             squeeze=False)
    styles = ["--", "-.", ":", (0, (5, 1, 1, 1))]
    k_all = np.unique(np.round(np.geomspace(1, cap, 40))).astype(np.int64)
    for ax, model in zip(axes[0], models, strict=True):
        g = counts[counts["model"] == model]
        n, c = g["n"].to_numpy(), g["c"].to_numpy()
        y = lm.estimators.stopped_neg_log_pass_at_k(n, c, k_all, batch_size)
        ok = np.isfinite(y) & (y > 0)
        ax.plot(k_all[ok], y[ok], "o", ms=3, color="0.3",
                label="all attempts (truth)")
        k = lm.forecast.forecast_horizons(budget, cap, num=30)
        for (name, f), ls in zip(curve_forecasts(n, c, budget, k, batch_size,
                                                 methods).items(),
                                 styles, strict=True):
            ax.plot(k, f, linestyle=ls, label=LABELS.get(name, name))
        ax.axvline(budget, color="0.6", lw=0.8)
        ax.set(xscale="log", yscale="log", title=model, xlabel="attempts k")
    axes[0, 0].set_ylabel(r"$-\log\,\mathrm{ASR}(k)$")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=9,
               frameon=False)
    fig.tight_layout(rect=(0, 0.18, 1, 1))
    return fig
