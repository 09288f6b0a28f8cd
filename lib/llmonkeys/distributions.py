r"""Laws of a problem's single-attempt success probability and their curves.

A benchmark is modelled as problems whose single-attempt success
probabilities :math:`p` are drawn from a law :math:`F` on ``[0, 1]``. A
problem stays unsolved after ``k`` independent attempts with probability
:math:`(1-p)^k`, so the benchmark's exact curves are

.. math::

    \mathrm{failure}(k) = \mathbb{E}_F[(1-p)^k], \qquad
    \mathrm{pass}_D@k = 1 - \mathrm{failure}(k), \qquad
    -\log \mathrm{pass}_D@k = -\log(1 - \mathrm{failure}(k)).

If the density of :math:`F` behaves like :math:`C p^{\alpha-1}` near 0,
then :math:`\mathrm{failure}(k) \sim C\,\Gamma(\alpha)\,k^{-\alpha}` and so
does :math:`-\log \mathrm{pass}_D@k`: the power law of the aggregate curve
is the left tail of :math:`F`.

The module provides

* the numerics: :func:`log_beta_integral`, the log of
  :math:`\int_0^1 x^{a-1}(1-x)^{b-1}(1-sx)^m\,dx`, and the binomial
  likelihoods :func:`scaled_beta_binomial_logpmf` and
  :func:`scaled_kumaraswamy_binomial_logpmf`, in double precision,
  vectorised over problems and parameters, accurate far into the tail
  (``m`` up to :math:`10^6` and beyond);
* the laws :class:`ScaledBeta` and :class:`ScaledKumaraswamy`
  (:math:`p = sX` with :math:`X` Beta or Kumaraswamy on ``[0, 1]``), and
  the counterexamples :class:`UniformInterval`, :class:`PointMass`,
  :class:`BetaLogTail` and :class:`ZeroInflated`, all sharing the API of
  :class:`SuccessDistribution`.

Integrals without a closed form are computed in log space: the Beta
integral with a whole exponent ``m`` by a finite sum of positive terms
(Pfaff's transformation, :mod:`llmonkeys._special`), and otherwise by
adaptive Gauss--Kronrod quadrature in the logit variable; see
:func:`log_beta_integral` for the methods and their accuracy.

References
----------
.. [1] R. Schaeffer et al., "How Do Large Language Monkeys Get Their
   Power (Laws)?", ICML 2025, arXiv:2502.17578.
.. [2] P. Kumaraswamy, "A generalized probability density function for
   double-bounded random processes", Journal of Hydrology 46, 1980.
"""

from __future__ import annotations

import abc
import math
import numbers
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import (
    betainc,
    betaincc,
    digamma,
    gammaln,
    logsumexp,
    xlog1py,
    xlogy,
)

from llmonkeys._beta_integral import (
    _log_beta_integral,
    _log_beta_integral_open,
    _log_kumaraswamy_integral,
)
from llmonkeys._special import betaln as _betaln
from llmonkeys._special import log_comb as _log_comb
from llmonkeys._validation import (
    as_float_array,
    as_generator,
    broadcast,
    check_counts,
    check_positive_scalar,
    check_probability_scalar,
)

__all__ = [
    "log_beta_integral",
    "scaled_beta_binomial_logpmf",
    "scaled_kumaraswamy_binomial_logpmf",
    "log_corrected_beta_binomial_logpmf",
    "LOGPMF_N_MAX",
    "PowerLawAsymptote",
    "LogCorrectedAsymptote",
    "SuccessDistribution",
    "ScaledBeta",
    "ScaledKumaraswamy",
    "UniformInterval",
    "PointMass",
    "BetaLogTail",
    "ZeroInflated",
    "Mixture",
    "inflate_at_zero",
]

#: Names of ``__all__`` reached as ``lm.distributions.<name>`` only (result types
#: and lower-level helpers); ``llmonkeys`` re-exports the others.
_MODULE_ONLY: tuple[str, ...] = (
    "inflate_at_zero",
    "log_corrected_beta_binomial_logpmf",
    "Mixture",
    "SuccessDistribution",
    "PowerLawAsymptote",
    "LogCorrectedAsymptote",
    "log_beta_integral",
    "scaled_kumaraswamy_binomial_logpmf",
    "LOGPMF_N_MAX",
)


def _bad_values(arr: NDArray, mask: NDArray) -> str:
    bad = arr[mask].ravel()
    shown = ", ".join(repr(v.item()) for v in bad[:3])
    return shown + ("" if bad.size <= 3 else f" (and {bad.size - 3} more)")


