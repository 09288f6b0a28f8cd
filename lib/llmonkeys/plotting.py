"""Figures of the book: one function per figure type, ``Figure`` out.

Every function takes data and an optional ``ax``, labels its axes, and
returns the :class:`matplotlib.figure.Figure`; none shows or saves. The
theme is set once per chapter by :func:`set_style`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter
from matplotlib.transforms import offset_copy
from numpy.typing import ArrayLike

from llmonkeys.estimators import PowerLawFit

if TYPE_CHECKING:  # the command builds on plotting, not the other way
    from llmonkeys.cli import FitReport

__all__ = [
    "READER_NAMES",
    "reader_name",
    "method_styles",
    "set_style",
    "model_palette",
    "plot_failure_curves",
    "plot_puzzle",
    "plot_power_law_curves",
    "plot_exponents",
    "plot_tail_curves",
    "plot_local_exponents",
    "plot_onset_heatmap",
    "plot_simulation_grid",
    "plot_finite_n_grid",
    "plot_success_histograms",
    "plot_fitted_curves",
    "plot_exponent_trend",
    "plot_predictive_counts",
    "plot_delta_aic",
    "plot_curves_against_truth",
    "plot_decade_slopes",
    "plot_error_bands",
    "plot_forecast_curves",
    "plot_fit_report",
    "plot_power_curves",
]


def set_style() -> None:
    """Set the book's plotting theme (seaborn ``whitegrid``, paper context).

    Figures render at 200 dpi: a figure drawn for the 670 px text column
    (about 6.5 in wide) stays sharp on high-density screens and when a
    reader clicks it to see it full size. The default size fits the column.
    """
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    plt.rcParams.update(
        {
            "figure.figsize": (6.5, 3.8),
            "figure.dpi": 200,
            "savefig.dpi": 200,
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
        by size, qualitative ("colorblind") for unordered ones; for up to
        eight models "colorblind" gives the book's distinct colours
        (Okabe-Ito and Tol, with one orange only).

    Returns
    -------
    dict
        Model name to RGB colour.
    """
    if palette == "colorblind" and len(models) <= len(_METHOD_COLOURS):
        # The qualitative palette without its near-identical oranges.
        colours = [matplotlib.colors.to_rgb(c) for c in _METHOD_COLOURS]
    else:
        colours = sns.color_palette(palette, n_colors=len(models))
    return dict(zip(models, colours[: len(models)], strict=True))


#: Code names (families, forecasting methods) to the names a reader sees.
READER_NAMES: dict[str, str] = {
    "scaled-beta": "scaled Beta",
    "scaled-kumaraswamy": "scaled Kumaraswamy",
    "beta-mixture": "Beta mixture",
    "beta": "Beta",
    "kumaraswamy": "Kumaraswamy",
    "least-squares": "least squares",
    "distributional": "distributional",
    "tail-index": "tail index",
    "empirical-bayes": "empirical Bayes",
    "tail-eb": "tail empirical Bayes",
    "ensemble": "ensemble",
    "beta-binomial": "beta-binomial",
    "zero-inflated": "zero-inflated",
}


def reader_name(label: object) -> str:
    """Return the name a reader sees for a code name (legends, titles).

    Parameters
    ----------
    label : object
        A code name such as ``"scaled-beta"`` or ``"tail-eb"``; any other
        label is returned as a string, unchanged.

    Returns
    -------
    str
        The reader's name, e.g. ``"scaled Beta"``.

    Examples
    --------
    >>> reader_name("tail-eb")
    'tail empirical Bayes'
    >>> reader_name("Pythia 12B")
    'Pythia 12B'
    """
    text = str(label)
    return READER_NAMES.get(text, text)


#: Line styles and markers for up to eight methods: with the colour-blind
#: palette, every method differs from every other in at least two of
#: colour, dash and marker, so that no two read alike in grey either.
_DASHES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)),
           (0, (8, 2)), (0, (3, 1, 1, 1)))
_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
# Okabe-Ito blue, vermilion, bluish green, reddish purple and sky blue,
# Tol's wine, then Okabe-Ito orange and Tol's olive: no two are both
# orange, and none is the grey or black that figures keep for data and
# truth.
_METHOD_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9",
                   "#882255", "#E69F00", "#999933")


def method_styles(names: Sequence[str]) -> dict[str, dict[str, object]]:
    """Distinct colour, dash and marker for each of several methods.

    Parameters
    ----------
    names : sequence of str
        Method names in a fixed order (the order fixes the styles, so
        figures drawn with the same order agree).

    Returns
    -------
    dict
        Name to keyword arguments for :meth:`matplotlib.axes.Axes.plot`
        (``color``, ``linestyle``, ``marker``).
    """
    styles = {}
    for i, name in enumerate(names):
        j = i % len(_DASHES)
        styles[name] = {"color": _METHOD_COLOURS[j],
                        "linestyle": _DASHES[j], "marker": _MARKERS[j]}
    return styles


def _legend_below(fig: Figure, axes: Sequence[Axes], ncols: int = 3,
                  **kwargs: object) -> None:
    """One legend for the figure, below the panels, off the data."""
    handles, labels = [], []
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    fig.legend(handles, labels, loc="outside lower center", ncols=ncols,
               frameon=False, **kwargs)


