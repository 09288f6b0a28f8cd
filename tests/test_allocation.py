"""Tests of llmonkeys.allocation: exact replay of allocation policies."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from scipy import stats

from llmonkeys.allocation import (
    ALLOCATION_POLICIES,
    allocate_attempts,
    beta_binomial_information,
    forecast_gradient,
)

N = np.array([150, 180, 120, 200, 160])
C = np.array([0, 3, 40, 1, 160])
#: Forecast horizon of "forecast-variance" (ignored by the other policies).
K = 1000


def allocate(n, c, budget, policy, **kw):
    return allocate_attempts(n, c, budget, policy, horizon=K, **kw)


@pytest.mark.parametrize("policy", ALLOCATION_POLICIES)
@pytest.mark.parametrize("budget", [5, 17, 123, 300, 510])
def test_total_budget_is_spent_exactly(policy, budget):
    a = allocate(N, C, budget, policy, rng=3)
    assert a.total == budget
    assert np.all(a.attempts <= N) and np.all(a.attempts >= 1)
    assert np.all((a.successes >= 0) & (a.successes <= a.attempts))
    assert np.all(a.successes <= C) and np.all(a.attempts - a.successes <= N - C)


@pytest.mark.parametrize("policy", ALLOCATION_POLICIES)
def test_whole_budget_returns_the_recorded_counts(policy):
    n = np.full(4, 30)
    c = np.array([0, 7, 30, 12])
    a = allocate(n, c, int(n.sum()), policy, rng=0)
    np.testing.assert_array_equal(a.attempts, n)
    np.testing.assert_array_equal(a.successes, c)
    assert a.exhausted.all()


@pytest.mark.parametrize("policy", ALLOCATION_POLICIES)
def test_reproducible_by_seed(policy):
    a = allocate(N, C, 300, policy, rng=11)
    b = allocate(N, C, 300, policy, rng=np.random.default_rng(11))
    np.testing.assert_array_equal(a.attempts, b.attempts)
    np.testing.assert_array_equal(a.successes, b.successes)
    draws = {tuple(allocate(N, C, 300, policy, rng=s).successes)
             for s in range(6)}
    assert len(draws) > 1


def test_fewest_successes_feeds_unsolved_problems():
    # Problem 3 succeeds at its first attempt and is never chosen again;
    # the three unsolved ones share the other 30 attempts equally.
    a = allocate_attempts([100] * 4, [0, 0, 0, 100], 34, "fewest-successes",
                          rng=0)
    assert a.attempts.tolist() == [11, 11, 11, 1]
    assert a.successes.tolist() == [0, 0, 0, 1]


def test_exhausted_problem_drops_out():
    a = allocate_attempts([3, 100], [0, 100], 10, "fewest-successes", rng=0)
    assert a.attempts.tolist() == [3, 7]
    assert a.exhausted.tolist() == [True, False]


@pytest.mark.parametrize("policy", ALLOCATION_POLICIES)
def test_successes_are_hypergeometric(policy):
    # Problem 1 (n = 1, c = 1) is used up by one attempt, so problem 0
    # gets the other 6 one at a time (fewest-successes) or at once
    # (uniform with budget 2 * 6 split over two problems is not possible
    # here, so uniform gets problem 0 a share of 6 from n = [10, 6]).
    if policy == "uniform":
        n, c, budget = [10, 6], [4, 6], 12
    elif policy == "fewest-successes":
        n, c, budget = [10, 1], [4, 1], 7
    else:
        pytest.skip("covered by the test below, with fewer fits")
    draws = np.array([allocate(n, c, budget, policy, rng=s).successes[0]
                      for s in range(3000)])
    freq = np.bincount(draws, minlength=5)[:5] / draws.size
    exact = stats.hypergeom(10, 4, 6).pmf(np.arange(5))
    np.testing.assert_allclose(freq, exact, atol=0.03)


def test_errors():
    with pytest.raises(ValueError, match="policy"):
        allocate_attempts(N, C, 10, "greedy", rng=0)
    with pytest.raises(ValueError, match="sum"):
        allocate_attempts(N, C, int(N.sum()) + 1, rng=0)
    with pytest.raises(ValueError, match="uniform"):
        allocate_attempts(N, C, 3, "uniform", rng=0)
    with pytest.raises(ValueError, match="initial"):
        allocate_attempts(N, C, 8, "fewest-successes", rng=0, initial=2)
    with pytest.raises(ValueError, match="share"):
        allocate_attempts([2, 100], [1, 1], 10, "uniform", rng=0)
    with pytest.raises(TypeError, match="total_budget"):
        allocate_attempts(N, C, 10.0, rng=0)
    with pytest.raises(ValueError):
        allocate_attempts(N, C + 100, 10, rng=0)


def test_forecast_variance_draws_are_exactly_hypergeometric():
    # Problem 1 is used up by its 6 initial attempts, so problem 0 gets
    # 6 + 5 = 11 of its 12, drawn without replacement in batches:
    # Hypergeometric(12, 5, 11). (No Beta is fitted below 24 attempts.)
    draws = np.array([allocate([12, 6], [5, 0], 17, "forecast-variance",
                               rng=s, initial=6).successes[0]
                      for s in range(2000)])
    freq = np.bincount(draws, minlength=6) / draws.size
    exact = stats.hypergeom(12, 5, 11).pmf(np.arange(6))
    np.testing.assert_allclose(freq, exact, atol=0.03)


def test_forecast_variance_favours_the_informative_problems():
    # Half the problems are never solved: Algorithm 1 pours the budget into
    # them; the forecast-variance rule spends on both kinds.
    n = np.full(40, 500)
    c = np.r_[np.zeros(20, int), np.linspace(5, 200, 20).astype(int)]
    a = allocate(n, c, 40 * 30, "forecast-variance", rng=0)
    assert a.total == 1200 and np.all(a.attempts <= n)
    assert a.attempts[20:].sum() > 0.2 * a.total


def _loglik(alpha, beta, n, c):
    """Beta-binomial log-likelihood up to a constant, in mpmath."""
    return (mpmath.log(mpmath.beta(c + alpha, n - c + beta))
            - mpmath.log(mpmath.beta(alpha, beta)))


@pytest.mark.parametrize(("alpha", "beta", "n", "c"), [
    (0.2, 5.0, 30, 0), (0.2, 5.0, 30, 4), (1.5, 0.7, 8, 8), (0.05, 40.0, 1000, 2),
])
def test_information_matches_mpmath_hessian(alpha, beta, n, c):
    # Reference: mpmath.diff at 40 digits of the log-likelihood.
    mpmath.mp.dps = 40
    a0, b0 = mpmath.mpf(alpha), mpmath.mpf(beta)
    h_aa = mpmath.diff(lambda a: _loglik(a, b0, n, c), a0, 2)
    h_bb = mpmath.diff(lambda b: _loglik(a0, b, n, c), b0, 2)
    h_ab = mpmath.diff(lambda a, b: _loglik(a, b, n, c), (a0, b0), (1, 1))
    j = beta_binomial_information(alpha, beta, n, c)
    np.testing.assert_allclose(j, [-float(h_aa), -float(h_bb), -float(h_ab)],
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("alpha", "beta", "k"), [
    (0.2, 5.0, 10), (0.2, 5.0, 10_000), (2.0, 1.0, 50), (0.05, 30.0, 100_000),
])
def test_forecast_gradient_matches_mpmath(alpha, beta, k):
    mpmath.mp.dps = 40

    def forecast(a, b):
        q = mpmath.beta(a, b + k) / mpmath.beta(a, b)
        return -mpmath.log(1 - q)

    a0, b0 = mpmath.mpf(alpha), mpmath.mpf(beta)
    ref = [mpmath.diff(lambda a: forecast(a, b0), a0),
           mpmath.diff(lambda b: forecast(a0, b), b0)]
    np.testing.assert_allclose(forecast_gradient(alpha, beta, k),
                               [float(r) for r in ref], rtol=1e-9)


def test_forecast_variance_errors():
    with pytest.raises(ValueError, match="horizon"):
        allocate_attempts(N, C, 10, "forecast-variance", rng=0)
    with pytest.raises(TypeError, match="horizon"):
        allocate_attempts(N, C, 10, "forecast-variance", rng=0, horizon=10.5)
    with pytest.raises(ValueError, match="horizon"):
        allocate_attempts(N, C, 10, "forecast-variance", rng=0, horizon=0)
    with pytest.raises(ValueError, match="alpha and beta"):
        beta_binomial_information(-1.0, 2.0, 5, 1)
    with pytest.raises(ValueError, match="0 <= c <= n"):
        beta_binomial_information(1.0, 2.0, 5, 6)
    with pytest.raises(ValueError, match="alpha and beta"):
        forecast_gradient(1.0, np.inf, 5)
