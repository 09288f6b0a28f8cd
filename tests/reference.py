"""High-precision references shared by the tests and the benchmarks.

Every function here computes a quantity of :mod:`llmonkeys` by an
independent method in extended precision (``mpmath`` at ``DPS`` = 50
significant digits, or exact rationals), and says which method and
precision in its docstring. The tests compare the library with these
values (``assert_allclose`` with an explicit ``rtol``); the benchmarks
time the library against them. Nothing here is used by the library.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath

#: Working precision (significant decimal digits) of the references.
DPS = 50




def _logit_parts(u):
    """log x and log(1 - x) for x = 1 / (1 + e^-u), in mpmath."""
    if u > 0:
        lx = -mpmath.log1p(mpmath.exp(-u))
    else:
        lx = u - mpmath.log1p(mpmath.exp(u))
    return lx, lx - u


def _quad_around(f, u0, width, level):
    """Integrate exp(f(u) - f(u0)) over the real line with mpmath.quad.

    The line is split at u0 +- width * 4**j until f has fallen ``level``
    below f(u0) (the rest is below e^-level relative, negligible at 50
    digits for level = 120), plus the features at u = 0 and u = 3; each
    piece goes to mpmath's tanh-sinh rule, which raises its degree until
    the estimates agree to the working precision.
    """
    f0 = f(u0)
    pts = {u0, mpmath.mpf(-3), mpmath.mpf(0), mpmath.mpf(3)}
    for sign in (-1, 1):
        j = 0
        while True:
            p = u0 + sign * width * mpmath.mpf(4) ** j
            pts.add(p)
            if f(p) < f0 - level or j > 40:
                break
            j += 1
    pts = sorted(pts)
    pts = [p for p in pts if pts[0] <= p <= pts[-1]]
    val = mpmath.quad(lambda u: mpmath.exp(f(u) - f0), pts)
    return f0 + mpmath.log(val)


def mp_log_beta_integral_quad(a, b, m, s):
    """log int_0^1 x^(a-1) (1-x)^(b-1) (1-s x)^m dx by mpmath.quad.

    Method: the integral in u = logit(x) (integrand x^a (1-x)^b (1-sx)^m,
    no endpoint singularities), mode from the quadratic
    s(a+b+m) x^2 - (a+b+s(a+m)) x + a = 0 and curvature scale
    1/sqrt(x [b + m s (1-x)^2/(1-sx)^2]) all in mpmath at mp.dps = 50,
    then :func:`_quad_around`.
    """
    with mpmath.workdps(DPS):
        a, b, m, s = (mpmath.mpf(v) for v in (a, b, m, s))
        big_a = s * (a + b + m)
        big_b = a + b + s * (a + m)
        x = 2 * a / (big_b + mpmath.sqrt(big_b**2 - 4 * big_a * a))
        u0 = mpmath.log(x) - mpmath.log1p(-x)
        y = 1 - x
        width = 1 / mpmath.sqrt(x * (b + m * s * y**2 / (1 - s * x) ** 2))

        def psi(u):
            lx, ly = _logit_parts(u)
            return a * lx + b * ly + m * mpmath.log1p(-s * mpmath.exp(lx))

        return float(_quad_around(psi, u0, min(width, 1), 120))


def mp_log_beta_integral_hyp(a, b, m, s):
    """Same integral as B(a, b) 2F1(-m, a; a+b; s), m a whole number.

    Method: mpmath.hyp2f1 at mp.dps = 50 sums the terminating series
    (mpmath raises its working precision internally to absorb the
    cancellation of the alternating terms); fast up to m ~ 1e3.
    """
    with mpmath.workdps(DPS):
        a, b, s = (mpmath.mpf(v) for v in (a, b, s))
        val = mpmath.beta(a, b) * mpmath.hyp2f1(-int(m), a, a + b, s)
        return float(mpmath.log(val))


def mp_log_kumaraswamy_integral(a, b, c, m, s):
    """log int_0^1 y^(c/a) (1-y)^(b-1) (1 - s y^(1/a))^m dy by mpmath.quad.

    Method: the integral in u = logit(y), mp.dps = 50; the mode is found
    by 200 bisection steps on the sign of the log-integrand's derivative
    (mpmath.diff), the width from its second derivative; then
    :func:`_quad_around`.
    """
    with mpmath.workdps(DPS):
        a, b, c, m, s = (mpmath.mpf(v) for v in (a, b, c, m, s))

        def chi(u):
            ly, lomy = _logit_parts(u)
            z = mpmath.exp(ly / a)
            return (1 + c / a) * ly + b * lomy + m * mpmath.log1p(-s * z)

        lo, hi = mpmath.mpf(-1), mpmath.mpf(1)
        while mpmath.diff(chi, lo) <= 0:
            lo *= 4
        while mpmath.diff(chi, hi) >= 0:
            hi *= 4
        for _ in range(200):
            mid = (lo + hi) / 2
            if mpmath.diff(chi, mid) > 0:
                lo = mid
            else:
                hi = mid
        width = 1 / mpmath.sqrt(-mpmath.diff(chi, lo, 2))
        return float(_quad_around(chi, lo, min(width, 1), 120))


def mp_log_kumaraswamy_sum(a, b, c, m, s):
    """Same integral as sum_j C(m, j) (-s)^j B(1 + (c+j)/a, b), small m.

    Method: binomial expansion of (1 - s y^(1/a))^m, summed in mpmath at
    mp.dps = 80 (the alternating terms cancel by at most m decimal
    digits).
    """
    with mpmath.workdps(80):
        a, b, c, s = (mpmath.mpf(v) for v in (a, b, c, s))
        total = mpmath.fsum(
            mpmath.binomial(int(m), j) * (-s) ** j * mpmath.beta(1 + (c + j) / a, b)
            for j in range(int(m) + 1)
        )
        return float(mpmath.log(total))


def mp_log_comb(n, c):
    with mpmath.workdps(DPS):
        return (
            mpmath.loggamma(n + 1) - mpmath.loggamma(c + 1) - mpmath.loggamma(n - c + 1)
        )


def mp_beta_binomial_logpmf(c, n, alpha, beta, scale):
    """log P(c | n) of the scaled Beta-binomial from the references above.

    Method: log C(n, c) + c log s + log-integral - log B(alpha, beta) in
    mpmath at mp.dps = 50 (alpha + c formed in mpmath), the integral by
    mp_log_beta_integral_quad (or mpmath.beta at s = 1).
    """
    with mpmath.workdps(DPS):
        a = mpmath.mpf(alpha) + c
        if scale == 1.0:
            integral = mpmath.log(mpmath.beta(a, mpmath.mpf(beta) + n - c))
        else:
            integral = mpmath.mpf(mp_log_beta_integral_quad(a, beta, n - c, scale))
        return float(
            mp_log_comb(n, c)
            + c * mpmath.log(scale)
            + integral
            - mpmath.log(mpmath.beta(alpha, beta))
        )


def exact_pass_at_k(n: int, c: int, k: int) -> float:
    """Exact rational 1 - C(n-c, k) / C(n, k), rounded once to float.

    Method: integer binomials (math.comb) and fractions.Fraction, so the
    only error is the final correct rounding to float64.
    """
    return float(1 - Fraction(math.comb(n - c, k), math.comb(n, k)))


def mpmath_pass_at_k(n: int, c: int, k: int) -> float:
    """Reference pass@k from mpmath at 50 significant digits.

    Method: L = lnG(n-c+1) + lnG(n-k+1) - lnG(n+1) - lnG(n-c-k+1) with
    mpmath.loggamma at mp.dps = 50, then pass@k = -expm1(L). For n <= 1e6
    the loggamma values are below 1.4e7 in size, so the difference keeps
    about 50 - 8 = 42 significant digits: far beyond float64. The exact
    cases c = 0 (answer 0) and n - c < k (answer 1) are returned exactly,
    so no relative error is ever taken against a value that is only ~0 by
    rounding.
    """
    if c == 0:
        return 0.0
    if n - c < k:
        return 1.0
    with mpmath.workdps(50):
        log_ratio = (
            mpmath.loggamma(n - c + 1)
            + mpmath.loggamma(n - k + 1)
            - mpmath.loggamma(n + 1)
            - mpmath.loggamma(n - c - k + 1)
        )
        return float(-mpmath.expm1(log_ratio))


def scaled_beta_failure_rate(k: int, alpha: float, beta: float, scale: float) -> float:
    """E[(1 - p)^k] for p = scale * Beta(alpha, beta), by 2F1 in mpmath.

    Method: the terminating series
    2F1(-k, alpha; alpha + beta; scale) (mpmath.hyp2f1 at mp.dps = 50,
    which raises its working precision to absorb the cancellation of the
    alternating terms).
    """
    with mpmath.workdps(DPS):
        return float(mpmath.hyp2f1(-int(k), alpha, alpha + beta, scale))


def beta_ratio_failure_rate(k: int, alpha: float, beta: float) -> float:
    """E[(1 - p)^k] for p ~ Beta(alpha, beta): B(alpha, beta + k) / B(alpha, beta).

    Method: the closed form with mpmath.beta at mp.dps = 50.
    """
    with mpmath.workdps(DPS):
        return float(mpmath.beta(alpha, beta + int(k)) / mpmath.beta(alpha, beta))


def kumaraswamy_failure_rate(k: float, a: float, b: float, scale: float) -> float:
    """E[(1 - p)^k] for p = scale * X, X ~ Kumaraswamy(a, b), by mpmath.quad.

    Method: with y = x^a the expectation is
    b * int_0^1 (1 - y)^(b-1) (1 - scale y^(1/a))^k dy, integrated by
    mpmath.quad (tanh-sinh) at mp.dps = 50 on [0, 1] split where the
    factor (1 - scale y^(1/a))^k has fallen by e^-1, e^-10 and e^-100
    (the integrand is concentrated near 0 for large k).
    """
    with mpmath.workdps(DPS):
        a, b, s, k = (mpmath.mpf(v) for v in (a, b, scale, k))

        def f(y):
            return b * (1 - y) ** (b - 1) * (1 - s * y ** (1 / a)) ** k

        cuts = sorted({min(mpmath.mpf(1), (t / (s * k)) ** a) for t in (1, 10, 100)}
                      | {mpmath.mpf(0), mpmath.mpf(1)})
        return float(mpmath.quad(f, cuts))
