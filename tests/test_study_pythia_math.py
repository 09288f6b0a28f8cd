"""Tests of llmonkeys.studies.pythia_math: exponent trends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from llmonkeys.studies import pythia_math as study


def test_fit_trend_matches_linregress():
    rng = np.random.default_rng(8)
    x = np.geomspace(1e7, 1e10, 7)
    y = 0.05 * np.log10(x) - 0.2 + rng.normal(0, 0.01, 7)
    tr = study.fit_trend(x, y)
    ref = stats.linregress(np.log10(x), y)
    assert tr.slope == pytest.approx(ref.slope)
    assert tr.intercept == pytest.approx(ref.intercept)
    assert tr.slope_se == pytest.approx(ref.stderr)
    assert tr.r_squared == pytest.approx(ref.rvalue**2)
    t = stats.t.ppf(0.975, 5)
    assert tr.slope_high - tr.slope == pytest.approx(t * ref.stderr)
    np.testing.assert_allclose(tr.predict(x), ref.intercept + ref.slope * np.log10(x))
    assert np.isnan(tr.boot_low) and tr.boot_slopes.size == 0


def test_fit_trend_replicates():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    reps = np.array([[1, 2, 3, 4], [2, 4, 6, 8], [np.nan, 0, 0, 0]], dtype=float)
    tr = study.fit_trend(x, [1, 2, 3, 4.5], log_x=False, replicates=reps)
    np.testing.assert_allclose(tr.boot_slopes, [1.0, 2.0])
    with pytest.raises(ValueError, match="shape"):
        study.fit_trend(x, [1, 2, 3, 4], log_x=False, replicates=np.ones((2, 3)))


@pytest.mark.parametrize(
    ("x", "y", "kwargs", "match"),
    [
        ([1, 2], [1, 2], {}, "three"),
        ([1, 2, 3], [1, 2], {}, "equal length"),
        ([2, 2, 2], [1, 2, 3], {}, "constant"),
        ([-1, 2, 3], [1, 2, 3], {}, "> 0"),
        ([1, 2, 3], [1, 2, 3], {"confidence": 0}, "confidence"),
    ],
)
def test_fit_trend_rejects_bad_input(x, y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        study.fit_trend(x, y, **kwargs)


def test_exponent_trends():
    models = ["a", "b", "c", "d"]
    table = pd.DataFrame({
        "model": models * 2,
        "method": ["least-squares"] * 4 + ["tail-index"] * 4,
        "estimate": [0.1, 0.2, 0.3, 0.4, 0.1, 0.3, 0.2, 0.4],
    })
    samples = pd.DataFrame({
        "model": models * 2, "method": table["method"], "replicate": 0,
        "exponent": table["estimate"],
    })
    size = {"a": 1e7, "b": 1e8, "c": 1e9, "d": 1e10}
    out, trends = study.exponent_trends(table, samples, size)
    row = out.set_index("method")
    assert row.loc["least-squares", "slope"] == pytest.approx(0.1)
    assert row.loc["least-squares", "boot_low"] == pytest.approx(0.1)
    assert bool(row.loc["least-squares", "monotone"])
    assert not bool(row.loc["tail-index", "monotone"])
    assert trends["tail-index"].n_points == 4
    out2, _ = study.exponent_trends(table, None, size, methods=["tail-index"])
    assert out2["method"].tolist() == ["tail-index"]
    with pytest.raises(ValueError, match="no value"):
        study.exponent_trends(table, samples, {"a": 1.0})
    with pytest.raises(ValueError, match="not in the table"):
        study.exponent_trends(table, samples, size, methods=["distributional"])
