"""Tests of llmonkeys.power: exact-KL power of likelihood-ratio tests."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import llmonkeys as lm
from llmonkeys import power as pw

_log_corrected = lm.distributions.log_corrected_beta_binomial_logpmf


def _zero_inflated_logpmf(n, pi, a, b):
    c = np.arange(n + 1.0)
    base = stats.betabinom.pmf(c, n, a, b)
    return c, np.log((1 - pi) * base + pi * (c == 0))


def test_kl_is_zero_when_the_truth_is_in_the_null():
    c = np.arange(51.0)
    kl, fit = pw.kl_projection(pw.beta_binomial_model(), 50, c,
                               stats.betabinom.logpmf(c, 50, 0.3, 3.0))
    assert 0.0 <= kl < 1e-9
    np.testing.assert_allclose(np.exp(fit.theta), [0.3, 3.0], rtol=1e-3)
    c, lg = _zero_inflated_logpmf(40, 0.2, 1.5, 4.0)
    kl_zi, fit_zi = pw.kl_projection(pw.zero_inflated_model(light=True), 40, c, lg)
    assert kl_zi < 1e-9
    np.testing.assert_allclose(fit_zi.theta[2], np.log(0.2 / 0.8), atol=1e-3)


def test_kl_is_positive_and_matches_a_direct_sum():
    c, lg = _zero_inflated_logpmf(30, 0.3, 1.0, 3.0)
    model = pw.beta_binomial_model()
    kl, fit = pw.kl_projection(model, 30, c, lg)
    assert kl > 1e-3
    direct = np.sum(np.exp(lg) * (lg - model.logpmf(fit.theta, c, 30.0)))
    np.testing.assert_allclose(kl, direct, rtol=1e-10)
    # No Beta law does better than the projection (a crude grid search).
    grid = [np.log([a, b]) for a in (0.2, 0.3, 0.5, 0.8) for b in (1.5, 3.0, 6.0)]
    others = [np.sum(np.exp(lg) * (lg - model.logpmf(t, c, 30.0))) for t in grid]
    assert kl <= min(others) + 1e-12


def test_count_grid_sums_a_count_law_accurately():
    c, w = pw.count_grid(100)
    np.testing.assert_array_equal(c, np.arange(101.0))
    np.testing.assert_array_equal(w, 1.0)
    c, w = pw.count_grid(10_000)
    assert c.size < 700 and c[0] == 0 and c[-1] == 10_000
    assert np.all(np.diff(c) > 0)
    for gamma in (0.0, 1.0, -1.0):
        lg = _log_corrected(c, 10_000, 0.3, 3.0, gamma)
        np.testing.assert_allclose(w @ np.exp(lg), 1.0, atol=2e-6)


def test_grid_kl_agrees_with_the_full_sum():
    n = 2_000
    full = np.arange(n + 1.0)
    c, w = pw.count_grid(n)
    model = pw.beta_binomial_model()
    kl_full, _ = pw.kl_projection(
        model, n, full, _log_corrected(full, n, 0.3, 3.0, 1.0))
    kl_grid, _ = pw.kl_projection(
        model, n, c, _log_corrected(c, n, 0.3, 3.0, 1.0), w)
    np.testing.assert_allclose(kl_grid, kl_full, rtol=1e-4)


def test_power_is_the_level_at_zero_and_grows_with_problems():
    for boundary in (False, True):
        np.testing.assert_allclose(pw.lr_power(0.0, boundary=boundary), 0.05,
                                   rtol=1e-10)
        lam = 2 * np.arange(1, 400) * 0.01
        power = pw.lr_power(lam, boundary=boundary)
        assert np.all(np.diff(power) > 0) and power[-1] < 1
    assert pw.critical_value(boundary=True) == pytest.approx(2.705543, rel=1e-6)
    assert pw.critical_value() == pytest.approx(3.841459, rel=1e-6)
    # df = 2 matches scipy's noncentral chi-square directly.
    np.testing.assert_allclose(pw.lr_power(5.0, df=2),
                               stats.ncx2.sf(stats.chi2.isf(0.05, 2), 2, 5.0))


@pytest.mark.parametrize("boundary", [False, True])
def test_problems_for_power_inverts_the_power(boundary):
    kl = np.array([1e-3, 0.05])
    p = pw.problems_for_power(kl, power=0.8, boundary=boundary)
    np.testing.assert_allclose(pw.lr_power(2 * p * kl, boundary=boundary), 0.8,
                               rtol=1e-8)
    np.testing.assert_allclose(p[0] / p[1], 50.0)


def test_power_agrees_with_simulation_on_a_tiny_case():
    # Truth: 30% impossible problems plus Beta(1, 3); null: Beta; n = 50.
    n = 50
    c, lg = _zero_inflated_logpmf(n, 0.3, 1.0, 3.0)
    null, full = pw.beta_binomial_model(), pw.zero_inflated_model()
    kl, _ = pw.kl_projection(null, n, c, lg)
    problems = int(np.ceil(pw.problems_for_power(kl, power=0.6, boundary=True)))
    predicted = float(pw.lr_power(2 * problems * kl, boundary=True))
    sim = pw.simulate_lr_test(null, full, lg, problems, 150, 7, boundary=True)
    assert sim.statistics.min() >= 0
    assert abs(sim.power - predicted) < 3 * sim.standard_error + 0.02


def test_log_corrected_mixture_contains_both_laws():
    model = pw.log_corrected_mixture_model(1.0)
    c = np.arange(21.0)
    theta = np.log([0.3, 3.0])
    np.testing.assert_allclose(model.logpmf(np.r_[theta, 0.0], c, 20.0),
                               stats.betabinom.logpmf(c, 20, 0.3, 3.0), rtol=1e-12)
    np.testing.assert_allclose(
        model.logpmf(np.r_[theta, 1.0], c, 20.0),
        _log_corrected(c, 20, 0.3, 3.0, 1.0), rtol=1e-12)
    mid = np.exp(model.logpmf(np.r_[theta, 0.4], c, 20.0))
    np.testing.assert_allclose(mid.sum(), 1.0, rtol=1e-12)


def test_bad_input_is_refused():
    model = pw.beta_binomial_model()
    with pytest.raises(ValueError, match="level"):
        pw.lr_power(1.0, level=0.7)
    with pytest.raises(ValueError, match="df = 1"):
        pw.critical_value(df=2, boundary=True)
    with pytest.raises(ValueError, match="noncentrality"):
        pw.lr_power(-1.0)
    with pytest.raises(ValueError, match="kl"):
        pw.problems_for_power(0.0)
    with pytest.raises(ValueError, match="power"):
        pw.problems_for_power(0.1, power=1.0)
    with pytest.raises(ValueError, match="sum to 1"):
        pw.kl_projection(model, 3, np.arange(4.0), np.log([0.5, 0.5, 0.5, 0.5]))
    with pytest.raises(ValueError, match="one entry per count"):
        pw.kl_projection(model, 3, np.arange(4.0), np.log([0.5, 0.5]))
    with pytest.raises(ValueError, match="c must be"):
        pw.fit_count_model(model, 3, [0, 5])
    with pytest.raises(ValueError, match="weights"):
        pw.fit_count_model(model, 3, [0, 1], weights=[1.0, -1.0])
    with pytest.raises(TypeError, match="CountModel"):
        pw.fit_count_model("Beta", 3, [0, 1])
    with pytest.raises(ValueError, match="ratio"):
        pw.count_grid(10, ratio=1.0)
    with pytest.raises(ValueError, match="log_power"):
        pw.log_corrected_mixture_model(0.5)
