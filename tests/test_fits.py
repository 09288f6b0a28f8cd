"""Tests of llmonkeys.fits: maximum-likelihood fits of laws to counts."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import scipy.optimize
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from llmonkeys import fits
from llmonkeys.distributions import Mixture, ScaledBeta, ScaledKumaraswamy
from synthetic import ALPHA, ALPHA_TOL, BETA, BETA_TOL, SCALE, P, _counts, _simulate


def test_fit_families_table(counts, fitted):
    table, fit_map = fitted
    assert list(table.columns) == [
        "model", "family", "n_params", "log_likelihood", "aic", "delta_aic",
        "tail_index", "scale", "converged",
    ]
    assert len(table) == 2 * len(fits.FAMILIES)
    assert isinstance(table["model"].dtype, pd.CategoricalDtype)
    assert set(fit_map) == set(itertools.product(["M0", "M1"], fits.FAMILIES))
    np.testing.assert_allclose(table.groupby("model", observed=True)["delta_aic"]
                               .min(), 0.0)
    np.testing.assert_allclose(
        table["aic"], 2 * table["n_params"] - 2 * table["log_likelihood"],
        rtol=1e-12)
    assert table.set_index("family").loc["beta-mixture", "n_params"].tolist() == [5, 5]


def test_fit_families_matches_fits_module(counts, fitted):
    _, fit_map = fitted
    sub = counts[counts["model"] == "M1"]
    direct = fits.fit_scaled_beta_binomial(sub["n"], sub["c"])
    assert fit_map[("M1", "scaled-beta")].nll == pytest.approx(direct.nll, rel=1e-10)


def test_fit_families_orders_rows_by_problem():
    df = _counts(n_models=1)
    shuffled = df.sample(frac=1.0, random_state=1)
    t1, _ = fits.fit_families_by_model(df, ["scaled-beta"])
    t2, _ = fits.fit_families_by_model(shuffled, ["scaled-beta"])
    np.testing.assert_allclose(t1["aic"], t2["aic"], rtol=1e-12)


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ("not a frame", "DataFrame"),
        (pd.DataFrame({"model": ["a"], "n": [1]}), "missing"),
        (pd.DataFrame({"model": [], "n": [], "c": []}), "empty"),
        (pd.DataFrame({"model": ["a", "a"], "n": [5, 5], "c": [1, 6]}), "c <= n"),
        (pd.DataFrame({"model": ["a", "b"], "n": [5, 5], "c": [1, 2]}), "at least 2"),
    ],
)
def test_fit_families_rejects_bad_counts(bad, match):
    error = TypeError if isinstance(bad, str) else ValueError
    with pytest.raises(error, match=match):
        fits.fit_families_by_model(bad, ["scaled-beta"])


def test_fit_families_rejects_bad_options(counts):
    with pytest.raises(ValueError, match="unknown families"):
        fits.fit_families_by_model(counts, ["gamma"])
    with pytest.raises(ValueError, match="at least one"):
        fits.fit_families_by_model(counts, [])
    with pytest.raises(ValueError, match="n_components"):
        fits.fit_families_by_model(counts, ["beta-mixture"], n_components=0)


def test_fit_families_accepts_a_single_family_name(counts):
    table, _ = fits.fit_families_by_model(counts, "scaled-beta")
    assert table["family"].unique().tolist() == ["scaled-beta"]


@pytest.mark.parametrize("family", fits.FAMILIES)
def test_fitted_binomial_logpmf_is_a_distribution(fitted, family):
    fit = fitted[1][("M0", family)]
    total = np.exp(fit.distribution.binomial_logpmf(np.arange(401), 400)).sum()
    assert total == pytest.approx(1.0, abs=1e-8)


def test_mixture_binomial_logpmf_is_weighted_sum(fitted):
    mix = fitted[1][("M0", "beta-mixture")]
    c = np.array([0, 3, 40, 400])
    direct = sum(w * np.exp(comp.binomial_logpmf(c, 400))
                 for w, comp in zip(mix.weights, mix.components, strict=True))
    np.testing.assert_allclose(np.exp(mix.distribution.binomial_logpmf(c, 400)),
                               direct, rtol=1e-12)


@pytest.mark.parametrize("family", fits.FAMILIES)
def test_fitted_pdf_integrates_to_one(fitted, family):
    fit = fitted[1][("M1", family)]
    # Integrate p f(p) over u = log p, where it is smooth and finite; the
    # mass below 1e-40 is below 1e-10 for these tail indices.
    u = np.linspace(np.log(1e-40), 0.0, 400_001)
    f = np.exp(u) * fit.distribution.pdf(np.exp(u))
    mass = np.sum((f[1:] + f[:-1]) / 2 * np.diff(u))
    assert mass == pytest.approx(1.0, abs=2e-3)


def test_fitted_law_samples_shapes_and_mixture_weights(fitted):
    rng = np.random.default_rng(5)
    beta = fitted[1][("M0", "scaled-beta")]
    draws = beta.distribution.sample((4, 3), rng)
    assert draws.shape == (4, 3)
    assert np.all((draws >= 0) & (draws <= beta.scale))
    mix = fitted[1][("M0", "beta-mixture")]
    p = mix.distribution.sample(20_000, rng)
    assert p.shape == (20_000,)
    # The mean of the mixture is sum_j w_j mean_j.
    mean = sum(w * comp.mean for w, comp in zip(mix.weights, mix.components,
                                                 strict=True))
    assert p.mean() == pytest.approx(mean, abs=5 * p.std() / np.sqrt(p.size))


def test_mixture_fit_distribution_is_the_mixture_law(fitted):
    mix = fitted[1][("M0", "beta-mixture")]
    law = mix.distribution
    assert isinstance(law, Mixture)
    assert law.weights == mix.weights and law.components == mix.components
    k = np.array([1.0, 10.0, 1e4])
    direct = sum(w * comp.failure_rate(k)
                 for w, comp in zip(mix.weights, mix.components, strict=True))
    np.testing.assert_allclose(law.failure_rate(k), direct, rtol=1e-14)


def test_fitted_curves_and_densities(fitted):
    _, fit_map = fitted
    k = np.array([1, 10, 100])
    curves = fits.fitted_curves(fit_map, k)
    assert len(curves) == len(fit_map) * 3
    beta = fit_map[("M0", "scaled-beta")]
    got = curves.query("model == 'M0' and family == 'scaled-beta'")["y"]
    np.testing.assert_allclose(got, beta.distribution.neg_log_pass_at_k(k))
    p = np.geomspace(1e-4, 1, 5)
    dens = fits.fitted_densities(fit_map, p)
    row = dens.query("model == 'M0' and family == 'scaled-beta'")
    np.testing.assert_allclose(row["per_decade"],
                               60 * p * np.log(10) * beta.distribution.pdf(p))
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        fits.fitted_densities(fit_map, [0.0, 0.5])
    with pytest.raises(ValueError, match="mapping"):
        fits.fitted_curves({}, k)
    with pytest.raises(ValueError, match="pairs"):
        fits.fitted_curves({"M0": beta}, k)


def test_log_parameter_covariance(beta_sample):
    _, n, c, fit = beta_sample
    cov = fits.log_parameter_covariance(fit, n, c)
    assert cov.shape == (2, 2) and np.all(np.linalg.eigvalsh(cov) > 0)
    # Insensitive to the finite-difference step.
    np.testing.assert_allclose(fits.log_parameter_covariance(fit, n, c, step=3e-3),
                               cov, rtol=0.02)
    with pytest.raises(ValueError, match="DistributionFit"):
        fits.log_parameter_covariance("not a fit", n, c)


def test_paper_scale_rule():
    # (P + 1) / P * max(c / n) with P = 4: 5/4 * 0.2 = 0.25.
    assert fits.paper_scale([100] * 4, [0, 1, 4, 20]) == pytest.approx(0.25)
    # Capped at 1.
    assert fits.paper_scale([10, 10], [10, 3]) == 1.0


@given(
    c=st.lists(st.integers(0, 50), min_size=2, max_size=30).filter(lambda v: max(v) > 0)
)
@settings(max_examples=60, deadline=None)
def test_paper_scale_properties(c):
    c = np.asarray(c)
    s = fits.paper_scale(50, c)
    assert (c / 50).max() <= s <= 1.0


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
    curve = mix.distribution.neg_log_pass_at_k(k)
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


def test_zero_inflation_test_detects_a_point_mass():
    from llmonkeys.fits import zero_inflation_test

    rng = np.random.default_rng(11)
    p = 0.5 * rng.beta(1.5, 2.0, size=200)
    p[:60] = 0.0  # 30% never solvable, no heavy tail among the rest
    res = zero_inflation_test(np.full(200, 2000), rng.binomial(2000, p))
    assert res.p_value < 1e-3 and 0.2 < res.zero_fraction < 0.4
    assert res.loglik_zero_inflated >= res.loglik_heavy
    assert res.loglik_zero_light > res.loglik_heavy


def test_zero_inflation_test_heavy_tail_without_point_mass():
    from llmonkeys.fits import zero_inflation_test

    rng = np.random.default_rng(12)
    p = 0.5 * rng.beta(0.3, 2.0, size=200)
    res = zero_inflation_test(np.full(200, 2000), rng.binomial(2000, p))
    assert res.p_value > 0.05 and res.loglik_zero_light < res.loglik_heavy - 5


def test_zero_inflation_test_rejects_bad_counts():
    from llmonkeys.fits import zero_inflation_test

    with pytest.raises(ValueError):
        zero_inflation_test([10, 10], [0, 0])


def test_profile_scale_set_holds_the_maximum_and_true_scale():
    from llmonkeys.fits import profile_scale

    rng = np.random.default_rng(21)
    p = 0.4 * rng.beta(0.5, 1.5, size=400)
    n = np.full(400, 5000)
    c = rng.binomial(n, p)
    grid = np.geomspace(1.0001 * (c / n).max(), 1.0, 6)
    grid = np.sort(np.append(grid, 0.4))
    prof = profile_scale(n, c, grid)
    assert prof.loc[prof["log_likelihood"].idxmax(), "in_set"]
    assert prof.loc[prof["scale"] == 0.4, "in_set"].item()
    with pytest.raises(ValueError, match="scales must lie"):
        profile_scale(n, c, [1e-6])


# --- the fitting interface of the modules built on fits --------------------


def test_count_table_merges_equal_pairs_and_reweights():
    n = np.array([10, 10, 20, 10])
    c = np.array([0, 3, 3, 0])
    table = fits.count_table(n, c)
    assert list(zip(table.n, table.c, table.weight, strict=True)) == [
        (10.0, 0.0, 2.0), (10.0, 3.0, 1.0), (20.0, 3.0, 1.0)]
    assert table.inverse.tolist() == [0, 1, 2, 0] and table.n_problems == 4
    sub = table.subset(np.array([0.0, 2.0, 1.0]))
    assert sub.c.tolist() == [3.0, 3.0] and sub.weight.tolist() == [2.0, 1.0]
    assert sub.n_problems == 3


def test_fit_count_table_is_the_public_fit():
    rng = np.random.default_rng(4)
    n = np.full(200, 500)
    c = rng.binomial(n, ScaledBeta(0.4, 3.0, scale=0.7).sample(200, rng))
    fit, theta = fits.fit_count_table(
        "scaled-beta", fits.count_table(n, c), None, False)
    same = fits.fit_scaled_beta_binomial(n, c)
    assert (fit.alpha, fit.beta, fit.nll) == (same.alpha, same.beta, same.nll)
    np.testing.assert_array_equal(np.exp(theta), [fit.alpha, fit.beta])
    # a warm start at the optimum stays there
    again, _ = fits.fit_count_table(
        "scaled-beta", fits.count_table(n, c), fit.scale, False, theta)
    np.testing.assert_allclose([again.alpha, again.beta], [fit.alpha, fit.beta],
                               rtol=1e-5)


def test_on_shape_bound_and_scale_from_log():
    log_shape = np.log([1e-4, 2.1e-4, 1.0, 4.9e5, 5.1e5, 1e6])
    assert fits.on_shape_bound(log_shape).tolist() == [
        True, False, False, False, True, True]
    np.testing.assert_array_equal(fits.scale_from_log([np.log(0.5), 0.3]),
                                  [0.5, 1.0])
    with pytest.raises(ValueError, match="family must be one of"):
        fits.check_family("beta-mixture")
