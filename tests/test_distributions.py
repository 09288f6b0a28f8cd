"""Tests of llmonkeys.distributions: accuracy, invariants and every error."""

from __future__ import annotations

import itertools

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose
from scipy.integrate import quad
from scipy.special import betaln, gamma
from scipy.stats import betabinom, binom

import reference
from llmonkeys import _beta_integral
from llmonkeys.distributions import (
    BetaLogTail,
    LogCorrectedAsymptote,
    PointMass,
    PowerLawAsymptote,
    ScaledBeta,
    ScaledKumaraswamy,
    SuccessDistribution,
    UniformInterval,
    ZeroInflated,
    log_beta_integral,
    log_corrected_beta_binomial_logpmf,
    scaled_beta_binomial_logpmf,
    scaled_kumaraswamy_binomial_logpmf,
)
from reference import (
    DPS,
    mp_beta_binomial_logpmf,
    mp_log_beta_integral_hyp,
    mp_log_beta_integral_quad,
    mp_log_comb,
    mp_log_kumaraswamy_integral,
    mp_log_kumaraswamy_sum,
)

SETTINGS = settings(max_examples=40, deadline=None)


def rel_err(got, ref):
    """Relative error, against max(1, |ref|) for log-scale quantities."""
    return abs(float(got) - float(ref)) / max(1.0, abs(float(ref)))


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------


def test_gauss_kronrod_rule_is_exact_on_polynomials():
    # K21 is exact to degree 31, its embedded G10 to degree 19.
    for j in range(32):
        exact = 2.0 / (j + 1) if j % 2 == 0 else 0.0
        powers = _beta_integral._GK_NODES**j
        assert abs(_beta_integral._GK_WEIGHTS @ powers - exact) < 1e-14
        if j < 20:
            assert abs(_beta_integral._G_WEIGHTS @ powers - exact) < 1e-14
    assert np.count_nonzero(_beta_integral._G_WEIGHTS) == 10


# --------------------------------------------------------------------------
# log_beta_integral
# --------------------------------------------------------------------------


def test_log_beta_integral_closed_forms():
    a, b = 0.7, 2.5
    # s = 1 and m = 0 are Beta functions.
    assert_allclose(log_beta_integral(a, b, 40, 1.0), betaln(a, b + 40), rtol=1e-14)
    assert_allclose(log_beta_integral(a, b, 0, 0.4), betaln(a, b), rtol=1e-14)
    # m = 1, 2: B(a, b) 2F1(-m, a; a+b; s) as a polynomial in s.
    s = np.array([1e-6, 0.3, 0.9, 1 - 1e-10])
    f1 = 1 - s * a / (a + b)
    f2 = 1 - 2 * s * a / (a + b) + s**2 * a * (a + 1) / ((a + b) * (a + b + 1))
    assert_allclose(
        log_beta_integral(a, b, 1, s), betaln(a, b) + np.log(f1), rtol=1e-13
    )
    assert_allclose(
        log_beta_integral(a, b, 2, s), betaln(a, b) + np.log(f2), rtol=1e-13
    )


GRID = [0.01, 0.1, 1.0, 10.0, 100.0]
SCALES = [0.01, 0.3, 0.9]


def test_log_beta_integral_matches_hyp2f1_on_full_grid():
    # Reference: mpmath.hyp2f1 at mp.dps = 50 (terminating series), for
    # every alpha, beta in GRID, s in SCALES and k in {1, 10, 1000}.
    cases = list(itertools.product(GRID, GRID, [1, 10, 1000], SCALES))
    a, b, m, s = (np.array(v, dtype=float) for v in zip(*cases, strict=True))
    got = log_beta_integral(a, b, m, s)
    worst = max(
        rel_err(g, mp_log_beta_integral_hyp(*case))
        for g, case in zip(got, cases, strict=True)
    )
    assert worst < 1e-12


FAR_TAIL = [
    # Beyond the grid: the fitting bounds 1e-4 and 1e6, s next to 1.
    (1e-4, 1e6, 2e6, 1e-6),
    (0.3, 2.0, 1e6, 1 - 1e-10),
    (1e6, 1e-4, 1e5, 0.5),
]


@pytest.mark.parametrize("case", FAR_TAIL)
def test_log_beta_integral_matches_mpmath_quad_far_tail(case):
    # Reference: mpmath.quad in the logit variable, mp.dps = 50.
    assert rel_err(log_beta_integral(*case), mp_log_beta_integral_quad(*case)) < 1e-12


