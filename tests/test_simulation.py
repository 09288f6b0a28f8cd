import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmonkeys.estimators import neg_log_pass_at_k
from llmonkeys.simulation import (
    draw_counts,
    finite_neg_log_pass_at_k,
    simulate_benchmark,
    simulate_early_stopping,
)


class Fixed:
    """A 'distribution' that returns fixed probabilities, cycling."""

    def __init__(self, values):
        self.values = np.asarray(values, dtype=float)

    def sample(self, size, rng):
        return np.resize(self.values, size)


def test_draw_counts_edges_and_reproducible():
    assert draw_counts([0.0, 1.0], [7, 9], 0).tolist() == [0, 9]
    a = draw_counts(np.full(50, 0.3), 100, 5)
    b = draw_counts(np.full(50, 0.3), 100, 5)
    assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="p must lie"):
        draw_counts([1.5], 10, 0)
    with pytest.raises(ValueError, match="n must be >= 1"):
        draw_counts([0.5], 0, 0)
    with pytest.raises(ValueError, match="broadcast"):
        draw_counts([0.5, 0.5], [1, 2, 3], 0)


@settings(max_examples=50, deadline=None)
# Subnormal p (< 2.2e-308) carry too few bits for any relative accuracy.
@given(
    st.lists(st.floats(0, 1, allow_subnormal=False), min_size=1, max_size=20),
    st.integers(1, 10_000),
)
def test_finite_curve_matches_mpmath(p, k):
    # Reference: mpmath at 40 significant digits of -log(mean(1 - (1 - p)^k)).
    mp.mp.dps = 40
    mean_pass = mp.fsum(-mp.expm1(k * mp.log1p(-mp.mpf(x))) for x in p) / len(p)
    got = finite_neg_log_pass_at_k(np.array(p), [k])[0]
    if mean_pass == 0:
        assert got == np.inf
    else:
        np.testing.assert_allclose(got, float(-mp.log(mean_pass)), rtol=1e-12,
                                   atol=1e-15)


def test_finite_curve_errors():
    with pytest.raises(ValueError, match="non-empty 1-D"):
        finite_neg_log_pass_at_k([], [1])
    with pytest.raises(ValueError, match="k must be >= 0"):
        finite_neg_log_pass_at_k([0.5], [-1])


def test_simulate_benchmark_estimates_match_exact_on_average():
    dist = Fixed([0.5, 0.05, 0.005])
    k = np.array([1, 10, 100])
    sims = [simulate_benchmark(dist, 300, 1000, k, rng=s) for s in range(20)]
    est = np.mean([s.estimated for s in sims], axis=0)
    np.testing.assert_allclose(est, sims[0].finite, rtol=0.05)
    assert sims[0].population is None
    assert np.array_equal(sims[0].estimated, neg_log_pass_at_k(sims[0].n, sims[0].c, k))


def test_simulate_benchmark_errors():
    with pytest.raises(ValueError, match="n_problems must be >= 1"):
        simulate_benchmark(Fixed([0.5]), 0, 10, [1], 0)
    with pytest.raises(TypeError, match="n_problems must be an int"):
        simulate_benchmark(Fixed([0.5]), 2.5, 10, [1], 0)
    with pytest.raises(ValueError, match="k must satisfy"):
        simulate_benchmark(Fixed([0.5]), 3, 10, [11], 0)


def test_early_stopping_structure():
    p = np.random.default_rng(0).uniform(0, 0.05, size=2000)
    n, c, t = simulate_early_stopping(p, 60, 3000, rng=1)
    assert np.all(n % 60 == 0) and np.all(n <= 3000)
    assert np.all((t == 0) == (c == 0))
    assert np.all(n[c > 0] >= t[c > 0]) and np.all(n[c > 0] - t[c > 0] < 60)
    assert np.all(n[c == 0] == 3000)
    assert np.all(c <= n)


def test_early_stopping_first_success_is_geometric():
    # P(T <= k) = 1 - (1 - p)^k: the first-success indicator is unbiased.
    p, k = 0.01, 50
    _, _, t = simulate_early_stopping(np.full(100_000, p), 60, 6000, rng=2)
    hit = (t > 0) & (t <= k)
    se = np.sqrt(hit.mean() * (1 - hit.mean()) / hit.size)
    assert abs(hit.mean() - (1 - (1 - p) ** k)) < 4 * se


def test_early_stopping_errors():
    with pytest.raises(ValueError, match="max_attempts must be >= 60"):
        simulate_early_stopping([0.1], 60, 10, 0)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        simulate_early_stopping([0.1], 0, 10, 0)


def test_finite_curve_relative_accuracy_near_zero():
    # Mean failure 1e-20: -log pass_D@k = 1e-20 to full relative precision.
    p = np.array([1.0, 1 - 1e-10])
    got = finite_neg_log_pass_at_k(p, [2])[0]
    np.testing.assert_allclose(got, 0.5 * 1e-20, rtol=1e-6)
