"""Tests of llmonkeys.studies.forecasting_protocol (chapter helpers)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import llmonkeys as lm
import llmonkeys.studies.forecasting_protocol as fp


def test_mpmath_reference_matches_the_library_likelihood():
    # mpmath quadrature at 50 digits against the double-precision log-pmf.
    for n, c in [(200, 0), (200, 7), (10_000, 0)]:
        ref = fp.mpmath_logpmf(c, n, 0.4, 3.0, 0.3)
        got = float(lm.scaled_beta_binomial_logpmf(c, n, 0.4, 3.0, 0.3))
        np.testing.assert_allclose(got, ref, rtol=1e-10)


def test_alternating_series_is_right_for_small_n_and_breaks_for_large_n():
    exact = float(lm.scaled_beta_binomial_logpmf(2, 20, 0.4, 3.0, 0.3))
    np.testing.assert_allclose(
        fp.alternating_series_logpmf(2, 20, 0.4, 3.0, 0.3), exact, rtol=1e-8)
    bad = fp.alternating_series_logpmf(0, 200, 0.4, 3.0, 0.3)
    assert not np.isclose(bad, fp.mpmath_logpmf(0, 200, 0.4, 3.0, 0.3),
                          rtol=1e-2)


def test_paired_difference_known_values():
    df = pd.DataFrame({"model": ["a"] * 4 + ["b"] * 4,
                       "rep": [0, 0, 1, 1] * 2,
                       "policy": ["u", "f"] * 4,
                       "score": [1.0, 0.5, 1.0, 0.7, 2.0, 2.0, 2.0, 1.0]})
    out = fp.paired_difference(df, column="policy", a="f", b="u", keys=["rep"])
    np.testing.assert_allclose(out["diff"], ((-0.5 - 0.3) / 2 + (0 - 1) / 2) / 2)
    assert out["low"] <= out["diff"] <= out["high"]
    assert out["units"] == 4


def test_horizons():
    h = lm.forecast.forecast_horizons(100, 10_000, num=4)
    assert h[-1] == 10_000 and h[0] > 100 and np.all(np.diff(h) > 0)


def test_exponent_estimates_are_all_reported():
    rng = np.random.default_rng(0)
    c = rng.binomial(1_000, 0.3 * rng.beta(0.3, 3.0, 128))
    est = fp.exponent_estimates(1_000, c)
    assert list(est) == list(fp.EXPONENT_ESTIMATORS)
    assert all(np.isfinite(v) and v > 0 for v in est.values())


def test_coverage_summary_clusters_by_unit():
    # Two units with coverage 1 and 1/3 at 80%: mean 2/3, standard error
    # from the spread of the two unit coverages, s / sqrt(2).
    df = pd.DataFrame({"rep": [0, 0, 0, 1, 1, 1], "method": "m",
                       "confidence": 0.8, "horizon": [10, 30, 100] * 2,
                       "covered": [True, True, True, True, False, False]})
    out = fp.coverage_summary(df, ["rep"]).iloc[0]
    np.testing.assert_allclose(out["coverage"], 4 / 6)
    np.testing.assert_allclose(out["se"], np.std([1, 1 / 3], ddof=1) / np.sqrt(2))
    assert out["intervals"] == 6 and out["units"] == 2
    # Full coverage everywhere: the error falls back to the binomial one.
    df["covered"] = True
    out = fp.coverage_summary(df, ["rep"]).iloc[0]
    np.testing.assert_allclose(out["se"], np.sqrt(0.8 * 0.2 / 6))


def test_coverage_and_forest_figures():
    import matplotlib

    matplotlib.use("Agg")
    summary = pd.DataFrame({"data": ["a", "a", "b", "b"], "method": "m",
                            "confidence": [0.8, 0.95] * 2,
                            "coverage": [0.7, 0.9, 0.8, 1.0], "se": 0.05})
    fig = fp.plot_coverage(summary, ["m"])
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "a"
    d = {"diff": -0.1, "low": -0.2, "high": 0.0}
    fig = fp.plot_paired_forest({"x": {"distributional": d}, "y": {}},
                                ["distributional", "zero-inflated"])
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["distributional", "zero-inflated"]