def test_log_beta_integral_extreme_exponents():
    # Tail exponents far below the fitting bounds (the ladder then ends
    # before the integrand has dropped, and the tail is added in closed
    # form) and k far beyond 1e6. Reference: the terminating series
    # sum_j C(m, j) (-s)^j B(a + j, b) in mpmath at mp.dps = 50.
    for a, b in [(1e-12, 1.0), (1.0, 1e-12), (1e-300, 2.0), (3.0, 1e-300)]:
        with mpmath.workdps(DPS):
            ref = mpmath.log(
                mpmath.fsum(
                    mpmath.binomial(10, j)
                    * (-mpmath.mpf(0.5)) ** j
                    * mpmath.beta(a + j, b)
                    for j in range(11)
                )
            )
        assert rel_err(log_beta_integral(a, b, 10, 0.5), ref) < 1e-13
    law = ScaledBeta(0.3, 2.0, 0.5)
    k = np.array([1e20, 1e100, 1e300])
    assert_allclose(law.failure_rate(k), law.asymptotic().evaluate(k), rtol=1e-12)


def test_log_beta_integral_is_vectorised_and_broadcasts():
    a = np.array([[0.05], [3.0]])
    m = np.array([0.0, 7.0, 1e4, 1e6])
    s = np.array([1.0, 0.5, 0.5, 0.9])
    got = log_beta_integral(a, 2.0, m, s)
    assert got.shape == (2, 4)
    one_by_one = [
        [float(log_beta_integral(ai, 2.0, mi, si)) for mi, si in zip(m, s, strict=True)]
        for ai in a[:, 0]
    ]
    assert_allclose(got, one_by_one, rtol=1e-15)


# --------------------------------------------------------------------------
# ScaledBeta failure rate
# --------------------------------------------------------------------------


def test_scaled_beta_failure_rate_matches_mpmath_across_grid():
    # The grid alpha, beta in GRID, s in {0.01, 0.3, 0.9, 1}, k in {1, 10,
    # 1e3, 1e5, 1e6}: in full for k <= 1e3 (mpmath.hyp2f1) and s = 1
    # (mpmath.beta), on a representative subset for k >= 1e5 (logit
    # mpmath.quad, about a second each; the full grid is swept in
    # benchmarks/bench_distributions.py). All at mp.dps = 50. Compared in
    # log space: the failure rate underflows float64 for alpha = 100.
    cases = list(itertools.product(GRID, GRID, [*SCALES, 1.0], [1, 10, 1e3]))
    cases += list(itertools.product(GRID, GRID, [1.0], [1e5, 1e6]))
    cases += [
        (0.01, 0.01, 0.3, 1e5),
        (0.1, 100.0, 0.9, 1e6),
        (1.0, 0.1, 0.01, 1e6),
        (100.0, 0.01, 0.9, 1e5),
    ]
    worst = 0.0
    for alpha, beta, s, k in cases:
        got = ScaledBeta(alpha, beta, s).log_failure_rate(k)
        with mpmath.workdps(DPS):
            if s == 1.0:
                log_i = mpmath.log(mpmath.beta(alpha, beta + k))
            elif k <= 1e3:
                log_i = mp_log_beta_integral_hyp(alpha, beta, k, s)
            else:
                log_i = mp_log_beta_integral_quad(alpha, beta, k, s)
            ref = float(log_i - mpmath.log(mpmath.beta(alpha, beta)))
        # |log got - log ref| is the relative error of the failure rate.
        worst = max(worst, abs(float(got) - ref))
    assert worst <= 1e-9


def test_scale_one_is_the_beta_closed_form():
    k = np.array([0.0, 1.0, 2.5, 10.0, 1e3, 1e6])
    for alpha, beta in [(0.01, 0.01), (0.3, 2.0), (5.0, 100.0)]:
        got = ScaledBeta(alpha, beta).failure_rate(k)
        # scipy's betaln loses ~1e-9 at 1e6, hence the tolerance.
        closed = np.exp(betaln(alpha, beta + k) - betaln(alpha, beta))
        assert_allclose(got, closed, rtol=1e-8)
        with mpmath.workdps(DPS):
            ref = [
                float(mpmath.beta(alpha, beta + kk) / mpmath.beta(alpha, beta))
                for kk in k
            ]
        assert_allclose(got, ref, rtol=1e-13)


def test_scaled_beta_asymptote():
    law = ScaledBeta(0.3, 2.0, 0.5)
    asym = law.asymptotic()
    assert isinstance(asym, PowerLawAsymptote)
    pre, expo = asym
    assert expo == 0.3
    assert_allclose(pre, gamma(2.3) / (gamma(2.0) * 0.5**0.3), rtol=1e-14)
    ratio = law.failure_rate(1e6) / asym.evaluate(1e6)
    assert abs(ratio - 1) < 0.01
    # -log(1 - f) = f + f^2/2 + ...: the same asymptote, reached later.
    ratio_nlp = law.neg_log_pass_at_k(1e10) / asym.evaluate(1e10)
    assert abs(ratio_nlp - 1) < 0.01
    # The error of the asymptote shrinks as k grows.
    k = np.array([1e2, 1e4, 1e6])
    err = np.abs(law.failure_rate(k) / asym.evaluate(k) - 1)
    assert np.all(np.diff(err) < 0)