def _positive_array(x: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = as_float_array(x, name)
    bad = ~(arr > 0.0)
    if bad.any():
        raise ValueError(
            f"{name} must be finite and > 0; got {_bad_values(arr, bad)}"
        )
    return arr


def _scale_array(x: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = as_float_array(x, name)
    bad = ~((arr > 0.0) & (arr <= 1.0))
    if bad.any():
        raise ValueError(
            f"{name} must lie in (0, 1] (p = {name} * X is a probability); "
            f"got {_bad_values(arr, bad)}"
        )
    return arr


def _filled(shape: tuple[int, ...], value: float) -> NDArray[np.float64]:
    """Return a float array of ``shape`` holding ``value`` (cheaper than np.full)."""
    out = np.empty(shape)
    out.fill(value)
    return out


def _check_k(k: ArrayLike) -> NDArray[np.float64]:
    arr = as_float_array(k, "k")
    bad = arr < 0.0
    if bad.any():
        raise ValueError(
            "k must be >= 0 (a number of attempts; k = 0 gives failure "
            f"rate 1); got {_bad_values(arr, bad)}"
        )
    return arr


def _check_size(size: object) -> tuple[int, ...]:
    items = size if isinstance(size, tuple) else (size,)
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            raise TypeError(
                f"size must be an int or a tuple of ints; got {size!r}"
            )
        if int(item) < 0:
            raise ValueError(f"size must be >= 0; got {size!r}")
    return tuple(int(item) for item in items)


def log_beta_integral(
    a: ArrayLike, b: ArrayLike, m: ArrayLike, s: ArrayLike
) -> NDArray[np.float64]:
    r"""Log of a Beta integral with a ``(1 - s x)^m`` factor, far in the tail.

    The integral is

    .. math::

        \log \int_0^1 x^{a-1} (1-x)^{b-1} (1-sx)^m \,\mathrm{d}x
        = \log\bigl[B(a, b)\; {}_2F_1(-m, a; a+b; s)\bigr].

    Parameters
    ----------
    a, b : array_like
        Positive exponents, ``a > 0`` and ``b > 0``.
    m : array_like
        Exponent ``m >= 0`` (a whole number in the applications, any real
        allowed).
    s : array_like
        Scale, ``0 < s <= 1``.

    Returns
    -------
    numpy.ndarray
        The log-integral, of the broadcast shape of the inputs.

    Raises
    ------
    ValueError
        If an argument is NaN or infinite, ``a <= 0``, ``b <= 0``,
        ``m < 0``, ``s`` is outside ``(0, 1]``, or the shapes do not
        broadcast.
    TypeError
        If an argument is not numeric.

    Notes
    -----
    At ``s = 1`` or ``m = 0`` the integral is
    :math:`B(a, b + m)`, evaluated by a cancellation-free Stirling form
    (``scipy.special.betaln`` loses up to nine digits at arguments near
    :math:`10^6`).

    For a whole number ``m`` (and :math:`s \ge 10^{-200}`), writing
    :math:`1 - sx = (1-s) + s(1-x)` and expanding gives a sum of positive
    terms,

    .. math::

        \int_0^1 x^{a-1}(1-x)^{b-1}(1-sx)^m\,dx
        = \sum_{j=0}^{m} \binom{m}{j} s^j (1-s)^{m-j}\,B(a, b+j),

    Pfaff's transformation of the alternating terminating series. Its
    binomial weights confine it to a window around :math:`j = ms`;
    Bernstein's inequality gives a window outside of which the terms add
    up to less than :math:`e^{-40}` of the sum. Where a cost model
    predicts it to be cheaper than the quadrature (windows of up to 600
    terms, or a few longer ones adding up to about 14,000), the window is
    summed in blocks anchored at terms computed in log space (Loader's
    binomial decomposition, a Stirling form of :math:`B`); see
    :func:`llmonkeys._special.log_beta_integral_sum`. This is the fast
    path for failure rates at whole budgets: a few hundred microseconds
    for a curve over :math:`k = 1 \dots 10^4`.

    Otherwise the integral is taken in the logit variable
    :math:`u = \log\frac{x}{1-x}`, where the integrand

    .. math::

        e^{\psi(u)}, \qquad
        \psi(u) = a \log x + b \log(1-x) + m \log(1 - sx),

    has no endpoint singularities (the factors :math:`x^{a-1}` and
    :math:`(1-x)^{b-1}` become exponential tails :math:`e^{au}` and
    :math:`e^{-bu}`, however small ``a`` and ``b``), is unimodal, and is
    evaluated in log space (no underflow at ``m = 10^6``). Its mode is the
    root of a quadratic, found in closed form. Each side of the mode is
    mapped by :math:`v = h(e^w - 1)` out to where :math:`\psi` is 50 below
    its peak, and integrated by adaptive 21-point Gauss--Kronrod panels in
    :math:`w` (see :func:`_logit_quadrature`). The hypergeometric
    function itself is not used: ``scipy.special.hyp2f1(-m, ...)``
    returns NaN for ``m`` above about :math:`10^5`, and its terminating
    series alternates in sign.

    Accuracy: the error of the returned log, relative to
    :math:`\max(1, |\log I|)`, was at most :math:`2 \times 10^{-13}`
    (typically :math:`10^{-15}`, the rounding of :math:`\psi` itself)
    over random sweeps of ``a, b`` in :math:`[10^{-4}, 10^6]`, ``m`` up
    to :math:`2 \times 10^6` and ``s`` in :math:`[10^{-6}, 1-10^{-10}]`,
    against ``mpmath`` and against this quadrature at a :math:`10^4`
    times tighter tolerance; the grid of
    ``benchmarks/bench_distributions.py`` (``a, b`` from 0.01 to 100,
    ``m`` up to :math:`10^6`) gives at most :math:`6 \times 10^{-13}`
    for the quadrature. The finite sum agrees with mpmath (every term
    summed at 50 digits) to :math:`10^{-14}` and with the quadrature to
    :math:`5 \times 10^{-13}` over 40,000 random cases (where they
    differed most, the sum was the exact one). Tail exponents below about
    :math:`10^{-8}` are handled by a closed form tail. A quadrature batch
    costs about 200 evaluations of :math:`\psi` per element (2 ms for
    128 elements).

    References
    ----------
    .. [1] R. Piessens, E. de Doncker-Kapenga, C. Ueberhuber and
       D. Kahaner, "QUADPACK: A Subroutine Package for Automatic
       Integration", Springer, 1983 (the 21-point Gauss--Kronrod rule).

    Examples
    --------
    >>> from scipy.special import betaln
    >>> x = float(log_beta_integral(0.5, 2.0, 10, 1.0))
    >>> abs(x - float(betaln(0.5, 12))) < 1e-15  # s = 1: B(a, m + b)
    True
    >>> round(float(log_beta_integral(1.0, 1.0, 1, 0.5)), 12)  # log(3/4)
    -0.287682072452
    >>> log_beta_integral(0.3, 2.0, [1e2, 1e4, 1e6], 0.9).round(6)
    array([-0.259386, -1.635749, -3.017248])
    """
    a_arr = _positive_array(a, "a")
    b_arr = _positive_array(b, "b")
    m_arr = as_float_array(m, "m")
    if np.any(m_arr < 0):
        raise ValueError(
            f"m must be >= 0; got {_bad_values(m_arr, m_arr < 0)}"
        )
    s_arr = _scale_array(s, "s")
    a_arr, b_arr, m_arr, s_arr = broadcast(a=a_arr, b=b_arr, m=m_arr, s=s_arr)
    return _log_beta_integral(a_arr, b_arr, m_arr, s_arr)


#: Largest number of attempts ``n`` the binomial log-pmfs accept: tested
#: against mpmath to about 1e-14 up to here; beyond it they are refused
#: (at ``n = 1e12`` the old evaluation was off by 1.3e-4 and took seconds).
LOGPMF_N_MAX = 10**9


def _binomial_inputs(c, n, shape1, shape2, scale, names):
    n_arr, c_arr = check_counts(n, c)
    if np.any(n_arr > LOGPMF_N_MAX):
        raise ValueError(
            f"n must be <= {LOGPMF_N_MAX:.0e} attempts for the binomial "
            f"log-pmfs (their tested range); got n={int(n_arr.max())}"
        )
    p1 = _positive_array(shape1, names[0])
    p2 = _positive_array(shape2, names[1])
    s_arr = _scale_array(scale, "scale")
    return broadcast(
        c=c_arr.astype(np.float64),
        n=n_arr.astype(np.float64),
        **{names[0]: p1, names[1]: p2},
        scale=s_arr,
    )


def scaled_beta_binomial_logpmf(
    c: ArrayLike,
    n: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    scale: ArrayLike = 1.0,
) -> NDArray[np.float64]:
    r"""Log-probability of ``c`` successes in ``n`` attempts, scaled Beta law.

    The model: :math:`C \mid p \sim \mathrm{Binomial}(n, p)`,
    :math:`p = sX`, :math:`X \sim \mathrm{Beta}(\alpha, \beta)`.

    Parameters
    ----------
    c : array_like of int
        Successes, ``0 <= c <= n`` (whole-valued floats accepted).
    n : array_like of int
        Attempts, ``n >= 1``.
    alpha, beta : array_like
        Shape parameters, finite and ``> 0``.
    scale : array_like, default 1.0
        :math:`s`, the largest possible success probability, in
        ``(0, 1]``.

    Returns
    -------
    numpy.ndarray
        :math:`\log P(C = c \mid n)`, of the broadcast shape of all
        arguments: e.g. ``c``, ``n`` of shape ``(1, P)`` for ``P`` problems
        and ``alpha``, ``beta`` of shape ``(M, 1)`` for ``M`` parameter
        vectors give ``(M, P)``.

    Raises
    ------
    ValueError
        If a count is invalid (see :func:`~llmonkeys.estimators.pass_at_k`),
        ``n > 1e9``, ``alpha`` or ``beta`` is not finite and positive, ``scale`` is
        outside ``(0, 1]``, or the shapes do not broadcast.
    TypeError
        If an argument is not numeric.

    Notes
    -----
    .. math::

        \log P(c \mid n) = \log\binom{n}{c} + c \log s
        + \log\int_0^1 x^{\alpha+c-1}(1-x)^{\beta-1}(1-sx)^{n-c}\,dx
        - \log B(\alpha, \beta),

    with the integral from :func:`log_beta_integral`. At ``scale = 1``
    this is the Beta-binomial law (``scipy.stats.betabinom``) in closed
    form. The relative error of the probability, measured against
    ``mpmath`` (50 digits), is about :math:`10^{-13}` for shapes up to
    :math:`10^3` and ``n`` up to :math:`10^9` (larger ``n`` is refused,
    see :data:`LOGPMF_N_MAX`); it grows with the shapes, as
    :math:`2 \times 10^{-16} \max(\alpha, \beta)`, to about
    :math:`2 \times 10^{-10}` at :math:`\alpha = \beta = 10^6`, the fit's
    upper bound (rounding of the large :math:`\log B` terms that cancel),
    whereas the authors' evaluation with ``mpmath.hyp2f1`` takes seconds
    per problem at ``n = 10^4``.

    Examples
    --------
    >>> from scipy.stats import betabinom
    >>> got = scaled_beta_binomial_logpmf([0, 3, 10], 10, 0.5, 2.0)
    >>> bool(np.allclose(got, betabinom.logpmf([0, 3, 10], 10, 0.5, 2.0)))
    True
    >>> p = np.exp(scaled_beta_binomial_logpmf(np.arange(11), 10, 0.5, 2.0, 0.3))
    >>> round(float(p.sum()), 12)
    1.0
    """
    c_a, n_a, al, be, s_a = _binomial_inputs(
        c, n, alpha, beta, scale, ("alpha", "beta")
    )
    with np.errstate(divide="ignore"):
        return (
            _log_comb(n_a, c_a)
            + c_a * np.log(s_a)
            + _log_beta_integral(al + c_a, be, n_a - c_a, s_a)
            - _betaln(al, be)
        )


def inflate_at_zero(
    base: NDArray[np.float64], c: ArrayLike, log_pi: ArrayLike, log_rest: ArrayLike
) -> NDArray[np.float64]:
    r"""Add a point mass at :math:`p = 0` to a law of counts, in log space.

    The one formula behind every zero-inflated log-pmf of the package:
    :math:`\log[(1-\pi) f(c)]` for :math:`c > 0` and
    :math:`\log[\pi + (1-\pi) f(0)]` for :math:`c = 0`. Callers pass
    :math:`\log\pi` and :math:`\log(1-\pi)` computed in the way that is
    stable for their parametrisation (``log``/``log1p`` of :math:`\pi`, or
    ``log_expit`` of its logit).

    Parameters
    ----------
    base : numpy.ndarray
        :math:`\log f(c)`, the log-pmf without the point mass.
    c : array_like of int
        The counts ``base`` is evaluated at (broadcasting with ``base``).
    log_pi, log_rest : array_like
        :math:`\log\pi` and :math:`\log(1-\pi)`.

    Returns
    -------
    numpy.ndarray
        The zero-inflated log-pmf, of the broadcast shape.

    Examples
    --------
    >>> import numpy as np
    >>> lp = inflate_at_zero(np.log([0.5, 0.5]), [0, 1], np.log(0.2), np.log(0.8))
    >>> np.exp(lp).round(12).tolist()
    [0.6, 0.4]
    """
    return np.where(np.asarray(c) > 0, log_rest + base,
                    np.logaddexp(log_pi, log_rest + base))


def scaled_kumaraswamy_binomial_logpmf(
    c: ArrayLike,
    n: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
    scale: ArrayLike = 1.0,
) -> NDArray[np.float64]:
    r"""Log-probability of ``c`` successes in ``n`` attempts, scaled Kumaraswamy.

    The model: :math:`C \mid p \sim \mathrm{Binomial}(n, p)`,
    :math:`p = sX`, :math:`X \sim \mathrm{Kumaraswamy}(a, b)` with density
    :math:`a b x^{a-1}(1-x^a)^{b-1}` on ``[0, 1]``.

    Parameters
    ----------
    c : array_like of int
        Successes, ``0 <= c <= n``.
    n : array_like of int
        Attempts, ``n >= 1``.
    a, b : array_like
        Shape parameters, finite and ``> 0``.
    scale : array_like, default 1.0
        :math:`s` in ``(0, 1]``.

    Returns
    -------
    numpy.ndarray
        :math:`\log P(C = c \mid n)`, of the broadcast shape of all
        arguments.

    Raises
    ------
    ValueError
        On invalid counts, non-positive or non-finite ``a`` or ``b``,
        ``scale`` outside ``(0, 1]``, or shapes that do not broadcast.
    TypeError
        If an argument is not numeric.

    Notes
    -----
    Substituting :math:`y = x^a` turns the density into
    :math:`b(1-y)^{b-1}`, so

    .. math::

        P(c \mid n) = \binom{n}{c} s^c\, b
        \int_0^1 y^{c/a} (1-y)^{b-1} (1 - s y^{1/a})^{n-c}\,dy,

    a Beta integral when ``c = n`` and otherwise computed as in
    :func:`log_beta_integral`, in the logit of :math:`y` (the log
    integrand is again unimodal; its mode is found by safeguarded Newton
    iteration). Relative error about :math:`10^{-13}` against ``mpmath``.

    Examples
    --------
    >>> lp = scaled_kumaraswamy_binomial_logpmf(np.arange(21), 20, 0.5, 3.0, 0.8)
    >>> round(float(np.exp(lp).sum()), 12)
    1.0
    >>> # a = 1 is the Beta(1, b) law.
    >>> x = scaled_kumaraswamy_binomial_logpmf(4, 30, 1.0, 3.0, 0.5)
    >>> y = scaled_beta_binomial_logpmf(4, 30, 1.0, 3.0, 0.5)
    >>> bool(np.isclose(x, y, rtol=1e-12))
    True
    """
    c_a, n_a, a_a, b_a, s_a = _binomial_inputs(c, n, a, b, scale, ("a", "b"))
    with np.errstate(divide="ignore"):
        return (
            _log_comb(n_a, c_a)
            + c_a * np.log(s_a)
            + np.log(b_a)
            + _log_kumaraswamy_integral(a_a, b_a, c_a, n_a - c_a, s_a)
        )


_LOG_FLOAT_MAX = math.log(np.finfo(np.float64).max)


class PowerLawAsymptote(NamedTuple):
    r"""Leading power law :math:`\mathrm{failure}(k) \sim A k^{-b}`.

    As :math:`k \to \infty`, :math:`-\log \mathrm{pass}_D@k` has the same
    asymptote, since :math:`-\log(1-f) \sim f` as :math:`f \to 0`. A
    2-tuple, so ``prefactor, exponent = dist.asymptotic()`` works.

    Attributes
    ----------
    prefactor : float
        :math:`A`.
    exponent : float
        :math:`b`, the left-tail index of the law of :math:`p`.
    """

    prefactor: float
    exponent: float

    def evaluate(self, k: ArrayLike) -> NDArray[np.float64]:
        """Return :math:`A k^{-b}` at ``k > 0``.

        Parameters
        ----------
        k : array_like
            Positive attempt budgets.

        Returns
        -------
        numpy.ndarray
            The asymptote, shape of ``k``.

        Raises
        ------
        ValueError
            If ``k`` is not finite and positive.
        """
        k_arr = _positive_array(k, "k")
        return self.prefactor * k_arr ** (-self.exponent)


class LogCorrectedAsymptote(NamedTuple):
    r"""Asymptote :math:`\mathrm{failure}(k) \sim A k^{-b} (\log k)^{r}`.

    Attributes
    ----------
    prefactor : float
        :math:`A`.
    exponent : float
        :math:`b`.
    log_power : float
        :math:`r`; for ``r != 0`` the curve is not a straight line on a
        log-log plot at any ``k``, and its local slope tends to ``b`` only
        like :math:`r / \log k`.
    """

    prefactor: float
    exponent: float
    log_power: float

    def evaluate(self, k: ArrayLike) -> NDArray[np.float64]:
        r"""Return :math:`A k^{-b} (\log k)^{r}` at ``k > 1``.

        Parameters
        ----------
        k : array_like
            Attempt budgets, ``k > 1``.

        Returns
        -------
        numpy.ndarray
            The asymptote, shape of ``k``.

        Raises
        ------
        ValueError
            If ``k`` is not finite or ``k <= 1``.
        """
        k_arr = as_float_array(k, "k")
        if np.any(k_arr <= 1.0):
            raise ValueError("k must be > 1 (log k appears in the asymptote)")
        return (
            self.prefactor * k_arr ** (-self.exponent)
            * np.log(k_arr) ** self.log_power
        )


class SuccessDistribution(abc.ABC):
    r"""A law of the single-attempt success probability :math:`p \in [0, 1]`.

    Subclasses provide :meth:`log_failure_rate` (through
    ``_log_failure_rate``), sampling, density, distribution function,
    mean and binomial likelihood; the benchmark curves derive from the
    failure rate :math:`\mathbb{E}[(1-p)^k]`. Every curve method accepts a
    real ``k >= 0`` or an array of them and returns a float array of the
    shape of ``k``; ``pdf`` and ``cdf`` accept any finite ``p`` (NaN and
    infinities raise :class:`ValueError`).
    """

    # -- to be provided by subclasses -------------------------------------

    @abc.abstractmethod
    def _log_failure_rate(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        """Log failure rate at validated ``k >= 0`` (any shape)."""

    @abc.abstractmethod
    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator
    ) -> NDArray[np.float64]:
        """Draw ``shape`` values of ``p``."""

    @abc.abstractmethod
    def pdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Density of ``p``."""

    @abc.abstractmethod
    def cdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Distribution function of ``p``."""

    @property
    @abc.abstractmethod
    def mean(self) -> float:
        """Mean of ``p``, the benchmark's pass@1."""

    @abc.abstractmethod
    def binomial_logpmf(self, c: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
        """Log-probability of ``c`` successes in ``n`` attempts."""

    # -- shared -----------------------------------------------------------

    def log_failure_rate(self, k: ArrayLike) -> NDArray[np.float64]:
        r"""Log of the failure rate, :math:`\log \mathbb{E}[(1-p)^k]`.

        Parameters
        ----------
        k : array_like
            Attempt budgets, real and ``>= 0`` (``k = 0`` gives 0).

        Returns
        -------
        numpy.ndarray
            Values in ``[-inf, 0]``, non-increasing in ``k``, shape of
            ``k``.

        Raises
        ------
        ValueError
            If ``k`` is negative, NaN or infinite.
        TypeError
            If ``k`` is not numeric.
        """
        k_arr = _check_k(k)
        with np.errstate(all="ignore"):
            out = np.asarray(self._log_failure_rate(k_arr), dtype=np.float64)
        return np.where(k_arr == 0.0, 0.0, np.minimum(out, 0.0))

    def failure_rate(self, k: ArrayLike) -> NDArray[np.float64]:
        r"""Probability that a random problem survives ``k`` attempts.

        Parameters
        ----------
        k : array_like
            Attempt budgets, real and ``>= 0``.

        Returns
        -------
        numpy.ndarray
            :math:`\mathbb{E}[(1-p)^k] = 1 - \mathrm{pass}_D@k`, in
            ``[0, 1]``, non-increasing in ``k``, shape of ``k``.

        Raises
        ------
        ValueError
            If ``k`` is negative, NaN or infinite.
        """
        return np.exp(self.log_failure_rate(k))

    def pass_at_k(self, k: ArrayLike) -> NDArray[np.float64]:
        r"""Return the population pass@k, :math:`1 - \mathbb{E}[(1-p)^k]`.

        Parameters
        ----------
        k : array_like
            Attempt budgets, real and ``>= 0``.

        Returns
        -------
        numpy.ndarray
            Values in ``[0, 1]``, computed as ``-expm1(log failure)``
            (accurate when pass@k is small), shape of ``k``.

        Raises
        ------
        ValueError
            If ``k`` is negative, NaN or infinite.
        """
        return -np.expm1(self.log_failure_rate(k))

    def neg_log_pass_at_k(self, k: ArrayLike) -> NDArray[np.float64]:
        r"""Exact benchmark curve :math:`-\log \mathrm{pass}_D@k`.

        Parameters
        ----------
        k : array_like
            Attempt budgets, real and ``>= 0``.

        Returns
        -------
        numpy.ndarray
            Non-negative values (``inf`` at ``k = 0``), shape of ``k``.

        Raises
        ------
        ValueError
            If ``k`` is negative, NaN or infinite.

        Notes
        -----
        With :math:`f` the failure rate, this is :math:`-\log(1-f)`,
        evaluated as ``-log1p(-f)`` where :math:`f < 1/2` (keeping every
        digit of the power-law tail) and as ``-log(-expm1(log f))``
        otherwise.
        """
        lf = self.log_failure_rate(k)
        with np.errstate(divide="ignore"):
            return np.where(
                lf < -np.log(2.0),
                -np.log1p(-np.exp(lf)),
                -np.log(-np.expm1(lf)),
            )

    def sample(
        self, size: int | tuple[int, ...], rng: np.random.Generator | int
    ) -> NDArray[np.float64]:
        """Draw success probabilities.

        Parameters
        ----------
        size : int or tuple of int
            Output shape.
        rng : numpy.random.Generator or int
            A generator, or a non-negative integer seed.

        Returns
        -------
        numpy.ndarray
            Values of ``p`` in ``[0, 1]`` of shape ``size``.

        Raises
        ------
        TypeError
            If ``rng`` or ``size`` has the wrong type.
        ValueError
            If a seed or a size is negative.
        """
        shape = _check_size(size)
        gen = as_generator(rng)
        return np.asarray(self._sample(shape, gen), dtype=np.float64)

    def asymptotic(self) -> PowerLawAsymptote:
        r"""Leading power law of the failure rate as :math:`k \to \infty`.

        Returns
        -------
        PowerLawAsymptote
            ``(prefactor, exponent)``.

        Raises
        ------
        ValueError
            If the failure rate has no power-law asymptote.
        """
        raise ValueError(
            f"{type(self).__name__} has no power-law tail: its failure "
            "rate does not decay like a power of k"
        )


def _asymptote(log_prefactor: float, exponent: float, law: str) -> PowerLawAsymptote:
    """Power law from its log prefactor; refuse a prefactor beyond float64."""
    if not log_prefactor < _LOG_FLOAT_MAX:
        raise ValueError(
            f"{law}: the asymptotic prefactor exp({log_prefactor:.6g}) exceeds "
            "the largest float (about 1.8e308): with a tail index this large "
            "(exponent "
            f"{exponent:.6g}) the power law holds only at astronomically large "
            "k. Use failure_rate(k) or neg_log_pass_at_k(k) for the curve"
        )
    return PowerLawAsymptote(float(np.exp(log_prefactor)), exponent)


def _probability_grid(p: ArrayLike) -> NDArray[np.float64]:
    return as_float_array(p, "p")


@dataclass(frozen=True)
class ScaledBeta(SuccessDistribution):
    r"""Scaled Beta law, :math:`p = sX` with :math:`X` Beta-distributed.

    :math:`X \sim \mathrm{Beta}(\alpha, \beta)`; ``ScaledBeta(alpha,
    beta)`` (``scale = 1``) is the Beta law.

    Parameters
    ----------
    alpha, beta : float
        Shape parameters, finite and ``> 0``; ``alpha`` is the left-tail
        index, the exponent of the power law.
    scale : float, default 1.0
        :math:`s` in ``(0, 1]``, the largest success probability.

    Raises
    ------
    ValueError
        If a parameter is out of range or not finite.
    TypeError
        If a parameter is not a real number.

    Notes
    -----
    The failure rate is

    .. math::

        \mathbb{E}[(1-p)^k] = \frac{1}{B(\alpha,\beta)}
        \int_0^1 x^{\alpha-1}(1-x)^{\beta-1}(1-sx)^k\,dx
        = {}_2F_1(-k, \alpha; \alpha+\beta; s)
        \sim \frac{\Gamma(\alpha+\beta)}{\Gamma(\beta)\, s^{\alpha}}
        k^{-\alpha},

    computed by :func:`log_beta_integral` (closed form
    :math:`B(\alpha, \beta+k)/B(\alpha, \beta)` at ``s = 1``).

    Examples
    --------
    >>> law = ScaledBeta(0.3, 2.0, scale=0.5)
    >>> law.failure_rate([0, 1, 1e6]).round(6)
    array([1.      , 0.934783, 0.022765])
    >>> pre, expo = law.asymptotic()
    >>> round(pre, 6), expo
    (1.436391, 0.3)
    >>> round(float(law.failure_rate(1e6) / (pre * 1e6 ** -expo)), 4)
    1.0
    """

    alpha: float
    beta: float
    scale: float = 1.0

    _log_beta: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha", check_positive_scalar(self.alpha, "alpha"))
        object.__setattr__(self, "beta", check_positive_scalar(self.beta, "beta"))
        object.__setattr__(self, "scale", check_probability_scalar(self.scale, "scale"))
        object.__setattr__(self, "_log_beta", float(_betaln(self.alpha, self.beta)))

    def _log_failure_rate(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        flat = k.ravel()
        b = _filled(flat.shape, self.beta)
        if self.scale == 1.0:
            log_integral = _betaln(self.alpha, b + flat)
        else:
            # Also right at k = 0: the sum then has the single term B(a, b).
            a, s = _filled(flat.shape, self.alpha), _filled(flat.shape, self.scale)
            log_integral = _log_beta_integral_open(a, b, flat, s)
        return (log_integral - self._log_beta).reshape(k.shape)

    def _sample(self, shape, rng):
        return self.scale * rng.beta(self.alpha, self.beta, size=shape)

    def pdf(self, p: ArrayLike) -> NDArray[np.float64]:
        r"""Density :math:`x^{\alpha-1}(1-x)^{\beta-1} / (s B(\alpha,\beta))`.

        Here :math:`x = p/s`.

        Parameters
        ----------
        p : array_like
            Points (0 outside ``[0, scale]``).

        Returns
        -------
        numpy.ndarray
            The density (``inf`` at ``p = 0`` when ``alpha < 1``).
        """
        x = _probability_grid(p) / self.scale
        inside = (x >= 0.0) & (x <= 1.0)
        xc = np.clip(x, 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            logpdf = (
                xlogy(self.alpha - 1.0, xc)
                + xlog1py(self.beta - 1.0, -xc)
                - _betaln(self.alpha, self.beta)
                - np.log(self.scale)
            )
        return np.where(inside, np.exp(logpdf), 0.0)

    def cdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Distribution function, the regularised incomplete Beta of ``p/scale``.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            Values in ``[0, 1]``.
        """
        x = np.clip(_probability_grid(p) / self.scale, 0.0, 1.0)
        return betainc(self.alpha, self.beta, x)

    @property
    def mean(self) -> float:
        r"""Mean :math:`s\alpha/(\alpha+\beta)`."""
        return self.scale * self.alpha / (self.alpha + self.beta)

    def asymptotic(self) -> PowerLawAsymptote:
        r"""Return :math:`(\Gamma(\alpha+\beta)/(\Gamma(\beta)s^\alpha), \alpha)`.

        Returns
        -------
        PowerLawAsymptote
            ``failure_rate(k) ~ prefactor * k**-exponent``.

        Raises
        ------
        ValueError
            If the prefactor exceeds the largest float (a very large
            tail index, e.g. ``alpha = 1000``).
        """
        log_pre = (
            gammaln(self.alpha + self.beta)
            - gammaln(self.beta)
            - self.alpha * np.log(self.scale)
        )
        return _asymptote(float(log_pre), self.alpha, repr(self))

    def binomial_logpmf(self, c: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
        """Log-probability of ``c`` successes in ``n`` attempts.

        Parameters
        ----------
        c, n : array_like of int
            Successes and attempts, ``0 <= c <= n``, ``n >= 1``.

        Returns
        -------
        numpy.ndarray
            See :func:`scaled_beta_binomial_logpmf`.
        """
        return scaled_beta_binomial_logpmf(c, n, self.alpha, self.beta, self.scale)


@dataclass(frozen=True)
class ScaledKumaraswamy(SuccessDistribution):
    r"""Scaled Kumaraswamy law, :math:`p = sX` with :math:`X` Kumaraswamy.

    :math:`X` has density :math:`abx^{a-1}(1-x^a)^{b-1}` on ``[0, 1]``;
    ``scale = 1`` is the Kumaraswamy law.

    Parameters
    ----------
    a, b : float
        Shape parameters, finite and ``> 0``; ``a`` is the left-tail
        index.
    scale : float, default 1.0
        :math:`s` in ``(0, 1]``.

    Raises
    ------
    ValueError
        If a parameter is out of range or not finite.
    TypeError
        If a parameter is not a real number.

    Notes
    -----
    Near 0 the density of ``p`` is :math:`C p^{a-1}` with
    :math:`C = ab/s^a`, so

    .. math::

        \mathbb{E}[(1-p)^k] \sim C\,\Gamma(a)\,k^{-a}
        = \frac{b\,\Gamma(a+1)}{s^a}\,k^{-a}.

    The failure rate is
    :math:`b\int_0^1 (1-y)^{b-1}(1-sy^{1/a})^k\,dy`, computed by the
    quadrature of :func:`scaled_kumaraswamy_binomial_logpmf`.

    Examples
    --------
    >>> law = ScaledKumaraswamy(0.3, 3.0, scale=0.5)
    >>> law.failure_rate([0, 1]).round(6)
    array([1.      , 0.979504])
    >>> # The approach to the asymptote is slow, like k**-a.
    >>> ratio = law.failure_rate([1e3, 1e6]) / law.asymptotic().evaluate([1e3, 1e6])
    >>> ratio.round(4)
    array([0.8541, 0.9807])
    """

    a: float
    b: float
    scale: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "a", check_positive_scalar(self.a, "a"))
        object.__setattr__(self, "b", check_positive_scalar(self.b, "b"))
        object.__setattr__(self, "scale", check_probability_scalar(self.scale, "scale"))

    def _log_failure_rate(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.log(self.b) + _log_kumaraswamy_integral(
            self.a, self.b, 0.0, k, self.scale
        )

    def _sample(self, shape, rng):
        # Inverse distribution function, F^-1(u) = (1 - (1-u)^(1/b))^(1/a).
        v = 1.0 - rng.random(shape)  # in (0, 1]
        return self.scale * (-np.expm1(np.log(v) / self.b)) ** (1.0 / self.a)

    def pdf(self, p: ArrayLike) -> NDArray[np.float64]:
        r"""Density :math:`a b x^{a-1}(1-x^a)^{b-1}/s`, :math:`x = p/s`.

        Parameters
        ----------
        p : array_like
            Points (0 outside ``[0, scale]``).

        Returns
        -------
        numpy.ndarray
            The density.
        """
        x = _probability_grid(p) / self.scale
        inside = (x >= 0.0) & (x <= 1.0)
        xc = np.clip(x, 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            logpdf = (
                np.log(self.a * self.b / self.scale)
                + xlogy(self.a - 1.0, xc)
                + xlog1py(self.b - 1.0, -(xc**self.a))
            )
        return np.where(inside, np.exp(logpdf), 0.0)

    def cdf(self, p: ArrayLike) -> NDArray[np.float64]:
        r"""Distribution function :math:`1 - (1 - x^a)^b`, :math:`x = p/s`.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            Values in ``[0, 1]``.
        """
        x = np.clip(_probability_grid(p) / self.scale, 0.0, 1.0)
        with np.errstate(divide="ignore"):
            return -np.expm1(self.b * np.log1p(-(x**self.a)))

    @property
    def mean(self) -> float:
        r"""Mean :math:`s\,b\,B(1 + 1/a, b)`."""
        return float(
            self.scale * self.b * np.exp(_betaln(1.0 + 1.0 / self.a, self.b))
        )

    def asymptotic(self) -> PowerLawAsymptote:
        r"""Return :math:`(b\Gamma(a+1)/s^a, a)`.

        Returns
        -------
        PowerLawAsymptote
            ``failure_rate(k) ~ prefactor * k**-exponent``.

        Raises
        ------
        ValueError
            If the prefactor exceeds the largest float (a very large
            tail index, e.g. ``alpha = 1000``).
        """
        log_pre = np.log(self.b) + gammaln(self.a + 1.0) - self.a * np.log(self.scale)
        return _asymptote(float(log_pre), self.a, repr(self))

    def binomial_logpmf(self, c: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
        """Log-probability of ``c`` successes in ``n`` attempts.

        Parameters
        ----------
        c, n : array_like of int
            Successes and attempts.

        Returns
        -------
        numpy.ndarray
            See :func:`scaled_kumaraswamy_binomial_logpmf`.
        """
        return scaled_kumaraswamy_binomial_logpmf(c, n, self.a, self.b, self.scale)


@dataclass(frozen=True)
class UniformInterval(SuccessDistribution):
    r"""Uniform law of ``p`` on ``[low, high]``, bounded away from 0.

    No problem is hard: every :math:`p \ge` ``low``, so the failure rate
    decays exponentially, like :math:`(1-\mathrm{low})^k / k`, and there
    is no power law (:meth:`asymptotic` raises).

    Parameters
    ----------
    low, high : float
        ``0 < low < high <= 1``.

    Raises
    ------
    ValueError
        If the bounds are out of order or out of range.
    TypeError
        If a bound is not a real number.

    Notes
    -----
    .. math::

        \mathbb{E}[(1-p)^k] =
        \frac{(1-l)^{k+1} - (1-h)^{k+1}}{(k+1)(h-l)},

    evaluated as :math:`(k+1)\log(1-l) + \log(1 - e^{r}) - \log(k+1)
    - \log(h-l)` with :math:`r = (k+1)\log\frac{1-h}{1-l}`.

    Examples
    --------
    >>> law = UniformInterval(0.2, 0.6)
    >>> round(float(law.failure_rate(1)), 12), round(1 - law.mean, 12)
    (0.6, 0.6)
    >>> law.asymptotic()
    Traceback (most recent call last):
    ...
    ValueError: UniformInterval has no power-law tail: ...
    """

    low: float
    high: float

    def __post_init__(self) -> None:
        low = check_probability_scalar(self.low, "low")
        high = check_probability_scalar(self.high, "high")
        if not low < high:
            raise ValueError(f"need low < high; got low={low!r}, high={high!r}")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def _log_failure_rate(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        k1 = k + 1.0
        l_low = np.log1p(-self.low)
        r = k1 * (np.log1p(-self.high) - l_low)
        return (
            k1 * l_low
            + np.log(-np.expm1(r))
            - np.log(k1)
            - np.log(self.high - self.low)
        )

    def _sample(self, shape, rng):
        return rng.uniform(self.low, self.high, size=shape)

    def pdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Density ``1 / (high - low)`` on ``[low, high]``.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            The density.
        """
        x = _probability_grid(p)
        inside = (x >= self.low) & (x <= self.high)
        return np.where(inside, 1.0 / (self.high - self.low), 0.0)

    def cdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Distribution function.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            Values in ``[0, 1]``.
        """
        x = _probability_grid(p)
        return np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)

    @property
    def mean(self) -> float:
        """Mean ``(low + high) / 2``."""
        return 0.5 * (self.low + self.high)

    def binomial_logpmf(self, c: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
        r"""Log-probability of ``c`` successes in ``n`` attempts.

        Parameters
        ----------
        c, n : array_like of int
            Successes and attempts.

        Returns
        -------
        numpy.ndarray
            :math:`\log\frac{I_h(c+1, n-c+1) - I_l(c+1, n-c+1)}
            {(n+1)(h-l)}`, with :math:`I` the regularised incomplete Beta
            function (its complement where both exceed 1/2). Accuracy is
            that of ``scipy.special.betainc``; the difference loses
            digits when the interval is very narrow.
        """
        n_arr, c_arr = check_counts(n, c)
        a = c_arr + 1.0
        b = n_arr - c_arr + 1.0
        lo_low = betainc(a, b, self.low)
        lo_high = betainc(a, b, self.high)
        upper = lo_low > 0.5
        diff = np.where(
            upper,
            betaincc(a, b, self.low) - betaincc(a, b, self.high),
            lo_high - lo_low,
        )
        with np.errstate(divide="ignore"):
            return np.log(diff) - np.log1p(n_arr) - np.log(self.high - self.low)


@dataclass(frozen=True)
class PointMass(SuccessDistribution):
    r"""Every problem has the same success probability ``p``.

    The failure rate :math:`(1-p)^k` decays exponentially: no power law
    (:meth:`asymptotic` raises).

    Parameters
    ----------
    p : float
        Success probability in ``[0, 1]`` (``0``: never solved).

    Raises
    ------
    ValueError
        If ``p`` is outside ``[0, 1]`` or not finite.
    TypeError
        If ``p`` is not a real number.

    Examples
    --------
    >>> PointMass(0.5).failure_rate([0, 1, 3]).round(12).tolist()
    [1.0, 0.5, 0.125]
    """

    p: float

    def __post_init__(self) -> None:
        p = self.p
        if isinstance(p, bool) or not isinstance(p, numbers.Real):
            raise TypeError(f"p must be a real number; got {type(p).__name__}")
        value = float(p)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"p must lie in [0, 1]; got {p!r}")
        object.__setattr__(self, "p", value)

    def _log_failure_rate(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.where(k == 0.0, 0.0, k * np.log1p(-self.p))

    def _sample(self, shape, rng):
        return np.full(shape, self.p)

    def pdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Not defined: a point mass has no density.

        Parameters
        ----------
        p : array_like
            Ignored.

        Returns
        -------
        numpy.ndarray
            Never returns.

        Raises
        ------
        ValueError
            Always; use :meth:`cdf`.
        """
        raise ValueError("PointMass has no density (all mass at one point); "
                         "use cdf")

    def cdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Distribution function, a step at ``p``.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            1 where the point is ``>= self.p``, else 0.
        """
        return (_probability_grid(p) >= self.p).astype(np.float64)

    @property
    def mean(self) -> float:
        """Mean, ``p``."""
        return self.p

    def binomial_logpmf(self, c: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
        r"""Binomial log-probability of ``c`` successes in ``n`` attempts.

        Parameters
        ----------
        c, n : array_like of int
            Successes and attempts.

        Returns
        -------
        numpy.ndarray
            :math:`\log\binom{n}{c} + c\log p + (n-c)\log(1-p)`.
        """
        n_arr, c_arr = check_counts(n, c)
        with np.errstate(divide="ignore"):
            return (
                _log_comb(n_arr, c_arr)
                + xlogy(c_arr, self.p)
                + xlog1py(n_arr - c_arr, -self.p)
            )


@dataclass(frozen=True)
class BetaLogTail(SuccessDistribution):
    r"""Law with density :math:`a^2 p^{a-1}\log(1/p)`: a power law bent by a log.

    The law of the product of two independent :math:`\mathrm{Beta}(a, 1)`
    variables. Its failure rate is
    :math:`\sim a^2\Gamma(a)\,k^{-a}\log k`: not a power law at any
    ``k``, so :meth:`asymptotic` raises and
    :meth:`log_corrected_asymptote` gives the asymptote.

    Parameters
    ----------
    a : float
        Tail index, finite and ``> 0``.

    Raises
    ------
    ValueError
        If ``a`` is not finite and positive.
    TypeError
        If ``a`` is not a real number.

    Notes
    -----
    Differentiating :math:`B(a, k+1) = \int_0^1 p^{a-1}(1-p)^k\,dp` in
    ``a`` gives the exact failure rate

    .. math::

        \mathbb{E}[(1-p)^k] = a^2\,B(a, k+1)\,
        [\psi(a+k+1) - \psi(a)],

    with :math:`\psi` the digamma function, and
    :math:`B(a, k+1) \sim \Gamma(a) k^{-a}`,
    :math:`\psi(a+k+1) - \psi(a) \sim \log k`.

    Examples
    --------
    >>> law = BetaLogTail(0.5)
    >>> law.failure_rate([0, 1]).round(6)  # 1 - mean = 8/9 at k = 1
    array([1.      , 0.888889])
    >>> tail = law.log_corrected_asymptote()
    >>> float(tail.log_power)
    1.0
    """

    a: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "a", check_positive_scalar(self.a, "a"))

    def _log_failure_rate(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        a = self.a
        return (
            2.0 * np.log(a)
            + _betaln(a, k + 1.0)
            + np.log(digamma(a + k + 1.0) - digamma(a))
        )

    def _sample(self, shape, rng):
        return rng.beta(self.a, 1.0, size=shape) * rng.beta(self.a, 1.0, size=shape)

    def pdf(self, p: ArrayLike) -> NDArray[np.float64]:
        r"""Density :math:`a^2 p^{a-1}\log(1/p)` on ``(0, 1]``.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            The density (``inf`` at ``p = 0`` when ``a <= 1``).
        """
        x = _probability_grid(p)
        inside = (x >= 0.0) & (x <= 1.0)
        xc = np.clip(x, 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            val = self.a**2 * xc ** (self.a - 1.0) * -np.log(xc)
        at_zero = np.inf if self.a <= 1.0 else 0.0
        val = np.where(xc == 1.0, 0.0, np.where(xc == 0.0, at_zero, val))
        return np.where(inside, val, 0.0)

    def cdf(self, p: ArrayLike) -> NDArray[np.float64]:
        r"""Distribution function :math:`p^a(1 + a\log(1/p))`.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            Values in ``[0, 1]``.
        """
        x = np.clip(_probability_grid(p), 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            val = x**self.a * (1.0 - self.a * np.log(x))
        return np.where(x == 0.0, 0.0, val)

    @property
    def mean(self) -> float:
        """Mean :math:`(a/(a+1))^2`."""
        return (self.a / (self.a + 1.0)) ** 2

    def log_corrected_asymptote(self) -> LogCorrectedAsymptote:
        r"""Return :math:`(a^2\Gamma(a), a, 1)`, the log-corrected asymptote.

        The failure rate is :math:`\sim a^2\Gamma(a) k^{-a}\log k`.

        Returns
        -------
        LogCorrectedAsymptote
            With ``log_power = 1``.
        """
        pre = float(np.exp(2.0 * np.log(self.a) + gammaln(self.a)))
        return LogCorrectedAsymptote(pre, self.a, 1.0)

    def asymptotic(self) -> PowerLawAsymptote:
        """Not a power law; see :meth:`log_corrected_asymptote`.

        Returns
        -------
        PowerLawAsymptote
            Never returns.

        Raises
        ------
        ValueError
            Always: the failure rate carries a ``log k`` factor.
        """
        raise ValueError(
            "BetaLogTail has no pure power-law tail: its failure rate is "
            "~ a^2 Gamma(a) k^-a log k; use log_corrected_asymptote()"
        )

    def binomial_logpmf(self, c: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
        r"""Log-probability of ``c`` successes in ``n`` attempts.

        Parameters
        ----------
        c, n : array_like of int
            Successes and attempts.

        Returns
        -------
        numpy.ndarray
            :math:`\log[\binom{n}{c} a^2 B(a+c, n-c+1)
            (\psi(a+n+1) - \psi(a+c))]`.
        """
        n_arr, c_arr = check_counts(n, c)
        a = self.a
        return (
            _log_comb(n_arr, c_arr)
            + 2.0 * np.log(a)
            + _betaln(a + c_arr, n_arr - c_arr + 1.0)
            + np.log(digamma(a + n_arr + 1.0) - digamma(a + c_arr))
        )


@dataclass(frozen=True)
class ZeroInflated(SuccessDistribution):
    r"""A fraction of problems is never solved; the rest follow ``base``.

    With probability ``zero_fraction`` a problem has :math:`p = 0`.
    The failure rate tends to ``zero_fraction``, so pass@k plateaus at
    ``1 - zero_fraction`` and :math:`-\log \mathrm{pass}_D@k` at
    :math:`-\log(1 - \pi)` instead of decaying (:meth:`asymptotic`
    raises).

    Parameters
    ----------
    base : SuccessDistribution
        Law of ``p`` among solvable problems.
    zero_fraction : float
        :math:`\pi` in ``[0, 1)``.

    Raises
    ------
    ValueError
        If ``zero_fraction`` is outside ``[0, 1)``.
    TypeError
        If ``base`` is not a :class:`SuccessDistribution`.

    Notes
    -----
    :math:`\mathbb{E}[(1-p)^k] = \pi + (1-\pi)\,\mathbb{E}_{\mathrm{base}}
    [(1-p)^k]`.

    Examples
    --------
    >>> law = ZeroInflated(ScaledBeta(0.5, 2.0), 0.25)
    >>> law.pass_at_k([1.0, 1e6, 1e16]).round(6)
    array([0.15    , 0.749003, 0.75    ])
    """

    base: SuccessDistribution
    zero_fraction: float

    def __post_init__(self) -> None:
        if not isinstance(self.base, SuccessDistribution):
            raise TypeError(
                "base must be a SuccessDistribution; got "
                f"{type(self.base).__name__}"
            )
        pi = self.zero_fraction
        if isinstance(pi, bool) or not isinstance(pi, numbers.Real):
            raise TypeError(
                f"zero_fraction must be a real number; got {type(pi).__name__}"
            )
        value = float(pi)
        if not 0.0 <= value < 1.0:
            raise ValueError(f"zero_fraction must lie in [0, 1); got {pi!r}")
        object.__setattr__(self, "zero_fraction", value)

    def _log_failure_rate(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        pi = self.zero_fraction
        with np.errstate(divide="ignore"):
            return np.logaddexp(
                np.log(pi), np.log1p(-pi) + self.base.log_failure_rate(k)
            )

    def _sample(self, shape, rng):
        p = self.base._sample(shape, rng)
        return np.where(rng.random(shape) < self.zero_fraction, 0.0, p)

    def pdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Density of the continuous part, ``(1 - zero_fraction) * base.pdf``.

        The atom of mass ``zero_fraction`` at ``p = 0`` is not included.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            The defective density.
        """
        return (1.0 - self.zero_fraction) * self.base.pdf(p)

    def cdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Distribution function, with a jump of ``zero_fraction`` at 0.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            Values in ``[0, 1]``.
        """
        x = _probability_grid(p)
        atom = np.where(x >= 0.0, self.zero_fraction, 0.0)
        return atom + (1.0 - self.zero_fraction) * self.base.cdf(x)

    @property
    def mean(self) -> float:
        """Mean ``(1 - zero_fraction) * base.mean``."""
        return (1.0 - self.zero_fraction) * self.base.mean

    def asymptotic(self) -> PowerLawAsymptote:
        """Not a power law: the failure rate tends to ``zero_fraction``.

        Returns
        -------
        PowerLawAsymptote
            Never returns.

        Raises
        ------
        ValueError
            Always (use ``base.asymptotic()`` for the decaying part).
        """
        raise ValueError(
            "ZeroInflated has no power-law tail: pass@k plateaus at "
            f"1 - zero_fraction = {1.0 - self.zero_fraction!r}; the excess "
            "failure rate over zero_fraction follows base.asymptotic() "
            "scaled by 1 - zero_fraction"
        )

    def binomial_logpmf(self, c: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
        r"""Log-probability of ``c`` successes in ``n`` attempts.

        Parameters
        ----------
        c, n : array_like of int
            Successes and attempts.

        Returns
        -------
        numpy.ndarray
            :math:`\log[\pi\,[c=0] + (1-\pi)\,P_{\mathrm{base}}(c\mid n)]`.
        """
        n_arr, c_arr = check_counts(n, c)
        pi = self.zero_fraction
        with np.errstate(divide="ignore"):
            zero = np.where(c_arr == 0, np.log(pi), -np.inf)
            return np.logaddexp(
                zero, np.log1p(-pi) + self.base.binomial_logpmf(c_arr, n_arr)
            )


@dataclass(frozen=True)
class Mixture(SuccessDistribution):
    r"""A finite mixture of laws: :math:`p \sim F_j` with probability :math:`w_j`.

    Parameters
    ----------
    weights : tuple of float
        Mixing weights, non-negative, summing to 1 (to ``1e-9``).
    components : tuple of SuccessDistribution
        The component laws, one per weight.

    Raises
    ------
    ValueError
        If the weights are negative, do not sum to 1, or their number
        differs from the number of components.
    TypeError
        If a component is not a :class:`SuccessDistribution`.

    Notes
    -----
    Every quantity is linear in the law:
    :math:`\mathbb{E}[(1-p)^k] = \sum_j w_j \mathbb{E}_j[(1-p)^k]`, the
    density, distribution function and mean are the weighted sums, and the
    binomial likelihood is
    :math:`\log \sum_j w_j P_j(c \mid n)`, computed by ``logsumexp``. The
    failure rate is the sum of positive terms, exact to rounding; its log
    is the log of that sum. As :math:`k \to \infty` the component of
    positive weight with the smallest exponent dominates
    (:meth:`asymptotic`).

    Examples
    --------
    >>> law = Mixture((0.5, 0.5), (ScaledBeta(0.3, 2.0), ScaledBeta(2.0, 2.0)))
    >>> round(float(law.mean), 12)
    0.315217391304
    >>> law.asymptotic().exponent
    0.3
    """

    weights: tuple[float, ...]
    components: tuple[SuccessDistribution, ...]

    def __post_init__(self) -> None:
        comps = tuple(self.components)
        for comp in comps:
            if not isinstance(comp, SuccessDistribution):
                raise TypeError(
                    "components must be SuccessDistribution laws; got "
                    f"{type(comp).__name__}"
                )
        w = as_float_array(self.weights, "weights")
        if w.ndim != 1 or w.size != len(comps) or w.size == 0:
            raise ValueError(
                f"weights must be 1-D with one entry per component; got "
                f"{w.size} weights for {len(comps)} components"
            )
        if np.any(w < 0) or abs(float(w.sum()) - 1.0) > 1e-9:
            raise ValueError(
                f"weights must be >= 0 and sum to 1; got {w.tolist()}"
            )
        object.__setattr__(self, "weights", tuple(float(v) for v in w))
        object.__setattr__(self, "components", comps)

    def _pairs(self) -> list[tuple[float, SuccessDistribution]]:
        return list(zip(self.weights, self.components, strict=True))

    def _log_failure_rate(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.log(self.failure_rate(k))

    def failure_rate(self, k: ArrayLike) -> NDArray[np.float64]:
        r"""Mixture failure rate :math:`\sum_j w_j \mathbb{E}_j[(1 - p)^k]`.

        Parameters
        ----------
        k : array_like
            Attempt budgets, real and ``>= 0``.

        Returns
        -------
        numpy.ndarray
            Failure probabilities in ``[0, 1]``, shape of ``k``.

        Raises
        ------
        ValueError
            If ``k`` is negative, NaN or infinite.
        """
        return sum(
            w * np.asarray(comp.failure_rate(k), dtype=np.float64)
            for w, comp in self._pairs()
        )

    def neg_log_pass_at_k(self, k: ArrayLike) -> NDArray[np.float64]:
        r"""Exact benchmark curve :math:`-\log(1 - \mathrm{failure}(k))`.

        Parameters
        ----------
        k : array_like
            Attempt budgets, real and ``>= 0``.

        Returns
        -------
        numpy.ndarray
            Non-negative values, shape of ``k``.

        Raises
        ------
        ValueError
            If ``k`` is negative, NaN or infinite.
        """
        with np.errstate(divide="ignore"):
            return -np.log1p(-self.failure_rate(k))

    def _sample(self, shape, rng):
        which = rng.choice(len(self.weights), size=shape,
                           p=np.asarray(self.weights))
        out = np.empty(shape, dtype=np.float64)
        for j, comp in enumerate(self.components):
            mask = which == j
            out[mask] = comp._sample((int(mask.sum()),), rng)
        return out

    def pdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Density ``sum_j w_j pdf_j(p)``.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            The density (0 outside the support), shape of ``p``.
        """
        p_arr = as_float_array(p, "p")
        return sum(w * np.asarray(comp.pdf(p_arr), np.float64)
                   for w, comp in self._pairs())

    def cdf(self, p: ArrayLike) -> NDArray[np.float64]:
        """Distribution function ``sum_j w_j cdf_j(p)``.

        Parameters
        ----------
        p : array_like
            Points.

        Returns
        -------
        numpy.ndarray
            Values in ``[0, 1]``, shape of ``p``.
        """
        p_arr = as_float_array(p, "p")
        return sum(w * np.asarray(comp.cdf(p_arr), np.float64)
                   for w, comp in self._pairs())

    @property
    def mean(self) -> float:
        """Mean ``sum_j w_j mean_j``."""
        return float(sum(w * comp.mean for w, comp in self._pairs()))

    def binomial_logpmf(self, c: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
        r"""Log-probability of ``c`` successes in ``n`` attempts.

        Parameters
        ----------
        c, n : array_like of int
            Successes and attempts, ``0 <= c <= n``, broadcast.

        Returns
        -------
        numpy.ndarray
            :math:`\log \sum_j w_j P_j(c \mid n)` over components of
            positive weight.

        Raises
        ------
        ValueError
            On invalid counts.
        """
        n_arr, c_arr = check_counts(n, c)
        parts = [
            math.log(w) + np.asarray(comp.binomial_logpmf(c_arr, n_arr), np.float64)
            for w, comp in self._pairs()
            if w > 0
        ]
        return logsumexp(np.stack(parts), axis=0)

    def asymptotic(self) -> PowerLawAsymptote:
        r"""Leading power law: the tail component of positive weight.

        Returns
        -------
        PowerLawAsymptote
            The weight times the prefactor of the component with the
            smallest exponent among those of positive weight, and that
            exponent.

        Raises
        ------
        ValueError
            If a component of positive weight has no power-law tail.
        """
        tails = [(comp.asymptotic(), w) for w, comp in self._pairs() if w > 0]
        (prefactor, exponent), w = min(tails, key=lambda t: t[0].exponent)
        return PowerLawAsymptote(w * prefactor, exponent)


# Trapezoid rule in u = log t for the Gamma mixture over exponents of
# log_corrected_beta_binomial_logpmf: the integrand exp(kappa u - e^u) B(.)
# is analytic in a strip of half-width pi/2 about the real axis, so the
# error of step 0.05 is below exp(-2 pi (pi/2) / 0.05), far under rounding;
# the range leaves out less than e^-40 of the mass at either end.
_LOG_T_STEP = 0.05

_LOG_T_MAX = math.log(60.0)


def log_corrected_beta_binomial_logpmf(
    c: ArrayLike,
    n: ArrayLike,
    alpha: float,
    beta: float,
    log_power: float,
) -> NDArray[np.float64]:
    r"""Log-probability of ``c`` successes under a log-corrected Beta law.

    The law of :math:`p` has density proportional to
    :math:`p^{\alpha-1}(1-p)^{\beta-1}(1 + \log(1/p))^{\gamma}`: near 0 it
    behaves as :math:`p^{\alpha-1}\log(1/p)^{\gamma}`, a power-law tail
    bent by a logarithm (:math:`\gamma = 0` is the Beta law). Its curve
    :math:`-\log\mathrm{pass}_D@k` is :math:`\propto k^{-\alpha}(\log
    k)^{\gamma}` for large ``k``: no pure power law.

    Parameters
    ----------
    c, n : array_like of int
        Successes and attempts, ``0 <= c <= n``, ``n >= 1``.
    alpha, beta : float
        Shapes, finite and ``> 0``.
    log_power : float
        :math:`\gamma`: ``0``, ``1`` or any negative number.

    Returns
    -------
    numpy.ndarray
        :math:`\log P(C = c \mid n)`, of the broadcast shape of ``c``, ``n``.

    Raises
    ------
    ValueError
        On invalid counts, shapes that are not finite and positive, or a
        ``log_power`` other than ``0``, ``1`` or a negative number.

    Notes
    -----
    With :math:`L = \log(1/p)`, :math:`x = \alpha + c` and
    :math:`y = \beta + n - c`:
    for :math:`\gamma = 1`,
    :math:`\int_0^1 p^{x-1}(1-p)^{y-1}(1 + L)\,dp = B(x, y)\,[1 +
    \psi(x + y) - \psi(x)]` (differentiate :math:`B` in :math:`x`);
    for :math:`\gamma = -\kappa < 0`,
    :math:`(1 + L)^{-\kappa} = \Gamma(\kappa)^{-1}\int_0^\infty
    t^{\kappa-1} e^{-t} p^{t}\,dt`, so the law is a Gamma mixture of
    Beta laws over the exponent and the integral is
    :math:`\Gamma(\kappa)^{-1}\int_0^\infty t^{\kappa-1}e^{-t}
    B(x + t, y)\,dt`, computed by the trapezoid rule in :math:`\log t`
    (spectrally accurate; relative error about :math:`10^{-12}` against
    ``mpmath``). Dividing by the same integral at :math:`c = n = 0`
    normalises.

    Examples
    --------
    >>> p = np.exp(log_corrected_beta_binomial_logpmf(np.arange(11), 10,
    ...                                               0.3, 2.0, -1.0))
    >>> round(float(p.sum()), 10)
    1.0
    """
    n_arr, c_arr = check_counts(n, c)
    a = check_positive_scalar(alpha, "alpha")
    b = check_positive_scalar(beta, "beta")
    g = float(log_power) if isinstance(log_power, numbers.Real) else math.nan
    if isinstance(log_power, bool) or not (g in (0.0, 1.0) or g < 0.0):
        raise ValueError(
            f"log_power must be 0, 1 or a negative number; got {log_power!r}"
        )
    n_f, c_f = np.broadcast_arrays(n_arr.astype(np.float64), c_arr.astype(np.float64))
    x, y = a + c_f, b + n_f - c_f
    if g == 0.0:
        log_int, log_norm = _betaln(x, y), _betaln(a, b)
    elif g == 1.0:
        log_int = _betaln(x, y) + np.log1p(digamma(x + y) - digamma(x))
        log_norm = _betaln(a, b) + math.log1p(digamma(a + b) - digamma(a))
    else:
        kappa = -g
        u = np.arange(-40.0 / kappa, _LOG_T_MAX + _LOG_T_STEP, _LOG_T_STEP)
        t = np.exp(u)
        log_w = kappa * u - t - gammaln(kappa) + math.log(_LOG_T_STEP)

        def mixed(xx: NDArray, yy: NDArray) -> NDArray:
            terms = log_w + _betaln(xx[..., None] + t, yy[..., None])
            return logsumexp(terms, axis=-1)

        log_int = mixed(x, y)
        log_norm = float(mixed(np.array(a), np.array(b)))
    return _log_comb(n_f, c_f) + log_int - log_norm
