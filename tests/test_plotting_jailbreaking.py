"""Smoke tests of the Chapter 4 figures of llmonkeys.plotting."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import llmonkeys.plotting as plotting  # noqa: E402


def _curves():
    k = np.geomspace(1, 1000, 20)
    return pd.concat([
        pd.DataFrame({"curve": "true", "k": k, "y": k**-0.3}),
        pd.DataFrame({"curve": "estimate", "k": k, "y": 1.1 * k**-0.3}),
    ], ignore_index=True)


def test_plot_curves_against_truth():
    fig = plotting.plot_curves_against_truth(_curves(), title="t")
    left, right = fig.axes[:2]
    assert left.get_xscale() == "log" and left.get_yscale() == "log"
    (line,) = [ln for ln in right.get_lines() if ln.get_label() == "estimate"]
    np.testing.assert_allclose(line.get_ydata(), 0.1)
    plt.close(fig)
    single = plotting.plot_curves_against_truth(_curves(), errors=False)
    assert len(single.axes) == 1 and len(single.axes[0].get_lines()) == 2
    plt.close(single)
    with pytest.raises(ValueError, match="reference"):
        plotting.plot_curves_against_truth(_curves(), reference="missing")


def test_plot_decade_slopes():
    table = pd.DataFrame({"model": ["A", "A", "B", "B"], "k_low": [1, 10, 1, 10],
                          "k_high": [10, 100, 10, 100],
                          "slope": [0.3, 0.3, 0.4, 0.9]})
    fig, ax = plt.subplots()
    out = plotting.plot_decade_slopes(table, highlight="B", ax=ax, title="s")
    assert out is fig and len(ax.get_lines()) == 2
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), [10**0.5, 10**1.5])
    plt.close(fig)


def _legend_clear_of_axes(fig, legend, axes):
    """The legend's box and each axes' box do not overlap, once drawn."""
    fig.canvas.draw()
    box = legend.get_window_extent()
    return all(not box.overlaps(ax.get_window_extent()) for ax in axes)


def test_plot_curves_against_truth_legend_below_the_panels():
    fig = plotting.plot_curves_against_truth(_curves())
    assert all(ax.get_legend() is None for ax in fig.axes)
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["true", "estimate"]
    assert _legend_clear_of_axes(fig, legend, fig.axes)
    plt.close(fig)
    # On given axes, inside them unless asked; asked, below the subfigure.
    fig, ax = plt.subplots()
    plotting.plot_curves_against_truth(_curves(), errors=False, axes=[ax])
    assert ax.get_legend() is not None and not fig.legends
    plt.close(fig)
    fig = plt.figure(figsize=(6.5, 4.0), layout="constrained")
    left, _ = fig.subfigures(1, 2)
    ax = left.subplots()
    out = plotting.plot_curves_against_truth(_curves(), errors=False, axes=[ax],
                                             legend_below=True)
    assert out is left and ax.get_legend() is None
    assert _legend_clear_of_axes(fig, left.legends[0], [ax])
    plt.close(fig)


def test_plot_decade_slopes_legend_below():
    table = pd.DataFrame({"model": ["A", "A", "B", "B"], "k_low": [1, 10, 1, 10],
                          "k_high": [10, 100, 10, 100],
                          "slope": [0.3, 0.3, 0.4, 0.9]})
    fig = plotting.plot_decade_slopes(table, highlight="B")
    (ax,) = fig.axes
    assert ax.get_legend() is None
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["A", "B"]
    assert _legend_clear_of_axes(fig, legend, [ax])
    plt.close(fig)
