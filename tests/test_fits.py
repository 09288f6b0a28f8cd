"""Tests of llmonkeys.fits: maximum-likelihood fits and exponent estimators.

Simulated data only (the real-data checks live in the chapters). Sizes are
kept small enough for the whole module to run in well under a minute.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from llmonkeys import fits
from llmonkeys.distributions import ScaledBeta, ScaledKumaraswamy
from llmonkeys.estimators import fit_power_law, neg_log_pass_at_k

# Well-specified simulated benchmark: P problems, n attempts each.
P, N = 500, 1000
ALPHA, BETA, SCALE = 0.3, 3.0, 0.5
# Sampling spread of the MLE at these settings, from 60 seeded
# replicates (seeds 1000-1059) fitted with the true scale fixed:
# sd(alpha_hat) = 0.016, sd(beta_hat) = 0.25. Tolerances are ~4 sd.
ALPHA_TOL, BETA_TOL = 0.07, 1.0


def _simulate(law, n_problems=P, n=N, seed=0):
    rng = np.random.default_rng(seed)
    p = law.sample(n_problems, rng)
    return np.full(n_problems, n), rng.binomial(n, p)


@pytest.fixture(scope="module")
def beta_data():
    return _simulate(ScaledBeta(ALPHA, BETA, scale=SCALE), seed=11)


@pytest.fixture(scope="module")
def beta_fit(beta_data):
    n, c = beta_data
    return fits.fit_scaled_beta_binomial(n, c, scale=SCALE)


# ---------------------------------------------------------------------------
# Helpers with closed forms
# ---------------------------------------------------------------------------


def test_paper_scale_rule():
    # (P + 1) / P * max(c / n) with P = 4: 5/4 * 0.2 = 0.25.
    assert fits.paper_scale([100] * 4, [0, 1, 4, 20]) == pytest.approx(0.25)
    # Capped at 1.
    assert fits.paper_scale([10, 10], [10, 3]) == 1.0


def test_default_k_grid_matches_upstream_formula():
    grid = fits.default_k_grid(10_000)
    upstream = np.unique(np.logspace(0, 4, 100).astype(int))
    assert grid[0] == 1 and grid[-1] == 10_000
    # Upstream truncation can lose the end point to rounding; otherwise equal.
    np.testing.assert_array_equal(grid[:-1], upstream[upstream < 10_000])


@given(k_max=st.integers(2, 10**6), num=st.integers(2, 300))
@settings(max_examples=60, deadline=None)
def test_default_k_grid_properties(k_max, num):
    grid = fits.default_k_grid(k_max, num)
    assert grid[0] == 1 and grid[-1] == k_max
    assert np.all(np.diff(grid) > 0)
    assert grid.size <= num


@given(
    c=st.lists(st.integers(0, 50), min_size=2, max_size=30).filter(lambda v: max(v) > 0)
)
@settings(max_examples=60, deadline=None)
def test_paper_scale_properties(c):
    c = np.asarray(c)
    s = fits.paper_scale(50, c)
    assert (c / 50).max() <= s <= 1.0


# ---------------------------------------------------------------------------
# Single-law fits
# ---------------------------------------------------------------------------


def test_recovers_scaled_beta(beta_fit):
    assert beta_fit.converged, beta_fit.message
    assert beta_fit.family == "scaled-beta"
    assert beta_fit.scale == SCALE and beta_fit.scale_source == "given"
    assert abs(beta_fit.alpha - ALPHA) < ALPHA_TOL
    assert abs(beta_fit.beta - BETA) < BETA_TOL
    assert beta_fit.n_problems == P and beta_fit.n_params == 2
    assert beta_fit.aic == pytest.approx(4 + 2 * beta_fit.nll)
    assert beta_fit.params == {
        "alpha": beta_fit.alpha,
        "beta": beta_fit.beta,
        "scale": SCALE,
    }
    assert isinstance(beta_fit.distribution, ScaledBeta)


def test_nll_at_optimum_not_above_truth(beta_data, beta_fit):
    n, c = beta_data
    truth = ScaledBeta(ALPHA, BETA, scale=SCALE)
    nll_truth = -np.sum(truth.binomial_logpmf(c, n))
    nll_fit = -np.sum(beta_fit.distribution.binomial_logpmf(c, n))
    np.testing.assert_allclose(beta_fit.nll, nll_fit, rtol=1e-10)
    assert beta_fit.nll <= nll_truth + 1e-9


def test_optimum_is_stationary(beta_data, beta_fit):
    # Perturbing either shape by 0.1 % raises the NLL.
    n, c = beta_data
    for da, db in [(1.001, 1), (0.999, 1), (1, 1.001), (1, 0.999)]:
        law = ScaledBeta(beta_fit.alpha * da, beta_fit.beta * db, scale=SCALE)
        assert -np.sum(law.binomial_logpmf(c, n)) >= beta_fit.nll - 1e-9


def test_unscaled_fit_matches_scipy_betabinom():
    # Independent reference: Nelder-Mead on scipy.stats.betabinom.logpmf.
    n, c = _simulate(ScaledBeta(0.4, 4.0), n_problems=200, n=300, seed=3)
    fit = fits.fit_scaled_beta_binomial(n, c, scale=1.0)

    def nll(t):
        return -scipy.stats.betabinom.logpmf(c, n, np.exp(t[0]), np.exp(t[1])).sum()

    ref = scipy.optimize.minimize(
        nll,
        np.log([0.5, 3.0]),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 5000},
    )
    np.testing.assert_allclose([fit.alpha, fit.beta], np.exp(ref.x), rtol=1e-4)
    np.testing.assert_allclose(fit.nll, ref.fun, rtol=1e-9)


def test_paper_rule_scale_is_default(beta_data):
    n, c = beta_data
    fit = fits.fit_scaled_beta_binomial(n, c)
    assert fit.scale_source == "paper-rule"
    assert fit.scale == pytest.approx(fits.paper_scale(n, c), rel=1e-12)
    assert fit.converged
    # The tail index is what matters for the exponent; the rule's scale is
    # below the true one here, which moves alpha by less than the tolerance.
    assert abs(fit.alpha - ALPHA) < ALPHA_TOL


def test_fit_scale_improves_likelihood(beta_data):
    n, c = beta_data
    fixed = fits.fit_scaled_beta_binomial(n, c)
    free = fits.fit_scaled_beta_binomial(n, c, fit_scale=True)
    assert free.scale_source == "fitted" and free.n_params == 3
    assert 0 < free.scale <= 1
    assert free.nll <= fixed.nll + 1e-8
    assert abs(free.alpha - ALPHA) < ALPHA_TOL


def test_merging_and_permutation_invariance():
    n, c = _simulate(ScaledBeta(0.3, 2.0), n_problems=60, n=200, seed=5)
    base = fits.fit_scaled_beta_binomial(n, c, scale=1.0)
    perm = np.random.default_rng(0).permutation(n.size)
    shuffled = fits.fit_scaled_beta_binomial(n[perm], c[perm], scale=1.0)
    doubled = fits.fit_scaled_beta_binomial(np.tile(n, 2), np.tile(c, 2), scale=1.0)
    np.testing.assert_allclose(shuffled.alpha, base.alpha, rtol=1e-8)
    np.testing.assert_allclose(doubled.alpha, base.alpha, rtol=1e-4)
    np.testing.assert_allclose(doubled.nll, 2 * base.nll, rtol=1e-8)


def test_unequal_n_and_edge_counts():
    # Problems with c = 0 and c = n both enter the likelihood.
    rng = np.random.default_rng(8)
    n = rng.integers(20, 400, size=150)
    c = rng.binomial(n, ScaledBeta(0.5, 0.8).sample(150, rng))
    c[:3], c[3:6] = n[:3], 0
    fit = fits.fit_scaled_beta_binomial(n, c, scale=1.0)
    assert fit.converged and np.isfinite(fit.nll)


def test_no_overdispersion_is_flagged():
    # Every problem has the same count: the MLE is the binomial limit,
    # alpha and beta -> infinity, so the fit must not claim convergence.
    fit = fits.fit_scaled_beta_binomial(100, np.full(40, 30), scale=1.0)
    assert not fit.converged
    assert "no overdispersion" in fit.message


def test_recovers_scaled_kumaraswamy():
    law = ScaledKumaraswamy(ALPHA, BETA, scale=SCALE)
    n, c = _simulate(law, seed=21)
    fit = fits.fit_scaled_kumaraswamy_binomial(n, c, scale=SCALE)
    assert fit.converged, fit.message
    assert fit.family == "scaled-kumaraswamy"
    assert set(fit.params) == {"a", "b", "scale"}
    assert isinstance(fit.distribution, ScaledKumaraswamy)
    # sd over 20 seeded replicates (seeds 200-219): 0.022 (a), 0.26 (b).
    assert abs(fit.alpha - ALPHA) < 0.09
    assert abs(fit.beta - BETA) < 1.05
    nll_truth = -np.sum(law.binomial_logpmf(c, n))
    assert fit.nll <= nll_truth + 1e-9


# ---------------------------------------------------------------------------
# Mixtures
# ---------------------------------------------------------------------------


def test_mixture_recovers_two_components():
    rng = np.random.default_rng(2)
    p = np.concatenate([rng.beta(0.2, 5.0, 300), rng.beta(8.0, 2.0, 100)])
    c = rng.binomial(500, p)
    mix = fits.fit_beta_binomial_mixture(500, c)
    single = fits.fit_scaled_beta_binomial(500, c, scale=1.0)
    assert mix.converged, mix.message
    assert mix.n_params == 5 and mix.scale == 1.0
    np.testing.assert_allclose(sum(mix.weights), 1.0, rtol=1e-12)
    # sd over 12 seeded replicates (seeds 300-311): 0.004 (weight), 0.016
    # (alpha of the hard component).
    np.testing.assert_allclose(mix.weights, [0.75, 0.25], atol=0.02)
    assert mix.alphas[0] == pytest.approx(0.2, abs=0.065)
    assert mix.exponent == mix.alphas[0]
    assert mix.aic < single.aic
    k = np.array([1, 10, 100])
    curve = mix.neg_log_pass_at_k(k)
    assert np.all(np.diff(curve) < 0) and np.all(curve > 0)
    prefactor, exponent = mix.asymptotic()
    assert exponent == mix.exponent and prefactor > 0


def test_one_component_mixture_is_the_single_fit(beta_data, beta_fit):
    n, c = beta_data
    mix = fits.fit_beta_binomial_mixture(n, c, 1, scale=SCALE)
    np.testing.assert_allclose(mix.alphas[0], beta_fit.alpha, rtol=1e-4)
    np.testing.assert_allclose(mix.nll, beta_fit.nll, rtol=1e-9)


def test_mixture_exponent_ignores_negligible_components():
    fit = fits.MixtureFit(
        weights=(0.001, 0.999),
        alphas=(0.05, 0.4),
        betas=(1.0, 2.0),
        scale=1.0,
        nll=0.0,
        n_problems=100,
        n_params=5,
        aic=10.0,
        converged=True,
        message="",
        n_evaluations=0,
        min_weight=0.01,
        components=(ScaledBeta(0.05, 1.0), ScaledBeta(0.4, 2.0)),
    )
    assert fit.exponent == 0.4


# ---------------------------------------------------------------------------
# Exponent estimators
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unscaled_data():
    return _simulate(ScaledBeta(ALPHA, BETA), seed=12)


def test_least_squares_matches_direct_regression(unscaled_data):
    n, c = unscaled_data
    est = fits.estimate_exponent(n, c, "least-squares")
    k = fits.default_k_grid(N)
    ref = fit_power_law(k, neg_log_pass_at_k(n, c, k))
    assert est.exponent == pytest.approx(ref.exponent, rel=1e-12)
    assert est.prefactor == pytest.approx(ref.prefactor, rel=1e-12)
    assert (est.k_min, est.k_max) == (1, N)
    assert est.fit is None and est.power_law is not None


def test_methods_agree_on_well_specified_data(unscaled_data):
    n, c = unscaled_data
    k = fits.default_k_grid(N)
    # Slope of the *true* curve over k in [1, n]: the estimand of the
    # regression methods (larger than alpha, as the curve bends).
    y_true = ScaledBeta(ALPHA, BETA).neg_log_pass_at_k(k)
    b_true = fit_power_law(k, y_true).exponent
    ls = fits.estimate_exponent(n, c, "least-squares")
    di = fits.estimate_exponent(n, c, "distributional", scale=1.0)
    ti = fits.estimate_exponent(n, c, "tail-index", scale=1.0)
    # Spread over 30 seeded replicates (seeds 100-129) of this design: sd
    # 0.015 (least squares - b_true), 0.012 (distributional - b_true),
    # 0.010 (distributional - least squares), 0.014 (tail index - alpha),
    # all means below 0.004. Tolerances are ~4 sd.
    assert abs(ls.exponent - b_true) < 0.06
    assert abs(di.exponent - b_true) < 0.05
    assert abs(di.exponent - ls.exponent) < 0.04
    assert abs(ti.exponent - ALPHA) < ALPHA_TOL
    assert np.isnan(ti.k_min) and ti.power_law is None
    assert ti.fit is not None and ti.exponent == ti.fit.alpha
    assert di.fit is not None and di.power_law is not None


def test_distributional_uses_the_fitted_curve(beta_data, beta_fit):
    n, c = beta_data
    k = np.array([1, 3, 10, 30, 100, 300])
    est = fits.estimate_exponent(n, c, "distributional", k=k, scale=SCALE)
    ref = fit_power_law(k, beta_fit.distribution.neg_log_pass_at_k(k))
    assert est.exponent == pytest.approx(ref.exponent, rel=1e-6)
    # The fitted curve may be extrapolated beyond n.
    far = fits.estimate_exponent(n, c, "distributional", k=[10, 10**5], scale=SCALE)
    assert far.k_max == 10**5


def test_kumaraswamy_family_in_estimate_exponent():
    n, c = _simulate(ScaledKumaraswamy(0.3, 3.0), n_problems=300, seed=6)
    est = fits.estimate_exponent(
        n, c, "tail-index", family="scaled-kumaraswamy", scale=1.0
    )
    assert est.fit is not None and est.fit.family == "scaled-kumaraswamy"
    assert abs(est.exponent - 0.3) < 2 * ALPHA_TOL


def test_success_seen_allows_k_above_some_n():
    # Sampling stopped at the first success on some problems.
    n = np.array([40, 1000, 1000, 1000, 60, 1000])
    c = np.array([1, 0, 3, 12, 1, 0])
    with pytest.raises(ValueError, match="min\\(n\\) = 40"):
        fits.estimate_exponent(n, c, "least-squares", k=[1, 10, 100])
    est = fits.estimate_exponent(n, c, "least-squares", k_above_n="success-seen")
    assert est.k_max <= 1000 and est.exponent > 0


# ---------------------------------------------------------------------------
# Bootstrap
# ---------------------------------------------------------------------------


def test_least_squares_bootstrap_replicates_are_resampled_fits(unscaled_data):
    n, c = unscaled_data
    boot = fits.bootstrap_exponent(n, c, "least-squares", n_boot=20, seed=7)
    again = fits.bootstrap_exponent(n, c, "least-squares", n_boot=20, seed=7)
    np.testing.assert_array_equal(boot.samples, again.samples)
    # Replicate b is the least-squares exponent of the b-th resample.
    idx = np.random.default_rng(7).integers(0, n.size, size=(20, n.size))
    for b in (0, 13):
        ref = fits.estimate_exponent(n[idx[b]], c[idx[b]], "least-squares")
        assert boot.samples[b] == pytest.approx(ref.exponent, rel=1e-9)
    assert boot.low <= boot.estimate <= boot.high
    assert boot.n_failed == 0 and boot.confidence == 0.95


def test_fitted_bootstrap_reproducible_and_exact():
    law = ScaledBeta(0.3, 3.0, scale=0.4)
    n, c = _simulate(law, n_problems=150, n=500, seed=4)
    kw = {"n_boot": 8, "seed": 3, "scale": 0.4}
    one = fits.bootstrap_exponent(n, c, "tail-index", **kw)
    same = fits.bootstrap_exponent(n, c, "tail-index", **kw)
    np.testing.assert_array_equal(one.samples, same.samples)
    # Replicates (fitted together through a surrogate likelihood) reach the
    # optimum of a cold fit to the resampled problems.
    idx = np.random.default_rng(3).integers(0, n.size, size=(8, n.size))
    for b in (2, 6):
        cold = fits.fit_scaled_beta_binomial(n[idx[b]], c[idx[b]], scale=0.4)
        assert one.samples[b] == pytest.approx(cold.alpha, rel=1e-6)


def test_bootstrap_reapplies_the_paper_scale_rule():
    # With scale=None each replicate gets its own (P + 1) / P * max(c / n).
    n, c = _simulate(ScaledBeta(0.3, 3.0, scale=0.4), n_problems=150, n=500, seed=4)
    boot = fits.bootstrap_exponent(n, c, "tail-index", n_boot=10, seed=6)
    idx = np.random.default_rng(6).integers(0, n.size, size=(10, n.size))
    for b in range(3):
        cold = fits.fit_scaled_beta_binomial(n[idx[b]], c[idx[b]])
        assert cold.scale == fits.paper_scale(n[idx[b]], c[idx[b]])
        assert boot.samples[b] == pytest.approx(cold.alpha, rel=1e-5)


def test_fitted_bootstrap_independent_of_n_jobs():
    # With fewer than three replicates per scale there is no surrogate:
    # each replicate is an exact, warm-started fit, spread over processes.
    n, c = _simulate(ScaledBeta(0.4, 2.0), n_problems=120, n=300, seed=9)
    kw = {"n_boot": 2, "seed": 5, "scale": 1.0}
    one = fits.bootstrap_exponent(n, c, "tail-index", **kw)
    two = fits.bootstrap_exponent(n, c, "tail-index", n_jobs=2, **kw)
    np.testing.assert_allclose(two.samples, one.samples, rtol=1e-12)
    idx = np.random.default_rng(5).integers(0, n.size, size=(2, n.size))
    cold = fits.fit_scaled_beta_binomial(n[idx[1]], c[idx[1]], scale=1.0)
    assert one.samples[1] == pytest.approx(cold.alpha, rel=1e-6)


def test_fitted_scale_bootstrap():
    n, c = _simulate(ScaledBeta(0.4, 2.0, scale=0.6), n_problems=120, n=300, seed=9)
    boot = fits.bootstrap_exponent(n, c, "tail-index", n_boot=2, seed=5, fit_scale=True)
    assert boot.full.fit is not None and boot.full.fit.scale_source == "fitted"
    assert np.all(np.isfinite(boot.samples))


def test_bootstrap_interval_covers_truth(beta_data):
    n, c = beta_data
    boot = fits.bootstrap_exponent(
        n, c, "tail-index", n_boot=40, seed=2025, scale=SCALE, confidence=0.9
    )
    assert boot.low < ALPHA < boot.high
    assert boot.estimate == pytest.approx(
        fits.fit_scaled_beta_binomial(n, c, scale=SCALE).alpha
    )


def test_distributional_bootstrap_runs(unscaled_data):
    n, c = unscaled_data
    boot = fits.bootstrap_exponent(n, c, "distributional", n_boot=4, seed=1, scale=1.0)
    assert boot.samples.shape == (4,) and boot.n_failed == 0
    assert np.all(np.abs(boot.samples - boot.estimate) < 0.1)


def test_bootstrap_degenerate_replicates_are_nan():
    # One solved problem in 40: some resamples contain no success at all.
    n = np.full(40, 100)
    c = np.zeros(40, dtype=int)
    c[0] = 5
    boot = fits.bootstrap_exponent(n, c, "least-squares", n_boot=60, seed=0)
    assert boot.n_failed == np.isnan(boot.samples).sum() > 0
    assert np.isfinite(boot.low) and np.isfinite(boot.high)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

FITTERS = [
    fits.fit_scaled_beta_binomial,
    fits.fit_scaled_kumaraswamy_binomial,
    fits.fit_beta_binomial_mixture,
]


@pytest.mark.parametrize("fitter", FITTERS)
@pytest.mark.parametrize(
    ("n", "c", "match"),
    [
        ([10, 10], [11, 2], "c must satisfy"),
        ([10, 10], [-1, 2], "c must be >= 0"),
        ([10, 0], [1, 0], "n must be >= 1"),
        ([10, 10], [1.5, 2], "whole numbers"),
        ([10], [1], "at least two problems"),
        ([[10, 10]], [[1, 2]], "1-D"),
        ([10, 10, 10], [0, 0, 0], "every c is 0"),
        ([10, 10, 10], [10, 10, 10], "every c equals n"),
    ],
)
def test_fit_rejects_bad_counts(fitter, n, c, match):
    with pytest.raises(ValueError, match=match):
        fitter(n, c)


@pytest.mark.parametrize("scale", [0.0, -0.1, 1.5, np.nan])
def test_fit_rejects_bad_scale(scale):
    with pytest.raises(ValueError, match="scale"):
        fits.fit_scaled_beta_binomial([10, 10], [1, 2], scale=scale)


def test_fit_rejects_bad_types():
    with pytest.raises(TypeError, match="scale"):
        fits.fit_scaled_beta_binomial([10, 10], [1, 2], scale="0.5")
    with pytest.raises(ValueError, match="fit_scale"):
        fits.fit_scaled_beta_binomial([10, 10], [1, 2], fit_scale=1)
    with pytest.raises(TypeError, match="n_components"):
        fits.fit_beta_binomial_mixture([10, 10], [1, 2], 1.5)


def test_mixture_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_components must be >= 1"):
        fits.fit_beta_binomial_mixture([10, 10], [1, 2], 0)
    with pytest.raises(ValueError, match="min_weight"):
        fits.fit_beta_binomial_mixture([10, 10], [1, 2], min_weight=2.0)


def test_estimate_exponent_errors():
    n, c = [100] * 3, [1, 5, 0]
    with pytest.raises(ValueError, match="'least-squares', 'distributional'"):
        fits.estimate_exponent(n, c, "moments")
    with pytest.raises(ValueError, match="'scaled-beta', 'scaled-kumaraswamy'"):
        fits.estimate_exponent(n, c, "tail-index", family="beta")
    with pytest.raises(ValueError, match="undefined for more attempts"):
        fits.estimate_exponent(n, c, "least-squares", k=[1, 101])
    with pytest.raises(ValueError, match="at least two distinct"):
        fits.estimate_exponent(n, c, "least-squares", k=[5, 5])
    with pytest.raises(ValueError, match="k must be >= 1"):
        fits.estimate_exponent(n, c, "least-squares", k=[0, 5])
    with pytest.raises(ValueError, match="no problem was ever solved"):
        fits.estimate_exponent(n, [0, 0, 0], "least-squares")
    with pytest.raises(ValueError, match="every c is 0"):
        fits.estimate_exponent(n, [0, 0, 0], "distributional")
    with pytest.raises(ValueError, match="k_above_n"):
        fits.estimate_exponent(n, c, k_above_n="clip")
    with pytest.raises(ValueError, match="too short"):
        fits.estimate_exponent([1, 1], [0, 1])
    with pytest.raises(ValueError, match="fewer than two k"):
        # Every problem is solved at every k > 1: pass_D@k = 1.
        fits.estimate_exponent([100, 100], [100, 99], k=[2, 50])


def test_bootstrap_errors():
    n, c = [100] * 3, [1, 5, 0]
    with pytest.raises(ValueError, match="n_boot must be >= 1"):
        fits.bootstrap_exponent(n, c, n_boot=0)
    with pytest.raises(TypeError, match="n_boot"):
        fits.bootstrap_exponent(n, c, n_boot=10.0)
    with pytest.raises(ValueError, match="confidence"):
        fits.bootstrap_exponent(n, c, confidence=1.0)
    with pytest.raises(ValueError, match="confidence"):
        fits.bootstrap_exponent(n, c, confidence=0.0)
    with pytest.raises(ValueError, match="n_jobs"):
        fits.bootstrap_exponent(n, c, n_jobs=0)
    with pytest.raises(ValueError, match="method must be one of"):
        fits.bootstrap_exponent(n, c, "bayes")


def test_helper_errors():
    with pytest.raises(ValueError, match="k_max must be >= 2"):
        fits.default_k_grid(1)
    with pytest.raises(ValueError, match="num must be >= 2"):
        fits.default_k_grid(10, num=1)
    with pytest.raises(ValueError, match="every c is 0"):
        fits.paper_scale([10, 10], [0, 0])
