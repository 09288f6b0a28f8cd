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


def model_palette(models: Sequence[str]) -> dict[str, tuple[float, float, float]]:
    """Map ordered model names to colours of a sequential palette.

    Parameters
    ----------
    models : sequence of str
        Models in order (e.g. by size).

    Returns
    -------
    dict
        Model name to RGB colour.
    """
    colours = sns.color_palette("viridis", n_colors=len(models))
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

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    fig, ax = _axes(ax)
    names = list(dict.fromkeys(curves[group].astype(str)))
    palette = model_palette(names)
    for name in names:
        sub = curves[curves[group].astype(str) == name]
        keep = sub["y"].to_numpy() > 0
        ax.plot(sub["k"].to_numpy()[keep], sub["y"].to_numpy()[keep], marker="o",
                markersize=2.5, linewidth=1.2, color=palette[name], label=name)
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
