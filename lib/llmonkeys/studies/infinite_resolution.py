r"""Studies of the chapter "Infinite resolution" (PassUntil on Pythia).

Defined for :ref:`ch-infinite-resolution`; not re-exported by
:mod:`llmonkeys`. The task scaling law of :cite:t:`hu2024passuntil`,

.. math::

    \mathrm{PU}(N) = \exp(-c N^{-\alpha}), \qquad
    \log(-\log \mathrm{PU}) = \log c - \alpha \log N,

is fitted three ways (dataset level, instance level, and through a law of
success probabilities across problems), backtested on held-out model
sizes, and each problem's curve is tested for curvature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import special, stats

from llmonkeys.passuntil import fit_pass_until_beta
from llmonkeys.plotting import method_styles

__all__ = [
    "CheckpointGrid",
    "checkpoint_grid",
    "loglog_fail",
    "dataset_level_forecast",
    "instance_level_forecast",
    "beta_fits",
    "distributional_forecast",
    "backtest_sizes",
    "curvature_test",
    "classify_growth",
]

METHODS = ("dataset-level", "instance-level", "distributional")


@dataclass(frozen=True)
class CheckpointGrid:
    """Counts of one series of checkpoints on a common set of problems.

    Attributes
    ----------
    scale : numpy.ndarray, shape (S,)
        Parameters (or training tokens) of each checkpoint, increasing.
    models : list of str
        Checkpoint nicknames.
    problems : numpy.ndarray, shape (P,)
        Problem ids.
    n, c : numpy.ndarray, shape (S, P)
        Attempts and successes.
    dropped : list
        Problems left out because some kept checkpoint lacks them.
    dropped_models : list of str
        Checkpoints left out because they lack problems the others have.
    """

    scale: NDArray[np.float64]
    models: list[str]
    problems: NDArray[np.int64]
    n: NDArray[np.int64]
    c: NDArray[np.int64]
    dropped: list
    dropped_models: list


def checkpoint_grid(
    df: pd.DataFrame, *, tokens: int | None = None, parameters: int | None = None
) -> CheckpointGrid:
    """Select a series of checkpoints: a fixed token count, or a fixed size.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`llmonkeys.datasets.load_pythia_checkpoints`.
    tokens, parameters : int
        Exactly one: keep the checkpoints with these training tokens (the
        series runs over sizes) or with this size (it runs over tokens).

    Returns
    -------
    CheckpointGrid
        The counts on the problems every kept checkpoint has. Checkpoints
        with fewer problems than the fullest one in the selection (the
        12B model after 2M tokens has 9 of 128 MATH problems) are left
        out and named in ``dropped_models``.

    Raises
    ------
    ValueError
        If not exactly one of ``tokens``, ``parameters`` is given, or it
        selects fewer than two checkpoints.
    """
    if (tokens is None) == (parameters is None):
        raise ValueError("give exactly one of tokens= or parameters=")
    sel = df[df["tokens"] == tokens] if tokens is not None else df[
        df["parameters"] == parameters]
    axis = "parameters" if tokens is not None else "tokens"
    per_model = sel.groupby("model").size()
    thin = sorted(per_model.index[per_model < per_model.max()].tolist())
    sel = sel[~sel["model"].isin(thin)]
    if sel[axis].nunique() < 2:
        raise ValueError(f"the selection holds {sel[axis].nunique()} checkpoints; "
                         "need at least 2")
    n_ckpt = sel[axis].nunique()
    counts = sel.groupby("problem").size()
    keep = counts.index[counts == n_ckpt]
    dropped = sorted(counts.index[counts != n_ckpt].tolist())
    sel = sel[sel["problem"].isin(keep)]
    n = sel.pivot(index=axis, columns="problem", values="n").sort_index()
    c = sel.pivot(index=axis, columns="problem", values="c").sort_index()
    models = sel.groupby(axis)["model"].first().sort_index().tolist()
    return CheckpointGrid(n.index.to_numpy(np.float64), models,
                          n.columns.to_numpy(np.int64), n.to_numpy(np.int64),
                          c.to_numpy(np.int64), dropped, thin)


def loglog_fail(p: NDArray) -> NDArray[np.float64]:
    r"""Return :math:`\log(-\log p)`, the scale of the task scaling law.

    Parameters
    ----------
    p : numpy.ndarray
        Success rates in ``(0, 1)``.

    Returns
    -------
    numpy.ndarray
        :math:`\log(-\log p)`.
    """
    return np.log(-np.log(p))


def _line(x: NDArray, y: NDArray, w: NDArray | None = None) -> tuple[float, float]:
    """Weighted least-squares line ``y = a + b x``; returns ``(a, b)``."""
    w = np.ones_like(x) if w is None else w
    xm, ym = np.average(x, weights=w), np.average(y, weights=w)
    b = np.sum(w * (x - xm) * (y - ym)) / np.sum(w * (x - xm) ** 2)
    return ym - b * xm, b


def dataset_level_forecast(
    x_train: NDArray, agg_train: NDArray, x_target: float
) -> float:
    r"""Dataset-level forecast: fit the law to the averaged metric, extend it.

    Parameters
    ----------
    x_train : numpy.ndarray, shape (S,)
        :math:`\log N` of the training checkpoints.
    agg_train : numpy.ndarray, shape (S,)
        The benchmark metric (mean pass@k over problems) of each.
    x_target : float
        :math:`\log N` of the checkpoint to predict.

    Returns
    -------
    float
        The predicted metric, :math:`\exp(-e^{a + b x})`.

    Raises
    ------
    ValueError
        If fewer than two training points lie in ``(0, 1)`` (where
        :math:`\log(-\log \cdot)` is finite).
    """
    ok = (agg_train > 0) & (agg_train < 1)
    if ok.sum() < 2:
        raise ValueError("need at least two training points with 0 < metric < 1")
    a, b = _line(x_train[ok], loglog_fail(agg_train[ok]))
    return float(np.exp(-np.exp(a + b * x_target)))


def instance_level_forecast(
    x_train: NDArray, n_train: NDArray, c_train: NDArray, x_target: float,
    *, min_points: int = 3,
) -> tuple[NDArray[np.float64], dict[str, int]]:
    r"""Instance-level forecast: one law per problem, pooled where too thin.

    Parameters
    ----------
    x_train : numpy.ndarray, shape (S,)
        :math:`\log N` of the training checkpoints.
    n_train, c_train : numpy.ndarray, shape (S, P)
        Attempts and successes.
    x_target : float
        :math:`\log N` to predict at.
    min_points : int, default 3
        Problems with at least this many points ``0 < c < n`` get their own
        least-squares line in :math:`\log(-\log \hat p)`.

    Returns
    -------
    p : numpy.ndarray, shape (P,)
        Predicted success probability of each problem.
    counts : dict
        How many problems were ``"own line"``, ``"pooled slope"`` (1 to
        ``min_points - 1`` usable points: the median slope of the
        own-line problems, intercept through their mean point) and
        ``"never solved"`` (no success at any training checkpoint:
        predicted 0).

    Raises
    ------
    ValueError
        If no problem has ``min_points`` usable points.
    """
    p_hat = c_train / n_train
    ok = (c_train > 0) & (c_train < n_train)
    y = np.where(ok, loglog_fail(np.where(ok, p_hat, 0.5)), 0.0)
    m = ok.sum(axis=0)
    w = ok.astype(np.float64)
    sw = np.maximum(w.sum(axis=0), 1.0)
    xm = (w * x_train[:, None]).sum(axis=0) / sw
    ym = (w * y).sum(axis=0) / sw
    own = m >= min_points
    if not own.any():
        raise ValueError(f"no problem has {min_points} points with 0 < c < n")
    dx = x_train[:, None] - xm
    slope = np.where(own, (w * dx * (y - ym)).sum(axis=0)
                     / np.where(own, (w * dx**2).sum(axis=0), 1.0), np.nan)
    slope = np.where(own, slope, np.median(slope[own]))
    pred = np.exp(-np.exp(ym + slope * (x_target - xm)))
    pred = np.where(m > 0, pred, 0.0)
    counts = {"own line": int(own.sum()),
              "pooled slope": int(((m > 0) & ~own).sum()),
              "never solved": int((m == 0).sum())}
    return pred, counts


def beta_fits(n: NDArray, c: NDArray) -> NDArray[np.float64]:
    r"""Beta law of ``p`` fitted to each checkpoint's counts.

    Uses :func:`llmonkeys.passuntil.fit_pass_until_beta` (the
    beta-binomial likelihood, every observation censored at its ``n``).

    Parameters
    ----------
    n, c : numpy.ndarray, shape (S, P)
        Attempts and successes.

    Returns
    -------
    numpy.ndarray, shape (S, 2)
        :math:`(\alpha, \beta)` per checkpoint; NaN where the maximum-
        likelihood estimate does not exist (fewer than two problems
        solved) or the fit did not converge.
    """
    out = np.full((n.shape[0], 2), np.nan)
    for s in range(n.shape[0]):
        if (c[s] > 0).sum() < 2:
            continue
        fit = fit_pass_until_beta(c[s], n[s], np.ones(n.shape[1], dtype=bool))
        if fit.converged:
            out[s] = fit.alpha, fit.beta
    return out


def distributional_forecast(
    x_train: NDArray, params: NDArray, x_target: float, k: NDArray
) -> NDArray[np.float64]:
    r"""Distributional forecast: extend the fitted Beta law in :math:`\log N`.

    :math:`\log\alpha` and :math:`\log\beta` are each regressed on
    :math:`\log N` and evaluated at the target; the forecast is the law's
    pass@k, :math:`1 - B(\alpha, \beta + k)/B(\alpha, \beta)`.

    Parameters
    ----------
    x_train : numpy.ndarray, shape (S,)
        :math:`\log N` of the training checkpoints.
    params : numpy.ndarray, shape (S, 2)
        Output of :func:`beta_fits` (NaN rows are skipped).
    x_target : float
        :math:`\log N` to predict at.
    k : numpy.ndarray
        Budgets.

    Returns
    -------
    numpy.ndarray
        Predicted mean pass@k, shape of ``k``.

    Raises
    ------
    ValueError
        If fewer than two checkpoints have a fit.
    """
    ok = np.isfinite(params).all(axis=1)
    if ok.sum() < 2:
        raise ValueError("need at least two checkpoints with a Beta fit")
    la = _line(x_train[ok], np.log(params[ok, 0]))
    lb = _line(x_train[ok], np.log(params[ok, 1]))
    alpha = np.exp(la[0] + la[1] * x_target)
    beta = np.exp(lb[0] + lb[1] * x_target)
    k = np.asarray(k, dtype=np.float64)
    return -np.expm1(special.betaln(alpha, beta + k) - special.betaln(alpha, beta))


def _truth(n: NDArray, c: NDArray, k: NDArray) -> NDArray:
    import llmonkeys as lm

    return lm.pass_at_k(n[:, None], c[:, None], k[None, :]).mean(axis=0)


def _forecasts(grid_x, n, c, target, k, params):
    """Forecasts of each method; NaN where a method cannot fit (too few points)."""
    train = np.arange(target)
    x_t = grid_x[target]
    agg = np.array([_truth(n[s], c[s], k) for s in train])  # (S_train, K)
    out = {m: np.full(k.size, np.nan) for m in METHODS}
    counts = {}
    try:
        out["dataset-level"] = np.array([
            dataset_level_forecast(grid_x[train], agg[:, j], x_t)
            for j in range(k.size)])
    except ValueError:
        pass
    try:
        p_inst, counts = instance_level_forecast(grid_x[train], n[train],
                                                 c[train], x_t)
        out["instance-level"] = -np.expm1(
            k[None, :] * np.log1p(-p_inst[:, None])).mean(0)
    except ValueError:
        pass
    try:
        out["distributional"] = distributional_forecast(grid_x[train],
                                                        params[train], x_t, k)
    except ValueError:
        pass
    return out, counts


def backtest_sizes(
    grid: CheckpointGrid, targets: list[int], k: NDArray, n_boot: int,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Predict held-out checkpoints from the smaller ones, with a bootstrap.

    For each target index ``t``, the checkpoints ``0 .. t-1`` are the
    training series. Problems are resampled with replacement (the same
    draw for every checkpoint), and every fit is redone on each draw.

    Parameters
    ----------
    grid : CheckpointGrid
        Series over model size (``grid.scale`` = parameters).
    targets : list of int
        Indices of the checkpoints to hold out.
    k : numpy.ndarray
        Budgets at which to predict mean pass@k; each must not exceed
        the smallest ``n`` of the targets (the truth is then unbiased).
    n_boot : int
        Bootstrap replicates.
    rng : numpy.random.Generator
        Source of the resamples.

    Returns
    -------
    point : pandas.DataFrame
        On the observed problems: ``target``, ``k``, ``method``,
        ``truth``, ``forecast``, ``rel_error``. A method that cannot fit
        a resample (fewer usable points than it needs) gives NaN there;
        count these as failures.
    boot : pandas.DataFrame
        The same columns for each bootstrap replicate (plus ``replicate``).
    counts : dict
        Instance-level problem counts (own line, pooled, never solved)
        per target, on the observed problems.

    Raises
    ------
    ValueError
        If some ``k`` exceeds a target's smallest ``n``.
    """
    k = np.asarray(k, dtype=np.float64)
    x = np.log(grid.scale)
    for t in targets:
        if k.max() > grid.n[t].min():
            raise ValueError(f"k = {k.max():g} exceeds the smallest n of target {t}")

    def run(idx):
        n, c = grid.n[:, idx], grid.c[:, idx]
        params = beta_fits(n[: max(targets)], c[: max(targets)])
        rows, counts = [], {}
        for t in targets:
            fc, counts[grid.models[t]] = _forecasts(x, n, c, t, k, params)
            truth = _truth(n[t], c[t], k)
            for m in METHODS:
                for j, kk in enumerate(k):
                    rows.append((grid.models[t], int(kk), m, truth[j], fc[m][j]))
        return pd.DataFrame(rows, columns=["target", "k", "method", "truth",
                                           "forecast"]), counts

    P = grid.n.shape[1]
    point, counts = run(np.arange(P))
    reps = []
    for b in range(n_boot):
        frame, _ = run(rng.integers(0, P, size=P))
        reps.append(frame.assign(replicate=b))
    boot = pd.concat(reps, ignore_index=True)
    for frame in (point, boot):
        frame["rel_error"] = frame["forecast"] / frame["truth"] - 1
    return point, boot, counts


