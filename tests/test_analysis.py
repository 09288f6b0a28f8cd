"""Tests of llmonkeys.analysis on small synthetic data (fast)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import llmonkeys.analysis as an
import llmonkeys.fits as fits
from llmonkeys.distributions import ScaledBeta


def _counts(n_models=2, n_problems=60, n=400, seed=0, alphas=(0.3, 0.5)):
    rng = np.random.default_rng(seed)
    frames = []
    for j in range(n_models):
        p = ScaledBeta(alphas[j % len(alphas)], 3.0, scale=0.6).sample(n_problems, rng)
        frames.append(pd.DataFrame({
            "model": f"M{j}", "problem": np.arange(n_problems),
            "n": n, "c": rng.binomial(n, p),
        }))
    df = pd.concat(frames, ignore_index=True)
    names = [f"M{j}" for j in range(n_models)]
    df["model"] = pd.Categorical(df["model"], categories=names, ordered=True)
    return df


@pytest.fixture(scope="module")
def counts():
    return _counts()


@pytest.fixture(scope="module")
def fitted(counts):
    return an.fit_families_by_model(counts)


# --- fit_families_by_model ---------------------------------------------------


def test_fit_families_table(counts, fitted):
    table, fit_map = fitted
    assert list(table.columns) == [
        "model", "family", "n_params", "log_likelihood", "aic", "delta_aic",
        "tail_index", "scale", "converged",
    ]
    assert len(table) == 2 * len(an.FIT_FAMILIES)
    assert isinstance(table["model"].dtype, pd.CategoricalDtype)
    assert set(fit_map) == set(itertools.product(["M0", "M1"], an.FIT_FAMILIES))
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
    t1, _ = an.fit_families_by_model(df, ["scaled-beta"])
    t2, _ = an.fit_families_by_model(shuffled, ["scaled-beta"])
    np.testing.assert_allclose(t1["aic"], t2["aic"], rtol=1e-12)


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ("not a frame", "DataFrame"),
        (pd.DataFrame({"model": ["a"], "n": [1]}), "missing"),
        (pd.DataFrame({"model": [], "n": [], "c": []}), "empty"),
        (pd.DataFrame({"model": ["a", "a"], "n": [5, 5], "c": [1, 6]}), "c <= n"),
        (pd.DataFrame({"model": ["a", "b"], "n": [5, 5], "c": [1, 2]}), "at least two"),
    ],
)
def test_fit_families_rejects_bad_counts(bad, match):
    with pytest.raises(ValueError, match=match):
        an.fit_families_by_model(bad, ["scaled-beta"])


def test_fit_families_rejects_bad_options(counts):
    with pytest.raises(ValueError, match="unknown families"):
        an.fit_families_by_model(counts, ["gamma"])
    with pytest.raises(ValueError, match="at least one"):
        an.fit_families_by_model(counts, [])
    with pytest.raises(ValueError, match="n_components"):
        an.fit_families_by_model(counts, ["beta-mixture"], n_components=0)


def test_fit_families_accepts_a_single_family_name(counts):
    table, _ = an.fit_families_by_model(counts, "scaled-beta")
    assert table["family"].unique().tolist() == ["scaled-beta"]


# --- what a fit predicts -------------------------------------------------------


@pytest.mark.parametrize("family", an.FIT_FAMILIES)
def test_fit_logpmf_is_a_distribution(fitted, family):
    fit = fitted[1][("M0", family)]
    total = np.exp(an.fit_logpmf(fit, np.arange(401), 400)).sum()
    assert total == pytest.approx(1.0, abs=1e-8)


def test_fit_logpmf_of_mixture_is_weighted_sum(fitted):
    mix = fitted[1][("M0", "beta-mixture")]
    c = np.array([0, 3, 40, 400])
    direct = sum(w * np.exp(comp.binomial_logpmf(c, 400))
                 for w, comp in zip(mix.weights, mix.components, strict=True))
    np.testing.assert_allclose(np.exp(an.fit_logpmf(mix, c, 400)), direct, rtol=1e-12)


@pytest.mark.parametrize("family", an.FIT_FAMILIES)
def test_fit_pdf_integrates_to_one(fitted, family):
    fit = fitted[1][("M1", family)]
    # Integrate p f(p) over u = log p, where it is smooth and finite; the
    # mass below 1e-40 is below 1e-10 for these tail indices.
    u = np.linspace(np.log(1e-40), 0.0, 400_001)
    f = np.exp(u) * an.fit_pdf(fit, np.exp(u))
    mass = np.sum((f[1:] + f[:-1]) / 2 * np.diff(u))
    assert mass == pytest.approx(1.0, abs=2e-3)


def test_sample_fit_shapes_and_mixture_weights(fitted):
    rng = np.random.default_rng(5)
    beta = fitted[1][("M0", "scaled-beta")]
    draws = an.sample_fit(beta, (4, 3), rng)
    assert draws.shape == (4, 3)
    assert np.all((draws >= 0) & (draws <= beta.scale))
    mix = fitted[1][("M0", "beta-mixture")]
    p = an.sample_fit(mix, 20_000, rng)
    assert p.shape == (20_000,)
    # The mean of the mixture is sum_j w_j mean_j.
    mean = sum(w * comp.mean for w, comp in zip(mix.weights, mix.components,
                                                 strict=True))
    assert p.mean() == pytest.approx(mean, abs=5 * p.std() / np.sqrt(p.size))


def test_sample_fit_rejects_bad_input(fitted):
    with pytest.raises(ValueError, match="Generator"):
        an.sample_fit(fitted[1][("M0", "scaled-beta")], 3, 0)
    with pytest.raises(ValueError, match="DistributionFit"):
        an.sample_fit("fit", 3, np.random.default_rng(0))


def test_fitted_curves_and_densities(fitted):
    _, fit_map = fitted
    k = np.array([1, 10, 100])
    curves = an.fitted_curves(fit_map, k)
    assert len(curves) == len(fit_map) * 3
    beta = fit_map[("M0", "scaled-beta")]
    got = curves.query("model == 'M0' and family == 'scaled-beta'")["y"]
    np.testing.assert_allclose(got, beta.distribution.neg_log_pass_at_k(k))
    p = np.geomspace(1e-4, 1, 5)
    dens = an.fitted_densities(fit_map, p)
    row = dens.query("model == 'M0' and family == 'scaled-beta'")
    np.testing.assert_allclose(row["per_decade"],
                               60 * p * np.log(10) * beta.distribution.pdf(p))
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        an.fitted_densities(fit_map, [0.0, 0.5])
    with pytest.raises(ValueError, match="mapping"):
        an.fitted_curves({}, k)
    with pytest.raises(ValueError, match="pairs"):
        an.fitted_curves({"M0": beta}, k)


def test_curve_exponents_match_estimate_exponent(counts, fitted):
    k = fits.default_k_grid(400)
    ce = an.curve_exponents(fitted[1], k).set_index(["model", "family"])
    sub = counts[counts["model"] == "M0"]
    est = fits.estimate_exponent(sub["n"], sub["c"], "distributional", k=k)
    assert ce.loc[("M0", "scaled-beta"), "exponent"] == pytest.approx(
        est.exponent, rel=1e-8)
    assert ce.loc[("M0", "scaled-beta"), "tail_index"] == pytest.approx(
        est.fit.alpha, rel=1e-8)
    with pytest.raises(ValueError, match="two distinct"):
        an.curve_exponents(fitted[1], [5, 5])


# --- Poisson-binomial and the zero-count check -------------------------------


def test_poisson_binomial_equal_probabilities_is_binomial():
    pmf = an.poisson_binomial_pmf(np.full(40, 0.3))
    np.testing.assert_allclose(pmf, stats.binom.pmf(np.arange(41), 40, 0.3),
                               atol=1e-14)


def test_poisson_binomial_matches_convolution():
    q = np.random.default_rng(3).uniform(size=15)
    ref = np.array([1.0])
    for qi in q:  # exact recursion, the slow reference
        ref = np.convolve(ref, [1 - qi, qi])
    np.testing.assert_allclose(an.poisson_binomial_pmf(q), ref, atol=1e-14)


def test_poisson_binomial_edges():
    np.testing.assert_allclose(an.poisson_binomial_pmf([0.0, 1.0, 1.0]),
                               [0, 0, 1, 0], atol=1e-15)
    for bad in ([], [[0.5]], [1.5]):
        with pytest.raises(ValueError):
            an.poisson_binomial_pmf(bad)


def test_zero_count_check(counts, fitted):
    _, fit_map = fitted
    check = an.zero_count_check(counts, fit_map, n_sim=4000, seed=1)
    assert len(check) == len(fit_map)
    for row in check.itertuples():
        sub = counts[counts["model"] == row.model]
        assert row.observed == int((sub["c"] == 0).sum())
        fit = fit_map[(row.model, row.family)]
        q = an.fit_logpmf(fit, 0, 400)
        assert row.expected == pytest.approx(60 * np.exp(q), rel=1e-10)
        sd = np.sqrt(row.expected)
        assert abs(row.sim_mean - row.expected) < 5 * sd / np.sqrt(4000) + 0.05
        assert 0 <= row.p_value <= 1 and 0 <= row.p_value_exact <= 1
        assert row.low <= row.sim_mean <= row.high


def test_zero_count_check_is_seeded(counts, fitted):
    fit_map = {key: f for key, f in fitted[1].items() if key[1] == "scaled-beta"}
    a = an.zero_count_check(counts, fit_map, n_sim=50, seed=7)
    b = an.zero_count_check(counts, fit_map, n_sim=50, seed=np.random.default_rng(7))
    pd.testing.assert_frame_equal(a, b)


def test_zero_count_check_rejects_bad_input(counts, fitted):
    _, fit_map = fitted
    with pytest.raises(ValueError, match="n_sim"):
        an.zero_count_check(counts, fit_map, n_sim=0, seed=0)
    with pytest.raises(ValueError, match="confidence"):
        an.zero_count_check(counts, fit_map, seed=0, confidence=1.0)
    with pytest.raises(ValueError, match="no such model"):
        an.zero_count_check(counts[counts["model"] == "M0"], fit_map, seed=0)
    with pytest.raises(ValueError, match="seed"):
        an.zero_count_check(counts, fit_map, seed=-1)


# --- bootstrap of exponents --------------------------------------------------


def test_bootstrap_exponents_least_squares(counts):
    k = fits.default_k_grid(400)
    table, samples = an.bootstrap_exponents(counts, k, methods=["least-squares"],
                                            n_boot=300, seed=2)
    assert list(table.columns) == ["model", "method", "estimate", "low", "high",
                                   "n_boot", "n_failed"]
    sub = counts[counts["model"] == "M1"]
    ref = fits.bootstrap_exponent(sub["n"], sub["c"], n_boot=300, seed=2, k=k)
    row = table.set_index("model").loc["M1"]
    assert row["estimate"] == pytest.approx(ref.estimate)
    assert (row["low"], row["high"]) == pytest.approx((ref.low, ref.high))
    assert len(samples) == 2 * 300
    assert np.all(table["low"] < table["estimate"])
    assert np.all(table["estimate"] < table["high"])


def test_bootstrap_exponents_resample_models_jointly():
    one = _counts(n_models=1)
    two = pd.concat([one, one.assign(model="copy")], ignore_index=True)
    _, samples = an.bootstrap_exponents(two, methods=["least-squares"], n_boot=50,
                                        seed=4)
    wide = samples.pivot(index="replicate", columns="model", values="exponent")
    np.testing.assert_array_equal(wide["M0"], wide["copy"])


def test_bootstrap_exponents_per_method_sizes_and_differences():
    df = _counts(n_models=1, n_problems=40, n=200)
    table, samples = an.bootstrap_exponents(
        df, methods=["least-squares", "tail-index"],
        n_boot={"least-squares": 40, "tail-index": 8}, seed=np.random.default_rng(1))
    assert table["n_boot"].tolist() == [40, 8]
    # Replicates are paired: a shorter run reproduces the first replicates.
    _, short = an.bootstrap_exponents(df, methods=["least-squares"], n_boot=8,
                                      seed=np.random.default_rng(1))
    ls = samples[samples["method"] == "least-squares"]["exponent"].to_numpy()
    np.testing.assert_array_equal(ls[:8], short["exponent"].to_numpy())
    diff = an.method_differences(table, samples, "tail-index", "least-squares")
    assert diff["n_pairs"].item() == 8
    est = table.set_index("method")["estimate"]
    assert diff["difference"].item() == pytest.approx(
        est["tail-index"] - est["least-squares"])
    assert diff["low"].item() <= diff["high"].item()
    with pytest.raises(ValueError, match="not in the table"):
        an.method_differences(table, samples, "distributional", "least-squares")
    with pytest.raises(ValueError, match="differ"):
        an.method_differences(table, samples, "tail-index", "tail-index")


def test_bootstrap_exponents_rejects_bad_options(counts):
    with pytest.raises(ValueError, match="methods"):
        an.bootstrap_exponents(counts, methods=["magic"], seed=0)
    with pytest.raises(ValueError, match="n_boot"):
        an.bootstrap_exponents(counts, methods=["least-squares"], n_boot=0, seed=0)
    with pytest.raises(ValueError, match="no entry"):
        an.bootstrap_exponents(counts, methods=["least-squares"],
                               n_boot={"tail-index": 3}, seed=0)
    with pytest.raises(ValueError, match="seed"):
        an.bootstrap_exponents(counts, methods=["least-squares"], seed="x")


def test_exponent_summary():
    table = pd.DataFrame({
        "model": ["A", "A", "B", "B"],
        "method": ["least-squares", "tail-index"] * 2,
        "estimate": [0.2, 0.1, 0.3, 0.25], "low": [0.15, 0.05, 0.2, 0.2],
        "high": [0.25, 0.2, 0.4, 0.3],
    })
    out = an.exponent_summary(table, reference={"B": 0.37}, digits=2)
    assert list(out.columns) == ["least-squares", "tail-index", "paper"]
    assert out.loc["A", "least-squares"] == "0.20 [0.15, 0.25]"
    assert out.loc["A", "paper"] == "\u2014"
    assert out.loc["B", "paper"] == "0.37"
    with pytest.raises(ValueError, match="columns"):
        an.exponent_summary(table.drop(columns="low"))


# --- trends ------------------------------------------------------------------


def test_fit_trend_matches_linregress():
    rng = np.random.default_rng(8)
    x = np.geomspace(1e7, 1e10, 7)
    y = 0.05 * np.log10(x) - 0.2 + rng.normal(0, 0.01, 7)
    tr = an.fit_trend(x, y)
    ref = stats.linregress(np.log10(x), y)
    assert tr.slope == pytest.approx(ref.slope)
    assert tr.intercept == pytest.approx(ref.intercept)
    assert tr.slope_se == pytest.approx(ref.stderr)
    assert tr.r_squared == pytest.approx(ref.rvalue**2)
    t = stats.t.ppf(0.975, 5)
    assert tr.slope_high - tr.slope == pytest.approx(t * ref.stderr)
    np.testing.assert_allclose(tr.predict(x), ref.intercept + ref.slope * np.log10(x))
    assert np.isnan(tr.boot_low) and tr.boot_slopes.size == 0


def test_fit_trend_replicates():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    reps = np.array([[1, 2, 3, 4], [2, 4, 6, 8], [np.nan, 0, 0, 0]], dtype=float)
    tr = an.fit_trend(x, [1, 2, 3, 4.5], log_x=False, replicates=reps)
    np.testing.assert_allclose(tr.boot_slopes, [1.0, 2.0])
    with pytest.raises(ValueError, match="shape"):
        an.fit_trend(x, [1, 2, 3, 4], log_x=False, replicates=np.ones((2, 3)))


@pytest.mark.parametrize(
    ("x", "y", "kwargs", "match"),
    [
        ([1, 2], [1, 2], {}, "three"),
        ([1, 2, 3], [1, 2], {}, "equal length"),
        ([2, 2, 2], [1, 2, 3], {}, "constant"),
        ([-1, 2, 3], [1, 2, 3], {}, "> 0"),
        ([1, 2, 3], [1, 2, 3], {"confidence": 0}, "confidence"),
    ],
)
def test_fit_trend_rejects_bad_input(x, y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        an.fit_trend(x, y, **kwargs)


def test_exponent_trends():
    models = ["a", "b", "c", "d"]
    table = pd.DataFrame({
        "model": models * 2,
        "method": ["least-squares"] * 4 + ["tail-index"] * 4,
        "estimate": [0.1, 0.2, 0.3, 0.4, 0.1, 0.3, 0.2, 0.4],
    })
    samples = pd.DataFrame({
        "model": models * 2, "method": table["method"], "replicate": 0,
        "exponent": table["estimate"],
    })
    size = {"a": 1e7, "b": 1e8, "c": 1e9, "d": 1e10}
    out, trends = an.exponent_trends(table, samples, size)
    row = out.set_index("method")
    assert row.loc["least-squares", "slope"] == pytest.approx(0.1)
    assert row.loc["least-squares", "boot_low"] == pytest.approx(0.1)
    assert bool(row.loc["least-squares", "monotone"])
    assert not bool(row.loc["tail-index", "monotone"])
    assert trends["tail-index"].n_points == 4
    out2, _ = an.exponent_trends(table, None, size, methods=["tail-index"])
    assert out2["method"].tolist() == ["tail-index"]
    with pytest.raises(ValueError, match="no value"):
        an.exponent_trends(table, samples, {"a": 1.0})
    with pytest.raises(ValueError, match="not in the table"):
        an.exponent_trends(table, samples, size, methods=["distributional"])
