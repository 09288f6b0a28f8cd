"""Tests of llmonkeys.allocation: exact replay of allocation policies."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from llmonkeys.allocation import ALLOCATION_POLICIES, allocate_attempts

N = np.array([150, 180, 120, 200, 160])
C = np.array([0, 3, 40, 1, 160])


@pytest.mark.parametrize("policy", ALLOCATION_POLICIES)
@pytest.mark.parametrize("budget", [5, 17, 123, 300, 510])
def test_total_budget_is_spent_exactly(policy, budget):
    a = allocate_attempts(N, C, budget, policy, rng=3)
    assert a.total == budget
    assert np.all(a.attempts <= N) and np.all(a.attempts >= 1)
    assert np.all((a.successes >= 0) & (a.successes <= a.attempts))
    assert np.all(a.successes <= C) and np.all(a.attempts - a.successes <= N - C)


@pytest.mark.parametrize("policy", ALLOCATION_POLICIES)
def test_whole_budget_returns_the_recorded_counts(policy):
    n = np.full(4, 30)
    c = np.array([0, 7, 30, 12])
    a = allocate_attempts(n, c, int(n.sum()), policy, rng=0)
    np.testing.assert_array_equal(a.attempts, n)
    np.testing.assert_array_equal(a.successes, c)
    assert a.exhausted.all()


@pytest.mark.parametrize("policy", ALLOCATION_POLICIES)
def test_reproducible_by_seed(policy):
    a = allocate_attempts(N, C, 300, policy, rng=11)
    b = allocate_attempts(N, C, 300, policy, rng=np.random.default_rng(11))
    np.testing.assert_array_equal(a.attempts, b.attempts)
    np.testing.assert_array_equal(a.successes, b.successes)
    draws = {tuple(allocate_attempts(N, C, 300, policy, rng=s).successes)
             for s in range(20)}
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
    if policy == "fewest-successes":
        n, c, budget = [10, 1], [4, 1], 7
    else:
        n, c, budget = [10, 6], [4, 6], 12
    draws = np.array([allocate_attempts(n, c, budget, policy, rng=s).successes[0]
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
