"""Tests of llmonkeys.forecast: subsampling, posterior predictive, forecasts."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from scipy.special import betaln

import llmonkeys.distributions as dist
import llmonkeys.forecast as fc
from llmonkeys.exponents import estimate_exponent
from llmonkeys.simulation import finite_neg_log_pass_at_k

# ---------------------------------------------------------------------------
# subsample_counts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "c", "b"), [(10_000, 2_500, 100), (10_000, 37, 1_000), (50, 20, 49)]
)
def test_subsample_moments_are_hypergeometric(n, c, b):
    draws = fc.subsample_counts(n, np.full(400_000, c), b, rng=1)
    mean = b * c / n
    var = b * (c / n) * ((n - c) / n) * (n - b) / (n - 1)
    # Standard errors: mean sd/sqrt(N); variance about var*sqrt(2/N) (plus
    # kurtosis), so 5 standard errors of slack.
    assert abs(draws.mean() - mean) < 5 * np.sqrt(var / draws.size)
    assert abs(draws.var() / var - 1) < 5 * np.sqrt(2 / draws.size) + 1e-3


def test_subsample_pmf_matches_scipy_hypergeom():
    n, c, b = 20, 7, 5
    draws = fc.subsample_counts(n, np.full(200_000, c), b, rng=2)
    freq = np.bincount(draws, minlength=b + 1) / draws.size
    pmf = stats.hypergeom(n, c, b).pmf(np.arange(b + 1))
    assert_allclose(freq, pmf, atol=4e-3)


def test_subsample_edge_cases():
    n = np.array([10, 10, 10, 5])
    c = np.array([0, 10, 4, 3])
    assert_array_equal(fc.subsample_counts(n, c, 5, rng=0)[:2], [0, 5])
    # budget = n keeps everything
    assert_array_equal(fc.subsample_counts(n, c, n, rng=0), c)
    out = fc.subsample_counts(n, c, 3, rng=0)
    assert out.dtype == np.int64 and out.shape == (4,)
    assert np.all((out >= 0) & (out <= np.minimum(c, 3)))


def test_subsample_is_seeded_and_vectorised():
    a = fc.subsample_counts(10_000, np.arange(0, 10_000, 7), 100, rng=5)
    b = fc.subsample_counts(10_000, np.arange(0, 10_000, 7), 100,
                            rng=np.random.default_rng(5))
    assert_array_equal(a, b)
    grid = fc.subsample_counts([[100], [200]], [[10], [20]], [[5, 50]], rng=0)
    assert grid.shape == (2, 2)


@pytest.mark.parametrize(
    ("n", "c", "budget", "match"),
    [
        (10, 3, 11, "budget must be <= n"),
        ([10, 5], [3, 1], 6, "budget=6 > n=5"),
        (10, 3, 0, "budget must be >= 1"),
        (10, 11, 5, "c must satisfy"),
        (0, 0, 1, "n must be >= 1"),
        ([10, 10], [1, 2, 3], 5, "broadcast"),
    ],
)
def test_subsample_errors(n, c, budget, match):
    with pytest.raises(ValueError, match=match):
        fc.subsample_counts(n, c, budget, rng=0)


def test_subsample_bad_rng():
    with pytest.raises(TypeError, match="rng"):
        fc.subsample_counts(10, 3, 5, rng="seed")


# ---------------------------------------------------------------------------
# Posterior predictive
# ---------------------------------------------------------------------------


def _mp_posterior_failure(n, c, k, a, b, s):
    # Reference by mpmath quadrature at 50 digits of
    # int x^(a+c-1) (1-x)^(b-1) (1-sx)^(n-c+k) / int ... (n-c).
    mp.mp.dps = 50
    a, b, s = mp.mpf(a), mp.mpf(b), mp.mpf(s)

    def integral(m):
        return mp.quad(lambda x: x ** (a + c - 1) * (1 - x) ** (b - 1)
                       * (1 - s * x) ** m, [0, mp.mpf("1e-6"), mp.mpf("1e-3"),
                                            mp.mpf("0.1"), 1])

    return float(integral(n - c + k) / integral(n - c))


@pytest.mark.parametrize(("n", "c", "k"), [(100, 0, 1000), (100, 3, 50),
                                          (40, 40, 7), (1000, 12, 10_000)])
def test_posterior_failure_against_mpmath(n, c, k):
    got = fc.posterior_failure_rate([n, n], [c, c], [k], 0.4, 2.5, 0.6)
    want = _mp_posterior_failure(n, c, k, 0.4, 2.5, 0.6)
    assert_allclose(got, want, rtol=1e-9)


def test_posterior_failure_closed_form_at_scale_one():
    n, c = np.array([20, 20, 50]), np.array([0, 5, 50])
    k = np.array([1, 10, 1000])
    got = fc.posterior_failure_rate(n, c, k, 0.3, 4.0)
    a, b = 0.3 + c[:, None], 4.0 + (n - c)[:, None]
    want = np.exp(betaln(a, b + k[None, :]) - betaln(a, b))
    assert_allclose(got, want, rtol=1e-11)
    assert np.all(np.diff(got, axis=1) < 0)


def test_posterior_failure_errors():
    with pytest.raises(ValueError, match="k must be >= 1"):
        fc.posterior_failure_rate([10, 10], [1, 2], [0.5], 1.0, 1.0)
    with pytest.raises(ValueError):
        fc.posterior_failure_rate([10, 10], [1, 2], [5], -1.0, 1.0)


# ---------------------------------------------------------------------------
# Tail prior
# ---------------------------------------------------------------------------


def test_tail_cutoff():
    assert fc.tail_cutoff([1, 2, 10, 11, 100, 10_000]).tolist() == [1, 2, 2, 2, 10,
                                                                     1000]
    with pytest.raises(ValueError):
        fc.tail_cutoff([0])


def test_fit_tail_prior_recovers_tail_index():
    # A law that is not a Beta but has a Beta-like tail: the Beta(0.3, 2)
    # tail mixed with easy problems near p = 0.8.
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.beta(0.3, 2.0, 4000), rng.beta(40.0, 10.0, 2000)])
    c = rng.binomial(1000, p)
    alpha, _ = fc.fit_tail_prior(1000, c)
    assert abs(alpha - 0.3) < 0.03


def test_fit_tail_prior_needs_an_observed_tail():
    with pytest.raises(ValueError, match="left tail"):
        fc.fit_tail_prior(100, np.zeros(20, dtype=int))
    with pytest.raises(ValueError, match="left tail"):
        fc.fit_tail_prior(100, np.array([0, 0, 50, 90]))


# ---------------------------------------------------------------------------
# Forecasts on well-specified data
# ---------------------------------------------------------------------------

P_BIG = 20_000
K_FC = np.array([1e4, 1e5])


@pytest.fixture(scope="module")
def well_specified():
    """Counts from a Beta(0.3, 3) law, fitted with the true scale 1."""
    law = dist.ScaledBeta(0.3, 3.0)
    rng = np.random.default_rng(11)
    p = law.sample(P_BIG, rng)
    c = rng.binomial(1000, p)
    out = fc.forecast_all(1000, c, K_FC, scale=1.0)
    return law, p, c, out


def test_model_based_forecasts_are_accurate(well_specified):
    law, p, _, out = well_specified
    pop = law.neg_log_pass_at_k(K_FC)
    # Tolerances: 20,000 problems leave ~2% sampling error at k = 1e5.
    assert_allclose(out.values["distributional"], pop, rtol=0.03)
    assert_allclose(out.values["tail-eb"], pop, rtol=0.05)
    # Empirical Bayes forecasts the drawn problems.
    assert_allclose(out.values["empirical-bayes"], finite_neg_log_pass_at_k(p, K_FC),
                    rtol=0.05)
    assert out.errors == {}
    assert abs(out.beta_fit.alpha - 0.3) < 0.01


def test_tail_index_forecast_is_accurate_far_out(well_specified):
    law, _, c, _ = well_specified
    k = np.array([1e6, 1e7])
    y = fc.forecast_neg_log_pass_at_k(1000, c, k, "tail-index", scale=1.0)
    assert_allclose(y, law.neg_log_pass_at_k(k), rtol=0.08)


def test_least_squares_forecast(well_specified):
    law, _, c, out = well_specified
    est = estimate_exponent(1000, c, "least-squares")
    assert_allclose(out.values["least-squares"],
                    est.prefactor * K_FC ** -est.exponent, rtol=1e-12)
    # The curve steepens towards its asymptote, so the regression on
    # k <= 1000 forecasts too low; within 35% a hundred times ahead.
    ratio = out.values["least-squares"] / law.neg_log_pass_at_k(K_FC)
    assert np.all((ratio > 0.65) & (ratio < 1.0))


def test_ensemble_is_geometric_mean(well_specified):
    *_, out = well_specified
    assert_allclose(out.values["ensemble"],
                    np.sqrt(out.values["least-squares"]
                            * out.values["empirical-bayes"]), rtol=1e-12)


def test_distributional_with_paper_scale_rule():
    # Beta(0.3, 1) has density at the top of its support, where the
    # paper's scale rule is nearly unbiased.
    law = dist.ScaledBeta(0.3, 1.0, scale=0.5)
    rng = np.random.default_rng(12)
    c = rng.binomial(1000, law.sample(P_BIG, rng))
    y = fc.forecast_neg_log_pass_at_k(1000, c, K_FC, "distributional")
    assert_allclose(y, law.neg_log_pass_at_k(K_FC), rtol=0.15)


# ---------------------------------------------------------------------------
# API: shapes, methods, errors
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_counts():
    rng = np.random.default_rng(3)
    return rng.binomial(100, dist.ScaledBeta(0.3, 3.0).sample(300, rng))


def test_methods_constant():
    assert fc.CORE_METHODS == ("least-squares", "distributional", "tail-index",
                               "empirical-bayes", "tail-eb", "ensemble")
    assert fc.FORECAST_METHODS == (*fc.CORE_METHODS, "beta-binomial",
                                   "zero-inflated")


def test_beta_binomial_forecasts_are_the_fitted_laws_curves(small_counts):
    # The two follow-up forecasts are the exact curves of their scale-1
    # fits, whatever the scale option of the other methods.
    from llmonkeys.fits import fit_scaled_beta_binomial
    from llmonkeys.zero_inflated import fit_zero_inflated_beta_binomial

    k = np.array([300.0, 3_000.0])
    out = fc.forecast_all(100, small_counts, k, ["beta-binomial", "zero-inflated"],
                          scale="fit")
    assert out.errors == {}
    plain = fit_scaled_beta_binomial(100, small_counts, scale=1.0)
    assert_array_equal(out.values["beta-binomial"],
                       plain.distribution.neg_log_pass_at_k(k))
    zi = fit_zero_inflated_beta_binomial(100, small_counts, scale=1.0)
    assert_array_equal(out.values["zero-inflated"],
                       zi.distribution.neg_log_pass_at_k(k))
    # the default set is the six core methods
    assert set(fc.forecast_all(100, small_counts, k).values) == set(fc.CORE_METHODS)


def test_zero_inflated_forecast_levels_off():
    # A benchmark with 30% impossible problems: the forecast tends to
    # -log(1 - pi) rather than to 0.
    rng = np.random.default_rng(3)
    p = np.where(rng.random(300) < 0.3, 0.0, rng.beta(0.6, 3.0, 300))
    c = rng.binomial(200, p)
    y = fc.forecast_neg_log_pass_at_k(200, c, [1e4, 1e6, 1e8], "zero-inflated")
    assert np.all(np.diff(y) <= 0)
    assert 0.2 < -np.expm1(-y[-1]) < 0.4


def test_forecast_shape_follows_k(small_counts):
    y = fc.forecast_neg_log_pass_at_k(100, small_counts, 500.0, "least-squares")
    assert y.shape == ()
    k = np.array([[200, 400], [800, 1600]])
    y = fc.forecast_neg_log_pass_at_k(100, small_counts, k, "empirical-bayes")
    assert y.shape == (2, 2) and np.all(np.diff(y.ravel()) < 0)


def test_forecast_all_reports_failures_as_nan():
    c = np.zeros(30, dtype=int)
    out = fc.forecast_all(50, c, [100, 1000])
    assert set(out.errors) == set(fc.CORE_METHODS)
    assert all(np.isnan(v).all() for v in out.values.values())
    assert out.beta_fit is None and out.least_squares is None


@pytest.mark.parametrize("method", fc.FORECAST_METHODS)
def test_every_method_refuses_all_zero_counts(method):
    with pytest.raises(ValueError, match="cannot extrapolate.*(every c is 0|no such)"):
        fc.forecast_neg_log_pass_at_k(10, np.zeros(50, dtype=int), 1000, method)


@pytest.mark.parametrize("method", fc.FORECAST_METHODS)
def test_every_method_refuses_all_solved(method):
    # pass_D@k = 1 at every k <= n: nothing is left to forecast.
    why = {"least-squares": "fewer than two k", "ensemble": "fewer than two k",
           "tail-eb": "left tail"}.get(method, "every c equals n")
    with pytest.raises(ValueError, match=why):
        fc.forecast_neg_log_pass_at_k(10, np.full(20, 10), 1000, method)


def test_least_squares_needs_two_budgets(small_counts):
    with pytest.raises(ValueError, match="min\\(n\\) >= 2"):
        fc.forecast_neg_log_pass_at_k(1, np.array([0, 1, 1, 0]), 10,
                                      "least-squares")
    # every problem solved at k = 1 already: -log pass_D@k = 0 everywhere
    with pytest.raises(ValueError, match="fewer than two k"):
        fc.forecast_neg_log_pass_at_k(5, np.full(10, 5), 10, "least-squares")


def test_tail_eb_needs_rare_successes():
    c = np.array([0, 0, 0, 60, 80, 90])
    with pytest.raises(ValueError, match="left tail"):
        fc.forecast_neg_log_pass_at_k(100, c, 1000, "tail-eb")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "magic"}, "method must be one of"),
        ({"k": 0.5}, "k must be >= 1"),
        ({"scale": "rule"}, "scale must be"),
        ({"scale": 1.5}, "scale must be in"),
        ({"n": 100, "c": [3]}, "at least two problems"),
        ({"c": [101, 2]}, "c must satisfy"),
    ],
)
def test_forecast_errors(small_counts, kwargs, match):
    args = {"n": 100, "c": small_counts, "k": 1000, "method": "least-squares"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        fc.forecast_neg_log_pass_at_k(**args)


def test_forecast_all_unknown_method(small_counts):
    with pytest.raises(ValueError, match="method must be one of"):
        fc.forecast_all(100, small_counts, 1000, methods=["least-squares", "x"])


def test_scale_options(small_counts):
    out = fc.forecast_all(100, small_counts, [1000], methods=["distributional"],
                          scale=1.0)
    assert out.beta_fit.scale == 1.0 and out.beta_fit.scale_source == "given"
    out = fc.forecast_all(100, small_counts, [1000], methods=["distributional"],
                          scale="fit")
    assert out.beta_fit.scale_source == "fitted"
