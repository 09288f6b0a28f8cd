"""Tests of llmonkeys.forecast_intervals: parametric-bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pytest

import llmonkeys as lm
from llmonkeys.forecast_intervals import forecast_intervals

RNG = np.random.default_rng(5)
C = RNG.binomial(100, 0.3 * RNG.beta(0.3, 3.0, 128))
K = np.array([300.0, 3_000.0])


def test_intervals_nest_and_contain_the_point():
    out = forecast_intervals(100, C, K, rng=0, n_boot=20)
    assert out.confidence == (0.8, 0.95)
    for m in out.point:
        assert np.all(out.low[m][1] <= out.low[m][0])
        assert np.all(out.high[m][0] <= out.high[m][1])
        assert np.all(out.low[m][0] < out.high[m][0])
        np.testing.assert_allclose(
            out.point[m], lm.forecast.forecast_neg_log_pass_at_k(100, C, K, m))
    cov = out.covers(out.point["distributional"])
    assert cov["distributional"].all()


def test_reproducible_by_seed():
    a = forecast_intervals(100, C, K, ["distributional"], rng=3, n_boot=12)
    b = forecast_intervals(100, C, K, ["distributional"], rng=3, n_boot=12)
    np.testing.assert_array_equal(a.low["distributional"],
                                  b.low["distributional"])


def test_errors():
    with pytest.raises(ValueError, match="n_boot"):
        forecast_intervals(100, C, K, rng=0, n_boot=5)
    with pytest.raises(TypeError, match="n_boot"):
        forecast_intervals(100, C, K, rng=0, n_boot=20.0)
    with pytest.raises(ValueError, match="confidence"):
        forecast_intervals(100, C, K, rng=0, confidence=(0.8, 1.2))
    with pytest.raises(ValueError, match="cannot forecast"):
        forecast_intervals(100, np.zeros(10, int), K, rng=0)
