r"""Special functions in log space, accurate to a few ulps (private).

The building blocks shared by :mod:`llmonkeys.estimators` and
:mod:`llmonkeys.distributions`:

* :func:`stirling_remainder`, :func:`betaln`, :func:`log_comb` and
  :func:`log_gamma_ratio`: log-Gamma combinations without the
  cancellation of ``gammaln`` differences (``scipy.special.betaln`` loses
  up to nine digits at arguments near :math:`10^6`);
* :func:`log_sum_terms`: a binomial log-probability (in Loader's
  saddle-point form) plus a log-Beta function, accurate for ``m`` up to
  :math:`10^6` and beyond;
* :func:`log_beta_integral_sum`: the integral
  :math:`\int_0^1 x^{a-1}(1-x)^{b-1}(1-sx)^m\,dx` for a whole number
  ``m`` as a finite sum of positive terms, the fast branch of
  :func:`llmonkeys.distributions.log_beta_integral`.

All functions take float arrays that the caller has validated (shapes
broadcast, values in range) and return float arrays.

References
----------
.. [1] C. Loader, "Fast and accurate computation of binomial
   probabilities", 2000 (the ``bd0`` and ``stirlerr`` decomposition).
.. [2] S. Bernstein's inequality for sums of bounded independent
   variables, e.g. S. Boucheron, G. Lugosi and P. Massart,
   "Concentration Inequalities", Oxford University Press, 2013, §2.8.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

__all__ = [
    "stirling_remainder",
    "betaln",
    "log_comb",
    "log_gamma_ratio",
    "deviance_term",
    "log_sum_terms",
    "binomial_sum_window",
    "log_beta_integral_sum",
]

HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)
# Stirling-series coefficients B_{2m} / (2m (2m - 1)), m = 1..7.
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
# deviance_term's series sum_k v^(2k) / (2k + 3), k = 0..7, is used for
# |v| < 0.1, where the first omitted term is below 1e-17 of the sum.
_DEVIANCE = tuple(1.0 / (2.0 * k + 3.0) for k in range(8))
# log_beta_integral_sum: terms are summed in blocks of consecutive indices,
# each block anchored at an accurately computed first term; the summation
# window drops tails below e^-_SUM_LEVEL of the sum.
_SUM_LEVEL = 40.0
# Block lengths, longest first: a call uses the longest B for which every
# ratio of consecutive terms r satisfies (B - 1) log r <= _MAX_BLOCK_LOG,
# so that a block's terms relative to its anchor stay inside float64.
_BLOCKS = (64, 32, 16, 8)
_MAX_BLOCK_LOG = 640.0
# Smallest scale s for which m s and the anchors stay well inside float64.
_MIN_SCALE = 1e-200


def _polynomial(coef: tuple[float, ...], x: NDArray[np.float64]) -> NDArray:
    r"""Evaluate :math:`\sum_i c_i x^i` by Horner's rule, in place.

    ``coef`` holds Python floats, lowest order first, at least two. In-place
    steps with Python-float coefficients are the cheapest numpy calls for
    the short arrays this module works on (cheaper than Estrin's scheme).
    """
    out = x * coef[-1] + coef[-2]
    for c in coef[-3::-1]:
        out *= x
        out += c
    return out


def stirling_remainder(z: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Return :math:`\log\Gamma(z) - (z - 1/2)\log z + z - \log\sqrt{2\pi}`.

    Accurate to an absolute error near machine epsilon times the result:
    the asymptotic series for ``z >= 10`` (truncation error below
    ``1e-17``), the definition through ``gammaln`` below. This is also
    Loader's ``stirlerr``: :math:`\log z! - (z + 1/2)\log z + z -
    \log\sqrt{2\pi}`.
    """
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    big = z >= 10.0
    zb = z[big]
    series = _polynomial(_STIRLING, 1.0 / (zb * zb))
    out[big] = series / zb
    zs = z[~big]
    out[~big] = gammaln(zs) - (zs - 0.5) * np.log(zs) + zs - HALF_LOG_2PI
    return out


def betaln(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    r"""Cancellation-free :math:`\log B(x, y)` for ``x, y > 0``.

    ``scipy.special.betaln`` subtracts ``gammaln`` values and loses up to
    nine digits at arguments near :math:`10^6`. Here, with ``lo <= hi``,
    both below 10 use ``gammaln``; ``lo < 10 <= hi`` uses ``gammaln(lo)``
    plus :func:`log_gamma_ratio` ``(hi, lo)``; both at least 10 use

    .. math::

        (l-\tfrac12)\log\frac{l}{l+h} + (h-\tfrac12)\log\frac{h}{l+h}
        - \tfrac12\log(l+h) + \log\sqrt{2\pi}
        + \delta(l) + \delta(h) - \delta(l+h),

    whose terms share one sign; :math:`\delta` is the Stirling remainder.
    The absolute error is a few ulps of the result.
    """
    x_arr, y_arr = np.broadcast_arrays(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    )
    lo = np.minimum(x_arr, y_arr).ravel()
    hi = np.maximum(x_arr, y_arr).ravel()
    out = np.empty(lo.shape)
    small = hi < 10.0
    big = lo >= 10.0
    mixed = ~small & ~big
    if small.any():
        ls, hs = lo[small], hi[small]
        out[small] = gammaln(ls) + gammaln(hs) - gammaln(ls + hs)
    if mixed.any():
        out[mixed] = gammaln(lo[mixed]) + log_gamma_ratio(hi[mixed], lo[mixed])
    if big.any():
        lb, hb = lo[big], hi[big]
        tot = lb + hb
        rem = stirling_remainder(np.concatenate([lb, hb, tot])).reshape(3, -1)
        out[big] = _stirling_betaln(lb, hb, tot, rem[0] + rem[1] - rem[2])
    return out.reshape(x_arr.shape)


def _stirling_betaln(
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    tot: NDArray[np.float64],
    remainders: NDArray[np.float64],
) -> NDArray[np.float64]:
    r""":math:`\log B(l, h)` from Stirling's formula, ``lo <= hi``, ``tot = lo + hi``.

    ``remainders`` is :math:`\delta(l) + \delta(h) - \delta(l+h)`
    (:func:`stirling_remainder`), passed in so that callers can compute
    all their remainders in one call.
    """
    frac = lo / tot
    return (
        (lo - 0.5) * np.log(frac)
        + (hi - 0.5) * np.log1p(-frac)
        - 0.5 * np.log(tot)
        + HALF_LOG_2PI
        + remainders
    )


def log_comb(n: ArrayLike, c: ArrayLike) -> NDArray[np.float64]:
    r"""Log binomial coefficient, :math:`-\log(n+1) - \log B(c+1, n-c+1)`."""
    n_arr = np.asarray(n, dtype=np.float64)
    c_arr = np.asarray(c, dtype=np.float64)
    return -np.log1p(n_arr) - betaln(c_arr + 1.0, n_arr - c_arr + 1.0)


def log_gamma_ratio(x: ArrayLike, a: ArrayLike) -> NDArray[np.float64]:
    r"""Return :math:`\log\Gamma(x) - \log\Gamma(x + a)` for ``x > 0, a >= 0``.

    For ``x >= 10`` Stirling's formula gives the cancellation-free

    .. math::

        -(x-\tfrac12)\log\Bigl(1+\frac{a}{x}\Bigr) - a\log(x+a) + a
        + \delta(x) - \delta(x+a),

    accurate to a few ulps of the result; below 10, ``gammaln``
    differences, whose rounding is then of the size of the result's.
    """
    x_arr, a_arr = np.broadcast_arrays(
        np.asarray(x, dtype=np.float64), np.asarray(a, dtype=np.float64)
    )
    shape = x_arr.shape
    x_arr, a_arr = x_arr.ravel(), a_arr.ravel()
    y = x_arr + a_arr
    big = x_arr >= 10.0
    out = gammaln(x_arr) - gammaln(y)
    if big.any():
        xb, ab, yb = x_arr[big], a_arr[big], y[big]
        rem = stirling_remainder(np.concatenate([xb, yb])).reshape(2, -1)
        out[big] = (
            -(xb - 0.5) * np.log1p(ab / xb) - ab * np.log(yb) + ab + (rem[0] - rem[1])
        )
    return out.reshape(shape)


def deviance_term(x: ArrayLike, mu: ArrayLike) -> NDArray[np.float64]:
    r"""Loader's ``bd0``: :math:`x\log(x/\mu) + \mu - x` for ``x, mu > 0``.

    The two parts cancel when ``x`` is near ``mu``. There, with
    :math:`v = (x-\mu)/(x+\mu)` and :math:`|v| < 0.1`, the series

    .. math::

        (x-\mu)\,v + 2x\Bigl(\frac{v^3}{3} + \frac{v^5}{5} + \dots\Bigr)

    (from :math:`\log\frac{x}{\mu} = 2\,\mathrm{artanh}\,v`) has terms of
    one sign; the rounding of ``mu`` then moves the result by only
    :math:`\varepsilon\,|x - \mu|`.
    """
    x_arr = np.asarray(x, dtype=np.float64)
    mu_arr = np.asarray(mu, dtype=np.float64)
    d = x_arr - mu_arr
    v = d / (x_arr + mu_arr)
    v2 = v * v
    series = d * v + (2.0 * x_arr * v * v2) * _polynomial(_DEVIANCE, v2)
    direct = x_arr * np.log(x_arr / mu_arr) - d
    return np.where(np.abs(v) < 0.1, series, direct)


def log_sum_terms(
    j: NDArray[np.float64],
    m: NDArray[np.float64],
    s: NDArray[np.float64],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
) -> NDArray[np.float64]:
    r"""Log of a term of :func:`log_beta_integral_sum`, one per element.

    .. math::

        \log T_j = \log\Bigl[\binom{m}{j} s^j (1-s)^{m-j}\Bigr]
        + \log B(a, b + j),

    for whole numbers ``0 <= j <= m``, ``0 < s < 1``, ``a, b > 0``;
    one-dimensional arrays of one length. The binomial part for
    ``0 < j < m`` is Loader's decomposition

    .. math::

        \delta(m) - \delta(j) - \delta(m-j)
        - \mathrm{bd_0}(j, ms) - \mathrm{bd_0}(m-j, m(1-s))
        + \tfrac12\log\frac{m}{2\pi j(m-j)}

    (:func:`stirling_remainder`, :func:`deviance_term`), which has no
    large cancelling terms, where :math:`\log\binom{m}{j} + j\log s +
    (m-j)\log(1-s)` would lose :math:`\varepsilon\,m\log m`. The Beta
    function is :func:`betaln`'s Stirling form, with ``l <= h`` the two
    arguments and :math:`t = l + h`,

    .. math::

        (l-\tfrac12)\log\frac{l}{t} + (h-\tfrac12)\log\Bigl(1-\frac{l}{t}
        \Bigr) - \tfrac12\log t + \log\sqrt{2\pi}
        + \delta(l) + \delta(h) - \delta(t),

    an identity for all positive arguments (below 10, :math:`\delta` is
    computed from ``gammaln``). The absolute error is about
    :math:`10^{-14}` of :math:`\max(1, |\log T_j|)` (the rounding of
    :math:`ms` moves :math:`\mathrm{bd_0}` by a fraction
    :math:`|j - ms|/(ms)` of it). All remainders and deviances are
    evaluated in one call each: this runs once per block of the sum, so
    its cost is mostly the number of numpy calls.
    """
    mj = m - j
    # Placeholders at the ends j = 0 and j = m, which have closed forms.
    j1 = np.maximum(j, 1.0)
    mj1 = np.maximum(mj, 1.0)
    x = b + j
    lo = np.minimum(a, x)
    hi = np.maximum(a, x)
    tot = lo + hi
    rem = stirling_remainder(np.concatenate([m, j1, mj1, lo, hi, tot]))
    rem = rem.reshape(6, -1)
    dev = deviance_term(
        np.concatenate([j1, mj1]), np.concatenate([m * s, m * (1.0 - s)])
    ).reshape(2, -1)
    log_pmf = (
        (rem[0] - rem[1] - rem[2])
        - (dev[0] + dev[1])
        + 0.5 * np.log(m / (2.0 * np.pi * j1 * mj1))
    )
    log_pmf = np.where(
        j == 0, m * np.log1p(-s), np.where(mj == 0, m * np.log(s), log_pmf)
    )
    return log_pmf + _stirling_betaln(lo, hi, tot, rem[3] + rem[4] - rem[5])


def binomial_sum_window(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    m: NDArray[np.float64],
    s: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    r"""Summation window of :func:`log_beta_integral_sum` and where it applies.

    With :math:`J \sim \mathrm{Binomial}(m, s)` the integral is
    :math:`\mathbb{E}[g(J)]`, :math:`g(j) = B(a, b+j)`, decreasing in
    ``j``. Bernstein's inequality,
    :math:`P(|J - ms| \ge t) \le e^{-t^2 / (2(\sigma^2 + t/3))}` with
    :math:`\sigma^2 = ms(1-s)`, bounds what the window leaves out: above
    :math:`j_+ = ms + t(\lambda)` with :math:`\lambda = 40` the terms sum
    to at most :math:`e^{-40}\,g(j_+) \le e^{-40}` times the sum (which is
    at least :math:`g(j_+) P(J \le j_+)`), and below
    :math:`j_- = ms - t(\lambda')` with :math:`\lambda' = 41 +
    \log[g(0)/g(j_+)]` to at most :math:`e^{-40}` times it, since
    ``g <= g(0)`` there; :math:`t(\lambda) = \lambda/3 +
    \sqrt{\lambda^2/9 + 2\lambda\sigma^2}`.

    Returns
    -------
    j_lo, j_hi : numpy.ndarray
        First and last index of the window (whole numbers in ``[0, m]``).
    log_ratio : numpy.ndarray
        A bound on the log of the ratio of consecutive terms in the
        window, which sets the block length of the sum.
    ok : numpy.ndarray of bool
        Where the sum applies (for ``0 < s < 1``): ``m`` a whole number
        below :math:`2^{53}`, :math:`s \ge 10^{-200}`, and the ratio of
        consecutive terms below :math:`e^{91}` in the window, so that a
        block of 8 terms stays inside float64.
    """
    var = m * s * (1.0 - s)
    mean = m * s
    lam = _SUM_LEVEL
    t_hi = lam / 3.0 + np.sqrt(lam * lam / 9.0 + 2.0 * lam * var)
    j_hi = np.minimum(np.ceil(mean + t_hi), m)
    # log[g(j_hi) / g(0)], a bound only: gammaln's rounding is harmless.
    log_drop = gammaln(b + j_hi) - gammaln(b) - gammaln(a + b + j_hi) + gammaln(a + b)
    lam_lo = _SUM_LEVEL + 1.0 - np.minimum(log_drop, 0.0)
    t_lo = lam_lo / 3.0 + np.sqrt(lam_lo * lam_lo / 9.0 + 2.0 * lam_lo * var)
    # Below j_hi: mean - t_lo <= m s <= m and <= mean + t_hi.
    j_lo = np.maximum(np.floor(mean - t_lo), 0.0)
    # The binomial factor of the ratio of consecutive terms is largest
    # at j_lo; the Beta factor is below 1.
    log_ratio = np.log((s / (1.0 - s)) * ((m - j_lo) / (j_lo + 1.0)))
    ok = (
        (m == np.floor(m))
        & (m < 2.0**53)
        & (s >= _MIN_SCALE)
        & ((_BLOCKS[-1] - 1) * log_ratio <= _MAX_BLOCK_LOG)
    )
    return j_lo, j_hi, log_ratio, ok


def log_beta_integral_sum(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    m: NDArray[np.float64],
    s: NDArray[np.float64],
    j_lo: NDArray[np.float64],
    j_hi: NDArray[np.float64],
    log_ratio: NDArray[np.float64],
) -> NDArray[np.float64]:
    r"""Log of :math:`\int_0^1 x^{a-1}(1-x)^{b-1}(1-sx)^m\,dx` as a finite sum.

    One-dimensional arrays of one length, with the window from
    :func:`binomial_sum_window` (only where it returned ``ok``).

    Writing :math:`1 - sx = (1-s) + s(1-x)` and expanding the ``m``-th
    power,

    .. math::

        \int_0^1 x^{a-1}(1-x)^{b-1}(1-sx)^m\,dx
        = \sum_{j=0}^{m} T_j, \quad
        T_j = \binom{m}{j} s^j (1-s)^{m-j}\,B(a, b+j).

    This is Pfaff's transformation of the terminating series
    :math:`{}_2F_1(-m, a; a+b; s)`: its terms alternate in sign, these
    are all positive, so nothing cancels. Only the window
    :math:`[j_-, j_+]` is summed (the rest is below :math:`e^{-40}` of
    the sum). The window is cut into blocks of 64 indices (32, 16 or 8
    where consecutive terms grow faster, see :func:`binomial_sum_window`);
    the first term
    of each block is computed accurately in log space
    (:func:`log_sum_terms`), the others
    relative to it by the ratios

    .. math::

        \frac{T_{j+1}}{T_j} = \frac{m-j}{j+1}\,\frac{s}{1-s}\,
        \frac{b+j}{a+b+j},

    multiplied up and summed in linear arithmetic (relative error below
    :math:`80\varepsilon`). The blocks are
    combined in log space. The error of the returned log is about
    :math:`10^{-14}` of :math:`\max(1, |\log T_{\max}|)`.
    """
    n = a.size
    worst = max(float(log_ratio.max()), 1.0)
    size = next((b for b in _BLOCKS if (b - 1) * worst <= _MAX_BLOCK_LOG), 0)
    if size == 0:
        raise ValueError(
            "log_ratio too large for a block of 8: see binomial_sum_window"
        )
    blocks = ((j_hi - j_lo).astype(np.int64) // size) + 1
    first = np.cumsum(blocks) - blocks
    owner = np.repeat(np.arange(n), blocks)
    j0 = j_lo[owner] + (np.arange(owner.size) - first[owner]) * float(size)
    ao, bo, mo, so = a[owner], b[owner], m[owner], s[owner]
    anchor = log_sum_terms(j0, mo, so, ao, bo)
    # ratio[i] = T_{j0 + i + 1} / T_{j0 + i}; zero beyond j = m.
    jj = j0 + np.arange(size - 1, dtype=np.float64)[:, None]
    ratio = (so / (1.0 - so)) * ((mo - jj) * (bo + jj)) / ((jj + 1.0) * (ao + bo + jj))
    np.maximum(ratio, 0.0, out=ratio)
    block_sum = 1.0 + np.cumprod(ratio, axis=0).sum(axis=0)
    top = np.maximum.reduceat(anchor, first)
    total = np.add.reduceat(np.exp(anchor - top[owner]) * block_sum, first)
    return top + np.log(total)
