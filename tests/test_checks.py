"""Tests of llmonkeys.checks on small synthetic data (fast)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from llmonkeys import checks, fits
from llmonkeys.distributions import ScaledBeta
from llmonkeys.estimators import (
    curves_by_model,
)
from synthetic import K, _stopped_counts


def test_poisson_binomial_equal_probabilities_is_binomial():
    pmf = checks.poisson_binomial_pmf(np.full(40, 0.3))
    np.testing.assert_allclose(pmf, stats.binom.pmf(np.arange(41), 40, 0.3),
                               atol=1e-14)


def test_poisson_binomial_matches_convolution():
    q = np.random.default_rng(3).uniform(size=15)
    ref = np.array([1.0])
    for qi in q:  # exact recursion, the slow reference
        ref = np.convolve(ref, [1 - qi, qi])
    np.testing.assert_allclose(checks.poisson_binomial_pmf(q), ref, atol=1e-14)


def test_poisson_binomial_edges():
    np.testing.assert_allclose(checks.poisson_binomial_pmf([0.0, 1.0, 1.0]),
                               [0, 0, 1, 0], atol=1e-15)
    for bad in ([], [[0.5]], [1.5]):
        with pytest.raises(ValueError):
            checks.poisson_binomial_pmf(bad)


def test_zero_count_check(counts, fitted):
    _, fit_map = fitted
    check = checks.zero_count_check(counts, fit_map, n_sim=4000, seed=1)
    assert len(check) == len(fit_map)
    for row in check.itertuples():
        sub = counts[counts["model"] == row.model]
        assert row.observed == int((sub["c"] == 0).sum())
        fit = fit_map[(row.model, row.family)]
        q = fit.distribution.binomial_logpmf(0, 400)
        assert row.expected == pytest.approx(60 * np.exp(q), rel=1e-10)
        sd = np.sqrt(row.expected)
        assert abs(row.sim_mean - row.expected) < 5 * sd / np.sqrt(4000) + 0.05
        assert 0 <= row.p_value <= 1 and 0 <= row.p_value_exact <= 1
        assert row.low <= row.sim_mean <= row.high


def test_zero_count_check_is_seeded(counts, fitted):
    fit_map = {key: f for key, f in fitted[1].items() if key[1] == "scaled-beta"}
    a = checks.zero_count_check(counts, fit_map, n_sim=50, seed=7)
    b = checks.zero_count_check(counts, fit_map, n_sim=50,
                                seed=np.random.default_rng(7))
    pd.testing.assert_frame_equal(a, b)


def test_zero_count_check_rejects_bad_input(counts, fitted):
    _, fit_map = fitted
    with pytest.raises(ValueError, match="n_sim"):
        checks.zero_count_check(counts, fit_map, n_sim=0, seed=0)
    with pytest.raises(ValueError, match="confidence"):
        checks.zero_count_check(counts, fit_map, seed=0, confidence=1.0)
    with pytest.raises(ValueError, match="no such model"):
        checks.zero_count_check(counts[counts["model"] == "M0"], fit_map, seed=0)
    with pytest.raises(ValueError, match="seed"):
        checks.zero_count_check(counts, fit_map, seed=-1)


def test_decade_slopes_power_law_and_bend():
    k = np.geomspace(1, 1e4, 41)
    table = checks.decade_slopes(k, 2.0 * k**-0.35)
    np.testing.assert_allclose(table["slope"], 0.35, rtol=1e-10)
    assert table["k_low"].tolist() == [1, 10, 100, 1000]
    bent = checks.decade_slopes(k, np.exp(-k / 300.0) * k**-0.3)
    assert np.all(np.diff(bent["slope"]) > 0)


def test_decade_slopes_skips_non_positive_and_short():
    k = np.geomspace(1, 1000, 31)
    y = k**-0.5
    y[k > 200] = 0.0  # e.g. every problem solved
    table = checks.decade_slopes(k, y)
    assert table["k_high"].max() == 1000 and table["n_points"].iloc[-1] < 11
    assert checks.decade_slopes(k, np.zeros_like(k)).empty
    with pytest.raises(ValueError, match="equal length"):
        checks.decade_slopes(k, y[:-1])
    with pytest.raises(ValueError, match="> 0"):
        checks.decade_slopes(-k, y)


def test_slope_ratio():
    k = np.geomspace(1, 1e4, 41)
    assert checks.slope_ratio(k, k**-0.3) == pytest.approx(1.0)
    assert checks.slope_ratio(k, np.exp(-k / 1000.0)) > 2
    flat = np.where(k < 100, k**-0.3, 100**-0.3 * (k / 100) ** 0.1)  # rises
    assert checks.slope_ratio(k, flat) == np.inf
    with pytest.raises(ValueError, match="two decades"):
        checks.slope_ratio(np.geomspace(1, 10, 5), np.ones(5))


def test_curve_discrepancy():
    factor, k_worst = checks.curve_discrepancy([1, 10, 100], [1.0, 0.5, 0.0],
                                           [2.0, 0.5, 1.0])
    assert (factor, k_worst) == (2.0, 1.0)
    factor, _ = checks.curve_discrepancy([1, 2], [1.0, 1.0], [0.25, 1.0])
    assert factor == pytest.approx(4.0)
    with pytest.raises(ValueError, match="no budget"):
        checks.curve_discrepancy([1, 2], [0.0, 0.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="y_fit"):
        checks.curve_discrepancy([1, 2], [1.0, 1.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="equal length"):
        checks.curve_discrepancy([1, 2], [1.0], [1.0, 1.0])


def test_slope_growth_one_and_many_curves():
    k = np.geomspace(1, 1000, 31)
    assert checks.slope_growth(k, 3 * k**-0.4) == pytest.approx(1.0)
    rows = np.vstack([k**-0.4, np.exp(-k / 200.0), np.zeros_like(k)])
    g = checks.slope_growth(k, rows)
    assert g.shape == (3,) and g[0] == pytest.approx(1.0) and g[1] > 3
    assert np.isnan(g[2])
    with pytest.raises(ValueError, match="fewer than two"):
        checks.slope_growth(k, k**-0.4, high=(2000, 3000))
    with pytest.raises(ValueError, match="shape"):
        checks.slope_growth(k, np.ones((2, 3)))


def test_zero_count_check_fixed_design(beta_sample):
    law, n, c, fit = beta_sample
    chk = checks._stopped_zero_count(fit, n, c, 800, rng=0, n_draws=300)
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
        checks._stopped_zero_count(fit, n, c, 1000, rng=0)
    with pytest.raises(ValueError, match="<= max_attempts"):
        checks._stopped_zero_count(fit, n, c, 500, rng=0)
    with pytest.raises(ValueError, match="DistributionFit"):
        checks._stopped_zero_count(None, n, c, 800, rng=0)


def test_stopping_aware_zero_count_check_skips_mixtures(beta_sample):
    _, n, c, fit = beta_sample
    counts = pd.DataFrame({"model": "A", "n": n, "c": c})
    mix = fits.fit_beta_binomial_mixture(n, c)
    table = checks.zero_count_check(
        counts, {("A", "scaled-beta"): fit, ("A", "beta-mixture"): mix},
        max_attempts=800, seed=1, n_draws=200)
    assert table["family"].tolist() == ["scaled-beta"]
    with pytest.raises(ValueError, match="no such model"):
        checks.zero_count_check(counts, {("B", "scaled-beta"): fit},
                                max_attempts=800, seed=1)


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
    table = checks.power_law_checklist(counts, curves, fitted, rng, batch_size=2000,
                                   max_attempts=2000, n_sim=40).set_index("model")
    assert table.loc["heavy", "slope_ok"] and table.loc["heavy", "curve_ok"]
    assert not table.loc["light", "slope_ok"]
    assert table["zero_p_value"].between(0, 1).all()
    assert (table["passes"] == (table["screen_ok"] & table["growth_ok"])).all()
    with pytest.raises(ValueError, match="unknown thresholds"):
        checks.power_law_checklist(counts, curves, fitted, rng, thresholds={"x": 1})
    with pytest.raises(ValueError, match="no fit"):
        checks.power_law_checklist(counts, curves, {"heavy": fitted["heavy"]}, rng,
                               batch_size=2000, max_attempts=2000, n_sim=5)


def test_slope_growth_table_accepts_mixtures():
    rng = np.random.default_rng(6)
    counts = _stopped_counts(ScaledBeta(0.4, 2.0, 0.5), 150, rng)
    curves = curves_by_model(counts, K, k_above_n="success-seen")
    mix = fits.fit_beta_binomial_mixture(counts["n"], counts["c"])
    table = checks.slope_growth_table(counts, curves, {"M": mix}, rng, n_sim=30,
                                  batch_size=20, max_attempts=1000)
    row = table.iloc[0]
    assert row["low"] <= row["median"] <= row["high"] and 0 <= row["p_value"] <= 1
    with pytest.raises(ValueError, match="no curve"):
        checks.slope_growth_table(counts, curves.iloc[:0], {"M": mix}, rng)


# --- exchangeability of attempts within a batch ------------------------------


def test_position_moments_match_enumeration():
    """Null moments against exhaustive enumeration of c-subsets (exact)."""
    import itertools

    b = 7
    centre = np.arange(1, b + 1) - (b + 1) / 2
    for c in range(b + 1):
        pos, adj = [], []
        for subset in itertools.combinations(range(b), c):
            v = np.zeros(b, dtype=bool)
            v[list(subset)] = True
            pos.append((centre * v).sum())
            adj.append((v[1:] & v[:-1]).sum())
        var_pos, mean_adj, var_adj = checks._position_moments(np.array([c]), b)
        np.testing.assert_allclose(var_pos, np.var(pos), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(mean_adj, np.mean(adj), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(var_adj, np.var(adj), rtol=1e-12, atol=1e-12)


def test_exchangeability_size_and_power():
    rng = np.random.default_rng(20261201)
    p = np.full(150, 0.02)
    null = checks.simulate_final_batches(p, 60, rng, size=400)
    rejections = np.mean([checks.exchangeability_test(x).p_value < 0.05 for x in null])
    assert rejections < 0.05 + 3 * np.sqrt(0.05 * 0.95 / 400)
    trend = checks.simulate_final_batches(p, 60, rng, size=100, trend=0.8)
    assert np.mean([checks.exchangeability_test(x).trend_p_value < 0.05
                    for x in trend]) > 0.9
    markov = checks.simulate_final_batches(p, 60, rng, size=100, correlation=0.3)
    assert np.mean([checks.exchangeability_test(x).clustering_p_value < 0.05
                    for x in markov]) > 0.9


def test_simulate_final_batches_shape_and_success():
    x = checks.simulate_final_batches([0.001, 0.5], 10, 0, size=50)
    assert x.shape == (50, 2, 10) and x.any(axis=2).all()


def test_final_batches_reads_the_last_batch():
    df = pd.DataFrame({
        "problem": [0] * 8 + [1] * 4 + [2] * 4,
        "attempt": list(range(8)) + list(range(4)) + list(range(4)),
        "success": [False] * 5 + [True, False, True]
        + [True, True, False, False] + [False] * 4,
    })
    out = checks.final_batches(df, 4)
    assert out.tolist() == [[False, True, False, True], [True, True, False, False]]


def test_final_batches_and_test_reject_bad_input():
    df = pd.DataFrame({"problem": [0] * 4, "attempt": [0, 1, 2, 3],
                       "success": [True, False, False, True]})
    with pytest.raises(ValueError, match="before the last"):
        checks.final_batches(df, 2)
    with pytest.raises(ValueError, match="multiple of"):
        checks.final_batches(df, 3)
    with pytest.raises(ValueError, match="missing"):
        checks.final_batches(df.drop(columns="success"), 2)
    with pytest.raises(ValueError, match="boolean"):
        checks.exchangeability_test(np.zeros((3, 6)))
    with pytest.raises(ValueError, match="at least 4"):
        checks.exchangeability_test(np.ones((3, 3), dtype=bool))
    with pytest.raises(ValueError, match="no information"):
        checks.exchangeability_test(np.eye(6, dtype=bool))
    with pytest.raises(ValueError, match="not both"):
        checks.simulate_final_batches([0.1], 6, 0, trend=0.1, correlation=0.1)
    with pytest.raises(ValueError, match="above 1"):
        checks.simulate_final_batches([0.9], 6, 0, trend=0.5)
    with pytest.raises(ValueError, match=r"\(0, 1\)"):
        checks.simulate_final_batches([0.0], 6, 0)
