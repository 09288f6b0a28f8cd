"""Tests of batched stopped counts: the unbiased curve and truncation.

``llmonkeys.estimators.stopped_pass_at_k`` /
``stopped_neg_log_pass_at_k`` and
``llmonkeys.forecast.truncate_stopped_counts``.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
import pytest

from llmonkeys.estimators import stopped_neg_log_pass_at_k, stopped_pass_at_k
from llmonkeys.forecast import truncate_stopped_counts
from llmonkeys.simulation import simulate_early_stopping


def test_stopped_pass_at_k_exact_within_last_batch():
    # n = 30 attempts in batches of 10, c = 3 successes in the last batch.
    k = np.arange(1, 31)
    got = stopped_pass_at_k([30], [3], k, 10)[0]
    for kk, g in zip(k, got, strict=True):
        j = kk - 20
        if j <= 0:
            want = Fraction(0)
        elif j >= 10:
            want = Fraction(1)
        else:  # exact: 1 - C(b - c, j) / C(b, j)
            want = 1 - Fraction(comb(7, j), comb(10, j))
        assert g == pytest.approx(float(want), rel=1e-12, abs=1e-15)


def test_stopped_pass_at_k_unsolved_is_zero_and_curve_is_mean():
    n, c = [20, 40], [0, 2]
    assert np.all(stopped_pass_at_k(n, c, [5, 20], 10)[0] == 0)
    y = stopped_neg_log_pass_at_k([10, 10], [10, 0], [10], 10)
    np.testing.assert_allclose(y, [np.log(2)], rtol=1e-14)


def test_stopped_pass_at_k_is_unbiased_under_stopping():
    # Monte Carlo: the mean estimate over stopped problems with a common p
    # equals 1 - (1 - p)^k (standard error below 0.004 here).
    p = np.full(20_000, 0.05)
    n, c, _ = simulate_early_stopping(p, 10, 200, 0)
    k = np.array([3, 15, 47, 200])
    est = stopped_pass_at_k(n, c, k, 10).mean(axis=0)
    np.testing.assert_allclose(est, 1 - 0.95**k, atol=0.015)


def test_stopped_pass_at_k_errors():
    with pytest.raises(ValueError, match="multiple of batch_size"):
        stopped_pass_at_k([15], [1], [1], 10)
    with pytest.raises(ValueError, match="last batch"):
        stopped_pass_at_k([20], [11], [1], 10)
    with pytest.raises(ValueError, match="never solved"):
        stopped_pass_at_k([20, 10], [0, 1], [30], 10)
    with pytest.raises(ValueError, match="1-D"):
        stopped_pass_at_k([[10]], [[1]], [1], 10)


def test_truncate_whole_batches_is_a_prefix():
    n, c = truncate_stopped_counts([60, 120, 180, 600], [3, 5, 1, 0], 120, 60)
    assert n.tolist() == [60, 120, 120, 120]
    assert c.tolist() == [3, 5, 0, 0]


def test_truncated_record_gives_the_same_curve_up_to_the_budget():
    rng = np.random.default_rng(1)
    n, c, _ = simulate_early_stopping(rng.beta(0.3, 3.0, 500), 20, 2_000, rng)
    k = np.arange(1, 401)
    n_t, c_t = truncate_stopped_counts(n, c, 400, 20)
    np.testing.assert_array_equal(stopped_pass_at_k(n_t, c_t, k, 20),
                                  stopped_pass_at_k(n, c, k, 20))


def test_truncate_inside_a_batch_is_hypergeometric():
    # Cap 90 cuts the batch 60..120 after 30 attempts: 30 * 30 / 60 = 15.
    n = np.full(20_000, 120)
    c = np.full(20_000, 30)
    n_t, c_t = truncate_stopped_counts(n, c, 90, 60, rng=0)
    assert np.all(n_t == 90)
    assert abs(c_t.mean() - 15) < 0.1
    assert c_t.max() <= 30


def test_truncate_errors():
    with pytest.raises(ValueError, match="pass rng"):
        truncate_stopped_counts([120], [3], 90, 60)
    with pytest.raises(ValueError, match="never solved"):
        truncate_stopped_counts([120], [0], 180, 60)
    with pytest.raises(ValueError, match="budget"):
        truncate_stopped_counts([120], [1], 0, 60)
