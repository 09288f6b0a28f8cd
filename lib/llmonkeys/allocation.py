r"""Allocate a total budget of attempts over problems, replayed from counts.

:cite:t:`kazdan2025efficient` propose to spend a fixed total budget of
attempts unevenly: their Algorithm 1 gives the next attempt to the
problem with the fewest successes so far, breaking ties by the fewest
attempts. Whether that helps a forecast can be settled on data that were
collected uniformly, such as Pythia's 10,000 attempts per MATH problem,
without the attempts themselves: an attempt drawn at random from a
problem's attempts not yet used succeeds with probability
:math:`(c_i - s_i) / (n_i - u_i)`, where :math:`u_i` attempts with
:math:`s_i` successes were used so far. A sequence of such draws is a
draw without replacement, so every policy is replayed *exactly*: the
successes given to a problem after :math:`u` attempts follow the
hypergeometric law of :math:`u` attempts kept from its :math:`n_i`, as if
the policy had run on the model itself (the order of the attempts is
exchangeable).

Policies (:data:`ALLOCATION_POLICIES`):

``"uniform"``
    :math:`\lfloor B/P \rfloor` attempts per problem; the remaining
    :math:`B \bmod P` go one each to problems chosen at random.
``"fewest-successes"``
    ``initial`` attempts per problem, then Algorithm 1 of
    :cite:t:`kazdan2025efficient`, one attempt at a time, ties between
    problems with equal successes and attempts broken at random. A
    problem whose attempts are used up (:math:`u_i = n_i`) drops out:
    the replay cannot give more attempts than the data hold.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from llmonkeys._validation import as_generator, check_problem_counts

__all__ = ["ALLOCATION_POLICIES", "Allocation", "allocate_attempts"]

#: Names of the allocation policies.
ALLOCATION_POLICIES: tuple[str, ...] = ("uniform", "fewest-successes")


@dataclass(frozen=True)
class Allocation:
    """Attempts given to each problem by a policy, and their successes.

    Attributes
    ----------
    policy : str
        The policy (one of :data:`ALLOCATION_POLICIES`).
    attempts : numpy.ndarray
        int64 attempts :math:`u_i` given to each problem; they sum to the
        total budget.
    successes : numpy.ndarray
        int64 successes :math:`s_i` among them.
    exhausted : numpy.ndarray
        bool, whether all of a problem's recorded attempts were used
        (:math:`u_i = n_i`).
    """

    policy: str
    attempts: NDArray[np.int64]
    successes: NDArray[np.int64]
    exhausted: NDArray[np.bool_]

    @property
    def total(self) -> int:
        """Total attempts spent."""
        return int(self.attempts.sum())


def _check_int(x: object, name: str, minimum: int) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(x).__name__}")
    if int(x) < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {x}")
    return int(x)


def _draw(
    n: NDArray[np.int64], c: NDArray[np.int64], used: NDArray[np.int64],
    succ: NDArray[np.int64], take: NDArray[np.int64], gen: np.random.Generator,
) -> NDArray[np.int64]:
    """Successes among ``take`` further attempts, without replacement."""
    left_s = c - succ
    left_f = (n - used) - left_s
    return np.asarray(gen.hypergeometric(left_s, left_f, take), dtype=np.int64)


def allocate_attempts(
    n: ArrayLike,
    c: ArrayLike,
    total_budget: int,
    policy: str = "uniform",
    *,
    rng: np.random.Generator | int,
    initial: int = 1,
) -> Allocation:
    r"""Replay an allocation policy on recorded counts, exactly.

    Parameters
    ----------
    n, c : array_like of int, shape (P,)
        Attempts recorded at each of ``P >= 2`` problems and their
        successes.
    total_budget : int
        Attempts to spend in all, ``B``, with
        ``initial * P <= B <= sum(n)`` (``P <= B`` for ``"uniform"``).
    policy : {"uniform", "fewest-successes"}
        See the module docstring.
    rng : numpy.random.Generator or int
        Generator or non-negative seed; the same seed gives the same
        allocation.
    initial : int, default 1
        Attempts per problem before ``"fewest-successes"`` starts
        choosing (``>= 1``; ignored by ``"uniform"``).

    Returns
    -------
    Allocation
        Attempts and successes per problem; ``attempts.sum() == B``.

    Raises
    ------
    ValueError
        On invalid counts, an unknown policy, a budget outside the range
        above, or a uniform share above some ``n_i``.
    TypeError
        If ``total_budget`` or ``initial`` is not an integer.

    Notes
    -----
    Every attempt is drawn without replacement from the problem's
    attempts not yet used, so the successes of problem :math:`i` given
    :math:`u_i` attempts are hypergeometric,
    :math:`P(s_i = j) = \binom{c_i}{j}\binom{n_i - c_i}{u_i - j} /
    \binom{n_i}{u_i}`, under any policy that looks only at past
    outcomes. Algorithm 1 runs in rounds: all problems at the smallest
    key (successes, attempts) get one attempt each (in random order if
    the budget runs out within the round); each attempt raises a
    problem's key, so this is the one-at-a-time rule with random
    tie-breaking. Spending the whole budget ``B = sum(n)`` returns the
    recorded counts.

    Examples
    --------
    >>> a = allocate_attempts([10, 10], [0, 5], 20, "fewest-successes",
    ...                       rng=0)
    >>> a.attempts.tolist(), a.successes.tolist()
    ([10, 10], [0, 5])
    >>> allocate_attempts([10, 10, 10], [1, 2, 3], 7, rng=0).total
    7
    """
    n_arr, c_arr = check_problem_counts(n, c)
    n_arr = np.broadcast_to(n_arr, c_arr.shape).astype(np.int64)
    if policy not in ALLOCATION_POLICIES:
        raise ValueError(
            f"policy must be one of {ALLOCATION_POLICIES}; got {policy!r}"
        )
    budget = _check_int(total_budget, "total_budget", 1)
    initial = _check_int(initial, "initial", 1)
    n_problems = c_arr.size
    if budget > int(n_arr.sum()):
        raise ValueError(
            f"total_budget must be <= sum(n) = {int(n_arr.sum())} (the attempts "
            f"recorded); got {budget}"
        )
    gen = as_generator(rng)
    if policy == "uniform":
        share, extra = divmod(budget, n_problems)
        if share < 1:
            raise ValueError(
                f"total_budget must be >= P = {n_problems} for the uniform "
                f"policy (one attempt per problem); got {budget}"
            )
        take = np.full(n_problems, share, dtype=np.int64)
        take[gen.choice(n_problems, size=extra, replace=False)] += 1
        if np.any(take > n_arr):
            raise ValueError(
                "the uniform share exceeds the attempts recorded at some "
                f"problem: share {int(take.max())} > n = {int(n_arr.min())}"
            )
        zero = np.zeros(n_problems, dtype=np.int64)
        succ = _draw(n_arr, c_arr, zero, zero, take, gen)
        return Allocation(policy, take, succ, take == n_arr)

    if initial * n_problems > budget or np.any(n_arr < initial):
        raise ValueError(
            f"initial * P = {initial * n_problems} attempts must fit in the "
            f"total_budget {budget} and initial = {initial} in every n"
        )
    used = np.full(n_problems, initial, dtype=np.int64)
    zero = np.zeros(n_problems, dtype=np.int64)
    succ = _draw(n_arr, c_arr, zero, zero, used, gen)
    remaining = budget - initial * n_problems
    while remaining > 0:
        open_ = used < n_arr
        s_min = succ[open_].min()
        at_s = open_ & (succ == s_min)
        u_min = used[at_s].min()
        idx = np.flatnonzero(at_s & (used == u_min))
        if idx.size > remaining:
            idx = gen.choice(idx, size=remaining, replace=False)
        left_s = c_arr[idx] - succ[idx]
        left = n_arr[idx] - used[idx]
        succ[idx] += (gen.random(idx.size) * left < left_s).astype(np.int64)
        used[idx] += 1
        remaining -= idx.size
    return Allocation(policy, used, succ, used == n_arr)
