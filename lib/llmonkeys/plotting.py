"""Figures of the book: one function per figure type, ``Figure`` out.

Every function takes data and an optional ``ax``, labels its axes, and
returns the :class:`matplotlib.figure.Figure`; none shows or saves. The
theme is set once per chapter by :func:`set_style`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from llmonkeys.estimators import PowerLawFit

__all__ = [
    "set_style",
    "model_palette",
    "plot_failure_curves",
    "plot_power_law_curves",
    "plot_exponents",
    "plot_tail_curves",
    "plot_local_exponents",
    "plot_onset_heatmap",
    "plot_simulation_grid",
    "plot_finite_n_grid",
]


def set_style() -> None:
    """Set the book's plotting theme (seaborn ``whitegrid``, paper context)."""
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    plt.rcParams.update(
        {
            "figure.figsize": (7.0, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "axes.titlesize": "medium",
            "legend.fontsize": "small",
            "figure.constrained_layout.use": True,
        }
    )


def model_palette(
    models: Sequence[str], palette: str = "viridis"
) -> dict[str, tuple[float, float, float]]:
    """Map model names to colours.

    Parameters
    ----------
    models : sequence of str
        Models in order (e.g. by size).
    palette : str, default "viridis"
        A seaborn palette name: sequential ("viridis") for models ordered
        by size, qualitative ("colorblind") for unordered ones.

    Returns
    -------
    dict
        Model name to RGB colour.
    """
    colours = sns.color_palette(palette, n_colors=len(models))
    return dict(zip(models, colours, strict=True))


def _axes(ax: Axes | None) -> tuple[Figure, Axes]:
    if ax is None:
        fig, ax = plt.subplots()
        return fig, ax
    return ax.figure, ax


def plot_failure_curves(
    k: ArrayLike,
    failure: Mapping[str, ArrayLike],
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Per-problem failure probability against k on a semi-log plot.

    A straight line on these axes is exponential decay in ``k``.

    Parameters
    ----------
    k : array_like
        Attempt budgets.
    failure : mapping of str to array_like
        Label to ``1 - pass_i@k`` values at ``k``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = _axes(ax)
    k_arr = np.asarray(k, dtype=float)
    colours = sns.color_palette("mako", n_colors=len(failure))
    for colour, (label, values) in zip(colours, failure.items(), strict=True):
        values = np.asarray(values, dtype=float)
        keep = values > 0
        ax.plot(k_arr[keep], values[keep], marker=".", color=colour, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("attempts $k$")
    ax.set_ylabel(r"failure probability $1 - \mathrm{pass}_i@k$")
    if title:
        ax.set_title(title)
    ax.legend(title="problem", loc="lower left")
    return fig


def plot_power_law_curves(
    curves: pd.DataFrame,
    *,
    fits: Mapping[str, PowerLawFit] | None = None,
    group: str = "model",
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str = r"$-\log \mathrm{pass}_D@k$",
    palette: str = "viridis",
) -> Figure:
    """Benchmark curves on log-log axes, with optional fitted power laws.

    A straight line on these axes is a power law in ``k``.

    Parameters
    ----------
    curves : pandas.DataFrame
        Long format with columns ``group``, ``k`` and ``y``.
    fits : mapping of str to PowerLawFit, optional
        Fitted power laws by group, drawn dashed over their k-range.
    group : str, default "model"
        Column naming the curves; its order (categorical) is kept.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    title : str, optional
        Axes title.
    ylabel : str, optional
        Label of the y axis.
    palette : str, default "viridis"
        Seaborn palette (see :func:`model_palette`).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = _axes(ax)
    names = list(dict.fromkeys(curves[group].astype(str)))
    colours = model_palette(names, palette)
    for name in names:
        sub = curves[curves[group].astype(str) == name]
        keep = sub["y"].to_numpy() > 0
        ax.plot(sub["k"].to_numpy()[keep], sub["y"].to_numpy()[keep], marker="o",
                markersize=2.5, linewidth=1.2, color=colours[name], label=name)
        if fits and name in fits:
            fit = fits[name]
            kk = np.geomspace(fit.k_min, fit.k_max, 50)
            ax.plot(kk, fit.predict(kk), linestyle="--", color="black",
                    linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("attempts $k$")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="lower left", ncols=2)
    return fig


def plot_exponents(
    table: pd.DataFrame,
    *,
    x: str,
    y: str = "exponent",
    hue: str | None = None,
    low: str | None = None,
    high: str | None = None,
    ax: Axes | None = None,
    logx: bool = False,
    xlabel: str | None = None,
    ylabel: str = "power-law exponent $b$",
) -> Figure:
    """Point plot of exponents against a covariate, with optional intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per estimate.
    x, y : str
        Columns for the horizontal and vertical axes.
    hue : str, optional
        Column distinguishing methods or groups.
    low, high : str, optional
        Columns with interval bounds drawn as error bars.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    logx : bool, default False
        Log scale on the x axis.
    xlabel, ylabel : str, optional
        Axis labels.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = _axes(ax)
    groups = [(None, table)] if hue is None else list(
        table.groupby(hue, observed=True, sort=False)
    )
    colours = sns.color_palette("colorblind", n_colors=len(groups))
    for colour, (name, sub) in zip(colours, groups, strict=True):
        xs = sub[x].to_numpy()
        ys = sub[y].to_numpy(dtype=float)
        yerr = None
        if low is not None and high is not None:
            yerr = np.vstack([ys - sub[low].to_numpy(float), sub[high].to_numpy(float)
                              - ys])
        ax.errorbar(xs, ys, yerr=yerr, marker="o", capsize=3, color=colour,
                    label=None if name is None else str(name))
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel)
    if hue is not None:
        ax.legend(title=hue)
    return fig


# --- Chapter 2 (heavy tails): exact curves, onsets, simulations ---------------


def _positive_part(k: np.ndarray, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y_arr = np.asarray(y, dtype=float)
    keep = np.isfinite(y_arr) & (y_arr > 0)
    return k[keep], y_arr[keep]


def plot_tail_curves(
    k: ArrayLike,
    curves: Mapping[str, ArrayLike],
    *,
    asymptotes: Mapping[str, ArrayLike] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str = r"$-\log \mathrm{pass}_D@k$",
) -> Figure:
    """Exact curves of several laws on log-log axes, with their asymptotes.

    Parameters
    ----------
    k : array_like
        Attempt budgets.
    curves : mapping of str to array_like
        Label to curve values at ``k`` (non-positive values are skipped).
    asymptotes : mapping of str to array_like, optional
        Label (matching ``curves``) to the asymptote at ``k``, drawn
        dashed in the curve's colour.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    title : str, optional
        Axes title.
    ylabel : str, optional
        Label of the y axis.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = _axes(ax)
    k_arr = np.asarray(k, dtype=float)
    colours = sns.color_palette("colorblind", n_colors=len(curves))
    for colour, (label, values) in zip(colours, curves.items(), strict=True):
        ax.plot(*_positive_part(k_arr, values), color=colour, linewidth=1.6,
                label=label)
        if asymptotes and label in asymptotes:
            ax.plot(*_positive_part(k_arr, asymptotes[label]), color=colour,
                    linestyle="--", linewidth=1.0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("attempts $k$")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="lower left")
    return fig


def plot_local_exponents(
    k: ArrayLike,
    slopes: Mapping[str, ArrayLike],
    *,
    limits: Mapping[str, float] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    ylim: tuple[float, float] | None = None,
) -> Figure:
    r"""Local log-log exponents against ``k``, with their limits.

    A power law has a constant local exponent; an exponential's grows
    without bound; a plateau's falls to 0.

    Parameters
    ----------
    k : array_like
        Attempt budgets.
    slopes : mapping of str to array_like
        Label to local exponents :math:`-\mathrm{d}\log y/\mathrm{d}\log k`.
    limits : mapping of str to float, optional
        Label (matching ``slopes``) to the limiting exponent, drawn as a
        dotted horizontal line in the curve's colour.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    title : str, optional
        Axes title.
    ylim : tuple of float, optional
        Limits of the y axis.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = _axes(ax)
    k_arr = np.asarray(k, dtype=float)
    colours = sns.color_palette("colorblind", n_colors=len(slopes))
    for colour, (label, values) in zip(colours, slopes.items(), strict=True):
        ax.plot(k_arr, np.asarray(values, dtype=float), color=colour,
                linewidth=1.6, label=label)
        if limits and label in limits:
            ax.axhline(limits[label], color=colour, linestyle=":", linewidth=1.0)
    ax.set_xscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("attempts $k$")
    ax.set_ylabel(r"local exponent $-\mathrm{d}\log y / \mathrm{d}\log k$")
    if title:
        ax.set_title(title)
    ax.legend(loc="best")
    return fig


def _compact_k(value: float) -> str:
    if not np.isfinite(value):
        return ""
    if value < 1000:
        return f"{value:.0f}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def plot_onset_heatmap(
    table: pd.DataFrame,
    *,
    k_max: float | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    r"""Heatmap of the power law's onset over two shape parameters.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``alpha``, ``beta`` and ``onset_k`` (``inf`` where the
        onset lies beyond the budgets examined), as returned by
        :func:`llmonkeys.asymptotics.scaled_beta_onset_table`.
    k_max : float, optional
        Largest budget examined; cells beyond it are left blank and the
        colour bar says so.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; colour is :math:`\log_{10} k_\mathrm{on}` and each cell
        is annotated with :math:`k_\mathrm{on}`.
    """
    fig, ax = _axes(ax)
    onset = table.pivot(index="alpha", columns="beta", values="onset_k")
    onset = onset.sort_index(ascending=False)
    values = onset.to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        log_k = np.where(np.isfinite(values), np.log10(values), np.nan)
    labels = np.vectorize(_compact_k)(values)
    vmax = np.log10(k_max) if k_max is not None else None
    beyond = "" if k_max is None else f" (blank: beyond {_compact_k(k_max)})"
    sns.heatmap(
        pd.DataFrame(log_k, index=[f"{a:g}" for a in onset.index],
                     columns=[f"{b:g}" for b in onset.columns]),
        ax=ax, annot=labels, fmt="", cmap="mako_r", vmin=0, vmax=vmax,
        annot_kws={"fontsize": 7},
        cbar_kws={"label": r"$\log_{10} k_\mathrm{on}$" + beyond},
    )
    ax.set_xlabel(r"$\beta$")
    ax.set_ylabel(r"$\alpha$ (the exponent)")
    if title:
        ax.set_title(title)
    return fig


def _grid_axes(n: int, ncols: int, axes: Sequence[Axes] | None,
               sharey: bool = False) -> tuple[Figure, list[Axes]]:
    if axes is not None:
        axes = list(axes)
        if len(axes) < n:
            raise ValueError(f"need {n} axes; got {len(axes)}")
        return axes[0].figure, axes
    nrows = -(-n // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 3.0 * nrows),
                             sharex=True, sharey=sharey, squeeze=False)
    flat = list(grid.ravel())
    for extra in flat[n:]:
        extra.set_visible(False)
    return fig, flat


def plot_simulation_grid(
    sims: Mapping[str, object],
    *,
    asymptotes: Mapping[str, tuple[float, float]] | None = None,
    fits: Mapping[str, PowerLawFit] | None = None,
    ncols: int = 2,
    axes: Sequence[Axes] | None = None,
) -> Figure:
    r"""Small multiples of simulated benchmarks: estimate, exact, asymptote.

    Parameters
    ----------
    sims : mapping of str to SimulatedBenchmark
        Panel title to a simulation
        (:func:`llmonkeys.simulation.simulate_benchmark`) with ``k``,
        ``estimated``, ``finite`` and ``population``.
    asymptotes : mapping of str to (float, float), optional
        Panel title to ``(prefactor, exponent)`` of the power-law tail,
        drawn dashed.
    fits : mapping of str to PowerLawFit, optional
        Panel title to a fit of the estimated curve; its range is shaded
        and its exponent printed.
    ncols : int, default 2
        Panels per row.
    axes : sequence of matplotlib.axes.Axes, optional
        One axes per panel; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, flat = _grid_axes(len(sims), ncols, axes)
    for ax, (name, sim) in zip(flat, sims.items(), strict=False):
        k = np.asarray(sim.k, dtype=float)
        ax.plot(*_positive_part(k, sim.estimated), "o", markersize=3,
                color="C0", label="estimated from counts")
        ax.plot(*_positive_part(k, sim.finite), color="C1", linewidth=1.0,
                label="exact, these problems")
        if sim.population is not None:
            ax.plot(*_positive_part(k, sim.population), color="black",
                    linewidth=1.2, label="exact, population")
        if asymptotes and name in asymptotes:
            a, b = asymptotes[name]
            ax.plot(k, a * k ** (-b), linestyle="--", color="C2", linewidth=1.0,
                    label=r"asymptote $a k^{-b}$")
        if fits and name in fits:
            fit = fits[name]
            ax.axvspan(fit.k_min, fit.k_max, color="0.85", zorder=0)
            ax.text(0.97, 0.95, rf"fit $\hat b$ = {fit.exponent:.3f}",
                    transform=ax.transAxes, ha="right", va="top",
                    fontsize="small")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(name)
        ax.set_xlabel("attempts $k$")
        ax.set_ylabel(r"$-\log \mathrm{pass}_D@k$")
    flat[0].legend(loc="lower left", fontsize="x-small")
    return fig


def plot_finite_n_grid(
    results: Mapping[str, object],
    *,
    predicted: Mapping[str, float] | None = None,
    n_show: int = 8,
    ncols: int = 2,
    axes: Sequence[Axes] | None = None,
) -> Figure:
    r"""Small multiples over benchmark size: finite curves leave the law.

    Parameters
    ----------
    results : mapping of str to CrossoverResult
        Panel title to a result of
        :func:`llmonkeys.asymptotics.finite_sample_crossover`.
    predicted : mapping of str to float, optional
        Panel title to the predicted crossover, drawn as a dotted line.
    n_show : int, default 8
        Simulated benchmarks drawn per panel.
    ncols : int, default 2
        Panels per row.
    axes : sequence of matplotlib.axes.Axes, optional
        One axes per panel; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; the measured (median) crossover is a solid grey line.
    """
    fig, flat = _grid_axes(len(results), ncols, axes, sharey=True)
    for ax, (name, res) in zip(flat, results.items(), strict=False):
        k = np.asarray(res.k, dtype=float)
        for i, curve in enumerate(res.finite[:n_show]):
            ax.plot(*_positive_part(k, curve), color="C0", alpha=0.4,
                    linewidth=0.8, label="finite benchmarks" if i == 0 else None)
        ax.plot(k, res.population, color="black", linewidth=1.4,
                label="population")
        ax.axvline(res.crossover_k, color="0.4", linewidth=1.2,
                   label="measured crossover")
        if predicted and name in predicted:
            ax.axvline(predicted[name], color="C3", linestyle=":", linewidth=1.5,
                       label=r"predicted $k_N$")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(bottom=max(1e-12, float(np.min(res.population)) / 1e3))
        ax.set_title(name)
        ax.set_xlabel("attempts $k$")
        ax.set_ylabel(r"$-\log \mathrm{pass}_D@k$")
    flat[0].legend(loc="lower left", fontsize="x-small")
    return fig