def curvature_test(
    x: NDArray, n: NDArray, c: NDArray, *, min_points: int = 4
) -> pd.DataFrame:
    r"""Test each problem's curve :math:`\log(-\log \hat p)` for curvature.

    A weighted quadratic :math:`y = a + b x + q x^2` is fitted to the
    points with ``0 < c < n``, with weights from the delta method,
    :math:`\mathrm{Var}\, \log(-\log \hat p) \approx (1 - p) /
    (c \log^2 p)`. Where the quadratic misfits (Pearson
    :math:`\chi^2` per degree of freedom above 1), the standard error is
    inflated by its square root.

    Parameters
    ----------
    x : numpy.ndarray, shape (S,)
        :math:`\log N` (centred inside).
    n, c : numpy.ndarray, shape (S, P)
        Attempts and successes.
    min_points : int, default 4
        Problems with fewer usable points are not tested.

    Returns
    -------
    pandas.DataFrame
        One row per tested problem (column ``column``, its index in
        ``n``): ``points``, ``q`` (curvature), ``se``, ``z`` and
        ``chi2_dof``.
    """
    xc = x - x.mean()
    rows = []
    for j in range(n.shape[1]):
        ok = (c[:, j] > 0) & (c[:, j] < n[:, j])
        if ok.sum() < min_points:
            continue
        p = c[ok, j] / n[ok, j]
        y = loglog_fail(p)
        var = (1 - p) / (c[ok, j] * np.log(p) ** 2)
        X = np.column_stack([np.ones(ok.sum()), xc[ok], xc[ok] ** 2])
        W = 1.0 / var
        cov = np.linalg.inv(X.T @ (W[:, None] * X))
        beta = cov @ (X.T @ (W * y))
        dof = ok.sum() - 3
        chi2 = float(np.sum(W * (y - X @ beta) ** 2))
        inflate = max(1.0, chi2 / dof) if dof > 0 else 1.0
        se = float(np.sqrt(cov[2, 2] * inflate))
        rows.append((j, int(ok.sum()), beta[2], se, beta[2] / se,
                     chi2 / dof if dof > 0 else np.nan))
    return pd.DataFrame(rows, columns=["column", "points", "q", "se", "z", "chi2_dof"])