def test_kumaraswamy_asymptote():
    law = ScaledKumaraswamy(0.3, 3.0, 0.6)
    pre, expo = law.asymptotic()
    assert expo == 0.3
    assert_allclose(pre, 3.0 * gamma(1.3) / 0.6**0.3, rtol=1e-14)
    # The correction decays like k^-a, so look further out.
    ratio = law.failure_rate(1e12) / law.asymptotic().evaluate(1e12)
    assert abs(ratio - 1) < 0.01


def test_curves_relations_and_edge_values():
    law = ScaledBeta(0.5, 3.0, 0.8)
    k = np.array([0.0, 0.5, 1.0, 7.0, 1e3, 1e6])
    f = law.failure_rate(k)
    assert f[0] == 1.0
    assert_allclose(law.pass_at_k(k), 1 - f, rtol=1e-12, atol=1e-15)
    assert_allclose(law.log_failure_rate(k), np.log(f), rtol=1e-14)
    nlp = law.neg_log_pass_at_k(k)
    assert nlp[0] == np.inf
    assert_allclose(nlp[1:], -np.log1p(-f[1:]), rtol=1e-12)
    # pass@1 is the mean.
    assert_allclose(law.pass_at_k(1), law.mean, rtol=1e-13)
    # Shapes follow k.
    assert law.failure_rate(np.ones((2, 3))).shape == (2, 3)
    assert np.ndim(law.failure_rate(5)) == 0


# --------------------------------------------------------------------------
# Binomial likelihoods
# --------------------------------------------------------------------------


def test_beta_binomial_equals_scipy_at_scale_one():
    for alpha, beta in [(0.01, 0.01), (0.5, 2.0), (100.0, 3.0)]:
        for n in (1, 5, 10, 100, 1000):
            c = np.arange(n + 1)
            got = scaled_beta_binomial_logpmf(c, n, alpha, beta)
            ref = betabinom.logpmf(c, n, alpha, beta)
            # From n ~ 1000 on, scipy's own betaln error (1e-12 at n = 1e3,
            # 2e-11 at 1e4, see the next test) exceeds 1e-12.
            assert_allclose(got, ref, rtol=1e-12 if n <= 100 else 1e-11, atol=1e-14)


def test_beta_binomial_at_scale_one_matches_mpmath():
    # Reference: mpmath binomial and beta at mp.dps = 50 (alpha + c formed
    # in mpmath). Ours stays near 1e-13 where scipy drifts to 2e-11.
    for alpha, beta in [(0.01, 0.01), (0.5, 2.0)]:
        n = 10**4
        c = np.array([0, 1, 7, 100, 2500, 5000, 9999, 10**4])
        got = scaled_beta_binomial_logpmf(c, n, alpha, beta)
        with mpmath.workdps(DPS):
            ref = [
                mpmath.log(mpmath.binomial(n, int(cc)))
                + mpmath.log(
                    mpmath.beta(
                        mpmath.mpf(alpha) + int(cc), mpmath.mpf(beta) + n - int(cc)
                    )
                )
                - mpmath.log(mpmath.beta(alpha, beta))
                for cc in c
            ]
        assert max(rel_err(g, r) for g, r in zip(got, ref, strict=True)) < 1e-12


BINOMIAL_CASES = [
    # (c, n, alpha, beta, scale): n up to 1e5, c = 0, 1, n/3, n - 1, n,
    # alpha and beta small (0.01) and large (100).
    (0, 10**5, 0.01, 100.0, 0.3),
    (1, 10**5, 100.0, 0.01, 0.9),
    (33_333, 10**5, 0.5, 2.0, 0.99),
    (10**5 - 1, 10**5, 0.01, 100.0, 0.3),
    (10**5, 10**5, 100.0, 0.01, 0.9),
    (333, 1000, 100.0, 100.0, 0.3),
    (1000, 1000, 0.01, 0.01, 1.0),
    (3, 10, 100.0, 100.0, 1.0),
]


def test_beta_binomial_matches_mpmath():
    # Reference: mp_beta_binomial_logpmf (mpmath.quad, mp.dps = 50).
    worst = max(
        rel_err(scaled_beta_binomial_logpmf(*case), mp_beta_binomial_logpmf(*case))
        for case in BINOMIAL_CASES
    )
    assert worst <= 1e-9


@pytest.mark.parametrize("scale", [0.05, 0.7, 1.0])
def test_binomial_pmfs_sum_to_one(scale):
    c = np.arange(41)
    for logpmf in (scaled_beta_binomial_logpmf, scaled_kumaraswamy_binomial_logpmf):
        for p1, p2 in [(0.05, 0.5), (1.0, 1.0), (30.0, 2.0)]:
            total = np.exp(logpmf(c, 40, p1, p2, scale)).sum()
            assert abs(total - 1) < 1e-12
    for law in (
        UniformInterval(0.1, 0.5),
        PointMass(0.3),
        BetaLogTail(0.4),
        ZeroInflated(ScaledBeta(0.5, 2.0, scale), 0.2),
    ):
        assert abs(np.exp(law.binomial_logpmf(c, 40)).sum() - 1) < 1e-12