def _legend_columns(fig: Figure, column_inches: float = 3.0) -> int:
    """How many legend columns of ``column_inches`` the (sub)figure holds."""
    width = fig.bbox.width / fig.dpi
    return max(1, int(width // column_inches))


def _plain_log_y(ax: Axes) -> None:
    """Plain tick labels (1, 2, 5 x 10^j) on a log y axis of few decades."""
    low, high = ax.get_ylim()
    if low > 0 and high / low < 300:
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(NullFormatter())


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


def plot_puzzle(
    p: ArrayLike,
    k: ArrayLike,
    *,
    n_show: int = 40,
    ax: Axes | None = None,
    title: str | None = None,
    ylim: tuple[float, float] = (1e-3, 10.0),
    unit: str = "problem",
) -> Figure:
    r"""Draw the puzzle: exponentials whose average is a power law.

    Thin lines are :math:`-\log \mathrm{pass}_i@k` of single problems,
    with :math:`\mathrm{pass}_i@k = 1 - (1 - p_i)^k`: each plunges
    faster than any power of ``k``. The thick line is
    :math:`-\log` of their average, :math:`-\log \frac{1}{N}\sum_i
    \mathrm{pass}_i@k`: on log-log axes it is a straight line.

    Parameters
    ----------
    p : array_like
        Per-problem success probabilities, each in (0, 1].
    k : array_like
        Attempt budgets (positive).
    n_show : int, default 40
        Problems drawn as thin lines, evenly spaced in rank of ``p`` (the
        average is always over all of ``p``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    title : str, optional
        Axes title.
    ylim : tuple of float, default (1e-3, 10)
        Limits of the y axis (single problems plunge far below it).
    unit : str, default "problem"
        What a row is, in the legend (``"prompt"`` for jailbreaking).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, on log-log axes.

    Raises
    ------
    ValueError
        If ``p`` is empty or outside (0, 1], or ``k`` is not positive.
    """
    p_arr = np.sort(np.asarray(p, dtype=float).ravel())
    k_arr = np.asarray(k, dtype=float).ravel()
    if p_arr.size == 0 or not np.all((p_arr > 0) & (p_arr <= 1)):
        raise ValueError("p must be a non-empty array of probabilities in (0, 1]")
    if k_arr.size == 0 or not np.all(k_arr > 0):
        raise ValueError("k must be a non-empty array of positive budgets")
    created = ax is None
    fig, ax = _axes(ax)
    # log pass_i@k = log(-expm1(k log1p(-p))), stable for tiny p and large k.
    with np.errstate(divide="ignore"):
        log_fail = k_arr[None, :] * np.log1p(-np.minimum(p_arr, 1.0))[:, None]
    log_pass = np.log(-np.expm1(log_fail))
    shown = np.unique(np.linspace(0, p_arr.size - 1, min(n_show, p_arr.size))
                      .round().astype(int))
    for j, i in enumerate(shown):
        ax.plot(*_positive_part(k_arr, -log_pass[i]), color="C0", alpha=0.35,
                linewidth=0.8,
                label=rf"single {unit}: $-\log \mathrm{{pass}}_i@k$" if j == 0
                else None)
    average = -np.log(np.mean(np.exp(log_pass), axis=0))
    ax.plot(*_positive_part(k_arr, average), color="black", linewidth=2.4,
            label=r"average: $-\log \frac{1}{N}\sum_i \mathrm{pass}_i@k$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(*ylim)
    ax.set_xlabel("attempts $k$")
    ax.set_ylabel(r"$-\log \mathrm{pass}@k$")
    if title:
        ax.set_title(title)
    if created:
        _legend_below(fig, [ax], ncols=2)
    else:
        ax.legend(loc="lower left", fontsize="small")
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
        The figure; the legend sits below the axes (inside them when
        ``ax`` is given).
    """
    created = ax is None
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
    _plain_log_y(ax)
    ax.set_xlabel("attempts $k$")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if created:
        _legend_below(fig, [ax], ncols=3)
    else:
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
    ylim: tuple[float, float] | None = None,
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
    ylim : tuple of float, optional
        Limits of the y axis (useful when a curve plunges to 1e-300).

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
    if ylim is not None:
        ax.set_ylim(*ylim)
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
    mantissa, exponent = f"{value:.1e}".split("e")
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
    beyond = ("" if k_max is None
              else f" (blank: beyond {_compact_k(k_max).replace('.0e', 'e')})")
    sns.heatmap(
        pd.DataFrame(log_k, index=[f"{a:g}" for a in onset.index],
                     columns=[f"{b:g}" for b in onset.columns]),
        ax=ax, annot=labels, fmt="", cmap="mako_r", vmin=0, vmax=vmax,
        annot_kws={"fontsize": 8},
        cbar_kws={"label": r"$\log_{10} k_\mathrm{on}$" + beyond},
    )
    ax.set_facecolor("0.92")  # cells beyond k_max
    ax.grid(False)
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
    # Drawn for the 6.5 in text column: the panels share its width, so
    # that fonts stay at their size when the page shows the figure.
    width = 6.5 if ncols > 1 else 4.5
    height = min(2.6, 0.8 * width / ncols + 0.6)
    fig, grid = plt.subplots(nrows, ncols, figsize=(width, height * nrows),
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
        if axes is None and not ax.get_subplotspec().is_last_row():
            ax.set_xlabel("")  # the x axis is shared: label the bottom row
    flat[0].legend(loc="lower left", fontsize="x-small")
    return fig


#: A red that reads as red (the colour-blind palette's "red" is vermilion,
#: which readers call orange).
_RED = "#c4122f"


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
            ax.axvline(predicted[name], color=_RED, linestyle=":", linewidth=1.8,
                       label=r"predicted $k_N$")
        ax.set_xscale("log")
        ax.set_yscale("log")
        population = np.asarray(res.population, dtype=float)
        ax.set_ylim(max(1e-12, float(np.min(population)) / 1e3),
                    float(np.max(population)) * 3)
        ax.set_title(name)
        ax.set_xlabel("attempts $k$")
        ax.set_ylabel(r"$-\log \mathrm{pass}_D@k$")
        if axes is None:
            ax.label_outer()
    _legend_below(fig, flat[: len(results)], ncols=2)
    return fig


# --- Chapter 3 (Pythia on MATH): histograms, fitted curves, trends ------------


def _family_colours(families: Sequence[str]) -> dict[str, tuple[float, float, float]]:
    # Every other colour of the palette, so that neighbours stay distinct.
    colours = sns.color_palette("colorblind", n_colors=10)
    return {f: colours[(2 * i) % 10] for i, f in enumerate(families)}


def _family_styles(families: Sequence[str]) -> dict[str, str]:
    styles = ("-", "--", "-.", ":")
    return {f: styles[i % len(styles)] for i, f in enumerate(families)}


def _legend_panel(fig: Figure, flat: list[Axes], n: int) -> None:
    """Put the legend of the first panel in the first unused panel, if any."""
    handles, labels = flat[0].get_legend_handles_labels()
    for ax in flat[:n]:  # shared x: label every panel, some have none below
        ax.tick_params(labelbottom=True)
    if len(flat) > n:
        spare = flat[n]
        spare.set_visible(True)
        spare.axis("off")
        spare.legend(handles, labels, loc="center", fontsize="small")
    else:
        flat[0].legend(handles, labels, loc="best", fontsize="x-small")


def plot_success_histograms(
    counts: pd.DataFrame,
    *,
    densities: pd.DataFrame | None = None,
    zeros: pd.DataFrame | None = None,
    bins_per_decade: int = 4,
    ncols: int = 2,
    axes: Sequence[Axes] | None = None,
    unit: str = "problems",
) -> Figure:
    r"""Histograms of per-problem success rates ``c/n`` on a log scale.

    One panel per model. Problems with ``c > 0`` are binned by
    :math:`\log_{10}(c/n)`; problems never solved (``c = 0``) have no
    logarithm and get their own bar, left of the axis break.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with columns ``model``, ``n``, ``c``.
    densities : pandas.DataFrame, optional
        Fitted densities with columns ``model``, ``family``, ``p`` and
        ``per_decade`` (expected problems per decade of ``p``), as from
        :func:`llmonkeys.fits.fitted_densities`; drawn as expected
        counts per bin over the range of the histogram.
    zeros : pandas.DataFrame, optional
        Columns ``model``, ``family``, ``expected``: the expected number
        of problems with ``c = 0`` under each fit (as from
        :func:`llmonkeys.checks.zero_count_check`), drawn as markers on
        the ``c = 0`` bar.
    bins_per_decade : int, default 4
        Histogram bins per factor of 10.
    ncols : int, default 2
        Panels per row.
    axes : sequence of matplotlib.axes.Axes, optional
        One axes per model; a new figure by default.
    unit : str, default "problems"
        What the rows are, in the labels (``"prompts"`` for jailbreaking).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    models = list(dict.fromkeys(counts["model"].astype(str)))
    fig, flat = _grid_axes(len(models), ncols, axes)
    rate = counts["c"].to_numpy(float) / counts["n"].to_numpy(float)
    solved = rate > 0
    width = 1.0 / bins_per_decade
    lo = np.floor(np.log10(rate[solved]).min() * bins_per_decade - 1e-9) * width
    edges = np.arange(lo, width / 2, width)
    x_zero = lo - 0.75
    families = [] if densities is None else list(dict.fromkeys(densities["family"]))
    if zeros is not None:
        families += [f for f in dict.fromkeys(zeros["family"]) if f not in families]
    colours = _family_colours(families)
    styles = _family_styles(families)
    offsets = dict(zip(families, np.linspace(-0.15, 0.15, max(len(families), 1)),
                       strict=False))
    markers = dict(zip(families, "osD^v<>", strict=False))
    for ax, model in zip(flat, models, strict=False):
        sub = counts[counts["model"].astype(str) == model]
        r = sub["c"].to_numpy(float) / sub["n"].to_numpy(float)
        hist, _ = np.histogram(np.log10(r[r > 0]), bins=edges)
        ax.bar(edges[:-1], hist, width=width, align="edge", color="0.75",
               edgecolor="white", label=f"{unit}, $c > 0$")
        ax.bar(x_zero, int(np.sum(r == 0)), width=0.5, color="0.45",
               edgecolor="white", label=f"{unit}, $c = 0$")
        if densities is not None:
            dsub = densities[densities["model"].astype(str) == model]
            for family, fam in dsub.groupby("family", sort=False, observed=True):
                x = np.log10(fam["p"].to_numpy(float))
                keep = x >= lo
                ax.plot(x[keep], fam["per_decade"].to_numpy(float)[keep] * width,
                        color=colours[family], linestyle=styles[family],
                        linewidth=1.4, label=reader_name(family))
        if zeros is not None:
            zsub = zeros[zeros["model"].astype(str) == model]
            for row in zsub.itertuples():
                ax.plot(x_zero + offsets[row.family], row.expected,
                        marker=markers[row.family], color=colours[row.family],
                        linestyle="none", markersize=5,
                        label=f"{reader_name(row.family)}, expected $c = 0$")
        ax.axvline(lo - 0.4, color="black", linewidth=0.8, linestyle=":")
        ticks = np.arange(np.ceil(lo), 0.5)
        ax.set_xticks([x_zero, *ticks],
                      ["0", *[f"$10^{{{int(t)}}}$" for t in ticks]])
        ax.set_title(model)
        ax.set_xlabel("success rate $c/n$")
        ax.set_ylabel(unit)
    _legend_panel(fig, flat, len(models))
    return fig


#: Ratio panels spanning more than this factor are drawn on a log axis.
_RATIO_LOG_SPAN = 5.0


def plot_fitted_curves(
    curves: pd.DataFrame,
    fitted: pd.DataFrame,
    *,
    ncols: int = 2,
    axes: Sequence[Axes] | None = None,
    ratio: bool = False,
) -> Figure:
    r"""Plot data curves with the exact curves of fitted laws, per model.

    Parameters
    ----------
    curves : pandas.DataFrame
        Estimated curves with columns ``model``, ``k``, ``y``
        (:math:`-\log \mathrm{pass}_D@k`), as from
        :func:`llmonkeys.estimators.curves_by_model`.
    fitted : pandas.DataFrame
        Exact curves of the fits, columns ``model``, ``family``, ``k``,
        ``y``, as from :func:`llmonkeys.fits.fitted_curves`.
    ncols : int, default 2
        Panels per row.
    axes : sequence of matplotlib.axes.Axes, optional
        One axes per model (two per model with ``ratio``: curve, then
        ratio); a new figure by default.
    ratio : bool, default False
        Under each panel, a panel of fit / data (each fitted curve over
        the data curve at the data's ``k``): a misfit of a few percent,
        invisible on log-log axes, shows as a departure from 1. A ratio
        panel whose values span more than a factor of 5 (a data curve
        that falls to 0) is drawn on a log axis.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, log-log axes (ratio panels: log ``k``, linear ratio).
    """
    models = list(dict.fromkeys(curves["model"].astype(str)))
    if ratio:
        fig, flat, below = _paired_axes(len(models), ncols, axes)
    else:
        fig, flat = _grid_axes(len(models), ncols, axes)
        below = []
    families = list(dict.fromkeys(fitted["family"]))
    colours, styles = _family_colours(families), _family_styles(families)
    for i, model in enumerate(models):
        ax = flat[i]
        sub = curves[curves["model"].astype(str) == model]
        k_data, y_data = _positive_part(sub["k"].to_numpy(float), sub["y"])
        ax.plot(k_data, y_data, "o", color="0.3", markersize=2.5, label="data")
        fsub = fitted[fitted["model"].astype(str) == model]
        for family, fam in fsub.groupby("family", sort=False, observed=True):
            k_fit, y_fit = _positive_part(fam["k"].to_numpy(float), fam["y"])
            ax.plot(k_fit, y_fit, color=colours[family], linestyle=styles[family],
                    linewidth=1.4, label=reader_name(family))
            if ratio and k_fit.size > 1 and k_data.size:
                inside = (k_data >= k_fit.min()) & (k_data <= k_fit.max())
                at_data = np.exp(np.interp(np.log(k_data[inside]), np.log(k_fit),
                                           np.log(y_fit)))
                below[i].plot(k_data[inside], at_data / y_data[inside],
                              color=colours[family], linestyle=styles[family],
                              linewidth=1.4)
        ax.set_xscale("log")
        ax.set_yscale("log")
        # Plain labels at 1, 2, 5 x 10^j where the curves span a few decades.
        _plain_log_y(ax)
        ax.set_title(model)
        ax.set_xlabel("attempts $k$")
        ax.set_ylabel(r"$-\log \mathrm{pass}_D@k$")
        if ratio:
            ax.set_xlabel("")
            ax.tick_params(labelbottom=False)
            below[i].axhline(1.0, color="0.3", linewidth=0.8)
            below[i].set_xscale("log")
            values = np.concatenate([line.get_ydata() for line in below[i].get_lines()])
            values = values[np.isfinite(values) & (values > 0)]
            if values.size and values.max() / values.min() > _RATIO_LOG_SPAN:
                # A misfit of many-fold (a curve that falls to 0) would
                # flatten every other ratio on a linear axis.
                below[i].set_yscale("log")
            below[i].set_xlabel("attempts $k$")
            below[i].set_ylabel("fit / data")
    if ratio:
        _legend_below(fig, flat[: len(models)], ncols=4)
    else:
        _legend_panel(fig, flat, len(models))
    return fig


def _paired_axes(n: int, ncols: int, axes: Sequence[Axes] | None
                 ) -> tuple[Figure, list[Axes], list[Axes]]:
    """Axes for ``n`` panels, each a curve above a short ratio panel."""
    if axes is not None:
        axes = list(axes)
        if len(axes) < 2 * n:
            raise ValueError(f"need {2 * n} axes (curve, ratio per panel); "
                             f"got {len(axes)}")
        return axes[0].figure, axes[0::2], axes[1::2]
    nrows = -(-n // ncols)
    fig = plt.figure(figsize=(6.5, 3.3 * nrows + 0.4))
    grid = fig.add_gridspec(2 * nrows, ncols, height_ratios=[2.2, 1.0] * nrows)
    top, bottom = [], []
    for i in range(n):
        row, col = divmod(i, ncols)
        upper = fig.add_subplot(grid[2 * row, col])
        top.append(upper)
        bottom.append(fig.add_subplot(grid[2 * row + 1, col], sharex=upper))
    return fig, top, bottom


def plot_exponent_trend(
    table: pd.DataFrame,
    covariate: Mapping[str, float],
    *,
    trends: Mapping[str, object] | None = None,
    ax: Axes | None = None,
    xlabel: str = "parameters",
    ylabel: str = "power-law exponent $b$",
    dodge: float = 0.03,
) -> Figure:
    """Exponents with intervals against a covariate, with fitted trends.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``model``, ``method``, ``estimate``, ``low``, ``high``, as
        from :func:`llmonkeys.exponents.bootstrap_exponents`.
    covariate : mapping of str to float
        Model to covariate (e.g. parameter count), drawn on a log axis.
    trends : mapping of str to TrendFit, optional
        Method to a fitted line in ``log10`` of the covariate (as from
        :func:`llmonkeys.studies.pythia_math.exponent_trends`), drawn dashed.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    xlabel, ylabel : str, optional
        Axis labels.
    dodge : float, default 0.03
        Horizontal offset between methods, in decades.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = _axes(ax)
    methods = list(dict.fromkeys(table["method"]))
    colours = dict(zip(methods, sns.color_palette("colorblind", len(methods)),
                       strict=True))
    shifts = (np.arange(len(methods)) - (len(methods) - 1) / 2) * dodge
    x_all = np.array([covariate[str(m)] for m in table["model"]], dtype=float)
    for shift, method in zip(shifts, methods, strict=True):
        sub = table[table["method"] == method]
        x = np.array([covariate[str(m)] for m in sub["model"]], dtype=float)
        y = sub["estimate"].to_numpy(float)
        yerr = np.vstack([y - sub["low"].to_numpy(float),
                          sub["high"].to_numpy(float) - y])
        ax.errorbar(x * 10.0**shift, y, yerr=yerr, marker="o", linestyle="none",
                    capsize=3, color=colours[method], label=reader_name(method))
        if trends and method in trends:
            xx = np.geomspace(x_all.min(), x_all.max(), 50)
            ax.plot(xx, trends[method].predict(xx), linestyle="--",
                    linewidth=1.0, color=colours[method])
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(title="method", loc="best")
    return fig


def _require_columns(table: pd.DataFrame, columns: Sequence[str],
                     name: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, "
                        f"got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; "
                         f"needs {list(columns)}")
    if table.empty:
        raise ValueError(f"{name} is empty")


def _model_rows(ax: Axes, models: Sequence[str]) -> None:
    """Models as rows, first at the top."""
    ax.set_yticks(np.arange(len(models)), labels=list(models))
    ax.set_ylim(len(models) - 0.5, -0.5)
    ax.grid(False, axis="y")


def plot_predictive_counts(
    check: pd.DataFrame,
    *,
    ax: Axes | None = None,
    xlabel: str = "problems never solved",
    dodge: float = 0.22,
) -> Figure:
    """Observed counts against predictive intervals, one row per model.

    Draws, for each model, the observed count (black cross) and, for each
    fitted law, its expected count (marker) with the central predictive
    interval (bar); an observed count outside a bar is a misfit.

    Parameters
    ----------
    check : pandas.DataFrame
        Columns ``model``, ``family``, ``observed``, ``expected``, ``low``,
        ``high``, as from :func:`llmonkeys.checks.zero_count_check`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    xlabel : str, default "problems never solved"
        Label of the count axis.
    dodge : float, default 0.22
        Vertical offset between the laws of one model, in rows.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, models top to bottom in their order in ``check``.

    Raises
    ------
    TypeError
        If ``check`` is not a DataFrame.
    ValueError
        If a column is missing or ``check`` is empty.
    """
    _require_columns(check, ["model", "family", "observed", "expected", "low",
                             "high"], "check")
    models = list(dict.fromkeys(check["model"].astype(str)))
    families = list(dict.fromkeys(check["family"]))
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 0.42 * len(models) + 1.3))
    else:
        fig = ax.figure
    row = {m: i for i, m in enumerate(models)}
    colours = _family_colours(families)
    shifts = (np.arange(len(families)) - (len(families) - 1) / 2) * dodge
    for shift, family, marker in zip(shifts, families, _MARKERS, strict=False):
        sub = check[check["family"] == family]
        y = np.array([row[str(m)] for m in sub["model"]], dtype=float) + shift
        x = sub["expected"].to_numpy(float)
        xerr = np.vstack([x - sub["low"].to_numpy(float),
                          sub["high"].to_numpy(float) - x])
        ax.errorbar(x, y, xerr=xerr, marker=marker, linestyle="none",
                    capsize=2.5, markersize=4.5, color=colours[family],
                    label=f"{reader_name(family)}: expected, 95% interval")
    observed = check.drop_duplicates("model")
    ax.plot(observed["observed"].to_numpy(float),
            [row[str(m)] for m in observed["model"]], "x", color="black",
            markersize=7, markeredgewidth=1.8, label="observed")
    _model_rows(ax, models)
    ax.set_xlabel(xlabel)
    _legend_below(fig, [ax], ncols=2)
    return fig


def plot_delta_aic(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    linthresh: float = 1.0,
) -> Figure:
    r"""AIC of each fitted law above the best, one row per model.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``model``, ``family``, ``delta_aic`` (excess over the best
        law of the model, so the best has 0), as from
        :func:`llmonkeys.fits.fit_families_by_model`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    linthresh : float, default 1.0
        The axis is linear below ``linthresh`` and logarithmic above, so
        that 0 (the best law) and differences of hundreds both show.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, models top to bottom in their order in ``table``.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame.
    ValueError
        If a column is missing, ``table`` is empty, a ``delta_aic`` is
        negative or not finite, or ``linthresh`` is not positive.
    """
    _require_columns(table, ["model", "family", "delta_aic"], "table")
    delta = table["delta_aic"].to_numpy(float)
    if not np.all(np.isfinite(delta)) or np.any(delta < 0):
        raise ValueError("delta_aic must be finite and >= 0 (excess over the "
                         f"best law); got min {np.nanmin(delta)}")
    if not linthresh > 0:
        raise ValueError(f"linthresh must be positive, got {linthresh}")
    models = list(dict.fromkeys(table["model"].astype(str)))
    families = list(dict.fromkeys(table["family"]))
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 0.42 * len(models) + 1.3))
    else:
        fig = ax.figure
    row = {m: i for i, m in enumerate(models)}
    colours = _family_colours(families)
    for family, marker in zip(families, _MARKERS, strict=False):
        sub = table[table["family"] == family]
        ax.plot(sub["delta_aic"].to_numpy(float),
                [row[str(m)] for m in sub["model"]], marker=marker,
                linestyle="none", markersize=6, color=colours[family],
                markerfacecolor="none" if marker in "sD" else colours[family],
                label=reader_name(family))
    ax.set_xscale("symlog", linthresh=linthresh)
    ax.set_xlim(left=-0.3 * linthresh)
    ax.axvline(0.0, color="0.3", linewidth=0.8)
    _model_rows(ax, models)
    ax.set_xlabel(r"$\Delta\mathrm{AIC}$ to the best law (0 = best; "
                  "log scale above 1)")
    _legend_below(fig, [ax], ncols=len(families))
    return fig


# --- Chapter 4 (jailbreaking): early stopping, decade slopes --------------------


def plot_curves_against_truth(
    curves: pd.DataFrame,
    *,
    reference: str = "true",
    errors: bool = True,
    axes: Sequence[Axes] | None = None,
    title: str | None = None,
    legend_below: bool | None = None,
) -> Figure:
    r"""Estimated curves beside a reference curve, and their relative errors.

    The curves on log-log axes (the reference thick and black, the others
    coloured, each with its own line style) and, with ``errors``, a
    second panel of :math:`y / y_\mathrm{ref} - 1` against ``k``.

    Parameters
    ----------
    curves : pandas.DataFrame
        Long format with columns ``curve``, ``k``, ``y``, as in
        :class:`llmonkeys.studies.jailbreaking.EarlyStoppingStudy`; non-positive
        or infinite values are not drawn.
    reference : str, default "true"
        Name of the reference curve.
    errors : bool, default True
        Draw the panel of relative errors.
    axes : sequence of matplotlib.axes.Axes, optional
        One axes (two with ``errors``) to draw on; a new figure by
        default.
    title : str, optional
        Title of the left panel.
    legend_below : bool, optional
        Put the legend below the panels, off the data, as a legend of the
        (sub)figure holding ``axes``; otherwise inside the left panel. By
        default below when the function makes its own figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (the subfigure holding ``axes``, if they lie in one).

    Raises
    ------
    ValueError
        If ``reference`` is not one of the curves.
    """
    names = list(dict.fromkeys(curves["curve"].astype(str)))
    if reference not in names:
        raise ValueError(f"reference {reference!r} is not a curve; got {names}")
    if legend_below is None:
        legend_below = axes is None
    if axes is None:
        if errors:
            _, axes = plt.subplots(1, 2, figsize=(6.5, 3.8), layout="constrained")
        else:
            _, ax = plt.subplots()
            axes = [ax]
    fig = axes[0].figure
    ref = curves[curves["curve"].astype(str) == reference]
    k_ref = ref["k"].to_numpy(float)
    y_ref = ref["y"].to_numpy(float)
    others = [n for n in names if n != reference]
    colours = dict(zip(others, sns.color_palette("colorblind", len(others)),
                       strict=True))
    styles = dict(zip(others, ["-", "--", "-.", ":"] * len(others), strict=False))
    axes[0].plot(*_positive_part(k_ref, y_ref), color="black", linewidth=2.0,
                 label=reference)
    for name in others:
        sub = curves[curves["curve"].astype(str) == name]
        k = sub["k"].to_numpy(float)
        y = sub["y"].to_numpy(float)
        axes[0].plot(*_positive_part(k, y), color=colours[name],
                     linestyle=styles[name], linewidth=1.4, label=name)
        if errors:
            with np.errstate(all="ignore"):
                rel = y / np.interp(k, k_ref, y_ref) - 1.0
            axes[1].plot(k, rel, color=colours[name], linestyle=styles[name],
                         linewidth=1.4, label=name)
    axes[0].set_xscale("log")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("attempts $k$")
    axes[0].set_ylabel(r"$-\log \mathrm{pass}_D@k$")
    if legend_below:
        _legend_below(fig, [axes[0]], ncols=_legend_columns(fig, 2.2))
    else:
        axes[0].legend(loc="lower left", fontsize="small")
    if errors:
        axes[1].axhline(0.0, color="black", linewidth=1.2)
        axes[1].set_xscale("log")
        axes[1].set_xlabel("attempts $k$")
        axes[1].set_ylabel(f"relative error against {reference}")
    if title:
        axes[0].set_title(title)
    return fig


def plot_decade_slopes(
    table: pd.DataFrame,
    *,
    highlight: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    legend_below: bool | None = None,
) -> Figure:
    r"""Least-squares log-log slope of each model's curve, decade by decade.

    A power law has the same slope in every decade: a flat line here.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``model``, ``k_low``, ``k_high`` and ``slope``, as
        :func:`llmonkeys.checks.decade_slopes` for each model.
    highlight : str, optional
        A model drawn thick and black; the others thin and coloured.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    title : str, optional
        Axes title.
    legend_below : bool, optional
        Put the legend below the axes, off the data, as a legend of the
        (sub)figure holding ``ax``; otherwise inside the axes. By default
        below when the function makes its own figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (the subfigure holding ``ax``, if it lies in one); each
        slope is drawn at the decade's geometric centre.
    """
    if legend_below is None:
        legend_below = ax is None
    fig, ax = _axes(ax)
    models = list(dict.fromkeys(table["model"].astype(str)))
    colours = model_palette(models, "colorblind")
    for model in models:
        sub = table[table["model"].astype(str) == model]
        centre = np.sqrt(sub["k_low"].to_numpy(float) * sub["k_high"].to_numpy(float))
        strong = model == highlight
        ax.plot(centre, sub["slope"].to_numpy(float), marker="o",
                color="black" if strong else colours[model],
                linewidth=2.2 if strong else 1.0,
                markersize=6 if strong else 4, label=model, zorder=3 if strong else 2)
    ax.set_xscale("log")
    ax.set_xlabel("attempts $k$ (decade centre)")
    ax.set_ylabel("slope $b$ fitted within the decade")
    if title:
        ax.set_title(title)
    if legend_below:
        _legend_below(fig, [ax], ncols=_legend_columns(fig, 2.2))
    else:
        ax.legend(loc="upper left", fontsize="small")
    return fig


def plot_error_bands(
    table: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str,
    low: str | None = None,
    high: str | None = None,
    col: str | None = None,
    col_format: str = "{}",
    order: Sequence[str] | None = None,
    axes: Sequence[Axes] | None = None,
    logx: bool = True,
    logy: bool = False,
    xlabel: str | None = None,
    ylabel: str | None = None,
    band: str = "auto",
    ncols: int = 2,
) -> Figure:
    """Error against budget, one line per method, with its spread.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per point: columns ``x``, ``y``, ``hue`` and optionally
        ``low``, ``high`` (band limits) and ``col`` (panels).
    x, y : str
        Columns of the horizontal axis (e.g. the budget) and the error.
    hue : str
        Column naming the lines (e.g. the method).
    low, high : str, optional
        Columns of the band drawn around each line (e.g. quartiles over
        seeds, or a confidence interval).
    col : str, optional
        Column splitting the data into side-by-side panels.
    col_format : str, default "{}"
        Format of the panel titles, given the ``col`` value.
    order : sequence of str, optional
        Order of the ``hue`` values, which also fixes their colours and
        markers (so that several figures drawn with the same ``order``
        agree even if some values are missing); by default the order of
        first appearance.
    axes : sequence of matplotlib.axes.Axes, optional
        One axes per panel; a new figure by default.
    logx, logy : bool
        Log scales (default: log ``x``, linear ``y``).
    xlabel, ylabel : str, optional
        Axis labels (default: the column names).
    band : {"auto", "fill", "errorbar"}, default "auto"
        How the spread is drawn: a shaded band, or dodged error bars
        (which stay readable when many methods overlap); ``"auto"``
        shades up to three methods and uses error bars beyond.
    ncols : int, default 2
        Panels per row (the text column holds two); with a spare slot in
        the last row, the legend goes there.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; each method has its own colour, dash and marker, and
        the legend sits below the panels (in the last panel when ``axes``
        are given).

    Raises
    ------
    ValueError
        If ``band`` is not one of the allowed values.
    """
    panels = [(None, table)] if col is None else list(
        table.groupby(col, observed=True, sort=True)
    )
    if axes is None:
        ncols = max(1, min(ncols, len(panels)))
        nrows = -(-len(panels) // ncols)
        fig, grid = plt.subplots(nrows, ncols,
                                 figsize=(6.5, 3.6 if nrows == 1 else 2.9 * nrows),
                                 sharey=True, squeeze=False)
        flat = list(grid.ravel())
    else:
        flat = list(axes)
        fig = flat[0].figure
    present = list(dict.fromkeys(table[hue].astype(str)))
    names = present if order is None else [str(v) for v in order]
    styles = method_styles(names)
    names = [name for name in names if name in present]
    if band == "auto":
        band = "fill" if len(names) <= 3 else "errorbar"
    if band not in ("fill", "errorbar"):
        raise ValueError(f"band must be 'auto', 'fill' or 'errorbar'; got {band!r}")
    # Error bars of neighbouring methods are dodged by a few percent of a
    # decade (on a log x axis) so that they do not hide each other.
    dodge = 10.0 ** ((np.arange(len(names)) - (len(names) - 1) / 2) * 0.05)
    for ax, (value, sub) in zip(flat, panels, strict=False):
        for j, name in enumerate(names):
            line = sub[sub[hue].astype(str) == name].sort_values(x)
            if line.empty:
                continue
            xs = line[x].to_numpy(float)
            ys = line[y].to_numpy(float)
            spread = low is not None and high is not None
            if spread and band == "errorbar":
                xs_drawn = xs * dodge[j] if logx else xs
                yerr = np.vstack([ys - line[low].to_numpy(float),
                                  line[high].to_numpy(float) - ys])
                ax.errorbar(xs_drawn, ys, yerr=np.clip(yerr, 0, None),
                            label=reader_name(name), linewidth=1.2,
                            markersize=4, capsize=2, elinewidth=0.9,
                            **styles[name])
                continue
            ax.plot(xs, ys, label=reader_name(name), linewidth=1.4,
                    markersize=4, **styles[name])
            if spread:
                ax.fill_between(xs, line[low].to_numpy(float),
                                line[high].to_numpy(float),
                                color=styles[name]["color"], alpha=0.15,
                                linewidth=0)
        if logx:
            ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
            _plain_log_y(ax)
        # Side by side, one x label (under the middle panel) is enough:
        # repeated, the labels run into each other.
        if axes is not None or len(panels) <= 2 or len(flat) > len(panels) \
                or ax is flat[(len(panels) - 1) // 2]:
            ax.set_xlabel(xlabel or x)
            ax.tick_params(labelbottom=True)
        if value is not None:
            ax.set_title(col_format.format(value))
    flat[0].set_ylabel(ylabel or y)
    if axes is None:
        for ax in flat[ncols: len(panels): ncols]:  # first column, lower rows
            ax.set_ylabel(ylabel or y)
    if axes is None and len(flat) > len(panels):
        for extra in flat[len(panels) + 1:]:
            extra.set_visible(False)
        spare = flat[len(panels)]
        spare.axis("off")
        handles, labels = flat[0].get_legend_handles_labels()
        spare.legend(handles, labels, loc="center", frameon=False)
    elif axes is None:
        _legend_below(fig, flat[: len(panels)], ncols=3)
    else:
        flat[len(panels) - 1].legend(fontsize="small")
    return fig


def plot_forecast_curves(
    k: ArrayLike,
    truth: ArrayLike,
    forecasts: Mapping[str, ArrayLike],
    *,
    budget: float,
    observed: tuple[ArrayLike, ArrayLike] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    r"""Forecasts of :math:`-\log \mathrm{pass}_D@k` against the truth.

    Parameters
    ----------
    k : array_like
        Budgets of ``truth`` and of every forecast.
    truth : array_like
        The target curve (e.g. from all the attempts).
    forecasts : mapping of str to array_like
        Method name to its forecast at ``k``.
    budget : float
        Attempts per problem the forecasts were made from, marked by a
        vertical line.
    observed : tuple of array_like, optional
        ``(k, y)`` of the curve estimated from the ``budget`` attempts.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, on log-log axes; the legend sits below the axes
        (inside them when ``ax`` is given).
    """
    created = ax is None
    fig, ax = _axes(ax)
    k_arr = np.asarray(k, dtype=float)
    ax.plot(k_arr, np.asarray(truth, dtype=float), color="black", linewidth=2.4,
            label="truth (all attempts)", zorder=1)
    if observed is not None:
        ax.plot(np.asarray(observed[0], float), np.asarray(observed[1], float),
                color="grey", marker="o", markersize=3, linewidth=1,
                label=f"estimated from {budget:g} attempts")
    styles = method_styles(list(forecasts))
    every = max(1, k_arr.size // 8)
    for name, values in forecasts.items():
        ax.plot(k_arr, np.asarray(values, dtype=float), linewidth=1.4,
                markersize=4, markevery=every, label=reader_name(name),
                **styles[name])
    ax.axvline(budget, color="grey", linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain_log_y(ax)
    ax.set_xlabel("attempts $k$")
    ax.set_ylabel(r"$-\log \mathrm{pass}_D@k$")
    if title:
        ax.set_title(title)
    if created:
        _legend_below(fig, [ax], ncols=3)
    else:
        ax.legend(fontsize="small", loc="best")
    return fig


def plot_fit_report(report: FitReport) -> Figure:
    r"""Figure of each model's curve, fits and forecast.

    Parameters
    ----------
    report : llmonkeys.cli.FitReport
        As returned by :func:`llmonkeys.cli.fit` (the ``fit`` command
        draws this figure into ``fit_curves.png`` with ``--out``).

    Returns
    -------
    matplotlib.figure.Figure
        One log-log panel per model (up to two per row):
        :math:`-\log\mathrm{pass}_D@k` of the data (dots), the
        least-squares power law (dashed), the fitted scaled Beta law
        (solid) and the forecasts with their intervals (error bars).
    """
    count = len(report.models)
    cols = min(count, 2)
    rows = math.ceil(count / cols)
    # Drawn for the 6.5 in text column (one panel: 4.5 in, centred).
    fig, axes = plt.subplots(rows, cols,
                             figsize=(6.5 if cols > 1 else 4.5, 2.9 * rows + 0.5),
                             squeeze=False, layout="constrained")
    for ax in axes.ravel()[count:]:
        ax.set_visible(False)
    for ax, m in zip(axes.ravel(), report.models, strict=False):
        keep = np.isfinite(m.curve["y"]) & (m.curve["y"] > 0)
        ax.plot(m.curve["k"][keep], m.curve["y"][keep], "o", ms=2.5,
                color="0.3", label="data")
        ax.plot(m.fitted["k"], m.fitted["least_squares"], "--",
                label="least squares")
        ax.plot(m.fitted["k"], m.fitted["distributional"], "-",
                label="scaled Beta fit")
        if len(m.forecast):
            f = m.forecast
            err = np.vstack([f["neg_log"] - f["neg_log_low"],
                             f["neg_log_high"] - f["neg_log"]])
            method = reader_name(f["method"].iloc[0])
            ax.errorbar(f["k"], f["neg_log"], yerr=err, fmt="s", ms=4, capsize=3,
                        color="black", label=f"forecast ({method})")
        ax.set(xscale="log", yscale="log", title=m.model, xlabel="attempts $k$",
               ylabel=r"$-\log\,\mathrm{pass}_D@k$")
    # The legend below the panels, off the data.
    fig.legend(*axes.ravel()[0].get_legend_handles_labels(), fontsize="small",
               frameon=False, loc="outside lower center", ncols=2)
    return fig


def plot_power_curves(
    curves: pd.DataFrame,
    *,
    design_problems: float | None = None,
    target: float | None = 0.8,
) -> Figure:
    """Power of likelihood-ratio tests against the number of problems.

    One panel per question, one colour per number of attempts ``n``, one
    line style per alternative.

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``question`` (panel title), ``alternative`` (line style),
        ``n`` (colour), ``problems`` and ``power``, as from
        :func:`llmonkeys.studies.pythia_math.power_curves`.
    design_problems : float, optional
        A number of problems to mark with a vertical line (a real design).
    target : float, optional
        A power to mark with a horizontal line.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, panels side by side; below each panel a legend of its
        line styles (its alternatives), below them one legend of the
        colours (the numbers of attempts).

    Raises
    ------
    ValueError
        If a column is missing.
    """
    needed = {"question", "alternative", "n", "problems", "power"}
    if missing := needed - set(curves.columns):
        raise ValueError(f"curves lacks columns {sorted(missing)}")
    questions = list(dict.fromkeys(curves["question"]))
    fig, axes = plt.subplots(1, len(questions), figsize=(6.5, 3.6), sharey=True,
                             squeeze=False, layout="constrained")
    ns = sorted(curves["n"].unique())
    colours = dict(zip(ns, sns.color_palette("colorblind", len(ns)), strict=True))
    styles = ["-", "--", ":", "-."]
    for ax, question in zip(axes[0], questions, strict=True):
        sub = curves[curves["question"] == question]
        alternatives = list(dict.fromkeys(sub["alternative"]))
        for style, alt in zip(styles, alternatives, strict=False):
            for n in ns:
                line = sub[(sub["alternative"] == alt) & (sub["n"] == n)]
                if line.empty:
                    continue
                ax.plot(line["problems"], line["power"], linestyle=style,
                        color=colours[n])
        if design_problems is not None:
            ax.axvline(design_problems, color="0.3", linewidth=0.8)
        if target is not None:
            ax.axhline(target, color="0.5", linewidth=0.8, linestyle=":")
        ax.set_xscale("log")
        ax.set_xlabel("problems P")
        ax.set_title(question, fontsize="medium")
        ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
        # The panel's alternatives, in grey, just below its x label.
        keys = [Line2D([], [], color="0.3", linestyle=style)
                for style in styles[: len(alternatives)]]
        ax.legend(keys, alternatives[: len(styles)], loc="upper center",
                  bbox_to_anchor=(0.5, 0.0), frameon=False,
                  bbox_transform=offset_copy(ax.transAxes, fig=fig, y=-40,
                                             units="points"))
    axes[0][0].set_ylabel("power (5% level)")
    axes[0][0].set_ylim(0, 1.02)
    keys = [Line2D([], [], color=colours[n]) for n in ns]
    fig.legend(keys, [f"{n:,}" for n in ns], title="attempts n",
               loc="outside lower center", ncols=len(ns), frameon=False)
    return fig