def classify_growth(z: NDArray, level: float = 0.05) -> NDArray:
    r"""Classify curvature z-scores (PassUntil's Definition 1).

    Convex :math:`\log(-\log \mathrm{PU})` (significant ``q > 0``) is
    sub-scaling growth, concave (``q < 0``) super-scaling, and no
    detectable curvature is scaling-law growth. Bonferroni over the
    problems tested.

    Parameters
    ----------
    z : numpy.ndarray
        z-scores of the curvature.
    level : float, default 0.05
        Family-wise level.

    Returns
    -------
    numpy.ndarray of str
        ``"sub-scaling"``, ``"super-scaling"`` or ``"scaling law"``.
    """
    z = np.asarray(z, dtype=np.float64)
    crit = stats.norm.isf(level / (2 * max(z.size, 1)))
    return np.where(z > crit, "sub-scaling",
                    np.where(z < -crit, "super-scaling", "scaling law"))


#: PassUntil's Table 1, HumanEval, series 1 (:cite:t:`hu2024passuntil`):
#: the 2.4B model's real PassUntil and its dataset- and instance-level
#: predictions from smaller models.
PASSUNTIL_TABLE1 = {"real": 0.05990, "dataset-level": 0.06550,
                    "instance-level": 0.05987}


def plot_problem_curves(grid: CheckpointGrid, *, ax=None):
    r"""Per-problem success rates against model size, unsolved marked.

    Parameters
    ----------
    grid : CheckpointGrid
        Series over model size.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure otherwise.

    Returns
    -------
    matplotlib.figure.Figure
        Thin lines: :math:`\hat p_i` of the problems solved at every size
        from the first where any is solved; crosses: the 95% upper bound
        :math:`\approx 1.92 / n` of the unsolved; black: mean
        :math:`\hat p` (PassUntil's PU).
    """
    import matplotlib.pyplot as plt

    from llmonkeys.passuntil import pass_until_estimate

    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 3.4))
    else:
        fig = ax.figure
    p = grid.c / grid.n
    for j in range(p.shape[1]):
        ok = p[:, j] > 0
        ax.plot(grid.scale[ok], p[ok, j], color="tab:blue", alpha=0.25, lw=0.8)
    zero = grid.c == 0
    bound = pass_until_estimate(grid.c, grid.n, cap=grid.n).high
    rows = np.nonzero(zero)[0]
    ax.scatter(grid.scale[rows], bound[zero], marker="x", s=10, color="tab:red",
               alpha=0.4, label="unsolved: 95% upper bound")
    mean = p.mean(axis=1)
    ok = mean > 0
    ax.plot(grid.scale[ok], mean[ok], color="black", lw=2.2, marker="o",
            label="mean over problems (PU)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("parameters $N$")
    ax.set_ylabel(r"success rate $\hat p = c / n$")
    ax.legend(loc="upper left", frameon=True)
    return fig


def plot_backtest(point: pd.DataFrame, intervals: pd.DataFrame, *, ax=None):
    """Relative error of each method per held-out size, with intervals.

    Parameters
    ----------
    point : pandas.DataFrame
        ``target``, ``k``, ``method``, ``rel_error`` (observed problems).
    intervals : pandas.DataFrame
        Same keys with ``low`` and ``high``.
    ax : array of two matplotlib.axes.Axes, optional
        One panel per ``k``.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per budget ``k``; markers distinguish methods.
    """
    import matplotlib.pyplot as plt

    ks = sorted(point["k"].unique())
    created = ax is None
    if ax is None:
        fig, ax = plt.subplots(1, len(ks), figsize=(6.5, 3.4), sharey=True,
                               layout="constrained")
    else:
        fig = ax[0].figure
    targets = list(dict.fromkeys(point["target"]))
    merged = point.merge(intervals, on=["target", "k", "method"])
    styles = method_styles(METHODS)
    for a, k in zip(np.atleast_1d(ax), ks, strict=True):
        for i, m in enumerate(METHODS):
            d = merged[(merged["k"] == k) & (merged["method"] == m)].set_index(
                "target").loc[targets]
            xs = np.arange(len(targets)) + (i - 1) * 0.2
            a.errorbar(xs, d["rel_error"], yerr=[d["rel_error"] - d["low"],
                                                  d["high"] - d["rel_error"]],
                       fmt=styles[m]["marker"], color=styles[m]["color"],
                       capsize=2, label=m)
        a.axhline(0, color="grey", lw=1)
        a.set_xticks(range(len(targets)),
                     [t.split("_")[1] for t in targets])
        a.set_title(f"pass@{k}")
        a.set_xlabel("held-out model")
    np.atleast_1d(ax)[0].set_ylabel("relative error of forecast")
    if created:  # one legend below the panels, off the error bars
        fig.legend(*np.atleast_1d(ax)[0].get_legend_handles_labels(),
                   loc="outside lower center", ncols=len(METHODS), frameon=False)
    else:
        np.atleast_1d(ax)[0].legend(loc="upper left", frameon=True)
    return fig
