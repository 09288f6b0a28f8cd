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
``"forecast-variance"``
    ``initial`` attempts per problem, then, in batches of
    :math:`\max(1, \lfloor P/4 \rfloor)` attempts, one attempt each to the
    problems whose next attempt is expected to shrink the most the
    delta-method variance of the beta-binomial forecast of
    :math:`-\log\mathrm{pass}_D@k` at the horizon ``k``
    (:func:`beta_binomial_information`, :func:`forecast_gradient`). The
    Beta (Jeffreys' Beta(1/2, 1/2) at first) is fitted to the counts
    seen so far once twice the initial attempts are spent, and again each
    time the attempts spent grow fourfold. This is the book's own derivation of a
    variance-minimising allocation (chapter "Forecasting, second pass"),
    not Theorem 1 of :cite:t:`kazdan2025efficient`, whose statement we
    could not read.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaln, digamma, zeta

from llmonkeys._validation import as_generator, check_problem_counts
from llmonkeys.fits import fit_scaled_beta_binomial

__all__ = [
    "ALLOCATION_POLICIES",
    "Allocation",
    "allocate_attempts",
    "beta_binomial_information",
    "forecast_gradient",
]

#: Names of the allocation policies.
ALLOCATION_POLICIES: tuple[str, ...] = (
    "uniform", "fewest-successes", "forecast-variance",
)

#: Parameters of ``"forecast-variance"`` until a beta-binomial fit to the
#: counts seen so far converges (Jeffreys' Beta(1/2, 1/2)).
_FALLBACK_PRIOR: tuple[float, float] = (0.5, 0.5)
#: ``"forecast-variance"`` refits its Beta each time the attempts spent
#: grow by this factor.
_REFIT_FACTOR: int = 4


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


def beta_binomial_information(
    alpha: float, beta: float, n: ArrayLike, c: ArrayLike
) -> NDArray[np.float64]:
    r"""Observed information of each problem's beta-binomial likelihood.

    Parameters
    ----------
    alpha, beta : float
        Parameters of the Beta law of success probabilities (``> 0``).
    n, c : array_like of int
        Attempts and successes of each problem (``0 <= c <= n``),
        broadcast together.

    Returns
    -------
    numpy.ndarray, shape (3, ...)
        :math:`(J_{\alpha\alpha}, J_{\beta\beta}, J_{\alpha\beta})`, the
        negative second derivatives of each problem's log-likelihood.

    Raises
    ------
    ValueError
        If ``alpha`` or ``beta`` is not positive and finite, or the counts
        are invalid.

    Notes
    -----
    A problem's log-likelihood is, up to a constant,
    :math:`\ell = \log B(c + \alpha, n - c + \beta) - \log B(\alpha,
    \beta)`, so with the trigamma function :math:`\psi_1` and
    :math:`t = \psi_1(\alpha + \beta) - \psi_1(n + \alpha + \beta)`,

    .. math::

        J_{\alpha\alpha} = \psi_1(\alpha) - \psi_1(c + \alpha) - t, \quad
        J_{\beta\beta} = \psi_1(\beta) - \psi_1(n - c + \beta) - t, \quad
        J_{\alpha\beta} = -t.

    Examples
    --------
    >>> beta_binomial_information(0.5, 2.0, [10, 10], [0, 3]).shape
    (3, 2)
    """
    al, be = _check_shapes(alpha, beta)
    n_arr, c_arr = np.broadcast_arrays(np.asarray(n), np.asarray(c))
    if np.any(c_arr < 0) or np.any(c_arr > n_arr):
        raise ValueError("counts must satisfy 0 <= c <= n")
    # Trigamma as the Hurwitz zeta function, psi_1(x) = zeta(2, x).
    t = zeta(2, al + be) - zeta(2, n_arr + al + be)
    return np.stack([
        zeta(2, al) - zeta(2, c_arr + al) - t,
        zeta(2, be) - zeta(2, n_arr - c_arr + be) - t,
        -t,
    ]).astype(np.float64)


def forecast_gradient(
    alpha: float, beta: float, horizon: int
) -> NDArray[np.float64]:
    r"""Gradient of the beta-binomial forecast of :math:`-\log\mathrm{pass}_D@k`.

    Parameters
    ----------
    alpha, beta : float
        Parameters of the Beta law (scale 1), ``> 0``.
    horizon : int
        The horizon :math:`k \ge 1`.

    Returns
    -------
    numpy.ndarray, shape (2,)
        :math:`(\partial F/\partial\alpha, \partial F/\partial\beta)`.

    Raises
    ------
    ValueError
        If ``alpha`` or ``beta`` is not positive and finite.
    TypeError
        If ``horizon`` is not an integer.

    Notes
    -----
    :math:`F = -\log(1 - e^{L})` with
    :math:`L = \log B(\alpha, \beta + k) - \log B(\alpha, \beta)`, the
    log of :math:`E[(1 - p)^k]`; with the digamma function :math:`\psi`,
    :math:`\partial L/\partial\alpha = \psi(\alpha + \beta) -
    \psi(\alpha + \beta + k)` and :math:`\partial L/\partial\beta =
    \psi(\beta + k) - \psi(\beta) + \psi(\alpha + \beta) - \psi(\alpha +
    \beta + k)`, and :math:`\nabla F = \nabla L \, e^{L} / (1 - e^{L})`.

    Examples
    --------
    >>> bool(forecast_gradient(0.3, 5.0, 1000)[0] < 0)  # more mass near 1
    True
    """
    al, be = _check_shapes(alpha, beta)
    k = _check_int(horizon, "horizon", 1)
    log_q = betaln(al, be + k) - betaln(al, be)
    factor = -np.exp(log_q) / np.expm1(log_q)
    common = digamma(al + be) - digamma(al + be + k)
    return factor * np.array([common, common + digamma(be + k) - digamma(be)])


def _check_shapes(alpha: float, beta: float) -> tuple[float, float]:
    al, be = float(alpha), float(beta)
    if not (math.isfinite(al) and math.isfinite(be) and al > 0 and be > 0):
        raise ValueError(
            f"alpha and beta must be positive and finite; got {alpha}, {beta}"
        )
    return al, be


def _delta_variance(j: NDArray[np.float64], g: NDArray[np.float64]):
    """:math:`g^T J^{-1} g` for 2 x 2 matrices stored as (aa, bb, ab)."""
    det = j[0] * j[1] - j[2] ** 2
    quad = g[0] ** 2 * j[1] - 2 * g[0] * g[1] * j[2] + g[1] ** 2 * j[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((det > 0) & (j[0] > 0), quad / det, np.inf)


def _prior(
    used: NDArray[np.int64], succ: NDArray[np.int64],
    previous: tuple[float, float],
) -> tuple[float, float]:
    """Beta-binomial (scale 1) fit to the counts so far, else ``previous``."""
    try:
        fit = fit_scaled_beta_binomial(used, succ, scale=1.0)
    except ValueError:
        return previous
    return (fit.alpha, fit.beta) if fit.converged else previous


def _forecast_variance(
    n: NDArray[np.int64], c: NDArray[np.int64], used: NDArray[np.int64],
    succ: NDArray[np.int64], remaining: int, horizon: int, batch: int,
    gen: np.random.Generator,
) -> None:
    """Spend ``remaining`` attempts in batches by the greedy rule, in place."""
    # A random order of the problems breaks exact ties at random.
    order = gen.permutation(n.size)
    n, c, used_o, succ_o = n[order], c[order], used[order], succ[order]
    spent = int(used_o.sum())
    # A fit to one attempt per problem identifies only the mean of the
    # Beta: the first fit waits until twice the initial attempts are spent.
    prior, refit_at, stale = _FALLBACK_PRIOR, 2 * spent, True
    while remaining > 0:
        if spent >= refit_at:
            prior = _prior(used_o, succ_o, prior)
            refit_at, stale = _REFIT_FACTOR * spent, True
        if stale:
            g = forecast_gradient(*prior, horizon)
            j_now = beta_binomial_information(*prior, used_o, succ_o)
            gain = _expected_gain(prior, used_o, succ_o, j_now)
            stale = False
        v = _delta_variance(j_now.sum(axis=1)[:, None] + gain, g)
        v[used_o >= n] = np.nan
        take = min(batch, remaining, int(np.sum(used_o < n)))
        idx = np.argsort(v, kind="stable")[:take]
        left = n[idx] - used_o[idx]
        succ_o[idx] += (gen.random(take) * left < c[idx] - succ_o[idx]).astype(
            np.int64)
        used_o[idx] += 1
        spent += take
        remaining -= take
        j_now[:, idx] = beta_binomial_information(*prior, used_o[idx],
                                                  succ_o[idx])
        gain[:, idx] = _expected_gain(prior, used_o[idx], succ_o[idx],
                                      j_now[:, idx])
    used[order] = used_o
    succ[order] = succ_o


def _expected_gain(prior, used, succ, j_now):
    """Return the expected change of information from one more attempt."""
    al, be = prior
    p_next = (al + succ) / (al + be + used)
    j_win = beta_binomial_information(al, be, used + 1, succ + 1)
    j_loss = beta_binomial_information(al, be, used + 1, succ)
    return p_next * j_win + (1 - p_next) * j_loss - j_now


def allocate_attempts(
    n: ArrayLike,
    c: ArrayLike,
    total_budget: int,
    policy: str = "uniform",
    *,
    rng: np.random.Generator | int,
    initial: int = 1,
    horizon: int | None = None,
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
    policy : {"uniform", "fewest-successes", "forecast-variance"}
        See the module docstring.
    rng : numpy.random.Generator or int
        Generator or non-negative seed; the same seed gives the same
        allocation.
    initial : int, default 1
        Attempts per problem before an adaptive policy starts choosing
        (``>= 1``; ignored by ``"uniform"``).
    horizon : int, optional
        The forecast horizon :math:`k \ge 1` of ``"forecast-variance"``
        (required by it, ignored by the others).

    Returns
    -------
    Allocation
        Attempts and successes per problem; ``attempts.sum() == B``.

    Raises
    ------
    ValueError
        On invalid counts, an unknown policy, a budget outside the range
        above, a uniform share above some ``n_i``, or a missing
        ``horizon`` for ``"forecast-variance"``.
    TypeError
        If ``total_budget``, ``initial`` or ``horizon`` is not an
        integer.

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
    tie-breaking. ``"forecast-variance"`` gives each attempt of a batch
    to a different problem, those with the smallest expected variance
    :math:`g^\top (J + \Delta J_i)^{-1} g` (exact ties broken by a random
    order of the problems), where :math:`J` is the observed information
    of the counts so far, :math:`\Delta J_i` the expected change of
    problem :math:`i`'s information from one more attempt (success with
    its posterior predictive probability) and :math:`g` the forecast's
    gradient; its Beta, too, is fitted to past outcomes only, so the
    replay stays exact. Spending the whole budget ``B = sum(n)``
    returns the recorded counts.

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
    if policy == "forecast-variance":
        if horizon is None:
            raise ValueError(
                "the forecast-variance policy needs the forecast horizon: "
                "pass horizon=k (an integer >= 1)"
            )
        horizon = _check_int(horizon, "horizon", 1)
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
    if policy == "forecast-variance":
        batch = max(1, n_problems // 4)
        _forecast_variance(n_arr, c_arr, used, succ, remaining, horizon, batch,
                           gen)
        return Allocation(policy, used, succ, used == n_arr)
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
