"""Tests of llmonkeys.zero_inflated: the zero-inflated beta-binomial."""

from __future__ import annotations

import numpy as np
import pytest

import llmonkeys as lm
from llmonkeys.zero_inflated import (
    fit_zero_inflated_beta_binomial,
    zero_inflated_beta_binomial_logpmf,
)


def test_logpmf_is_a_mixture_and_sums_to_one():
    c = np.arange(41)
    lp = zero_inflated_beta_binomial_logpmf(c, 40, 0.3, 0.4, 2.0, 0.5)
    np.testing.assert_allclose(np.exp(lp).sum(), 1.0, rtol=1e-12)
    base = np.exp(lm.scaled_beta_binomial_logpmf(c, 40, 0.4, 2.0, 0.5))
    expected = 0.7 * base + 0.3 * (c == 0)
    np.testing.assert_allclose(np.exp(lp), expected, rtol=1e-12)
    np.testing.assert_allclose(
        zero_inflated_beta_binomial_logpmf(c, 40, 0.0, 0.4, 2.0, 0.5),
        np.log(base), rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_fit_recovers_the_point_mass(seed):
    rng = np.random.default_rng(seed)
    p = np.where(rng.random(600) < 0.25, 0.0, rng.beta(0.6, 3.0, 600))
    c = rng.binomial(2_000, p)
    fit = fit_zero_inflated_beta_binomial(2_000, c)
    assert abs(fit.zero_fraction - 0.25) < 0.06
    assert abs(fit.alpha - 0.6) < 0.2
    assert fit.likelihood_ratio > 10
    assert fit.nll <= fit.nll_no_zeros


def test_no_point_mass_without_impossible_problems():
    rng = np.random.default_rng(3)
    c = rng.binomial(1_000, rng.beta(2.0, 3.0, 300))
    fit = fit_zero_inflated_beta_binomial(1_000, c)
    assert fit.zero_fraction < 0.01
    assert 0.0 <= fit.likelihood_ratio < 1.0
    plain = lm.fit_scaled_beta_binomial(1_000, c, scale=1.0)
    np.testing.assert_allclose(fit.nll_no_zeros, plain.nll, rtol=1e-6)


def test_curve_levels_off_at_the_point_mass():
    rng = np.random.default_rng(4)
    p = np.where(rng.random(400) < 0.3, 0.0, rng.beta(0.5, 3.0, 400))
    fit = fit_zero_inflated_beta_binomial(500, rng.binomial(500, p))
    plateau = -np.log1p(-fit.zero_fraction)
    y = fit.distribution.neg_log_pass_at_k(np.array([1e4, 1e8]))
    assert np.all(y > plateau) and y[1] < y[0]
    np.testing.assert_allclose(y[1], plateau, rtol=5e-3)


def test_errors():
    with pytest.raises(ValueError, match="maximum"):
        fit_zero_inflated_beta_binomial(10, [0, 0, 0])
    with pytest.raises(ValueError, match="scale"):
        fit_zero_inflated_beta_binomial(10, [0, 1, 2], scale=1.5)
    with pytest.raises(ValueError, match="zero_fraction"):
        zero_inflated_beta_binomial_logpmf(0, 10, 1.0, 1.0, 1.0)
    with pytest.raises(ValueError):
        fit_zero_inflated_beta_binomial(10, [0, 11])
