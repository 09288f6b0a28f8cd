"""Tests of llmonkeys.studies.infinite_resolution on synthetic series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from llmonkeys.studies import infinite_resolution as ir

X = np.log(np.array([1e8, 3e8, 1e9, 3e9, 1e10]))


def law(x, a=3.0, b=-0.4):
    return np.exp(-np.exp(a + b * x))


def test_dataset_level_recovers_an_exact_law():
    agg = law(X[:4])
    assert_allclose(ir.dataset_level_forecast(X[:4], agg, X[4]), law(X[4]),
                    rtol=1e-12)
    with pytest.raises(ValueError, match="two training points"):
        ir.dataset_level_forecast(X[:3], np.array([0.0, 0.0, 0.3]), X[4])


def test_instance_level_recovers_exact_laws_and_counts_fallbacks():
    # Huge n: c / n equals the law to 1e-12; problem 2 has one usable
    # point (pooled slope), problem 3 none (never solved).
    n = np.full((4, 4), 10**15)
    p = np.column_stack([law(X[:4]), law(X[:4], a=2.5, b=-0.3),
                         [0, 0, 0, 1e-3], np.zeros(4)])
    c = np.round(p * n).astype(np.int64)
    pred, counts = ir.instance_level_forecast(X[:4], n, c, X[4])
    assert counts == {"own line": 2, "pooled slope": 1, "never solved": 1}
    assert_allclose(pred[:2], [law(X[4]), law(X[4], 2.5, -0.3)], rtol=1e-6)
    assert pred[3] == 0 and 1e-3 < pred[2] < 1


def test_distributional_forecast_extends_log_parameters():
    params = np.column_stack([np.exp(0.1 * X[:4]), np.exp(10 - 0.3 * X[:4])])
    got = ir.distributional_forecast(X[:4], params, X[4], np.array([1.0]))
    a, b = np.exp(0.1 * X[4]), np.exp(10 - 0.3 * X[4])
    assert_allclose(got, a / (a + b), rtol=1e-10)


def test_curvature_test_and_classification():
    # Exact convex / concave / linear curves with huge counts.
    x = np.log(np.geomspace(1e8, 1e10, 6))
    xc = x - x.mean()
    y = np.column_stack([1 - 0.4 * xc + 0.2 * xc**2, 1 - 0.4 * xc - 0.2 * xc**2,
                         1 - 0.4 * xc])
    p = np.exp(-np.exp(y))
    n = np.full(p.shape, 10**12)
    c = np.round(p * n).astype(np.int64)
    res = ir.curvature_test(x, n, c)
    assert_allclose(res["q"], [0.2, -0.2, 0.0], atol=1e-4)
    assert list(ir.classify_growth(res["z"])) == ["sub-scaling", "super-scaling",
                                                  "scaling law"]


def test_checkpoint_grid_drops_thin_checkpoints_and_missing_problems():
    # "a" lacks problem 3 and "c" has only one problem: "c" is dropped
    # (fewer problems than the fullest), then problem 3 (missing in "a").
    df = pd.DataFrame({
        "model": ["a", "a", "a", "b", "b", "b", "c"],
        "parameters": [1, 1, 1, 2, 2, 2, 3], "tokens": [5] * 7,
        "problem": [1, 2, 4, 1, 2, 3, 1], "n": [10] * 7, "c": [1] * 7})
    g = ir.checkpoint_grid(df, tokens=5)
    assert g.dropped_models == ["c"] and g.models == ["a", "b"]
    assert g.dropped == [3, 4] and g.n.shape == (2, 2)
    with pytest.raises(ValueError, match="exactly one"):
        ir.checkpoint_grid(df)


def test_plots_label_their_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = np.full((3, 4), 100)
    c = np.array([[0, 1, 2, 0], [1, 3, 5, 0], [2, 9, 20, 1]])
    g = ir.CheckpointGrid(np.array([1e8, 1e9, 1e10]), ["a", "b", "c"],
                          np.arange(4), n, c, [], [])
    fig = ir.plot_problem_curves(g)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "parameters" in ax.get_xlabel()
    assert len(ax.get_legend().get_texts()) == 2
    plt.close(fig)
    point = pd.DataFrame([("Pythia_1B_300B", k, m, 0.1) for k in (1, 100)
                          for m in ir.METHODS],
                         columns=["target", "k", "method", "rel_error"])
    intervals = point.assign(low=0.0, high=0.2).drop(columns="rel_error")
    fig = ir.plot_backtest(point, intervals)
    assert [a.get_title() for a in fig.axes] == ["pass@1", "pass@100"]
    plt.close(fig)
