r"""Simulate benchmarks: per-problem success probabilities, then counts.

A simulated benchmark draws ``P`` success probabilities :math:`p_i` from a
distribution (any object with ``sample(size, rng)``, such as
:class:`llmonkeys.distributions.ScaledBeta`), then ``c_i ~ Binomial(n_i, p_i)``
successes. Everything is vectorised over problems (no Python loop over
problems or attempts) and takes a seed or a :class:`numpy.random.Generator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from llmonkeys._validation import (
    as_count_array,
    as_float_array,
    as_generator,
    broadcast,
)
from llmonkeys.estimators import mean_pass_and_neg_log, neg_log_pass_at_k

__all__ = [

    "SimulatedBenchmark",
    "draw_counts",
    "simulate_benchmark",
    "finite_neg_log_pass_at_k",
    "simulate_early_stopping",
]


class _Sampler(Protocol):
    def sample(self, size: int, rng: np.random.Generator | int | None = ...) -> NDArray:
        """Draw ``size`` success probabilities."""
        ...




def _check_probabilities(p: ArrayLike) -> NDArray[np.float64]:
    p_arr = as_float_array(p, "p")
    if np.any((p_arr < 0) | (p_arr > 1)):
        raise ValueError("p must lie in [0, 1]")
    return p_arr


def draw_counts(
    p: ArrayLike, n: ArrayLike, rng: np.random.Generator | int
) -> NDArray[np.int64]:
    """Draw successes ``c_i ~ Binomial(n_i, p_i)`` for every problem.

    Parameters
    ----------
    p : array_like
        Success probabilities in ``[0, 1]``.
    n : int or array_like of int
        Attempts per problem (``>= 1``), broadcast against ``p``.
    rng : numpy.random.Generator or int
        Generator or seed.

    Returns
    -------
    numpy.ndarray
        int64 successes of the broadcast shape.

    Raises
    ------
    ValueError
        If ``p`` is outside ``[0, 1]`` or ``n < 1``.

    Examples
    --------
    >>> draw_counts([0.0, 1.0], 5, rng=0).tolist()
    [0, 5]
    """
    p_arr = _check_probabilities(p)
    n_arr = as_count_array(n, "n", minimum=1)
    p_arr, n_arr = broadcast(p=p_arr, n=n_arr)
    return as_generator(rng).binomial(n_arr, p_arr).astype(np.int64)


def finite_neg_log_pass_at_k(p: ArrayLike, k: ArrayLike) -> NDArray[np.float64]:
    r"""Exact :math:`-\log \mathrm{pass}_D@k` of a finite set of problems.

    Parameters
    ----------
    p : array_like, shape (P,)
        The problems' success probabilities.
    k : array_like, shape (K,)
        Attempt budgets (real, ``>= 0``).

    Returns
    -------
    numpy.ndarray, shape (K,)
        :math:`-\log\bigl(P^{-1}\sum_i [1 - (1-p_i)^k]\bigr)`, computed as
        ``-log(mean(-expm1(k * log1p(-p))))``, or as
        ``-log1p(-mean(exp(k * log1p(-p))))`` where the mean pass exceeds
        1/2 (full relative accuracy near 0); ``inf`` where every
        :math:`p_i = 0`.

    Raises
    ------
    ValueError
        If ``p`` is not 1-D and non-empty in ``[0, 1]``, or ``k < 0``.

    Examples
    --------
    >>> round(float(finite_neg_log_pass_at_k([0.5, 0.5], [1])[0]), 6)  # log 2
    0.693147
    """
    p_arr = _check_probabilities(p)
    if p_arr.ndim != 1 or p_arr.size == 0:
        raise ValueError(f"p must be a non-empty 1-D array; got shape {p_arr.shape}")
    k_arr = np.atleast_1d(as_float_array(k, "k"))
    if np.any(k_arr < 0):
        raise ValueError("k must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        log_fail = k_arr[None, :] * np.log1p(-p_arr[:, None])
        log_fail = np.where(k_arr[None, :] == 0, 0.0, log_fail)  # (1 - 1)^0 = 1
    return mean_pass_and_neg_log(log_fail)[1]


@dataclass(frozen=True)
class SimulatedBenchmark:
    r"""A simulated benchmark with its exact and estimated curves.

    Attributes
    ----------
    p : numpy.ndarray
        True success probability of each problem.
    n, c : numpy.ndarray
        Attempts and successes of each problem.
    k : numpy.ndarray
        Budgets at which curves are evaluated.
    estimated : numpy.ndarray
        :math:`-\log\mathrm{pass}_D@k` estimated from the counts.
    finite : numpy.ndarray
        The exact curve of these ``P`` problems (known ``p``).
    population : numpy.ndarray or None
        The distribution's exact curve (``P -> infinity``), if available.
    """

    p: NDArray[np.float64]
    n: NDArray[np.int64]
    c: NDArray[np.int64]
    k: NDArray[np.int64]
    estimated: NDArray[np.float64]
    finite: NDArray[np.float64]
    population: NDArray[np.float64] | None


def simulate_benchmark(
    distribution: _Sampler,
    n_problems: int,
    n_attempts: int | ArrayLike,
    k: ArrayLike,
    rng: np.random.Generator | int,
) -> SimulatedBenchmark:
    r"""Draw a benchmark from ``distribution`` and compute its curves.

    Parameters
    ----------
    distribution : object with ``sample(size, rng)``
        The law of the problems' success probabilities; if it also has
        ``neg_log_pass_at_k(k)``, the population curve is returned too.
    n_problems : int
        Number of problems ``P >= 1``.
    n_attempts : int or array_like of int
        Attempts per problem (scalar or shape ``(P,)``).
    k : array_like of int
        Budgets, ``1 <= k <= min(n_attempts)``.
    rng : numpy.random.Generator or int
        Generator or seed.

    Returns
    -------
    SimulatedBenchmark
        Probabilities, counts and the three curves.

    Raises
    ------
    ValueError
        If ``n_problems < 1`` or a budget exceeds the attempts.
    """
    if isinstance(n_problems, bool) or not isinstance(n_problems, int | np.integer):
        raise TypeError(f"n_problems must be an int; got {n_problems!r}")
    if n_problems < 1:
        raise ValueError(f"n_problems must be >= 1; got {n_problems}")
    gen = as_generator(rng)
    p = np.asarray(distribution.sample(int(n_problems), gen), dtype=np.float64)
    n = np.broadcast_to(as_count_array(n_attempts, "n_attempts", minimum=1),
                        p.shape).astype(np.int64)
    c = draw_counts(p, n, gen)
    k_arr = np.atleast_1d(as_count_array(k, "k", minimum=1))
    estimated = neg_log_pass_at_k(n, c, k_arr)
    finite = finite_neg_log_pass_at_k(p, k_arr)
    population = None
    if hasattr(distribution, "neg_log_pass_at_k"):
        population = np.asarray(distribution.neg_log_pass_at_k(k_arr), dtype=float)
    return SimulatedBenchmark(p=p, n=n, c=c, k=k_arr, estimated=estimated,
                              finite=finite, population=population)


def simulate_early_stopping(
    p: ArrayLike,
    batch_size: int,
    max_attempts: int,
    rng: np.random.Generator | int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    r"""Sample in batches until the first success, as Best-of-N did.

    Each problem is attempted in batches of ``batch_size``; sampling stops
    after the batch that contains the first success, or at
    ``max_attempts`` (rounded up to whole batches).

    Parameters
    ----------
    p : array_like
        Success probabilities in ``[0, 1]``.
    batch_size : int
        Attempts per batch, ``>= 1``.
    max_attempts : int
        Cap on attempts, ``>= batch_size``.
    rng : numpy.random.Generator or int
        Generator or seed.

    Returns
    -------
    n : numpy.ndarray
        Attempts made (a multiple of ``batch_size``).
    c : numpy.ndarray
        Successes among them.
    first_success : numpy.ndarray
        1-based index of the first success; ``0`` if none was seen.

    Raises
    ------
    ValueError
        On invalid ``p``, ``batch_size`` or ``max_attempts``.

    Notes
    -----
    Vectorised: the first-success time is geometric,
    :math:`T \sim \mathrm{Geom}(p)`; the batch count is
    :math:`\lceil T / b \rceil`; the successes after :math:`T` within the
    last batch are :math:`\mathrm{Binomial}(n - T, p)`.

    Examples
    --------
    >>> n, c, t = simulate_early_stopping([1.0, 0.0], 60, 600, rng=0)
    >>> n.tolist(), c.tolist(), t.tolist()
    ([60, 600], [60, 0], [1, 0])
    """
    p_arr = _check_probabilities(p)
    b = int(as_count_array(batch_size, "batch_size", minimum=1))
    cap = int(as_count_array(max_attempts, "max_attempts", minimum=b))
    cap = -(-cap // b) * b
    gen = as_generator(rng)
    safe_p = np.where(p_arr > 0, p_arr, 1.0)
    first = np.where(p_arr > 0, gen.geometric(safe_p), cap + 1).astype(np.int64)
    seen = first <= cap
    n = np.where(seen, -(-first // b) * b, cap).astype(np.int64)
    extra = gen.binomial(np.where(seen, n - first, 0), p_arr)
    c = np.where(seen, 1 + extra, 0).astype(np.int64)
    return n, c, np.where(seen, first, 0).astype(np.int64)
