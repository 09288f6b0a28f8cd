"""Tests of llmonkeys.passuntil against exact references and simulation."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import special, stats

import llmonkeys as lm
from llmonkeys.passuntil import (
    fit_pass_until_beta,
    pass_until_estimate,
    pass_until_logpmf,
    pass_until_mle_mean,
    pass_until_unbiased,
)


def test_estimate_is_r_over_k_and_censoring_flags():
    est = pass_until_estimate([1, 3, 0], [1000, 12, 50], cap=[2000, 20, 50])
    assert_allclose(est.estimate, [1e-3, 0.25, 0.0], rtol=0)
    assert_array_equal(est.censored, [False, False, True])
    assert_allclose(est.std_error, np.sqrt(est.estimate * (1 - est.estimate)
                                           / np.array([1000, 12, 50])), rtol=1e-15)


def test_estimate_maximises_the_likelihood():
    # The log-likelihood on a fine grid peaks at r / K.
    r, k = 3, 40
    grid = np.linspace(1e-4, 1 - 1e-4, 200_001)
    ll = pass_until_logpmf(grid, r, k, False)
    assert abs(grid[np.argmax(ll)] - r / k) < 1e-4
    assert_allclose(pass_until_estimate(r, k).estimate, r / k, rtol=0)


@pytest.mark.parametrize("r, k", [(1, 10), (5, 60), (3, 3), (1, 1_000_000), (40, 41)])
def test_lr_interval_endpoints_solve_the_likelihood_equation(r, k):
    est = pass_until_estimate(r, k, confidence=0.9)
    q = stats.chi2.ppf(0.9, 1)
    ll_hat = pass_until_logpmf(r / k, r, k, False)
    for end in (est.low, est.high):
        if 0 < end < 1:
            assert_allclose(2 * (ll_hat - pass_until_logpmf(end, r, k, False)), q,
                            rtol=1e-8)
    assert est.low < r / k <= est.high


def test_interval_of_a_censored_zero_in_closed_form():
    # r = 0 at the cap: upper end 1 - exp(-q / (2K)), ~ 1.92 / K.
    est = pass_until_estimate(0, 10_000, cap=10_000)
    q = stats.chi2.ppf(0.95, 1)
    assert est.low == 0.0
    assert_allclose(est.high, -np.expm1(-q / 20_000), rtol=1e-14)
    assert_allclose(est.high * 10_000, q / 2, rtol=1e-3)


@settings(max_examples=200)
@given(r=st.integers(0, 500), extra=st.integers(0, 10**6),
       conf=st.floats(0.5, 0.999))
def test_interval_brackets_the_estimate(r, extra, conf):
    k = max(r + extra, 1)
    est = pass_until_estimate(r, k, cap=k, confidence=conf)
    assert 0 <= est.low <= est.estimate <= est.high <= 1
    wider = pass_until_estimate(r, k, cap=k, confidence=min(conf + 0.0005, 0.9999))
    assert wider.low <= est.low + 1e-15 and wider.high >= est.high - 1e-15


def test_logpmf_is_exact_and_sums_to_one_with_a_cap():
    # Exact reference with Fractions: r = 2 successes awaited, cap 6,
    # p = 1/3. Outcomes: 2nd success at K = 2..6, or censored (j < 2
    # successes in 6 attempts).
    p = Fraction(1, 3)
    r_target, cap = 2, 6
    total = Fraction(0)
    for k in range(r_target, cap + 1):
        prob = comb(k - 1, r_target - 1) * p**r_target * (1 - p) ** (k - r_target)
        total += prob
        assert_allclose(np.exp(pass_until_logpmf(1 / 3, r_target, k, False)),
                        float(prob), rtol=1e-13)
    for j in range(r_target):
        prob = comb(cap, j) * p**j * (1 - p) ** (cap - j)
        total += prob
        assert_allclose(np.exp(pass_until_logpmf(1 / 3, j, cap, True)),
                        float(prob), rtol=1e-13)
    assert total == 1


def test_mle_mean_against_mpmath_series():
    # Reference: E[r/K] = sum_k (r/k) C(k-1, r-1) p^r (1-p)^(k-r), mpmath
    # nsum at 50 digits.
    mp.mp.dps = 50
    for p in (0.02, 0.3, 0.8):
        for r in (1, 2, 7):
            pm = mp.mpf(p)
            ref = mp.nsum(lambda k, r=r, pm=pm: mp.mpf(r) / k
                          * mp.binomial(k - 1, r - 1) * pm**r * (1 - pm) ** (k - r),
                          [r, mp.inf])
            assert_allclose(pass_until_mle_mean(p, r), float(ref), rtol=1e-12)


def test_mle_mean_small_p_against_hypergeometric_reference():
    mp.mp.dps = 50
    for p in (1e-9, 1e-5):
        for r in (1, 3, 30):
            ref = mp.mpf(p) * mp.hyp2f1(1, 1, r + 1, 1 - mp.mpf(p))
            assert_allclose(pass_until_mle_mean(p, r), float(ref), rtol=1e-12)
    # r = 1: -p log p / (1 - p); the bias ratio grows like log(1/p).
    assert_allclose(pass_until_mle_mean(1e-6, 1), 1e-6 * np.log(1e6) / (1 - 1e-6),
                    rtol=1e-14)


def test_mle_is_biased_up_and_unbiased_estimator_is_not():
    # Simulation (seeded): r / K overestimates p, (r-1)/(K-1) does not.
    rng = np.random.default_rng(7)
    p, r = 0.01, 3
    k = r + rng.negative_binomial(r, p, size=400_000)
    mle, unb = r / k, pass_until_unbiased(r, k)
    se = unb.std() / np.sqrt(k.size)
    assert abs(unb.mean() - p) < 4 * se
    assert_allclose(mle.mean(), pass_until_mle_mean(p, r), rtol=4 * se / p)
    assert mle.mean() - p > 10 * se


def test_unbiased_is_exact_by_series():
    # E[(r-1)/(K-1)] = p, exact to 1e-14 by mpmath series.
    mp.mp.dps = 40
    p, r = mp.mpf("0.07"), 4
    mean = mp.nsum(lambda k: mp.mpf(r - 1) / (k - 1) * mp.binomial(k - 1, r - 1)
                   * p**r * (1 - p) ** (k - r), [r, mp.inf])
    assert abs(mean - p) < mp.mpf("1e-30")


def test_interval_coverage_by_simulation():
    # 95% LR interval, r = 5, p = 1e-4: coverage within 2 points of 95%.
    rng = np.random.default_rng(11)
    p, r = 1e-4, 5
    k = r + rng.negative_binomial(r, p, size=20_000)
    est = pass_until_estimate(r, k)
    coverage = np.mean((est.low <= p) & (p <= est.high))
    assert 0.93 < coverage < 0.97


def test_fit_beta_equals_beta_binomial_fit():
    rng = np.random.default_rng(3)
    p = rng.beta(0.5, 20, size=64)
    n = np.full(64, 500)
    c = rng.binomial(n, p)
    fit = fit_pass_until_beta(c, n, np.ones(64, dtype=bool))
    assert fit.converged and fit.n_problems == 64
    ref = lm.fit_scaled_beta_binomial(n, c, scale=1.0)
    assert_allclose([fit.alpha, fit.beta], [ref.alpha, ref.beta], rtol=1e-5)


def test_fit_beta_nll_is_the_integrated_passuntil_likelihood():
    # Reference: -sum_i log int exp(logpmf_i(p)) Beta(p; a, b) dp by
    # scipy quad (rtol 1e-10), mixing stopped and censored observations.
    from scipy import integrate

    r = np.array([1, 2, 0, 1, 3])
    k = np.array([40, 30, 500, 90, 12])
    cens = np.array([False, False, True, False, True])
    fit = fit_pass_until_beta(r, k, cens)
    ref = 0.0
    for ri, ki, ci in zip(r, k, cens, strict=True):
        val, _ = integrate.quad(
            lambda p, ri=ri, ki=ki, ci=ci: np.exp(pass_until_logpmf(p, ri, ki, ci))
            * stats.beta.pdf(p, fit.alpha, fit.beta), 0, 1, epsrel=1e-12,
            points=[1e-3, 1e-2, 0.1], limit=200)
        ref -= np.log(val)
    assert_allclose(fit.nll, ref, rtol=1e-8)
    # And it is a maximum: nudging either parameter lowers the likelihood.
    for da, db in ((1.01, 1), (0.99, 1), (1, 1.01), (1, 0.99)):
        a, b = fit.alpha * da, fit.beta * db
        ll = np.sum(special.betaln(a + r, b + k - r) - special.betaln(a, b))
        ll_fit = np.sum(special.betaln(fit.alpha + r, fit.beta + k - r)
                        - special.betaln(fit.alpha, fit.beta))
        assert ll < ll_fit


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(r=0, K=10), "r must be >= 1"),
        (dict(r=0, K=10, cap=20), "r must be >= 1"),
        (dict(r=5, K=4), "K must be >= r"),
        (dict(r=1, K=30, cap=20), "cap must be >= K"),
        (dict(r=1.5, K=10), "whole numbers"),
        (dict(r=1, K=0), ">= 1"),
        (dict(r=1, K=10, confidence=1.0), "confidence"),
        (dict(r=-1, K=10), ">= 0"),
        (dict(r=[1, 2], K=[3, 4, 5]), "broadcast"),
    ],
)
def test_estimate_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pass_until_estimate(**kwargs)


def test_other_errors():
    with pytest.raises(TypeError, match="real numbers"):
        pass_until_estimate("a", 3)
    with pytest.raises(ValueError, match=">= 2"):
        pass_until_unbiased(1, 10)
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        pass_until_mle_mean(0.0, 2)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        pass_until_logpmf(1.5, 1, 2, False)
    with pytest.raises(TypeError, match="booleans"):
        pass_until_logpmf(0.5, 1, 2, 0)
    with pytest.raises(ValueError, match="r must be >= 1"):
        pass_until_logpmf(0.5, 0, 3, False)
    with pytest.raises(TypeError, match="booleans"):
        fit_pass_until_beta([1, 2], [3, 4], [0, 1])
    with pytest.raises(ValueError, match="does not exist"):
        fit_pass_until_beta([0, 0], [3, 4], [True, True])
    with pytest.raises(ValueError, match="at least two problems"):
        fit_pass_until_beta([1], [3], [True])