def test_binomial_logpmf_broadcasts_over_parameters():
    # The shapes used by llmonkeys.fits: problems along the last axis,
    # parameter vectors along the first, scale scalar or per vector.
    c = np.array([[0, 3, 50, 100]])
    alpha = np.array([[0.2], [1.5], [4.0]])
    beta = np.array([[2.0], [2.0], [9.0]])
    scale = np.array([[0.5], [1.0], [0.9]])
    for logpmf in (scaled_beta_binomial_logpmf, scaled_kumaraswamy_binomial_logpmf):
        got = logpmf(c, 100, alpha, beta, scale)
        assert got.shape == (3, 4)
        for i, j in itertools.product(range(3), range(4)):
            one = logpmf(c[0, j], 100, alpha[i, 0], beta[i, 0], scale[i, 0])
            assert_allclose(got[i, j], one, rtol=1e-15)
    # Counts may be whole-valued floats.
    assert_allclose(
        scaled_beta_binomial_logpmf(np.array([2.0]), np.array([9.0]), 1.0, 1.0),
        np.log(1 / 10),
        rtol=1e-14,
    )


def test_kumaraswamy_binomial_matches_mpmath():
    # References: mp_log_kumaraswamy_integral (mpmath.quad, mp.dps = 50)
    # and, for small n - c, the exact binomial expansion at mp.dps = 80.
    cases = [
        (0, 10**5, 0.01, 100.0, 0.3),
        (3 * 10**4, 10**5, 0.5, 2.0, 1.0),
        (10**5 - 1, 10**5, 100.0, 0.01, 0.99),
        (5, 25, 2.0, 0.5, 0.7),
    ]
    for c, n, a, b, s in cases:
        with mpmath.workdps(DPS):
            head = mp_log_comb(n, c) + c * mpmath.log(s) + mpmath.log(b)
            ref = float(head + mp_log_kumaraswamy_integral(a, b, c, n - c, s))
        got = scaled_kumaraswamy_binomial_logpmf(c, n, a, b, s)
        assert rel_err(got, ref) <= 1e-9
        if n - c <= 30:
            assert (
                rel_err(
                    _beta_integral._log_kumaraswamy_integral(a, b, c, n - c, s),
                    mp_log_kumaraswamy_sum(a, b, c, n - c, s),
                )
                < 1e-12
            )


def test_kumaraswamy_special_cases():
    # a = 1 is Beta(1, b); c = n is a Beta function.
    for c in (0, 4, 30):
        assert_allclose(
            scaled_kumaraswamy_binomial_logpmf(c, 30, 1.0, 3.0, 0.5),
            scaled_beta_binomial_logpmf(c, 30, 1.0, 3.0, 0.5),
            rtol=1e-13,
        )
    law = ScaledKumaraswamy(1.0, 4.0, 0.7)
    k = np.array([1.0, 100.0, 1e6])
    assert_allclose(
        law.failure_rate(k), ScaledBeta(1.0, 4.0, 0.7).failure_rate(k), rtol=1e-13
    )
    assert_allclose(law.pass_at_k(1), law.mean, rtol=1e-13)


def test_kumaraswamy_failure_rate_matches_mpmath():
    # Reference: mp_log_kumaraswamy_integral, mp.dps = 50.
    for a, b, s, k in [(0.01, 1.0, 0.9, 1e6), (10.0, 0.1, 1.0, 1e5)]:
        got = ScaledKumaraswamy(a, b, s).log_failure_rate(k)
        ref = np.log(b) + mp_log_kumaraswamy_integral(a, b, 0, k, s)
        assert abs(float(got) - ref) <= 1e-9


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

shape_param = st.floats(0.02, 50.0)
scale_param = st.floats(0.05, 1.0)
k_arrays = arrays(np.float64, st.integers(2, 8), elements=st.floats(0.0, 1e6))


@SETTINGS
@given(shape_param, shape_param, scale_param, k_arrays, st.booleans())
def test_failure_rate_in_unit_interval_and_monotone(p1, p2, s, k, kumaraswamy):
    law = ScaledKumaraswamy(p1, p2, s) if kumaraswamy else ScaledBeta(p1, p2, s)
    k = np.sort(k)
    f = law.failure_rate(k)
    assert f.shape == k.shape
    assert np.all((f >= 0) & (f <= 1))
    # Non-increasing, up to the quadrature's ~1e-14 relative noise.
    assert np.all(np.diff(f) <= 1e-12 * f[:-1])
    # The log and direct forms agree.
    assert_allclose(np.exp(law.log_failure_rate(k)), f, rtol=1e-15)
    assert_allclose(law.pass_at_k(k), 1 - f, atol=1e-15)


