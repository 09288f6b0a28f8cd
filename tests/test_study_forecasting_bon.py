"""Tests of llmonkeys.studies.forecasting_bon: the Gumbel tail, the backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from llmonkeys.studies import forecasting_bon as fb


def test_fit_gumbel_tail_recovers_an_exact_line():
    m = 1_000
    j = np.arange(1, m + 1)
    p = np.exp(-np.exp(-(-1.2 + 0.4 * np.log(m / j))))
    mu, beta = fb.fit_gumbel_tail(p, 10)
    assert mu == pytest.approx(-1.2, rel=1e-10)
    assert beta == pytest.approx(0.4, rel=1e-10)
    # Forecast at N: the same closed form.
    want = np.exp(-np.exp(-(-1.2 + 0.4 * np.log(10 * m))))
    assert fb.gumbel_tail_max(mu, beta, 10 * m) == pytest.approx(want, rel=1e-10)


def test_fit_gumbel_tail_on_gumbel_quantiles():
    # s = -log(-log p) ~ Gumbel(mu, beta): its upper j/m quantile is
    # mu - beta log(-log(1 - j/m)) = mu + beta log(m/j) + O(j/m), so the
    # fit to the top ranks of the exact quantiles recovers mu and beta.
    m, mu0, beta0 = 100_000, 0.5, 0.25
    j = np.arange(1, m + 1)
    s = mu0 - beta0 * np.log(-np.log1p(-j / (m + 1)))
    mu, beta = fb.fit_gumbel_tail(np.exp(-np.exp(-s)), 100)
    assert beta == pytest.approx(beta0, rel=1e-3)
    assert mu == pytest.approx(mu0, abs=1e-3)


def test_fit_gumbel_tail_errors():
    with pytest.raises(ValueError, match=r"\(0, 1\)"):
        fb.fit_gumbel_tail([0.5, 1.0], 2)
    with pytest.raises(ValueError, match="top"):
        fb.fit_gumbel_tail([0.5, 0.2], 3)
    with pytest.raises(ValueError, match="n_queries"):
        fb.gumbel_tail_max(0.0, 1.0, 0.5)


def test_bon_backtest_small_synthetic():
    from llmonkeys.simulation import simulate_early_stopping

    rng = np.random.default_rng(0)
    n, c, _ = simulate_early_stopping(0.3 * rng.beta(0.4, 3.0, 200), 10, 2_000, rng)
    counts = pd.DataFrame({"model": "m", "problem": np.arange(200), "n": n, "c": c})
    out = fb.bon_backtest(counts, [100], n_boot=2, seed=0, batch_size=10, cap=2_000,
                          cache=False)
    assert set(out["method"]) == set(fb.CURVE_METHODS)
    assert sorted(out["rep"].unique()) == [0, 1, 2]
    assert np.all(out["score"] >= 0) and np.all(out["within"].between(0, 1))
    summary = fb.paired_summary(out, ["m"])
    assert set(summary["method"]) == set(fb.CURVE_METHODS) - {"least-squares"}
    assert np.all(summary["low"] <= summary["high"])
