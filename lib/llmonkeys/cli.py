r"""The ``llmonkeys`` command: fit a researcher's own results.

``llmonkeys fit FILE`` (or ``python -m llmonkeys fit FILE``, or
:func:`fit` from Python) reads per-problem counts or per-attempt records
(:mod:`llmonkeys.readers`) and reports, for each model in the file:

* pass@k at the requested ``k``, by the exact unbiased estimator, and
  *not estimable* where ``k`` exceeds a problem's attempts (human-eval's
  formula returns 1 there, solved or not);
* the least-squares and distributional exponents of
  :math:`-\log\mathrm{pass}_D@k \approx a k^{-b}`, with percentile
  bootstrap intervals over problems;
* the power-law checklist of the jailbreaking chapter, with the reason
  for its verdict;
* a forecast of :math:`-\log\mathrm{pass}_D@k` and
  :math:`\mathrm{pass}_D@k` at 10 and 100 times the largest ``n``, by
  the method the forecasting chapter recommends for that budget (least
  squares below 1,000 attempts per problem, the ensemble of least
  squares and empirical Bayes from 1,000 on), with a percentile
  bootstrap interval over problems (:func:`forecast_interval`).

With ``--out DIR`` it writes the numbers as ``fit_results.csv`` and a
figure of the curve, fits and forecast as ``fit_curves.png`` and
``fit_curves.svg``. Bootstrap replicates run in parallel with
``--n-jobs``, or on an existing Dask cluster with ``--scheduler
ADDRESS`` (``pip install 'llmonkeys[dask]'``); every replicate draws
from its own seed, so the numbers do not depend on where it ran.

Exit status: 0 on success, 1 on a data error (one line on stderr naming
the file, the place and what was expected), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

import llmonkeys as lm
from llmonkeys.readers import Columns, ResultsFileError, read_results

__all__ = [
    "FORECAST_HORIZONS",
    "ENSEMBLE_FROM_BUDGET",
    "SamplingDesign",
    "ModelReport",
    "FitReport",
    "sampling_design",
    "recommended_method",
    "forecast_interval",
    "fit",
    "main",
]

#: Forecasts are made at these multiples of the largest ``n``.
FORECAST_HORIZONS: tuple[int, ...] = (10, 100)
#: From this many attempts per problem on, the forecasting chapter's
#: Pythia backtest favours the ensemble; below it, least squares.
ENSEMBLE_FROM_BUDGET = 1_000

_DESIGNS = ("fixed", "stopped", "unequal")


# ---------------------------------------------------------------------------
# Sampling design
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SamplingDesign:
    """How the attempts of one model were sampled, as read from the data.

    Attributes
    ----------
    kind : {"fixed", "stopped", "unequal"}
        ``"fixed"``: every problem got the same ``n`` attempts.
        ``"stopped"``: per-attempt data in which every problem with fewer
        than the most attempts stopped in the batch of its first success
        (as Best-of-N jailbreaking did). ``"unequal"``: any other
        unequal ``n``.
    max_attempts : int
        Largest ``n``.
    batch_size : int
        Attempts per batch (``max_attempts`` for a fixed design).
    description : str
        One line for the report.
    """

    kind: str
    max_attempts: int
    batch_size: int
    description: str

    @property
    def k_above_n(self) -> str:
        """Rule for ``k > n``: the success-seen rule only for stopped data."""
        return "success-seen" if self.kind == "stopped" else "raise"


def sampling_design(counts: pd.DataFrame) -> SamplingDesign:
    """Tell the sampling design of one model's counts.

    Parameters
    ----------
    counts : pandas.DataFrame
        One model's problems: ``n``, ``c`` and, for per-attempt data,
        ``first_success`` (1-based, 0 if none).

    Returns
    -------
    SamplingDesign
        ``"stopped"`` is inferred only from first-success times: with
        ``b`` the greatest common divisor of the ``n``, every problem with
        ``n < max(n)`` must have ``n = b * ceil(T / b)``, ``T`` its first
        success. Counts alone cannot show a stopping rule, so unequal
        ``n`` without first-success times is ``"unequal"``.

    Examples
    --------
    >>> df = pd.DataFrame({"n": [4, 2, 4], "c": [0, 1, 3],
    ...                    "first_success": [0, 2, 1]})
    >>> sampling_design(df).kind
    'stopped'
    """
    n = counts["n"].to_numpy(np.int64)
    top = int(n.max())
    if (n == top).all():
        return SamplingDesign("fixed", top, top,
                              f"fixed: n = {top:,} attempts per problem")
    unequal = SamplingDesign(
        "unequal", top, top, f"unequal n ({int(n.min()):,} to {top:,}) and no "
        "stopping rule seen: pass@k only up to min(n)")
    if "first_success" not in counts.columns:
        return unequal
    b = int(np.gcd.reduce(n))
    t = counts["first_success"].to_numpy(np.int64)
    short = n < top
    stopped_right = (t[short] > 0) & (n[short] == b * np.ceil(t[short] / b))
    if not stopped_right.all():
        return unequal
    return SamplingDesign(
        "stopped", top, b, f"stopped at the first success, in batches of {b:,}, "
        f"at most {top:,} attempts ({int(short.sum())} problems stopped early): "
        "pass@k by the success-seen rule")


def recommended_method(budget: int) -> str:
    """Forecasting method the book recommends for ``budget`` attempts.

    Parameters
    ----------
    budget : int
        Attempts per problem (the smallest ``n``).

    Returns
    -------
    str
        ``"least-squares"`` below :data:`ENSEMBLE_FROM_BUDGET`,
        ``"ensemble"`` from it on (the forecasting chapter's backtest on
        Pythia: least squares has the lowest error up to 100 attempts per
        problem, the ensemble is as good at 300 and better at 1,000).

    Examples
    --------
    >>> recommended_method(100), recommended_method(10_000)
    ('least-squares', 'ensemble')
    """
    return "least-squares" if budget < ENSEMBLE_FROM_BUDGET else "ensemble"


# ---------------------------------------------------------------------------
# Calls into the library (every use of the rest of llmonkeys is here)
# ---------------------------------------------------------------------------


def _pass_at_k(n: NDArray, c: NDArray, k: int, rule: str) -> float:
    return float(lm.estimators.pass_at_k_curve(n, c, [k], k_above_n=rule)[0])


def _bootstrap_exponent(n, c, method, rng, n_boot, conf, n_jobs, rule):
    return lm.bootstrap_exponent(n, c, method, n_boot=n_boot, seed=rng,
                                 confidence=conf, n_jobs=n_jobs, k_above_n=rule)


def _curve(n: NDArray, c: NDArray, k: NDArray, rule: str) -> NDArray:
    return lm.neg_log_pass_at_k(n, c, k, k_above_n=rule)


def _k_grid(k_max: int) -> NDArray[np.int64]:
    return lm.exponents.default_k_grid(k_max)


def _checklist(n, c, k, y, fit, rng, design: SamplingDesign) -> dict[str, Any]:
    counts = pd.DataFrame({"model": "m", "n": n, "c": c})
    curves = pd.DataFrame({"model": "m", "k": k, "y": y})
    table = lm.checks.power_law_checklist(counts, curves, {"m": fit}, rng,
                                   batch_size=design.batch_size,
                                   max_attempts=design.max_attempts)
    return table.iloc[0].to_dict()


def _thresholds() -> dict[str, float]:
    return dict(lm.checks.CHECKLIST_THRESHOLDS)


def _forecast(n: NDArray, c: NDArray, k: NDArray, method: str) -> NDArray:
    return lm.forecast.forecast_neg_log_pass_at_k(n, c, k, method)


def _default_seed() -> int:
    return int(lm.SEED)


# ---------------------------------------------------------------------------
# The forecast interval: a bootstrap over problems
# ---------------------------------------------------------------------------


def _forecast_chunk(
    n: NDArray, c: NDArray, k: NDArray, method: str, entropy: int,
    replicates: NDArray,
) -> NDArray[np.float64]:
    """Forecasts of resampled benchmarks, one row per replicate."""
    out = np.full((replicates.size, k.size), np.nan)
    for row, r in enumerate(replicates):
        rng = np.random.default_rng(
            np.random.SeedSequence(entropy, spawn_key=(int(r),)))
        pick = rng.integers(0, n.size, n.size)
        with contextlib.suppress(ValueError):  # e.g. nothing solved: NaN
            out[row] = _forecast(n[pick], c[pick], k, method)
    return out


def forecast_interval(
    n: ArrayLike,
    c: ArrayLike,
    k: ArrayLike,
    method: str,
    *,
    seed: int,
    n_boot: int = 200,
    confidence: float = 0.95,
    n_jobs: int = 1,
    progress: bool = False,
    desc: str = "forecast bootstrap",
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    r"""Percentile bootstrap interval of a forecast, resampling problems.

    Each replicate draws ``P`` problems with replacement from the ``P``
    problems (their ``n`` and ``c``) and forecasts
    :math:`-\log\mathrm{pass}_D@k` from them by ``method``. Replicate
    ``r`` draws from ``SeedSequence(seed, spawn_key=(r,))``, so the result
    does not depend on ``n_jobs`` or the joblib backend (Dask included).

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts and successes of each problem.
    k : array_like, shape (K,)
        Budgets to forecast at.
    method : str
        A method of :func:`llmonkeys.forecast_neg_log_pass_at_k`.
    seed : int
        Root seed, ``>= 0``.
    n_boot : int, default 200
        Replicates.
    confidence : float, default 0.95
        Coverage of the percentile interval.
    n_jobs : int, default 1
        joblib workers (``-1``: all, or every Dask worker inside
        ``joblib.parallel_config(backend="dask")``).
    progress : bool, default False
        Show a tqdm progress bar on stderr.
    desc : str
        Label of the progress bar.

    Returns
    -------
    low, high : numpy.ndarray, shape (K,)
        The interval.
    n_failed : int
        Replicates the method could not forecast from (left out).

    Raises
    ------
    ValueError
        If every replicate failed.

    Notes
    -----
    The interval reflects which problems happened to be in the
    benchmark, not whether the method's model is right: the forecasting
    chapter's backtest measures that error.
    """
    from joblib import Parallel, delayed

    n_arr = np.asarray(n, dtype=np.int64)
    c_arr = np.asarray(c, dtype=np.int64)
    k_arr = np.atleast_1d(np.asarray(k, dtype=np.float64))
    chunks = [part for part in np.array_split(np.arange(n_boot), min(n_boot, 20))
              if part.size]
    args = [(n_arr, c_arr, k_arr, method, int(seed), part) for part in chunks]
    if n_jobs == 1:
        parts: Any = (_forecast_chunk(*a) for a in args)
    else:
        parts = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_forecast_chunk)(*a) for a in args)
    if progress:
        from tqdm import tqdm

        parts = tqdm(parts, total=len(args), desc=desc, file=sys.stderr,
                     unit="chunk", leave=False)
    y = np.concatenate(list(parts))
    ok = np.isfinite(y).all(axis=1)
    if not ok.any():
        raise ValueError(f"every bootstrap replicate failed for {method!r}")
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(y[ok], [tail, 1.0 - tail], axis=0)
    return low, high, int((~ok).sum())


# ---------------------------------------------------------------------------
# The report of one model
# ---------------------------------------------------------------------------


@dataclass
class ModelReport:
    r"""Everything :func:`fit` found out about one model.

    Attributes
    ----------
    model : str
        Name.
    n_problems, n_solved, n_attempts : int
        Problems, problems solved at least once, attempts in all.
    design : SamplingDesign
        How the attempts were sampled.
    pass_at_k : pandas.DataFrame
        ``k``, ``pass_at_k`` (NaN where not estimable) and ``note``.
    exponents : pandas.DataFrame
        ``method``, ``estimate``, ``low``, ``high``, ``n_failed``,
        ``note`` (why a method has no estimate).
    checklist : dict or None
        The row of :func:`llmonkeys.power_law_checklist`, if it ran.
    verdict : str
        The checklist's verdict and its reason.
    forecast : pandas.DataFrame
        ``k``, ``method``, ``neg_log``, ``neg_log_low``,
        ``neg_log_high``, ``pass_at_k``, ``pass_low``, ``pass_high``
        (empty if no forecast could be made; see ``forecast_note``).
    forecast_note : str
        Method, interval and bootstrap, or why there is no forecast.
    curve : pandas.DataFrame
        The data curve ``k``, ``y`` (:math:`-\log\mathrm{pass}_D@k`).
    fitted : pandas.DataFrame
        ``k``, ``least_squares``, ``distributional`` curves for the
        figure, from 1 to the largest forecast budget.
    """

    model: str
    n_problems: int
    n_solved: int
    n_attempts: int
    design: SamplingDesign
    pass_at_k: pd.DataFrame
    exponents: pd.DataFrame
    checklist: dict[str, Any] | None
    verdict: str
    forecast: pd.DataFrame
    forecast_note: str
    curve: pd.DataFrame = field(repr=False)
    fitted: pd.DataFrame = field(repr=False)


def _default_ks(k_max: int) -> list[int]:
    ks = [10**j for j in range(int(math.log10(k_max)) + 1)]
    return ks if ks[-1] == k_max else [*ks, k_max]


def _pass_table(
    n: NDArray, c: NDArray, ks: Sequence[int], design: SamplingDesign
) -> pd.DataFrame:
    rows = []
    for k in ks:
        if design.kind == "stopped":
            over = int(((n < k) & (c == 0)).sum())
            why = (f"not estimable: {over} unsolved problems got fewer than "
                   f"k = {k:,} attempts")
        else:
            over = int((n < k).sum())
            why = (f"not estimable: k > n for {over} of {n.size} problems, where "
                   "pass@k is undefined (human-eval's formula returns 1 for "
                   "them, solved or not); see the forecast")
        if over:
            rows.append({"k": k, "pass_at_k": math.nan, "note": why})
        else:
            rows.append({"k": k, "pass_at_k": _pass_at_k(n, c, k, design.k_above_n),
                         "note": ""})
    return pd.DataFrame(rows, columns=["k", "pass_at_k", "note"])


def _exponent_rows(n, c, seeds, n_boot, conf, n_jobs, rule):
    rows, fits = [], {}
    for method, seq in zip(("least-squares", "distributional"), seeds, strict=True):
        try:
            boot = _bootstrap_exponent(n, c, method, np.random.default_rng(seq),
                                       n_boot, conf, n_jobs, rule)
        except ValueError as err:
            rows.append({"method": method, "estimate": math.nan, "low": math.nan,
                         "high": math.nan, "n_failed": n_boot, "note": str(err)})
            continue
        fits[method] = boot.full
        rows.append({"method": method, "estimate": boot.estimate, "low": boot.low,
                     "high": boot.high, "n_failed": boot.n_failed, "note": ""})
    return pd.DataFrame(rows), fits


def _verdict(row: dict[str, Any], limits: dict[str, float]) -> str:
    failed = []
    if not row["slope_ok"]:
        failed.append(f"decade slopes differ by a factor {row['slope_ratio']:.2f} "
                      f"> {limits['slope_ratio']:g} (check 1)")
    if not row["curve_ok"]:
        failed.append(f"the fitted curve leaves the data by a factor "
                      f"{row['curve_factor']:.2f} > {limits['curve_factor']:g} at "
                      f"k = {row['k_worst']:,.0f} (check 2)")
    if not row["zero_ok"]:
        failed.append(f"{row['zero_observed']} never-solved problems where the fit "
                      f"expects {row['zero_expected']:.1f}, p = "
                      f"{row['zero_p_value']:.3f} (check 3)")
    if not row["growth_ok"]:
        failed.append(f"the slope grows by {row['growth_observed']:.2f}, outside the "
                      f"predicted [{row['growth_low']:.2f}, {row['growth_high']:.2f}],"
                      f" p = {row['growth_p_value']:.3f} (check 4)")
    if not failed:
        return "PASS: all four checks pass; a power law describes these data"
    if row["screen_ok"]:
        return "DOUBTFUL: checks 1-3 pass, but " + failed[0]
    return "FAIL: not a power law: " + "; ".join(failed)


def _report_one(
    model: str,
    counts: pd.DataFrame,
    ks: Sequence[int] | None,
    *,
    seed: int,
    n_boot: int,
    confidence: float,
    n_jobs: int,
    progress: bool,
) -> ModelReport:
    n = counts["n"].to_numpy(np.int64)
    c = counts["c"].to_numpy(np.int64)
    design = sampling_design(counts)
    rule = design.k_above_n
    seeds = np.random.SeedSequence([seed, zlib.crc32(model.encode())]).spawn(4)
    table = _pass_table(n, c, _default_ks(design.max_attempts) if ks is None else ks,
                        design)
    exponents, fits = _exponent_rows(n, c, seeds[:2], n_boot, confidence, n_jobs,
                                     rule)
    k_data = _k_grid(design.max_attempts if rule == "success-seen" else int(n.min()))
    y = _curve(n, c, k_data, rule)

    checklist, verdict = None, ""
    dist = fits.get("distributional")
    if design.kind == "unequal":
        verdict = ("not run: its predictive checks simulate the sampling design, "
                   "known only for equal n or sampling stopped at the first success")
    elif dist is None:
        verdict = "not run: the distributional fit failed (see above)"
    else:
        try:
            checklist = _checklist(n, c, k_data, y, dist.fit,
                                   np.random.default_rng(seeds[2]), design)
            verdict = _verdict(checklist, _thresholds())
        except ValueError as err:
            verdict = f"not run: {err}"

    horizons = np.array([h * design.max_attempts for h in FORECAST_HORIZONS],
                        dtype=np.float64)
    method = recommended_method(int(n.min()))
    forecast = pd.DataFrame(columns=["k", "method", "neg_log", "neg_log_low",
                                     "neg_log_high", "pass_at_k", "pass_low",
                                     "pass_high"])
    if design.kind == "stopped":
        note = ("not made: the book's forecasts were backtested on fixed budgets "
                "only, not on sampling stopped at the first success")
    else:
        try:
            point = _forecast(n, c, horizons, method)
            low, high, failed = forecast_interval(
                n, c, horizons, method, seed=int(seeds[3].generate_state(1)[0]),
                n_boot=n_boot, confidence=confidence, n_jobs=n_jobs,
                progress=progress, desc=f"{model}: forecast bootstrap")
            forecast = pd.DataFrame({
                "k": horizons.astype(np.int64), "method": method, "neg_log": point,
                "neg_log_low": low, "neg_log_high": high,
                "pass_at_k": np.exp(-point), "pass_low": np.exp(-high),
                "pass_high": np.exp(-low)})
            note = (f"method {method} (recommended for n = {int(n.min()):,} "
                    f"attempts per problem); {confidence:.0%} percentile bootstrap "
                    f"over problems, {n_boot - failed} of {n_boot} replicates")
        except ValueError as err:
            note = f"not made: {err}"

    k_fit = np.unique(np.geomspace(1, max(horizons.max(), k_data.max()), 60)
                      .round().astype(np.int64))
    fitted = pd.DataFrame({"k": k_fit})
    ls = fits.get("least-squares")
    fitted["least_squares"] = (np.nan if ls is None
                               else ls.prefactor * k_fit ** (-ls.exponent))
    with np.errstate(all="ignore"):
        fitted["distributional"] = (np.nan if dist is None else
                                    dist.fit.distribution.neg_log_pass_at_k(k_fit))
    return ModelReport(
        model=model, n_problems=int(n.size), n_solved=int((c > 0).sum()),
        n_attempts=int(n.sum()), design=design, pass_at_k=table,
        exponents=exponents, checklist=checklist, verdict=verdict,
        forecast=forecast, forecast_note=note,
        curve=pd.DataFrame({"k": k_data, "y": y}), fitted=fitted)


# ---------------------------------------------------------------------------
# The whole report
# ---------------------------------------------------------------------------


def _num(x: float) -> str:
    return "nan" if not np.isfinite(x) else f"{x:.4g}"


@dataclass
class FitReport:
    """The result of :func:`fit`: one :class:`ModelReport` per model.

    ``str(report)`` is the text the command prints; :meth:`table` the
    numbers as one long table (written as ``fit_results.csv``).

    Attributes
    ----------
    path : str
        The file read.
    layout : str
        ``"counts"`` or ``"attempts"``.
    models : list of ModelReport
        In the order of the model names.
    n_boot : int
        Bootstrap replicates.
    confidence : float
        Coverage of the intervals.
    seed : int
        Root seed.
    written : list of str
        Files written (with ``out``).
    """

    path: str
    layout: str
    models: list[ModelReport]
    n_boot: int
    confidence: float
    seed: int
    written: list[str] = field(default_factory=list)

    def report(self, name: str) -> ModelReport:
        """Return the report of model ``name``.

        Parameters
        ----------
        name : str
            A model of the file.

        Returns
        -------
        ModelReport
            Its report.
        """
        for m in self.models:
            if m.model == name:
                return m
        raise KeyError(name)

    def table(self) -> pd.DataFrame:
        """Return every number as one long table.

        Returns
        -------
        pandas.DataFrame
            Columns ``model``, ``quantity`` (``pass_at_k``, ``exponent``,
            ``checklist``, ``forecast_neg_log_pass_at_k``,
            ``forecast_pass_at_k``), ``method``, ``k``, ``estimate``,
            ``low``, ``high``, ``note``.
        """
        rows: list[dict[str, Any]] = []
        for m in self.models:
            base = {"model": m.model}
            for r in m.pass_at_k.itertuples():
                rows.append({**base, "quantity": "pass_at_k", "method": "exact",
                             "k": r.k, "estimate": r.pass_at_k, "note": r.note})
            for r in m.exponents.itertuples():
                rows.append({**base, "quantity": "exponent", "method": r.method,
                             "estimate": r.estimate, "low": r.low, "high": r.high,
                             "note": r.note})
            rows.append({**base, "quantity": "checklist", "method": "power-law",
                         "estimate": (math.nan if m.checklist is None
                                      else float(m.checklist["passes"])),
                         "note": m.verdict})
            for r in m.forecast.itertuples():
                rows.append({**base, "quantity": "forecast_neg_log_pass_at_k",
                             "method": r.method, "k": r.k, "estimate": r.neg_log,
                             "low": r.neg_log_low, "high": r.neg_log_high,
                             "note": m.forecast_note})
                rows.append({**base, "quantity": "forecast_pass_at_k",
                             "method": r.method, "k": r.k, "estimate": r.pass_at_k,
                             "low": r.pass_low, "high": r.pass_high,
                             "note": m.forecast_note})
        table = pd.DataFrame(rows, columns=["model", "quantity", "method", "k",
                                            "estimate", "low", "high", "note"])
        return table.astype({"k": "Int64"})

    def __str__(self) -> str:
        """Return the text the command prints."""
        pct = f"{self.confidence:.0%}"
        lines = [f"{self.path}: read as {self.layout}, {len(self.models)} model(s)",
                 f"{pct} intervals from {self.n_boot} bootstrap replicates over "
                 f"problems; seed {self.seed}"]
        for m in self.models:
            lines += ["", f"== {m.model}: {m.n_problems} problems, {m.n_attempts:,} "
                      f"attempts, {m.n_solved} solved at least once",
                      f"sampling: {m.design.description}",
                      "pass@k (exact unbiased estimator):"]
            for r in m.pass_at_k.itertuples():
                value = r.note if r.note else _num(r.pass_at_k)
                lines.append(f"  k = {r.k:<10,} {value}")
            lines.append(f"exponent b of -log pass_D@k = a k^-b [{pct} interval]:")
            for r in m.exponents.itertuples():
                value = (f"b = {_num(r.estimate)} [{_num(r.low)}, {_num(r.high)}]"
                         if not r.note else f"not available: {r.note}")
                lines.append(f"  {r.method:<15} {value}")
            lines.append(f"power-law checklist: {m.verdict}")
            if m.checklist is not None:
                ch = m.checklist
                lines += [
                    f"  1 straight curve: decade-slope ratio {ch['slope_ratio']:.2f}",
                    f"  2 fit tracks data: worst factor {ch['curve_factor']:.2f} at "
                    f"k = {ch['k_worst']:,.0f}",
                    f"  3 never solved: {ch['zero_observed']} seen, "
                    f"{ch['zero_expected']:.1f} expected "
                    f"[{ch['zero_low']:.0f}, {ch['zero_high']:.0f}], "
                    f"p = {ch['zero_p_value']:.2f}",
                    f"  4 curvature: slope growth {ch['growth_observed']:.2f}, "
                    f"predicted [{ch['growth_low']:.2f}, {ch['growth_high']:.2f}], "
                    f"p = {ch['growth_p_value']:.2f}"]
            method, _, how = m.forecast_note.partition("; ")
            lines.append(f"forecast: {method}")
            if how:
                lines.append(f"  interval: {how}")
            for r in m.forecast.itertuples():
                lines.append(
                    f"  k = {r.k:<10,} -log pass_D@k = {_num(r.neg_log)} "
                    f"[{_num(r.neg_log_low)}, {_num(r.neg_log_high)}]   "
                    f"pass_D@k = {r.pass_at_k:.4f} [{r.pass_low:.4f}, "
                    f"{r.pass_high:.4f}]")
        if self.written:
            lines += ["", "wrote " + ", ".join(self.written)]
        return "\n".join(lines)


def fit(
    path: str | Path,
    *,
    models: Sequence[str] | None = None,
    k: Sequence[int] | None = None,
    out: str | Path | None = None,
    columns: Columns | None = None,
    layout: str | None = None,
    n_boot: int = 200,
    confidence: float = 0.95,
    seed: int | None = None,
    n_jobs: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
) -> FitReport:
    r"""Fit a results file: pass@k, exponents, checklist and forecast.

    The function behind ``llmonkeys fit FILE``.

    Parameters
    ----------
    path : str or pathlib.Path
        Per-problem counts (CSV, Parquet) or per-attempt records (JSONL,
        CSV); see :func:`llmonkeys.readers.read_results`.
    models : sequence of str, optional
        Models to report (all by default).
    k : sequence of int, optional
        Budgets for pass@k; by default 1, 10, 100, ... and the largest
        ``n``.
    out : str or pathlib.Path, optional
        Folder to write ``fit_results.csv``, ``fit_curves.png`` and
        ``fit_curves.svg`` into (created if needed).
    columns : llmonkeys.readers.Columns, optional
        Column names of the file.
    layout : {"counts", "attempts"}, optional
        How to read the file (by default from its type and header).
    n_boot : int, default 200
        Bootstrap replicates of each interval.
    confidence : float, default 0.95
        Coverage of the intervals, in ``(0, 1)``.
    seed : int, optional
        Root seed (default :data:`llmonkeys.SEED`). Each model's numbers
        depend only on the seed and its own name and data.
    n_jobs : int, default 1
        joblib workers for the bootstraps.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); the
        bootstraps then run on its workers.
    progress : bool, default False
        Progress bars on stderr.

    Returns
    -------
    FitReport
        ``print(report)`` gives the command's output.

    Raises
    ------
    llmonkeys.readers.ResultsFileError
        On a malformed file or a model not in it.
    ValueError
        On invalid settings.
    """
    if not isinstance(n_boot, int) or n_boot < 1:
        raise ValueError(f"n_boot must be an integer >= 1; got {n_boot!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1); got {confidence!r}")
    if k is not None and (len(k) == 0 or min(k) < 1):
        raise ValueError(f"k must be budgets >= 1; got {list(k)!r}")
    root = _default_seed() if seed is None else int(seed)
    counts, how = read_results(path, columns, layout=layout)
    # One order of problems whatever the layout, so the bootstraps agree.
    counts = counts.sort_values(["model", "problem"], kind="stable",
                                ignore_index=True)
    names = sorted(counts["model"].unique())
    if models:
        unknown = [m for m in models if m not in names]
        if unknown:
            raise ResultsFileError(
                path, "", f"no model {', '.join(map(repr, unknown))} in the file; "
                f"its models are {', '.join(map(repr, names))}")
        names = list(dict.fromkeys(models))
    # Overflow and log(0) in degenerate fits show as inf/NaN in the report.
    with _backend(scheduler) as jobs, np.errstate(all="ignore"):
        reports = [
            _report_one(name, counts[counts["model"] == name], k, seed=root,
                        n_boot=n_boot, confidence=confidence,
                        n_jobs=jobs or n_jobs, progress=progress)
            for name in names]
    result = FitReport(str(path), how, reports, n_boot, confidence, root)
    if out is not None:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        result.table().to_csv(folder / "fit_results.csv", index=False)
        from llmonkeys.plotting import plot_fit_report

        figure = plot_fit_report(result)
        for suffix in ("png", "svg"):
            figure.savefig(folder / f"fit_curves.{suffix}", dpi=150)
        import matplotlib.pyplot as plt

        plt.close(figure)
        result.written = [str(folder / name) for name in
                          ("fit_results.csv", "fit_curves.png", "fit_curves.svg")]
    return result


@contextlib.contextmanager
def _backend(scheduler: str | None) -> Iterator[int | None]:
    """Run joblib on a Dask cluster at ``scheduler`` (yields ``n_jobs``)."""
    if scheduler is None:
        yield None
        return
    try:
        import joblib
        from dask.distributed import Client
    except ImportError:
        raise ValueError(
            "--scheduler needs Dask: pip install 'llmonkeys[dask]'") from None
    try:
        client = Client(scheduler, timeout=10)
    except (OSError, TimeoutError) as err:
        raise ValueError(
            f"cannot connect to the Dask scheduler at {scheduler!r}: {err}") from None
    with client, joblib.parallel_config(backend="dask"):
        yield -1


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number; got {text!r}") \
            from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1; got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llmonkeys", description="Power laws of repeated sampling: fit your "
        "own results, or fetch the book's data.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("fetch", help="fetch and verify the book's data files")
    p = sub.add_parser(
        "fit", help="pass@k, exponents, checklist and forecast of a results file",
        description="Read per-problem counts (CSV/Parquet: problem, n, c[, model]) "
        "or per-attempt records (JSONL/CSV: task_id, passed[, model]) and report "
        "pass@k, power-law exponents with bootstrap intervals, the power-law "
        "checklist and a forecast at 10x and 100x the largest n.")
    p.add_argument("file", metavar="FILE", help="results file")
    p.add_argument("--model", action="append", metavar="M",
                   help="report model M only (repeat for several)")
    p.add_argument("--k", nargs="+", type=_positive_int, metavar="K",
                   help="budgets for pass@k (default 1, 10, 100, ... max n)")
    p.add_argument("--out", metavar="DIR",
                   help="write fit_results.csv and fit_curves.png/.svg into DIR")
    p.add_argument("--layout", choices=("counts", "attempts"),
                   help="how to read FILE (default: from its type and header)")
    p.add_argument("--problem-column", metavar="COL",
                   help="problem id (default: problem for counts, task_id for "
                   "attempts)")
    p.add_argument("--n-column", default="n", metavar="COL",
                   help="attempts (default n)")
    p.add_argument("--c-column", default="c", metavar="COL",
                   help="successes (default c)")
    p.add_argument("--pass-column", default="passed", metavar="COL",
                   help="pass/fail of an attempt (default passed)")
    p.add_argument("--model-column", metavar="COL",
                   help="model name (default: model if present, else one model "
                   "named after FILE)")
    p.add_argument("--attempt-column", metavar="COL",
                   help="attempt index (default: the order of the records)")
    p.add_argument("--n-boot", type=_positive_int, default=200, metavar="B",
                   help="bootstrap replicates (default 200)")
    p.add_argument("--seed", type=int, default=None, help="root seed")
    p.add_argument("--n-jobs", type=int, default=1, metavar="J",
                   help="parallel workers for the bootstraps (-1: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the bootstraps on the Dask cluster at ADDRESS "
                   "(e.g. tcp://10.0.0.5:8786)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bars on stderr (default: when stderr is a "
                   "terminal)")
    return parser


def _fetch() -> int:
    from llmonkeys.datasets import DataFileError, cache_dir, fetch_all

    try:
        paths = fetch_all()
    except DataFileError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{len(paths)} data files verified in {cache_dir()}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line: ``llmonkeys fit FILE ...`` or ``llmonkeys fetch``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 1 on a data error, 2 on bad usage.
    """
    parser = _parser()
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command == "fetch":
        return _fetch()
    if args.n_jobs == 0:
        parser.print_usage(sys.stderr)
        print("llmonkeys fit: error: --n-jobs must be >= 1 or negative",
              file=sys.stderr)
        return 2
    columns = Columns(problem=args.problem_column, n=args.n_column,
                      c=args.c_column, passed=args.pass_column,
                      model=args.model_column, attempt=args.attempt_column)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    try:
        report = fit(args.file, models=args.model, k=args.k, out=args.out,
                     columns=columns, layout=args.layout, n_boot=args.n_boot,
                     seed=args.seed, n_jobs=args.n_jobs, scheduler=args.scheduler,
                     progress=progress)
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(report)
    return 0