@SETTINGS
@given(shape_param, shape_param, scale_param, st.floats(1.0, 200.0), st.booleans())
def test_failure_rate_matches_monte_carlo(p1, p2, s, k, kumaraswamy):
    law = ScaledKumaraswamy(p1, p2, s) if kumaraswamy else ScaledBeta(p1, p2, s)
    p = law.sample(50_000, np.random.default_rng(20250226))
    assert np.all((p >= 0) & (p <= s))
    draws = (1 - p) ** k
    # Five exact standard errors (Var (1-p)^k = f(2k) - f(k)^2; the sample
    # one is unreliable for the very skewed laws hypothesis finds), plus
    # the range term 2L/(3N) of Bernstein's inequality for [0, 1]-valued
    # draws, L = log(2/1e-9): a rare small p can move a tiny mean by many
    # standard errors.
    f1, f2 = law.failure_rate(k), law.failure_rate(2 * k)
    se = np.sqrt(max(f2 - f1 * f1, 0.0) / draws.size)
    bernstein = 2 * np.log(2e9) / (3 * draws.size)
    assert abs(draws.mean() - f1) <= 5 * se + bernstein


@pytest.mark.parametrize(
    "law",
    [
        ScaledBeta(0.4, 3.0, 0.6),
        ScaledKumaraswamy(0.4, 3.0, 0.6),
        UniformInterval(0.2, 0.7),
        BetaLogTail(0.6),
        ZeroInflated(ScaledBeta(0.5, 2.0), 0.3),
    ],
)
def test_density_distribution_function_and_mean_agree(law):
    # The cdf is the integral of the pdf (plus the atom at 0), the mean
    # matches the samples and pass@1.
    grid = np.linspace(0.0, 1.0, 2001)[1:]
    atom = getattr(law, "zero_fraction", 0.0)
    for p in (0.05, 0.3, 0.65):
        kinks = [x for x in (getattr(law, "low", None),) if x is not None and x < p]
        integral, _ = quad(
            lambda t: float(law.pdf(t)),
            0.0,
            p,
            points=kinks or None,
            epsabs=1e-13,
            epsrel=1e-11,
            limit=200,
        )
        assert abs(integral + atom - law.cdf(p)) < 1e-8
    assert np.all(np.diff(law.cdf(grid)) >= 0)
    assert law.cdf(1.0) == pytest.approx(1.0, abs=1e-14)
    assert law.cdf(-0.5) == 0.0 and law.pdf(1.5) == 0.0
    samples = law.sample(200_000, 7)
    assert abs(samples.mean() - law.mean) < 5 * samples.std() / np.sqrt(samples.size)
    assert_allclose(law.pass_at_k(1), law.mean, rtol=1e-12)


def test_densities_at_the_ends():
    # Finite, zero or infinite as the exponents dictate; never NaN.
    assert ScaledBeta(0.5, 2.0).pdf(0.0) == np.inf
    assert ScaledBeta(1.0, 2.0).pdf(0.0) == 2.0
    assert ScaledBeta(2.0, 2.0, 0.5).pdf([0.0, 0.5, 0.6]).tolist() == [0.0, 0.0, 0.0]
    assert ScaledKumaraswamy(0.5, 0.5).pdf(1.0) == np.inf
    assert BetaLogTail(2.0).pdf([0.0, 1.0]).tolist() == [0.0, 0.0]
    assert BetaLogTail(0.5).pdf(0.0) == np.inf


# --------------------------------------------------------------------------
# Counterexample laws
# --------------------------------------------------------------------------


def test_uniform_interval_failure_rate():
    law = UniformInterval(0.2, 0.6)
    k = np.array([0.0, 1.0, 3.0, 50.0, 1e3])
    direct = (0.8 ** (k + 1) - 0.4 ** (k + 1)) / ((k + 1) * 0.4)
    assert_allclose(law.failure_rate(k), direct, rtol=1e-13)
    # Far out the closed form underflows; the log form keeps going.
    assert_allclose(
        law.log_failure_rate(1e6),
        1e6 * np.log(0.8) + np.log(0.8) - np.log(1e6 + 1) - np.log(0.4),
        rtol=1e-14,
    )
    assert_allclose(
        UniformInterval(0.2, 1.0).failure_rate(4.0), 0.8**5 / (5 * 0.8), rtol=1e-14
    )
    with pytest.raises(ValueError, match="no power-law tail"):
        law.asymptotic()


def test_point_mass():
    law = PointMass(0.1)
    assert_allclose(
        law.failure_rate([0, 1, 10, 1e4]), 0.9 ** np.array([0, 1, 10, 1e4]), rtol=1e-12
    )
    assert PointMass(0.0).failure_rate(1e9) == 1.0
    assert (
        PointMass(1.0).failure_rate(0) == 1.0 and PointMass(1.0).failure_rate(3) == 0.0
    )
    assert np.all(law.sample(5, 0) == 0.1)
    assert law.cdf(0.1) == 1.0 and law.cdf(0.0999) == 0.0
    assert law.mean == 0.1
    assert_allclose(np.exp(law.binomial_logpmf(2, 5)), 10 * 0.01 * 0.9**3, rtol=1e-13)
    with pytest.raises(ValueError, match="no density"):
        law.pdf(0.1)
    with pytest.raises(ValueError, match="no power-law tail"):
        law.asymptotic()


