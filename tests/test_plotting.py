"""Tests of the figure conventions of llmonkeys.plotting (issue 15).

Reader names in legends, a distinct colour, dash and marker per method,
legends off the data, the puzzle's picture and the ratio panels.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import llmonkeys.plotting as plotting  # noqa: E402
from llmonkeys.fits import FAMILIES  # noqa: E402
from llmonkeys.forecast import FORECAST_METHODS  # noqa: E402


def _legend_labels(fig):
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes
                                   if ax.get_legend() is not None]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def test_reader_names_cover_code_names():
    # Hyphens of code names never reach the reader, except in the
    # compounds that English spells with one.
    english = {"beta-binomial", "zero-inflated"}
    for name in (*FORECAST_METHODS, *FAMILIES):
        shown = plotting.reader_name(name)
        assert "-" not in shown or shown in english, (name, shown)
    assert plotting.reader_name("tail-eb") == "tail empirical Bayes"
    assert plotting.reader_name("Pythia 12B") == "Pythia 12B"


def test_method_styles_differ_pairwise():
    styles = plotting.method_styles(FORECAST_METHODS)
    values = list(styles.values())
    for i, a in enumerate(values):
        for b in values[i + 1:]:
            same = sum(a[key] == b[key] for key in ("color", "linestyle", "marker"))
            assert same == 0, (a, b)


def test_forecast_curves_legend_below_with_reader_names():
    k = np.geomspace(1, 1000, 30)
    forecasts = {m: k ** -0.3 * (1 + 0.01 * i) for i, m in enumerate(FORECAST_METHODS)}
    fig = plotting.plot_forecast_curves(k, k ** -0.3, forecasts, budget=100)
    assert fig.axes[0].get_legend() is None  # not on the curves
    labels = _legend_labels(fig)
    assert "tail empirical Bayes" in labels and "tail-eb" not in labels
    styles = {(ln.get_linestyle(), ln.get_marker()) for ln in fig.axes[0].get_lines()
              if ln.get_label() in {plotting.reader_name(m) for m in FORECAST_METHODS}}
    assert len(styles) == len(FORECAST_METHODS)
    plt.close(fig)


def _bands(n_methods):
    rows = []
    for i, m in enumerate(FORECAST_METHODS[:n_methods]):
        for n in (10, 100, 1000):
            rows.append({"method": m, "n": n, "err": 0.1 + 0.01 * i,
                         "lo": 0.05, "hi": 0.2})
    return pd.DataFrame(rows)


def test_error_bands_many_methods_use_dodged_error_bars():
    fig = plotting.plot_error_bands(_bands(6), x="n", y="err", hue="method",
                                    low="lo", high="hi")
    ax = fig.axes[0]
    assert not ax.collections or all(
        type(c).__name__ != "FillBetweenPolyCollection" for c in ax.collections)
    labels = {c.get_label() for c in ax.containers}
    assert labels == {plotting.reader_name(m) for m in FORECAST_METHODS[:6]}
    xs = {tuple(np.round(c.lines[0].get_xdata(), 6)) for c in ax.containers}
    assert len(xs) == 6  # dodged: no two methods share x positions
    plt.close(fig)
    few = plotting.plot_error_bands(_bands(2), x="n", y="err", hue="method",
                                    low="lo", high="hi")
    assert len(few.axes[0].collections) == 2  # two shaded bands
    plt.close(few)
    with pytest.raises(ValueError, match="band"):
        plotting.plot_error_bands(_bands(2), x="n", y="err", hue="method",
                                  low="lo", high="hi", band="smear")


def test_plot_puzzle_average_is_minus_log_mean():
    p = np.array([0.5, 0.05, 0.005])
    k = np.geomspace(1, 100, 20)
    fig = plotting.plot_puzzle(p, k, ylim=(1e-12, 10))
    (avg,) = [ln for ln in fig.axes[0].get_lines() if ln.get_linewidth() > 2]
    expected = -np.log(np.mean(1 - (1 - p[:, None]) ** k, axis=0))
    np.testing.assert_allclose(avg.get_ydata(), expected, rtol=1e-12)
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_yscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match="p must"):
        plotting.plot_puzzle([0.0, 0.5], k)
    with pytest.raises(ValueError, match="k must"):
        plotting.plot_puzzle([0.5], [0, 1])


def test_fitted_curves_ratio_panels():
    k = np.geomspace(1, 1000, 15)
    curves = pd.DataFrame({"model": "A", "k": k, "y": k ** -0.3})
    fitted = pd.DataFrame({"model": "A", "family": "scaled-beta", "k": k,
                           "y": 1.1 * k ** -0.3})
    fig = plotting.plot_fitted_curves(curves, fitted, ratio=True)
    assert len(fig.axes) == 2
    (ratio,) = fig.axes[1].get_lines()[:1]
    np.testing.assert_allclose(ratio.get_ydata(), 1.1, rtol=1e-9)
    assert "scaled Beta" in _legend_labels(fig)
    plt.close(fig)
    plain = plotting.plot_fitted_curves(curves, fitted)
    assert "scaled Beta" in _legend_labels(plain)
    assert plain.get_size_inches()[0] <= 6.5  # drawn for the text column
    plt.close(plain)


def test_success_histograms_unit():
    counts = pd.DataFrame({"model": "A", "n": 100, "c": [0, 1, 5, 50]})
    fig = plotting.plot_success_histograms(counts, unit="prompts")
    assert fig.axes[0].get_ylabel() == "prompts"
    assert any("prompts" in t for t in _legend_labels(fig))
    plt.close(fig)


def _check_frame():
    return pd.DataFrame({
        "model": ["A", "A", "B", "B"],
        "family": ["scaled-beta", "beta-mixture"] * 2,
        "observed": [10, 10, 3, 3],
        "expected": [12.0, 9.5, 4.0, 2.5],
        "low": [6.0, 5.0, 1.0, 0.0],
        "high": [18.0, 15.0, 8.0, 6.0],
    })


def test_predictive_counts_draws_intervals_and_observed():
    check = _check_frame()
    fig = plotting.plot_predictive_counts(check, xlabel="prompts never broken")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "prompts never broken"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    (observed,) = [line for line in ax.get_lines()
                   if line.get_label() == "observed"]
    np.testing.assert_array_equal(observed.get_xdata(), [10, 3])
    np.testing.assert_array_equal(observed.get_ydata(), [0, 1])
    # Each law's bar spans its interval, at its model's row (dodged).
    bars = [c for c in ax.collections if c.get_segments()]
    spans = sorted(tuple(seg[:, 0]) for c in bars for seg in c.get_segments())
    assert spans == sorted([(6.0, 18.0), (5.0, 15.0), (1.0, 8.0), (0.0, 6.0)])
    labels = _legend_labels(fig)
    assert "scaled Beta: expected, 95% interval" in labels and "observed" in labels
    plt.close(fig)


def test_predictive_counts_rejects_bad_input():
    with pytest.raises(ValueError, match="lacks column"):
        plotting.plot_predictive_counts(_check_frame().drop(columns="high"))
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_predictive_counts(_check_frame().iloc[:0])
    with pytest.raises(TypeError, match="DataFrame"):
        plotting.plot_predictive_counts([1, 2])


def test_delta_aic_rows_and_symlog_axis():
    table = pd.DataFrame({
        "model": ["A", "A", "A", "B", "B", "B"],
        "family": ["scaled-beta", "scaled-kumaraswamy", "beta-mixture"] * 2,
        "delta_aic": [250.0, 3.0, 0.0, 0.0, 0.5, 40.0],
    })
    fig = plotting.plot_delta_aic(table)
    ax = fig.axes[0]
    assert ax.get_xscale() == "symlog"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["scaled Beta"].get_xdata(), [250.0, 0.0])
    np.testing.assert_array_equal(lines["Beta mixture"].get_ydata(), [0, 1])
    assert fig.get_size_inches()[0] <= 6.5
    plt.close(fig)
    with pytest.raises(ValueError, match="delta_aic"):
        plotting.plot_delta_aic(table.assign(delta_aic=-1.0))
    with pytest.raises(ValueError, match="linthresh"):
        plotting.plot_delta_aic(table, linthresh=0)


def test_fitted_curves_ratio_panel_goes_log_for_large_misfits():
    k = np.geomspace(1, 1000, 15)
    y = k ** -0.3
    y_falling = y * np.exp(-k / 50)  # a data curve that dives towards 0
    fitted = pd.DataFrame({"model": ["A"] * 15 + ["B"] * 15, "family": "scaled-beta",
                           "k": np.tile(k, 2), "y": np.tile(y, 2)})
    curves = pd.DataFrame({"model": ["A"] * 15 + ["B"] * 15, "k": np.tile(k, 2),
                           "y": np.concatenate([1.1 * y, y_falling])})
    fig = plotting.plot_fitted_curves(curves, fitted, ratio=True)
    ratio_a, ratio_b = fig.axes[1], fig.axes[3]
    assert ratio_a.get_yscale() == "linear"  # a 10% misfit stays linear
    assert ratio_b.get_yscale() == "log"  # a many-fold misfit goes log
    plt.close(fig)


def test_power_curves_compact_legends_off_the_panels():
    rows = [{"question": q, "alternative": alt, "n": n, "problems": p,
             "power": p / (p + 100 / n)}
            for q, alts in [("tail", ["gamma = 1", "gamma = -1"]),
                            ("zeros", ["truth: zeros", "truth: tail"])]
            for alt in alts for n in (100, 1000) for p in (2, 20, 200)]
    fig = plotting.plot_power_curves(pd.DataFrame(rows), design_problems=128)
    left, right = fig.axes
    # Colour = attempts, in one figure legend; line style = each panel's
    # alternatives, in a legend of that panel: 2 + 2 + 2 entries, not 8.
    (colours,) = fig.legends
    assert colours.get_title().get_text() == "attempts n"
    assert [t.get_text() for t in colours.get_texts()] == ["100", "1,000"]
    for ax, alts in [(left, ["gamma = 1", "gamma = -1"]),
                     (right, ["truth: zeros", "truth: tail"])]:
        legend = ax.get_legend()
        assert [t.get_text() for t in legend.get_texts()] == alts
        assert [h.get_linestyle() for h in legend.legend_handles] == ["-", "--"]
    fig.canvas.draw()
    panels = [ax.get_window_extent() for ax in fig.axes]
    for legend in [colours, left.get_legend(), right.get_legend()]:
        box = legend.get_window_extent()
        assert not any(box.overlaps(p) for p in panels)
    plt.close(fig)
    with pytest.raises(ValueError, match="power"):
        plotting.plot_power_curves(pd.DataFrame(rows).drop(columns="power"))
