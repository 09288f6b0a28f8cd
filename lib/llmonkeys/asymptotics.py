r"""When the power law of :math:`-\log \mathrm{pass}_D@k` holds, and for whom.

If a benchmark's per-problem success probabilities :math:`p` follow a law
:math:`D` whose density behaves like :math:`C p^{b-1}` near 0, then

.. math::

    -\log \mathrm{pass}_D@k \sim \mathbb{E}[(1-p)^k]
    \sim C\,\Gamma(b)\,k^{-b} = a\,k^{-b}
    \qquad (k \to \infty).

This module measures the two ways a real curve departs from that limit:

* *pre-asymptotic*: at small ``k`` the local log-log slope is not yet
  ``b`` (:func:`local_exponent`, :func:`asymptotic_onset_k`,
  :func:`log_term_onset_k`, :func:`scaled_beta_onset_table`);
* *finite benchmark*: ``N`` problems hold no problem much harder than the
  smallest of ``N`` draws, about :math:`N^{-1/b}`, so the curve of a
  finite benchmark follows the power law only up to ``k`` of order
  :math:`N^{1/b}` and then bends down (:func:`predicted_crossover_k`,
  :func:`finite_sample_crossover`, :func:`finite_sample_noise`).

:func:`power_law_window` combines both into the range of ``k`` where a
fitted exponent should recover ``b``.

A *distribution* here is any object with ``neg_log_pass_at_k(k)``,
``failure_rate(k)`` and ``asymptotic() -> (prefactor, exponent)``, and for
the finite-benchmark functions ``sample(size, rng)``, as the laws of
:mod:`llmonkeys.distributions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.special import gammaln

from llmonkeys._validation import as_float_array, as_generator, broadcast
from llmonkeys.distributions import ScaledBeta
from llmonkeys.estimators import local_log_slope
from llmonkeys.simulation import finite_neg_log_pass_at_k

__all__ = [
    "local_exponent",
    "asymptotic_onset_k",
    "log_term_onset_k",
    "scaled_beta_onset_table",
    "predicted_crossover_k",
    "CrossoverResult",
    "finite_sample_crossover",
    "finite_sample_noise",
    "power_law_window",
]


class _Curve(Protocol):
    def neg_log_pass_at_k(self, k: ArrayLike) -> NDArray[np.float64]:
        """Return the population curve at ``k``."""
        ...

    def failure_rate(self, k: ArrayLike) -> NDArray[np.float64]:
        r"""Return :math:`\mathbb{E}[(1-p)^k]` at ``k``."""
        ...

    def asymptotic(self) -> tuple[float, float]:
        """Return ``(prefactor, exponent)`` of the power-law tail."""
        ...


class _SampledCurve(_Curve, Protocol):
    def sample(self, size: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """Draw ``size`` success probabilities."""
        ...


def _positive(x: object, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer
                                             | np.floating):
        raise ValueError(f"{name} must be a real number; got {x!r}")
    value = float(x)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be finite and > 0; got {x!r}")
    return value


def _exponent_of(dist: _Curve, exponent: float | None) -> float:
    if exponent is not None:
        return _positive(exponent, "exponent")
    try:
        _, b = dist.asymptotic()
    except (AttributeError, ValueError, NotImplementedError) as err:
        raise ValueError(
            "dist has no power-law tail (asymptotic() failed: "
            f"{err}); pass exponent explicitly"
        ) from None
    return _positive(b, "the exponent of dist.asymptotic()")


def _check_grid(k_max: float, n_grid: int) -> tuple[float, int]:
    k_max = _positive(k_max, "k_max")
    if k_max <= 1:
        raise ValueError(f"k_max must be > 1; got {k_max!r}")
    if isinstance(n_grid, bool) or not isinstance(n_grid, int | np.integer):
        raise ValueError(f"n_grid must be an int; got {n_grid!r}")
    if n_grid < 3:
        raise ValueError(f"n_grid must be >= 3; got {n_grid}")
    return k_max, int(n_grid)


def local_exponent(dist: _Curve, k: ArrayLike) -> NDArray[np.float64]:
    r"""Local log-log slope of a distribution's curve.

    Parameters
    ----------
    dist : distribution
        Object with ``neg_log_pass_at_k(k)``.
    k : array_like, shape (K,)
        Increasing positive budgets (at least two).

    Returns
    -------
    numpy.ndarray, shape (K,)
        :math:`-\mathrm{d}\log y/\mathrm{d}\log k` of
        :math:`y = -\log \mathrm{pass}_D@k`, by finite differences on the
        grid (:func:`llmonkeys.estimators.local_log_slope`); NaN where
        ``y`` underflows to 0 (an exponential tail at large ``k``).

    Raises
    ------
    ValueError
        If ``k`` is not increasing and positive, or the curve is positive
        at fewer than two budgets.

    Notes
    -----
    A pure power law :math:`a k^{-b}` has local exponent ``b`` at every
    ``k``; an exponential :math:`e^{-\lambda k}` has :math:`\lambda k`,
    which grows without bound; a plateau has 0.

    Examples
    --------
    >>> from llmonkeys.distributions import ScaledBeta
    >>> k = np.geomspace(1e4, 1e6, 5)
    >>> bool(np.allclose(local_exponent(ScaledBeta(0.5, 1.0), k), 0.5,
    ...                  atol=0.01))
    True
    """
    k_arr = as_float_array(k, "k")
    y = np.asarray(dist.neg_log_pass_at_k(k_arr), dtype=np.float64)
    out = np.full(k_arr.shape, np.nan)
    usable = np.isfinite(y) & (y > 0)
    if k_arr.ndim != 1 or usable.sum() < 2:
        local_log_slope(k_arr, y)  # raises the informative error
        return out
    out[usable] = local_log_slope(k_arr[usable], y[usable])
    return out


def asymptotic_onset_k(
    dist: _Curve,
    *,
    tol: float = 0.05,
    k_max: float = 1e6,
    n_grid: int = 400,
    exponent: float | None = None,
) -> float:
    r"""Smallest ``k`` after which the local exponent stays near ``b``.

    Parameters
    ----------
    dist : distribution
        Object with ``neg_log_pass_at_k(k)`` and ``asymptotic()``.
    tol : float, default 0.05
        Relative tolerance: the local exponent :math:`b(k)` must satisfy
        :math:`|b(k)/b - 1| \le` ``tol``.
    k_max : float, default 1e6
        Largest budget examined (``> 1``).
    n_grid : int, default 400
        Points of the geometric grid on ``[1, k_max]``.
    exponent : float, optional
        The limiting exponent ``b``; by default ``dist.asymptotic()[1]``.

    Returns
    -------
    float
        The onset :math:`k_\mathrm{on}`: the local exponent is within
        ``tol`` of ``b`` on all of ``[k_on, k_max]``. ``1.0`` if it is
        within tolerance on the whole grid, ``inf`` if it is not within
        tolerance at ``k_max``. Between grid points the crossing is
        interpolated linearly in :math:`\log k`.

    Raises
    ------
    ValueError
        If ``tol`` is not in ``(0, 1)``, ``k_max <= 1``, ``n_grid < 3``,
        or ``dist`` has no power-law tail and no ``exponent`` is given.

    Notes
    -----
    The onset measures the *pre-asymptotic* regime: how many attempts a
    benchmark needs before a straight line on log-log axes has the slope
    of the tail. It grows with :math:`\beta` (mass away from 0 delays the
    tail) and explodes as :math:`b \to 0`, where :math:`\mathbb{E}[(1-p)^k]`
    stays close to 1 and :math:`-\log(1 - x) \approx x` fails.

    Examples
    --------
    >>> from llmonkeys.distributions import ScaledBeta
    >>> k_on = asymptotic_onset_k(ScaledBeta(1.0, 3.0))
    >>> bool(10 < k_on < 100)
    True
    """
    if isinstance(tol, bool) or not isinstance(tol, int | float | np.floating):
        raise ValueError(f"tol must be a number in (0, 1); got {tol!r}")
    if not 0 < tol < 1:
        raise ValueError(f"tol must be in (0, 1); got {tol!r}")
    k_max, n_grid = _check_grid(k_max, n_grid)
    b = _exponent_of(dist, exponent)
    k = np.geomspace(1.0, k_max, n_grid)
    err = np.abs(local_exponent(dist, k) / b - 1.0) - tol
    bad = np.flatnonzero(err > 0)
    if bad.size == 0:
        return 1.0
    j = bad[-1]
    if j == n_grid - 1:
        return float("inf")
    # err[j] > 0 >= err[j + 1]: interpolate the zero in log k.
    w = err[j] / (err[j] - err[j + 1])
    return float(np.exp((1 - w) * np.log(k[j]) + w * np.log(k[j + 1])))


def log_term_onset_k(prefactor: float, exponent: float, *, tol: float = 0.05
                     ) -> float:
    r"""Onset of an exact power law seen through :math:`-\log(1-F)`.

    Parameters
    ----------
    prefactor, exponent : float
        :math:`a, b > 0` of the failure rate :math:`F(k) = a k^{-b}`.
    tol : float, default 0.05
        Relative tolerance on the local exponent, in ``(0, 1)``.

    Returns
    -------
    float
        :math:`(a / F_\mathrm{tol})^{1/b}`, where :math:`F_\mathrm{tol}`
        (about ``2 * tol``) solves :math:`g(F) = 1 + \mathrm{tol}` below.

    Raises
    ------
    ValueError
        If an argument is not positive or ``tol >= 1``.

    Notes
    -----
    With :math:`y = -\log(1 - F)`,

    .. math::

        \frac{\mathrm{d}\log y}{\mathrm{d}\log k}
        = \frac{\mathrm{d}\log F}{\mathrm{d}\log k}\; g(F),
        \qquad
        g(F) = \frac{F}{(1-F)\,(-\log(1-F))} = 1 + \frac{F}{2} + O(F^2),

    so even an exact power law :math:`F = a k^{-b}` gives ``y`` a local
    exponent within ``tol`` of ``b`` only once :math:`F \le
    F_\mathrm{tol} \approx 2\,\mathrm{tol}`, that is for
    :math:`k \ge (a/F_\mathrm{tol})^{1/b}`. For small ``b`` this term
    dominates :func:`asymptotic_onset_k`.

    Examples
    --------
    >>> round(log_term_onset_k(1.0, 1.0, tol=0.05), 2)
    10.84
    """
    a = _positive(prefactor, "prefactor")
    b = _positive(exponent, "exponent")
    if not 0 < _positive(tol, "tol") < 1:
        raise ValueError(f"tol must be in (0, 1); got {tol!r}")

    def excess(f: float) -> float:
        return f / ((1.0 - f) * -np.log1p(-f)) - 1.0 - tol

    f_tol = brentq(excess, 1e-12, 1.0 - 1e-12, xtol=1e-15, rtol=1e-14)
    return float(np.exp((np.log(a) - np.log(f_tol)) / b))


def scaled_beta_onset_table(
    alphas: ArrayLike,
    betas: ArrayLike,
    *,
    scale: float = 1.0,
    tol: float = 0.05,
    k_max: float = 1e6,
    n_grid: int = 300,
) -> pd.DataFrame:
    r"""Onset of the power law for a grid of scaled Beta laws.

    Parameters
    ----------
    alphas, betas : array_like
        Positive shape parameters; every pair is evaluated.
    scale : float, default 1.0
        Scale :math:`s \in (0, 1]` of :math:`p = s X`.
    tol, k_max, n_grid
        Passed to :func:`asymptotic_onset_k`.

    Returns
    -------
    pandas.DataFrame
        Columns ``alpha``, ``beta``, ``scale``, ``onset_k`` (``inf`` where
        the onset lies beyond ``k_max``), one row per pair, ``alpha``
        varying slowest.

    Raises
    ------
    ValueError
        If a parameter is invalid (see
        :class:`llmonkeys.distributions.ScaledBeta`).

    Examples
    --------
    >>> t = scaled_beta_onset_table([0.5, 1.0], [1.0, 10.0], n_grid=100)
    >>> t.shape
    (4, 4)
    """
    a_arr = np.atleast_1d(as_float_array(alphas, "alphas"))
    b_arr = np.atleast_1d(as_float_array(betas, "betas"))
    rows = [
        {"alpha": a, "beta": b, "scale": float(scale),
         "onset_k": asymptotic_onset_k(ScaledBeta(a, b, scale), tol=tol,
                                       k_max=k_max, n_grid=n_grid)}
        for a in a_arr for b in b_arr
    ]
    return pd.DataFrame(rows, columns=["alpha", "beta", "scale", "onset_k"])


def predicted_crossover_k(
    prefactor: float, exponent: float, n_problems: ArrayLike
) -> NDArray[np.float64]:
    r"""Budget at which a benchmark of ``N`` problems leaves the power law.

    Parameters
    ----------
    prefactor : float or array_like
        :math:`a > 0` of the tail :math:`\mathbb{E}[(1-p)^k] \sim a k^{-b}`
        (as returned by ``dist.asymptotic()``).
    exponent : float or array_like
        :math:`b > 0`.
    n_problems : int or array_like
        Number of problems :math:`N \ge 1`.

    Returns
    -------
    numpy.ndarray
        :math:`k_N = (N a / \Gamma(b+1))^{1/b}`, of the broadcast shape
        of the three arguments.

    Raises
    ------
    ValueError
        If ``prefactor`` or ``exponent`` is not positive,
        ``n_problems < 1``, or the shapes do not broadcast.

    Notes
    -----
    A density :math:`C p^{b-1}` near 0 has
    :math:`P(p < x) \approx (C/b)\,x^b = \frac{a}{\Gamma(b+1)}\,x^b`
    (with :math:`a = C\Gamma(b)`). The expected number of the ``N``
    problems with :math:`p < 1/k` is therefore
    :math:`N a k^{-b} / \Gamma(b+1)`; :math:`k_N` is where it equals one.
    Beyond :math:`k_N` the benchmark typically holds no problem hard enough
    to keep the power law going: the smallest of the :math:`N` draws is of
    order :math:`1/k_N \propto N^{-1/b}`, and the finite curve decays like
    :math:`e^{-k p_{\min}}`.

    Examples
    --------
    >>> predicted_crossover_k(1.0, 1.0, [100, 1000]).round(6).tolist()
    [100.0, 1000.0]
    """
    a = as_float_array(prefactor, "prefactor")
    b = as_float_array(exponent, "exponent")
    n = as_float_array(n_problems, "n_problems")
    for name, arr, low in (("prefactor", a, 0.0), ("exponent", b, 0.0)):
        if np.any(arr <= low):
            raise ValueError(f"{name} must be > 0; got {arr[arr <= low].ravel()[0]!r}")
    if np.any(n < 1):
        raise ValueError(f"n_problems must be >= 1; got {n_problems!r}")
    a, b, n = broadcast(prefactor=a, exponent=b, n_problems=n)
    return np.exp((np.log(n) + np.log(a) - gammaln(b + 1.0)) / b)


@dataclass(frozen=True)
class CrossoverResult:
    r"""Where simulated finite benchmarks leave the population curve.

    Attributes
    ----------
    k : numpy.ndarray, shape (K,)
        Budgets examined.
    population : numpy.ndarray, shape (K,)
        The law's exact :math:`-\log \mathrm{pass}_D@k`.
    finite : numpy.ndarray, shape (S, K)
        The exact curve of each of ``S`` simulated benchmarks (known
        :math:`p_i`).
    per_seed : numpy.ndarray, shape (S,)
        Each benchmark's crossover (``inf`` if it never crosses).
    p_min : numpy.ndarray, shape (S,)
        The smallest success probability of each benchmark.
    crossover_k : float
        The median of ``per_seed``.
    ratio : float
        The threshold used (see :func:`finite_sample_crossover`).
    """

    k: NDArray[np.float64]
    population: NDArray[np.float64]
    finite: NDArray[np.float64]
    per_seed: NDArray[np.float64]
    p_min: NDArray[np.float64]
    crossover_k: float
    ratio: float


def finite_sample_crossover(
    dist: _SampledCurve,
    n_problems: int,
    k: ArrayLike,
    rng: np.random.Generator | int,
    *,
    n_seeds: int = 50,
    ratio: float = 0.5,
) -> CrossoverResult:
    r"""Measure where finite benchmarks leave the population curve.

    Draws ``n_seeds`` benchmarks of ``n_problems`` problems from ``dist``
    and computes each one's exact curve
    (:func:`llmonkeys.simulation.finite_neg_log_pass_at_k`).

    Parameters
    ----------
    dist : distribution
        Object with ``sample(size, rng)`` and ``neg_log_pass_at_k(k)``.
    n_problems : int
        Problems per benchmark, ``>= 1``.
    k : array_like, shape (K,)
        Increasing positive budgets (at least two).
    rng : numpy.random.Generator or int
        Generator or seed.
    n_seeds : int, default 50
        Number of simulated benchmarks.
    ratio : float, default 0.5
        A benchmark has crossed over at the first ``k`` where its curve is
        below ``ratio`` times the population curve (for 0.5: half of it,
        a departure of :math:`\log 2` in log).

    Returns
    -------
    CrossoverResult
        The curves, each benchmark's crossover and their median.

    Raises
    ------
    ValueError
        If ``n_problems < 1``, ``n_seeds < 1``, ``ratio`` is not in
        ``(0, 1)``, ``k`` is not increasing and positive, or the
        population curve is not positive on ``k``.

    Notes
    -----
    The crossover of one benchmark is random: it sits near
    :math:`c / p_{\min}` with :math:`c` of order one, and :math:`p_{\min}`
    fluctuates by a factor that grows as :math:`b` falls. The median over
    benchmarks is the typical bend, of order
    :func:`predicted_crossover_k`. Between grid points the crossing is
    interpolated linearly in :math:`\log k`.

    Examples
    --------
    >>> from llmonkeys.distributions import ScaledBeta
    >>> res = finite_sample_crossover(ScaledBeta(1.0, 1.0), 100,
    ...                               np.geomspace(1, 1e5, 60), rng=0,
    ...                               n_seeds=20)
    >>> bool(30 < res.crossover_k < 3000)
    True
    """
    for name, value in (("n_problems", n_problems), ("n_seeds", n_seeds)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ValueError(f"{name} must be an int; got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be >= 1; got {value}")
    if not 0 < _positive(ratio, "ratio") < 1:
        raise ValueError(f"ratio must be in (0, 1); got {ratio!r}")
    k_arr = as_float_array(k, "k")
    if k_arr.ndim != 1 or k_arr.size < 2 or np.any(k_arr <= 0) or np.any(
        np.diff(k_arr) <= 0
    ):
        raise ValueError("k must be 1-D, positive, strictly increasing, length >= 2")
    population = np.asarray(dist.neg_log_pass_at_k(k_arr), dtype=np.float64)
    if np.any(~(population > 0)):
        raise ValueError("the population curve must be > 0 on k")
    gen = as_generator(rng)
    log_k = np.log(k_arr)
    finite = np.empty((int(n_seeds), k_arr.size))
    per_seed = np.empty(int(n_seeds))
    p_min = np.empty(int(n_seeds))
    for s in range(int(n_seeds)):  # one benchmark at a time bounds memory
        p = np.asarray(dist.sample(int(n_problems), gen), dtype=np.float64)
        finite[s] = finite_neg_log_pass_at_k(p, k_arr)
        p_min[s] = p.min()
    # Signed distance to the threshold, > 0 once the curve is below it.
    gap = ratio - finite / population
    for s in range(int(n_seeds)):
        hits = np.flatnonzero(gap[s] > 0)
        if hits.size == 0:
            per_seed[s] = np.inf
        elif hits[0] == 0:
            per_seed[s] = k_arr[0]
        else:
            j = hits[0]
            w = -gap[s, j - 1] / (gap[s, j] - gap[s, j - 1])
            per_seed[s] = np.exp((1 - w) * log_k[j - 1] + w * log_k[j])
    return CrossoverResult(k=k_arr, population=population, finite=finite,
                           per_seed=per_seed, p_min=p_min,
                           crossover_k=float(np.median(per_seed)),
                           ratio=float(ratio))


def finite_sample_noise(
    dist: _Curve, n_problems: int, k: ArrayLike
) -> NDArray[np.float64]:
    r"""Relative standard deviation of a finite benchmark's failure rate.

    Parameters
    ----------
    dist : distribution
        Object with ``failure_rate(k)``, :math:`\mathbb{E}[(1-p)^k]`.
    n_problems : int
        Problems in the benchmark, ``>= 1``.
    k : array_like
        Positive budgets.

    Returns
    -------
    numpy.ndarray
        :math:`\sqrt{\operatorname{Var}(\bar F_N(k))}/F(k)` for the mean
        :math:`\bar F_N(k) = N^{-1}\sum_i (1-p_i)^k` of ``N`` independent
        problems, with :math:`F(k) = \mathbb{E}[(1-p)^k]`.

    Raises
    ------
    ValueError
        If ``n_problems < 1``, ``k <= 0``, or :math:`F(k) = 0`.

    Notes
    -----
    Since :math:`(1-p)^k` squared is :math:`(1-p)^{2k}`,

    .. math::

        \frac{\operatorname{sd}\bar F_N(k)}{F(k)}
        = \sqrt{\frac{F(2k) - F(k)^2}{N\,F(k)^2}}
        \approx \sqrt{\frac{2^{-b}}{\Gamma(b+1)}
          \Bigl(\frac{k}{k_N}\Bigr)^{b}}

    in the power-law regime, with :math:`k_N` of
    :func:`predicted_crossover_k`: the noise of a benchmark's curve grows
    like :math:`k^{b/2}` and is of order one at the crossover.

    Examples
    --------
    >>> from llmonkeys.distributions import ScaledBeta
    >>> noise = finite_sample_noise(ScaledBeta(1.0, 1.0), 100, [1.0, 100.0])
    >>> bool(noise[0] < noise[1] < 1)
    True
    """
    if isinstance(n_problems, bool) or not isinstance(n_problems, int | np.integer):
        raise ValueError(f"n_problems must be an int; got {n_problems!r}")
    if n_problems < 1:
        raise ValueError(f"n_problems must be >= 1; got {n_problems}")
    k_arr = as_float_array(k, "k")
    if np.any(k_arr <= 0):
        raise ValueError("k must be > 0")
    f1 = np.asarray(dist.failure_rate(k_arr), dtype=np.float64)
    f2 = np.asarray(dist.failure_rate(2.0 * k_arr), dtype=np.float64)
    if np.any(~(f1 > 0)):
        raise ValueError("the failure rate must be > 0 on k")
    return np.sqrt(np.maximum(f2 - f1**2, 0.0) / n_problems) / f1


def power_law_window(
    dist: _Curve,
    n_problems: int | None = None,
    *,
    tol: float = 0.05,
    noise: float = 0.05,
    k_max: float = 1e6,
    n_grid: int = 400,
) -> tuple[float, float]:
    r"""Range of ``k`` where a benchmark's curve should follow the power law.

    Parameters
    ----------
    dist : distribution
        Object with ``neg_log_pass_at_k(k)``, ``failure_rate(k)`` and
        ``asymptotic()``.
    n_problems : int, optional
        Problems in the benchmark; ``None`` for an infinite benchmark.
    tol : float, default 0.05
        Passed to :func:`asymptotic_onset_k`.
    noise : float, default 0.05
        Largest relative standard deviation of the finite benchmark's
        curve allowed (:func:`finite_sample_noise`).
    k_max : float, default 1e6
        Largest budget of interest (e.g. the attempts made per problem).
    n_grid : int, default 400
        Points of the geometric grid on ``[1, k_max]``.

    Returns
    -------
    k_lo, k_hi : float
        ``k_lo`` is the onset (:func:`asymptotic_onset_k`); ``k_hi`` is the
        last grid budget before the noise first exceeds ``noise``
        (``k_max`` if it never does, or for an infinite benchmark). ``k_lo > k_hi``
        means the window is empty.

    Raises
    ------
    ValueError
        On invalid arguments (see :func:`asymptotic_onset_k`), or
        ``noise <= 0``.

    Examples
    --------
    >>> from llmonkeys.distributions import ScaledBeta
    >>> lo, hi = power_law_window(ScaledBeta(1.0, 1.0), 10_000, k_max=1e4)
    >>> bool(lo < 20 and 10 < hi < 1e4)
    True
    """
    noise = _positive(noise, "noise")
    k_lo = asymptotic_onset_k(dist, tol=tol, k_max=k_max, n_grid=n_grid)
    k_max, n_grid = _check_grid(k_max, n_grid)
    if n_problems is None:
        return k_lo, k_max
    k = np.geomspace(1.0, k_max, n_grid)
    bad = np.flatnonzero(finite_sample_noise(dist, n_problems, k) > noise)
    if bad.size == 0:
        return k_lo, k_max
    return k_lo, float(k[bad[0] - 1]) if bad[0] > 0 else 0.0