def test_beta_log_tail():
    a = 0.5
    law = BetaLogTail(a)
    # Reference: mpmath.quad of the density a^2 p^(a-1) log(1/p) (1-p)^k
    # after p = e^-t, at mp.dps = 50.
    for k in (1.0, 10.0, 1e4):
        with mpmath.workdps(DPS):
            ref = mpmath.quad(
                lambda t, k=k: (
                    a**2 * mpmath.exp(-a * t) * t * (1 - mpmath.exp(-t)) ** k
                ),
                [0, 1, 10, 100, mpmath.inf],
            )
        assert rel_err(law.failure_rate(k) / float(ref), 1.0) < 1e-13
    tail = law.log_corrected_asymptote()
    assert isinstance(tail, LogCorrectedAsymptote)
    assert_allclose(tail.prefactor, a**2 * gamma(a), rtol=1e-14)
    assert tail.exponent == a and tail.log_power == 1.0
    # Slow, log-type convergence to the asymptote.
    ratios = law.failure_rate([1e4, 1e8, 1e16]) / tail.evaluate([1e4, 1e8, 1e16])
    assert np.all(np.diff(np.abs(ratios - 1)) < 0) and abs(ratios[-1] - 1) < 0.06
    with pytest.raises(ValueError, match="log_corrected_asymptote"):
        law.asymptotic()
    # The product of two Beta(a, 1) draws has mean (a / (a + 1))^2.
    assert_allclose(law.mean, (a / (a + 1)) ** 2)


def test_zero_inflated_plateau():
    base = ScaledBeta(0.5, 2.0, 0.8)
    law = ZeroInflated(base, 0.25)
    k = np.array([0.0, 1.0, 1e3, 1e8, 1e20])
    assert_allclose(law.failure_rate(k), 0.25 + 0.75 * base.failure_rate(k), rtol=1e-14)
    assert_allclose(law.pass_at_k(1e20), 0.75, rtol=1e-9)
    assert_allclose(law.neg_log_pass_at_k(1e20), -np.log(0.75), rtol=1e-9)
    assert law.mean == pytest.approx(0.75 * base.mean)
    p = law.sample(100_000, 3)
    assert abs(np.mean(p == 0) - 0.25) < 0.01
    assert_allclose(ZeroInflated(base, 0.0).failure_rate(k), base.failure_rate(k))
    with pytest.raises(ValueError, match="plateaus"):
        law.asymptotic()


def test_sampling_is_reproducible_and_shaped():
    law = ScaledBeta(0.3, 2.0, 0.5)
    a = law.sample((3, 4), 11)
    b = law.sample((3, 4), np.random.default_rng(11))
    assert a.shape == (3, 4) and np.array_equal(a, b)
    assert law.sample(0, 1).shape == (0,)


def test_classes_are_frozen_distributions():
    law = ScaledBeta(1, 2)
    assert isinstance(law, SuccessDistribution)
    assert law.alpha == 1.0 and isinstance(law.alpha, float)
    with pytest.raises(AttributeError):
        law.alpha = 2.0  # type: ignore[misc]


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "args", "match"),
    [
        (ScaledBeta, (0.0, 1.0), "alpha must be a finite number > 0"),
        (ScaledBeta, (-1.0, 1.0), "alpha must be a finite number > 0"),
        (ScaledBeta, (np.nan, 1.0), "alpha must be a finite number > 0"),
        (ScaledBeta, (1.0, np.inf), "beta must be a finite number > 0"),
        (ScaledBeta, (1.0, 0.0), "beta must be a finite number > 0"),
        (ScaledBeta, (1.0, 1.0, 0.0), "scale must be a finite number > 0"),
        (ScaledBeta, (1.0, 1.0, 1.5), "scale must be <= 1"),
        (ScaledKumaraswamy, (0.0, 1.0), "a must be a finite number > 0"),
        (ScaledKumaraswamy, (1.0, -2.0), "b must be a finite number > 0"),
        (ScaledKumaraswamy, (1.0, 1.0, 2.0), "scale must be <= 1"),
        (UniformInterval, (0.5, 0.5), "need low < high"),
        (UniformInterval, (0.0, 0.5), "low must be a finite number > 0"),
        (UniformInterval, (0.2, 1.2), "high must be <= 1"),
        (PointMass, (1.5,), r"p must lie in \[0, 1\]"),
        (PointMass, (np.nan,), r"p must lie in \[0, 1\]"),
        (BetaLogTail, (0.0,), "a must be a finite number > 0"),
    ],
)
def test_bad_parameters_raise(cls, args, match):
    with pytest.raises(ValueError, match=match):
        cls(*args)


def test_bad_parameter_types_raise():
    with pytest.raises(TypeError, match="alpha must be a real number"):
        ScaledBeta("1", 1.0)
    with pytest.raises(TypeError, match="p must be a real number"):
        PointMass(True)
    with pytest.raises(TypeError, match="base must be a SuccessDistribution"):
        ZeroInflated(0.5, 0.1)
    with pytest.raises(TypeError, match="zero_fraction must be a real number"):
        ZeroInflated(PointMass(0.5), "0.1")
    with pytest.raises(ValueError, match=r"zero_fraction must lie in \[0, 1\)"):
        ZeroInflated(PointMass(0.5), 1.0)


