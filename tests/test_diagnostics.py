"""Tests of llmonkeys.diagnostics on small synthetic data (fast)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import llmonkeys.diagnostics as dg
import llmonkeys.fits as fits
from llmonkeys.distributions import ScaledBeta
from llmonkeys.estimators import curves_by_model, fit_power_laws_by_model
from llmonkeys.simulation import simulate_early_stopping

K = np.unique(np.geomspace(1, 1000, 40).astype(int))


# --- first-success times ------------------------------------------------------


def test_first_success_times_small_frame():
    df = pd.DataFrame({
        "problem": [1, 1, 0, 0, 0, 1],
        "attempt": [1, 0, 0, 1, 2, 2],
        "success": [False, False, False, True, True, True],
    })
    out = dg.first_success_times(df)
    assert out.to_dict("list") == {"problem": [0, 1], "n": [3, 3], "c": [2, 1],
                                   "first_success": [2, 3]}


def test_first_success_times_errors():
    with pytest.raises(ValueError, match="missing"):
        dg.first_success_times(pd.DataFrame({"problem": [0], "attempt": [0]}))
    gap = pd.DataFrame({"problem": [0, 0], "attempt": [0, 2], "success": [0, 1]})
    with pytest.raises(ValueError, match="numbered"):
        dg.first_success_times(gap)


def test_first_success_curve_is_unbiased_under_stopping():
    # Geometric first-success times: P(T <= k) = 1 - (1 - p)^k exactly.
    rng = np.random.default_rng(0)
    p = rng.beta(0.5, 5.0, 40_000)
    _, _, first = simulate_early_stopping(p, 10, 500, rng)
    k = np.array([1, 5, 20, 100, 500])
    est = np.exp(-dg.first_success_curve(first, k, 500))
    truth = 1 - ((1 - p[:, None]) ** k[None, :]).mean(axis=0)
    se = np.sqrt(truth * (1 - truth) / p.size)
    assert np.all(np.abs(est - truth) < 4 * se)


def test_first_success_curve_edges_and_errors():
    y = dg.first_success_curve([0, 0, 2], [1, 2], 3)
    assert y[0] == np.inf and y[1] == pytest.approx(np.log(3))
    with pytest.raises(ValueError, match="max_attempts"):
        dg.first_success_curve([1, 2], [4], 3)
    with pytest.raises(ValueError, match="<= max_attempts"):
        dg.first_success_curve([1, 5], [1], 3)
    with pytest.raises(ValueError, match="non-empty"):
        dg.first_success_curve([], [1], 3)


# --- shape of a curve ---------------------------------------------------------


def test_decade_slopes_power_law_and_bend():
    k = np.geomspace(1, 1e4, 41)
    table = dg.decade_slopes(k, 2.0 * k**-0.35)
    np.testing.assert_allclose(table["slope"], 0.35, rtol=1e-10)
    assert table["k_low"].tolist() == [1, 10, 100, 1000]
    bent = dg.decade_slopes(k, np.exp(-k / 300.0) * k**-0.3)
    assert np.all(np.diff(bent["slope"]) > 0)


def test_decade_slopes_skips_non_positive_and_short():
    k = np.geomspace(1, 1000, 31)
    y = k**-0.5
    y[k > 200] = 0.0  # e.g. every problem solved
    table = dg.decade_slopes(k, y)
    assert table["k_high"].max() == 1000 and table["n_points"].iloc[-1] < 11
    assert dg.decade_slopes(k, np.zeros_like(k)).empty
    with pytest.raises(ValueError, match="equal length"):
        dg.decade_slopes(k, y[:-1])
    with pytest.raises(ValueError, match="> 0"):
        dg.decade_slopes(-k, y)


def test_slope_ratio():
    k = np.geomspace(1, 1e4, 41)
    assert dg.slope_ratio(k, k**-0.3) == pytest.approx(1.0)
    assert dg.slope_ratio(k, np.exp(-k / 1000.0)) > 2
    flat = np.where(k < 100, k**-0.3, 100**-0.3 * (k / 100) ** 0.1)  # rises
    assert dg.slope_ratio(k, flat) == np.inf
    with pytest.raises(ValueError, match="two decades"):
        dg.slope_ratio(np.geomspace(1, 10, 5), np.ones(5))


def test_curve_discrepancy():
    factor, k_worst = dg.curve_discrepancy([1, 10, 100], [1.0, 0.5, 0.0],
                                           [2.0, 0.5, 1.0])
    assert (factor, k_worst) == (2.0, 1.0)
    factor, _ = dg.curve_discrepancy([1, 2], [1.0, 1.0], [0.25, 1.0])
    assert factor == pytest.approx(4.0)
    with pytest.raises(ValueError, match="no budget"):
        dg.curve_discrepancy([1, 2], [0.0, 0.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="y_fit"):
        dg.curve_discrepancy([1, 2], [1.0, 1.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="equal length"):
        dg.curve_discrepancy([1, 2], [1.0], [1.0, 1.0])


def test_slope_growth_one_and_many_curves():
    k = np.geomspace(1, 1000, 31)
    assert dg.slope_growth(k, 3 * k**-0.4) == pytest.approx(1.0)
    rows = np.vstack([k**-0.4, np.exp(-k / 200.0), np.zeros_like(k)])
    g = dg.slope_growth(k, rows)
    assert g.shape == (3,) and g[0] == pytest.approx(1.0) and g[1] > 3
    assert np.isnan(g[2])
    with pytest.raises(ValueError, match="fewer than two"):
        dg.slope_growth(k, k**-0.4, high=(2000, 3000))
    with pytest.raises(ValueError, match="shape"):
        dg.slope_growth(k, np.ones((2, 3)))


# --- likelihood-based checks ---------------------------------------------------


@pytest.fixture(scope="module")
def beta_sample():
    rng = np.random.default_rng(3)
    law = ScaledBeta(0.4, 3.0, scale=0.5)
    c = rng.binomial(800, law.sample(300, rng))
    return law, np.full(300, 800), c, fits.fit_scaled_beta_binomial(800, c,
                                                                    scale=0.5)


def test_log_parameter_covariance(beta_sample):
    _, n, c, fit = beta_sample
    cov = dg.log_parameter_covariance(fit, n, c)
    assert cov.shape == (2, 2) and np.all(np.linalg.eigvalsh(cov) > 0)
    # Insensitive to the finite-difference step.
    np.testing.assert_allclose(dg.log_parameter_covariance(fit, n, c, step=3e-3),
                               cov, rtol=0.02)
    with pytest.raises(ValueError, match="DistributionFit"):
        dg.log_parameter_covariance("not a fit", n, c)


def test_zero_count_check_fixed_design(beta_sample):
    law, n, c, fit = beta_sample
    chk = dg.zero_count_check(fit, n, c, 800, rng=0, n_draws=300)
    assert chk.observed == int((c == 0).sum())
    assert chk.expected == pytest.approx(300 * fit.distribution.failure_rate(800))
    assert chk.pmf.sum() == pytest.approx(1.0) and chk.pmf.size == 301
    assert chk.low <= chk.observed <= chk.high
    assert chk.plug_in_p_value <= chk.p_value + 1e-12
    plug = stats.binom.pmf(np.arange(301), 300, chk.expected / 300)
    assert chk.plug_in_p_value == pytest.approx(
        min(1, 2 * min(plug[: chk.observed + 1].sum(), plug[chk.observed:].sum())))


def test_zero_count_check_errors(beta_sample):
    _, n, c, fit = beta_sample
    with pytest.raises(ValueError, match="stopped before"):
        dg.zero_count_check(fit, n, c, 1000, rng=0)
    with pytest.raises(ValueError, match="<= max_attempts"):
        dg.zero_count_check(fit, n, c, 500, rng=0)
    with pytest.raises(ValueError, match="DistributionFit"):
        dg.zero_count_check(None, n, c, 800, rng=0)


def _stopped_counts(law, n_problems, rng, name="M", batch=20, cap=1000):
    p = law.sample(n_problems, rng)
    n, c, _ = simulate_early_stopping(p, batch, cap, rng)
    return pd.DataFrame({"model": name, "problem": np.arange(n_problems),
                         "n": n, "c": c})


def test_zero_count_table_skips_mixtures(beta_sample):
    _, n, c, fit = beta_sample
    counts = pd.DataFrame({"model": "A", "n": n, "c": c})
    mix = fits.fit_beta_binomial_mixture(n, c)
    table = dg.zero_count_table(counts, {("A", "scaled-beta"): fit,
                                         ("A", "beta-mixture"): mix}, 800, rng=1,
                                n_draws=200)
    assert table["family"].tolist() == ["scaled-beta"]
    with pytest.raises(ValueError, match="no such model"):
        dg.zero_count_table(counts, {("B", "scaled-beta"): fit}, 800, rng=1)


def test_power_law_checklist_separates_tail_from_no_tail():
    rng = np.random.default_rng(5)
    heavy = _stopped_counts(ScaledBeta(0.5, 1.0), 400, rng, "heavy",
                            batch=2000, cap=2000)
    light = _stopped_counts(ScaledBeta(4.0, 60.0), 400, rng, "light",
                            batch=2000, cap=2000)
    counts = pd.concat([heavy, light], ignore_index=True)
    k = np.unique(np.geomspace(1, 2000, 40).astype(int))
    curves = curves_by_model(counts, k)
    fitted = {m: fits.fit_scaled_beta_binomial(sub["n"], sub["c"])
              for m, sub in counts.groupby("model")}
    table = dg.power_law_checklist(counts, curves, fitted, rng, batch_size=2000,
                                   max_attempts=2000, n_sim=40).set_index("model")
    assert table.loc["heavy", "slope_ok"] and table.loc["heavy", "curve_ok"]
    assert not table.loc["light", "slope_ok"]
    assert table["zero_p_value"].between(0, 1).all()
    assert (table["passes"] == (table["screen_ok"] & table["growth_ok"])).all()
    with pytest.raises(ValueError, match="unknown thresholds"):
        dg.power_law_checklist(counts, curves, fitted, rng, thresholds={"x": 1})
    with pytest.raises(ValueError, match="no fit"):
        dg.power_law_checklist(counts, curves, {"heavy": fitted["heavy"]}, rng,
                               batch_size=2000, max_attempts=2000, n_sim=5)


def test_slope_growth_table_accepts_mixtures():
    rng = np.random.default_rng(6)
    counts = _stopped_counts(ScaledBeta(0.4, 2.0, 0.5), 150, rng)
    curves = curves_by_model(counts, K, k_above_n="success-seen")
    mix = fits.fit_beta_binomial_mixture(counts["n"], counts["c"])
    table = dg.slope_growth_table(counts, curves, {"M": mix}, rng, n_sim=30,
                                  batch_size=20, max_attempts=1000)
    row = table.iloc[0]
    assert row["low"] <= row["median"] <= row["high"] and 0 <= row["p_value"] <= 1
    with pytest.raises(ValueError, match="no curve"):
        dg.slope_growth_table(counts, curves.iloc[:0], {"M": mix}, rng)


# --- early stopping -------------------------------------------------------------


def test_early_stopping_study_recovers_the_law():
    law = ScaledBeta(0.35, 2.0, scale=0.5)
    study = dg.early_stopping_study(law, 4000, K, rng=7, batch_size=20,
                                    max_attempts=1000)
    assert (study.n % 20 == 0).all() and ((study.c == 0) <= (study.n == 1000)).all()
    se = np.sqrt(np.diag(study.covariance))
    z = np.abs(np.log([study.fit.alpha / 0.35, study.fit.beta / 2.0])) / se
    assert z.max() < 4
    err = study.errors["max_rel_error"]
    assert err["true"] == 0.0
    assert err["estimator"] > 3 * err["maximum likelihood"]
    assert set(study.curves["curve"]) == {"true", "estimator", "plug-in",
                                          "first success", "maximum likelihood"}


def test_early_stopping_study_errors():
    with pytest.raises(ValueError, match="ScaledBeta"):
        dg.early_stopping_study(object(), 10, [1], rng=0)
    with pytest.raises(ValueError, match="max_attempts"):
        dg.early_stopping_study(ScaledBeta(0.5, 1.0), 10, [2000], rng=0,
                                batch_size=10, max_attempts=100)


def test_bootstrap_stopped_exponents_clips_least_squares_budgets():
    rng = np.random.default_rng(8)
    a = _stopped_counts(ScaledBeta(0.3, 2.0, 0.5), 60, rng, "A")
    # Model B: every problem solved early, so max(n) < max(K).
    b = _stopped_counts(ScaledBeta(3.0, 30.0), 60, rng, "B")
    assert b["n"].max() < K.max() and (b["c"] > 0).all()
    counts = pd.concat([a, b], ignore_index=True)
    counts["model"] = pd.Categorical(counts["model"], ["A", "B"], ordered=True)
    table, samples = dg.bootstrap_stopped_exponents(
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
    assert len(samples) == 2 * (20 + 2 + 2)
