"""Tests of llmonkeys.exponents: exponent estimators and the bootstrap."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmonkeys import exponents, fits
from llmonkeys.distributions import ScaledBeta, ScaledKumaraswamy
from llmonkeys.estimators import (
    curves_by_model,
    fit_power_law,
    fit_power_laws_by_model,
    neg_log_pass_at_k,
)
from synthetic import (
    ALPHA,
    ALPHA_TOL,
    BETA,
    SCALE,
    K,
    N,
    _counts,
    _simulate,
    _stopped_counts,
)


def test_curve_exponents_match_estimate_exponent(counts, fitted):
    k = exponents.default_k_grid(400)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ce = exponents.curve_exponents(fitted[1], k).set_index(["model", "family"])
    # A fit that did not converge gives NaN (and a warning), not a number.
    failed = [key for key, fit in fitted[1].items() if not fit.converged]
    assert len(caught) == (1 if failed else 0)
    assert ce["exponent"].isna().sum() == len(failed)
    assert (~ce["converged"]).sum() == len(failed)
    sub = counts[counts["model"] == "M0"]
    est = exponents.estimate_exponent(sub["n"], sub["c"], "distributional", k=k)
    assert ce.loc[("M0", "scaled-beta"), "exponent"] == pytest.approx(
        est.exponent, rel=1e-8)
    assert ce.loc[("M0", "scaled-beta"), "tail_index"] == pytest.approx(
        est.fit.alpha, rel=1e-8)
    with pytest.raises(ValueError, match="two distinct"):
        exponents.curve_exponents(fitted[1], [5, 5])


def test_bootstrap_exponents_least_squares(counts):
    k = exponents.default_k_grid(400)
    table, samples = exponents.bootstrap_exponents(counts, k, methods=["least-squares"],
                                            n_boot=300, seed=2)
    assert list(table.columns) == ["model", "method", "estimate", "low", "high",
                                   "n_boot", "n_failed"]
    sub = counts[counts["model"] == "M1"]
    ref = exponents.bootstrap_exponent(sub["n"], sub["c"], n_boot=300, seed=2, k=k)
    row = table.set_index("model").loc["M1"]
    assert row["estimate"] == pytest.approx(ref.estimate)
    assert (row["low"], row["high"]) == pytest.approx((ref.low, ref.high))
    assert len(samples) == 2 * 300
    assert np.all(table["low"] < table["estimate"])
    assert np.all(table["estimate"] < table["high"])


def test_bootstrap_exponents_resample_models_jointly():
    one = _counts(n_models=1)
    two = pd.concat([one, one.assign(model="copy")], ignore_index=True)
    _, samples = exponents.bootstrap_exponents(
        two, methods=["least-squares"], n_boot=50, seed=4)
    wide = samples.pivot(index="replicate", columns="model", values="exponent")
    np.testing.assert_array_equal(wide["M0"], wide["copy"])


def test_bootstrap_exponents_per_method_sizes_and_differences():
    df = _counts(n_models=1, n_problems=40, n=200)
    table, samples = exponents.bootstrap_exponents(
        df, methods=["least-squares", "tail-index"],
        n_boot={"least-squares": 40, "tail-index": 8}, seed=np.random.default_rng(1))
    assert table["n_boot"].tolist() == [40, 8]
    # Replicates are paired: a shorter run reproduces the first replicates.
    _, short = exponents.bootstrap_exponents(df, methods=["least-squares"], n_boot=8,
                                      seed=np.random.default_rng(1))
    ls = samples[samples["method"] == "least-squares"]["exponent"].to_numpy()
    np.testing.assert_array_equal(ls[:8], short["exponent"].to_numpy())
    diff = exponents.method_differences(table, samples, "tail-index", "least-squares")
    assert diff["n_pairs"].item() == 8
    est = table.set_index("method")["estimate"]
    assert diff["difference"].item() == pytest.approx(
        est["tail-index"] - est["least-squares"])
    assert diff["low"].item() <= diff["high"].item()
    with pytest.raises(ValueError, match="not in the table"):
        exponents.method_differences(table, samples, "distributional", "least-squares")
    with pytest.raises(ValueError, match="differ"):
        exponents.method_differences(table, samples, "tail-index", "tail-index")


def test_bootstrap_exponents_rejects_bad_options(counts):
    with pytest.raises(ValueError, match="methods"):
        exponents.bootstrap_exponents(counts, methods=["magic"], seed=0)
    with pytest.raises(ValueError, match="n_boot"):
        exponents.bootstrap_exponents(counts, methods=["least-squares"],
                                      n_boot=0, seed=0)
    with pytest.raises(ValueError, match="no entry"):
        exponents.bootstrap_exponents(counts, methods=["least-squares"],
                               n_boot={"tail-index": 3}, seed=0)
    with pytest.raises(TypeError, match="seed must be"):
        exponents.bootstrap_exponents(counts, methods=["least-squares"], seed="x")


def test_bootstrap_stopped_exponents_clips_least_squares_budgets():
    rng = np.random.default_rng(8)
    a = _stopped_counts(ScaledBeta(0.3, 2.0, 0.5), 60, rng, "A")
    # Model B: every problem solved early, so max(n) < max(K).
    b = _stopped_counts(ScaledBeta(3.0, 30.0), 60, rng, "B")
    assert b["n"].max() < K.max() and (b["c"] > 0).all()
    counts = pd.concat([a, b], ignore_index=True)
    counts["model"] = pd.Categorical(counts["model"], ["A", "B"], ordered=True)
    table, samples = exponents.bootstrap_stopped_exponents(
        counts, K, seed=1,
        n_boot={"least-squares": 20, "distributional": 2, "tail-index": 2})
    assert table["method"].tolist() == ["least-squares", "distributional",
                                        "tail-index"] * 2
    assert table["model"].astype(str).tolist() == ["A"] * 3 + ["B"] * 3
    lsq = table[table["method"] == "least-squares"].set_index("model")["estimate"]
    route, _ = fit_power_laws_by_model(curves_by_model(counts, K,
                                                       k_above_n="success-seen"))
    np.testing.assert_allclose(lsq.to_numpy(), route["exponent"], rtol=0,
                               atol=1e-12)
    # The distributional and tail-index estimates are those of the
    # scaled-Beta fits of fit_families_by_model (the same paper-rule scale).
    _, fit_map = fits.fit_families_by_model(counts, "scaled-beta")
    est = table.pivot(index="model", columns="method", values="estimate")
    curve = exponents.curve_exponents(fit_map, K).set_index("model")["exponent"]
    np.testing.assert_allclose(est["distributional"], curve.loc[est.index],
                               rtol=1e-6)
    np.testing.assert_allclose(est["tail-index"],
                               [fit_map[(str(m), "scaled-beta")].alpha
                                for m in est.index], rtol=1e-6)
    assert len(samples) == 2 * (20 + 2 + 2)


def test_default_k_grid_matches_upstream_formula():
    grid = exponents.default_k_grid(10_000)
    upstream = np.unique(np.logspace(0, 4, 100).astype(int))
    assert grid[0] == 1 and grid[-1] == 10_000
    # Upstream truncation can lose the end point to rounding; otherwise equal.
    np.testing.assert_array_equal(grid[:-1], upstream[upstream < 10_000])


@given(k_max=st.integers(2, 10**6), num=st.integers(2, 300))
@settings(max_examples=60, deadline=None)
def test_default_k_grid_properties(k_max, num):
    grid = exponents.default_k_grid(k_max, num)
    assert grid[0] == 1 and grid[-1] == k_max
    assert np.all(np.diff(grid) > 0)
    assert grid.size <= num


@pytest.fixture(scope="module")
def unscaled_data():
    return _simulate(ScaledBeta(ALPHA, BETA), seed=12)


def test_least_squares_matches_direct_regression(unscaled_data):
    n, c = unscaled_data
    est = exponents.estimate_exponent(n, c, "least-squares")
    k = exponents.default_k_grid(N)
    ref = fit_power_law(k, neg_log_pass_at_k(n, c, k))
    assert est.exponent == pytest.approx(ref.exponent, rel=1e-12)
    assert est.prefactor == pytest.approx(ref.prefactor, rel=1e-12)
    assert (est.k_min, est.k_max) == (1, N)
    assert est.fit is None and est.power_law is not None


def test_methods_agree_on_well_specified_data(unscaled_data):
    n, c = unscaled_data
    k = exponents.default_k_grid(N)
    # Slope of the *true* curve over k in [1, n]: the estimand of the
    # regression methods (larger than alpha, as the curve bends).
    y_true = ScaledBeta(ALPHA, BETA).neg_log_pass_at_k(k)
    b_true = fit_power_law(k, y_true).exponent
    ls = exponents.estimate_exponent(n, c, "least-squares")
    di = exponents.estimate_exponent(n, c, "distributional", scale=1.0)
    ti = exponents.estimate_exponent(n, c, "tail-index", scale=1.0)
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
    est = exponents.estimate_exponent(n, c, "distributional", k=k, scale=SCALE)
    ref = fit_power_law(k, beta_fit.distribution.neg_log_pass_at_k(k))
    assert est.exponent == pytest.approx(ref.exponent, rel=1e-6)
    # The fitted curve may be extrapolated beyond n.
    far = exponents.estimate_exponent(n, c, "distributional", k=[10, 10**5],
                                      scale=SCALE)
    assert far.k_max == 10**5


def test_kumaraswamy_family_in_estimate_exponent():
    n, c = _simulate(ScaledKumaraswamy(0.3, 3.0), n_problems=300, seed=6)
    est = exponents.estimate_exponent(
        n, c, "tail-index", family="scaled-kumaraswamy", scale=1.0
    )
    assert est.fit is not None and est.fit.family == "scaled-kumaraswamy"
    assert abs(est.exponent - 0.3) < 2 * ALPHA_TOL


def test_success_seen_allows_k_above_some_n():
    # Sampling stopped at the first success on some problems.
    n = np.array([40, 1000, 1000, 1000, 60, 1000])
    c = np.array([1, 0, 3, 12, 1, 0])
    with pytest.raises(ValueError, match="min\\(n\\) = 40"):
        exponents.estimate_exponent(n, c, "least-squares", k=[1, 10, 100])
    est = exponents.estimate_exponent(n, c, "least-squares", k_above_n="success-seen")
    assert est.k_max <= 1000 and est.exponent > 0


def test_least_squares_bootstrap_replicates_are_resampled_fits(unscaled_data):
    n, c = unscaled_data
    boot = exponents.bootstrap_exponent(n, c, "least-squares", n_boot=20, seed=7)
    again = exponents.bootstrap_exponent(n, c, "least-squares", n_boot=20, seed=7)
    np.testing.assert_array_equal(boot.samples, again.samples)
    # Replicate b is the least-squares exponent of the b-th resample.
    idx = np.random.default_rng(7).integers(0, n.size, size=(20, n.size))
    for b in (0, 13):
        ref = exponents.estimate_exponent(n[idx[b]], c[idx[b]], "least-squares")
        assert boot.samples[b] == pytest.approx(ref.exponent, rel=1e-9)
    assert boot.low <= boot.estimate <= boot.high
    assert boot.n_failed == 0 and boot.confidence == 0.95


def test_fitted_bootstrap_reproducible_and_exact():
    law = ScaledBeta(0.3, 3.0, scale=0.4)
    n, c = _simulate(law, n_problems=150, n=500, seed=4)
    kw = {"n_boot": 8, "seed": 3, "scale": 0.4}
    one = exponents.bootstrap_exponent(n, c, "tail-index", **kw)
    same = exponents.bootstrap_exponent(n, c, "tail-index", **kw)
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
    boot = exponents.bootstrap_exponent(n, c, "tail-index", n_boot=10, seed=6)
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
    one = exponents.bootstrap_exponent(n, c, "tail-index", **kw)
    two = exponents.bootstrap_exponent(n, c, "tail-index", n_jobs=2, **kw)
    np.testing.assert_allclose(two.samples, one.samples, rtol=1e-12)
    idx = np.random.default_rng(5).integers(0, n.size, size=(2, n.size))
    cold = fits.fit_scaled_beta_binomial(n[idx[1]], c[idx[1]], scale=1.0)
    assert one.samples[1] == pytest.approx(cold.alpha, rel=1e-6)


def test_fitted_scale_bootstrap():
    n, c = _simulate(ScaledBeta(0.4, 2.0, scale=0.6), n_problems=120, n=300, seed=9)
    boot = exponents.bootstrap_exponent(n, c, "tail-index", n_boot=2, seed=5,
                                        fit_scale=True)
    assert boot.full.fit is not None and boot.full.fit.scale_source == "fitted"
    assert np.all(np.isfinite(boot.samples))


def test_bootstrap_interval_covers_truth(beta_data):
    n, c = beta_data
    boot = exponents.bootstrap_exponent(
        n, c, "tail-index", n_boot=40, seed=2025, scale=SCALE, confidence=0.9
    )
    assert boot.low < ALPHA < boot.high
    assert boot.estimate == pytest.approx(
        fits.fit_scaled_beta_binomial(n, c, scale=SCALE).alpha
    )


def test_distributional_bootstrap_runs(unscaled_data):
    n, c = unscaled_data
    boot = exponents.bootstrap_exponent(n, c, "distributional", n_boot=4, seed=1,
                                        scale=1.0)
    assert boot.samples.shape == (4,) and boot.n_failed == 0
    assert np.all(np.abs(boot.samples - boot.estimate) < 0.1)


def test_bootstrap_degenerate_replicates_are_nan():
    # One solved problem in 40: some resamples contain no success at all.
    n = np.full(40, 100)
    c = np.zeros(40, dtype=int)
    c[0] = 5
    with pytest.warns(exponents.FailedReplicatesWarning, match=r"of 60 "
                      r"replicates failed"):
        boot = exponents.bootstrap_exponent(n, c, "least-squares", n_boot=60,
                                            seed=0)
    assert boot.n_failed == np.isnan(boot.samples).sum() > 0
    assert np.isfinite(boot.low) and np.isfinite(boot.high)


def test_estimate_exponent_errors():
    n, c = [100] * 3, [1, 5, 0]
    with pytest.raises(ValueError, match="'least-squares', 'distributional'"):
        exponents.estimate_exponent(n, c, "moments")
    with pytest.raises(ValueError, match="'scaled-beta', 'scaled-kumaraswamy'"):
        exponents.estimate_exponent(n, c, "tail-index", family="beta")
    with pytest.raises(ValueError, match="undefined for more attempts"):
        exponents.estimate_exponent(n, c, "least-squares", k=[1, 101])
    with pytest.raises(ValueError, match="at least two distinct"):
        exponents.estimate_exponent(n, c, "least-squares", k=[5, 5])
    with pytest.raises(ValueError, match="k must be >= 1"):
        exponents.estimate_exponent(n, c, "least-squares", k=[0, 5])
    with pytest.raises(ValueError, match="no problem was ever solved"):
        exponents.estimate_exponent(n, [0, 0, 0], "least-squares")
    with pytest.raises(ValueError, match="every c is 0"):
        exponents.estimate_exponent(n, [0, 0, 0], "distributional")
    with pytest.raises(ValueError, match="k_above_n"):
        exponents.estimate_exponent(n, c, k_above_n="clip")
    with pytest.raises(ValueError, match="too short"):
        exponents.estimate_exponent([1, 1], [0, 1])
    with pytest.raises(ValueError, match="fewer than two k"):
        # Every problem is solved at every k > 1: pass_D@k = 1.
        exponents.estimate_exponent([100, 100], [100, 99], k=[2, 50])


def test_bootstrap_errors():
    n, c = [100] * 3, [1, 5, 0]
    with pytest.raises(ValueError, match="n_boot must be >= 1"):
        exponents.bootstrap_exponent(n, c, n_boot=0)
    with pytest.raises(TypeError, match="n_boot"):
        exponents.bootstrap_exponent(n, c, n_boot=10.0)
    with pytest.raises(ValueError, match="confidence"):
        exponents.bootstrap_exponent(n, c, confidence=1.0)
    with pytest.raises(ValueError, match="confidence"):
        exponents.bootstrap_exponent(n, c, confidence=0.0)
    with pytest.raises(ValueError, match="n_jobs"):
        exponents.bootstrap_exponent(n, c, n_jobs=0)
    with pytest.raises(ValueError, match="method must be one of"):
        exponents.bootstrap_exponent(n, c, "bayes")


def test_helper_errors():
    with pytest.raises(ValueError, match="k_max must be >= 2"):
        exponents.default_k_grid(1)
    with pytest.raises(ValueError, match="num must be >= 2"):
        exponents.default_k_grid(10, num=1)
    with pytest.raises(ValueError, match="every c is 0"):
        fits.paper_scale([10, 10], [0, 0])


def test_interval_monte_carlo_error_shrinks_with_replicates():
    from llmonkeys.exponents import interval_monte_carlo_error

    rng = np.random.default_rng(5)
    small = pd.DataFrame({"model": "m", "method": "x", "exponent": rng.normal(size=30)})
    large = pd.DataFrame({"model": "m", "method": "x",
                          "exponent": rng.normal(size=3000)})
    se_small = interval_monte_carlo_error(small, 1).iloc[0]
    se_large = interval_monte_carlo_error(large, 1).iloc[0]
    assert se_small["n_boot"] == 30 and se_large["n_boot"] == 3000
    # Order-statistic theory: SE of the 2.5% quantile of N(0,1) from B draws
    # is sqrt(q(1-q)/B)/phi(z_q), about 0.055 for B = 3000.
    np.testing.assert_allclose(se_large["se_low"], 0.055, rtol=0.35)
    assert se_small["se_low"] > 3 * se_large["se_low"]
    with pytest.raises(ValueError, match="lacks columns"):
        interval_monte_carlo_error(small.drop(columns="method"), 1)