@pytest.mark.parametrize(
    "law",
    [
        ScaledBeta(0.5, 2.0, 0.5),
        ScaledKumaraswamy(0.5, 2.0),
        UniformInterval(0.1, 0.2),
        PointMass(0.3),
        BetaLogTail(0.5),
        ZeroInflated(PointMass(0.3), 0.5),
    ],
)
def test_bad_k_raises(law):
    for method in (
        law.failure_rate,
        law.log_failure_rate,
        law.pass_at_k,
        law.neg_log_pass_at_k,
    ):
        with pytest.raises(ValueError, match="k must be >= 0"):
            method([1.0, -1.0])
        with pytest.raises(ValueError, match="k must be finite"):
            method(np.nan)
        with pytest.raises(ValueError, match="k must be finite"):
            method([1.0, np.inf])
        with pytest.raises(TypeError, match="k must be real numbers"):
            method("ten")


def test_bad_sampling_arguments_raise():
    law = ScaledBeta(0.5, 2.0)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        law.sample(3, None)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        law.sample(3, 1.5)
    with pytest.raises(ValueError, match="rng seed must be >= 0"):
        law.sample(3, -1)
    with pytest.raises(ValueError, match="size must be >= 0"):
        law.sample(-3, 0)
    with pytest.raises(TypeError, match="size must be an int"):
        law.sample(2.5, 0)


def test_log_beta_integral_errors():
    with pytest.raises(ValueError, match="a must be finite and > 0"):
        log_beta_integral(0.0, 1.0, 1, 0.5)
    with pytest.raises(ValueError, match="b must be finite and > 0"):
        log_beta_integral(1.0, [1.0, -1.0], 1, 0.5)
    with pytest.raises(ValueError, match="m must be >= 0"):
        log_beta_integral(1.0, 1.0, -1, 0.5)
    with pytest.raises(ValueError, match="m must be finite"):
        log_beta_integral(1.0, 1.0, np.inf, 0.5)
    with pytest.raises(ValueError, match=r"s must lie in \(0, 1\]"):
        log_beta_integral(1.0, 1.0, 1, 0.0)
    with pytest.raises(ValueError, match=r"s must lie in \(0, 1\]"):
        log_beta_integral(1.0, 1.0, 1, 1.0 + 1e-12)
    with pytest.raises(ValueError, match="do not broadcast"):
        log_beta_integral([1.0, 2.0], 1.0, [1, 2, 3], 0.5)
    with pytest.raises(TypeError, match="a must be real numbers"):
        log_beta_integral("x", 1.0, 1, 0.5)


@pytest.mark.parametrize(
    "logpmf", [scaled_beta_binomial_logpmf, scaled_kumaraswamy_binomial_logpmf]
)
def test_binomial_logpmf_errors(logpmf):
    names = ("alpha", "beta") if logpmf is scaled_beta_binomial_logpmf else ("a", "b")
    with pytest.raises(ValueError, match="c must satisfy 0 <= c <= n"):
        logpmf(11, 10, 1.0, 1.0)
    with pytest.raises(ValueError, match="c must be >= 0"):
        logpmf(-1, 10, 1.0, 1.0)
    with pytest.raises(ValueError, match="c must be whole numbers"):
        logpmf(1.5, 10, 1.0, 1.0)
    with pytest.raises(ValueError, match="n must be >= 1"):
        logpmf(0, 0, 1.0, 1.0)
    with pytest.raises(ValueError, match=f"{names[0]} must be finite and > 0"):
        logpmf(1, 10, 0.0, 1.0)
    with pytest.raises(ValueError, match=f"{names[1]} must be finite and > 0"):
        logpmf(1, 10, 1.0, -2.0)
    with pytest.raises(ValueError, match=f"{names[1]} must be finite"):
        logpmf(1, 10, 1.0, np.nan)
    with pytest.raises(ValueError, match=r"scale must lie in \(0, 1\]"):
        logpmf(1, 10, 1.0, 1.0, 1.5)
    with pytest.raises(ValueError, match="do not broadcast"):
        logpmf([1, 2], [10, 10, 10], 1.0, 1.0)


def test_density_arguments_must_be_finite():
    for law in (ScaledBeta(0.5, 2.0), UniformInterval(0.1, 0.2), BetaLogTail(0.5)):
        with pytest.raises(ValueError, match="p must be finite"):
            law.cdf([0.1, np.nan])
        with pytest.raises(ValueError, match="p must be finite"):
            law.pdf(np.inf)


def test_asymptote_evaluate_errors():
    with pytest.raises(ValueError, match="k must be finite and > 0"):
        PowerLawAsymptote(1.0, 0.5).evaluate(0.0)
    with pytest.raises(ValueError, match="k must be > 1"):
        LogCorrectedAsymptote(1.0, 0.5, 1.0).evaluate([1.0, 10.0])


