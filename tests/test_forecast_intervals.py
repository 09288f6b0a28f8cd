"""Tests of llmonkeys.forecast_intervals: parametric-bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pytest

import llmonkeys as lm
from llmonkeys.forecast_intervals import (
    _basic_interval,
    forecast_interval,
    forecast_intervals,
)

RNG = np.random.default_rng(5)
C = RNG.binomial(100, 0.3 * RNG.beta(0.3, 3.0, 128))
K = np.array([300.0, 3_000.0])


def test_intervals_nest_and_contain_the_point():
    out = forecast_intervals(100, C, K, rng=0)
    assert out.confidence == (0.8, 0.95)
    assert out.n_boot == 39
    for m in out.point:
        assert np.all(out.low[m][1] <= out.low[m][0])
        assert np.all(out.high[m][0] <= out.high[m][1])
        assert np.all(out.low[m] <= out.high[m])
        # The points are the methods' own forecasts, bit for bit.
        np.testing.assert_array_equal(
            out.point[m], lm.forecast.forecast_neg_log_pass_at_k(100, C, K, m))
    # The interval is centred where the bootstrap puts the truth, so it
    # holds the point only when the bootstrap finds the forecast nearly
    # unbiased: so for the fitted methods here; least squares' regression
    # bends too little on a scaled Beta law, and at 30 times the budget
    # the whole interval lies above its forecast.
    for m in ("distributional", "empirical-bayes"):
        assert out.covers(out.point[m])[m].all()
    assert out.low["least-squares"][0, -1] > out.point["least-squares"][-1]


def test_forecast_interval_frame():
    iv = forecast_interval(100, C, K, "least-squares", rng=2, n_boot=9)
    assert list(iv.columns) == ["point", "lower", "upper"]
    np.testing.assert_array_equal(iv.index.to_numpy(), K)
    np.testing.assert_array_equal(
        iv["point"].to_numpy(),
        lm.forecast.forecast_neg_log_pass_at_k(100, C, K, "least-squares"))
    assert np.all(iv["lower"] < iv["upper"])


def test_reproducible_by_seed():
    a = forecast_intervals(100, C, K, ["least-squares"], rng=3, n_boot=9,
                           confidence=(0.8,))
    b = forecast_intervals(100, C, K, ["least-squares"], rng=3, n_boot=9,
                           confidence=(0.8,))
    c = forecast_intervals(100, C, K, ["least-squares"], rng=4, n_boot=9,
                           confidence=(0.8,))
    np.testing.assert_array_equal(a.low["least-squares"], b.low["least-squares"])
    np.testing.assert_array_equal(a.high["least-squares"], b.high["least-squares"])
    assert not np.array_equal(a.low["least-squares"], c.low["least-squares"])


def test_errors():
    with pytest.raises(ValueError, match="n_boot must be >= 39"):
        forecast_intervals(100, C, K, rng=0, n_boot=20)
    with pytest.raises(ValueError, match="n_boot must be >= 9"):
        forecast_intervals(100, C, K, rng=0, n_boot=5, confidence=(0.8,))
    with pytest.raises(TypeError, match="n_boot"):
        forecast_intervals(100, C, K, rng=0, n_boot=39.0)
    with pytest.raises(ValueError, match="confidence"):
        forecast_intervals(100, C, K, rng=0, confidence=(0.8, 1.2))
    with pytest.raises(ValueError, match="law"):
        forecast_intervals(100, C, K, rng=0, law="posterior")
    with pytest.raises(ValueError, match="method"):
        forecast_intervals(100, C, K, ["least squares"], rng=0)
    with pytest.raises(ValueError, match="cannot forecast"):
        forecast_intervals(100, np.zeros(10, int), K, rng=0)
    with pytest.raises(ValueError, match="one level"):
        forecast_interval(100, C, K, rng=0, confidence=(0.8, 0.95))


@pytest.mark.parametrize("n_boot", [9, 39])
def test_order_statistic_interval_has_nominal_coverage(n_boot):
    # When the bootstrap's log errors and the real log error have the same
    # law (an exact pivot), the interval covers with probability
    # (s - r) / (B + 1) = the nominal level for B = 9 (80%) and 39 (95%).
    # 20,000 simulated forecasts: the Monte Carlo standard error is at
    # most 0.003, and the tolerance is 0.012 (4 standard errors).
    rng = np.random.default_rng(11)
    level = 0.8 if n_boot == 9 else 0.95
    trials = 20_000
    errors = rng.standard_t(3, size=(n_boot, trials))  # skewless, heavy
    truth_error = rng.standard_t(3, size=trials)
    point = np.exp(truth_error)  # truth = 1, point off by the error
    low, high = _basic_interval(point, errors, (level,))
    covered = (low[0] <= 1.0) & (1.0 <= high[0])
    assert abs(covered.mean() - level) < 0.012
    # Skewed errors too (a log-normal-like pivot).
    errors = rng.gamma(2.0, size=(n_boot, trials))
    point = np.exp(rng.gamma(2.0, size=trials))
    low, high = _basic_interval(point, errors, (level,))
    assert abs(np.mean((low[0] <= 1.0) & (1.0 <= high[0])) - level) < 0.012
