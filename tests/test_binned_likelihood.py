"""Tests of llmonkeys.binned_likelihood: upstream's binned-histogram fits."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from llmonkeys.binned_likelihood import (
    binned_edges,
    binned_neg_log_likelihood,
    fit_binned_law,
)


def test_edges_follow_upstream():
    e = binned_edges(100)
    assert e[0] == 0 and e[-1] == 1 and e.size == 11
    np.testing.assert_allclose(e[1:], np.logspace(-2, 0, 10))
    k = binned_edges(1_000, "kumaraswamy")
    np.testing.assert_allclose(k[:2], [0.0, 5e-4])
    np.testing.assert_allclose(k[2:], np.logspace(-3, 0, 16))
    assert binned_edges(10_000).size == 1_001


@pytest.mark.parametrize("family", ["beta", "kumaraswamy"])
def test_nll_matches_a_full_histogram_reference(family):
    rng = np.random.default_rng(0)
    n = 1_000
    c = rng.binomial(n, 0.4 * rng.beta(0.3, 3.0, 200))
    rates = c / n
    edges = binned_edges(n, family)
    a, b = 0.45, 2.5
    # Reference: every bin, as upstream computes it.
    if family == "beta":
        cdf = stats.beta.cdf(edges, a, b, loc=0.0, scale=rates.max())
        x = rates
    else:
        cdf = 1.0 - (1.0 - edges**a) ** b
        x = rates / (rates.max() + 1e-6)
    counts = np.histogram(x, edges)[0]
    ref = -np.sum(counts * np.log(np.diff(cdf) + 1e-16))
    got = binned_neg_log_likelihood(n, c, a, b, family)
    np.testing.assert_allclose(got, ref, rtol=1e-10)


def test_fit_recovers_the_shape_when_rates_are_accurate():
    rng = np.random.default_rng(1)
    c = rng.binomial(100_000, 0.5 * rng.beta(1.5, 3.0, 3_000))
    fit = fit_binned_law(100_000, c, "beta")
    assert abs(fit.alpha - 1.5) < 0.3
    assert fit.converged and not fit.on_bound


def test_binned_fit_cannot_see_how_hard_unsolved_problems_are():
    rng = np.random.default_rng(2)
    c = rng.binomial(100, 0.3 * rng.beta(0.3, 3.0, 300))
    n_unsolved = int((c == 0).sum())
    assert n_unsolved > 0
    fit = fit_binned_law(100, c)
    # Unsolved problems all fall in the first bin [0, 1/n): only their
    # number enters, so the fit is the same whatever their true p.
    again = fit_binned_law(100, c.copy())
    assert fit.alpha == again.alpha


def test_errors():
    with pytest.raises(ValueError, match="every c is 0"):
        fit_binned_law(100, [0, 0, 0])
    with pytest.raises(ValueError, match="family"):
        fit_binned_law(100, [0, 1, 2], "gamma")
    with pytest.raises(ValueError, match="n_attempts"):
        binned_edges(1)
    with pytest.raises(ValueError, match="> 0"):
        binned_neg_log_likelihood(100, [0, 1, 2], -1.0, 1.0)