# --------------------------------------------------------------------------
# The exact forms of the chapter on heavy tails, against references
# --------------------------------------------------------------------------


def test_beta_failure_rate_is_the_beta_ratio():
    # eq-beta-failure: E[(1-p)^k] = B(a, b + k) / B(a, b), mpmath at 50 digits.
    law = ScaledBeta(1.5, 3.0)
    k = np.array([1, 3, 10, 100, 1000, 10**4, 10**5, 10**6])
    ref = [reference.beta_ratio_failure_rate(kk, 1.5, 3.0) for kk in k]
    assert_allclose(law.failure_rate(k), ref, rtol=1e-12)


def test_scaled_beta_failure_rate_is_the_terminating_2f1():
    # eq-scaled-beta-failure: 2F1(-k, a; a + b; s), mpmath at 50 digits.
    law = ScaledBeta(0.5, 2.0, scale=0.5)
    k = np.arange(1, 21)
    ref = [reference.scaled_beta_failure_rate(kk, 0.5, 2.0, 0.5) for kk in k]
    assert_allclose(law.failure_rate(k), ref, rtol=1e-12)


@pytest.mark.parametrize("k", [1, 7, 60])
def test_scaled_beta_failure_rate_is_the_positive_binomial_sum(k):
    # eq-scaled-beta-positive: sum_j Binom(j; k, s) B(a, b + j) / B(a, b),
    # a sum of positive terms (no cancellation), against mpmath's 2F1.
    law = ScaledBeta(0.5, 2.0, scale=0.5)
    j = np.arange(k + 1)
    positive = np.sum(binom.pmf(j, k, 0.5)
                      * np.exp(betaln(0.5, 2.0 + j) - betaln(0.5, 2.0)))
    assert_allclose(law.failure_rate(k), positive, rtol=1e-12)
    assert_allclose(positive, reference.scaled_beta_failure_rate(k, 0.5, 2.0, 0.5),
                    rtol=1e-12)


@pytest.mark.parametrize("k", [10.0, 1e3, 1e5])
def test_scaled_kumaraswamy_failure_rate_against_quadrature(k):
    # E[(1 - s X)^k], X ~ Kumaraswamy(0.7, 3), s = 0.4, by mpmath.quad.
    law = ScaledKumaraswamy(0.7, 3.0, scale=0.4)
    ref = reference.kumaraswamy_failure_rate(k, 0.7, 3.0, 0.4)
    assert_allclose(law.failure_rate(k), ref, rtol=1e-9)


def test_uniform_interval_failure_rate_closed_form():
    # E[(1-p)^k] for p ~ U[0.2, 1] is 0.8^(k+1) / (0.8 (k + 1)) exactly.
    k = np.array([1, 3, 10, 100, 1000])
    law = UniformInterval(0.2, 1.0)
    assert_allclose(law.failure_rate(k), 0.8**k / (k + 1), rtol=1e-12)


# --- log_corrected_beta_binomial_logpmf -------------------------------------


@pytest.mark.parametrize("log_power", [1.0, -1.0, -0.5])
def test_log_corrected_logpmf_matches_mpmath(log_power):
    # Reference: mpmath.quad (tanh-sinh) at 30 digits, split near 0.
    n, a, b = 12, 0.3, 2.0
    got = np.exp(log_corrected_beta_binomial_logpmf(np.arange(n + 1), n, a, b,
                                                    log_power))

    def dens(x):
        return x ** (a - 1) * (1 - x) ** (b - 1) * (1 + mpmath.log(1 / x)) ** log_power

    cuts = [0, 1e-8, 1e-3, 0.5, 1]
    with mpmath.workdps(30):
        norm = mpmath.quad(dens, cuts)
        ref = [float(mpmath.binomial(n, c) * mpmath.quad(
            lambda x, c=c: dens(x) * x**c * (1 - x) ** (n - c), cuts) / norm)
            for c in range(n + 1)]
    np.testing.assert_allclose(got, ref, rtol=1e-9)


def test_log_corrected_logpmf_reduces_to_beta_binomial():
    from scipy.stats import betabinom

    c = np.arange(31)
    np.testing.assert_allclose(
        log_corrected_beta_binomial_logpmf(c, 30, 0.4, 2.5, 0.0),
        betabinom.logpmf(c, 30, 0.4, 2.5), rtol=1e-12)
    for log_power in (1.0, -2.0):
        p = np.exp(log_corrected_beta_binomial_logpmf(c, 30, 0.4, 2.5, log_power))
        np.testing.assert_allclose(p.sum(), 1.0, rtol=1e-12)


@pytest.mark.parametrize("log_power", [0.5, 2.0, np.nan, True])
def test_log_corrected_logpmf_refuses_other_log_powers(log_power):
    with pytest.raises(ValueError, match="log_power"):
        log_corrected_beta_binomial_logpmf([0, 1], 5, 0.3, 2.0, log_power)
