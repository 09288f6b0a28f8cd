"""Tests of llmonkeys._special against mpmath, and of its finite sum.

The finite sum (Pfaff's transformation) and the logit quadrature are two
independent methods for one integral; besides mpmath references, each is
checked against the other wherever both apply.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmonkeys import _beta_integral, _special
from llmonkeys.distributions import ScaledBeta, log_beta_integral

DPS = 50
SETTINGS = settings(max_examples=60, deadline=None)


def rel_err(got, ref):
    """Relative error, against max(1, |ref|) for log-scale quantities."""
    return abs(float(got) - float(ref)) / max(1.0, abs(float(ref)))


def mp_log_term(j, m, s, a, b):
    """log[C(m, j) s^j (1-s)^(m-j) B(a, b + j)] at dps 50."""
    with mpmath.workdps(DPS):
        s, a, b = mpmath.mpf(s), mpmath.mpf(a), mpmath.mpf(b)
        return (
            mpmath.log(mpmath.binomial(int(m), int(j)))
            + int(j) * mpmath.log(s)
            + int(m - j) * mpmath.log1p(-s)
            + mpmath.log(mpmath.beta(a, b + int(j)))
        )


def mp_log_integral_by_sum(a, b, m, s):
    """log sum_j Bin(j; m, s) B(a, b + j), every term, at dps 50."""
    with mpmath.workdps(DPS):
        a, b, s = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(s)
        total = mpmath.fsum(
            mpmath.binomial(int(m), j)
            * s**j
            * (1 - s) ** (int(m) - j)
            * mpmath.beta(a, b + j)
            for j in range(int(m) + 1)
        )
        return mpmath.log(total)


# --------------------------------------------------------------------------
# Log-Gamma building blocks
# --------------------------------------------------------------------------


@pytest.mark.parametrize("z", [1e-300, 1e-3, 0.5, 1.0, 9.99, 10.0, 37.5, 1e4, 1e9])
def test_stirling_remainder_matches_mpmath(z):
    got = _special.stirling_remainder(np.array([z]))[0]
    with mpmath.workdps(DPS):
        zm = mpmath.mpf(z)
        ref = mpmath.loggamma(zm) - (zm - 0.5) * mpmath.log(zm) + zm
        ref -= mpmath.log(2 * mpmath.pi) / 2
    # Absolute error near machine epsilon times max(1, |R(z)|).
    assert rel_err(got, ref) < 1e-14


@pytest.mark.parametrize(
    "x", [1e-4, 0.01, 0.5, 3.0, 9.99, 10.0, 10.5, 100.0, 1e4, 1e6 + 0.3]
)
def test_betaln_matches_mpmath(x):
    # Reference: mpmath.beta at mp.dps = 50. scipy's betaln is off by up
    # to 1e-9 at 1e6; ours by a few ulps.
    ys = [1e-4, 0.01, 0.5, 3.0, 9.99, 10.0, 10.5, 100.0, 1e4, 1e6 + 0.7, 1e8]
    got = _special.betaln(x, np.array(ys))
    with mpmath.workdps(DPS):
        ref = [float(mpmath.log(mpmath.beta(mpmath.mpf(x), mpmath.mpf(y)))) for y in ys]
    for g, r in zip(got, ref, strict=True):
        assert rel_err(g, r) < 1e-14


def test_log_comb_matches_mpmath():
    # Reference: mpmath.loggamma differences at mp.dps = 50.
    for n, c in [(1, 0), (1, 1), (10, 3), (1000, 1), (10**5, 5 * 10**4), (10**6, 17)]:
        with mpmath.workdps(DPS):
            ref = mpmath.log(mpmath.binomial(n, c))
        assert rel_err(_special.log_comb(n, c), ref) < 1e-14


def test_log_gamma_ratio_matches_mpmath():
    xs = np.array([1e-3, 0.5, 9.5, 10.0, 123.4, 1e5, 1e6])
    for a in [0.0, 1e-3, 0.7, 30.0, 1e4]:
        got = _special.log_gamma_ratio(xs, np.full(xs.shape, a))
        for g, x in zip(got, xs, strict=True):
            with mpmath.workdps(DPS):
                xm = mpmath.mpf(x)
                ref = mpmath.loggamma(xm) - mpmath.loggamma(xm + mpmath.mpf(a))
            assert rel_err(g, ref) < 1e-14


@given(
    st.floats(1e-3, 1e7),
    st.floats(-0.5, 0.5),
)
@SETTINGS
def test_deviance_term_matches_mpmath(mu, rel):
    # bd0(x, mu) = x log(x / mu) + mu - x, near and far from x = mu; the
    # error is relative to the value (no cancellation left).
    x = mu * (1.0 + rel)
    got = float(_special.deviance_term(x, mu))
    with mpmath.workdps(DPS):
        xm, mm = mpmath.mpf(x), mpmath.mpf(mu)
        ref = xm * mpmath.log(xm / mm) + mm - xm
    assert abs(got - float(ref)) <= 1e-14 * float(ref) + 1e-300


def test_polynomial_is_horner_of_the_coefficients():
    coef = (1.0, -2.0, 0.5, 3.0, 0.0, 1e-3, -4.0, 0.25)
    x = np.linspace(-1.5, 1.5, 31)
    ref = np.polynomial.polynomial.polyval(x, coef)
    got = _special._polynomial(coef, x)
    np.testing.assert_allclose(got, ref, rtol=1e-13, atol=1e-13)
    assert _special._polynomial(coef, np.float64(0.5)).shape == ()


# --------------------------------------------------------------------------
# Terms, window and finite sum
# --------------------------------------------------------------------------


@given(
    st.integers(1, 10**6),
    st.floats(0.0, 1.0),
    st.floats(1e-4, 0.9999),
    st.floats(1e-3, 1e4),
    st.floats(1e-3, 1e4),
)
@SETTINGS
def test_log_sum_terms_matches_mpmath(m, where, s, a, b):
    # j anywhere in [0, m], the ends included (where = 0 or 1).
    j = float(round(where * m))
    got = _special.log_sum_terms(
        np.array([j]), np.array([float(m)]), np.array([s]), np.array([a]), np.array([b])
    )[0]
    ref = mp_log_term(j, m, s, a, b)
    # About 1e-14 of max(1, |log T|): the rounding of m s moves the
    # deviance by (j - ms) / (ms) times it.
    assert rel_err(got, ref) <= 2e-14


@pytest.mark.parametrize(
    ("a", "b", "m", "s"),
    [
        (0.3, 2.0, 1, 0.5),
        (0.3, 2.0, 40, 0.01),
        (100.0, 0.01, 300, 0.9),
        (0.01, 100.0, 500, 0.3),
        (1e-3, 1e-3, 250, 0.999),
        (5.0, 5.0, 600, 0.5),
        (1e3, 2.0, 200, 0.7),
        (9878.805546390857, 0.08488353834293369, 3, 0.5787890609441074),
    ],
)
def test_sum_over_window_equals_sum_over_all_terms(a, b, m, s):
    # Reference: every term of the sum in mpmath; the window drops what
    # is below e^-40 of it, so the two agree to rounding.
    arr = [np.array([float(v)]) for v in (a, b, m, s)]
    j_lo, j_hi, log_ratio, ok = _special.binomial_sum_window(*arr)
    assert ok[0]
    got = _special.log_beta_integral_sum(*arr, j_lo, j_hi, log_ratio)[0]
    assert rel_err(got, mp_log_integral_by_sum(a, b, m, s)) < 1e-14


def test_window_is_narrow_around_the_binomial_mean():
    # At m = 1e4, s = 0.5 and a tail exponent 0.3 the window keeps about
    # 20 standard deviations of the binomial, not all 10,001 terms.
    one = [np.array([v]) for v in (0.3, 2.0, 1e4, 0.5)]
    j_lo, j_hi, _, ok = _special.binomial_sum_window(*one)
    assert ok[0] and 4000 < j_lo[0] < j_hi[0] < 6000
    assert j_hi[0] - j_lo[0] < 20 * np.sqrt(1e4 * 0.25)


def test_window_refuses_what_the_sum_cannot_do():
    a, b = np.full(4, 0.5), np.full(4, 2.0)
    m = np.array([10.5, 2.0**60, 100.0, 1e4])
    s = np.array([0.5, 0.5, 1e-250, 1 - 1e-16])
    _, _, _, ok = _special.binomial_sum_window(a, b, m, s)
    # Not a whole number, beyond 2^53, s too small; s next to 1 is fine.
    assert ok.tolist() == [False, False, False, True]


def both_paths(a, b, m, s):
    """log_beta_integral by the finite sum and by the quadrature."""
    by_sum = log_beta_integral(a, b, m, s)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_beta_integral, "_SUM_TERMS_PER_PROBLEM", 0)
        patch.setattr(_beta_integral, "_SUM_TERMS_PER_QUADRATURE_CALL", -1)
        by_quad = log_beta_integral(a, b, m, s)
    return by_sum, by_quad


@given(
    st.floats(1e-3, 1e4),
    st.floats(1e-3, 1e4),
    st.integers(1, 3 * 10**5),
    st.floats(1e-6, 1 - 1e-9),
)
@SETTINGS
def test_finite_sum_agrees_with_the_quadrature(a, b, m, s):
    # Two independent methods, each accurate to ~1e-13 against mpmath.
    j_lo, j_hi, _, ok = _special.binomial_sum_window(
        *(np.array([float(v)]) for v in (a, b, m, s))
    )
    by_sum, by_quad = both_paths(a, b, float(m), s)
    if _beta_integral._summed(j_hi - j_lo + 1.0, ok)[0]:
        assert rel_err(by_sum, by_quad) < 1e-12
    else:  # the sum does not apply: both calls took the quadrature
        assert by_sum == by_quad


def test_dispatch_mixes_sum_closed_form_and_quadrature():
    # One call with elements for each branch: s = 1 (closed form), a
    # narrow window (sum), a wide one and a non-integer m (quadrature). The
    # wide window is summed when alone but integrated here, where the
    # quadrature runs anyway; either way it agrees to rounding.
    a = np.array([0.3, 0.3, 0.3, 0.3])
    m = np.array([50.0, 50.0, 1e6, 12.5])
    s = np.array([1.0, 0.4, 0.5, 0.4])
    got = log_beta_integral(a, 2.0, m, s)
    one_by_one = [
        float(log_beta_integral(0.3, 2.0, mi, si)) for mi, si in zip(m, s, strict=True)
    ]
    np.testing.assert_allclose(got, one_by_one, rtol=1e-13)
    _, by_quad = both_paths(a, 2.0, m, s)
    np.testing.assert_allclose(got, by_quad, rtol=1e-13)


def test_failure_rate_on_the_authors_grid_matches_hyp2f1():
    # The benchmark's grid, k = 1 ... 1e4, for its three laws, against
    # mpmath.hyp2f1 at mp.dps = 50.
    ks = np.unique(np.logspace(0, 4, 20, dtype=int)).astype(float)
    for alpha, beta, s in [(0.3, 2.0, 0.5), (0.05, 1.0, 0.9), (2.0, 20.0, 0.3)]:
        got = ScaledBeta(alpha, beta, s).log_failure_rate(ks)
        for g, k in zip(got, ks, strict=True):
            with mpmath.workdps(DPS):
                ref = mpmath.log(mpmath.hyp2f1(-int(k), alpha, alpha + beta, s))
            assert abs(g - float(ref)) < 1e-13
